#!/usr/bin/env bats
# Nothing the job starts survives it (SPEC §3, §5).  Every case runs twice:
# with the default containment (a cgroup where cgroup v2 is writable) and
# with CTX_CGROUP=0 (child subreaper + /proc).  Death is proven by the pids
# the processes wrote themselves, never by name.

load helpers

# Wait (inside the job) until FILE is written, at most 2 s.
WAITPID='i=0; while [ ! -s "$0" ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done'

# stat_field FILE N: field N (3 = state, 4 = ppid, 5 = pgrp, 6 = session) of
# a copy of /proc/PID/stat.
stat_field() {
	local line
	read -r line <"$1"
	line=${line##*) }
	local -a f
	read -r -a f <<<"$line"
	echo "${f[$(($2 - 3))]}"
}

case_setsid() {
	timer_start
	run ctxrun -t 0.3s -k 0.5s sh -c '
		cat /proc/$$/stat > outer.stat
		setsid sh -c "cat /proc/\$\$/stat > inner.stat; echo \$\$ > pid; exec sleep 5" &
		'"$WAITPID"'
		exec sleep 5' pid
	assert_failure 124
	assert_elapsed_lt 1300
	assert_dead pid
	# the escape really happened: a new session
	[ "$(stat_field inner.stat 6)" != "$(stat_field outer.stat 6)" ] ||
		fail "setsid did not make a new session"
}

@test "containment [cgroup]: a setsid'd child dies at the deadline" {
	use_mode cgroup
	case_setsid
}

@test "containment [subreaper]: a setsid'd child dies at the deadline" {
	use_mode subreaper
	case_setsid
}

case_double_fork() {
	timer_start
	run ctxrun -t 0.2s -k 0.5s sh -c '
		(sh -c "echo \$\$ > pid; exec sleep 5" &)
		'"$WAITPID"'
		exec sleep 5' pid
	assert_failure 124
	assert_elapsed_lt 1300
	assert_dead pid
}

@test "containment [cgroup]: a double-forked child dies at the deadline" {
	use_mode cgroup
	case_double_fork
}

@test "containment [subreaper]: a double-forked child dies at the deadline" {
	use_mode subreaper
	case_double_fork
}

case_double_fork_setsid_after_exit() {
	# the command exits at once; its double-forked, setsid'd grandchild is a
	# leftover that must still be found and ended
	timer_start
	run ctxrun -t 5s -k 0.5s sh -c '
		(setsid sh -c "echo \$\$ > pid; exec sleep 5" &)
		'"$WAITPID"'
		exit 0' pid
	assert_success
	assert_elapsed_lt 1500
	assert_dead pid
}

@test "containment [cgroup]: a double-forked setsid'd leftover is ended after the command exits" {
	use_mode cgroup
	case_double_fork_setsid_after_exit
}

@test "containment [subreaper]: a double-forked setsid'd leftover is ended after the command exits" {
	use_mode subreaper
	case_double_fork_setsid_after_exit
}

case_pgrp() {
	timer_start
	run ctxrun -t 0.3s -k 0.5s sh -c '
		perl -e '\''setpgrp(0, 0) or die "setpgrp: $!";
			open(my $f, ">", "pgid.tmp") or die; print $f getpgrp(), "\n"; close $f;
			rename("pgid.tmp", "pgid");
			open($f, ">", "pid.tmp") or die; print $f "$$\n"; close $f;
			rename("pid.tmp", "pid");
			exec "sleep", "5"'\'' &
		'"$WAITPID"'
		exec sleep 5' pid
	assert_failure 124
	assert_elapsed_lt 1300
	assert_dead pid
	# the escape really happened: the process led its own group
	assert_equal "$(cat pgid)" "$(cat pid)"
}

@test "containment [cgroup]: a child in its own process group dies at the deadline" {
	use_mode cgroup
	case_pgrp
}

@test "containment [subreaper]: a child in its own process group dies at the deadline" {
	use_mode subreaper
	case_pgrp
}

case_term_ignored() {
	timer_start
	run ctxrun -t 0.3s -k 0.2s sh -c '
		trap "" TERM
		setsid sh -c "echo \$\$ > pid2; exec sleep 5" &
		echo $$ > pid
		'"$WAITPID"'
		exec sleep 5' pid2
	assert_failure 124
	# killed after the grace, not before it, and not much later
	assert_elapsed_ge 480
	assert_elapsed_lt 1000
	assert_dead pid pid2
}

@test "containment [cgroup]: TERM-ignoring processes are killed after the grace" {
	use_mode cgroup
	case_term_ignored
}

@test "containment [subreaper]: TERM-ignoring processes are killed after the grace" {
	use_mode subreaper
	case_term_ignored
}

case_leftovers() {
	timer_start
	run --separate-stderr ctxrun -v -t 5s -k 0.3s sh -c '
		setsid sh -c "echo \$\$ > pid; exec sleep 5" &
		(trap "" TERM; exec sh -c "echo \$\$ > pid2; exec sleep 5") &
		'"$WAITPID"'
		i=0; while [ ! -s pid2 ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done
		exit 7' pid
	# the command's own status, though leftovers had to be killed
	assert_failure 7
	assert_stderr_contains "ctxrun: command exited with status 7, ending the processes it left"
	assert_stderr_contains "did not stop after 0.3s, sending KILL to 1 process"
	assert_elapsed_ge 280
	assert_elapsed_lt 1500
	assert_dead pid pid2
}

@test "containment [cgroup]: leftovers are ended after the command exits, status is the command's" {
	use_mode cgroup
	case_leftovers
}

@test "containment [subreaper]: leftovers are ended after the command exits, status is the command's" {
	use_mode subreaper
	case_leftovers
}

case_pipe() {
	timer_start
	run bash -c '
		env --default-signal "$CTXRUN" -t 1h sh -c "sleep 5 & echo \$! > pid; echo hi" | cat
		echo "status=${PIPESTATUS[0]}"'
	assert_success
	assert_elapsed_lt 1500
	assert_line --index 0 hi
	assert_line --index 1 status=0
	assert_equal "${#lines[@]}" 2
	assert_dead pid
}

@test "containment [cgroup]: ctxrun -t 1h sh -c 'sleep & echo hi' | cat returns at once" {
	use_mode cgroup
	case_pipe
}

@test "containment [subreaper]: ctxrun -t 1h sh -c 'sleep & echo hi' | cat returns at once" {
	use_mode subreaper
	case_pipe
}

case_stopped_grandchild() {
	timer_start
	ctxrun_bg out err -t 0.4s -k 3s sh -c '
		sh -c "echo \$\$ > pid; kill -STOP \$\$; exec sleep 5" &
		exec sleep 5'
	local cpid=$CTX_BG_PID child n=100
	child=$(read_pid pid)
	while [[ $(proc_state "$child") != T ]] && ((n-- > 0)); do sleep 0.01; done
	[[ $(proc_state "$child") == T ]] || fail "the child never stopped"
	wait_status "$cpid" 5
	[ "$BG_STATUS" -eq 124 ] || fail "status $BG_STATUS, expected 124; stderr: $(cat err)"
	# SIGCONT follows the first signal: no need to wait for the 3 s grace
	assert_elapsed_lt 1400
	assert_dead pid
}

@test "containment [cgroup]: a stopped process dies with the first signal (SIGCONT follows it)" {
	use_mode cgroup
	case_stopped_grandchild
}

@test "containment [subreaper]: a stopped process dies with the first signal (SIGCONT follows it)" {
	use_mode subreaper
	case_stopped_grandchild
}

case_stopped_child() {
	timer_start
	run ctxrun -t 0.2s -k 3s sh -c 'echo $$ > pid; kill -STOP $$; exit 0'
	assert_failure 124
	assert_elapsed_lt 1300
	assert_dead pid
}

@test "containment [cgroup]: a command that stops itself still ends at the deadline" {
	use_mode cgroup
	case_stopped_child
}

@test "containment [subreaper]: a command that stops itself still ends at the deadline" {
	use_mode subreaper
	case_stopped_child
}

case_verbose() {
	run --separate-stderr ctxrun -v -t 0.3s -k 0.2s sh -c 'trap "" TERM; echo $$ > pid; exec sleep 5'
	assert_failure 124
	assert_stderr_contains "ctxrun: own deadline exceeded"
	assert_stderr_contains "ctxrun: sending TERM to 1 process"
	refute_stderr_contains "sending TERM to 1 processes"
	assert_stderr_contains "ctxrun: did not stop after 0.2s, sending KILL to 1 process"
	assert_dead pid
}

@test "containment [cgroup]: -v reports the signals and the KILL after the grace" {
	use_mode cgroup
	case_verbose
}

@test "containment [subreaper]: -v reports the signals and the KILL after the grace" {
	use_mode subreaper
	case_verbose
}

case_verbose_count() {
	run --separate-stderr ctxrun -v -t 0.2s -k 1s sh -c '
		sleep 5 & echo $! >> pids
		setsid sleep 5 & echo $! >> pids
		echo $$ >> pids
		exec sleep 5'
	assert_failure 124
	assert_stderr_contains "ctxrun: sending TERM to 3 processes"
	refute_stderr_contains "sending KILL"
	assert_dead pids
}

@test "containment [cgroup]: -v counts every process of the job" {
	use_mode cgroup
	case_verbose_count
}

@test "containment [subreaper]: -v counts every process of the job" {
	use_mode subreaper
	case_verbose_count
}

case_fork_storm() {
	need_pids_cgroup
	# ctxd first, outside the pids cgroup: the ctxrun in it would start
	# one there, and the cgroup would not be empty afterwards
	"$CTXCTL" new -n keepalive >/dev/null
	timer_start
	run with_pids_cgroup 300 env --default-signal "$CTXRUN" -t 0.3s -k 0.2s sh -c '
		trap "" TERM
		i=0
		while [ $i -lt 200 ]; do
			sleep 5 & echo $! >> pids
			i=$((i+1))
		done
		wait'
	assert_failure 124
	assert_elapsed_lt 2500
	local n
	n=$(grep -c . pids)
	((n >= 20)) || fail "only $n processes were forked"
	assert_dead pids
	assert_equal "$(cat cgroup.leftover)" 0
}

@test "containment [cgroup]: a bounded fork storm is fully gone when ctxrun returns" {
	use_mode cgroup
	case_fork_storm
}

@test "containment [subreaper]: a bounded fork storm is fully gone when ctxrun returns" {
	use_mode subreaper
	case_fork_storm
}

case_respawner() {
	need_pids_cgroup
	# ctxd first, outside the pids cgroup: the ctxrun in it would start
	# one there, and the cgroup would not be empty afterwards
	"$CTXCTL" new -n keepalive >/dev/null
	# keeps forking through the grace period: those are caught too
	timer_start
	run with_pids_cgroup 300 env --default-signal "$CTXRUN" -t 0.2s -k 0.3s sh -c '
		trap "" TERM
		i=0
		while [ $i -lt 150 ]; do
			sleep 5 & echo $! >> pids
			sleep 0.02
			i=$((i+1))
		done'
	assert_failure 124
	assert_elapsed_lt 1500
	assert_dead pids
	assert_equal "$(cat cgroup.leftover)" 0
}

@test "containment [cgroup]: processes forked during the grace period are killed too" {
	use_mode cgroup
	case_respawner
}

@test "containment [subreaper]: processes forked during the grace period are killed too" {
	use_mode subreaper
	case_respawner
}

case_outsider() {
	# same process group and session as ctxrun, but not in the job
	sleep 5 &
	local outsider=$!
	run ctxrun -t 0.2s -k 0.2s sh -c 'setsid sleep 5 & echo $! > pid; exec sleep 5'
	local alive=0
	pid_alive "$outsider" && alive=1
	kill -KILL "$outsider"
	wait "$outsider" || true
	assert_failure 124
	assert_dead pid
	[ "$alive" -eq 1 ] || fail "a process outside the job was killed"
}

@test "containment [cgroup]: a process outside the job, in ctxrun's own process group, is not touched" {
	use_mode cgroup
	case_outsider
}

@test "containment [subreaper]: a process outside the job, in ctxrun's own process group, is not touched" {
	use_mode subreaper
	case_outsider
}

@test "containment: the default uses a cgroup where cgroup v2 is writable, and removes it" {
	use_mode cgroup
	# no daemon: ctxrun removes the job's cgroup before it returns
	CTX_SOCKET=none run --separate-stderr ctxrun -v sh -c 'echo $CTX_ID; sed -n "s/^0:://p" /proc/self/cgroup'
	assert_success
	local id=${lines[0]} cg=${lines[1]} m
	if cgroup2_writable; then
		assert_stderr_contains "ctxrun: job $id: containment cgroup"
		[[ $cg == */ctx-*"${id#x}".* ]] || fail "job cgroup '$cg' is not ctx-<pid>.<id>.<random>"
		m=$(cgroup2_mount)
		[ ! -e "$m$cg" ] || fail "job cgroup $m$cg still exists"
	else
		assert_stderr_contains "ctxrun: job $id: containment subreaper"
	fi
}

@test "containment: an attached job's empty cgroup is removed by ctxd, within a second" {
	need_cgroup
	local m cg
	m=$(cgroup2_mount)
	run --separate-stderr ctxrun sh -c 'sed -n "s/^0:://p" /proc/self/cgroup'
	assert_success
	cg=$output
	[[ $cg == */ctx-* ]] || fail "no job cgroup: $cg"
	wait_removed "$m$cg" 1.5 || fail "job cgroup $m$cg still exists after 1.5 s"
}

@test "containment: ctxd puts off removing cgroups while clients keep connecting" {
	need_cgroup
	local m cg i
	m=$(cgroup2_mount)
	run --separate-stderr ctxrun sh -c 'sed -n "s/^0:://p" /proc/self/cgroup'
	assert_success
	cg=$output
	[[ $cg == */ctx-* ]] || fail "no job cgroup: $cg"
	# A client every 20 ms, as jobs starting in a burst: no rmdir, whose
	# lock would hold up their mkdirs, for as long as they come.
	for ((i = 0; i < 20; i++)); do
		ctxctl ls >/dev/null 2>&1
		sleep 0.02
	done
	[ -e "$m$cg" ] || fail "ctxd removed $m$cg while clients kept connecting"
	wait_removed "$m$cg" 1.5 || fail "job cgroup $m$cg still exists 1.5 s after the clients stopped"
}

@test "containment: a daemon that stops removes the job cgroups left to it first" {
	need_cgroup
	local m cg pid
	m=$(cgroup2_mount)
	ctxctl new -n keep >/dev/null
	pid=$(daemon_pid)
	kill -STOP "$pid"	# ctxrun tells it, and it removes nothing yet
	run --separate-stderr ctxrun sh -c 'sed -n "s/^0:://p" /proc/self/cgroup'
	cg=$output
	[ -e "$m$cg" ] || fail "ctxrun removed $cg itself"
	kill -CONT "$pid"
	ctxctl daemon stop >/dev/null
	[ ! -e "$m$cg" ] || fail "job cgroup $m$cg left by a daemon that stopped"
}

@test "containment: CTX_CGROUP=0 uses the subreaper and /proc" {
	use_mode subreaper
	run --separate-stderr ctxrun -v sh -c 'echo $CTX_ID; sed -n "s/^0:://p" /proc/self/cgroup'
	assert_success
	local id=${lines[0]} cg=${lines[1]}
	assert_stderr_contains "ctxrun: job $id: containment subreaper"
	[[ $cg != *ctx-* ]] || fail "job is in cgroup $cg"
}

@test "containment: the command stays in ctxrun's process group and session" {
	run ctxrun sh -c 'cat /proc/$$/stat'
	assert_success
	local line=${output##*) } self
	local -a f g
	read -r -a f <<<"$line"
	self=$(cat /proc/$BASHPID/stat)
	self=${self##*) }
	read -r -a g <<<"$self"
	# pgrp and session of the job's shell equal the test shell's
	assert_equal "${f[2]} ${f[3]}" "${g[2]} ${g[3]}"
}
