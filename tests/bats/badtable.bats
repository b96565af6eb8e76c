#!/usr/bin/env bats
# Bad input as a table (SPEC §8, §4, §10): one row per bad input to ctxrun,
# ctxctl, ctxd, the values ini (-f) and ctxd.ini (CTXD_CONFIG, ctxd -c).
# Every row checks the same things: the exit status (125, or 1 where §4
# says a CTX matches nothing), exactly one line on stderr, "PROG: " and the
# text that names the problem, nothing on stdout, and that nothing was
# started: ctxrun's command would touch ./marker, no daemon appeared, the
# tree is what it was (so `ctxctl new` made no context), and a ctxd -S socket
# was not made. bats 1.8.2 cannot register tests from a loop, so each row is
# a one-line @test calling row().

load helpers

setup() {
	ctx_setup || return 1
	mkdir -m 0700 d dir.ini
	# values ini files (§7)
	printf 'A = 1\n; fine\nno equals sign here\n' >noeq.ini
	printf 'A = 1\nB = %0250d\n' 0 >long.ini
	# ctxd.ini files (§10)
	printf 'grace = 1s\nno_such_key = 1\n' >unknown.ini
	printf '[ctxd]\nhistory = 10000001\n' >history.ini
	printf '[ctxd]\nlog_level = loud\n' >level.ini
	printf '[ctxd]\nlog_file = relative.log\n' >logfile.ini
	printf 'grace = 1s\n[other]\nidle_exit = 1s\n' >section.ini
}

# snapshot: sets SNAP to the tree as `ctxctl ls` shows it, with none of a
# row's environment; empty while there is no socket (ls would start no
# daemon and print nothing: the fork is saved).
snapshot() {
	SNAP=
	[[ -S $XDG_RUNTIME_DIR/ctx/ctxd.sock ]] || return 0
	SNAP=$(env -u CTXD_CONFIG -u CTX_ID "$CTXCTL" ls 2>&1) ||
		fail "ctxctl ls failed: $SNAP"
}

# with_tree [ended]: a daemon with a context p (and one that has ended).
with_tree() {
	ctxctl new -n p >/dev/null
	if [[ ${1:-} == ended ]]; then
		ctxctl new -n ended >/dev/null
		ctxctl cancel ended
	fi
}

# future: sets FUTURE to a CTX_DEADLINE an hour ahead, for a parent context
# as a job inherits it (CTX_ID of a job that no daemon knows).
future() {
	FUTURE=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%S.000Z)
}

# row STATUS TEXT -- PROG ARG...: run PROG (ctxrun, ctxctl or ctxd) with
# the ARGs; it must exit STATUS with one line "PROG: ...TEXT..." on stderr,
# print nothing and start nothing.
row() {
	local want=$1 text=$2 prog before n=0
	shift 2
	[[ ${1:-} == -- ]] || fail "row: '--' expected after TEXT"
	shift
	prog=$1
	shift
	snapshot
	before=$SNAP
	# the only daemon a row may find is the one with_tree started
	if [[ -n $before ]]; then
		tagged_ctxd
		n=${#CTXD_PIDS[@]}
	fi
	case $prog in
	ctxrun) run --separate-stderr ctxrun "$@" ;;
	ctxctl) run --separate-stderr "$CTXCTL" "$@" ;;
	# in the foreground, so that a daemon started by mistake does not
	# hang the suite
	ctxd) run --separate-stderr timeout 5 "$CTXD" "$@" ;;
	*) fail "row: unknown program '$prog'" ;;
	esac
	check_err "$prog" "$want" "$text"
	[ ! -e marker ] || fail "the command ran (marker exists)"
	[ ! -e d/sock ] || fail "a socket was made: d/sock"
	tagged_ctxd
	[ "${#CTXD_PIDS[@]}" -eq "$n" ] ||
		fail "a daemon was started: ${CTXD_PIDS[*]} (before: $n)"
	snapshot
	[ "$SNAP" = "$before" ] || fail "the tree changed; before:
$before
after:
$SNAP"
}

# --- ctxrun: options --------------------------------------------------------------

@test "ctxrun -Z: unknown short option" {
	row 125 "'-Z'" -- ctxrun -Z touch marker
}

@test "ctxrun -t 1s: missing command" {
	row 125 "missing command" -- ctxrun -t 1s
}

@test "ctxrun -D 2026-02-30T00:00:00Z: a day that does not exist" {
	row 125 "'2026-02-30T00:00:00Z'" -- ctxrun -D 2026-02-30T00:00:00Z touch marker
}

@test "ctxrun -D 2027-02-29T00:00:00Z: says there is no such day" {
	row 125 "'2027-02-29T00:00:00Z': no such day: February 2027 has 28 days" -- ctxrun -D 2027-02-29T00:00:00Z touch marker
}

@test "ctxrun -D 9999-12-31T23:59:59Z: says it is out of range" {
	row 125 "'9999-12-31T23:59:59Z': out of range: a time from 1970 to 2262-04-11 only" -- ctxrun -D 9999-12-31T23:59:59Z touch marker
}

@test "ctxrun -t 5sec: names the unknown unit and the units" {
	row 125 "'5sec': unknown unit 'sec' (ns us ms s m h d)" -- ctxrun -t 5sec touch marker
}

@test "ctxrun -k -2s: negative grace" {
	row 125 "negative" -- ctxrun -k -2s touch marker
}

@test "ctxrun --ssh: no host" {
	row 125 "'--ssh'" -- ctxrun --ssh
}

@test "ctxrun --ssh '': an empty host" {
	row 125 "not a host" -- ctxrun --ssh '' touch marker
}

@test "ctxrun --ssh -oProxyCommand=x: a host that ssh would take for an option" {
	row 125 "not a host" -- ctxrun --ssh -oProxyCommand=x touch marker
}

@test "ctxrun --forward KILL: a signal that cannot be caught" {
	row 125 "--forward: SIGKILL cannot be caught" -- ctxrun --forward KILL touch marker
}

@test "ctxrun --forward sigstop: a signal that cannot be caught" {
	row 125 "--forward: SIGSTOP cannot be caught" -- ctxrun --forward sigstop touch marker
}

@test "ctxrun --forward CHLD: ctxrun's own signal" {
	row 125 "--forward: ctxrun keeps SIGCHLD" -- ctxrun --forward CHLD touch marker
}

@test "ctxrun --forward RTMIN+8: ctxrun's own signal, the one to rejoin ctxd" {
	row 125 "--forward: ctxrun keeps SIGRTMIN+8 ($(($(kill -l RTMIN) + 8)))" -- \
		ctxrun --forward "$(($(kill -l RTMIN) + 8))" touch marker
}

@test "ctxrun --forward NOSUCH: unknown signal" {
	row 125 "--forward: unknown signal 'NOSUCH'" -- ctxrun --forward NOSUCH touch marker
}

# --- ctxrun: values -----------------------------------------------------------------

@test "ctxrun -e CTX_MINE=1: a CTX_ key" {
	row 125 "CTX_MINE" -- ctxrun -e CTX_MINE=1 touch marker
}

@test "ctxrun -f noeq.ini: malformed values file, file:line" {
	row 125 "noeq.ini:3" -- ctxrun -f noeq.ini touch marker
}

# --- ctxrun: parent, environment, ctxd.ini ---------------------------------------

@test "ctxrun -p nosuch: unknown parent context" {
	with_tree
	row 125 "'nosuch'" -- ctxrun -p nosuch touch marker
}

@test "ctxrun with CTX_SIGNAL=FOO: malformed parent signal" {
	future
	CTX_ID=x00000000000000a1 CTX_DEADLINE=$FUTURE CTX_SIGNAL=FOO \
		row 125 "CTX_SIGNAL" -- ctxrun touch marker
}

@test "ctxrun with CTXD_CONFIG: unknown key in ctxd.ini, file:line" {
	CTXD_CONFIG=$PWD/unknown.ini row 125 "unknown.ini:2" -- ctxrun touch marker
}

@test "ctxrun with CTXD_CONFIG naming a missing file" {
	CTXD_CONFIG=$PWD/missing.ini row 125 "missing.ini" -- ctxrun touch marker
}

# --- ctxctl: usage --------------------------------------------------------------------

@test "ctxctl: missing command" {
	row 125 "missing command" -- ctxctl
}

@test "ctxctl frobnicate: unknown command" {
	row 125 "'frobnicate'" -- ctxctl frobnicate
}

@test "ctxctl --bogus ls: unknown global option" {
	row 125 "'--bogus'" -- ctxctl --bogus ls
}

@test "ctxctl new -y: unknown option of a command is named" {
	row 125 "'-y'" -- ctxctl new -y
}

@test "ctxctl new extra: extra argument is named" {
	row 125 "'extra'" -- ctxctl new extra
}

@test "ctxctl daemon frob: unknown daemon command is named" {
	row 125 "'frob'" -- ctxctl daemon frob
}

# --- ctxctl new: bad input ----------------------------------------------------------

@test "ctxctl new --timeout=1d2: bad duration" {
	row 125 "'1d2'" -- ctxctl new --timeout=1d2
}

@test "ctxctl new -s 0: unknown signal" {
	row 125 "'0'" -- ctxctl new -s 0
}

@test "ctxctl new -f long.ini: values file line too long, file:line" {
	row 125 "long.ini:2" -- ctxctl new -f long.ini
}

@test "ctxctl new -f dir.ini: unreadable values file" {
	row 125 "dir.ini" -- ctxctl new -f dir.ini
}

# --- ctxctl: contexts ---------------------------------------------------------------

@test "ctxctl new with CTX_ID=12345: unknown default parent" {
	with_tree
	CTX_ID=12345 row 125 "'12345'" -- ctxctl new
}

@test "ctxctl new -p ended: parent has ended" {
	with_tree ended
	row 125 "has ended" -- ctxctl new -p ended
}

@test "ctxctl cancel nosuch: a CTX matching nothing exits 1" {
	with_tree
	row 1 "no context 'nosuch'" -- ctxctl cancel nosuch
}

# --- ctxctl: ctxd.ini -------------------------------------------------------------

@test "ctxctl new with CTXD_CONFIG: bad log_level, file:line" {
	CTXD_CONFIG=$PWD/level.ini row 125 "level.ini:2" -- ctxctl new
}

@test "ctxctl ls with CTXD_CONFIG: key in an unknown section, file:line" {
	CTXD_CONFIG=$PWD/section.ini row 125 "section.ini:3" -- ctxctl ls
}

# --- ctxd: usage --------------------------------------------------------------------

@test "ctxd -x: unknown option, one line" {
	row 125 "'-x'" -- ctxd -f -S "$PWD/d/sock" -x
}

@test "ctxd extra: extra argument is named" {
	row 125 "'extra'" -- ctxd -f -S "$PWD/d/sock" extra
}

@test "ctxd -R abc: bad readiness fd" {
	row 125 "abc" -- ctxd -f -S "$PWD/d/sock" -R abc
}

# --- ctxd: ctxd.ini -----------------------------------------------------------------

@test "ctxd -c unknown.ini: unknown key, file:line" {
	row 125 "unknown.ini:2" -- ctxd -f -S "$PWD/d/sock" -c unknown.ini
}

@test "ctxd -c history.ini: history out of range, file:line" {
	row 125 "history.ini:2" -- ctxd -f -S "$PWD/d/sock" -c history.ini
}

@test "ctxd -c logfile.ini: relative log_file, file:line" {
	row 125 "logfile.ini:2" -- ctxd -f -S "$PWD/d/sock" -c logfile.ini
}

@test "ctxd without -f: a bad ctxd.ini fails before detaching" {
	row 125 "unknown.ini:2" -- ctxd -S "$PWD/d/sock" -c unknown.ini
}
