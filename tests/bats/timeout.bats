#!/usr/bin/env bats
# ctxrun invoked as timeout (SPEC §15): each case runs side by side as
# coreutils' timeout(1) and as the link, both called `timeout` through
# PATH, and the two must exit alike and say the same on stdout and stderr.
# Then what only the link does: containment and nesting.

load helpers

GNU_TIMEOUT=/usr/bin/timeout

setup() {
	ctx_setup || return 1
	[[ -x $GNU_TIMEOUT ]] || skip "no $GNU_TIMEOUT to compare with"
	mkdir -p gnu link
	ln -s "$GNU_TIMEOUT" gnu/timeout
	ln -s "$CTXRUN" link/timeout
	LINK=$BATS_TEST_TMPDIR/link/timeout
}

# as WHICH ARGS...: `timeout ARGS...` as gnu or link, under bats' run.
# A 127 is expected where AS_WANT says so (bats warns of one otherwise).
as() {
	local dir=$BATS_TEST_TMPDIR/$1
	local -a want=()
	shift
	[[ ${AS_WANT:-} == 127 ]] && want=(-127)
	run "${want[@]}" --separate-stderr env --default-signal \
		PATH="$dir:$PATH" timeout "$@"
}

# same STATUS [-gnu ARG... --] ARGS...: both exit STATUS with the same
# output; with -gnu, coreutils gets those arguments in place of ARGS
# (for the short options coreutils 9.1 does not have yet).
same() {
	local want=$1 gs go ge
	local -a gargs=()
	shift
	if [[ $1 == -gnu ]]; then
		shift
		while [[ $1 != -- ]]; do
			gargs+=("$1")
			shift
		done
		shift
	else
		gargs=("$@")
	fi
	AS_WANT=$want as gnu "${gargs[@]}"
	gs=$status go=$output ge=$stderr
	AS_WANT=$want as link "$@"
	[[ $status == "$gs" && $output == "$go" && $stderr == "$ge" ]] ||
		fail "timeout $*:
  coreutils: $gs, stdout '$go', stderr '$ge'
  the link:  $status, stdout '$output', stderr '$stderr'"
	[[ $status == "$want" ]] ||
		fail "timeout $*: both exit $status, expected $want"
}

@test "timeout: the command's own status and output pass through" {
	same 0 1 true
	same 3 1 sh -c 'echo out; echo err >&2; exit 3'
	same 0 5 printf '%s|' a 'b c' ''
}

@test "timeout: a command killed by a signal of its own: 128+N" {
	same 138 1 sh -c 'kill -USR1 $$'
}

@test "timeout: 124 when the duration passes" {
	same 124 0.1 sleep 5
	same 124 --foreground 0.1 sleep 5
}

@test "timeout: float, exponent, hex and unit forms of DURATION" {
	same 124 1e-1 sleep 5
	same 124 .1 sleep 5
	same 124 0.1s sleep 5
	same 124 2e-3m sleep 5
	same 124 0x1p-3 sleep 5
	same 124 +.1 sleep 5
	same 124 ' .1' sleep 5
	same 0 1.5e+0 true
	same 0 2.34e+5d true
}

@test "timeout: 0 disables the timeout, for DURATION and for -k" {
	same 0 0 sleep 0.2
	same 0 0s sleep 0.2
	same 124 -k 0 0.1 sleep 0.3
}

@test "timeout: a huge DURATION is practically forever" {
	same 0 1e30 true
	same 4 99999999999d sh -c 'exit 4'
	same 0 inf true
	same 0 1e999 true
	same 0 -k 1e30 0.1 true
}

@test "timeout: -s KILL gives 137" {
	same 137 -s KILL 0.1 sleep 5
	same 137 -s 9 0.1 sleep 5
	same 137 --foreground -s KILL 0.1 sleep 5
	same 137 --preserve-status -s KILL 0.1 sleep 5
}

@test "timeout: -k after a TERM that is ignored gives 137" {
	same 137 -k 0.1 0.1 sh -c 'trap "" TERM; sleep 5'
	same 137 --kill-after=0.1 0.1 sh -c 'trap "" TERM; sleep 5'
}

@test "timeout: without -k, a command that ignores TERM is never killed" {
	same 124 0.1 sh -c 'trap "" TERM; sleep 0.4'
	same 5 --preserve-status 0.1 sh -c 'trap "" TERM; sleep 0.4; exit 5'
}

@test "timeout: -s 0 sends nothing, then -k applies" {
	same 124 -s 0 0.1 sleep 0.3
	same 137 -s 0 -k 0.1 0.1 sleep 5
	same 137 -s EXIT -k 0.1 0.1 sleep 5
}

@test "timeout: --preserve-status after a timeout gives the command's status" {
	same 143 --preserve-status 0.1 sleep 5
	same 130 --preserve-status -s INT 0.1 sleep 5
	same 7 --preserve-status 0.1 sh -c 'trap "exit 7" TERM; sleep 5 & wait'
	same 3 --preserve-status 5 sh -c 'exit 3'
}

@test "timeout: -p and -f are --preserve-status and --foreground" {
	same 143 -gnu --preserve-status 0.1 sleep 5 -- -p 0.1 sleep 5
	same 124 -gnu --foreground 0.1 sleep 5 -- -f 0.1 sleep 5
	same 143 -gnu --foreground --preserve-status 0.1 sleep 5 -- -fp 0.1 sleep 5
}

@test "timeout: 126 for a command that cannot run, 127 for none" {
	same 126 1 /etc/passwd
	same 126 1 /
	same 127 1 nosuchcommand
	same 127 1 ''
}

@test "timeout: 125 for a bad DURATION" {
	same 125 1sec true
	same 125 nan true
	same 125 '' true
	same 125 1m5 true
	same 125 '1 ' true
	same 125 1S true
	same 125 -1 true
	same 125 -k x 1 true
	same 125 -- -1 true
}

@test "timeout: 125 for a bad SIGNAL" {
	same 125 -s FOO 1 true
	same 125 -s 32 1 true
	same 125 -s 65 1 true
	same 125 -s SIG 1 true
	same 125 -s RTMIN+31 1 true
	same 125 -s ' 9' 1 true
	same 125 --signal=-1 1 true
}

@test "timeout: 125 for a missing command, option or argument" {
	same 125
	same 125 1
	same 125 -v 1
	same 125 -x 1 true
	same 125 --foo 1 true
	same 125 --ver 1 true
	same 125 -s
	same 125 --verbose=1 1 true
}

@test "timeout: options stop at DURATION" {
	same 1 1 sleep -s
	same 0 1 sh -c 'echo "$@"' sh -v -s KILL
	same 127 1 -- true
}

@test "timeout: -v says each signal as timeout(1) says it" {
	same 124 -v 0.1 sleep 5
	same 137 -v -k 0.1 0.1 sh -c 'trap "" TERM; sleep 5'
	same 137 -v -s 0 -k 0.1 0.1 sleep 5
	same 124 -v -s sigusr1 0.1 sleep 5
	same 137 -v -s 137 0.1 sleep 5
	same 124 -v -s 271 0.1 sleep 5
	same 124 -v -s rtmin+1 0.1 sleep 5
	same 124 -v -s RTMAX-2 0.1 sleep 5
	same 124 -v -s IOT 0.1 sh -c 'trap "" ABRT; sleep 0.3'
	same 0 -v 5 true
}

@test "timeout: names in messages are quoted as timeout(1) quotes them" {
	LC_ALL=C same 124 -v 0.1 sleep 5
	LC_ALL=C.UTF-8 same 124 -v 0.1 sleep 5
	local name
	for name in "a'b" $'a\tb' 'a\b' $'\xc3\xa9' $'\xff' 'a b'; do
		LC_ALL=C same 127 1 "$name"
		LC_ALL=C.UTF-8 same 127 1 "$name"
	done
}

@test "timeout: a signal to timeout is passed on; the command's status" {
	local gs
	as_bg() {
		env --default-signal PATH="$BATS_TEST_TMPDIR/$1:$PATH" \
			timeout 5 sh -c 'echo $$ > '"$1"'.pid; sleep 5 & wait' &
		BG=$!
		read_pid "$1.pid" >/dev/null
		kill -TERM "$BG"
		wait_status "$BG" 3
	}
	as_bg gnu
	gs=$BG_STATUS
	as_bg link
	[[ $BG_STATUS == "$gs" && $gs == 143 ]] ||
		fail "TERM to timeout: coreutils $gs, the link $BG_STATUS"
}

@test "timeout: --help and --version" {
	as link --help
	assert_success
	[[ ${lines[0]} == "Usage: timeout [OPTION] DURATION COMMAND [ARG]..." ]] ||
		fail "help: ${lines[0]}"
	as link --version
	assert_success
	assert_output --partial timeout
}

# What timeout(1) does not do: timeout(1) leaves a setsid'd child behind
# (checked, so that this case tells the two apart); the link does not.
@test "timeout: a setsid'd child goes with the link, not with timeout(1)" {
	local pid
	as gnu 0.2 sh -c 'setsid sleep 5 >/dev/null 2>&1 & echo $! > gnu.pid; sleep 5'
	assert_failure 124
	pid=$(read_pid gnu.pid)
	pid_alive "$pid" || fail "coreutils' timeout ended the setsid'd sleep"
	kill -KILL "$pid"
	as link 0.2 sh -c 'setsid sleep 5 >/dev/null 2>&1 & echo $! > link.pid; sleep 5'
	assert_failure 124
	assert_dead link.pid
}

@test "timeout: the link is a node of the tree it runs in" {
	run ctxrun -n outer sh -c \
	    "$LINK 5 sh -c 'echo \$CTX_PARENT'; echo \$CTX_ID"
	assert_success
	[[ ${lines[0]} == "${lines[1]}" && -n ${lines[0]} ]] ||
		fail "parent ${lines[0]}, outer ${lines[1]}"
}

@test "timeout: a parent's deadline ends the link's command as a timeout" {
	timer_start
	run ctxrun -t 0.2s "$LINK" 5 sleep 5
	assert_failure 124
	assert_elapsed_lt 2000
}

# timeout(1) without -k never KILLs its command, and neither does the link;
# but once the command has gone, what it left gets the configured grace,
# and no more.
@test "timeout: without -k, leftovers of the timed-out command get the grace" {
	printf 'grace = 0.2s\n' >ctxd.ini
	export CTXD_CONFIG=$BATS_TEST_TMPDIR/ctxd.ini
	timer_start
	as link 0.1 sh -c 'trap "" TERM
		sh -c "echo \$\$ > left.pid; exec sleep 5" & sleep 0.3'
	assert_failure 124
	assert_elapsed_ge 300
	assert_elapsed_lt 2000
	assert_dead left.pid
}

# make install: the link in a directory of its own, to ctxrun where it is
# installed; make uninstall takes both away.
@test "timeout: make install puts the link in PREFIX/libexec/ctx" {
	local root=$BATS_TEST_TMPDIR/root repo=$BATS_TEST_DIRNAME/../..
	# Only a build of this tree, up to date: a test builds nothing (the
	# suites also run from a copy of the binaries, tests/nonroot/run).
	[[ -f $repo/Makefile ]] || skip "no Makefile beside the tests"
	make -s -q -C "$repo" O="$CTX_BIN" all 2>/dev/null ||
		skip "$CTX_BIN is not an up-to-date build of this tree"
	run make -s -C "$repo" O="$CTX_BIN" DESTDIR="$root" PREFIX=/opt/ctx \
		install
	assert_success
	[[ -x $root/opt/ctx/bin/ctxrun ]] || fail "no ctxrun installed"
	[[ $(readlink "$root/opt/ctx/libexec/ctx/timeout") == \
		/opt/ctx/bin/ctxrun ]] ||
		fail "link: $(ls -l "$root/opt/ctx/libexec/ctx")"
	[[ $(ls "$root/opt/ctx/libexec/ctx") == timeout ]] ||
		fail "not a directory of its own: $(ls "$root/opt/ctx/libexec/ctx")"
	run make -s -C "$repo" O="$CTX_BIN" DESTDIR="$root" PREFIX=/opt/ctx \
		uninstall
	assert_success
	[[ ! -e $root/opt/ctx/libexec/ctx && ! -L $root/opt/ctx/libexec/ctx/timeout ]] ||
		fail "uninstall left $(ls -lR "$root/opt/ctx/libexec")"
}
