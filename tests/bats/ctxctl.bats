#!/usr/bin/env bats
# ctxctl (SPEC §4, §5): auto-start of ctxd, new / ls / status / cancel /
# wait / env / daemon, --json, names, and bad input. Every test has its own
# XDG_RUNTIME_DIR, so its own socket directory and daemon; the teardown
# stops the daemon (helpers.bash).

load helpers

# ctl_err STATUS [TEXT]: as helpers.bash's, for ctxctl.
ctl_err() {
	check_err ctxctl "$@"
}

# no_daemon: no ctxd of this test runs, and there is no socket.
no_daemon() {
	tagged_ctxd
	[ "${#CTXD_PIDS[@]}" -eq 0 ] || fail "a daemon runs: ${CTXD_PIDS[*]}"
	[ ! -e "$(ctx_sock)" ] || fail "the socket exists"
}

# squeezed CMD...: the output of CMD with each run of spaces made one, for
# comparing ls's aligned columns without their widths.
squeezed() {
	"$@" | tr -s ' '
}

# field CTX KEY: the value of "KEY: ..." in `ctxctl status CTX`.
field() {
	local out
	out=$("$CTXCTL" status "$1") || return 1
	sed -n "s/^$2: //p" <<<"$out"
}

# --- auto-start ---------------------------------------------------------------

@test "auto-start: new with no daemon starts one, socket dir 0700, socket 0600" {
	no_daemon
	run --separate-stderr ctxctl new
	assert_success
	[[ $output =~ ^[0-9]+$ ]] || fail "not a decimal id: '$output'"
	[ -z "$stderr" ] || fail "stderr: $stderr"

	pid=$(daemon_pid)
	pid_alive "$pid"
	tagged_ctxd
	[ "${CTXD_PIDS[*]}" = "$pid" ] || fail "ctxd processes: ${CTXD_PIDS[*]}, daemon status: $pid"
	[ -d "$XDG_RUNTIME_DIR/ctx" ]
	[ ! -L "$XDG_RUNTIME_DIR/ctx" ]
	[ "$(stat -c %a "$XDG_RUNTIME_DIR/ctx")" = 700 ]
	[ -S "$(ctx_sock)" ]
	[ "$(stat -c %a "$(ctx_sock)")" = 600 ]

	# detached: a session of its own, not a child of the client
	read -r -a st <<<"$(sed 's/.*) //' "/proc/$pid/stat")"
	[ "${st[3]}" = "$pid" ] || fail "session ${st[3]}, not the daemon's own ($pid)"

	run ctxctl daemon status
	assert_success
	assert_line "pid: $pid"
	assert_line "socket: $(ctx_sock)"
	assert_line "contexts: 1"
	assert_line --regexp '^uptime: '
}

@test "auto-start: ten clients at once start exactly one daemon" {
	local -a pids=()
	for i in 1 2 3 4 5 6 7 8 9 10; do
		"$CTXCTL" new -n race >"out.$i" 2>"err.$i" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait_status "$pid" 5
		[ "$BG_STATUS" -eq 0 ] || fail "a client exited $BG_STATUS: $(cat err.*)"
	done
	[ -z "$(cat err.*)" ] || fail "stderr: $(cat err.*)"
	run sort -u out.1 out.2 out.3 out.4 out.5 out.6 out.7 out.8 out.9 out.10
	[ "${#lines[@]}" -eq 10 ] || fail "ids not distinct: $output"
	for id in "${lines[@]}"; do
		[[ $id =~ ^[0-9]+$ ]] || fail "not a decimal id: '$id'"
	done

	tagged_ctxd
	[ "${#CTXD_PIDS[@]}" -eq 1 ] || fail "${#CTXD_PIDS[@]} daemons: ${CTXD_PIDS[*]}"
	[ "${CTXD_PIDS[0]}" = "$(daemon_pid)" ]
	run ctxctl daemon status
	assert_line "contexts: 10"
	run ctxctl status race
	assert_success
	[ "$(grep -c '^state: running$' <<<"$output")" -eq 10 ]
}

@test "no daemon: ls says there are no contexts, exits 0 and starts none" {
	run --separate-stderr ctxctl ls
	assert_success
	[ -z "$output" ] || fail "stdout: $output"
	[ "$stderr" = "no contexts" ] || fail "stderr: $stderr"
	run --separate-stderr ctxctl --json ls
	assert_success
	assert_output '{"contexts":[]}'
	[ -z "$stderr" ] || fail "stderr: $stderr"
	"$PYTHON" -m json.tool <<<"$output" >/dev/null
	no_daemon
}

@test "no daemon: status, cancel, wait, env exit 1; daemon status says so" {
	run --separate-stderr ctxctl status 1
	ctl_err 1 "'1'"
	run --separate-stderr ctxctl cancel web
	ctl_err 1 "'web'"
	run --separate-stderr ctxctl wait 7
	ctl_err 1 "'7'"
	run --separate-stderr ctxctl env 7
	ctl_err 1 "'7'"
	run --separate-stderr ctxctl daemon status
	assert_failure 1
	assert_output "no daemon"
	run ctxctl daemon stop
	assert_success
	assert_output "no daemon"
	no_daemon
}

# --- new ------------------------------------------------------------------------

@test "new: -n names the context; ids are decimal and distinct" {
	a=$(ctxctl new -n alpha)
	b=$(ctxctl new --name beta)
	[[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ && $a != "$b" ]]
	run ctxctl status alpha
	assert_success
	assert_line "id: $a"
	assert_line "name: alpha"
	assert_line "state: running"
	refute_line --regexp '^err: '
	refute_line --regexp '^deadline: '
	run ctxctl status "$b"
	assert_line "name: beta"
}

@test "new: -p nests; ls draws the child under its parent (ASCII and UTF-8)" {
	a=$(ctxctl new -n top)
	b=$(ctxctl new -n kid -p top)
	c=$(ctxctl new -n other)
	run ctxctl status "$b"
	assert_line "parent: $a"
	LC_ALL=C run squeezed ctxctl ls
	assert_success
	assert_output "ID NAME STATE PID LEFT COMMAND
$a top running - - -
\`-$b kid running - - -
$c other running - - -"
	LC_ALL=C.UTF-8 run squeezed ctxctl tree
	assert_success
	assert_line "└─$b kid running - - -"
	# tree CTX: only that subtree
	LC_ALL=C run squeezed ctxctl tree top
	assert_success
	assert_output "ID NAME STATE PID LEFT COMMAND
$a top running - - -
\`-$b kid running - - -"
	# CTX_ID is the default parent
	d=$(CTX_ID=$b ctxctl new -n grandkid)
	run ctxctl status "$d"
	assert_line "parent: $b"
}

@test "new: -e values show in status and env, quotes escaped for eval" {
	id=$(ctxctl new -e K=V -e "Q=it's a \"test\"" -e EMPTY= --value SP='a  b')
	run ctxctl status "$id"
	assert_line "value: K=V"
	assert_line "value: Q=it's a \"test\""
	run ctxctl env "$id"
	assert_success
	assert_line "export K='V'"
	assert_line "export Q='it'\\''s a \"test\"'"
	assert_line "export EMPTY=''"
	assert_line "export SP='a  b'"
	eval "$output"
	[ "$K" = V ]
	[ "$Q" = "it's a \"test\"" ]
	[ "$SP" = 'a  b' ]
	[ -z "$EMPTY" ]
}

@test "new: a child sees its ancestors' values, the nearest definition wins" {
	a=$(ctxctl new -e TEAM=infra -e LEVEL=top)
	b=$(ctxctl new -p "$a" -e LEVEL=mid)
	c=$(ctxctl new -p "$b" -e OWN=1)
	run ctxctl env "$c"
	assert_line "export TEAM='infra'"
	assert_line "export LEVEL='mid'"
	assert_line "export OWN='1'"
	run ctxctl env "$a"
	refute_line --partial OWN
	assert_line "export LEVEL='top'"
}

@test "new: -f ini file, section by name or --section, -e wins" {
	ini jobs.ini <<'EOF'
; globals
TEAM = infra
LEVEL = global
[build]
LEVEL = section
TOKEN = "a b c"
[deploy]
REGION = eu-west-1
EOF
	id=$(ctxctl new -n build -f jobs.ini)
	run ctxctl env "$id"
	assert_line "export TEAM='infra'"
	assert_line "export LEVEL='section'"
	assert_line "export TOKEN='a b c'"
	refute_line --partial REGION
	id=$(ctxctl new -f jobs.ini --section deploy -e TEAM=cli)
	run ctxctl env "$id"
	assert_line "export TEAM='cli'"
	assert_line "export LEVEL='global'"
	assert_line "export REGION='eu-west-1'"
	refute_line --partial TOKEN
	run ctxctl status "$id"
	refute_line --regexp '^name: '
}

@test "new: bad input is one stderr line, exit 125, and makes no context" {
	ini bad.ini <<'EOF'
OK = 1
1BAD = 2
EOF
	run --separate-stderr ctxctl new -t 5x
	ctl_err 125 "5x"
	run --separate-stderr ctxctl new -t 1h30
	ctl_err 125 "1h30"
	run --separate-stderr ctxctl new -D yesterday
	ctl_err 125 "yesterday"
	run --separate-stderr ctxctl new -e 1X=2
	ctl_err 125 "1X"
	run --separate-stderr ctxctl new -e CTX_FOO=2
	ctl_err 125 "CTX_FOO"
	run --separate-stderr ctxctl new -e NOEQUALS
	ctl_err 125 "NOEQUALS"
	run --separate-stderr ctxctl new -f missing.ini
	ctl_err 125 "missing.ini"
	run --separate-stderr ctxctl new -f bad.ini
	ctl_err 125 "bad.ini:2"
	run --separate-stderr ctxctl new -s NOSUCHSIG
	ctl_err 125 "NOSUCHSIG"
	run --separate-stderr ctxctl new --no-such-option
	ctl_err 125
	run --separate-stderr ctxctl new extra-arg
	ctl_err 125
	run --separate-stderr ctxctl frobnicate
	ctl_err 125 "frobnicate"
	run --separate-stderr ctxctl
	ctl_err 125
	# none of these needed a daemon: none was started
	no_daemon
}

@test "new: an unknown, ambiguous or ended parent is bad input (SPEC §8): 125" {
	a=$(ctxctl new -n p)
	run --separate-stderr ctxctl new -p nosuch
	ctl_err 125 "nosuch"
	run --separate-stderr ctxctl new -p 999999
	ctl_err 125 "999999"
	b=$(ctxctl new -n twin)
	c=$(ctxctl new -n twin)
	run --separate-stderr ctxctl new -p twin
	ctl_err 125 "twin"
	ctxctl cancel "$a" twin
	run --separate-stderr ctxctl new -p "$a"
	ctl_err 125 "$a"
	run ctxctl daemon status
	assert_line "contexts: 0"
}

# --- deadlines ----------------------------------------------------------------

@test "deadline: a process-less context ends by itself, and its subtree with it" {
	# timed from before the context is made: slow (sanitizer) builds
	# spend part of the deadline in the commands below
	timer_start
	a=$(ctxctl new -t 0.6s -n timed)
	b=$(ctxctl new -p "$a" -n under)
	c=$(ctxctl new -p "$a" -n longer -t 1h)
	run ctxctl status "$a"
	assert_line "state: running"
	assert_line --regexp '^deadline: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$'
	assert_line --regexp '^left: [0-9.]+m?s$'
	# a child's deadline is never later than its parent's
	[ "$(field "$c" deadline)" = "$(field "$a" deadline)" ]

	run --separate-stderr ctxctl wait "$a"
	assert_failure 124
	assert_elapsed_ge 600
	assert_elapsed_lt 1600

	run ctxctl status "$a"
	assert_line "state: done"
	assert_line "err: deadline exceeded"
	assert_line "exit: 124"
	for x in "$b" "$c"; do
		run ctxctl status "$x"
		assert_line "state: done"
		assert_line "err: deadline exceeded"
		run ctxctl wait "$x"
		assert_failure 124
	done
	run ctxctl daemon status
	assert_line "contexts: 0"
}

@test "deadline: -D takes an absolute time" {
	a=$(ctxctl new -D "$(rfc3339_at 300)")
	timer_start
	run ctxctl wait "$a"
	assert_failure 124
	assert_elapsed_lt 1000
	run ctxctl status "$a"
	assert_line "err: deadline exceeded"
}

# --- cancel ---------------------------------------------------------------------

@test "cancel: a 3-level subtree ends, its parent and sibling run on" {
	a=$(ctxctl new -n a)
	b=$(ctxctl new -n b -p "$a")
	c=$(ctxctl new -n c -p "$b")
	d=$(ctxctl new -n d -p "$a")
	run --separate-stderr ctxctl cancel b
	assert_success
	[ -z "$output$stderr" ] || fail "output: $output $stderr"
	for x in "$b" "$c"; do
		run ctxctl status "$x"
		assert_line "state: done"
		assert_line "err: canceled"
		assert_line "exit: 130"
		run ctxctl wait "$x"
		assert_failure 130
	done
	for x in "$a" "$d"; do
		run ctxctl status "$x"
		assert_line "state: running"
		refute_line --regexp '^err: '
	done
	LC_ALL=C run squeezed ctxctl ls
	assert_output "ID NAME STATE PID LEFT COMMAND
$a a running - - -
|-$b b canceled - - -
| \`-$c c canceled - - -
\`-$d d running - - -"
	run ctxctl daemon status
	assert_line "contexts: 2"
}

@test "cancel: an unknown CTX exits 1 with one stderr line" {
	a=$(ctxctl new -n a)
	run --separate-stderr ctxctl cancel nosuch
	ctl_err 1 "nosuch"
	run --separate-stderr ctxctl cancel 424242
	ctl_err 1 "424242"
	run ctxctl status "$a"
	assert_line "state: running"
	run --separate-stderr ctxctl cancel
	ctl_err 125
	run --separate-stderr ctxctl cancel -k 5x a
	ctl_err 125 "5x"
	run --separate-stderr ctxctl cancel -s NOSUCHSIG a
	ctl_err 125 "NOSUCHSIG"
	run ctxctl status "$a"
	assert_line "state: running"
}

@test "cancel: several CTX at once" {
	a=$(ctxctl new)
	b=$(ctxctl new)
	c=$(ctxctl new)
	run ctxctl cancel "$a" "$c"
	assert_success
	[ "$(field "$a" err)" = canceled ]
	[ "$(field "$b" state)" = running ]
	[ "$(field "$c" err)" = canceled ]
}

@test "names: a name addresses every live context of that name" {
	a=$(ctxctl new -n web)
	b=$(ctxctl new -n web)
	c=$(ctxctl new -n db)
	run ctxctl status web
	assert_success
	assert_line "id: $a"
	assert_line "id: $b"
	refute_line "id: $c"
	run ctxctl cancel web
	assert_success
	[ "$(field "$a" err)" = canceled ]
	[ "$(field "$b" err)" = canceled ]
	[ "$(field "$c" state)" = running ]
	run ctxctl wait web
	assert_failure 130
}

# --- wait -------------------------------------------------------------------------

@test "wait: -t on a running context times out with 124" {
	a=$(ctxctl new -n slow)
	timer_start
	run --separate-stderr ctxctl wait -t 0.2s slow
	assert_failure 124
	assert_stderr_contains "timed out"
	assert_elapsed_ge 180
	assert_elapsed_lt 1000
	[ "$(field "$a" state)" = running ]
}

@test "wait: returns when a running context is cancelled, with 130" {
	a=$(ctxctl new -n w)
	"$CTXCTL" wait "$a" >wait.out 2>wait.err &
	w=$!
	sleep 0.1
	pid_alive "$w" || fail "wait returned before the cancel"
	timer_start
	ctxctl cancel "$a"
	wait_status "$w" 1
	[ "$BG_STATUS" -eq 130 ] || fail "wait exited $BG_STATUS: $(cat wait.err)"
	assert_elapsed_lt 500
}

@test "wait: several contexts: blocks until all are done" {
	a=$(ctxctl new -t 0.15s)
	b=$(ctxctl new -t 0.4s)
	timer_start
	run ctxctl wait "$a" "$b"
	assert_failure 124
	assert_elapsed_ge 350
	assert_elapsed_lt 1200
	[ "$(field "$b" state)" = done ]
	# the first that did not end with 0 gives the status
	c=$(ctxctl new)
	ctxctl cancel "$c"
	d=$(ctxctl new -t 0.1s)
	run ctxctl wait "$c" "$d"
	assert_failure 130
	# an unknown one among them: exit 1
	run --separate-stderr ctxctl wait "$c" nosuch
	ctl_err 1 nosuch
}

# --- json ---------------------------------------------------------------------------

@test "--json ls: valid JSON with children nested" {
	a=$(ctxctl new -n root1 -t 1h -e K=V)
	b=$(ctxctl new -n kid -p "$a")
	c=$(ctxctl new -n 'we"ird\name' -p "$b")
	d=$(ctxctl new -n root2)
	run ctxctl --json ls
	assert_success
	[ "${#lines[@]}" -eq 1 ]
	"$PYTHON" -m json.tool <<<"$output" >/dev/null
	run "$PYTHON" -c '
import json, sys
doc = json.load(sys.stdin)
def show(n, depth):
    print("%s%s %s %s %s" % ("  " * depth, n["id"], n.get("name"), n["state"], n.get("parent")))
    for k in n.get("children", []):
        show(k, depth + 1)
for n in doc["contexts"]:
    show(n, 0)
r = doc["contexts"][0]
assert isinstance(r["id"], int)
assert "deadline" in r and r["left_ms"] > 0
' <<<"$output"
	assert_success
	assert_output "$a root1 running None
  $b kid running $a
    $c we\"ird\\name running $b
$d root2 running None"
}

@test "--json status: one document with the values" {
	a=$(ctxctl new -n js -e K=V -e "Q=x\"y")
	ctxctl cancel "$a"
	run ctxctl --json status "$a"
	assert_success
	run "$PYTHON" -c '
import json, sys
doc = json.load(sys.stdin)
c = doc["contexts"][0]
print(c["id"], c["name"], c["state"], c["err"], c["status"], c["values"]["K"], c["values"]["Q"])
' <<<"$output"
	assert_success
	assert_output "$a js done canceled 130 V x\"y"
	run ctxctl --json daemon status
	assert_success
	run "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
print(d["running"], d["pid"] > 0, d["contexts"])
' <<<"$output"
	assert_output "True True 0"
}

# --- daemon ---------------------------------------------------------------------------

@test "daemon stop: the daemon exits, its socket is gone, status says no daemon" {
	ctxctl new >/dev/null
	pid=$(daemon_pid)
	run ctxctl daemon stop
	assert_success
	wait_gone "$pid" 2 || fail "ctxd $pid still running after daemon stop"
	[ ! -e "$(ctx_sock)" ] || fail "socket still there"
	run ctxctl daemon status
	assert_failure 1
	assert_output "no daemon"
	run ctxctl --json daemon status
	assert_failure 1
	assert_output '{"running":false}'
	# and the next client starts a new one
	ctxctl new >/dev/null
	pid2=$(daemon_pid)
	[ "$pid2" != "$pid" ]
}

# --- history ------------------------------------------------------------------

@test "history: only the last ended contexts stay; a cancel of a live and an ended one at once" {
	ini ctxd.ini <<'I'
history = 1
I
	export CTXD_CONFIG=$PWD/ctxd.ini
	local a b c pid
	a=$(ctxctl new -n a)
	b=$(ctxctl new -n b)
	c=$(ctxctl new -n c)
	ctxctl cancel "$b" >/dev/null
	pid=$(daemon_pid)
	# ending a pushes b, the older, out of a history of one: the cancel
	# must not touch b after that (it did, freed, and ctxd died of it)
	run ctxctl cancel "$a" "$b"
	assert_success
	[ "$(daemon_pid)" = "$pid" ] || fail "ctxd did not survive the cancel"
	assert_equal "$(field "$a" err)" canceled
	assert_equal "$(field "$c" state)" running
	run ctxctl status "$b"
	assert_failure 1
}

@test "names: a name made of a sign and digits is a name, not an id" {
	local v
	v=$(ctxctl new -n victim)
	ctxctl new -n "+$v" >/dev/null
	ctxctl new -n " $v" >/dev/null
	run ctxctl cancel "+$v" " $v"
	assert_success
	assert_equal "$(field victim state)" running
	assert_equal "$(field "+$v" err)" canceled
	assert_equal "$(field " $v" err)" canceled
}

@test "values: too many values with the ancestors' are refused, and nothing is made" {
	seq 0 2999 | sed 's/.*/A& = 1/' >a.ini
	seq 0 2999 | sed 's/.*/B& = 1/' >b.ini
	ctxctl new -n big -f a.ini >/dev/null
	run --separate-stderr ctxctl new -n more -p big -f b.ini
	check_err ctxctl 125 "too many values"
	run ctxctl status more
	assert_failure 1
	# the parent still answers whole
	run ctxctl status big
	assert_success
	assert_output --partial "A2999=1"
}
