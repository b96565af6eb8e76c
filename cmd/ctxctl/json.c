/*
 * json.c: ctxctl's --json output, one document on stdout.
 */
#include <stdio.h>
#include <string.h>

#include "ctxctl.h"

/*
 * Writes s to f as a JSON string, valid whatever bytes s holds: control
 * characters (C0, DEL, C1) as \u00XX, and each byte that is not part of
 * valid UTF-8 as \ufffd, the replacement character (as Go's encoding/json
 * does).
 */
void
json_write_string(FILE *f, const char *s)
{
	uint32_t	cp;
	size_t		n;

	putc('"', f);
	for (; *s != '\0'; s += n) {
		if ((n = text_utf8(s, &cp)) == 0) {
			fputs("\\ufffd", f);
			n = 1;
		} else if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (int)cp);
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			fprintf(f, "\\u%04x", (unsigned)cp);
		else
			fwrite(s, 1, n, f);
	}
	putc('"', f);
}

/* Writes s as a JSON string on stdout. */
void
json_string(const char *s)
{
	json_write_string(stdout, s);
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

/* Writes a context's members, from "id" on, within a JSON object. */
static void
json_node_members(const struct msg *m)
{
	const char	*state;
	char		 ts[TIMESTAMP_LEN];
	nsec_t		 deadline = msg_num(m, "deadline", NSEC_NONE);
	size_t		 i;
	int		 first = 1;

	printf("\"id\":%s", msg_get(m, "id"));
	json_field_str(m, "name", "name");
	if (msg_get(m, "parent") != NULL)
		printf(",\"parent\":%s", msg_get(m, "parent"));
	json_field_str(m, "state", "state");
	json_field_str(m, "err", "err");
	json_field_str(m, "cause", "cause");
	if (msg_get(m, "failfast") != NULL)
		fputs(",\"fail_fast\":true", stdout);
	if (msg_get(m, "limit") != NULL)
		printf(",\"limit\":%s", msg_get(m, "limit"));
	if (msg_get(m, "status") != NULL)
		printf(",\"status\":%s", msg_get(m, "status"));
	if (deadline != NSEC_NONE) {
		timestamp_format(deadline, ts, sizeof ts);
		printf(",\"deadline\":\"%s\"", ts);
		if ((state = msg_get(m, "state")) != NULL &&
		    (strcmp(state, "running") == 0 ||
		    strcmp(state, "waiting") == 0))
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
		if (eq == NULL)
			continue;
		printf("%s\"%.*s\":", first ? ",\"values\":{" : ",",
		    (int)(eq - m->fields[i].val), m->fields[i].val);
		json_string(eq + 1);
		first = 0;
	}
	if (!first)
		putchar('}');
}

/* Writes a context as a JSON object, left open if open is set. */
void
json_node(const struct msg *m, int open)
{
	putchar('{');
	json_node_members(m);
	if (!open)
		putchar('}');
}

/*
 * Writes a MSG_EVENT as one JSON object: what happened (event, if not
 * NULL, else the message's), when, to which context (as json_node()
 * writes it), and why it ended.
 */
void
json_event(const struct msg *m, const char *event)
{
	char	ts[TIMESTAMP_LEN];

	if (event == NULL && (event = msg_get(m, "event")) == NULL)
		event = "?";
	fputs("{\"event\":", stdout);
	json_string(event);
	timestamp_format(msg_num(m, "at", clock_real()), ts, sizeof ts);
	printf(",\"time\":\"%s\",", ts);
	json_node_members(m);		/* the cause among them */
	putchar('}');
}
