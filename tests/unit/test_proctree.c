/*
 * test_proctree.c: proc_ancestor() (proctree.c), which a client uses to
 * know a CTX_PID for its own job's ctxrun, and a ctxrun --without-cancel
 * to find the jobs it runs in.
 */
#include <sys/wait.h>

#include <stdlib.h>
#include <unistd.h>

#include "ctx.h"
#include "unit.h"

static void
test_ancestor(void)
{
	pid_t	pid, me = getpid();
	int	status;

	CHECK_EQ_INT(proc_ancestor(getppid(), me), 1);
	CHECK_EQ_INT(proc_ancestor(me, me), 0);		/* not its own */
	CHECK_EQ_INT(proc_ancestor(me, getppid()), 0);	/* not below */
	CHECK_EQ_INT(proc_ancestor(me, 0), 0);
	/* a grandchild: its parent's parent is us */
	if ((pid = fork()) == 0) {
		if ((pid = fork()) == 0)
			_exit(proc_ancestor(me, getpid()) &&
			    proc_ancestor(getppid(), getpid()) ? 0 : 1);
		_exit(waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	CHECK(pid != -1 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* gone: no ancestor */
	CHECK_EQ_INT(proc_ancestor(me, pid), 0);
}

const struct unit_test unit_tests[] = {
	{ "ancestor", test_ancestor },
	{ NULL, NULL }
};
