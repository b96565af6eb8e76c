#!/usr/bin/env bats
# make install (SPEC §11, §15): PREFIX and DESTDIR honoured, the
# completions and the systemd user units installed beside the programs and
# man pages, each file named as it goes; make uninstall takes them away.

load helpers

ROOT="$BATS_TEST_DIRNAME/../.."

# mk TARGET VAR=VALUE...: make in the source tree, on the binaries under test.
mk() {
	make --no-print-directory -s -C "$ROOT" O="$CTX_BIN" "$@"
}

@test "make install: DESTDIR and PREFIX, every file named, a line each" {
	d=$BATS_TEST_TMPDIR/dest
	run mk install DESTDIR="$d" PREFIX=/usr
	assert_success
	for f in bin/ctxctl bin/ctxd bin/ctxrun \
	    share/man/man1/ctxctl.1 share/man/man1/ctxrun.1 \
	    share/man/man8/ctxd.8 share/man/man5/ctxd.ini.5 \
	    share/bash-completion/completions/ctxctl \
	    share/bash-completion/completions/ctxrun \
	    share/zsh/site-functions/_ctxctl \
	    share/fish/vendor_completions.d/ctxctl.fish \
	    share/fish/vendor_completions.d/ctxrun.fish \
	    lib/systemd/user/ctxd.service lib/systemd/user/ctxd.socket; do
		assert_line "$d/usr/$f"
		[ -f "$d/usr/$f" ] || fail "$f listed, not installed"
	done
	# the timeout(1) drop-in: a link to the installed ctxrun
	assert_line "$d/usr/libexec/ctx/timeout"
	[ "$(readlink "$d/usr/libexec/ctx/timeout")" = /usr/bin/ctxrun ]
	# Nothing else said, nothing else installed.
	[ "$(find "$d" -type f -o -type l | wc -l)" -eq "${#lines[@]}" ]
	for f in "${lines[@]}"; do
		[ -f "$f" ] || [ -L "$f" ] || fail "listed, not a file: $f"
	done
	[ -x "$d/usr/bin/ctxd" ]
	run grep '^ExecStart=' "$d/usr/lib/systemd/user/ctxd.service"
	assert_output 'ExecStart=/usr/bin/ctxd -f'
	grep -q '^ListenStream=%t/ctx/ctxd.sock$' "$d/usr/lib/systemd/user/ctxd.socket"
	run mk uninstall DESTDIR="$d" PREFIX=/usr
	assert_success
	run find "$d" -type f
	assert_output ''
}

@test "make install: the units systemd would load, for the installed ctxd" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	p=$BATS_TEST_TMPDIR/prefix
	mk install PREFIX="$p" >/dev/null
	run systemd-analyze verify --man=no "$p/lib/systemd/user/ctxd.socket" \
	    "$p/lib/systemd/user/ctxd.service"
	assert_success
	assert_output ''
	mk uninstall PREFIX="$p"
}
