#!/usr/bin/env bats
# Security (SPEC §9, §7; ctxd(8) SECURITY): another uid is refused by the
# daemon itself, whatever it asks; ctxrun and ctxctl refuse a socket
# directory that is not theirs alone; values never reach the daemon's log.
# Each test has its own socket directory and daemon; the teardown stops it.

load helpers

# as ctxd.bats's: the helpers' teardown, then the directory shared_daemon made
teardown() {
	ctx_teardown
	set -- $?
	[[ -z ${SHARED_DIR:-} ]] || rm -rf -- "$SHARED_DIR"
	return "$1"
}

NOBODY=65534

need_nobody() {
	command -v setpriv >/dev/null || skip "no setpriv"
	need_root "to change uid"
}

no_daemon() {
	tagged_ctxd
	[ "${#CTXD_PIDS[@]}" -eq 0 ] || fail "a daemon runs: ${CTXD_PIDS[*]}"
}

# --- another uid ----------------------------------------------------------------

# A daemon of ours, and a way in for uid 65534 that passes every check a
# client makes, so that only the daemon's own SO_PEERCRED check stands in
# the way: our socket (mode 0666 for the test) hard-linked into a 0700
# directory that uid 65534 owns. Sets SOCK (ours), THEIRS (the link), DPID
# and TREE (`ctxctl ls` now); the daemon logs to ctxd.log.
shared_daemon() {
	SHARED_DIR=$(mktemp -d /tmp/ctx-security.XXXXXX)
	chmod 0711 "$SHARED_DIR"
	mkdir -m 0700 "$SHARED_DIR/own" "$SHARED_DIR/nobody"
	chown "$NOBODY:$NOBODY" "$SHARED_DIR/nobody"
	SOCK=$SHARED_DIR/own/sock
	THEIRS=$SHARED_DIR/nobody/sock
	track_socket "$SOCK"
	"$CTXD" -f -S "$SOCK" 2>ctxd.log </dev/null &
	DPID=$!
	wait_grep ctxd.log "listening on $SOCK" 2 ||
		fail "ctxd did not say it listens: $(cat ctxd.log)"
	ctxctl -S "$SOCK" new -n secret -e TOKEN=hunter2 >/dev/null
	ctxctl -S "$SOCK" new -n other >/dev/null
	ln "$SOCK" "$THEIRS"
	chmod 0666 "$SOCK"
	TREE=$(ctxctl -S "$SOCK" ls)
}

# as_nobody CMD...: `run --separate-stderr` CMD as uid 65534, from /, with
# no HOME or XDG_RUNTIME_DIR of ours, bounded by a timeout.
as_nobody() {
	run --separate-stderr env -u XDG_RUNTIME_DIR -u CTXD_CONFIG HOME=/ \
		bash -c 'cd / && exec setpriv --reuid=$0 --regid=$0 --clear-groups timeout 5 "$@"' \
		"$NOBODY" "$@"
}

# refused N CTXCTL-ARGS...: `ctxctl -S THEIRS ARGS` as uid 65534, N times
# (the daemon hangs up at once, and the client may be writing then: a
# repeat catches a client that dies of SIGPIPE). Each must exit 125 with
# one line on stderr and leak nothing of the tree.
refused() {
	# (not "i": bats' own functions clobber it)
	local n=$1 try
	shift
	for ((try = 1; try <= n; try++)); do
		as_nobody "$CTXCTL" -S "$THEIRS" "$@"
		[ "$status" -eq 125 ] ||
			fail "attempt $try: ctxctl $* as uid $NOBODY exited $status, not 125; stderr: $stderr"
		[ "${#stderr_lines[@]}" -eq 1 ] ||
			fail "attempt $try: expected one line on stderr, got: $stderr"
		[[ ${stderr_lines[0]} == "ctxctl: "* ]] ||
			fail "attempt $try: stderr: $stderr"
		[[ $output$stderr != *secret* && $output$stderr != *hunter2* ]] ||
			fail "attempt $try: the tree leaked: $output $stderr"
	done
}

# unchanged N: the daemon is the same, the tree as it was, and the daemon
# logged a refusal of uid 65534 for each of the N attempts.
unchanged() {
	local got
	pid_alive "$DPID" || fail "the daemon died: $(cat ctxd.log)"
	[ "$(daemon_pid -S "$SOCK")" = "$DPID" ] || fail "the daemon changed"
	run ctxctl -S "$SOCK" ls
	assert_success
	[ "$output" = "$TREE" ] || fail "the tree changed; before:
$TREE
after:
$output"
	run ctxctl -S "$SOCK" env secret
	assert_output "export TOKEN='hunter2'"
	got=$(grep -c "refused a client of uid $NOBODY" ctxd.log)
	[ "$got" -ge "$1" ] || fail "$got refusals logged for $1 attempts: $(cat ctxd.log)"
	tagged_ctxd
	[ "${CTXD_PIDS[*]}" = "$DPID" ] || fail "ctxd processes: ${CTXD_PIDS[*]}"
}

@test "another uid cannot list the tree, even reaching the socket (ls, status, env)" {
	need_nobody
	shared_daemon
	refused 2 ls
	refused 2 status secret
	refused 2 env secret
	unchanged 6
}

@test "another uid cannot cancel a context or stop the daemon, even reaching the socket" {
	need_nobody
	shared_daemon
	refused 3 cancel secret
	refused 3 cancel -s KILL -k 0 secret other
	refused 3 daemon stop
	unchanged 9
}

@test "another uid cannot wait on a context, even reaching the socket" {
	need_nobody
	shared_daemon
	refused 5 wait secret
	unchanged 5
}

@test "another uid cannot create a context, even reaching the socket" {
	need_nobody
	shared_daemon
	refused 3 new -n evil
	refused 3 new -n evil -p secret
	unchanged 6
}

@test "another uid's ctxrun gets no node in our tree, even reaching the socket" {
	need_nobody
	shared_daemon
	# A refused ctxrun may run its job unregistered (SPEC §3: "No daemon
	# reachable ...: the job still runs", with an x id) or give up with 125
	# (§3: "daemon refused"); either way it says so in one line, and never
	# dies of the hang-up (a few tries: the daemon hangs up while ctxrun
	# may be writing).
	for try in 1 2 3 4; do
		as_nobody env CTX_SOCKET="$THEIRS" "$CTXRUN" -n evil -p secret \
			sh -c 'echo "id=$CTX_ID"'
		case $status in
		0)
			[[ $output =~ ^id=x[0-9a-f]{16}$ ]] ||
				fail "attempt $try: output: $output"
			;;
		125)
			[ "${#stderr_lines[@]}" -eq 1 ] && [[ $stderr == "ctxrun: "* ]] ||
				fail "attempt $try: stderr: $stderr"
			[ -z "$output" ] || fail "attempt $try: exited 125, but the job ran: $output"
			;;
		*) fail "attempt $try: ctxrun exited $status; stderr: $stderr" ;;
		esac
	done
	unchanged 4
}

# --- the socket directory -----------------------------------------------------------

# bad_dir KIND: makes $XDG_RUNTIME_DIR/ctx fail the checks of ctxd(8)
# SECURITY in the way KIND says.
bad_dir() {
	local d=$XDG_RUNTIME_DIR/ctx
	case $1 in
	symlink)
		mkdir -m 0700 real
		ln -s "$PWD/real" "$d"
		;;
	owner)
		mkdir -m 0700 "$d"
		give_away "$d"
		;;
	0755 | 0770)
		mkdir -m "$1" "$d"
		;;
	*) fail "bad_dir: $1" ;;
	esac
}

# dir_refused PROG: PROG refuses the socket directory, and nothing is made
# in it and no daemon started. ctxctl new fails: 125, one line naming it.
# ctxrun runs its job alone (SPEC §3: a job never depends on the daemon),
# and -v says why, naming the directory.
dir_refused() {
	local d=$XDG_RUNTIME_DIR/ctx
	case $1 in
	ctxrun)
		run --separate-stderr ctxrun -v -t 5s touch marker
		assert_success
		[ -e marker ] || fail "the command did not run"
		rm marker
		assert_stderr_contains "no daemon ($d"
		;;
	ctxctl)
		run --separate-stderr ctxctl new
		check_err "$1" 125 "$d"
		;;
	esac
	no_daemon
	[ -z "$(ls -A "$d/")" ] || fail "made in $d: $(ls -A "$d/")"
	[ ! -e real ] || [ -z "$(ls -A real)" ] || fail "made in the link's target: $(ls -A real)"
}

@test "socket directory: a symlink is refused by ctxrun (job runs alone) and ctxctl" {
	bad_dir symlink
	dir_refused ctxrun
	dir_refused ctxctl
}

@test "socket directory: one owned by another uid is refused by ctxrun (job runs alone) and ctxctl" {
	bad_dir owner
	dir_refused ctxrun
	dir_refused ctxctl
}

@test "socket directory: mode 0755 is refused by ctxrun (job runs alone) and ctxctl" {
	bad_dir 0755
	dir_refused ctxrun
	dir_refused ctxctl
	[ "$(stat -c %a "$XDG_RUNTIME_DIR/ctx")" = 755 ]
}

@test "socket directory: mode 0770 is refused by ctxrun (alone; -p: 125), ctxctl and ctxd, also by -S and CTX_SOCKET" {
	bad_dir 0770
	dir_refused ctxrun
	dir_refused ctxctl
	[ "$(stat -c %a "$XDG_RUNTIME_DIR/ctx")" = 770 ]
	mkdir -m 0770 grp
	CTX_SOCKET=$PWD/grp/sock run --separate-stderr ctxrun -p 1 -t 5s touch marker
	check_err ctxrun 125 "$PWD/grp"
	[ ! -e marker ] || fail "the command ran"
	run --separate-stderr ctxctl -S "$PWD/grp/sock" new
	check_err ctxctl 125 "$PWD/grp"
	run --separate-stderr timeout 5 "$CTXD" -f -S "$PWD/grp/sock"
	check_err ctxd 125 "$PWD/grp"
	no_daemon
	[ -z "$(ls -A grp)" ] || fail "made in grp: $(ls -A grp)"
}

# --- values never logged -------------------------------------------------------------

# The secrets: one given with -e, one from an ini file, one on a job.
S_CLI=s3cr3t-xyz-cli
S_INI=s3cr3t-xyz-ini
S_JOB=s3cr3t-xyz-job

# steer SOCKET: (with CTX_SOCKET=SOCKET exported) makes, runs, inspects and cancels contexts and jobs that
# carry the secrets, through every path that reaches the daemon, including
# requests it refuses.
steer() {
	local s=$1 id
	ini vals.ini <<EOF
SECRET_INI = $S_INI
[holder]
SECRET_SEC = $S_INI-section
EOF
	id=$(ctxctl -S "$s" new -n holder -e "SECRET_VAL=$S_CLI" -f vals.ini)
	ctxctl -S "$s" new -n kid -p holder -e "KID=$S_CLI-kid" >/dev/null
	# a job that exits by itself, one that meets its deadline, one that
	# is cancelled, all with values
	CTX_SOCKET=$s ctxrun -p holder -e "SECRET_JOB=$S_JOB" -f vals.ini true
	run env CTX_SOCKET="$s" "$CTXRUN" -t 0.2s -e "SECRET_JOB=$S_JOB-late" sleep 5
	assert_failure 124
	ctxrun_bg job.out job.err -n victim -e "SECRET_JOB=$S_JOB-cancel" \
		sh -c 'echo $$ >job.pid; exec sleep 10'
	wait_file job.pid 2 || fail "the job did not start: $(cat job.err)"
	run ctxctl -S "$s" ls
	run ctxctl -S "$s" --json ls
	run ctxctl -S "$s" status holder
	assert_output --partial "value: SECRET_VAL=$S_CLI"
	run ctxctl -S "$s" --json status kid
	assert_output --partial "$S_CLI-kid"
	run ctxctl -S "$s" env kid
	assert_output --partial "$S_INI"
	# refused requests that carry values
	run ctxctl -S "$s" new -p nosuch -e "SECRET_VAL=$S_CLI-orphan"
	assert_failure 125
	"$PYTHON" -I -S - "$s" "$S_CLI" <<'EOF'
import socket, struct, sys
path, secret = sys.argv[1], sys.argv[2].encode()
def send(payload, type=100):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(2)
    s.sendall(struct.pack('<HHI', 1, type, len(payload)) + payload)
    try:
        s.recv(65536)   # the FAIL reply, or the hang-up
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
# a value the daemon refuses (a CTX_ key): a FAIL reply that quotes it
send(b'name=bad\0v=CTX_BAD=' + secret + b'-refused\0')
# a value too large for a node
send(b'v=BIG=' + secret + b'-big' + b'x' * 62000 + b'\0')
# a last field without its NUL: the client is dropped
send(b'name=x\0v=SECRET=' + secret + b'-unended')
EOF
	ctxctl -S "$s" cancel holder
	ctxctl -S "$s" wait holder || true
}

@test "values never reach the log file at log_level debug" {
	printf '[ctxd]\nlog_level = debug\nlog_file = %s/ctxd.log\n' "$PWD" >ctxd.ini
	export CTXD_CONFIG=$PWD/ctxd.ini
	ctxctl new -n first >/dev/null
	export CTX_SOCKET=$(ctx_sock)
	steer "$(ctx_sock)"
	ctxctl cancel victim
	wait_status "$CTX_BG_PID" 3
	[ "$BG_STATUS" -eq 130 ] || fail "the cancelled job exited $BG_STATUS: $(cat job.err)"
	pid=$(daemon_pid)
	ctxctl daemon stop >/dev/null
	wait_gone "$pid" 2
	# logging was on, and saw what happened
	grep -q "listening on" ctxd.log || fail "log: $(cat ctxd.log)"
	grep -q "context .* made" ctxd.log || fail "log: $(cat ctxd.log)"
	grep -q "cancelled" ctxd.log || fail "log: $(cat ctxd.log)"
	grep -q "dropped" ctxd.log || fail "log: $(cat ctxd.log)"
	run grep -c s3cr3t ctxd.log
	assert_output 0
}

@test "values never reach the log on stderr (ctxd -f) at log_level debug" {
	mkdir -m 0700 d
	printf 'log_level = debug\n' >ctxd.ini
	track_socket "$PWD/d/sock"
	"$CTXD" -f -S "$PWD/d/sock" -c ctxd.ini 2>ctxd.log </dev/null &
	dpid=$!
	wait_grep ctxd.log "listening on" 2 || fail "log: $(cat ctxd.log)"
	export CTX_SOCKET=$PWD/d/sock
	steer "$PWD/d/sock"
	ctxctl cancel victim
	wait_status "$CTX_BG_PID" 3
	[ "$BG_STATUS" -eq 130 ] || fail "the cancelled job exited $BG_STATUS: $(cat job.err)"
	kill -TERM "$dpid"
	wait_status "$dpid" 2
	grep -q "context .* made" ctxd.log || fail "log: $(cat ctxd.log)"
	grep -q "SIGTERM" ctxd.log || fail "log: $(cat ctxd.log)"
	run grep -c s3cr3t ctxd.log
	assert_output 0
}
