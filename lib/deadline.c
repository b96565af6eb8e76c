/*
 * deadline.c: the timers that end a context. A relative timeout runs on the
 * monotonic clock (a libevent timer), so setting the wall clock neither
 * hastens nor delays it; an absolute deadline, the node's own --deadline or
 * the one inherited from its parent, runs on the wall clock through a
 * CLOCK_REALTIME timerfd, which the kernel re-evaluates when the clock is set.
 */
#include <sys/timerfd.h>

#include <event2/event.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctx.h"

struct deadline {
	struct event	*ev_rel;	/* own --timeout, monotonic */
	struct event	*ev_abs;	/* earliest absolute deadline */
	int		 tfd;
	int		 abs_which;	/* whose the absolute deadline is */
	deadline_cb	*cb;
	void		*arg;
};

static void
deadline_fire(struct deadline *dl, int which)
{
	evtimer_del(dl->ev_rel);
	if (dl->ev_abs != NULL)
		event_del(dl->ev_abs);
	dl->cb(which, dl->arg);
}

static void
deadline_on_rel(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	deadline_fire(arg, DEADLINE_OWN);
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

/*
 * Arms the timers: rel from now on the monotonic clock, own and inherited
 * at those wall-clock times. NSEC_NONE for any that does not apply. The
 * callback runs once, for whichever comes first, and says whose it was.
 */
struct deadline *
deadline_arm(struct event_base *base, nsec_t rel, nsec_t own, nsec_t inherited,
    deadline_cb *cb, void *arg)
{
	struct deadline		*dl;
	struct itimerspec	 its = { 0 };
	struct timeval		 tv;
	nsec_t			 abs;

	dl = xcalloc(1, sizeof *dl);
	dl->tfd = -1;
	dl->cb = cb;
	dl->arg = arg;
	dl->ev_rel = evtimer_new(base, deadline_on_rel, dl);
	if (dl->ev_rel == NULL)
		goto fail;
	if (rel != NSEC_NONE) {
		tv.tv_sec = rel / NSEC_PER_SEC;
		tv.tv_usec = rel % NSEC_PER_SEC / 1000;
		if (evtimer_add(dl->ev_rel, &tv) == -1)
			goto fail;
	}

	/* The ancestor's deadline wins a tie: its signal and grace govern. */
	abs = inherited <= own ? inherited : own;
	dl->abs_which = inherited <= own ? DEADLINE_INHERITED : DEADLINE_OWN;
	if (abs == NSEC_NONE)
		return dl;
	dl->tfd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (dl->tfd == -1)
		goto fail;
	dl->ev_abs = event_new(base, dl->tfd, EV_READ | EV_PERSIST,
	    deadline_on_abs, dl);
	its.it_value.tv_sec = abs / NSEC_PER_SEC;
	its.it_value.tv_nsec = abs % NSEC_PER_SEC;
	if (dl->ev_abs == NULL ||
	    timerfd_settime(dl->tfd, TFD_TIMER_ABSTIME, &its, NULL) == -1 ||
	    event_add(dl->ev_abs, NULL) == -1)
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
	if (dl->tfd != -1)
		close(dl->tfd);
	free(dl);
}
