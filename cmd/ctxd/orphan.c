/*
 * orphan.c: ctxd ends a job whose ctxrun is gone (killed with SIGKILL, or
 * dead while ctxd was down), through the job's cgroup: the first signal to
 * every process in it, SIGKILL to the cgroup after the grace, and the
 * cgroup removed once it is empty. Without a cgroup there is nothing ctxd
 * can reach safely; the command itself had a parent-death signal.
 */
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctxd.h"

struct orphan {
	struct cgroup	*cg;
	struct event	*ev_grace;
	struct event	*ev_events;	/* cgroup.events changed */
	struct event	*ev_done;	/* tells the caller, from the loop */
	orphan_cb	*cb;
	void		*arg;
};

static void
orphan_on_done(evutil_socket_t fd, short events, void *arg)
{
	struct orphan	*o = arg;

	(void)fd;
	(void)events;
	o->cb(o, o->arg);
}

/* Empty: remove the cgroup, and say so on the next turn of the loop. */
static void
orphan_check(struct orphan *o)
{
	char	buf[256];

	while (read(event_get_fd(o->ev_events), buf, sizeof buf) > 0)
		;
	if (cgroup_populated(o->cg) == 1)
		return;
	event_del(o->ev_events);
	event_del(o->ev_grace);
	cgroup_destroy(o->cg);
	o->cg = NULL;
	event_active(o->ev_done, EV_TIMEOUT, 0);
}

static void
orphan_on_events(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	orphan_check(arg);
}

static void
orphan_on_grace(evutil_socket_t fd, short events, void *arg)
{
	struct orphan	*o = arg;

	(void)fd;
	(void)events;
	cgroup_kill(o->cg);
}

/*
 * Ends the job in the cgroup at path with sig, then SIGKILL after grace;
 * cb is called once it is empty. Returns NULL if path is not a job's
 * cgroup ctxd can use (gone already, or not a cgroup of ctx's).
 */
struct orphan *
orphan_end(struct event_base *base, const char *path, int sig, nsec_t grace,
    orphan_cb *cb, void *arg)
{
	struct orphan	*o;
	struct proclist	 seen = { 0 };

	o = xcalloc(1, sizeof *o);
	o->cb = cb;
	o->arg = arg;
	if ((o->cg = cgroup_attach(path)) == NULL)
		goto fail;
	o->ev_grace = evtimer_new(base, orphan_on_grace, o);
	o->ev_done = event_new(base, -1, 0, orphan_on_done, o);
	o->ev_events = event_new(base, cgroup_events_fd(o->cg),
	    EV_READ | EV_PERSIST, orphan_on_events, o);
	if (o->ev_grace == NULL || o->ev_done == NULL || o->ev_events == NULL ||
	    event_add(o->ev_events, NULL) == -1)
		goto fail;
	if (sig == SIGKILL || grace <= 0)
		cgroup_kill(o->cg);
	else {
		(void)cgroup_signal(o->cg, sig, 1, &seen);
		proclist_free(&seen);
		timer_arm(o->ev_grace, grace);
	}
	orphan_check(o);
	return o;

fail:
	orphan_free(o);
	return NULL;
}

void
orphan_free(struct orphan *o)
{
	if (o == NULL)
		return;
	if (o->ev_grace != NULL)
		event_free(o->ev_grace);
	if (o->ev_events != NULL)
		event_free(o->ev_events);
	if (o->ev_done != NULL)
		event_free(o->ev_done);
	if (o->cg != NULL)
		cgroup_destroy(o->cg);
	free(o);
}
