#!/usr/bin/env bats
# Groups (SPEC §14, issue 11): ctxctl new --fail-fast is errgroup's
# WithContext, --limit N its SetLimit. Each test names the test of
# golang.org/x/sync/errgroup it mirrors.

load helpers

# ctxrun_in ENVFILE ARGS...: ctxrun in the background, in the context that
# `ctxctl new -x` wrote to ENVFILE (as a shell that evaluated it would).
ctxrun_in() {
	local envf=$1
	shift
	(eval "$(cat "$envf")" && exec env --default-signal "$CTXRUN" "$@") \
		</dev/null &
	BG_PIDS+=("$!")
}

wait_all() {
	local p
	for p in "${BG_PIDS[@]}"; do
		wait_status "$p" "$1" || return 1
	done
}

# errgroup: TestWithContext (the first error cancels the context, and Wait
# returns it).
@test "groups: --fail-fast: the first job that fails cancels the others; wait returns its status" {
	local b
	BG_PIDS=()
	ctxctl new -x --fail-fast -n matrix -t 10s >env
	ctxrun_in env -n a sleep 5
	ctxrun_in env -n b sh -c 'sleep 0.3; exit 3'
	ctxrun_in env -n c sleep 5
	# ctxctl wait knows the jobs that have registered (ctxctl.1)
	for x in a b c; do
		wait_status_text "$x" "state: "
	done
	run ctxctl wait matrix
	assert_failure 3
	b=$(ctxctl --json status b)
	b=${b#*\"id\":}
	b=${b%%,*}
	for x in matrix a c; do
		[[ $(status_field "$x" err) == canceled ]]
		[[ $(status_field "$x" cause) == "sibling $b (b) failed: exit 3" ]] ||
			fail "$x: cause $(status_field "$x" cause)"
	done
	[[ $(status_field b err) == "exited 3" ]]
	wait_all 5
}

# errgroup: TestWithContext with a goroutine that panics/is killed: a job
# killed by a signal the group did not send is a failure too.
@test "groups: --fail-fast: a job killed by a signal fails the group: 'killed by signal KILL'" {
	BG_PIDS=()
	ctxctl new -x --fail-fast -n m2 -t 10s >env
	ctxrun_in env -n a sleep 5
	ctxrun_in env -n k sh -c 'sleep 0.2; kill -KILL $$'
	wait_all 5
	# the shell waited for its jobs: ctxd knows how each ended
	run ctxctl wait m2
	assert_failure 137
	[[ $(status_field m2 cause) == "sibling "[0-9]*" (k) failed: killed by signal KILL" ]] ||
		fail "cause: $(status_field m2 cause)"
	[[ $(status_field a cause) == "sibling "[0-9]*" (k) failed: killed by signal KILL" ]]
}

# errgroup: TestZeroGroup (Wait with nothing in the group, and with only
# successes, returns nil; the group's context is then done).
@test "groups: --fail-fast: wait returns 0 when every job succeeded, or none ran; the group ends" {
	local g
	BG_PIDS=()
	g=$(ctxctl new --fail-fast -n zero)
	run ctxctl wait "$g"
	assert_success
	[[ $(status_field "$g" state) == done ]]
	[[ $(status_field "$g" cause) == "group done" ]]
	ctxctl new -x --fail-fast -n ok -t 10s >env
	ctxrun_in env -n o1 true
	ctxrun_in env -n o2 sleep 0.2
	wait_all 5
	run ctxctl wait ok
	assert_success
	[[ $(status_field ok state) == done ]]
}

# errgroup: TestWithContext, where the context's own deadline ends the
# goroutines: the group's deadline is no sibling's failure.
@test "groups: --fail-fast: the group's own deadline is no failure: 124, its cause" {
	local g
	BG_PIDS=()
	ctxctl new -x --fail-fast -n m4 -t 0.4s >env
	g=$(sed -n "s/^export CTX_ID='\(.*\)'$/\1/p" env)
	ctxrun_in env -n a sleep 5
	ctxrun_in env -n b sleep 5
	wait_all 5
	run ctxctl wait m4
	assert_failure 124
	for x in m4 a b; do
		[[ $(status_field "$x" err) == "deadline exceeded" ]]
		[[ $(status_field "$x" cause) == "deadline of $g (m4)" ]] ||
			fail "$x: cause $(status_field "$x" cause)"
	done
}

# A cancel the group sent is no failure: cancelling the group gives 130,
# not a sibling's cause.
@test "groups: --fail-fast: cancelling the group is not a sibling's failure" {
	BG_PIDS=()
	ctxctl new -x --fail-fast -n m3 -t 10s >env
	ctxrun_in env -n a sleep 5
	ctxrun_in env -n b sleep 5
	wait_status_text b "state: running"
	wait_status_text a "state: running"
	ctxctl cancel --cause "enough" m3
	run ctxctl wait m3
	assert_failure 130
	[[ $(status_field a cause) == enough && $(status_field b cause) == enough ]]
	wait_all 5
}

# errgroup: TestSetLimit (no more than the limit run at once; the rest
# start in order, once a place is free).
@test "groups: --limit 2: no more than 2 jobs run at once, the others wait in order" {
	local i max=0 cur=0 line order=""
	BG_PIDS=()
	ctxctl new -x --limit 2 -n lim -t 10s >env
	grep -q "^export CTX_GROUP='limit=2'" env || fail "$(cat env)"
	for i in 1 2 3 4 5; do
		ctxrun_in env -n "j$i" sh -c "echo start $i >>log; sleep 0.5; echo end $i >>log"
		# one at a time, so that the order of arrival is known
		wait_status_text "j$i" "state: "
		# j1 and j2 run for 0.5 s: j3 waits
		if ((i == 3)); then
			run ctxctl ls
			assert_output --regexp "j3 +waiting"
		fi
	done
	wait_all 10
	while read -r line; do
		if [[ $line == start* ]]; then
			((++cur > max)) && max=$cur
			order+=${line#start }
		else
			((cur--))
		fi
	done <log
	((max == 2)) || fail "$max ran at once: $(cat log)"
	[[ ${order:2} == 345 ]] || fail "order $order: $(cat log)"
}

# errgroup: TestSetLimit with the context's deadline: waiting counts
# against a job's deadline, and one that passes ends it 124, never started.
@test "groups: --limit: a job whose deadline passes while it waits ends 124 without starting" {
	BG_PIDS=()
	ctxctl new -x --limit 1 -n l1 -t 10s >env
	ctxrun_in env -n busy sleep 2
	wait_status_text busy "state: running"
	(eval "$(cat env)" && exec "$CTXRUN" -v -n late -t 0.3s sh -c 'echo ran >ran') \
		2>late.err </dev/null &
	local late=$!
	wait_status_text late "state: waiting"
	wait_status "$late" 5
	[[ $BG_STATUS == 124 ]] || fail "status $BG_STATUS: $(cat late.err)"
	[[ ! -e ran ]]
	[[ $(status_field late cause) == "deadline of "[0-9]*" (late)" ]]
	grep -q 'waiting: context [0-9]* runs 1 job at once' late.err ||
		fail "$(cat late.err)"
	grep -q 'not starting' late.err || fail "$(cat late.err)"
	ctxctl cancel l1
	wait_all 5
}

# A job that waits is cancelled as any other: by its group, or by a signal.
@test "groups: --limit: a waiting job is ended by a cancel, 130, and by a signal, 130" {
	local w
	BG_PIDS=()
	ctxctl new -x --limit 1 -n l2 -t 10s >env
	ctxrun_in env -n busy2 sleep 5
	wait_status_text busy2 "state: running"
	(eval "$(cat env)" && exec "$CTXRUN" -n w1 sh -c 'echo ran >ran') </dev/null &
	w=$!
	wait_status_text w1 "state: waiting"
	kill -TERM "$w"
	wait_status "$w" 5
	[[ $BG_STATUS == 130 ]]
	[[ $(status_field w1 cause) == "signal TERM" ]]
	(eval "$(cat env)" && exec "$CTXRUN" -n w2 sh -c 'echo ran >ran') </dev/null &
	w=$!
	wait_status_text w2 "state: waiting"
	ctxctl cancel --cause "no room" l2
	wait_status "$w" 5
	[[ $BG_STATUS == 130 ]]
	[[ $(status_field w2 cause) == "no room" ]]
	[[ ! -e ran ]]
	wait_all 5
}

# errgroup: Go after a failure of WithContext's group: the context is
# done, and a job that waited for the limit never starts; it is cancelled
# with the failure as its cause. The command ignores TERM: had it started,
# it would write its file before a cancel could stop it.
@test "groups: --fail-fast --limit: a failure cancels the waiting jobs; none starts" {
	local w
	BG_PIDS=()
	ctxctl new -x --fail-fast --limit 1 -n ffl -t 10s >env
	ctxrun_in env -n first sh -c 'sleep 0.5; exit 3'
	wait_status_text first "state: running"
	(eval "$(cat env)" && exec "$CTXRUN" -n queued \
		env --ignore-signal=TERM sh -c 'echo ran >ran') \
		2>queued.err </dev/null &
	w=$!
	wait_status_text queued "state: waiting"
	wait_status "$w" 5
	[[ $BG_STATUS == 130 ]] || fail "status $BG_STATUS: $(cat queued.err)"
	[[ ! -e ran ]] || fail "the waiting job ran"
	[[ $(status_field queued cause) == "sibling "[0-9]*" (first) failed: exit 3" ]] ||
		fail "cause: $(status_field queued cause)"
	wait_all 3
}

# -p GROUP waits too (ctxd tells it to), with or without CTX_LIMIT.
@test "groups: --limit: ctxrun -p GROUP waits for its turn too" {
	local g
	BG_PIDS=()
	g=$(ctxctl new --limit 1 -n l3 -t 10s)
	ctxrun_bg o1 e1 -p "$g" -n first sleep 0.5
	wait_status_text first "state: running"
	ctxrun_bg o2 e2 -v -p "$g" -n second true
	wait_status_text second "state: waiting"
	wait_status "$CTX_BG_PID" 5
	[[ $BG_STATUS == 0 ]]
	grep -q 'its turn came after' e2 || fail "$(cat e2)"
}

# Bad input (SPEC §8).
@test "groups: --limit takes a number from 1: else 125, nothing made" {
	run ctxctl new --limit 0
	assert_failure 125
	run ctxctl new --limit x
	assert_failure 125
	run ctxctl new --limit -3
	assert_failure 125
	run ctxctl ls
	refute_output --partial running
	run ctxctl new --limit 1
	assert_success
}
