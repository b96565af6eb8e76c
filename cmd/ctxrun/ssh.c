/*
 * ssh.c: --ssh HOST. The job is ssh(1), and the command runs on HOST under
 * a ctxrun of its own that gets the budget left here on its command line.
 * A duration, not a point in time, as gRPC's grpc-timeout: the remote
 * ctxrun measures it from its own start on its own monotonic clock, so an
 * error of the remote wall clock does not move the remote deadline.
 */
#include <stdlib.h>
#include <string.h>

#include "ctxrun.h"

/*
 * The command line the remote shell runs: the remote ctxrun, its options
 * and the command, each word quoted. The remote ctxrun itself
 * ($CTX_SSH_CTXRUN) is given as it is: it is written for that shell, and
 * may be a command with arguments of its own.
 */
char *
ssh_command_line(const struct ssh_params *sp)
{
	const struct value	*v;
	char			*line, *pair, buf[48];
	char *const		*a;

	line = xstrdup(sp->ctxrun);
	if (sp->verbose)
		shquote_append(&line, "-v");
	if (sp->name != NULL) {
		shquote_append(&line, "-n");
		shquote_append(&line, sp->name);
	}
	if (sp->left != NSEC_NONE) {
		/* 0 would be no deadline at all: a budget used up is 1ns. */
		duration_format(sp->left > 0 ? sp->left : 1, buf, sizeof buf);
		shquote_append(&line, "-t");
		shquote_append(&line, buf);
	}
	shquote_append(&line, "-s");
	shquote_append(&line, signal_name(sp->sig));
	duration_format(sp->grace, buf, sizeof buf);
	shquote_append(&line, "-k");
	shquote_append(&line, buf);
	if (sp->preserve_status)
		shquote_append(&line, "--preserve-status");
	if (sp->no_hangup)
		shquote_append(&line, "--no-hangup");
	TAILQ_FOREACH(v, sp->values, entry) {
		if (v->val == NULL) {
			shquote_append(&line, "-u");
			shquote_append(&line, v->key);
			continue;
		}
		xasprintf(&pair, "%s=%s", v->key, v->val);
		shquote_append(&line, "-e");
		shquote_append(&line, pair);
		free(pair);
	}
	shquote_append(&line, "--");
	for (a = sp->argv; *a != NULL; a++)
		shquote_append(&line, *a);
	return line;
}

/*
 * The job's argv: ssh -- HOST LINE. "--" ends ssh's options before the
 * host, and the command line is one argument, so that neither is read as
 * an option of ssh's. ssh is $CTX_SSH if set.
 */
char **
ssh_argv(const struct ssh_params *sp)
{
	const char	*prog;
	char		**argv;

	if ((prog = getenv(ENV_SSH)) == NULL || *prog == '\0')
		prog = "ssh";
	argv = xcalloc(5, sizeof *argv);
	argv[0] = xstrdup(prog);
	argv[1] = xstrdup("--");
	argv[2] = xstrdup(sp->host);
	argv[3] = ssh_command_line(sp);
	return argv;
}

void
ssh_argv_free(char **argv)
{
	char	**a;

	if (argv == NULL)
		return;
	for (a = argv; *a != NULL; a++)
		free(*a);
	free(argv);
}

/* The remote ctxrun, as the remote shell is to find it. */
const char *
ssh_ctxrun(void)
{
	const char	*s;

	if ((s = getenv(ENV_SSH_CTXRUN)) == NULL || *s == '\0')
		return "ctxrun";
	return s;
}
