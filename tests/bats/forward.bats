#!/usr/bin/env bats
# --forward SIGNAL: a signal to ctxrun that is passed on to the command
# instead of cancelling the job, as tini passes signals to its child: a
# HUP for a reload, in a container (issue 10). Also as PID 1 of a PID
# namespace, with the signal sent from outside it, as `docker kill -s HUP`
# sends it.

load helpers

# The command: counts the HUPs it gets in ./got, and goes on until ./stop.
RELOADER='trap "echo hup >>got" HUP; echo $$ >pid
	while [ ! -e stop ]; do sleep 0.01; done; exit 3'

# hup_twice PID: two HUPs to PID, each once the command has counted the
# one before.
hup_twice() {
	kill -HUP "$1"
	wait_grep got hup 3 || fail "the first HUP did not reach the command; stderr: $(cat err)"
	kill -HUP "$1"
	wait_file got 3
	local n=0
	while (($(grep -c hup got) < 2 && n++ < 150)); do
		sleep 0.02
	done
}

@test "forward: --forward HUP passes HUP on to the command, which goes on" {
	ctxrun_bg out err -v -t 10s --forward HUP sh -c "$RELOADER"
	local cpid=$CTX_BG_PID
	read_pid pid >/dev/null
	hup_twice "$cpid"
	: >stop
	wait_status "$cpid" 3
	[[ $BG_STATUS == 3 ]] ||
		fail "status $BG_STATUS, expected the command's 3; stderr: $(cat err)"
	assert_equal "$(grep -c hup got)" 2
	grep -q 'passing SIGHUP on to the command' err || fail "stderr: $(cat err)"
}

@test "forward: without --forward, HUP cancels the job (130)" {
	ctxrun_bg out err -t 10s -k 0.5s sh -c "$RELOADER"
	local cpid=$CTX_BG_PID
	read_pid pid >/dev/null
	kill -HUP "$cpid"
	wait_status "$cpid" 3
	[[ $BG_STATUS == 130 ]] || fail "status $BG_STATUS; stderr: $(cat err)"
}

@test "forward: by number, repeated, and a signal ctxrun does not take otherwise" {
	ctxrun_bg out err -t 10s --forward 1 --forward sigwinch sh -c '
		trap "echo winch >>got" WINCH; '"$RELOADER"
	local cpid=$CTX_BG_PID
	read_pid pid >/dev/null
	kill -WINCH "$cpid"
	wait_grep got winch 3 || fail "WINCH not passed on; stderr: $(cat err)"
	hup_twice "$cpid"
	: >stop
	wait_status "$cpid" 3
	[[ $BG_STATUS == 3 ]] || fail "status $BG_STATUS; stderr: $(cat err)"
}

@test "forward: --forward TERM leaves the stop to the command; its leftovers still end" {
	ctxrun_bg out err -t 10s -k 0.3s --forward TERM sh -c '
		setsid sleep 30 & echo $! >left
		trap "exit 7" TERM; echo $$ >pid
		while :; do sleep 0.01; done'
	local cpid=$CTX_BG_PID
	read_pid pid >/dev/null
	read_pid left >/dev/null
	kill -TERM "$cpid"
	wait_status "$cpid" 3
	[[ $BG_STATUS == 7 ]] ||
		fail "status $BG_STATUS, expected the command's 7; stderr: $(cat err)"
	assert_dead left
}

# --- PID 1 -------------------------------------------------------------------

# ns_bg ARGS...: ctxrun ARGS as PID 1 of a new PID namespace with its own
# /proc, killed with it after 5 s at most; NS_PID is unshare's pid, and
# CTXRUN_PID that of ctxrun, as the host sees it, once the job has made
# ./pid.
ns_bg() {
	local opts=(--pid --fork --kill-child --mount-proc) out
	((EUID == 0)) || opts=(--user --map-root-user "${opts[@]}")
	out=$(unshare "${opts[@]}" true 2>&1) ||
		skip "unshare ${opts[*]} is not permitted here: $out"
	env --default-signal timeout -s KILL 5 \
		unshare "${opts[@]}" "$CTXRUN" "$@" >out 2>err </dev/null &
	NS_PID=$!
	read_pid pid >/dev/null || fail "the job did not start: $(cat err)"
	# timeout's child is unshare, whose child is ctxrun
	local u
	u=$(cat "/proc/$NS_PID/task/$NS_PID/children")
	CTXRUN_PID=$(cat "/proc/${u% }/task/${u% }/children")
	CTXRUN_PID=${CTXRUN_PID% }
	[[ $(cat "/proc/$CTXRUN_PID/comm") == ctxrun ]] ||
		fail "pid $CTXRUN_PID is not ctxrun"
}

@test "forward: README's ENTRYPOINT as PID 1: docker kill -s HUP is passed on, docker stop cancels" {
	CTX_SOCKET=none ns_bg -k 8s --forward HUP -- sh -c "$RELOADER"
	hup_twice "$CTXRUN_PID"
	timer_start
	kill -TERM "$CTXRUN_PID"
	wait_status "$NS_PID" 4
	[[ $BG_STATUS == 130 ]] || fail "status $BG_STATUS; stderr: $(cat err)"
	assert_elapsed_lt 1000
	assert_equal "$(grep -c hup got)" 2
}

@test "forward: as PID 1, without --forward, a HUP cancels (130)" {
	ns_bg -t 4s -k 0.5s sh -c "$RELOADER"
	kill -HUP "$CTXRUN_PID"
	wait_status "$NS_PID" 4
	[[ $BG_STATUS == 130 ]] || fail "status $BG_STATUS; stderr: $(cat err)"
}
