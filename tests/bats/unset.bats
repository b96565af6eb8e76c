#!/usr/bin/env bats
# --unset KEY (-u), on ctxrun and ctxctl new (SPEC §14): KEY is absent for
# the node and everything below it. Mirrors Go's TestValues with
# WithValue(parent, k, nil): the nearest definition wins, and a nil one
# hides the ancestors'; a descendant may set it again.

load helpers

@test "unset: ctxrun -u takes a key out of the job's environment, and -e, -f's" {
	printf 'A = file\n' >v.ini
	FOO=1 run ctxrun -u FOO -f v.ini -u A -e B=1 --unset B env
	assert_success
	refute_line --regexp '^(FOO|A|B)='
	# the later of -e and -u on the command line wins
	run ctxrun -u B -e B=again env
	assert_line B=again
}

@test "unset: a nested job's -u hides its parent's value from it and below, not from the parent" {
	export CTX_SOCKET=none
	run ctxrun -e K=1 -e J=2 sh -c \
		'"$CTXRUN" -u K sh -c "echo in=\$K,\$J; \"\$CTXRUN\" sh -c \"echo below=\\\$K,\\\$J\"";
		 echo out=$K,$J'
	assert_success
	assert_line in=,2
	assert_line below=,2
	assert_line out=1,2
}

@test "unset: through ctxd, new -u hides the key for env, status and jobs below; a child may set it again" {
	p=$(ctxctl new -e K=1 -e J=2)
	c=$(ctxctl new -p "$p" -u K)
	run ctxctl env "$c"
	assert_success
	assert_output "export J='2'"
	run ctxctl status "$c"
	refute_line --partial K=
	assert_line 'value: J=2'
	run ctxctl env "$p"
	assert_line "export K='1'"
	# a job below, and one below that which asks ctxd for its values (-p)
	run ctxrun -p "$c" sh -c 'echo job=$K,$J; "$CTXRUN" -p "$CTX_ID" sh -c "echo below=\$K,\$J"'
	assert_success
	assert_line job=,2
	assert_line below=,2
	g=$(ctxctl new -p "$c" -e K=3)
	run ctxctl env "$g"
	assert_line "export K='3'"
	run ctxctl --json status "$c"
	[[ $output != *'"K"'* ]] || fail "K in --json: $output"
}

@test "unset: new -x prints 'unset KEY', so jobs of that shell lack it" {
	run ctxctl new -x -u K -e J=2
	assert_success
	assert_line 'unset K'
	run env K=1 bash -c 'eval "$("$CTXCTL" new -x -u K)"; "$CTXRUN" sh -c "echo k=\$K"'
	assert_success
	assert_output k=
}

@test "unset: a restarted ctxd keeps the key unset" {
	p=$(ctxctl new -e K=1)
	c=$(ctxctl new -p "$p" -u K -e J=2)
	ctxctl daemon stop >/dev/null
	run ctxctl env "$c"
	assert_success
	assert_output "export J='2'"
}

@test "unset: a bad key is bad input" {
	run --separate-stderr ctxrun -u 1A true
	check_err ctxrun 125 "--unset '1A': key starts with a digit"
	run --separate-stderr ctxrun --unset CTX_ID true
	check_err ctxrun 125 "reserved"
	run --separate-stderr ctxctl new -u 'A B'
	check_err ctxctl 125 "--unset 'A B'"
	run --separate-stderr ctxctl new -u ''
	check_err ctxctl 125 "empty key"
}
