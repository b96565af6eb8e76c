/*
 * ctxrun: run a command as a node of a context tree, under a deadline, and
 * let nothing it starts outlive it.
 */
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <event2/event.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxrun.h"

/*
 * Abandoned job cgroups a ctxrun with no daemon looks at when its job is
 * over: a few, so that a thousand such jobs ending at once do not each
 * look at a thousand; ctxd looks at them all when it starts.
 */
#define SWEEP_MAX	16

enum {
	OPT_SECTION = 256,
	OPT_PRESERVE_STATUS,
	OPT_FOREGROUND,
	OPT_SSH,
	OPT_FORWARD,
	OPT_NO_HANGUP,
	OPT_ON_DEADLINE,
	OPT_WITHOUT_CANCEL,
};

static const struct option longopts[] = {
	{ "deadline",		required_argument,	NULL, 'D' },
	{ "detach",		no_argument,		NULL, 'd' },
	{ "value",		required_argument,	NULL, 'e' },
	{ "values",		required_argument,	NULL, 'f' },
	{ "foreground",		no_argument,		NULL, OPT_FOREGROUND },
	{ "forward",		required_argument,	NULL, OPT_FORWARD },
	{ "help",		no_argument,		NULL, 'h' },
	{ "grace",		required_argument,	NULL, 'k' },
	{ "kill-after",		required_argument,	NULL, 'k' },
	{ "name",		required_argument,	NULL, 'n' },
	{ "no-hangup",		no_argument,		NULL, OPT_NO_HANGUP },
	{ "on-deadline",	required_argument,	NULL, OPT_ON_DEADLINE },
	{ "parent",		required_argument,	NULL, 'p' },
	{ "preserve-status",	no_argument,		NULL, OPT_PRESERVE_STATUS },
	{ "signal",		required_argument,	NULL, 's' },
	{ "ssh",		required_argument,	NULL, OPT_SSH },
	{ "section",		required_argument,	NULL, OPT_SECTION },
	{ "timeout",		required_argument,	NULL, 't' },
	{ "unset",		required_argument,	NULL, 'u' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "without-cancel",	no_argument,		NULL, OPT_WITHOUT_CANCEL },
	{ NULL,			0,			NULL, 0 }
};

/* -h: the synopsis, then an option a line. */
static void __attribute__((noreturn))
usage(void)
{
	printf("usage: ctxrun [-dhVv] [-D time] [-e key=value] [-f file] "
	    "[-k duration] [-n name] [-p ctx]\n"
	    "              [-s signal] [-t duration] [-u key] [--foreground] "
	    "[--forward signal]\n"
	    "              [--no-hangup] [--on-deadline command] "
	    "[--preserve-status]\n"
	    "              [--section name] [--ssh host] [--without-cancel] "
	    "[--]\n"
	    "              command [arg ...]\n"
	    "Runs command as a context: under a deadline, and ending all it "
	    "starts.\n\n"
	    "  -t, --timeout duration   deadline: now + duration (30s, 1.5h, "
	    "2h45m; 0: none)\n"
	    "  -D, --deadline time      deadline: time (RFC 3339, or "
	    "@unix-seconds)\n"
	    "  -k, --grace duration     from the first signal to KILL (alias "
	    "--kill-after)\n"
	    "  -s, --signal signal      the first signal (default TERM)\n"
	    "  -n, --name name          the context's name\n"
	    "  -p, --parent ctx         under context ctx (default: $CTX_ID)\n"
	    "  -e, --value key=value    a value, exported to the job "
	    "(repeatable)\n"
	    "  -u, --unset key          key unset for the job and below "
	    "(repeatable)\n"
	    "  -f, --values file        values from an ini file\n"
	    "  --section name           the section of file (default: the "
	    "name)\n"
	    "  -d, --detach             start it, print its id, and exit 0\n"
	    "  -v, --verbose            say on stderr what happens, and why\n"
	    "  --on-deadline command    run command (sh -c) at the deadline, "
	    "before the signal\n"
	    "  --without-cancel         the parent's values, not its deadline "
	    "nor its cancel\n"
	    "  --preserve-status        the command's status even after the "
	    "deadline\n"
	    "  --foreground             as timeout(1)'s: the command keeps the "
	    "terminal\n"
	    "  --forward signal         pass signal on to the command "
	    "(repeatable)\n"
	    "  --no-hangup              do not cancel when the ssh session "
	    "goes\n"
	    "  --ssh host               run command on host, under the time "
	    "left here\n"
	    "  -h, --help               this help\n"
	    "  -V, --version            ctxrun's version\n"
	    "Exits as the command; 124: deadline, 130: cancelled, 125: "
	    "ctxrun failed.\n");
	exit(0);
}

/*
 * Says what happens, on stderr, with -v: one line, in one write. A pipe
 * nobody reads must not hold up the signal about to be sent: if stderr
 * does not take the line within SAY_WAIT_MS, it is dropped. (Not at once:
 * a terminal that is being read may say it is full for a moment.)
 */
#define SAY_WAIT_MS	100
static void
say_line(const char *line, size_t len)
{
	struct pollfd	pfd = { STDERR_FILENO, POLLOUT, 0 };

	if (poll(&pfd, 1, SAY_WAIT_MS) == 1 && (pfd.revents & POLLOUT))
		(void)write(STDERR_FILENO, line, len);
}

static void __attribute__((format(printf, 2, 3)))
say(const struct ctxrun *r, const char *fmt, ...)
{
	static const char	prefix[] = "ctxrun: ";
	char			line[512];
	size_t			len = sizeof prefix - 1, room;
	va_list			ap;
	int			n;

	if (!r->verbose)
		return;
	memcpy(line, prefix, len);
	room = sizeof line - len - 1;		/* and one for the newline */
	va_start(ap, fmt);
	n = vsnprintf(line + len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len += (size_t)n < room ? (size_t)n : room - 1;	/* cut short */
	line[len++] = '\n';
	say_line(line, len);
}

/* -v as timeout: timeout(1)'s line for each signal sent to the command. */
static void
say_signal(const struct ctxrun *r, int sig)
{
	char	line[512];
	int	n;

	n = timeout_signal_line(r, sig, line, sizeof line);
	if (n > 0)
		say_line(line, (size_t)n < sizeof line ? (size_t)n :
		    sizeof line - 1);
}

static nsec_t
opt_duration(const char *opt, const char *arg)
{
	nsec_t	ns;
	char	*cause;

	if (option_duration(opt, arg, &ns, &cause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	return ns;
}

static nsec_t
opt_time(const char *opt, const char *arg)
{
	nsec_t	t;
	char	*cause;

	if (option_time(opt, arg, &t, &cause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	return t;
}

static int
opt_signal(const char *opt, const char *arg)
{
	char	*cause;
	int	 sig;

	if (option_signal(opt, arg, &sig, &cause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	return sig;
}

/*
 * --forward: a signal ctxrun passes on to the command instead of
 * cancelling the job. Not one it cannot catch, nor one it lives by.
 */
static void
opt_forward(struct ctxrun *r, const char *arg)
{
	int	sig = opt_signal("--forward", arg);

	if (sig == SIGKILL || sig == SIGSTOP)
		errx(CTX_EXIT_FAILURE, "--forward: SIG%s cannot be caught, "
		    "nor passed on", signal_name(sig));
	if (sig == SIGCHLD)
		errx(CTX_EXIT_FAILURE, "--forward: ctxrun keeps SIGCHLD for "
		    "itself, to reap the job");
	if (sig == CTX_SIG_REJOIN)
		errx(CTX_EXIT_FAILURE, "--forward: ctxrun keeps SIGRTMIN+8 "
		    "(%d) for itself, to rejoin ctxd", sig);
	if (sig == CTX_SIG_LEAVE)
		errx(CTX_EXIT_FAILURE, "--forward: ctxrun keeps SIGRTMIN+9 "
		    "(%d) for itself, for --without-cancel", sig);
	sigaddset(&r->forward, sig);
}

static void
parse_options(struct ctxrun *r, int argc, char **argv)
{
	const char	*cause;
	char		*ccause;
	nsec_t		 t;
	int		 ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:D:de:f:hk:n:p:s:t:u:Vv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'D':
			r->deadline = opt_time("--deadline", optarg);
			break;
		case 'd':
			r->detach = 1;
			break;
		case 'e':
			if (values_set_pair(&r->values, optarg, &cause) == -1)
				errx(CTX_EXIT_FAILURE, "--value '%s': %s",
				    optarg, cause);
			break;
		case 'f':
			r->values_file = optarg;
			break;
		case 'h':
			usage();
		case 'k':
			r->grace = opt_duration("--grace", optarg);
			break;
		case 'n':
			if ((cause = name_invalid(optarg)) != NULL)
				errx(CTX_EXIT_FAILURE, "--name: %s", cause);
			r->name = optarg;
			break;
		case 'p':
			r->parent = optarg;
			break;
		case 's':
			r->sig = opt_signal("--signal", optarg);
			break;
		case 't':
			t = opt_duration("--timeout", optarg);
			r->timeout = t == 0 ? NSEC_NONE : t;
			break;
		case 'u':
			if (option_key("--unset", optarg, &ccause) == -1)
				errx(CTX_EXIT_FAILURE, "%s", ccause);
			values_set(&r->values, optarg, NULL);
			break;
		case 'V':
			printf("ctxrun %s\n", CTX_VERSION);
			exit(0);
		case 'v':
			r->verbose = 1;
			break;
		case OPT_FOREGROUND:
			break;		/* the command keeps the terminal anyway */
		case OPT_FORWARD:
			opt_forward(r, optarg);
			break;
		case OPT_NO_HANGUP:
			r->no_hangup = 1;
			break;
		case OPT_WITHOUT_CANCEL:
			r->nocancel = 1;
			break;
		case OPT_ON_DEADLINE:
			if (*optarg == '\0')
				errx(CTX_EXIT_FAILURE, "--on-deadline: an empty "
				    "command");
			r->on_deadline = optarg;
			break;
		case OPT_PRESERVE_STATUS:
			r->preserve_status = 1;
			break;
		case OPT_SECTION:
			r->section = optarg;
			break;
		case OPT_SSH:
			/* ssh would take "-..." for an option. */
			if (*optarg == '\0' || *optarg == '-')
				errx(CTX_EXIT_FAILURE, "--ssh '%s': not a host",
				    optarg);
			r->ssh_host = optarg;
			break;
		case ':':
			errx(CTX_EXIT_FAILURE, "option '%s' needs an argument",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				errx(CTX_EXIT_FAILURE, "unknown option '-%c'",
				    optopt);
			errx(CTX_EXIT_FAILURE, "unknown option '%s'",
			    argv[optind - 1]);
		}
	}
	if (optind == argc)
		errx(CTX_EXIT_FAILURE, "missing command (see ctxrun -h)");
	r->argv = argv + optind;
}

/*
 * The parent context, if this runs inside a job: $CTX_ID and its deadline,
 * which --without-cancel does not take.
 */
static void
read_parent(struct ctxrun *r)
{
	const char	*s;

	if ((s = getenv(ENV_ID)) != NULL && *s != '\0')
		r->parent_id = s;
	if ((s = getenv(ENV_TREE)) != NULL && *s != '\0')
		r->parent_tree = s;
	r->parent_sig = SIGTERM;
	r->parent_grace = r->grace;
	/* Of the group still, if it is one: its limit, its fail-fast. */
	if ((s = getenv(ENV_GROUP)) != NULL && *s != '\0') {
		r->parent_group = 1;
		r->parent_limit = strstr(s, "limit=") != NULL;
	}
	if (r->nocancel)
		return;
	if ((s = getenv(ENV_DEADLINE)) != NULL && *s != '\0')
		r->parent_deadline = opt_time("$" ENV_DEADLINE, s);
	if ((s = getenv(ENV_SIGNAL)) != NULL)
		r->parent_sig = opt_signal("$" ENV_SIGNAL, s);
	if ((s = getenv(ENV_GRACE)) != NULL)
		r->parent_grace = opt_duration("$" ENV_GRACE, s);
	if ((s = getenv(ENV_DEADLINE_OF)) != NULL && *s != '\0')
		r->parent_of = s;
}

/* "12 (build)": the job's own id and name, for a cause. */
static void
own_label(const struct ctxrun *r, char *buf, size_t len)
{
	if (r->name != NULL)
		snprintf(buf, len, "%s (%s)", r->id, r->name);
	else
		snprintf(buf, len, "%s", r->id);
}

static void	set_cause(struct ctxrun *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * The cause of a deadline that passed, the parent's (inherited) or the
 * job's own: "deadline of 12 (build)".
 */
static void
deadline_cause(struct ctxrun *r, int inherited)
{
	char	of[128];

	own_label(r, of, sizeof of);
	set_cause(r, "deadline of %s", !inherited ? of :
	    r->parent_of != NULL ? r->parent_of : "the parent");
}

/* Sets why the job ends, once: the first cause stands. */
static void
set_cause(struct ctxrun *r, const char *fmt, ...)
{
	va_list	ap;

	if (r->cause != NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&r->cause, fmt, ap) == -1)
		r->cause = NULL;
	va_end(ap);
}

/* The node's values: the file's globals and section, then -e (SPEC §7). */
static void
load_values(struct ctxrun *r, struct values *vs)
{
	const char	*section;
	struct value	*v;
	char		*cause;

	values_init(vs);
	if (r->values_file != NULL) {
		section = r->section != NULL ? r->section : r->name;
		if (inifile_values(r->values_file, section, r->section != NULL,
		    vs, &cause) == -1)
			errx(CTX_EXIT_FAILURE, "%s", cause);
	}
	TAILQ_FOREACH(v, &r->values, entry)
		values_set(vs, v->key, v->val);
}

static void
setenv_or_unset(const char *key, const char *val)
{
	if ((val == NULL ? unsetenv(key) : setenv(key, val, 1)) == -1)
		err(CTX_EXIT_FAILURE, "setenv %s", key);
}

/* What the job inherits: who it is, its deadline and how it ends. */
static void
export_context(struct ctxrun *r, nsec_t deadline, int inherited)
{
	char	ts[TIMESTAMP_LEN], grace[32], pid[16], of[128];

	setenv_or_unset(ENV_ID, r->id);
	setenv_or_unset(ENV_GROUP, NULL);	/* a job is no group */
	setenv_or_unset(ENV_NAME, r->name);
	setenv_or_unset(ENV_PARENT, r->parent_id);
	setenv_or_unset(ENV_TREE, r->tree);
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	setenv_or_unset(ENV_PID, pid);
	if (r->socket != NULL)
		setenv_or_unset(ENV_SOCKET, r->socket);
	if (deadline == NSEC_NONE) {
		setenv_or_unset(ENV_DEADLINE, NULL);
		setenv_or_unset(ENV_DEADLINE_OF, NULL);
		setenv_or_unset(ENV_SIGNAL, NULL);
		setenv_or_unset(ENV_GRACE, NULL);
		return;
	}
	own_label(r, of, sizeof of);
	setenv_or_unset(ENV_DEADLINE_OF, inherited ? r->parent_of : of);
	timestamp_format(deadline, ts, sizeof ts);
	duration_format(inherited ? r->parent_grace : r->grace, grace,
	    sizeof grace);
	setenv_or_unset(ENV_DEADLINE, ts);
	setenv_or_unset(ENV_SIGNAL,
	    signal_name(inherited ? r->parent_sig : r->sig));
	setenv_or_unset(ENV_GRACE, grace);
}

/*
 * "3 processes"; -1 is a number job.c could not tell, as PID 1 of a PID
 * namespace whose /proc is the host's.
 */
static const char *
processes(int n, char *buf, size_t len)
{
	if (n == -1)
		return "every process of the PID namespace";
	snprintf(buf, len, "%d process%s", n, n == 1 ? "" : "es");
	return buf;
}

static void
on_job(struct job *job, enum job_event ev, int arg, void *cbarg)
{
	struct ctxrun	*r = cbarg;
	char		 grace[32], how_many[32];

	switch (ev) {
	case JOB_EV_EXEC_FAILED:
		if (r->tmo.prog != NULL)
			timeout_exec_failed(r, arg);
		else
			warnx("%s: %s", r->ssh_argv != NULL ? r->ssh_argv[0] :
			    r->argv[0], strerror(arg));
		break;
	case JOB_EV_LEFTOVERS:
		if (WIFSIGNALED(arg))
			say(r, "command killed by SIG%s, ending the processes "
			    "it left", signal_name(WTERMSIG(arg)));
		else
			say(r, "command exited with status %d, ending the "
			    "processes it left", WEXITSTATUS(arg));
		break;
	case JOB_EV_SIGNALED:
		/* timeout(1) says nothing of leftovers: it does not end them. */
		if (job_cause(job) != JOB_EXITED)
			say_signal(r, job_signal(job));
		/* Whatever sent it, --on-deadline's time is over. */
		hook_stop(r->hook);
		r->hook_running = 0;
		if (r->hook_tell) {
			r->hook_tell = 0;
			ctxlink_cancel(r->link, "deadline exceeded", r->cause,
			    job_signal(job), job_grace(job));
		}
		say(r, "sending %s to %s", signal_name(job_signal(job)),
		    processes(arg, how_many, sizeof how_many));
		break;
	case JOB_EV_KILLING:
		if (!job_reaped(job))
			say_signal(r, SIGKILL);
		duration_format(job_grace(job), grace, sizeof grace);
		say(r, "did not stop after %s, sending KILL to %s", grace,
		    processes(arg, how_many, sizeof how_many));
		break;
	case JOB_EV_DONE:
		event_base_loopbreak(r->base);
		break;
	}
}

/* The grace of the job's own end: none at all as timeout without -k. */
static nsec_t
own_grace(const struct ctxrun *r)
{
	return r->tmo.no_kill ? NSEC_NONE : r->grace;
}

/*
 * --on-deadline's command is over: the signal follows, with what is left
 * of the grace, so that SIGKILL comes when it would have without it.
 */
static void
on_hook(int killed, int status, void *arg)
{
	struct ctxrun	*r = arg;
	nsec_t		 grace;

	if (killed)
		say(r, "--on-deadline command still running, killed");
	else if (status == -1)
		say(r, "--on-deadline command over");
	else if (WIFSIGNALED(status))
		say(r, "--on-deadline command killed by SIG%s",
		    signal_name(WTERMSIG(status)));
	else
		say(r, "--on-deadline command exited %d", WEXITSTATUS(status));
	grace = r->hook_grace - (clock_mono() - r->hook_at);
	grace -= grace % NSEC_PER_MSEC;		/* for -v to say */
	job_end(r->job, JOB_DEADLINE, r->hook_sig, grace > 0 ? grace : 0);
}

/*
 * Starts --on-deadline's command, for half the grace at the most, and
 * holds the job's signal until it is over. Returns -1 if it is not run:
 * a grace of 0 leaves it no time.
 */
static int
run_hook(struct ctxrun *r, int sig, nsec_t grace)
{
	char	*pids, bound[32];

	if (grace == 0) {
		say(r, "a grace of 0: no time for --on-deadline");
		return -1;
	}
	duration_format(grace / 2, bound, sizeof bound);
	pids = job_pids(r->job);
	say(r, "running --on-deadline for %s at the most, %s %s", bound,
	    ENV_PIDS, pids);
	r->hook_sig = sig;
	r->hook_grace = grace;
	r->hook_at = clock_mono();
	r->hook = hook_run(r->base, r->on_deadline, pids, grace / 2, on_hook,
	    r);
	free(pids);
	if (r->hook == NULL) {
		warnx("--on-deadline: %s", strerror(errno));
		return -1;
	}
	job_hold(r->job, JOB_DEADLINE);
	r->hook_running = 1;
	return 0;
}

/*
 * A deadline has passed: --on-deadline first, if any, then the signal.
 * One that comes while --on-deadline runs is the same again (an
 * ancestor's, timed here and told by ctxd) or a later one: it ends the
 * command at once only with a shorter grace (SPEC §5).
 */
static void
deadline_end(struct ctxrun *r, int sig, nsec_t grace)
{
	if (r->hook_running) {
		if (grace < r->hook_grace)
			job_end(r->job, JOB_DEADLINE, sig, grace);
		return;
	}
	if (r->on_deadline != NULL && r->hook == NULL &&
	    job_cause(r->job) == JOB_RUNNING && run_hook(r, sig, grace) == 0)
		return;
	job_end(r->job, JOB_DEADLINE, sig, grace);
}

static void
on_deadline(int which, void *arg)
{
	struct ctxrun	*r = arg;
	int		 first = job_cause(r->job) == JOB_RUNNING;
	int		 sig = r->sig;
	nsec_t		 grace = own_grace(r);

	/*
	 * ctxd is told the grace in use, as its answer may bring SIGKILL
	 * forward: timeout(1) without -k has none.
	 */
	if (which == DEADLINE_INHERITED) {
		sig = r->parent_sig;
		grace = r->parent_grace;
	}
	deadline_cause(r, which == DEADLINE_INHERITED);
	say(r, "%s deadline exceeded (cause: %s)",
	    which == DEADLINE_INHERITED ? "parent's" : "own", r->cause);
	deadline_end(r, sig, grace);
	/*
	 * ctxd shows the job ending, and why, at once; but while
	 * --on-deadline runs, with the first signal (on_job()): ctxd would
	 * cancel the jobs nested in this one, which it is to look at.
	 */
	if (first && r->hook_running)
		r->hook_tell = 1;
	else if (first)
		ctxlink_cancel(r->link, "deadline exceeded", r->cause, sig,
		    grace);
}

/*
 * Cancels the job with sig, as a signal to ctxrun does, and tells ctxd,
 * and why: the cause, unless the job was ending already. (As timeout, sig
 * is the signal ctxrun got, which timeout(1) passes on.)
 */
static void
cancel(struct ctxrun *r, int sig, const char *cause)
{
	/* While the job is ending already, this can only bring KILL forward. */
	if (job_cause(r->job) == JOB_RUNNING) {
		set_cause(r, "%s", cause);
		ctxlink_cancel(r->link, "canceled", r->cause, sig,
		    own_grace(r));
	}
	job_end(r->job, JOB_CANCELED, sig, own_grace(r));
}

/*
 * A ctxrun --without-cancel below us leaves the job (leave.c): it is let
 * go, and told so. A pid not below us is not answered: an answer to our
 * own leaving that came late, or a stranger's.
 */
static void
let_go(struct ctxrun *r, pid_t pid)
{
	union sigval	none = { 0 };

	if (job_let_go(r->job, pid) == -1)
		return;
	say(r, "pid %d leaves the job (--without-cancel): let go", (int)pid);
	(void)sigqueue(pid, CTX_SIG_LEAVE, none);
}

/*
 * --without-cancel: the signals that cancel are held from the start, and
 * taken on the loop (sigfd.c): one that the job it leaves sends to what
 * its command left, before it lets go, is then dropped (from_left()),
 * and does not kill ctxrun on its way out.
 */
static void
hold_cancels(void)
{
	sigset_t	set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/*
 * --without-cancel inside a job: out of it, so that its end is not ours.
 * Where that cannot be done, the job is the parent job's still.
 */
static void
leave(struct ctxrun *r)
{
	char	*cause;
	int	 n;

	if ((n = leave_jobs(r->left, &cause)) > 0) {
		r->nleft = n;
		say(r, "--without-cancel: out of %d job%s it runs in", n,
		    n > 1 ? "s" : "");
	} else if (n == -1) {
		warnx("--without-cancel: %s: it ends with the job it runs in",
		    cause);
		free(cause);
	}
}

/* Is pid the ctxrun of a job we have left? */
static int
from_left(const struct ctxrun *r, pid_t pid)
{
	int	i;

	for (i = 0; i < r->nleft; i++) {
		if (r->left[i] == pid)
			return 1;
	}
	return 0;
}

/*
 * Signals to ctxrun. INT, TERM, HUP, QUIT and ALRM cancel the job, except a
 * Ctrl-C or Ctrl-\ typed at the terminal: the kernel sends that to the whole
 * foreground process group, the command included, which decides for itself
 * as it would without ctxrun. USR1, USR2 and those of --forward are passed
 * on to the command (and a Ctrl-C so passed would come to it twice).
 */
static void
on_signal(const struct signalfd_siginfo *si, void *arg)
{
	struct ctxrun	*r = arg;
	int		 sig = (int)si->ssi_signo;
	char		 cause[32];

	if (sig == CTX_SIG_REJOIN) {
		ctxlink_rejoin(r->link);
		return;
	}
	if (sig == CTX_SIG_LEAVE) {
		let_go(r, (pid_t)si->ssi_pid);
		return;
	}
	if ((sig == SIGINT || sig == SIGQUIT) && si->ssi_code == SI_KERNEL) {
		say(r, "SIG%s from the terminal: left to the command",
		    signal_name(sig));
		return;
	}
	if (from_left(r, (pid_t)si->ssi_pid)) {
		say(r, "SIG%s from pid %u, of a job it has left: not for it",
		    signal_name(sig), si->ssi_pid);
		return;
	}
	if (sigismember(&r->forward, sig)) {
		say(r, "passing SIG%s on to the command", signal_name(sig));
		job_forward(r->job, sig);
		return;
	}
	say(r, "got SIG%s from pid %u, cancelling (cause: signal %s)",
	    signal_name(sig), si->ssi_pid, signal_name(sig));
	snprintf(cause, sizeof cause, "signal %s", signal_name(sig));
	if (r->tmo.prog == NULL) {
		cancel(r, r->sig, cause);
		return;
	}
	/* timeout(1) takes an ALRM for its timer, and passes others on. */
	if (sig == SIGALRM) {
		job_end(r->job, JOB_DEADLINE, r->sig, own_grace(r));
		return;
	}
	if (job_cause(r->job) == JOB_RUNNING)
		r->tmo.signaled = sig;
	cancel(r, sig, cause);
}

/* The signals ctxrun takes: those that cancel, and those passed on. */
static size_t
signals_taken(const struct ctxrun *r, int *sigs, size_t len)
{
	const int	 own[] = {
		SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, CTX_SIG_REJOIN,
		CTX_SIG_LEAVE
	};
	size_t		 i, n = 0;
	int		 sig;

	for (i = 0; i < sizeof own / sizeof own[0] && n < len; i++)
		sigs[n++] = own[i];
	for (sig = 1; sig < NSIG && n < len; sig++) {
		if (sigismember(&r->forward, sig) == 1 &&
		    sig != SIGINT && sig != SIGTERM && sig != SIGHUP &&
		    sig != SIGQUIT && sig != SIGALRM)
			sigs[n++] = sig;
	}
	return n;
}

/* The ssh session has gone (hangup.c): the job is cancelled, as by HUP. */
static void
on_hangup(int fd, void *arg)
{
	struct ctxrun	*r = arg;

	say(r, "hangup: the ssh session closed standard %s, cancelling "
	    "(cause: hangup)", fd == STDIN_FILENO ? "input" :
	    fd == STDOUT_FILENO ? "output" : "error");
	cancel(r, r->sig, "hangup");
}

/*
 * In an ssh session without a terminal, the session's end is watched on
 * the standard streams; unless --no-hangup, or -d, whose job is to outlive
 * the session that started it.
 */
static void
watch_hangup(struct ctxrun *r)
{
	if (r->no_hangup || r->detach || !hangup_in_ssh())
		return;
	r->hangup = hangup_watch(r->base, on_hangup, r);
	if (r->hangup == NULL && errno != 0)
		err(CTX_EXIT_FAILURE, "cannot watch the ssh session");
	if (r->hangup != NULL)
		say(r, "in an ssh session: its hangup cancels the job");
	else
		say(r, "in an ssh session, but no stream of it to watch");
}

/* The earlier of two points in time, NSEC_NONE meaning never. */
static nsec_t
earlier(nsec_t a, nsec_t b)
{
	return a < b ? a : b;
}

/*
 * -d: the job goes on under a ctxrun in the background, in a session of its
 * own, and this one prints the job's id once it has started, and exits 0;
 * or, if nothing started, with the status the background ctxrun exits with.
 * The job's stdin and stdout are /dev/null, so that $(ctxrun -d ...)
 * returns at once.
 */
static void
detach(struct ctxrun *r)
{
	char	id[ID_LEN];
	pid_t	pid;
	ssize_t	n;
	int	p[2], status, fd, i;

	if (pipe2(p, O_CLOEXEC) == -1)
		err(CTX_EXIT_FAILURE, "pipe");
	/* Started with stdin or stdout closed, the pipe took their place. */
	for (i = 0; i < 2; i++) {
		if (p[i] > STDERR_FILENO)
			continue;
		if ((fd = fcntl(p[i], F_DUPFD_CLOEXEC, STDERR_FILENO + 1)) == -1)
			err(CTX_EXIT_FAILURE, "pipe");
		close(p[i]);
		p[i] = fd;
	}
	if ((pid = fork()) == -1)
		err(CTX_EXIT_FAILURE, "fork");
	if (pid == 0) {
		close(p[0]);
		r->detach = p[1];
		if (setsid() == -1)
			err(CTX_EXIT_FAILURE, "setsid");
		if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
		    dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1)
			err(CTX_EXIT_FAILURE, "/dev/null");
		if (fd > STDOUT_FILENO)
			close(fd);
		return;
	}
	close(p[1]);
	while ((n = read(p[0], id, sizeof id - 1)) == -1 && errno == EINTR)
		;
	if (n > 0) {
		id[n] = '\0';
		printf("%s\n", id);
		exit(0);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : CTX_EXIT_FAILURE);
}

/* The command line, for ctxctl to show: its words quoted for a shell. */
static char *
command_line(char **argv)
{
	char	*line = xstrdup("");

	for (; *argv != NULL; argv++)
		shquote_append(&line, *argv);
	return line;
}

/*
 * No daemon after all: the job runs alone, and says why, under an id of
 * ctxrun's own (x...), which no daemon takes for one of its own.
 */
static void
no_daemon(struct ctxrun *r, char *cause)
{
	say(r, "no daemon (%s): deadlines hold all the same", cause);
	free(cause);
	free(r->socket);
	r->socket = NULL;
	*r->id = '\0';
	free(r->tree);
	r->tree = NULL;
}

/*
 * Finds where the tree is kept, and takes the job's id from the ids beside
 * ctxd's socket (idseq.c): the job needs no word from ctxd to start (SPEC
 * §12). Returns 1 if it must wait for ctxd all the same, for a parent that
 * only ctxd knows: -p, or a CTX_ID whose context the environment does not
 * carry (no CTX_TREE: `export CTX_ID=$(ctxctl new)`). No socket to be had
 * is no daemon: the job runs all the same.
 */
static int
find_tree(struct ctxrun *r, const struct config *conf)
{
	struct idseq	*ids;
	char		*cause;

	if ((r->socket = client_socket_path(NULL, conf->socket, &cause)) ==
	    NULL) {
		if (r->parent != NULL)
			errx(CTX_EXIT_FAILURE, "%s", cause);
		no_daemon(r, cause);
		return 0;
	}
	if (strcmp(r->socket, CLIENT_NO_SOCKET) == 0) {
		if (r->parent != NULL)
			errx(CTX_EXIT_FAILURE, "-p %s: the socket is '%s'",
			    r->parent, CLIENT_NO_SOCKET);
		say(r, "no daemon (the socket is '%s'): deadlines hold all "
		    "the same", CLIENT_NO_SOCKET);
		return 0;
	}
	if ((ids = idseq_open(r->socket, &cause)) == NULL) {
		/* ctxd will give it one, or ctxrun an x one. */
		say(r, "%s: waiting for ctxd", cause);
		free(cause);
		return 1;
	}
	snprintf(r->id, sizeof r->id, "%llu",
	    (unsigned long long)idseq_take(ids));
	r->tree = xstrdup(idseq_tree(ids));
	idseq_close(ids);
	if (r->parent != NULL)
		return 1;
	if (r->parent_id == NULL || *r->parent_id == 'x')
		return 0;
	if (r->parent_tree == NULL)
		return 1;
	if (strcmp(r->parent_tree, r->tree) != 0) {
		say(r, "%s %s is of another tree: a root in this one", ENV_ID,
		    r->parent_id);
		r->parent_id = NULL;
	}
	return 0;
}

/* The registration of the job, as ctxd wants it. */
static void
fill_req(const struct ctxrun *r, struct ctxlink_req *req,
    const struct values *vs, nsec_t now)
{
	memset(req, 0, sizeof *req);
	req->id = *r->id != '\0' ? r->id : NULL;
	req->name = r->name;
	req->parent = r->parent;
	if (req->parent == NULL && r->parent_id != NULL &&
	    *r->parent_id != 'x') {
		req->parent = r->parent_id;
		req->orphan = 1;
	}
	/* One absolute deadline, so ctxd and the job agree on it. */
	req->deadline = earlier(r->deadline, time_after(now, r->timeout));
	req->timeout = NSEC_NONE;
	req->sig = r->sig;
	req->grace = r->grace;
	req->cmd = command_line(r->argv);
	req->values = vs;
	req->nocancel = r->nocancel;
}

/*
 * How long ctxrun may wait on ctxd: client_timeout, and never past the
 * first deadline. A ctxd that does not answer by then is as good as none:
 * a stopped or wedged daemon must not hold a job past its deadline (SPEC
 * §3), nor hold it for ever.
 */
static nsec_t
link_until(const struct ctxrun *r, nsec_t now, nsec_t mono,
    const struct config *conf)
{
	nsec_t	first, until = client_until(conf);

	first = earlier(earlier(r->deadline, time_after(now, r->timeout)),
	    r->parent_deadline);
	if (first != NSEC_NONE)
		until = earlier(until,
		    time_after(mono, first > now ? first - now : 0));
	return until;
}

/*
 * A CTX_ID without CTX_TREE that ctxd does not know: one of another
 * daemon's, come through ssh's SendEnv, or of a context long gone. The
 * job is a root here (SPEC §13), on the deadline, signal, grace and
 * values that its environment carries.
 */
static void
foreign_parent(struct ctxrun *r)
{
	say(r, "%s %s is not known to ctxd%s: a root in its tree", ENV_ID,
	    r->parent_id, getenv("SSH_CONNECTION") != NULL ?
	    " (it came through ssh)" : "");
	r->parent_id = NULL;
}

/* Why ctxd cancelled the job, as it said. */
static const char *
link_cause(const struct ctxrun *r)
{
	const char	*cause = ctxlink_cause(r->link);

	return cause != NULL ? cause : "not said";
}

/* Ends a job that never started, tells ctxd why, and exits. */
static void __attribute__((noreturn))
end_unstarted(struct ctxrun *r, const char *err, int status)
{
	ctxlink_close(r->link, err, r->cause, NULL, status);
	exit(status);
}

/*
 * The parent is a group with a limit (errgroup.SetLimit), and ctxd says
 * it runs as many jobs as it may: the job waits for its turn, on its
 * deadline (one that passes ends it, 124, without its starting), and a
 * cancel or a signal ends it as it would a job. A ctxd that goes away
 * meanwhile lets it start: a job never waits on a daemon that is gone.
 */
static void
wait_turn(struct ctxrun *r, int limit, nsec_t now, nsec_t mono)
{
	const int	 sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM };
	sigset_t	 set;
	nsec_t		 own, first, until = NSEC_NONE, t0 = clock_mono();
	char		 took[32];
	size_t		 i;
	int		 sfd, got;

	sigemptyset(&set);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1 ||
	    (sfd = signalfd(-1, &set, SFD_CLOEXEC)) == -1)
		err(CTX_EXIT_FAILURE, "cannot catch signals");
	own = earlier(r->deadline, time_after(now, r->timeout));
	first = earlier(own, r->parent_deadline);
	if (first != NSEC_NONE)
		until = time_after(mono, first > now ? first - now : 0);
	say(r, "waiting: context %s runs %d job%s at once", r->parent_id,
	    limit, limit == 1 ? "" : "s");
	got = ctxlink_wait_go(r->link, until, sfd);
	close(sfd);
	t0 = clock_mono() - t0;
	duration_format(t0 - t0 % NSEC_PER_MSEC, took, sizeof took);
	switch (got) {
	case CTXLINK_GO:
		say(r, "its turn came after %s: starting", took);
		return;
	case CTXLINK_LOST:
		say(r, "lost ctxd while waiting: starting");
		return;
	case CTXLINK_CANCELED:
	case CTXLINK_DEADLINE:
		set_cause(r, "%s", link_cause(r));
		say(r, "cancelled through ctxd while waiting, not starting "
		    "(cause: %s)", r->cause);
		if (got == CTXLINK_DEADLINE)
			end_unstarted(r, "deadline exceeded",
			    CTX_EXIT_DEADLINE);
		end_unstarted(r, "canceled", CTX_EXIT_CANCELED);
	case -1:
		deadline_cause(r, r->parent_deadline <= own);
		say(r, "deadline exceeded after waiting %s, not starting "
		    "(cause: %s)", took, r->cause);
		end_unstarted(r, "deadline exceeded", CTX_EXIT_DEADLINE);
	default:
		set_cause(r, "signal %s", signal_name(-got - 1));
		say(r, "got SIG%s while waiting, not starting",
		    signal_name(-got - 1));
		end_unstarted(r, "canceled", CTX_EXIT_CANCELED);
	}
}

/*
 * Registers the job with ctxd, starting it if need be, and waits for the
 * answer, before the job starts: ctxd's answer may bring an earlier
 * deadline and the values of ancestors. Without a daemon the job runs all
 * the same, unless -p named a context only ctxd knows.
 */
static void
join_tree(struct ctxrun *r, struct values *vs, nsec_t now, nsec_t mono,
    const struct config *conf)
{
	struct ctxlink_req	 req;
	struct ctxlink_rep	 rep;
	char			*cause;
	int			 refused, ended;

	fill_req(r, &req, vs, now);
	req.can_wait = 1;
	memset(&rep, 0, sizeof rep);
	values_init(&rep.values);
	r->link = ctxlink_open(r->socket, &req, &rep,
	    link_until(r, now, mono, conf), &refused, &ended, &cause);
	free((char *)req.cmd);
	if (r->link == NULL) {
		if (ended != 0) {
			say(r, "%s, not starting", cause);
			exit(ended);
		}
		if (refused || r->parent != NULL)
			errx(CTX_EXIT_FAILURE, "%s", cause);
		no_daemon(r, cause);
		return;
	}
	snprintf(r->id, sizeof r->id, "%s", rep.id);
	/* An id ctxd made (ours could not be taken) is of its tree. */
	if (r->tree == NULL && *rep.tree != '\0')
		r->tree = xstrdup(rep.tree);
	if (*rep.parent != '\0') {
		snprintf(r->parent_buf, sizeof r->parent_buf, "%s", rep.parent);
		r->parent_id = r->parent_buf;
	} else if (req.orphan)
		foreign_parent(r);
	if (rep.inherited && rep.deadline < r->parent_deadline) {
		r->parent_deadline = rep.deadline;
		r->parent_sig = rep.isig;
		r->parent_grace = rep.igrace;
		snprintf(r->iof, sizeof r->iof, "%s", rep.iof);
		r->parent_of = r->iof;
	}
	values_free(vs);
	TAILQ_CONCAT(vs, &rep.values, entry);
	if (rep.group)
		r->parent_group = 1;
	if (r->parent_group)
		ctxlink_sync_exit(r->link);
	if (rep.wait > 0)
		wait_turn(r, rep.wait, now, mono);
}

/*
 * Registers a job that starts on what its environment says of its
 * context, without waiting for ctxd's answer: it comes on the loop, once
 * the job runs (on_link()). The connection is made before the job starts,
 * though: connect(2) to a listening socket, even a stopped daemon's, does
 * not wait, and a daemon that has to be started must not be the job's
 * (ctxrun is a child subreaper once the job runs, and ctxd's detached
 * process would be its child). The registration goes out once the job has
 * started, with its cgroup (ctxlink_start()). Only a registration ctxd
 * could never take is an error.
 */
static void
join_later(struct ctxrun *r, const struct values *vs, nsec_t now,
    nsec_t mono, const struct config *conf)
{
	struct ctxlink_req	 req;
	char			*cause;
	int			 refused;

	fill_req(r, &req, vs, now);
	req.started = 1;
	r->link = ctxlink_start(r->socket, &req,
	    link_until(r, now, mono, conf), &refused, &cause);
	free((char *)req.cmd);
	if (r->link == NULL && refused)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	if (r->link == NULL)
		no_daemon(r, cause);
}

/* What the tree says to the job through ctxd. */
static void
on_link(int what, int sig, nsec_t grace, void *arg)
{
	struct ctxrun	*r = arg;

	switch (what) {
	case CTXLINK_CANCELED:
	case CTXLINK_DEADLINE:
		/*
		 * Ending already, on a signal to us or our own deadline, this
		 * is our cancel coming back, or one that can only bring KILL
		 * forward: nothing new to say.
		 */
		if (job_cause(r->job) == JOB_RUNNING) {
			set_cause(r, "%s", link_cause(r));
			say(r, what == CTXLINK_DEADLINE ? "an ancestor's "
			    "deadline exceeded (ctxd; cause: %s)" :
			    "cancelled through ctxd (cause: %s)", r->cause);
		}
		if (what == CTXLINK_DEADLINE)
			deadline_end(r, sig, grace);
		else
			job_end(r->job, JOB_CANCELED, sig, grace);
		break;
	case CTXLINK_LOST:
		say(r, "lost ctxd: deadlines hold all the same");
		break;
	case CTXLINK_BACK:
		say(r, "back in the tree of a new ctxd");
		break;
	case CTXLINK_GONE:
		say(r, "the new ctxd does not know this job: going on alone");
		break;
	case CTXLINK_JOINED:
		say(r, "in the tree of ctxd");
		break;
	case CTXLINK_REFUSED:
		/* Out of the tree, and no cancel reaches it: said always. */
		warnx("ctxd refused job %s (%s): it runs on outside the tree",
		    r->id, ctxlink_error(r->link));
		break;
	case CTXLINK_PARENT_CANCELED:
	case CTXLINK_PARENT_DEADLINE:
		/* Started before ctxd could say so: ended as it would be. */
		say(r, "%s, ending the job", ctxlink_error(r->link));
		set_cause(r, "%s", ctxlink_error(r->link));
		job_end(r->job, what == CTXLINK_PARENT_DEADLINE ?
		    JOB_DEADLINE : JOB_CANCELED, r->parent_sig,
		    r->parent_grace);
		break;
	}
}

/*
 * How the job ended, in ctxctl's words. With a daemon told, the job's
 * empty cgroup is its to remove, which it does in batches when jobs come
 * and go less (cleanup.c): an rmdir in the cgroup file system holds the
 * lock every job's mkdir waits for, and with a thousand jobs at once those
 * waits were most of their lateness (tests/bench). Else it goes now.
 */
static void
end_report(const struct ctxrun *r, int status)
{
	char	*err, *cgroup;
	int	 ws = job_status(r->job);

	if (r->link == NULL)
		return;
	switch (job_cause(r->job)) {
	case JOB_CANCELED:
		err = xstrdup("canceled");
		break;
	case JOB_DEADLINE:
		err = xstrdup("deadline exceeded");
		break;
	default:
		if (WIFSIGNALED(ws))
			xasprintf(&err, "killed by SIG%s",
			    signal_name(WTERMSIG(ws)));
		else
			xasprintf(&err, "exited %d", WEXITSTATUS(ws));
	}
	cgroup = job_leave_cgroup(r->job);
	if (!ctxlink_close(r->link, err, r->cause, cgroup, status) &&
	    cgroup != NULL)
		(void)cgroup_remove_left(cgroup);
	free(cgroup);
	free(err);
}

/*
 * --ssh: the job is ssh, and runs the command under a ctxrun on the host
 * with the time left now, as the job starts, and the signal and grace of
 * the deadline that comes first (of the node's own, without one). The
 * values of -e go along as -e; ssh carries no environment but what the
 * user's configuration sends, so the wall-clock CTX_DEADLINE, its signal
 * and grace, and this host's socket are taken out of ssh's: a remote
 * clock that is off would read that deadline wrong.
 */
static void
ssh_job(struct ctxrun *r, nsec_t mono, nsec_t deadline, int inherited)
{
	struct ssh_params	sp;
	nsec_t			left = NSEC_NONE;

	memset(&sp, 0, sizeof sp);
	if (r->timeout != NSEC_NONE)
		left = time_after(mono, r->timeout) - clock_mono();
	if (deadline != NSEC_NONE)
		left = earlier(left, deadline - clock_real());
	sp.host = r->ssh_host;
	sp.ctxrun = ssh_ctxrun();
	sp.name = r->name;
	sp.left = left;
	sp.sig = inherited ? r->parent_sig : r->sig;
	sp.grace = inherited ? r->parent_grace : r->grace;
	sp.values = &r->values;
	sp.verbose = r->verbose;
	sp.preserve_status = r->preserve_status;
	sp.no_hangup = r->no_hangup;
	sp.argv = r->argv;
	r->ssh_argv = ssh_argv(&sp);
	setenv_or_unset(ENV_DEADLINE, NULL);
	setenv_or_unset(ENV_SIGNAL, NULL);
	setenv_or_unset(ENV_GRACE, NULL);
	setenv_or_unset(ENV_SOCKET, NULL);
}

/*
 * ctxrun's exit status, as timeout(1)'s where they overlap (SPEC §3); as
 * timeout, timeout(1)'s exactly (SPEC §15), but for a cancel through ctxd.
 */
static int
exit_status(const struct ctxrun *r)
{
	int	status = job_status(r->job);

	switch (job_cause(r->job)) {
	case JOB_CANCELED:
		/* As timeout, a signal is passed on, as timeout(1) does. */
		if (!r->tmo.signaled)
			return CTX_EXIT_CANCELED;
		break;
	case JOB_DEADLINE:
		/* As timeout, 137 when KILL ended it: timeout(1) dies with it. */
		if (r->tmo.prog != NULL && WIFSIGNALED(status) &&
		    WTERMSIG(status) == SIGKILL)
			return 128 + SIGKILL;
		if (!r->preserve_status)
			return CTX_EXIT_DEADLINE;
		break;
	default:
		break;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int
main(int argc, char **argv)
{
	struct ctxrun		 r = { 0 };
	struct job_params	 jp = { 0 };
	struct values		 vs;
	struct deadline		*dl = NULL;
	struct sigfd		*sf;
	struct config		 conf;
	const char		*cause, *cg;
	char			*ccause;
	char			 cgname[ID_LEN + 32], ts[TIMESTAMP_LEN];
	nsec_t			 now, mono, own, deadline;
	sigset_t		 rejoin;
	int			 sigs[NSIG], status, die_of = 0;
	size_t			 nsigs;

	job_save_signals();
	/* Held from the start: ctxd may call us back as soon as we register. */
	sigemptyset(&rejoin);
	sigaddset(&rejoin, CTX_SIG_REJOIN);
	sigaddset(&rejoin, CTX_SIG_LEAVE);	/* and jobs below may leave */
	sigprocmask(SIG_BLOCK, &rejoin, NULL);
	config_defaults(&conf);
	if (config_load(&conf, NULL, &ccause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", ccause);
	r.timeout = r.deadline = r.parent_deadline = NSEC_NONE;
	r.grace = conf.grace;
	r.sig = SIGTERM;
	values_init(&r.values);
	sigemptyset(&r.forward);
	sigaddset(&r.forward, SIGUSR1);
	sigaddset(&r.forward, SIGUSR2);
	if (timeout_called(argv[0]))
		timeout_options(&r, argc, argv);
	else
		parse_options(&r, argc, argv);
	if (r.nocancel)
		hold_cancels();
	read_parent(&r);
	load_values(&r, &vs);

	if (r.detach)
		detach(&r);
	if (r.nocancel)
		leave(&r);

	/*
	 * SPEC §3: a context already over starts nothing. A --timeout runs
	 * from here, on the monotonic clock: not from when the job has
	 * started, which may be long after on a busy machine.
	 */
	now = clock_real();
	mono = clock_mono();
	signal(SIGPIPE, SIG_IGN);	/* a daemon that hangs up; the command
					   gets it back */
	/* Under a group with a limit, the job waits for its turn. */
	if (find_tree(&r, &conf) || (r.parent_limit && r.socket != NULL &&
	    strcmp(r.socket, CLIENT_NO_SOCKET) != 0 && r.parent_id != NULL &&
	    *r.parent_id != 'x'))
		join_tree(&r, &vs, now, mono, &conf);
	else if (r.socket != NULL && strcmp(r.socket, CLIENT_NO_SOCKET) != 0)
		join_later(&r, &vs, now, mono, &conf);
	if (r.parent_group)
		ctxlink_sync_exit(r.link);
	if (r.parent_deadline <= now || r.deadline <= now) {
		say(&r, "%sdeadline has passed, not starting",
		    r.parent_deadline <= now ? "parent's " : "");
		deadline_cause(&r, r.parent_deadline <= now);
		ctxlink_close(r.link, "deadline exceeded", r.cause, NULL,
		    CTX_EXIT_DEADLINE);
		free(r.cause);
		values_free(&vs);
		values_free(&r.values);
		free(r.socket);
		free(r.tree);
		config_free(&conf);
		return CTX_EXIT_DEADLINE;
	}
	own = earlier(r.deadline, time_after(now, r.timeout));
	deadline = earlier(own, r.parent_deadline);

	if (*r.id == '\0')
		id_new_local(r.id, sizeof r.id);
	export_context(&r, deadline, r.parent_deadline <= own);
	/*
	 * As PID 1 without a daemon (ctxlink.c), nothing in the job starts
	 * one either: it would be adopted by us, and be taken for the job's.
	 */
	if (r.link == NULL && getpid() == 1)
		setenv_or_unset(ENV_SOCKET, CLIENT_NO_SOCKET);
	if (values_export(&vs) == -1)
		err(CTX_EXIT_FAILURE, "setenv");

	if ((r.base = event_base_new()) == NULL)
		errx(CTX_EXIT_FAILURE, "cannot start the event loop");
	nsigs = signals_taken(&r, sigs, sizeof sigs / sizeof sigs[0]);
	if ((sf = sigfd_open(r.base, sigs, nsigs, on_signal, &r)) == NULL)
		err(CTX_EXIT_FAILURE, "cannot catch signals");
	watch_hangup(&r);

	cg = getenv(ENV_CGROUP);
	/* For people: cgroup_create adds what makes it unique. */
	snprintf(cgname, sizeof cgname, "ctx-%d.%s", (int)getpid(), r.id);
	if (r.ssh_host != NULL)
		ssh_job(&r, mono, deadline, deadline != NSEC_NONE &&
		    r.parent_deadline <= own);
	jp.argv = r.ssh_argv != NULL ? r.ssh_argv : r.argv;
	jp.cgroup_name = cg != NULL && strcmp(cg, "0") == 0 ? NULL : cgname;
	jp.sig = r.sig;
	jp.grace = r.grace;
	jp.cb = on_job;
	jp.arg = &r;
	if ((r.job = job_spawn(r.base, &jp, &cause)) == NULL)
		errx(CTX_EXIT_FAILURE, "%s: %s", cause, strerror(errno));
	if (job_has_cgroup(r.job))
		say(&r, "job %s: containment cgroup", r.id);
	else
		say(&r, "job %s: containment subreaper (no cgroup: %s)", r.id,
		    jp.cgroup_name == NULL ? ENV_CGROUP "=0" :
		    job_cgroup_cause(r.job));
	if (r.link != NULL && ctxlink_watch(r.link, r.base, on_link, &r) == -1)
		errx(CTX_EXIT_FAILURE, "cannot watch the link to ctxd");
	ctxlink_started(r.link, job_cgroup(r.job));
	if (r.detach) {
		/* Started: the ctxrun in the foreground may go. */
		(void)write(r.detach, r.id, strlen(r.id));
		close(r.detach);
	}
	if (deadline != NSEC_NONE) {
		timestamp_format(deadline, ts, sizeof ts);
		say(&r, "deadline %s (%s)", ts,
		    r.parent_deadline <= own ? "parent's" : "own");
		dl = deadline_arm(r.base, time_after(mono, r.timeout),
		    r.deadline, r.parent_deadline, on_deadline, &r);
		if (dl == NULL) {
			/* Never run a job without its deadline. */
			warnx("cannot arm the deadline: %s", strerror(errno));
			job_end(r.job, JOB_CANCELED, SIGKILL, 0);
		}
	}

	event_base_dispatch(r.base);
	status = exit_status(&r);
	end_report(&r, status);
	if (r.tmo.prog != NULL)
		die_of = timeout_raise_signal(&r);

	deadline_free(dl);
	hook_free(r.hook);
	job_free(r.job);
	/* Cgroups of ctxruns killed with no daemon to end their jobs. */
	if (r.link == NULL && jp.cgroup_name != NULL)
		cgroup_sweep_here(SWEEP_MAX);
	sigfd_close(sf);
	hangup_free(r.hangup);
	event_base_free(r.base);
	values_free(&vs);
	values_free(&r.values);
	ssh_argv_free(r.ssh_argv);
	free(r.socket);
	free(r.tree);
	free(r.tmo.quoted);
	free(r.cause);
	config_free(&conf);
	if (die_of != 0)
		timeout_raise(die_of);
	return status;
}
