#!/usr/bin/env bats
# ctxrun --on-deadline CMD (SPEC §14): CMD runs through sh -c when the
# deadline fires, before the first signal, with the job's context and
# CTX_PIDS, for half the grace at the most; the signal follows whatever it
# does. Go's model is AfterFunc: TestAfterFuncCalledAfterCancel (the
# function runs once the context is done), and the context is done
# before it runs (Err is set: the job still ends 124).

load helpers

setup() {
	ctx_setup
	export CTX_SOCKET=none
}

# A job that logs its TERM (a trap with builtins only: no fork) and waits.
JOB='echo $$ >job.pid; trap "echo term >>log; exit 0" TERM; while :; do sleep 0.05; done'

# assert_listed PIDFILE...: each pid is in the CTX_PIDS that CMD wrote to pids.
assert_listed() {
	local f
	read -r -a pids <pids
	for f in "$@"; do
		[[ " ${pids[*]} " == *" $(cat "$f") "* ]] ||
			fail "CTX_PIDS '${pids[*]}' lacks $f $(cat "$f")"
	done
}

# Mirrors TestAfterFuncCalledAfterCancel: the deadline fires, CMD runs,
# then the signal comes.
@test "on-deadline: CMD runs at the deadline, before the first signal, with the job's context" {
	run --separate-stderr ctxrun -n dl -e TEAM=infra -t 0.2 -k 5 \
		--on-deadline 'echo "hook $CTX_ID $CTX_NAME $TEAM $CTX_DEADLINE" >>log; echo "$CTX_PIDS" >pids' \
		sh -c "$JOB"
	assert_failure 124
	[ "$(sed -n 1p log | cut -d' ' -f1,3,4)" = "hook dl infra" ] ||
		fail "log: $(cat log)"
	[ "$(sed -n 2p log)" = term ] || fail "no TERM after the hook: $(cat log)"
	[[ $(sed -n 1p log) =~ \ x[0-9a-f]+\ dl\ infra\ 20[0-9-]+T ]] ||
		fail "no id or deadline: $(cat log)"
	# the job's processes: the command (its sleeps come and go)
	assert_listed job.pid
}

@test "on-deadline: CTX_PIDS lists every process of the job, setsid'd ones too" {
	run ctxrun -t 0.3 -k 2 --on-deadline 'echo "$CTX_PIDS" >pids' \
		sh -c 'setsid sleep 5 & echo $! >s.pid; sleep 5 & echo $! >b.pid; wait'
	assert_failure 124
	assert_listed s.pid b.pid
}

@test "on-deadline: without a cgroup, CTX_PIDS are the processes below ctxrun" {
	CTX_CGROUP=0 run ctxrun -t 0.3 -k 2 --on-deadline 'echo "$CTX_PIDS" >pids' \
		sh -c 'setsid sleep 5 & echo $! >s.pid; echo $$ >c.pid; wait'
	assert_failure 124
	assert_listed s.pid c.pid
}

@test "on-deadline: with ctxd, CMD can ask it about the job, which ends 'deadline exceeded'" {
	unset CTX_SOCKET
	run ctxrun -n dj -t 0.3 -k 2 \
		--on-deadline '"$CTXCTL" status "$CTX_ID" >status.txt' sleep 5
	assert_failure 124
	grep -q '^command: sleep 5$' status.txt || fail "$(cat status.txt)"
	# ctxd hears of the deadline with the first signal, after CMD: it
	# would cancel the jobs nested in this one, which CMD is to look at
	grep -q '^state: running$' status.txt || fail "$(cat status.txt)"
	wait_status_text dj 'err: deadline exceeded'
	ctxctl status dj | grep -q '^cause: deadline of [0-9a-fx]* (dj)$' ||
		fail "$(ctxctl status dj)"
}

@test "on-deadline: an ancestor's deadline runs it too, on the ancestor's grace" {
	unset CTX_SOCKET
	p=$(ctxctl new -t 0.3 -k 2)
	run --separate-stderr ctxrun -v -p "$p" -k 30 --on-deadline 'echo hook >>log' sh -c "$JOB"
	assert_failure 124
	[ "$(cat log)" = "hook"$'\n'"term" ] || fail "log: $(cat log)"
	[[ $stderr == *"--on-deadline for 1s at the most"* ]] || fail "$stderr"
}

@test "on-deadline: CMD's output goes to ctxrun's stderr, its stdin is /dev/null" {
	run --separate-stderr ctxrun -t 0.1 -k 2 \
		--on-deadline 'echo to-out; echo to-err >&2; read x && echo read "$x"' \
		sleep 5 </dev/zero
	assert_failure 124
	[ -z "$output" ] || fail "stdout: $output"
	[[ $stderr == *to-out* && $stderr == *to-err* ]] || fail "stderr: $stderr"
	[[ $stderr != *read* ]] || fail "CMD read the job's stdin: $stderr"
}

@test "on-deadline: a CMD that hangs is killed at half the grace, with its group and setsid'd children; the signal follows" {
	timer_start
	run --separate-stderr ctxrun -v -t 0.1 -k 1 \
		--on-deadline 'sleep 30 & echo $! >h1.pid; setsid sleep 30 & echo $! >h2.pid; echo $$ >h.pid; sleep 30' \
		sh -c "$JOB"
	assert_failure 124
	assert_elapsed_lt 1500
	[ "$(cat log)" = term ] || fail "log: $(cat log)"
	[[ $stderr == *"--on-deadline for 0.5s at the most"* ]] || fail "$stderr"
	[[ $stderr == *"--on-deadline command still running, killed"* ]] || fail "$stderr"
	assert_dead h.pid h1.pid h2.pid job.pid
}

@test "on-deadline: whatever CMD does, the job ends as at a deadline: 124, or the command's status" {
	run ctxrun -t 0.1 -k 2 --on-deadline 'exit 7' sh -c "$JOB"
	assert_failure 124
	[ "$(cat log)" = term ]
	rm log
	run ctxrun -t 0.1 -k 2 --on-deadline 'kill -KILL $$' sh -c "$JOB"
	assert_failure 124
	[ "$(cat log)" = term ]
	# --preserve-status: the command's own, not CMD's
	run ctxrun --preserve-status -t 0.1 -k 2 --on-deadline 'exit 7' \
		sh -c 'trap "exit 3" TERM; while :; do sleep 0.05; done'
	assert_failure 3
}

@test "on-deadline: the time CMD takes comes out of the grace: SIGKILL comes when it would without it" {
	timer_start
	run ctxrun -t 0.1 -k 1 --on-deadline 'sleep 0.4' \
		sh -c 'trap "" TERM; while :; do sleep 0.05; done'
	assert_failure 124
	assert_elapsed_ge 1000
	assert_elapsed_lt 1600
}

@test "on-deadline: a signal to ctxrun while CMD runs ends CMD and signals the job at once" {
	ctxrun_bg out err -t 0.1 -k 20 --on-deadline 'echo $$ >h.pid; sleep 30' \
		sh -c "$JOB"
	wait_file h.pid 3
	timer_start
	kill -TERM "$CTX_BG_PID"
	wait_status "$CTX_BG_PID" 3
	assert_elapsed_lt 1000
	[ "$BG_STATUS" = 124 ] || fail "status $BG_STATUS"
	[ "$(cat log)" = term ]
	assert_dead h.pid
}

# AfterFunc runs on any cancel; --on-deadline on the deadline only.
@test "on-deadline: not run on a cancel, nor when the command exits by itself" {
	ctxrun_bg out err -t 30 --on-deadline 'echo hook >>hook.log' \
		sh -c 'echo $$ >job.pid; while :; do sleep 0.05; done'
	wait_file job.pid 3
	kill -TERM "$CTX_BG_PID"
	wait_status "$CTX_BG_PID" 3
	[ "$BG_STATUS" = 130 ]
	run ctxrun -t 30 --on-deadline 'echo hook >>hook.log' true
	assert_success
	[ ! -e hook.log ] || fail "CMD ran: $(cat hook.log)"
}

@test "on-deadline: with a grace of 0 there is no time for CMD: KILL at once" {
	run --separate-stderr ctxrun -v -t 0.1 -k 0 --on-deadline 'echo hook >>hook.log' sleep 5
	assert_failure 124
	[ ! -e hook.log ] || fail "CMD ran"
	[[ $stderr == *"no time for --on-deadline"* ]] || fail "$stderr"
}

@test "on-deadline: an empty CMD is bad input" {
	run --separate-stderr ctxrun --on-deadline '' true
	check_err ctxrun 125 "--on-deadline: an empty command"
}
