/*
 * server-req.c: ctxd's answers to the requests of its clients, one
 * function each: make a context, list, show, cancel, wait for one, and the
 * end of a job as its ctxrun reports it.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	msgout_adds(mo, "state", n->state == NODE_RUNNING ? "running" : "done");
	if (n->err != NULL) {
		msgout_adds(mo, "err", n->err);
		msgout_add(mo, "status", "%d", n->status);
	}
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
		peer_fail(p, 0, np.n == 0 ? "unknown parent context '%s'" :
		    "parent context '%s' is ambiguous", ctx);
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
	else if ((*parent)->ending)
		by_deadline = (*parent)->job->cerr != NULL &&
		    strcmp((*parent)->job->cerr, "deadline exceeded") == 0;
	else
		return 0;
	mo = msgout_new(MSG_FAIL);
	msgout_add(mo, "error", "parent context %s has ended (%s)", ctx,
	    (*parent)->state != NODE_RUNNING ? (*parent)->err :
	    by_deadline ? "deadline exceeded" : "canceled");
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
	const char	*cause, *s;
	nsec_t		 deadline, timeout, igrace;
	uint64_t	 id;
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
	if (values_msg_read(&vs, m, &s, &cause) == -1) {
		peer_fail(p, 0, "value '%s': %s", s, cause);
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
	if (n->pid != 0) {
		n->job = xcalloc(1, sizeof *n->job);
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
	/*
	 * ctxrun wants the values, not the pids: a scan of /proc for each
	 * job that registers costs more the more jobs run, and a thousand
	 * started at once took ctxd some 25 s of CPU (tests/bench).
	 */
	mo = node_msg(n, NODE_VALUES);
	msgout_adds(mo, "tree", idseq_tree(state_ids()));
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

void
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

/*
 * Answers a MSG_WAIT once every node it waits for has ended, and every job
 * under it too: a cancelled process-less context ends at once, its jobs
 * only after their grace.
 */
void
wait_check(struct peer *p)
{
	size_t	i;

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
