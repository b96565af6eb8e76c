/*
 * signame.c: signal names and numbers ("TERM", "SIGTERM", "term", "15").
 */
#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctx.h"

/* Parses a signal by name, with or without "SIG", or by number. */
int
signal_parse(const char *s, int *sig, const char **cause)
{
	const char	*abbrev;
	char		*end;
	long		 n;
	int		 i;

	if (isdigit((unsigned char)*s)) {
		n = strtol(s, &end, 10);
		if (*end == '\0' && n > 0 && n < NSIG) {
			*sig = (int)n;
			return 0;
		}
	} else {
		if (strncasecmp(s, "SIG", 3) == 0)
			s += 3;
		for (i = 1; i < NSIG; i++) {
			abbrev = sigabbrev_np(i);
			if (abbrev != NULL && strcasecmp(s, abbrev) == 0) {
				*sig = i;
				return 0;
			}
		}
	}
	*cause = "unknown signal";
	return -1;
}

/* The short name of a signal ("TERM"), or its number for unnamed ones. */
const char *
signal_name(int sig)
{
	static char	 buf[16];
	const char	*abbrev;

	if ((abbrev = sigabbrev_np(sig)) != NULL)
		return abbrev;
	snprintf(buf, sizeof buf, "%d", sig);
	return buf;
}
