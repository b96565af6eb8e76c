/*
 * proto.h: the protocol between ctxd and its clients (ctxrun, ctxctl).
 *
 * Every message is a header and a payload of at most PROTO_MAX bytes. The
 * payload is a list of fields, each "key=value" ended by a NUL; a key may
 * repeat (one "v" field per value, "KEY=VALUE", and one "u" field per key
 * unset, "KEY", in their order: values.c). Unknown keys are ignored,
 * so fields can be added without a new version. A peer that sends another
 * version, a length over PROTO_MAX or a malformed payload is dropped.
 *
 * Requests go from a client to ctxd, one at a time; each is answered by
 * MSG_OK, MSG_FAIL, or MSG_NODE messages closed by MSG_END. Notices go from
 * ctxd to the ctxrun of a job, or to a subscriber, at any time.
 *
 * A request that changes something (MSG_NEW, MSG_CANCEL, MSG_STOP) carries
 * "until", the time on CLOCK_MONOTONIC (ns) when its client stops waiting
 * for the answer, and "sent", when it went out. ctxd does not carry out one
 * it comes to less than a margin before until (server.c): so a client
 * that gave up can tell its user that nothing was done.
 */
#ifndef PROTO_H
#define PROTO_H

#include <stdint.h>

#define PROTO_VERSION	1
#define PROTO_MAX	(64 * 1024)	/* payload bytes */
#define PROTO_FIELDS	4096		/* fields in one message */

/*
 * What ctxd keeps of a node, so that its MSG_NODE, values and all, fits
 * in one message: a registration past these is refused, never sent.
 */
#define PROTO_VALUES_MAX	(PROTO_MAX - 4096)	/* bytes, ancestors' too */
#define PROTO_VALUES_FIELDS	(PROTO_FIELDS - 64)	/* values */
#define PROTO_CMD_MAX		2048	/* bytes of a command line; cut */
#define PROTO_LIMIT_MAX		100000	/* a group's limit; refused past it */

/*
 * Why a context ended, beside its err (SPEC §14): a client's text (ctxctl
 * cancel --cause) is refused past this many bytes, or with a control
 * character in it (cause_check()); ctxd's own words are cut to fit.
 */
#define PROTO_CAUSE_MAX		256
#define PROTO_CAUSE_MAX_STR	"256"

struct proto_hdr {
	uint16_t	version;
	uint16_t	type;
	uint32_t	len;		/* payload bytes that follow */
};

enum msg_type {
	/* Requests, client to ctxd: 100-199. */
	MSG_NEW = 100,	/* name parent deadline(ns) timeout(ns) signal grace(ns)
			   pid cmd [id] [orphan] [cgroup] [nocancel] v... u...:
			   make a context; a pid makes it a job bound to this
			   connection, running in cgroup if given; id, one
			   its ctxrun took (idseq.c); orphan, the parent is
			   the CTX_ID of the job's environment, which may be
			   another daemon's or one this daemon never knew:
			   unknown, it makes the job a root; [failfast]
			   [limit] (0, none, to PROTO_LIMIT_MAX, else MSG_FAIL):
			   a group (errgroup); [canwait]: the job
			   waits for its turn under a group's limit if told;
			   [nocancel]: --without-cancel, the parent's values
			   only (even an ended parent's). The answer:
			   MSG_NODE or MSG_FAIL; to a job that is to wait,
			   MSG_NODE with "wait", and MSG_GO once it may
			   start */
	MSG_LIST,	/* [ctx]: MSG_NODE for each node, parents first; MSG_END */
	MSG_STATUS,	/* ctx: MSG_NODE with values for each match; MSG_END */
	MSG_CANCEL,	/* ctx... [signal grace cause err]: MSG_OK count, or
			   MSG_FAIL; without cause, ctxd names the canceller;
			   err (deadline exceeded) from a job's own ctxrun
			   only, for its own node */
	MSG_WAIT,	/* ctx...: MSG_NODE for each once all are done; MSG_END */
	MSG_ENV,	/* ctx: MSG_NODE with the effective values */
	MSG_EXIT,	/* err status [cause] [cgroup]: the job of this
			   connection has ended; its cgroup, empty, is left
			   for ctxd to remove. No reply */
	MSG_DAEMON,	/* MSG_NODE: pid uptime contexts socket */
	MSG_STOP,	/* MSG_OK; then ctxd exits */
	MSG_JOB,	/* [cgroup]: the job of this connection has started, in
			   that cgroup (a job that waited for MSG_NODE). No
			   reply */
	MSG_REJOIN,	/* id: a job's ctxrun, back after ctxd restarted, takes
			   its node again. MSG_NODE, or MSG_FAIL */
	MSG_SUBSCRIBE,	/* MSG_NODE for each node, parents first; MSG_END;
			   then a MSG_EVENT for each change of the tree,
			   until the client hangs up */

	/* Replies, ctxd to client: 200-299. */
	MSG_OK = 200,	/* [count] */
	MSG_FAIL,	/* error [notfound]: the request failed, and why */
	MSG_NODE,	/* id name parent state err [cause] deadline pid cmd
			   created signal grace [failfast] [limit] [nocancel]
			   [pids] [v... u...]; to MSG_NEW also: tree, and isig
			   igrace iof (the ancestor whose deadline it has,
			   "12 (build)"), group (the parent is one), wait (the
			   group's limit) if it is to wait, cgroup (the job's,
			   taken from MSG_NEW); state: running,
			   waiting (for a group's limit), ending (err set, its
			   processes in their grace), done; status once done */
	MSG_END,	/* closes a list of MSG_NODE */
	MSG_GO,		/* to a job that was told to wait: start now */

	/* Notices, ctxd to a job's ctxrun or a subscriber: 300-399. */
	MSG_CANCELED = 300, /* signal grace err [cause]: end the job */
	MSG_EVENT,	/* event at [cause], and MSG_NODE's fields: a change
			   of the tree (server-req.c), to a subscriber; event:
			   made, started (a job that waited for its group's
			   limit runs now), canceled, ended */
};

#endif
