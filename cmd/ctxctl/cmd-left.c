/*
 * cmd-left.c: left [-s] [CTX]: the time a context has left (Go's
 * ctx.Deadline(), as time.Until). Without CTX, the context of the job it
 * runs in, from $CTX_DEADLINE: no daemon is asked, so a job can ask as
 * often as it likes. Exit 1, printing nothing, when there is no deadline:
 * `if t=$(ctxctl left -s); then ...`. Exit 1 is taken, so a CTX that
 * names nothing is 125, as bad input.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxctl.h"

#define LEFT_NO_DEADLINE	1

static void
left_print(const struct ctl *c, nsec_t deadline, int seconds)
{
	char	buf[32], ts[TIMESTAMP_LEN];
	nsec_t	left = deadline - clock_real();

	if (left < 0)
		left = 0;
	if (c->json) {
		timestamp_format(deadline, ts, sizeof ts);
		printf("{\"deadline\":\"%s\",\"left\":%lld.%03lld}\n", ts,
		    (long long)(left / NSEC_PER_SEC),
		    (long long)(left % NSEC_PER_SEC / NSEC_PER_MSEC));
	} else if (seconds)
		printf("%lld.%03lld\n", (long long)(left / NSEC_PER_SEC),
		    (long long)(left % NSEC_PER_SEC / NSEC_PER_MSEC));
	else {
		ctl_left_format(left, buf, sizeof buf);
		printf("%s\n", buf);
	}
}

/*
 * The deadline of CTX, as ctxd has it: NSEC_NONE for none. An ended
 * context has nothing left, whatever its deadline was.
 */
static nsec_t
left_ask(struct ctl *c, const char *ctx)
{
	struct nodes	 ns = { 0 };
	struct msgout	*mo;
	nsec_t		 deadline;

	if (ctl_connect(c, CTL_START_SAVED) == -1)
		errx(CTX_EXIT_FAILURE, "no context '%s'", ctx);
	c->notfound = CTX_EXIT_FAILURE;
	mo = msgout_new(MSG_STATUS);
	msgout_adds(mo, "ctx", ctx);
	ctl_nodes(c, mo, &ns);
	if (ns.n != 1)
		errx(CTX_EXIT_FAILURE, "'%s' names %zu contexts: give an id",
		    ctx, ns.n);
	deadline = msg_num(&ns.v[0], "deadline", NSEC_NONE);
	/* A job waiting for its group's limit waits on its deadline. */
	if (deadline != NSEC_NONE &&
	    strcmp(ctl_state(&ns.v[0]), "running") != 0 &&
	    strcmp(ctl_state(&ns.v[0]), "waiting") != 0)
		deadline = 0;
	ctl_nodes_free(&ns);
	return deadline;
}

/*
 * The deadline of the job this runs in. A CTX_ID with no CTX_TREE came
 * from `export CTX_ID=$(ctxctl new)`: its deadline is ctxd's to say.
 */
static nsec_t
left_here(struct ctl *c)
{
	const char	*s, *id;

	if ((s = getenv(ENV_DEADLINE)) != NULL && *s != '\0')
		return ctl_time("$" ENV_DEADLINE, s);
	id = getenv(ENV_ID);
	if (id != NULL && *id != '\0' && *id != 'x' &&
	    getenv(ENV_TREE) == NULL)
		return left_ask(c, id);
	return NSEC_NONE;
}

static int
cmd_left_exec(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seconds",	no_argument,	NULL, 's' },
		{ NULL,		0,		NULL, 0 }
	};
	nsec_t	deadline;
	int	ch, seconds = 0;

	while ((ch = ctl_getopt(c, &cmd_left_entry, argc, argv, "s",
	    longopts)) != -1) {
		if (ch == 's')
			seconds = 1;
	}
	if (argc - optind > 1)
		ctl_usage(&cmd_left_entry, "unexpected argument '%s'",
		    argv[optind + 1]);
	if (optind < argc)
		deadline = left_ask(c, argv[optind]);
	else
		deadline = left_here(c);
	if (deadline == NSEC_NONE)
		return LEFT_NO_DEADLINE;
	left_print(c, deadline, seconds);
	return 0;
}

const struct cmd_entry cmd_left_entry = {
	"left", NULL, "[-s] [ctx]", cmd_left_exec,
	"the time left before the deadline, of this job or of ctx",
	"  -s, --seconds       in seconds, to the millisecond\n"
};
