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

#include "ctxctl.h"

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
 * end. A refusal, or ctxd going away, ends ctxctl.
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
		errx(CTX_EXIT_FAILURE, "%s", e != NULL ? e : "ctxd refused");
	}
	return 1;
}

void
watch_free(struct watch *w)
{
	evbuffer_free(w->in);
}
