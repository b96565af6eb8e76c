/*
 * server.c: ctxd's side of the socket. The one place that touches libevent
 * for peers: it accepts, checks each peer's uid, frames its messages and
 * hands each request to its handler (server-req.c, server-job.c); write
 * interest is libevent's bufferevent, armed only while output is queued. A
 * peer that breaks the protocol is dropped; the daemon goes on.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "proto.h"
#include "server.h"

#define ACCEPT_PAUSE_MS	100	/* after EMFILE */
#define PEER_OUT_MAX	(1024 * 1024)	/* queued before we stop reading */
#define PEER_STALL_S	5	/* output stuck that long: drop the peer */

struct event_base		*srv_base;
static struct evconnlistener	*srv_listener;
static struct event		*srv_resume;	/* accept again after EMFILE */
static struct event		*srv_idle;
static int			 srv_starved;	/* out of fds, said so */
const struct config		*srv_config;
static char			*srv_path;
static nsec_t			 srv_started;
static TAILQ_HEAD(, peer)	 peers = TAILQ_HEAD_INITIALIZER(peers);
static size_t			 npeers;

static void	peer_free(struct peer *);
static void	peer_event(struct bufferevent *, short, void *);
static void	server_idle_check(void);

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
	if (event_base_once(srv_base, -1, EV_TIMEOUT, peer_on_drop, p, &tv) == -1)
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

	if (p->dropped) {
		msgout_free(mo);
		return -1;
	}
	if (msgout_send(mo, out) == 0)
		return 0;
	mo = msgout_new(MSG_FAIL);
	msgout_add(mo, "error", "reply too large (over %d bytes)", PROTO_MAX);
	return msgout_send(mo, out);
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
handle_daemon(struct peer *p, const struct msg *m)
{
	struct msgout	*mo = msgout_new(MSG_NODE);

	(void)m;
	msgout_add(mo, "pid", "%d", (int)getpid());
	msgout_adds(mo, "socket", srv_path);
	msgout_add(mo, "uptime", "%lld", (long long)(clock_mono() - srv_started));
	msgout_add(mo, "contexts", "%zu", tree_live());
	msgout_add(mo, "nodes", "%zu", tree_size());
	msgout_add(mo, "clients", "%zu", npeers);
	peer_send(p, mo);
}

/* The reply to MSG_STOP has gone out: now stop. */
static void
stop_written(struct bufferevent *bev, void *arg)
{
	(void)bev;
	(void)arg;
	event_base_loopexit(srv_base, NULL);
}

static void
handle_stop(struct peer *p, const struct msg *m)
{
	(void)m;
	log_info("stopped by pid %d", (int)p->pid);
	bufferevent_disable(p->bev, EV_READ);
	bufferevent_setcb(p->bev, NULL, stop_written, peer_event, p);
	peer_ok(p, 0);
}

static const struct handler {
	uint16_t	  type;
	void		(*fn)(struct peer *, const struct msg *);
} handlers[] = {
	{ MSG_NEW,	handle_new },
	{ MSG_LIST,	handle_list },
	{ MSG_STATUS,	handle_status },
	{ MSG_ENV,	handle_status },
	{ MSG_CANCEL,	handle_cancel },
	{ MSG_WAIT,	handle_wait },
	{ MSG_EXIT,	handle_exit },
	{ MSG_DAEMON,	handle_daemon },
	{ MSG_STOP,	handle_stop },
	{ MSG_JOB,	handle_job },
	{ MSG_REJOIN,	handle_rejoin },
};

static void
peer_read(struct bufferevent *bev, void *arg)
{
	struct peer	*p = arg;
	struct msg	 m;
	const char	*cause;
	size_t		 i;
	uint16_t	 type;
	int		 r;

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
		for (i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
			if (handlers[i].type == m.type)
				break;
		}
		if (i == sizeof handlers / sizeof handlers[0]) {
			msg_free(&m);
			cause = "unknown message type";
			r = -1;
			break;
		}
		log_debug("client pid %d: request %u", (int)p->pid,
		    (unsigned)m.type);
		handlers[i].fn(p, &m);
		type = m.type;
		msg_free(&m);
		if (p->dropped || type == MSG_STOP)
			return;
	}
	if (r == -1)
		peer_drop(p, cause);
}

/* Output has drained: a throttled peer may ask again. */
static void
peer_written(struct bufferevent *bev, void *arg)
{
	struct peer	*p = arg;

	if (p->throttled && !p->dropped) {
		p->throttled = 0;
		bufferevent_enable(bev, EV_READ);
		peer_read(bev, p);
	}
}

static void
peer_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & BEV_EVENT_TIMEOUT)
		peer_drop(arg, "does not read");
	else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		peer_drop(arg, NULL);	/* it hung up: nothing to say */
}

/* A peer has gone: a job it ran is lost, waits it made are dropped. */
static void
peer_free(struct peer *p)
{
	struct node	*n;
	size_t		 i;

	if ((n = p->job) != NULL) {
		n->peer = NULL;
		p->job = NULL;
		server_job_lost(n);
	}
	for (i = 0; i < p->waiting.n; i++)
		p->waiting.v[i]->waited--;
	free(p->waiting.v);
	TAILQ_REMOVE(&peers, p, entry);
	npeers--;
	bufferevent_free(p->bev);
	free(p);
	server_idle_check();
}

static void
server_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	static const struct timeval	 write_timeout = { PEER_STALL_S, 0 };
	struct ucred			 cred;
	socklen_t			 len = sizeof cred;
	struct peer			*p;

	(void)l;
	(void)sa;
	(void)salen;
	(void)arg;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    (cred.uid != getuid() && cred.uid != 0)) {
		log_warnx("refused a client of uid %d",
		    len == sizeof cred ? (int)cred.uid : -1);
		close(fd);
		return;
	}
	srv_starved = 0;
	p = xcalloc(1, sizeof *p);
	p->uid = cred.uid;
	p->pid = cred.pid;
	p->bev = bufferevent_socket_new(srv_base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (p->bev == NULL)
		fatalx("%s: bufferevent", __func__);
	bufferevent_setcb(p->bev, peer_read, peer_written, peer_event, p);
	bufferevent_set_timeouts(p->bev, NULL, &write_timeout);
	bufferevent_enable(p->bev, EV_READ);
	TAILQ_INSERT_TAIL(&peers, p, entry);
	npeers++;
	if (srv_idle != NULL)
		evtimer_del(srv_idle);
}

/* Out of fds: stop accepting for a moment rather than spin on the error. */
static void
server_accept_error(struct evconnlistener *l, void *arg)
{
	struct timeval	tv = { 0, ACCEPT_PAUSE_MS * 1000 };

	(void)arg;
	if (errno == EMFILE || errno == ENFILE) {
		/* Once for each run of failures, not every pause. */
		if (!srv_starved)
			log_warnx("accept: %s: pausing", strerror(errno));
		srv_starved = 1;
		evconnlistener_disable(l);
		evtimer_add(srv_resume, &tv);
	}
}

static void
server_on_resume(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	evconnlistener_enable(srv_listener);
}

/* A node has ended: answer the waits that were waiting for it. */
static void
server_ended(struct node *n)
{
	struct peer	*p, *next;

	state_gone(n);
	if (tree_waited(n)) {
		for (p = TAILQ_FIRST(&peers); p != NULL; p = next) {
			next = TAILQ_NEXT(p, entry);
			if (p->waiting.n > 0)
				wait_check(p);
		}
	}
	server_idle_check();
}

static void
server_on_idle(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	log_info("idle for a while: exiting");
	event_base_loopexit(srv_base, NULL);
}

/* With no client and no live context, exit after idle_exit (0: never). */
static void
server_idle_check(void)
{
	nsec_t	t = srv_config->idle_exit;

	if (npeers > 0 || tree_live() > 0 || t == 0)
		return;
	timer_arm(srv_idle, t);
}

static const struct tree_hooks server_hooks = {
	server_cancel_job,
	server_ended,
};

/*
 * Listens at path: bound under a temporary name and renamed into place
 * once it listens, so that the socket appearing (which a job's ctxrun
 * waits for, to rejoin) means it answers.
 */
static int
server_bind(struct event_base *base, const char *path, char **cause)
{
	struct sockaddr_un	sun;
	int			fd;
	mode_t			old;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof sun.sun_path, "%s.new", path) >=
	    (int)sizeof sun.sun_path) {
		xasprintf(cause, "%s: path too long", path);
		return -1;
	}
	unlink(sun.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	old = umask(0177);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		umask(old);
		xasprintf(cause, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	umask(old);
	/*
	 * A backlog as deep as the system allows: a burst of clients (a
	 * thousand jobs starting at once) waits in it rather than fails.
	 */
	srv_listener = evconnlistener_new(base, server_accept, NULL,
	    LEV_OPT_CLOSE_ON_FREE, SOMAXCONN, fd);
	if (srv_listener == NULL || rename(sun.sun_path, path) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		unlink(sun.sun_path);
		return -1;
	}
	evconnlistener_set_error_cb(srv_listener, server_accept_error);
	return 0;
}

/*
 * Takes on the tree saved beside path, and listens there. Another daemon
 * answering there is an error; a socket nobody answers on is stale and
 * replaced.
 */
int
server_listen(struct event_base *base, const struct config *conf,
    const char *path, char **cause)
{
	int	fd;

	if ((fd = client_connect_once(path, client_until(conf))) != -1) {
		close(fd);
		xasprintf(cause, "%s: a daemon is running there already", path);
		return -1;
	}
	srv_base = base;
	srv_config = conf;
	srv_path = xstrdup(path);
	srv_started = clock_mono();
	srv_resume = evtimer_new(base, server_on_resume, NULL);
	srv_idle = evtimer_new(base, server_on_idle, NULL);
	tree_init(base, &server_hooks, conf->history);
	if (state_open(base, path, cause) == -1)
		return -1;
	server_adopt();
	if (server_bind(base, path, cause) == -1)
		return -1;
	server_call_back();
	signal(SIGPIPE, SIG_IGN);
	server_idle_check();
	return 0;
}

/* Stops listening and removes the socket. */
void
server_close(void)
{
	struct peer	*p;

	while ((p = TAILQ_FIRST(&peers)) != NULL) {
		if (p->job != NULL)	/* its ctxrun keeps its deadline */
			p->job->peer = NULL;
		p->job = NULL;
		peer_free(p);
	}
	if (srv_listener != NULL)
		evconnlistener_free(srv_listener);
	if (srv_path != NULL)
		unlink(srv_path);
	free(srv_path);
	state_close();
	tree_close();
}
