/*
 * server-req.c: ctxd's answers to the requests of its clients, one
 * function each: make a context, list, show, cancel, wait for one, and the
 * end of a job as its ctxrun reports it.
 */
#include <errno.h>
#include <fcntl.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxd.h"
#include "proto.h"

static const struct config	*req_config;

/* The handlers take their defaults from conf. */
void
server_req_init(const struct config *conf)
{
	req_config = conf;
}

/* A node as MSG_NODE, with what the NODE_* flags in what ask for. */
struct msgout *
node_msg(const struct node *n, int what)
{
	struct msgout	*mo = msgout_new(MSG_NODE);
	struct values	 vs;
	struct proclist	 pl = { 0 };
	size_t		 i;

	msgout_add(mo, "id", "%llu", (unsigned long long)n->id);
	if (n->name != NULL)
		msgout_adds(mo, "name", n->name);
	if (n->parent != NULL)
		msgout_add(mo, "parent", "%llu",
		    (unsigned long long)n->parent->id);
	msgout_adds(mo, "state", tree_state(n));
	if (n->err != NULL) {
		msgout_adds(mo, "err", n->err);
		msgout_adds(mo, "cause", n->cause);
	}
	if (n->state != NODE_RUNNING)
		msgout_add(mo, "status", "%d", n->status);
	if (n->failfast)
		msgout_add(mo, "failfast", "1");
	if (n->limit > 0)
		msgout_add(mo, "limit", "%d", n->limit);
	if (n->deadline != NSEC_NONE)
		msgout_add(mo, "deadline", "%lld", (long long)n->deadline);
	if (n->nocancel)
		msgout_add(mo, "nocancel", "1");
	if (n->pid != 0)
		msgout_add(mo, "pid", "%d", (int)n->pid);
	if (n->cmd != NULL)
		msgout_adds(mo, "cmd", n->cmd);
	msgout_add(mo, "created", "%lld", (long long)n->created);
	msgout_adds(mo, "signal", signal_name(n->sig));
	msgout_add(mo, "grace", "%lld", (long long)n->grace);
	if (what & NODE_VALUES) {
		values_init(&vs);
		tree_values(n, &vs);
		values_msg_add(mo, &vs);
		values_free(&vs);
	}
	if ((what & NODE_PIDS) && n->pid != 0 && n->state == NODE_RUNNING &&
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

/*
 * The new node's id: the one its ctxrun took from the ids beside the
 * socket (idseq.c), which must have been handed out and be free; else a
 * new one.
 */
static int
new_id(struct peer *p, const struct msg *m, uint64_t *id)
{
	const char	*s = msg_get(m, "id");
	char		*end;

	if (s == NULL) {
		*id = state_id_next();
		return 0;
	}
	errno = 0;
	*id = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 ||
	    !idseq_taken(state_ids(), *id) || tree_find(*id) != NULL) {
		peer_fail(p, 0, "id '%s' is not one to take", s);
		return -1;
	}
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* A parent's name that stands for several contexts: which, ten at most. */
static void
ambiguous_parent(struct peer *p, const char *ctx, const struct nodeptrs *np)
{
	uint64_t	*id = xreallocarray(NULL, np->n, sizeof *id);
	char		 ids[256] = "";
	size_t		 i, len;

	for (i = 0; i < np->n; i++)
		id[i] = np->v[i]->id;
	qsort(id, np->n, sizeof *id, cmp_id);
	for (i = 0; i < np->n && i < 10; i++) {
		len = strlen(ids);
		snprintf(ids + len, sizeof ids - len, "%s%llu", i > 0 ? ", " :
		    "", (unsigned long long)id[i]);
	}
	free(id);
	peer_fail(p, 0, "parent context '%s' is ambiguous: it names %zu "
	    "contexts (%s%s); give an id", ctx, np->n, ids,
	    np->n > 10 ? ", ..." : "");
}

/* The parent a new node asks for; NULL for the root. */
static int
new_parent(struct peer *p, const struct msg *m, struct node **parent)
{
	struct nodeptrs	 np = { 0 };
	struct msgout	*mo;
	const char	*ctx = msg_get(m, "parent");
	int		 by_deadline;	/* else cancelled, or lost */

	*parent = NULL;
	if (ctx == NULL || *ctx == '\0')
		return 0;
	tree_match(ctx, &np);
	/*
	 * A parent from the job's environment that this daemon does not
	 * know makes the job a root, not a failure: it ran alone, is long
	 * forgotten, or is another daemon's (SPEC §12, §13). The job may
	 * have started on what its environment says already.
	 */
	if (np.n == 0 && msg_num(m, "orphan", 0) != 0) {
		free(np.v);
		return 0;
	}
	if (np.n != 1) {
		if (np.n == 0)
			peer_fail(p, 0, "unknown parent context '%s'", ctx);
		else
			ambiguous_parent(p, ctx, &np);
		free(np.v);
		return -1;
	}
	*parent = np.v[0];
	free(np.v);
	/* --without-cancel: an ended parent still has its values to give. */
	if (msg_num(m, "nocancel", 0) != 0)
		return 0;
	/* Ending counts as ended: its job is in its grace (SPEC §3). */
	if ((*parent)->state != NODE_RUNNING)
		by_deadline = (*parent)->status == CTX_EXIT_DEADLINE;
	else if ((*parent)->ending && (*parent)->err != NULL)
		by_deadline = strcmp((*parent)->err, "deadline exceeded") == 0;
	else
		return 0;
	mo = msgout_new(MSG_FAIL);
	msgout_add(mo, "error", "parent context %s has ended (%s: %s)", ctx,
	    (*parent)->err, (*parent)->cause);
	msgout_add(mo, "ended", "%d", by_deadline ? CTX_EXIT_DEADLINE :
	    CTX_EXIT_CANCELED);
	peer_send(p, mo);
	return -1;
}

/*
 * Is there room in a reply for the values of a new node under parent, its
 * own and its ancestors'? If not, says why to p.
 */
static int
values_fit(struct peer *p, const struct node *parent,
    const struct values *own)
{
	struct values	 vs;
	struct value	*v;
	size_t		 bytes, count;

	values_init(&vs);
	tree_values(parent, &vs);
	TAILQ_FOREACH(v, own, entry)
		values_set(&vs, v->key, v->val);
	values_measure(&vs, &bytes, &count);
	values_free(&vs);
	if (bytes > PROTO_VALUES_MAX)
		peer_fail(p, 0, "values too large (over %d bytes with the "
		    "ancestors')", PROTO_VALUES_MAX);
	else if (count > PROTO_VALUES_FIELDS)
		peer_fail(p, 0, "too many values (over %d with the "
		    "ancestors')", PROTO_VALUES_FIELDS);
	return bytes <= PROTO_VALUES_MAX && count <= PROTO_VALUES_FIELDS;
}

/* MSG_NEW: a process-less context, or the job of a connecting ctxrun. */
void
handle_new(struct peer *p, const struct msg *m)
{
	struct node	*parent, *n;
	struct msgout	*mo;
	struct values	 vs;
	const struct node *a;
	const char	*cause, *s;
	char		 label[NODE_LABEL_LEN];
	nsec_t		 deadline, timeout, igrace;
	long long	 limit;
	uint64_t	 id;
	int		 sig = SIGTERM, isig, wait;

	if (p->job != NULL) {
		peer_fail(p, 0, "this connection has a job already");
		return;
	}
	if ((s = msg_get(m, "signal")) != NULL &&
	    signal_parse(s, &sig, &cause) == -1) {
		peer_fail(p, 0, "%s '%s'", cause, s);
		return;
	}
	if ((s = msg_get(m, "name")) != NULL &&
	    (cause = name_invalid(s)) != NULL) {
		peer_fail(p, 0, "bad name: %s", cause);
		return;
	}
	values_init(&vs);
	if (values_msg_read(&vs, m, &s, &cause) == -1) {
		peer_fail(p, 0, "value '%s': %s", s, cause);
		values_free(&vs);
		return;
	}
	/* Read as a 64-bit number: a cast alone makes 2^32 + 1 a 1. */
	limit = msg_num(m, "limit", 0);
	if (limit < 0 || limit > PROTO_LIMIT_MAX) {
		peer_fail(p, 0, "bad limit '%s'", msg_get(m, "limit"));
		values_free(&vs);
		return;
	}
	if (new_parent(p, m, &parent) == -1) {
		values_free(&vs);
		return;
	}
	if (!values_fit(p, parent, &vs)) {
		values_free(&vs);
		return;
	}
	if (new_id(p, m, &id) == -1) {
		values_free(&vs);
		return;
	}
	deadline = msg_num(m, "deadline", NSEC_NONE);
	timeout = msg_num(m, "timeout", 0);
	if (timeout > 0 && time_after(clock_real(), timeout) < deadline)
		deadline = time_after(clock_real(), timeout);

	n = tree_new(parent, id, msg_get(m, "name"), deadline);
	if (msg_num(m, "nocancel", 0) != 0)
		tree_without_cancel(n, deadline);
	n->sig = sig;
	n->grace = msg_num(m, "grace", req_config->grace);
	/*
	 * A job's ctxrun registers itself: its pid is the one the kernel
	 * gives for the connection (in our pid namespace), not the one it
	 * says, which is only a sign that this is a job.
	 */
	n->pid = msg_get(m, "pid") != NULL ? p->pid : 0;
	if ((s = msg_get(m, "cmd")) != NULL)
		n->cmd = msg_cut(s, PROTO_CMD_MAX);
	TAILQ_CONCAT(&n->values, &vs, entry);
	n->failfast = msg_num(m, "failfast", 0) != 0;
	n->limit = (int)limit;
	if (n->pid != 0) {
		n->job = xcalloc(1, sizeof *n->job);
		/* A job that did not wait for us has started, in this. */
		if ((s = msg_get(m, "cgroup")) != NULL && *s != '\0')
			n->job->cgroup = xstrdup(s);
		(void)proc_start(n->pid, &n->job->start);
		n->peer = p;
		p->job = n;
	} else if (tree_arm(n) == -1)
		fatal("%s: timer", __func__);
	/* Queued first, so that it is seen waiting from the start. */
	wait = tree_queue(n, msg_num(m, "canwait", 0) != 0);
	state_node(n);
	/* A line for each job is a flood at a thousand jobs a second. */
	(n->pid != 0 ? log_debug : log_info)("context %llu made (%s, parent "
	    "%llu) by pid %d", (unsigned long long)n->id, n->pid != 0 ?
	    "job" : "no process", parent != NULL ?
	    (unsigned long long)parent->id : 0ULL, (int)p->pid);
	server_event("made", n);
	/*
	 * ctxrun wants the values, not the pids: a scan of /proc for each
	 * job that registers costs more the more jobs run, and a thousand
	 * started at once took ctxd some 25 s of CPU (tests/bench).
	 */
	mo = node_msg(n, NODE_VALUES);
	msgout_adds(mo, "tree", idseq_tree(state_ids()));
	/* Taken: else a ctxrun says it again in MSG_JOB (an older ctxd). */
	if (n->job != NULL && n->job->cgroup != NULL)
		msgout_adds(mo, "cgroup", n->job->cgroup);
	if (n->inherited) {
		a = tree_inherited(n, &isig, &igrace);
		msgout_adds(mo, "isig", signal_name(isig));
		msgout_add(mo, "igrace", "%lld", (long long)igrace);
		msgout_adds(mo, "iof", tree_label(a, label, sizeof label));
	}
	if (parent != NULL && (parent->failfast || parent->limit > 0))
		msgout_add(mo, "group", "1");
	if (wait)
		msgout_add(mo, "wait", "%d", n->parent->limit);
	peer_send(p, mo);
}

static void
list_one(struct node *n, void *arg)
{
	peer_send(arg, node_msg(n, 0));
}

void
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

/*
 * MSG_SUBSCRIBE: the tree as it is, then each change of it as it comes
 * (server_event()). Both come from this turn of the loop, so that the
 * client misses no change and sees none twice.
 */
void
handle_subscribe(struct peer *p, const struct msg *m)
{
	(void)m;
	events_add(p);
	tree_walk(NULL, list_one, p);
	peer_send(p, msgout_new(MSG_END));
	peer_push_start(p);
}

/*
 * Tells the subscribers that node n has changed: event is "made" (a node
 * is new), "started" (a job that waited for its group's limit runs now),
 * "canceled" (a job has been told to end, and its processes wind down:
 * err says why) or "ended".
 */
void
server_event(const char *event, const struct node *n)
{
	struct msgout	*mo;

	if (!events_wanted())
		return;
	mo = node_msg(n, 0);	/* err and cause once it is ending */
	mo->type = MSG_EVENT;
	msgout_adds(mo, "event", event);
	msgout_add(mo, "at", "%lld", (long long)clock_real());
	if (n->err == NULL && n->job != NULL && n->job->cerr != NULL)
		msgout_adds(mo, "err", n->job->cerr);
	events_publish(mo);
}

/* MSG_STATUS and MSG_ENV: each context in full. */
void
handle_status(struct peer *p, const struct msg *m)
{
	struct nodeptrs	np = { 0 };
	size_t		i;

	if (match_all(p, m, &np)) {
		for (i = 0; i < np.n; i++)
			peer_send(p, node_msg(np.v[i],
			    NODE_VALUES | NODE_PIDS));
		peer_send(p, msgout_new(MSG_END));
	}
	free(np.v);
}

/* Shows each control character of s as '?'. */
static void
no_controls(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

/*
 * A cause a job's ctxrun gave (a long name in "deadline of 12 (NAME)"),
 * made one that a client could have given: cut, controls shown as '?'.
 */
static char *
cause_clean(const char *s)
{
	char	*cause = msg_cut(s, PROTO_CAUSE_MAX);

	no_controls(cause);
	return cause;
}

/*
 * Who cancelled, when the canceller gave no cause: its uid, pid and
 * command line (SO_PEERCRED, /proc), as "uid 1000 pid 42: ctxctl cancel
 * 7", control characters shown as '?'.
 */
static char *
canceller(const struct peer *p)
{
	char	 path[64], cmd[128], *cause;
	ssize_t	 n = 0, i;
	int	 fd;

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)p->pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, cmd, sizeof cmd - 1);
		close(fd);
	}
	if (n < 0)
		n = 0;
	while (n > 0 && cmd[n - 1] == '\0')
		n--;
	cmd[n] = '\0';
	for (i = 0; i < n; i++) {
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	}
	no_controls(cmd);
	xasprintf(&cause, "uid %u pid %d%s%s", (unsigned)p->uid, (int)p->pid,
	    n > 0 ? ": " : "", cmd);
	return cause;
}

/*
 * The err and cause of a cancel: "canceled", with the client's cause or
 * else the canceller; a job's own ctxrun, whose deadline fired or which
 * got a signal, says which, for its own node only.
 */
static int
cancel_why(struct peer *p, const struct msg *m, const char **err,
    char **cause)
{
	const char	*s = msg_get(m, "cause"), *why;

	*err = "canceled";
	/* A job's ctxrun says why its job ends: cleaned, never refused. */
	if (s != NULL && p->job != NULL) {
		*cause = cause_clean(s);
		if ((why = msg_get(m, "err")) != NULL &&
		    strcmp(why, "deadline exceeded") == 0)
			*err = "deadline exceeded";
		return 0;
	}
	if (s != NULL && cause_check(s, &why) == -1) {
		peer_fail(p, 0, "cause: %s", why);
		return -1;
	}
	*cause = s != NULL ? xstrdup(s) : canceller(p);
	return 0;
}

void
handle_cancel(struct peer *p, const struct msg *m)
{
	struct nodeptrs	 np = { 0 };
	const char	*s, *cause, *err;
	char		*why;
	size_t		 i;
	int		 sig;
	nsec_t		 grace;

	if (!match_all(p, m, &np)) {
		free(np.v);
		return;
	}
	if (cancel_why(p, m, &err, &why) == -1) {
		free(np.v);
		return;
	}
	for (i = 0; i < np.n; i++) {
		sig = np.v[i]->sig;
		grace = msg_num(m, "grace", np.v[i]->grace);
		if ((s = msg_get(m, "signal")) != NULL &&
		    signal_parse(s, &sig, &cause) == -1) {
			peer_fail(p, 0, "%s '%s'", cause, s);
			break;
		}
		log_info("context %llu cancelled by pid %d",
		    (unsigned long long)np.v[i]->id, (int)p->pid);
		/* Only the job's own node ends on its own deadline. */
		tree_cancel(np.v[i], np.v[i] == p->job ? err : "canceled", why,
		    np.v[i] == p->job && strcmp(err, "canceled") != 0 ?
		    CTX_EXIT_DEADLINE : CTX_EXIT_CANCELED, sig, grace, 1);
	}
	if (i == np.n)
		peer_ok(p, (long long)np.n);
	free(why);
	free(np.v);
}

/*
 * Answers a MSG_WAIT once every node it waits for has ended, and every job
 * under it too: a cancelled process-less context ends at once, its jobs
 * only after their grace.
 */
void
wait_check(struct peer *p)
{
	size_t	i;

	/* Ending a group answers this wait, through server_ended(). */
	for (i = 0; i < p->waiting.n; i++) {
		if (tree_group_settle(p->waiting.v[i]))
			return;
	}
	for (i = 0; i < p->waiting.n; i++) {
		if (tree_subtree_running(p->waiting.v[i]))
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

void
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
void
handle_exit(struct peer *p, const struct msg *m)
{
	struct node	*n = p->job;
	const char	*err = msg_get(m, "err"), *cause = msg_get(m, "cause");
	const char	*cgroup;
	char		*clean;

	if (n == NULL) {
		/*
		 * Its registration was refused after the job had started and
		 * ended (its parent ended meanwhile): the cgroup it leaves us
		 * is still ours to remove.
		 */
		if ((cgroup = msg_get(m, "cgroup")) != NULL)
			cleanup_add(cgroup);
		peer_fail(p, 0, "no job on this connection");
		return;
	}
	clean = cause != NULL ? cause_clean(cause) : NULL;
	n->peer = NULL;
	p->job = NULL;
	tree_end(n, err != NULL ? err : "exited", clean,
	    (int)msg_num(m, "status", 0));
	free(clean);
	/* Its cgroup, empty, left to us to remove (cleanup.c). */
	if ((cgroup = msg_get(m, "cgroup")) != NULL)
		cleanup_add(cgroup);
}
