/*
 * cmd-wait.c: wait [-t D] CTX...: block until each context is done. The
 * exit status is ctxrun's for the first one that did not end with 0.
 *
 * The wait outlives a restart of ctxd (SPEC §12). The contexts are looked
 * up first, so that the wait is for ids, which the next daemon loads with
 * the saved tree (a name could stand for other contexts by then). When the
 * daemon goes away, ctxctl reaches the next one, starting it if the saved
 * tree holds live contexts, and waits there for the same ids.
 */
#include <err.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctxctl.h"

#define WAIT_RETRY_MS	50	/* between tries to reach a daemon */

/* The contexts the arguments name, as they are now. -1 if ctxd went away. */
static int
wait_lookup(struct ctl *c, int argc, char **argv, struct nodes *found,
    const char **cause)
{
	struct msgout	*mo = msgout_new(MSG_STATUS);

	ctl_nodes_free(found);
	memset(found, 0, sizeof *found);
	ctl_add_ctxs(mo, argc, argv);
	return ctl_nodes_try(c, mo, found, cause);
}

/*
 * Waits for the contexts found by id, until end on the monotonic clock
 * (NSEC_NONE: no bound), and sets ns to how they ended. After a restart
 * those that had ended when they were looked up are not waited for: the
 * new daemon never knew them, and how they ended is known. Returns 0,
 * CTX_EXIT_DEADLINE if end came first, or -1 if ctxd went away.
 */
static int
wait_ids(struct ctl *c, const struct nodes *found, int restarted, nsec_t end,
    struct nodes *ns, const char **cause)
{
	struct msgout	*mo = msgout_new(MSG_WAIT);
	struct pollfd	 pfd = { c->fd, POLLIN, 0 };
	const char	*id;
	nsec_t		 left;
	size_t		 i, n = 0;
	int		 r = 0;

	ctl_nodes_free(ns);
	memset(ns, 0, sizeof *ns);
	for (i = 0; i < found->n; i++) {
		if ((id = msg_get(&found->v[i], "id")) == NULL ||
		    (restarted && strcmp(ctl_state(&found->v[i]), "done") == 0))
			continue;
		msgout_adds(mo, "ctx", id);
		n++;
	}
	if (n == 0) {
		msgout_free(mo);
		return 0;
	}
	/* The answer comes when the contexts end: no bound on it. */
	if (client_bound(c->fd, NSEC_NONE) == -1)
		err(CTX_EXIT_FAILURE, "setsockopt");
	if (msgout_write(mo, c->fd) == -1) {
		*cause = "cannot write to ctxd";
		return -1;
	}
	while (end != NSEC_NONE && r <= 0) {
		if ((left = end - clock_mono()) <= 0)
			return CTX_EXIT_DEADLINE;
		left = (left + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
		r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
	}
	/* The answer, or a hang-up. */
	return ctl_nodes_try(c, NULL, ns, cause);
}

/*
 * ctxd went away (lost says how): reaches the next one, starting it if
 * the saved tree holds live contexts, as ctl_connect() does. A restart
 * takes a moment, and one started by someone else may not listen yet: it
 * tries again until -t runs out (end), or for client_timeout without it,
 * then ends ctxctl (124, 125).
 */
static void
wait_reconnect(struct ctl *c, nsec_t end, const char *lost)
{
	struct timespec	 ts = { 0, WAIT_RETRY_MS * NSEC_PER_MSEC };
	nsec_t		 by = end;
	char		*cause = NULL;

	close(c->fd);
	c->fd = -1;
	if (by == NSEC_NONE && c->timeout != 0)
		by = clock_mono() + c->timeout;
	for (;;) {
		free(cause);
		cause = NULL;
		if (ctl_try_connect(c, CTL_START_SAVED, by, &cause) != -1)
			return;
		if (clock_mono() >= by)
			break;
		nanosleep(&ts, NULL);
	}
	if (end != NSEC_NONE) {
		warnx("timed out waiting");
		exit(CTX_EXIT_DEADLINE);
	}
	errx(CTX_EXIT_FAILURE, "%s, and no daemon came back%s%s", lost,
	    cause != NULL ? ": " : "", cause != NULL ? cause : "");
}

/* The status of node i of found: as the wait saw it end, or as found. */
static int
wait_status(const struct nodes *found, size_t i, const struct nodes *ns)
{
	const char	*id = msg_get(&found->v[i], "id"), *s;
	size_t		 j;

	for (j = 0; id != NULL && j < ns->n; j++) {
		if ((s = msg_get(&ns->v[j], "id")) != NULL && strcmp(s, id) == 0)
			return (int)msg_num(&ns->v[j], "status", 0);
	}
	return (int)msg_num(&found->v[i], "status", 0);
}

static int
cmd_wait_exec(struct ctl *c, int argc, char **argv)
{
	struct nodes	 found = { 0 }, ns = { 0 };
	const char	*cause;
	nsec_t		 timeout = 0, end = NSEC_NONE;
	size_t		 i;
	int		 ch, status = 0, r, looked = 0, restarted = 0;

	while ((ch = ctl_getopt(c, &cmd_wait_entry, argc, argv, "t:",
	    ctl_nolongopts)) != -1)
		timeout = ctl_duration("-t", optarg);	/* -t */
	if (optind == argc)
		ctl_usage(&cmd_wait_entry, "no context given");
	if (timeout > 0)
		end = clock_mono() + timeout;
	if (ctl_connect(c, CTL_START_SAVED) == -1)
		errx(1, "no context '%s'", argv[optind]);
	for (;;) {
		r = looked ? 0 : wait_lookup(c, argc - optind, argv + optind,
		    &found, &cause);
		looked = r == 0;
		if (r == 0)
			r = wait_ids(c, &found, restarted, end, &ns, &cause);
		if (r == 0)
			break;
		if (r == CTX_EXIT_DEADLINE) {
			warnx("timed out waiting");
			status = CTX_EXIT_DEADLINE;
			goto done;
		}
		/*
		 * Only a wait under way rides out a restart: a daemon that
		 * hangs up on the lookup refused us (another uid), or broke.
		 */
		if (!looked)
			errx(CTX_EXIT_FAILURE, "%s", cause);
		wait_reconnect(c, end, cause);
		/* Looked up on a daemon that is gone: */
		restarted = looked;
	}
	for (i = 0; i < found.n && status == 0; i++)
		status = wait_status(&found, i, &ns);
done:
	ctl_nodes_free(&found);
	ctl_nodes_free(&ns);
	return status;
}

const struct cmd_entry cmd_wait_entry = {
	"wait", NULL, "[-t duration] ctx ...", cmd_wait_exec,
	"wait until each context is done; exit as ctxrun would",
	"  -t duration         give up after duration (exit 124)\n"
};
