#!/usr/bin/env bats
# The job's environment: CTX_ID, CTX_NAME, CTX_PARENT, CTX_DEADLINE,
# CTX_SIGNAL, CTX_GRACE (SPEC §3).

load helpers

RFC3339_MS='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$'

# envval NAME: prints NAME's value from "$output" (an `env` listing); fails
# if NAME is not set.
envval() {
	local l
	for l in "${lines[@]}"; do
		if [[ $l == "$1="* ]]; then
			printf '%s\n' "${l#*=}"
			return 0
		fi
	done
	return 1
}

refute_env() {
	refute_line --regexp "^$1="
}

@test "env: CTX_ID is a decimal id handed out by ctxd" {
	run ctxrun env
	assert_success
	assert_line --regexp '^CTX_ID=[0-9]+$'
}

@test "env: without a reachable ctxd, CTX_ID is x and 16 hex digits and the job runs" {
	# a ctxrun with no ctxd beside it or on PATH cannot start one
	mkdir -p lone
	cp "$CTXRUN" lone/ctxrun
	run env PATH=/usr/bin:/bin lone/ctxrun -v -t 5s env
	assert_success
	assert_line --regexp '^CTX_ID=x[0-9a-f]{16}$'
	[[ $output == *"no daemon"* ]] || fail "-v did not say there is no daemon"
}

@test "env: every job gets a new CTX_ID" {
	run ctxrun sh -c 'echo $CTX_ID'
	local a=$output
	run ctxrun sh -c 'echo $CTX_ID'
	[[ $a =~ ^[0-9]+$ ]] || fail "bad id $a"
	assert_not_equal "$output" "$a"
}

@test "env: the rest of the environment is inherited" {
	CTXTEST_FOO='a b' run ctxrun env
	assert_success
	assert_line 'CTXTEST_FOO=a b'
	assert_line "HOME=$HOME"
}

@test "env: CTX_NAME is set by -n" {
	run ctxrun -n build env
	assert_success
	assert_line 'CTX_NAME=build'
	run ctxrun --name=deploy env
	assert_line 'CTX_NAME=deploy'
}

@test "env: CTX_NAME is absent without -n, even if ctxrun's environment had one" {
	run ctxrun env
	assert_success
	refute_env CTX_NAME
	CTX_NAME=outer run ctxrun env
	assert_success
	refute_env CTX_NAME
}

@test "env: CTX_PARENT is absent at the top level" {
	run ctxrun env
	assert_success
	refute_env CTX_PARENT
}

@test "env: CTX_PARENT is the outer CTX_ID in a nested run" {
	run ctxrun sh -c 'echo "outer $CTX_ID"; "$CTXRUN" sh -c "echo inner \$CTX_ID \$CTX_PARENT"'
	assert_success
	local outer inner parent
	read -r _ outer <<<"${lines[0]}"
	read -r _ inner parent <<<"${lines[1]}"
	[[ $outer =~ ^[0-9]+$ ]] || fail "bad outer id '$outer'"
	[[ $inner =~ ^[0-9]+$ ]] || fail "bad inner id '$inner'"
	assert_not_equal "$inner" "$outer"
	assert_equal "$parent" "$outer"
}

@test "env: CTX_PARENT comes from CTX_ID in ctxrun's environment" {
	CTX_ID=x00000000000000a1 run ctxrun env
	assert_success
	assert_line 'CTX_PARENT=x00000000000000a1'
	refute_line 'CTX_ID=x00000000000000a1'
}

@test "env: CTX_DEADLINE is RFC 3339 UTC with milliseconds, about now + timeout" {
	local before after d
	before=$(now_ms)
	run ctxrun -t 100s env
	after=$(now_ms)
	assert_success
	d=$(envval CTX_DEADLINE) || fail "no CTX_DEADLINE"
	[[ $d =~ $RFC3339_MS ]] || fail "bad CTX_DEADLINE '$d'"
	d=$(epoch_ms "$d")
	((d >= before + 100000 - 1)) || fail "deadline $d is before now+100s ($before)"
	((d <= after + 100000)) || fail "deadline $d is after now+100s ($after)"
}

@test "env: CTX_DEADLINE, CTX_SIGNAL and CTX_GRACE are absent without a deadline" {
	run ctxrun env
	assert_success
	refute_env CTX_DEADLINE
	refute_env CTX_SIGNAL
	refute_env CTX_GRACE
	run ctxrun -t 0 -k 1s -s INT env
	assert_success
	refute_env CTX_DEADLINE
	refute_env CTX_SIGNAL
	refute_env CTX_GRACE
}

@test "env: CTX_SIGNAL and CTX_GRACE default to TERM and 10s with a deadline" {
	run ctxrun -t 5s env
	assert_success
	assert_line CTX_SIGNAL=TERM
	assert_line CTX_GRACE=10s
}

@test "env: CTX_SIGNAL and CTX_GRACE follow -s and -k" {
	run ctxrun -t 5s -s INT -k 0.2s env
	assert_success
	assert_line CTX_SIGNAL=INT
	assert_line CTX_GRACE=0.2s
	run ctxrun -t 5s -s 10 -k 1500ms env
	assert_success
	assert_line CTX_SIGNAL=USR1
	assert_line CTX_GRACE=1.5s
	run ctxrun -t 5s -s SIGHUP -k 2m env
	assert_success
	assert_line CTX_SIGNAL=HUP
	assert_line CTX_GRACE=120s
}

@test "env: a nested job without its own deadline inherits the outer one and its terms" {
	run ctxrun -t 5s -s INT -k 0.2s sh -c 'echo "$CTX_DEADLINE"; "$CTXRUN" -k 1h env'
	assert_success
	local outer=${lines[0]}
	[[ $outer =~ $RFC3339_MS ]] || fail "bad outer deadline '$outer'"
	assert_line "CTX_DEADLINE=$outer"
	assert_line CTX_SIGNAL=INT
	assert_line CTX_GRACE=0.2s
}

@test "env: a nested job whose own deadline is earlier shows its own and its terms" {
	run ctxrun -t 50s -s INT -k 0.2s sh -c 'echo "$CTX_DEADLINE"; "$CTXRUN" -t 20s -k 3s env'
	assert_success
	local outer=${lines[0]} inner
	inner=$(envval CTX_DEADLINE)
	[[ $inner =~ $RFC3339_MS ]] || fail "bad inner deadline '$inner'"
	(($(epoch_ms "$inner") < $(epoch_ms "$outer") - 20000)) ||
		fail "inner deadline $inner is not its own (outer $outer)"
	assert_line CTX_SIGNAL=TERM
	assert_line CTX_GRACE=3s
}
