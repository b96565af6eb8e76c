/*
 * orphan.c: ctxd ends a job whose ctxrun is gone (killed with SIGKILL, or
 * dead while ctxd was down): the first signal to every process of it,
 * SIGKILL after the grace, until none is left.
 *
 * Through the job's cgroup where it has one: the cgroup is killed, and
 * removed once cgroup.events says it is empty. Without one, the job's
 * processes are found by their environment (envscan.c), in a scan of all
 * of /proc: so /proc is looked at again, rather than watched, to see
 * whether any is left, to give the first signal to those forked since, and
 * after the grace to SIGKILL them until a sweep finds none. The looks in
 * the grace come less and less often: most jobs end on the first signal.
 */
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctxd.h"

#define LOOK_FIRST_MS	20	/* from the first signal to the first look */
#define LOOK_MAX_MS	500	/* the longest between looks in the grace */
#define KILL_SWEEP_MS	20	/* between SIGKILL sweeps */
#define KILL_SWEEPS	100	/* then ctxd gives up on what is left */

struct orphan {
	struct cgroup	*cg;
	struct envmatch	*em;		/* no cgroup: the job's environment */
	struct proclist	 sent;		/* given the first signal */
	int		 sig;
	int		 killing;	/* the grace is over */
	int		 sweeps;
	nsec_t		 look;		/* to the next look, in the grace */
	struct event	*ev_grace;
	struct event	*ev_events;	/* cgroup.events changed */
	struct event	*ev_look;	/* the next scan of /proc */
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

static int	orphan_look(struct orphan *);

static void
orphan_on_grace(evutil_socket_t fd, short events, void *arg)
{
	struct orphan	*o = arg;

	(void)fd;
	(void)events;
	if (o->cg != NULL) {
		cgroup_kill(o->cg);
		return;
	}
	o->killing = 1;
	evtimer_del(o->ev_look);
	orphan_look(o);
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

/*
 * Without a cgroup: a look at the job's processes in /proc, which gives the
 * first signal to those that have not had it, or in the end SIGKILL to all.
 * Returns how many are left, or -1 if /proc cannot be read; the caller is
 * told on the next turn of the loop once none is left.
 */
static int
orphan_look(struct orphan *o)
{
	int	n;

	if (o->killing)
		n = envscan(o->em, SIGKILL, NULL);
	else
		n = envscan(o->em, o->sig, &o->sent);
	if (n > 0 && o->killing && ++o->sweeps > KILL_SWEEPS) {
		log_warnx("%d processes of a lost job survive SIGKILL: "
		    "given up", n);
		n = 0;
	}
	if (n <= 0) {
		event_del(o->ev_grace);
		event_del(o->ev_look);
		event_active(o->ev_done, EV_TIMEOUT, 0);
		return n;
	}
	if (o->killing)
		timer_arm(o->ev_look, KILL_SWEEP_MS * NSEC_PER_MSEC);
	else {
		timer_arm(o->ev_look, o->look);
		if ((o->look *= 2) > LOOK_MAX_MS * NSEC_PER_MSEC)
			o->look = LOOK_MAX_MS * NSEC_PER_MSEC;
	}
	return n;
}

static void
orphan_on_look(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	orphan_look(arg);
}

/*
 * Ends the job whose processes em finds (and takes em) with sig, then
 * SIGKILL after grace; cb is called once none is left. Returns NULL if
 * /proc cannot be read, or there are no pidfds to signal through.
 */
struct orphan *
orphan_end_env(struct event_base *base, struct envmatch *em, int sig,
    nsec_t grace, orphan_cb *cb, void *arg)
{
	struct orphan	*o;
	int		 n;

	o = xcalloc(1, sizeof *o);
	o->em = em;
	o->sig = sig;
	o->cb = cb;
	o->arg = arg;
	o->look = LOOK_FIRST_MS * NSEC_PER_MSEC;
	o->killing = sig == SIGKILL || grace <= 0;
	o->ev_grace = evtimer_new(base, orphan_on_grace, o);
	o->ev_look = evtimer_new(base, orphan_on_look, o);
	o->ev_done = event_new(base, -1, 0, orphan_on_done, o);
	if (o->ev_grace == NULL || o->ev_look == NULL || o->ev_done == NULL)
		goto fail;
	if (!o->killing)
		timer_arm(o->ev_grace, grace);
	if ((n = orphan_look(o)) == -1)
		goto fail;
	log_info("%s to %d processes of a lost job, found by their "
	    "environment", signal_name(o->killing ? SIGKILL : sig), n);
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
	if (o->ev_look != NULL)
		event_free(o->ev_look);
	if (o->ev_done != NULL)
		event_free(o->ev_done);
	if (o->cg != NULL)
		cgroup_destroy(o->cg);
	envmatch_free(o->em);
	proclist_free(&o->sent);
	free(o);
}
