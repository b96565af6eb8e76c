/*
 * ctxd: the per-user daemon that keeps the tree of contexts. Clients start
 * it when they need it; it exits by itself when idle.
 */
#include <err.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxd.h"

#define CTXD_SYNOPSIS	"ctxd [-fhV] [-c file] [-S socket]"

/* Bad usage: one line, what was wrong and the usage. */
static void __attribute__((noreturn))
usage(const char *what, const char *arg)
{
	errx(CTX_EXIT_FAILURE, "%s '%s' (usage: " CTXD_SYNOPSIS ")", what, arg);
}

/* The option getopt_long stopped at: a long one whole, else -X. */
static const char *
bad_option(char **argv, const char *opt)
{
	const char	*arg = argv[optind - 1];

	return strncmp(arg, "--", 2) == 0 ? arg : opt;
}

/* -h: the synopsis, then an option a line. */
static void __attribute__((noreturn))
help(void)
{
	printf("usage: " CTXD_SYNOPSIS "\n"
	    "Keeps the tree of contexts for ctxrun and ctxctl, which start it "
	    "when needed.\n\n"
	    "  -f, --foreground     stay in the foreground, log to stderr\n"
	    "  -c, --config file    read file, not the usual ctxd.ini\n"
	    "  -S, --socket path    listen on path (default: $CTX_SOCKET, or "
	    "ctxd.ini's)\n"
	    "  -h, --help           this help\n"
	    "  -V, --version        ctxd's version\n");
	exit(0);
}

/*
 * SCHED_BATCH: a message from a job's ctxrun wakes us on its CPU (a unix
 * socket's wakeup is a "sync" one), and a normal task woken there takes
 * the CPU from the ctxrun at once, while it is starting its job. A batch
 * task preempts nobody on waking: it runs when ctxrun waits, or on another
 * CPU. The daemon is never on a job's path (SPEC §12); what waits for it
 * (ctxctl) waits a tick at the most on a busy CPU. Any user may ask it.
 */
static void
stay_off_the_path(void)
{
	struct sched_param	sp = { .sched_priority = 0 };

	if (sched_setscheduler(0, SCHED_BATCH, &sp) == -1)
		log_warnx("SCHED_BATCH: %s", strerror(errno));
}

/*
 * Leaves the caller: a session of its own, no terminal, / as cwd. Unless a
 * starting client gave us its readiness pipe, the caller waits on one of
 * ours, so that ctxd started by hand exits 0 only once it listens.
 */
static void
detach(int *ready)
{
	char	byte;
	int	fd, p[2] = { -1, -1 };

	if (*ready == -1 && pipe2(p, O_CLOEXEC) == -1)
		err(CTX_EXIT_FAILURE, "pipe");
	switch (fork()) {
	case -1:
		err(CTX_EXIT_FAILURE, "fork");
	case 0:
		if (p[0] != -1) {
			close(p[0]);
			*ready = p[1];
		}
		break;
	default:
		if (p[0] == -1)
			_exit(0);
		close(p[1]);
		_exit(read(p[0], &byte, 1) == 1 ? 0 : CTX_EXIT_FAILURE);
	}
	if (setsid() == -1)
		err(CTX_EXIT_FAILURE, "setsid");
	/* Nothing of the caller's: a pipe held open would keep it waiting. */
	if (*ready > 3)
		close_range(3, (unsigned)*ready - 1, 0);
	close_range((unsigned)*ready + 1, ~0U, 0);
	if (chdir("/") == -1)
		err(CTX_EXIT_FAILURE, "chdir");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

static void
on_signal(evutil_socket_t sig, short events, void *arg)
{
	(void)events;
	log_info("got SIG%s: exiting", signal_name((int)sig));
	event_base_loopexit(arg, NULL);
}

int
main(int argc, char **argv)
{
	struct config		 conf;
	struct event_base	*base;
	struct event		*ev_term, *ev_int;
	FILE			*logf = NULL;
	const char		*file = NULL, *socket = NULL;
	char			*cause, *path, *end;
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "foreground",	no_argument,		NULL, 'f' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "socket",	required_argument,	NULL, 'S' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	char			 opt[3] = "-?";
	int			 ch, fd, lfd, foreground = 0, ready = -1;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:fhR:S:V", longopts,
	    NULL)) != -1) {
		opt[1] = (char)optopt;
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'h':
			help();
		case 'R':
			/* Set by the client that starts us: our readiness pipe. */
			ready = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || ready < 3)
				errx(CTX_EXIT_FAILURE, "-R %s: bad fd", optarg);
			break;
		case 'S':
			socket = optarg;
			break;
		case 'V':
			printf("ctxd %s\n", CTX_VERSION);
			return 0;
		case ':':
			usage("option needs an argument:", bad_option(argv,
			    opt));
		default:
			usage("unknown option", bad_option(argv, opt));
		}
	}
	if (optind != argc)
		usage("unexpected argument", argv[optind]);

	config_defaults(&conf);
	if (config_load(&conf, file, &cause) == -1)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	/*
	 * Started by systemd for a connection to its socket: serve there, in
	 * the foreground (systemd watches us; forking would lose us).
	 */
	if ((lfd = server_activated(&path, &cause)) != -1)
		foreground = 1;
	else if (cause != NULL)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	else if ((path = client_socket_path(socket, conf.socket, &cause)) ==
	    NULL)
		errx(CTX_EXIT_FAILURE, "%s", cause);
	if (strcmp(path, CLIENT_NO_SOCKET) == 0)
		errx(CTX_EXIT_FAILURE, "the socket is '%s': no daemon to run",
		    CLIENT_NO_SOCKET);
	if (!foreground && conf.log_file != NULL &&
	    (logf = fopen(conf.log_file, "ae")) == NULL)
		err(CTX_EXIT_FAILURE, "log_file %s", conf.log_file);
	if (logf != NULL)
		fclose(logf);

	if (lfd == -1 &&
	    (fd = client_connect_once(path, client_until(&conf))) != -1)
		errx(CTX_EXIT_FAILURE, "%s: a daemon is running there already",
		    path);
	if (!foreground)
		detach(&ready);
	log_open("ctxd", conf.log_level,
	    foreground ? "-" : conf.log_file);
	stay_off_the_path();
	if ((base = event_base_new()) == NULL)
		fatalx("cannot start the event loop");
	if (server_listen(base, &conf, path, lfd, &cause) == -1)
		fatalx("%s", cause);
	ev_term = evsignal_new(base, SIGTERM, on_signal, base);
	ev_int = evsignal_new(base, SIGINT, on_signal, base);
	if (ev_term == NULL || ev_int == NULL ||
	    evsignal_add(ev_term, NULL) == -1 || evsignal_add(ev_int, NULL) == -1)
		fatalx("cannot catch signals");
	log_info("listening on %s%s", path, lfd != -1 ?
	    " (systemd's socket)" : "");

	/* The client that started us may connect now. */
	if (ready != -1) {
		if (write(ready, "1", 1) != 1)
			log_warnx("readiness pipe: %s", strerror(errno));
		close(ready);
	}
	/* Job cgroups left by ctxruns killed with SIGKILL, where jobs start. */
	cgroup_sweep_here(0);

	event_base_dispatch(base);
	server_close();
	event_free(ev_term);
	event_free(ev_int);
	event_base_free(base);
	config_free(&conf);
	free(path);
	return 0;
}
