/*
 * shquote.c: words quoted for a shell: the command line ssh gives the
 * remote shell (--ssh), and the job's command as ctxctl shows it, which a
 * user may paste back into a shell ("sh -c 'echo leaf'", not "sh -c echo
 * leaf").
 */
#include <stdlib.h>
#include <string.h>

#include "ctxrun.h"

/*
 * Words made only of these need no quotes in any shell a user logs in
 * with: no globbing, expansion or word splitting in sh, bash, zsh (not
 * '=' at a word's start), csh or fish (not '%').
 */
static const char shquote_safe[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:@,+-";

/* s as one word: as it is if it is safe, else in single quotes, each
 * quote in it written '\''. Allocated. */
char *
shquote_word(const char *s)
{
	const char	*p;
	char		*q, *next;
	size_t		 len = 0;

	if (*s != '\0' && strspn(s, shquote_safe) == strlen(s))
		return xstrdup(s);
	for (p = s; *p != '\0'; p++)
		len += *p == '\'' ? 4 : 1;
	q = xmalloc(len + 3);
	next = q;
	*next++ = '\'';
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(next, "'\\''", 4);
			next += 4;
		} else
			*next++ = *p;
	}
	*next++ = '\'';
	*next = '\0';
	return q;
}

/* Appends s to *line (allocated) as one more word, quoted. */
void
shquote_append(char **line, const char *s)
{
	char	*q = shquote_word(s), *next;

	xasprintf(&next, "%s%s%s", *line, **line == '\0' ? "" : " ", q);
	free(q);
	free(*line);
	*line = next;
}
