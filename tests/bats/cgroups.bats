#!/usr/bin/env bats
# Job cgroups (ctxrun.1 CONTAINMENT): names unique whatever the PID
# namespace, a reason on -v when a job goes without one, and no empty cgroup
# left for long by a ctxrun killed with SIGKILL.  Every cgroup a test makes
# or finds is listed in .cgroups, which the teardown removes.

load helpers

# Waits (inside a job) until the file named by $0 is written, at most 3 s.
WAITFILE='i=0; while [ ! -s "$0" ] && [ $i -lt 300 ]; do sleep 0.01; i=$((i+1)); done'

# killed_job_cgroup: runs a job under a daemon-less ctxrun, SIGKILLs that
# ctxrun (its command goes with it, by its parent-death signal) and sets
# STALE to the job's cgroup directory, empty and left behind.
killed_job_cgroup() {
	local pid m
	CTX_SOCKET=none ctxrun_bg out err -t 10s sh -c '
		sed -n "s/^0:://p" /proc/self/cgroup >cg; echo $$ >pid; exec sleep 10'
	pid=$(read_pid pid)
	wait_file cg 3 || fail "the job never said its cgroup"
	m=$(cgroup2_mount)
	STALE=$m$(cat cg)
	[[ $STALE == */ctx-* ]] || fail "the job is in no cgroup of its own: $STALE"
	echo "$STALE" >>"$BATS_TEST_TMPDIR/.cgroups"
	kill -KILL "$CTX_BG_PID"
	wait "$CTX_BG_PID" || true
	wait_gone "$pid" 2 || fail "the command outlived its ctxrun"
	[ -d "$STALE" ] || fail "precondition: $STALE is not there"
	[ -z "$(cgroup_procs "$STALE")" ] || fail "precondition: $STALE not empty"
}

@test "cgroups: ctxruns that are PID 1 of their own namespaces, under one cgroup parent, each get a cgroup" {
	need_cgroup
	unshare --pid --fork --mount-proc true 2>/dev/null ||
		skip "cannot make a PID namespace here"
	local i pids=()
	# Each has a daemon of its own, outside its namespace (a PID 1 starts
	# none), so each job is context 1 in PID 1.
	for i in 1 2; do
		mkdir -m 0700 run$i ns$i
		XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/run$i "$CTXD" ||
			fail "no daemon for run $i"
		track_socket "$BATS_TEST_TMPDIR/run$i/ctx/ctxd.sock"
	done
	for i in 1 2; do
		(cd ns$i && XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/run$i \
			env --default-signal unshare --pid --fork --mount-proc \
			"$CTXRUN" -v -t 5s -k 0.2s sh -c '
			echo "$PPID $CTX_ID" >me
			sed -n "s/^0:://p" /proc/self/cgroup >cg
			'"$WAITFILE" ../ns$((3 - i))/cg 2>err) &
		pids+=($!)
	done
	for i in 0 1; do
		wait_status "${pids[$i]}" 10
		[ "$BG_STATUS" -eq 0 ] || fail "run $((i + 1)): status $BG_STATUS"
	done
	for i in 1 2; do
		[ "$(cat ns$i/me)" = "1 1" ] ||
			fail "run $i was not pid 1 with context 1: $(cat ns$i/me)"
		grep -qF "containment cgroup" ns$i/err ||
			fail "run $i went without a cgroup: $(cat ns$i/err)"
	done
	[[ $(cat ns1/cg) == */ctx-1.1* ]] || fail "cgroup $(cat ns1/cg)"
	[ "$(cat ns1/cg)" != "$(cat ns2/cg)" ] || fail "both in $(cat ns1/cg)"
}

@test "cgroups: -v says why a job goes without a cgroup" {
	need_cgroup
	local parent dir
	parent=$(cgroup2_self)
	dir="$parent/ctxtest-$$-$RANDOM$RANDOM"
	mkdir "$dir" || skip "cannot make a cgroup"
	echo "$dir" >>"$BATS_TEST_TMPDIR/.cgroups"
	# No cgroup can be made below this one.
	echo 0 >"$dir/cgroup.max.depth" || skip "no cgroup.max.depth"
	run --separate-stderr sh -c 'echo $$ >"$1/cgroup.procs" || exit 99
		exec env --default-signal "$CTXRUN" -v true' sh "$dir"
	assert_success
	assert_stderr_contains "containment subreaper (no cgroup: $dir/ctx-"
	run --separate-stderr env CTX_CGROUP=0 "$CTXRUN" -v true
	assert_success
	assert_stderr_contains "containment subreaper (no cgroup: CTX_CGROUP=0)"
}

@test "cgroups: the next ctxrun with no daemon removes the empty cgroup of a ctxrun killed with SIGKILL" {
	need_cgroup
	killed_job_cgroup
	# a ctxrun passes over cgroups younger than 10 s: a daemon's, maybe
	touch -d '-30 seconds' "$STALE"
	CTX_SOCKET=none run ctxrun true
	assert_success
	[ ! -e "$STALE" ] || fail "$STALE is still there"
}

@test "cgroups: a ctxrun with no daemon passes over an empty cgroup made less than 10 s ago" {
	need_cgroup
	killed_job_cgroup
	CTX_SOCKET=none run ctxrun true
	assert_success
	[ -e "$STALE" ] || fail "$STALE was removed: it may be a daemon's to remove"
}

@test "cgroups: ctxd removes the empty cgroup of a ctxrun killed with SIGKILL when it starts" {
	need_cgroup
	killed_job_cgroup
	run "$CTXCTL" new -n starter
	assert_success
	local n=100
	while [ -e "$STALE" ] && ((n-- > 0)); do sleep 0.02; done
	[ ! -e "$STALE" ] || fail "$STALE is still there"
}

@test "cgroups: the empty cgroup of a live ctxrun is left alone" {
	need_cgroup
	local m own
	m=$(cgroup2_mount)
	# The command leaves its cgroup for ctxrun's: the job's cgroup is
	# empty while its ctxrun lives (the subreaper still holds the job).
	CTX_SOCKET=none ctxrun_bg out err -t 5s sh -c '
		cg=$(sed -n "s/^0:://p" /proc/self/cgroup)
		echo "$cg" >cg
		echo $$ >"$0${cg%/*}/cgroup.procs" && echo moved >moved
		exec sleep 5' "$m"
	wait_file moved 3 || fail "the command could not leave its cgroup"
	own=$m$(cat cg)
	[ -z "$(cgroup_procs "$own")" ] || fail "precondition: $own not empty"
	run ctxrun true
	assert_success
	[ -d "$own" ] || fail "the cgroup of a live ctxrun was removed"
	kill -TERM "$CTX_BG_PID"
	wait_status "$CTX_BG_PID" 5
	[ ! -e "$own" ] || fail "ctxrun left $own behind"
}

@test "cgroups: a process the job moved into a cgroup below its own gets the first signal, not only the KILL" {
	need_cgroup
	local m
	m=$(cgroup2_mount)
	# The grace is long: a TERM that reaches the process lets it write
	# "term" at once; only the KILL would leave the file empty, after 5 s.
	timer_start
	run ctxrun -t 0.3s -k 5s sh -c '
		cg=$0$(sed -n "s/^0:://p" /proc/self/cgroup)
		echo "$cg" >cg
		mkdir "$cg/sub" && sh -c "
			echo \$\$ >\"$cg/sub/cgroup.procs\" || exit 1
			trap \"echo term >got; exit 0\" TERM
			echo \$\$ >pid
			while :; do sleep 0.05; done" &
		i=0; while [ ! -s pid ] && [ $i -lt 300 ]; do sleep 0.01; i=$((i+1)); done
		exec sleep 10' "$m"
	assert_failure 124
	assert_elapsed_lt 3000
	[ "$(cat got)" = term ] || fail "the process below the job's cgroup never got the TERM"
	assert_dead pid
	# The cgroup the job made goes with the job's (ctxd removes both).
	wait_removed "$(cat cg)" 1.5 || fail "$(cat cg) and its sub-cgroup were left behind"
}

@test "cgroups: with no daemon, a job's cgroup goes with a cgroup the job made in it" {
	need_cgroup
	local m
	m=$(cgroup2_mount)
	CTX_SOCKET=none run ctxrun -t 5s sh -c '
		cg=$0$(sed -n "s/^0:://p" /proc/self/cgroup)
		echo "$cg" >cg
		mkdir "$cg/sub"' "$m"
	assert_success
	[ ! -e "$(cat cg)" ] || fail "ctxrun left $(cat cg) behind"
}
