/*
 * server.c: ctxd's side of the socket. It listens, checks each client's
 * uid, takes it on as a peer (peer.c) and hands each of its requests to
 * its handler (server-req.c, server-job.c); it keeps the list of peers,
 * answers the daemon's own requests, and exits when idle.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxd.h"
#include "proto.h"

#define ACCEPT_PAUSE_MS	100	/* after EMFILE */
#define REQ_MARGIN	(250 * NSEC_PER_MSEC)	/* server_too_late() */
static struct event_base	*srv_base;
static struct evconnlistener	*srv_listener;
static struct event		*srv_resume;	/* accept again after EMFILE */
static struct event		*srv_idle;
static int			 srv_starved;	/* out of fds, said so */
static const struct config	*srv_config;
static char			*srv_path;
static int			 srv_activated;	/* systemd's socket */
static nsec_t			 srv_started;
static TAILQ_HEAD(, peer)	 peers = TAILQ_HEAD_INITIALIZER(peers);
static size_t			 npeers;

static void	server_idle_check(void);

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
stop_written(struct peer *p)
{
	(void)p;
	event_base_loopexit(srv_base, NULL);
}

static void
handle_stop(struct peer *p, const struct msg *m)
{
	(void)m;
	log_info("stopped by pid %d", (int)p->pid);
	peer_finish(p, stop_written);
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
	{ MSG_SUBSCRIBE, handle_subscribe },
};

/*
 * Has the client of a request given up on it, or will it before our answer
 * reaches it? It stops waiting at the request's until (proto.h), and an
 * answer takes time to go out and be read: ctxd carries out no request it
 * comes to later than a margin before until, REQ_MARGIN or a quarter of the
 * client's whole wait if that is shorter (a ctxrun whose deadline is near
 * waits only that long). Such a request is dropped unanswered: its client
 * says it failed, and nothing was done. A request without until, or whose
 * times make no sense on our clock (another time namespace), is carried out.
 */
static int
server_too_late(const struct peer *p, const struct msg *m)
{
	nsec_t	until, sent, now, margin;

	if ((until = msg_num(m, "until", NSEC_NONE)) == NSEC_NONE)
		return 0;
	now = clock_mono();
	sent = msg_num(m, "sent", -1);
	if (sent < 0 || sent > now || until < sent)
		return 0;
	margin = (until - sent) / 4;
	if (margin > REQ_MARGIN)
		margin = REQ_MARGIN;
	if (now <= until - margin)
		return 0;
	log_info("client pid %d: request %u came %lld ms too late for its "
	    "client to read the answer: not carried out", (int)p->pid,
	    (unsigned)m->type,
	    (long long)((now - (until - margin)) / NSEC_PER_MSEC));
	return 1;
}

/* Hands a request to its handler; -1 for a type there is none for. */
static int
server_dispatch(struct peer *p, const struct msg *m)
{
	size_t	i;

	for (i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
		if (handlers[i].type == m->type) {
			if (!server_too_late(p, m))
				handlers[i].fn(p, m);
			return 0;
		}
	}
	return -1;
}

/* A peer has gone: a job it ran is lost, waits it made are dropped. */
static void
server_peer_gone(struct peer *p)
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
	events_remove(p);
	TAILQ_REMOVE(&peers, p, entry);
	npeers--;
	server_idle_check();
}

static void
server_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct ucred	 cred;
	socklen_t	 len = sizeof cred;
	struct peer	*p;

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
	cleanup_defer();
	p = peer_new(srv_base, fd, cred.uid, cred.pid, server_dispatch,
	    server_peer_gone);
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
	server_event("ended", n);
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
	server_go,
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
 * The socket systemd listens on for us, as sd_listen_fds(3) passes it
 * (LISTEN_PID our pid, LISTEN_FDS 1: fd 3), with its path in *path; -1 if
 * we were not given one, or, with *cause set, one that is not a Unix
 * stream socket with a path, in a directory that passes our checks.
 */
int
server_activated(char **path, char **cause)
{
	const char		*pid = getenv("LISTEN_PID");
	const char		*fds = getenv("LISTEN_FDS");
	struct sockaddr_un	 sun;
	socklen_t		 len = sizeof sun, tlen = sizeof(int);
	char			*dir;
	int			 fd = 3, type, r;

	*cause = NULL;
	if (pid == NULL || fds == NULL || atol(pid) != (long)getpid())
		return -1;
	if (strcmp(fds, "1") != 0) {
		xasprintf(cause, "LISTEN_FDS=%s: one socket expected", fds);
		return -1;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	memset(&sun, 0, sizeof sun);
	if (getsockname(fd, (struct sockaddr *)&sun, &len) == -1 ||
	    sun.sun_family != AF_UNIX || sun.sun_path[0] == '\0' ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) == -1 ||
	    type != SOCK_STREAM) {
		xasprintf(cause, "fd 3 from systemd: not a Unix stream socket "
		    "with a path");
		return -1;
	}
	/* A path of the whole sun_path's length has no NUL. */
	xasprintf(path, "%.*s", (int)strnlen(sun.sun_path,
	    sizeof sun.sun_path), sun.sun_path);
	dir = xstrdup(*path);
	r = sockdir_check(dirname(dir), 0, cause);
	free(dir);
	if (r == -1 || fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		if (*cause == NULL)
			xasprintf(cause, "fd 3: %s", strerror(errno));
		free(*path);
		return -1;
	}
	return fd;
}

/*
 * Takes on the tree saved beside path, and listens there, on fd if it is
 * not -1 (systemd's, server_activated()). Another daemon answering there
 * is an error; a socket nobody answers on is stale and replaced.
 */
int
server_listen(struct event_base *base, const struct config *conf,
    const char *path, int fd, char **cause)
{
	int	other;

	if (fd == -1 &&
	    (other = client_connect_once(path, client_until(conf))) != -1) {
		close(other);
		xasprintf(cause, "%s: a daemon is running there already", path);
		return -1;
	}
	srv_activated = fd != -1;
	srv_base = base;
	srv_config = conf;
	srv_path = xstrdup(path);
	srv_started = clock_mono();
	srv_resume = evtimer_new(base, server_on_resume, NULL);
	srv_idle = evtimer_new(base, server_on_idle, NULL);
	server_req_init(conf);
	server_job_init(base, srv_path);
	cleanup_init(base);
	tree_init(base, &server_hooks, conf->history);
	if (state_open(base, path, cause) == -1)
		return -1;
	server_adopt();
	if (fd != -1) {
		srv_listener = evconnlistener_new(base, server_accept, NULL,
		    LEV_OPT_CLOSE_ON_FREE, -1, fd);
		if (srv_listener == NULL) {
			xasprintf(cause, "%s: cannot listen", path);
			return -1;
		}
		evconnlistener_set_error_cb(srv_listener, server_accept_error);
	} else if (server_bind(base, path, cause) == -1)
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
	if (srv_path != NULL && !srv_activated)	/* systemd's, to keep */
		unlink(srv_path);
	free(srv_path);
	cleanup_close();
	state_close();
	tree_close();
}
