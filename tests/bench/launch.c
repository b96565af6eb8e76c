/*
 * launch: the cost of starting a command under each of several tools,
 * measured side by side. Each round runs every tool once, the order
 * rotating from round to round, so that noise on a shared machine hits all
 * tools alike. A run is timed from just before fork() to the return of
 * wait4() on CLOCK_MONOTONIC; wait4() also brings the peak resident set of
 * the tool and its children (ru_maxrss), which for `true` is the tool's own.
 *
 *	launch ROUNDS LABEL [VAR=VALUE...] COMMAND [ARG...] \; [LABEL ...]
 *
 * Each LABEL starts a tool: VAR=VALUE words before its command are set in
 * its environment. Every command must exit 0. One untimed round warms the
 * caches. Prints one line per tool:
 *
 *	LABEL MEDIAN P99 MIN MAX RSS_MEDIAN RSS_P99 RSS_MIN RSS_MAX
 *
 * times in microseconds, resident sets in KiB.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"

#define MAX_TOOLS	16

static int	devnull;

/* Runs one tool once; returns its wall time in microseconds. */
static double
run(const struct bench_tool *t, double *kb)
{
	struct rusage	ru;
	pid_t		pid;
	int		status;
	nsec_t		t0;

	t0 = clock_mono();
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if (dup2(devnull, STDOUT_FILENO) == -1)
			_exit(125);
		bench_exec(t);
	}
	while (wait4(pid, &status, 0, &ru) == -1)
		if (errno != EINTR)
			err(1, "wait4");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		errx(1, "%s: %s exited with wait status 0x%x", t->label,
		    t->cmd[0], status);
	*kb = (double)ru.ru_maxrss;
	return (double)(clock_mono() - t0) / 1000.0;
}

int
main(int argc, char **argv)
{
	struct bench_tool	 tools[MAX_TOOLS];
	double			*us[MAX_TOOLS], *kb[MAX_TOOLS], rss;
	long			 rounds, r;
	int			 i, n, k;

	if (argc < 4)
		errx(2, "usage: launch rounds label [var=value ...] command "
		    "[arg ...] \\; ...");
	rounds = bench_count(argv[1]);
	n = bench_tools(argc - 2, argv + 2, tools, MAX_TOOLS);
	if ((devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		err(1, "/dev/null");
	for (i = 0; i < n; i++) {
		us[i] = bench_alloc((size_t)rounds, sizeof(double));
		kb[i] = bench_alloc((size_t)rounds, sizeof(double));
		(void)run(&tools[i], &rss);
	}
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < n; k++) {
			i = (int)((r + k) % n);
			us[i][r] = run(&tools[i], &rss);
			kb[i][r] = rss;
		}
	}
	for (i = 0; i < n; i++) {
		printf("%s ", tools[i].label);
		bench_print_stats(us[i], (size_t)rounds, 0);
		putchar(' ');
		bench_print_stats(kb[i], (size_t)rounds, 0);
		putchar('\n');
	}
	return 0;
}
