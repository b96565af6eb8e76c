#!/usr/bin/env bats
# Names and bytes (SPEC §15): names with control characters are refused
# where they are made (ctxrun -n, ctxctl new -n, and ctxd itself); --json
# is valid JSON whatever bytes a name, value or command holds; text output
# shows control characters escaped, so that a context is one line.

load helpers

no_daemon_started() {
	tagged_ctxd
	[ "${#CTXD_PIDS[@]}" -eq 0 ] || fail "a daemon runs: ${CTXD_PIDS[*]}"
}

# new_raw SOCKET NAME: a MSG_NEW naming the context NAME (Python's escapes,
# \n, \x1b, taken as bytes), sent as any client of the protocol could;
# prints the reply's type and its error, if any.
new_raw() {
	"$PYTHON" -I -S - "$@" <<'EOF'
import socket, struct, sys
path = sys.argv[1]
name = sys.argv[2].encode().decode('unicode_escape').encode('latin-1')
body = b'name=' + name + b'\0'
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
s.sendall(struct.pack('<HHI', 1, 100, len(body)) + body)
s.settimeout(2)
def read(n):
    b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit('dropped')
        b += c
    return b
_, t, n = struct.unpack('<HHI', read(8))
fields = dict(f.split(b'=', 1) for f in read(n).split(b'\0') if f)
print(t, fields.get(b'error', b'').decode())
EOF
}

@test "names: ctxrun -n with a control character: 125, one line, nothing run" {
	for name in $'two\nlines' $'esc\e[31m' $'tab\there' $'del\x7f' $'\x01'; do
		run --separate-stderr ctxrun -n "$name" touch marker
		check_err ctxrun 125 "--name: a name may not hold control characters"
		[ ! -e marker ] || fail "the command ran for '$name'"
	done
	run --separate-stderr ctxrun -n $'a\nb' touch marker
	assert_stderr_contains "(0x0a at byte 2)"
	no_daemon_started
}

@test "names: ctxctl new -n with a control character: 125, nothing made" {
	run --separate-stderr ctxctl new -n $'two\nlines'
	check_err ctxctl 125 "--name: a name may not hold control characters (0x0a at byte 4)"
	run --separate-stderr ctxctl new --name=$'\e]0;title\a'
	check_err ctxctl 125 "control characters (0x1b at byte 1)"
	no_daemon_started
	# what is not a control character is a name: UTF-8, spaces, quotes
	id=$(ctxctl new -n "café 'x' \"y\" \\z")
	run ctxctl status "$id"
	assert_line "name: café 'x' \"y\" \\z"
}

@test "names: ctxd refuses a name with a control character from any client" {
	ctxctl new -n keep >/dev/null
	run new_raw "$(ctx_sock)" 'two\nlines'
	assert_success
	assert_output "201 bad name: a name may not hold control characters (0x0a at byte 4)"
	run new_raw "$(ctx_sock)" 'esc\x1b'
	assert_output --partial "201 bad name: "
	run new_raw "$(ctx_sock)" 'del\x7f'
	assert_output --partial "201 bad name: "
	# the control case: a name without one is made
	run new_raw "$(ctx_sock)" 'fine name'
	assert_output "202 "
	run --separate-stderr ctxctl --json ls
	run "$PYTHON" -c 'import json,sys; print(sorted(c.get("name") for c in json.load(sys.stdin)["contexts"]))' <<<"$output"
	assert_output "['fine name', 'keep']"
}

@test "--json: valid JSON and UTF-8 whatever bytes values and commands hold" {
	id=$(ctxctl new -n bytes -e "BAD=$(printf 'a\xffb\xc3')" \
		-e "CTL=$(printf 'two\nlines\x1b[31m\x7f')" -e "OK=café")
	CTX_ID=$id ctxrun_bg out err -n job sh -c 'echo $$ >pid; exec sleep 5' \
		"$(printf '\xfe\x01')"
	wait_file pid 3 || fail "the job did not start: $(cat err)"
	for what in "ls" "status bytes job"; do
		ctxctl --json $what >doc.json
		# strict: a raw control character or bytes not UTF-8 fail here
		"$PYTHON" -c '
import json
raw = open("doc.json", "rb").read()
raw.decode("utf-8")
assert all(b >= 0x20 and b != 0x7f for b in raw.rstrip(b"\n")), "a raw control byte"
json.loads(raw, strict=True)
' || fail "ctxctl --json $what: $(cat -v doc.json)"
	done
	run "$PYTHON" -c '
import json
d = json.load(open("doc.json"))
c = {n["name"]: n for n in d["contexts"]}
v = c["bytes"]["values"]
print(ascii(v["BAD"]), ascii(v["CTL"]), ascii(v["OK"]))
print(ascii(c["job"]["command"]))
'
	assert_line --index 0 "'a\\ufffdb\\ufffd' 'two\\nlines\\x1b[31m\\x7f' 'caf\\xe9'"
	assert_line --index 1 "\"sh -c 'echo \$\$ >pid; exec sleep 5' '\\ufffd\\x01'\""
	ctxctl cancel -k 0 job
	wait_status "$CTX_BG_PID" 3
}

@test "status and ls: newlines and escapes in values and commands are shown escaped" {
	id=$(ctxctl new -n v -e "$(printf 'MSG=two\nlines\t\x1b[2J')")
	CTX_ID=$id ctxrun_bg out err -n job sh -c 'echo $$ >pid; exec sleep 5' \
		"$(printf 'a\nb\x1b')"
	wait_file pid 3 || fail "the job did not start: $(cat err)"
	run --separate-stderr ctxctl status v
	assert_success
	assert_line 'value: MSG=two\nlines\t\x1b[2J'
	run --separate-stderr ctxctl status job
	assert_line "command: sh -c 'echo \$\$ >pid; exec sleep 5' 'a\\nb\\x1b'"
	run --separate-stderr ctxctl ls
	[ "${#lines[@]}" -eq 3 ] || fail "not a header and two lines: $output"
	assert_line --index 2 --regexp " 'a\\\\nb\\\\x1b'\$"
	# no raw control character reaches the terminal
	ctxctl status v job >shown
	ctxctl ls >>shown
	! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' shown || fail "raw: $(cat -v shown)"
	# env gives the value whole, for eval
	eval "$(ctxctl env v)"
	[ "$MSG" = "$(printf 'two\nlines\t\x1b[2J')" ] || fail "env: $(ctxctl env v | cat -v)"
	ctxctl cancel -k 0 job
	wait_status "$CTX_BG_PID" 3
}

@test "status and ls: where the locale is not UTF-8, bytes above 0x7f are shown escaped" {
	# an 8-bit terminal takes 0x9b for CSI: UTF-8 for U+00DB ends in it
	ctxctl new -n "caf$(printf '\xc3\xa9')" -e "K=$(printf '\xc3\x9b[2J')" >/dev/null
	LC_ALL=C run --separate-stderr ctxctl status "caf$(printf '\xc3\xa9')"
	assert_success
	assert_line 'name: caf\xc3\xa9'
	assert_line 'value: K=\xc3\x9b[2J'
	LC_ALL=C.UTF-8 run --separate-stderr ctxctl status "caf$(printf '\xc3\xa9')"
	assert_line "name: caf$(printf '\xc3\xa9')"
}

@test "--json status nosuch: the error in the document, on stderr, exit 1" {
	# no daemon
	run --separate-stderr ctxctl --json status nosuch
	assert_failure 1
	assert_output '{"contexts":[],"error":"no context '\''nosuch'\''"}'
	[ "$stderr" = "ctxctl: no context 'nosuch'" ] || fail "stderr: $stderr"
	# a daemon that does not know it
	ctxctl new -n other >/dev/null
	run --separate-stderr ctxctl --json status nosuch
	assert_failure 1
	assert_output '{"contexts":[],"error":"no context '\''nosuch'\''"}'
	"$PYTHON" -m json.tool <<<"$output" >/dev/null
	[ "$stderr" = "ctxctl: no context 'nosuch'" ] || fail "stderr: $stderr"
	run --separate-stderr ctxctl ls --json nosuch
	assert_failure 1
	assert_output '{"contexts":[],"error":"no context '\''nosuch'\''"}'
	# without --json: stdout stays empty
	run --separate-stderr ctxctl status nosuch
	check_err ctxctl 1 "no context 'nosuch'"
}
