/*
 * cmd-help.c: help [COMMAND]: the commands, a line each, or one command's
 * usage and options.
 */
#include <stdio.h>

#include "ctxctl.h"

/* Every command and what it does; the table is main's (c->cmds). */
void
help_list(const struct ctl *c)
{
	const struct cmd_entry	*ce;
	size_t			 i;

	printf("usage: ctxctl [-hV] [-S socket] [--json] command [arg ...]\n"
	    "\ncommands:\n");
	for (i = 0; i < c->ncmds; i++) {
		ce = c->cmds[i];
		printf("  %-8s  %s\n", ce->name,
		    ce->summary != NULL ? ce->summary : ce->usage);
	}
	printf("\noptions, before the command or after it:\n"
	    "  -h, --help          this help; after a command, its own\n"
	    "  --json              output as one JSON document\n"
	    "  -S, --socket path   the daemon's socket (default: $CTX_SOCKET, "
	    "or ctxd.ini's)\n"
	    "  -V, --version       ctxctl's version\n"
	    "\n'ctxctl help command' for its options; ctxctl(1) for more.\n");
}

static int
cmd_help_exec(struct ctl *c, int argc, char **argv)
{
	int	first = ctl_noopts(c, &cmd_help_entry, argc, argv);

	if (argc - first > 1)
		ctl_usage(&cmd_help_entry, "unexpected argument '%s'",
		    argv[first + 1]);
	if (first == argc)
		help_list(c);
	else
		ctl_help(ctl_find_cmd(c, argv[first]));
	return 0;
}

const struct cmd_entry cmd_help_entry = {
	"help", NULL, "[command]", cmd_help_exec,
	"the commands, or the usage and options of one",
	NULL
};
