#!/usr/bin/env bats
# Values (SPEC §7): -e, -f ini files with globals and sections, precedence,
# inheritance by nested jobs.

load helpers

jobs_ini() {
	ini jobs.ini <<'INI'
; keys before the first section apply to every job
TEAM = infra
LEVEL = global
# a comment line
[build]
REGION = eu-west-1
TOKEN = "a b c"
LEVEL = section
NOTE = plain ; an inline comment
[deploy]
REGION = us-east-1
LEVEL = deploy
INI
}

@test "values: -e sets values in the job's environment" {
	run ctxrun -e A=1 --value B='two words' -e C=x=y env
	assert_success
	assert_line A=1
	assert_line 'B=two words'
	assert_line C=x=y
}

@test "values: -f with -n exports the globals and the node's section" {
	jobs_ini
	run ctxrun -n build -f jobs.ini env
	assert_success
	assert_line TEAM=infra
	assert_line REGION=eu-west-1
	assert_line LEVEL=section
	refute_line --partial us-east-1
}

@test "values: one pair of surrounding double quotes is stripped" {
	jobs_ini
	run ctxrun -n build -f jobs.ini sh -c 'printf "<%s>\n" "$TOKEN"'
	assert_success
	assert_output '<a b c>'
}

@test "values: an inline ; comment is not part of the value" {
	jobs_ini
	run ctxrun -n build -f jobs.ini sh -c 'printf "<%s>\n" "$NOTE"'
	assert_success
	assert_output '<plain>'
}

@test "values: without a name, only the globals" {
	jobs_ini
	run ctxrun -f jobs.ini env
	assert_success
	assert_line TEAM=infra
	assert_line LEVEL=global
	refute_line --regexp '^REGION='
}

@test "values: a name with no section of that name is not an error: globals only" {
	jobs_ini
	run ctxrun -n nosuch -f jobs.ini env
	assert_success
	assert_line TEAM=infra
	assert_line LEVEL=global
	refute_line --regexp '^REGION='
}

@test "values: --section picks the section, without naming the node" {
	jobs_ini
	run ctxrun --section deploy -f jobs.ini env
	assert_success
	assert_line REGION=us-east-1
	assert_line TEAM=infra
	refute_line --regexp '^CTX_NAME='
}

@test "values: --section wins over the node's name" {
	jobs_ini
	run ctxrun -n build --section deploy --values jobs.ini env
	assert_success
	assert_line REGION=us-east-1
	assert_line LEVEL=deploy
	assert_line CTX_NAME=build
}

@test "values: precedence is environment < globals < section < -e" {
	jobs_ini
	LEVEL=env TEAM=env REGION=env OTHER=env run ctxrun -n build -f jobs.ini -e REGION=cli env
	assert_success
	assert_line OTHER=env     # only in the environment
	assert_line TEAM=infra    # globals beat the environment
	assert_line LEVEL=section # the section beats the globals
	assert_line REGION=cli    # -e beats the section
}

@test "values: -e wins over the file whatever the order on the command line" {
	jobs_ini
	run ctxrun -e LEVEL=cli -n build -f jobs.ini env
	assert_success
	assert_line LEVEL=cli
}

@test "values: a nested job sees the outer values and adds its own" {
	run ctxrun -e A=1 sh -c '"$CTXRUN" -e B=2 sh -c "echo A=\$A B=\$B"'
	assert_success
	assert_output 'A=1 B=2'
}

@test "values: a nested job's value overrides the outer one, for the inner job only" {
	run ctxrun -e A=1 sh -c '"$CTXRUN" -e A=3 sh -c "echo inner A=\$A"; echo outer A=$A'
	assert_success
	assert_line --index 0 'inner A=3'
	assert_line --index 1 'outer A=1'
}

@test "values: a nested job's ini file overrides the outer -e" {
	jobs_ini
	run ctxrun -e LEVEL=outer -e TEAM=outer sh -c '"$CTXRUN" -n build -f jobs.ini sh -c "echo \$LEVEL \$TEAM"'
	assert_success
	assert_output 'section infra'
}

@test "values: values never appear in -v output" {
	ini secret.ini <<'INI'
PASSWORD = s3cr3t-from-file
[job]
TOKEN = t0ken-from-section
INI
	run --separate-stderr ctxrun -v -n job -t 0.2s -k 0.2s -e SECRET=hunter2-from-cli -f secret.ini sh -c 'echo "$SECRET $PASSWORD $TOKEN"; exec sleep 5'
	assert_failure 124
	assert_output 'hunter2-from-cli s3cr3t-from-file t0ken-from-section'
	[[ -n $stderr ]] || fail "-v printed nothing"
	refute_stderr_contains hunter2
	refute_stderr_contains s3cr3t
	refute_stderr_contains t0ken
}
