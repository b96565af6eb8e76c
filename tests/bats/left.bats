#!/usr/bin/env bats
# ctxctl left (SPEC §14): the time a context has left. Mirrors Go's
# TestDeadline and ctx.Deadline() (deadline, ok): ok false is exit 1 here.

load helpers

# left_err STATUS [TEXT]
left_err() {
	check_err ctxctl "$@"
}

# Mirrors TestDeadline: a job's time left, from its environment alone.
@test "left: inside a job, the time left from CTX_DEADLINE, no daemon asked" {
	export CTX_SOCKET=none
	run --separate-stderr ctxrun -t 30s "$CTXCTL" left
	assert_success
	[[ $output =~ ^(29\.[0-9]|30)s$ ]] || fail "not a time left near 30s: '$output'"
	[ -z "$stderr" ] || fail "stderr: $stderr"
	run ctxrun -t 2h "$CTXCTL" left
	assert_output --regexp '^1h59m5[0-9]s$'
	tagged_ctxd
	[ "${#CTXD_PIDS[@]}" -eq 0 ] || fail "a daemon was started"
}

@test "left: -s and --seconds print seconds with decimals" {
	export CTX_SOCKET=none
	run ctxrun -t 5s "$CTXCTL" left -s
	assert_success
	[[ $output =~ ^[45]\.[0-9]{3}$ ]] || fail "not seconds: '$output'"
	run ctxrun -t 5s "$CTXCTL" left --seconds
	[[ $output =~ ^[45]\.[0-9]{3}$ ]] || fail "not seconds: '$output'"
}

# Deadline()'s ok false: no deadline, exit 1, nothing printed.
@test "left: no deadline exits 1 and prints nothing" {
	export CTX_SOCKET=none
	run --separate-stderr ctxrun "$CTXCTL" left
	assert_failure 1
	[ -z "$output$stderr" ] || fail "printed: '$output' '$stderr'"
	run --separate-stderr ctxctl left -s
	assert_failure 1
	[ -z "$output$stderr" ] || fail "printed: '$output' '$stderr'"
}

@test "left: a deadline that has passed prints 0" {
	CTX_DEADLINE=2020-01-01T00:00:00Z run ctxctl left
	assert_success
	assert_output 0s
	CTX_DEADLINE=2020-01-01T00:00:00Z run ctxctl left -s
	assert_success
	assert_output 0.000
}

@test "left CTX: asks ctxd for a context's time left" {
	id=$(ctxctl new -t 10m)
	run ctxctl left "$id"
	assert_success
	assert_output --regexp '^9m5[0-9]s$'
	run ctxctl left -s "$id"
	[[ $output =~ ^59[0-9]\.[0-9]{3}$ ]] || fail "not seconds: '$output'"
	run ctxctl --json left "$id"
	assert_output --regexp '^\{"deadline":"[0-9T:.Z-]+","left":59[0-9]\.[0-9]{3}\}$'
	none=$(ctxctl new)
	run ctxctl left "$none"
	assert_failure 1
	assert_output ''
	# the context of `export CTX_ID=$(ctxctl new)`: ctxd says
	CTX_ID=$id run ctxctl left
	assert_output --regexp '^9m5[0-9]s$'
}

@test "left CTX: an ended context has 0 left" {
	id=$(ctxctl new -t 10m)
	ctxctl cancel "$id"
	run ctxctl left "$id"
	assert_success
	assert_output 0s
}

@test "left: bad input is 125, an unknown context too" {
	ctxctl new >/dev/null
	run --separate-stderr ctxctl left 999999
	left_err 125
	run --separate-stderr ctxctl left -x
	left_err 125 "unknown option '-x'"
	run --separate-stderr ctxctl left a b
	left_err 125 "unexpected argument 'b'"
	CTX_DEADLINE=soon run --separate-stderr ctxctl left
	left_err 125 "bad time 'soon'"
}
