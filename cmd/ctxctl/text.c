/*
 * text.c: text for a terminal. Names, values and commands may hold any
 * bytes: they are shown with control characters and bytes that are not
 * UTF-8 escaped, so that one context is one line and nothing it holds
 * talks to the terminal; measured in columns, and cut to fit.
 */
#include <sys/ioctl.h>

#include <err.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "ctxctl.h"

/*
 * The length of the UTF-8 sequence at s, with its code point in *cp; 0 if
 * it is not a valid one (overlong forms, surrogates and what lies past
 * U+10FFFF are not).
 */
size_t
text_utf8(const char *str, uint32_t *cp)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, *cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, *cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* the NUL at the end too */
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && *cp < 0x800) || (len == 4 && (*cp < 0x10000 ||
	    *cp > 0x10ffff)) || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* Is the locale's character set UTF-8? Sets LC_CTYPE from the environment. */
int
text_utf8_locale(void)
{
	static int	utf8 = -1;

	if (utf8 == -1) {
		setlocale(LC_CTYPE, "");
		utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	}
	return utf8;
}

/* Appends one escape for cp (a control character) or a stray byte. */
static void
text_escape_one(FILE *f, uint32_t cp, int stray)
{
	if (stray)
		fprintf(f, "\\x%02x", (unsigned)cp);
	else if (cp == '\n')
		fputs("\\n", f);
	else if (cp == '\t')
		fputs("\\t", f);
	else if (cp == '\r')
		fputs("\\r", f);
	else if (cp < 0x80)
		fprintf(f, "\\x%02x", (unsigned)cp);
	else
		fprintf(f, "\\u%04x", (unsigned)cp);	/* C1: U+0080-U+009F */
}

/*
 * s as a terminal may show it: C0 and C1 control characters and DEL as
 * \n, \t, \r, \xHH or \u00HH, and each byte that is not UTF-8 as \xHH.
 * Where the locale is not UTF-8, every byte above 0x7f is \xHH: an 8-bit
 * terminal takes some (0x9b, CSI) for control characters.
 * A backslash stays as it is: this is for people; --json is exact.
 */
char *
text_escape(const char *s)
{
	FILE		*f;
	char		*out = NULL;
	size_t		 len = 0, n;
	uint32_t	 cp;
	int		 utf8 = text_utf8_locale();

	if ((f = open_memstream(&out, &len)) == NULL)
		errx(CTX_EXIT_FAILURE, "out of memory");
	for (; *s != '\0'; s += n) {
		if ((n = text_utf8(s, &cp)) == 0 || (!utf8 && cp >= 0x80)) {
			text_escape_one(f, (unsigned char)*s, 1);
			n = 1;
		} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			text_escape_one(f, cp, 0);
		else
			fwrite(s, 1, n, f);
	}
	if (fclose(f) != 0)
		errx(CTX_EXIT_FAILURE, "out of memory");
	return out;
}

/* The columns the character at s takes (of n bytes); one if unknown. */
static size_t
text_char_width(const char *s, size_t *n)
{
	uint32_t	cp;
	int		w;

	if ((*n = text_utf8(s, &cp)) == 0) {
		*n = 1;
		return 1;
	}
	if (cp < 0x80 || !text_utf8_locale())
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

/* The columns s takes on a terminal (escaped text: no control characters). */
size_t
text_width(const char *s)
{
	size_t	w = 0, n;

	for (; *s != '\0'; s += n)
		w += text_char_width(s, &n);
	return w;
}

/*
 * s cut to width columns at most, with an ellipsis where it was cut
 * ("..." where the locale is not UTF-8). Allocated.
 */
char *
text_cut(const char *s, size_t width)
{
	const char	*dots = text_utf8_locale() ? "\xe2\x80\xa6" : "...";
	size_t		 room, used = 0, w, n, end = 0;
	char		*out;

	if (text_width(s) <= width)
		return xstrdup(s);
	room = width > text_width(dots) ? width - text_width(dots) : 0;
	while (s[end] != '\0' && used + (w = text_char_width(s + end, &n)) <=
	    room) {
		used += w;
		end += n;
	}
	xasprintf(&out, "%.*s%s", (int)end, s, dots);
	return out;
}

/*
 * The width to cut lines to: $COLUMNS if set, else the terminal's if
 * stdout is one; 0 (do not cut) when it goes to a pipe or a file.
 */
size_t
text_columns(void)
{
	struct winsize	 ws;
	const char	*s = getenv("COLUMNS");
	char		*end;
	long		 n;

	if (s != NULL && *s != '\0') {
		n = strtol(s, &end, 10);
		if (*end == '\0' && n > 0 && n < 100000)
			return (size_t)n;
	}
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}
