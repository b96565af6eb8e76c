#!/usr/bin/env bats
# ctxrun as PID 1 of a PID namespace, a container's entrypoint (SPEC §12):
# it reaps every orphan, returns as soon as its job's last process is gone,
# with or without a /proc of its own, and a daemon is never part of its job.
#
# Every case runs in four namespaces: with and without --mount-proc, and in
# each with the default containment (a cgroup where cgroup v2 is writable)
# and with CTX_CGROUP=0.  A time is never compared with a constant alone:
# tini runs, in the same test and the same kind of namespace, a process
# that lives as long as the job should, and ctxrun may take at most 50 ms
# more.  Everything runs below a cgroup of the test's own, so that the
# teardown removes what a failed ctxrun leaves behind.

load helpers

# How long a run may take before it counts as hung: unshare is SIGKILLed,
# and --kill-child takes the namespace with it.
HANG=3

# Waits (inside the job) until a process of it has written ./ready, 1 s at
# most.
WAIT_READY='i=0; while [ ! -e ready ] && [ $i -lt 100 ]; do sleep 0.01; i=$((i+1)); done'

setup() {
	local out
	ctx_setup || return 1
	NS_OPTS=(--pid --fork --kill-child)
	if ((EUID != 0)); then
		NS_OPTS=(--user --map-root-user "${NS_OPTS[@]}")
	fi
	if ! out=$(unshare "${NS_OPTS[@]}" true 2>&1); then
		skip "unshare ${NS_OPTS[*]} is not permitted here (a new PID namespace needs root or unprivileged user namespaces): $out"
	fi
	command -v tini >/dev/null ||
		skip "tini is not installed (make deps installs it): the times are compared with it"
	TEST_CG=
	if cgroup2_writable; then
		TEST_CG="$(cgroup2_self)/ctxtest-pid1-$$-$RANDOM"
		mkdir "$TEST_CG" || return 1
		echo "$TEST_CG" >>"$BATS_TEST_TMPDIR/.cgroups"
	fi
}

# ns VARIANT CMD...: runs CMD as PID 1 of a new PID namespace (VARIANT is
# "proc" for --mount-proc, "noproc" without), below the test's cgroup, for
# at most $HANG s; `run --separate-stderr` sets status, output and stderr,
# and NS_MS is how long it took, in milliseconds.
ns() {
	local mp=() t0 t1
	[[ $1 == proc ]] && mp=(--mount-proc)
	shift
	t0=${EPOCHREALTIME/./}
	run --separate-stderr env --default-signal timeout -s KILL "$HANG" \
		sh -c '[ -z "$1" ] || echo 0 >"$1/cgroup.procs" || exit 125
			shift; exec "$@"' sh "$TEST_CG" \
		unshare "${NS_OPTS[@]}" "${mp[@]}" "$@"
	t1=${EPOCHREALTIME/./}
	NS_MS=$(((t1 - t0) / 1000))
}

# ns_tini VARIANT CMD...: how long tini as PID 1 takes to run CMD, in
# TINI_MS.
ns_tini() {
	ns "$@"
	TINI_MS=$NS_MS
}

# no_job_cgroup: nothing of the job's cgroup is left below the test's
# (a daemon removes an attached job's within a second: cleanup.c).
no_job_cgroup() {
	[[ -z $TEST_CG ]] && return 0
	local left dir
	for dir in $(find "$TEST_CG" -mindepth 1 -maxdepth 1 -type d); do
		wait_removed "$dir" 1.5
	done
	left=$(find "$TEST_CG" -mindepth 1 -type d)
	[[ -z $left ]] || fail "job cgroup left behind: $left"
}

# within_tini MIN_MS: the run took at least MIN_MS, and at most 50 ms more
# than tini's.
within_tini() {
	((NS_MS >= $1)) || fail "$V: took $NS_MS ms, less than $1 ms"
	((NS_MS <= TINI_MS + 50)) ||
		fail "$V: took $NS_MS ms, tini $TINI_MS ms: more than 50 ms later"
}

# each_ns CASE: runs the function CASE once in each of the four kinds of
# namespace, with PROC (proc or noproc) and V (a label for messages) set.
each_ns() {
	local mode
	for PROC in proc noproc; do
		for mode in cgroup subreaper; do
			use_mode "$mode"
			V="$PROC/$mode"
			"$1"
			no_job_cgroup
		done
	done
}

case_returns_with_command() {
	ns_tini "$PROC" tini -- sleep 0.2
	ns "$PROC" "$CTXRUN" -t 5s sleep 0.2
	[[ $status == 0 ]] || fail "$V: status $status: $stderr"
	within_tini 200
}

@test "pid1: ctxrun returns within 50 ms of its command's exit, as tini does" {
	each_ns case_returns_with_command
}

case_orphan() {
	# the command exits once the double-forked orphan ignores TERM; the
	# orphan lives 0.3 s more: it is the job's last process. (tini exits
	# with its child: the same process is that child, waited for.)
	rm -f ready
	ns_tini "$PROC" tini -- sh -c '
		sh -c "trap \"\" TERM; : >ready; exec sleep 0.3" &
		'"$WAIT_READY"'
		wait'
	rm -f ready
	ns "$PROC" "$CTXRUN" -t 5s -k 5s sh -c '
		(sh -c "trap \"\" TERM; : >ready; exec sleep 0.3" &)
		'"$WAIT_READY"'
		exit 3'
	[[ $status == 3 ]] || fail "$V: status $status: $stderr"
	within_tini 300
}

@test "pid1: an orphan is waited for, and ctxrun returns within 50 ms of it" {
	each_ns case_orphan
}

case_deadline() {
	# TERM at 0.2 s, which the setsid'd orphan ignores, KILL at 0.4 s
	ns_tini "$PROC" tini -- sleep 0.4
	ns "$PROC" "$CTXRUN" -t 0.2s -k 0.2s sh -c '
		setsid sh -c "trap \"\" TERM; exec sleep 5" &
		exec sleep 5'
	[[ $status == 124 ]] || fail "$V: status $status: $stderr"
	within_tini 400
}

@test "pid1: the deadline kills the job, a setsid'd orphan too, after the grace" {
	each_ns case_deadline
}

case_status() {
	ns "$PROC" "$CTXRUN" -t 5s sh -c 'exit 7'
	[[ $status == 7 ]] || fail "$V: exit: status $status: $stderr"
	ns "$PROC" "$CTXRUN" -t 5s sh -c 'kill -USR2 $$'
	[[ $status == $((128 + $(kill -l USR2))) ]] ||
		fail "$V: killed by USR2: status $status: $stderr"
}

@test "pid1: ctxrun exits with its command's status" {
	each_ns case_status
}

case_no_daemon() {
	ns "$PROC" "$CTXRUN" -t 5s sh -c 'echo "$CTX_SOCKET" >sock'
	[[ $status == 0 ]] || fail "$V: status $status: $stderr"
	[[ $(cat sock) == none ]] || fail "$V: the job's CTX_SOCKET is '$(cat sock)'"
	[[ ! -e $(ctx_sock) ]] || fail "$V: a daemon was started at $(ctx_sock)"
}

@test "pid1: with no daemon to join, ctxrun starts none, and the job's CTX_SOCKET is none" {
	each_ns case_no_daemon
}

case_outside_daemon() {
	# a leftover that dies on TERM: the job ends at once, and the daemon,
	# outside the namespace, hears how
	ns "$PROC" "$CTXRUN" -n "in-$PROC" -t 5s -k 5s sh -c '
		"$CTXCTL" ls >ls
		(setsid sleep 5 &)
		exit 0'
	[[ $status == 0 ]] || fail "$V: status $status: $stderr"
	((NS_MS < 1000)) || fail "$V: took $NS_MS ms"
	grep -q "in-$PROC" ls || fail "$V: the job is not in the tree: $(cat ls)"
	run ctxctl status "in-$PROC"
	[[ $output == *"err: exited 0"* ]] || fail "$V: status: $output"
	pid_alive "$dpid" || fail "$V: the daemon outside is gone"
}

@test "pid1: a daemon outside the namespace is joined, and is not part of the job" {
	local dpid
	ctxctl new -t 5s >/dev/null		# starts the daemon, outside
	dpid=$(daemon_pid) || fail "no daemon"
	each_ns case_outside_daemon
}

@test "pid1: without a /proc of its own, ctxrun never reads the host's /proc for processes" {
	command -v strace >/dev/null || skip "strace is not installed"
	use_mode subreaper
	# the command leaves a setsid'd process behind, for ctxrun to find
	# (LeakSanitizer, in a SAN=1 build, cannot work under ptrace)
	run --separate-stderr timeout -s KILL "$HANG" \
		env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=openat,open -o trace \
		unshare "${NS_OPTS[@]}" "$CTXRUN" -t 5s -k 0.2s sh -c '
			(setsid sleep 5 &)
			exit 0'
	[[ $status == 0 ]] || fail "status $status: $stderr"
	if grep -E '"/proc"|"/proc/[0-9]+/' trace >scans; then
		fail "read the host's /proc: $(head -n 5 scans)"
	fi
}

@test "pid1: ctxrun is the entrypoint of a root that holds nothing but itself (FROM scratch)" {
	local root
	if ldd "$CTXRUN" >/dev/null 2>&1; then
		skip "this ctxrun is linked dynamically (a sanitizer build, or STATIC_CTXRUN=0)"
	fi
	root=$BATS_TEST_TMPDIR/scratch
	mkdir "$root"
	cp "$CTXRUN" "$root/ctxrun"
	# No libc, no /proc, no /tmp, no daemon: a job (ctxrun itself, nested
	# under a deadline) runs.
	run --separate-stderr timeout -s KILL "$HANG" unshare "${NS_OPTS[@]}" \
	    chroot "$root" /ctxrun -t 5s /ctxrun -v -t 1s /ctxrun -V
	assert_success
	assert_output "$(ctxrun -V)"
	assert_stderr_contains "containment subreaper (no cgroup: no cgroup v2 hierarchy is mounted)"
}
