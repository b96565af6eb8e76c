#!/usr/bin/env bats
# A daemon that is stopped, killed or restarted under its clients (SPEC
# §12): a request whose client gave up is not carried out later, so that a
# 125 from ctxctl means nothing was done; ctxctl wait outlives a restart.

load helpers

teardown() {
	# a test that failed half-way must not leave its daemon stopped
	[[ -n ${STOPPED:-} ]] && kill -CONT "$STOPPED" 2>/dev/null
	ctx_teardown
}

# slow_daemon [CLIENT_TIMEOUT]: a daemon (logging to ctxd.log) whose
# clients give up after CLIENT_TIMEOUT (0.3s), with a context "keep";
# stopped, so that it answers only once resume_daemon lets it.
slow_daemon() {
	printf '[ctxd]\nclient_timeout = %s\nlog_level = info\nlog_file = %s/ctxd.log\n' \
		"${1:-0.3s}" "$PWD" >ctxd.ini
	export CTXD_CONFIG=$PWD/ctxd.ini
	ctxctl new -n keep >/dev/null
	STOPPED=$(daemon_pid) || fail "no daemon"
	kill -STOP "$STOPPED"
}

# resume_daemon: lets it go on, and waits until it has read what its
# clients sent meanwhile: a request that comes after them is answered
# after them.
resume_daemon() {
	kill -CONT "$STOPPED"
	ctxctl ls >/dev/null
}

# --- part 1: a request whose client gave up -------------------------------------

@test "restart: ctxctl new that gave up on a stopped ctxd makes no context" {
	slow_daemon
	run --separate-stderr timeout 10 "$CTXCTL" new -n q
	check_err ctxctl 125 "no answer in time"
	resume_daemon
	run ctxctl status q
	assert_failure 1
	grep -q "request 100 came .* too late .*: not carried out" ctxd.log ||
		fail "not logged: $(tail -3 ctxd.log)"
}

@test "restart: ctxctl cancel that gave up on a stopped ctxd cancels nothing" {
	slow_daemon
	run --separate-stderr timeout 10 "$CTXCTL" cancel keep
	check_err ctxctl 125 "no answer in time"
	resume_daemon
	run ctxctl status keep
	assert_success
	assert_output --partial "state: running"
}

# A guard more than a regression test: the old daemon stopped only once its
# answer had gone out, so it did not stop for a client that was gone.
@test "restart: ctxctl daemon stop that gave up on a stopped ctxd stops nothing" {
	slow_daemon
	run --separate-stderr timeout 10 "$CTXCTL" daemon stop
	check_err ctxctl 125 "no answer in time"
	resume_daemon
	[ "$(daemon_pid)" = "$STOPPED" ] || fail "the daemon was stopped after all"
}

@test "restart: a ctxrun that gave up on a stopped ctxd runs alone, and no job is recorded" {
	slow_daemon
	# a bare CTX_ID (the context "keep"): the job waits for ctxd's answer
	CTX_ID=1 run --separate-stderr timeout 10 env --default-signal \
	    "$CTXRUN" -v -n late sh -c 'echo ran'
	assert_success
	assert_output ran
	assert_stderr_contains "no answer in time"
	resume_daemon
	run ctxctl status late
	assert_failure 1
}

# Not a regression test (the old daemon passes it too): the cut-off comes
# before the client's, not so early that a daemon back in time is refused.
@test "restart: a ctxd resumed well before its client gives up still carries out the request" {
	local pid id
	slow_daemon 1s
	"$CTXCTL" new -n q >q.out 2>q.err &
	pid=$!
	sleep 0.3
	kill -CONT "$STOPPED"
	wait_status "$pid" 3
	[ "$BG_STATUS" -eq 0 ] || fail "ctxctl new exited $BG_STATUS: $(cat q.err)"
	id=$(<q.out)
	run ctxctl status q
	assert_success
	assert_output --partial "$id"
}

# --- part 2: a daemon restart under a job and its waiters ------------------------

# gated_job NAME STATUS: a job that runs until ./go exists, then exits
# STATUS; waits until the daemon has it. Sets JOB (ctxrun's pid), JOB_ID.
gated_job() {
	local i
	ctxrun_bg "$1.out" "$1.err" -n "$1" -t 20s sh -c \
		'while [ ! -e go ]; do sleep 0.02; done; exit '"$2"
	JOB=$CTX_BG_PID
	for ((i = 0; i < 100; i++)); do
		JOB_ID=$(ctxctl --json status "$1" 2>/dev/null |
			sed -n 's/.*"id":"\{0,1\}\([0-9]*\).*/\1/p')
		[[ -n $JOB_ID ]] && return 0
		sleep 0.02
	done
	fail "the job $1 never showed up in the tree"
}

@test "restart: a job that ends while no daemon is up has its real status at the next daemon" {
	gated_job j 3
	kill -KILL "$(daemon_pid)"
	touch go
	wait_status "$JOB" 3
	[ "$BG_STATUS" -eq 3 ] || fail "the job's ctxrun exited $BG_STATUS"
	# the next client starts a daemon, which loads j as running, and finds
	# how it ended
	run ctxctl status j
	assert_success
	assert_output --partial "err: exited 3"
	assert_output --partial "exit: 3"
	[ ! -e "$(ctx_sock).exit.$JOB_ID" ] || fail "the status file was left behind"
}

# wait_bg ARGS...: `ctxctl wait ARGS` in the background, once its wait is
# in place (the daemon has its connection). Sets WAITER.
wait_bg() {
	"$CTXCTL" wait "$@" >wait.out 2>wait.err &
	WAITER=$!
	sleep 0.3
	pid_alive "$WAITER" || fail "ctxctl wait ended early: $(cat wait.err)"
}

@test "restart: ctxctl wait rides out a kill -9 of ctxd and returns the job's real status" {
	local old new i
	gated_job j 3
	wait_bg j
	old=$(daemon_pid)
	kill -KILL "$old"
	# nobody else restarts it: the wait does, for the saved tree holds j
	for ((i = 0; i < 100; i++)); do
		new=$(daemon_pid) && [ "$new" != "$old" ] && break
		sleep 0.02
	done
	[ -n "$new" ] && [ "$new" != "$old" ] || fail "no new daemon"
	touch go
	wait_status "$WAITER" 5
	[ "$BG_STATUS" -eq 3 ] || fail "ctxctl wait exited $BG_STATUS: $(cat wait.err)"
	wait_status "$JOB" 3
	[ "$BG_STATUS" -eq 3 ] || fail "the job's ctxrun exited $BG_STATUS"
}

@test "restart: ctxctl wait returns the status of a job that ended while no daemon was up" {
	gated_job j 3
	wait_bg j
	# the waiter is held while the daemon dies and the job ends
	kill -STOP "$WAITER"
	kill -KILL "$(daemon_pid)"
	touch go
	wait_status "$JOB" 3
	kill -CONT "$WAITER"
	wait_status "$WAITER" 5
	[ "$BG_STATUS" -eq 3 ] || fail "ctxctl wait exited $BG_STATUS: $(cat wait.err)"
}

@test "restart: ctxctl wait -t bounds the wait for a daemon that does not come back" {
	local ctx sock
	sock=$(ctx_sock)
	ctx=$(ctxctl new -n gone)
	wait_bg -t 1.5s "$ctx"
	# the daemon dies, and its saved tree with it: no daemon comes back
	rm -f "$sock.state" "$sock.journal"
	timer_start
	kill -KILL "$(daemon_pid)"
	wait_status "$WAITER" 5
	[ "$BG_STATUS" -eq 124 ] || fail "ctxctl wait exited $BG_STATUS: $(cat wait.err)"
	grep -q "timed out waiting" wait.err || fail "stderr: $(cat wait.err)"
	assert_elapsed_ge 1000
	assert_elapsed_lt 2500
}

@test "restart: ctxctl wait without -t gives up after client_timeout when no daemon comes back" {
	local ctx sock
	printf '[ctxd]\nclient_timeout = 0.5s\n' >ctxd.ini
	export CTXD_CONFIG=$PWD/ctxd.ini
	sock=$(ctx_sock)
	ctx=$(ctxctl new -n gone)
	wait_bg "$ctx"
	rm -f "$sock.state" "$sock.journal"
	timer_start
	kill -KILL "$(daemon_pid)"
	wait_status "$WAITER" 5
	[ "$BG_STATUS" -eq 125 ] || fail "ctxctl wait exited $BG_STATUS: $(cat wait.err)"
	grep -q "no daemon came back" wait.err || fail "stderr: $(cat wait.err)"
	assert_elapsed_ge 450
	assert_elapsed_lt 2000
}
