/*
 * server.h: what the parts of ctxd's server share. server.c runs the
 * socket and its peers; server-req.c answers their requests; server-job.c
 * looks after jobs whose ctxrun is not connected.
 */
#ifndef SERVER_H
#define SERVER_H

#include <sys/queue.h>

struct bufferevent;
struct event_base;

struct peer {
	struct bufferevent	*bev;
	uid_t			 uid;
	pid_t			 pid;
	struct node		*job;		/* registered by this peer */
	struct nodeptrs		 waiting;	/* MSG_WAIT in progress */
	int			 dropped;	/* freed on the next turn */
	int			 throttled;	/* reads off until output drains */
	TAILQ_ENTRY(peer)	 entry;
};

extern struct event_base	*srv_base;
extern const struct config	*srv_config;

/* server.c */
int		 peer_send(struct peer *, struct msgout *);
void		 peer_ok(struct peer *, long long);
void		 peer_fail(struct peer *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* server-req.c */
#define NODE_VALUES	0x1	/* its values, the ancestors' included */
#define NODE_PIDS	0x2	/* its processes: a scan of all of /proc */
struct msgout	*node_msg(const struct node *, int);
void		 wait_check(struct peer *);
void		 handle_new(struct peer *, const struct msg *);
void		 handle_list(struct peer *, const struct msg *);
void		 handle_status(struct peer *, const struct msg *);
void		 handle_cancel(struct peer *, const struct msg *);
void		 handle_wait(struct peer *, const struct msg *);
void		 handle_exit(struct peer *, const struct msg *);

/* server-job.c */
void		 handle_job(struct peer *, const struct msg *);
void		 handle_rejoin(struct peer *, const struct msg *);
void		 server_cancel_job(struct node *, const char *, int, nsec_t);
void		 server_job_lost(struct node *);
void		 server_adopt(void);
void		 server_call_back(void);

#endif
