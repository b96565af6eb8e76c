#!/usr/bin/env bats
# Shell completion (SPEC §15): config/completion/ctxctl.bash, tried the way
# bash calls it (COMP_WORDS, COMP_CWORD, the function, COMPREPLY); the zsh
# and fish files checked for syntax where those shells are installed.

load helpers

COMPLETION="$BATS_TEST_DIRNAME/../../config/completion"

setup() {
	ctx_setup
	# As installed: ctxctl on the PATH, the file sourced.
	PATH="$CTX_BIN:$PATH"
	source "$COMPLETION/ctxctl.bash"
}

# offers WORD...: what bash offers for the last word of the command line
# WORD..., one a line, sorted.
offers() {
	local fn
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	fn=_$1
	COMPREPLY=()
	"$fn"
	((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort
	return 0
}

# offered WORD: the last offers offered WORD (which may start with -).
offered() {
	grep -qxF -- "$1" <<<"$output" || fail "'$1' not offered: $output"
}

@test "completion: ctxctl's commands, global options, and daemon's" {
	run offers ctxctl ''
	assert_output "$(printf '%s\n' cancel daemon env events help left ls new status tree wait)"
	run offers ctxctl -S sock ca
	assert_output cancel
	run offers ctxctl --js
	offered --json
	run offers ctxctl daemon ''
	assert_output $'status\nstop'
	run offers ctxctl daemon stop ''
	assert_output ''
	run offers ctxctl help ''
	assert_output "$(printf '%s\n' cancel daemon env events help left ls new status tree wait)"
	run offers ctxctl left -s ''
	assert_output ''
	run offers ctxrun -u PAT
	assert_line PATH
}

# help_commands: the commands ctxctl help lists, a line each.
help_commands() {
	ctxctl help | awk '/^commands:/ { f = 1; next } f && /^$/ { exit }
	    f { print $1 }'
}

# help_options CMD: the options ctxctl help CMD lists, a word each ("-x",
# "--export"), but those every command takes (-h, --json, -S).
help_options() {
	ctxctl help "$1" | awk '/^options:/ { f = 1; next } f' |
		grep -oE -- '^  (-[a-zA-Z], --[a-z][a-z-]*|-[a-zA-Z]|--[a-z][a-z-]*)' |
		tr -d ' ' | tr ',' '\n' |
		grep -vxE -- '-h|--help|--json|-S|--socket'
}

@test "completion: every command and option that ctxctl help lists is offered" {
	local cmd opt n=0 m=0
	for cmd in $(help_commands); do
		n=$((n + 1))
		run offers ctxctl "$cmd"
		assert_line "$cmd"
		run offers ctxctl help ''
		assert_line "$cmd"
		for opt in $(help_options "$cmd"); do
			m=$((m + 1))
			run offers ctxctl "$cmd" "$opt"
			offered "$opt"
		done
	done
	[ "$n" -ge 10 ] || fail "only $n commands in ctxctl help"
	[ "$m" -ge 25 ] || fail "only $m options in ctxctl help CMD"
	# the parser sees them: a few known ones, both forms
	help_options new | grep -qx -- --without-cancel || fail "no --without-cancel"
	help_options ls | grep -qx -- -l || fail "no ls -l"
	help_options left | grep -qx -- --seconds || fail "no left --seconds"
}

@test "completion: every option that ctxrun -h lists is offered" {
	local help opt n=0
	help=$("$CTXRUN" -h)
	for opt in $(grep -oE -- '--[a-z][a-z-]*[a-z]' <<<"$help") \
	    $(grep -oE -- '\[-[a-zA-Z]+\]' <<<"$help" | tr -d '[]-' | grep -o .) \
	    $(grep -oE -- '\[-[a-zA-Z] ' <<<"$help" | tr -d '[ -') \
	    $(grep -oE -- '^  -[a-zA-Z],' <<<"$help" | tr -d ' ,-'); do
		[[ $opt == --* ]] || opt=-$opt
		n=$((n + 1))
		run offers ctxrun "$opt"
		offered "$opt"
	done
	[ "$n" -ge 15 ] || fail "only $n options in ctxrun -h"
	grep -q -- '--on-deadline' <<<"$help" || fail "ctxrun -h: no --on-deadline"
}

@test "completion: the ids and names of live contexts, from a running daemon" {
	a=$(ctxctl new -n alpha)
	b=$(ctxctl new -n 'two words')
	c=$(ctxctl new -p alpha)
	run offers ctxctl cancel ''
	assert_output "$(printf '%s\n' "$a" "$b" "$c" alpha 'two\ words' | sort)"
	run offers ctxctl status al
	assert_output alpha
	run offers ctxctl wait -t 1s tw
	assert_output 'two\ words'
	run offers ctxctl ls -w "$a"
	assert_output "$a"
	run offers ctxctl new -n x -p ''
	assert_line alpha
	run offers ctxrun -t 5s -p al
	assert_output alpha
	# -S: the contexts of that daemon.
	mkdir -m 0700 other
	ctxctl -S "$PWD/other/s" new -n elsewhere >/dev/null
	track_socket "$PWD/other/s"
	run offers ctxctl -S "$PWD/other/s" cancel ''
	assert_line elsewhere
	refute_line alpha
}

@test "completion: no daemon, no contexts, and none started" {
	run offers ctxctl cancel ''
	assert_output ''
	run ctxctl daemon status
	assert_output 'no daemon'
	# Not even for a tree a daemon left saved, as plain ls would.
	ctxctl new -n saved >/dev/null
	ctxctl daemon stop
	run offers ctxctl status s
	assert_output ''
	run ctxctl daemon status
	assert_output 'no daemon'
}

@test "completion: ctxrun's options, signals, then the command" {
	run offers ctxrun --ti
	offered --timeout
	run offers ctxrun --pr
	offered --preserve-status
	run offers ctxrun -s TE
	assert_output TERM
	run offers ctxrun -s SIGKI
	assert_output SIGKILL
	run offers ctxctl cancel -s HU
	assert_output HUP
	run offers ctxrun -t 5s -n job slee
	assert_line sleep
	# Past the command, its own arguments: files at least.
	touch afile
	run offers ctxrun -t 5s ls af
	assert_line afile
	run offers ctxrun -f af
	assert_line afile
}

@test "completion: the zsh and fish files parse" {
	[ -f "$COMPLETION/_ctxctl" ]
	[ -f "$COMPLETION/ctxctl.fish" ]
	[ -f "$COMPLETION/ctxrun.fish" ]
	if command -v zsh >/dev/null; then
		zsh -n "$COMPLETION/_ctxctl"
	fi
	if command -v fish >/dev/null; then
		fish -n "$COMPLETION/ctxctl.fish"
		fish -n "$COMPLETION/ctxrun.fish"
	fi
	command -v zsh >/dev/null || command -v fish >/dev/null ||
	    skip "neither zsh nor fish here: files checked for presence only"
}

# fish_offers LINE: what fish offers at the end of LINE, the words only.
fish_offers() {
	fish -c "source '$COMPLETION/ctxctl.fish'; source '$COMPLETION/ctxrun.fish'
	    complete -C '$1'" | cut -f1 | sort
}

@test "completion, fish: commands, options, live contexts, ctxrun's command" {
	command -v fish >/dev/null || skip "no fish here"
	a=$(ctxctl new -n 'al pha')
	run fish_offers 'ctxctl ca'
	assert_output cancel
	run fish_offers 'ctxctl status '
	assert_output "$(printf '%s\n' "$a" 'al pha' | sort)"
	run fish_offers 'ctxrun -p al'
	assert_output 'al pha'
	run fish_offers 'ctxctl ls -'
	assert_line -q
	assert_line -w
	assert_line -l
	assert_line --long
	run fish_offers 'ctxctl le'
	assert_output left
	run fish_offers 'ctxctl help '
	assert_line events
	assert_line left
	run fish_offers 'ctxctl new --with'
	assert_output --without-cancel
	run fish_offers 'ctxctl left -'
	assert_line -s
	assert_line --seconds
	run fish_offers 'ctxrun --on-'
	assert_output --on-deadline
	run fish_offers 'ctxrun -u PAT'
	assert_line PATH
	run fish_offers 'ctxrun --preserve-st'
	assert_output --preserve-status
	run fish_offers 'ctxrun -t 5s slee'
	assert_line sleep
	ctxctl daemon stop
	run fish_offers 'ctxctl status '
	assert_output ''
	run ctxctl daemon status
	assert_output 'no daemon'
}

# zsh_offers LINE PATTERN: types LINE and TAB into an interactive zsh with
# the completion on its fpath, and waits until what it shows matches
# PATTERN (a zsh pattern).
zsh_offers() {
	timeout 10 zsh -f -c '
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1=; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w -n z "$2"$'"'\t\t'"'
zpty -r -m z out "$3"
zpty -d z' zsh "$COMPLETION" "$1" "$2"
}

@test "completion, zsh: commands, options, live contexts" {
	command -v zsh >/dev/null || skip "no zsh here"
	ctxctl new -n 'al pha' >/dev/null
	zsh_offers 'ctxctl ' '*events*--*JSON line*'
	zsh_offers 'ctxctl cancel ' '*al\\ pha*'
	zsh_offers 'ctxrun -p al' '*ctxrun -p al\\ pha*'
	zsh_offers 'ctxctl ls -' '*-w*--*as the tree changes*'
	zsh_offers 'ctxrun --preserve-st' '*ctxrun --preserve-status*'
	zsh_offers 'ctxctl help ' '*left*'
	zsh_offers 'ctxctl new --with' '*ctxctl new --without-cancel*'
	zsh_offers 'ctxctl left -' '*--seconds*'
	zsh_offers 'ctxrun --on-d' '*ctxrun --on-deadline*'
}
