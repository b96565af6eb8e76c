/*
 * test_shquote.c: ctxrun's words quoted for a shell (shquote.c): what ssh's
 * remote shell runs, and the command ctxctl shows, which a shell must read
 * back as the same words.
 */
#include <stdlib.h>
#include <string.h>

#include "ctxrun.h"
#include "unit.h"

static char *
quoted(const char *s)
{
	static char	*last;

	free(last);
	return last = shquote_word(s);
}

static void
test_safe_words(void)
{
	CHECK_STR(quoted("echo"), "echo");
	CHECK_STR(quoted("/usr/bin/make"), "/usr/bin/make");
	CHECK_STR(quoted("-j4"), "-j4");
	CHECK_STR(quoted("a.b:c@d,e+f_g"), "a.b:c@d,e+f_g");
}

static void
test_quoted_words(void)
{
	CHECK_STR(quoted(""), "''");
	CHECK_STR(quoted("echo leaf"), "'echo leaf'");
	CHECK_STR(quoted("$HOME"), "'$HOME'");
	CHECK_STR(quoted("*.c"), "'*.c'");
	CHECK_STR(quoted("it's"), "'it'\\''s'");
	CHECK_STR(quoted("'"), "''\\'''");
	CHECK_STR(quoted("a=b"), "'a=b'");
	CHECK_STR(quoted("~user"), "'~user'");
	CHECK_STR(quoted("two\nlines"), "'two\nlines'");
}

static void
test_append(void)
{
	char	*line = xstrdup("");

	shquote_append(&line, "sh");
	shquote_append(&line, "-c");
	shquote_append(&line, "echo leaf");
	shquote_append(&line, "");
	CHECK_STR(line, "sh -c 'echo leaf' ''");
	free(line);
	free(quoted("x"));
}

const struct unit_test unit_tests[] = {
	{ "safe_words", test_safe_words },
	{ "quoted_words", test_quoted_words },
	{ "append", test_append },
	{ NULL, NULL }
};
