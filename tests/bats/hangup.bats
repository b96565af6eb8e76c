#!/usr/bin/env bats
# A ctxrun started by sshd without a pty notices when the session goes
# away, and cancels its job (issue 10). No sshd here: sshd_sim below plays
# its part, as OpenSSH does it. It starts ctxrun in a new session (no
# controlling terminal) with SSH_CONNECTION set, and standard streams that
# are pipes, or one socketpair for stdin and stdout; it keeps the other
# ends, then closes them as sshd does when the client goes.

load helpers

# sshd_sim MODE [--eof] [--ctty] [--errpipe] [--hold S] -- ARGV...: runs
# ARGV as sshd would, with MODE "pipe" (a pipe for stdin and one for
# stdout) or "socket" (one socketpair for both). Standard error is ./err,
# or with --errpipe a pipe of the session, drained. --eof:
# stdin ends at once (the client's </dev/null): the pipe is closed, the
# socket shut down for writing. --ctty: a pty is the controlling terminal
# and stdin, as with ssh -t or a login shell. Once the job has made
# ./ready, and --hold S seconds more (default 0.1), the session goes: sshd's
# ends are closed. Sets SIM_STATUS to the exit status of ARGV, SIM_MS to
# the milliseconds from the close to its exit, and SIM_ALIVE to 1 if it
# was still running at the close; it is killed by pid after 5 s.
SIM='
import os, socket, sys, time, fcntl, termios, signal
mode, eof, ctty, errpipe, hold = sys.argv[1], False, False, False, 0.1
args = sys.argv[2:]
while args[0] != "--":
	if args[0] == "--eof": eof = True
	elif args[0] == "--ctty": ctty = True
	elif args[0] == "--errpipe": errpipe = True
	elif args[0] == "--hold": hold = float(args.pop(1))
	args.pop(0)
argv = args[1:]
if mode == "pipe":
	in_r, in_w = os.pipe()
	out_r, out_w = os.pipe()
	child_in, child_out, ours = in_r, out_w, [in_w, out_r]
else:
	a, b = socket.socketpair()
	child_in = child_out = b.detach()
	ours = [a]
if errpipe:
	err_r, err = os.pipe()
	ours.append(err_r)
else:
	err = os.open("err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
if ctty:
	master, slave = os.openpty()
pid = os.fork()
if pid == 0:
	os.setsid()
	if ctty:
		fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
		child_in = slave
	os.dup2(child_in, 0)
	os.dup2(child_out, 1)
	os.dup2(err, 2)
	os.execvp(argv[0], argv)
for fd in {child_in, child_out, err}:
	os.close(fd)
if eof:
	if mode == "pipe":
		os.close(ours.pop(0))
	else:
		ours[0].shutdown(socket.SHUT_WR)
end = time.monotonic() + 3
while not os.path.exists("ready") and time.monotonic() < end:
	time.sleep(0.01)
time.sleep(hold)
flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
alive = int(os.waitid(os.P_PID, pid, flags) is None)
t0 = time.monotonic()
for o in ours:
	o.close() if isinstance(o, socket.socket) else os.close(o)
end = t0 + 5
while True:
	p, st = os.waitpid(pid, os.WNOHANG)
	if p == pid:
		break
	if time.monotonic() > end:
		os.kill(pid, signal.SIGKILL)
		p, st = os.waitpid(pid, 0)
		break
	time.sleep(0.005)
ms = int((time.monotonic() - t0) * 1000)
print(os.waitstatus_to_exitcode(st), ms, alive)
'

sshd_sim() {
	local ssh=(SSH_CONNECTION='127.0.0.1 50000 127.0.0.1 22')
	[[ -n ${SIM_UNSET:-} ]] && ssh=(-u SSH_CONNECTION)
	run --separate-stderr env --default-signal "${ssh[@]}" \
		"$PYTHON" -c "$SIM" "$@"
	[[ $status == 0 ]] || fail "sshd_sim failed ($status): $stderr"
	read -r SIM_STATUS SIM_MS SIM_ALIVE <<<"$output"
}

# The job: a setsid'd child that would live on, then ready.
JOB='setsid sleep 30 & echo $! >pid; : >ready; exec sleep 30'

# assert_hangup: the job was cancelled within 1 s, for the session's end.
assert_hangup() {
	[[ $SIM_STATUS == 130 ]] ||
		fail "status $SIM_STATUS, expected 130; stderr: $(cat err)"
	((SIM_ALIVE)) || fail "ended before the session did; stderr: $(cat err)"
	((SIM_MS < 1000)) || fail "took $SIM_MS ms from the hangup"
	grep -q 'ctxrun: hangup: the ssh session closed standard' err ||
		fail "-v does not say hangup: $(cat err)"
	assert_dead pid
	echo "# $1: cancelled $SIM_MS ms after the session went" >&3
}

@test "hangup: stdout a pipe whose reader goes: cancelled within 1 s, a setsid'd child too" {
	sshd_sim pipe -- "$CTXRUN" -v -t 10s -k 0.5s sh -c "$JOB"
	assert_hangup pipe
}

@test "hangup: stdin and stdout one socket, closed by the peer: cancelled within 1 s" {
	sshd_sim socket -- "$CTXRUN" -v -t 10s -k 0.5s sh -c "$JOB"
	assert_hangup socket
}

@test "hangup: the end of stdin is not a hangup, on a pipe or a half-closed socket" {
	local mode
	for mode in pipe socket; do
		rm -f ready
		# running still 0.5 s after stdin ended, cancelled at the close
		sshd_sim "$mode" --eof --hold 0.5 -- \
			"$CTXRUN" -v -t 10s -k 0.5s sh -c "$JOB"
		assert_hangup "$mode after EOF"
	done
}

@test "hangup: with stdout a pipe that stays open, the job runs to its end" {
	# the session goes only after the command has exited by itself
	sshd_sim pipe --eof --hold 1 -- "$CTXRUN" -v -t 10s sh -c ': >ready; sleep 0.3; exit 3'
	[[ $SIM_STATUS == 3 ]] || fail "status $SIM_STATUS; stderr: $(cat err)"
	grep -q 'in an ssh session: its hangup cancels the job' err ||
		fail "not watched: $(cat err)"
	! grep -q 'ctxrun: hangup:' err || fail "stderr: $(cat err)"
}

# not_hangup MODE [SIM OPTION...] -- [CTXRUN OPTION...]: a session that goes
# while the command runs on 0.6 s: the job is not cancelled.
not_hangup() {
	local sim=()
	while [[ $1 != -- ]]; do
		sim+=("$1")
		shift
	done
	shift
	sshd_sim "${sim[@]}" -- "$CTXRUN" -v -t 10s "$@" \
		sh -c ': >ready; sleep 0.6; exit 3'
	[[ $SIM_STATUS == 3 ]] ||
		fail "status $SIM_STATUS, expected the command's 3; stderr: $(cat err)"
	! grep -q 'ctxrun: hangup:' err || fail "stderr: $(cat err)"
}

@test "hangup: without SSH_CONNECTION, a reader that goes early ends nothing" {
	SIM_UNSET=1
	not_hangup pipe --
}

@test "hangup: --no-hangup turns it off" {
	not_hangup pipe -- --no-hangup
	not_hangup socket -- --no-hangup
}

@test "hangup: with a controlling terminal (ssh -t, a login shell), SIGHUP's business: not watched" {
	not_hangup pipe --ctty --
}

@test "hangup: -d's job outlives the session that started it" {
	# its standard error is the session's; the first ctxrun has exited
	sshd_sim pipe --errpipe --hold 0.3 -- "$CTXRUN" -d -t 10s \
		sh -c 'echo $CTX_PID >cpid; : >ready; sleep 0.6; echo done >finished'
	[[ $SIM_STATUS == 0 ]] || fail "status $SIM_STATUS"
	wait_file finished 3 || fail "the detached job did not finish"
	wait_gone "$(cat cpid)" 2 || fail "the detached ctxrun did not exit"
}

@test "hangup: no stream of the session to watch, and -v says so" {
	SSH_CONNECTION='127.0.0.1 50000 127.0.0.1 22' setsid -w "$CTXRUN" -v \
		-t 5s true </dev/null >/dev/null 2>err
	grep -q 'in an ssh session, but no stream of it to watch' err ||
		fail "stderr: $(cat err)"
}

# SPEC §14: the session's end is the cause, in ctxd's tree and in -v.
@test "hangup: the cause is 'hangup', in ctxctl status and in -v" {
	sshd_sim pipe -- "$CTXRUN" -v -n hj -t 10s -k 0.5s sh -c "$JOB"
	assert_hangup pipe
	grep -q 'cancelling (cause: hangup)' err || fail "-v: $(cat err)"
	wait_status_text hj "cause: hangup"
	wait_status_text hj "err: canceled"
}
