/*
 * fuzz_ini.c: ini files, as values (inifile_values(), SPEC §7) and as
 * ctxd.ini (config_load(), SPEC §10). Both take a path, so the input is
 * written to a memfd made once per process and read back through
 * /proc/self/fd. Besides memory safety and leaks, it checks that:
 *
 * - an error is one message naming the file;
 * - whether the values load, and why not, does not depend on the section
 *   asked for (every key is checked), but for a required section that is
 *   missing; the global keys are kept either way; every key kept is an
 *   environment name, none CTX_;
 * - a ctxd.ini that loads holds values in range: durations not negative, a
 *   known log level, history from 0 to 10000000, absolute paths.
 */
#include <sys/mman.h>

#include <err.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "fuzz.h"

#define SECTION		"build"

static int	ini_fd = -1;
static char	ini_path[64];

/* Makes the input the whole content of the memfd. */
static void
ini_write(const uint8_t *data, size_t size)
{
	if (ini_fd == -1) {
		if ((ini_fd = memfd_create("fuzz_ini", MFD_CLOEXEC)) == -1)
			err(1, "memfd_create");
		snprintf(ini_path, sizeof ini_path, "/proc/self/fd/%d",
		    ini_fd);
	}
	if (ftruncate(ini_fd, 0) == -1 ||
	    (size > 0 && pwrite(ini_fd, data, size, 0) != (ssize_t)size))
		err(1, "%s", ini_path);
}

/* Checks an error message: one line, naming the file. */
static void
ini_cause_check(const char *cause)
{
	FUZZ_CHECK(cause != NULL);
	FUZZ_CHECK(strncmp(cause, ini_path, strlen(ini_path)) == 0);
	FUZZ_CHECK(cause[strlen(ini_path)] == ':');
}

/* Is key among vs? */
static int
values_has(const struct values *vs, const char *key)
{
	const struct value	*v;

	TAILQ_FOREACH(v, vs, entry) {
		if (strcmp(v->key, key) == 0)
			return 1;
	}
	return 0;
}

/*
 * Loads the values twice: without a section, and with [build] required.
 * Only a missing [build] may tell the two apart.
 */
static void
values_check(void)
{
	struct values		 globals, all;
	const struct value	*v;
	const char		*why;
	char			*cause = NULL, *cause1 = NULL, *missing;
	int			 r, r1;

	values_init(&globals);
	values_init(&all);
	r = inifile_values(ini_path, NULL, 0, &globals, &cause);
	r1 = inifile_values(ini_path, SECTION, 1, &all, &cause1);
	if (r == 0 && r1 == -1) {
		xasprintf(&missing, "%s: no section [%s]", ini_path, SECTION);
		FUZZ_CHECK(strcmp(cause1, missing) == 0);
		free(missing);
	} else if (r == -1) {
		FUZZ_CHECK(r1 == -1);
		ini_cause_check(cause);
		FUZZ_CHECK(strcmp(cause, cause1) == 0);
	} else {
		FUZZ_CHECK(cause == NULL && cause1 == NULL);
		TAILQ_FOREACH(v, &globals, entry)
			FUZZ_CHECK(values_has(&all, v->key));
		TAILQ_FOREACH(v, &all, entry)
			FUZZ_CHECK(values_key_check(v->key, &why) == 0);
	}
	free(cause);
	free(cause1);
	values_free(&globals);
	values_free(&all);
}

static void
config_check(void)
{
	struct config	 c;
	char		*cause = NULL;

	config_defaults(&c);
	if (config_load(&c, ini_path, &cause) == -1)
		ini_cause_check(cause);
	else {
		FUZZ_CHECK(cause == NULL);
		FUZZ_CHECK(c.grace >= 0 && c.idle_exit >= 0);
		FUZZ_CHECK(c.log_level >= CTX_LOG_ERROR &&
		    c.log_level <= CTX_LOG_DEBUG);
		FUZZ_CHECK(c.history >= 0 && c.history <= 10000000);
		FUZZ_CHECK(c.log_file == NULL || *c.log_file == '/');
		FUZZ_CHECK(c.socket == NULL || *c.socket == '/');
	}
	free(cause);
	config_free(&c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ini_write(data, size);
	values_check();
	config_check();
	return 0;
}
