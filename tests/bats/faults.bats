#!/usr/bin/env bats
# Faults around the tree: a daemon killed with live jobs comes back with the
# same tree and never hands out an id twice; a ctxrun killed with SIGKILL
# takes its whole job with it, through ctxd.

load helpers

# The tree as `ctxctl --json ls` shows it, one line per node: id, name,
# parent, state, deadline and command, sorted by id.
tree_lines() {
	ctxctl --json ls | "$PYTHON" -c '
import json, sys
doc = json.load(sys.stdin)
nodes = doc if isinstance(doc, list) else doc.get("contexts", doc.get("nodes", []))
def walk(ns, out):
    for n in ns:
        out.append(n)
        walk(n.get("children", []), out)
out = []
walk(nodes, out)
for n in sorted(out, key=lambda n: int(n["id"])):
    print(n["id"], n.get("name"), n.get("parent"), n.get("state"),
          n.get("deadline"), n.get("cmd"))
'
}

# alive_job PID: the process exists and is not a zombie (a zombie is dead).
alive_job() {
	pid_alive "$1"
}

@test "faults: kill -9 of ctxd with 100 live nodes: same tree after restart, deadlines hold" {
	local ctx i pids=() short=() d old new
	ctx=$(ctxctl new -t 30s -n plain -e TEAM=infra)
	# 30 jobs under a process-less context, 35 on their own with values,
	# 17 that each start a nested job: 1 + 30 + 35 + 34 = 100 nodes.
	for ((i = 0; i < 30; i++)); do
		ctxrun_bg /dev/null /dev/null -p "$ctx" -n under -t 25s sleep 20
		pids+=("$CTX_BG_PID")
	done
	for ((i = 0; i < 35; i++)); do
		ctxrun_bg /dev/null /dev/null -n alone -e "K$i=v$i" -t 25s sleep 20
		pids+=("$CTX_BG_PID")
	done
	for ((i = 0; i < 17; i++)); do
		ctxrun_bg /dev/null /dev/null -n outer -t 25s \
			"$CTXRUN" -n inner -t 24s sleep 20
		pids+=("$CTX_BG_PID")
	done
	# and three whose deadline passes while no daemon is up
	for ((i = 0; i < 3; i++)); do
		ctxrun_bg /dev/null "short$i.err" -v -n short -t 0.8s sleep 8
		short+=("$CTX_BG_PID")
	done
	timer_start
	for ((i = 0; i < 100; i++)); do
		# 103 contexts, and the header
		[ "$(ctxctl ls | wc -l)" -ge 104 ] && break
		sleep 0.05
	done
	old=$(tree_lines)
	[ "$(wc -l <<<"$old")" -eq 103 ] || fail "not 103 nodes: $old"

	kill -KILL "$(daemon_pid)"
	for p in "${short[@]}"; do
		wait_status "$p" 3
		[ "$BG_STATUS" -eq 124 ] || fail "a short job exited $BG_STATUS"
	done
	# the deadline fired on time with no daemon (0.8 s, well before 2 s)
	assert_elapsed_lt 2000

	# the next client restarts ctxd; within a second the tree is back
	timer_start
	for ((i = 0; i < 50; i++)); do
		new=$(tree_lines | grep -v ' short ')
		[ "$new" = "$(grep -v ' short ' <<<"$old")" ] && break
		sleep 0.02
	done
	assert_equal "$new" "$(grep -v ' short ' <<<"$old")"
	assert_elapsed_lt 1000
	run ctxctl status alone
	assert_output --partial "K7=v7"
	run ctxctl env "$(awk '$2 == "under" { print $1; exit }' <<<"$new")"
	assert_output --partial "TEAM='infra'"

	# an old id is steered as before: cancel the process-less context
	ctxctl cancel -k 0.2s "$ctx"
	for ((i = 0; i < 30; i++)); do
		wait_status "${pids[$i]}" 3
		[ "$BG_STATUS" -eq 130 ] || fail "a job under $ctx exited $BG_STATUS"
	done
	run ctxctl status "$ctx"
	assert_output --partial "err: canceled"
	ctxctl cancel -k 0.2s alone outer >/dev/null
	for p in "${pids[@]:30}"; do
		wait_status "$p" 3
	done
}

@test "faults: ids are never handed out twice, across kill -9 and restarts" {
	local a b c
	a=$(ctxctl new -n a)
	kill -KILL "$(daemon_pid)"
	b=$(ctxctl new -n b)
	[ "$b" -gt "$a" ] || fail "id $b after $a"
	ctxctl cancel a b >/dev/null
	ctxctl daemon stop >/dev/null
	c=$(ctxctl new -n c)
	[ "$c" -gt "$b" ] || fail "id $c after $b"
	run ctxctl status a
	assert_failure 1 # ended before the stop: not kept across it
}

@test "faults: a process-less context keeps its deadline across a restart" {
	local ctx
	ctx=$(ctxctl new -t 0.8s -n budget -e REGION=eu)
	ctxctl daemon stop >/dev/null
	run ctxctl status budget
	assert_success
	assert_output --partial "state: running"
	assert_output --partial "REGION=eu"
	timer_start
	run ctxctl wait -t 3s "$ctx"
	assert_failure 124
	assert_elapsed_lt 1500
	run ctxctl status "$ctx"
	assert_output --partial "err: deadline exceeded"
}

@test "faults: a deadline that passed while no daemon was up fires at restart" {
	local ctx
	ctx=$(ctxctl new -t 0.3s -n late)
	kill -KILL "$(daemon_pid)"
	sleep 0.4
	run ctxctl status "$ctx"
	assert_output --partial "err: deadline exceeded"
}

@test "faults: the saved tree is replaced whole; a record cut short is ignored" {
	local ctx sock
	sock=$(ctx_sock)
	ctx=$(ctxctl new -n keep -e A=1)
	kill -KILL "$(daemon_pid)"
	# a crash in the middle of a journal record
	printf 'N\t999\t0\t1\t2' >>"$sock.journal"
	run ctxctl status keep
	assert_success
	assert_output --partial "A=1"
	run ctxctl status 999
	assert_failure 1
	run ls "$(dirname "$sock")"
	refute_output --partial ".tmp"
}

@test "faults: the saved files are private to the user" {
	ctxctl new -n x >/dev/null
	local f
	for f in state journal seq; do
		run stat -c %a "$(ctx_sock).$f"
		assert_output 600
	done
}

@test "faults: ctxrun killed with SIGKILL: ctxd ends its whole job within grace + 1 s" {
	local r inner cg m
	ctxrun_bg out err -n victim -k 0.3s -t 20s sh -c '
		trap "" TERM
		setsid sh -c "trap \"\" TERM; echo \$\$ > inner.pid; exec sleep 20" &
		echo $$ > pid; exec sleep 20'
	r=$CTX_BG_PID
	wait_file inner.pid 2
	wait_file pid 2
	inner=$(read_pid inner.pid)
	cg=$(sed -n 's/^0:://p' "/proc/$inner/cgroup")
	timer_start
	kill -KILL "$r"
	wait "$r" || true
	wait_gone "$inner" 2 || fail "the setsid'd, TERM-ignoring $inner survived"
	assert_elapsed_lt 1300
	assert_dead pid
	wait_status_text victim "err: lost"
	if [[ $cg == */ctx-* ]] && m=$(cgroup2_mount); then
		[ ! -d "$m$cg" ] || fail "ctxd left the cgroup $cg"
	fi
}

@test "faults: a registration too full to carry its cgroup: ctxd still knows the cgroup" {
	# A started job's registration carries its cgroup; one with no room
	# left for it says the cgroup in a second message. Told, ctxd ends
	# the job of a SIGKILLed ctxrun by its cgroup, and removes that.
	need_cgroup
	local len size r inner cg m
	m=$(cgroup2_mount) || skip "no cgroup v2 mount"
	# The registration grows with the name: learn its size from the
	# message that refuses one too large, then make it 24 bytes short of
	# the limit (the pid and id may take a digit more or less).
	local job='echo $$ > pid; exec sleep 20'
	run ctxrun -n "$(printf 'n%.0s' {1..70000})" -k 0.3s -t 20s sh -c "$job"
	assert_failure 125
	size=$(sed -n 's/.*too large for ctxd: \([0-9]*\) bytes.*/\1/p' <<<"$output")
	[ -n "$size" ] || fail "no size in: $output"
	len=$((70000 - (size - 65536) - 24))
	ctxrun_bg out err -n "$(printf 'n%.0s' $(seq "$len"))" -k 0.3s -t 20s \
	    sh -c "$job"
	r=$CTX_BG_PID
	inner=$(read_pid pid)
	cg=$(sed -n 's/^0:://p' "/proc/$inner/cgroup")
	[[ $cg == */ctx-* ]] || fail "the job is in no cgroup of its own: $cg"
	# its node is too large to show: its record in the journal says
	wait_grep "$(ctx_sock).journal" "$cg" 2 || fail "ctxd has not the job"
	kill -KILL "$r"
	wait "$r" || true
	wait_gone "$inner" 2 || fail "the job outlived its ctxrun"
	wait_removed "$m$cg" 2 || fail "ctxd did not know the cgroup $cg"
}

@test "faults: a ctxrun that died while ctxd was down has its job ended at restart" {
	local r inner
	ctxrun_bg out err -n victim -k 0.2s -t 20s sh -c '
		setsid sh -c "trap \"\" TERM; echo \$\$ > inner.pid; exec sleep 20" &
		exec sleep 20'
	r=$CTX_BG_PID
	wait_file inner.pid 2
	inner=$(read_pid inner.pid)
	kill -KILL "$(daemon_pid)"
	kill -KILL "$r"
	wait "$r" || true
	pid_alive "$inner" || fail "nothing was left for ctxd to end"
	timer_start
	run ctxctl status victim
	wait_gone "$inner" 2 || fail "$inner survived the restart"
	assert_elapsed_lt 1200
	wait_status_text victim "err: lost"
}

@test "faults: without cgroups, the command of a SIGKILLed ctxrun still dies" {
	local r child
	CTX_CGROUP=0 ctxrun_bg out err -t 20s sh -c 'echo $$ > pid; exec sleep 20'
	r=$CTX_BG_PID
	wait_file pid 2
	child=$(read_pid pid)
	kill -KILL "$r"
	wait "$r" || true
	wait_gone "$child" 1 || fail "the command survived its ctxrun"
	wait_status_text "$(ctxctl ls | awk 'NR == 2 {print $1; exit}')" "err: lost"
}

@test "faults: a ctxrun killed while its job is being cancelled: ctxd finishes the cancel" {
	local r inner
	ctxrun_bg out err -n victim -k 20s -t 20s sh -c '
		trap "" TERM
		setsid sh -c "trap \"\" TERM; echo \$\$ > inner.pid; exec sleep 20" &
		exec sleep 20'
	r=$CTX_BG_PID
	wait_file inner.pid 2
	inner=$(read_pid inner.pid)
	ctxctl cancel -k 0.4s victim >/dev/null
	sleep 0.1
	kill -KILL "$r"
	wait "$r" || true
	timer_start
	wait_gone "$inner" 2 || fail "$inner survived"
	# the cancel's grace, not the job's own 20 s
	assert_elapsed_lt 1000
	wait_status_text victim "err: canceled"
}

# --- a ctxd that is there but does not answer ---------------------------------

# A stopped ctxd still takes connections into its backlog; clients must not
# wait on it for ever.  stopped_daemon: start one, stop it, and make sure
# the test's end finds it running again (its teardown talks to it).
stopped_daemon() {
	ctxctl new -n keep >/dev/null
	STOPPED=$(daemon_pid)
	kill -STOP "$STOPPED"
}

resume_daemon() {
	kill -CONT "$STOPPED"
}

@test "faults: a stopped ctxd does not hold a job past its deadline" {
	stopped_daemon
	timer_start
	run --separate-stderr timeout 10 env --default-signal "$CTXRUN" -v \
	    -t 0.3s sleep 10
	resume_daemon
	# without a bound on the wait, timeout(1) ends it after 10 s with 124
	assert_elapsed_lt 1000
	assert_failure 124
	assert_stderr_contains "own deadline exceeded"
	assert_stderr_contains "sending TERM to 1 process"
}

# SPEC §12: a job whose context is in its environment never waits for ctxd.
@test "faults: a stopped ctxd: a job starts at once and its status is its own" {
	stopped_daemon
	timer_start
	run --separate-stderr timeout 10 env --default-signal "$CTXRUN" \
	    -t 3s echo ran
	local t=$(elapsed_ms)
	resume_daemon
	assert_success
	assert_output ran
	((t < 1000)) || fail "ctxrun took $t ms with ctxd stopped"
}

@test "faults: a stopped ctxd: a job inside a job starts at once, and joins once it answers" {
	ctxctl new -n keep >/dev/null
	STOPPED=$(daemon_pid)
	run --separate-stderr ctxrun -n outer -t 5s sh -c '
		kill -STOP '"$STOPPED"'
		t0=$(date +%s%N)
		"$CTXRUN" -n inner sh -c "echo started >inner.out; sleep 1" &
		i=0
		while [ ! -s inner.out ] && [ $i -lt 300 ]; do
			sleep 0.01; i=$((i + 1))
		done
		echo $(( ($(date +%s%N) - t0) / 1000000 )) >ms
		kill -CONT '"$STOPPED"'
		i=0
		until "$CTXCTL" status inner >st 2>&1 || [ $i -ge 50 ]; do
			sleep 0.02; i=$((i + 1))
		done
		wait'
	kill -CONT "$STOPPED"
	assert_success
	(($(cat ms) < 500)) || fail "the inner job took $(cat ms) ms to start"
	run cat st
	assert_line "state: running"
	assert_line "parent: $(ctxctl status outer | sed -n 's/^id: //p')"
}

@test "faults: a stopped ctxd: a bare CTX_ID waits no longer than client_timeout, ctxctl gives up" {
	ini ctxd.ini <<'I'
client_timeout = 0.3s
I
	export CTXD_CONFIG=$PWD/ctxd.ini
	stopped_daemon
	timer_start
	# a bare CTX_ID: its deadline and values are only ctxd's to say
	CTX_ID=1 run --separate-stderr timeout 10 env --default-signal \
	    "$CTXRUN" -v sh -c 'echo ran'
	local ran=$status ranout=$output ranerr=$stderr t1
	t1=$(elapsed_ms)
	run --separate-stderr timeout 10 "$CTXCTL" ls
	resume_daemon
	assert_elapsed_lt 2500
	((t1 < 1500)) || fail "ctxrun waited $t1 ms on the stopped ctxd"
	[ "$ran" -eq 0 ] || fail "ctxrun exited $ran: $ranerr"
	[ "$ranout" = ran ] || fail "the job did not run: $ranout"
	[[ $ranerr == *"no answer in time"* ]] || fail "ctxrun did not say so: $ranerr"
	check_err ctxctl 125 "no answer in time"
}
