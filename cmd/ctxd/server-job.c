/*
 * server-job.c: jobs whose ctxrun is not connected. After a restart, the
 * saved jobs wait for their ctxrun to come back (called back with
 * CTX_SIG_REJOIN, watched through a pidfd meanwhile); a job whose ctxrun
 * is gone without saying how the job ended is ended by ctxd itself
 * (orphan.c), through its cgroup or else by the environment of its
 * processes, unless it left the job's status in a file for us, having
 * found no daemon to tell when the job ended.
 */
#include <sys/syscall.h>

#include <ctype.h>
#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxd.h"
#include "proto.h"

static struct event_base	*job_base;
static const char		*job_socket;

static int	nodejob_watch(struct node *);

/*
 * Jobs are watched, and ended, from base's loop; their ctxruns leave their
 * status beside the socket at path.
 */
void
server_job_init(struct event_base *base, const char *path)
{
	job_base = base;
	job_socket = path;
}

/* MSG_JOB: the job of this connection has started, in that cgroup. */
void
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
}

/* Tells a job's ctxrun to end its job. */
static void
send_cancel(struct node *n, const char *err, const char *cause, int sig,
    nsec_t grace)
{
	struct msgout	*mo = msgout_new(MSG_CANCELED);

	msgout_adds(mo, "err", err);
	if (cause != NULL)
		msgout_adds(mo, "cause", cause);
	msgout_adds(mo, "signal", signal_name(sig));
	msgout_add(mo, "grace", "%lld", (long long)grace);
	peer_send(n->peer, mo);
}

/*
 * MSG_REJOIN: the ctxrun of a job, whose link broke when a ctxd went
 * away, takes its node again from the ctxd that loaded the saved tree. A
 * cancel that came while it was away is passed on now.
 */
void
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
		send_cancel(n, n->job->cerr, n->cause, n->job->csig,
		    n->job->cgrace);
}

/*
 * Ends a job: its ctxrun does that when it is connected; one that is away
 * while ctxd restarted is told when it is back.
 */
void
server_cancel_job(struct node *n, const char *err, const char *cause,
    int sig, nsec_t grace)
{
	struct nodejob	*j = n->job;

	/*
	 * Kept: should the ctxrun die before it ends the job, ctxd does. The
	 * first cause stands; a later cancel can only shorten the grace, and
	 * one that does not is not sent: an ancestor's deadline ends the job
	 * then its ancestor (tree_end()), and the echo would cut short the
	 * job's --on-deadline as a cancel of its own.
	 */
	if (j->cerr == NULL) {
		j->cerr = xstrdup(err);
		j->csig = sig;
		j->cgrace = grace;
		state_node(n);		/* ending, and why */
		server_event("canceled", n);
	} else if (grace < j->cgrace)
		j->cgrace = grace;
	else
		return;
	if (n->peer != NULL)
		send_cancel(n, err, cause, sig, grace);
}

/*
 * A job that waited for its group's limit may start (the event says it
 * runs now). One whose ctxrun is
 * away (ctxd restarted) is not told: it runs already, for a ctxrun that
 * loses ctxd while waiting starts its job (ctxlink.c).
 */
void
server_go(struct node *n)
{
	server_event("started", n);
	if (n->peer != NULL)
		peer_send(n->peer, msgout_new(MSG_GO));
}

static int
printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if (iscntrl((unsigned char)*s))
			return 0;
	}
	return 1;
}

/*
 * Reads "PID STATUS ERR" from SOCKET.exit.ID, where the ctxrun of job n
 * left it when the job ended with no daemon to tell (ctxlink.c), and
 * removes the file. Returns -1 if there is none, or not from n's ctxrun.
 */
static int
job_exit_file(const struct node *n, char *err, size_t len, int *status)
{
	char		*path, line[128], *s, *end;
	FILE		*f;
	long		 pid, st;
	int		 r = -1;

	xasprintf(&path, "%s.exit.%llu", job_socket, (unsigned long long)n->id);
	if ((f = fopen(path, "re")) == NULL) {
		free(path);
		return -1;
	}
	if (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		pid = strtol(line, &end, 10);
		s = end;
		st = *s == ' ' ? strtol(s + 1, &end, 10) : -1;
		if (pid == n->pid && end != s + 1 && *end == ' ' &&
		    st >= 0 && st <= 255 && end[1] != '\0' &&
		    printable(end + 1)) {
			snprintf(err, len, "%s", end + 1);
			*status = (int)st;
			r = 0;
		}
	}
	fclose(f);
	if (r == -1)
		log_warnx("%s: not a status of pid %d: ignored", path,
		    (int)n->pid);
	unlink(path);
	free(path);
	return r;
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
	tree_end(n, err, NULL, status);
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

static void
collect_id(struct node *n, void *arg)
{
	envmatch_add(arg, n->id);
}

/*
 * Ends a job without a cgroup by the environment of its processes: those
 * of the contexts made below it carry their own ids. Returns NULL if they
 * cannot be told from others: the start of its ctxrun is not known.
 */
static struct orphan *
job_end_env(struct node *n, int sig, nsec_t grace)
{
	struct envmatch	*em;

	if (n->job->start == 0)
		return NULL;
	em = xcalloc(1, sizeof *em);
	tree_walk_reach(n, collect_id, em);
	snprintf(em->tree, sizeof em->tree, "%s", idseq_tree(state_ids()));
	em->start = n->job->start;
	return orphan_end_env(job_base, em, sig, grace, server_orphan_done, n);
}

/*
 * A job's ctxrun is gone without saying how its job ended (SIGKILL, a
 * crash): ctxd ends the job, through its cgroup or by the environment of
 * its processes, on the job's own signal and grace, or those of a cancel
 * that was waiting for the ctxrun. A ctxrun that is still there (on its
 * way out, its link closed before it is a zombie) is waited for: its job
 * is its own to end until then.
 */
void
server_job_lost(struct node *n)
{
	struct nodejob	*j = n->job;
	int		 sig = j->cerr != NULL ? j->csig : n->sig;
	nsec_t		 grace = j->cerr != NULL ? j->cgrace : n->grace;
	char		 err[64];
	int		 status;

	nodejob_unwatch(j);
	if (n->state != NODE_RUNNING || j->orphan != NULL ||
	    nodejob_watch(n) == 0)
		return;
	if (job_exit_file(n, err, sizeof err, &status) == 0) {
		/* Its ctxrun saw the job end whole: nothing is left of it. */
		log_info("context %llu: its job ended while no daemon was up "
		    "(%s)", (unsigned long long)n->id, err);
		tree_end(n, err, NULL, status);
		return;
	}
	log_warnx("context %llu: its ctxrun (pid %d) is gone: ending its job",
	    (unsigned long long)n->id, (int)n->pid);
	if (j->cgroup != NULL)
		j->orphan = orphan_end(job_base, j->cgroup, sig, grace,
		    server_orphan_done, n);
	if (j->orphan == NULL)
		j->orphan = job_end_env(n, sig, grace);
	if (j->orphan != NULL) {
		n->ending = 1;
		return;
	}
	log_warnx("context %llu: no way to reach its job",
	    (unsigned long long)n->id);
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
	int			 fd;

	if ((fd = (int)syscall(SYS_pidfd_open, n->pid, 0)) == -1)
		return -1;
	if (proc_start(n->pid, &start) == -1 || start != j->start) {
		close(fd);
		return -1;
	}
	j->ev_gone = event_new(job_base, fd, EV_READ, server_on_gone, n);
	if (j->ev_gone == NULL || event_add(j->ev_gone, NULL) == -1)
		fatalx("%s: event", __func__);
	return 0;
}

static void
call_back(struct node *n, void *arg)
{
	(void)arg;
	if (n->job != NULL && n->job->ev_gone != NULL &&
	    syscall(SYS_pidfd_send_signal, event_get_fd(n->job->ev_gone),
	    CTX_SIG_REJOIN, NULL, 0) == -1)
		log_warnx("context %llu: cannot call its ctxrun back: %s",
		    (unsigned long long)n->id, strerror(errno));
}

/*
 * Listening now: tells the ctxrun of every job of the saved tree to come
 * back. The pidfd, checked against the start time we saved, makes sure the
 * signal reaches that ctxrun and nothing else.
 */
void
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
void
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
