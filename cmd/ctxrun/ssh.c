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
 * Words made only of these need no quotes in any shell a user logs in
 * with: no globbing, expansion or word splitting in sh, bash, zsh (not
 * '=' at a word's start), csh or fish (not '%').
 */
static const char ssh_safe[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:@,+-";

/*
 * Appends s to *line as one word for the remote shell: as it is if it is
 * safe, else in single quotes, each quote in it written '\''.
 */
static void
ssh_word(char **line, const char *s)
{
	const char	*p;
	char		*q, *next;
	size_t		 len = 0;

	if (*s != '\0' && strspn(s, ssh_safe) == strlen(s)) {
		q = xstrdup(s);
	} else {
		for (p = s; *p != '\0'; p++)
			len += *p == '\'' ? 4 : 1;
		q = xmalloc(len + 3);
		next = q;
		*next++ = '\'';
		for (p = s; *p != '\0'; p++) {
			if (*p == '\'') {
				memcpy(next, "'\\''", 4);
				next += 4;
			} else
				*next++ = *p;
		}
		*next++ = '\'';
		*next = '\0';
	}
	xasprintf(&next, "%s%s%s", *line, **line == '\0' ? "" : " ", q);
	free(q);
	free(*line);
	*line = next;
}

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
		ssh_word(&line, "-v");
	if (sp->name != NULL) {
		ssh_word(&line, "-n");
		ssh_word(&line, sp->name);
	}
	if (sp->left != NSEC_NONE) {
		/* 0 would be no deadline at all: a budget used up is 1ns. */
		duration_format(sp->left > 0 ? sp->left : 1, buf, sizeof buf);
		ssh_word(&line, "-t");
		ssh_word(&line, buf);
	}
	ssh_word(&line, "-s");
	ssh_word(&line, signal_name(sp->sig));
	duration_format(sp->grace, buf, sizeof buf);
	ssh_word(&line, "-k");
	ssh_word(&line, buf);
	if (sp->preserve_status)
		ssh_word(&line, "--preserve-status");
	if (sp->no_hangup)
		ssh_word(&line, "--no-hangup");
	TAILQ_FOREACH(v, sp->values, entry) {
		if (v->val == NULL) {
			ssh_word(&line, "-u");
			ssh_word(&line, v->key);
			continue;
		}
		xasprintf(&pair, "%s=%s", v->key, v->val);
		ssh_word(&line, "-e");
		ssh_word(&line, pair);
		free(pair);
	}
	ssh_word(&line, "--");
	for (a = sp->argv; *a != NULL; a++)
		ssh_word(&line, *a);
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
