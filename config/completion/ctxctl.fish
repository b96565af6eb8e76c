# fish completion for ctxctl (ctx): subcommands, options, and the ids and
# names of the contexts the daemon has, from `ctxctl ls -q`, which never
# starts a daemon: with none running, there are none to offer.

# ls -q prints "ID<TAB>NAME" lines: each id and each name, a line each.
function __ctx_contexts --description 'ids and names of the contexts of ctxd'
    command ctxctl ls -q 2>/dev/null | string split \t
end

set -l cmds cancel daemon env events help left ls new status tree wait
set -l sigs HUP INT QUIT ABRT KILL USR1 USR2 PIPE ALRM TERM CONT STOP TSTP

complete -c ctxctl -f
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -s h -l help -d 'Print usage'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -s V -l version -d 'Print the version'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -l json -d 'JSON output'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -s S -l socket -r -F -d "The daemon's socket"
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a cancel -d 'Cancel contexts, each with its subtree'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a daemon -d 'Show whether the daemon runs, or stop it'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a env -d 'Print the values of a context'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a events -d 'Write each change of the tree as a JSON line'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a help -d 'List the commands, or show the options of one'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a left -d 'Print the time left before the deadline'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a ls -d 'Draw the tree'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a new -d 'Make a context with no process'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a status -d 'Show contexts in full'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a tree -d 'Draw the tree'
complete -c ctxctl -n "not __fish_seen_subcommand_from $cmds" -a wait -d 'Wait until contexts have ended'

complete -c ctxctl -n '__fish_seen_subcommand_from cancel env left ls status tree wait' -a '(__ctx_contexts)' -d context
complete -c ctxctl -n '__fish_seen_subcommand_from daemon' -a 'status stop'
complete -c ctxctl -n '__fish_seen_subcommand_from help' -a "$cmds"
complete -c ctxctl -n "__fish_seen_subcommand_from $cmds" -s h -l help -d 'Print usage of the command'
complete -c ctxctl -n "__fish_seen_subcommand_from $cmds" -l json -d 'JSON output'
complete -c ctxctl -n "__fish_seen_subcommand_from $cmds" -s S -l socket -r -F -d "The daemon's socket"
complete -c ctxctl -n '__fish_seen_subcommand_from cancel' -s k -x -d 'Grace before SIGKILL'
complete -c ctxctl -n '__fish_seen_subcommand_from cancel' -s s -x -a "$sigs" -d 'First signal'
complete -c ctxctl -n '__fish_seen_subcommand_from cancel' -l cause -x -d 'Why, shown as the cause'
complete -c ctxctl -n '__fish_seen_subcommand_from left' -s s -l seconds -d 'In seconds, to the millisecond'
complete -c ctxctl -n '__fish_seen_subcommand_from ls tree' -s l -l long -d 'Each command whole, not cut'
complete -c ctxctl -n '__fish_seen_subcommand_from events' -s a -d 'First the tree as it is'
complete -c ctxctl -n '__fish_seen_subcommand_from events' -s n -x -d 'Exit after count changes'
complete -c ctxctl -n '__fish_seen_subcommand_from ls tree' -s q -d 'Ids and names only'
complete -c ctxctl -n '__fish_seen_subcommand_from ls tree' -s w -d 'Draw again as the tree changes'
complete -c ctxctl -n '__fish_seen_subcommand_from wait' -s t -x -d 'Wait at most'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -s D -l deadline -x -d 'Absolute deadline'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -s e -l value -x -d 'A value, KEY=VALUE'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -s f -l values -r -F -d 'Values from an ini file'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -s k -l grace -x -d 'Grace before SIGKILL'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -s n -l name -x -d 'Name'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -s p -l parent -x -a '(__ctx_contexts)' -d 'Parent context'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -s s -l signal -x -a "$sigs" -d 'First signal'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -s t -l timeout -x -d 'Deadline from now'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -s x -l export -d 'Print as shell assignments'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -l section -x -d 'Section of the ini file'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -s u -l unset -x -a '(set -xn)' -d 'A key unset here and below'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -l fail-fast -d 'A group: the first job that fails cancels the rest'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -l limit -x -d 'A group: at most n jobs run at once'
complete -c ctxctl -n '__fish_seen_subcommand_from new' -l without-cancel -d "The parent's values, not its deadline nor its cancel"
