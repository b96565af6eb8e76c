#!/usr/bin/env bats
# Causes (SPEC §14, issue 11): every ended context has a cause beside its
# err, which stays Go's Err ("canceled", "deadline exceeded"); children
# inherit it; a cancelled job shows "ending", its err and cause set, at once.
# Each test names the Go test of package context it mirrors.

load helpers

# wait_state CTX STATE: poll until `ctxctl status CTX` shows that state.
wait_state() {
	wait_status_text "$1" "state: $2"
}

# Go: TestWithCancelCause (cancel(cause) makes Cause(ctx) == cause, Err
# stays Canceled).
@test "causes: ctxctl cancel --cause TEXT is the cause; err stays canceled" {
	local id
	id=$(ctxctl new -n c1)
	run ctxctl cancel --cause "deploy aborted: bad build" "$id"
	assert_success
	[[ $(status_field "$id" err) == canceled ]]
	[[ $(status_field "$id" cause) == "deploy aborted: bad build" ]]
	run ctxctl --json status "$id"
	assert_output --partial '"err":"canceled","cause":"deploy aborted: bad build"'
}

# Go: TestCause (with no cause given, Cause is the plain error): here ctxd
# names who cancelled, from SO_PEERCRED and /proc.
@test "causes: without --cause, the cause names the canceller's uid, pid and command" {
	local id cause
	id=$(ctxctl new -n c2)
	ctxctl cancel "$id"
	cause=$(status_field "$id" cause)
	[[ $cause == "uid $(id -u) pid "[0-9]*": "*"ctxctl cancel $id" ]] ||
		fail "cause: $cause"
}

# Bad input (SPEC §8): refused with 125, nothing cancelled.
@test "causes: a --cause with a control character or over 256 bytes is refused, 125" {
	local id long
	id=$(ctxctl new -n c3)
	run ctxctl cancel --cause $'two\nlines' "$id"
	assert_failure 125
	assert_output --partial "control character"
	printf -v long '%*s' 257 ''
	run ctxctl cancel --cause "${long// /a}" "$id"
	assert_failure 125
	assert_output --partial "too long"
	run ctxctl cancel --cause "${long// /a}" "${id}x"
	assert_failure 125
	[[ $(status_field "$id" state) == running ]]
	# at the limit, taken
	run ctxctl cancel --cause "${long:1}" "$id"
	assert_success
}

# Go: TestWithDeadlineCause / TestDeadline (a deadline's Err is
# DeadlineExceeded; the cause says whose deadline).
@test "causes: a process-less context's deadline: cause 'deadline of ID (NAME)'" {
	local id
	id=$(ctxctl new -n build -t 0.2s)
	run ctxctl wait "$id"
	assert_failure 124
	[[ $(status_field "$id" err) == "deadline exceeded" ]]
	[[ $(status_field "$id" cause) == "deadline of $id (build)" ]]
}

# Go: TestWithTimeoutCause (a job's own timeout); ctxrun reports its cause.
@test "causes: a job's own deadline: ctxd shows 'deadline of ID (NAME)', -v says it" {
	run --separate-stderr ctxrun -v -n tj -t 0.2s sleep 5
	assert_failure 124
	[[ $stderr == *"own deadline exceeded (cause: deadline of "[0-9]*" (tj))"* ]] ||
		fail "stderr: $stderr"
	[[ $(status_field tj err) == "deadline exceeded" ]]
	[[ $(status_field tj cause) == "deadline of "[0-9]*" (tj)" ]]
}

# Go: TestCause's "parent canceled with cause": a child's cause is its
# ancestor's.
@test "causes: children inherit the cause of the ancestor that ended them" {
	local p c j
	p=$(ctxctl new -n top)
	c=$(ctxctl new -p "$p" -n mid)
	j=$(ctxrun -d -p "$c" -n leaf sleep 5)
	ctxctl cancel --cause "release frozen" "$p"
	ctxctl wait "$p" || true
	for x in "$c" "$j"; do
		[[ $(status_field "$x" err) == canceled ]]
		[[ $(status_field "$x" cause) == "release frozen" ]] ||
			fail "$x: cause $(status_field "$x" cause)"
	done
}

# Go: TestDeadline (a child's Err is its parent's DeadlineExceeded), the
# case of issue 11 item 2: a context made under a job.
@test "causes: ctxctl new -p JOB: the job's deadline ends it 'deadline exceeded', 124" {
	local j c
	j=$(ctxrun -d -n jd -t 0.3s sleep 5)
	c=$(ctxctl new -p "$j" -n under)
	run ctxctl wait "$c"
	assert_failure 124
	[[ $(status_field "$c" err) == "deadline exceeded" ]]
	[[ $(status_field "$c" cause) == "deadline of $j (jd)" ]]
}

# Go: TestDeadline with a child's own earlier deadline, under a job.
@test "causes: ctxctl new -p JOB -t D: its own deadline ends it 124" {
	local j c
	j=$(ctxrun -d -n jd2 -t 5s sleep 5)
	c=$(ctxctl new -p "$j" -n own -t 0.2s)
	run ctxctl wait "$c"
	assert_failure 124
	[[ $(status_field "$c" cause) == "deadline of $c (own)" ]]
	[[ $(status_field "$j" state) == running ]]
	ctxctl cancel "$j"
}

# A signal to ctxrun is the cause, in ctxd's tree as soon as it comes.
@test "causes: a signal to ctxrun: cause 'signal TERM'" {
	ctxrun_bg out err -v -n sj -k 2s sh -c 'trap "" TERM; echo x >ready; sleep 5'
	wait_file ready 3
	wait_status_text sj "state: running"
	kill -TERM "$CTX_BG_PID"
	wait_state sj ending
	[[ $(status_field sj cause) == "signal TERM" ]]
	wait_status "$CTX_BG_PID" 5
	[[ $BG_STATUS == 130 ]]
	[[ $(status_field sj cause) == "signal TERM" ]]
	grep -q 'cancelling (cause: signal TERM)' err || fail "$(cat err)"
}

# Go: TestWithCancelCause, seen from the job: ctxd tells ctxrun the cause.
@test "causes: ctxrun -v says the cause ctxd gave with a cancel" {
	ctxrun_bg out err -v -n vj sleep 5
	wait_status_text vj "state: running"
	ctxctl cancel --cause "maintenance window" vj
	wait_status "$CTX_BG_PID" 5
	[[ $BG_STATUS == 130 ]]
	grep -q 'cancelled through ctxd (cause: maintenance window)' err ||
		fail "$(cat err)"
}

# Go sets Err at once (TestWithCancel: Err is Canceled as soon as cancel
# returns), while the processes here wind down in their grace: "ending".
@test "causes: a cancelled job is 'ending' at once, err and cause set, in status, ls and --json" {
	local id
	id=$(ctxrun -d -n slow -k 3s sh -c 'trap "" TERM; sleep 5')
	ctxctl cancel --cause "stop" slow
	[[ $(status_field slow state) == ending ]]
	[[ $(status_field slow err) == canceled ]]
	[[ $(status_field slow cause) == stop ]]
	run ctxctl ls
	assert_output --regexp "$id +slow +ending +[0-9]+"
	run ctxctl --json status slow
	assert_output --partial '"state":"ending","err":"canceled","cause":"stop"'
	# and it ends as before, the err fixed once set
	ctxctl cancel -k 0 slow
	run ctxctl wait slow
	assert_failure 130
	[[ $(status_field slow state) == done ]]
	[[ $(status_field slow cause) == stop ]]
}

# A job that ends on its own: its cause is its err (Go's Cause without
# a cause); a child it leaves is cancelled with it named.
@test "causes: a job that exits: cause 'exited N'; its children's names it" {
	local j c
	j=$(ctxrun -d -n ex sh -c 'sleep 0.3; exit 3')
	c=$(ctxctl new -p "$j" -n kid)
	run ctxctl wait "$j"
	assert_failure 3
	[[ $(status_field "$j" cause) == "exited 3" ]]
	[[ $(status_field "$c" err) == canceled ]]
	[[ $(status_field "$c" cause) == "$j (ex) exited 3" ]]
}
