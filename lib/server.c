/*
 * server.c: ctxd's side of the socket. The one place that touches libevent
 * for peers: it accepts, checks each peer's uid, frames its messages and
 * hands each request to its handler; write interest is libevent's
 * bufferevent, armed only while output is queued. A peer that breaks the
 * protocol is dropped; the daemon goes on.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

#define ACCEPT_PAUSE_MS	100	/* after EMFILE */
#define PEER_OUT_MAX	(1024 * 1024)	/* queued before we stop reading */
#define PEER_STALL_S	5	/* output stuck that long: drop the peer */
#define VALUES_MAX	(PROTO_MAX - 4096)	/* so a node's reply fits */

struct peer {
	struct bufferevent	*bev;
	uid_t			 uid;
	pid_t			 pid;
	struct node		*job;		/* registered by this peer */
	struct nodeptrs		 waiting;	/* MSG_WAIT in progress */
	int			 dropped;	/* freed on the next turn */
	int			 throttled;	/* reads off until output drains */
	TAILQ_ENTRY(peer)	 entry;
};

static struct event_base	*srv_base;
static struct evconnlistener	*srv_listener;
static struct event		*srv_resume;	/* accept again after EMFILE */
static struct event		*srv_idle;
static int			 srv_starved;	/* out of fds, said so */
static const struct config	*srv_config;
static char			*srv_path;
static nsec_t			 srv_started;
static TAILQ_HEAD(, peer)	 peers = TAILQ_HEAD_INITIALIZER(peers);
static size_t			 npeers;

static void	peer_free(struct peer *);
static void	peer_event(struct bufferevent *, short, void *);
static void	server_idle_check(void);
static void	server_job_lost(struct node *);

static void
peer_on_drop(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	peer_free(arg);
}

/*
 * Drops a peer, saying why (NULL: it left): at once for its reads and writes, and frees it on the next
 * turn of the loop, since callers up the stack may still hold it.
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
static int
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

static void
peer_ok(struct peer *p, long long count)
{
	struct msgout	*mo = msgout_new(MSG_OK);

	msgout_add(mo, "count", "%lld", count);
	peer_send(p, mo);
}

static void
peer_fail(struct peer *p, int notfound, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
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

/* A node as MSG_NODE; with values (and pids) when full is set. */
static struct msgout *
node_msg(const struct node *n, int full)
{
	struct msgout	*mo = msgout_new(MSG_NODE);
	struct values	 vs;
	struct value	*v;
	struct proclist	 pl = { 0 };
	size_t		 i;

	msgout_add(mo, "id", "%llu", (unsigned long long)n->id);
	if (n->name != NULL)
		msgout_adds(mo, "name", n->name);
	if (n->parent != NULL)
		msgout_add(mo, "parent", "%llu",
		    (unsigned long long)n->parent->id);
	msgout_adds(mo, "state", n->state == NODE_RUNNING ? "running" : "done");
	if (n->err != NULL) {
		msgout_adds(mo, "err", n->err);
		msgout_add(mo, "status", "%d", n->status);
	}
	if (n->deadline != NSEC_NONE)
		msgout_add(mo, "deadline", "%lld", (long long)n->deadline);
	if (n->pid != 0)
		msgout_add(mo, "pid", "%d", (int)n->pid);
	if (n->cmd != NULL)
		msgout_adds(mo, "cmd", n->cmd);
	msgout_add(mo, "created", "%lld", (long long)n->created);
	msgout_adds(mo, "signal", signal_name(n->sig));
	msgout_add(mo, "grace", "%lld", (long long)n->grace);
	if (!full)
		return mo;
	values_init(&vs);
	tree_values(n, &vs);
	TAILQ_FOREACH(v, &vs, entry)
		msgout_add(mo, "v", "%s=%s", v->key, v->val);
	values_free(&vs);
	if (n->pid != 0 && n->state == NODE_RUNNING &&
	    proctree_scan(n->pid, &pl) == 0) {
		msgout_add(mo, "pids", "%d", (int)n->pid);
		for (i = 0; i < pl.n; i++)
			msgout_add(mo, "pids", "%d", (int)pl.procs[i].pid);
		proclist_free(&pl);
	}
	return mo;
}

/* Every node the "ctx" fields of m name; 0 with a reply sent if one names
 * nothing. */
static int
match_all(struct peer *p, const struct msg *m, struct nodeptrs *out)
{
	size_t	i, before;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->fields[i].key, "ctx") != 0)
			continue;
		before = out->n;
		tree_match(m->fields[i].val, out);
		if (out->n == before) {
			peer_fail(p, 1, "no context '%s'", m->fields[i].val);
			return 0;
		}
	}
	if (out->n == 0) {
		peer_fail(p, 0, "no context given");
		return 0;
	}
	return 1;
}

/* The parent a new node asks for; NULL for the root. */
static int
new_parent(struct peer *p, const struct msg *m, struct node **parent)
{
	struct nodeptrs	 np = { 0 };
	struct msgout	*mo;
	const char	*ctx = msg_get(m, "parent");

	*parent = NULL;
	if (ctx == NULL || *ctx == '\0')
		return 0;
	tree_match(ctx, &np);
	if (np.n != 1) {
		peer_fail(p, 0, np.n == 0 ? "unknown parent context '%s'" :
		    "parent context '%s' is ambiguous", ctx);
		free(np.v);
		return -1;
	}
	*parent = np.v[0];
	free(np.v);
	if ((*parent)->state != NODE_RUNNING) {
		mo = msgout_new(MSG_FAIL);
		msgout_add(mo, "error", "parent context %s has ended (%s)",
		    ctx, (*parent)->err);
		msgout_add(mo, "ended", "%d",
		    (*parent)->status == CTX_EXIT_DEADLINE ?
		    CTX_EXIT_DEADLINE : CTX_EXIT_CANCELED);
		peer_send(p, mo);
		return -1;
	}
	return 0;
}

/* Bytes the values of a new node under parent would take in a reply. */
static size_t
values_size(const struct node *parent, const struct values *own)
{
	struct values	 vs;
	struct value	*v;
	size_t		 n = 0;

	values_init(&vs);
	tree_values(parent, &vs);
	TAILQ_FOREACH(v, own, entry)
		values_set(&vs, v->key, v->val);
	TAILQ_FOREACH(v, &vs, entry)
		n += strlen(v->key) + strlen(v->val) + 4;
	values_free(&vs);
	return n;
}

/* MSG_NEW: a process-less context, or the job of a connecting ctxrun. */
static void
handle_new(struct peer *p, const struct msg *m)
{
	struct node	*parent, *n;
	struct msgout	*mo;
	struct values	 vs;
	const char	*cause, *s;
	nsec_t		 deadline, timeout, igrace;
	size_t		 i;
	int		 sig = SIGTERM, isig;

	if (p->job != NULL) {
		peer_fail(p, 0, "this connection has a job already");
		return;
	}
	if ((s = msg_get(m, "signal")) != NULL &&
	    signal_parse(s, &sig, &cause) == -1) {
		peer_fail(p, 0, "%s '%s'", cause, s);
		return;
	}
	values_init(&vs);
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->fields[i].key, "v") == 0 &&
		    values_set_pair(&vs, m->fields[i].val, &cause) == -1) {
			peer_fail(p, 0, "value '%s': %s", m->fields[i].val,
			    cause);
			values_free(&vs);
			return;
		}
	}
	if (new_parent(p, m, &parent) == -1) {
		values_free(&vs);
		return;
	}
	if (values_size(parent, &vs) > VALUES_MAX) {
		peer_fail(p, 0, "values too large (over %d bytes with the "
		    "ancestors')", VALUES_MAX);
		values_free(&vs);
		return;
	}
	deadline = msg_num(m, "deadline", NSEC_NONE);
	timeout = msg_num(m, "timeout", 0);
	if (timeout > 0 && clock_real() + timeout < deadline)
		deadline = clock_real() + timeout;

	n = tree_new(parent, state_id_next(), msg_get(m, "name"), deadline);
	n->sig = sig;
	n->grace = msg_num(m, "grace", srv_config->grace);
	n->pid = (pid_t)msg_num(m, "pid", 0);
	if ((s = msg_get(m, "cmd")) != NULL)
		n->cmd = xstrdup(s);
	TAILQ_CONCAT(&n->values, &vs, entry);
	if (n->pid != 0) {
		n->job = nodejob_new();
		(void)proc_start(n->pid, &n->job->start);
		n->peer = p;
		p->job = n;
	} else if (tree_arm(n) == -1)
		fatal("%s: timer", __func__);
	state_node(n);
	log_info("context %llu made (%s, parent %llu) by pid %d",
	    (unsigned long long)n->id, n->pid != 0 ? "job" : "no process",
	    parent != NULL ? (unsigned long long)parent->id : 0ULL,
	    (int)p->pid);
	mo = node_msg(n, 1);
	if (n->inherited) {
		tree_inherited(n, &isig, &igrace);
		msgout_adds(mo, "isig", signal_name(isig));
		msgout_add(mo, "igrace", "%lld", (long long)igrace);
	}
	peer_send(p, mo);
}

static void
list_one(struct node *n, void *arg)
{
	peer_send(arg, node_msg(n, 0));
}

static void
handle_list(struct peer *p, const struct msg *m)
{
	struct nodeptrs	np = { 0 };
	size_t		i;

	if (msg_get(m, "ctx") == NULL)
		tree_walk(NULL, list_one, p);
	else if (match_all(p, m, &np)) {
		for (i = 0; i < np.n; i++)
			tree_walk(np.v[i], list_one, p);
	} else {
		free(np.v);
		return;
	}
	free(np.v);
	peer_send(p, msgout_new(MSG_END));
}

/* MSG_STATUS and MSG_ENV: each context in full. */
static void
handle_status(struct peer *p, const struct msg *m)
{
	struct nodeptrs	np = { 0 };
	size_t		i;

	if (match_all(p, m, &np)) {
		for (i = 0; i < np.n; i++)
			peer_send(p, node_msg(np.v[i], 1));
		peer_send(p, msgout_new(MSG_END));
	}
	free(np.v);
}

static void
handle_cancel(struct peer *p, const struct msg *m)
{
	struct nodeptrs	 np = { 0 };
	const char	*s, *cause;
	size_t		 i;
	int		 sig;
	nsec_t		 grace;

	if (!match_all(p, m, &np)) {
		free(np.v);
		return;
	}
	for (i = 0; i < np.n; i++) {
		sig = np.v[i]->sig;
		grace = msg_num(m, "grace", np.v[i]->grace);
		if ((s = msg_get(m, "signal")) != NULL &&
		    signal_parse(s, &sig, &cause) == -1) {
			peer_fail(p, 0, "%s '%s'", cause, s);
			free(np.v);
			return;
		}
		log_info("context %llu cancelled by pid %d",
		    (unsigned long long)np.v[i]->id, (int)p->pid);
		tree_cancel(np.v[i], "canceled", CTX_EXIT_CANCELED, sig, grace,
		    1);
	}
	peer_ok(p, (long long)np.n);
	free(np.v);
}

/* Answers a MSG_WAIT once every node it waits for has ended. */
static void
wait_check(struct peer *p)
{
	size_t	i;

	for (i = 0; i < p->waiting.n; i++) {
		if (p->waiting.v[i]->state == NODE_RUNNING)
			return;
	}
	for (i = 0; i < p->waiting.n; i++) {
		p->waiting.v[i]->waited--;
		peer_send(p, node_msg(p->waiting.v[i], 0));
	}
	free(p->waiting.v);
	memset(&p->waiting, 0, sizeof p->waiting);
	peer_send(p, msgout_new(MSG_END));
}

static void
handle_wait(struct peer *p, const struct msg *m)
{
	size_t	i;

	if (p->waiting.n > 0) {
		peer_fail(p, 0, "already waiting");
		return;
	}
	if (!match_all(p, m, &p->waiting)) {
		free(p->waiting.v);
		memset(&p->waiting, 0, sizeof p->waiting);
		return;
	}
	for (i = 0; i < p->waiting.n; i++)
		p->waiting.v[i]->waited++;
	wait_check(p);
}

/* MSG_EXIT: the job of this connection has ended, as its ctxrun says. */
static void
handle_exit(struct peer *p, const struct msg *m)
{
	struct node	*n = p->job;
	const char	*err = msg_get(m, "err");

	if (n == NULL) {
		peer_fail(p, 0, "no job on this connection");
		return;
	}
	n->peer = NULL;
	p->job = NULL;
	tree_end(n, err != NULL ? err : "exited", (int)msg_num(m, "status", 0));
	peer_ok(p, 1);
}

/* MSG_JOB: the job of this connection has started, in that cgroup. */
static void
handle_job(struct peer *p, const struct msg *m)
{
	struct node	*n = p->job;
	const char	*cg = msg_get(m, "cgroup");

	if (n == NULL) {
		peer_fail(p, 0, "no job on this connection");
		return;
	}
	free(n->job->cgroup);
	n->job->cgroup = cg != NULL && *cg != '\0' ? xstrdup(cg) : NULL;
	state_node(n);
	peer_ok(p, 1);
}

/* Stops watching for the exit of a job's ctxrun: it is connected again. */
static void
nodejob_unwatch(struct nodejob *j)
{
	if (j->ev_gone != NULL)
		event_free(j->ev_gone);
	j->ev_gone = NULL;
	if (j->pidfd != -1)
		close(j->pidfd);
	j->pidfd = -1;
}

/* Tells a job's ctxrun to end its job. */
static void
send_cancel(struct node *n, const char *err, int sig, nsec_t grace)
{
	struct msgout	*mo = msgout_new(MSG_CANCELED);

	msgout_adds(mo, "err", err);
	msgout_adds(mo, "signal", signal_name(sig));
	msgout_add(mo, "grace", "%lld", (long long)grace);
	peer_send(n->peer, mo);
}

/*
 * MSG_REJOIN: the ctxrun of a job, whose link broke when a ctxd went
 * away, takes its node again from the ctxd that loaded the saved tree. A
 * cancel that came while it was away is passed on now.
 */
static void
handle_rejoin(struct peer *p, const struct msg *m)
{
	struct node	*n = NULL;
	const char	*id = msg_get(m, "id");
	char		*end;
	uint64_t	 v;

	if (id != NULL && *id != '\0') {
		v = strtoull(id, &end, 10);
		if (*end == '\0')
			n = tree_find(v);
	}
	if (p->job != NULL || n == NULL || n->pid == 0 || n->pid != p->pid ||
	    n->state != NODE_RUNNING || n->peer != NULL ||
	    n->job->orphan != NULL) {
		peer_fail(p, 0, "no job '%s' of pid %d to rejoin",
		    id != NULL ? id : "", (int)p->pid);
		return;
	}
	nodejob_unwatch(n->job);
	n->peer = p;
	p->job = n;
	log_info("context %llu: its ctxrun (pid %d) is back",
	    (unsigned long long)n->id, (int)p->pid);
	peer_send(p, node_msg(n, 0));
	if (n->job->cerr != NULL)
		send_cancel(n, n->job->cerr, n->job->csig, n->job->cgrace);
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

/*
 * Ends a job: its ctxrun does that when it is connected; one that is away
 * while ctxd restarted is told when it is back.
 */
static void
server_cancel_job(struct node *n, const char *err, int sig, nsec_t grace)
{
	struct nodejob	*j = n->job;

	if (n->peer != NULL) {
		send_cancel(n, err, sig, grace);
		return;
	}
	free(j->cerr);
	j->cerr = xstrdup(err);
	j->csig = sig;
	j->cgrace = grace;
}

/* The node of a job that ctxd ended itself, as a cancel says or "lost". */
static void
job_lost_end(struct node *n)
{
	const char	*err = n->job->cerr;
	int		 status = CTX_EXIT_FAILURE;

	if (err == NULL)
		err = "lost";
	else if (strcmp(err, "deadline exceeded") == 0)
		status = CTX_EXIT_DEADLINE;
	else
		status = CTX_EXIT_CANCELED;
	tree_end(n, err, status);
}

static void
server_orphan_done(struct orphan *o, void *arg)
{
	struct node	*n = arg;

	log_info("context %llu: its job has ended", (unsigned long long)n->id);
	n->job->orphan = NULL;
	orphan_free(o);
	job_lost_end(n);
}

/*
 * A job's ctxrun is gone without saying how its job ended (SIGKILL, a
 * crash): ctxd ends the job through its cgroup, on the job's own signal and
 * grace, or those of a cancel that was waiting for the ctxrun.
 */
static void
server_job_lost(struct node *n)
{
	struct nodejob	*j = n->job;
	int		 sig = j->cerr != NULL ? j->csig : n->sig;
	nsec_t		 grace = j->cerr != NULL ? j->cgrace : n->grace;

	nodejob_unwatch(j);
	if (n->state != NODE_RUNNING || j->orphan != NULL)
		return;
	log_warnx("context %llu: its ctxrun (pid %d) is gone: ending its job",
	    (unsigned long long)n->id, (int)n->pid);
	if (j->cgroup != NULL) {
		j->orphan = orphan_end(srv_base, j->cgroup, sig, grace,
		    server_orphan_done, n);
		if (j->orphan != NULL) {
			n->ending = 1;
			return;
		}
	}
	job_lost_end(n);
}

static void
server_on_gone(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	server_job_lost(arg);
}

/*
 * Watches for the exit of a job's ctxrun while it is away. Returns -1 if
 * that ctxrun is gone already (its pid dead, or another process's now).
 */
static int
nodejob_watch(struct node *n)
{
	struct nodejob		*j = n->job;
	unsigned long long	 start;

	j->pidfd = (int)syscall(SYS_pidfd_open, n->pid, 0);
	if (j->pidfd == -1 || proc_start(n->pid, &start) == -1 ||
	    start != j->start)
		return -1;
	j->ev_gone = event_new(srv_base, j->pidfd, EV_READ, server_on_gone, n);
	if (j->ev_gone == NULL || event_add(j->ev_gone, NULL) == -1)
		fatalx("%s: event", __func__);
	return 0;
}

static void
call_back(struct node *n, void *arg)
{
	(void)arg;
	if (n->job != NULL && n->job->ev_gone != NULL &&
	    syscall(SYS_pidfd_send_signal, n->job->pidfd, CTX_SIG_REJOIN, NULL,
	    0) == -1)
		log_warnx("context %llu: cannot call its ctxrun back: %s",
		    (unsigned long long)n->id, strerror(errno));
}

/*
 * Listening now: tells the ctxrun of every job of the saved tree to come
 * back. The pidfd, checked against the start time we saved, makes sure the
 * signal reaches that ctxrun and nothing else.
 */
static void
server_call_back(void)
{
	tree_walk(NULL, call_back, NULL);
}

static void
collect_live(struct node *n, void *arg)
{
	if (n->state == NODE_RUNNING)
		nodeptrs_add(arg, n);
}

/*
 * After a restart, takes on the saved tree: arms the deadlines of
 * process-less contexts (one that passed while no daemon was up fires at
 * once), and waits for each job's ctxrun to come back, or ends the job
 * now if its ctxrun died meanwhile.
 */
static void
server_adopt(void)
{
	struct nodeptrs	 np = { 0 };
	struct node	*n;
	size_t		 i;

	tree_walk(NULL, collect_live, &np);
	for (i = 0; i < np.n; i++) {
		n = np.v[i];
		if (n->state != NODE_RUNNING)
			continue;	/* ended with an ancestor */
		if (n->pid == 0) {
			if (tree_arm(n) == -1)
				fatal("%s: timer", __func__);
		} else if (nodejob_watch(n) == -1)
			server_job_lost(n);
	}
	if (np.n > 0)
		log_info("%zu contexts back from the saved tree", np.n);
	free(np.v);
}

/* A node has ended: answer the waits that were waiting for it. */
static void
server_ended(struct node *n)
{
	struct peer	*p, *next;

	state_gone(n);
	if (n->waited > 0) {
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
	struct timeval	tv;
	nsec_t		t = srv_config->idle_exit;

	if (npeers > 0 || tree_live() > 0 || t == 0)
		return;
	tv.tv_sec = t / NSEC_PER_SEC;
	tv.tv_usec = t % NSEC_PER_SEC / 1000;
	evtimer_add(srv_idle, &tv);
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
	srv_listener = evconnlistener_new(base, server_accept, NULL,
	    LEV_OPT_CLOSE_ON_FREE, 512, fd);
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

	if ((fd = client_connect_once(path)) != -1) {
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
	if (state_open(path, cause) == -1)
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
}
