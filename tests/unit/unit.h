/*
 * unit.h: a tiny unit test harness. A test file defines its test functions
 * and a table of them, ended by {NULL, NULL}:
 *
 *	const struct unit_test unit_tests[] = {
 *		{ "duration_go", test_duration_go },
 *		{ NULL, NULL }
 *	};
 *
 * unit.c holds main(), which runs every test (or those named on the command
 * line), prints each failed check as "file:line: expression" and ends with
 * one "N passed, N failed" line; the exit status is 1 if any test failed.
 */
#ifndef UNIT_H
#define UNIT_H

#include <string.h>

struct unit_test {
	const char	*name;
	void		(*fn)(void);
};

extern const struct unit_test unit_tests[];

void	unit_fail(const char *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
const char *unit_str(const char *);

/* A temporary directory for the program, removed when it exits. */
const char *unit_tmp_dir(void);
char	*unit_tmp_path(const char *);
char	*unit_write_file(const char *, const char *);

#define CHECK(c) do {							\
	if (!(c))							\
		unit_fail(__FILE__, __LINE__, "CHECK(%s)", #c);		\
} while (0)

#define CHECK_EQ_INT(a, b) do {						\
	long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);	\
	if (unit_a_ != unit_b_)						\
		unit_fail(__FILE__, __LINE__,				\
		    "CHECK_EQ_INT(%s, %s): %lld != %lld",		\
		    #a, #b, unit_a_, unit_b_);				\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *unit_a_ = (a), *unit_b_ = (b);			\
	if (unit_a_ == NULL || unit_b_ == NULL ?			\
	    unit_a_ != unit_b_ : strcmp(unit_a_, unit_b_) != 0)		\
		unit_fail(__FILE__, __LINE__,				\
		    "CHECK_STR(%s, %s): \"%s\" != \"%s\"",		\
		    #a, #b, unit_str(unit_a_), unit_str(unit_b_));	\
} while (0)

#endif
