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

/* Durations and points in time are nanoseconds in an int64_t. */
typedef int64_t nsec_t;
#define NSEC_PER_SEC	1000000000LL
#define NSEC_PER_MSEC	1000000LL
#define NSEC_NONE	INT64_MAX	/* no deadline */

/* Environment variables that carry a context to its jobs. */
#define ENV_ID		"CTX_ID"
#define ENV_NAME	"CTX_NAME"
#define ENV_PARENT	"CTX_PARENT"
#define ENV_DEADLINE	"CTX_DEADLINE"
#define ENV_SIGNAL	"CTX_SIGNAL"	/* how CTX_DEADLINE is enforced ... */
#define ENV_GRACE	"CTX_GRACE"	/* ... so nested jobs end the same way */
#define ENV_CGROUP	"CTX_CGROUP"	/* "0" turns cgroup containment off */

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
int		 timestamp_parse(const char *, nsec_t *, const char **);
void		 timestamp_format(nsec_t, char *, size_t);
#define TIMESTAMP_LEN	32

/* signame.c */
int		 signal_parse(const char *, int *, const char **);
const char	*signal_name(int);

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
int		 inifile_values(const char *, const char *, int,
		    struct values *, char **);

/* id.c */
#define ID_LEN		24
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

struct event_base;
void		 job_save_signals(void);
struct job	*job_spawn(struct event_base *, const struct job_params *,
		    const char **);
void		 job_end(struct job *, enum job_cause, int, nsec_t);
enum job_cause	 job_cause(const struct job *);
int		 job_status(const struct job *);
void		 job_forward(const struct job *, int);
int		 job_has_cgroup(const struct job *);
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

/* deadline.c */
struct deadline;
typedef void	 deadline_cb(int, void *);
#define DEADLINE_OWN		0
#define DEADLINE_INHERITED	1

struct deadline	*deadline_arm(struct event_base *, nsec_t, nsec_t, nsec_t,
		    deadline_cb *, void *);
void		 deadline_free(struct deadline *);

#endif
