#!/usr/bin/env bats
# ctxctl ls / tree (SPEC §4, §15): a header, aligned columns, commands
# quoted for a shell and cut to the terminal's width (whole with -l and
# --json), and an empty tree that says so.

load helpers

# columns_aligned: every line of $output has its NAME, STATE, PID, LEFT and
# COMMAND cells where the header has those words (the cells hold no spaces
# but the command's).
columns_aligned() {
	local head=${lines[0]} line word off i
	for word in NAME STATE PID LEFT COMMAND; do
		off=${head%%"$word"*}
		off=${#off}
		for ((i = 1; i < ${#lines[@]}; i++)); do
			line=${lines[i]}
			[[ ${line:off-2:2} == "  " && ${line:off:1} != " " ]] ||
				fail "line $i: $word is not at column $off: '$line'"
		done
	done
}

@test "ls: a header, then aligned columns whatever the widths of the cells" {
	ctxctl new -n a >/dev/null
	ctxctl new -n a-much-longer-name -t 1h >/dev/null
	ctxctl new -n kid -p a >/dev/null
	LC_ALL=C run --separate-stderr ctxctl ls
	assert_success
	assert_line --index 0 --regexp '^ID +NAME +STATE +PID +LEFT +COMMAND$'
	[ "${#lines[@]}" -eq 4 ] || fail "not a header and 3 lines: $output"
	columns_aligned
	# no line ends in blanks
	refute_output --regexp ' '$'\n'
	refute_output --regexp ' $'
	LC_ALL=C.UTF-8 run --separate-stderr ctxctl tree
	assert_success
	columns_aligned
}

@test "ls: a job's command is quoted for a shell, in ls, status and --json" {
	ctxrun_bg out err -n job sh -c 'echo "$$" >pid; exec sleep 5' x "it's" ''
	wait_file pid 3 || fail "the job did not start: $(cat err)"
	want="sh -c 'echo \"\$\$\" >pid; exec sleep 5' x 'it'\\''s' ''"
	run --separate-stderr ctxctl ls
	[[ ${lines[1]} =~ ^[0-9]+\ +job\ +running\ +[0-9]+\ +-\ +(.*)$ ]] ||
		fail "ls: $output"
	[ "${BASH_REMATCH[1]}" = "$want" ] || fail "ls: $output"
	run --separate-stderr ctxctl status job
	assert_line "command: $want"
	run --separate-stderr ctxctl --json status job
	run "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["contexts"][0]["command"])' <<<"$output"
	assert_output "$want"
	# what ls shows, a shell runs as the job ran
	run sh -c "set -- $want; printf '%s|' \"\$@\""
	assert_output "sh|-c|echo \"\$\$\" >pid; exec sleep 5|x|it's||"
	ctxctl cancel -k 0 job
	wait_status "$CTX_BG_PID" 3
}

@test "ls: a long command is cut to \$COLUMNS with an ellipsis; whole with -l and --json" {
	long=$(printf 'word%d ' {1..60})
	ctxrun_bg out err -n job sh -c 'echo $$ >pid; exec sleep 5' "$long"
	wait_file pid 3 || fail "the job did not start: $(cat err)"
	COLUMNS=90 LC_ALL=C run --separate-stderr ctxctl ls
	assert_success
	for line in "${lines[@]}"; do
		[ "${#line}" -le 90 ] || fail "longer than 90: '$line'"
	done
	assert_line --index 1 --regexp "^[0-9]+ +job .*'word1 word2 .*\.\.\.$"
	[ "${#lines[1]}" -eq 90 ] || fail "not cut at 90: '${lines[1]}'"
	# UTF-8: one ellipsis character, 60 columns
	COLUMNS=60 LC_ALL=C.UTF-8 run --separate-stderr ctxctl ls
	assert_line --index 1 --regexp "…$"
	n=$(printf '%s' "${lines[1]}" | LC_ALL=C.UTF-8 wc -m)
	[ "$n" -eq 60 ] || fail "$n characters: '${lines[1]}'"
	# -l and --json: whole
	COLUMNS=60 run --separate-stderr ctxctl ls -l
	assert_line --index 1 --regexp " sh -c 'echo \\\$\\\$ >pid; exec sleep 5' '${long}'$"
	COLUMNS=60 run --separate-stderr ctxctl --json ls
	assert_output --partial "word60 '\""
	# not a terminal and no COLUMNS: nothing is cut
	run --separate-stderr env -u COLUMNS "$CTXCTL" ls
	assert_line --index 1 --regexp "word60 '$"
	# a narrow terminal still shows the start of the command
	COLUMNS=10 LC_ALL=C run --separate-stderr ctxctl ls
	assert_line --index 1 --regexp " sh -c\.\.\.$"
	ctxctl cancel -k 0 job
	wait_status "$CTX_BG_PID" 3
}

@test "ls: on a terminal, commands are cut to its width (TIOCGWINSZ)" {
	command -v script >/dev/null || skip "no script(1)"
	long=$(printf 'word%d ' {1..40})
	ctxrun_bg out err -n job sh -c 'echo $$ >pid; exec sleep 5' "$long"
	wait_file pid 3 || fail "the job did not start: $(cat err)"
	run script -qec "stty cols 50 rows 20; exec env -u COLUMNS LC_ALL=C \"\$CTXCTL\" ls" /dev/null </dev/null
	assert_success
	local line n=0
	for line in "${lines[@]}"; do
		line=${line%$'\r'}
		[ "${#line}" -le 50 ] || fail "longer than the terminal's 50: '$line'"
		[[ $line == *job*... ]] && n=$((n + 1))
	done
	[ "$n" -eq 1 ] || fail "the job's line is not cut: $output"
	ctxctl cancel -k 0 job
	wait_status "$CTX_BG_PID" 3
}

@test "ls: a daemon with no contexts says so on stderr, exit 0; --json: an empty list" {
	"$CTXD"
	[ -S "$(ctx_sock)" ] || fail "no daemon"
	run --separate-stderr ctxctl ls
	assert_success
	assert_output ''
	[ "$stderr" = "no contexts" ] || fail "stderr: $stderr"
	run --separate-stderr ctxctl tree
	assert_success
	[ "$stderr" = "no contexts" ] || fail "stderr: $stderr"
	run --separate-stderr ctxctl --json ls
	assert_success
	assert_output '{"contexts":[]}'
	[ -z "$stderr" ] || fail "stderr: $stderr"
}
