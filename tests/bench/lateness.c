/*
 * lateness: how late a deadline reaches the job, from the deadline to the
 * moment the first signal arrives in it. Three modes:
 *
 *	lateness job
 *	lateness seq RUNS TIMEOUT_MS LABEL COMMAND [ARG...] \; [LABEL ...]
 *	lateness burst JOBS TIMEOUT_MS LABEL COMMAND [ARG...]
 *
 * job is the job: it blocks SIGTERM, waits for it (30 s at most) and
 * writes one line, "T0 START ARRIVAL OWN", on stdout, in nanoseconds of
 * CLOCK_REALTIME: T0 from $BENCH_T0, when the tool was started; START, when
 * the job was; ARRIVAL, when SIGTERM came, or 0 if it never did; OWN, the
 * deadline in $CTX_DEADLINE, or 0 without it.
 *
 * seq runs each tool RUNS times, one run at a time, the tools taking turns.
 * T0 is read in the child just before it executes the tool, so the deadline
 * is T0 + TIMEOUT_MS, measured from the tool's start as the tool's user
 * sees it. A tool is given as to launch: LABEL [VAR=VALUE...] COMMAND
 * [ARG...]. An argument "{D}" is replaced by that deadline as @SECONDS.NANOS,
 * for ctxrun -D. Prints per tool: LABEL MEDIAN P99 MIN MAX of the lateness,
 * in microseconds.
 *
 * burst starts JOBS tools at once, as fast as it can fork, and waits for
 * all. The jobs write to one file. Prints LABEL, MEDIAN P99 MIN MAX of the
 * lateness (microseconds), the most jobs alive at one time, how many of the
 * JOBS saw no signal, and MEDIAN P99 MIN MAX of the lateness measured from the
 * deadline the tool itself set, $CTX_DEADLINE (rounded down to the
 * millisecond, so up to 1 ms too high), or "- - - -" without it.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"

#define MAX_TOOLS	8
#define JOB_WAIT_S	30	/* a job that never gets its signal gives up */

struct sample {
	long long	t0, start, arrival;
	long long	own;		/* $CTX_DEADLINE, or 0 */
};

static int
job(void)
{
	struct timespec	ts = { JOB_WAIT_S, 0 };
	sigset_t	set;
	const char	*s;
	long long	start, arrival = 0;
	const char	*cause;
	nsec_t		own;
	int		sig;

	start = clock_real();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		err(1, "sigprocmask");
	while ((sig = sigtimedwait(&set, NULL, &ts)) == -1 && errno == EINTR)
		;
	if (sig == SIGTERM)
		arrival = clock_real();
	s = getenv("BENCH_T0");
	printf("%s %lld %lld", s != NULL ? s : "0", start, arrival);
	if ((s = getenv("CTX_DEADLINE")) == NULL ||
	    timestamp_parse(s, &own, &cause) == -1)
		own = 0;
	printf(" %lld\n", (long long)own);
	return arrival == 0;
}

/*
 * In a forked child: stamps T0 into the environment, puts the deadline in
 * place of "{D}" and executes the tool.
 */
static void __attribute__((noreturn))
exec_tool(const struct bench_tool *t, nsec_t timeout)
{
	static char	t0s[32], dl[48];
	sigset_t	set;
	long long	t0, d;
	char		**a;

	/*
	 * SIGTERM is blocked from here on, so that a job that starts late
	 * finds it pending instead of dying of it; both tools hand their
	 * signal mask on to the command.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		_exit(125);
	t0 = clock_real();
	d = t0 + timeout;
	snprintf(t0s, sizeof t0s, "%lld", t0);
	snprintf(dl, sizeof dl, "@%lld.%09lld", d / NSEC_PER_SEC,
	    d % NSEC_PER_SEC);
	for (a = t->cmd; *a != NULL; a++)
		if (strcmp(*a, "{D}") == 0)
			*a = dl;
	if (setenv("BENCH_T0", t0s, 1) == -1)
		_exit(125);
	bench_exec(t);
}

static int
parse_line(const char *line, struct sample *s)
{
	return sscanf(line, "%lld %lld %lld %lld", &s->t0, &s->start,
	    &s->arrival, &s->own) == 4 ? 0 : -1;
}


/* One run of one tool: returns the lateness of the signal in microseconds. */
static double
seq_run(const struct bench_tool *t, nsec_t timeout)
{
	struct sample	s;
	char		line[256];
	ssize_t		n;
	size_t		len = 0;
	pid_t		pid;
	int		p[2], status;

	if (pipe2(p, O_CLOEXEC) == -1)
		err(1, "pipe");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if (dup2(p[1], STDOUT_FILENO) == -1)
			_exit(125);
		exec_tool(t, timeout);
	}
	close(p[1]);
	while (len < sizeof line - 1 &&
	    (n = read(p[0], line + len, sizeof line - 1 - len)) != 0) {
		if (n == -1 && errno != EINTR)
			err(1, "read");
		if (n > 0)
			len += (size_t)n;
	}
	line[len] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (parse_line(line, &s) == -1 || s.arrival == 0)
		errx(1, "%s: the job saw no signal (wait status 0x%x)",
		    t->label, status);
	return (double)(s.arrival - (s.t0 + timeout)) / 1000.0;
}

static int
seq(int argc, char **argv)
{
	struct bench_tool	 tools[MAX_TOOLS];
	double			*us[MAX_TOOLS];
	nsec_t			 timeout;
	long			 runs, r;
	int			 i, n, k;

	if (argc < 4)
		errx(2, "usage: lateness seq runs timeout_ms label command ...");
	runs = bench_count(argv[0]);
	timeout = bench_count(argv[1]) * NSEC_PER_MSEC;
	n = bench_tools(argc - 2, argv + 2, tools, MAX_TOOLS);
	for (i = 0; i < n; i++)
		us[i] = bench_alloc((size_t)runs, sizeof(double));
	for (r = 0; r < runs; r++) {
		for (k = 0; k < n; k++) {
			i = (int)((r + k) % n);
			us[i][r] = seq_run(&tools[i], timeout);
		}
	}
	for (i = 0; i < n; i++) {
		printf("%s ", tools[i].label);
		bench_print_stats(us[i], (size_t)runs, 0);
		putchar('\n');
	}
	return 0;
}

static int
cmp_nsec(const void *a, const void *b)
{
	nsec_t	x = *(const nsec_t *)a, y = *(const nsec_t *)b;

	return (x > y) - (x < y);
}

/* The most intervals [start, arrival) that overlap at one point. */
static long
peak_alive(const struct sample *s, size_t n)
{
	nsec_t	*starts, *ends;
	size_t	 i, j = 0;
	long	 alive = 0, peak = 0;

	starts = bench_alloc(n, sizeof *starts);
	ends = bench_alloc(n, sizeof *ends);
	for (i = 0; i < n; i++) {
		starts[i] = s[i].start;
		ends[i] = s[i].arrival;
	}
	qsort(starts, n, sizeof *starts, cmp_nsec);
	qsort(ends, n, sizeof *ends, cmp_nsec);
	for (i = 0; i < n; i++) {
		for (; j < n && ends[j] <= starts[i]; j++)
			alive--;
		if (++alive > peak)
			peak = alive;
	}
	free(starts);
	free(ends);
	return peak;
}

static int
burst(int argc, char **argv)
{
	struct bench_tool tool;
	struct sample	*s;
	double		*us, *own;
	size_t		 nown = 0;
	char		 path[] = "/tmp/ctxbench-burst.XXXXXX", line[256];
	nsec_t		 timeout;
	long		 jobs, i, started = 0, reaped = 0, nok = 0, missed;
	pid_t		 pid;
	FILE		*f;
	int		 fd, status, failed = 0;

	if (argc < 4)
		errx(2, "usage: lateness burst jobs timeout_ms label command ...");
	jobs = bench_count(argv[0]);
	timeout = bench_count(argv[1]) * NSEC_PER_MSEC;
	if (bench_tools(argc - 2, argv + 2, &tool, 1) != 1)
		errx(2, "burst measures one tool");
	if ((fd = mkstemp(path)) == -1)
		err(1, "mkstemp");
	unlink(path);
	if (fcntl(fd, F_SETFL, O_APPEND) == -1)
		err(1, "fcntl");

	for (i = 0; i < jobs; i++) {
		if ((pid = fork()) == -1) {
			warn("fork, after %ld jobs", started);
			break;
		}
		if (pid == 0) {
			if (dup2(fd, STDOUT_FILENO) == -1)
				_exit(125);
			exec_tool(&tool, timeout);
		}
		started++;
		while (waitpid(-1, &status, WNOHANG) > 0) {
			reaped++;
			failed += !WIFEXITED(status) ||
			    WEXITSTATUS(status) != CTX_EXIT_DEADLINE;
		}
	}
	for (; reaped < started; reaped++) {
		while (waitpid(-1, &status, 0) == -1)
			if (errno != EINTR)
				err(1, "waitpid");
		failed += !WIFEXITED(status) ||
		    WEXITSTATUS(status) != CTX_EXIT_DEADLINE;
	}

	s = bench_alloc((size_t)jobs, sizeof *s);
	us = bench_alloc((size_t)jobs, sizeof *us);
	own = bench_alloc((size_t)jobs, sizeof *own);
	if (lseek(fd, 0, SEEK_SET) == -1 || (f = fdopen(fd, "r")) == NULL)
		err(1, "%s", path);
	while (nok < jobs && fgets(line, sizeof line, f) != NULL) {
		if (parse_line(line, &s[nok]) == -1 || s[nok].arrival == 0)
			continue;
		us[nok] = (double)(s[nok].arrival - (s[nok].t0 + timeout)) /
		    1000.0;
		if (s[nok].own != 0)
			own[nown++] = (double)(s[nok].arrival - s[nok].own) /
			    1000.0;
		nok++;
	}
	fclose(f);
	missed = jobs - nok;
	if (nok == 0)
		errx(1, "no job saw its signal");
	printf("%s ", tool.label);
	bench_print_stats(us, (size_t)nok, 0);
	printf(" %ld %ld ", peak_alive(s, (size_t)nok), missed);
	if (nown > 0)
		bench_print_stats(own, nown, 0);
	else
		printf("- - - -");
	putchar('\n');
	if (failed > 0)
		warnx("%d of %ld tools did not exit %d", failed, started,
		    CTX_EXIT_DEADLINE);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "job") == 0)
		return job();
	if (argc >= 2 && strcmp(argv[1], "seq") == 0)
		return seq(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "burst") == 0)
		return burst(argc - 2, argv + 2);
	errx(2, "usage: lateness job | seq runs timeout_ms label command ... | "
	    "burst jobs timeout_ms label command ...");
}
