/*
 * test_duration.c: duration_parse and duration_format (SPEC §6).
 */
#include <stdio.h>

#include "ctx.h"
#include "unit.h"

#define SEC	NSEC_PER_SEC
#define MIN	(60 * SEC)
#define HOUR	(60 * MIN)

/* Checks that s parses to want nanoseconds, reporting the caller's line. */
#define PARSES(s, want) do {						\
	nsec_t		 ns_ = -42;					\
	const char	*cause_ = NULL;					\
	CHECK_EQ_INT(duration_parse((s), &ns_, &cause_), 0);		\
	CHECK_EQ_INT(ns_, (want));					\
	CHECK_STR(cause_, NULL);					\
} while (0)

/* Checks that s is refused with the given cause (NULL: any cause). */
#define REFUSED(s, want_cause) do {					\
	nsec_t		 ns_ = -42;					\
	const char	*cause_ = NULL, *want_ = (want_cause);		\
	CHECK_EQ_INT(duration_parse((s), &ns_, &cause_), -1);		\
	CHECK(cause_ != NULL);						\
	if (want_ != NULL)						\
		CHECK_STR(cause_, want_);				\
} while (0)

#define FORMATS(ns, want) do {						\
	char	buf_[64];						\
	duration_format((ns), buf_, sizeof buf_);			\
	CHECK_STR(buf_, (want));					\
} while (0)

static void
test_go_forms(void)
{
	PARSES("300ms", 300 * NSEC_PER_MSEC);
	PARSES("1.5h", HOUR + 30 * MIN);
	PARSES("2h45m", 2 * HOUR + 45 * MIN);
	PARSES("1h30m10s", HOUR + 30 * MIN + 10 * SEC);
	PARSES("1m30s", 90 * SEC);
	PARSES("1.5s", 1500 * NSEC_PER_MSEC);
	PARSES("10s500ms", 10 * SEC + 500 * NSEC_PER_MSEC);
	PARSES("1h1m1s1ms1us1ns", HOUR + MIN + SEC + NSEC_PER_MSEC + 1000 + 1);
}

static void
test_small_units(void)
{
	PARSES("1ns", 1);
	PARSES("250ns", 250);
	PARSES("1us", 1000);
	PARSES("1\xc2\xb5s", 1000);		/* U+00B5 micro sign */
	PARSES("1\xce\xbcs", 1000);		/* U+03BC Greek mu */
	PARSES("2.5us", 2500);
	PARSES("1ms", NSEC_PER_MSEC);
	PARSES("1.5ms", 1500000);
	PARSES("0.5ns", 0);			/* below a nanosecond */
}

static void
test_timeout_forms(void)
{
	PARSES("30", 30 * SEC);
	PARSES("30s", 30 * SEC);
	PARSES("1.5m", 90 * SEC);
	PARSES("2h", 2 * HOUR);
	PARSES("1d", 24 * HOUR);
	PARSES("1.5d", 36 * HOUR);
	PARSES("0", 0);
	PARSES("0s", 0);
	PARSES("0.5", 500 * NSEC_PER_MSEC);
	PARSES("1.5", 1500 * NSEC_PER_MSEC);
	PARSES(".5s", 500 * NSEC_PER_MSEC);
	PARSES(".5", 500 * NSEC_PER_MSEC);
	PARSES("5.s", 5 * SEC);
	PARSES("+5s", 5 * SEC);
	PARSES("+5", 5 * SEC);
	PARSES("007s", 7 * SEC);
}

static void
test_fractions(void)
{
	PARSES("0.000000001s", 1);
	PARSES("0.0000000019s", 1);		/* truncated, not rounded */
	PARSES("0.123456789123456789s", 123456789);
	/* Digits beyond 18 are ignored. */
	PARSES("0.1234567891234567899999s", 123456789);
	PARSES("1.0000000000000000000000001s", SEC);
	PARSES("0.000001h", 3600000);
}

static void
test_limits(void)
{
	/* INT64_MAX is NSEC_NONE; one below it is the largest duration. */
	PARSES("9223372036.854775806s", INT64_MAX - 1);
	PARSES("2562047h47m16.854775806s", INT64_MAX - 1);
	PARSES("106751d", 106751 * 24 * HOUR);
	REFUSED("9223372037s", "duration too large");
	REFUSED("9223372037", "duration too large");
	REFUSED("300000000000h", "duration too large");
	REFUSED("106752d", "duration too large");
	REFUSED("2562048h", "duration too large");
	REFUSED("2562047h47m17s", "duration too large");
	REFUSED("99999999999999999999999999999999s", "duration too large");
	REFUSED("9999999999999999999999999999999999999999h",
	    "duration too large");
}

static void
test_errors(void)
{
	REFUSED("", "empty duration");
	REFUSED("+", "empty duration");
	REFUSED("-1s", "negative duration");
	REFUSED("-5", "negative duration");
	REFUSED("-0", "negative duration");
	REFUSED("+-5s", "negative duration");
	REFUSED("5x", "unknown unit 'x' (ns us ms s m h d)");
	REFUSED("5 s", "unknown unit ' s' (ns us ms s m h d)");
	REFUSED("5S", "unknown unit 'S' (ns us ms s m h d)");
	REFUSED("5s ", "unknown unit 's ' (ns us ms s m h d)");
	REFUSED("1..5s", "a number with two points");
	REFUSED("1h30", "missing unit");
	REFUSED("1s5", "missing unit");
	REFUSED("abc", NULL);
	REFUSED("s", NULL);
	REFUSED(".", NULL);
	REFUSED(".s", NULL);
	REFUSED(" 5s", NULL);
	REFUSED("++5s", NULL);
	REFUSED("1h-5m", NULL);
	REFUSED("1h+5m", NULL);
	REFUSED("\xc2\xb5s", NULL);
	REFUSED("5\xc2s", NULL);		/* half a micro sign */
}

/*
 * A unit is read whole: "5sec" names the unit it does not know, and lists
 * those it does, rather than read "5s" and find no number in "ec".
 */
static void
test_unknown_unit(void)
{
	REFUSED("5sec", "unknown unit 'sec' (ns us ms s m h d)");
	REFUSED("1h5mins", "unknown unit 'mins' (ns us ms s m h d)");
	REFUSED("2msec", "unknown unit 'msec' (ns us ms s m h d)");
	REFUSED("1hours", "unknown unit 'hours' (ns us ms s m h d)");
	REFUSED("5abcdefghijklmnopqrstuvwxyz",
	    "unknown unit 'abcdefghijklmnop' (ns us ms s m h d)");
	REFUSED("5s3", "missing unit");
	PARSES("1h5m3s", HOUR + 5 * MIN + 3 * SEC);
	PARSES("5ms", 5 * NSEC_PER_MSEC);
}

/* A refused duration leaves *out alone. */
static void
test_error_keeps_out(void)
{
	nsec_t		 ns = 77;
	const char	*cause;

	CHECK_EQ_INT(duration_parse("5x", &ns, &cause), -1);
	CHECK_EQ_INT(ns, 77);
}

static void
test_format(void)
{
	FORMATS(0, "0s");
	FORMATS(SEC / 2, "0.5s");
	FORMATS(10 * SEC, "10s");
	FORMATS(NSEC_PER_MSEC, "0.001s");
	FORMATS(200 * NSEC_PER_MSEC, "0.2s");
	FORMATS(1, "0.000000001s");
	FORMATS(1500 * NSEC_PER_MSEC, "1.5s");
	FORMATS(HOUR, "3600s");
	FORMATS(100 * SEC, "100s");
	FORMATS(10 * SEC + 1, "10.000000001s");
	FORMATS(123456789, "0.123456789s");
	FORMATS(INT64_MAX - 1, "9223372036.854775806s");
}

/* A duration already past reads as one: the sign before the whole. */
static void
test_format_negative(void)
{
	FORMATS(-SEC / 2, "-0.5s");
	FORMATS(-1, "-0.000000001s");
	FORMATS(-90 * SEC, "-90s");
	FORMATS(INT64_MIN, "-9223372036.854775808s");
}

/* A short buffer gets a prefix of the text, as from snprintf(). */
static void
test_format_short(void)
{
	char	buf[8];

	duration_format(0, buf, 1);
	CHECK_STR(buf, "");
	duration_format(0, buf, 2);
	CHECK_STR(buf, "0");
	duration_format(30 * SEC, buf, 3);
	CHECK_STR(buf, "30");
	duration_format(1050 * NSEC_PER_MSEC, buf, 4);
	CHECK_STR(buf, "1.0");
	duration_format(1050 * NSEC_PER_MSEC, buf, 5);
	CHECK_STR(buf, "1.05");
	duration_format(1050 * NSEC_PER_MSEC, buf, 6);
	CHECK_STR(buf, "1.05s");
}

/* What duration_format writes, duration_parse reads back. */
static void
test_format_round_trip(void)
{
	static const nsec_t	 cases[] = {
		0, 1, 999, NSEC_PER_MSEC, SEC / 2, SEC, 10 * SEC,
		HOUR + 1, 24 * HOUR, INT64_MAX - 1,
	};
	char			 buf[64];
	const char		*cause;
	nsec_t			 ns;
	size_t			 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		duration_format(cases[i], buf, sizeof buf);
		ns = -1;
		CHECK_EQ_INT(duration_parse(buf, &ns, &cause), 0);
		CHECK_EQ_INT(ns, cases[i]);
	}
}

const struct unit_test unit_tests[] = {
	{ "go_forms", test_go_forms },
	{ "small_units", test_small_units },
	{ "timeout_forms", test_timeout_forms },
	{ "fractions", test_fractions },
	{ "limits", test_limits },
	{ "errors", test_errors },
	{ "unknown_unit", test_unknown_unit },
	{ "error_keeps_out", test_error_keeps_out },
	{ "format", test_format },
	{ "format_short", test_format_short },
	{ "format_negative", test_format_negative },
	{ "format_round_trip", test_format_round_trip },
	{ NULL, NULL }
};
