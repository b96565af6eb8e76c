# fish completion for ctxrun (ctx): its options, the ids and names of the
# contexts for -p (from `ctxctl ls -q`, which never starts a daemon), then
# the command and its own arguments.

# The words typed after ctxrun's options: the command and its arguments
# so far. Fails while the options go on.
function __ctxrun_command_words
    set -l args (commandline -opc)
    set -e args[1]
    while set -q args[1]
        switch $args[1]
            case --
                set -e args[1]
                break
            case -D -e -f -k -n -p -s -t -u --deadline --forward --grace --kill-after --name --on-deadline --parent --section --signal --ssh --timeout --unset --value --values
                set -e args[1..2]
            case '-*'
                set -e args[1]
            case '*'
                break
        end
    end
    set -q args[1]; or return 1
    string join \n -- $args
end

# What the command itself offers for its arguments.
function __ctxrun_command_args
    set -l words (__ctxrun_command_words)
    complete -C (string join ' ' -- (string escape -- $words) (commandline -ct))
end

set -l sigs HUP INT QUIT ABRT KILL USR1 USR2 PIPE ALRM TERM CONT STOP TSTP

complete -c ctxrun -s h -l help -d 'Print usage'
complete -c ctxrun -s V -l version -d 'Print the version'
complete -c ctxrun -s d -l detach -d 'Print the context id and return at once'
complete -c ctxrun -s v -l verbose -d 'Say what happens on stderr'
complete -c ctxrun -s D -l deadline -x -d 'Absolute deadline'
complete -c ctxrun -s e -l value -x -d 'A value, KEY=VALUE'
complete -c ctxrun -s f -l values -r -F -d 'Values from an ini file'
complete -c ctxrun -s k -l grace -l kill-after -x -d 'Grace before SIGKILL'
complete -c ctxrun -s n -l name -x -d 'Name'
complete -c ctxrun -s p -l parent -x -a '(command ctxctl ls -q 2>/dev/null | string split \t)' -d 'Parent context'
complete -c ctxrun -s s -l signal -x -a "$sigs" -d 'First signal'
complete -c ctxrun -s t -l timeout -x -d 'Deadline from now'
complete -c ctxrun -s u -l unset -x -a '(set -xn)' -d 'A key unset for the job and below'
complete -c ctxrun -l foreground -d 'Leave the job in the foreground process group'
complete -c ctxrun -l forward -x -a "$sigs" -d 'Pass this signal on to the job'
complete -c ctxrun -l no-hangup -d 'Do not cancel when the ssh session goes away'
complete -c ctxrun -l on-deadline -x -a '(__fish_complete_command)' -d 'Run a command at the deadline, before the signal'
complete -c ctxrun -l without-cancel -d "The parent's values, not its deadline nor its cancel"
complete -c ctxrun -l preserve-status -d "Exit with the command's status"
complete -c ctxrun -l section -x -d 'Section of the ini file'
complete -c ctxrun -l ssh -x -a '(__fish_print_hostnames)' -d 'Run the command on host'
complete -c ctxrun -n 'not __ctxrun_command_words' -x -a '(__fish_complete_command)'
complete -c ctxrun -n __ctxrun_command_words -x -a '(__ctxrun_command_args)'
