/*
 * test_msg.c: the protocol's helpers in msg.c that are not parsing (the
 * parsers have fuzz targets): what is kept of a command line to show, the
 * room values take in a message, and one message framed for many peers.
 */
#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "proto.h"
#include "unit.h"

static void
test_cut_short(void)
{
	char	*s;

	s = msg_cut("make test", 9);
	CHECK_STR(s, "make test");
	free(s);
	s = msg_cut("", 0);
	CHECK_STR(s, "");
	free(s);
}

static void
test_cut_long(void)
{
	char	*s;

	s = msg_cut("make test", 8);
	CHECK_STR(s, "make ...");
	CHECK_EQ_INT(strlen(s), 8);
	free(s);
	/* Too little room for more than the mark. */
	s = msg_cut("make test", 2);
	CHECK_STR(s, "...");
	free(s);
}

/* A client's cause: one line of text, not too long (SPEC §14). */
static void
test_cause_check(void)
{
	char		 big[PROTO_CAUSE_MAX + 2];
	const char	*why = NULL;

	CHECK_EQ_INT(cause_check("deploy aborted: bad build", &why), 0);
	CHECK_EQ_INT(cause_check("d\xc3\xa9j\xc3\xa0 vu", &why), 0);
	CHECK_EQ_INT(cause_check("", &why), -1);
	CHECK_EQ_INT(cause_check("a\nb", &why), -1);
	CHECK_EQ_INT(cause_check("a\tb", &why), -1);
	CHECK_EQ_INT(cause_check("a\x1b[31m", &why), -1);
	CHECK_EQ_INT(cause_check("a\x7f", &why), -1);
	memset(big, 'a', sizeof big - 1);
	big[PROTO_CAUSE_MAX] = '\0';
	CHECK_EQ_INT(cause_check(big, &why), 0);	/* at the limit */
	big[PROTO_CAUSE_MAX] = 'a';
	big[PROTO_CAUSE_MAX + 1] = '\0';
	CHECK_EQ_INT(cause_check(big, &why), -1);
	CHECK(why != NULL && strstr(why, "too long") != NULL);
}

/* A cut never splits a character: "é" is two bytes, "€" three. */
static void
test_cut_utf8(void)
{
	char	*s;

	s = msg_cut("a\xc3\xa9\xc3\xa9\xc3\xa9", 6); /* room for "aé" */
	CHECK_STR(s, "a\xc3\xa9...");
	free(s);
	s = msg_cut("a\xc3\xa9\xc3\xa9\xc3\xa9", 5); /* é cut: dropped */
	CHECK_STR(s, "a...");
	free(s);
	s = msg_cut("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 5);
	CHECK_STR(s, "...");
	free(s);
}

/* What values take in a message: each "v=KEY=VALUE" and its NUL. */
static void
test_values_measure(void)
{
	struct values	vs;
	size_t		bytes, count;

	values_init(&vs);
	values_measure(&vs, &bytes, &count);
	CHECK_EQ_INT(bytes, 0);
	CHECK_EQ_INT(count, 0);
	values_set(&vs, "A", "1");
	values_set(&vs, "TEAM", "infra");
	values_measure(&vs, &bytes, &count);
	CHECK_EQ_INT(bytes, strlen("v=A=1") + 1 + strlen("v=TEAM=infra") + 1);
	CHECK_EQ_INT(count, 2);
	values_free(&vs);
}

/*
 * msgout_frame() keeps the message (an event goes to every subscriber):
 * framed twice, it is there twice, whole, and decodes each time.
 */
static void
test_frame_twice(void)
{
	struct evbuffer	*eb = evbuffer_new();
	struct msgout	*mo = msgout_new(MSG_EVENT);
	struct msg	 m;
	const char	*cause;
	int		 i;

	msgout_adds(mo, "event", "made");
	CHECK_EQ_INT(msgout_frame(mo, eb), 0);
	CHECK_EQ_INT(msgout_send(mo, eb), 0);
	for (i = 0; i < 2; i++) {
		CHECK_EQ_INT(msg_frame(eb, &m, &cause), 1);
		CHECK_EQ_INT(m.type, MSG_EVENT);
		CHECK_STR(msg_get(&m, "event"), "made");
		msg_free(&m);
	}
	CHECK_EQ_INT(evbuffer_get_length(eb), 0);
	evbuffer_free(eb);
}

const struct unit_test unit_tests[] = {
	{ "frame_twice", test_frame_twice },
	{ "cause_check", test_cause_check },
	{ "cut_short", test_cut_short },
	{ "cut_long", test_cut_long },
	{ "cut_utf8", test_cut_utf8 },
	{ "values_measure", test_values_measure },
	{ NULL, NULL }
};
