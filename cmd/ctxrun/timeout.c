/*
 * timeout.c: ctxrun invoked as timeout (a link of that name, SPEC §15)
 * takes timeout(1)'s command line, says what it says and exits as it
 * exits, and runs the command as any other job: contained, and a node of
 * the tree. The options are read here onto struct ctxrun; what is not
 * ctxrun's own behaviour (the exit statuses, the messages) is decided
 * here too. The reference is GNU coreutils' timeout(1); what still
 * differs is in ctxrun.1, COMPATIBILITY.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "ctxrun.h"

#define TIMEOUT_NAME	"timeout"

/* Signal names as timeout(1) takes and prints them: the first of a number
   is its name, later ones are aliases. */
static const struct signame {
	const char	*name;
	int		 sig;
} signames[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "SEGV", SIGSEGV },
	{ "BUS", SIGBUS }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
	{ "CHLD", SIGCHLD }, { "URG", SIGURG }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "CONT", SIGCONT }, { "TTIN", SIGTTIN },
	{ "TTOU", SIGTTOU }, { "SYS", SIGSYS }, { "POLL", SIGPOLL },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ }, { "IOT", SIGIOT }, { "CLD", SIGCHLD },
	{ "PWR", SIGPWR }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
	{ "STKFLT", SIGSTKFLT }, { "EXIT", 0 },
};

enum {
	TMO_HELP = 256,
	TMO_VERSION,
};

/* In timeout(1)'s order: an ambiguous abbreviation lists them so. */
static const struct option longopts[] = {
	{ "kill-after",		required_argument,	NULL, 'k' },
	{ "signal",		required_argument,	NULL, 's' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "foreground",		no_argument,		NULL, 'f' },
	{ "preserve-status",	no_argument,		NULL, 'p' },
	{ "help",		no_argument,		NULL, TMO_HELP },
	{ "version",		no_argument,		NULL, TMO_VERSION },
	{ NULL,			0,			NULL, 0 }
};

/* Invoked as timeout? By the last part of argv[0], as a link is. */
int
timeout_called(const char *argv0)
{
	const char	*base = strrchr(argv0, '/');

	return strcmp(base != NULL ? base + 1 : argv0, TIMEOUT_NAME) == 0;
}

static void __attribute__((noreturn))
try_help(const char *prog)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	exit(CTX_EXIT_FAILURE);
}

static void __attribute__((noreturn))
help(const char *prog)
{
	printf("Usage: %s [OPTION] DURATION COMMAND [ARG]...\n"
	    "  or:  %s [OPTION]\n"
	    "Start COMMAND under ctxrun(1), and end it and every process it "
	    "started\nif it still runs after DURATION.\n\n"
	    "  -f, --foreground       accepted: the command always keeps the "
	    "terminal,\n"
	    "                         and what it started is always ended\n"
	    "  -k, --kill-after=DURATION\n"
	    "                         send KILL if the command still runs this "
	    "long\n"
	    "                         after the first signal\n"
	    "  -p, --preserve-status  exit with the command's status, even "
	    "after a timeout\n"
	    "  -s, --signal=SIGNAL    the first signal: a name (TERM, SIGTERM, "
	    "RTMIN+1)\n"
	    "                         or a number, 0 for none; default TERM\n"
	    "  -v, --verbose          say on stderr each signal sent on "
	    "timeout\n"
	    "      --help             print this help and exit\n"
	    "      --version          print the version and exit\n\n"
	    "DURATION is a floating point number with an optional unit: s "
	    "(seconds,\nthe default), m, h or d. 0 disables the timeout.\n\n"
	    "Exit status: 124 timed out (without --preserve-status), 125 "
	    "failed itself,\n126 the command cannot be run, 127 it is not "
	    "found, 137 it was killed\nby KILL (128+9), else the command's "
	    "own status.\n", prog, prog);
	exit(0);
}

/*
 * A timeout(1) DURATION: what strtod(3) reads (decimal, hex, "inf", an
 * exponent), not negative, then at most one unit letter. 0 is no timeout.
 * Rounded up to the nanosecond; what does not fit in a nsec_t (292
 * years) is NSEC_NONE, "practically forever" as timeout(1) has it.
 * Returns -1 for what timeout(1) calls an invalid time interval.
 */
int
timeout_duration(const char *s, nsec_t *ns)
{
	unsigned __int128	 total;
	double			 d, frac;
	char			*end;
	long long		 whole, part;

	errno = 0;
	d = strtod(s, &end);
	if (end == s || !(d >= 0) || (*end != '\0' && end[1] != '\0'))
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		d *= 60;
		break;
	case 'h':
		d *= 3600;
		break;
	case 'd':
		d *= 86400;
		break;
	default:
		return -1;
	}
	if (d >= (double)INT64_MAX / NSEC_PER_SEC) {
		*ns = NSEC_NONE;
		return 0;
	}
	whole = (long long)d;
	frac = (d - (double)whole) * NSEC_PER_SEC;
	part = (long long)frac;
	part += part < frac;
	total = (unsigned __int128)whole * NSEC_PER_SEC + (unsigned)part;
	*ns = total >= (unsigned __int128)NSEC_NONE ? NSEC_NONE : (nsec_t)total;
	return 0;
}

/* "RTMIN+n" and "RTMAX-n", with strtol(3)'s leniency as timeout(1). */
static int
signal_rt(const char *s, int *sig)
{
	char	*end;
	long	 n;

	if (strncmp(s, "RTMIN", 5) == 0) {
		n = strtol(s + 5, &end, 10);
		if (*end != '\0' || n < 0 || n > SIGRTMAX - SIGRTMIN)
			return -1;
		*sig = SIGRTMIN + (int)n;
		return 0;
	}
	if (strncmp(s, "RTMAX", 5) == 0) {
		n = strtol(s + 5, &end, 10);
		if (*end != '\0' || n > 0 || n < SIGRTMIN - SIGRTMAX)
			return -1;
		*sig = SIGRTMAX + (int)n;
		return 0;
	}
	return -1;
}

/* A name, upper case, without "SIG"; or a number up to SIGRTMAX. */
static int
signal_named(const char *s, int *sig)
{
	char	*end;
	long	 n;
	size_t	 i;

	if (isdigit((unsigned char)*s)) {
		n = strtol(s, &end, 10);
		if (*end != '\0' || n > SIGRTMAX)
			return -1;
		*sig = (int)n;
		return 0;
	}
	for (i = 0; i < sizeof signames / sizeof signames[0]; i++) {
		if (strcmp(s, signames[i].name) == 0) {
			*sig = signames[i].sig;
			return 0;
		}
	}
	return signal_rt(s, sig);
}

/*
 * A timeout(1) SIGNAL: a name in any case, with or without "SIG"; or a
 * number, which may be a shell's $? for a signal (137 is KILL). 0 (EXIT)
 * sends none. Returns -1 for what timeout(1) calls an invalid signal.
 */
int
timeout_signal(const char *s, int *sig)
{
	char	 up[32], *end;
	long	 l;
	size_t	 i;
	int	 n;

	if (isdigit((unsigned char)*s)) {
		errno = 0;
		l = strtol(s, &end, 10);
		if (*end != '\0' || errno != 0 || l > INT_MAX)
			return -1;
		n = (int)l;
		n = WIFSIGNALED(n) ? WTERMSIG(n) : n;
	} else {
		for (i = 0; s[i] != '\0' && i < sizeof up - 1; i++)
			up[i] = (char)toupper((unsigned char)s[i]);
		if (s[i] != '\0')
			return -1;
		up[i] = '\0';
		if (signal_named(up, &n) == -1 && (strncmp(up, "SIG", 3) != 0 ||
		    signal_named(up + 3, &n) == -1))
			return -1;
	}
	if (timeout_signame(n) == NULL)
		return -1;
	*sig = n;
	return 0;
}

/* A signal's name as timeout(1) prints it ("TERM", "RTMAX-2"), or NULL. */
const char *
timeout_signame(int sig)
{
	static char	buf[16];
	size_t		i;

	for (i = 0; i < sizeof signames / sizeof signames[0]; i++) {
		if (signames[i].sig == sig)
			return signames[i].name;
	}
	if (sig < SIGRTMIN || sig > SIGRTMAX)
		return NULL;
	if (sig == SIGRTMIN)
		return "RTMIN";
	if (sig == SIGRTMAX)
		return "RTMAX";
	if (sig <= SIGRTMIN + (SIGRTMAX - SIGRTMIN) / 2)
		snprintf(buf, sizeof buf, "RTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, sizeof buf, "RTMAX-%d", SIGRTMAX - sig);
	return buf;
}

/* One byte as a C escape, as timeout(1) shows what cannot be printed. */
static void
quote_byte(FILE *f, unsigned char c)
{
	static const char	from[] = "\a\b\f\n\r\t\v\\", to[] = "abfnrtv\\";
	const char		*p;

	if (c != '\0' && (p = strchr(from, c)) != NULL)
		fprintf(f, "\\%c", to[p - from]);
	else
		fprintf(f, "\\%03o", c);
}

/*
 * A name quoted as timeout(1) quotes it in its messages: 'x' (a ' inside
 * escaped), or in a UTF-8 locale U+2018 x U+2019; with backslash escapes
 * for what is not printable there. Read once, under the user's LC_CTYPE.
 */
static char *
quote(const char *s)
{
	mbstate_t	 mbs;
	wchar_t		 wc;
	size_t		 n, len = strlen(s), size;
	char		*buf;
	FILE		*f;
	int		 utf8;

	if (setlocale(LC_CTYPE, "") == NULL)
		utf8 = 0;
	else
		utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if ((f = open_memstream(&buf, &size)) == NULL)
		err(CTX_EXIT_FAILURE, "open_memstream");
	fputs(utf8 ? "\xe2\x80\x98" : "'", f);
	memset(&mbs, 0, sizeof mbs);
	while (len > 0) {
		n = 1;
		if (*s == '\\' || (!utf8 && *s == '\''))
			fprintf(f, "\\%c", *s);
		else if (isprint((unsigned char)*s) && (unsigned char)*s < 0x80)
			fputc(*s, f);
		else if (utf8 && (n = mbrtowc(&wc, s, len, &mbs)) != 0 &&
		    n <= len && iswprint((wint_t)wc))
			fwrite(s, 1, n, f);
		else {
			n = 1;
			memset(&mbs, 0, sizeof mbs);
			quote_byte(f, (unsigned char)*s);
		}
		s += n;
		len -= n;
	}
	fputs(utf8 ? "\xe2\x80\x99" : "'", f);
	fclose(f);
	setlocale(LC_CTYPE, "C");
	return buf;
}

/* "timeout: invalid time interval 'x'", and the way to help. */
static void __attribute__((noreturn))
refuse(const char *prog, const char *before, const char *arg,
    const char *after)
{
	char	*q = quote(arg);

	fprintf(stderr, "%s: %s%s%s\n", prog, before, q, after);
	free(q);
	try_help(prog);
}

static nsec_t
read_duration(const char *prog, const char *arg)
{
	nsec_t	ns;

	if (timeout_duration(arg, &ns) == -1)
		refuse(prog, "invalid time interval ", arg, "");
	return ns;
}

static int
read_signal(const char *prog, const char *arg)
{
	int	sig;

	if (timeout_signal(arg, &sig) == -1)
		refuse(prog, "", arg, ": invalid signal");
	return sig;
}

/*
 * timeout(1)'s command line, onto ctxrun's options: DURATION is --timeout,
 * -s --signal, -k the grace. Without -k (or with -k 0), timeout(1) never
 * sends KILL: the deadline's grace is then endless (no_kill), and the
 * grace ctxd, nested jobs and leftovers see stays the configured one.
 * -s 0 is sent as SIGCONT, which is all timeout(1) sends then.
 */
void
timeout_options(struct ctxrun *r, int argc, char **argv)
{
	const char	*prog = argv[0];
	nsec_t		 ns;
	int		 ch;

	r->tmo.prog = prog;
	/* err(3) and warn(3) say "timeout: ", as timeout(1) says its name. */
	program_invocation_short_name = argv[0];
	r->tmo.no_kill = 1;
	while ((ch = getopt_long(argc, argv, "+fk:ps:v", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			break;		/* the command keeps the terminal anyway */
		case 'k':
			ns = read_duration(prog, optarg);
			r->tmo.no_kill = ns == 0 || ns == NSEC_NONE;
			if (!r->tmo.no_kill)
				r->grace = ns;
			break;
		case 'p':
			r->preserve_status = 1;
			break;
		case 's':
			r->sig = read_signal(prog, optarg);
			r->tmo.sig_zero = r->sig == 0;
			if (r->sig == 0)
				r->sig = SIGCONT;
			break;
		case 'v':
			r->tmo.verbose = 1;
			break;
		case TMO_HELP:
			help(prog);
		case TMO_VERSION:
			printf("%s (ctx ctxrun) %s\n", TIMEOUT_NAME, CTX_VERSION);
			exit(0);
		default:
			try_help(prog);
		}
	}
	if (argc - optind < 2)
		try_help(prog);
	ns = read_duration(prog, argv[optind++]);
	r->timeout = ns == 0 ? NSEC_NONE : ns;
	r->argv = argv + optind;
	r->tmo.quoted = quote(r->argv[0]);
}

/* "timeout: sending signal TERM to command 'sleep'", or 0 for no line. */
int
timeout_signal_line(const struct ctxrun *r, int sig, char *buf, size_t len)
{
	const char	*name;

	if (!r->tmo.verbose)
		return 0;
	if (sig == SIGCONT && r->tmo.sig_zero && sig == r->sig)
		name = "EXIT";
	else if ((name = timeout_signame(sig)) == NULL)
		name = signal_name(sig);
	return snprintf(buf, len, "%s: sending signal %s to command %s\n",
	    r->tmo.prog, name, r->tmo.quoted);
}

void
timeout_exec_failed(const struct ctxrun *r, int error)
{
	fprintf(stderr, "%s: failed to run command %s: %s\n", r->tmo.prog,
	    r->tmo.quoted, strerror(error));
}

/*
 * The signal the link dies of, as timeout(1) does when its command was
 * killed by a signal it did not send on a timeout: 0 for none. Says so if
 * the command dumped core, as timeout(1) does.
 */
int
timeout_raise_signal(const struct ctxrun *r)
{
	int	ws = job_status(r->job);

	if (!WIFSIGNALED(ws))
		return 0;
	if (WCOREDUMP(ws))
		fprintf(stderr, "%s: the monitored command dumped core\n",
		    r->tmo.prog);
	if (job_cause(r->job) == JOB_DEADLINE ||
	    (job_cause(r->job) == JOB_CANCELED && !r->tmo.signaled))
		return 0;
	return WTERMSIG(ws);
}

/* Dies of sig without a core of our own; returns if sig does not kill. */
void
timeout_raise(int sig)
{
	sigset_t	set;

	if (prctl(PR_SET_DUMPABLE, 0) == -1)
		return;
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}
