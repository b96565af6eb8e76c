/*
 * cmd-new.c: new [-t D] [-D T] [-n NAME] [-p CTX] [-e K=V]... [-f FILE]
 * [--section S]: a context with no process of its own; prints its id.
 */
#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctxctl.h"

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
		{ "section",	required_argument,	NULL, 'S' },
		{ "timeout",	required_argument,	NULL, 't' },
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
	int		 ch, sig = 0;

	values_init(&cli);
	while ((ch = getopt_long(argc, argv, "+:D:e:f:k:n:p:s:t:", longopts,
	    NULL)) != -1) {
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
			name = optarg;
			break;
		case 'p':
			parent = optarg;
			break;
		case 's':
			sig = ctl_signal("--signal", optarg);
			break;
		case 'S':
			section = optarg;
			break;
		case 't':
			timeout = ctl_duration("--timeout", optarg);
			break;
		default:
			ctl_badopt(&cmd_new_entry, ch, argv);
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
	TAILQ_FOREACH(v, &vs, entry)
		msgout_add(mo, "v", "%s=%s", v->key, v->val);
	msgout_until(mo, c->until);
	ctl_nodes(c, mo, &ns);
	if (ns.n == 1)
		printf("%s\n", msg_get(&ns.v[0], "id"));
	ctl_nodes_free(&ns);
	values_free(&vs);
	values_free(&cli);
	return 0;
}

const struct cmd_entry cmd_new_entry = {
	"new", NULL, "[-t duration] [-D time] [-n name] [-p ctx] [-e key=value] "
	    "[-f file] [--section name] [-k grace] [-s signal]", cmd_new_exec
};
