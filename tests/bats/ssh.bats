#!/usr/bin/env bats
# Contexts across ssh (SPEC §13): ctxrun --ssh HOST carries the time left,
# as a duration, to a ctxrun on HOST; a ctxrun started by sshd keeps
# working whatever CTX_* variables came with the session; a CTX_ID that the
# daemon there does not know makes the job a root.
#
# Each test runs an sshd of its own on 127.0.0.1, on a free port, with
# keys made for it, started and killed by pid. Its sessions carry this
# test's tag (sshd_config SetEnv), so the leak detector sees what they
# leave, and their XDG_RUNTIME_DIR is the test's "remote" directory, so
# that "the remote host" has a daemon of its own.

load helpers

SSHD=/usr/sbin/sshd

# free_port: a TCP port nobody listens on at 127.0.0.1, now.
free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# sshd_start [SSHD_CONFIG LINES...]: an sshd for this test, and CTX_SSH, a
# wrapper of ssh with this test's client configuration. Sets SSHD_PID.
sshd_start() {
	local t=$BATS_TEST_TMPDIR/sshd line tries=3 port
	[[ -x $SSHD ]] || skip "no $SSHD (openssh-server: make deps)"
	command -v ssh >/dev/null || skip "no ssh (openssh-client: make deps)"
	need_root "to run an sshd that logs in this user"
	# Debian's sshd wants its privilege separation directory.
	[[ -d /run/sshd ]] || mkdir -m 0755 /run/sshd
	mkdir -p "$t" "$BATS_TEST_TMPDIR/bin"
	mkdir -p -m 0700 "$BATS_TEST_TMPDIR/remote"
	ssh-keygen -q -t ed25519 -N '' -f "$t/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$t/user_key"
	cp "$t/user_key.pub" "$t/authorized_keys"
	while ((tries-- > 0)); do
		port=$(free_port)
		{
			printf '%s\n' "ListenAddress 127.0.0.1" "Port $port" \
			    "HostKey $t/host_key" "PidFile none" \
			    "AuthorizedKeysFile $t/authorized_keys" \
			    "StrictModes no" "UsePAM no" \
			    "PasswordAuthentication no" \
			    "KbdInteractiveAuthentication no" \
			    "PermitRootLogin prohibit-password" \
			    "SetEnv CTX_TEST_TAG=$CTX_TEST_TAG XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/remote"
			for line; do printf '%s\n' "$line"; done
		} >"$t/sshd_config"
		"$SSHD" -D -e -f "$t/sshd_config" 2>"$t/sshd.log" &
		SSHD_PID=$!
		wait_grep "$t/sshd.log" "Server listening" 3 && break
		kill -TERM "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
		SSHD_PID=
	done
	[[ -n $SSHD_PID ]] || fail "sshd did not start: $(cat "$t/sshd.log")"
	cat >"$t/ssh_config" <<-EOF
		Host *
		    HostName 127.0.0.1
		    Port $port
		    User $(id -un)
		    IdentityFile $t/user_key
		    IdentitiesOnly yes
		    StrictHostKeyChecking no
		    UserKnownHostsFile $t/known_hosts
		    BatchMode yes
		    LogLevel ERROR
	EOF
	printf '#!/bin/sh\nexec ssh -F %s "$@"\n' "$t/ssh_config" \
	    >"$BATS_TEST_TMPDIR/bin/ssh"
	chmod +x "$BATS_TEST_TMPDIR/bin/ssh"
	export CTX_SSH=$BATS_TEST_TMPDIR/bin/ssh CTX_SSH_CTXRUN=$CTXRUN
	track_socket "$BATS_TEST_TMPDIR/remote/ctx/ctxd.sock"
}

# ssh_send LINES...: more lines for the client's configuration.
ssh_send() {
	local line
	for line; do
		printf '    %s\n' "$line" >>"$BATS_TEST_TMPDIR/sshd/ssh_config"
	done
}

teardown() {
	if [[ -n ${SSHD_PID:-} ]]; then
		kill -TERM "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
	fi
	ctx_teardown
}

# The remote command of the budget tests: it writes its pid, then, when it
# is ended, a file whose arrival the test times on its own clock. The trap
# forks nothing: a process forked while the job is being ended gets the
# signal too (ctxrun.1 CONTAINMENT), and would die before it wrote.
REMOTE_JOB='echo $$ >remote.pid; trap "echo >end; exit 143" TERM; sleep 10 & wait'

# budget_crosses [FAKETIME OFFSET]: ctxrun -t 1s --ssh ends the local job at
# its deadline (124), and the remote job within 1 s of it. The remote job
# watches no session (--no-hangup crosses): its own deadline, the budget
# that crossed, ends it, not the session's end.
budget_crosses() {
	local dl end skew
	if [[ -n ${1:-} ]]; then
		command -v faketime >/dev/null || skip "no faketime (make deps)"
		# faketime works by LD_PRELOAD, which the static ctxrun does
		# not read: the remote end is the same ctxrun, linked
		# dynamically. A sanitizer build does not insist on coming first.
		CTX_SSH_CTXRUN="env ASAN_OPTIONS=verify_asan_link_order=0 faketime -f $1 $CTX_BIN/tests/ctxrun-dynamic"
	fi
	cd "$BATS_TEST_TMPDIR/remote"
	run --separate-stderr ctxrun -v --no-hangup -t 1s -k 1s --ssh testhost -- \
	    sh -c "cd '$PWD' && $REMOTE_JOB"
	assert_failure 124
	[[ $stderr =~ deadline\ ([0-9TZ:.-]+)\ \(own\) ]] ||
		fail "no deadline said: $stderr"
	dl=$(epoch_ms "${BASH_REMATCH[1]}")
	if [[ -n ${1:-} ]]; then
		# the remote ctxrun's own line: its clock is off indeed
		[[ ${stderr#*\(own\)} =~ deadline\ ([0-9TZ:.-]+)\ \(own\) ]] ||
			fail "the remote ctxrun said no deadline: $stderr"
		skew=$(($(epoch_ms "${BASH_REMATCH[1]}") - dl))
		((${skew#-} > 29000)) || fail "the remote clock is off by $skew ms only"
	fi
	wait_file end 3 || fail "the remote job was not ended; stderr: $stderr"
	end=$(now_ms)
	echo "# remote end - local deadline: $((end - dl)) ms${1:+ (remote clock $1)}" >&3
	((end - dl < 1000 && dl - end < 1000)) ||
		fail "the remote job ended $((end - dl)) ms after the local deadline"
	assert_dead remote.pid
}

@test "ssh: the budget crosses: the remote job ends within 1 s of the local deadline" {
	sshd_start
	budget_crosses
}

@test "ssh: a remote clock 30 s ahead does not move the remote deadline" {
	# SendEnv CTX_* too: the local wall-clock CTX_DEADLINE must not cross.
	sshd_start "AcceptEnv CTX_*"
	ssh_send "SendEnv CTX_*"
	budget_crosses +30s
}

@test "ssh: a remote clock 30 s behind does not move the remote deadline" {
	sshd_start "AcceptEnv CTX_*"
	ssh_send "SendEnv CTX_*"
	budget_crosses -30s
}

@test "ssh: the command's words, the name, the signal, grace and -e values cross, quoted" {
	sshd_start
	run --separate-stderr ctxrun -t 30s -s INT -k 2.5s -n "a b" \
	    -e "K=it's \$HOME" --ssh testhost -- \
	    sh -c 'printf "<%s>\n" "$@" "$CTX_NAME" "$K" "$CTX_SIGNAL" "$CTX_GRACE"' \
	    sh "a  b" '$x' '"' "'" ''
	assert_success
	assert_output "<a  b>
<\$x>
<\">
<'>
<>
<a b>
<it's \$HOME>
<INT>
<2.5s>"
}

@test "ssh: no deadline, no -t: the remote job has none" {
	sshd_start
	run --separate-stderr ctxrun --ssh testhost -- sh -c 'echo "dl=${CTX_DEADLINE-none}"'
	assert_success
	assert_output "dl=none"
}

@test "ssh: a ctxrun started by sshd with another host's CTX_SOCKET and CTX_ID runs, and reads CTX_DEADLINE" {
	sshd_start "AcceptEnv CTX_*"
	# what SendEnv CTX_* brings from a job on another host
	ssh_send "SendEnv CTX_*" "SetEnv CTX_ID=7 CTX_SOCKET=$PWD/elsewhere/ctxd.sock"
	run --separate-stderr "$CTX_SSH" testhost \
	    "$CTXRUN -v -t 20s sh -c 'echo \"ran \$CTX_ID\"'"
	assert_success
	assert_output --regexp '^ran x[0-9a-f]{16}$'
	assert_stderr_contains "no daemon ($PWD/elsewhere"
	# the socket not sent: the daemon there does not know 7; the
	# deadline that came with it ends the job
	sed -i '/SetEnv/d' sshd/ssh_config
	ssh_send "SetEnv CTX_ID=7"
	export CTX_DEADLINE=$(rfc3339_at 1500)
	timer_start
	run --separate-stderr "$CTX_SSH" testhost "$CTXRUN -t 1h sleep 10"
	assert_failure 124
	assert_elapsed_lt 3000
}

@test "ssh: a CTX_ID the remote daemon does not know makes the job a root there" {
	sshd_start "AcceptEnv CTX_*"
	ssh_send "SendEnv CTX_*" "SetEnv CTX_ID=4242 TEAM=x"
	export CTX_DEADLINE=$(rfc3339_at 20000) CTX_SIGNAL=INT CTX_GRACE=3s
	run --separate-stderr "$CTX_SSH" testhost \
	    "$CTXRUN -v sh -c 'echo \"\$CTX_ID \${CTX_PARENT-root} \$CTX_DEADLINE \$CTX_SIGNAL \$CTX_GRACE\"'"
	assert_success
	assert_output --regexp "^[0-9]+ root $CTX_DEADLINE INT 3s\$"
	assert_stderr_contains "CTX_ID 4242 is not known to ctxd (it came through ssh): a root in its tree"
	assert_stderr_contains "(parent's)"
}

# --- a cancel crosses ssh with no pty (SPEC §13) -------------------------------

# hangup_job: a --ssh job in the background whose remote command leaves a
# setsid'd child, and waits (30 s at most). Sets LOCAL_PID, REMOTE_PID and
# CHILD_PID once both have started.
hangup_job() {
	cd "$BATS_TEST_TMPDIR/remote"
	ctxrun_bg out err -n across -t 30s -k 1s --ssh testhost -- sh -c \
	    "cd '$PWD' || exit; setsid sh -c 'echo \$\$ >child.pid; exec sleep 30' & $REMOTE_JOB"
	LOCAL_PID=$CTX_BG_PID
	REMOTE_PID=$(read_pid remote.pid) || fail "no remote job: $(cat err)"
	CHILD_PID=$(read_pid child.pid) || fail "no setsid'd child: $(cat err)"
}

# remote_gone T0: the remote job ended (its trap ran) and its setsid'd
# child is gone, within 1 s of T0 (ms).
remote_gone() {
	wait_file end 1 || fail "the remote job was not ended within 1 s"
	wait_gone "$CHILD_PID" 1 || fail "the remote setsid'd child survived"
	echo "# session gone to remote job ended: $(($(now_ms) - $1)) ms" >&3
}

@test "ssh: kill -9 of the local ssh ends the remote job and its setsid'd child within 1 s" {
	sshd_start
	hangup_job
	local ssh t0
	ssh=$(cat "/proc/$LOCAL_PID/task/$LOCAL_PID/children")
	[[ $ssh =~ ^[0-9]+\ ?$ ]] || fail "the local job is not one process: '$ssh'"
	t0=$(now_ms)
	kill -KILL $ssh
	remote_gone "$t0"
	wait_status "$LOCAL_PID" 3
	[ "$BG_STATUS" -eq 137 ] || fail "the local ctxrun exited $BG_STATUS"
}

@test "ssh: a cancel of the local job ends the remote job within 1 s" {
	sshd_start
	hangup_job
	local t0
	t0=$(now_ms)
	ctxctl cancel -k 1s across >/dev/null
	remote_gone "$t0"
	wait_status "$LOCAL_PID" 3
	[ "$BG_STATUS" -eq 130 ] || fail "the local ctxrun exited $BG_STATUS"
}

@test "ssh: --no-hangup crosses: the remote job outlives the session, to its own deadline" {
	sshd_start
	cd "$BATS_TEST_TMPDIR/remote"
	ctxrun_bg out err --no-hangup -t 1s --ssh testhost -- sh -c \
	    "cd '$PWD' || exit; $REMOTE_JOB"
	read_pid remote.pid >/dev/null || fail "no remote job: $(cat err)"
	kill -KILL "$(cat "/proc/$CTX_BG_PID/task/$CTX_BG_PID/children")"
	wait_status "$CTX_BG_PID" 3
	sleep 0.3
	[ ! -e end ] || fail "the remote job was ended with the session"
	wait_file end 2 || fail "the remote job's own deadline did not end it"
}

@test "ssh: a CTX_PID that came through ssh does not keep the remote side from starting its daemon" {
	sshd_start "AcceptEnv CTX_*"
	# the pid of a ctxrun on the other host: here, no ancestor of the
	# remote ctxrun (the test's shell is: it started sshd)
	ssh_send "SetEnv CTX_PID=2"
	run --separate-stderr "$CTX_SSH" testhost "$CTXRUN -v sleep 0.2"
	assert_success
	assert_stderr_contains "in the tree of ctxd"
	refute_stderr_contains "none is started from inside a job"
}
