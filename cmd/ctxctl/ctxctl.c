/*
 * ctxctl: inspect and steer the tree of contexts kept by ctxd.
 */
#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxctl.h"

static const struct cmd_entry *const cmds[] = {
	&cmd_cancel_entry,
	&cmd_daemon_entry,
	&cmd_env_entry,
	&cmd_left_entry,
	&cmd_ls_entry,
	&cmd_new_entry,
	&cmd_status_entry,
	&cmd_wait_entry,
};

static void __attribute__((noreturn))
usage(FILE *f, int status)
{
	size_t	i;

	fprintf(f, "usage: ctxctl [-hV] [-S socket] [--json] command [arg ...]\n");
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(f, "       ctxctl %s %s\n", cmds[i]->name, cmds[i]->usage);
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help",	no_argument,		NULL, 'h' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "socket",	required_argument,	NULL, 'S' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct ctl	c = { NULL, 0, -1, NULL, NSEC_NONE, 0, 1 };
	size_t		i;
	int		ch, status;

	signal(SIGPIPE, SIG_IGN);	/* a daemon that hangs up is an error */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hS:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout, 0);
		case 'j':
			c.json = 1;
			break;
		case 'S':
			c.socket = optarg;
			break;
		case 'V':
			printf("ctxctl %s\n", CTX_VERSION);
			return 0;
		case ':':
			errx(CTX_EXIT_FAILURE, "option '%s' needs an argument",
			    argv[optind - 1]);
		default:
			errx(CTX_EXIT_FAILURE, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		errx(CTX_EXIT_FAILURE, "missing command (see ctxctl -h)");
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(argv[0], cmds[i]->name) == 0 ||
		    (cmds[i]->alias != NULL &&
		    strcmp(argv[0], cmds[i]->alias) == 0)) {
			optind = 1;
			status = cmds[i]->exec(&c, argc, argv);
			free(c.path);
			return status;
		}
	}
	errx(CTX_EXIT_FAILURE, "unknown command '%s'", argv[0]);
}
