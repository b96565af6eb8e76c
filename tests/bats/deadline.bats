#!/usr/bin/env bats
# --deadline TIME (SPEC §3): RFC 3339 or @UNIX_SECONDS; with -t the earlier wins.

load helpers

# at_unix OFFSET_MS: "@SECONDS.mmm" for now + OFFSET_MS.
at_unix() {
	local ms=$(($(now_ms) + $1))
	printf '@%d.%03d\n' $((ms / 1000)) $((ms % 1000))
}

@test "deadline: -D @<now+0.3> fires at that time with 124" {
	local d
	d=$(at_unix 300)
	timer_start
	run ctxrun -D "$d" sleep 5
	assert_failure 124
	assert_elapsed_ge 250
	assert_elapsed_lt 1300
}

@test "deadline: --deadline RFC 3339 <now+0.3> fires at that time with 124" {
	local d
	d=$(rfc3339_at 300)
	timer_start
	run ctxrun --deadline "$d" sleep 5
	assert_failure 124
	assert_elapsed_ge 250
	assert_elapsed_lt 1300
}

@test "deadline: a deadline already passed at start: the command is not started, 124" {
	timer_start
	run ctxrun -D 2020-01-01T00:00:00Z touch marker
	assert_failure 124
	[ ! -e marker ]
	assert_elapsed_lt 1000
	run ctxrun -D @1000000000 touch marker
	assert_failure 124
	[ ! -e marker ]
}

@test "deadline: -t and -D together: the earlier wins (-D earlier)" {
	local d
	d=$(at_unix 300)
	timer_start
	run ctxrun -t 10s -D "$d" sleep 5
	assert_failure 124
	assert_elapsed_lt 1300
}

@test "deadline: -t and -D together: the earlier wins (-t earlier)" {
	local d
	d=$(at_unix 3600000)
	timer_start
	run ctxrun -D "$d" -t 0.2s sleep 5
	assert_failure 124
	assert_elapsed_lt 1300
}

@test "deadline: CTX_DEADLINE is the -D time in UTC with milliseconds" {
	run ctxrun -D 2099-01-01T00:00:00Z sh -c 'echo $CTX_DEADLINE'
	assert_success
	assert_output 2099-01-01T00:00:00.000Z
	run ctxrun -D 2099-01-01T01:30:00.25+01:30 sh -c 'echo $CTX_DEADLINE'
	assert_success
	assert_output 2099-01-01T00:00:00.250Z
	run ctxrun -D '2099-01-01 00:00:00.123456789z' sh -c 'echo $CTX_DEADLINE'
	assert_success
	assert_output 2099-01-01T00:00:00.123Z
	run ctxrun -D @4070908800.5 sh -c 'echo $CTX_DEADLINE'
	assert_success
	assert_output 2099-01-01T00:00:00.500Z
}

@test "deadline: CTX_DEADLINE is the earlier of -t and -D" {
	run ctxrun -t 1h -D 2099-01-01T00:00:00Z sh -c 'echo $CTX_DEADLINE'
	assert_success
	assert_not_equal "$output" 2099-01-01T00:00:00.000Z
	local d
	d=$(epoch_ms "$output")
	((d <= $(now_ms) + 3600000)) || fail "deadline $output is later than now + 1h"
	d=$(rfc3339_at $((50 * 86400000)))
	run ctxrun -t 100d -D "$d" sh -c 'echo $CTX_DEADLINE'
	assert_success
	assert_output "$d"
}

@test "deadline: a leap day is a valid date in a leap year" {
	run ctxrun -D 2096-02-29T00:00:00Z sh -c 'echo $CTX_DEADLINE'
	assert_success
	assert_output 2096-02-29T00:00:00.000Z
}
