# Common set-up for the ctxrun bats suites.
#
# Every suite does `load helpers`.  The binary under test is
# "$CTX_BIN/ctxrun" (CTX_BIN defaults to the build directory of this tree).
#
# Each test gets its own directory ($BATS_TEST_TMPDIR, also the cwd, HOME and
# XDG_RUNTIME_DIR live below it) and a tag, CTX_TEST_TAG=$BATS_TEST_TMPDIR,
# exported into the environment of everything the test starts.  The teardown
# looks for any process still carrying that exact tag, kills it by pid and
# fails the test: a leak detector that proves "nothing escapes" for every
# test, not only for the containment ones.  It fails the test too if a job
# cgroup (ctx-*) made during it is still there once its daemon has stopped.

bats_require_minimum_version 1.5.0

# Load bats-support and bats-assert from the Debian packages.  Their
# load.bash runs `source "$(dirname "${BASH_SOURCE[0]}")/src/X.bash"` once per
# file; each $(...) is a fork, and forks are what make a suite slow (about
# 0.1 s per test here).  So read load.bash, put its directory in place of
# the $(dirname ...) and evaluate it; if it ever looks different, fall back
# to bats' own `load`.
_load_lib() {
	local file=$1 dir=${1%/*} text='' line
	local -a body
	mapfile -t body <"$file" || return 1
	for line in "${body[@]}"; do
		[[ $line =~ ^[[:space:]]*# ]] || text+=$line$'\n'
	done
	text=${text//'$(dirname "${BASH_SOURCE[0]}")'/$dir}
	if [[ $text == *'$('* || $text == *'`'* ]]; then
		load "$file"
	else
		eval "$text"
	fi
}
_load_lib /usr/lib/bats/bats-support/load.bash
_load_lib /usr/lib/bats/bats-assert/load.bash

# A test that hangs is a failure, not a stuck suite.
: "${BATS_TEST_TIMEOUT:=30}"

# What ctxctl draws (└─, é) depends on the locale: every test runs in
# C.UTF-8, whatever the caller's (CI's is C), and sets another where it
# tests that (LC_ALL=C ...).
export LC_ALL=C.UTF-8

CTX_BIN="${CTX_BIN:-$BATS_TEST_DIRNAME/../../build}"
# tests cd into their own directory: make a relative CTX_BIN absolute now
[[ $CTX_BIN == /* ]] || CTX_BIN="$PWD/$CTX_BIN"
CTXRUN="$CTX_BIN/ctxrun"
export CTXRUN

# ctxrun with every signal at its default disposition.  A background job of a
# non-interactive shell starts with SIGINT and SIGQUIT ignored, and ctxrun
# keeps ignored signals ignored in the command; resetting them here makes the
# signal tests independent of how bats itself was started.
ctxrun() {
	env --default-signal "$CTXRUN" "$@"
}

# Start ctxrun in the background: ctxrun_bg OUTFILE ERRFILE ARGS...
# Sets CTX_BG_PID to ctxrun's own pid (env execs it, so no shell sits between).
ctxrun_bg() {
	local out=$1 err=$2
	shift 2
	env --default-signal "$CTXRUN" "$@" >"$out" 2>"$err" </dev/null &
	CTX_BG_PID=$!
}

# --- ctxd and ctxctl ----------------------------------------------------------

CTXCTL="$CTX_BIN/ctxctl"
CTXD="$CTX_BIN/ctxd"
export CTXCTL CTXD

ctxctl() {
	"$CTXCTL" "$@"
}

# python3 for the protocol-level tests; the system one if there is one (a
# pyenv shim costs a quarter of a second per start).
if [[ -x /usr/bin/python3 ]]; then
	PYTHON=/usr/bin/python3
else
	PYTHON=python3
fi

# The python side of the protocol-level tests (clients.bats, events.bats).
# Every socket has a timeout; every wait is bounded.
PY_PRELUDE='
import os, select, socket, struct, sys, time
def hdr(type, n):
    return struct.pack("<HHI", 1, type, n)
def msg(type, fields):
    p = b"".join(f.encode() + b"\0" for f in fields)
    return hdr(type, len(p)) + p
def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b
def recv_msg(s):
    v, t, n = struct.unpack("<HHI", recv_exact(s, 8))
    return t, recv_exact(s, n)
def field(payload, key):
    for f in payload.split(b"\0"):
        if f.startswith(key.encode() + b"="):
            return f.split(b"=", 1)[1].decode()
def connect(path):
    # a blocking connect waits while the listen backlog is full, as
    # ctxrun and ctxctl do; with a timeout, python would fail at once
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(True)
    s.connect(path)
    s.settimeout(5)
    return s
def wait_for(name, limit):
    end = time.monotonic() + limit
    while not os.path.exists(name) and time.monotonic() < end:
        time.sleep(0.01)
def hung_up(s, limit):
    s.settimeout(limit)
    try:
        return s.recv(65536) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
'

# py SCRIPT ARGS...: runs python on PY_PRELUDE + SCRIPT.
py() {
	local script=$1
	shift
	"$PYTHON" -I -S -c "$PY_PRELUDE$script" "$@"
}

# The default socket of this test (its own XDG_RUNTIME_DIR).
ctx_sock() {
	printf '%s\n' "$XDG_RUNTIME_DIR/ctx/ctxd.sock"
}

# daemon_pid [CTXCTL OPTIONS]: the pid `ctxctl daemon status` reports.
daemon_pid() {
	local out
	out=$("$CTXCTL" "$@" daemon status) || return 1
	[[ $out == *"pid: "* ]] || return 1
	out=${out#*pid: }
	printf '%s\n' "${out%%$'\n'*}"
}

# track_socket PATH: a socket other than the default one that a daemon of
# this test may serve; the teardown stops that daemon too.
track_socket() {
	printf '%s\n' "$1" >>"$BATS_TEST_TMPDIR/.sockets"
}

# tagged_ctxd: sets CTXD_PIDS to the live processes named ctxd that carry
# this test's tag (the daemons this test started, however it started them).
tagged_ctxd() {
	local pid comm
	CTXD_PIDS=()
	_find_tagged
	for pid in "${LEAKED[@]}"; do
		{ read -r comm <"/proc/$pid/comm"; } 2>/dev/null || continue
		[[ $comm == ctxd ]] && pid_alive "$pid" && CTXD_PIDS+=("$pid")
	done
	return 0
}

# Stops the daemons this test started, before the leak detector runs (a
# daemon inherits the tag): `ctxctl daemon stop` on each socket it may
# serve, then by pid whatever is still alive.
_ctxd_cleanup() {
	local s pid
	local -a socks=("$XDG_RUNTIME_DIR/ctx/ctxd.sock")
	tagged_ctxd
	((${#CTXD_PIDS[@]})) || return 0
	[[ -f $BATS_TEST_TMPDIR/.sockets ]] &&
		mapfile -t -O 1 socks <"$BATS_TEST_TMPDIR/.sockets"
	for s in "${socks[@]}"; do
		[[ -S $s && -x $CTXCTL ]] || continue
		env -u CTX_SOCKET timeout 5 "$CTXCTL" -S "$s" daemon stop \
			>/dev/null 2>&1
	done
	for pid in "${CTXD_PIDS[@]}"; do
		wait_gone "$pid" 0.5 && continue
		kill -TERM "$pid" 2>/dev/null
		wait_gone "$pid" 1 && continue
		kill -KILL "$pid" 2>/dev/null
		wait_gone "$pid" 2
	done
	return 0
}

ctx_setup() {
	unset CTX_ID CTX_NAME CTX_PARENT CTX_DEADLINE CTX_SIGNAL CTX_GRACE \
		CTX_SOCKET CTX_CGROUP CTXD_CONFIG
	export CTX_TEST_TAG="$BATS_TEST_TMPDIR"
	export HOME="$BATS_TEST_TMPDIR/home"
	export XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run"
	mkdir -p -m 0700 "$HOME" "$XDG_RUNTIME_DIR"
	cd "$BATS_TEST_TMPDIR" || return 1
	if [[ ! -x $CTXRUN ]]; then
		echo "ctxrun is not built: $CTXRUN (set CTX_BIN, or run make)" >&2
		return 1
	fi
	_job_cgroups >"$BATS_TEST_TMPDIR/.job-cgroups"
}

# The job cgroups (ctx-*) below this process's cgroup, a line each.
_job_cgroups() {
	local self
	self=$(cgroup2_self 2>/dev/null) || return 0
	compgen -G "$self/ctx-*" | sort || true
}

# Job cgroups made during the test that are still there, once its daemon
# has stopped and its processes are gone (a daemon removes those left to
# it when it stops): reported, removed deepest first, and the test fails.
_job_cgroups_left() {
	local before="$BATS_TEST_TMPDIR/.job-cgroups" left i dir
	[[ -f $before ]] || return 0
	for ((i = 0; i < 50; i++)); do
		left=$(comm -13 "$before" <(_job_cgroups))
		[[ -z $left ]] && return 0
		sleep 0.02
	done
	printf 'LEAK: job cgroups left behind by this test (removed now):\n%s\n' "$left" >&2
	while read -r dir; do
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
	done <<<"$left"
	return 1
}

# Sets PPID_OF to the parent pid of $1 (empty if it is gone).  Builtins only.
_ppid_of() {
	local line
	PPID_OF=
	{ read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
	line=${line##*) }
	local -a f
	read -r -a f <<<"$line"
	PPID_OF=${f[1]}
}

# Sets LEAKED to the pids of the processes whose initial environment holds
# this test's tag, except this shell and its ancestors.  The scan is one grep
# started without the tag (so it does not find itself); bats' DEBUG trap makes
# a loop over /proc in bash itself slow.
_find_tagged() {
	local want="CTX_TEST_TAG=$CTX_TEST_TAG" skip a f pid
	local -a found=()
	LEAKED=()
	while read -r f; do
		pid=${f#/proc/}
		found+=("${pid%/environ}")
	done < <(env -u CTX_TEST_TAG grep -slzxF -- "$want" /proc/[0-9]*/environ)
	((${#found[@]})) || return 0
	# bats and its ancestors were started before the tag existed, so they
	# cannot match; exclude them anyway, it costs nothing when all is well.
	skip=" $$ "
	a=$BASHPID
	while [[ -n $a && $a -gt 1 ]]; do
		skip+="$a "
		_ppid_of "$a" || break
		a=$PPID_OF
	done
	for pid in "${found[@]}"; do
		[[ $skip == *" $pid "* ]] || LEAKED+=("$pid")
	done
}

# Kill whatever is left in the cgroups that with_pids_cgroup made, remove them.
_cgroups_cleanup() {
	local list="$BATS_TEST_TMPDIR/.cgroups" dir rc=0
	[[ -f $list ]] || return 0
	while read -r dir; do
		cgroup_destroy "$dir" || rc=1
	done <"$list"
	rm -f "$list"
	return $rc
}

# The job cgroups (ctx-PID.ID.RANDOM) of leaked ctxruns, killed without a chance to
# remove them: removed here, deepest first, so that a failed test does not
# leave directories behind either.
_leaked_cgroups_cleanup() {
	local m pid dir
	m=$(cgroup2_mount) || return 0
	for pid in "${LEAKED[@]}"; do
		for dir in "$m"/ctx-"$pid".*; do
			[[ -d $dir ]] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
		done
	done
	return 0
}

ctx_teardown() {
	local rc=0 pid cmd report=""
	_ctxd_cleanup
	_find_tagged
	if ((${#LEAKED[@]})); then
		for pid in "${LEAKED[@]}"; do
			cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
			report+="  pid $pid: $cmd"$'\n'
			kill -KILL "$pid" 2>/dev/null
		done
		for pid in "${LEAKED[@]}"; do
			wait_gone "$pid" 2
		done
		_leaked_cgroups_cleanup
		rc=1
	fi
	_cgroups_cleanup || rc=1
	_job_cgroups_left || rc=1
	if ((rc)) && [[ -n $report ]]; then
		printf 'LEAK: processes of this test still running after it ended (killed now):\n%s' "$report" >&2
	fi
	return $rc
}

setup() {
	ctx_setup
}

teardown() {
	ctx_teardown
}

# --- processes --------------------------------------------------------------

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
	local line
	{ read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
	line=${line##*) }
	[[ ${line:0:1} != Z && ${line:0:1} != X ]]
}

# proc_state PID: prints the one-letter state (R, S, T, Z, ...).
proc_state() {
	local line
	{ read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
	line=${line##*) }
	printf '%s\n' "${line:0:1}"
}

# _ticks SECONDS: sets TICKS to the number of 20 ms polls in SECONDS (at
# most two decimals count).  No fork.
_ticks() {
	local t=$1 i f=00
	i=${t%%.*}
	[[ $t == *.* ]] && f=${t#*.}00
	TICKS=$(((10#${i:-0} * 100 + 10#${f:0:2}) / 2))
}

# wait_gone PID TIMEOUT_S: poll until PID is dead; fails if still alive.
wait_gone() {
	local pid=$1 n
	_ticks "$2"
	n=$TICKS
	while ((n-- > 0)); do
		pid_alive "$pid" || return 0
		sleep 0.02
	done
	! pid_alive "$pid"
}

# wait_removed PATH TIMEOUT_S: poll until PATH is gone (a job's cgroup,
# which ctxd removes in batches).
wait_removed() {
	local n
	_ticks "$2"
	n=$TICKS
	while ((n-- > 0)); do
		[ -e "$1" ] || return 0
		sleep 0.02
	done
	[ ! -e "$1" ]
}

# wait_file FILE TIMEOUT_S: poll until FILE exists and is not empty.
wait_file() {
	local n
	_ticks "$2"
	n=$TICKS
	while ((n-- > 0)); do
		[[ -s $1 ]] && return 0
		sleep 0.02
	done
	[[ -s $1 ]]
}

# wait_grep FILE STRING TIMEOUT_S: poll until FILE contains STRING.
wait_grep() {
	local n
	_ticks "$3"
	n=$TICKS
	while ((n-- > 0)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	grep -qF -- "$2" "$1" 2>/dev/null
}

# wait_status_text CTX TEXT: poll `ctxctl status CTX` until it shows TEXT.
wait_status_text() {
	local i
	for ((i = 0; i < 100; i++)); do
		ctxctl status "$1" 2>/dev/null | grep -qF -- "$2" && return 0
		sleep 0.02
	done
	fail "status of $1 never showed '$2': $(ctxctl status "$1" 2>&1)"
}

# status_field CTX KEY: the value of "KEY: ..." in `ctxctl status CTX`.
status_field() {
	local line
	while IFS= read -r line; do
		[[ $line == "$2: "* ]] && { printf '%s\n' "${line#"$2: "}"; return 0; }
	done < <(ctxctl status "$1")
	return 1
}

# wait_status PID TIMEOUT_S: wait for a background child of this shell; sets
# BG_STATUS.  If it is still running after TIMEOUT_S it is SIGKILLed and the
# helper fails.
wait_status() {
	BG_STATUS=
	if ! wait_gone "$1" "$2"; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		echo "pid $1 still running after $2 s" >&2
		return 1
	fi
	wait "$1" && BG_STATUS=0 || BG_STATUS=$?
	return 0
}

# read_pid FILE: the pid written in FILE (waits up to 3 s for it).
read_pid() {
	wait_file "$1" 3 || { echo "no pid in $1" >&2; return 1; }
	head -n1 "$1"
}

# assert_dead PIDFILE...: every pid named in the files is dead.
assert_dead() {
	local f pid
	for f in "$@"; do
		[[ -s $f ]] || fail "pid file $f is missing or empty"
		while read -r pid; do
			[[ -n $pid ]] || continue
			if pid_alive "$pid"; then
				fail "pid $pid (from $f) is still alive: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
			fi
		done <"$f"
	done
}

# --- time -------------------------------------------------------------------

now_ms() {
	local t
	t=$(date +%s%N)
	echo $((t / 1000000))
}

timer_start() {
	TIMER0=$(now_ms)
}

elapsed_ms() {
	echo $(($(now_ms) - TIMER0))
}

# assert_elapsed_lt MS / assert_elapsed_ge MS: time since timer_start.
assert_elapsed_lt() {
	local e
	e=$(elapsed_ms)
	((e < $1)) || fail "took ${e} ms, expected less than $1 ms"
}

assert_elapsed_ge() {
	local e
	e=$(elapsed_ms)
	((e >= $1)) || fail "took ${e} ms, expected at least $1 ms"
}

# rfc3339_at OFFSET_MS: the UTC time now+OFFSET_MS as ctxrun prints it.
rfc3339_at() {
	local ms=$(($(now_ms) + $1))
	date -u -d "@$((ms / 1000)).$(printf '%03d' $((ms % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ
}

# epoch_ms RFC3339: milliseconds since the epoch.
epoch_ms() {
	local ns
	ns=$(date -u -d "$1" +%s%N) || return 1
	echo $((ns / 1000000))
}

# --- stderr -----------------------------------------------------------------

assert_stderr_contains() {
	[[ $stderr == *"$1"* ]] || fail "stderr does not contain '$1'; stderr was:
$stderr"
}

refute_stderr_contains() {
	[[ $stderr != *"$1"* ]] || fail "stderr contains '$1'; stderr was:
$stderr"
}

# --- containment modes --------------------------------------------------------

# use_mode cgroup|subreaper: default containment, or CTX_CGROUP=0.
use_mode() {
	case $1 in
	cgroup) unset CTX_CGROUP ;;
	subreaper) export CTX_CGROUP=0 ;;
	*) fail "unknown mode $1" ;;
	esac
}

# --- cgroups ----------------------------------------------------------------

# cgroup2_mount: the cgroup v2 mount point, from /proc/self/mountinfo.
cgroup2_mount() {
	local line pre post
	local -a a b
	while read -r line; do
		pre=${line%% - *}
		post=${line#* - }
		read -r -a a <<<"$pre"
		read -r -a b <<<"$post"
		if [[ ${b[0]} == cgroup2 ]]; then
			printf '%s\n' "${a[4]}"
			return 0
		fi
	done </proc/self/mountinfo
	return 1
}

# cgroup2_self: this process's cgroup v2 directory.
cgroup2_self() {
	local m p
	m=$(cgroup2_mount) || return 1
	p=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[[ -n $p ]] || return 1
	p=${p%/}
	printf '%s%s\n' "$m" "$p"
}

# cgroup2_writable: ctxrun can make a cgroup for its job (same probe as it).
cgroup2_writable() {
	local d probe
	d=$(cgroup2_self) || return 1
	probe="$d/ctxtest-probe-$$-$RANDOM"
	mkdir "$probe" 2>/dev/null || return 1
	rmdir "$probe"
}

# pids_cgroup_parent: a directory in which a new cgroup gets pids.max.
pids_cgroup_parent() {
	local d line pre post path
	local -a a b
	# cgroup v2 first: our own cgroup if it can give the pids controller to
	# a child, else the nearest ancestor that already does (on a pure v2
	# system our own cgroup holds processes and cannot enable controllers).
	if d=$(cgroup2_self) && grep -qw pids "$d/cgroup.controllers" 2>/dev/null; then
		grep -qw pids "$d/cgroup.subtree_control" ||
			echo +pids >"$d/cgroup.subtree_control" 2>/dev/null
		local m
		m=$(cgroup2_mount)
		while :; do
			if grep -qw pids "$d/cgroup.subtree_control" 2>/dev/null; then
				printf '%s\n' "$d"
				return 0
			fi
			[[ $d == "$m" || $d != "$m"/* ]] && break
			d=${d%/*}
		done
	fi
	# Else the cgroup v1 pids hierarchy.
	while read -r line; do
		pre=${line%% - *}
		post=${line#* - }
		read -r -a a <<<"$pre"
		read -r -a b <<<"$post"
		[[ ${b[0]} == cgroup && ,${b[2]}, == *,pids,* ]] || continue
		path=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print $3 }' /proc/self/cgroup)
		path=${path%/}
		printf '%s%s\n' "${a[4]}" "$path"
		return 0
	done </proc/self/mountinfo
	return 1
}

# cgroup_procs DIR: the pids in DIR and in the cgroups below it.
cgroup_procs() {
	find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null
}

# cgroup_destroy DIR: SIGKILL every process left in DIR and below (by pid),
# remove DIR and what is below it.
cgroup_destroy() {
	local dir=$1 pid n=150 any
	[[ -d $dir ]] || return 0
	while ((n-- > 0)); do
		any=
		for pid in $(cgroup_procs "$dir"); do
			any=1
			kill -KILL "$pid" 2>/dev/null
		done
		[[ -z $any ]] && break
		sleep 0.02
	done
	find "$dir" -depth -type d -exec rmdir {} + || {
		echo "cannot remove cgroup $dir" >&2
		return 1
	}
}

# with_pids_cgroup MAX CMD...: run CMD in a fresh cgroup with pids.max=MAX.
# Afterwards the number of processes still in it is written to
# $BATS_TEST_TMPDIR/cgroup.leftover, and they are killed by pid.
with_pids_cgroup() {
	local max=$1 parent dir rc=0
	shift
	parent=$(pids_cgroup_parent) || {
		echo "with_pids_cgroup: no pids cgroup controller found" >&2
		return 125
	}
	dir="$parent/ctxtest-$$-$RANDOM$RANDOM"
	mkdir "$dir" || return 125
	echo "$dir" >>"$BATS_TEST_TMPDIR/.cgroups"
	echo "$max" >"$dir/pids.max" || return 125
	sh -c 'echo $$ >"$1/cgroup.procs" || exit 125; shift; exec "$@"' \
		sh "$dir" "$@" || rc=$?
	cgroup_procs "$dir" | grep -c . >"$BATS_TEST_TMPDIR/cgroup.leftover"
	cgroup_destroy "$dir"
	return $rc
}

# --- what this user may do here ---------------------------------------------

# A few tests need what only root or a writable cgroup gives: another uid, a
# pids cgroup to bound a fork storm, a job cgroup that ctxd can reach.  As
# any other user (no systemd delegation, many CI containers) they skip and
# say what is missing, and only then: as root with cgroup v2 writable every
# one of them runs.  A capability is probed once per bats run; the answer is
# kept in $BATS_RUN_TMPDIR.

# _can NAME CMD...: whether CMD succeeds, probed once per run under NAME.
_can() {
	local f=$BATS_RUN_TMPDIR/.can-$1 v
	if [[ ! -f $f ]]; then
		shift
		if "$@" >/dev/null 2>&1; then v=1; else v=0; fi
		echo "$v" >"$f.$$" && mv -f "$f.$$" "$f"
	fi
	read -r v <"$f"
	[[ $v == 1 ]]
}

# need_root WHAT: skip unless root; WHAT says what for ("to change uid").
need_root() {
	((EUID == 0)) || skip "needs root $1 (uid $EUID here)"
}

# need_cgroup [WHY]: skip unless ctxrun can make a cgroup v2 for its job.
need_cgroup() {
	_can cgroup cgroup2_writable ||
		skip "no writable cgroup v2 here (uid $EUID)${1:+: $1}"
}

# _pids_cgroup_usable: a cgroup with pids.max can be made, and a process
# moved into it (what with_pids_cgroup does).
_pids_cgroup_usable() {
	local parent dir rc=0 n=50
	parent=$(pids_cgroup_parent) || return 1
	dir="$parent/ctxtest-probe-$$-$RANDOM$RANDOM"
	mkdir "$dir" || return 1
	echo 2 >"$dir/pids.max" &&
		sh -c 'echo $$ >"$1/cgroup.procs"' sh "$dir" || rc=1
	until rmdir "$dir" 2>/dev/null; do
		((n-- > 0)) || return 1
		sleep 0.02
	done
	return $rc
}

# need_pids_cgroup: skip unless with_pids_cgroup can bound a test's
# processes.  A fork storm runs only under that bound, never without it.
need_pids_cgroup() {
	_can pids-cgroup _pids_cgroup_usable ||
		skip "no pids cgroup this user can make (uid $EUID): a fork storm runs only under pids.max"
}

# give_away PATH: PATH now belongs to another uid (65534, or 65533 for
# 65534 itself); skip where that takes a privilege this user lacks.
give_away() {
	local other=65534
	((EUID == other)) && other=65533
	chown "$other" "$1" 2>/dev/null ||
		skip "cannot give a file to another uid (needs root or CAP_CHOWN; uid $EUID here)"
}

# ini FILE: write stdin to FILE.
ini() {
	cat >"$1"
}

# check_err PROG STATUS [TEXT]: the last `run --separate-stderr` failed with
# STATUS, with exactly one line "PROG: ..." on stderr (containing TEXT if
# given) and nothing on stdout.
check_err() {
	assert_failure "$2"
	[ "${#stderr_lines[@]}" -eq 1 ] ||
		fail "expected exactly one line on stderr, got ${#stderr_lines[@]}: $stderr"
	[[ ${stderr_lines[0]} == "$1: "* ]] ||
		fail "stderr line does not start with '$1: ': $stderr"
	[ -z "$output" ] || fail "stdout not empty: $output"
	if [[ -n ${3:-} ]]; then
		[[ $stderr == *"$3"* ]] || fail "stderr does not contain '$3': $stderr"
	fi
}
