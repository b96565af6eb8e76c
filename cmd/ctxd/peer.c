/*
 * peer.c: ctxd's connections, as tmux's proc.c. The one place that touches
 * libevent for peers: it frames each peer's messages and hands them to the
 * owner's dispatch function, queues replies (write interest is libevent's
 * bufferevent, armed only while output is queued), stops reading from a
 * peer that asks without reading, and drops a peer that breaks the
 * protocol or whose output stalls, telling the owner it is gone. It calls
 * no request handler: the owner's functions come in through peer_new().
 */
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctxd.h"
#include "proto.h"

#define PEER_OUT_MAX	(1024 * 1024)	/* queued before we stop reading */
#define PEER_STALL_S	5	/* output stuck that long: drop the peer */
/* read of a peer that hung up: a registration and an exit, at most */
#define PEER_LAST_WORDS	(2 * (PROTO_MAX + sizeof(struct proto_hdr)))

static void	peer_event(struct bufferevent *, short, void *);

static void
peer_on_drop(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	peer_free(arg);
}

/*
 * Drops a peer, saying why (NULL: it left): at once for its reads and
 * writes, and frees it on the next turn of the loop, since callers up the
 * stack may still hold it.
 */
static void
peer_drop(struct peer *p, const char *why)
{
	struct timeval	tv = { 0, 0 };

	if (p->dropped)
		return;
	if (why != NULL)
		log_warnx("client pid %d: %s: dropped", (int)p->pid, why);
	p->dropped = 1;
	bufferevent_disable(p->bev, EV_READ | EV_WRITE);
	if (event_base_once(bufferevent_get_base(p->bev), -1, EV_TIMEOUT,
	    peer_on_drop, p, &tv) == -1)
		fatalx("%s: event_base_once", __func__);
}

/*
 * Queues a message to the peer. A reply goes out whole, however long (a
 * listing of the whole tree); peer_read() stops reading from a peer with
 * more than PEER_OUT_MAX queued, and a peer whose queue does not move for
 * PEER_STALL_S is dropped: that bounds what one peer can make us hold.
 */
int
peer_send(struct peer *p, struct msgout *mo)
{
	struct evbuffer	*out = bufferevent_get_output(p->bev);
	size_t		 before = evbuffer_get_length(out);
	int		 r;

	if (p->dropped || p->hungup) {
		msgout_free(mo);
		return -1;
	}
	if ((r = msgout_send(mo, out)) == -1) {
		mo = msgout_new(MSG_FAIL);
		msgout_add(mo, "error", "reply too large (over %d bytes)",
		    PROTO_MAX);
		r = msgout_send(mo, out);
	}
	/* A subscriber's replies (ls -w lists again) are not events. */
	if (p->pushing)
		p->push_base += evbuffer_get_length(out) - before;
	return r;
}

/*
 * From now on p is pushed notices (peer_push): what is queued for it now,
 * such as a listing of the whole tree it asked for first, does not count
 * against it.
 */
void
peer_push_start(struct peer *p)
{
	p->push_base = evbuffer_get_length(bufferevent_get_output(p->bev));
	p->pushing = 1;
}

/*
 * Queues a notice to a peer that asked for them (a subscriber) and keeps
 * mo, which goes to the others too. Such a peer is sent to whether it
 * reads or not: one more than PEER_OUT_MAX behind is dropped rather than
 * let it grow ctxd without bound (and one that reads nothing at all is
 * dropped after PEER_STALL_S in any case).
 */
void
peer_push(struct peer *p, struct msgout *mo)
{
	struct evbuffer	*out = bufferevent_get_output(p->bev);

	if (p->dropped)
		return;
	/* What has gone out of what was not events frees no room. */
	if (p->push_base > evbuffer_get_length(out))
		p->push_base = evbuffer_get_length(out);
	if (evbuffer_get_length(out) > p->push_base + PEER_OUT_MAX) {
		peer_drop(p, "too far behind on events");
		return;
	}
	if (msgout_frame(mo, out) == -1)
		log_warnx("client pid %d: notice %u too large: not sent",
		    (int)p->pid, (unsigned)mo->type);
}

void
peer_ok(struct peer *p, long long count)
{
	struct msgout	*mo = msgout_new(MSG_OK);

	msgout_add(mo, "count", "%lld", count);
	peer_send(p, mo);
}

void
peer_fail(struct peer *p, int notfound, const char *fmt, ...)
{
	struct msgout	*mo = msgout_new(MSG_FAIL);
	char		*text;
	va_list		 ap;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) == -1)
		fatal("%s: vasprintf", __func__);
	va_end(ap);
	msgout_adds(mo, "error", text);
	if (notfound)
		msgout_add(mo, "notfound", "1");
	free(text);
	peer_send(p, mo);
}

static void
peer_read(struct bufferevent *bev, void *arg)
{
	struct peer	*p = arg;
	struct msg	 m;
	const char	*cause;
	int		 r, known;

	for (;;) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) >
		    PEER_OUT_MAX) {
			/* Asking without reading: no more until it reads. */
			bufferevent_disable(bev, EV_READ);
			p->throttled = 1;
			return;
		}
		if ((r = msg_frame(bufferevent_get_input(bev), &m, &cause)) != 1)
			break;
		log_debug("client pid %d: request %u", (int)p->pid,
		    (unsigned)m.type);
		known = p->dispatch(p, &m);
		msg_free(&m);
		if (known == -1) {
			cause = "unknown message type";
			r = -1;
			break;
		}
		if (p->dropped || p->finish != NULL)
			return;
	}
	if (r == -1)
		peer_drop(p, cause);
}

/*
 * Output has drained: a throttled peer may ask again, and a finishing one
 * has had its last word.
 */
static void
peer_written(struct bufferevent *bev, void *arg)
{
	struct peer	*p = arg;

	if (p->dropped)
		return;
	if (p->finish != NULL) {
		p->finish(p);
		return;
	}
	if (p->throttled) {
		p->throttled = 0;
		bufferevent_enable(bev, EV_READ);
		peer_read(bev, p);
	}
}

/*
 * A peer that hung up may have said its last words first: a ctxrun whose
 * job ended at once sends how it ended and closes without waiting for the
 * answer to its registration, and the write of that answer fails (EPIPE)
 * before the loop reads on. So what is still in the socket is read and
 * handled before the peer goes; the answers have nowhere to go. A peer
 * that shut its reading side and writes on is read no further than the
 * last words of a job could take.
 */
static void
peer_last_words(struct peer *p)
{
	struct evbuffer	*in = bufferevent_get_input(p->bev);
	struct evbuffer	*out = bufferevent_get_output(p->bev);
	evutil_socket_t	 fd = bufferevent_getfd(p->bev);

	p->hungup = 1;
	evbuffer_drain(out, evbuffer_get_length(out));
	/* A bufferevent freezes the end of its input to all but itself. */
	evbuffer_unfreeze(in, 0);
	while (evbuffer_get_length(in) < PEER_LAST_WORDS &&
	    evbuffer_read(in, fd, (int)(PEER_LAST_WORDS -
	    evbuffer_get_length(in))) > 0)
		;
	evbuffer_freeze(in, 0);
	if (!p->dropped && p->finish == NULL)
		peer_read(p->bev, p);
}

static void
peer_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & BEV_EVENT_TIMEOUT)
		peer_drop(arg, "does not read");
	else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		peer_last_words(arg);
		peer_drop(arg, NULL);	/* it hung up: nothing to say */
	}
}

/*
 * Takes on a connection from uid and pid: each message it sends goes to
 * dispatch, which returns -1 for a type it does not know; gone is called
 * once the peer has left or been dropped, just before it is freed.
 */
struct peer *
peer_new(struct event_base *base, int fd, uid_t uid, pid_t pid,
    peer_dispatch_cb *dispatch, peer_gone_cb *gone)
{
	static const struct timeval	 write_timeout = { PEER_STALL_S, 0 };
	struct peer			*p;

	p = xcalloc(1, sizeof *p);
	p->uid = uid;
	p->pid = pid;
	p->dispatch = dispatch;
	p->gone = gone;
	p->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (p->bev == NULL)
		fatalx("%s: bufferevent", __func__);
	bufferevent_setcb(p->bev, peer_read, peer_written, peer_event, p);
	bufferevent_set_timeouts(p->bev, NULL, &write_timeout);
	bufferevent_enable(p->bev, EV_READ);
	return p;
}

/*
 * The peer's last request: read no more from it, and call fn once what is
 * queued for it has gone out.
 */
void
peer_finish(struct peer *p, peer_gone_cb *fn)
{
	bufferevent_disable(p->bev, EV_READ);
	p->finish = fn;
}

/* Frees a peer now, after telling its owner it is gone. */
void
peer_free(struct peer *p)
{
	p->gone(p);
	bufferevent_free(p->bev);
	free(p);
}
