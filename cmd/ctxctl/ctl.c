/*
 * ctl.c: what the commands of ctxctl share: their options, help and usage
 * errors, the connection to ctxd and its replies, and parsing of their
 * arguments.
 */
#include <err.h>
#include <event2/buffer.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxctl.h"

/* For commands with short options only, so that --x is an error too. */
const struct option ctl_nolongopts[] = { { NULL, 0, NULL, 0 } };

#define CTL_OPT_JSON	0x300	/* past any char, and the commands' own */
#define CTL_MAXOPTS	32

/* What every command takes after its name, as ctxctl takes it before. */
static const struct option ctl_commonopts[] = {
	{ "help",	no_argument,		NULL, 'h' },
	{ "json",	no_argument,		NULL, CTL_OPT_JSON },
	{ "socket",	required_argument,	NULL, 'S' },
	{ NULL,		0,			NULL, 0 }
};

/* Fills all with a command's long options, then the common ones. */
static void
ctl_longopts(struct option *all, const struct option *own)
{
	size_t	n = 0, i;

	for (i = 0; own[i].name != NULL && n < CTL_MAXOPTS - 4; i++)
		all[n++] = own[i];
	for (i = 0; i < sizeof ctl_commonopts / sizeof ctl_commonopts[0]; i++)
		all[n++] = ctl_commonopts[i];
}

/*
 * getopt_long for a command: returns its own options (opts, longopts),
 * -1 after the last; takes -h, --json and -S itself, so that they may come
 * after the command's name too ("ctxctl ls --json"). -h prints the
 * command's help and exits 0; a bad option ends ctxctl with 125.
 */
int
ctl_getopt(struct ctl *c, const struct cmd_entry *ce, int argc, char **argv,
    const char *opts, const struct option *longopts)
{
	struct option	all[CTL_MAXOPTS];
	char		optstring[64];
	int		ch;

	ctl_longopts(all, longopts);
	snprintf(optstring, sizeof optstring, "+:%shS:", opts);
	for (;;) {
		switch ((ch = getopt_long(argc, argv, optstring, all, NULL))) {
		case 'h':
			ctl_help(ce);
			exit(0);
		case CTL_OPT_JSON:
			c->json = 1;
			break;
		case 'S':
			c->socket = optarg;
			break;
		case ':':
		case '?':
			ctl_badopt(ce, ch, argv);
		default:
			return ch;
		}
	}
}

/* For a command with no options of its own: returns where its operands are. */
int
ctl_noopts(struct ctl *c, const struct cmd_entry *ce, int argc, char **argv)
{
	while (ctl_getopt(c, ce, argc, argv, "", ctl_nolongopts) != -1)
		;
	return optind;
}

/* ctxctl help COMMAND, or COMMAND -h: its usage, and an option a line. */
void
ctl_help(const struct cmd_entry *ce)
{
	printf("usage: ctxctl %s %s\n", ce->name, ce->usage);
	if (ce->summary != NULL)
		printf("%s%s%s\n", ce->summary, ce->alias != NULL ?
		    "; also called " : "", ce->alias != NULL ? ce->alias : "");
	printf("\noptions:\n");
	if (ce->options != NULL)
		fputs(ce->options, stdout);
	printf("  -h, --help          this help\n"
	    "  --json              output as one JSON document\n"
	    "  -S, --socket path   the daemon's socket (as before the "
	    "command)\n");
}

/* Levenshtein's distance between two short words; long ones are far. */
static size_t
ctl_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), row[33], i, j, diag, up;

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

/* Is name what a user may have meant by word: a typo or two, or its start? */
static int
ctl_near(const char *word, const char *name)
{
	size_t	len = strlen(word);

	if (len > 0 && strncmp(word, name, len) == 0)
		return 1;
	return ctl_distance(word, name) <= (strlen(name) > 3 ? 2U : 1U);
}

/*
 * The command called name (or by its alias). Else ctxctl ends with 125,
 * naming the commands the user may have meant.
 */
const struct cmd_entry *
ctl_find_cmd(const struct ctl *c, const char *name)
{
	const struct cmd_entry	*ce;
	char			 guess[256] = "";
	size_t			 i, n = 0, len;

	for (i = 0; i < c->ncmds; i++) {
		ce = c->cmds[i];
		if (strcmp(name, ce->name) == 0 ||
		    (ce->alias != NULL && strcmp(name, ce->alias) == 0))
			return ce;
	}
	for (i = 0; i < c->ncmds; i++) {
		ce = c->cmds[i];
		if (!ctl_near(name, ce->name) && (ce->alias == NULL ||
		    !ctl_near(name, ce->alias)))
			continue;
		len = strlen(guess);
		snprintf(guess + len, sizeof guess - len, "%s'%s'",
		    n == 0 ? "" : " or ", ctl_near(name, ce->name) ?
		    ce->name : ce->alias);
		n++;
	}
	if (n > 0)
		errx(CTX_EXIT_FAILURE, "unknown command '%s': did you mean %s?",
		    name, guess);
	errx(CTX_EXIT_FAILURE, "unknown command '%s' (see ctxctl help)", name);
}

static int
ctl_cmp_id(const void *a, const void *b)
{
	unsigned long long	x = *(const unsigned long long *)a;
	unsigned long long	y = *(const unsigned long long *)b;

	return (x > y) - (x < y);
}

/* A name that stands for several contexts where one is needed: which. */
void
ctl_ambiguous(const char *arg, const struct nodes *ns)
{
	unsigned long long	*id = xreallocarray(NULL, ns->n, sizeof *id);
	char			 ids[256] = "";
	size_t			 i, len;

	for (i = 0; i < ns->n; i++)
		id[i] = strtoull(msg_get(&ns->v[i], "id"), NULL, 10);
	qsort(id, ns->n, sizeof *id, ctl_cmp_id);
	for (i = 0; i < ns->n && i < 10; i++) {
		len = strlen(ids);
		snprintf(ids + len, sizeof ids - len, "%s%llu", i > 0 ? ", " :
		    "", id[i]);
	}
	free(id);	/* LeakSanitizer makes a leak at exit an exit 1 */
	errx(CTX_EXIT_FAILURE, "'%s' names %zu contexts (%s%s): give an id",
	    arg, ns->n, ids, ns->n > 10 ? ", ..." : "");
}

/*
 * A request failed: one line on stderr, and with --json, for a command
 * whose output is a listing, the document it would have printed, empty,
 * with the error in it; then exit with status.
 */
void
ctl_fail(const struct ctl *c, int status, const char *fmt, ...)
{
	va_list	 ap;
	char	*why;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) == -1)
		errx(CTX_EXIT_FAILURE, "out of memory");
	va_end(ap);
	warnx("%s", why);
	if (c->json && c->doc) {
		fputs("{\"contexts\":[],\"error\":", stdout);
		json_string(why);
		puts("}");
	}
	free(why);
	exit(status);
}

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
			evbuffer_free(in);
			ctl_fail(c, msg_get(&m, "notfound") != NULL ?
			    c->notfound : CTX_EXIT_FAILURE, "%s",
			    ctl_error(&m));
		}
		if (m.type != MSG_NODE) {
			msg_free(&m);
			break;
		}
		ctl_nodes_add(out, &m);
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

/* Appends the MSG_NODE m to ns, which takes it over. */
void
ctl_nodes_add(struct nodes *ns, struct msg *m)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap == 0 ? 64 : ns->cap * 2;
		ns->v = xreallocarray(ns->v, ns->cap, sizeof *ns->v);
	}
	ns->v[ns->n++] = *m;
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

	/* A job waiting for its group's limit waits on its deadline. */
	if (deadline == NSEC_NONE || (strcmp(ctl_state(m), "running") != 0 &&
	    strcmp(ctl_state(m), "waiting") != 0)) {
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
