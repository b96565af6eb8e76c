/*
 * fuzz.h: what every fuzz target shares. A target defines
 * LLVMFuzzerTestOneInput(); libFuzzer calls it under "make fuzz", and
 * driver.c replays the committed inputs through it under "make fuzz-regress".
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * A broken invariant: abort, which libFuzzer reports as a crash and saves
 * the input for, and which fails fuzz-regress. Not assert(), which NDEBUG
 * would take away.
 */
#define FUZZ_CHECK(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n",	\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

/* The input as a string, cut at its first NUL, with room for more bytes. */
static inline char *
fuzz_string(const uint8_t *data, size_t size, size_t room)
{
	char	*s;

	if ((s = malloc(size + 1 + room)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Formats v into buffers of every size up to the full text's, each of which
 * must get a prefix of it, as from snprintf(). Each buffer is a malloc() of
 * its exact size, for ASan to see a byte too far on either side.
 */
static inline void
fuzz_format_short(void (*format)(nsec_t, char *, size_t), nsec_t v,
    const char *full)
{
	char	*buf;
	size_t	 len, flen = strlen(full);

	for (len = 1; len <= flen + 1; len++) {
		if ((buf = malloc(len)) == NULL)
			abort();
		format(v, buf, len);
		FUZZ_CHECK(strlen(buf) == len - 1);
		FUZZ_CHECK(strncmp(buf, full, len - 1) == 0);
		free(buf);
	}
}

#endif
