/*
 * cmd-status.c: status CTX: each context CTX names, in full.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include "ctxctl.h"

static void
print_field(const struct msg *m, const char *key, const char *label)
{
	const char	*v = msg_get(m, key);

	if (v != NULL)
		printf("%s: %s\n", label, v);
}

static void
print_status(const struct msg *m)
{
	char	ts[TIMESTAMP_LEN], left[32];
	nsec_t	deadline = msg_num(m, "deadline", NSEC_NONE);
	size_t	i;

	print_field(m, "id", "id");
	print_field(m, "name", "name");
	print_field(m, "state", "state");
	print_field(m, "err", "err");
	print_field(m, "status", "exit");
	print_field(m, "parent", "parent");
	if (msg_get(m, "nocancel") != NULL)
		printf("without-cancel: yes\n");
	if (deadline != NSEC_NONE) {
		timestamp_format(deadline, ts, sizeof ts);
		ctl_left(m, left, sizeof left);
		printf("deadline: %s\nleft: %s\n", ts, left);
	}
	print_field(m, "pid", "pid");
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->fields[i].key, "pids") == 0)
			printf("pids: %s\n", m->fields[i].val);
	}
	print_field(m, "cmd", "command");
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->fields[i].key, "v") == 0)
			printf("value: %s\n", m->fields[i].val);
	}
}

static int
cmd_status_exec(struct ctl *c, int argc, char **argv)
{
	struct nodes	 ns = { 0 };
	struct msgout	*mo;
	size_t		 i;

	if (argc < 2)
		ctl_usage(&cmd_status_entry, "no context given");
	if (ctl_connect(c, CTL_START_SAVED) == -1)
		errx(1, "no context '%s'", argv[1]);
	mo = msgout_new(MSG_STATUS);
	ctl_add_ctxs(mo, argc - 1, argv + 1);
	ctl_nodes(c, mo, &ns);
	if (c->json)
		fputs("{\"contexts\":[", stdout);
	for (i = 0; i < ns.n; i++) {
		if (c->json) {
			if (i > 0)
				putchar(',');
			json_node(&ns.v[i], 0);
		} else {
			if (i > 0)
				putchar('\n');
			print_status(&ns.v[i]);
		}
	}
	if (c->json)
		puts("]}");
	ctl_nodes_free(&ns);
	return 0;
}

const struct cmd_entry cmd_status_entry = {
	"status", NULL, "ctx ...", cmd_status_exec
};
