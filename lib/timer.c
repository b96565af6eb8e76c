/*
 * timer.c: libevent timers armed in nanoseconds, for ctxd's and ctxrun's
 * timers that need no more than libevent's millisecond.
 */
#include <event2/event.h>

#include "ctx.h"

/* Arms a libevent timer to fire after ns. */
int
timer_arm(struct event *ev, nsec_t ns)
{
	struct timeval	tv;

	tv.tv_sec = ns / NSEC_PER_SEC;
	tv.tv_usec = ns % NSEC_PER_SEC / 1000;
	return evtimer_add(ev, &tv);
}
