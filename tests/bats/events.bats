#!/usr/bin/env bats
# ctxctl events (SPEC §15): each change of the tree as one JSON object a
# line, flushed as it comes; ctxd keeps its subscribers, and drops one that
# does not read rather than block or grow.

load helpers

# valid_json FILE: every line of FILE is one JSON object; prints, a line
# each, "event id name err cause" of them.
valid_json() {
	"$PYTHON" -I -S - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding='utf-8', errors='surrogateescape'):
    e = json.loads(line)
    assert isinstance(e, dict), line
    print(e['event'], e['id'], repr(e.get('name')), e.get('err', '-'),
          e.get('cause', '-'))
PY
}

# speak: runs the python script on stdin after PY_PRELUDE (helpers.bash),
# with types, the message numbers read off lib/proto.h; sys.argv[1] is the
# socket.
speak() {
	py "
import re
types, n = {}, 0
for name, val in re.findall(r'^\s*(MSG_[A-Z]+)\s*(?:=\s*(\d+))?\s*,',
                            open(sys.argv[2]).read(), re.M):
    n = int(val) if val else n + 1
    types[name] = n
$(cat)" "$(ctx_sock)" "$BATS_TEST_DIRNAME/../../lib/proto.h"
}

@test "events: made, canceled and ended of a job, a line each, as they come" {
	ctxctl new -n before >/dev/null
	ctxctl events -a -n 3 >ev 2>ev.err &
	ev=$!
	# -a: the tree as it is comes first, so we know it has subscribed.
	wait_file ev 2 || fail "nothing from events: $(cat ev.err)"
	ctxrun_bg out err -n job -k 0.2s sh -c 'trap "" TERM; sleep 5'
	wait_status_text job running
	ctxctl cancel job
	wait "$ev" || fail "events exited $?: $(cat ev.err)"
	wait "$CTX_BG_PID" || true
	run valid_json ev
	assert_success
	assert_line --index 0 --regexp "^exists [0-9]+ 'before' - -$"
	assert_line --index 1 --regexp "^made [0-9]+ 'job' - -$"
	# the cause: who cancelled (ctxctl cancel without --cause)
	assert_line --index 2 --regexp "^canceled [0-9]+ 'job' canceled uid [0-9]+ pid [0-9]+: .*ctxctl cancel job$"
	assert_line --index 3 --regexp "^ended [0-9]+ 'job' canceled uid [0-9]+ pid [0-9]+: .*ctxctl cancel job$"
	[ "${#lines[@]}" -eq 4 ]
	grep -q '"status":130' ev
	grep -q '"time":"20[0-9-]*T[0-9:.]*Z"' ev
}

# A job that waits for its group's limit is made waiting, and says when
# it starts.
@test "events: a job that waits for a limit is made 'waiting', then 'started'" {
	ctxctl new -x --limit 1 -n grp -t 10s >env
	ctxctl events -a -n 5 >ev 2>ev.err &
	ev=$!
	wait_file ev 2 || fail "nothing from events: $(cat ev.err)"
	(eval "$(cat env)" && exec "$CTXRUN" -n one sleep 0.4) </dev/null &
	one=$!
	wait_status_text one "state: running"
	(eval "$(cat env)" && exec "$CTXRUN" -n two true) </dev/null &
	two=$!
	wait "$ev" || fail "events exited $?: $(cat ev.err)"
	wait "$one"
	wait "$two"
	run valid_json ev
	assert_success
	assert_line --index 1 --regexp "^made [0-9]+ 'one' - -$"
	assert_line --index 2 --regexp "^made [0-9]+ 'two' - -$"
	# the place 'one' leaves goes to 'two' as 'one' ends
	assert_line --index 3 --regexp "^started [0-9]+ 'two' - -$"
	assert_line --index 4 --regexp "^ended [0-9]+ 'one' "
	[[ $(sed -n 3p ev) == *'"state":"waiting"'* ]] || fail "$(sed -n 3p ev)"
	[[ $(sed -n 4p ev) == *'"state":"running"'* ]] || fail "$(sed -n 4p ev)"
}

@test "events: a context's deadline ends it, with its cause" {
	ctxctl new -n anchor >/dev/null
	ctxctl events -a -n 2 >ev 2>ev.err &
	ev=$!
	wait_file ev 2 || fail "nothing from events: $(cat ev.err)"
	ctxctl new -n short -t 0.2s >/dev/null
	wait "$ev" || fail "events exited $?: $(cat ev.err)"
	run valid_json ev
	assert_success
	assert_line --index 0 --regexp "^exists [0-9]+ 'anchor' - -$"
	assert_line --index 1 --regexp "^made [0-9]+ 'short' - -$"
	assert_line --index 2 --regexp "^ended ([0-9]+) 'short' deadline exceeded deadline of \1 \(short\)$"
	[ "${#lines[@]}" -eq 3 ]
	grep -q '"name":"short","state":"done","err":"deadline exceeded","cause":"deadline of [0-9]* (short)","status":124' ev ||
	    fail "$(cat ev)"
}

@test "events: names with quotes, backslashes and bytes not UTF-8 stay valid JSON" {
	# (a name may not hold control characters: ctxctl new refuses them)
	ctxctl events -a -n 2 >ev 2>ev.err &
	ev=$!
	ctxctl new -n anchor >/dev/null
	wait_file ev 2 || fail "nothing from events: $(cat ev.err)"
	ctxctl new -n $'a"b\\c\xffd' -t 0.1s >/dev/null
	wait "$ev" || fail "events exited $?: $(cat ev.err)"
	run valid_json ev
	assert_success
	grep -qF '"a\"b\\c\ufffdd"' ev || fail "not escaped: $(cat ev)"
}

@test "events: bad usage is one line and 125" {
	for bad in "-n 0" "-n -1" "-n x" "-n 1x" "-n" "-z" "extra"; do
		run ctxctl events $bad
		[ "$status" -eq 125 ] || fail "events $bad: $status"
		[ "${#lines[@]}" -eq 1 ] || fail "events $bad: $output"
		assert_output --partial 'usage: ctxctl events'
	done
}

@test "events: a reader that goes away ends ctxctl events" {
	ctxctl new -n first >/dev/null
	{ ctxctl events -a | head -n 1 >ev; } &
	pipe=$!
	wait_file ev 2 || fail "nothing from events"
	# The next change finds no reader: SIGPIPE, as any filter.
	ctxctl new -n second >/dev/null
	ctxctl new -n third >/dev/null
	for i in $(seq 100); do
		kill -0 "$pipe" 2>/dev/null || break
		sleep 0.02
	done
	! kill -0 "$pipe" 2>/dev/null || fail "ctxctl events outlived its reader"
	grep -q '"name":"first"' ev
}

@test "events: a subscriber that never reads is dropped; readers and ctxd go on" {
	ctxctl new -n keep >/dev/null
	ctxctl events -n 60 >ev 2>ev.err &
	ev=$!
	run speak <<'PY'
mute = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
mute.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
mute.connect(sys.argv[1])
mute.sendall(msg(types['MSG_SUBSCRIBE'], []))
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(2)
# 60 contexts with 30 KB names: 1.8 MB of events, more than ctxd holds.
start = time.monotonic()
def seen():
    with open('ev') as f:
        return f.read().count('"event":"made"')
for i in range(60):
    s.sendall(msg(types['MSG_NEW'], ['name=%d' % i + 'x' * 30000]))
    if recv_msg(s)[0] != types['MSG_NODE']:
        print('refused'); sys.exit(1)
    # the reader keeps up (a busy machine may hold it back): only the
    # mute one falls behind
    until = time.monotonic() + 2
    while seen() < i + 1 and time.monotonic() < until:
        time.sleep(0.005)
print('made in %s' % ('time' if time.monotonic() - start < 5 else 'too long'))
# The mute one was dropped: what it has, then the end.
mute.settimeout(3)
got = 0
try:
    while True:
        b = mute.recv(65536)
        if not b:
            break
        got += len(b)
except socket.timeout:
    print('still connected'); sys.exit(1)
print('dropped after %s' % ('less' if got < 60 * 30000 else 'all'))
PY
	assert_success
	assert_line 'made in time'
	assert_line 'dropped after less'
	# A subscriber that reads got every one of them.
	wait "$ev" || fail "events exited $?: $(cat ev.err)"
	[ "$(grep -c '"event":"made"' ev)" -eq 60 ]
	run ctxctl ls keep
	assert_success
}

@test "events: the daemon going away is said, and 125" {
	ctxctl new -n anchor >/dev/null
	ctxctl events -a >ev 2>ev.err &
	ev=$!
	wait_file ev 2 || fail "nothing from events: $(cat ev.err)"
	ctxctl daemon stop
	st=0
	wait "$ev" || st=$?
	[ "$st" -eq 125 ] || fail "events exited $st: $(cat ev.err)"
	run cat ev.err
	assert_output 'ctxctl: ctxd: connection closed'
}

@test "events: a large tree listed first does not count against a subscriber" {
	# 50 contexts of 30 KB names: a listing of 1.5 MB, over the 1 MiB a
	# subscriber may fall behind on its events.
	ctxctl new -n anchor >/dev/null
	run speak <<'PY'
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
for i in range(50):
    s.sendall(msg(types['MSG_NEW'], ['name=%d' % i + 'x' * 30000]))
    recv_msg(s)
sub = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sub.connect(sys.argv[1])
sub.sendall(msg(types['MSG_SUBSCRIBE'], []))
time.sleep(0.1)     # the listing is queued, unread
s.sendall(msg(types['MSG_NEW'], ['name=late']))
recv_msg(s)
sub.settimeout(3)
seen = [recv_msg(sub)[0] for i in range(53)]
print(seen.count(types['MSG_NODE']), seen[51] == types['MSG_END'],
      seen[52] == types['MSG_EVENT'])
PY
	assert_success
	assert_output '51 True True'
}
