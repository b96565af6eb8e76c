/*
 * fuzz_duration.c: duration_parse() and duration_format() (SPEC §6). The
 * input, up to its first NUL, is a duration as a user would type it.
 * Besides memory safety, it checks that:
 *
 * - a duration parses to 0 .. INT64_MAX - 1 (INT64_MAX means no deadline);
 * - duration_format() writes seconds with up to nine decimals, exactly,
 *   so parsing its output gives the same value back;
 * - into a short buffer, it writes a prefix of that, as snprintf() would;
 * - a duration ending in a digit is a bare number of seconds: with an "s"
 *   added it means the same.
 */
#include <string.h>

#include "ctx.h"
#include "fuzz.h"

#define FORMAT_LEN	64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s, out[FORMAT_LEN];
	const char	*cause = NULL;
	nsec_t		 ns = -1, again = -1;
	size_t		 len;

	s = fuzz_string(data, size, 1);	/* room for an "s" */

	if (duration_parse(s, &ns, &cause) == -1) {
		FUZZ_CHECK(cause != NULL);
		free(s);
		return 0;
	}
	FUZZ_CHECK(ns >= 0 && ns < NSEC_NONE);

	duration_format(ns, out, sizeof out);
	FUZZ_CHECK(strlen(out) < 32);
	FUZZ_CHECK(duration_parse(out, &again, &cause) == 0 && again == ns);
	fuzz_format_short(duration_format, ns, out);

	len = strlen(s);
	if (len > 0 && strchr("0123456789.", s[len - 1]) != NULL) {
		strcat(s, "s");
		FUZZ_CHECK(duration_parse(s, &again, &cause) == 0 &&
		    again == ns);
	}
	free(s);
	return 0;
}
