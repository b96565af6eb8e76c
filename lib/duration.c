/*
 * duration.c: durations as Go writes them ("300ms", "1.5h", "2h45m") and as
 * timeout(1) does ("30", "1.5m", "1d"; a bare number is seconds).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"

static const struct unit {
	const char	*name;
	nsec_t		 ns;
} units[] = {
	/* Each read whole: see unit_read(). */
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 },		/* U+00B5 micro sign */
	{ "\xce\xbcs", 1000 },		/* U+03BC Greek mu */
	{ "ms", NSEC_PER_MSEC },
	{ "s", NSEC_PER_SEC },
	{ "m", 60 * NSEC_PER_SEC },
	{ "h", 3600 * NSEC_PER_SEC },
	{ "d", 86400 * NSEC_PER_SEC },
};

struct decimal {
	unsigned __int128	 whole;
	unsigned __int128	 frac;		/* frac / scale is the fraction */
	unsigned __int128	 scale;
};

/* Reads digits[.digits] at *sp; returns -1 if there is no digit at all. */
static int
decimal_read(const char **sp, struct decimal *d)
{
	const char	*s = *sp;
	int		 digits = 0;

	d->whole = 0;
	d->frac = 0;
	d->scale = 1;
	for (; isdigit((unsigned char)*s); s++, digits++) {
		if (d->whole < (unsigned __int128)INT64_MAX * 10)
			d->whole = d->whole * 10 + (unsigned)(*s - '0');
	}
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++, digits++) {
			/* Digits past the nanosecond-of-a-day range do not count. */
			if (d->scale < 1000000000000000000ULL) {
				d->frac = d->frac * 10 + (unsigned)(*s - '0');
				d->scale *= 10;
			}
		}
	}
	if (digits == 0)
		return -1;
	*sp = s;
	return 0;
}

/*
 * Reads the unit at *sp: all up to the next number, which must be one of
 * units[] whole ("5sec" is not "5s" followed by junk). On error returns
 * NULL with *cause saying what is wrong.
 */
static const struct unit *
unit_read(const char **sp, const char **cause)
{
	static char	 why[64];
	size_t		 i, len = strcspn(*sp, "0123456789.");

	for (i = 0; len > 0 && i < sizeof units / sizeof units[0]; i++) {
		if (strlen(units[i].name) == len &&
		    strncmp(*sp, units[i].name, len) == 0) {
			*sp += len;
			return &units[i];
		}
	}
	if (**sp == '\0')
		*cause = "missing unit";
	else if (len == 0)
		*cause = "a number with two points";
	else {
		snprintf(why, sizeof why, "unknown unit '%.*s' (ns us ms s m "
		    "h d)", len > 16 ? 16 : (int)len, *sp);
		*cause = why;
	}
	return NULL;
}

/*
 * Parses s into *out. On error returns -1 and points *cause at a short
 * description of what is wrong.
 */
int
duration_parse(const char *s, nsec_t *out, const char **cause)
{
	const struct unit	*u;
	struct decimal		 d;
	unsigned __int128	 total = 0;
	nsec_t			 scale;
	int			 first = 1;

	if (*s == '+')
		s++;
	if (*s == '-') {
		*cause = "negative duration";
		return -1;
	}
	if (*s == '\0') {
		*cause = "empty duration";
		return -1;
	}
	do {
		if (decimal_read(&s, &d) == -1) {
			*cause = "expected a number";
			return -1;
		}
		if (*s == '\0' && first)
			scale = NSEC_PER_SEC;	/* a bare number is seconds */
		else if ((u = unit_read(&s, cause)) != NULL)
			scale = u->ns;
		else
			return -1;
		total += d.whole * scale + d.frac * scale / d.scale;
		if (total > INT64_MAX - 1) {
			*cause = "duration too large";
			return -1;
		}
		first = 0;
	} while (*s != '\0');
	*out = (nsec_t)total;
	return 0;
}

/*
 * Formats a duration as seconds with as few decimals as it needs. The text
 * is made whole before it is copied out, so that a short buffer gets a
 * prefix of it, as from snprintf(): trimming zeros off a cut-off fraction
 * would turn 1.05s into "1s", and a buffer of one byte was read before
 * its start. A negative duration (time already past) gets a minus sign.
 */
void
duration_format(nsec_t ns, char *buf, size_t len)
{
	char			 tmp[48], *p;	/* a sign, two numbers, a point */
	unsigned long long	 mag;

	/* The magnitude in unsigned arithmetic: -INT64_MIN does not fit. */
	mag = ns < 0 ? 0ULL - (unsigned long long)ns : (unsigned long long)ns;
	snprintf(tmp, sizeof tmp, "%s%llu.%09llu", ns < 0 ? "-" : "",
	    mag / NSEC_PER_SEC, mag % NSEC_PER_SEC);
	p = tmp + strlen(tmp) - 1;
	while (*p == '0')
		*p-- = '\0';
	if (*p == '.')
		*p = '\0';
	snprintf(buf, len, "%ss", tmp);
}
