/*
 * spawn: the physical floor of running a command under a supervisor. It
 * forks, execs the command, waits for it and exits with its status: what
 * timeout(1), tini and ctxrun all do at the least, with nothing else. With
 * -t or -D, it is also the floor of a deadline: SIGTERM to the command MS
 * milliseconds after spawn started, or at the wall-clock time
 * @SECONDS[.FRACTION], and exit status 124 as timeout(1)'s. The deadline
 * is kept on CLOCK_MONOTONIC, the kernel's timer slack set to 1 ns.
 *
 *	spawn [-t MS | -D @TIME] COMMAND [ARG...]
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Waits for pid until the CLOCK_MONOTONIC time dl, if any; 0 if it did. */
static int
wait_until(pid_t pid, const struct timespec *dl, int *status)
{
	struct timespec	now, left;
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = dl->tv_sec - now.tv_sec;
		left.tv_nsec = dl->tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0)
			return -1;
		if (sigtimedwait(&set, NULL, &left) == -1 && errno == EAGAIN)
			return -1;
	}
}

int
main(int argc, char **argv)
{
	struct timespec	dl, now;
	sigset_t	set;
	pid_t		pid;
	long long	ns = -1;
	int		status, timed_out = 0;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	if (argc >= 3 && strcmp(argv[1], "-t") == 0)
		ns = strtoll(argv[2], NULL, 10) * 1000000LL;
	else if (argc >= 3 && strcmp(argv[1], "-D") == 0 && argv[2][0] == '@') {
		/* The two clocks read together, not across a preemption. */
		clock_gettime(CLOCK_REALTIME, &now);
		clock_gettime(CLOCK_MONOTONIC, &dl);
		ns = (long long)((strtold(argv[2] + 1, NULL) -
		    (long double)now.tv_sec) * 1e9L) - now.tv_nsec;
		if (ns < 0)
			ns = 0;
	}
	if (ns >= 0) {
		argv += 2;
		argc -= 2;
		dl.tv_sec += (time_t)(ns / 1000000000LL);
		dl.tv_nsec += (long)(ns % 1000000000LL);
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		(void)prctl(PR_SET_TIMERSLACK, 1UL);
	}
	if (argc < 2)
		errx(2, "usage: spawn [-t ms | -D @time] command [arg ...]");
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (ns >= 0 && sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		err(125, "sigprocmask");
	if ((pid = fork()) == -1)
		err(125, "fork");
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		execvp(argv[1], argv + 1);
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (ns >= 0 && wait_until(pid, &dl, &status) == -1) {
		timed_out = 1;
		kill(pid, SIGTERM);
	}
	if (ns < 0 || timed_out) {
		while (waitpid(pid, &status, 0) == -1)
			if (errno != EINTR)
				err(125, "waitpid");
	}
	if (timed_out)
		return 124;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
