#!/usr/bin/env bats
# Help that teaches (SPEC §15): ctxctl help [command], -h on every
# subcommand, ctxd -h/--help/-V, ctxrun -h with an option a line, "did you
# mean" for a mistyped command, and ctxctl's options after the command.

load helpers

CMDS=(cancel daemon env help ls new status wait)

# no_daemon_started: no ctxd of this test runs.
no_daemon_started() {
	tagged_ctxd
	[ "${#CTXD_PIDS[@]}" -eq 0 ] || fail "a daemon runs: ${CTXD_PIDS[*]}"
}

@test "ctxctl help: every command, one line each, on stdout, exit 0" {
	run --separate-stderr ctxctl help
	assert_success
	[ -z "$stderr" ] || fail "stderr: $stderr"
	assert_line --index 0 --regexp '^usage: ctxctl '
	for c in "${CMDS[@]}"; do
		assert_line --regexp "^  $c +[a-z].{10,}$"
	done
	no_daemon_started
}

@test "ctxctl -h and --help are ctxctl help" {
	want=$(ctxctl help)
	run --separate-stderr ctxctl -h
	assert_success
	assert_output "$want"
	run --separate-stderr ctxctl --help
	assert_success
	assert_output "$want"
}

@test "ctxctl help COMMAND, COMMAND -h, COMMAND --help: its usage, exit 0" {
	for c in "${CMDS[@]}"; do
		run --separate-stderr ctxctl help "$c"
		assert_success
		[ -z "$stderr" ] || fail "$c: stderr: $stderr"
		assert_line --index 0 --regexp "^usage: ctxctl $c"
		assert_line --regexp '^  -h, --help +'
		want=$output
		run --separate-stderr ctxctl "$c" -h
		assert_success
		[ "$output" = "$want" ] || fail "ctxctl $c -h: $output"
		run --separate-stderr ctxctl "$c" --help
		assert_success
		[ "$output" = "$want" ] || fail "ctxctl $c --help: $output"
	done
	# the alias has the same help
	[ "$(ctxctl tree -h)" = "$(ctxctl help ls)" ]
	no_daemon_started
}

@test "ctxctl cancel -h: exit 0, each option on a line of its own" {
	run --separate-stderr ctxctl cancel -h
	assert_success
	assert_line --regexp '^  -k grace +[a-z]'
	assert_line --regexp '^  -s signal +[a-z]'
	run --separate-stderr ctxctl help new
	for o in -x -t -D -n -p -e -f --section -k -s; do
		assert_line --regexp "^  $o[, ]"
	done
	run --separate-stderr ctxctl help wait
	assert_line --regexp '^  -t duration +[a-z]'
	run --separate-stderr ctxctl help ls
	assert_line --regexp '^  -l, --long +[a-z]'
}

@test "ctxctl: a mistyped command gets 'did you mean', one line, 125" {
	run --separate-stderr ctxctl stauts
	check_err ctxctl 125 "unknown command 'stauts': did you mean 'status'?"
	run --separate-stderr ctxctl canel x
	check_err ctxctl 125 "did you mean 'cancel'?"
	run --separate-stderr ctxctl wiat x
	check_err ctxctl 125 "did you mean 'wait'?"
	# a start that is the start of one command only
	run --separate-stderr ctxctl stat x
	check_err ctxctl 125 "did you mean 'status'?"
	run --separate-stderr ctxctl help stauts
	check_err ctxctl 125 "did you mean 'status'?"
	# nothing near: where to look
	run --separate-stderr ctxctl frobnicate
	check_err ctxctl 125 "unknown command 'frobnicate' (see ctxctl help)"
	no_daemon_started
}

@test "ctxctl: help of a command takes no extra words" {
	run --separate-stderr ctxctl help ls status
	check_err ctxctl 125 "unexpected argument 'status'"
}

@test "ctxctl: --json and -S after the command, as before it" {
	a=$(ctxctl new -n web)
	run --separate-stderr ctxctl ls --json
	assert_success
	"$PYTHON" -c 'import json,sys; d = json.load(sys.stdin); assert d["contexts"][0]["name"] == "web"' <<<"$output"
	want=$(ctxctl --json status web)
	run --separate-stderr ctxctl status --json web
	assert_success
	assert_output "$want"
	run --separate-stderr ctxctl daemon status --json
	assert_success
	assert_output --regexp '^\{"running":true,'
	run --separate-stderr ctxctl daemon --json status
	assert_output --regexp '^\{"running":true,'
	# -S after the command: this daemon's socket, named
	run --separate-stderr env -u XDG_RUNTIME_DIR HOME=/nonexistent "$CTXCTL" status -S "$(ctx_sock)" "$a"
	assert_success
	assert_line "name: web"
	run --separate-stderr ctxctl cancel --socket "$(ctx_sock)" web
	assert_success
	# after an operand, an option is an operand (as POSIX getopt)
	run --separate-stderr ctxctl status web --json
	check_err ctxctl 1 "no context '--json'"
}

@test "ctxd -h, --help: the usage and an option a line on stdout, exit 0; -V" {
	for o in -h --help; do
		run --separate-stderr "$CTXD" "$o"
		assert_success
		[ -z "$stderr" ] || fail "stderr: $stderr"
		assert_line --index 0 'usage: ctxd [-fhV] [-c file] [-S socket]'
		assert_line --regexp '^  -f, --foreground +[a-z]'
		assert_line --regexp '^  -c, --config file +[a-z]'
		assert_line --regexp '^  -S, --socket path +[a-z]'
		assert_line --regexp '^  -V, --version +[a-z]'
	done
	run --separate-stderr "$CTXD" -V
	assert_success
	assert_output --regexp '^ctxd [0-9]+\.[0-9]+\.[0-9]+$'
	# the same version as the clients'
	[ "${output#ctxd }" = "$(ctxctl -V | sed 's/^ctxctl //')" ]
	[ "${output#ctxd }" = "$(ctxrun -V | sed 's/^ctxrun //')" ]
	run --separate-stderr "$CTXD" --version
	assert_success
	no_daemon_started
	[ ! -e "$(ctx_sock)" ]
}

@test "ctxrun -h: every option on a line of its own" {
	run --separate-stderr ctxrun -h
	assert_success
	[ -z "$stderr" ] || fail "stderr: $stderr"
	for o in -t,\ --timeout -D,\ --deadline -k,\ --grace -s,\ --signal \
	    -n,\ --name -p,\ --parent -e,\ --value -f,\ --values --section \
	    -d,\ --detach -v,\ --verbose --preserve-status --foreground \
	    --forward --no-hangup --ssh -h,\ --help -V,\ --version; do
		assert_line --regexp "^  $o( [a-z=]+)? +[A-Za-z(]"
	done
}
