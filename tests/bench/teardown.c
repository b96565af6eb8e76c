/*
 * teardown: how completely and how fast a tool ends a tree of processes
 * built to escape: members that call setsid(), that double-fork, that do
 * both, and that ignore SIGTERM. Four modes:
 *
 *	teardown tree PROCS LIMIT_S
 *	teardown deadline RUNS TIMEOUT_MS PROCS_FILE TOOL [\; TOOL...]
 *	teardown cancel RUNS GRACE_MS PROCS_FILE CTXCTL TOOL
 *	teardown floor RUNS PROCS_FILE TOOL
 *
 * where a TOOL is LABEL [VAR=VALUE...] COMMAND [ARG...], its command ending
 * with a tree.
 *
 * tree is the job: it makes PROCS processes, itself included, and once all
 * are in place writes "ready CTX_ID" on stdout. Every one of them dies of
 * SIGALRM after LIMIT_S seconds whatever happens, so that a failed run
 * cannot leave them behind for long.
 *
 * deadline runs each tool RUNS times, the tools taking turns; each must end
 * its tree at a deadline TIMEOUT_MS after its start, given to it where its
 * command says "{S}" (in seconds). The deadline must come after the tree is
 * built: a run where it does not is done again with the deadline doubled,
 * and the deadline is kept half as long again as the slowest build yet.
 *
 * cancel runs a ctxrun attached to a ctxd, and once the tree is ready ends
 * it with `CTXCTL cancel -k GRACE_MS ID`, in the tool's environment.
 *
 * floor runs the tree under no tool, in a cgroup v2 of its own, and once it
 * is ready ends it with cgroup.kill: what the kernel needs to end and reap
 * the tree, with no grace period and nothing to find. It prints dashes
 * where cgroup v2 cannot be written.
 *
 * All read PROCS_FILE, the cgroup.procs of a pids cgroup the caller has put
 * this program in: whatever is in it after the tool returned, but this
 * program, survived. Survivors are counted, then killed by pid, and reaped,
 * since this program is a child subreaper. Prints per tool:
 *
 *	LABEL MEDIAN P99 MIN MAX SURVIVORS ESCAPED BUILD
 *
 * the milliseconds from the deadline (or from the start of ctxctl cancel,
 * or of cgroup.kill) to the tool's return; the most processes of one run
 * alive when the tool returned, and still alive once those signalled had
 * had time to die; and the slowest build of the tree, in milliseconds.
 */
#include <sys/prctl.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchutil.h"

#define MAX_TOOLS	4
#define KINDS		5	/* plain, setsid, double fork, daemon, TERM-deaf */
#define CLEANUP_S	10	/* to wait for survivors to die of SIGKILL */
#define SETTLE_MS	2000	/* to wait for the signalled to finish dying */
#define MAX_PIDS	4096
#define MAX_TRIES	3	/* deadlines doubled for a tree built too slowly */

struct result {
	double	*ms;
	long	 survivors;	/* alive when the tool returned */
	long	 escaped;	/* and still alive once all were dead or not */
	double	 build_ms;
};

/* Keeps the most survivors of any run in res. */
static void
result_survivors(struct result *res, long now, long later)
{
	if (now > res->survivors)
		res->survivors = now;
	if (later > res->escaped)
		res->escaped = later;
}

/* A member of the tree: in place, it says so and waits to be ended. */
static void __attribute__((noreturn))
member(int ready, unsigned limit)
{
	int	fd;

	/* Hold no pipe of the driver's open. */
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	alarm(limit);
	(void)write(ready, "x", 1);
	close(ready);
	for (;;)
		pause();
}

/* Starts member number i, of kind i % KINDS. */
static void
start_member(long i, int ready, unsigned limit)
{
	pid_t	pid, mid;
	int	kind = (int)(i % KINDS);

	if ((pid = fork()) == -1)
		err(1, "fork, member %ld", i);
	if (pid > 0) {
		if (kind == 2 || kind == 3)	/* the middle one exits at once */
			while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
				;
		return;
	}
	switch (kind) {
	case 1:		/* a session of its own */
		setsid();
		break;
	case 2:		/* double fork: its parent exits */
	case 3:		/* daemon: setsid, double fork, deaf to SIGTERM */
		if (kind == 3) {
			setsid();
			signal(SIGTERM, SIG_IGN);
		}
		if ((mid = fork()) == -1)
			_exit(1);
		if (mid > 0)
			_exit(0);
		break;
	case 4:		/* deaf to SIGTERM */
		signal(SIGTERM, SIG_IGN);
		break;
	}
	member(ready, limit);
}

static int
tree(int argc, char **argv)
{
	const char	*id;
	char		 buf[256];
	long		 procs, i, got = 0;
	ssize_t		 n;
	unsigned	 limit;
	int		 p[2];

	if (argc != 2)
		errx(2, "usage: teardown tree procs limit_s");
	procs = bench_count(argv[0]);
	limit = (unsigned)bench_count(argv[1]);
	alarm(limit);
	if (pipe2(p, O_CLOEXEC) == -1)
		err(1, "pipe");
	for (i = 1; i < procs; i++)
		start_member(i, p[1], limit);
	close(p[1]);
	while (got < procs - 1 && (n = read(p[0], buf, sizeof buf)) != 0) {
		if (n == -1 && errno != EINTR)
			err(1, "read");
		if (n > 0)
			got += n;
	}
	if (got < procs - 1)
		errx(1, "only %ld of %ld members started", got, procs - 1);
	id = getenv("CTX_ID");
	printf("ready %s\n", id != NULL ? id : "-");
	fflush(stdout);
	close(STDOUT_FILENO);
	for (;;)
		pause();
}

/* Reads the pids of procs_file but our own; returns how many. */
static long
cgroup_others(const char *procs_file, pid_t *pids, long max)
{
	FILE	*f;
	long	 pid, n = 0;

	if ((f = fopen(procs_file, "r")) == NULL)
		err(1, "%s", procs_file);
	while (fscanf(f, "%ld", &pid) == 1) {
		if (pid == (long)getpid())
			continue;
		if (n < max)
			pids[n] = (pid_t)pid;
		n++;
	}
	fclose(f);
	return n;
}

/* Is pid alive, not a zombie? */
static int
alive(pid_t pid)
{
	char	path[64], buf[512], *s;
	FILE	*f;
	int	ok = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) != NULL &&
	    (s = strrchr(buf, ')')) != NULL && s[1] == ' ')
		ok = s[2] != 'Z' && s[2] != 'X';
	fclose(f);
	return ok;
}

/* How many processes in the cgroup but us are alive, zombies reaped. */
static long
count_alive(const char *procs_file)
{
	pid_t	pids[MAX_PIDS];
	long	n, i, live = 0;

	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	n = cgroup_others(procs_file, pids, MAX_PIDS);
	for (i = 0; i < n && i < MAX_PIDS; i++)
		live += alive(pids[i]);
	return live;
}

/*
 * Counts the live processes left in the cgroup: at once into *now, and
 * into *later once the count has stopped falling (processes signalled
 * just before the tool returned may still be dying; what is left then
 * escaped). Then kills them by pid and waits until they are gone. Our
 * children are reaped as they go, so is everything re-parented to us.
 */
static void
survivors(const char *procs_file, long *now, long *later)
{
	pid_t	pids[MAX_PIDS];
	long	last, n, i, tries;

	*now = *later = count_alive(procs_file);
	for (tries = 0; *later > 0 && tries < SETTLE_MS / 50; tries++) {
		usleep(50000);
		last = *later;
		if ((*later = count_alive(procs_file)) == last)
			break;
	}
	for (tries = 0; tries < CLEANUP_S * 100; tries++) {
		n = cgroup_others(procs_file, pids, MAX_PIDS);
		if (n == 0)
			return;
		for (i = 0; i < n && i < MAX_PIDS; i++)
			kill(pids[i], SIGKILL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		usleep(10000);
	}
	errx(1, "processes left in %s after %d s", procs_file, CLEANUP_S);
}

static const char	*procs_path;	/* for fail() to clean up */

/* Gives up on a run, leaving nothing of it behind. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list	ap;
	long	now, later;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	if (procs_path != NULL)
		survivors(procs_path, &now, &later);
	exit(1);
}

/* Reads the tree's "ready ID" line; returns -1 if it never came. */
static int
await_ready(int fd, char *id, size_t idsize)
{
	char	line[128], *nl;
	size_t	len = 0;
	ssize_t	n;

	while (len < sizeof line - 1 &&
	    (n = read(fd, line + len, sizeof line - 1 - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		len += (size_t)n;
		line[len] = '\0';
		if ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			if (strncmp(line, "ready ", 6) != 0)
				return -1;
			snprintf(id, idsize, "%s", line + 6);
			return 0;
		}
	}
	return -1;
}

/*
 * Starts a tool whose stdout comes back on *fd, with the timeout in place
 * of an argument "{S}", in seconds.
 */
static pid_t
start_tool(const struct bench_tool *t, nsec_t timeout, int *fd)
{
	char	secs[32], **a;
	pid_t	pid;
	int	p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		err(1, "pipe");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		snprintf(secs, sizeof secs, "%.3f", (double)timeout / 1e9);
		for (a = t->cmd; *a != NULL; a++)
			if (strcmp(*a, "{S}") == 0)
				*a = secs;
		if (dup2(p[1], STDOUT_FILENO) == -1)
			_exit(125);
		bench_exec(t);
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}

static void
wait_tool(const struct bench_tool *t, pid_t pid, int want)
{
	int	status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	/*
	 * timeout -k sends its SIGKILL to its whole process group, itself
	 * included, and then dies of it (137 in its manual).
	 */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL &&
	    want == CTX_EXIT_DEADLINE)
		return;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != want)
		warnx("%s exited with wait status 0x%x, not %d", t->label,
		    status, want);
}

/* Runs `ctxctl cancel -k GRACE ID` in the tool's environment. */
static void
cancel_tree(const struct bench_tool *t, const char *ctxctl, nsec_t grace,
    const char *id)
{
	char	graces[32], *argv[6];
	pid_t	pid;
	int	status;

	snprintf(graces, sizeof graces, "%lldms",
	    (long long)(grace / NSEC_PER_MSEC));
	argv[0] = (char *)ctxctl;
	argv[1] = "cancel";
	argv[2] = "-k";
	argv[3] = graces;
	argv[4] = (char *)id;
	argv[5] = NULL;
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		bench_putenv(t);
		execv(ctxctl, argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("%s cancel %s: wait status 0x%x", ctxctl, id, status);
}

/*
 * One run: the tool, the tree under it, the end of the tree. ctxctl is
 * NULL for a deadline of timeout, else the ctxctl to cancel with. Returns
 * the milliseconds from the deadline, or the start of the cancel, to the
 * tool's return; -1 if the deadline came before the tree was built.
 */
static double
run(const struct bench_tool *t, nsec_t timeout, const char *ctxctl,
    nsec_t grace, const char *procs_file, struct result *res)
{
	char	id[128];
	nsec_t	t0, ready, end;
	pid_t	pid;
	long	now, later;
	int	fd, late;

	t0 = clock_mono();
	pid = start_tool(t, timeout, &fd);
	late = await_ready(fd, id, sizeof id) == -1;
	ready = clock_mono();
	close(fd);
	if (ctxctl == NULL && (late || ready >= t0 + timeout)) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		survivors(procs_file, &now, &later);
		return -1;
	}
	if (late)
		fail("%s: the tree never said it was ready", t->label);
	if ((double)(ready - t0) / 1e6 > res->build_ms)
		res->build_ms = (double)(ready - t0) / 1e6;
	if (ctxctl == NULL)
		t0 += timeout;
	else {
		t0 = clock_mono();
		cancel_tree(t, ctxctl, grace, id);
	}
	wait_tool(t, pid, ctxctl == NULL ? CTX_EXIT_DEADLINE :
	    CTX_EXIT_CANCELED);
	end = clock_mono();
	survivors(procs_file, &now, &later);
	result_survivors(res, now, later);
	return (double)(end - t0) / 1e6;
}

static void
print_result(const char *label, struct result *res, long runs)
{
	printf("%s ", label);
	bench_print_stats(res->ms, (size_t)runs, 1);
	printf(" %ld %ld %.0f\n", res->survivors, res->escaped, res->build_ms);
}

/*
 * The floor: no tool, the tree in a cgroup of our own, ended at once with
 * cgroup.kill; the time until the cgroup is empty and every process of it
 * reaped, as a tool that contains the tree has to. -1 without cgroup v2.
 */
static double
floor_run(const struct bench_tool *t, const char *procs_file,
    struct result *res)
{
	struct cgroup	*cg;
	char		 name[64], id[128], *cause;
	nsec_t		 t0, ready;
	pid_t		 pid;
	long		 now, later;
	int		 p[2];

	snprintf(name, sizeof name, "ctxbench-floor.%d", (int)getpid());
	if ((cg = cgroup_create(name, &cause)) == NULL) {
		free(cause);
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) == -1)
		err(1, "pipe");
	t0 = clock_mono();
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if (cgroup_enter(cgroup_procs_fd(cg)) == -1 ||
		    dup2(p[1], STDOUT_FILENO) == -1)
			_exit(125);
		bench_exec(t);
	}
	close(p[1]);
	if (await_ready(p[0], id, sizeof id) == -1)
		fail("%s: the tree never said it was ready", t->label);
	ready = clock_mono();
	close(p[0]);
	if ((double)(ready - t0) / 1e6 > res->build_ms)
		res->build_ms = (double)(ready - t0) / 1e6;

	t0 = clock_mono();
	if (cgroup_kill(cg) == -1)
		fail("cgroup.kill: %s", strerror(errno));
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (errno == ECHILD && cgroup_populated(cg) == 0)
			break;
		usleep(100);
	}
	ready = clock_mono();
	cgroup_destroy(cg);
	survivors(procs_file, &now, &later);
	result_survivors(res, now, later);
	return (double)(ready - t0) / 1e6;
}

enum mode { DEADLINE, CANCEL, FLOOR };

/*
 * The measuring modes: RUNS [TIMEOUT_MS | GRACE_MS] PROCS_FILE [CTXCTL]
 * TOOL..., one tool but for deadline.
 */
static int
measure(enum mode mode, int argc, char **argv)
{
	static const char *const usage[] = {
		"deadline runs timeout_ms procs_file label command ...",
		"cancel runs grace_ms procs_file ctxctl label command ...",
		"floor runs procs_file label command ...",
	};
	struct bench_tool	tools[MAX_TOOLS];
	struct result		res[MAX_TOOLS];
	nsec_t			ns = 0;
	long			runs, r;
	int			i, n, k, tries, fixed;

	fixed = mode == FLOOR ? 2 : mode == DEADLINE ? 3 : 4;
	if (argc < fixed + 2)
		errx(2, "usage: teardown %s", usage[mode]);
	runs = bench_count(argv[0]);
	if (mode != FLOOR)
		ns = bench_count(argv[1]) * NSEC_PER_MSEC;
	procs_path = argv[fixed - (mode == CANCEL ? 2 : 1)];
	n = bench_tools(argc - fixed, argv + fixed, tools,
	    mode == DEADLINE ? MAX_TOOLS : 1);
	memset(res, 0, sizeof res);
	for (i = 0; i < n; i++)
		res[i].ms = bench_alloc((size_t)runs, sizeof(double));
	for (r = 0; r < runs; r++) {
		for (k = 0; k < n; k++) {
			i = (int)((r + k) % n);
			switch (mode) {
			case CANCEL:
				res[i].ms[r] = run(&tools[i], 0, argv[3], ns,
				    procs_path, &res[i]);
				break;
			case FLOOR:
				if ((res[i].ms[r] = floor_run(&tools[i],
				    procs_path, &res[i])) < 0) {
					printf("%s - - - - - - -\n", tools[i].label);
					return 0;
				}
				break;
			case DEADLINE:
				/* A slower machine than thought: a longer one. */
				for (tries = 0; (res[i].ms[r] = run(&tools[i],
				    ns, NULL, 0, procs_path, &res[i])) < 0;
				    tries++) {
					if (tries == MAX_TRIES)
						fail("%s: the tree is never built "
						    "before the deadline",
						    tools[i].label);
					ns *= 2;
				}
				/* Keep it well after the slowest build. */
				if (res[i].build_ms * 1.5e6 > (double)ns)
					ns = (nsec_t)(res[i].build_ms * 1.5e6);
				break;
			}
		}
	}
	for (i = 0; i < n; i++)
		print_result(tools[i].label, &res[i], runs);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "tree") == 0)
		return tree(argc - 2, argv + 2);
	/* Survivors are re-parented to us, to be reaped. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		err(1, "PR_SET_CHILD_SUBREAPER");
	if (argc >= 2 && strcmp(argv[1], "deadline") == 0)
		return measure(DEADLINE, argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "cancel") == 0)
		return measure(CANCEL, argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "floor") == 0)
		return measure(FLOOR, argc - 2, argv + 2);
	errx(2, "usage: teardown tree procs limit_s | deadline runs timeout_ms "
	    "procs_file label command ... | cancel runs grace_ms procs_file "
	    "ctxctl label command ... | floor runs procs_file label command "
	    "...");
}
