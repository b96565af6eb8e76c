/*
 * fuzz_time.c: timestamp_parse() and timestamp_format(). The input, up to
 * its first NUL, is a time as a user would give --deadline. Besides memory
 * safety, it checks that:
 *
 * - a time parses to 0 .. INT64_MAX - 1 (1970 to 2262; INT64_MAX means no
 *   deadline);
 * - the same instant written as "@SECONDS.NANOSECONDS" parses to the same;
 * - timestamp_format() writes RFC 3339 in UTC to the millisecond, rounded
 *   down: parsing it gives the time less its sub-millisecond part, and
 *   formatting that gives the same text;
 * - into a short buffer, it writes a prefix of that, as snprintf() would.
 */
#include <string.h>

#include "ctx.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s, text[64], out[TIMESTAMP_LEN], again_out[TIMESTAMP_LEN];
	const char	*cause = NULL;
	nsec_t		 t = -1, again = -1;

	s = fuzz_string(data, size, 0);

	if (timestamp_parse(s, &t, &cause) == -1) {
		FUZZ_CHECK(cause != NULL);
		free(s);
		return 0;
	}
	free(s);
	FUZZ_CHECK(t >= 0 && t < NSEC_NONE);

	snprintf(text, sizeof text, "@%lld.%09lld", (long long)(t / NSEC_PER_SEC),
	    (long long)(t % NSEC_PER_SEC));
	FUZZ_CHECK(timestamp_parse(text, &again, &cause) == 0 && again == t);

	timestamp_format(t, out, sizeof out);
	FUZZ_CHECK(strlen(out) == strlen("2026-11-22T10:00:00.000Z"));
	FUZZ_CHECK(timestamp_parse(out, &again, &cause) == 0);
	FUZZ_CHECK(again == t - t % NSEC_PER_MSEC);
	timestamp_format(again, again_out, sizeof again_out);
	FUZZ_CHECK(strcmp(out, again_out) == 0);
	fuzz_format_short(timestamp_format, t, out);
	return 0;
}
