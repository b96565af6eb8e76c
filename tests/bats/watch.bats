#!/usr/bin/env bats
# ctxctl ls -w, the tree redrawn as it changes, and ls -q, the quiet
# listing for completion and scripts (SPEC §15).

load helpers

# stop_bg PID: ends a background ctxctl of this test, and reaps it.
stop_bg() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null || true
}

@test "ls -w, not a terminal: the tree again at each change, after an empty line" {
	ctxctl new -n first >/dev/null
	ctxctl ls -w >out 2>err &
	w=$!
	wait_grep out first 2 || fail "no first drawing: $(cat err)"
	ctxctl new -n second -t 0.3s >/dev/null
	wait_grep out 'deadline exceeded' 3 || fail "no redraw: $(cat out err)"
	stop_bg "$w"
	run --keep-empty-lines cat out
	# first; first and second; first and second ended: three drawings,
	# each below its header.
	[ "$(grep -c '^$' out)" -eq 2 ] || fail "drawings: $output"
	assert_line --index 0 --regexp '^ID +NAME +STATE'
	assert_line --index 1 --regexp '^[0-9]+ +first +running'
	assert_line --index 2 ''
	assert_line --index 5 --regexp '^[0-9]+ +second +running +- +0\.[0-9]s +-$'
	assert_line --index 9 --regexp '^[0-9]+ +second +deadline exceeded'
}

@test "ls -w on a terminal: the screen cleared and redrawn, each second too" {
	command -v script >/dev/null || skip "no script(1)"
	ctxctl new -n ticking -t 1h >/dev/null
	run script -qc "timeout 1.6 $CTXCTL ls -w" /dev/null
	clears=$(grep -o $'\e\\[H\e\\[2J' <<<"$output" | wc -l)
	[ "$clears" -ge 2 ] || fail "cleared $clears times: $output"
	assert_output --partial 'ticking  running'
}

@test "ls -w CTX: a subtree only; a CTX that names nothing exits 1" {
	ctxctl new -n top >/dev/null
	ctxctl new -n other >/dev/null
	ctxctl ls -w top >out 2>err &
	w=$!
	wait_grep out top 2 || fail "no drawing: $(cat err)"
	ctxctl new -p top -n below >/dev/null
	wait_grep out below 2 || fail "no redraw: $(cat out err)"
	stop_bg "$w"
	run grep -c other out
	assert_output 0
	run ctxctl ls -w nosuch
	[ "$status" -eq 1 ]
	assert_output --partial "no context 'nosuch'"
}

@test "ls -q: id and name a line; it starts no daemon, even for a saved tree" {
	a=$(ctxctl new -n alpha)
	b=$(ctxctl new)
	run ctxctl ls -q
	assert_success
	assert_output "$a"$'\t'"alpha"$'\n'"$b"
	# The daemon goes away leaving live contexts: plain ls would start
	# one to show them again; -q, for completion, must not.
	ctxctl daemon stop
	run ctxctl ls -q
	assert_success
	assert_output ''
	run ctxctl daemon status
	assert_output 'no daemon'
}

@test "ls: -q and -w are options of ls; bad ones are 125" {
	run ctxctl ls -q -w
	[ "$status" -eq 125 ]
	assert_output --partial 'do not go together'
	run ctxctl ls -x
	[ "$status" -eq 125 ]
	assert_output --partial "unknown option '-x'"
	run ctxctl ls a b
	[ "$status" -eq 125 ]
	assert_output --partial "unexpected argument 'b'"
}
