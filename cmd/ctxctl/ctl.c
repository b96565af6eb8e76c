/*
 * ctl.c: what the commands of ctxctl share: their usage errors, the
 * connection to ctxd and its replies, and parsing of their arguments.
 */
#include <err.h>
#include <event2/buffer.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxctl.h"

/* For commands with short options only, so that --x is an error too. */
const struct option ctl_nolongopts[] = { { NULL, 0, NULL, 0 } };

/* Bad usage of a command: one line, what was wrong and the usage. */
void
ctl_usage(const struct cmd_entry *ce, const char *fmt, ...)
{
	va_list	 ap;
	char	*why;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) == -1)
		why = NULL;
	va_end(ap);
	errx(CTX_EXIT_FAILURE, "%s: %s (usage: ctxctl %s %s)", ce->name,
	    why != NULL ? why : "bad usage", ce->name, ce->usage);
}

/*
 * What getopt_long returned for a bad option of a command ("+:"
 * optstrings): a long option is the word itself, a short one optopt (the
 * word may be a cluster, and optind may not have moved past it).
 */
void
ctl_badopt(const struct cmd_entry *ce, int ch, char **argv)
{
	const char	*arg = argv[optind - 1];
	char		 name[3] = { '-', (char)optopt, '\0' };
	int		 len;

	if (strncmp(arg, "--", 2) == 0) {
		len = (int)strcspn(arg, "=");
		if (ch == ':')
			ctl_usage(ce, "option '%.*s' needs an argument", len,
			    arg);
		ctl_usage(ce, "unknown option '%.*s'", len, arg);
	}
	if (ch == ':')
		ctl_usage(ce, "option '%s' needs an argument", name);
	ctl_usage(ce, "unknown option '%s'", name);
}

/*
 * Connects to ctxd as ctl_connect() does, each step by until at the
 * latest, but returns -1 rather than exit if it cannot: with *cause set if
 * it tried to start one, NULL if there was none to start.
 */
int
ctl_try_connect(struct ctl *c, int autostart, nsec_t until, char **cause)
{
	struct config	 conf;
	char		*path;

	config_defaults(&conf);
	if (config_load(&conf, NULL, cause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", *cause);
	/* Each step, each answer then, within client_timeout. */
	c->timeout = conf.client_timeout;
	if ((c->until = client_until(&conf)) > until)
		c->until = until;
	path = client_socket_path(c->socket, conf.socket, cause);
	config_free(&conf);
	if (path == NULL)
		errx(CTX_EXIT_FAILURE, "%s", *cause);
	if (autostart == CTL_START_SAVED)
		autostart = client_saved(path) ? CTL_START : 0;
	c->fd = client_connect(path, autostart, c->until, cause);
	free(c->path);
	c->path = path;
	if (c->fd == -1 && !autostart) {
		free(*cause);
		*cause = NULL;
	}
	return c->fd;
}

/*
 * Connects to ctxd, starting it if autostart is CTL_START, or with
 * CTL_START_SAVED if a daemon went away leaving live contexts (so that
 * ctxctl ls shows them again). Otherwise, without a daemon, returns -1:
 * there are no contexts.
 */
int
ctl_connect(struct ctl *c, int autostart)
{
	char	*cause;

	if (ctl_try_connect(c, autostart, NSEC_NONE, &cause) == -1 &&
	    cause != NULL)
		errx(CTX_EXIT_FAILURE, "cannot reach ctxd: %s", cause);
	return c->fd;
}

/* A node's state; "?" if ctxd left it out. */
const char *
ctl_state(const struct msg *m)
{
	const char	*s = msg_get(m, "state");

	return s != NULL ? s : "?";
}

/* What a MSG_FAIL says went wrong. */
static const char *
ctl_error(const struct msg *m)
{
	const char	*e = msg_get(m, "error");

	return e != NULL ? e : "ctxd refused the request";
}

/*
 * Sends a request and collects the MSG_NODE replies up to MSG_END (or the
 * single MSG_NODE some requests get). A MSG_FAIL ends ctxctl: status 1 if a
 * context was not found, else 125.
 */
int
ctl_nodes(struct ctl *c, struct msgout *mo, struct nodes *out)
{
	const char	*cause;

	if (ctl_nodes_try(c, mo, out, &cause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	return 0;
}

/*
 * As ctl_nodes(), but if ctxd cannot be talked to (it went away, or did
 * not answer in time) returns -1 with *cause set rather than exit.
 */
int
ctl_nodes_try(struct ctl *c, struct msgout *mo, struct nodes *out,
    const char **cause)
{
	static char	 why[64];
	struct evbuffer	*in;
	struct msg	 m;
	int		 single, r;

	/* mo NULL: the request went already. */
	single = mo != NULL && (mo->type == MSG_NEW || mo->type == MSG_DAEMON);
	if (mo != NULL && mo->len - sizeof(struct proto_hdr) > PROTO_MAX)
		errx(CTX_EXIT_FAILURE, "request too large (over %d bytes)",
		    PROTO_MAX);
	if (mo != NULL && msgout_write(mo, c->fd) == -1) {
		*cause = "cannot write to ctxd";
		return -1;
	}
	if ((in = evbuffer_new()) == NULL)
		errx(CTX_EXIT_FAILURE, "out of memory");
	for (;;) {
		/* Large listings: read in big gulps, not a message a time. */
		while ((r = msg_frame(in, &m, cause)) == 0) {
			if ((r = evbuffer_read(in, c->fd, 256 * 1024)) <= 0) {
				snprintf(why, sizeof why, "ctxd: %s", r == 0 ?
				    "connection closed" : msg_read_error());
				*cause = why;
				evbuffer_free(in);
				return -1;
			}
		}
		if (r == -1)
			errx(CTX_EXIT_FAILURE, "ctxd: %s", *cause);
		if (m.type == MSG_FAIL) {
			warnx("%s", ctl_error(&m));
			r = msg_get(&m, "notfound") != NULL ? c->notfound :
			    CTX_EXIT_FAILURE;
			msg_free(&m);
			evbuffer_free(in);
			exit(r);
		}
		if (m.type != MSG_NODE) {
			msg_free(&m);
			break;
		}
		if (out->n == out->cap) {
			out->cap = out->cap == 0 ? 64 : out->cap * 2;
			out->v = xreallocarray(out->v, out->cap, sizeof *out->v);
		}
		out->v[out->n++] = m;
		if (single)
			break;
	}
	evbuffer_free(in);
	return 0;
}

/*
 * Sends a request answered by MSG_OK. A MSG_FAIL ends ctxctl as in
 * ctl_nodes().
 */
void
ctl_ok(struct ctl *c, struct msgout *mo)
{
	const char	*cause;
	struct msg	 m;
	int		 status;

	if (client_request(c->fd, mo, &m, &cause) == -1)
		errx(CTX_EXIT_FAILURE, "ctxd: %s", cause);
	if (m.type == MSG_FAIL) {
		warnx("%s", ctl_error(&m));
		status = msg_get(&m, "notfound") != NULL ? c->notfound :
		    CTX_EXIT_FAILURE;
		msg_free(&m);
		exit(status);
	}
	msg_free(&m);
}

void
ctl_nodes_free(struct nodes *ns)
{
	size_t	i;

	for (i = 0; i < ns->n; i++)
		msg_free(&ns->v[i]);
	free(ns->v);
}

/* The duration an option gives; bad input ends ctxctl. */
nsec_t
ctl_duration(const char *opt, const char *arg)
{
	nsec_t	ns;
	char	*cause;

	if (option_duration(opt, arg, &ns, &cause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	return ns;
}

nsec_t
ctl_time(const char *opt, const char *arg)
{
	nsec_t	t;
	char	*cause;

	if (option_time(opt, arg, &t, &cause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	return t;
}

int
ctl_signal(const char *opt, const char *arg)
{
	char	*cause;
	int	 sig;

	if (option_signal(opt, arg, &sig, &cause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	return sig;
}

/* Adds a "ctx" field for each argument. */
void
ctl_add_ctxs(struct msgout *mo, int argc, char **argv)
{
	int	i;

	for (i = 0; i < argc; i++)
		msgout_adds(mo, "ctx", argv[i]);
}

/* The time a running context has left ("1h2m3s", "59.6s"), "-" for none. */
void
ctl_left(const struct msg *m, char *buf, size_t len)
{
	nsec_t	deadline = msg_num(m, "deadline", NSEC_NONE);

	if (deadline == NSEC_NONE ||
	    strcmp(ctl_state(m), "running") != 0) {
		snprintf(buf, len, "-");
		return;
	}
	ctl_left_format(deadline - clock_real(), buf, len);
}

/* Time left, as ls and status show it; a time past is "0s". */
void
ctl_left_format(nsec_t left, char *buf, size_t len)
{
	if (left < 0)
		left = 0;
	if (left < 60 * NSEC_PER_SEC) {
		/* Short: to the tenth of a second, "59.6s". */
		left -= left % (NSEC_PER_SEC / 10);
		duration_format(left, buf, len);
		return;
	}
	/* Long: as Go prints durations, to the second, "1h2m3s". */
	left /= NSEC_PER_SEC;
	if (left >= 3600)
		snprintf(buf, len, "%lldh%lldm%llds", (long long)(left / 3600),
		    (long long)(left % 3600 / 60), (long long)(left % 60));
	else
		snprintf(buf, len, "%lldm%llds", (long long)(left / 60),
		    (long long)(left % 60));
}

/* A node's values, "export KEY='value'" a line, for eval. */
void
ctl_export_values(const struct msg *m)
{
	const char	*kv, *eq;
	size_t		 i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->fields[i].key, "v") != 0)
			continue;
		kv = m->fields[i].val;
		if ((eq = strchr(kv, '=')) == NULL)
			continue;
		printf("export %.*s=", (int)(eq - kv), kv);
		ctl_shell_quote(eq + 1);
		putchar('\n');
	}
}

/* Writes s in single quotes, each ' as '\''. */
void
ctl_shell_quote(const char *s)
{
	putchar('\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	}
	putchar('\'');
}
