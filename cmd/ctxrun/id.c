/*
 * id.c: context ids. All ids are made here so that the daemon, when there is
 * one, and ctxrun on its own can never hand out the same id: ids made
 * without a daemon are "x" and 16 random hex digits.
 */
#include <sys/random.h>

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "ctxrun.h"

/* Writes a new daemon-less context id into buf. */
void
id_new_local(char *buf, size_t len)
{
	uint64_t	r;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
		r = ((uint64_t)getpid() << 32) ^ (uint64_t)clock_mono();
	snprintf(buf, len, "x%016llx", (unsigned long long)r);
}
