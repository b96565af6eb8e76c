#!/usr/bin/env bats
# Nested jobs (SPEC §3, §5): deadline = min(own, parent's); the outer signal
# and grace govern the subtree; a parent whose deadline passed starts nothing.

load helpers

@test "nested: an inner -t 10s under an outer -t 0.3s ends at the outer deadline" {
	timer_start
	run ctxrun -t 0.3s -k 0.5s sh -c '
		echo "$CTX_DEADLINE" > outer
		"$CTXRUN" -t 10s sh -c "echo \"\$CTX_DEADLINE\" > inner; echo \$\$ > pid; exec sleep 5"'
	assert_failure 124
	assert_elapsed_lt 1300
	assert_dead pid
	local o i
	o=$(cat outer)
	i=$(cat inner)
	[[ $i =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$ ]] || fail "bad inner CTX_DEADLINE '$i'"
	[[ ! $i > $o ]] || fail "inner CTX_DEADLINE $i is later than the outer $o"
}

@test "nested: the outer grace governs: an inner -k 1h cannot stretch it" {
	timer_start
	run ctxrun -t 0.3s -k 0.2s sh -c '
		echo $$ > outer-sh
		exec "$CTXRUN" -k 1h sh -c "trap \"\" TERM; echo \$\$ > pid; exec sleep 5"'
	assert_failure 124
	assert_elapsed_lt 1500
	assert_dead pid outer-sh
}

@test "nested: the outer grace governs even when the inner has its own later deadline" {
	cat >inner.sh <<'S'
trap "" TERM
setsid sh -c 'echo $$ > pid2; exec sleep 5' &
echo $$ > pid
i=0; while [ ! -s pid2 ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done
exec sleep 5
S
	timer_start
	run ctxrun -t 0.3s -k 0.2s sh -c '"$CTXRUN" -t 1h -k 1h sh inner.sh'
	assert_failure 124
	assert_elapsed_lt 1500
	assert_dead pid pid2
}

@test "nested: an inner job's own earlier deadline fires on its own; the outer goes on" {
	timer_start
	run --separate-stderr ctxrun -v -t 5s sh -c '"$CTXRUN" -v -t 0.2s sleep 5; echo inner=$?'
	assert_success
	assert_output inner=124
	assert_elapsed_lt 1500
	assert_stderr_contains "ctxrun: own deadline exceeded"
	[[ $(grep -c "deadline exceeded" <<<"$stderr") -eq 1 ]] || fail "stderr: $stderr"
}

@test "nested: a parent deadline already passed: nothing is started, 124" {
	CTX_ID=x1 CTX_DEADLINE=2000-01-01T00:00:00.000Z run ctxrun touch marker
	assert_failure 124
	[ ! -e marker ]
}

@test "nested: a parent deadline already passed wins over an own later one" {
	CTX_ID=x00000000000000a1 CTX_DEADLINE=2000-01-01T00:00:00.000Z run ctxrun -t 1h touch marker
	assert_failure 124
	[ ! -e marker ]
}

@test "nested: -v says parent's deadline exceeded when the inherited one fires" {
	local d
	d=$(rfc3339_at 300)
	timer_start
	CTX_ID=x00000000000000a1 CTX_DEADLINE=$d CTX_SIGNAL=TERM CTX_GRACE=0.2s \
		run --separate-stderr ctxrun -v -t 10s sh -c 'echo "$CTX_DEADLINE"; exec sleep 5'
	assert_failure 124
	assert_output "$d"
	assert_elapsed_lt 1300
	assert_stderr_contains "ctxrun: deadline $d (parent's)"
	assert_stderr_contains "ctxrun: parent's deadline exceeded"
	refute_stderr_contains "own deadline exceeded"
}

@test "nested: -v says own deadline exceeded when the own one fires" {
	local d
	d=$(rfc3339_at 10000)
	CTX_ID=x00000000000000a1 CTX_DEADLINE=$d CTX_SIGNAL=TERM CTX_GRACE=0.2s \
		run --separate-stderr ctxrun -v -t 0.2s sleep 5
	assert_failure 124
	assert_stderr_contains "(own)"
	assert_stderr_contains "ctxrun: own deadline exceeded"
	refute_stderr_contains "parent's deadline exceeded"
}

@test "nested: the inherited deadline is enforced on the parent's signal and grace" {
	local d
	d=$(rfc3339_at 300)
	timer_start
	CTX_ID=x00000000000000a1 CTX_DEADLINE=$d CTX_SIGNAL=INT CTX_GRACE=0.5s \
		run ctxrun -k 1h -s USR1 sh -c '
			trap "echo INT >> got" INT; trap "echo USR1 >> got" USR1; trap "echo TERM >> got" TERM
			echo $$ > pid
			i=0; while [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done'
	assert_failure 124
	# INT (the parent's signal) and, 0.5 s later, KILL (not after the own 1h)
	assert_elapsed_lt 1800
	assert_equal "$(head -n1 got)" INT
	assert_dead pid
}

@test "nested: the real outer ctxrun reports its own deadline, the job is gone" {
	# the outer command goes on after the inner ctxrun (which inherits the
	# same deadline and may see it first): the outer deadline fires for sure
	run --separate-stderr ctxrun -v -t 0.2s -k 0.2s sh -c '"$CTXRUN" sh -c "echo \$\$ > pid; exec sleep 5"; exec sleep 5'
	assert_failure 124
	assert_stderr_contains "ctxrun: own deadline exceeded"
	assert_dead pid
}

@test "nested: a nested job's cgroup is inside the outer job's cgroup" {
	use_mode cgroup
	run ctxrun sh -c 'echo $CTX_ID; "$CTXRUN" sh -c "echo \$CTX_ID; sed -n \"s/^0:://p\" /proc/self/cgroup"'
	assert_success
	local outer=${lines[0]} inner=${lines[1]} cg=${lines[2]}
	if cgroup2_writable; then
		[[ $cg == */ctx-*"${outer#x}".*/ctx-*"${inner#x}".* ]] || fail "inner cgroup $cg is not under the outer one"
	else
		[[ $cg != *ctx-* ]] || fail "cgroup $cg"
	fi
}

@test "nested: cancelling the outer ctxrun ends the inner job" {
	ctxrun_bg out err -t 5s -k 0.5s sh -c '"$CTXRUN" -k 1h sh -c "trap \"\" TERM; echo \$\$ > pid; exec sleep 5"'
	local cpid=$CTX_BG_PID
	read_pid pid >/dev/null
	timer_start
	kill -TERM "$cpid"
	wait_status "$cpid" 3
	[ "$BG_STATUS" -eq 130 ] || fail "status $BG_STATUS; stderr: $(cat err)"
	assert_elapsed_lt 1500
	assert_dead pid
}

@test "nested: an inherited deadline after the own one still ends a long grace" {
	local d
	d=$(rfc3339_at 600)
	timer_start
	# the own deadline fires first (0.2 s, -k 30s); the parent's at 0.6 s
	# with its grace of 0.3 s must cut the own 30 s short
	CTX_ID=x00000000000000a2 CTX_DEADLINE=$d CTX_GRACE=0.3s \
		run --separate-stderr ctxrun -v -t 0.2s -k 30s sh -c '
			trap "" TERM; echo $$ > pid
			i=0; while [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done'
	assert_failure 124
	assert_elapsed_lt 2500
	assert_stderr_contains "own deadline exceeded"
	assert_stderr_contains "parent's deadline exceeded"
	assert_dead pid
}
