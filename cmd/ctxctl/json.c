/*
 * json.c: ctxctl's --json output, one document on stdout.
 */
#include <stdio.h>
#include <string.h>

#include "ctxctl.h"

/* Writes s as a JSON string. */
void
json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void
json_field_str(const struct msg *m, const char *key, const char *name)
{
	const char	*v = msg_get(m, key);

	if (v == NULL)
		return;
	printf(",\"%s\":", name);
	json_string(v);
}

/* Writes a context as a JSON object, left open if open is set. */
void
json_node(const struct msg *m, int open)
{
	char	ts[TIMESTAMP_LEN];
	nsec_t	deadline = msg_num(m, "deadline", NSEC_NONE);
	size_t	i;
	int	first = 1;

	printf("{\"id\":%s", msg_get(m, "id"));
	json_field_str(m, "name", "name");
	if (msg_get(m, "parent") != NULL)
		printf(",\"parent\":%s", msg_get(m, "parent"));
	json_field_str(m, "state", "state");
	json_field_str(m, "err", "err");
	if (msg_get(m, "status") != NULL)
		printf(",\"status\":%s", msg_get(m, "status"));
	if (deadline != NSEC_NONE) {
		timestamp_format(deadline, ts, sizeof ts);
		printf(",\"deadline\":\"%s\"", ts);
		if (strcmp(ctl_state(m), "running") == 0)
			printf(",\"left_ms\":%lld", (long long)((deadline -
			    clock_real()) / NSEC_PER_MSEC));
	}
	if (msg_get(m, "nocancel") != NULL)
		fputs(",\"without_cancel\":true", stdout);
	if (msg_get(m, "pid") != NULL)
		printf(",\"pid\":%s", msg_get(m, "pid"));
	json_field_str(m, "cmd", "command");
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->fields[i].key, "pids") != 0)
			continue;
		printf("%s%s", first ? ",\"pids\":[" : ",", m->fields[i].val);
		first = 0;
	}
	if (!first)
		putchar(']');
	first = 1;
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->fields[i].key, "v") != 0)
			continue;
		const char *eq = strchr(m->fields[i].val, '=');
		printf("%s\"%.*s\":", first ? ",\"values\":{" : ",",
		    (int)(eq - m->fields[i].val), m->fields[i].val);
		json_string(eq + 1);
		first = 0;
	}
	if (!first)
		putchar('}');
	if (!open)
		putchar('}');
}
