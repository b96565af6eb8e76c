/*
 * cmd-cancel.c: cancel [-k GRACE] [-s SIG] [--cause TEXT] CTX...: cancel
 * each subtree; the cause says why (Go's WithCancelCause), else ctxd
 * names who cancelled.
 */
#include <err.h>
#include <unistd.h>

#include "ctxctl.h"

static int
cmd_cancel_exec(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cause",	required_argument,	NULL, 'c' },
		{ NULL,		0,			NULL, 0 }
	};
	struct msgout	*mo;
	const char	*cause = NULL, *why;
	nsec_t		 grace = -1;
	int		 ch, sig = 0;

	while ((ch = ctl_getopt(c, &cmd_cancel_entry, argc, argv, "k:s:",
	    longopts)) != -1) {
		switch (ch) {
		case 'c':
			if (cause_check(optarg, &why) == -1)
				errx(CTX_EXIT_FAILURE, "--cause: %s", why);
			cause = optarg;
			break;
		case 'k':
			grace = ctl_duration("-k", optarg);
			break;
		case 's':
			sig = ctl_signal("-s", optarg);
			break;
		}
	}
	if (optind == argc)
		ctl_usage(&cmd_cancel_entry, "no context given");
	if (ctl_connect(c, CTL_START_SAVED) == -1)
		errx(1, "no context '%s'", argv[optind]);
	mo = msgout_new(MSG_CANCEL);
	ctl_add_ctxs(mo, argc - optind, argv + optind);
	if (sig != 0)
		msgout_adds(mo, "signal", signal_name(sig));
	if (grace >= 0)
		msgout_add(mo, "grace", "%lld", (long long)grace);
	if (cause != NULL)
		msgout_adds(mo, "cause", cause);
	msgout_until(mo, c->until);
	ctl_ok(c, mo);
	return 0;
}

const struct cmd_entry cmd_cancel_entry = {
	"cancel", NULL, "[-k grace] [-s signal] [--cause text] ctx ...",
	cmd_cancel_exec,
	"cancel each context and its whole subtree",
	"  -k grace            time from the first signal to KILL (default: "
	"each job's)\n"
	"  -s signal           the first signal (default: each job's)\n"
	"  --cause text        why, shown as the cause (default: who cancelled)\n"
};
