/*
 * test_timestamp.c: timestamp_parse (RFC 3339 and "@UNIX_SECONDS") and
 * timestamp_format.
 */
#include <stdio.h>

#include "ctx.h"
#include "unit.h"

#define SEC	NSEC_PER_SEC
#define MSEC	NSEC_PER_MSEC

/* Checks that s parses to want nanoseconds since the epoch. */
#define PARSES(s, want) do {						\
	nsec_t		 t_ = -42;					\
	const char	*cause_ = NULL;					\
	CHECK_EQ_INT(timestamp_parse((s), &t_, &cause_), 0);		\
	CHECK_EQ_INT(t_, (want));					\
} while (0)

/* Checks that s is refused, with a cause. */
#define REFUSED(s) do {							\
	nsec_t		 t_ = -42;					\
	const char	*cause_ = NULL;					\
	CHECK_EQ_INT(timestamp_parse((s), &t_, &cause_), -1);		\
	CHECK(cause_ != NULL && *cause_ != '\0');			\
} while (0)

/* Checks that s is refused with the given cause. */
#define REFUSED_AS(s, want) do {					\
	nsec_t		 t_ = -42;					\
	const char	*cause_ = NULL;					\
	CHECK_EQ_INT(timestamp_parse((s), &t_, &cause_), -1);		\
	CHECK_STR(cause_, (want));					\
} while (0)

#define FORMATS(t, want) do {						\
	char	buf_[TIMESTAMP_LEN];					\
	timestamp_format((t), buf_, sizeof buf_);			\
	CHECK_STR(buf_, (want));					\
} while (0)

static void
test_rfc3339_utc(void)
{
	PARSES("2026-11-22T10:00:00Z", 1795341600 * SEC);
	PARSES("2026-11-22T10:00:00z", 1795341600 * SEC);
	PARSES("1970-01-01T00:00:00Z", 0);
	PARSES("2023-11-14T22:13:20Z", 1700000000 * SEC);
	PARSES("2100-03-01T00:00:00Z", 4107542400 * SEC);
}

static void
test_rfc3339_separators(void)
{
	PARSES("2026-11-22t10:00:00Z", 1795341600 * SEC);
	PARSES("2026-11-22 10:00:00Z", 1795341600 * SEC);
	REFUSED("2026-11-22X10:00:00Z");
	REFUSED("2026-11-22_10:00:00Z");
	REFUSED("2026-11-2210:00:00Z");
	REFUSED("2026-11-22  10:00:00Z");
}

static void
test_rfc3339_fractions(void)
{
	PARSES("2026-11-22T10:00:00.5Z", 1795341600 * SEC + 500 * MSEC);
	PARSES("2026-11-22T10:00:00.123Z", 1795341600 * SEC + 123 * MSEC);
	PARSES("2026-11-22T10:00:00.000000001Z", 1795341600 * SEC + 1);
	PARSES("2026-11-22T10:00:00.123456789Z",
	    1795341600 * SEC + 123456789);
	/* Only nine digits are used. */
	PARSES("2026-11-22T10:00:00.1234567899Z",
	    1795341600 * SEC + 123456789);
	PARSES("2026-11-22T10:00:00.5+01:00",
	    (1795341600 - 3600) * SEC + 500 * MSEC);
	REFUSED("2026-11-22T10:00:00.Z");
	REFUSED("2026-11-22T10:00:00,5Z");
	REFUSED("2026-11-22T10:00:00.5.5Z");
}

static void
test_rfc3339_offsets(void)
{
	/* 10:00 at +01:00 is 09:00 UTC. */
	PARSES("2026-11-22T10:00:00+01:00", (1795341600 - 3600) * SEC);
	PARSES("2026-11-22T10:00:00-05:30", 1795361400 * SEC);
	PARSES("2026-11-22T10:00:00+00:00", 1795341600 * SEC);
	PARSES("2026-11-22T10:00:00-00:00", 1795341600 * SEC);
	PARSES("2026-11-22T00:30:00+01:00",
	    (1795341600 - 10 * 3600 - 1800) * SEC);
	PARSES("2026-11-22T10:00:00+23:59",
	    (1795341600 - 23 * 3600 - 59 * 60) * SEC);
	REFUSED("2026-11-22T10:00:00+24:00");
	REFUSED("2026-11-22T10:00:00+01:60");
	REFUSED("2026-11-22T10:00:00+0100");
	REFUSED("2026-11-22T10:00:00+01");
	REFUSED("2026-11-22T10:00:00+1:00");
	REFUSED("2026-11-22T10:00:00+01:00Z");
}

static void
test_rfc3339_calendar(void)
{
	PARSES("2024-02-29T00:00:00Z", 1709164800 * SEC);	/* leap */
	PARSES("2000-02-29T12:00:00Z", 951825600 * SEC);	/* 400 rule */
	REFUSED("2023-02-29T00:00:00Z");
	REFUSED("2100-02-29T00:00:00Z");		/* 100 rule */
	REFUSED("2024-02-30T00:00:00Z");
	REFUSED("2026-04-31T00:00:00Z");
	REFUSED("2026-13-01T00:00:00Z");
	REFUSED("2026-00-01T00:00:00Z");
	REFUSED("2026-01-32T00:00:00Z");
	REFUSED("2026-01-00T00:00:00Z");
	REFUSED("2026-01-01T24:00:00Z");
	REFUSED("2026-01-01T23:60:00Z");
	REFUSED("2026-01-01T23:59:61Z");
	PARSES("2026-12-31T23:59:59Z", (1795341600 + 39 * 86400 +
	    13 * 3600 + 59 * 60 + 59) * SEC);
}

static void
test_rfc3339_syntax(void)
{
	REFUSED("");
	REFUSED("2026-11-22T10:00:00");			/* no zone */
	REFUSED("2026-11-22T10:00:00Zjunk");
	REFUSED("2026-11-22T10:00:00Z ");
	REFUSED("2026-11-22T10:00:00+01:00x");
	REFUSED("2026-11-22");
	REFUSED("2026-11-22T10:00Z");
	REFUSED("26-11-22T10:00:00Z");
	REFUSED("2026-1-22T10:00:00Z");
	REFUSED("2026/11/22T10:00:00Z");
	REFUSED("2026-11-22T10-00-00Z");
	REFUSED(" 2026-11-22T10:00:00Z");
	REFUSED("+2026-11-22T10:00:00Z");
	REFUSED("now");
	REFUSED("1700000000");
}

/* Times an int64 of nanoseconds cannot hold are refused, not wrapped. */
static void
test_rfc3339_range(void)
{
	PARSES("2262-04-11T23:47:16Z", 9223372036 * SEC);
	REFUSED("2262-04-11T23:47:17Z");
	REFUSED("2300-01-01T00:00:00Z");
	REFUSED("9999-12-31T23:59:59Z");
}

static void
test_unix(void)
{
	PARSES("@0", 0);
	PARSES("@1700000000", 1700000000 * SEC);
	PARSES("@1700000000.25", 1700000000 * SEC + 250 * MSEC);
	PARSES("@1700000000.123456789", 1700000000 * SEC + 123456789);
	PARSES("@1700000000.1234567899", 1700000000 * SEC + 123456789);
	PARSES("@0.5", 500 * MSEC);
	PARSES("@9223372035", 9223372035 * SEC);
	REFUSED("@");
	REFUSED("@-1");
	REFUSED("@+1");
	REFUSED("@1x");
	REFUSED("@1.");
	REFUSED("@.5");
	REFUSED("@ 1");
	REFUSED("@1 ");
	REFUSED("@1e9");
	REFUSED("@@1");
	REFUSED("@99999999999999999999");
}

/* "@N" past what an int64 of nanoseconds holds is refused, not wrapped. */
static void
test_unix_range(void)
{
	REFUSED("@9223372037");
	REFUSED("@9223372039");
	REFUSED("@9223372036.9");
}

static void
test_format(void)
{
	FORMATS(0, "1970-01-01T00:00:00.000Z");
	FORMATS(1700000000123456789LL, "2023-11-14T22:13:20.123Z");
	FORMATS(1700000000999999999LL, "2023-11-14T22:13:20.999Z");
	FORMATS(1700000000000999999LL, "2023-11-14T22:13:20.000Z");
	FORMATS(1795341600 * SEC, "2026-11-22T10:00:00.000Z");
	FORMATS(1795338000 * SEC + 123 * MSEC, "2026-11-22T09:00:00.123Z");
	FORMATS(1709164800 * SEC + 5 * MSEC, "2024-02-29T00:00:00.005Z");
}

/* Rounded down is toward the past before 1970 too. */
static void
test_format_before_epoch(void)
{
	FORMATS(-3600 * SEC, "1969-12-31T23:00:00.000Z");
	FORMATS(-500 * MSEC, "1969-12-31T23:59:59.500Z");
	FORMATS(-1, "1969-12-31T23:59:59.999Z");
}

/* What timestamp_format writes, timestamp_parse reads back (to the ms). */
static void
test_round_trip(void)
{
	static const nsec_t	 cases[] = {
		0, 1700000000123456789LL, 1795341600 * SEC + 999 * MSEC,
		1709164800 * SEC, 951825600 * SEC + 1,
	};
	char			 buf[TIMESTAMP_LEN];
	const char		*cause;
	nsec_t			 t;
	size_t			 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		timestamp_format(cases[i], buf, sizeof buf);
		t = -1;
		CHECK_EQ_INT(timestamp_parse(buf, &t, &cause), 0);
		CHECK_EQ_INT(t, cases[i] - cases[i] % MSEC);
	}
	PARSES("2023-11-14T22:13:20.123Z", 1700000000123000000LL);
	FORMATS(1700000000123000000LL, "2023-11-14T22:13:20.123Z");
}

/* Now, on the wall clock, parses back as what it is. */
static void
test_clock(void)
{
	char		 buf[TIMESTAMP_LEN];
	const char	*cause;
	nsec_t		 now, t = -1, m1, m2;

	now = clock_real();
	CHECK(now > 1700000000 * SEC);
	timestamp_format(now, buf, sizeof buf);
	CHECK_EQ_INT(timestamp_parse(buf, &t, &cause), 0);
	CHECK_EQ_INT(t, now - now % MSEC);
	m1 = clock_mono();
	m2 = clock_mono();
	CHECK(m1 > 0 && m2 >= m1);
}

/* A time after another: past what nsec_t holds is never, NSEC_NONE. */
static void
test_time_after(void)
{
	nsec_t	now = 1795000000 * SEC;

	CHECK_EQ_INT(time_after(now, 30 * SEC), now + 30 * SEC);
	CHECK_EQ_INT(time_after(now, 0), now);
	CHECK_EQ_INT(time_after(now, NSEC_NONE), NSEC_NONE);
	/* -t 100000d: 8.64e18 ns, beyond INT64_MAX from late 2026 */
	CHECK_EQ_INT(time_after(now, 100000LL * 86400 * SEC), NSEC_NONE);
	CHECK_EQ_INT(time_after(now, NSEC_NONE - now - 1), NSEC_NONE - 1);
	CHECK_EQ_INT(time_after(now, NSEC_NONE - now), NSEC_NONE);
	CHECK_EQ_INT(time_after(0, NSEC_NONE - 1), NSEC_NONE - 1);
}

/*
 * A time that is well formed but does not exist, or cannot be held, says
 * what is wrong with it, not that it is not RFC 3339.
 */
static void
test_causes(void)
{
	REFUSED_AS("2026-11-22X10:00:00Z",
	    "expected RFC 3339 (2026-11-22T10:00:00Z) or @UNIX_SECONDS");
	REFUSED_AS("@x", "expected RFC 3339 (2026-11-22T10:00:00Z) or "
	    "@UNIX_SECONDS");
	REFUSED_AS("9999-12-31T23:59:59Z",
	    "out of range: a time from 1970 to 2262-04-11 only");
	REFUSED_AS("1969-12-31T23:59:59Z",
	    "out of range: a time from 1970 to 2262-04-11 only");
	REFUSED_AS("@99999999999999999999",
	    "out of range: a time from 1970 to 2262-04-11 only");
	REFUSED_AS("@9999999999999",
	    "out of range: a time from 1970 to 2262-04-11 only");
	REFUSED_AS("2027-02-29T00:00:00Z",
	    "no such day: February 2027 has 28 days");
	REFUSED_AS("2026-04-31T00:00:00Z", "no such day: April 2026 has 30 days");
	REFUSED_AS("2026-01-00T00:00:00Z",
	    "no such day: January 2026 has 31 days");
	REFUSED_AS("2026-13-01T00:00:00Z", "no such month (01 to 12)");
	REFUSED_AS("2026-01-01T24:00:00Z", "no such hour (00 to 23)");
	REFUSED_AS("2026-01-01T23:60:00Z", "no such minute (00 to 59)");
	REFUSED_AS("2026-01-01T23:59:61Z", "no such second (00 to 60)");
	REFUSED_AS("2026-11-22T10:00:00+24:00",
	    "no such UTC offset (-23:59 to +23:59)");
}

const struct unit_test unit_tests[] = {
	{ "time_after", test_time_after },
	{ "rfc3339_utc", test_rfc3339_utc },
	{ "rfc3339_separators", test_rfc3339_separators },
	{ "rfc3339_fractions", test_rfc3339_fractions },
	{ "rfc3339_offsets", test_rfc3339_offsets },
	{ "rfc3339_calendar", test_rfc3339_calendar },
	{ "rfc3339_syntax", test_rfc3339_syntax },
	{ "unix", test_unix },
	{ "format", test_format },
	{ "round_trip", test_round_trip },
	{ "clock", test_clock },
	{ "format_before_epoch", test_format_before_epoch },
	{ "rfc3339_range", test_rfc3339_range },
	{ "unix_range", test_unix_range },
	{ "causes", test_causes },
	{ NULL, NULL }
};
