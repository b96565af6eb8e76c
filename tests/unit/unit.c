/*
 * unit.c: main() of every unit test program; see unit.h.
 */
#include <sys/stat.h>

#include <ftw.h>
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

static char	unit_tmpdir[] = "/tmp/ctx-unit.XXXXXX";
static int	unit_tmpdir_made;

static int
unit_remove_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
unit_tmp_remove(void)
{
	nftw(unit_tmpdir, unit_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The temporary directory, made on first use, removed at exit. */
const char *
unit_tmp_dir(void)
{
	if (!unit_tmpdir_made) {
		if (mkdtemp(unit_tmpdir) == NULL) {
			perror("mkdtemp");
			exit(2);
		}
		unit_tmpdir_made = 1;
		atexit(unit_tmp_remove);
	}
	return unit_tmpdir;
}

/* The path of name in the temporary directory, to free. */
char *
unit_tmp_path(const char *name)
{
	char	*path;

	if (asprintf(&path, "%s/%s", unit_tmp_dir(), name) == -1) {
		perror("asprintf");
		exit(2);
	}
	return path;
}

/* Writes text into the file name in the temporary directory. */
char *
unit_write_file(const char *name, const char *text)
{
	FILE	*f;
	char	*path = unit_tmp_path(name);

	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		perror(path);
		exit(2);
	}
	return path;
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
