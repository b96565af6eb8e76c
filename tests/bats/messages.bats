#!/usr/bin/env bats
# Messages that say what happened (SPEC §15): ctxrun -v tells its own cancel
# from ctxd's, and a name that stands for several contexts lists their ids.

load helpers

@test "ctxrun -v: a job ctxrun cancelled itself is not 'cancelled through ctxd'" {
	ctxctl new -n up >/dev/null	# a daemon, so that the job is in the tree
	# the job ignores TERM, so ctxrun is still there when ctxd answers
	run --separate-stderr ctxrun -v -k 0.3s sh -c 'trap "" TERM; kill -TERM $PPID; sleep 2'
	assert_failure 130
	[[ $stderr == *"got SIGTERM from pid"*", cancelling"* ]] || fail "stderr: $stderr"
	[[ $stderr == *"in the tree of ctxd"* ]] || fail "not in the tree: $stderr"
	[[ $stderr != *"through ctxd"* ]] || fail "stderr: $stderr"
	# and its own deadline is its own, not an ancestor's
	run --separate-stderr ctxrun -v -t 0.1s -k 0.3s sh -c 'trap "" TERM; sleep 2'
	assert_failure 124
	[[ $stderr == *"own deadline exceeded"* ]] || fail "stderr: $stderr"
	[[ $stderr != *"(ctxd)"* && $stderr != *"through ctxd"* ]] || fail "stderr: $stderr"
}

@test "ctxrun -v: a cancel from ctxctl is still 'cancelled through ctxd'" {
	ctxrun_bg out err -v -n job sh -c 'echo $$ >pid; exec sleep 5'
	wait_file pid 3 || fail "the job did not start: $(cat err)"
	wait_grep err "in the tree of ctxd" 3 || fail "not in the tree: $(cat err)"
	ctxctl cancel -k 0.2s job
	wait_status "$CTX_BG_PID" 3
	[ "$BG_STATUS" -eq 130 ] || fail "exited $BG_STATUS: $(cat err)"
	grep -q "cancelled through ctxd" err || fail "stderr: $(cat err)"
}

@test "ambiguous: a name that stands for several contexts lists their ids" {
	a=$(ctxctl new -n dup)
	b=$(ctxctl new -n dup)
	run --separate-stderr ctxctl new -p dup
	check_err ctxctl 125 "parent context 'dup' is ambiguous: it names 2 contexts ($a, $b); give an id"
	run --separate-stderr ctxrun -p dup touch marker
	check_err ctxrun 125 "($a, $b)"
	[ ! -e marker ] || fail "the command ran"
	run --separate-stderr ctxctl env dup
	check_err ctxctl 125 "'dup' names 2 contexts ($a, $b): give an id"
	# more than ten: the first ten, and an ellipsis
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ctxctl new -n dup >/dev/null
	done
	run --separate-stderr ctxctl new -p dup
	check_err ctxctl 125 "it names 12 contexts ($a, $b, "
	assert_stderr_contains ", ...); give an id"
}
