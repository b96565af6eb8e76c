/*
 * msg.c: building, framing and decoding protocol messages (proto.h).
 */
#include <errno.h>
#include <event2/buffer.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "proto.h"

/* Starts a message of the given type. */
struct msgout *
msgout_new(uint16_t type)
{
	struct msgout	*mo;

	mo = xmalloc(sizeof *mo);
	mo->type = type;
	mo->cap = 256;
	mo->buf = xmalloc(mo->cap);
	mo->len = sizeof(struct proto_hdr);	/* filled in when sent */
	return mo;
}

/* Makes room for n more bytes. */
static void
msgout_grow(struct msgout *mo, size_t n)
{
	while (mo->cap - mo->len < n)
		mo->cap *= 2;
	mo->buf = xreallocarray(mo->buf, mo->cap, 1);
}

/* Adds the field key=value; value is printf-formatted. */
void
msgout_add(struct msgout *mo, const char *key, const char *fmt, ...)
{
	size_t	klen = strlen(key);
	va_list	ap;
	int	n;

	for (;;) {
		msgout_grow(mo, klen + 2);
		va_start(ap, fmt);
		n = vsnprintf(mo->buf + mo->len + klen + 1,
		    mo->cap - mo->len - klen - 1, fmt, ap);
		va_end(ap);
		if (n < 0)
			fatalx("%s: vsnprintf", __func__);
		if ((size_t)n < mo->cap - mo->len - klen - 1)
			break;
		msgout_grow(mo, klen + 2 + (size_t)n);
	}
	memcpy(mo->buf + mo->len, key, klen);
	mo->buf[mo->len + klen] = '=';
	mo->len += klen + 1 + (size_t)n + 1;
}

/* Adds the field key=value, value as it is. */
void
msgout_adds(struct msgout *mo, const char *key, const char *value)
{
	size_t	klen = strlen(key), vlen = strlen(value);

	msgout_grow(mo, klen + vlen + 2);
	memcpy(mo->buf + mo->len, key, klen);
	mo->buf[mo->len + klen] = '=';
	memcpy(mo->buf + mo->len + klen + 1, value, vlen + 1);
	mo->len += klen + vlen + 2;
}

/*
 * A copy of s cut to at most max bytes (a command line, to show), at the
 * start of a UTF-8 character, with "..." after a cut.
 */
char *
msg_cut(const char *s, size_t max)
{
	char	*cut;
	size_t	 len = strlen(s);

	if (len <= max)
		return xstrdup(s);
	len = max > 3 ? max - 3 : 0;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	xasprintf(&cut, "%.*s...", (int)len, s);
	return cut;
}

/*
 * Is s a cause a client may give (ctxctl cancel --cause): one line of text
 * of at most PROTO_CAUSE_MAX bytes, no control characters, for ls and
 * status print it as it is. Returns -1 with *why set if not.
 */
int
cause_check(const char *s, const char **why)
{
	const unsigned char	*c;

	if (*s == '\0') {
		*why = "empty";
		return -1;
	}
	if (strlen(s) > PROTO_CAUSE_MAX) {
		*why = "too long (over " PROTO_CAUSE_MAX_STR " bytes)";
		return -1;
	}
	for (c = (const unsigned char *)s; *c != '\0'; c++) {
		if (*c < 0x20 || *c == 0x7f) {
			*why = "control character in it";
			return -1;
		}
	}
	return 0;
}

/*
 * Stamps a request with until, the time its client stops waiting for the
 * answer, and the time it goes out (proto.h); NSEC_NONE: it waits for ever.
 */
void
msgout_until(struct msgout *mo, nsec_t until)
{
	if (until == NSEC_NONE)
		return;
	msgout_add(mo, "until", "%lld", (long long)until);
	msgout_add(mo, "sent", "%lld", (long long)clock_mono());
}

void
msgout_free(struct msgout *mo)
{
	free(mo->buf);
	free(mo);
}

/*
 * Frames the message into dst, keeping it (to go to others too). Returns
 * -1 if it would be too large: the caller says so rather than sending it.
 */
int
msgout_frame(struct msgout *mo, struct evbuffer *dst)
{
	struct proto_hdr	hdr;
	size_t			len = mo->len - sizeof hdr;

	if (len > PROTO_MAX)
		return -1;
	hdr.version = PROTO_VERSION;
	hdr.type = mo->type;
	hdr.len = (uint32_t)len;
	memcpy(mo->buf, &hdr, sizeof hdr);
	return evbuffer_add(dst, mo->buf, mo->len);
}

/* Frames the message into dst, as msgout_frame(), and frees it. */
int
msgout_send(struct msgout *mo, struct evbuffer *dst)
{
	int	r = msgout_frame(mo, dst);

	msgout_free(mo);
	return r;
}

/* Frames the message and writes it all to a blocking fd. */
int
msgout_write(struct msgout *mo, int fd)
{
	struct evbuffer	*eb;
	int		 r = -1;

	if ((eb = evbuffer_new()) == NULL)
		fatalx("%s: evbuffer_new", __func__);
	if (msgout_send(mo, eb) == 0) {
		r = 0;
		while (evbuffer_get_length(eb) > 0) {
			if (evbuffer_write(eb, fd) == -1 && errno != EINTR) {
				r = -1;
				break;
			}
		}
	}
	evbuffer_free(eb);
	return r;
}

/* Splits a payload into its fields. The message keeps its own copy. */
int
msg_decode(struct msg *m, uint16_t type, const char *payload, size_t len,
    const char **cause)
{
	char	*p, *end, *eq, *nul;

	memset(m, 0, sizeof *m);
	m->type = type;
	if (len > 0 && payload[len - 1] != '\0') {
		*cause = "field not terminated";
		return -1;
	}
	m->buf = xmalloc(len + 1);
	if (len > 0)		/* an empty payload may come as NULL */
		memcpy(m->buf, payload, len);
	for (p = m->buf, end = m->buf + len; p < end; p = nul + 1) {
		nul = p + strlen(p);
		if ((eq = strchr(p, '=')) == NULL || eq == p) {
			*cause = "field without a key";
			goto fail;
		}
		if (m->n == PROTO_FIELDS) {
			*cause = "too many fields";
			goto fail;
		}
		if (m->n == m->cap) {
			m->cap = m->cap == 0 ? 16 : m->cap * 2;
			m->fields = xreallocarray(m->fields, m->cap,
			    sizeof *m->fields);
		}
		*eq = '\0';
		m->fields[m->n].key = p;
		m->fields[m->n].val = eq + 1;
		m->n++;
	}
	return 0;

fail:
	msg_free(m);
	return -1;
}

/*
 * Takes one whole message off the front of in. Returns 1 if it did, 0 if
 * more bytes are needed, -1 (cause set) if the peer is not speaking the
 * protocol.
 */
int
msg_frame(struct evbuffer *in, struct msg *m, const char **cause)
{
	struct proto_hdr	 hdr;
	const char		*payload;
	int			 r;

	if (evbuffer_copyout(in, &hdr, sizeof hdr) != (ssize_t)sizeof hdr)
		return 0;
	if (hdr.version != PROTO_VERSION) {
		*cause = "wrong protocol version";
		return -1;
	}
	if (hdr.len > PROTO_MAX) {
		*cause = "message too large";
		return -1;
	}
	if (evbuffer_get_length(in) < sizeof hdr + hdr.len)
		return 0;
	evbuffer_drain(in, sizeof hdr);
	payload = (const char *)evbuffer_pullup(in, hdr.len);
	r = msg_decode(m, hdr.type, payload, hdr.len, cause);
	evbuffer_drain(in, hdr.len);
	return r == 0 ? 1 : -1;
}

/* Reads exactly len bytes from a blocking fd; -1 on error or end of file. */
static int
read_full(int fd, void *buf, size_t len)
{
	char	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0)
			errno = ECONNRESET;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Why a read from ctxd failed, from errno. */
const char *
msg_read_error(void)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return "no answer in time";
	return "connection closed";
}

/*
 * Reads one message from a blocking fd, by the bound set on it
 * (client_bound).
 */
int
msg_read(int fd, struct msg *m, const char **cause)
{
	struct proto_hdr	 hdr;
	char			*payload;
	int			 r;

	if (read_full(fd, &hdr, sizeof hdr) == -1) {
		*cause = msg_read_error();
		return -1;
	}
	if (hdr.version != PROTO_VERSION || hdr.len > PROTO_MAX) {
		*cause = "bad message from ctxd";
		return -1;
	}
	payload = xmalloc(hdr.len + 1);
	if (read_full(fd, payload, hdr.len) == -1) {
		free(payload);
		*cause = msg_read_error();
		return -1;
	}
	r = msg_decode(m, hdr.type, payload, hdr.len, cause);
	free(payload);
	return r;
}

/* The first value of key, or NULL. */
const char *
msg_get(const struct msg *m, const char *key)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->fields[i].key, key) == 0)
			return m->fields[i].val;
	}
	return NULL;
}

/* The value of key as a number; def if absent or not a number. */
long long
msg_num(const struct msg *m, const char *key, long long def)
{
	const char	*s = msg_get(m, key);
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtoll(s, &end, 10);
	return *end != '\0' || errno != 0 ? def : v;
}

void
msg_free(struct msg *m)
{
	free(m->fields);
	free(m->buf);
	memset(m, 0, sizeof *m);
}
