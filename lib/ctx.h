/*
 * ctx.h: everything the ctx programs share. One section per file of lib/,
 * so this header reads as a map of the library.
 */
#ifndef CTX_H
#define CTX_H

#include <sys/queue.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define CTX_VERSION	"0.1.0"

/* Exit statuses, as timeout(1) where they overlap (SPEC §3). */
#define CTX_EXIT_DEADLINE	124
#define CTX_EXIT_FAILURE	125
#define CTX_EXIT_CANNOT_EXEC	126
#define CTX_EXIT_NOT_FOUND	127
#define CTX_EXIT_CANCELED	130

struct event_base;

/* Durations and points in time are nanoseconds in an int64_t. */
typedef int64_t nsec_t;
#define NSEC_PER_SEC	1000000000LL
#define NSEC_PER_MSEC	1000000LL
#define NSEC_NONE	INT64_MAX	/* no deadline */

#define ID_LEN		24		/* a context id, as text */

/* Environment variables that carry a context to its jobs. */
#define ENV_ID		"CTX_ID"
#define ENV_NAME	"CTX_NAME"
#define ENV_PARENT	"CTX_PARENT"
#define ENV_DEADLINE	"CTX_DEADLINE"
#define ENV_SIGNAL	"CTX_SIGNAL"	/* how CTX_DEADLINE is enforced ... */
#define ENV_GRACE	"CTX_GRACE"	/* ... so nested jobs end the same way */
#define ENV_CGROUP	"CTX_CGROUP"	/* "0" turns cgroup containment off */
#define ENV_SOCKET	"CTX_SOCKET"	/* where ctxd serves this tree */

/* ctxd to a job's ctxrun: I have loaded the saved tree, come back. */
#define CTX_SIG_REJOIN	(SIGRTMIN + 8)

/* log.c */
#define CTX_LOG_ERROR	0
#define CTX_LOG_WARNING	1
#define CTX_LOG_INFO	2
#define CTX_LOG_DEBUG	3

void		 log_open(const char *, int, const char *);
void		 log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void		 fatal(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
void		 fatalx(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* xmalloc.c */
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
int		 xasprintf(char **, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* duration.c */
int		 duration_parse(const char *, nsec_t *, const char **);
void		 duration_format(nsec_t, char *, size_t);

/* timestamp.c */
nsec_t		 clock_real(void);
nsec_t		 clock_mono(void);
nsec_t		 time_after(nsec_t, nsec_t);
int		 timestamp_parse(const char *, nsec_t *, const char **);
void		 timestamp_format(nsec_t, char *, size_t);
#define TIMESTAMP_LEN	32

/* signame.c */
int		 signal_parse(const char *, int *, const char **);
const char	*signal_name(int);

/* options.c */
int		 option_duration(const char *, const char *, nsec_t *, char **);
int		 option_time(const char *, const char *, nsec_t *, char **);
int		 option_signal(const char *, const char *, int *, char **);

/* values.c */
struct value {
	char			*key;
	char			*val;
	TAILQ_ENTRY(value)	 entry;
};
TAILQ_HEAD(values, value);

void		 values_init(struct values *);
void		 values_free(struct values *);
int		 values_key_check(const char *, const char **);
void		 values_set(struct values *, const char *, const char *);
int		 values_set_pair(struct values *, const char *, const char **);
int		 values_export(const struct values *);

/* inifile.c */
typedef int	 inifile_cb(void *, const char *, const char *, const char *,
		    const char **);
int		 inifile_parse(const char *, inifile_cb *, void *, const char *,
		    int *, char **);
int		 inifile_values(const char *, const char *, int,
		    struct values *, char **);

/* msg.c */
struct evbuffer;
struct msgout {
	uint16_t		 type;
	char			*buf;	/* header, then the fields */
	size_t			 len;
	size_t			 cap;
};
struct msg_field {
	const char		*key;
	const char		*val;
};
struct msg {
	uint16_t		 type;
	struct msg_field	*fields;
	size_t			 n;
	size_t			 cap;
	char			*buf;
};

struct msgout	*msgout_new(uint16_t);
void		 msgout_add(struct msgout *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 msgout_adds(struct msgout *, const char *, const char *);
int		 msgout_send(struct msgout *, struct evbuffer *);
void		 msgout_free(struct msgout *);
int		 msgout_write(struct msgout *, int);
int		 msg_decode(struct msg *, uint16_t, const char *, size_t,
		    const char **);
int		 msg_frame(struct evbuffer *, struct msg *, const char **);
int		 msg_read(int, struct msg *, const char **);
const char	*msg_read_error(void);
const char	*msg_get(const struct msg *, const char *);
long long	 msg_num(const struct msg *, const char *, long long);
void		 msg_free(struct msg *);

/* client.c */
int		 sockdir_check(const char *, int, char **);
char		*client_socket_path(const char *, const char *, char **);
/* How long a client waits on ctxd before it takes it as wedged. */
#define CLIENT_WAIT	(10 * NSEC_PER_SEC)
struct config;
nsec_t		 client_until(const struct config *);
int		 client_bound(int, nsec_t);
int		 client_connect_once(const char *, nsec_t);
int		 client_connect(const char *, int, nsec_t, char **);
int		 client_saved(const char *);
int		 client_request(int, struct msgout *, struct msg *,
		    const char **);

/* ctxlink.c */
struct ctxlink;
struct ctxlink_req {
	const char		*name;
	const char		*parent;	/* NULL: the root */
	nsec_t			 deadline;	/* wall clock, or NSEC_NONE */
	nsec_t			 timeout;	/* or NSEC_NONE */
	int			 sig;
	nsec_t			 grace;
	const char		*cmd;
	const struct values	*values;
};
struct ctxlink_rep {
	char			 id[ID_LEN];
	char			 parent[ID_LEN];	/* "" for the root */
	nsec_t			 deadline;	/* effective, wall clock */
	int			 inherited;	/* an ancestor's deadline */
	int			 isig;		/* and how it ends the job */
	nsec_t			 igrace;
	struct values		 values;	/* ancestors' and own */
};
#define CTXLINK_CANCELED	0
#define CTXLINK_DEADLINE	1
#define CTXLINK_LOST		2	/* ctxd went away */
#define CTXLINK_BACK		3	/* ... and a new one took the job back */
#define CTXLINK_GONE		4	/* ... or did not: no more link */
typedef void	 ctxlink_cb(int, int, nsec_t, void *);

struct ctxlink	*ctxlink_open(const char *, const struct ctxlink_req *,
		    struct ctxlink_rep *, nsec_t, int *, int *, char **);
int		 ctxlink_watch(struct ctxlink *, struct event_base *,
		    ctxlink_cb *, void *);
void		 ctxlink_started(struct ctxlink *, const char *);
void		 ctxlink_cancel(struct ctxlink *, int, nsec_t);
void		 ctxlink_rejoin(struct ctxlink *);
void		 ctxlink_close(struct ctxlink *, const char *, int);

/* config.c */
struct config {
	nsec_t		 grace;		/* default grace period */
	nsec_t		 idle_exit;	/* 0: never */
	int		 history;	/* ended contexts kept */
	int		 log_level;	/* CTX_LOG_* */
	char		*log_file;	/* NULL: syslog */
	char		*socket;	/* NULL: the default */
	nsec_t		 client_timeout; /* a client's wait on ctxd; 0: none */
};

void		 config_defaults(struct config *);
int		 config_load(struct config *, const char *, char **);
void		 config_free(struct config *);

/* id.c */
void		 id_new_local(char *, size_t);

/* cgroup.c */
struct cgroup;
struct cgroup	*cgroup_create(const char *);
int		 cgroup_procs_fd(const struct cgroup *);
int		 cgroup_events_fd(const struct cgroup *);
int		 cgroup_populated(const struct cgroup *);
int		 cgroup_kill(const struct cgroup *);
void		 cgroup_destroy(struct cgroup *);
int		 cgroup_enter(int);
const char	*cgroup_dir(const struct cgroup *);
struct cgroup	*cgroup_attach(const char *);
int		 cgroup_count(const struct cgroup *);

/* proctree.c */
struct proc {
	pid_t			 pid;
	pid_t			 ppid;
	unsigned long long	 start;		/* start time, in clock ticks */
};
struct proclist {
	struct proc		*procs;
	size_t			 n;
	size_t			 cap;
};

void		 proclist_add(struct proclist *, const struct proc *);
void		 proclist_free(struct proclist *);
int		 proctree_scan(pid_t, struct proclist *);
int		 proc_signal(const struct proc *, int, int);
int		 proc_start(pid_t, unsigned long long *);
int		 cgroup_signal(const struct cgroup *, int, int, struct proclist *);

/* job.c */
enum job_cause {
	JOB_RUNNING = 0,
	JOB_EXITED,		/* the command exited by itself */
	JOB_DEADLINE,		/* a deadline passed */
	JOB_CANCELED,		/* the context was cancelled */
};

enum job_event {
	JOB_EV_EXEC_FAILED,	/* arg: errno of the failed execvp */
	JOB_EV_SIGNALED,	/* first signal sent; arg: how many processes */
	JOB_EV_LEFTOVERS,	/* command exited, others remain */
	JOB_EV_KILLING,		/* grace over; arg: how many processes */
	JOB_EV_DONE,		/* the job is empty */
};

struct job;
typedef void	 job_cb(struct job *, enum job_event, int, void *);

struct job_params {
	char *const	*argv;
	const char	*cgroup_name;	/* NULL: no cgroup */
	int		 sig;		/* first signal for leftovers */
	nsec_t		 grace;		/* and their grace period */
	job_cb		*cb;
	void		*arg;
};

void		 job_save_signals(void);
struct job	*job_spawn(struct event_base *, const struct job_params *,
		    const char **);
void		 job_end(struct job *, enum job_cause, int, nsec_t);
enum job_cause	 job_cause(const struct job *);
int		 job_status(const struct job *);
void		 job_forward(const struct job *, int);
int		 job_has_cgroup(const struct job *);
const char	*job_cgroup(const struct job *);
int		 job_signal(const struct job *);
nsec_t		 job_grace(const struct job *);
void		 job_free(struct job *);

/* sigfd.c */
struct sigfd;
struct signalfd_siginfo;
typedef void	 sigfd_cb(const struct signalfd_siginfo *, void *);
struct sigfd	*sigfd_open(struct event_base *, const int *, size_t,
		    sigfd_cb *, void *);
void		 sigfd_close(struct sigfd *);

/* tree.c */
#define NODE_RUNNING	0
#define NODE_DONE	1

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
	int			 sig;		/* how its own deadline ends it */
	nsec_t			 grace;
	pid_t			 pid;		/* the job's ctxrun; 0: none */
	int			 state;
	int			 ending;	/* its ctxrun was told to end */
	char			*err;		/* why it ended */
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
	void	(*cancel_job)(struct node *, const char *, int, nsec_t);
	void	(*ended)(struct node *);
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
int		 tree_arm(struct node *);
void		 tree_inherited(const struct node *, int *, nsec_t *);
void		 tree_values(const struct node *, struct values *);
void		 tree_end(struct node *, const char *, int);
void		 tree_cancel(struct node *, const char *, int, int, nsec_t,
		    int);
void		 tree_free(struct node *);
void		 tree_forget(struct node *);
void		 nodejob_unwatch(struct nodejob *);
size_t		 tree_live(void);
size_t		 tree_size(void);
void		 tree_walk(struct node *, void (*)(struct node *, void *),
		    void *);

/* state.c */
int		 state_open(struct event_base *, const char *, char **);
uint64_t	 state_id_next(void);
void		 state_node(const struct node *);
void		 state_gone(const struct node *);
void		 state_close(void);

/* orphan.c */
typedef void	 orphan_cb(struct orphan *, void *);
struct orphan	*orphan_end(struct event_base *, const char *, int, nsec_t,
		    orphan_cb *, void *);
void		 orphan_free(struct orphan *);

/* server.c */
struct config;
int		 server_listen(struct event_base *, const struct config *,
		    const char *, char **);
void		 server_close(void);

/* deadline.c */
struct deadline;
typedef void	 deadline_cb(int, void *);
#define DEADLINE_OWN		0
#define DEADLINE_INHERITED	1

struct deadline	*deadline_arm(struct event_base *, nsec_t, nsec_t, nsec_t,
		    deadline_cb *, void *);
void		 deadline_free(struct deadline *);
int		 timer_arm(struct event *, nsec_t);

#endif
