/*
 * test_state.c: the saved tree (state.c). A child process builds a tree,
 * saves it and exits without closing anything, as a daemon killed with
 * SIGKILL would; the test then loads what it left, in a process whose tree
 * is still empty, and finds the same live nodes, their fields and values
 * whole (tabs, newlines and '%' included), no ended node, and ids that go
 * on above every id handed out.
 */
#include <sys/wait.h>

#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxd.h"
#include "unit.h"

#define ODD_NAME	"a\tb%c\nd"
#define ODD_VALUE	"x\ty\n%0a%"

static char	*path;
static uint64_t	 ids[4];

static void
on_cancel_job(struct node *n, const char *err, int sig, nsec_t grace)
{
	(void)n;
	(void)err;
	(void)sig;
	(void)grace;
}

static void
on_ended(struct node *n)
{
	state_gone(n);
}

static const struct tree_hooks hooks = { on_cancel_job, on_ended };

/* Loads the tree saved at path into this process's (empty) tree. */
static struct event_base *
load(void)
{
	struct event_base	*base = event_base_new();
	char			*cause = NULL;

	tree_init(base, &hooks, 10);
	if (state_open(base, path, &cause) == -1) {
		unit_fail(__FILE__, __LINE__, "state_open: %s", cause);
		free(cause);
	}
	return base;
}

/* Appends a record cut short, as a crash in the middle of a write would. */
static void
cut_record(void)
{
	char	journal[96];
	int	fd;

	snprintf(journal, sizeof journal, "%s.journal", path);
	if ((fd = open(journal, O_WRONLY | O_APPEND)) != -1) {
		(void)write(fd, "N\t999\t0\t1", 9);
		close(fd);
	}
}

/*
 * In a child: a tree saved, the ids it used written to out, then an exit
 * with nothing closed.
 */
static void __attribute__((noreturn))
save_and_die(int out)
{
	struct event_base	*base = load();
	struct node		*n;

	n = tree_new(NULL, ids[0] = state_id_next(), ODD_NAME, NSEC_NONE);
	values_set(&n->values, "ODD", ODD_VALUE);
	values_set(&n->values, "GONE", NULL);	/* --unset GONE */
	state_node(n);
	n = tree_new(n, ids[1] = state_id_next(), "job", 1234 * NSEC_PER_SEC);
	n->pid = getpid();
	n->job = xcalloc(1, sizeof *n->job);
	n->job->cgroup = xstrdup("/sys/fs/cgroup/ctx-1.2");
	n->cmd = xstrdup("sleep 60");
	state_node(n);
	n = tree_new(NULL, ids[2] = state_id_next(), "gone", NSEC_NONE);
	state_node(n);
	tree_end(n, "canceled", CTX_EXIT_CANCELED);
	ids[3] = state_id_next();	/* handed out, never saved */
	/* The records go out on the loop's next turn, as in ctxd. */
	event_base_loop(base, EVLOOP_NONBLOCK);
	cut_record();
	(void)write(out, ids, sizeof ids);
	_exit(0);
}

static void
test_state_survives_a_crash(void)
{
	struct node	*a, *b;
	struct values	 vs;
	pid_t		 pid;
	int		 status, p[2];

	if (pipe(p) == -1) {
		unit_fail(__FILE__, __LINE__, "pipe");
		return;
	}
	path = unit_tmp_path("ctxd.sock");
	if ((pid = fork()) == 0) {
		close(p[0]);
		save_and_die(p[1]);
	}
	close(p[1]);
	CHECK(read(p[0], ids, sizeof ids) == sizeof ids);
	close(p[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	load();
	a = tree_find(ids[0]);
	b = tree_find(ids[1]);
	CHECK(a != NULL && b != NULL);
	if (a == NULL || b == NULL)
		return;
	CHECK_STR(a->name, ODD_NAME);
	values_init(&vs);
	tree_values(a, &vs);
	CHECK(!TAILQ_EMPTY(&vs));
	if (!TAILQ_EMPTY(&vs)) {
		CHECK_STR(TAILQ_FIRST(&vs)->key, "ODD");
		CHECK_STR(TAILQ_FIRST(&vs)->val, ODD_VALUE);
		/* an unset key stays unset, not set empty */
		CHECK(TAILQ_NEXT(TAILQ_FIRST(&vs), entry) != NULL);
		if (TAILQ_NEXT(TAILQ_FIRST(&vs), entry) != NULL) {
			CHECK_STR(TAILQ_NEXT(TAILQ_FIRST(&vs), entry)->key,
			    "GONE");
			CHECK_STR(TAILQ_NEXT(TAILQ_FIRST(&vs), entry)->val,
			    NULL);
		}
	}
	values_free(&vs);
	CHECK(b->parent == a);
	CHECK_EQ_INT(b->deadline, 1234 * NSEC_PER_SEC);
	CHECK_EQ_INT(b->pid, pid);
	CHECK(b->job != NULL && b->job->cgroup != NULL);
	if (b->job != NULL && b->job->cgroup != NULL)
		CHECK_STR(b->job->cgroup, "/sys/fs/cgroup/ctx-1.2");
	CHECK_STR(b->cmd, "sleep 60");
	CHECK(tree_find(ids[2]) == NULL);	/* ended: not saved */
	CHECK(tree_find(999) == NULL);		/* cut short: ignored */
	CHECK_EQ_INT(tree_live(), 2);
	CHECK(state_id_next() > ids[3]);	/* never handed out twice */
}

const struct unit_test unit_tests[] = {
	{ "state_survives_a_crash", test_state_survives_a_crash },
	{ NULL, NULL }
};
