/*
 * test_name.c: what a context's name may hold (name.c): anything but
 * control characters.
 */
#include "ctx.h"
#include "unit.h"

static void
test_names_taken(void)
{
	CHECK(name_invalid("") == NULL);
	CHECK(name_invalid("build") == NULL);
	CHECK(name_invalid("a b 'c' \"d\" \\e") == NULL);
	CHECK(name_invalid("caf\xc3\xa9") == NULL);
	CHECK(name_invalid("\xff\xfe") == NULL);	/* bytes, not UTF-8 */
	CHECK(name_invalid("~!@#$%^&*()") == NULL);
}

static void
test_names_refused(void)
{
	CHECK_STR(name_invalid("two\nlines"), "a name may not hold control "
	    "characters (0x0a at byte 4)");
	CHECK_STR(name_invalid("\x1b[31m"), "a name may not hold control "
	    "characters (0x1b at byte 1)");
	CHECK_STR(name_invalid("del\x7f"), "a name may not hold control "
	    "characters (0x7f at byte 4)");
	CHECK(name_invalid("tab\t") != NULL);
	CHECK(name_invalid("\x01") != NULL);
	CHECK(name_invalid("cr\r") != NULL);
	CHECK(name_invalid("\x1f") != NULL);
}

const struct unit_test unit_tests[] = {
	{ "names_taken", test_names_taken },
	{ "names_refused", test_names_refused },
	{ NULL, NULL }
};
