#!/usr/bin/env bats
# Misbehaving clients against one daemon (SPEC §8; ctxd(8) SECURITY and
# LOGGING): a client that never reads, a thousand clients at once, a daemon
# out of file descriptors, headers with a huge length, messages cut off
# mid-way. After each storm the daemon is the same process, answers a
# normal `ctxctl ls` within a second, has closed every connection of the
# storm, and its memory is back near its baseline; its log (log_level info,
# in a file) has one line for each client it dropped.
#
# Memory: VmRSS of /proc/PID/status, against a baseline taken after a
# warm-up. glibc keeps freed memory on its heap unless the top of the heap
# is free (malloc_trim is not ours to call), so "back near the baseline" is
# checked as honestly as that allows: where the storm's buffers are big
# enough to be given back (the unread replies), within 1 MiB; where they are
# many small blocks (a thousand peers, about 1.2 MiB kept), within 2 MiB;
# where glibc keeps what it had (64 KiB partial messages), a second storm
# must reuse the first one's memory instead of growing. Under a sanitizer
# build RSS measures the sanitizer's allocator: those checks are left out.

load helpers

# --- the daemon -----------------------------------------------------------------

# start_daemon [NOFILE]: a daemon logging to ctxd.log at info, started by
# `ctxctl new -n keep` with RLIMIT_NOFILE at NOFILE (default 4096); warmed
# up. Sets DPID, KEEP, BASE_RSS (kB) and BASE_FDS.
start_daemon() {
	printf '[ctxd]\nlog_level = info\nlog_file = %s/ctxd.log\nidle_exit = 0\n' \
		"$PWD" >ctxd.ini
	export CTXD_CONFIG=$PWD/ctxd.ini
	KEEP=$(bash -c 'ulimit -n "$1" && exec "$2" new -n keep' sh \
		"${1:-4096}" "$CTXCTL") || fail "ctxctl new failed"
	DPID=$(daemon_pid) || fail "no daemon"
	local i
	for i in 1 2 3; do
		ctxctl ls >/dev/null
		ctxctl status keep >/dev/null
	done
	rss_kb "$DPID"
	BASE_RSS=$RSS
	fd_count "$DPID"
	BASE_FDS=$FDS
}

# rss_kb PID: sets RSS to its VmRSS in kB.
rss_kb() {
	local k v u
	RSS=
	while read -r k v u; do
		[[ $k == VmRSS: ]] && RSS=$v && break
	done <"/proc/$1/status"
	[[ -n $RSS ]] || fail "no VmRSS for $1"
}

# fd_count PID: sets FDS to the number of its open file descriptors.
fd_count() {
	local -a f=("/proc/$1/fd/"*)
	FDS=${#f[@]}
}

# cpu_ticks PID: sets TICKS_USED to its utime + stime, in clock ticks.
cpu_ticks() {
	local line
	local -a f
	read -r line <"/proc/$1/stat"
	line=${line##*) }
	read -r -a f <<<"$line"
	TICKS_USED=$((f[11] + f[12]))
}

sanitized() {
	grep -q -e libasan -e libtsan "/proc/$DPID/maps"
}

# served: the daemon is still DPID and a normal `ctxctl ls` answers within a
# second, listing KEEP.
served() {
	pid_alive "$DPID" || fail "the daemon died; log: $(tail -5 ctxd.log)"
	timer_start
	run timeout 5 "$CTXCTL" ls
	assert_success
	assert_output --regexp "(^|"$'\n'")$KEEP +keep +running"
	assert_elapsed_lt 1000
}

# settled MAX_KB: after a storm, the daemon serves, has no connection of the
# storm left open (within 2 s), and its RSS is at most BASE_RSS + MAX_KB.
settled() {
	local n=100
	served
	[ "$(daemon_pid)" = "$DPID" ] || fail "the daemon changed"
	while fd_count "$DPID" && ((FDS > BASE_FDS && n-- > 0)); do
		sleep 0.02
	done
	[ "$FDS" -le "$BASE_FDS" ] ||
		fail "the daemon has $FDS fds open, $BASE_FDS before the storm"
	sanitized && return 0
	rss_kb "$DPID"
	[ "$RSS" -le $((BASE_RSS + $1)) ] ||
		fail "VmRSS ${RSS} kB, baseline ${BASE_RSS} kB: more than $1 kB above"
}

# drops PID: sets DROPS to the number of log lines saying ctxd dropped a
# client of that pid.
drops() {
	DROPS=$(grep -c "client pid $1: .*: dropped" ctxd.log)
}


# --- a client that never reads ------------------------------------------------------

@test "a client that never reads: others are served, it is dropped, memory returns" {
	start_daemon
	# A well-behaved connection makes a parent with 40 kB of values and 20
	# children, so that `status kid` answers about 800 kB. Then the
	# offender asks for it 20 times (16 MB of replies) and never reads.
	# ctxd(8): a client that does not read is not read from while more
	# than 1 MiB is queued for it, and is dropped when its queue has not
	# moved for 5 seconds: it waits up to 7 s for the hang-up.
	py '
path = sys.argv[1]
a = connect(path)
a.sendall(msg(100, ["name=big", "v=BIG=" + "b" * 40000]))
t, p = recv_msg(a)
assert t == 202, t
big = field(p, "id")
for i in range(20):
    a.sendall(msg(100, ["name=kid", "parent=" + big]))
    t, p = recv_msg(a)
    assert t == 202, t
a.close()
open("tree", "w").write("1")
wait_for("go", 5)
s = connect(path)
s.sendall(msg(102, ["ctx=kid"]) * 20)
open("sent", "w").write(str(os.getpid()))
p = select.poll()
p.register(s, select.POLLRDHUP | select.POLLHUP)
t0 = time.monotonic()
ev = p.poll(7000)
print("dropped" if ev else "not dropped after %.1f s" % (time.monotonic() - t0))
' "$(ctx_sock)" >offender.out 2>offender.err &
	py=$!
	wait_file tree 5 || fail "could not make the tree: $(cat offender.err)"
	# the baseline holds the tree
	ctxctl status kid >/dev/null
	rss_kb "$DPID"
	BASE_RSS=$RSS
	touch go
	wait_file sent 5 || fail "could not send: $(cat offender.err)"
	offender=$(<sent)
	# while its replies are stuck, a normal client is served
	served
	wait_status "$py" 10 || fail "the offender did not finish"
	[ "$BG_STATUS" -eq 0 ] || fail "offender: $(cat offender.err)"
	[ "$(<offender.out)" = dropped ] ||
		fail "the offender was not dropped: $(<offender.out); log: $(tail -3 ctxd.log)"
	drops "$offender"
	[ "$DROPS" -eq 1 ] || fail "$DROPS log lines for the dropped client: $(cat ctxd.log)"
	settled 1024
}

# --- a thousand clients -------------------------------------------------------------

# thousand: 1000 clients at once, every other one sending a header with a
# huge length (dropped); the rest idle, or asking for the list without
# reading it. Holds them until ./close exists; prints how many were dropped.
thousand() {
	rm -f ready close
	bash -c 'ulimit -n 4096 && exec "$@"' sh "$PYTHON" -I -S -c "$PY_PRELUDE"'
path = sys.argv[1]
socks = [connect(path) for i in range(1000)]
for i, s in enumerate(socks):
    if i % 2:
        s.sendall(hdr(101, 0xFFFFFFFF))
    elif i % 4 == 0:
        s.sendall(hdr(101, 0))
open("pid", "w").write(str(os.getpid()))
dropped = sum(hung_up(s, 3) for s in socks[1::2])
open("ready", "w").write("1")
wait_for("close", 10)
for s in socks:
    s.close()
print(dropped)
' "$(ctx_sock)" >storm.out 2>storm.err &
	STORM=$!
	wait_file ready 20 || fail "the storm did not start: $(cat storm.err)"
}

@test "a thousand clients at once: served meanwhile, the bad half dropped and logged, all closed" {
	start_daemon
	# two storms: the first leaves malloc's free lists fuller (about
	# 1.2 MiB here); the second may set a new high-water mark of the heap,
	# as peers, drops and replies interleave differently (up to 420 kB
	# measured, once, then flat). A leak of 2 kB for each dropped client
	# of round 2 would add 1 MiB, of 1 kB for each client too: the bound
	# is 768 kB.
	for round in 1 2; do
		thousand
		served
		touch close
		wait_status "$STORM" 5 || fail "round $round: the storm did not end"
		[ "$(<storm.out)" = 500 ] ||
			fail "round $round: dropped: $(<storm.out) $(cat storm.err)"
		drops "$(<pid)"
		[ "$DROPS" -eq 500 ] ||
			fail "round $round: $DROPS log lines for 500 dropped clients"
		settled 2048
		sanitized || { rss_kb "$DPID"; after[round]=$RSS; }
	done
	sanitized && return 0
	[ "${after[2]}" -le $((after[1] + 768)) ] ||
		fail "VmRSS after each storm: ${after[*]} kB (baseline $BASE_RSS kB): still growing"
}

# --- out of file descriptors ----------------------------------------------------------

@test "out of fds (RLIMIT_NOFILE 32, 60 idle clients): no spinning, serves again after" {
	start_daemon 32
	rm -f ready close
	py '
path = sys.argv[1]
socks = [connect(path) for i in range(60)]
open("ready", "w").write("1")
wait_for("close", 10)
for s in socks:
    s.close()
print(len(socks))
' "$(ctx_sock)" >storm.out 2>storm.err &
	storm=$!
	wait_file ready 5 || fail "could not connect: $(cat storm.err)"
	wait_grep ctxd.log "pausing" 2 || fail "no pause logged: $(tail -3 ctxd.log)"
	# a normal client now waits in the backlog
	"$CTXCTL" ls >ls.out 2>ls.err &
	ls=$!
	cpu_ticks "$DPID"
	t0=$TICKS_USED
	timer_start
	sleep 0.5
	cpu_ticks "$DPID"
	ms=$(elapsed_ms)
	# ctxd(8): it stops accepting for 100 ms instead of spinning on EMFILE
	[ $((TICKS_USED - t0)) -lt 15 ] ||
		fail "the daemon used $((TICKS_USED - t0)) ticks of CPU in $ms ms out of fds"
	pid_alive "$DPID" || fail "the daemon died: $(tail -3 ctxd.log)"
	touch close
	wait_status "$storm" 5 || fail "the clients did not go"
	[ "$(<storm.out)" = 60 ] || fail "storm: $(<storm.out) $(cat storm.err)"
	# the waiting client is answered once fds are free
	wait_status "$ls" 2 || fail "ctxctl ls still waits after the clients left"
	[ "$BG_STATUS" -eq 0 ] || fail "ctxctl ls exited $BG_STATUS: $(cat ls.err)"
	grep -qE "^$KEEP +keep +running" ls.out || fail "ls: $(cat ls.out)"
	settled 1024
	# one line for each 100 ms pause, not a line for each failed accept
	pauses=$(grep -c "accept: .*: pausing" ctxd.log)
	[ "$pauses" -le $((ms / 100 + 10)) ] ||
		fail "$pauses pause lines in about $ms ms"
}

# --- headers with a huge length, messages cut off -------------------------------------

@test "headers with a huge length: each client dropped and logged once, no memory kept" {
	start_daemon
	run py '
path = sys.argv[1]
dropped = 0
for n in [0xFFFFFFFF] * 100 + [64 * 1024 + 1] * 100 + [0x80000000] * 50:
    s = connect(path)
    s.sendall(hdr(100, n) + b"x" * 100)
    dropped += hung_up(s, 3)
    s.close()
print(os.getpid(), dropped)
' "$(ctx_sock)"
	assert_success
	read -r pid n <<<"$output"
	[ "$n" -eq 250 ] || fail "dropped: $output"
	drops "$pid"
	[ "$DROPS" -eq 250 ] || fail "$DROPS log lines for 250 dropped clients"
	grep -q "client pid $pid: message too large: dropped" ctxd.log ||
		fail "log: $(tail -3 ctxd.log)"
	settled 1024
}

# cut: 120 clients at once, each sending a header for 64 KiB and 65000 bytes
# of it; when ./close exists they hang up, mid-message.
cut() {
	rm -f ready close
	py '
path = sys.argv[1]
socks = [connect(path) for i in range(120)]
for s in socks:
    s.sendall(hdr(100, 64 * 1024) + b"n" * 65000)
open("ready", "w").write("1")
wait_for("close", 10)
for s in socks:
    s.close()
print(os.getpid())
' "$(ctx_sock)" >storm.out 2>storm.err &
	STORM=$!
	wait_file ready 10 || fail "could not send: $(cat storm.err)"
}

@test "messages cut off mid-way by 120 clients: served meanwhile, all forgotten, memory reused" {
	start_daemon
	cut
	served
	touch close
	wait_status "$STORM" 5 || fail "the storm did not end"
	[ "$BG_STATUS" -eq 0 ] || fail "storm: $(cat storm.err)"
	# the daemon held up to 120 x 64 KiB; glibc may keep it (see the top)
	settled $((120 * 64 + 2048))
	sanitized || { rss_kb "$DPID"; first=$RSS; }
	cut
	served
	touch close
	wait_status "$STORM" 5 || fail "the storm did not end"
	settled $((120 * 64 + 2048))
	sanitized && return 0
	rss_kb "$DPID"
	[ "$RSS" -le $((first + 512)) ] ||
		fail "VmRSS grew from $first kB to $RSS kB in a second, identical storm"
}
