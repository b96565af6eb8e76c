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
	assert_line --regexp " build +running "
	assert_line --regexp " test +running "

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
	assert_line --regexp "^.*build +exited 0 +[0-9]+ +- +sh -c 'echo \"\\\$TEAM \\\$CTX_PARENT\"'\$"
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

# cancel_now CTX PID STATUS: `ctxctl cancel -k 0 CTX` ends at once the job
# of ctxrun PID (started by ctxrun_bg with stderr in ./err), though it was
# ending on a long grace; ctxrun exits with STATUS.
cancel_now() {
	timer_start
	ctxctl cancel -k 0 "$1" >/dev/null
	wait_status "$2" 3 || fail "ctxrun $2 waits out its long grace: $(cat err)"
	assert_elapsed_lt 1500
	[ "$BG_STATUS" -eq "$3" ] ||
		fail "status $BG_STATUS, expected $3: $(cat err)"
}

@test "jobs: a parent's deadline during a job's long grace brings KILL forward" {
	local p
	p=$(ctxctl new -t 0.6s -k 0.3s)
	timer_start
	# own deadline at 0.2 s with -k 30s; the parent's at 0.6 s, grace 0.3 s
	run ctxrun -p "$p" -t 0.2s -k 30s sh -c '
		trap "" TERM; echo $$ > pid
		i=0; while [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done'
	assert_failure 124
	assert_elapsed_lt 2500
	assert_dead pid
}

@test "jobs: a cancel while leftovers are ending brings KILL forward" {
	ctxrun_bg out err -n left -k 20s sh -c '
		setsid sh -c "trap \"\" TERM; echo \$\$ > left.pid; exec sleep 20" &
		i=0; while [ ! -s left.pid ] && [ $i -lt 100 ]; do
			sleep 0.02; i=$((i+1)); done
		exit 5'
	local r=$CTX_BG_PID
	wait_file left.pid 2
	# the command has exited; its TERM-ignoring leftover has 20 s of grace
	sleep 0.2
	# the command exited by itself first: its status is the one reported
	cancel_now left "$r" 5
	assert_dead left.pid
}

@test "jobs: -d returns at once even with stdin and stdout closed" {
	timer_start
	"$CTXRUN" -d -n closed -t 5s sh -c 'echo $$ > pid; exec sleep 4' <&- >&-
	assert_elapsed_lt 1000
	read_pid pid >/dev/null
	ctxctl cancel -k 0 closed >/dev/null
	run ctxctl wait closed
	assert_failure 130
	assert_dead pid
}

@test "jobs: a signal to a job's ctxrun cancels the jobs under it, in other shells, at once" {
	ctxrun_bg out1 err1 -n pj -k 2s sh -c 'trap "" TERM; echo $$ > p.pid; exec sleep 20'
	local r1=$CTX_BG_PID c
	wait_file p.pid 2
	ctxrun_bg out2 err2 -p pj sh -c 'echo $$ > c.pid; exec sleep 20'
	local r2=$CTX_BG_PID
	wait_file c.pid 2
	c=$(read_pid c.pid)
	timer_start
	kill -TERM "$r1"
	# not after pj's own grace of 2 s: ctxd cancels the subtree now
	wait_gone "$c" 3 || fail "the child job survived"
	assert_elapsed_lt 1000
	wait_status "$r2" 2 || fail "the child's ctxrun did not end"
	[ "$BG_STATUS" -eq 130 ] || fail "child status $BG_STATUS: $(cat err2)"
	wait_status "$r1" 4 || fail "pj's ctxrun did not end"
	[ "$BG_STATUS" -eq 130 ] || fail "pj status $BG_STATUS: $(cat err1)"
}

@test "jobs: a job joining a context whose job is in its grace is not started: 130" {
	ctxrun_bg out err -n par -k 1s sh -c 'trap "" TERM; echo $$ > pid; exec sleep 20'
	local r=$CTX_BG_PID
	wait_file pid 2
	ctxctl cancel par >/dev/null
	run --separate-stderr "$CTXRUN" -p par touch marker
	assert_failure 130
	[ ! -e marker ] || fail "the job was started under an ending context"
	wait_status "$r" 3 || fail "par's ctxrun did not end"
}

@test "jobs: a second cancel with a shorter grace brings KILL forward" {
	ctxrun_bg out err -n sc -k 20s sh -c 'trap "" TERM; echo $$ > pid; exec sleep 20'
	local r=$CTX_BG_PID
	wait_file pid 2
	ctxctl cancel -k 12s sc >/dev/null
	sleep 0.2
	cancel_now sc "$r" 130
	assert_dead pid
}

@test "jobs: wait on a cancelled process-less context returns once its jobs are gone" {
	local ci
	ci=$(ctxctl new -n ci)
	ctxrun_bg out err -p ci sh -c 'trap "" TERM; echo $$ > pid; exec sleep 20'
	local r=$CTX_BG_PID
	wait_file pid 2
	# the cancel's grace governs the job
	ctxctl cancel -k 0.8s ci >/dev/null
	timer_start
	run ctxctl wait ci
	assert_failure 130
	# the job took its 0.8 s of grace, and is gone when wait returns
	assert_elapsed_ge 500
	assert_elapsed_lt 3000
	assert_dead pid
	wait_status "$r" 2 || fail "the job's ctxrun did not end"
}
