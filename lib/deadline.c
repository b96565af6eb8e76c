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

#include "ctx.h"

struct deadline {
	struct event	*ev_rel;	/* own --timeout, monotonic */
	struct event	*ev_abs;	/* earliest absolute deadline */
	int		 rfd;
	int		 tfd;
	int		 abs_which;	/* whose the absolute deadline is */
	deadline_cb	*cb;
	void		*arg;
};

static void
deadline_fire(struct deadline *dl, int which)
{
	if (dl->ev_rel != NULL)
		event_del(dl->ev_rel);
	if (dl->ev_abs != NULL)
		event_del(dl->ev_abs);
	dl->cb(which, dl->arg);
}

static void
deadline_on_rel(evutil_socket_t fd, short events, void *arg)
{
	uint64_t	expirations;

	(void)events;
	if (read(fd, &expirations, sizeof expirations) != sizeof expirations)
		return;
	deadline_fire(arg, DEADLINE_OWN);
}

/* A timerfd on clock, armed at the absolute time at, watched by *ev. */
static int
deadline_timer(struct deadline *dl, struct event_base *base, int clock,
    nsec_t at, struct event **ev, event_callback_fn fn)
{
	struct itimerspec	its = { 0 };
	int			fd;

	if ((fd = timerfd_create(clock, TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
		return -1;
	its.it_value.tv_sec = at / NSEC_PER_SEC;
	its.it_value.tv_nsec = at % NSEC_PER_SEC;
	*ev = event_new(base, fd, EV_READ | EV_PERSIST, fn, dl);
	if (*ev == NULL ||
	    timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) == -1 ||
	    event_add(*ev, NULL) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
deadline_on_abs(evutil_socket_t fd, short events, void *arg)
{
	struct deadline	*dl = arg;
	uint64_t	 expirations;

	(void)events;
	if (read(fd, &expirations, sizeof expirations) != sizeof expirations)
		return;		/* the clock was set; the timer still stands */
	deadline_fire(dl, dl->abs_which);
}

/* Arms a libevent timer to fire after ns. */
int
timer_arm(struct event *ev, nsec_t ns)
{
	struct timeval	tv;

	tv.tv_sec = ns / NSEC_PER_SEC;
	tv.tv_usec = ns % NSEC_PER_SEC / 1000;
	return evtimer_add(ev, &tv);
}

/*
 * Arms the timers: rel at that CLOCK_MONOTONIC time, own and inherited at
 * those wall-clock times. NSEC_NONE for any that does not apply. The
 * callback runs once, for whichever comes first, and says whose it was.
 */
struct deadline *
deadline_arm(struct event_base *base, nsec_t rel, nsec_t own, nsec_t inherited,
    deadline_cb *cb, void *arg)
{
	struct deadline		*dl;
	nsec_t			 abs;

	dl = xcalloc(1, sizeof *dl);
	dl->rfd = dl->tfd = -1;
	dl->cb = cb;
	dl->arg = arg;
	if (rel != NSEC_NONE && (dl->rfd = deadline_timer(dl, base,
	    CLOCK_MONOTONIC, rel, &dl->ev_rel, deadline_on_rel)) == -1)
		goto fail;

	/* The ancestor's deadline wins a tie: its signal and grace govern. */
	abs = inherited <= own ? inherited : own;
	dl->abs_which = inherited <= own ? DEADLINE_INHERITED : DEADLINE_OWN;
	if (abs == NSEC_NONE)
		return dl;
	if ((dl->tfd = deadline_timer(dl, base, CLOCK_REALTIME, abs,
	    &dl->ev_abs, deadline_on_abs)) == -1)
		goto fail;
	return dl;

fail:
	deadline_free(dl);
	return NULL;
}

void
deadline_free(struct deadline *dl)
{
	if (dl == NULL)
		return;
	if (dl->ev_rel != NULL)
		event_free(dl->ev_rel);
	if (dl->ev_abs != NULL)
		event_free(dl->ev_abs);
	if (dl->rfd != -1)
		close(dl->rfd);
	if (dl->tfd != -1)
		close(dl->tfd);
	free(dl);
}
