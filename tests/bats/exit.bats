#!/usr/bin/env bats
# Exit statuses (SPEC §3) and the choice of signals.

load helpers

@test "exit: the command's own status is passed through" {
	run ctxrun sh -c 'exit 3'
	assert_failure 3
	run ctxrun -t 5s true
	assert_success
}

@test "exit: the command's output and arguments pass through untouched" {
	run ctxrun printf '%s|' a 'b c' ''
	assert_success
	assert_output 'a|b c||'
}

@test "exit: 124 when the deadline passes, not before it" {
	timer_start
	run ctxrun -t 0.3s sleep 5
	assert_failure 124
	assert_elapsed_ge 290
	assert_elapsed_lt 1500
}

@test "exit: --preserve-status gives 143 for a sleep ended by TERM" {
	run ctxrun --preserve-status -t 0.2s sleep 5
	assert_failure 143
}

@test "exit: --preserve-status gives the status of a command that handles TERM" {
	run ctxrun --preserve-status -t 0.2s sh -c 'trap "exit 7" TERM; i=0; while [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done'
	assert_failure 7
}

@test "exit: --preserve-status without a deadline firing is the command's own status" {
	run ctxrun --preserve-status -t 5s sh -c 'exit 5'
	assert_failure 5
}

cancel_case() { # SIGNAL
	ctxrun_bg out err -t 5s -k 0.5s sh -c 'echo $$ > pid; exec sleep 5'
	local cpid=$CTX_BG_PID child
	child=$(read_pid pid)
	timer_start
	kill -"$1" "$cpid"
	wait_status "$cpid" 3
	[ "$BG_STATUS" -eq 130 ] || fail "ctxrun got SIG$1: exit status $BG_STATUS, expected 130; stderr: $(cat err)"
	assert_elapsed_lt 1000
	assert_dead pid
}

@test "exit: 130 when ctxrun gets SIGTERM, and the job is ended" {
	cancel_case TERM
}

@test "exit: 130 when ctxrun gets SIGINT, and the job is ended" {
	cancel_case INT
}

@test "exit: 130 when ctxrun gets SIGHUP, and the job is ended" {
	cancel_case HUP
}

@test "exit: 130 when ctxrun gets SIGQUIT from a process, and the job is ended" {
	cancel_case QUIT
}

@test "exit: 130 when ctxrun gets SIGALRM, and the job is ended" {
	cancel_case ALRM
}

@test "exit: SIGUSR1 and SIGUSR2 to ctxrun are passed on to the command" {
	ctxrun_bg out err -v -t 5s sh -c '
		trap "echo USR1 >> got" USR1; trap "echo USR2 >> got; exit 0" USR2
		echo $$ > pid; while :; do sleep 0.05; done'
	local cpid=$CTX_BG_PID
	read_pid pid >/dev/null
	kill -USR1 "$cpid"
	wait_grep got USR1 3 || fail "USR1 not passed on; stderr: $(cat err)"
	kill -USR2 "$cpid"
	wait_status "$cpid" 3
	[ "$BG_STATUS" -eq 0 ] || fail "status $BG_STATUS, expected the command's 0"
	assert_equal "$(cat got)" "$(printf 'USR1\nUSR2')"
	grep -q "passing SIGUSR1 on to the command" err || fail "stderr: $(cat err)"
}

@test "exit: -v reports the KILL sent at once with -k 0" {
	run --separate-stderr ctxrun -v -t 0.2s -k 0 sh -c 'trap "" TERM; sleep 3'
	assert_equal "$status" 124
	assert_stderr_contains "ctxrun: sending KILL to 2 processes"
}

@test "exit: -v says which signal cancelled the job" {
	ctxrun_bg out err -v -t 5s -k 0.5s sh -c 'echo $$ > pid; exec sleep 5'
	local cpid=$CTX_BG_PID
	read_pid pid >/dev/null
	kill -TERM "$cpid"
	wait_status "$cpid" 3
	[ "$BG_STATUS" -eq 130 ] || fail "status $BG_STATUS"
	# "ctxrun: got SIGTERM, cancelling" (a sender's pid may be added)
	grep -Eq "^ctxrun: got SIGTERM\b.*, cancelling" err || fail "stderr: $(cat err)"
}

@test "exit: a cancel that comes during the grace period changes nothing" {
	ctxrun_bg out err -v -t 0.2s -k 0.4s sh -c 'trap "" TERM; echo $$ > pid; exec sleep 5'
	local cpid=$CTX_BG_PID
	read_pid pid >/dev/null
	wait_grep err "sending TERM" 3 || fail "no 'sending TERM' on stderr: $(cat err)"
	timer_start
	kill -TERM "$cpid"
	wait_status "$cpid" 3
	[ "$BG_STATUS" -eq 124 ] || fail "status $BG_STATUS, expected 124; stderr: $(cat err)"
	assert_dead pid
	# the grace of 0.4 s still ran to its end for the TERM-ignoring sleep
	assert_elapsed_ge 200
}

@test "exit: 126 for a file that is not executable" {
	printf '#!/bin/sh\ntouch marker\n' >script.sh
	chmod 0644 script.sh
	run --separate-stderr ctxrun ./script.sh
	assert_failure 126
	[ ! -e marker ]
	assert_stderr_contains "ctxrun: "
	assert_stderr_contains "script.sh"
}

@test "exit: 126 for a directory" {
	mkdir adir
	run --separate-stderr ctxrun ./adir
	assert_failure 126
	assert_stderr_contains "adir"
}

@test "exit: 127 for a command that does not exist, with the message" {
	run -127 --separate-stderr ctxrun no-such-command-ctxtest arg
	assert_failure 127
	assert_equal "$stderr" "ctxrun: no-such-command-ctxtest: No such file or directory"
	run -127 --separate-stderr ctxrun ./no/such/path
	assert_failure 127
	assert_equal "$stderr" "ctxrun: ./no/such/path: No such file or directory"
}

@test "exit: 128+N when the command kills itself with signal N" {
	run ctxrun sh -c 'kill -USR1 $$'
	assert_failure 138
	run ctxrun -t 5s sh -c 'kill -KILL $$'
	assert_failure 137
}

@test "exit: -k 0 sends KILL at once (a TERM-trapping child dies fast)" {
	timer_start
	run ctxrun -t 0.2s -k 0 sh -c 'trap "" TERM; echo $$ > pid; exec sleep 5'
	assert_failure 124
	assert_elapsed_lt 900
	assert_dead pid
}

@test "exit: -k 0 means KILL as the first signal, not TERM" {
	run ctxrun --preserve-status -t 0.2s -k 0 sleep 5
	assert_failure 137
}

# A command that records the first signal it gets.
SIGREC='for s in INT TERM USR1 USR2 HUP; do trap "echo $s > got; exit 0" $s; done
echo ready > ready
i=0; while [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done'

@test "exit: -s INT is the first signal" {
	run ctxrun -t 0.2s -k 2s -s INT sh -c "$SIGREC"
	assert_failure 124
	assert_equal "$(cat got)" INT
}

@test "exit: -s 2 (a number) is the first signal" {
	run ctxrun -t 0.2s -k 2s -s 2 sh -c "$SIGREC"
	assert_failure 124
	assert_equal "$(cat got)" INT
}

@test "exit: -s SIGUSR1 is the first signal" {
	run ctxrun -t 0.2s -k 2s --signal SIGUSR1 sh -c "$SIGREC"
	assert_failure 124
	assert_equal "$(cat got)" USR1
}

@test "exit: -s lowercase name is accepted" {
	run ctxrun -t 0.2s -k 2s -s usr2 sh -c "$SIGREC"
	assert_failure 124
	assert_equal "$(cat got)" USR2
}

@test "exit: TERM is the default first signal" {
	run ctxrun -t 0.2s -k 2s sh -c "$SIGREC"
	assert_failure 124
	assert_equal "$(cat got)" TERM
}

@test "exit: signals ignored when ctxrun starts stay ignored in the command" {
	run env --ignore-signal=USR1 "$CTXRUN" sh -c 'kill -USR1 $$; echo survived'
	assert_success
	assert_output survived
}

@test "exit: the command runs in ctxrun's working directory with its umask" {
	mkdir sub
	cd sub
	run sh -c 'umask 027; exec env --default-signal "$CTXRUN" sh -c "pwd; umask"'
	assert_success
	assert_line --index 0 "$BATS_TEST_TMPDIR/sub"
	assert_line --index 1 0027
}

@test "exit: ctxrun killed by SIGKILL takes its direct child with it" {
	ctxrun_bg out err -t 5s sh -c 'echo $$ > pid; exec sleep 5'
	local cpid=$CTX_BG_PID child cg m
	child=$(read_pid pid)
	cg=$(sed -n 's/^0:://p' "/proc/$child/cgroup")
	kill -KILL "$cpid"
	wait "$cpid" || true
	wait_gone "$child" 2 || fail "child $child survived its ctxrun"
	# ctxrun had no chance to remove its job cgroup: ctxd does it.
	if [[ $cg == */ctx-* ]] && m=$(cgroup2_mount); then
		local i=0
		while [ -d "$m$cg" ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i+1)); done
		if [ -d "$m$cg" ]; then
			rmdir "$m$cg"
			fail "ctxd left the job's cgroup $cg behind"
		fi
	fi
}

@test "exit: SIGCHLD blocked when ctxrun starts: the command's exit is still seen" {
	timer_start
	run timeout -s KILL 8 "$PYTHON" -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
os.execv(sys.argv[1], sys.argv[1:])' "$CTXRUN" -t 5s sh -c 'exit 3'
	assert_failure 3
	assert_elapsed_lt 2000
}

@test "exit: -v to a stderr nobody reads does not hold up the deadline" {
	timer_start
	# yes fills the pipe, which stays full for 1.5 s: -v lines are dropped
	# rather than written late, and TERM goes out on time
	( r=0; ctxrun -v -t 0.3s -k 0.2s yes 2>&1 || r=$?
	  echo "$r" > rc; elapsed_ms > ms ) |
		{ sleep 1.5; cat >/dev/null; }
	assert_equal "$(cat rc)" 124
	(($(cat ms) < 1200)) || fail "ctxrun ended after $(cat ms) ms"
}
