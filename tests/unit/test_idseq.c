/*
 * test_idseq.c: the ids beside ctxd's socket (idseq.c), which ctxrun and
 * ctxd take from: made once, with one token; each id once, across
 * processes; a floor; a file that is not one is refused.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "unit.h"

static void
test_first_ids(void)
{
	struct idseq	*a, *b;
	char		*sock = unit_tmp_path("first.sock"), *cause = NULL;

	a = idseq_open(sock, &cause);
	CHECK(a != NULL);
	if (a == NULL)
		return;
	b = idseq_open(sock, &cause);
	CHECK(b != NULL);
	if (b == NULL)
		return;
	CHECK_EQ_INT(strlen(idseq_tree(a)), 32);
	CHECK_STR(idseq_tree(a), idseq_tree(b));
	CHECK(!idseq_taken(a, 1));
	CHECK_EQ_INT(idseq_take(a), 1);
	CHECK_EQ_INT(idseq_take(b), 2);
	CHECK(idseq_taken(b, 1) && idseq_taken(a, 2) && !idseq_taken(a, 3));
	CHECK(!idseq_taken(a, 0));
	idseq_close(a);
	idseq_close(b);
	free(sock);
}

static void
test_floor(void)
{
	struct idseq	*s;
	char		*sock = unit_tmp_path("floor.sock"), *cause = NULL;

	if ((s = idseq_open(sock, &cause)) == NULL) {
		CHECK(s != NULL);
		return;
	}
	idseq_floor(s, 100);
	CHECK_EQ_INT(idseq_take(s), 100);
	idseq_floor(s, 50);		/* never lower */
	CHECK_EQ_INT(idseq_take(s), 101);
	idseq_close(s);
	free(sock);
}

/* Children take ids at once: each id is taken exactly once. */
static void
test_processes(void)
{
	enum { KIDS = 4, EACH = 500 };
	struct idseq	*s;
	char		*sock = unit_tmp_path("procs.sock"), *cause = NULL;
	uint64_t	 id, *all;
	int		 p[2], i, j, status;
	char		*seen;

	CHECK(pipe(p) == 0);
	for (i = 0; i < KIDS; i++) {
		if (fork() != 0)
			continue;
		close(p[0]);
		if ((s = idseq_open(sock, &cause)) == NULL)
			_exit(1);
		for (j = 0; j < EACH; j++) {
			id = idseq_take(s);
			if (write(p[1], &id, sizeof id) != sizeof id)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	all = calloc(KIDS * EACH, sizeof *all);
	seen = calloc(KIDS * EACH + 1, 1);
	for (i = 0; i < KIDS * EACH &&
	    read(p[0], &all[i], sizeof all[i]) == sizeof all[i]; i++)
		;
	close(p[0]);
	CHECK_EQ_INT(i, KIDS * EACH);
	for (j = 0; j < i; j++) {
		CHECK(all[j] >= 1 && all[j] <= KIDS * EACH);
		if (all[j] >= 1 && all[j] <= KIDS * EACH) {
			CHECK(!seen[all[j]]);
			seen[all[j]] = 1;
		}
	}
	for (j = 0; j < KIDS; j++) {
		CHECK(wait(&status) > 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	free(all);
	free(seen);
	free(sock);
}

static void
test_not_ours(void)
{
	char	*sock = unit_tmp_path("bad.sock"), *cause = NULL, *file;

	file = unit_write_file("bad.sock.seq", "not the ids of a ctxd at all\n");
	CHECK(idseq_open(sock, &cause) == NULL);
	CHECK(cause != NULL && strstr(cause, "not an ids file of ours") != NULL);
	free(cause);
	free(file);
	free(sock);
}

const struct unit_test unit_tests[] = {
	{ "first_ids", test_first_ids },
	{ "floor", test_floor },
	{ "processes", test_processes },
	{ "not_ours", test_not_ours },
	{ NULL, NULL }
};
