/*
 * hook.c: ctxrun's --on-deadline command, run through sh -c when the
 * deadline fires, before the job's first signal (as Go's AfterFunc, for
 * a stack dump while the job is still there to look at). It is not part
 * of the job: ctxrun's child, in ctxrun's cgroup and not the job's, in a
 * process group of its own. It has until a bound: then it is killed with
 * its group, and the callback says so; it says so too when the command
 * exits before, and what is left of its group is killed then. Its
 * standard output and error are ctxrun's standard error; its standard
 * input is /dev/null, for the job may be reading the terminal.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctxrun.h"

#ifndef P_PIDFD
#define P_PIDFD	3
#endif

struct hook {
	pid_t		 pid;		/* and its process group */
	int		 pidfd;		/* -1: none to be had */
	int		 running;
	struct event	*ev_exit;	/* on the pidfd */
	struct event	*ev_bound;
	hook_cb		*cb;
	void		*arg;
};

/* In the child: a group of its own, default signals, and sh -c cmd. */
static void __attribute__((noreturn))
hook_child(const char *cmd, const char *pids, pid_t parent)
{
	sigset_t	none;
	int		sig, fd;

	setpgid(0, 0);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(CTX_EXIT_FAILURE);
	if ((fd = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1 ||
	    dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
		_exit(CTX_EXIT_FAILURE);
	if (fd > STDERR_FILENO)
		close(fd);
	if (setenv(ENV_PIDS, pids, 1) == -1)
		_exit(CTX_EXIT_FAILURE);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(errno == ENOENT ? CTX_EXIT_NOT_FOUND : CTX_EXIT_CANNOT_EXEC);
}

/* Kills the command and what is left of its group. */
static void
hook_kill(struct hook *h)
{
	if (h->pidfd != -1)
		syscall(SYS_pidfd_send_signal, h->pidfd, SIGKILL, NULL, 0);
	kill(-h->pid, SIGKILL);
}

static void
hook_over(struct hook *h, int killed, int status)
{
	hook_stop(h);
	h->cb(killed, status, h->arg);
}

/*
 * The command has exited. Its status, if job.c has not reaped it first
 * (it reaps every child of ctxrun): -1 if not.
 */
static void
hook_on_exit(evutil_socket_t fd, short events, void *arg)
{
	struct hook	*h = arg;
	siginfo_t	 si = { 0 };
	int		 status = -1;

	(void)events;
	if (waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) == 0 &&
	    si.si_pid != 0)
		status = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0) :
		    si.si_status;
	hook_over(h, 0, status);
}

static void
hook_on_bound(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	hook_over(arg, 1, -1);
}

/*
 * Runs cmd, with pids in CTX_PIDS, for bound at the most. Returns NULL
 * with errno set if it could not be started.
 */
struct hook *
hook_run(struct event_base *base, const char *cmd, const char *pids,
    nsec_t bound, hook_cb *cb, void *arg)
{
	struct hook	*h;
	pid_t		 parent = getpid();

	h = xcalloc(1, sizeof *h);
	h->pidfd = -1;
	h->cb = cb;
	h->arg = arg;
	if ((h->ev_bound = evtimer_new(base, hook_on_bound, h)) == NULL ||
	    (h->pid = fork()) == -1) {
		hook_free(h);
		return NULL;
	}
	if (h->pid == 0)
		hook_child(cmd, pids, parent);
	setpgid(h->pid, h->pid);	/* the child does too: whoever is first */
	h->running = 1;
	/* Without a pidfd, the command is given the whole bound. */
	h->pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	if (h->pidfd != -1)
		h->ev_exit = event_new(base, h->pidfd, EV_READ, hook_on_exit, h);
	if (h->ev_exit != NULL)
		event_add(h->ev_exit, NULL);
	timer_arm(h->ev_bound, bound);
	return h;
}

/* Kills the command if it still runs; the callback is not called. */
void
hook_stop(struct hook *h)
{
	if (h == NULL || !h->running)
		return;
	h->running = 0;
	if (h->ev_exit != NULL)
		event_del(h->ev_exit);
	event_del(h->ev_bound);
	hook_kill(h);
}

void
hook_free(struct hook *h)
{
	if (h == NULL)
		return;
	hook_stop(h);
	if (h->ev_exit != NULL)
		event_free(h->ev_exit);
	if (h->ev_bound != NULL)
		event_free(h->ev_bound);
	if (h->pidfd != -1)
		close(h->pidfd);
	free(h);
}
