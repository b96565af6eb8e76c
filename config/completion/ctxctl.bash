# bash completion for ctxctl and ctxrun (ctx): subcommands, options, and
# the ids and names of the contexts the daemon has.
#
# Installed as bash-completion/completions/ctxctl and .../ctxrun (the same
# file); or source it from ~/.bashrc. The contexts come from
# `ctxctl ls -q`, which never starts a daemon: with none running, there
# are none to offer.

# The words of ctxctl ls -q for the socket of -S SOCKET, if given:
# each context's id, and its name if it has one.
_ctx_contexts()
{
	local id name
	local -a sock=()
	[[ -n ${_ctx_socket-} ]] && sock=(-S "$_ctx_socket")
	while IFS=$'\t' read -r id name; do
		printf '%s\n' "$id"
		[[ -n $name ]] && printf '%s\n' "$name"
	done < <(command ctxctl "${sock[@]}" ls -q 2>/dev/null)
}

# Adds to COMPREPLY each of the words (a line each, on stdin) that starts
# with $1, quoted for the command line: a name may hold spaces.
_ctx_reply()
{
	local w
	while IFS= read -r w; do
		[[ $w == "$1"* ]] && COMPREPLY+=("$(printf '%q' "$w")")
	done
}

# Signal names, with and without SIG, and numbers as typed.
_ctx_signals()
{
	local s
	for s in $(compgen -A signal); do
		printf '%s\n%s\n' "$s" "${s#SIG}"
	done
}

# The argument of option $1 of ctxrun, ctxctl new or ctxctl cancel:
# returns 0 if $1 takes one (COMPREPLY filled where it can be).
_ctx_optarg()
{
	local cur=$2
	case $1 in
	-p | --parent)
		_ctx_reply "$cur" < <(_ctx_contexts) ;;
	-s | --signal | --forward)
		_ctx_reply "$cur" < <(_ctx_signals) ;;
	-f | --values | -S | --socket)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	--ssh)
		COMPREPLY=($(compgen -A hostname -- "$cur")) ;;
	-u | --unset)
		COMPREPLY=($(compgen -e -- "$cur")) ;;
	--on-deadline)
		COMPREPLY=($(compgen -c -- "$cur")) ;;
	-t | --timeout | -D | --deadline | -k | --grace | --kill-after | \
	    -n | --name | -e | --value | --section | --limit | --cause)
		;;		# a value of the user's own
	*)
		return 1 ;;
	esac
	return 0
}

_ctxctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i cmd='' _ctx_socket=''
	local cmds='cancel daemon env events help left ls new status tree wait'
	local opts

	COMPREPLY=()
	# The command is the first word that is not a global option.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-S | --socket)
			_ctx_socket=${COMP_WORDS[i + 1]}
			((i++)) ;;
		-*)	;;
		*)	cmd=${COMP_WORDS[i]}
			break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		case $prev in
		-S | --socket)
			_ctx_optarg "$prev" "$cur"
			return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-h -V -S --help --json --socket
			    --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		fi
		return
	fi
	case $cmd in
	cancel)	opts='-k -s --cause' ;;
	events)	opts='-a -n' ;;
	left)	opts='-s --seconds' ;;
	ls | tree) opts='-l -q -w --long' ;;
	new)	opts='-D -e -f -k -n -p -s -t -u -x --deadline --export
		    --fail-fast --grace --limit --name --parent --section
		    --signal --timeout --unset --value --values
		    --without-cancel' ;;
	wait)	opts='-t' ;;
	*)	opts='' ;;
	esac
	opts+=' -h -S --help --json --socket'
	# An option's argument: -n of events is a count, of new a name; -s
	# of left takes none.
	[[ $cmd == events && $prev == -n ]] && return
	[[ $cmd == left && $prev == -s ]] && prev=''
	[[ $prev == -* && " $opts " == *" $prev "* ]] &&
	    _ctx_optarg "$prev" "$cur" && return
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case $cmd in
	cancel | env | left | ls | status | tree | wait)
		_ctx_reply "$cur" < <(_ctx_contexts) ;;
	daemon)
		[[ $prev == daemon ]] &&
		    COMPREPLY=($(compgen -W 'status stop' -- "$cur")) ;;
	help)
		[[ $prev == help ]] &&
		    COMPREPLY=($(compgen -W "$cmds" -- "$cur")) ;;
	esac
}

_ctxrun()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i _ctx_socket=''
	local takes='-D -e -f -k -n -p -s -t -u --deadline --forward --grace
	    --kill-after --name --on-deadline --parent --section --signal --ssh
	    --timeout --unset --value --values'

	COMPREPLY=()
	# Past the options, the command: complete it, then its arguments as
	# that command's completion would (bash-completion's _command_offset).
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--)	((i++))
			break ;;
		--*=*)	;;
		-*)	[[ " $takes " == *" ${COMP_WORDS[i]} "* ]] && ((i++)) ;;
		*)	break ;;
		esac
	done
	if ((i < COMP_CWORD)); then
		if declare -F _command_offset >/dev/null; then
			_command_offset "$i"
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return
	fi
	if [[ " $takes " == *" $prev "* ]]; then
		_ctx_optarg "$prev" "$cur"
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-d -h -V -v $takes --detach --foreground
		    --help --no-hangup --preserve-status --verbose --version
		    --without-cancel" \
		    -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -c -- "$cur"))
}

complete -F _ctxctl ctxctl
complete -F _ctxrun ctxrun
