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

/* The signal and grace an ancestor's deadline is enforced with. */
void
tree_inherited(const struct node *n, int *sig, nsec_t *grace)
{
	const struct node	*a = n;

	while (a->inherited && a->parent != NULL)
		a = a->parent;
	*sig = a->sig;
	*grace = a->grace;
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

/* Records that a node has ended, and why. Its subtree is cancelled. */
void
tree_end(struct node *n, const char *err, int status)
{
	if (n->state != NODE_RUNNING)
		return;
	tree_cancel(n, "canceled", CTX_EXIT_CANCELED, n->sig, n->grace, 0);
	n->state = NODE_DONE;
	n->err = xstrdup(err);
	n->status = status;
	n->ended = clock_real();
	if (n->timer != NULL) {
		event_free(n->timer);
		n->timer = NULL;
	}
	live--;
	TAILQ_INSERT_TAIL(&history, n, done);
	history_len++;
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
 * its ctxrun says so; a process-less node ends here.
 */
void
tree_cancel(struct node *n, const char *err, int status, int sig,
    nsec_t grace, int self)
{
	struct node	*c, *next;

	for (c = TAILQ_FIRST(&n->children); c != NULL; c = next) {
		next = TAILQ_NEXT(c, sibling);
		if (!c->nocancel)
			tree_cancel(c, err, status, sig, grace, 1);
	}
	if (!self || n->state != NODE_RUNNING)
		return;
	if (n->pid != 0) {
		/*
		 * It ends when its ctxrun says so. Told again while ending: a
		 * shorter grace then brings SIGKILL forward.
		 */
		n->ending = 1;
		tree_hooks->cancel_job(n, err, sig, grace);
	} else
		tree_end(n, err, status);
}

static void
tree_on_deadline(evutil_socket_t fd, short events, void *arg)
{
	struct node	*n = arg;

	(void)fd;
	(void)events;
	tree_cancel(n, "deadline exceeded", CTX_EXIT_DEADLINE, n->sig,
	    n->grace, 1);
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
 * was not there to see it; its children move up to its parent.
 */
void
tree_forget(struct node *n)
{
	struct node	*c;

	while ((c = TAILQ_FIRST(&n->children)) != NULL) {
		TAILQ_REMOVE(&n->children, c, sibling);
		c->parent = n->parent;
		TAILQ_INSERT_TAIL(n->parent != NULL ? &n->parent->children :
		    &roots, c, sibling);
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
