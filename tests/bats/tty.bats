#!/usr/bin/env bats
# The command keeps ctxrun's terminal (SPEC §3): it reads from it, it is the
# terminal's foreground, and Ctrl-C reaches it.  script(1) provides a pty.

load helpers

@test "tty: the command reads a line from the terminal" {
	run bash -c 'printf "hello\n" | script -qec "exec env --default-signal \"\$CTXRUN\" -t 5s sh -c '\''read x; echo got:\$x'\''" /dev/null'
	assert_success
	assert_output --partial "got:hello"
}

@test "tty: the command's stdin is the terminal" {
	run script -qec "exec env --default-signal \"\$CTXRUN\" -t 5 sh -c 'test -t 0 && echo tty'" /dev/null </dev/null
	assert_success
	assert_output --partial tty
}

@test "tty: the command is in the terminal's foreground process group" {
	run script -qec "exec env --default-signal \"\$CTXRUN\" -t 5 sh -c 'ps -o pgid=,tpgid= -p \$\$'" /dev/null </dev/null
	assert_success
	local a b
	read -r a b <<<"${output//$'\r'/}"
	[[ -n $a && $a == "$b" ]] || fail "pgid '$a' is not the terminal's foreground group '$b'"
}

# Type Ctrl-C on the terminal once the job has written ./pid, with ctxrun
# running job.sh under script(1).  script runs its command with $SHELL -c,
# which (dash, as in CI) may stay as ctxrun's parent and die of the Ctrl-C
# itself: each command here is exec'd, so that ctxrun leads the session.  script's stdin stays open until the job
# is gone: at end of input script may hang up the terminal, and a hangup
# cancels the job (130), which is not what these tests are about.
ctrl_c_job() {
	run bash -c '
		( i=0; while [ ! -s pid ] && [ $i -lt 150 ]; do sleep 0.02; i=$((i+1)); done
		  printf "\003"
		  i=0; while kill -0 "$(cat pid)" 2>/dev/null && [ $i -lt 150 ]; do
			sleep 0.02; i=$((i+1)); done ) |
		script -qec "exec env --default-signal \"\$CTXRUN\" -v -t 5s -k 0.5s sh job.sh" /dev/null'
}

@test "tty: Ctrl-C on the terminal ends the command as without ctxrun" {
	cat >job.sh <<'S'
echo $$ > pid
exec sleep 5
S
	timer_start
	ctrl_c_job
	# sleep died of SIGINT: 128 + 2
	assert_failure 130
	assert_output --partial "SIGINT from the terminal: left to the command"
	assert_elapsed_lt 3000
	assert_dead pid
}

@test "tty: a command that handles Ctrl-C itself keeps control, as without ctxrun" {
	cat >job.sh <<'S'
trap 'echo caught; exit 0' INT
echo $$ > pid
i=0; while [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
exit 9
S
	ctrl_c_job
	assert_success
	assert_output --partial "SIGINT from the terminal: left to the command"
	assert_output --partial caught
	assert_dead pid
}
