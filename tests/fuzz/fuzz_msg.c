/*
 * fuzz_msg.c: the framer and decoder of msg.c, which read whatever a peer
 * sends. The input is a byte stream as it would arrive on a socket; besides
 * memory safety and leaks, it checks that:
 *
 * - the stream frames to the same messages, and ends the same way, whether
 *   its bytes arrive all at once or one at a time;
 * - each message's fields are non-empty keys without '=', and building the
 *   message again with msgout_adds() and msgout_add() gives back the
 *   payload it came from;
 * - msg_get() finds the first field of a key, and nothing for a key that
 *   no field can have.
 *
 * The whole input also goes to msg_decode() as a single payload.
 */
#include <event2/buffer.h>
#include <string.h>

#include "ctx.h"
#include "proto.h"
#include "fuzz.h"

/* msg_get() is checked on this many fields; it is linear, the check is not. */
#define GET_CHECKED	32

/* Are a and b the same string, or both NULL? */
static int
str_eq(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Checks a decoded message against the payload it was decoded from. */
static void
msg_check(const struct msg *m, uint16_t type, const uint8_t *payload,
    size_t len)
{
	struct evbuffer	*eb;
	struct msgout	*mo;
	const char	*key;
	size_t		 i, j;

	FUZZ_CHECK(m->type == type);
	FUZZ_CHECK(m->n <= PROTO_FIELDS);
	FUZZ_CHECK(msg_get(m, "=") == NULL);
	mo = msgout_new(type);
	for (i = 0; i < m->n; i++) {
		key = m->fields[i].key;
		FUZZ_CHECK(*key != '\0' && strchr(key, '=') == NULL);
		if (i < GET_CHECKED) {
			for (j = 0; strcmp(m->fields[j].key, key) != 0; j++)
				;
			FUZZ_CHECK(msg_get(m, key) == m->fields[j].val);
			(void)msg_num(m, key, 0);
		}
		/* Both ways of adding a field, which must agree. */
		if (i % 2 == 0)
			msgout_adds(mo, key, m->fields[i].val);
		else
			msgout_add(mo, key, "%s", m->fields[i].val);
	}

	if ((eb = evbuffer_new()) == NULL)
		abort();
	FUZZ_CHECK(msgout_send(mo, eb) == 0);
	FUZZ_CHECK(evbuffer_get_length(eb) == sizeof(struct proto_hdr) + len);
	FUZZ_CHECK(len == 0 || memcmp(evbuffer_pullup(eb, -1) +
	    sizeof(struct proto_hdr), payload, len) == 0);
	evbuffer_free(eb);
}

/*
 * Frames data, adding it step bytes at a time, until the framer wants more
 * than there is or refuses the stream. Returns what msg_frame() last said
 * (0 or -1), with the number of messages in *n and the reason in *cause.
 */
static int
frame_all(const uint8_t *data, size_t size, size_t step, size_t *n,
    const char **cause)
{
	struct proto_hdr	 hdr;
	struct evbuffer		*in;
	struct msg		 m;
	size_t			 added = 0, done = 0, chunk;
	int			 r = 0;

	if ((in = evbuffer_new()) == NULL)
		abort();
	*n = 0;
	*cause = NULL;
	while (r == 0 && added < size) {
		chunk = size - added < step ? size - added : step;
		if (evbuffer_add(in, data + added, chunk) == -1)
			abort();
		added += chunk;
		while ((r = msg_frame(in, &m, cause)) == 1) {
			memcpy(&hdr, data + done, sizeof hdr);
			FUZZ_CHECK(added - evbuffer_get_length(in) ==
			    done + sizeof hdr + hdr.len);
			msg_check(&m, hdr.type, data + done + sizeof hdr,
			    hdr.len);
			msg_free(&m);
			done += sizeof hdr + hdr.len;
			(*n)++;
		}
	}
	FUZZ_CHECK(r == 0 || *cause != NULL);
	evbuffer_free(in);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg	 m;
	const char	*cause = NULL, *cause1;
	size_t		 n, n1;
	int		 r;

	if (msg_decode(&m, 0, (const char *)data, size, &cause) == 0) {
		if (size <= PROTO_MAX)
			msg_check(&m, 0, data, size);
		msg_free(&m);
	} else
		FUZZ_CHECK(cause != NULL);

	r = frame_all(data, size, size == 0 ? 1 : size, &n, &cause);
	FUZZ_CHECK(frame_all(data, size, 1, &n1, &cause1) == r);
	FUZZ_CHECK(n1 == n);
	FUZZ_CHECK(str_eq(cause1, cause));
	return 0;
}
