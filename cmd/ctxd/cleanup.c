/*
 * cleanup.c: the empty cgroups of ended jobs, removed in batches.
 *
 * A job's ctxrun that could tell ctxd how its job ended leaves it the
 * job's cgroup, empty and unlocked, to remove: an rmdir in the cgroup file
 * system holds the lock that every other job's mkdir there waits for, and
 * with a thousand jobs starting and ending at once those waits were most of
 * the jobs' lateness. Here they wait until jobs come and go less: the
 * batch goes once no client has connected (a ctxrun connects just before
 * its mkdir) and no job has ended for CLEANUP_QUIET_MS, and at the latest
 * CLEANUP_MAX_MS after the first, or at exit; CLEANUP_CHUNK at a time, so
 * that requests are served in between, and a connection in between puts
 * off the rest. An rmdir holds the parent directory's lock while it runs,
 * and a ctxd that the scheduler puts aside meanwhile (SCHED_BATCH, among
 * a thousand starting jobs) held up every mkdir for up to half a second
 * (perf sched, in make bench's burst). A cgroup a ctxrun holds
 * again, or that is not empty, is left alone; one that a dying daemon
 * never removed is swept by the next at its start.
 */
#include <event2/event.h>
#include <stdlib.h>

#include "ctxd.h"

#define CLEANUP_QUIET_MS	100
#define CLEANUP_MAX_MS		5000	/* a burst of jobs outlasts a second */
#define CLEANUP_CHUNK		64	/* removed in one turn of the loop */
#define CLEANUP_BATCH_MAX	4096	/* more waiting: removed at once */

static struct event	*ev_cleanup;
static char		**left;		/* paths of cgroups to remove */
static size_t		 nleft;
static nsec_t		 first_at;	/* when the oldest was left */

/* Removes the last max cgroups left so far (0: all). */
static void
cleanup_remove(size_t max)
{
	while (nleft > 0 && (max == 0 || max-- > 0)) {
		nleft--;
		if (cgroup_remove_left(left[nleft]) == -1)
			log_warnx("not a job's cgroup: %s", left[nleft]);
		free(left[nleft]);
	}
}

static void
cleanup_on_timer(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	cleanup_remove(CLEANUP_CHUNK);
	if (nleft > 0)
		timer_arm(ev_cleanup, 0);	/* the next turn of the loop */
}

void
cleanup_init(struct event_base *base)
{
	if ((ev_cleanup = evtimer_new(base, cleanup_on_timer, NULL)) == NULL)
		fatalx("%s: evtimer_new", __func__);
}

/* Arms the batch for CLEANUP_QUIET_MS from now, or its latest time. */
static void
cleanup_arm(void)
{
	nsec_t	now = clock_mono(), wait;

	wait = CLEANUP_QUIET_MS * NSEC_PER_MSEC;
	if (first_at + CLEANUP_MAX_MS * NSEC_PER_MSEC - now < wait)
		wait = first_at + CLEANUP_MAX_MS * NSEC_PER_MSEC - now;
	timer_arm(ev_cleanup, wait > 0 ? wait : 0);
}

/* The cgroup at path, a job's, is left to us to remove. */
void
cleanup_add(const char *path)
{
	if (nleft == CLEANUP_BATCH_MAX)
		cleanup_remove(0);
	if (nleft == 0)
		first_at = clock_mono();
	left = xreallocarray(left, nleft + 1, sizeof *left);
	left[nleft++] = xstrdup(path);
	cleanup_arm();
}

/* A client connected: a job may be about to make its cgroup. */
void
cleanup_defer(void)
{
	if (nleft > 0)
		cleanup_arm();
}

/* At exit: what is left goes now. */
void
cleanup_close(void)
{
	cleanup_remove(0);
	free(left);
	left = NULL;
	if (ev_cleanup != NULL)
		event_free(ev_cleanup);
	ev_cleanup = NULL;
}
