#!/usr/bin/env bats
# A ctxrun killed with SIGKILL, without a cgroup (CTX_CGROUP=0): ctxd ends
# its whole job all the same, finding the job's processes by the CTX_ID
# their environment carries, and signals nothing else: not a process of
# another context or tree, not one started before the job, not another
# user's.

load helpers

setup() {
	ctx_setup
	export CTX_CGROUP=0
	DECOYS=()
}

# The decoys are meant to outlive the job: killed here, even when a test
# fails before it kills them itself; anything else left is a leak.
teardown() {
	kill_decoys
	ctx_teardown
}

# wait_all_gone TIMEOUT_S PIDFILE...: every pid in the files dies in time.
wait_all_gone() {
	local t=$1 f pid
	shift
	for f in "$@"; do
		pid=$(read_pid "$f") || return 1
		wait_gone "$pid" "$t" ||
			fail "pid $pid ($f) survived: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
	done
}

# decoy NAME ENV...: starts `sleep 60` outside any job, with ENV, and keeps
# its pid in NAME.pid; the test kills it by pid at its end.
decoy() {
	local name=$1
	shift
	env -u CTX_ID -u CTX_TREE "$@" sleep 60 &
	echo $! >"$name.pid"
	DECOYS+=("$!")
}

kill_decoys() {
	local pid
	for pid in "${DECOYS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait_gone "$pid" 2
	done
	DECOYS=()
}

@test "lostjob: without a cgroup, kill -9 of ctxrun ends every process of its job" {
	local r
	ctxrun_bg out err -n job -k 1s sh -c '
		echo $$ >cmd.pid
		setsid sh -c "echo \$\$ >setsid.pid; exec sleep 600" &
		setsid sh -c "trap \"\" TERM; echo \$\$ >stubborn.pid; exec sleep 600" &
		sleep 600 & echo $! >child.pid
		sleep 600'
	r=$CTX_BG_PID
	wait_file cmd.pid 2 && wait_file setsid.pid 2 && wait_file stubborn.pid 2 &&
		wait_file child.pid 2
	wait_status_text job "state: running"
	timer_start
	kill -KILL "$r"
	wait "$r" || true
	# grace + 1 s: the TERM-ignoring one is killed after the grace
	wait_all_gone 2 cmd.pid setsid.pid child.pid stubborn.pid
	assert_elapsed_lt 2000
	wait_status_text job "err: lost"
	wait_status_text job "state: done"
}

@test "lostjob: a process forked during the grace is caught by the KILL" {
	local r
	ctxrun_bg out err -n job -k 0.5s sh -c '
		setsid sh -c "trap \"\" TERM; echo \$\$ >loop.pid
			while :; do sleep 0.05 & echo \$! >>kids; wait; done" &
		sleep 600'
	r=$CTX_BG_PID
	wait_file loop.pid 2 && wait_file kids 2
	wait_status_text job "state: running"
	kill -KILL "$r"
	wait "$r" || true
	wait_all_gone 2 loop.pid
	wait_status_text job "err: lost"
	assert_dead kids
}

@test "lostjob: processes of a context made inside the job end with it" {
	local r
	ctxrun_bg out err -n job -k 0.3s sh -c '
		CTX_ID=$("$CTXCTL" new -n sub) || exit 1
		export CTX_ID
		setsid sh -c "echo \$\$ >sub.pid; exec sleep 600" &
		sleep 600'
	r=$CTX_BG_PID
	wait_file sub.pid 2
	wait_status_text sub "state: running"
	kill -KILL "$r"
	wait "$r" || true
	wait_all_gone 2 sub.pid
	wait_status_text job "err: lost"
}

@test "lostjob: a lookalike outside the job is never signalled" {
	local r tree id next
	tree=$(ctxrun -n probe sh -c 'echo "$CTX_TREE"')
	[[ -n $tree ]] || fail "no CTX_TREE in a job's environment"
	id=$(ctxctl status probe | sed -n 's/^id: //p')
	next=$((id + 1))
	# the job's own id and tree, but started before the job
	decoy early CTX_ID=$next CTX_TREE="$tree"
	sleep 0.1
	ctxrun_bg out err -n job -k 0.3s sh -c '
		echo "$CTX_ID" >id
		setsid sh -c "echo \$\$ >setsid.pid; exec sleep 600" &
		sleep 600'
	r=$CTX_BG_PID
	wait_file id 2 && wait_file setsid.pid 2
	[[ $(cat id) == "$next" ]] || fail "the job took id $(cat id), not $next"
	# started after the job: another id; another tree; no tree at all
	decoy other CTX_ID=$((next + 100)) CTX_TREE="$tree"
	decoy tree CTX_ID=$next CTX_TREE=0123456789abcdef0123456789abcdef
	decoy notree CTX_ID=$next
	decoy prefix CTX_ID=${next}0 CTX_TREE="$tree"
	# the job's id and tree, but another user's
	if ((EUID == 0)); then
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			env CTX_ID=$next CTX_TREE="$tree" sleep 60 &
		echo $! >user.pid
		DECOYS+=("$!")
	fi
	sleep 0.05
	kill -KILL "$r"
	wait "$r" || true
	wait_all_gone 2 setsid.pid
	wait_status_text job "err: lost"
	local pid
	for pid in "${DECOYS[@]}"; do
		pid_alive "$pid" || fail "decoy $pid was signalled"
	done
}

@test "lostjob: without a cgroup, a ctxrun that died while ctxd was down has its job ended at restart" {
	local r
	ctxrun_bg out err -n victim -k 0.3s sh -c '
		setsid sh -c "trap \"\" TERM; echo \$\$ >inner.pid; exec sleep 600" &
		sleep 600'
	r=$CTX_BG_PID
	wait_file inner.pid 2
	wait_status_text victim "state: running"
	kill -KILL "$(daemon_pid)"
	kill -KILL "$r"
	wait "$r" || true
	pid_alive "$(read_pid inner.pid)" || fail "nothing was left for ctxd to end"
	timer_start
	ctxctl ls >/dev/null
	wait_all_gone 2 inner.pid
	assert_elapsed_lt 1500
	wait_status_text victim "err: lost"
}

# The cancel a job was told outlives ctxd: a job cancelled, then left by
# ctxd and its ctxrun (both killed in its grace), is ended at restart as
# the cancel said (err canceled, 130), not as lost (125).
@test "lostjob: a job cancelled before ctxd and its ctxrun died ends canceled at restart, not lost" {
	local r
	# the job's own process dies with its ctxrun (PDEATHSIG); the one it
	# forks is left, deaf to TERM
	ctxrun_bg out err -n victim -k 1s sh -c '
		env --ignore-signal=TERM sh -c "echo \$\$ >inner.pid; exec sleep 600" &
		exec env --ignore-signal=TERM sleep 600'
	r=$CTX_BG_PID
	wait_file inner.pid 2
	wait_status_text victim "state: running"
	ctxctl cancel --cause "stop now" victim
	kill -KILL "$(daemon_pid)"
	kill -KILL "$r"
	wait "$r" || true
	pid_alive "$(read_pid inner.pid)" || fail "nothing was left for ctxd to end"
	ctxctl ls >/dev/null
	wait_all_gone 3 inner.pid
	wait_status_text victim "state: done"
	[[ $(status_field victim err) == canceled ]] ||
		fail "err: $(status_field victim err)"
	[[ $(status_field victim cause) == "stop now" ]]
	[[ $(status_field victim exit) == 130 ]] ||
		fail "status: $(ctxctl status victim)"
}
