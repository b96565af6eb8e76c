#!/usr/bin/env bats
# Jobs in the tree: ctxrun registering with ctxd, cancels that come from
# ctxctl, detached jobs, and the causes ctxd records.

load helpers

# field CTX KEY: the value of "KEY: value" in `ctxctl status CTX`.
field() {
	ctxctl status "$1" | sed -n "s/^$2: //p"
}

@test "jobs: cancelling a context ends every job under it with 130, within grace" {
	# the cancel comes from ci: ci's grace governs (SPEC §5)
	ci=$(ctxctl new -n ci -k 0.3s)
	CTX_ID=$ci ctxrun_bg out1 err1 -n build sh -c '
		trap "" TERM; setsid sleep 5 & echo $! > pid1; wait'
	b=$CTX_BG_PID
	CTX_ID=$ci ctxrun_bg out2 err2 -n test sh -c 'echo $$ > pid2; exec sleep 5'
	t=$CTX_BG_PID
	read_pid pid1 >/dev/null
	read_pid pid2 >/dev/null
	run ctxctl ls
	assert_line --partial "build  running"
	assert_line --partial "test  running"

	timer_start
	run ctxctl cancel ci
	assert_success
	wait_status "$b" 3
	[ "$BG_STATUS" -eq 130 ] || fail "build: status $BG_STATUS, expected 130"
	wait_status "$t" 3
	[ "$BG_STATUS" -eq 130 ] || fail "test: status $BG_STATUS, expected 130"
	assert_elapsed_lt 1500
	assert_dead pid1 pid2
	assert_equal "$(field build err)" canceled
	assert_equal "$(field build exit)" 130
	assert_equal "$(field ci err)" canceled
}

@test "jobs: a cancel's -s and -k govern the job, not the job's own" {
	ci=$(ctxctl new -n ci)
	CTX_ID=$ci ctxrun_bg out err -k 1h sh -c '
		trap "echo INT >> got" INT; trap "echo TERM >> got" TERM
		echo $$ > pid; while :; do sleep 0.05; done'
	j=$CTX_BG_PID
	read_pid pid >/dev/null
	timer_start
	run ctxctl cancel -s INT -k 0.3s ci
	assert_success
	wait_status "$j" 3
	[ "$BG_STATUS" -eq 130 ] || fail "status $BG_STATUS, expected 130"
	# the job's own -k 1h did not stretch the cancel's 0.3s
	assert_elapsed_lt 1500
	assert_equal "$(head -n1 got)" INT
	assert_dead pid
}

@test "jobs: a job joining a context that was cancelled is not started: 130" {
	ci=$(ctxctl new -n ci)
	ctxctl cancel ci
	run env CTX_ID="$ci" "$CTXRUN" touch marker
	assert_failure 130
	[ ! -e marker ] || fail "the command ran"
	run ctxrun -p ci touch marker
	assert_failure 130
	[ ! -e marker ] || fail "the command ran"
}

@test "jobs: a job joining a context whose deadline passed is not started: 124" {
	ci=$(ctxctl new -n ci -t 0.1s)
	run ctxctl wait ci
	assert_failure 124
	run ctxrun -p "$ci" touch marker
	assert_failure 124
	[ ! -e marker ] || fail "the command ran"
}

@test "jobs: a process-less context's deadline ends its jobs with 124" {
	ci=$(ctxctl new -n ci -t 0.4s)
	timer_start
	run env CTX_ID="$ci" "$CTXRUN" -n build -k 0.2s sh -c 'echo $$ > pid; exec sleep 5'
	assert_failure 124
	assert_elapsed_lt 1500
	assert_dead pid
	assert_equal "$(field build err)" "deadline exceeded"
}

@test "jobs: -p attaches under a context by name and inherits its values" {
	ctxctl new -n ci -e TEAM=infra >/dev/null
	run ctxrun -p ci -n build sh -c 'echo "$TEAM $CTX_PARENT"'
	assert_success
	assert_output "infra $(ctxctl status ci | sed -n 's/^id: //p')"
	run ctxctl ls ci
	assert_line --regexp '^.*build  exited 0  [0-9]+  -  sh -c .*$'
}

@test "jobs: ctxd records how each job ended" {
	run ctxrun -n three sh -c 'exit 3'
	assert_failure 3
	run ctxrun -n usr1 sh -c 'kill -USR1 $$'
	assert_failure 138
	run ctxrun -n late -t 0.1s sleep 5
	assert_failure 124
	assert_equal "$(field three err)" "exited 3"
	assert_equal "$(field three exit)" 3
	assert_equal "$(field usr1 err)" "killed by SIGUSR1"
	assert_equal "$(field late err)" "deadline exceeded"
	assert_equal "$(field late exit)" 124
}

@test "jobs: -d prints the id at once and the job runs on in the background" {
	timer_start
	id=$("$CTXRUN" -d -n bg -t 0.5s sh -c 'echo $$ > pid; exec sleep 5')
	assert_elapsed_lt 1000
	[[ $id =~ ^[0-9]+$ ]] || fail "not an id: '$id'"
	read_pid pid >/dev/null
	assert_equal "$(field "$id" state)" running
	assert_equal "$(field "$id" pid)" "$(ctxctl status "$id" | sed -n 's/^pid: //p')"
	run ctxctl wait "$id"
	assert_failure 124
	assert_dead pid
}

@test "jobs: -d reports bad input at once, and starts nothing" {
	run --separate-stderr "$CTXRUN" -d -t 5x touch marker
	check_err ctxrun 125 "5x"
	run --separate-stderr "$CTXRUN" -d -p nosuch touch marker
	check_err ctxrun 125 "nosuch"
	[ ! -e marker ] || fail "the command ran"
}

@test "jobs: ctxctl status lists the pids of a running job" {
	ctxrun_bg out err -n pids sh -c 'sleep 5 & echo $! > kid; echo $$ > pid; wait'
	j=$CTX_BG_PID
	read_pid kid >/dev/null
	run ctxctl status pids
	assert_line "pids: $(cat pid)"
	assert_line "pids: $(cat kid)"
	kill -TERM "$j"
	wait_status "$j" 3
}
