/*
 * ctxd.h: ctxd's own parts, a section per file, so that this header reads
 * as a map of the daemon. Layers call downwards only:
 *
 *   ctxd.c		main: options, detach, the loop
 *   server.c		listens, takes clients on as peers, dispatches
 *   server-req.c	answers clients' requests
 *   server-job.c	jobs whose ctxrun is not connected
 *   server-event.c	subscribers, and the changes pushed to them
 *   peer.c		a connection: framing, queues, stalls, dropping
 *   state.c		the tree saved across restarts
 *   tree.c		the tree of contexts, and their deadlines
 *   orphan.c		ends a job whose ctxrun is gone: through its cgroup,
 *			or else by the environment of its processes
 *   cleanup.c		removes the empty cgroups of ended jobs, in batches
 *   envscan.c		finds those processes in /proc, and signals them
 *
 * tree.c reaches the server through struct tree_hooks; peer.c reaches its
 * owner through the functions given to peer_new().
 */
#ifndef CTXD_H
#define CTXD_H

#include <sys/queue.h>

#include "ctx.h"

struct bufferevent;
struct msg;
struct msgout;

/* tree.c */
#define NODE_RUNNING	0
#define NODE_DONE	1
#define NODE_LABEL_LEN	128	/* "12 (build)", a long name cut */

/* What ctxd knows of a job's processes, beyond its node. */
struct orphan;
struct nodejob {
	unsigned long long	 start;		/* its ctxrun's start time */
	char			*cgroup;	/* the job's cgroup, if any */
	struct event		*ev_gone;	/* on a pidfd of its ctxrun,
						   while away: it has exited */
	struct orphan		*orphan;	/* ctxd ending the job itself */
	char			*cerr;		/* a cancel to pass on */
	int			 csig;
	nsec_t			 cgrace;
	int			 waiting;	/* for its group's limit */
	TAILQ_ENTRY(node)	 queue;		/* ... in the group's queue */
};

struct node {
	uint64_t		 id;
	struct node		*parent;
	TAILQ_HEAD(nodelist, node) children;
	TAILQ_ENTRY(node)	 sibling;
	TAILQ_ENTRY(node)	 done;		/* in the history */
	struct node		*hnext;		/* in the id hash */
	char			*name;
	char			*cmd;
	nsec_t			 created;
	nsec_t			 ended;
	nsec_t			 deadline;	/* wall clock, NSEC_NONE */
	int			 inherited;	/* deadline is an ancestor's */
	int			 nocancel;	/* --without-cancel: takes neither
						   the parent's deadline nor its
						   cancel, only its values */
	int			 sig;		/* how its own deadline ends it */
	nsec_t			 grace;
	pid_t			 pid;		/* the job's ctxrun; 0: none */
	int			 state;
	int			 ending;	/* its ctxrun was told to end */
	char			*err;		/* why it ended: set once, when
						   it is cancelled or ends */
	char			*cause;		/* ... and who or what ended it */
	int			 failfast;	/* a group: a job below that
						   fails cancels the rest */
	int			 limit;		/* a group: jobs below that run
						   at once; 0: any number */
	int			 running;	/* ... of them, now */
	TAILQ_HEAD(, node)	 queue;		/* ... and those waiting */
	int			 status;	/* as ctxrun's exit status */
	int			 waited;	/* clients waiting on it */
	struct values		 values;
	struct event		*timer;
	void			*peer;		/* the job's connection */
	struct nodejob		*job;		/* jobs only */
};

struct nodeptrs {
	struct node		**v;
	size_t			  n;
	size_t			  cap;
};

struct tree_hooks {
	void	(*cancel_job)(struct node *, const char *, const char *, int,
		    nsec_t);
	void	(*ended)(struct node *);
	void	(*go)(struct node *);	/* a waiting job may start */
};

void		 tree_close(void);
int		 tree_subtree_running(const struct node *);
int		 tree_waited(const struct node *);
void		 tree_init(struct event_base *, const struct tree_hooks *,
		    size_t);
struct node	*tree_find(uint64_t);
void		 tree_match(const char *, struct nodeptrs *);
void		 nodeptrs_add(struct nodeptrs *, struct node *);
struct node	*tree_new(struct node *, uint64_t, const char *, nsec_t);
void		 tree_without_cancel(struct node *, nsec_t);
int		 tree_arm(struct node *);
const struct node *tree_inherited(const struct node *, int *, nsec_t *);
char		*tree_deadline_cause(const struct node *);
const char	*tree_label(const struct node *, char *, size_t);
void		 tree_values(const struct node *, struct values *);
void		 tree_end(struct node *, const char *, const char *, int);
void		 tree_cancel(struct node *, const char *, const char *, int,
		    int, nsec_t, int);
const char	*tree_state(const struct node *);
int		 tree_group_settle(struct node *);
int		 tree_queue(struct node *, int);
void		 tree_free(struct node *);
void		 tree_forget(struct node *);
void		 nodejob_unwatch(struct nodejob *);
size_t		 tree_live(void);
size_t		 tree_size(void);
void		 tree_walk(struct node *, void (*)(struct node *, void *),
		    void *);
void		 tree_walk_reach(struct node *,
		    void (*)(struct node *, void *), void *);

/* state.c */
int		 state_open(struct event_base *, const char *, char **);
uint64_t	 state_id_next(void);
struct idseq	*state_ids(void);
void		 state_node(const struct node *);
void		 state_gone(const struct node *);
void		 state_close(void);

/* envscan.c */
struct envmatch {
	uint64_t		*ids;		/* the job's contexts, sorted */
	size_t			 n;
	size_t			 cap;
	char			 tree[IDSEQ_TREE_LEN];	/* our tree's token */
	unsigned long long	 start;		/* its ctxrun's start time */
};
void		 envmatch_add(struct envmatch *, uint64_t);
void		 envmatch_free(struct envmatch *);
int		 envscan(const struct envmatch *, int, struct proclist *);

/* cleanup.c */
void		 cleanup_init(struct event_base *);
void		 cleanup_add(const char *);
void		 cleanup_defer(void);
void		 cleanup_close(void);

/* orphan.c */
typedef void	 orphan_cb(struct orphan *, void *);
struct orphan	*orphan_end(struct event_base *, const char *, int, nsec_t,
		    orphan_cb *, void *);
struct orphan	*orphan_end_env(struct event_base *, struct envmatch *, int,
		    nsec_t, orphan_cb *, void *);
void		 orphan_free(struct orphan *);

/* peer.c */
struct peer;
typedef int	 peer_dispatch_cb(struct peer *, const struct msg *);
typedef void	 peer_gone_cb(struct peer *);

struct peer {
	struct bufferevent	*bev;
	uid_t			 uid;
	pid_t			 pid;
	peer_dispatch_cb	*dispatch;	/* each message it sends */
	peer_gone_cb		*gone;		/* it has left, or been dropped */
	peer_gone_cb		*finish;	/* its last reply has gone out */
	int			 dropped;	/* freed on the next turn */
	int			 throttled;	/* reads off until output drains */
	int			 hungup;	/* reading its last words */
	size_t			 push_base;	/* queued before peer_push_start */
	int			 pushing;	/* a subscriber, pushed notices */

	/* The server's. */
	struct node		*job;		/* registered by this peer */
	struct nodeptrs		 waiting;	/* MSG_WAIT in progress */
	TAILQ_ENTRY(peer)	 entry;
	int			 subscribed;	/* gets MSG_EVENT */
	TAILQ_ENTRY(peer)	 sub_entry;	/* server-event.c */
};

struct peer	*peer_new(struct event_base *, int, uid_t, pid_t,
		    peer_dispatch_cb *, peer_gone_cb *);
int		 peer_send(struct peer *, struct msgout *);
void		 peer_push_start(struct peer *);
void		 peer_push(struct peer *, struct msgout *);
void		 peer_ok(struct peer *, long long);
void		 peer_fail(struct peer *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 peer_finish(struct peer *, peer_gone_cb *);
void		 peer_free(struct peer *);

/* server-event.c */
void		 events_add(struct peer *);
void		 events_remove(struct peer *);
int		 events_wanted(void);
void		 events_publish(struct msgout *);

/* server.c */
struct config;
int		 server_activated(char **, char **);
int		 server_listen(struct event_base *, const struct config *,
		    const char *, int, char **);
void		 server_close(void);

/* server-req.c */
#define NODE_VALUES	0x1	/* its values, the ancestors' included */
#define NODE_PIDS	0x2	/* its processes: a scan of all of /proc */
void		 server_req_init(const struct config *);
struct msgout	*node_msg(const struct node *, int);
void		 wait_check(struct peer *);
void		 handle_new(struct peer *, const struct msg *);
void		 handle_list(struct peer *, const struct msg *);
void		 handle_status(struct peer *, const struct msg *);
void		 handle_cancel(struct peer *, const struct msg *);
void		 handle_wait(struct peer *, const struct msg *);
void		 handle_exit(struct peer *, const struct msg *);
void		 handle_subscribe(struct peer *, const struct msg *);
void		 server_event(const char *, const struct node *);

/* server-job.c */
void		 server_job_init(struct event_base *, const char *);
void		 handle_job(struct peer *, const struct msg *);
void		 handle_rejoin(struct peer *, const struct msg *);
void		 server_cancel_job(struct node *, const char *, const char *,
		    int, nsec_t);
void		 server_go(struct node *);
void		 server_job_lost(struct node *);
void		 server_adopt(void);
void		 server_call_back(void);

#endif
