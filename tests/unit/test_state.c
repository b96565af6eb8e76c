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

/* Keeps the cancel a job's ctxrun is told, as server_cancel_job() does. */
static void
on_cancel_job(struct node *n, const char *err, const char *cause, int sig,
    nsec_t grace)
{
	(void)cause;
	if (n->job->cerr != NULL)
		return;
	n->job->cerr = xstrdup(err);
	n->job->csig = sig;
	n->job->cgrace = grace;
}

static void
on_go(struct node *n)
{
	(void)n;
}

static void
on_ended(struct node *n)
{
	state_gone(n);
}

static const struct tree_hooks hooks = { on_cancel_job, on_ended, on_go };

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

/* Appends text to the journal. */
static void
journal_add(const char *text)
{
	char	journal[96];
	int	fd;

	snprintf(journal, sizeof journal, "%s.journal", path);
	if ((fd = open(journal, O_WRONLY | O_APPEND)) != -1) {
		(void)write(fd, text, strlen(text));
		close(fd);
	}
}

/*
 * A record as a daemon before groups and causes wrote it (no +K=V
 * fields), an ending job's as one before +csig wrote it, and one cut
 * short, as a crash in the middle of a write would.
 */
static void
cut_record(void)
{
	journal_add("N\t777\t0\t1\t9223372036854775807\t0\t15\t0\t0\t0\t"
	    "old\t\t\tK=V\n");
	journal_add("N\t778\t0\t1\t9223372036854775807\t0\t1\t5000\t4242\t0\t"
	    "oldjob\t\t\t+err=deadline exceeded\t+cause=deadline of 778\n");
	/*
	 * A job of a group with a limit, and a job made inside it, both
	 * running; the first ended while no daemon was up: the second takes
	 * its place under the limit.
	 */
	journal_add("N\t780\t0\t1\t9223372036854775807\t0\t15\t0\t0\t0\t"
	    "grp\t\t\t+limit=2\n");
	journal_add("N\t781\t780\t1\t9223372036854775807\t0\t15\t0\t4243\t0\t"
	    "outer\t\t\n");
	journal_add("N\t782\t781\t1\t9223372036854775807\t0\t15\t0\t4244\t0\t"
	    "inner\t\t\n");
	journal_add("E\t781\n");
	journal_add("N\t999\t0\t1");
}

/*
 * In a child: a tree saved, the ids it used written to out, then an exit
 * with nothing closed.
 */
static void __attribute__((noreturn))
save_and_die(int out)
{
	struct event_base	*base = load();
	struct node		*n, *done;

	n = tree_new(NULL, ids[0] = state_id_next(), ODD_NAME, NSEC_NONE);
	values_set(&n->values, "ODD", ODD_VALUE);
	values_set(&n->values, "GONE", NULL);	/* --unset GONE */
	n->failfast = 1;
	n->limit = 3;
	state_node(n);
	n = tree_new(n, ids[1] = state_id_next(), "job", 1234 * NSEC_PER_SEC);
	n->pid = getpid();
	n->job = xcalloc(1, sizeof *n->job);
	n->job->cgroup = xstrdup("/sys/fs/cgroup/ctx-1.2");
	n->cmd = xstrdup("sleep 60");
	n->nocancel = 1;			/* --without-cancel */
	state_node(n);
	/* A job of the group that ended: its place is free after a load. */
	done = tree_new(n->parent, state_id_next(), "done", NSEC_NONE);
	done->pid = getpid();
	done->job = xcalloc(1, sizeof *done->job);
	state_node(done);
	tree_end(done, "exited 0", NULL, 0);
	/* Cancelled: ending, its err and cause set, its ctxrun told. */
	tree_cancel(n, "canceled", "odd\tcause", CTX_EXIT_CANCELED, SIGINT,
	    2 * NSEC_PER_SEC, 1);
	state_node(n);
	n = tree_new(NULL, ids[2] = state_id_next(), "gone", NSEC_NONE);
	state_node(n);
	tree_end(n, "canceled", NULL, CTX_EXIT_CANCELED);
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
	struct node	*a, *b, *old;
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
	/* The group, and the job in its place under the limit. */
	CHECK(a->failfast);
	CHECK_EQ_INT(a->limit, 3);
	CHECK_EQ_INT(a->running, 1);
	CHECK(b->nocancel && !a->nocancel);
	/* Ending as it was, why and all. */
	CHECK(b->ending);
	CHECK(b->err != NULL && b->cause != NULL);
	if (b->err != NULL && b->cause != NULL) {
		CHECK_STR(b->err, "canceled");
		CHECK_STR(b->cause, "odd\tcause");
	}
	CHECK_STR(tree_state(b), "ending");
	/* ... and the cancel its ctxrun was told, to tell it again. */
	CHECK(b->job != NULL && b->job->cerr != NULL);
	if (b->job != NULL && b->job->cerr != NULL) {
		CHECK_STR(b->job->cerr, "canceled");
		CHECK_EQ_INT(b->job->csig, SIGINT);
		CHECK_EQ_INT(b->job->cgrace, 2 * NSEC_PER_SEC);
	}
	CHECK(tree_find(ids[2]) == NULL);	/* ended: not saved */
	CHECK(tree_find(999) == NULL);		/* cut short: ignored */
	/* An older daemon's record: values, no group, no err. */
	old = tree_find(777);
	CHECK(old != NULL);
	if (old != NULL) {
		CHECK(!TAILQ_EMPTY(&old->values));
		CHECK(!old->failfast && old->limit == 0 && old->err == NULL &&
		    !old->nocancel);
		CHECK_STR(tree_state(old), "running");
	}
	/* An older daemon's ending job: cancelled on its own signal, grace. */
	old = tree_find(778);
	CHECK(old != NULL && old->job != NULL && old->job->cerr != NULL);
	if (old != NULL && old->job != NULL && old->job->cerr != NULL) {
		CHECK_STR(old->job->cerr, "deadline exceeded");
		CHECK_EQ_INT(old->job->csig, SIGHUP);
		CHECK_EQ_INT(old->job->cgrace, 5000);
		CHECK_STR(tree_state(old), "ending");
	}
	/* The job whose parent ended moved up, into the group's count. */
	a = tree_find(780);
	b = tree_find(782);
	CHECK(a != NULL && b != NULL && tree_find(781) == NULL);
	if (a != NULL && b != NULL) {
		CHECK(b->parent == a);
		CHECK_EQ_INT(a->running, 1);
	}
	CHECK_EQ_INT(tree_live(), 6);
	CHECK(state_id_next() > ids[3]);	/* never handed out twice */
}

const struct unit_test unit_tests[] = {
	{ "state_survives_a_crash", test_state_survives_a_crash },
	{ NULL, NULL }
};
