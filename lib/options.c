/*
 * options.c: reading a duration, a time or a signal given to an option,
 * with the message every program prints when it is wrong.
 */
#include <stdlib.h>

#include "ctx.h"

/* On error, returns -1 with *cause an allocated "OPT: bad duration ..." */
int
option_duration(const char *opt, const char *arg, nsec_t *ns, char **cause)
{
	const char	*why;

	if (duration_parse(arg, ns, &why) == 0)
		return 0;
	xasprintf(cause, "%s: bad duration '%s': %s", opt, arg, why);
	return -1;
}

int
option_time(const char *opt, const char *arg, nsec_t *t, char **cause)
{
	const char	*why;

	if (timestamp_parse(arg, t, &why) == 0)
		return 0;
	xasprintf(cause, "%s: bad time '%s': %s", opt, arg, why);
	return -1;
}

/* --unset KEY: a key to unset; the message as option_duration()'s. */
int
option_key(const char *opt, const char *arg, char **cause)
{
	const char	*why;

	if (values_key_check(arg, &why) == 0)
		return 0;
	xasprintf(cause, "%s '%s': %s", opt, arg, why);
	return -1;
}

int
option_signal(const char *opt, const char *arg, int *sig, char **cause)
{
	const char	*why;

	if (signal_parse(arg, sig, &why) == 0)
		return 0;
	xasprintf(cause, "%s: %s '%s'", opt, why, arg);
	return -1;
}
