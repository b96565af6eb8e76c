/*
 * test_config.c: ctxd.ini (config.c), SPEC §10: defaults, each key, each
 * error with its file:line, and where the file is looked for. The files are
 * written into a temporary directory that is removed when the program exits;
 * HOME and CTXD_CONFIG are pointed into it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "unit.h"

#define SYSTEM_FILE	"/etc/ctx/ctxd.ini"

/* Makes the directory name, and those above it, in the temporary one. */
static char *
tmp_mkdir(const char *name)
{
	char	*path = unit_tmp_path(name), *p;

	p = path + strlen(unit_tmp_dir()) + 1;
	for (; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			perror(path);
			exit(2);
		}
		*p = '/';
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		perror(path);
		exit(2);
	}
	return path;
}

/*
 * Loads text as a ctxd.ini over the defaults and returns the error, "" if
 * none; "PATH" in the error stands for the file's path.
 */
static char *
load_text(struct config *c, const char *text)
{
	char	*path, *cause, *out, *at;
	size_t	 len;

	path = unit_write_file("ctxd.ini", text);
	config_defaults(c);
	if (config_load(c, path, &cause) == 0) {
		free(path);
		return xstrdup("");
	}
	len = strlen(path);
	if ((at = strstr(cause, path)) != NULL)
		xasprintf(&out, "%.*sPATH%s", (int)(at - cause), cause,
		    at + len);
	else
		out = xstrdup(cause);
	free(cause);
	free(path);
	return out;
}

/* The error of loading text, and config_free(); "" if it loaded. */
static char *
error_of(const char *text)
{
	struct config	 c;
	char		*e = load_text(&c, text);

	config_free(&c);
	return e;
}

#define CHECK_ERROR(text, want) do {					\
	char *e_ = error_of(text);					\
	CHECK_STR(e_, want);						\
	free(e_);							\
} while (0)

/* Is c the defaults? */
static void
check_defaults(const struct config *c)
{
	CHECK_EQ_INT(c->grace, 10 * NSEC_PER_SEC);
	CHECK_EQ_INT(c->idle_exit, 60 * NSEC_PER_SEC);
	CHECK_EQ_INT(c->history, 1000);
	CHECK_EQ_INT(c->log_level, CTX_LOG_INFO);
	CHECK(c->log_file == NULL);
	CHECK(c->socket == NULL);
	CHECK_EQ_INT(c->client_timeout, 10 * NSEC_PER_SEC);
}

static void
test_defaults(void)
{
	struct config	c;

	memset(&c, 0xff, sizeof c);
	config_defaults(&c);
	check_defaults(&c);
	config_free(&c);
	CHECK(c.log_file == NULL && c.socket == NULL);
}

static void
test_empty_file(void)
{
	struct config	 c;
	char		*e;

	e = load_text(&c, "");
	CHECK_STR(e, "");
	check_defaults(&c);
	config_free(&c);
	free(e);

	e = load_text(&c, "; only comments\n# and blank lines\n\n[ctxd]\n");
	CHECK_STR(e, "");
	check_defaults(&c);
	config_free(&c);
	free(e);
}

static void
test_every_key(void)
{
	struct config	 c;
	char		*e;

	e = load_text(&c,
	    "grace = 2.5s\n"
	    "idle_exit = 1h30m\n"
	    "history = 42\n"
	    "log_level = debug\n"
	    "log_file = /var/log/ctxd.log\n"
	    "socket = /run/user/1000/ctx/other.sock\n"
	    "client_timeout = 300ms\n");
	CHECK_STR(e, "");
	CHECK_EQ_INT(c.client_timeout, 300 * NSEC_PER_MSEC);
	CHECK_EQ_INT(c.grace, 2500 * NSEC_PER_MSEC);
	CHECK_EQ_INT(c.idle_exit, 5400 * NSEC_PER_SEC);
	CHECK_EQ_INT(c.history, 42);
	CHECK_EQ_INT(c.log_level, CTX_LOG_DEBUG);
	CHECK_STR(c.log_file, "/var/log/ctxd.log");
	CHECK_STR(c.socket, "/run/user/1000/ctx/other.sock");
	config_free(&c);
	CHECK(c.log_file == NULL && c.socket == NULL);
	free(e);
}

/* Keys before any section and in [ctxd] count alike; the last one wins. */
static void
test_sections(void)
{
	struct config	 c;
	char		*e;

	e = load_text(&c,
	    "grace = 1s\n"
	    "history = 5\n"
	    "\n"
	    "[ctxd]\n"
	    "grace = 3\n"
	    "socket = /a\n"
	    "socket = /b\n");
	CHECK_STR(e, "");
	CHECK_EQ_INT(c.grace, 3 * NSEC_PER_SEC);
	CHECK_EQ_INT(c.history, 5);
	CHECK_STR(c.socket, "/b");
	config_free(&c);
	free(e);
}

/* "none" is the one socket that is not an absolute path: no daemon. */
static void
test_socket_none(void)
{
	struct config	 c;
	char		*e;

	e = load_text(&c, "socket = none\n");
	CHECK_STR(e, "");
	CHECK_STR(c.socket, CLIENT_NO_SOCKET);
	config_free(&c);
	free(e);
	e = load_text(&c, "socket = nothing\n");
	CHECK(strstr(e, "socket") != NULL);
	config_free(&c);
	free(e);
}

static void
test_values(void)
{
	struct config	 c;
	char		*e;

	/* Quotes, inline comments and spaces around '=' go. */
	e = load_text(&c,
	    "[ctxd]\n"
	    "  grace=\"500ms\"\n"
	    "idle_exit = 0   ; never\n"
	    "client_timeout = 0\n"
	    "log_file = \"/tmp/a b.log\"\n"
	    "history = 0\n");
	CHECK_STR(e, "");
	CHECK_EQ_INT(c.grace, 500 * NSEC_PER_MSEC);
	CHECK_EQ_INT(c.idle_exit, 0);
	CHECK_EQ_INT(c.client_timeout, 0);
	CHECK_STR(c.log_file, "/tmp/a b.log");
	CHECK_EQ_INT(c.history, 0);
	config_free(&c);
	free(e);

	e = load_text(&c, "history = 10000000\n");
	CHECK_STR(e, "");
	CHECK_EQ_INT(c.history, 10000000);
	config_free(&c);
	free(e);

	e = load_text(&c, "log_level = error\n");
	CHECK_EQ_INT(c.log_level, CTX_LOG_ERROR);
	config_free(&c);
	free(e);
	e = load_text(&c, "log_level = warning\n");
	CHECK_EQ_INT(c.log_level, CTX_LOG_WARNING);
	config_free(&c);
	free(e);
	e = load_text(&c, "log_level = debug\nlog_level = info\n");
	CHECK_EQ_INT(c.log_level, CTX_LOG_INFO);
	config_free(&c);
	free(e);
}

/* A second load replaces strings and leaves the rest as it was. */
static void
test_reload(void)
{
	struct config	 c;
	char		*path, *cause = NULL;

	config_defaults(&c);
	path = unit_write_file("one.ini", "socket = /one\nlog_file = /l\n");
	CHECK_EQ_INT(config_load(&c, path, &cause), 0);
	free(path);
	path = unit_write_file("two.ini", "socket = /two\nhistory = 7\n");
	CHECK_EQ_INT(config_load(&c, path, &cause), 0);
	free(path);
	CHECK_STR(c.socket, "/two");
	CHECK_STR(c.log_file, "/l");
	CHECK_EQ_INT(c.history, 7);
	CHECK(cause == NULL);
	config_free(&c);
}

static void
test_errors(void)
{
	CHECK_ERROR("[other]\ngrace = 1s\n",
	    "PATH:2: unknown section [other]");
	CHECK_ERROR("grace = 1s\n\n; a comment\n[CTXD]\nhistory = 1\n",
	    "PATH:5: unknown section [CTXD]");
	CHECK_ERROR("grace = 1s\ncolour = blue\n",
	    "PATH:2: unknown key 'colour'");
	CHECK_ERROR("[ctxd]\nGrace = 1s\n",
	    "PATH:2: unknown key 'Grace'");

	CHECK_ERROR("grace = 5x\n",
	    "PATH:1: grace: bad duration '5x': unknown unit 'x' "
	    "(ns us ms s m h d)");
	CHECK_ERROR("\n\ngrace = \"-1s\"\n",
	    "PATH:3: grace: bad duration '-1s': negative duration");
	CHECK_ERROR("grace =\n",
	    "PATH:1: grace: bad duration '': empty duration");
	CHECK_ERROR("[ctxd]\nidle_exit = 1m30\n",
	    "PATH:2: idle_exit: bad duration '1m30': missing unit");
	CHECK_ERROR("idle_exit = soon\n",
	    "PATH:1: idle_exit: bad duration 'soon': expected a number");
	CHECK_ERROR("grace = 1s\nclient_timeout = -1s\n",
	    "PATH:2: client_timeout: bad duration '-1s': negative duration");

	CHECK_ERROR("history = -1\n", "PATH:1: history: expected a whole "
	    "number from 0 to 10000000, not '-1'");
	CHECK_ERROR("history = 10000001\n", "PATH:1: history: expected a "
	    "whole number from 0 to 10000000, not '10000001'");
	CHECK_ERROR("history = 99999999999999999999999\n", "PATH:1: history: "
	    "expected a whole number from 0 to 10000000, not "
	    "'99999999999999999999999'");
	CHECK_ERROR("history = 1.5\n", "PATH:1: history: expected a whole "
	    "number from 0 to 10000000, not '1.5'");
	CHECK_ERROR("history = +5\n", "PATH:1: history: expected a whole "
	    "number from 0 to 10000000, not '+5'");
	CHECK_ERROR("history = 1k\n", "PATH:1: history: expected a whole "
	    "number from 0 to 10000000, not '1k'");
	CHECK_ERROR("history =\n", "PATH:1: history: expected a whole "
	    "number from 0 to 10000000, not ''");

	CHECK_ERROR("log_level = loud\n", "PATH:1: log_level: expected "
	    "error, warning, info or debug, not 'loud'");
	CHECK_ERROR("log_level = INFO\n", "PATH:1: log_level: expected "
	    "error, warning, info or debug, not 'INFO'");

	CHECK_ERROR("socket = ctxd.sock\n",
	    "PATH:1: socket: expected an absolute path, not 'ctxd.sock'");
	CHECK_ERROR("socket =\n",
	    "PATH:1: socket: expected an absolute path, not ''");
	CHECK_ERROR("log_file = ~/ctxd.log\n",
	    "PATH:1: log_file: expected an absolute path, not '~/ctxd.log'");

	CHECK_ERROR("grace 5s\n", "PATH:1: malformed line (expected KEY = "
	    "VALUE or [section])");
	CHECK_ERROR("history = 1\n[ctxd\n", "PATH:2: malformed line "
	    "(expected KEY = VALUE or [section])");
}

/* The first error is the one reported, with its own line. */
static void
test_first_error(void)
{
	CHECK_ERROR("grace = 1s\nhistory = x\nlog_level = loud\nfoo = 1\n",
	    "PATH:2: history: expected a whole number from 0 to 10000000, "
	    "not 'x'");
	CHECK_ERROR("grace = 1s\nfoo = 1\ngrace 2\n",
	    "PATH:2: unknown key 'foo'");
	CHECK_ERROR("grace = 1s\ngrace 2\nfoo = 1\n",
	    "PATH:2: malformed line (expected KEY = VALUE or [section])");
}

/* Points HOME and CTXD_CONFIG (NULL: unset) for a lookup test. */
static void
set_env(const char *home, const char *conf)
{
	if (home == NULL)
		unsetenv("HOME");
	else
		setenv("HOME", home, 1);
	if (conf == NULL)
		unsetenv("CTXD_CONFIG");
	else
		setenv("CTXD_CONFIG", conf, 1);
}

/* Loads from the lookup chain; returns the error, "" if none. */
static char *
load_chain(struct config *c)
{
	char	*cause;

	config_defaults(c);
	if (config_load(c, NULL, &cause) == 0)
		return xstrdup("");
	return cause;
}

/* The system file is out of the tests' reach: is it absent, as assumed? */
static int
no_system_file(void)
{
	if (access(SYSTEM_FILE, F_OK) == 0) {
		fprintf(stderr, "note: %s exists; its checks skipped\n",
		    SYSTEM_FILE);
		return 0;
	}
	return 1;
}

static void
test_lookup_user(void)
{
	struct config	 c;
	char		*home, *file, *e;

	home = tmp_mkdir("home1/.config/ctx");
	free(home);
	home = unit_tmp_path("home1");
	file = unit_write_file("home1/.config/ctx/ctxd.ini", "history = 11\n");

	set_env(home, NULL);
	e = load_chain(&c);
	CHECK_STR(e, "");
	CHECK_EQ_INT(c.history, 11);
	config_free(&c);
	free(e);

	/* An empty CTXD_CONFIG is as good as none. */
	set_env(home, "");
	e = load_chain(&c);
	CHECK_STR(e, "");
	CHECK_EQ_INT(c.history, 11);
	config_free(&c);
	free(e);

	/* A bad file in the chain is an error, named by its full path. */
	free(file);
	free(unit_write_file("home1/.config/ctx/ctxd.ini",
	    "history = 11\nbad = 1\n"));
	set_env(home, NULL);
	e = load_chain(&c);
	xasprintf(&file, "%s/.config/ctx/ctxd.ini:2: unknown key 'bad'", home);
	CHECK_STR(e, file);
	config_free(&c);
	free(e);
	free(file);
	free(home);
}

static void
test_lookup_env(void)
{
	struct config	 c;
	char		*home, *file, *other, *e, *want;

	home = tmp_mkdir("home2/.config/ctx");
	free(home);
	home = unit_tmp_path("home2");
	free(unit_write_file("home2/.config/ctx/ctxd.ini", "history = 22\n"));
	file = unit_write_file("env.ini", "history = 33\n");
	other = unit_write_file("other.ini", "history = 44\n");

	/* CTXD_CONFIG comes before ~/.config/ctx/ctxd.ini ... */
	set_env(home, file);
	e = load_chain(&c);
	CHECK_STR(e, "");
	CHECK_EQ_INT(c.history, 33);
	config_free(&c);
	free(e);

	/* ... and a path given (ctxd -c) before CTXD_CONFIG. */
	config_defaults(&c);
	CHECK_EQ_INT(config_load(&c, other, &e), 0);
	CHECK_EQ_INT(c.history, 44);
	config_free(&c);

	/* A file CTXD_CONFIG names must exist. */
	free(file);
	file = unit_tmp_path("missing.ini");
	set_env(home, file);
	e = load_chain(&c);
	xasprintf(&want, "%s: No such file or directory", file);
	CHECK_STR(e, want);
	check_defaults(&c);
	config_free(&c);
	free(want);
	free(e);

	/* Its errors are reported with its path. */
	free(file);
	file = unit_write_file("env.ini", "\nhistory = many\n");
	set_env(home, file);
	e = load_chain(&c);
	xasprintf(&want, "%s:2: history: expected a whole number from 0 to "
	    "10000000, not 'many'", file);
	CHECK_STR(e, want);
	config_free(&c);
	free(want);
	free(e);

	free(other);
	free(file);
	free(home);
}

static void
test_lookup_missing(void)
{
	struct config	 c;
	char		*home, *e;

	/* No ~/.config/ctx/ctxd.ini: the defaults. */
	home = tmp_mkdir("home3");
	set_env(home, NULL);
	e = load_chain(&c);
	CHECK_STR(e, "");
	if (no_system_file())
		check_defaults(&c);
	config_free(&c);
	free(e);

	/* No ~/.config at all, or a file in its place. */
	free(unit_write_file("home3/.config", "not a directory\n"));
	e = load_chain(&c);
	CHECK_STR(e, "");
	config_free(&c);
	free(e);
	free(home);

	/* A HOME that does not exist, or is not absolute, or none. */
	home = unit_tmp_path("nowhere");
	set_env(home, NULL);
	e = load_chain(&c);
	CHECK_STR(e, "");
	config_free(&c);
	free(e);
	free(home);
	set_env("relative", NULL);
	e = load_chain(&c);
	CHECK_STR(e, "");
	config_free(&c);
	free(e);
	set_env(NULL, NULL);
	e = load_chain(&c);
	CHECK_STR(e, "");
	if (no_system_file())
		check_defaults(&c);
	config_free(&c);
	free(e);
}

/* A path named explicitly must exist and be readable. */
static void
test_named_missing(void)
{
	struct config	 c;
	char		*path, *want, *cause = NULL;

	path = unit_tmp_path("absent.ini");
	config_defaults(&c);
	CHECK_EQ_INT(config_load(&c, path, &cause), -1);
	xasprintf(&want, "%s: No such file or directory", path);
	CHECK_STR(cause, want);
	check_defaults(&c);
	free(want);
	free(cause);
	free(path);

	path = tmp_mkdir("a-directory.ini");
	CHECK_EQ_INT(config_load(&c, path, &cause), -1);
	xasprintf(&want, "%s: Is a directory", path);
	CHECK_STR(cause, want);
	free(want);
	free(cause);
	free(path);
	config_free(&c);
}

/* A ctxd.ini in the chain that cannot be read is an error, not skipped. */
static void
test_lookup_unreadable(void)
{
	struct config	 c;
	char		*home, *dir, *e, *want;

	dir = tmp_mkdir("home4/.config/ctx/ctxd.ini");
	home = unit_tmp_path("home4");
	set_env(home, NULL);
	e = load_chain(&c);
	xasprintf(&want, "%s: Is a directory", dir);
	CHECK_STR(e, want);
	config_free(&c);
	free(want);
	free(e);
	free(home);
	free(dir);
}

/* The example that ships changes nothing. */
static void
test_example(void)
{
	struct config	 c;
	const char	*path = "config/ctxd.ini";
	char		*cause = NULL;

	if (access(path, R_OK) == -1) {
		fprintf(stderr, "note: no %s here; run from the top of the "
		    "tree to check it\n", path);
		return;
	}
	config_defaults(&c);
	CHECK_EQ_INT(config_load(&c, path, &cause), 0);
	CHECK_STR(cause, NULL);
	check_defaults(&c);
	config_free(&c);
	free(cause);
}

const struct unit_test unit_tests[] = {
	{ "defaults", test_defaults },
	{ "empty_file", test_empty_file },
	{ "every_key", test_every_key },
	{ "sections", test_sections },
	{ "socket_none", test_socket_none },
	{ "values", test_values },
	{ "reload", test_reload },
	{ "errors", test_errors },
	{ "first_error", test_first_error },
	{ "lookup_user", test_lookup_user },
	{ "lookup_env", test_lookup_env },
	{ "lookup_missing", test_lookup_missing },
	{ "named_missing", test_named_missing },
	{ "lookup_unreadable", test_lookup_unreadable },
	{ "example", test_example },
	{ NULL, NULL }
};
