#!/usr/bin/env bats
# The anchor: what timeout(1) does with the same cases.  These tests document
# the weakness ctxrun exists to fix; if they ever fail, timeout(1) changed.

load helpers

@test "anchor: timeout(1) leaves a setsid'd child alive (ctxrun does not: see containment.bats)" {
	local rc=0 pid
	timeout 0.3s sh -c '
		setsid sh -c "echo \$\$ > pid; exec sleep 5" </dev/null >/dev/null 2>&1 &
		i=0; while [ ! -s pid ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done
		exec sleep 5' </dev/null >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 124 ] || fail "timeout exited $rc, expected 124"
	pid=$(read_pid pid)
	local alive=0
	pid_alive "$pid" && alive=1
	# clean up by pid
	kill -KILL "$pid"
	wait_gone "$pid" 2
	[ "$alive" -eq 1 ] || fail "the setsid'd process died under timeout(1): the anchor changed"
}

@test "anchor: the same setsid case under ctxrun leaves nothing" {
	local rc=0
	env --default-signal "$CTXRUN" -t 0.3s sh -c '
		setsid sh -c "echo \$\$ > pid; exec sleep 5" </dev/null >/dev/null 2>&1 &
		i=0; while [ ! -s pid ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done
		exec sleep 5' </dev/null >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 124 ] || fail "ctxrun exited $rc, expected 124"
	assert_dead pid
}
