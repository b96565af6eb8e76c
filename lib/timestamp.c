/*
 * timestamp.c: the two clocks, and points in time as RFC 3339 text or
 * "@UNIX_SECONDS".
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctx.h"

static nsec_t
clock_ns(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return (nsec_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* The wall clock: what absolute deadlines are measured on. */
nsec_t
clock_real(void)
{
	return clock_ns(CLOCK_REALTIME);
}

/* The monotonic clock: what relative timeouts are measured on. */
nsec_t
clock_mono(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/*
 * The time d after t (t not negative), or NSEC_NONE, never, if d is or
 * that is beyond what nsec_t holds: -t 300y has no deadline in reach.
 */
nsec_t
time_after(nsec_t t, nsec_t d)
{
	if (d == NSEC_NONE || d >= NSEC_NONE - t)
		return NSEC_NONE;
	return t + d;
}

/* Reads exactly n digits at *sp into *v. */
static int
digits_read(const char **sp, int n, int *v)
{
	const char	*s = *sp;

	*v = 0;
	for (; n > 0; n--, s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		*v = *v * 10 + (*s - '0');
	}
	*sp = s;
	return 0;
}

/* Reads an optional ".digits" fraction of a second, as nanoseconds. */
static int
fraction_read(const char **sp, nsec_t *ns)
{
	const char	*s = *sp;
	nsec_t		 scale = NSEC_PER_SEC;

	*ns = 0;
	if (*s != '.')
		return 0;
	if (!isdigit((unsigned char)*++s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		if (scale > 1) {
			scale /= 10;
			*ns += (*s - '0') * scale;
		}
	}
	*sp = s;
	return 0;
}

/* Reads the date-time separator: 'T', or 't' and ' ' as RFC 3339 allows. */
static int
separator_read(const char **sp)
{
	if (**sp == '\0' || strchr("Tt ", **sp) == NULL)
		return -1;
	(*sp)++;
	return 0;
}

static int
month_days(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int		 leap;

	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return days[month - 1] + (month == 2 && leap);
}

#define SYNTAX		"expected RFC 3339 (2026-11-22T10:00:00Z) or @UNIX_SECONDS"
#define OUT_OF_RANGE	"out of range: a time from 1970 to 2262-04-11 only"

/*
 * Combines seconds and nanoseconds, refusing times before 1970 and times
 * too late to be held (past 2262), NSEC_NONE included.
 */
static int
time_combine(long long sec, nsec_t frac, nsec_t *out, const char **cause)
{
	if (sec < 0 || sec > (INT64_MAX - 1 - frac) / NSEC_PER_SEC) {
		*cause = OUT_OF_RANGE;
		return -1;
	}
	*out = sec * NSEC_PER_SEC + frac;
	return 0;
}

/*
 * A date and time whose every field has its digits, but that does not
 * exist: says which field is wrong. Returns 0 if none is.
 */
static int
fields_check(int year, int mon, int day, int hour, int min, int sec,
    const char **cause)
{
	static const char	*months[] = { "January", "February", "March",
	    "April", "May", "June", "July", "August", "September", "October",
	    "November", "December" };
	static char		 why[64];

	if (mon < 1 || mon > 12)
		*cause = "no such month (01 to 12)";
	else if (day < 1 || day > month_days(year, mon)) {
		snprintf(why, sizeof why, "no such day: %s %04d has %d days",
		    months[mon - 1], year, month_days(year, mon));
		*cause = why;
	} else if (hour > 23)
		*cause = "no such hour (00 to 23)";
	else if (min > 59)
		*cause = "no such minute (00 to 59)";
	else if (sec > 60)
		*cause = "no such second (00 to 60)";
	else
		return 0;
	return -1;
}

/* Parses "@SECONDS[.FRACTION]". */
static int
unix_parse(const char *s, nsec_t *out, const char **cause)
{
	long long	sec = 0;
	nsec_t		frac;
	int		big = 0;

	*cause = SYNTAX;
	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		if (sec > INT64_MAX / NSEC_PER_SEC)
			big = 1;
		else
			sec = sec * 10 + (*s - '0');
	}
	if (fraction_read(&s, &frac) == -1 || *s != '\0')
		return -1;
	if (big) {
		*cause = OUT_OF_RANGE;
		return -1;
	}
	return time_combine(sec, frac, out, cause);
}

/* Parses RFC 3339: 2026-11-22T10:00:00[.123]Z or with a +hh:mm offset. */
static int
rfc3339_parse(const char *s, nsec_t *out, const char **cause)
{
	struct tm	tm;
	int		year, mon, day, hour, min, sec, oh = 0, om = 0, sign = 0;
	nsec_t		frac;
	time_t		t;

	if (digits_read(&s, 4, &year) == -1 || *s++ != '-' ||
	    digits_read(&s, 2, &mon) == -1 || *s++ != '-' ||
	    digits_read(&s, 2, &day) == -1 || separator_read(&s) == -1 ||
	    digits_read(&s, 2, &hour) == -1 || *s++ != ':' ||
	    digits_read(&s, 2, &min) == -1 || *s++ != ':' ||
	    digits_read(&s, 2, &sec) == -1 || fraction_read(&s, &frac) == -1) {
		*cause = SYNTAX;
		return -1;
	}
	*cause = SYNTAX;
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (digits_read(&s, 2, &oh) == -1 || *s++ != ':' ||
		    digits_read(&s, 2, &om) == -1)
			return -1;
		if (oh > 23 || om > 59) {
			*cause = "no such UTC offset (-23:59 to +23:59)";
			return -1;
		}
	} else
		return -1;
	if (*s != '\0' ||
	    fields_check(year, mon, day, hour, min, sec, cause) == -1)
		return -1;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;		/* timegm() carries a leap second over */
	errno = 0;
	if ((t = timegm(&tm)) == (time_t)-1 && errno != 0) {
		*cause = OUT_OF_RANGE;
		return -1;
	}
	return time_combine((long long)t - sign * (oh * 3600 + om * 60), frac,
	    out, cause);
}

/*
 * Parses an absolute time, RFC 3339 or "@UNIX_SECONDS", into nanoseconds on
 * the wall clock.
 */
int
timestamp_parse(const char *s, nsec_t *out, const char **cause)
{
	return *s == '@' ? unix_parse(s + 1, out, cause) :
	    rfc3339_parse(s, out, cause);
}

/* Formats t as RFC 3339 in UTC with milliseconds, rounded down. */
void
timestamp_format(nsec_t t, char *buf, size_t len)
{
	struct tm	tm;
	time_t		sec = (time_t)(t / NSEC_PER_SEC);
	nsec_t		rem = t % NSEC_PER_SEC;
	char		tmp[TIMESTAMP_LEN];

	if (rem < 0) {
		rem += NSEC_PER_SEC;
		sec--;
	}
	gmtime_r(&sec, &tm);
	strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03lldZ", tmp, (long long)(rem / NSEC_PER_MSEC));
}
