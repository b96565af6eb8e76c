/*
 * ctxctl: inspect and steer the tree of contexts kept by ctxd.
 */
#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctxctl.h"

static const struct cmd_entry *const cmds[] = {
	&cmd_cancel_entry,
	&cmd_daemon_entry,
	&cmd_env_entry,
	&cmd_events_entry,
	&cmd_help_entry,
	&cmd_left_entry,
	&cmd_ls_entry,
	&cmd_new_entry,
	&cmd_status_entry,
	&cmd_wait_entry,
};

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
	struct ctl	c = { NULL, 0, -1, NULL, NSEC_NONE, 0, cmds,
			    sizeof cmds / sizeof cmds[0], 0, 1 };
	const struct cmd_entry *ce;
	int		ch, status;

	signal(SIGPIPE, SIG_IGN);	/* a daemon that hangs up is an error */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hS:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			help_list(&c);
			return 0;
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
		errx(CTX_EXIT_FAILURE, "missing command (see ctxctl help)");
	ce = ctl_find_cmd(&c, argv[0]);
	optind = 0;		/* getopt starts afresh, at argv[1] */
	status = ce->exec(&c, argc, argv);
	free(c.path);
	return status;
}
