/*
 * name.c: what a context's name may hold. Names are shown one a line, by
 * ctxctl ls and status, and put in jobs' environments: a control character
 * in one would split a line, or talk to the terminal that shows it.
 * ctxrun and ctxctl refuse such a name before asking, ctxd when asked.
 */
#include <stdio.h>

#include "ctx.h"

/*
 * NULL if name will do as a context's name; else why not, in a static
 * buffer: which control character (bytes below 0x20, and DEL), and where.
 */
const char *
name_invalid(const char *name)
{
	static char	why[96];
	const char	*s;

	for (s = name; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			continue;
		snprintf(why, sizeof why, "a name may not hold control "
		    "characters (0x%02x at byte %zu)", (unsigned char)*s,
		    (size_t)(s - name) + 1);
		return why;
	}
	return NULL;
}
