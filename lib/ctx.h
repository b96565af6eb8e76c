/*
 * ctx.h: what two or more of the ctx programs share. One section per file
 * of lib/, so this header reads as a map of the library. Each program's
 * own parts are declared in its directory: cmd/ctxd/ctxd.h,
 * cmd/ctxrun/ctxrun.h, cmd/ctxctl/ctxctl.h.
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

struct event;
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
#define ENV_TREE	"CTX_TREE"	/* which tree CTX_ID is of (idseq.c) */
#define ENV_PID		"CTX_PID"	/* the job's ctxrun: inside a job */
#define ENV_DEADLINE_OF	"CTX_DEADLINE_OF" /* whose CTX_DEADLINE: "12 (build)" */
#define ENV_GROUP	"CTX_GROUP"	/* CTX_ID is a group: "fail-fast",
					   "limit=N", or both; under a limit
					   a job waits for ctxd's go-ahead */

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

/* name.c */
const char	*name_invalid(const char *);

/* options.c */
int		 option_duration(const char *, const char *, nsec_t *, char **);
int		 option_time(const char *, const char *, nsec_t *, char **);
int		 option_signal(const char *, const char *, int *, char **);
int		 option_key(const char *, const char *, char **);

/* values.c */
struct msg;
struct msgout;
struct value {
	char			*key;
	char			*val;		/* NULL: unset */
	TAILQ_ENTRY(value)	 entry;
};
TAILQ_HEAD(values, value);

void		 values_init(struct values *);
void		 values_free(struct values *);
int		 values_key_check(const char *, const char **);
void		 values_set(struct values *, const char *, const char *);
int		 values_set_pair(struct values *, const char *, const char **);
int		 values_export(const struct values *);
void		 values_measure(const struct values *, size_t *, size_t *);
void		 values_msg_add(struct msgout *, const struct values *);
int		 values_msg_read(struct values *, const struct msg *,
		    const char **, const char **);

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
void		 msgout_until(struct msgout *, nsec_t);
int		 msgout_frame(struct msgout *, struct evbuffer *);
int		 msgout_send(struct msgout *, struct evbuffer *);
void		 msgout_free(struct msgout *);
int		 msgout_write(struct msgout *, int);
int		 msg_decode(struct msg *, uint16_t, const char *, size_t,
		    const char **);
int		 msg_frame(struct evbuffer *, struct msg *, const char **);
int		 msg_read(int, struct msg *, const char **);
const char	*msg_read_error(void);
const char	*msg_get(const struct msg *, const char *);
char		*msg_cut(const char *, size_t);
int		 cause_check(const char *, const char **);
long long	 msg_num(const struct msg *, const char *, long long);
void		 msg_free(struct msg *);

/* client.c */
#define CLIENT_NO_SOCKET	"none"	/* the socket of no daemon at all */
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

/* cgroup.c */
struct cgroup;
struct cgroup	*cgroup_create(const char *, char **);
void		 cgroup_sweep_here(size_t);
int		 cgroup_procs_fd(struct cgroup *);
int		 cgroup_dir_fd(const struct cgroup *);
int		 cgroup_events_fd(const struct cgroup *);
int		 cgroup_populated(struct cgroup *);
int		 cgroup_kill(const struct cgroup *);
void		 cgroup_destroy(struct cgroup *);
char		*cgroup_leave(struct cgroup *);
int		 cgroup_remove_left(const char *);
int		 cgroup_enter(int);
const char	*cgroup_dir(const struct cgroup *);
struct cgroup	*cgroup_attach(const char *);
int		 cgroup_count(const struct cgroup *);
int		 cgroup_move_beside(pid_t, char **);

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
int		 proctree_own(void);
int		 proctree_scan(pid_t, struct proclist *);
int		 proc_signal(const struct proc *, int, int);
int		 proc_start(pid_t, unsigned long long *);
int		 proc_parent(pid_t, pid_t *);
int		 proc_ancestor(pid_t, pid_t);
int		 cgroup_signal(const struct cgroup *, int, int, struct proclist *);
int		 cgroup_procs(const struct cgroup *, struct proclist *);

/* idseq.c */
#define IDSEQ_TREE_LEN	40	/* a tree's token, as text with its NUL */
struct idseq;
struct idseq	*idseq_open(const char *, char **);
uint64_t	 idseq_take(struct idseq *);
int		 idseq_taken(const struct idseq *, uint64_t);
void		 idseq_floor(struct idseq *, uint64_t);
const char	*idseq_tree(const struct idseq *);
void		 idseq_close(struct idseq *);

/* timer.c */
int		 timer_arm(struct event *, nsec_t);

#endif
