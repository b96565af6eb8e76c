#!/usr/bin/env bats
# ctxd on systemd's socket (ctxd.8, SYSTEMD): socket activation as
# sd_listen_fds(3) passes the socket, LISTEN_PID and LISTEN_FDS, fd 3.

load helpers

@test "socket activation: ctxd serves on the socket it is given, and leaves it" {
	command -v systemd-socket-activate >/dev/null ||
	    skip "no systemd-socket-activate"
	sock=$(ctx_sock)
	mkdir -p -m 0700 "${sock%/*}"
	systemd-socket-activate -l "$sock" "$CTXD" -f 2>act.log </dev/null &
	act=$!
	for i in $(seq 100); do [[ -S $sock ]] && break; sleep 0.02; done
	[[ -S $sock ]] || fail "no socket: $(cat act.log)"
	# The first client starts ctxd, in place of the listener: same pid.
	id=$(ctxctl new -n activated)
	run daemon_pid
	assert_output "$act"
	run cat "/proc/$act/comm"
	assert_output ctxd
	grep -q "listening on $sock (systemd's socket)" act.log
	run ctxctl status activated
	assert_output --partial "id: $id"
	# The socket is systemd's: ctxd going away does not remove it.
	ctxctl daemon stop
	wait "$act" || fail "ctxd exited $?: $(cat act.log)"
	[[ -S $sock ]] || fail "ctxd removed systemd's socket"
	# A client after it replaces the dead socket, with the saved tree.
	run ctxctl status activated
	assert_output --partial 'state: running'
}

# activate SOCKET LISTEN_FDS [LISTEN_PID]: runs ctxd -f with a socket
# listening at SOCKET on fd 3 and the environment systemd gives (LISTEN_PID
# its pid by default).
activate() {
	"$PYTHON" -I -S - "$CTXD" "$@" <<'PY'
import os, socket, sys
ctxd, path, fds = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(16)
os.dup2(s.fileno(), 3)
os.environ['LISTEN_FDS'] = fds
os.environ['LISTEN_PID'] = sys.argv[4] if len(sys.argv) > 4 else str(os.getpid())
os.execv(ctxd, [ctxd, '-f'])
PY
}

@test "socket activation: two sockets, or not a socket, is one line and 125" {
	run activate "$(ctx_sock)" 2
	[ "$status" -eq 125 ]
	assert_output 'ctxd: LISTEN_FDS=2: one socket expected'
	run "$PYTHON" -I -S -c '
import os, sys
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_PID"] = str(os.getpid())
r, w = os.pipe()
os.dup2(r, 3)
os.execv(sys.argv[1], [sys.argv[1], "-f"])' "$CTXD"
	[ "$status" -eq 125 ]
	assert_output 'ctxd: fd 3 from systemd: not a Unix stream socket with a path'
}

@test "socket activation: LISTEN_PID of another process is not for ctxd" {
	# Another's: ctxd binds its own socket, as when started by hand.
	mkdir -m 0700 other
	activate "$PWD/other/s" 1 1 2>ctxd.log &
	py=$!
	wait_grep ctxd.log "listening on $(ctx_sock)" 2 || fail "$(cat ctxd.log)"
	! grep -q "systemd's socket" ctxd.log
	ctxctl new -n own >/dev/null
	ctxctl daemon stop
	wait "$py" || true
}
