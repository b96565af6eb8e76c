/*
 * ctxbench: loads ctxd with process-less contexts over one connection and
 * measures it: contexts made per second, the daemon's memory per context,
 * `ctxctl --json ls` of the whole tree, and the cancel of the subtree.
 *
 *	ctxbench SOCKET COUNT CTXCTL
 *
 * Prints "key value" lines for tests/bench/run to tabulate.
 */
#include <err.h>
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "proto.h"

#define BATCH	512	/* requests in flight */

static struct evbuffer	*in;

static void
reply(int fd, struct msg *m)
{
	const char	*cause;
	int		 r;

	while ((r = msg_frame(in, m, &cause)) == 0) {
		if (evbuffer_read(in, fd, 256 * 1024) <= 0)
			errx(1, "ctxd hung up");
	}
	if (r == -1)
		errx(1, "bad reply: %s", cause);
	if (m->type == MSG_FAIL)
		errx(1, "ctxd: %s", msg_get(m, "error"));
}

/* The daemon's resident memory, in bytes. */
static long long
rss(long long pid)
{
	char		 path[64], line[256];
	long long	 kb = -1;
	FILE		*f;

	snprintf(path, sizeof path, "/proc/%lld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "VmRSS: %lld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb * 1024;
}

static double
ms_since(nsec_t t)
{
	return (double)(clock_mono() - t) / NSEC_PER_MSEC;
}

int
main(int argc, char **argv)
{
	struct evbuffer	*out;
	struct msgout	*mo;
	struct msg	 m;
	char		 parent[ID_LEN], cmd[4096];
	long long	 count, pid, before, after, sent = 0, got = 0;
	nsec_t		 t;
	int		 fd;
	char		*cause;

	if (argc != 4)
		errx(2, "usage: ctxbench socket count ctxctl");
	count = strtoll(argv[2], NULL, 10);
	if ((fd = client_connect(argv[1], 1, NSEC_NONE, &cause)) == -1)
		errx(1, "%s", cause);
	in = evbuffer_new();
	out = evbuffer_new();

	msgout_write(msgout_new(MSG_DAEMON), fd);
	reply(fd, &m);
	pid = msg_num(&m, "pid", 0);
	msg_free(&m);
	mo = msgout_new(MSG_NEW);
	msgout_adds(mo, "name", "bench");
	msgout_write(mo, fd);
	reply(fd, &m);
	snprintf(parent, sizeof parent, "%s", msg_get(&m, "id"));
	msg_free(&m);
	before = rss(pid);

	t = clock_mono();
	while (got < count) {
		for (; sent < count && sent - got < BATCH; sent++) {
			mo = msgout_new(MSG_NEW);
			msgout_adds(mo, "parent", parent);
			msgout_adds(mo, "name", "c");
			msgout_send(mo, out);
		}
		while (evbuffer_get_length(out) > 0)
			evbuffer_write(out, fd);
		reply(fd, &m);
		msg_free(&m);
		got++;
	}
	printf("create_ms %.1f\n", ms_since(t));
	printf("create_per_s %.0f\n", count / (ms_since(t) / 1000.0));
	after = rss(pid);
	printf("rss_before %lld\nrss_after %lld\n", before, after);
	printf("bytes_per_context %.0f\n", (double)(after - before) / count);

	snprintf(cmd, sizeof cmd, "%s -S %s --json ls >/dev/null", argv[3],
	    argv[1]);
	t = clock_mono();
	if (system(cmd) != 0)
		errx(1, "%s failed", cmd);
	printf("json_ls_ms %.1f\n", ms_since(t));

	mo = msgout_new(MSG_CANCEL);
	msgout_adds(mo, "ctx", parent);
	t = clock_mono();
	msgout_write(mo, fd);
	reply(fd, &m);
	printf("cancel_ms %.1f\n", ms_since(t));
	msg_free(&m);
	close(fd);
	return 0;
}
