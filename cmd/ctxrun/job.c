/*
 * job.c: a job is a command and every process it starts. This file starts
 * the command, reaps, and when the job has to end sends the first signal to
 * every process of it, waits out the grace period, and SIGKILLs what is left
 * until nothing is. It decides nothing about deadlines and prints nothing:
 * the caller says when to end the job and hears what happened through a
 * callback.
 *
 * Containment: the caller becomes a child subreaper, so every process the
 * job starts stays in its process subtree whatever it does (see
 * proctree.c), and the job is empty when waitpid() says no child is left.
 * Where cgroup v2 is writable the command also starts in a cgroup of its
 * own: cgroup.kill ends it without a race against fork(), and cgroup.events
 * confirms it is empty.
 *
 * As PID 1 of a PID namespace (a container's entrypoint) the caller is the
 * parent of every orphan of the namespace, not only of the job's, and its
 * /proc may be the host's (see proctree.c). With a cgroup, the job is the
 * cgroup, and it is empty when cgroup.events says so: the rest of the
 * namespace is not waited for, and dies with it when ctxrun exits. Without
 * one, the job is the whole namespace: kill(-1) reaches every process of it
 * and nothing outside, and ECHILD says its last process is gone.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <event2/event.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxrun.h"

#define SWEEP_INTERVAL_MS	10	/* between SIGKILL sweeps */
#define SPAWN_STACK		(256 * 1024)	/* the child's, until exec:
						   execvp builds paths on it */
#define SIGNAL_PASSES		8	/* scans for late forks at first signal */
#define KILL_NEVER		(NSEC_NONE - 1)	/* kill_at of an endless grace */
#define PID_TEXT		12	/* a pid as text, and a space */

struct job {
	struct event_base	*base;
	pid_t			 pid;		/* the command */
	int			 status;	/* its wait status, once reaped */
	int			 reaped;
	int			 childless;	/* waitpid() said ECHILD */
	int			 init;		/* PID 1 of a PID namespace */
	int			 done;
	int			 held;		/* cause set, first signal not
						   sent yet (job_hold()) */
	enum job_cause		 cause;
	int			 sig;		/* the first signal in use */
	nsec_t			 grace;		/* and the grace in use */
	nsec_t			 kill_at;	/* monotonic; NSEC_NONE: not
						   armed, or KILL sent */
	nsec_t			 left_grace;	/* for leftovers of a command
						   whose end sends no KILL */
	struct cgroup		*cg;
	char			*cg_cause;	/* why there is none, or NULL */
	struct proclist		 gone;		/* let go of: not the job's,
						   nor what runs below them */

	struct event		*ev_child;	/* SIGCHLD */
	struct event		*ev_grace;	/* grace period over */
	struct event		*ev_sweep;	/* next SIGKILL sweep */

	job_cb			*cb;
	void			*arg;
};

/* What the child reports on its pipe when something fails before exec. */
struct spawn_error {
	int	stage;
#define STAGE_CGROUP	0
#define STAGE_EXEC	1
	int	error;
};

/* Signals whose dispositions ctxrun may change; the command gets them back. */
static const int saved_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2, SIGCHLD,
	SIGPIPE
};
static struct sigaction	saved_actions[sizeof saved_signals / sizeof saved_signals[0]];
static sigset_t		saved_mask;

static void	job_on_child(evutil_socket_t, short, void *);
static void	job_on_grace(evutil_socket_t, short, void *);
static void	job_on_sweep(evutil_socket_t, short, void *);
static void	job_check_done(struct job *);
static int	job_only_gone_left(const struct job *);

/*
 * Remembers the signal dispositions and mask this process started with, so
 * the command inherits them and not ours: a signal ignored by whoever
 * started ctxrun stays ignored in the command. Call before changing any.
 * SIGCHLD is unblocked then: inherited blocked, it would never tell us the
 * command has exited.
 */
void
job_save_signals(void)
{
	sigset_t	chld;
	size_t		i;

	for (i = 0; i < sizeof saved_signals / sizeof saved_signals[0]; i++)
		sigaction(saved_signals[i], NULL, &saved_actions[i]);
	sigprocmask(SIG_SETMASK, NULL, &saved_mask);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &chld, NULL);
}

static void
restore_signals(void)
{
	size_t	i;

	for (i = 0; i < sizeof saved_signals / sizeof saved_signals[0]; i++)
		sigaction(saved_signals[i], &saved_actions[i], NULL);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

/*
 * What the child is to do before its exec, from the parent: the child only
 * reads this (it may share our memory, but not our fds).
 */
struct spawn_args {
	struct job	*job;
	char *const	*argv;
	int		 errpipe[2];
	pid_t		 parent;
	int		 enter;		/* move into the job's cgroup ... */
	int		 enter_fd;	/* ... by this cgroup.procs */
	int		 enter_errno;	/* ... or say why it cannot */
};

/*
 * In the child: join the cgroup unless born in it, take our signals back,
 * and exec.
 */
static void __attribute__((noreturn))
spawn_child(const struct spawn_args *sa)
{
	struct spawn_error	se;
	char *const		*argv = sa->argv;
	int			 errfd = sa->errpipe[1];

	if (sa->enter && (sa->enter_fd == -1 ||
	    cgroup_enter(sa->enter_fd) == -1)) {
		/* Contained as a subreaper's descendant all the same. */
		se.stage = STAGE_CGROUP;
		se.error = sa->enter_fd == -1 ? sa->enter_errno : errno;
		(void)write(errfd, &se, sizeof se);
	}
	restore_signals();

	/* Last line of defence: if ctxrun is SIGKILLed, so is the command. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
	    getppid() != sa->parent)
		_exit(CTX_EXIT_FAILURE);

	execvp(argv[0], argv);
	se.stage = STAGE_EXEC;
	se.error = errno;
	(void)write(errfd, &se, sizeof se);
	_exit(se.error == ENOENT ? CTX_EXIT_NOT_FOUND : CTX_EXIT_CANNOT_EXEC);
}

static int
spawn_start(void *arg)
{
	const struct spawn_args	*sa = arg;

	close(sa->errpipe[0]);
	spawn_child(sa);
}

/* The child is to move itself into the job's cgroup, if there is one. */
static void
spawn_enter(struct spawn_args *sa)
{
	sa->enter = sa->job->cg != NULL;
	if (sa->enter) {
		sa->enter_fd = cgroup_procs_fd(sa->job->cg);
		sa->enter_errno = errno;
	}
}

/*
 * Starts the child as posix_spawn(3) does: in our memory, on a stack of
 * its own, while we wait for its exec (CLONE_VM | CLONE_VFORK). A fork
 * would copy our page tables for a child that execs at once, and make us
 * fault on every page we touch after: with a thousand jobs starting at
 * once, that time is taken from every job's deadline (tests/bench). The
 * child only makes system calls before its exec, and writes nothing of
 * ours but errno, which is read here only when the clone failed. With a
 * cgroup, the child is born in it (clone3.c); where that cannot be, it
 * moves itself in, which costs more.
 */
static pid_t
spawn_clone(struct job *job, char *const *argv, int errpipe[2], pid_t parent)
{
	struct spawn_args	 sa = { job, argv, { errpipe[0], errpipe[1] },
				    parent, 0, -1, 0 };
	void			*stack;
	pid_t			 pid;

#ifdef __SANITIZE_ADDRESS__
	/* ASan cannot follow a child onto a stack it did not make. */
	spawn_enter(&sa);
	if ((pid = fork()) == 0)
		spawn_start(&sa);
	return pid;
#endif
	stack = mmap(NULL, SPAWN_STACK, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	pid = -1;
	if (job->cg != NULL)
		pid = clone_into(spawn_start, &sa, stack, SPAWN_STACK,
		    cgroup_dir_fd(job->cg));
	if (pid == -1) {
		/* No clone3 here (or none into this cgroup): it moves in. */
		spawn_enter(&sa);
		pid = clone(spawn_start, (char *)stack + SPAWN_STACK,
		    CLONE_VM | CLONE_VFORK | SIGCHLD, &sa);
	}
	munmap(stack, SPAWN_STACK);
	return pid;
}

/* Reads what the child said before its exec, until the exec closes the pipe. */
static void
spawn_wait_exec(struct job *job, int errfd)
{
	struct spawn_error	se;
	ssize_t			n;

	for (;;) {
		n = read(errfd, &se, sizeof se);
		if (n == -1 && errno == EINTR)
			continue;
		if (n != sizeof se)
			break;
		if (se.stage == STAGE_CGROUP) {
			xasprintf(&job->cg_cause, "cannot enter %s: %s",
			    cgroup_dir(job->cg), strerror(se.error));
			cgroup_destroy(job->cg);
			job->cg = NULL;
		} else
			job->cb(job, JOB_EV_EXEC_FAILED, se.error, job->arg);
	}
}

/* Watches the cgroup, if any, and SIGCHLD; called before the fork. */
static int
job_events_add(struct job *job)
{
	job->ev_child = evsignal_new(job->base, SIGCHLD, job_on_child, job);
	job->ev_grace = evtimer_new(job->base, job_on_grace, job);
	job->ev_sweep = evtimer_new(job->base, job_on_sweep, job);
	if (job->ev_child == NULL || job->ev_grace == NULL ||
	    job->ev_sweep == NULL || evsignal_add(job->ev_child, NULL) == -1)
		return -1;
	return 0;
}

/*
 * Starts the job. The caller becomes a child subreaper. If cgroup_name is
 * not NULL the command runs in a new cgroup of that name where cgroup v2 can
 * be written. Returns NULL with *cause set if nothing could be started; a
 * command that cannot be executed is reported through the callback and
 * exits 126 or 127.
 */
struct job *
job_spawn(struct event_base *base, const struct job_params *jp,
    const char **cause)
{
	struct job	*job;
	pid_t		 parent = getpid();
	int		 errpipe[2];

	job = xcalloc(1, sizeof *job);
	job->kill_at = NSEC_NONE;
	job->base = base;
	job->sig = jp->sig;
	job->grace = jp->grace;
	job->left_grace = jp->grace;
	job->cb = jp->cb;
	job->arg = jp->arg;
	job->init = parent == 1;
	if (jp->cgroup_name != NULL)
		job->cg = cgroup_create(jp->cgroup_name, &job->cg_cause);

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) {
		*cause = "cannot become a child subreaper";
		goto fail;
	}
	if (job_events_add(job) == -1) {
		*cause = "cannot set up events";
		goto fail;
	}
	if (pipe2(errpipe, O_CLOEXEC) == -1) {
		*cause = "pipe failed";
		goto fail;
	}
	if ((job->pid = spawn_clone(job, jp->argv, errpipe, parent)) == -1) {
		*cause = "fork failed";
		close(errpipe[0]);
		close(errpipe[1]);
		goto fail;
	}
	close(errpipe[1]);
	spawn_wait_exec(job, errpipe[0]);
	close(errpipe[0]);
	return job;

fail:
	job_free(job);
	return NULL;
}

/*
 * Lets go of pid, a process below ours: a ctxrun --without-cancel that
 * leaves the job (leave.c). It, and what runs below it, are not the
 * job's any more, to signal, kill or wait for; it has left the job's
 * cgroup already. Returns -1 if pid is not below us.
 */
int
job_let_go(struct job *job, pid_t pid)
{
	struct proc	p = { 0 };

	if (!proc_ancestor(getpid(), pid) || proc_start(pid, &p.start) == -1)
		return -1;
	p.pid = pid;
	proclist_add(&job->gone, &p);
	/* It may be all that kept the job from being empty. */
	if (!job->childless)
		job->childless = job_only_gone_left(job);
	job_check_done(job);
	return 0;
}

/* Has the job let go of p (pid and start time)? */
static int
job_gone(const struct job *job, pid_t pid, unsigned long long start)
{
	size_t	i;

	for (i = 0; i < job->gone.n; i++) {
		if (job->gone.procs[i].pid == pid &&
		    job->gone.procs[i].start == start)
			return 1;
	}
	return 0;
}

/*
 * Takes out of a scan (parents first) the processes the job let go of,
 * and those below them.
 */
static void
job_scan_trim(const struct job *job, struct proclist *scan)
{
	struct proclist	 out = { 0 };
	size_t		 i, j, k = 0;

	if (job->gone.n == 0)
		return;
	for (i = 0; i < scan->n; i++) {
		for (j = 0; j < out.n; j++) {
			if (out.procs[j].pid == scan->procs[i].ppid)
				break;
		}
		if (j < out.n || job_gone(job, scan->procs[i].pid,
		    scan->procs[i].start))
			proclist_add(&out, &scan->procs[i]);
		else
			scan->procs[k++] = scan->procs[i];
	}
	scan->n = k;
	proclist_free(&out);
}

/*
 * Is every child left one the job let go of? Then the job, for which
 * waitpid() cannot say ECHILD while they run, is empty.
 */
static int
job_only_gone_left(const struct job *job)
{
	struct proclist	 scan = { 0 };
	size_t		 i;
	int		 only = 1;

	if (proctree_scan(getpid(), &scan) == -1)
		return 0;
	for (i = 0; i < scan.n && only; i++) {
		if (scan.procs[i].ppid == getpid() &&
		    !job_gone(job, scan.procs[i].pid, scan.procs[i].start))
			only = 0;
	}
	proclist_free(&scan);
	return only;
}

/*
 * Sends sig to every process in the job's cgroup but the command; returns
 * how many it reached, or -1 if the cgroup cannot be read.
 */
static int
job_signal_cgroup(struct job *job, int sig, int cont)
{
	struct proclist	 sent = { 0 };
	struct proc	 cmd = { 0 };
	int		 pass, fresh = 0, n = 0;

	cmd.pid = job->pid;
	proclist_add(&sent, &cmd);
	for (pass = 0; pass < SIGNAL_PASSES; pass++) {
		if ((fresh = cgroup_signal(job->cg, sig, cont, &sent)) <= 0)
			break;
		n += fresh;
	}
	proclist_free(&sent);
	return fresh == -1 ? -1 : n;
}

/*
 * As PID 1: sends sig to every process of the namespace but ourselves, the
 * command included, with kill(-1), which reaches forks in flight too and
 * cannot reach outside the namespace. Returns how many there were where
 * /proc is the namespace's own to count them, else -1 (some, or none).
 */
static int
job_signal_ns(int sig, int cont)
{
	struct proclist	 scan = { 0 };
	int		 n = -1;

	if (proctree_scan(1, &scan) == 0)
		n = (int)scan.n;
	proclist_free(&scan);
	if (kill(-1, sig) == -1)
		return 0;		/* ESRCH: nobody left */
	if (cont)
		kill(-1, SIGCONT);
	return n;
}

/*
 * Sends sig to every process of the job; returns how many it reached, -1
 * for an unknown number. The job's cgroup lists them, if it has one and
 * scan_proc is not set; else they are found by scanning /proc, or, as PID
 * 1, are every process of the namespace.
 */
static int
job_signal_all(struct job *job, int sig, int cont, int scan_proc)
{
	struct proclist	 sent = { 0 }, scan = { 0 };
	size_t		 i, j;
	int		 pass, fresh, n = 0, r;

	if (job->init && (job->cg == NULL || scan_proc))
		return job_signal_ns(sig, cont);
	/* The command first: unreaped, its pid cannot have been reused. */
	if (!job->reaped && kill(job->pid, sig) == 0) {
		if (cont)
			kill(job->pid, SIGCONT);
		n++;
	}
	if (job->cg != NULL && !scan_proc &&
	    (r = job_signal_cgroup(job, sig, cont)) != -1)
		return n + r;
	for (pass = 0; pass < SIGNAL_PASSES; pass++) {
		if (proctree_scan(getpid(), &scan) == -1)
			break;
		job_scan_trim(job, &scan);
		fresh = 0;
		for (i = 0; i < scan.n; i++) {
			if (scan.procs[i].pid == job->pid && !job->reaped)
				continue;
			for (j = 0; j < sent.n; j++) {
				if (sent.procs[j].pid == scan.procs[i].pid &&
				    sent.procs[j].start == scan.procs[i].start)
					break;
			}
			if (j < sent.n)
				continue;
			fresh = 1;
			proclist_add(&sent, &scan.procs[i]);
			n += proc_signal(&scan.procs[i], sig, cont);
		}
		if (!fresh || sig == SIGKILL)
			break;
	}
	proclist_free(&scan);
	proclist_free(&sent);
	return n;
}

/*
 * Is nothing left of the job but the command's zombie, if that? As PID 1
 * with a cgroup, the cgroup says; else no child may be left (see the top
 * of this file).
 */
static int
job_empty(const struct job *job)
{
	int	populated;

	if (job->init && job->cg != NULL &&
	    (populated = cgroup_populated(job->cg)) != -1)
		return !populated;
	return job->childless;
}

/*
 * SIGKILLs everything left in the job, and arms the next sweep, until the
 * job is empty. Returns how many processes the sweep reached; cgroup.kill
 * after it catches forks in flight.
 */
static int
job_kill(struct job *job)
{
	int	n = -1;

	/*
	 * cgroup.kill ends every process in the cgroup at once, forks in
	 * flight included; the subreaper's scan is for jobs without one, and
	 * for a child left outside the cgroup once it is empty.
	 */
	if (job->cg != NULL && (n = cgroup_count(job->cg)) != -1 &&
	    cgroup_kill(job->cg) == -1)
		n = -1;
	if (n == -1 || (n == 0 && !job_empty(job)))
		n = job_signal_all(job, SIGKILL, 0, 1);
	job->kill_at = NSEC_NONE;
	evtimer_del(job->ev_grace);
	timer_arm(job->ev_sweep, SWEEP_INTERVAL_MS * NSEC_PER_MSEC);
	return n;
}

/*
 * Starts the end: first signal to all, SIGKILL after the grace period. A
 * grace of NSEC_NONE sends no SIGKILL, as timeout(1) without -k: only
 * once the command has gone do its leftovers get the job's grace.
 */
static void
job_teardown(struct job *job, int sig, nsec_t grace)
{
	int	n;

	job->sig = sig;
	job->grace = grace;
	if (sig == SIGKILL || grace == 0) {
		job->sig = SIGKILL;
		n = job_kill(job);
		job->cb(job, JOB_EV_SIGNALED, n, job->arg);
		return;
	}
	/*
	 * The grace period runs from the first signal to the first process,
	 * not from the last: signalling a thousand takes a while.
	 */
	if (grace == NSEC_NONE)
		job->kill_at = KILL_NEVER;
	else {
		job->kill_at = time_after(clock_mono(), grace);
		timer_arm(job->ev_grace, grace);
	}
	n = job_signal_all(job, sig, 1, 0);
	job->cb(job, JOB_EV_SIGNALED, n, job->arg);
	job_check_done(job);
}

/*
 * A job already ending, on its first signal, gets SIGKILL after grace from
 * now if that comes sooner than its own: an ancestor's deadline or cancel
 * during a long grace governs the job as it would a running one (SPEC §5),
 * and so does one while leftovers of a command that exited are ending.
 */
static void
job_hasten(struct job *job, nsec_t grace)
{
	nsec_t	at = time_after(clock_mono(), grace);

	if (job->kill_at == NSEC_NONE || at >= job->kill_at)
		return;
	job->grace = grace;
	if (grace == 0) {
		job->cb(job, JOB_EV_KILLING, job_kill(job), job->arg);
		return;
	}
	job->kill_at = at;
	timer_arm(job->ev_grace, grace);
}

/*
 * Ends the job for a cause, with a first signal and a grace period. The
 * first cause is the one reported; a later one can only bring SIGKILL
 * forward.
 */
void
job_end(struct job *job, enum job_cause cause, int sig, nsec_t grace)
{
	if (job->done)
		return;
	if (job->held) {
		job->held = 0;
		job_teardown(job, sig, grace);
		return;
	}
	if (job->cause != JOB_RUNNING) {
		job_hasten(job, sig == SIGKILL ? 0 : grace);
		return;
	}
	job->cause = cause;
	job_teardown(job, sig, grace);
}

/*
 * The job is to end for cause, but its first signal waits for the next
 * job_end(), whatever that one's cause (ctxrun's --on-deadline runs
 * first). The cause is set now: a command that exits meanwhile has not
 * exited by itself, and what it left waits for the signal too.
 */
void
job_hold(struct job *job, enum job_cause cause)
{
	if (job->done || job->cause != JOB_RUNNING)
		return;
	job->cause = cause;
	job->held = 1;
}

/*
 * The pids of the job's processes, a space apart, for a command to look
 * at them (--on-deadline's CTX_PIDS): its cgroup's, or the processes
 * below ours. "" if there are none, or none can be found.
 */
char *
job_pids(const struct job *job)
{
	struct proclist	 pl = { 0 };
	char		*s;
	size_t		 i, len = 0, room;

	if (job->cg == NULL || cgroup_procs(job->cg, &pl) == -1) {
		if (proctree_scan(getpid(), &pl) == -1)
			pl.n = 0;
	}
	room = pl.n * PID_TEXT + 1;
	s = xmalloc(room);
	*s = '\0';
	for (i = 0; i < pl.n; i++)
		len += (size_t)snprintf(s + len, room - len, "%s%d",
		    i > 0 ? " " : "", (int)pl.procs[i].pid);
	proclist_free(&pl);
	return s;
}

/*
 * The job is empty when no child is left: as a subreaper we are the parent
 * of every process left of it, so ECHILD says the cgroup is empty too (a
 * process leaves its cgroup before its parent hears of its exit). Should
 * the cgroup still hold something, it came in from outside the job: it is
 * killed, and we look again after a sweep interval. (As PID 1 with a
 * cgroup, the cgroup alone says; children outside it are not the job's.)
 */
static void
job_check_done(struct job *job)
{
	if (job->done || !job->reaped || !job_empty(job))
		return;
	if (job->cg != NULL && cgroup_populated(job->cg) == 1) {
		cgroup_kill(job->cg);
		timer_arm(job->ev_sweep, SWEEP_INTERVAL_MS * NSEC_PER_MSEC);
		return;
	}
	job->done = 1;
	evtimer_del(job->ev_grace);
	evtimer_del(job->ev_sweep);
	job->cb(job, JOB_EV_DONE, 0, job->arg);
}

/* Reaps every child that has exited: the command and orphans handed to us. */
static void
job_on_child(evutil_socket_t fd, short events, void *arg)
{
	struct job	*job = arg;
	pid_t		 pid;
	int		 status;

	(void)fd;
	(void)events;
	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			if (pid == job->pid) {
				job->status = status;
				job->reaped = 1;
			}
			continue;
		}
		if (pid == -1 && errno == EINTR)
			continue;
		job->childless = pid == -1 && errno == ECHILD;
		break;
	}
	if (!job->childless && job->gone.n > 0)
		job->childless = job_only_gone_left(job);
	if (job->reaped && job->cause == JOB_RUNNING) {
		job->cause = JOB_EXITED;
		if (!job_empty(job)) {
			job->cb(job, JOB_EV_LEFTOVERS, job->status, job->arg);
			job_teardown(job, job->sig, job->grace);
		}
	} else if (job->reaped && job->kill_at == KILL_NEVER && !job_empty(job))
		job_hasten(job, job->left_grace);
	job_check_done(job);
}

static void
job_on_grace(evutil_socket_t fd, short events, void *arg)
{
	struct job	*job = arg;
	int		 n;

	(void)fd;
	(void)events;
	n = job_kill(job);
	job->cb(job, JOB_EV_KILLING, n, job->arg);
}

static void
job_on_sweep(evutil_socket_t fd, short events, void *arg)
{
	struct job	*job = arg;

	(void)fd;
	(void)events;
	if (!job->done) {
		job_kill(job);
		job_check_done(job);
	}
}

/* Passes a signal on to the command, if it is still there. */
void
job_forward(const struct job *job, int sig)
{
	if (!job->reaped)
		kill(job->pid, sig);
}

enum job_cause
job_cause(const struct job *job)
{
	return job->cause;
}

/* The command's wait status. */
int
job_status(const struct job *job)
{
	return job->status;
}

int
job_has_cgroup(const struct job *job)
{
	return job->cg != NULL;
}

/* Why the job has no cgroup, if it was to have one; else NULL. */
const char *
job_cgroup_cause(const struct job *job)
{
	return job->cg_cause;
}

/* The job's cgroup directory, or NULL. */
const char *
job_cgroup(const struct job *job)
{
	return job->cg != NULL ? cgroup_dir(job->cg) : NULL;
}

/* Has the command itself exited (and been reaped)? */
int
job_reaped(const struct job *job)
{
	return job->reaped;
}

nsec_t
job_grace(const struct job *job)
{
	return job->grace;
}

int
job_signal(const struct job *job)
{
	return job->sig;
}

/*
 * The job's cgroup, empty once the job is done, closed and unlocked but
 * left in place (cgroup_leave()) for ctxd to remove; its path, to free,
 * or NULL without one.
 */
char *
job_leave_cgroup(struct job *job)
{
	char	*path;

	if (job->cg == NULL)
		return NULL;
	path = cgroup_leave(job->cg);
	job->cg = NULL;
	return path;
}

void
job_free(struct job *job)
{
	if (job == NULL)
		return;
	if (job->ev_child != NULL)
		event_free(job->ev_child);
	if (job->ev_grace != NULL)
		event_free(job->ev_grace);
	if (job->ev_sweep != NULL)
		event_free(job->ev_sweep);
	cgroup_destroy(job->cg);
	free(job->cg_cause);
	proclist_free(&job->gone);
	free(job);
}
