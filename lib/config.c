/*
 * config.c: ctxd.ini (SPEC §10), read through inifile_parse() so that every
 * error names file:line. Keys stand before any section or in [ctxd].
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"

#define CONFIG_ENV	"CTXD_CONFIG"
#define CONFIG_USER	".config/ctx/ctxd.ini"	/* under $HOME */
#define CONFIG_SYSTEM	"/etc/ctx/ctxd.ini"
#define HISTORY_MAX	10000000

/* One file being read: its first error is kept in cause. */
struct config_file {
	struct config	*c;
	int		 failed;
	char		 cause[512];
};

/* The log_level names, indexed by CTX_LOG_*. */
static const char *const config_levels[] = {
	"error", "warning", "info", "debug"
};

static int	config_error(struct config_file *, const char **,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
static int	config_number(const char *, int, int *);
static int	config_path(char **, const char *, const char *,
		    struct config_file *, const char **);
static int	config_cb(void *, const char *, const char *, const char *,
		    const char **);
static int	config_read(struct config *, const char *, char **);
static int	config_try(struct config *, const char *, char **);

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->grace = 10 * NSEC_PER_SEC;
	c->idle_exit = 60 * NSEC_PER_SEC;
	c->history = 1000;
	c->log_level = CTX_LOG_INFO;
	c->client_timeout = CLIENT_WAIT;
}

void
config_free(struct config *c)
{
	free(c->log_file);
	free(c->socket);
	c->log_file = c->socket = NULL;
}

/*
 * Refuses a key with a formatted reason. The reason lives in cf, since the
 * caller keeps only a pointer to it; inih goes on after an error, and only
 * the first one is reported, so it is never overwritten.
 */
static int
config_error(struct config_file *cf, const char **cause, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(cf->cause, sizeof cf->cause, fmt, ap);
	va_end(ap);
	cf->failed = 1;
	*cause = cf->cause;
	return -1;
}

/* Parses digits only, from 0 to max, into *out. */
static int
config_number(const char *s, int max, int *out)
{
	long long	n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = n * 10 + (*s - '0');
		if (n > max)
			return -1;
	}
	*out = (int)n;
	return 0;
}

/* Sets *dst to a copy of val, which must be an absolute path. */
static int
config_path(char **dst, const char *key, const char *val,
    struct config_file *cf, const char **cause)
{
	if (*val != '/')
		return config_error(cf, cause,
		    "%s: expected an absolute path, not '%s'", key, val);
	free(*dst);
	*dst = xstrdup(val);
	return 0;
}

static int
config_cb(void *arg, const char *section, const char *key, const char *val,
    const char **cause)
{
	struct config_file	*cf = arg;
	struct config		*c = cf->c;
	const char		*why;
	nsec_t			*d;
	size_t			 i;

	if (cf->failed) {
		*cause = cf->cause;
		return -1;
	}
	if (*section != '\0' && strcmp(section, "ctxd") != 0)
		return config_error(cf, cause, "unknown section [%s]", section);

	if (strcmp(key, "grace") == 0 || strcmp(key, "idle_exit") == 0 ||
	    strcmp(key, "client_timeout") == 0) {
		if (strcmp(key, "grace") == 0)
			d = &c->grace;
		else if (strcmp(key, "idle_exit") == 0)
			d = &c->idle_exit;
		else
			d = &c->client_timeout;
		if (duration_parse(val, d, &why) == -1)
			return config_error(cf, cause,
			    "%s: bad duration '%s': %s", key, val, why);
	} else if (strcmp(key, "history") == 0) {
		if (config_number(val, HISTORY_MAX, &c->history) == -1)
			return config_error(cf, cause, "history: expected a "
			    "whole number from 0 to %d, not '%s'", HISTORY_MAX,
			    val);
	} else if (strcmp(key, "log_level") == 0) {
		for (i = 0; i < sizeof config_levels / sizeof *config_levels;
		    i++) {
			if (strcmp(val, config_levels[i]) == 0)
				break;
		}
		if (i == sizeof config_levels / sizeof *config_levels)
			return config_error(cf, cause, "log_level: expected "
			    "error, warning, info or debug, not '%s'", val);
		c->log_level = (int)i;
	} else if (strcmp(key, "log_file") == 0)
		return config_path(&c->log_file, key, val, cf, cause);
	else if (strcmp(key, "socket") == 0) {
		/* "none": no daemon at all (client_socket_path()). */
		if (strcmp(val, CLIENT_NO_SOCKET) == 0) {
			free(c->socket);
			c->socket = xstrdup(val);
			return 0;
		}
		return config_path(&c->socket, key, val, cf, cause);
	}
	else
		return config_error(cf, cause, "unknown key '%s'", key);
	return 0;
}

/* Reads the ctxd.ini at path into c. */
static int
config_read(struct config *c, const char *path, char **cause)
{
	struct config_file	cf;

	memset(&cf, 0, sizeof cf);
	cf.c = c;
	return inifile_parse(path, config_cb, &cf, NULL, NULL, cause);
}

/*
 * Reads the ctxd.ini at path if there is one: returns 1 if it is missing (or
 * a directory on its way is), else as config_read(). Anything else that
 * stops us from looking, such as a directory that cannot be searched, is an
 * error.
 */
static int
config_try(struct config *c, const char *path, char **cause)
{
	if (access(path, F_OK) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	return config_read(c, path, cause);
}

/*
 * Reads ctxd.ini into c, over what it holds (config_defaults() first): path
 * if not NULL, else $CTXD_CONFIG if set and not empty, which must then
 * exist, else the first of ~/.config/ctx/ctxd.ini and /etc/ctx/ctxd.ini
 * that exists (none is fine). On error returns -1 with *cause an allocated
 * "file:line: reason" or "file: reason" message.
 */
int
config_load(struct config *c, const char *path, char **cause)
{
	const char	*env, *home;
	char		*user;
	int		 r;

	if (path == NULL && (env = getenv(CONFIG_ENV)) != NULL && *env != '\0')
		path = env;
	if (path != NULL)
		return config_read(c, path, cause);

	if ((home = getenv("HOME")) != NULL && *home == '/') {
		xasprintf(&user, "%s/%s", home, CONFIG_USER);
		r = config_try(c, user, cause);
		free(user);
		if (r != 1)
			return r;
	}
	return config_try(c, CONFIG_SYSTEM, cause) == -1 ? -1 : 0;
}
