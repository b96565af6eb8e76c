/*
 * unit.c: main() of every unit test program; see unit.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static const char	*unit_current;	/* the test running */
static int		 unit_failures;	/* its failed checks */

/* Reports a failed check of the running test. */
void
unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fprintf(stderr, "%s:%d: [%s] ", file, line, unit_current);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	unit_failures++;
}

/* A string for a message: NULL is shown as "(null)". */
const char *
unit_str(const char *s)
{
	return s == NULL ? "(null)" : s;
}

/* Is the test to be run: every test if no names were given, else if named? */
static int
unit_wanted(const char *name, int argc, char **argv)
{
	int	i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], name) == 0)
			return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const struct unit_test	*t;
	int			 i, passed = 0, failed = 0;

	for (i = 1; i < argc; i++) {
		for (t = unit_tests; t->name != NULL; t++) {
			if (strcmp(t->name, argv[i]) == 0)
				break;
		}
		if (t->name == NULL) {
			fprintf(stderr, "%s: no test %s\n", argv[0], argv[i]);
			return 2;
		}
	}
	for (t = unit_tests; t->name != NULL; t++) {
		if (!unit_wanted(t->name, argc, argv))
			continue;
		unit_current = t->name;
		unit_failures = 0;
		t->fn();
		if (unit_failures == 0)
			passed++;
		else {
			failed++;
			fprintf(stderr, "FAIL %s\n", t->name);
		}
	}
	fflush(stderr);
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
