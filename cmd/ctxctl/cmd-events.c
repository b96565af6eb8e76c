/*
 * cmd-events.c: events [-a] [-n count]: each change of the tree as one
 * JSON object a line, written out as it comes, for scripts and
 * dashboards: made, canceled (a job told to end, winding down), ended.
 */
#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctxctl.h"

/* The count of -n: a whole number above 0. */
static long long
events_count(const char *arg)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 || n < 1)
		ctl_usage(&cmd_events_entry, "-n: expected a count above 0, "
		    "not '%s'", arg);
	return n;
}

static int
cmd_events_exec(struct ctl *c, int argc, char **argv)
{
	struct watch	 w;
	struct msg	 m;
	long long	 count = -1, seen = 0;
	int		 ch, all = 0;

	while ((ch = ctl_getopt(c, &cmd_events_entry, argc, argv, "an:",
	    ctl_nolongopts)) != -1) {
		switch (ch) {
		case 'a':
			all = 1;
			break;
		case 'n':
			count = events_count(optarg);
			break;
		}
	}
	if (optind < argc)
		ctl_usage(&cmd_events_entry, "unexpected argument '%s'",
		    argv[optind]);
	watch_start(c, &w);
	while (count == -1 || seen < count) {
		watch_next(&w, &m, NSEC_NONE);
		if (m.type == MSG_END) {
			/*
			 * Subscribed, and no more writes to ctxd: a reader
			 * that goes away ends us, as it ends any filter.
			 */
			signal(SIGPIPE, SIG_DFL);
		} else if (m.type == MSG_EVENT || (m.type == MSG_NODE && all)) {
			json_event(&m, m.type == MSG_NODE ? "exists" : NULL);
			putchar('\n');
			if (fflush(stdout) == EOF)
				err(CTX_EXIT_FAILURE, "stdout");
			seen += m.type == MSG_EVENT;
		}
		msg_free(&m);
	}
	watch_free(&w);
	return 0;
}

const struct cmd_entry cmd_events_entry = {
	"events", NULL, "[-a] [-n count]", cmd_events_exec,
	"each change of the tree as a JSON object a line, as it comes",
	"  -a                  first each context there is, as 'exists'\n"
	"  -n count            exit after count changes\n"
};
