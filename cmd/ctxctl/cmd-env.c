/*
 * cmd-env.c: env CTX: the context's effective values as export lines, for
 * eval in a shell.
 */
#include <err.h>
#include <stdio.h>

#include "ctxctl.h"

static int
cmd_env_exec(struct ctl *c, int argc, char **argv)
{
	struct nodes	 ns = { 0 };
	struct msgout	*mo;
	int		 first = ctl_noopts(c, &cmd_env_entry, argc, argv);

	argc -= first;
	argv += first;
	if (argc < 1)
		ctl_usage(&cmd_env_entry, "no context given");
	if (argc > 1)
		ctl_usage(&cmd_env_entry, "unexpected argument '%s'", argv[1]);
	if (ctl_connect(c, CTL_START_SAVED) == -1)
		errx(1, "no context '%s'", argv[0]);
	mo = msgout_new(MSG_ENV);
	msgout_adds(mo, "ctx", argv[0]);
	ctl_nodes(c, mo, &ns);
	if (ns.n > 1)
		ctl_ambiguous(argv[0], &ns);
	if (ns.n > 0)
		ctl_export_values(&ns.v[0]);
	ctl_nodes_free(&ns);
	return 0;
}

const struct cmd_entry cmd_env_entry = {
	"env", NULL, "ctx", cmd_env_exec,
	"the context's values, with its ancestors', as export lines for eval",
	NULL
};
