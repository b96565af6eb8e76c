/*
 * tree.c: ctxd's tree of contexts. A node is a job (a ctxrun connected to
 * ctxd, which enforces the job's deadline and signals its processes) or a
 * process-less context (made by ctxctl new, whose deadline is a timer
 * here). Cancelling a node cancels its subtree, children first; ended nodes
 * stay for status and wait until the history is full.
 *
 * The tree never signals a process itself: it tells each job's ctxrun
 * through the hooks the server sets, and ctxrun ends its job.
 */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxd.h"
#include "proto.h"

#define HASH_MIN	1024

static struct event_base	*tree_base;
static const struct tree_hooks	*tree_hooks;
static struct node		**hash;		/* by id, chained */
static size_t			  hash_size;
static size_t			  nodes;	/* in the hash */
static size_t			  live;		/* running */
static size_t			  history_max;
static struct nodelist		  roots = TAILQ_HEAD_INITIALIZER(roots);
static TAILQ_HEAD(, node)	  history = TAILQ_HEAD_INITIALIZER(history);
static size_t			  history_len;
static struct event		 *trim_ev;	/* history_trim() soon */

static void	tree_on_deadline(evutil_socket_t, short, void *);
static void	tree_on_trim(evutil_socket_t, short, void *);

void
tree_init(struct event_base *base, const struct tree_hooks *hooks,
    size_t history_size)
{
	tree_base = base;
	tree_hooks = hooks;
	history_max = history_size;
	hash_size = HASH_MIN;
	hash = xcalloc(hash_size, sizeof *hash);
	if ((trim_ev = event_new(base, -1, 0, tree_on_trim, NULL)) == NULL)
		fatalx("%s: event_new", __func__);
}

void
tree_close(void)
{
	if (trim_ev != NULL)
		event_free(trim_ev);
	trim_ev = NULL;
}

static size_t
hash_slot(uint64_t id, size_t size)
{
	return (size_t)((id * 0x9e3779b97f4a7c15ULL) >> 17) & (size - 1);
}

static void
hash_grow(void)
{
	struct node	**old = hash, *n, *next;
	size_t		  i, old_size = hash_size, slot;

	hash_size *= 2;
	hash = xcalloc(hash_size, sizeof *hash);
	for (i = 0; i < old_size; i++) {
		for (n = old[i]; n != NULL; n = next) {
			next = n->hnext;
			slot = hash_slot(n->id, hash_size);
			n->hnext = hash[slot];
			hash[slot] = n;
		}
	}
	free(old);
}

struct node *
tree_find(uint64_t id)
{
	struct node	*n;

	for (n = hash[hash_slot(id, hash_size)]; n != NULL; n = n->hnext) {
		if (n->id == id)
			return n;
	}
	return NULL;
}

/* Appends to *out every node CTX names: an id, or every live node of that
 * name (every ended one if none is live). */
void
tree_match(const char *ctx, struct nodeptrs *out)
{
	struct node	*n;
	char		*end;
	uint64_t	 id;
	size_t		 i, before = out->n;
	int		 pass;

	/* Digits only: "+1" and " 1" are names, though strtoull() takes them. */
	id = strtoull(ctx, &end, 10);
	if (*ctx != '\0' && *end == '\0' &&
	    strspn(ctx, "0123456789") == strlen(ctx)) {
		if ((n = tree_find(id)) != NULL)
			nodeptrs_add(out, n);
		return;
	}
	for (pass = 0; pass < 2 && out->n == before; pass++) {
		for (i = 0; i < hash_size; i++) {
			for (n = hash[i]; n != NULL; n = n->hnext) {
				if (n->name != NULL &&
				    strcmp(n->name, ctx) == 0 &&
				    (n->state == NODE_RUNNING) == (pass == 0))
					nodeptrs_add(out, n);
			}
		}
	}
}

void
nodeptrs_add(struct nodeptrs *np, struct node *n)
{
	if (np->n == np->cap) {
		np->cap = np->cap == 0 ? 16 : np->cap * 2;
		np->v = xreallocarray(np->v, np->cap, sizeof *np->v);
	}
	np->v[np->n++] = n;
}

/* "12 (build)", or "12" for a node without a name, into buf. */
const char *
tree_label(const struct node *n, char *buf, size_t len)
{
	if (n->name != NULL)
		snprintf(buf, len, "%llu (%s)", (unsigned long long)n->id,
		    n->name);
	else
		snprintf(buf, len, "%llu", (unsigned long long)n->id);
	return buf;
}

/* Makes a node under parent (NULL: the root) and arms its deadline. */
struct node *
tree_new(struct node *parent, uint64_t id, const char *name, nsec_t deadline)
{
	struct node	*n;
	size_t		 slot;

	n = xcalloc(1, sizeof *n);
	n->id = id;
	n->parent = parent;
	n->name = name != NULL && *name != '\0' ? xstrdup(name) : NULL;
	n->created = clock_real();
	n->deadline = deadline;
	n->sig = SIGTERM;
	TAILQ_INIT(&n->children);
	TAILQ_INIT(&n->queue);
	values_init(&n->values);
	TAILQ_INSERT_TAIL(parent != NULL ? &parent->children : &roots, n,
	    sibling);
	if (parent != NULL && parent->deadline < n->deadline) {
		n->deadline = parent->deadline;
		n->inherited = 1;
	}

	if (nodes + 1 > hash_size)
		hash_grow();
	slot = hash_slot(id, hash_size);
	n->hnext = hash[slot];
	hash[slot] = n;
	nodes++;
	live++;
	return n;
}

/*
 * Makes n, new, a --without-cancel child (Go's WithoutCancel): on its own
 * deadline, not its parent's, and out of reach of its parent's cancel;
 * it keeps the parent's values, and its place under it in the tree.
 */
void
tree_without_cancel(struct node *n, nsec_t deadline)
{
	n->nocancel = 1;
	n->deadline = deadline;
	n->inherited = 0;
}

/* Arms the deadline timer of a process-less node (jobs time themselves). */
int
tree_arm(struct node *n)
{
	nsec_t	left;

	if (n->deadline == NSEC_NONE || n->pid != 0)
		return 0;
	if ((n->timer = evtimer_new(tree_base, tree_on_deadline, n)) == NULL)
		return -1;
	left = n->deadline - clock_real();
	if (left < 0)
		left = 0;
	return timer_arm(n->timer, left);
}

/*
 * The ancestor whose deadline n has, and the signal and grace it is
 * enforced with.
 */
const struct node *
tree_inherited(const struct node *n, int *sig, nsec_t *grace)
{
	const struct node	*a = n;

	while (a->inherited && a->parent != NULL)
		a = a->parent;
	*sig = a->sig;
	*grace = a->grace;
	return a;
}

/* The cause of n's deadline, when it fires: "deadline of 12 (build)". */
char *
tree_deadline_cause(const struct node *n)
{
	char	*cause, label[NODE_LABEL_LEN];

	xasprintf(&cause, "deadline of %s", tree_label(n, label, sizeof label));
	return cause;
}

/* The node's values with its ancestors', the nearest definition winning. */
void
tree_values(const struct node *n, struct values *out)
{
	const struct value	*v;

	if (n == NULL)
		return;
	tree_values(n->parent, out);
	TAILQ_FOREACH(v, &n->values, entry)
		values_set(out, v->key, v->val);
}

/*
 * Is n, or any node under it, still running? A --without-cancel child
 * does not count: n's cancel does not end it, so n is done without it.
 */
int
tree_subtree_running(const struct node *n)
{
	const struct node	*c;

	if (n->state == NODE_RUNNING)
		return 1;
	TAILQ_FOREACH(c, &n->children, sibling) {
		if (!c->nocancel && tree_subtree_running(c))
			return 1;
	}
	return 0;
}

/* Is n, or any node above it, waited for? */
int
tree_waited(const struct node *n)
{
	for (; n != NULL; n = n->parent) {
		if (n->waited > 0)
			return 1;
	}
	return 0;
}

/*
 * Forgets the oldest ended nodes past history_max. Run from the loop, never
 * from tree_end(): its callers may be walking a list that holds them.
 */
static void
history_trim(void)
{
	struct node	*n, *next;

	for (n = TAILQ_FIRST(&history); n != NULL && history_len > history_max;
	    n = next) {
		next = TAILQ_NEXT(n, done);
		if (!TAILQ_EMPTY(&n->children) || n->waited > 0)
			continue;
		tree_free(n);
	}
}

/*
 * Sets why n ended, once: the first err and cause stand (Go's Err), a
 * cancel's while its processes wind down, and the end only confirms it.
 * No cause given: the err is the cause (Go's Cause, when none was set).
 */
static void
tree_set_err(struct node *n, const char *err, const char *cause)
{
	if (n->err != NULL)
		return;
	n->err = xstrdup(err);
	n->cause = msg_cut(cause != NULL ? cause : err, PROTO_CAUSE_MAX);
}

static int
is_deadline(const char *err)
{
	return err != NULL && strcmp(err, "deadline exceeded") == 0;
}

/*
 * What a node that ends passes on to its subtree: its own err and cause
 * if it was cancelled (Go's children take both), else "canceled", and as
 * the cause the node and how it ended, as "12 (build) exited 0".
 */
static char *
cause_below(const struct node *n)
{
	char	*cause, label[NODE_LABEL_LEN];

	if (is_deadline(n->err) || strcmp(n->err, "canceled") == 0)
		return xstrdup(n->cause);
	xasprintf(&cause, "%s %s", tree_label(n, label, sizeof label), n->err);
	return cause;
}

/* "exited 3" as "exit 3", "killed by SIGKILL" as "killed by signal KILL". */
static const char *
failure(const char *err, char *buf, size_t len)
{
	if (strncmp(err, "exited ", 7) == 0)
		snprintf(buf, len, "exit %s", err + 7);
	else if (strncmp(err, "killed by SIG", 13) == 0)
		snprintf(buf, len, "killed by signal %s", err + 13);
	else
		snprintf(buf, len, "%s", err);
	return buf;
}

/*
 * A job under a group with a limit (errgroup.SetLimit) asks to start:
 * returns 0 if it may at once, else 1 (only if it can_wait), and it waits in the group's queue,
 * in order of arrival, until a job of the group ends (tree_hooks->go).
 */
int
tree_queue(struct node *n, int can_wait)
{
	struct node	*g = n->parent;

	if (g == NULL || g->limit == 0 || n->job == NULL)
		return 0;
	/* One that runs already (not told its parent has a limit) counts. */
	if (g->running < g->limit || !can_wait) {
		g->running++;
		return 0;
	}
	n->job->waiting = 1;
	TAILQ_INSERT_TAIL(&g->queue, n, job->queue);
	return 1;
}

/*
 * A job of a group with a limit has ended: the next in line may start,
 * unless the group is ending or done, whose waiting jobs are cancelled
 * and are never to start (errgroup's Go after a failure returns at once).
 */
static void
group_leave(struct node *n)
{
	struct node	*g = n->parent, *next;

	if (g == NULL || g->limit == 0 || n->job == NULL)
		return;
	if (n->job->waiting) {
		n->job->waiting = 0;
		TAILQ_REMOVE(&g->queue, n, job->queue);
		return;
	}
	g->running--;
	if (g->state != NODE_RUNNING || g->ending || g->err != NULL)
		return;
	if ((next = TAILQ_FIRST(&g->queue)) == NULL)
		return;
	TAILQ_REMOVE(&g->queue, next, job->queue);
	next->job->waiting = 0;
	g->running++;
	tree_hooks->go(next);
}

/*
 * ctxctl wait on a group is errgroup's Wait: once no job below it runs,
 * the group ends, as Wait cancels the context of WithContext. Returns 1
 * if g so ended.
 */
int
tree_group_settle(struct node *g)
{
	struct node	*c;

	if ((!g->failfast && g->limit == 0) || g->state != NODE_RUNNING ||
	    g->ending)
		return 0;
	TAILQ_FOREACH(c, &g->children, sibling) {
		if (!c->nocancel && tree_subtree_running(c))
			return 0;
	}
	tree_end(g, "canceled", "group done", 0);
	return 1;
}

/*
 * A job below a fail-fast group has failed (errgroup.WithContext): unless
 * the group is ending already, so that the job died of the group's own
 * cancel, the group is cancelled with the job's failure as the cause, and
 * its status is the job's, for ctxctl wait.
 */
static void
group_fail(struct node *n)
{
	struct node	*g = n->parent;
	char		*cause, how[64], label[NODE_LABEL_LEN];

	if (g == NULL || !g->failfast || n->pid == 0 || n->status == 0 ||
	    g->state != NODE_RUNNING || g->err != NULL || g->ending)
		return;
	/* The group's own deadline, which the job's ctxrun saw first. */
	if (is_deadline(n->err) && n->inherited && n->deadline == g->deadline)
		return;
	xasprintf(&cause, "sibling %s failed: %s",
	    tree_label(n, label, sizeof label),
	    failure(n->err, how, sizeof how));
	tree_cancel(g, "canceled", cause, n->status, g->sig, g->grace, 1);
	free(cause);
}

/* Records that a node has ended, and why. Its subtree is cancelled. */
void
tree_end(struct node *n, const char *err, const char *cause, int status)
{
	char	*below;

	if (n->state != NODE_RUNNING)
		return;
	tree_set_err(n, err, cause);
	below = cause_below(n);
	if (is_deadline(n->err))
		tree_cancel(n, n->err, below, CTX_EXIT_DEADLINE, n->sig,
		    n->grace, 0);
	else
		tree_cancel(n, "canceled", below, CTX_EXIT_CANCELED, n->sig,
		    n->grace, 0);
	free(below);
	n->state = NODE_DONE;
	n->status = status;
	n->ended = clock_real();
	if (n->timer != NULL) {
		event_free(n->timer);
		n->timer = NULL;
	}
	live--;
	TAILQ_INSERT_TAIL(&history, n, done);
	history_len++;
	/* Failed first: a group that ends starts no job of its queue. */
	group_fail(n);
	group_leave(n);
	tree_hooks->ended(n);
	if (history_len > history_max)
		event_active(trim_ev, EV_TIMEOUT, 0);
}

static void
tree_on_trim(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	history_trim();
}

/*
 * Cancels n's subtree, children first, with the canceller's signal and
 * grace; n itself too if self is set. A job is told to end and ends when
 * its ctxrun says so, ending meanwhile, its err and cause set at once; a
 * process-less node ends here.
 */
void
tree_cancel(struct node *n, const char *err, const char *cause, int status,
    int sig, nsec_t grace, int self)
{
	struct node	*c, *next;

	for (c = TAILQ_FIRST(&n->children); c != NULL; c = next) {
		next = TAILQ_NEXT(c, sibling);
		if (!c->nocancel)
			tree_cancel(c, err, cause, status, sig, grace, 1);
	}
	if (!self || n->state != NODE_RUNNING)
		return;
	if (n->pid != 0) {
		/*
		 * It ends when its ctxrun says so. Told again while ending: a
		 * shorter grace then brings SIGKILL forward.
		 */
		n->ending = 1;
		tree_set_err(n, err, cause);
		tree_hooks->cancel_job(n, n->err, n->cause, sig, grace);
	} else
		tree_end(n, err, cause, status);
}

/* The node's state, as ls shows it. */
const char *
tree_state(const struct node *n)
{
	if (n->state != NODE_RUNNING)
		return "done";
	if (n->ending)
		return "ending";
	if (n->job != NULL && n->job->waiting)
		return "waiting";
	return "running";
}

/*
 * A process-less node's deadline: its own, or one it inherited, whose
 * cause is then the ancestor's deadline, ended on that one's signal and
 * grace, whichever timer comes first (as Go's child takes its parent's).
 */
static void
tree_on_deadline(evutil_socket_t fd, short events, void *arg)
{
	struct node		*n = arg;
	const struct node	*a;
	char			*cause;
	int			 sig;
	nsec_t			 grace;

	(void)fd;
	(void)events;
	a = tree_inherited(n, &sig, &grace);
	cause = tree_deadline_cause(a);
	tree_cancel(n, "deadline exceeded", cause, CTX_EXIT_DEADLINE, sig,
	    grace, 1);
	free(cause);
}

/* Stops watching for the exit of a job's ctxrun, and closes the pidfd. */
void
nodejob_unwatch(struct nodejob *j)
{
	int	fd;

	if (j->ev_gone == NULL)
		return;
	fd = event_get_fd(j->ev_gone);
	event_free(j->ev_gone);
	j->ev_gone = NULL;
	close(fd);
}

static void
nodejob_free(struct nodejob *j)
{
	if (j == NULL)
		return;
	nodejob_unwatch(j);
	orphan_free(j->orphan);
	free(j->cgroup);
	free(j->cerr);
	free(j);
}

/*
 * Forgets a node that is still live, when ctxd learns it ended while ctxd
 * was not there to see it; its children move up to its parent, and a job
 * among them counts against that one's limit, if it has one, as a job
 * that started without asking does (tree_queue()). One waiting in n's
 * queue (none is, as a state file is loaded) has no limit left to wait
 * for, and may start.
 */
void
tree_forget(struct node *n)
{
	struct node	*c;

	group_leave(n);		/* its place under a limit is free */
	while ((c = TAILQ_FIRST(&n->children)) != NULL) {
		TAILQ_REMOVE(&n->children, c, sibling);
		c->parent = n->parent;
		TAILQ_INSERT_TAIL(n->parent != NULL ? &n->parent->children :
		    &roots, c, sibling);
		if (c->job != NULL && c->job->waiting) {
			c->job->waiting = 0;
			TAILQ_REMOVE(&n->queue, c, job->queue);
			tree_hooks->go(c);
		}
		(void)tree_queue(c, 0);
	}
	tree_free(n);
}

/* Forgets an ended node. */
void
tree_free(struct node *n)
{
	struct node	**pp;

	for (pp = &hash[hash_slot(n->id, hash_size)]; *pp != n;
	    pp = &(*pp)->hnext)
		;
	*pp = n->hnext;
	nodes--;
	TAILQ_REMOVE(n->parent != NULL ? &n->parent->children : &roots, n,
	    sibling);
	if (n->state == NODE_DONE) {
		TAILQ_REMOVE(&history, n, done);
		history_len--;
	} else
		live--;
	if (n->timer != NULL)
		event_free(n->timer);
	nodejob_free(n->job);
	values_free(&n->values);
	free(n->name);
	free(n->cmd);
	free(n->err);
	free(n->cause);
	free(n);
}

/* Live contexts, for the idle check and daemon status. */
size_t
tree_live(void)
{
	return live;
}

size_t
tree_size(void)
{
	return nodes;
}

/*
 * As tree_walk(n), but only n and the nodes its cancel reaches: not the
 * subtree of a --without-cancel child.
 */
void
tree_walk_reach(struct node *n, void (*cb)(struct node *, void *), void *arg)
{
	struct node	*c;

	cb(n, arg);
	TAILQ_FOREACH(c, &n->children, sibling) {
		if (!c->nocancel)
			tree_walk_reach(c, cb, arg);
	}
}

/* Calls cb for n and every node below it, parents first; n NULL: all. */
void
tree_walk(struct node *n, void (*cb)(struct node *, void *), void *arg)
{
	struct node	*c;

	if (n == NULL) {
		TAILQ_FOREACH(c, &roots, sibling)
			tree_walk(c, cb, arg);
		return;
	}
	cb(n, arg);
	TAILQ_FOREACH(c, &n->children, sibling)
		tree_walk(c, cb, arg);
}
