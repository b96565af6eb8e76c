/*
 * cmd-wait.c: wait [-t D] CTX...: block until each context is done. The
 * exit status is ctxrun's for the first one that did not end with 0.
 */
#include <err.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "ctxctl.h"

static int
cmd_wait_exec(struct ctl *c, int argc, char **argv)
{
	struct nodes	 ns = { 0 };
	struct msgout	*mo;
	struct pollfd	 pfd;
	nsec_t		 timeout = 0, ms;
	size_t		 i;
	int		 ch, status = 0, r;

	while ((ch = getopt_long(argc, argv, "+:t:", ctl_nolongopts, NULL)) != -1) {
		switch (ch) {
		case 't':
			timeout = ctl_duration("-t", optarg);
			break;
		default:
			ctl_badopt(&cmd_wait_entry, ch, argv);
		}
	}
	if (optind == argc)
		ctl_usage(&cmd_wait_entry, "no context given");
	if (ctl_connect(c, CTL_START_SAVED) == -1)
		errx(1, "no context '%s'", argv[optind]);
	/* The answer comes when the contexts end: no bound on it. */
	if (client_bound(c->fd, NSEC_NONE) == -1)
		err(CTX_EXIT_FAILURE, "setsockopt");
	mo = msgout_new(MSG_WAIT);
	ctl_add_ctxs(mo, argc - optind, argv + optind);
	if (msgout_write(mo, c->fd) == -1)
		errx(CTX_EXIT_FAILURE, "cannot write to ctxd");
	if (timeout > 0) {
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		ms = (timeout + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
		while ((r = poll(&pfd, 1, ms > INT_MAX ? -1 : (int)ms)) == -1)
			;
		if (r == 0) {
			warnx("timed out waiting");
			return CTX_EXIT_DEADLINE;
		}
	}
	ctl_nodes(c, NULL, &ns);
	for (i = 0; i < ns.n && status == 0; i++)
		status = (int)msg_num(&ns.v[i], "status", 0);
	ctl_nodes_free(&ns);
	return status;
}

const struct cmd_entry cmd_wait_entry = {
	"wait", NULL, "[-t duration] ctx ...", cmd_wait_exec
};
