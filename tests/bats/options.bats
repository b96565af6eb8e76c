#!/usr/bin/env bats
# Options (SPEC §3): help, version, long forms, aliases, "--", durations.

load helpers

@test "options: --help shows usage on stdout and exits 0" {
	run --separate-stderr ctxrun --help
	assert_success
	assert_output --regexp '[Uu]sage'
	[ -z "$stderr" ] || fail "stderr: $stderr"
	local o
	# every option is in the synopsis, in its short form where it has one
	for o in -t -D -k -s -n -e -f --section --preserve-status --foreground; do
		assert_output --regexp "(^|[[ ])${o}[] ]"
	done
}

@test "options: -h is --help" {
	run --separate-stderr ctxrun -h
	assert_success
	assert_output --regexp '[Uu]sage'
}

@test "options: --help and -V do not run a command" {
	run ctxrun --help touch marker
	assert_success
	[ ! -e marker ]
	run ctxrun -V touch marker
	assert_success
	[ ! -e marker ]
}

@test "options: --version and -V print the version" {
	run --separate-stderr ctxrun --version
	assert_success
	assert_output --regexp '^ctxrun [0-9]+\.[0-9]+\.[0-9]+$'
	run --separate-stderr ctxrun -V
	assert_success
	assert_output --regexp '^ctxrun [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "options: --foreground is accepted and changes nothing" {
	run ctxrun --foreground -t 5s sh -c 'exit 4'
	assert_failure 4
	timer_start
	run ctxrun --foreground -t 0.2s sleep 5
	assert_failure 124
	assert_elapsed_lt 1200
}

@test "options: --kill-after is an alias of --grace" {
	timer_start
	run ctxrun -t 0.2s --kill-after 0.2s sh -c 'trap "" TERM; echo $$ > pid; exec sleep 5'
	assert_failure 124
	assert_elapsed_lt 1200
	assert_dead pid
	run ctxrun -t 5s --kill-after=0.3s env
	assert_line CTX_GRACE=0.3s
}

@test "options: long forms with = and with a separate argument" {
	run ctxrun --timeout=5s --grace 0.5s --signal=INT --name=job --value=A=1 env
	assert_success
	assert_line CTX_SIGNAL=INT
	assert_line CTX_GRACE=0.5s
	assert_line CTX_NAME=job
	assert_line A=1
	timer_start
	run ctxrun --timeout 0.2s --verbose sleep 5
	assert_failure 124
	assert_output --partial "ctxrun: own deadline exceeded"
}

@test "options: -- ends the options: a command that starts with -" {
	mkdir bin
	printf '#!/bin/sh\necho dash-command "$@"\n' >bin/-hello
	chmod +x bin/-hello
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run ctxrun -t 5s -- -hello -t 1
	assert_success
	assert_output 'dash-command -t 1'
}

@test "options: options after the command belong to the command" {
	run ctxrun echo -t 1 -v --help
	assert_success
	assert_output '-t 1 -v --help'
}

@test "options: -v at start says the deadline and the containment" {
	run --separate-stderr ctxrun -v -t 5s -n job sh -c 'echo $CTX_ID'
	assert_success
	assert_stderr_contains "ctxrun: job $output: containment "
	[[ $stderr =~ ctxrun:\ deadline\ [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z\ \(own\) ]] ||
		fail "no deadline line: $stderr"
}

@test "options: without -v ctxrun says nothing" {
	run --separate-stderr ctxrun -t 0.2s -k 0.1s sh -c 'trap "" TERM; exec sleep 5'
	assert_failure 124
	[ -z "$stderr" ] || fail "stderr: $stderr"
}

@test "options: durations in Go and timeout(1) syntax are accepted" {
	local d
	for d in 300ms 1.5h 2h45m 30 30s 1.5m 2h 1d +5s 1us 1µs 100ns 0.5 1h0m0.5s; do
		# as a grace, so that a tiny one is not a deadline that passed
		run ctxrun -k "$d" true
		[ "$status" -eq 0 ] || fail "-k $d: status $status: $output"
	done
}

@test "options: a duration is measured in the right unit" {
	local before d
	before=$(now_ms)
	run ctxrun -t 1.5m sh -c 'echo $CTX_DEADLINE'
	d=$(($(epoch_ms "$output") - before))
	((d >= 89000 && d <= 91500)) || fail "1.5m gave a deadline $d ms away"
	before=$(now_ms)
	run ctxrun -t 1d sh -c 'echo $CTX_DEADLINE'
	d=$(($(epoch_ms "$output") - before))
	((d >= 86399000 && d <= 86401500)) || fail "1d gave a deadline $d ms away"
	before=$(now_ms)
	run ctxrun -t 2h45m sh -c 'echo $CTX_DEADLINE'
	d=$(($(epoch_ms "$output") - before))
	((d >= 9899000 && d <= 9901500)) || fail "2h45m gave a deadline $d ms away"
	before=$(now_ms)
	run ctxrun -t 90 sh -c 'echo $CTX_DEADLINE'
	d=$(($(epoch_ms "$output") - before))
	((d >= 89000 && d <= 91500)) || fail "90 gave a deadline $d ms away"
}

@test "options: -t 0 means no deadline" {
	run ctxrun -t 0 sh -c 'echo "[$CTX_DEADLINE]"'
	assert_success
	assert_output '[]'
	run ctxrun -t 0s sh -c 'echo "[$CTX_DEADLINE]"'
	assert_success
	assert_output '[]'
}

@test "options: a bare number is seconds: -t 0.3 fires at 0.3 s" {
	timer_start
	run ctxrun -t 0.3 sleep 5
	assert_failure 124
	assert_elapsed_ge 290
	assert_elapsed_lt 1300
}

@test "options: -k without a deadline applies to leftovers" {
	timer_start
	run ctxrun -k 0.2s sh -c 'trap "" TERM; sleep 5 & echo $! > pid'
	assert_success
	assert_elapsed_ge 180
	assert_elapsed_lt 1200
	assert_dead pid
}

@test "options: a -t beyond what the clock can hold means no deadline" {
	run ctxrun -t 100000d sh -c 'echo "[${CTX_DEADLINE-none}]"; "$CTXRUN" -t 1s true; echo inner=$?'
	assert_success
	assert_line "[none]"
	assert_line inner=0
}
