/*
 * cmd-daemon.c: daemon status | daemon stop.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctxctl.h"

static int
cmd_daemon_exec(struct ctl *c, int argc, char **argv)
{
	struct nodes	 ns = { 0 };
	struct msgout	*mo;
	char		 up[32];
	int		 stop, first = ctl_noopts(c, &cmd_daemon_entry, argc, argv);

	argc -= first;
	argv += first;
	if (argc < 1)
		ctl_usage(&cmd_daemon_entry, "missing command");
	if (strcmp(argv[0], "status") != 0 && strcmp(argv[0], "stop") != 0)
		ctl_usage(&cmd_daemon_entry, "unknown command '%s'", argv[0]);
	/* Options after the word too: "daemon status --json". */
	optind = 0;
	first = ctl_noopts(c, &cmd_daemon_entry, argc, argv);
	if (argc > first)
		ctl_usage(&cmd_daemon_entry, "unexpected argument '%s'",
		    argv[first]);
	stop = strcmp(argv[0], "stop") == 0;
	if (ctl_connect(c, 0) == -1) {
		if (c->json)
			puts("{\"running\":false}");
		else
			printf("no daemon\n");
		return stop ? 0 : 1;
	}
	if (stop) {
		mo = msgout_new(MSG_STOP);
		msgout_until(mo, c->until);
		ctl_ok(c, mo);
		/* Gone once it hangs up. */
		while (read(c->fd, up, sizeof up) > 0)
			;
		return 0;
	}
	ctl_nodes(c, msgout_new(MSG_DAEMON), &ns);
	duration_format(msg_num(&ns.v[0], "uptime", 0) / NSEC_PER_SEC *
	    NSEC_PER_SEC, up, sizeof up);
	if (c->json)
		printf("{\"running\":true,\"pid\":%s,\"socket\":",
		    msg_get(&ns.v[0], "pid"));
	else
		printf("pid: %s\nsocket: %s\nuptime: %s\ncontexts: %s\n",
		    msg_get(&ns.v[0], "pid"), msg_get(&ns.v[0], "socket"), up,
		    msg_get(&ns.v[0], "contexts"));
	if (c->json) {
		json_string(msg_get(&ns.v[0], "socket"));
		printf(",\"uptime_s\":%lld,\"contexts\":%s}\n",
		    msg_num(&ns.v[0], "uptime", 0) / NSEC_PER_SEC,
		    msg_get(&ns.v[0], "contexts"));
	}
	ctl_nodes_free(&ns);
	return 0;
}

const struct cmd_entry cmd_daemon_entry = {
	"daemon", NULL, "status | stop", cmd_daemon_exec,
	"is a daemon up (pid, socket, uptime, contexts); stop it",
	NULL
};
