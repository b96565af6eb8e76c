#!/usr/bin/env bats
# ctxrun stands on its own (SPEC §3, §12): whatever keeps it from reaching,
# starting or trusting a daemon, the job runs and its deadline holds; -v
# says why. Only an explicit parent that only a daemon knows (-p) is an
# error. CTX_SOCKET=none (ctxd.ini: socket = none) means no daemon at all.

load helpers

# runs_alone WHY ARGS...: `ctxrun -v -t 5s ARGS` ran its command (which
# prints "ran"), exited 0, said why it had no daemon (stderr holds WHY),
# and started none.
runs_alone() {
	local why=$1
	shift
	run --separate-stderr ctxrun -v -t 5s "$@" echo ran
	assert_success
	[ "$output" = ran ] || fail "the job did not run: $output"
	assert_stderr_contains "no daemon ("
	assert_stderr_contains "$why"
	tagged_ctxd
	[ "${#CTXD_PIDS[@]}" -eq 0 ] || fail "a daemon runs: ${CTXD_PIDS[*]}"
}

@test "no daemon: an XDG_RUNTIME_DIR that does not exist: the job runs alone" {
	XDG_RUNTIME_DIR=$PWD/nonexistent runs_alone "$PWD/nonexistent/ctx"
	[ ! -e nonexistent ] || fail "made $PWD/nonexistent"
}

@test "no daemon: a read-only runtime directory: the job runs alone" {
	command -v unshare >/dev/null || skip "no unshare(1)"
	unshare --mount true 2>/dev/null ||
		skip "unshare --mount is not permitted here (needs root or user namespaces)"
	# A read-only bind of the runtime directory, in a mount namespace
	# that goes with the process.
	run --separate-stderr unshare --mount sh -c '
		mount --bind "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR" &&
		mount -o remount,bind,ro "$XDG_RUNTIME_DIR" &&
		exec env --default-signal "$CTXRUN" -v -t 5s echo ran'
	assert_success
	[ "$output" = ran ] || fail "the job did not run: $output"
	assert_stderr_contains "no daemon ($XDG_RUNTIME_DIR/ctx: Read-only file system)"
	[ ! -e "$XDG_RUNTIME_DIR/ctx" ] || fail "made the socket directory"
}

@test "no daemon: a socket path too long for a Unix socket: the job runs alone" {
	mkdir -m 0700 s
	export CTX_SOCKET=$PWD/s/$(printf 'x%.0s' {1..120}).sock
	runs_alone "File name too long"
	# only a daemon knows context 1
	run --separate-stderr ctxrun -p 1 -t 5s touch marker
	check_err ctxrun 125 "File name too long"
	[ ! -e marker ] || fail "the command ran"
}

@test "no daemon: ctxd not installed: the job runs alone" {
	mkdir bin
	cp "$CTXRUN" bin/ctxrun
	[[ ! -e /usr/bin/ctxd && ! -e /bin/ctxd ]] || skip "a ctxd is installed in /usr/bin"
	PATH=/usr/bin:/bin CTXRUN=$PWD/bin/ctxrun runs_alone "ctxd did not start"
}

@test "CTX_SOCKET=none: no daemon at all, for the job and the jobs inside it" {
	export CTX_SOCKET=none
	runs_alone "the socket is 'none'"
	# passed down: a nested ctxrun runs without a daemon too
	run --separate-stderr ctxrun -v -t 5s sh -c \
	    'echo "socket=$CTX_SOCKET"; "$CTXRUN" -v -t 5s echo nested'
	assert_success
	assert_line --index 0 "socket=none"
	assert_line --index 1 nested
	[[ $stderr == *"no daemon (the socket is 'none')"*"no daemon (the socket is 'none')"* ]] ||
		fail "the nested ctxrun did not say so: $stderr"
	[ ! -e "$XDG_RUNTIME_DIR/ctx" ] || fail "made the socket directory"
	no_daemon_started
}

# no_daemon_started: no daemon of this test runs.
no_daemon_started() {
	tagged_ctxd
	[ "${#CTXD_PIDS[@]}" -eq 0 ] || fail "a daemon runs: ${CTXD_PIDS[*]}"
}

@test "CTX_SOCKET=none: the deadline holds" {
	export CTX_SOCKET=none
	timer_start
	run --separate-stderr ctxrun -t 0.2s sleep 5
	assert_failure 124
	assert_elapsed_lt 1500
	no_daemon_started
}

@test "socket = none in ctxd.ini: no daemon at all" {
	ini ctxd.ini <<'I'
socket = none
I
	export CTXD_CONFIG=$PWD/ctxd.ini
	runs_alone "the socket is 'none'"
	[ ! -e "$XDG_RUNTIME_DIR/ctx" ] || fail "made the socket directory"
}

@test "CTX_SOCKET=none: -p, ctxctl new and ctxd are refused (125); ctxctl ls shows nothing" {
	export CTX_SOCKET=none
	run --separate-stderr ctxrun -p 1 -t 5s touch marker
	check_err ctxrun 125 "'none'"
	[ ! -e marker ] || fail "the command ran"
	run --separate-stderr ctxctl new
	check_err ctxctl 125 "'none'"
	run --separate-stderr timeout 5 "$CTXD" -f
	check_err ctxd 125 "'none'"
	run --separate-stderr ctxctl ls
	assert_success
	assert_output ""
	no_daemon_started
	[ ! -e none ] && [ ! -e none.new ] || fail "made a socket named none"
}

# --- registrations of any size ------------------------------------------------

@test "registration: a 100 KB command line joins its context, its start kept" {
	local long id
	long=$(printf 'a%.0s' {1..1000})
	long=${long}${long}${long}${long}${long}${long}${long}${long}${long}${long}
	long=$long$long$long$long$long$long$long$long$long$long # 100,000 bytes
	id=$(ctxctl new -n p)
	CTX_ID=$id ctxrun_bg out err -v -n big sh -c 'echo started; sleep 5' x "$long"
	wait_grep out started 3 || fail "the job did not start: $(cat err)"
	run --separate-stderr ctxctl --json status big
	assert_success
	local cmd
	cmd=$("$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["contexts"][0]["command"])' <<<"$output")
	[[ $cmd == "sh -c 'echo started; sleep 5' x aaa"*... ]] || fail "cmd: ${cmd:0:80}"
	[ "${#cmd}" -le 2048 ] || fail "ctxd kept ${#cmd} bytes of the command line"
	# in its context: a cancel of the parent reaches it
	ctxctl cancel -k 0 p
	wait_status "$CTX_BG_PID" 3
	[ "$BG_STATUS" -eq 130 ] || fail "exited $BG_STATUS: $(cat err)"
}

@test "registration: values too large for ctxd: 125 naming the limit, nothing started" {
	local big
	big=$(printf 'b%.0s' {1..1000})
	big=$big$big$big$big$big$big$big$big$big$big # 10,000 bytes
	run --separate-stderr ctxrun -e "A=$big$big$big$big" -e "B=$big$big$big$big" \
	    -t 5s touch marker
	check_err ctxrun 125 "over its limit of 65536"
	[ ! -e marker ] || fail "the command ran"
	# under the message's size, over what ctxd keeps with the ancestors'
	run --separate-stderr ctxrun -e "A=$big$big$big$big" -e "B=$big$big${big:0:2000}" \
	    -t 5s touch marker
	check_err ctxrun 125 "values too large (over 61440 bytes)"
	[ ! -e marker ] || fail "the command ran"
	# no daemon at all: no limit
	CTX_SOCKET=none run --separate-stderr ctxrun -e "A=$big$big$big$big" \
	    -e "B=$big$big$big$big" -t 5s sh -c 'echo ${#A}'
	assert_success
	assert_output 40000
}

# --- a job starts without waiting for ctxd (SPEC §12) -------------------------

@test "ctxctl new -x: a job under the evaluated context starts at once with ctxd stopped, with its values and deadline" {
	eval "$(ctxctl new -x -n ci -t 0.5s -e TEAM=infra)"
	[ "$CTX_ID" = 1 ] || fail "CTX_ID=$CTX_ID"
	[ -n "$CTX_TREE" ] && [ -n "$CTX_DEADLINE" ] || fail "no CTX_TREE or CTX_DEADLINE"
	local d
	d=$(daemon_pid)
	kill -STOP "$d"
	timer_start
	run --separate-stderr timeout 10 env --default-signal "$CTXRUN" \
	    sh -c 'sed -n "s/^0:://p" /proc/self/cgroup >cg
		echo "$TEAM $CTX_PARENT"; sleep 5'
	local t m
	t=$(elapsed_ms)
	kill -CONT "$d"
	# ran at once, and the context's deadline (0.5 s) ended it
	assert_failure 124
	assert_output "infra 1"
	((t < 1500)) || fail "took $t ms"
	# ctxd, running again, refuses the job (its parent has ended), and
	# still removes the cgroup the job left it
	if m=$(cgroup2_mount) && [[ $(cat cg) == */ctx-* ]]; then
		wait_removed "$m$(cat cg)" 1.5 ||
			fail "the job's cgroup $m$(cat cg) was left behind"
	fi
}

@test "a job that starts under a context that has ended is cancelled at once (130)" {
	# the environment of a job whose context has ended since
	ctxrun -n gone sh -c 'env | grep ^CTX_ >ctx.env'
	timer_start
	run --separate-stderr env $(cat ctx.env) "$CTXRUN" -v sleep 5
	assert_failure 130
	assert_elapsed_lt 2000
	assert_stderr_contains "has ended"
}

@test "a CTX_ID of another tree is never joined: the job is a root here" {
	local id
	id=$(ctxctl new -n secret -e SECRET=s3)
	timer_start
	CTX_ID=$id CTX_TREE=0123456789abcdef0123456789abcdef run --separate-stderr \
	    ctxrun -v -n visitor sh -c 'echo "[$SECRET]"'
	assert_success
	assert_output "[]"
	assert_stderr_contains "CTX_ID $id is of another tree: a root in this one"
	run ctxctl status visitor
	refute_line --partial "parent:"
}

# --- a daemon is never part of a job (SPEC §12) --------------------------------

@test "a client inside a job starts no daemon: ctxctl says why (125), the job ends with nothing left" {
	# ctxd is there when the job starts, and gone while it runs
	run --separate-stderr ctxrun -v -t 5s sh -c '
		"$CTXCTL" daemon stop >/dev/null
		"$CTXCTL" new -n inner; echo "new: $?"
		"$CTXRUN" -t 5s sh -c "echo nested ran"'
	assert_success
	assert_line "new: 125"
	assert_line "nested ran"
	assert_stderr_contains "none is started from inside a job"
	refute_stderr_contains "ending the processes it left"
	no_daemon_started
}

@test "CTX_PID names the job's ctxrun" {
	run ctxrun sh -c 'echo "$CTX_PID $PPID"'
	assert_success
	local a b
	read -r a b <<<"$output"
	[ "$a" = "$b" ] || fail "CTX_PID=$a, the command's parent is $b"
}

@test "registration: a daemon that does not echo the cgroup is told it again in MSG_JOB" {
	need_cgroup
	# An older ctxd takes the cgroup from MSG_JOB only: one that answers
	# the registration without "cgroup" gets MSG_JOB with it.
	mkdir -m 0700 old
	py '
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(4)
open("ready", "w").write("1")
c, _ = s.accept()
c.settimeout(5)
t, p = recv_msg(c)
reg = field(p, "cgroup")
c.sendall(msg(202, ["id=" + field(p, "id"), "state=running"]))
got = "none"
try:
    while True:
        t, p = recv_msg(c)
        if t == 109:
            got = "job " + ("with cgroup" if field(p, "cgroup") else "without")
except (EOFError, socket.timeout):
    pass
open("got", "w").write("registration %s; %s\n" % ("with cgroup" if reg else "without", got))
' "$PWD/old/s" &
fake=$!
wait_file ready 2 || fail "no fake daemon"
CTX_SOCKET=$PWD/old/s run ctxrun -t 2s sleep 0.3
wait "$fake" || true
assert_success
run cat got
assert_output "registration with cgroup; job with cgroup"
}
