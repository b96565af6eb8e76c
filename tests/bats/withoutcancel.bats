#!/usr/bin/env bats
# --without-cancel, on ctxrun and ctxctl new (SPEC §14). Mirrors Go's
# TestWithoutCancel: the child keeps its parent's values, has no
# deadline of the parent's and is not done when the parent is cancelled;
# its own deadline and its children work as usual.

load helpers

# wait_ctxrun FILE: waits for the ctxrun whose pid is in FILE to be gone.
wait_ctxrun() {
	local pid
	pid=$(read_pid "$1") || return 1
	wait_gone "$pid" 5 || fail "ctxrun $pid still runs"
}

@test "without-cancel: new --without-cancel keeps the values, not the deadline nor the cancel" {
	p=$(ctxctl new -t 1h -e K=1)
	c=$(ctxctl new -p "$p" --without-cancel)
	run ctxctl status "$c"
	assert_line "parent: $p"
	assert_line 'without-cancel: yes'
	assert_line 'value: K=1'
	refute_line --partial 'deadline:'
	run ctxctl left "$c"
	assert_failure 1
	ctxctl cancel "$p"
	run ctxctl status "$c"
	assert_line 'state: running'
	# the parent is done at once, the child not waited for
	run ctxctl wait -t 2 "$p"
	assert_failure 130
	# its children take its cancel as usual
	g=$(ctxctl new -p "$c")
	ctxctl cancel "$c"
	run ctxctl status "$g"
	assert_line 'err: canceled'
	run ctxctl --json status "$c"
	assert_output --partial '"without_cancel":true'
}

@test "without-cancel: the parent's deadline does not end it; its own does" {
	p=$(ctxctl new -t 0.2)
	c=$(ctxctl new -p "$p" --without-cancel)
	d=$(ctxctl new -p "$p" --without-cancel -t 0.4)
	wait_status_text "$p" 'err: deadline exceeded'
	run ctxctl status "$c"
	assert_line 'state: running'
	wait_status_text "$d" 'err: deadline exceeded'
	run ctxctl status "$c"
	assert_line 'state: running'
	ctxctl cancel "$c"
}

@test "without-cancel: ctxrun -p P --without-cancel: P's values, not its deadline; P's cancel does not end it" {
	p=$(ctxctl new -t 1h -e K=1)
	ctxrun_bg out err -p "$p" --without-cancel sh -c \
		'echo "$K ${CTX_DEADLINE:-none} $CTX_PARENT" >env.txt; while :; do sleep 0.05; done'
	wait_file env.txt 3
	[ "$(cat env.txt)" = "1 none $p" ] || fail "env: $(cat env.txt)"
	ctxctl cancel "$p"
	sleep 0.2
	pid_alive "$CTX_BG_PID" || fail "the job ended with its parent"
	run ctxctl ls "$p"
	assert_line --regexp "^└─[0-9]+ +- +running +$CTX_BG_PID "
	kill -TERM "$CTX_BG_PID"
	wait_status "$CTX_BG_PID" 3
	[ "$BG_STATUS" = 130 ]
}

@test "without-cancel: it starts under a parent that has ended, with its values" {
	p=$(ctxctl new -e K=1)
	ctxctl cancel "$p"
	run ctxrun -p "$p" --without-cancel sh -c 'echo "k=$K"'
	assert_success
	assert_output k=1
	run ctxrun -p "$p" true
	assert_failure 130
}

# nested ARGS...: the job of an outer ctxrun whose deadline fires at 0.3 s,
# inside which `ctxrun ARGS... sh inner.sh` runs for 1 s and writes done
# (its output to a file, or `run` would wait for it).
nested() {
	cat >inner.sh <<'SH'
echo $PPID >b.pid
sleep 1
echo ${CTX_DEADLINE:-none} >done
SH
	ctxrun -t 0.3 -k 0.3 sh -c '"$CTXRUN" "$@" sh inner.sh >b.out 2>&1 &
		sleep 5' sh "$@"
}

@test "without-cancel: inside a job, it survives the job's deadline, which takes neither its time nor it along" {
	timer_start
	run nested --without-cancel
	assert_failure 124
	assert_elapsed_lt 900
	wait_file done 3 || fail "the job --without-cancel was ended with its parent"
	[ "$(cat done)" = none ] || fail "it had the parent's deadline: $(cat done)"
	wait_ctxrun b.pid
}

@test "without-cancel: inside a job without a cgroup too" {
	export CTX_CGROUP=0
	timer_start
	run nested --without-cancel
	assert_failure 124
	assert_elapsed_lt 900
	wait_file done 3 || fail "the job --without-cancel was ended with its parent"
	wait_ctxrun b.pid
}

@test "without-cancel: inside a job with ctxd, it stays in the tree under the job, which ends without it" {
	timer_start
	run nested -n keep --without-cancel
	assert_failure 124
	assert_elapsed_lt 900
	run ctxctl status keep
	assert_line 'state: running'
	assert_line --regexp '^parent: [0-9]+$'
	wait_file done 3
	wait_ctxrun b.pid
	wait_status_text keep 'err: exited 0'
}

@test "without-cancel: inside a job in a job, it leaves both; its own deadline still holds" {
	cat >term.sh <<'SH'
echo $PPID >b.pid
trap "echo term >done; exit 0" TERM
while :; do sleep 0.05; done
SH
	cat >mid.sh <<'SH'
"$CTXRUN" --without-cancel -t 0.6 sh term.sh >b.out 2>&1 &
sleep 5
SH
	run ctxrun -t 0.3 -k 0.3 sh -c '"$CTXRUN" sh mid.sh'
	assert_failure 124
	[ ! -e done ] || fail "ended with the jobs it ran in: $(cat done)"
	wait_file done 3 || fail "never got its own deadline's TERM"
	[ "$(cat done)" = term ]
	wait_ctxrun b.pid
}

# Without the option a nested job ends with its parent, as ever.
@test "without-cancel: without it, a nested job ends with the job it runs in" {
	run nested
	assert_failure 124
	b=$(read_pid b.pid)
	wait_gone "$b" 1 || fail "the nested ctxrun outlived its parent"
	[ ! -e done ]
}

@test "without-cancel: a restarted ctxd keeps it a without-cancel context" {
	p=$(ctxctl new -e K=1)
	c=$(ctxctl new -p "$p" --without-cancel)
	ctxctl daemon stop >/dev/null
	run ctxctl status "$c"
	assert_line 'without-cancel: yes'
	ctxctl cancel "$p"
	run ctxctl status "$c"
	assert_line 'state: running'
}
