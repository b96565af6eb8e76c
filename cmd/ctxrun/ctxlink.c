/*
 * ctxlink.c: a ctxrun's link to ctxd. The job registers as a node before
 * anything is started, learns its id, its effective deadline and the values
 * of its ancestors, then listens for a cancel from the tree, and says how
 * the job ended. The link is a convenience: a deadline never depends on it,
 * and when ctxd goes away the job runs on under its own timers.
 *
 * When the link breaks, the job runs on; a ctxd that starts again there
 * loads the saved tree and sends each job's ctxrun CTX_SIG_REJOIN, and the
 * job takes its node back: ctxctl sees it again, and can cancel it. (A
 * signal from the daemon, rather than watching the socket's directory:
 * inotify instances are few, and a timer would wake every waiting job.)
 * A job that ends while the link is down leaves its status in a file for
 * the next ctxd, which finds the job still running in the saved tree.
 */
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxrun.h"
#include "proto.h"

/*
 * The longest a write to ctxd may block: queued messages and the exit go
 * out on the blocking socket when ctxrun ends. A rejoin's connect(2) runs
 * on the loop, and may wait only for a moment.
 */
#define LINK_WRITE_WAIT		NSEC_PER_SEC
#define REJOIN_CONNECT_WAIT	(100 * NSEC_PER_MSEC)

struct ctxlink {
	int			 fd;
	struct bufferevent	*bev;
	struct event_base	*base;
	char			*path;		/* ctxd's socket */
	char			 id[ID_LEN];	/* the job's node */
	int			 rejoining;	/* MSG_REJOIN sent, no reply */
	int			 pending;	/* MSG_NEW sent, no reply */
	int			 refused;	/* ... and ctxd said no, or to
						   MSG_REJOIN */
	char			*error;		/* why ctxd refused the job */
	struct msgout		*reg;		/* MSG_NEW of a started job,
						   not sent yet */
	char			*cgroup;	/* ... sent in it: to say again
						   to a ctxd that ignored it */
	int			 old_ctxd;	/* ... which removes no cgroup */
	char			*cause;		/* why ctxd cancelled it */
	int			 sync_exit;	/* ctxd hears of the end before
						   ctxlink_close() returns */
	ctxlink_cb		*cb;
	void			*arg;
};

static void	link_job(struct ctxlink *, const char *);
static void	link_read(struct bufferevent *, void *);
static void	link_event(struct bufferevent *, short, void *);

static void
link_fill(struct msgout *mo, const struct ctxlink_req *req)
{
	char			*cmd;

	if (req->name != NULL)
		msgout_adds(mo, "name", req->name);
	if (req->parent != NULL)
		msgout_adds(mo, "parent", req->parent);
	if (req->deadline != NSEC_NONE)
		msgout_add(mo, "deadline", "%lld", (long long)req->deadline);
	if (req->timeout != NSEC_NONE)
		msgout_add(mo, "timeout", "%lld", (long long)req->timeout);
	if (req->id != NULL)
		msgout_adds(mo, "id", req->id);
	if (req->orphan)
		msgout_add(mo, "orphan", "1");
	if (req->can_wait)
		msgout_add(mo, "canwait", "1");
	if (req->nocancel)
		msgout_add(mo, "nocancel", "1");
	msgout_adds(mo, "signal", signal_name(req->sig));
	msgout_add(mo, "grace", "%lld", (long long)req->grace);
	msgout_add(mo, "pid", "%d", (int)getpid());
	cmd = msg_cut(req->cmd, PROTO_CMD_MAX);	/* to show: its start will do */
	msgout_adds(mo, "cmd", cmd);
	free(cmd);
	values_msg_add(mo, req->values);
}

/* Takes what ctxd says of the new node into rep. */
static void
link_reply(const struct msg *m, struct ctxlink_rep *rep)
{
	const char	*s, *cause;

	snprintf(rep->id, sizeof rep->id, "%s", msg_get(m, "id"));
	s = msg_get(m, "parent");
	snprintf(rep->parent, sizeof rep->parent, "%s", s != NULL ? s : "");
	s = msg_get(m, "tree");
	snprintf(rep->tree, sizeof rep->tree, "%s", s != NULL ? s : "");
	rep->deadline = msg_num(m, "deadline", NSEC_NONE);
	rep->inherited = msg_get(m, "isig") != NULL;
	s = msg_get(m, "iof");
	snprintf(rep->iof, sizeof rep->iof, "%s", s != NULL ? s : "");
	rep->wait = (int)msg_num(m, "wait", 0);
	rep->group = msg_num(m, "group", 0) != 0;
	if (rep->inherited) {
		if (signal_parse(msg_get(m, "isig"), &rep->isig, &cause) == -1)
			rep->isig = SIGTERM;
		rep->igrace = msg_num(m, "igrace", 10 * NSEC_PER_SEC);
	}
	/* ctxd checked them: it sends none that is bad. */
	(void)values_msg_read(&rep->values, m, &s, &cause);
}

/*
 * Too large to send is said, not taken for no daemon: the job would run
 * outside its context without a word.
 */
static int
link_too_large(const struct msgout *mo, const struct ctxlink_req *req,
    const char *path, char **cause)
{
	size_t	len = mo->len - sizeof(struct proto_hdr), bytes, count;

	if (strcmp(path, CLIENT_NO_SOCKET) == 0)
		return 0;
	if (len > PROTO_MAX) {
		xasprintf(cause, "registration too large for ctxd: %zu bytes "
		    "(name and values), over its limit of %d", len, PROTO_MAX);
		return 1;
	}
	/* As ctxd would say, before a job that does not wait starts. */
	values_measure(req->values, &bytes, &count);
	if (bytes > PROTO_VALUES_MAX)
		xasprintf(cause, "values too large (over %d bytes)",
		    PROTO_VALUES_MAX);
	else if (count > PROTO_VALUES_FIELDS)
		xasprintf(cause, "too many values (over %d)",
		    PROTO_VALUES_FIELDS);
	return bytes > PROTO_VALUES_MAX || count > PROTO_VALUES_FIELDS;
}

/*
 * Connects to ctxd at path, starting ctxd if need be, by until on the
 * monotonic clock, with the registration made: in *reg for a job that
 * runs already (req->started), whose registration goes out with its cgroup
 * once it has started; else sent. Returns the connected fd, or -1: with
 * *refused set if the registration is one ctxd cannot take, else there is
 * no daemon, or none that took the connection in time; *cause says why.
 *
 * As PID 1 of a PID namespace, or inside a job, ctxrun starts no ctxd
 * (client_connect()): one started there would be adopted by a subreaper
 * and taken for a job's, and one in the namespace dies with it. A daemon
 * that listens already is joined.
 */
static int
link_register(const char *path, const struct ctxlink_req *req, nsec_t until,
    struct msgout **reg, int *refused, char **cause)
{
	struct msgout	*mo;
	int		 fd;

	*refused = 0;
	mo = msgout_new(MSG_NEW);
	link_fill(mo, req);
	/*
	 * Too late for us, ctxd makes no job we would not know of; a job
	 * that runs already waits for no answer, and is always taken.
	 */
	if (!req->started)
		msgout_until(mo, until);
	if (link_too_large(mo, req, path, cause)) {
		*refused = 1;
		msgout_free(mo);
		return -1;
	}
	/* The fd comes bound by until: the write too. */
	if ((fd = client_connect(path, 1, until, cause)) == -1) {
		msgout_free(mo);
		return -1;
	}
	if (req->started) {
		*reg = mo;
		return fd;
	}
	if (msgout_write(mo, fd) == -1) {
		xasprintf(cause, "ctxd: cannot write to it");
		close(fd);
		return -1;
	}
	return fd;
}

static struct ctxlink *
link_new(int fd, const char *path, const char *id)
{
	struct ctxlink	*l;

	/* The loop never waits on ctxd; ctxlink_close() does, this long. */
	(void)client_bound(fd, clock_mono() + LINK_WRITE_WAIT);
	l = xcalloc(1, sizeof *l);
	l->fd = fd;
	l->path = xstrdup(path);
	snprintf(l->id, sizeof l->id, "%s", id);
	return l;
}

/*
 * Registers a job with ctxd at path, and waits for the answer: by until,
 * as link_register(). Returns the link, or NULL: with *refused set if ctxd
 * said no (*cause says why, and *ended the exit status if the parent has
 * ended), else there is no daemon, or none that answered in time.
 */
struct ctxlink *
ctxlink_open(const char *path, const struct ctxlink_req *req,
    struct ctxlink_rep *rep, nsec_t until, int *refused, int *ended,
    char **cause)
{
	struct ctxlink	*l;
	struct msg	 m;
	const char	*why;
	int		 fd;

	*ended = 0;
	if ((fd = link_register(path, req, until, NULL, refused, cause)) == -1)
		return NULL;
	if (msg_read(fd, &m, &why) == -1) {
		xasprintf(cause, "ctxd: %s", why);
		close(fd);
		return NULL;
	}
	if (m.type != MSG_NODE) {
		*refused = 1;
		*ended = (int)msg_num(&m, "ended", 0);
		xasprintf(cause, "%s", m.type == MSG_FAIL ?
		    msg_get(&m, "error") : "unexpected reply from ctxd");
		msg_free(&m);
		close(fd);
		return NULL;
	}
	link_reply(&m, rep);
	msg_free(&m);
	l = link_new(fd, path, rep->id);
	return l;
}

/*
 * Registers a job that does not wait for ctxd (req->id is its id,
 * req->started is set): the connection is made now, before the job
 * starts, and the registration goes out once it has (ctxlink_started()),
 * in one message with its cgroup. The answer comes on the loop: a parent
 * that has ended then ends the job, and a refusal leaves it on its own
 * (ctxlink_cb). Returns NULL, *refused and *cause as link_register().
 *
 * Sent later rather than now, the registration wakes ctxd while ctxrun
 * waits for its job, not while it starts it: a wakeup from a unix socket
 * brings the reader to the writer's CPU, and there ctxd would take turns
 * with the job's start while the other CPU idles.
 */
struct ctxlink *
ctxlink_start(const char *path, const struct ctxlink_req *req, nsec_t until,
    int *refused, char **cause)
{
	struct ctxlink	*l;
	struct msgout	*reg = NULL;
	int		 fd;

	if ((fd = link_register(path, req, until, &reg, refused, cause)) == -1)
		return NULL;
	l = link_new(fd, path, req->id);
	l->reg = reg;
	l->pending = 1;
	return l;
}

/* The answer to a registration that did not wait for it. */
static void
link_answer(struct ctxlink *l, const struct msg *m)
{
	int	ended;

	l->pending = 0;
	if (m->type == MSG_NODE) {
		/* A ctxd older than a cgroup in MSG_NEW does not echo it. */
		if (l->cgroup != NULL && msg_get(m, "cgroup") == NULL) {
			link_job(l, l->cgroup);
			l->old_ctxd = 1;
		}
		l->cb(CTXLINK_JOINED, 0, 0, l->arg);
		return;
	}
	l->refused = 1;
	ended = (int)msg_num(m, "ended", 0);
	free(l->error);
	l->error = xstrdup(m->type == MSG_FAIL && msg_get(m, "error") != NULL ?
	    msg_get(m, "error") : "unexpected reply from ctxd");
	/* No node, no link: what else ctxd says is of no use. */
	bufferevent_free(l->bev);	/* closes fd */
	l->bev = NULL;
	l->fd = -1;
	l->cb(ended == CTX_EXIT_DEADLINE ? CTXLINK_PARENT_DEADLINE :
	    ended != 0 ? CTXLINK_PARENT_CANCELED : CTXLINK_REFUSED, 0, 0,
	    l->arg);
}

/* Why ctxd cancelled the job, if it said; NULL if not. */
const char *
ctxlink_cause(const struct ctxlink *l)
{
	return l != NULL ? l->cause : NULL;
}

/*
 * A job under a group with a limit waits for ctxd's go-ahead (MSG_GO), by
 * until on the monotonic clock (NSEC_NONE: for ever), and for a signal on
 * sfd, a signalfd, meanwhile. Returns CTXLINK_GO; CTXLINK_CANCELED or
 * CTXLINK_DEADLINE if ctxd cancelled the job (ctxlink_cause()); -1 at
 * until; CTXLINK_LOST if ctxd went away, and the job runs; or the signal
 * number that came, as a negative number below -1.
 */
int
ctxlink_wait_go(struct ctxlink *l, nsec_t until, int sfd)
{
	struct pollfd			 pfd[2];
	struct signalfd_siginfo		 si;
	struct msg			 m;
	const char			*why;
	nsec_t				 left;
	int				 r, type;

	pfd[0].fd = l->fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	for (;;) {
		left = until == NSEC_NONE ? -1 : until - clock_mono();
		if (until != NSEC_NONE && left <= 0)
			return -1;
		/* Rounded up, and no more than poll(2) takes (24 days). */
		r = poll(pfd, 2, left < 0 ? -1 : left / NSEC_PER_MSEC >=
		    INT_MAX ? INT_MAX :
		    (int)((left + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC));
		if (r == -1 && errno != EINTR)
			return CTXLINK_LOST;
		if (r <= 0)
			continue;
		if ((pfd[1].revents & POLLIN) &&
		    read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
			return -(int)si.ssi_signo - 1;
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (msg_read(l->fd, &m, &why) == -1)
			return CTXLINK_LOST;
		type = m.type;
		if (type == MSG_CANCELED && msg_get(&m, "cause") != NULL)
			l->cause = xstrdup(msg_get(&m, "cause"));
		r = type == MSG_CANCELED && msg_get(&m, "err") != NULL &&
		    strcmp(msg_get(&m, "err"), "deadline exceeded") == 0 ?
		    CTXLINK_DEADLINE : CTXLINK_CANCELED;
		msg_free(&m);
		if (type == MSG_GO)
			return CTXLINK_GO;
		if (type == MSG_CANCELED)
			return r;
	}
}

/* Why ctxd refused the job, once it has said so. */
const char *
ctxlink_error(const struct ctxlink *l)
{
	return l->error != NULL ? l->error : "";
}

static void
link_read(struct bufferevent *bev, void *arg)
{
	struct ctxlink	*l = arg;
	struct msg	 m;
	const char	*cause, *s;
	int		 sig = SIGTERM;

	while (msg_frame(bufferevent_get_input(bev), &m, &cause) == 1) {
		if (l->pending) {
			link_answer(l, &m);
			msg_free(&m);
			if (l->bev == NULL)
				return;
			continue;
		}
		if (l->rejoining) {
			/* The first reply says if ctxd took the node back. */
			l->rejoining = 0;
			l->refused = m.type != MSG_NODE;
			l->cb(m.type == MSG_NODE ? CTXLINK_BACK : CTXLINK_GONE,
			    0, 0, l->arg);
			if (m.type != MSG_NODE) {
				msg_free(&m);
				bufferevent_free(l->bev);	/* closes fd */
				l->bev = NULL;
				l->fd = -1;
				return;
			}
		} else if (m.type == MSG_CANCELED) {
			if ((s = msg_get(&m, "signal")) != NULL)
				(void)signal_parse(s, &sig, &cause);
			if ((s = msg_get(&m, "cause")) != NULL &&
			    l->cause == NULL)
				l->cause = xstrdup(s);
			s = msg_get(&m, "err");
			l->cb(s != NULL && strcmp(s, "deadline exceeded") == 0 ?
			    CTXLINK_DEADLINE : CTXLINK_CANCELED, sig,
			    msg_num(&m, "grace", 0), l->arg);
		}
		msg_free(&m);
	}
}

/*
 * Reads and writes the link's socket on the loop. The bufferevent owns the
 * fd from now on and closes it when it is freed: libevent may let go of
 * the fd's events only later, and an fd closed (and its number reused by
 * the next connection) before that would lose the new one's events.
 */
static int
link_listen(struct ctxlink *l)
{
	l->bev = bufferevent_socket_new(l->base, l->fd, BEV_OPT_CLOSE_ON_FREE);
	if (l->bev == NULL)
		return -1;
	bufferevent_setcb(l->bev, link_read, NULL, link_event, l);
	return bufferevent_enable(l->bev, EV_READ);
}

/*
 * A ctxd has loaded the saved tree where the last one was: reach it, and
 * take the job's node back. Does nothing while the link is up.
 */
void
ctxlink_rejoin(struct ctxlink *l)
{
	struct msgout	*mo;

	if (l == NULL || l->bev != NULL || l->base == NULL)
		return;
	/* Only a full backlog makes connect(2) wait: not for long. */
	if ((l->fd = client_connect_once(l->path,
	    clock_mono() + REJOIN_CONNECT_WAIT)) == -1)
		return;
	(void)client_bound(l->fd, clock_mono() + LINK_WRITE_WAIT);
	if (link_listen(l) == -1) {
		close(l->fd);
		l->fd = -1;
		return;
	}
	l->rejoining = 1;
	mo = msgout_new(MSG_REJOIN);
	msgout_adds(mo, "id", l->id);
	msgout_send(mo, bufferevent_get_output(l->bev));
}

static void
link_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctxlink	*l = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		bufferevent_free(l->bev);	/* closes fd */
		l->bev = NULL;
		l->fd = -1;
		l->cb(l->rejoining ? CTXLINK_GONE : CTXLINK_LOST, 0, 0, l->arg);
		l->rejoining = 0;
	}
}

/* Listens on the loop for what the tree says to the job. */
int
ctxlink_watch(struct ctxlink *l, struct event_base *base, ctxlink_cb *cb,
    void *arg)
{
	l->cb = cb;
	l->arg = arg;
	l->base = base;
	return link_listen(l);
}

/* MSG_JOB: the job has started, in cgroup (NULL: none). */
static void
link_job(struct ctxlink *l, const char *cgroup)
{
	struct msgout	*mo = msgout_new(MSG_JOB);

	if (cgroup != NULL)
		msgout_adds(mo, "cgroup", cgroup);
	msgout_send(mo, bufferevent_get_output(l->bev));
}

/*
 * Tells ctxd the job has started, and in which cgroup (NULL: none): in
 * the registration, if it has not gone out yet and the cgroup fits in it.
 */
void
ctxlink_started(struct ctxlink *l, const char *cgroup)
{
	struct msgout	*mo;
	size_t		 room;

	if (l == NULL || l->bev == NULL)
		return;
	if ((mo = l->reg) == NULL) {
		link_job(l, cgroup);
		return;
	}
	l->reg = NULL;
	room = PROTO_MAX - (mo->len - sizeof(struct proto_hdr));
	if (cgroup != NULL && sizeof "cgroup=" + strlen(cgroup) <= room) {
		msgout_adds(mo, "cgroup", cgroup);
		l->cgroup = xstrdup(cgroup);
		cgroup = NULL;
	}
	/*
	 * Written now, on the blocking socket (nothing is queued before
	 * it): through the bufferevent, it would cost a wakeup of the loop
	 * for the socket's room, and two epoll_ctl(2). A ctxd gone already
	 * is seen on the loop, as a link lost.
	 */
	(void)msgout_write(mo, l->fd);
	if (cgroup != NULL)
		link_job(l, cgroup);
}

/*
 * Tells ctxd that the job is cancelled from here (ctxrun got a signal, or
 * its own deadline passed), and why, so that the tree shows it at once,
 * and ctxd cancels the nodes under it: jobs of other shells, outside this
 * job's cgroup, that only ctxd can reach.
 */
void
ctxlink_cancel(struct ctxlink *l, const char *err, const char *cause, int sig,
    nsec_t grace)
{
	struct msgout	*mo;

	if (l == NULL || l->bev == NULL)
		return;
	mo = msgout_new(MSG_CANCEL);
	msgout_adds(mo, "ctx", l->id);
	msgout_adds(mo, "err", err);
	msgout_adds(mo, "cause", cause);
	msgout_adds(mo, "signal", signal_name(sig));
	msgout_add(mo, "grace", "%lld", (long long)grace);
	msgout_send(mo, bufferevent_get_output(l->bev));
}

static struct msgout *
exit_msg(const char *err, const char *cause, const char *cgroup, int status)
{
	struct msgout	*mo = msgout_new(MSG_EXIT);

	msgout_adds(mo, "err", err);
	if (cause != NULL)
		msgout_adds(mo, "cause", cause);
	if (cgroup != NULL)
		msgout_adds(mo, "cgroup", cgroup);
	msgout_add(mo, "status", "%d", status);
	return mo;
}

/*
 * The job has ended and no ctxd could be told: the one that comes next
 * loads the saved tree with the job still running in it, and would record
 * it lost. Its status waits for that ctxd in SOCKET.exit.ID, "PID STATUS
 * ERR", written whole under another name and renamed into place, in the
 * socket's directory if it is still ours: ctxd reads it once this ctxrun
 * has exited.
 */
static void
link_leave_exit(const struct ctxlink *l, const char *err, int status)
{
	char	*dir, *path, *tmp, *cause;
	int	 fd, r;

	dir = xstrdup(l->path);
	r = sockdir_check(dirname(dir), 0, &cause);
	free(dir);
	if (r == -1) {
		free(cause);
		return;
	}
	xasprintf(&path, "%s.exit.%s", l->path, l->id);
	xasprintf(&tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd != -1) {
		r = dprintf(fd, "%d %d %s\n", (int)getpid(), status, err);
		if (close(fd) == -1 || r < 0 || rename(tmp, path) == -1)
			unlink(tmp);
	}
	free(tmp);
	free(path);
}

/*
 * The job is in a group: its end must be known to ctxd by the time
 * ctxrun exits, so that a shell that waited for its jobs and then asks
 * ctxctl wait for the group's result (errgroup's Wait) gets it whole.
 */
void
ctxlink_sync_exit(struct ctxlink *l)
{
	if (l != NULL)
		l->sync_exit = 1;
}

/*
 * Waits, by until, for ctxd to have read all we sent: we close our side,
 * and ctxd, which reads a connection's messages in order, closes its own
 * once it has taken them all.
 */
static void
link_drain(int fd, nsec_t until)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	char		buf[4096];
	nsec_t		left;

	if (shutdown(fd, SHUT_WR) == -1)
		return;
	while ((left = until - clock_mono()) > 0) {
		if (poll(&pfd, 1, (int)(left / NSEC_PER_MSEC) + 1) <= 0)
			return;
		if (read(fd, buf, sizeof buf) <= 0)
			return;
	}
}

/*
 * Says how the job ended, and why (NULL: as err says), and closes the
 * link. The job's cgroup, if not NULL, is left, empty, for ctxd to remove.
 * Returns 1 if ctxd was told and takes the cgroup, else 0: the cgroup is
 * then the caller's. A ctxd that did not echo the cgroup of MSG_NEW is of
 * a version that removes none; one whose answer has not come yet is taken
 * to be of this one (an older one sweeps what is left when it starts).
 */
int
ctxlink_close(struct ctxlink *l, const char *err, const char *cause,
    const char *cgroup, int status)
{
	struct evbuffer	*out;
	int		 told = 0;

	if (l == NULL)
		return 0;
	/* Ended before it started: registered all the same, to say how. */
	if (l->reg != NULL) {
		if (l->fd != -1)
			(void)msgout_write(l->reg, l->fd);
		else
			msgout_free(l->reg);
		l->reg = NULL;
	}
	if (l->bev != NULL) {
		/*
		 * The loop will not run again: what is still queued goes out
		 * now, whole, on the (blocking) socket, and the exit after it.
		 * Only a bufferevent drains its own output, so it is thawed.
		 */
		out = bufferevent_get_output(l->bev);
		evbuffer_unfreeze(out, 1);
		while (evbuffer_get_length(out) > 0 &&
		    evbuffer_write(out, l->fd) > 0)
			;
		/* Rejoining too: ctxd may have taken the node back already. */
		if (err != NULL)
			told = msgout_write(exit_msg(err, cause, cgroup,
			    status), l->fd) == 0;
		if (told && l->sync_exit)
			link_drain(l->fd, clock_mono() + LINK_WRITE_WAIT);
		bufferevent_free(l->bev);	/* closes fd */
	} else if (l->fd != -1) {
		/* Not watched yet: ctxrun ends before its job started. */
		if (err != NULL)
			told = msgout_write(exit_msg(err, cause, cgroup,
			    status), l->fd) == 0;
		if (told && l->sync_exit)
			link_drain(l->fd, clock_mono() + LINK_WRITE_WAIT);
		close(l->fd);
	}
	free(l->error);
	free(l->cause);
	free(l->cgroup);
	/* A ctxd that went away, or is away: the next one reads it. */
	if (err != NULL && !told && !l->refused)
		link_leave_exit(l, err, status);
	if (l->old_ctxd)
		told = 0;
	free(l->path);
	free(l);
	return told;
}
