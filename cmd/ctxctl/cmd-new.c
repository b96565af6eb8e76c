/*
 * cmd-new.c: new [-x] [-t D] [-D T] [-n NAME] [-p CTX] [-e K=V]... [-u K]...
 * [-f FILE] [--section S] [--fail-fast] [--limit N] [--without-cancel]: a
 * context with no process of its own; prints its id, or with -x the whole
 * context as shell assignments, for eval: jobs started under it then need
 * no word from ctxd to start (SPEC §12), but under a --limit, where they
 * wait for ctxd's go-ahead.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxctl.h"

#define NEW_OPT_SECTION	0x100	/* --section: no short form */
#define NEW_LIMIT_MAX	PROTO_LIMIT_MAX

/* Prints "export KEY='value'" for eval; NULL: "unset KEY". */
static void
new_assign(const char *key, const char *val)
{
	if (val == NULL) {
		printf("unset %s\n", key);
		return;
	}
	printf("export %s=", key);
	ctl_shell_quote(val);
	putchar('\n');
}

/* CTX_GROUP: what kind of group the context is, if it is one. */
static void
new_group(const struct msg *m)
{
	const char	*ff = msg_get(m, "failfast"), *limit = msg_get(m, "limit");
	char		*g;

	if (ff == NULL && limit == NULL) {
		new_assign(ENV_GROUP, NULL);
		return;
	}
	xasprintf(&g, "%s%s%s%s", ff != NULL ? "fail-fast" : "",
	    ff != NULL && limit != NULL ? " " : "", limit != NULL ? "limit=" :
	    "", limit != NULL ? limit : "");
	new_assign(ENV_GROUP, g);
	free(g);
}

/* Whose deadline CTX_DEADLINE is: "12 (build)", for a job's cause. */
static void
new_deadline_of(const struct msg *m, int inherited)
{
	const char	*name = msg_get(m, "name");
	char		*of;

	if (inherited) {
		new_assign(ENV_DEADLINE_OF, msg_get(m, "iof"));
		return;
	}
	if (name != NULL)
		xasprintf(&of, "%s (%s)", msg_get(m, "id"), name);
	else
		of = xstrdup(msg_get(m, "id"));
	new_assign(ENV_DEADLINE_OF, of);
	free(of);
}

/*
 * The new context as its jobs' ctxrun would put it in their environment:
 * who it is, its deadline and how it ends jobs, and its values with its
 * ancestors'.
 */
static void
new_export(const struct ctl *c, const struct msg *m)
{
	const char	*sig;
	char		 ts[TIMESTAMP_LEN], grace[32];
	nsec_t		 deadline = msg_num(m, "deadline", NSEC_NONE);
	int		 inherited = msg_get(m, "isig") != NULL;
	size_t		 i;

	new_assign(ENV_ID, msg_get(m, "id"));
	new_assign(ENV_TREE, msg_get(m, "tree"));
	new_assign(ENV_SOCKET, c->path);
	new_assign(ENV_NAME, msg_get(m, "name"));
	new_assign(ENV_PARENT, msg_get(m, "parent"));
	new_group(m);
	if (deadline == NSEC_NONE) {
		new_assign(ENV_DEADLINE, NULL);
		new_assign(ENV_DEADLINE_OF, NULL);
		new_assign(ENV_SIGNAL, NULL);
		new_assign(ENV_GRACE, NULL);
	} else {
		timestamp_format(deadline, ts, sizeof ts);
		duration_format(msg_num(m, inherited ? "igrace" : "grace", 0),
		    grace, sizeof grace);
		sig = msg_get(m, inherited ? "isig" : "signal");
		new_assign(ENV_DEADLINE, ts);
		new_deadline_of(m, inherited);
		new_assign(ENV_SIGNAL, sig != NULL ? sig : "TERM");
		new_assign(ENV_GRACE, grace);
	}
	ctl_export_values(m);
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->fields[i].key, "u") == 0)
			new_assign(m->fields[i].val, NULL);
	}
}

/* --limit N: how many jobs of the group run at once, 1 or more. */
static int
new_limit(const char *arg)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    n < 1 || n > NEW_LIMIT_MAX)
		errx(CTX_EXIT_FAILURE, "--limit '%s': not a number from 1 to "
		    "%d", arg, NEW_LIMIT_MAX);
	return (int)n;
}

static int
cmd_new_exec(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "deadline",	required_argument,	NULL, 'D' },
		{ "value",	required_argument,	NULL, 'e' },
		{ "values",	required_argument,	NULL, 'f' },
		{ "grace",	required_argument,	NULL, 'k' },
		{ "name",	required_argument,	NULL, 'n' },
		{ "parent",	required_argument,	NULL, 'p' },
		{ "signal",	required_argument,	NULL, 's' },
		{ "section",	required_argument,	NULL, NEW_OPT_SECTION },
		{ "timeout",	required_argument,	NULL, 't' },
		{ "unset",	required_argument,	NULL, 'u' },
		{ "export",	no_argument,		NULL, 'x' },
		{ "fail-fast",	no_argument,		NULL, 'F' },
		{ "limit",	required_argument,	NULL, 'L' },
		{ "without-cancel", no_argument,	NULL, 'W' },
		{ NULL,		0,			NULL, 0 }
	};
	struct values	 cli, vs;
	struct value	*v;
	struct nodes	 ns = { 0 };
	struct msgout	*mo;
	const char	*name = NULL, *parent = NULL, *file = NULL;
	const char	*section = NULL, *cause;
	char		*fcause;
	nsec_t		 timeout = 0, deadline = NSEC_NONE, grace = -1;
	int		 ch, sig = 0, export = 0, failfast = 0, limit = 0;
	int		 nocancel = 0;

	values_init(&cli);
	while ((ch = ctl_getopt(c, &cmd_new_entry, argc, argv,
	    "D:e:f:k:n:p:s:t:u:x", longopts)) != -1) {
		switch (ch) {
		case 'D':
			deadline = ctl_time("--deadline", optarg);
			break;
		case 'e':
			if (values_set_pair(&cli, optarg, &cause) == -1)
				errx(CTX_EXIT_FAILURE, "--value '%s': %s",
				    optarg, cause);
			break;
		case 'f':
			file = optarg;
			break;
		case 'k':
			grace = ctl_duration("--grace", optarg);
			break;
		case 'n':
			if ((cause = name_invalid(optarg)) != NULL)
				errx(CTX_EXIT_FAILURE, "--name: %s", cause);
			name = optarg;
			break;
		case 'p':
			parent = optarg;
			break;
		case 's':
			sig = ctl_signal("--signal", optarg);
			break;
		case NEW_OPT_SECTION:
			section = optarg;
			break;
		case 't':
			timeout = ctl_duration("--timeout", optarg);
			break;
		case 'u':
			if (option_key("--unset", optarg, &fcause) == -1)
				errx(CTX_EXIT_FAILURE, "%s", fcause);
			values_set(&cli, optarg, NULL);
			break;
		case 'x':
			export = 1;
			break;
		case 'F':
			failfast = 1;
			break;
		case 'L':
			limit = new_limit(optarg);
			break;
		case 'W':
			nocancel = 1;
			break;
		}
	}
	if (optind != argc)
		ctl_usage(&cmd_new_entry, "unexpected argument '%s'",
		    argv[optind]);
	values_init(&vs);
	if (file != NULL && inifile_values(file, section != NULL ? section :
	    name, section != NULL, &vs, &fcause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", fcause);
	TAILQ_FOREACH(v, &cli, entry)
		values_set(&vs, v->key, v->val);
	/* A daemon-less job's id ("x...") means nothing to ctxd. */
	if (parent == NULL && (parent = getenv(ENV_ID)) != NULL &&
	    (*parent == 'x' || *parent == '\0'))
		parent = NULL;

	ctl_connect(c, CTL_START);
	mo = msgout_new(MSG_NEW);
	if (name != NULL)
		msgout_adds(mo, "name", name);
	if (parent != NULL)
		msgout_adds(mo, "parent", parent);
	if (deadline != NSEC_NONE)
		msgout_add(mo, "deadline", "%lld", (long long)deadline);
	if (timeout > 0)
		msgout_add(mo, "timeout", "%lld", (long long)timeout);
	if (sig != 0)
		msgout_adds(mo, "signal", signal_name(sig));
	if (grace >= 0)
		msgout_add(mo, "grace", "%lld", (long long)grace);
	if (failfast)
		msgout_add(mo, "failfast", "1");
	if (limit > 0)
		msgout_add(mo, "limit", "%d", limit);
	if (nocancel)
		msgout_add(mo, "nocancel", "1");
	values_msg_add(mo, &vs);
	msgout_until(mo, c->until);
	ctl_nodes(c, mo, &ns);
	if (ns.n == 1 && export)
		new_export(c, &ns.v[0]);
	else if (ns.n == 1)
		printf("%s\n", msg_get(&ns.v[0], "id"));
	ctl_nodes_free(&ns);
	values_free(&vs);
	values_free(&cli);
	return 0;
}

const struct cmd_entry cmd_new_entry = {
	"new", NULL, "[-x] [-t duration] [-D time] [-n name] [-p ctx] [-e key=value] "
	    "[-u key] [-f file] [--section name] [-k grace] [-s signal] "
	    "[--fail-fast] [--limit n] [--without-cancel]", cmd_new_exec,
	"make a context with no process of its own; print its id",
	"  -x, --export        print it as shell assignments, for eval\n"
	"  -t, --timeout d     deadline: now + duration d\n"
	"  -D, --deadline t    deadline: time t (RFC 3339, or @seconds)\n"
	"  -n, --name name     its name\n"
	"  -p, --parent ctx    make it under ctx (default: $CTX_ID)\n"
	"  -e, --value k=v     a value (repeatable)\n"
	"  -u, --unset key     key unset here and below (repeatable)\n"
	"  -f, --values file   values from an ini file\n"
	"  --section name      the section of file (default: the name)\n"
	"  -k, --grace d       time from the first signal to KILL\n"
	"  -s, --signal sig    the first signal (default: TERM)\n"
	"  --fail-fast         a group: the first job below that fails cancels "
	"the rest\n"
	"  --limit n           a group: at most n jobs below run at once\n"
	"  --without-cancel    the parent's values, not its deadline nor its "
	"cancel\n"
};
