/*
 * deadline.c: the timers that end a context. A relative timeout runs on the
 * monotonic clock, so setting the wall clock neither hastens nor delays it;
 * an absolute deadline, the node's own --deadline or the one inherited from
 * its parent, runs on the wall clock, which the kernel re-evaluates when the
 * clock is set. Both are timerfds armed at an absolute time: the relative
 * one at the monotonic time the caller measured its timeout from, so that
 * the time spent starting the job does not push the deadline back, and to
 * the nanosecond, where a libevent timer would round up to the millisecond.
 */
#include <sys/timerfd.h>

#include <event2/event.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctxrun.h"

/* One timer: a timerfd watched by an event, and whose deadline it is. */
struct dl_timer {
	struct event	*ev;
	int		 fd;
	int		 which;		/* DEADLINE_OWN or DEADLINE_INHERITED */
	struct deadline	*dl;
};

/*
 * Each deadline keeps its own timer, and each fires once: an ancestor's
 * that comes after the node's own still counts, since it may end a long
 * grace sooner (job_end()).
 */
struct deadline {
	struct dl_timer	 rel;		/* own --timeout, monotonic */
	struct dl_timer	 own;		/* own --deadline, wall clock */
	struct dl_timer	 inh;		/* the ancestors', wall clock */
	deadline_cb	*cb;
	void		*arg;
};

/*
 * A timer expired. On the wall clock, a read that fails means the clock was
 * set and the timer still stands (TFD_TIMER_CANCEL_ON_SET is not used, so
 * this is only for safety).
 */
static void
deadline_on_timer(evutil_socket_t fd, short events, void *arg)
{
	struct dl_timer	*t = arg;
	uint64_t	 expirations;

	(void)events;
	if (read(fd, &expirations, sizeof expirations) != sizeof expirations)
		return;
	event_del(t->ev);
	/* The node's own deadline is one, whichever of its timers says so. */
	if (t->which == DEADLINE_OWN) {
		if (t->dl->rel.ev != NULL)
			event_del(t->dl->rel.ev);
		if (t->dl->own.ev != NULL)
			event_del(t->dl->own.ev);
	}
	t->dl->cb(t->which, t->dl->arg);
}

/*
 * Arms t on clock at the absolute time at; NSEC_NONE leaves it unarmed.
 * The monotonic one is armed with the time left until at, measured here:
 * the same to a few nanoseconds, and out of reach of a preload that fakes
 * the wall clock (libfaketime, which shifts every absolute timer by its
 * offset, the monotonic ones too): a remote ctxrun of --ssh, whose
 * budget must not depend on that host's wall clock, is tested under it.
 */
static int
deadline_timer(struct deadline *dl, struct dl_timer *t, struct event_base *base,
    int clock, nsec_t at, int which)
{
	struct itimerspec	its = { 0 };
	int			flags = TFD_TIMER_ABSTIME;

	t->dl = dl;
	t->which = which;
	if (at == NSEC_NONE)
		return 0;
	if ((t->fd = timerfd_create(clock, TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
		return -1;
	if (clock == CLOCK_MONOTONIC) {
		flags = 0;
		at -= clock_mono();
		if (at <= 0)
			at = 1;		/* 0 would disarm it: fire now */
	}
	its.it_value.tv_sec = at / NSEC_PER_SEC;
	its.it_value.tv_nsec = at % NSEC_PER_SEC;
	t->ev = event_new(base, t->fd, EV_READ | EV_PERSIST, deadline_on_timer,
	    t);
	if (t->ev == NULL ||
	    timerfd_settime(t->fd, flags, &its, NULL) == -1 ||
	    event_add(t->ev, NULL) == -1)
		return -1;
	return 0;
}

/*
 * Arms the timers: rel at that CLOCK_MONOTONIC time, own and inherited at
 * those wall-clock times. NSEC_NONE for any that does not apply. The
 * callback runs once for each as it comes, and says whose it was.
 */
struct deadline *
deadline_arm(struct event_base *base, nsec_t rel, nsec_t own, nsec_t inherited,
    deadline_cb *cb, void *arg)
{
	struct deadline	*dl;

	dl = xcalloc(1, sizeof *dl);
	dl->rel.fd = dl->own.fd = dl->inh.fd = -1;
	dl->cb = cb;
	dl->arg = arg;
	/* The ancestor's deadline wins a tie: its signal and grace govern. */
	if (own >= inherited)
		own = NSEC_NONE;
	if (deadline_timer(dl, &dl->rel, base, CLOCK_MONOTONIC, rel,
	    DEADLINE_OWN) == -1 ||
	    deadline_timer(dl, &dl->own, base, CLOCK_REALTIME, own,
	    DEADLINE_OWN) == -1 ||
	    deadline_timer(dl, &dl->inh, base, CLOCK_REALTIME, inherited,
	    DEADLINE_INHERITED) == -1) {
		deadline_free(dl);
		return NULL;
	}
	return dl;
}

static void
deadline_timer_free(struct dl_timer *t)
{
	if (t->ev != NULL)
		event_free(t->ev);
	if (t->fd != -1)
		close(t->fd);
}

void
deadline_free(struct deadline *dl)
{
	if (dl == NULL)
		return;
	deadline_timer_free(&dl->rel);
	deadline_timer_free(&dl->own);
	deadline_timer_free(&dl->inh);
	free(dl);
}
