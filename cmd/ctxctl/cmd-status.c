/*
 * cmd-status.c: status CTX: each context CTX names, in full.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxctl.h"

/* "label: value", the value escaped: a newline in it would start a line. */
static void
print_text(const char *label, const char *v)
{
	char	*shown = text_escape(v);

	printf("%s: %s\n", label, shown);
	free(shown);
}

static void
print_field(const struct msg *m, const char *key, const char *label)
{
	const char	*v = msg_get(m, key);

	if (v != NULL)
		print_text(label, v);
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
	print_field(m, "cause", "cause");
	print_field(m, "status", "exit");
	print_field(m, "parent", "parent");
	if (msg_get(m, "failfast") != NULL)
		printf("group: fail-fast\n");
	print_field(m, "limit", "limit");
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
			print_text("value", m->fields[i].val);
	}
}

static int
cmd_status_exec(struct ctl *c, int argc, char **argv)
{
	struct nodes	 ns = { 0 };
	struct msgout	*mo;
	size_t		 i;
	int		 first = ctl_noopts(c, &cmd_status_entry, argc, argv);

	if (first == argc)
		ctl_usage(&cmd_status_entry, "no context given");
	c->doc = 1;
	if (ctl_connect(c, CTL_START_SAVED) == -1)
		ctl_fail(c, 1, "no context '%s'", argv[first]);
	mo = msgout_new(MSG_STATUS);
	ctl_add_ctxs(mo, argc - first, argv + first);
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
	"status", NULL, "ctx ...", cmd_status_exec,
	"each context in full: state, err, deadline, pids, command, values",
	NULL
};
