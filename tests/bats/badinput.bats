#!/usr/bin/env bats
# Bad input (SPEC §8): exit 125, exactly one line on stderr starting
# "ctxrun: ", nothing on stdout, and the command never runs (a marker file).

load helpers

# bad ARGS... -- runs `ctxrun ARGS... touch marker` and checks the above.
# With MSG set, the stderr line must also contain MSG.
bad() {
	run --separate-stderr ctxrun "$@" touch "$BATS_TEST_TMPDIR/marker"
	check_bad
}

check_bad() {
	assert_failure 125
	[ "${#stderr_lines[@]}" -eq 1 ] ||
		fail "expected exactly one line on stderr, got ${#stderr_lines[@]}: $stderr"
	[[ ${stderr_lines[0]} == "ctxrun: "* ]] ||
		fail "stderr line does not start with 'ctxrun: ': $stderr"
	[ -z "$output" ] || fail "stdout not empty: $output"
	[ ! -e "$BATS_TEST_TMPDIR/marker" ] || fail "the command ran"
	if [[ -n ${MSG:-} ]]; then
		[[ $stderr == *"$MSG"* ]] || fail "stderr does not contain '$MSG': $stderr"
	fi
}

@test "bad input: unknown short option" {
	bad -Z
}

@test "bad input: unknown long option" {
	bad --no-such-option
	bad --timeout-ish=3
}

@test "bad input: missing command" {
	run --separate-stderr ctxrun
	check_bad
	run --separate-stderr ctxrun -t 1s -e A=1
	check_bad
	run --separate-stderr ctxrun -t 1s --
	check_bad
}

@test "bad input: option missing its argument" {
	run --separate-stderr ctxrun --timeout
	check_bad
	run --separate-stderr ctxrun -e
	check_bad
}

@test "bad input: bad duration" {
	bad -t 5x
	bad -t 1h30
	bad -t abc
	bad -t ''
	bad -t 1.2.3s
	bad --grace 5x
}

@test "bad input: negative duration" {
	MSG=negative bad -t -1s
	MSG=negative bad -t -5
	MSG=negative bad -k -1s
}

@test "bad input: duration too large" {
	bad -t 9999999999999999h
}

@test "bad input: bad --deadline" {
	bad -D tomorrow
	bad --deadline 2026-11-22
	bad -D 2026-02-30T00:00:00Z
	bad -D 2025-02-29T00:00:00Z
	bad -D 2026-13-01T00:00:00Z
	bad -D 2026-11-22T25:00:00Z
	bad -D @abc
	bad -D ''
}

@test "bad input: unknown signal" {
	bad -s FOO
	bad -s SIGFOO
	bad --signal 0
	bad -s 65
	bad -s 999
	bad -s ''
}

@test "bad input: -e without =" {
	bad -e NOEQUALS
}

@test "bad input: -e with a key that is not an environment name" {
	bad -e 1A=x
	bad -e A-B=x
	bad -e =x
	bad -e 'A B=x'
}

@test "bad input: -e with a CTX_ key" {
	bad -e CTX_X=1
	bad -e CTX_ID=x0000000000000001
}

@test "bad input: unreadable ini file (nonexistent)" {
	MSG="nosuch.ini: No such file or directory" bad -f nosuch.ini
}

@test "bad input: unreadable ini file (a directory)" {
	mkdir dir.ini
	MSG="dir.ini" bad -f dir.ini
}

@test "bad input: malformed ini: file and line number" {
	ini bad.ini <<'INI'
A = 1
; fine
this line has no equals sign
B = 2
INI
	MSG="bad.ini:3" bad -f bad.ini
}

@test "bad input: malformed ini: unterminated section header" {
	ini bad.ini <<'INI'
A = 1
[build
B = 2
INI
	MSG="bad.ini:2" bad -f bad.ini
}

@test "bad input: bad key in ini: file and line number" {
	ini bad.ini <<'INI'
A = 1
1BAD = x
INI
	MSG="bad.ini:2" bad -f bad.ini
}

@test "bad input: CTX_ key in ini" {
	ini bad.ini <<'INI'
[build]
OK = 1
CTX_DEADLINE = x
INI
	MSG="bad.ini:3" bad -n build -f bad.ini
}

@test "bad input: a bad key in a section that is not used is still an error" {
	ini bad.ini <<'INI'
A = 1
[build]
B = 2
[other]
C = 3
BAD-KEY = 4
INI
	MSG="bad.ini:6" bad -n build -f bad.ini
}

@test "bad input: ini line too long" {
	{
		echo 'A = 1'
		printf 'B = %0250d\n' 0
	} >long.ini
	MSG="long.ini:2" bad -f long.ini
}

@test "bad input: --section names a section that is not in the file" {
	ini jobs.ini <<'INI'
A = 1
[build]
B = 2
INI
	MSG="no section [deploy]" bad --section deploy -f jobs.ini
}

@test "bad input: malformed CTX_DEADLINE in the environment" {
	CTX_ID=x00000000000000a1 CTX_DEADLINE=garbage bad
	CTX_ID=x00000000000000a1 CTX_DEADLINE=2026-02-30T00:00:00.000Z bad -t 1s
}
