/*
 * test_text.c: ctxctl's text for people and for programs: the JSON string
 * escaper (json.c), valid JSON whatever the bytes, and the terminal's
 * escaped, measured and cut text (text.c).
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxctl.h"
#include "unit.h"

/* json_write_string's output for s, in a static buffer. */
static const char *
json(const char *s)
{
	static char	 buf[256];
	FILE		*f = fmemopen(buf, sizeof buf, "w");

	json_write_string(f, s);
	fclose(f);
	return buf;
}

static void
test_json_plain(void)
{
	CHECK_STR(json(""), "\"\"");
	CHECK_STR(json("abc def"), "\"abc def\"");
	CHECK_STR(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
	CHECK_STR(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	CHECK_STR(json("/"), "\"/\"");
}

static void
test_json_controls(void)
{
	CHECK_STR(json("a\nb\tc\rd"), "\"a\\u000ab\\u0009c\\u000dd\"");
	CHECK_STR(json("\x1b[31m"), "\"\\u001b[31m\"");
	CHECK_STR(json("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
	/* C1 controls (U+0080-U+009F, CSI among them) */
	CHECK_STR(json("\xc2\x9b" "2J"), "\"\\u009b2J\"");
	CHECK_STR(json("\xc2\xa0"), "\"\xc2\xa0\"");	/* U+00A0 is text */
}

static void
test_json_invalid_utf8(void)
{
	/* each byte that is not UTF-8 is one U+FFFD */
	CHECK_STR(json("\xff"), "\"\\ufffd\"");
	CHECK_STR(json("a\x80z"), "\"a\\ufffdz\"");
	CHECK_STR(json("\xc3"), "\"\\ufffd\"");			/* cut short */
	CHECK_STR(json("\xe2\x82"), "\"\\ufffd\\ufffd\"");
	CHECK_STR(json("\xc0\xaf"), "\"\\ufffd\\ufffd\"");	/* overlong */
	CHECK_STR(json("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	CHECK_STR(json("\xf4\x90\x80\x80"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* past U+10FFFF */
	CHECK_STR(json("\xe9t\xe9"), "\"\\ufffdt\\ufffd\"");	/* Latin-1 */
}

/* text_escape's output for s; freed at the next call. */
static const char *
escaped(const char *s)
{
	static char	*last;

	free(last);
	return last = text_escape(s);
}

static void
test_text_escape(void)
{
	/* UTF-8 is shown as it is where the locale is UTF-8 (names.bats) */
	setenv("LC_ALL", "C.UTF-8", 1);
	CHECK(text_utf8_locale());
	CHECK_STR(escaped("plain text"), "plain text");
	CHECK_STR(escaped("two\nlines\ttab\rcr"), "two\\nlines\\ttab\\rcr");
	CHECK_STR(escaped("\x1b]0;title\x07"), "\\x1b]0;title\\x07");
	CHECK_STR(escaped("del\x7f c1\xc2\x9b"), "del\\x7f c1\\u009b");
	CHECK_STR(escaped("bad\xff utf8 \xc3\xa9"), "bad\\xff utf8 \xc3\xa9");
	CHECK_STR(escaped("back\\slash"), "back\\slash");
}

static void
test_text_width_cut(void)
{
	char	*s;

	setenv("LC_ALL", "C.UTF-8", 1);
	CHECK(text_utf8_locale());
	CHECK_EQ_INT(text_width(""), 0);
	CHECK_EQ_INT(text_width("abc"), 3);
	CHECK_EQ_INT(text_width("\xe2\x94\x94\xe2\x94\x80" "1"), 3);
	CHECK_EQ_INT(text_width("caf\xc3\xa9"), 4);
	CHECK_STR(s = text_cut("short", 5), "short");
	free(s);
	CHECK_STR(s = text_cut("longer text", 8), "longer \xe2\x80\xa6");
	free(s);
	CHECK_EQ_INT(text_width(s = text_cut("caf\xc3\xa9\xc3\xa9\xc3\xa9", 5)),
	    5);
	CHECK_STR(s, "caf\xc3\xa9\xe2\x80\xa6");	/* cut between characters */
	free(s);
}

static void
test_text_columns(void)
{
	setenv("COLUMNS", "72", 1);
	CHECK_EQ_INT(text_columns(), 72);
	setenv("COLUMNS", "junk", 1);
	unsetenv("COLUMNS");
	/* stdout of the tests is not a terminal, or is: either way not junk */
	CHECK(text_columns() < 100000);
}

const struct unit_test unit_tests[] = {
	{ "json_plain", test_json_plain },
	{ "json_controls", test_json_controls },
	{ "json_invalid_utf8", test_json_invalid_utf8 },
	{ "text_escape", test_text_escape },
	{ "text_width_cut", test_text_width_cut },
	{ "text_columns", test_text_columns },
	{ NULL, NULL }
};
