/*
 * benchutil.h: what the benchmark programs share. Every benchmark source is
 * a program of its own, so the helpers are static inline here rather than
 * in a .c file of their own.
 */
#ifndef BENCHUTIL_H
#define BENCHUTIL_H

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"

/* A count from the command line: digits only, at least 1. */
static inline long
bench_count(const char *s)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < 1)
		errx(2, "bad count '%s'", s);
	return n;
}

/* A zeroed array that is never NULL. */
static inline void *
bench_alloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL)
		err(1, "calloc");
	return p;
}

static inline int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The value below which a fraction p of the n sorted values lie (nearest
 * rank): p 0.5 is the median (the lower one for an even n), 1 the maximum.
 */
static inline double
bench_rank(const double *sorted, size_t n, double p)
{
	size_t	i = (size_t)(p * (double)n + 0.999999);

	return sorted[i == 0 ? 0 : i - 1];
}

/* Sorts v and prints its median, 99th percentile, minimum and maximum. */
static inline void
bench_print_stats(double *v, size_t n, int prec)
{
	qsort(v, n, sizeof *v, bench_cmp);
	printf("%.*f %.*f %.*f %.*f", prec, bench_rank(v, n, 0.5), prec,
	    bench_rank(v, n, 0.99), prec, v[0], prec, v[n - 1]);
}

/*
 * A tool to measure, from the command line: LABEL [VAR=VALUE...] COMMAND
 * [ARG...], ended by a ";" argument or the end of the line.
 */
struct bench_tool {
	const char	*label;
	char		**env;		/* VAR=VALUE words, up to cmd */
	char		**cmd;		/* NULL-terminated */
};

/* Reads up to max tools from argv; returns how many. */
static inline int
bench_tools(int argc, char **argv, struct bench_tool *tools, int max)
{
	int	i = 0, n = 0;

	while (i < argc) {
		if (n == max)
			errx(2, "more than %d tools", max);
		tools[n].label = argv[i++];
		tools[n].env = argv + i;
		while (i < argc && strchr(argv[i], '=') != NULL)
			i++;
		tools[n].cmd = argv + i;
		while (i < argc && strcmp(argv[i], ";") != 0)
			i++;
		if (tools[n].cmd == argv + i)
			errx(2, "%s: no command", tools[n].label);
		if (i < argc)
			argv[i++] = NULL;
		n++;
	}
	if (n == 0)
		errx(2, "no tool to measure");
	return n;
}

/* In a forked child: sets the tool's variables. */
static inline void
bench_putenv(const struct bench_tool *t)
{
	char	**e;

	for (e = t->env; e < t->cmd; e++)
		if (putenv(*e) != 0)
			_exit(125);
}

/* In a forked child: sets the tool's variables and executes it. */
static inline void __attribute__((noreturn))
bench_exec(const struct bench_tool *t)
{
	bench_putenv(t);
	execvp(t->cmd[0], t->cmd);
	_exit(127);
}

#endif
