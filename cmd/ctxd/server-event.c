/*
 * server-event.c: subscribers, the clients that watch the tree change
 * (ctxctl events, ctxctl ls -w). Each change is one MSG_EVENT, built once
 * (server_event() in server-req.c) and queued to every subscriber by
 * peer_push(), which drops one that falls too far behind rather than
 * block ctxd or hold its backlog without bound.
 */
#include "ctxd.h"

static TAILQ_HEAD(, peer)	subscribers = TAILQ_HEAD_INITIALIZER(subscribers);
static size_t			nsubscribers;

/* From now on, p gets every change. */
void
events_add(struct peer *p)
{
	if (p->subscribed)
		return;
	p->subscribed = 1;
	TAILQ_INSERT_TAIL(&subscribers, p, sub_entry);
	nsubscribers++;
}

/* p has gone. */
void
events_remove(struct peer *p)
{
	if (!p->subscribed)
		return;
	p->subscribed = 0;
	TAILQ_REMOVE(&subscribers, p, sub_entry);
	nsubscribers--;
}

/* Is anyone listening? Otherwise no event need be built. */
int
events_wanted(void)
{
	return nsubscribers > 0;
}

/* Queues the event mo to every subscriber, and frees it. */
void
events_publish(struct msgout *mo)
{
	struct peer	*p;

	TAILQ_FOREACH(p, &subscribers, sub_entry)
		peer_push(p, mo);
	msgout_free(mo);
}
