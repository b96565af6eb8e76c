/*
 * watch.c: a subscription to the changes of the tree (MSG_SUBSCRIBE), for
 * ctxctl events and ls -w: the tree as it is, then an event for each
 * change, read off one connection for as long as ctxctl runs.
 */
#include <err.h>
#include <errno.h>
#include <event2/buffer.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctxctl.h"

#define WATCH_SETTLE	(50 * NSEC_PER_MSEC)	/* a burst of events */

/*
 * Connects to ctxd, starting it if none runs (there is nothing to watch
 * otherwise), and subscribes. The stream has no bound in time: it waits
 * for changes for as long as there are none.
 */
void
watch_start(struct ctl *c, struct watch *w)
{
	ctl_connect(c, CTL_START);
	w->fd = c->fd;
	if ((w->in = evbuffer_new()) == NULL)
		errx(CTX_EXIT_FAILURE, "out of memory");
	if (msgout_write(msgout_new(MSG_SUBSCRIBE), w->fd) == -1)
		errx(CTX_EXIT_FAILURE, "cannot write to ctxd");
	if (client_bound(w->fd, NSEC_NONE) == -1)
		err(CTX_EXIT_FAILURE, "setsockopt");
}

/* Waits until fd can be read, or end (NSEC_NONE: no end); 0 at the end. */
static int
watch_poll(int fd, nsec_t end)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	nsec_t		left;
	int		r;

	if (end == NSEC_NONE)
		return 1;
	do {
		if ((left = end - clock_mono()) <= 0)
			return 0;
		left = (left + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
		r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
	} while (r == -1 && errno == EINTR);
	if (r == -1)
		err(CTX_EXIT_FAILURE, "poll");
	return r;
}

/*
 * Reads the next message into m, waiting for it until end on the
 * monotonic clock (NSEC_NONE: for ever). Returns 1, or 0 if none came by
 * end. A refusal (1 for a context not found, else 125), or ctxd going
 * away (125), ends ctxctl.
 */
int
watch_next(struct watch *w, struct msg *m, nsec_t end)
{
	const char	*cause, *e;
	int		 r;

	while ((r = msg_frame(w->in, m, &cause)) == 0) {
		if (!watch_poll(w->fd, end))
			return 0;
		if ((r = evbuffer_read(w->in, w->fd, 64 * 1024)) <= 0)
			errx(CTX_EXIT_FAILURE, "ctxd: %s", r == 0 ?
			    "connection closed" : msg_read_error());
	}
	if (r == -1)
		errx(CTX_EXIT_FAILURE, "ctxd: %s", cause);
	if (m->type == MSG_FAIL) {
		e = msg_get(m, "error");
		errx(msg_get(m, "notfound") != NULL ? 1 : CTX_EXIT_FAILURE, "%s",
		    e != NULL ? e : "ctxd refused the request");
	}
	return 1;
}

void
watch_free(struct watch *w)
{
	evbuffer_free(w->in);
}

/*
 * Reads into ns the listing that comes next, up to its MSG_END. The events
 * that come first are dropped: ctxd sent them before it listed, so the
 * listing holds those changes.
 */
static void
watch_collect(struct watch *w, struct nodes *ns)
{
	struct msg	m;

	ctl_nodes_free(ns);
	memset(ns, 0, sizeof *ns);
	for (;;) {
		watch_next(w, &m, NSEC_NONE);
		if (m.type == MSG_END) {
			msg_free(&m);
			return;
		}
		if (m.type == MSG_NODE)
			ctl_nodes_add(ns, &m);
		else
			msg_free(&m);
	}
}

/* Lists the subtrees the ctx arguments name (all if none) into ns. */
static void
watch_list(struct watch *w, int argc, char **argv, struct nodes *ns)
{
	struct msgout	*mo = msgout_new(MSG_LIST);

	ctl_add_ctxs(mo, argc, argv);
	if (msgout_write(mo, w->fd) == -1)
		errx(CTX_EXIT_FAILURE, "cannot write to ctxd");
	watch_collect(w, ns);
}

/*
 * Waits for the tree to change, until end: returns 1 once it has. The
 * events of a burst (a subtree cancelled, a thousand jobs started) that
 * come within WATCH_SETTLE of the first make one change.
 */
static int
watch_change(struct watch *w, nsec_t end)
{
	struct msg	m;
	int		changed = 0;

	while (watch_next(w, &m, end) == 1) {
		if (m.type == MSG_EVENT && !changed) {
			changed = 1;
			if (end == NSEC_NONE || end > clock_mono() + WATCH_SETTLE)
				end = clock_mono() + WATCH_SETTLE;
		}
		msg_free(&m);
	}
	return changed;
}

/*
 * ls -w: draws the tree, or the subtrees the ctx arguments name, with
 * show, and again each time it changes, until interrupted. On a terminal
 * each drawing replaces the last (the screen cleared), and is redrawn each
 * second too, for the time left; elsewhere each follows the last after an
 * empty line, once a change.
 */
int
watch_tree(struct ctl *c, int argc, char **argv,
    void (*show)(struct ctl *, struct nodes *))
{
	struct watch	w;
	struct nodes	ns = { 0 };
	int		tty = isatty(STDOUT_FILENO), drawn = 0, changed = 1;

	watch_start(c, &w);
	watch_collect(&w, &ns);		/* the whole tree */
	if (argc > 0)
		watch_list(&w, argc, argv, &ns);
	for (;;) {
		if (changed && drawn)
			watch_list(&w, argc, argv, &ns);
		if (tty)
			fputs("\033[H\033[2J", stdout);
		else if (drawn)
			putchar('\n');
		if (tty || changed)
			show(c, &ns);
		drawn = 1;
		if (fflush(stdout) == EOF)
			err(CTX_EXIT_FAILURE, "stdout");
		changed = watch_change(&w, tty ? clock_mono() + NSEC_PER_SEC :
		    NSEC_NONE);
	}
}
