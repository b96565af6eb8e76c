/*
 * ctxrun.h: ctxrun's own parts. ctxrun.c reads the command line and runs
 * one job: job.c spawns and ends its processes, deadline.c fires its
 * deadlines, hook.c runs --on-deadline, leave.c takes --without-cancel
 * out of the jobs it runs in, ctxlink.c is its link to ctxd, sigfd.c takes
 * its signals, clone3.c starts the command in its cgroup, hangup.c notices
 * an ssh session that has gone, id.c names a context made without a
 * daemon, shquote.c quotes words for a shell (ssh.c's remote command line,
 * the command ctxctl shows), and timeout.c is ctxrun invoked as timeout(1).
 */
#ifndef CTXRUN_H
#define CTXRUN_H

#include <signal.h>

#include "ctx.h"

/* ctxrun.c: one job, from what the options asked for to its end. */
struct job;
struct ctxlink;
struct hangup;
struct hook;
#define LEAVE_DEPTH	16	/* jobs in jobs looked through (leave.c) */

/* What ctxrun invoked as timeout(1) does otherwise (timeout.c). */
struct timeout_mode {
	const char	*prog;		/* argv[0], for messages; NULL: ctxrun */
	char		*quoted;	/* the command's name, quoted as
					   timeout(1) quotes it */
	int		 verbose;	/* -v: timeout(1)'s line per signal */
	int		 no_kill;	/* no -k, or 0: never KILL on the
					   deadline (leftovers: the grace) */
	int		 sig_zero;	/* -s 0: sent as CONT, named EXIT */
	int		 signaled;	/* ended by a signal to ctxrun: the
					   command's status, as timeout(1) */
};

struct ctxrun {
	/* What the options asked for. */
	nsec_t		 timeout;	/* relative, NSEC_NONE for none */
	nsec_t		 deadline;	/* wall clock, NSEC_NONE for none */
	nsec_t		 grace;
	int		 sig;
	const char	*name;
	const char	*values_file;
	const char	*section;
	const char	*parent;	/* -p */
	struct values	 values;	/* -e and -u, over the file's */
	int		 verbose;
	int		 preserve_status;
	int		 detach;	/* -d: the pipe to say the id on */
	const char	*ssh_host;	/* --ssh */
	const char	*on_deadline;	/* --on-deadline */
	int		 nocancel;	/* --without-cancel */
	pid_t		 left[LEAVE_DEPTH]; /* the ctxruns of the jobs left */
	int		 nleft;
	int		 no_hangup;	/* --no-hangup */
	sigset_t	 forward;	/* signals passed on, not cancelling */
	char		**argv;
	char		**ssh_argv;	/* the job's argv with --ssh */

	/* The parent context, from the environment. */
	const char	*parent_id;
	const char	*parent_tree;	/* which tree parent_id is of */
	nsec_t		 parent_deadline;
	int		 parent_sig;
	nsec_t		 parent_grace;
	const char	*parent_of;	/* whose deadline: "12 (build)" */
	int		 parent_group;	/* a group: ctxd hears of the job's
					   end before ctxrun exits */
	int		 parent_limit;	/* ... with a limit: wait for ctxd's
					   go-ahead */
	char		 iof[128];	/* ... as ctxd says */
	char		*cause;		/* why the job ended, if it did not
					   end by itself */

	char		 id[ID_LEN];
	char		 parent_buf[ID_LEN];
	char		*socket;	/* where ctxd serves the tree */
	char		*tree;		/* its token, if the id is its */
	struct ctxlink	*link;		/* NULL: on our own */
	struct event_base *base;
	struct job	*job;
	struct hangup	*hangup;	/* NULL: not watched */
	struct hook	*hook;		/* --on-deadline's, once run */
	int		 hook_running;	/* and the job's signal waits */
	int		 hook_tell;	/* ... and ctxd's word of it */
	int		 hook_sig;	/* the deadline's signal, after it */
	nsec_t		 hook_grace;	/* and grace, from hook_at */
	nsec_t		 hook_at;	/* monotonic */

	struct timeout_mode tmo;	/* invoked as timeout(1) */
};

/* timeout.c */
int		 timeout_called(const char *);
void		 timeout_options(struct ctxrun *, int, char **);
int		 timeout_duration(const char *, nsec_t *);
int		 timeout_signal(const char *, int *);
const char	*timeout_signame(int);
int		 timeout_signal_line(const struct ctxrun *, int, char *, size_t);
void		 timeout_exec_failed(const struct ctxrun *, int);
int		 timeout_raise_signal(const struct ctxrun *);
void		 timeout_raise(int);

/* ctxlink.c */
struct ctxlink_req {
	const char		*id;		/* taken already; NULL: ctxd's */
	int			 started;	/* the job runs already: no answer
						   is waited for, none is too late */
	const char		*name;
	const char		*parent;	/* NULL: the root */
	nsec_t			 deadline;	/* wall clock, or NSEC_NONE */
	nsec_t			 timeout;	/* or NSEC_NONE */
	int			 sig;
	nsec_t			 grace;
	const char		*cmd;
	const struct values	*values;
	int			 orphan;	/* parent from the environment
						   alone: unknown, a root */
	int			 can_wait;	/* for a group's limit */
	int			 nocancel;	/* --without-cancel */
};
struct ctxlink_rep {
	char			 id[ID_LEN];
	char			 parent[ID_LEN];	/* "" for the root */
	char			 tree[IDSEQ_TREE_LEN];	/* "" if ctxd did not say */
	nsec_t			 deadline;	/* effective, wall clock */
	int			 inherited;	/* an ancestor's deadline */
	int			 isig;		/* and how it ends the job */
	nsec_t			 igrace;
	char			 iof[128];	/* whose: "12 (build)" */
	int			 wait;		/* the group's limit: wait for
						   ctxlink_wait_go() */
	int			 group;		/* the parent is a group */
	struct values		 values;	/* ancestors' and own */
};
#define CTXLINK_CANCELED	0
#define CTXLINK_DEADLINE	1
#define CTXLINK_LOST		2	/* ctxd went away */
#define CTXLINK_BACK		3	/* ... and a new one took the job back */
#define CTXLINK_GONE		4	/* ... or did not: no more link */
#define CTXLINK_JOINED		5	/* a job that runs is in the tree */
#define CTXLINK_REFUSED		6	/* ... or is not (ctxlink_error()) */
#define CTXLINK_PARENT_CANCELED	7	/* ... for its parent has ended */
#define CTXLINK_PARENT_DEADLINE	8
#define CTXLINK_GO		9	/* a job that waited may start */
typedef void	 ctxlink_cb(int, int, nsec_t, void *);

struct ctxlink	*ctxlink_open(const char *, const struct ctxlink_req *,
		    struct ctxlink_rep *, nsec_t, int *, int *, char **);
struct ctxlink	*ctxlink_start(const char *, const struct ctxlink_req *,
		    nsec_t, int *, char **);
const char	*ctxlink_error(const struct ctxlink *);
int		 ctxlink_watch(struct ctxlink *, struct event_base *,
		    ctxlink_cb *, void *);
void		 ctxlink_started(struct ctxlink *, const char *);
void		 ctxlink_cancel(struct ctxlink *, const char *, const char *,
		    int, nsec_t);
const char	*ctxlink_cause(const struct ctxlink *);
void		 ctxlink_sync_exit(struct ctxlink *);
int		 ctxlink_wait_go(struct ctxlink *, nsec_t, int);
void		 ctxlink_rejoin(struct ctxlink *);
int		 ctxlink_close(struct ctxlink *, const char *, const char *,
		    const char *, int);

/* clone3.c */
pid_t		 clone_into(int (*)(void *), void *, void *, size_t, int);

/* hangup.c */
struct hangup;
typedef void	 hangup_cb(int, void *);
int		 hangup_in_ssh(void);
struct hangup	*hangup_watch(struct event_base *, hangup_cb *, void *);
void		 hangup_free(struct hangup *);

/* ssh.c */
#define ENV_SSH		"CTX_SSH"	/* the ssh program of --ssh */
#define ENV_SSH_CTXRUN	"CTX_SSH_CTXRUN" /* the remote ctxrun, for its shell */
struct ssh_params {
	const char		*host;
	const char		*ctxrun;	/* ssh_ctxrun() */
	const char		*name;
	nsec_t			 left;		/* time left, or NSEC_NONE */
	int			 sig;		/* how the remote job ends */
	nsec_t			 grace;
	const struct values	*values;	/* -e */
	int			 verbose;
	int			 preserve_status;
	int			 no_hangup;	/* the remote watches no session */
	char *const		*argv;
};
char		*ssh_command_line(const struct ssh_params *);
char		**ssh_argv(const struct ssh_params *);
void		 ssh_argv_free(char **);
const char	*ssh_ctxrun(void);

/* shquote.c */
char		*shquote_word(const char *);
void		 shquote_append(char **, const char *);

/* hook.c */
#define ENV_PIDS	"CTX_PIDS"	/* the job's, for --on-deadline */
typedef void	 hook_cb(int, int, void *);
struct hook	*hook_run(struct event_base *, const char *, const char *,
		    nsec_t, hook_cb *, void *);
void		 hook_stop(struct hook *);
void		 hook_free(struct hook *);

/* leave.c */
#define CTX_SIG_LEAVE	(SIGRTMIN + 9)	/* let go of me; and: let go */
int		 leave_jobs(pid_t *, char **);

/* id.c */
void		 id_new_local(char *, size_t);

/* job.c */
enum job_cause {
	JOB_RUNNING = 0,
	JOB_EXITED,		/* the command exited by itself */
	JOB_DEADLINE,		/* a deadline passed */
	JOB_CANCELED,		/* the context was cancelled */
};

enum job_event {
	JOB_EV_EXEC_FAILED,	/* arg: errno of the failed execvp */
	JOB_EV_SIGNALED,	/* first signal sent; arg: how many processes,
				   -1 if not known (PID 1, see job.c) */
	JOB_EV_LEFTOVERS,	/* command exited, others remain */
	JOB_EV_KILLING,		/* grace over; arg: as for SIGNALED */
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
void		 job_hold(struct job *, enum job_cause);
int		 job_let_go(struct job *, pid_t);
char		*job_pids(const struct job *);
enum job_cause	 job_cause(const struct job *);
int		 job_status(const struct job *);
void		 job_forward(const struct job *, int);
int		 job_has_cgroup(const struct job *);
const char	*job_cgroup_cause(const struct job *);
const char	*job_cgroup(const struct job *);
int		 job_signal(const struct job *);
int		 job_reaped(const struct job *);
nsec_t		 job_grace(const struct job *);
char		*job_leave_cgroup(struct job *);
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
