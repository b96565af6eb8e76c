#!/usr/bin/env bats
# ctxd (SPEC §2, §8, §9, §10): the foreground mode and its log, ctxd.ini's
# idle_exit, the socket directory checks, other uids, a daemon that dies,
# and clients that do not speak the protocol. Every test has its own socket
# directory; the teardown stops the daemon (helpers.bash).

load helpers

teardown() {
	local rc=0
	ctx_teardown || rc=1
	if [[ -n ${SHARED_DIR:-} ]]; then
		rm -rf -- "$SHARED_DIR"
	fi
	return $rc
}

no_daemon() {
	tagged_ctxd
	[ "${#CTXD_PIDS[@]}" -eq 0 ] || fail "a daemon runs: ${CTXD_PIDS[*]}"
}

# ctxd_fg SOCKET [ARGS]: starts `ctxd -f -S SOCKET ARGS` in the background
# with its log in ctxd.log; waits until it listens. Sets CTXD_FG to its pid.
ctxd_fg() {
	local sock=$1
	shift
	track_socket "$sock"
	"$CTXD" -f -S "$sock" "$@" 2>ctxd.log </dev/null &
	CTXD_FG=$!
	wait_grep ctxd.log "listening on $sock" 2 ||
		fail "ctxd did not say it listens: $(cat ctxd.log)"
}

# speak SOCKET CASE: connects to SOCKET and sends what CASE names. Prints
# "reply TYPE" (the type of the first message back), "dropped" if ctxd
# hangs up without a word, "no answer" if it says nothing for 2 s; the cut-*
# cases close at once and print "sent".
speak() {
	"$PYTHON" -I -S - "$@" <<'EOF'
import random, socket, struct, sys
path, case = sys.argv[1], sys.argv[2]

def hdr(version, type, length):
    return struct.pack('<HHI', version, type, length)

def garbage(seed, n):
    r = random.Random(seed)
    return bytes(r.getrandbits(8) for _ in range(n))

cases = {
    'list':       hdr(1, 101, 0),
    'random1':    garbage(1, 4096),
    'random2':    garbage(2, 100),
    'random3':    garbage(3, 70000),
    'huge':       hdr(1, 100, 0xFFFFFFFF),
    'toolarge':   hdr(1, 101, 64 * 1024 + 1),
    'version':    hdr(2, 101, 0),
    'version0':   hdr(0, 101, 0),
    'type':       hdr(1, 999, 0),
    'reply-type': hdr(1, 200, 0),
    'unended':    hdr(1, 100, 6) + b'name=x',
    'nokey':      hdr(1, 100, 3) + b'=x\0',
    'noeq':       hdr(1, 100, 5) + b'name\0',
    'cut-header': hdr(1, 100, 10)[:3],
    'cut-body':   hdr(1, 100, 100) + b'name=abc\0',
    'limit-wrap': hdr(1, 100, 17) + b'limit=4294967297\0',
    'limit-over': hdr(1, 100, 13) + b'limit=100001\0',
    'limit-neg':  hdr(1, 100, 9) + b'limit=-1\0',
    'limit-max':  hdr(1, 100, 13) + b'limit=100000\0',
}
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
try:
    s.sendall(cases[case])
except (BrokenPipeError, ConnectionResetError):
    print('dropped')
    sys.exit(0)
if case.startswith('cut-'):
    s.close()
    print('sent')
    sys.exit(0)
s.settimeout(2)
try:
    data = s.recv(8)
except socket.timeout:
    print('no answer')
    sys.exit(0)
except ConnectionResetError:
    data = b''
if len(data) == 0:
    print('dropped')
else:
    print('reply %d' % struct.unpack('<HHI', data.ljust(8, b'\0'))[1])
EOF
}

# --- foreground ---------------------------------------------------------------

@test "ctxd -f: logs on stderr, serves its -S socket, daemon stop ends it" {
	mkdir -m 0700 d
	ctxd_fg "$PWD/d/sock"
	[ "$(stat -c %a d/sock)" = 600 ]
	# in the foreground: the process we started is the daemon
	[ "$(daemon_pid -S "$PWD/d/sock")" = "$CTXD_FG" ]
	id=$(ctxctl -S "$PWD/d/sock" new -n fg)
	run ctxctl -S "$PWD/d/sock" ls
	assert_output --regexp "(^|"$'\n'")$id +fg +running"
	# and nothing on the default socket
	[ ! -e "$(ctx_sock)" ]
	# CTX_SOCKET names the same socket
	CTX_SOCKET=$PWD/d/sock run ctxctl status fg
	assert_line "id: $id"

	run ctxctl -S "$PWD/d/sock" daemon stop
	assert_success
	wait_status "$CTXD_FG" 2
	[ "$BG_STATUS" -eq 0 ] || fail "ctxd exited $BG_STATUS: $(cat ctxd.log)"
	[ ! -e d/sock ]
	grep -q 'stopped by pid' ctxd.log || fail "log: $(cat ctxd.log)"
}

@test "ctxd -f: SIGTERM ends it cleanly and removes the socket" {
	mkdir -m 0700 d
	ctxd_fg "$PWD/d/sock"
	ctxctl -S "$PWD/d/sock" new -e SECRET=hunter2 >/dev/null
	kill -TERM "$CTXD_FG"
	wait_status "$CTXD_FG" 2
	[ "$BG_STATUS" -eq 0 ]
	[ ! -e d/sock ]
	grep -q 'SIGTERM' ctxd.log || fail "log: $(cat ctxd.log)"
	run grep -c hunter2 ctxd.log
	assert_output 0
}

@test "ctxd: a second daemon on the same socket refuses to start" {
	mkdir -m 0700 d
	ctxd_fg "$PWD/d/sock"
	run --separate-stderr "$CTXD" -f -S "$PWD/d/sock"
	assert_failure 125
	assert_stderr_contains "already"
	pid_alive "$CTXD_FG"
	run ctxctl -S "$PWD/d/sock" ls
	assert_success
}

@test "ctxd: bad usage and a bad socket directory: exit 125" {
	run --separate-stderr "$CTXD" -x
	assert_failure 125
	run --separate-stderr "$CTXD" extra
	assert_failure 125
	mkdir -m 0755 open
	run --separate-stderr "$CTXD" -f -S "$PWD/open/sock"
	check_err ctxd 125 "$PWD/open"
	[ ! -e open/sock ]

	no_daemon
}

@test "ctxd.ini: a missing named file, bad values, unknown keys and sections: file:line" {
	mkdir -m 0700 d
	run --separate-stderr "$CTXD" -f -S "$PWD/d/sock" -c missing.ini
	check_err ctxd 125 missing.ini
	CTXD_CONFIG=$PWD/missing.ini run --separate-stderr "$CTXD" -f -S "$PWD/d/sock"
	check_err ctxd 125 missing.ini
	printf 'grace = 1s\n[other]\nidle_exit = 1s\n' >section.ini
	run --separate-stderr "$CTXD" -f -S "$PWD/d/sock" -c section.ini
	check_err ctxd 125 "section.ini:3"
	printf '[ctxd]\nhistory = -1\n' >history.ini
	run --separate-stderr "$CTXD" -f -S "$PWD/d/sock" -c history.ini
	check_err ctxd 125 "history.ini:2"
	printf '[ctxd]\nlog_level = loud\n' >level.ini
	run --separate-stderr "$CTXD" -f -S "$PWD/d/sock" -c level.ini
	check_err ctxd 125 "level.ini:2"
	# auto-start with a bad CTXD_CONFIG: the client says the daemon failed
	CTXD_CONFIG=$PWD/level.ini run --separate-stderr ctxctl new
	assert_failure 125
	[ ! -e d/sock ]
	no_daemon
}

@test "ctxd.ini: the error names the unknown key and the bad value" {
	mkdir -m 0700 d
	printf 'grace = 1s\nno_such_key = 1\n' >unknown.ini
	run --separate-stderr "$CTXD" -f -S "$PWD/d/sock" -c unknown.ini
	check_err ctxd 125 "unknown.ini:2"
	assert_stderr_contains no_such_key
	printf '[ctxd]\nidle_exit = 5x\n' >badval.ini
	run --separate-stderr "$CTXD" -f -S "$PWD/d/sock" -c badval.ini
	check_err ctxd 125 "badval.ini:2"
	assert_stderr_contains 5x
	no_daemon
}

# --- idle exit (ctxd.ini) -----------------------------------------------------

@test "idle_exit: with no context and no client the daemon exits by itself" {
	printf '[ctxd]\nidle_exit = 0.3s\n' >ctxd.ini
	export CTXD_CONFIG=$PWD/ctxd.ini
	id=$(ctxctl new -t 0.2s)
	pid=$(daemon_pid)
	timer_start
	sleep 0.1
	pid_alive "$pid" || fail "exited while a context was live"
	wait_gone "$pid" 1.5 || fail "ctxd $pid still running after 1.5 s idle"
	assert_elapsed_ge 350
	[ ! -e "$(ctx_sock)" ] || fail "socket left behind"
	run --separate-stderr ctxctl ls
	assert_success
	assert_output ''
}

@test "idle_exit: ~/.config/ctx/ctxd.ini is read; a live context keeps the daemon" {
	mkdir -p "$HOME/.config/ctx"
	printf 'idle_exit = 0.2s\n' >"$HOME/.config/ctx/ctxd.ini"
	id=$(ctxctl new)
	pid=$(daemon_pid)
	sleep 0.4
	pid_alive "$pid" || fail "exited with a live context"
	ctxctl cancel "$id"
	wait_gone "$pid" 1.5 || fail "ctxd $pid still running after 1.5 s idle"
}

@test "idle_exit: a connected client keeps the daemon" {
	printf 'idle_exit = 0.2s\n' >ctxd.ini
	export CTXD_CONFIG=$PWD/ctxd.ini
	id=$(ctxctl new)
	pid=$(daemon_pid)
	"$PYTHON" -I -S -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
open("connected", "w").write("1")
time.sleep(0.6)
' "$(ctx_sock)" &
	py=$!
	wait_file connected 2
	ctxctl cancel "$id"
	sleep 0.4
	pid_alive "$pid" || fail "exited with a client connected"
	wait_status "$py" 2
	wait_gone "$pid" 1.5 || fail "ctxd $pid still running after its client left"
}

# --- the socket directory (SPEC §9) -------------------------------------------

@test "security: a socket directory with mode 0755 is refused, naming it" {
	mkdir -m 0755 "$XDG_RUNTIME_DIR/ctx"
	run --separate-stderr ctxctl new
	check_err ctxctl 125 "$XDG_RUNTIME_DIR/ctx"
	assert_stderr_contains 0700
	run --separate-stderr ctxctl ls
	check_err ctxctl 125 "$XDG_RUNTIME_DIR/ctx"
	no_daemon
	[ "$(stat -c %a "$XDG_RUNTIME_DIR/ctx")" = 755 ]
	[ ! -e "$(ctx_sock)" ]
}

@test "security: the directory is checked before every use, not only at start" {
	ctxctl new >/dev/null
	pid=$(daemon_pid)
	chmod 0755 "$XDG_RUNTIME_DIR/ctx"
	run --separate-stderr ctxctl ls
	check_err ctxctl 125 "$XDG_RUNTIME_DIR/ctx"
	run --separate-stderr ctxctl new
	check_err ctxctl 125 "$XDG_RUNTIME_DIR/ctx"
	chmod 0700 "$XDG_RUNTIME_DIR/ctx"
	run ctxctl daemon stop
	assert_success
	wait_gone "$pid" 2
	chmod 0755 "$XDG_RUNTIME_DIR/ctx"
	run --separate-stderr ctxctl new
	check_err ctxctl 125 "$XDG_RUNTIME_DIR/ctx"
	no_daemon
}

@test "security: a symlinked socket directory is refused" {
	mkdir -m 0700 real
	ln -s "$PWD/real" "$XDG_RUNTIME_DIR/ctx"
	run --separate-stderr ctxctl new
	check_err ctxctl 125 "$XDG_RUNTIME_DIR/ctx"
	no_daemon
	[ -z "$(ls -A real)" ] || fail "something was made in the link's target: $(ls -A real)"
	# -S through a symlinked directory too
	ln -s "$PWD/real" linked
	run --separate-stderr ctxctl -S "$PWD/linked/sock" new
	check_err ctxctl 125 "$PWD/linked"
	no_daemon
}

@test "security: a socket directory owned by another uid is refused" {
	mkdir -m 0700 "$XDG_RUNTIME_DIR/ctx"
	give_away "$XDG_RUNTIME_DIR/ctx"
	run --separate-stderr ctxctl new
	check_err ctxctl 125 "$XDG_RUNTIME_DIR/ctx"
	no_daemon
}

@test "security: -S and CTX_SOCKET in an open directory are refused" {
	mkdir -m 0755 open
	run --separate-stderr ctxctl -S "$PWD/open/sock" new
	check_err ctxctl 125 "$PWD/open"
	CTX_SOCKET=$PWD/open/sock run --separate-stderr ctxctl new
	check_err ctxctl 125 "$PWD/open"
	no_daemon
	[ ! -e open/sock ]
}

@test "security: another uid cannot list the tree" {
	command -v setpriv >/dev/null || skip "no setpriv"
	need_root "to change uid"
	id=$(ctxctl new -n secret)
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$CTXCTL" -S "$(ctx_sock)" ls
	[ "$status" -ne 0 ] || fail "nobody could list: $output"
	refute_output --partial secret
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$CTXCTL" -S "$(ctx_sock)" cancel secret
	[ "$status" -ne 0 ]
	[ "$(ctxctl status "$id" | sed -n 's/^state: //p')" = running ]
}

@test "security: the daemon refuses a client of another uid that reaches the socket" {
	command -v setpriv >/dev/null || skip "no setpriv"
	need_root "to change uid"
	# a directory that uid 65534 can reach once it is opened up
	SHARED_DIR=$(mktemp -d /tmp/ctxd-peercred.XXXXXX)
	chmod 0700 "$SHARED_DIR"
	sock=$SHARED_DIR/sock
	ctxd_fg "$sock"
	id=$(ctxctl -S "$sock" new -n secret)
	chmod 0711 "$SHARED_DIR"
	chmod 0666 "$sock"
	run bash -c 'cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' \
		sh "$PYTHON" -I -S - "$sock" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(2)
try:
    s.sendall(struct.pack('<HHI', 1, 101, 0))
    print('reply' if s.recv(8) else 'dropped')
except (BrokenPipeError, ConnectionResetError):
    print('dropped')
except socket.timeout:
    print('no answer')
EOF
	assert_success
	assert_output dropped
	wait_grep ctxd.log "refused a client of uid 65534" 1 ||
		fail "no refusal in the log: $(cat ctxd.log)"
	# the same request from our own uid is answered
	run speak "$sock" list
	assert_output "reply 202"
	pid_alive "$CTXD_FG"
	chmod 0700 "$SHARED_DIR"
	chmod 0600 "$sock"
}

# --- a daemon that dies ---------------------------------------------------------

@test "kill -9 of ctxd: a stale socket is replaced by the next client" {
	ctxctl new >/dev/null
	pid=$(daemon_pid)
	kill -KILL "$pid"
	wait_gone "$pid" 2
	[ -S "$(ctx_sock)" ] # left behind
	run ctxctl daemon status
	assert_failure 1
	id=$(ctxctl new -n again)
	pid2=$(daemon_pid)
	[ "$pid2" != "$pid" ]
	run ctxctl status again
	assert_line "id: $id"
}

@test "kill -9 of ctxd with nothing live: ls starts no daemon" {
	id=$(ctxctl new)
	ctxctl cancel "$id" >/dev/null
	pid=$(daemon_pid)
	kill -KILL "$pid"
	wait_gone "$pid" 2
	run --separate-stderr ctxctl ls
	assert_success
	assert_output ''
	run ctxctl daemon status
	assert_failure 1
}

@test "kill -9 of ctxd: a job still meets its deadline" {
	ctxrun_bg out err -t 0.6s sh -c 'echo $$ >job.pid; exec sleep 10'
	wait_file job.pid 2
	pid=$(daemon_pid)
	run ctxctl ls
	assert_output --partial "sleep"
	timer_start
	kill -KILL "$pid"
	wait_status "$CTX_BG_PID" 2 || fail "ctxrun did not end: $(cat err)"
	[ "$BG_STATUS" -eq 124 ] || fail "ctxrun exited $BG_STATUS: $(cat err)"
	assert_elapsed_lt 1000
	assert_dead job.pid
}

# --- clients that do not speak the protocol (SPEC §8) -------------------------

# check_survived PID ID: the daemon is still PID and still lists ID.
check_survived() {
	[ "$(daemon_pid)" = "$1" ] || fail "the daemon changed: $(daemon_pid) != $1"
	run ctxctl ls
	assert_success
	assert_output --regexp "(^|"$'\n'")$2 +keep +running"
}

@test "garbage: the control case, a well-formed request, is answered" {
	id=$(ctxctl new -n keep)
	run speak "$(ctx_sock)" list
	assert_output "reply 202"
}

@test "garbage: random bytes drop that client, never the daemon" {
	id=$(ctxctl new -n keep)
	pid=$(daemon_pid)
	for c in random1 random2 random3; do
		run speak "$(ctx_sock)" "$c"
		assert_output dropped
		check_survived "$pid" "$id"
	done
}

@test "garbage: oversized and malformed headers and payloads drop the client" {
	id=$(ctxctl new -n keep)
	pid=$(daemon_pid)
	for c in huge toolarge version version0 type reply-type unended nokey noeq; do
		run speak "$(ctx_sock)" "$c"
		[ "$output" = dropped ] || fail "case $c: $output"
		check_survived "$pid" "$id"
	done
}

# A limit past what ctxctl takes is refused, not cut to 32 bits (2^32 + 1
# was a limit of 1).
@test "garbage: MSG_NEW with a limit out of range fails, nothing made" {
	local ids
	ctxctl new -n keep >/dev/null
	for c in limit-wrap limit-over limit-neg; do
		run speak "$(ctx_sock)" "$c"
		[ "$output" = "reply 201" ] || fail "case $c: $output"
	done
	ids=$(ctxctl ls -q)
	[[ $ids == [0-9]*$'\t'keep ]] || fail "made: $ids"
	run speak "$(ctx_sock)" limit-max
	assert_output "reply 202"
	ids=$(ctxctl ls -q | tail -n 1)
	run ctxctl --json status "${ids%%$'\t'*}"
	assert_output --partial '"limit":100000'
}

@test "garbage: a message cut off by a disconnect" {
	id=$(ctxctl new -n keep)
	pid=$(daemon_pid)
	for c in cut-header cut-body; do
		run speak "$(ctx_sock)" "$c"
		assert_output sent
		check_survived "$pid" "$id"
	done
}

@test "garbage: two hundred bad clients at once" {
	id=$(ctxctl new -n keep)
	pid=$(daemon_pid)
	run "$PYTHON" -I -S - "$(ctx_sock)" <<'EOF'
import socket, struct, sys
socks = []
for i in range(200):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.sendall(struct.pack('<HHI', 1, 100, 0xFFFFFFFF) if i % 2 else b'\xff' * 64)
    socks.append(s)
dropped = 0
for s in socks:
    s.settimeout(3)
    try:
        if s.recv(8) == b'':
            dropped += 1
    except ConnectionResetError:
        dropped += 1
print(dropped)
EOF
	assert_output 200
	check_survived "$pid" "$id"
}

@test "garbage: a client that sends requests and never reads blocks nobody" {
	id=$(ctxctl new -n keep)
	pid=$(daemon_pid)
	"$PYTHON" -I -S - "$(ctx_sock)" <<'EOF' &
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
# ctxd may stop reading from it (its replies are not read): send what goes
s.settimeout(0.3)
try:
    s.sendall(struct.pack('<HHI', 1, 101, 0) * 60000)
except (BrokenPipeError, ConnectionResetError, socket.timeout):
    pass
open('sent', 'w').write('1')
time.sleep(5)
EOF
	py=$!
	wait_file sent 2 || fail "could not send"
	timer_start
	run ctxctl ls
	assert_success
	assert_output --regexp "(^|"$'\n'")$id +keep +running"
	assert_elapsed_lt 500
	kill "$py"
	wait "$py" || true
	check_survived "$pid" "$id"
}

@test "a job that says how it ended and hangs up at once keeps its status" {
	# A ctxrun whose job ends at once sends its exit and closes without
	# reading the answer to its registration; writing that answer fails
	# before ctxd reads on. The exit must still count: not "lost".
	ctxctl new -n keep >/dev/null
	"$PYTHON" -I -S - "$(ctx_sock)" <<'EOF'
import os, socket, struct, sys
def msg(t, fields):
    p = b''.join(k + b'=' + v + b'\0' for k, v in fields)
    return struct.pack('<HHI', 1, t, len(p)) + p
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.shutdown(socket.SHUT_RD)	# the answer cannot be written
# a value big enough that ctxd reads the registration in several turns
new = msg(100, [(b'name', b'fast'), (b'signal', b'TERM'),
                (b'grace', b'1000000000'), (b'pid', str(os.getpid()).encode()),
                (b'cmd', b'true'), (b'v', b'BIG=' + b'x' * 16300)])
s.sendall(new + msg(106, [(b'err', b'exited 0'), (b'status', b'0')]))
s.close()
EOF
	wait_status_text fast 'state: done'
	run grep -E '^(err|exit):' < <(ctxctl status fast)
	assert_output $'err: exited 0\nexit: 0'
}

@test "ctxd runs as SCHED_BATCH: its wakeups never take a CPU from a job" {
	ctxctl new -n keep >/dev/null
	run chrt -p "$(daemon_pid)"
	assert_success
	assert_line --partial "scheduling policy: SCHED_BATCH"
}

@test "ctxd logs each context ctxctl makes at info, and jobs only at debug" {
	printf '[ctxd]\nlog_level = info\nlog_file = %s/ctxd.log\n' "$PWD" \
	    >ctxd.ini
	export CTXD_CONFIG=$PWD/ctxd.ini
	id=$(ctxctl new -n keep)
	run ctxrun true
	assert_success
	run grep -c ' made ' ctxd.log
	assert_output 1
	grep -q "context $id made (no process" ctxd.log ||
	    fail "no line for $id: $(cat ctxd.log)"
}
