/*
 * leave.c: a ctxrun --without-cancel started inside a job leaves it, and
 * every job that one runs in: their cancels and deadlines must not end
 * it (Go's WithoutCancel), and their ends must not take it along. It
 * moves out of their cgroups, into the cgroup of the outermost of their
 * ctxruns, beside that one's job, where its own job's cgroup will be
 * made too; then it asks each of their ctxruns to let go of it
 * (CTX_SIG_LEAVE, answered in kind, job_let_go()): they no longer
 * signal, kill or wait for it and what runs below it. Their ctxruns are
 * found through CTX_PID: ours, then the one in the environment each of
 * them was started with, while it names an ancestor. A signal one of them
 * sent before it let go (the first signal to what its command left) is
 * not a cancel: ctxrun.c holds its signals from the start, and drops it.
 */
#include <sys/prctl.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxrun.h"

#define LEAVE_WAIT	NSEC_PER_SEC	/* for their ctxruns' answers */
#define ENVIRON_MAX	(256 * 1024)	/* of another process, read */

/* The CTX_PID that process pid was started with; 0 if none. */
static pid_t
leave_env_pid(pid_t pid)
{
	static const char	 key[] = ENV_PID "=";
	char			 path[32], *buf, *s;
	ssize_t			 n;
	pid_t			 found = 0;
	int			 fd;

	snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	buf = xmalloc(ENVIRON_MAX + 1);
	n = read(fd, buf, ENVIRON_MAX);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (s = buf; n > 0 && s < buf + n; s += strlen(s) + 1) {
		if (strncmp(s, key, sizeof key - 1) == 0)
			found = (pid_t)strtol(s + sizeof key - 1, NULL, 10);
	}
	free(buf);
	return found;
}

/*
 * Waits, until the monotonic time until, for the answer of each ctxrun
 * in pids; returns how many answered.
 */
static int
leave_answers(const pid_t *pids, int n, nsec_t until)
{
	struct timespec	 ts;
	siginfo_t	 si;
	sigset_t	 set;
	nsec_t		 left;
	int		 i, answered = 0, got[LEAVE_DEPTH] = { 0 };

	sigemptyset(&set);
	sigaddset(&set, CTX_SIG_LEAVE);
	while (answered < n && (left = until - clock_mono()) > 0) {
		ts.tv_sec = left / NSEC_PER_SEC;
		ts.tv_nsec = left % NSEC_PER_SEC;
		if (sigtimedwait(&set, &si, &ts) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			if (pids[i] == si.si_pid && !got[i]) {
				got[i] = 1;
				answered++;
			}
		}
	}
	return answered;
}

/*
 * Leaves the jobs this process runs in, and puts their ctxruns' pids in
 * pids (LEAVE_DEPTH of them at the most). Returns how many it left (0: it
 * runs in none), or -1 with *cause set if it cannot leave them: it then
 * stays theirs. CTX_SIG_LEAVE must be blocked.
 */
int
leave_jobs(pid_t *pids, char **cause)
{
	union sigval	 none = { 0 };
	const char	*s;
	pid_t		 p;
	int		 i, n = 0;

	if ((s = getenv(ENV_PID)) == NULL)
		return 0;
	p = (pid_t)strtol(s, NULL, 10);
	while (n < LEAVE_DEPTH && p > 1 && proc_ancestor(p, getpid())) {
		pids[n++] = p;
		p = leave_env_pid(p);
	}
	if (n == 0)
		return 0;
	if (cgroup_move_beside(pids[n - 1], cause) == -1)
		return -1;
	/* Our parent may be the job's ctxrun: its death is not ours. */
	(void)prctl(PR_SET_PDEATHSIG, 0);
	for (i = 0; i < n; i++)
		(void)sigqueue(pids[i], CTX_SIG_LEAVE, none);
	if ((i = leave_answers(pids, n, time_after(clock_mono(),
	    LEAVE_WAIT))) < n) {
		xasprintf(cause, "%d of the %d ctxruns of the jobs it runs in "
		    "did not let it go", n - i, n);
		return -1;
	}
	return n;
}
