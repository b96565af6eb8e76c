/*
 * client.c: finding and reaching ctxd. The socket lives in a directory only
 * its user can enter, checked before every use. A client that finds no
 * daemon takes a lock, looks again, and starts one, then waits for its
 * readiness byte: ten clients at once start exactly one daemon, and none
 * connects before the daemon listens.
 *
 * Every blocking step is bounded by a time on the monotonic clock (until;
 * NSEC_NONE for no bound): a ctxd that is stopped or wedged accepts
 * connections into its backlog and never answers, and a ctxrun must not
 * wait on it past its deadline.
 */
#include <sys/file.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"

/*
 * Checks that dir is a directory, not a symlink, owned by us, mode 0700;
 * makes it first if create is set and it does not exist.
 */
int
sockdir_check(const char *dir, int create, char **cause)
{
	struct stat	st;
	uid_t		uid = getuid();

	if (create && mkdir(dir, 0700) == -1 && errno != EEXIST) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) == -1) {
		xasprintf(cause, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != uid ||
	    (st.st_mode & 07777) != 0700) {
		xasprintf(cause, "%s: not a directory owned by uid %u with "
		    "mode 0700", dir, (unsigned)uid);
		return -1;
	}
	return 0;
}

/*
 * The socket to use: override if not NULL (-S), else $CTX_SOCKET, else
 * configured (ctxd.ini's socket) if not NULL, else ctxd.sock in
 * $XDG_RUNTIME_DIR/ctx or /tmp/ctx-UID. The directory is checked (and made,
 * for the default one). The first of these that is "none" means no daemon
 * at all: CLIENT_NO_SOCKET is returned, unchecked, for the caller to tell.
 */
char *
client_socket_path(const char *override, const char *configured, char **cause)
{
	const char	*xdg, *env;
	char		*dir, *path, *copy;
	int		 r;

	if (override == NULL && (env = getenv(ENV_SOCKET)) != NULL &&
	    *env != '\0')
		override = env;
	if (override == NULL)
		override = configured;
	if (override != NULL && strcmp(override, CLIENT_NO_SOCKET) == 0)
		return xstrdup(CLIENT_NO_SOCKET);
	if (override != NULL) {
		copy = xstrdup(override);
		r = sockdir_check(dirname(copy), 0, cause);
		free(copy);
		return r == 0 ? xstrdup(override) : NULL;
	}
	if ((xdg = getenv("XDG_RUNTIME_DIR")) != NULL && *xdg == '/')
		xasprintf(&dir, "%s/ctx", xdg);
	else
		xasprintf(&dir, "/tmp/ctx-%u", (unsigned)getuid());
	if (sockdir_check(dir, 1, cause) == -1) {
		free(dir);
		return NULL;
	}
	xasprintf(&path, "%s/ctxd.sock", dir);
	free(dir);
	return path;
}

/* Time left until until, in ms for poll(2): -1 for no bound, 0 if past. */
static int
left_ms(nsec_t until)
{
	nsec_t	left;

	if (until == NSEC_NONE)
		return -1;
	if ((left = until - clock_mono()) <= 0)
		return 0;
	left = (left + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* When a client that starts waiting on ctxd now gives up (client_timeout). */
nsec_t
client_until(const struct config *c)
{
	if (c->client_timeout == 0)
		return NSEC_NONE;
	return clock_mono() + c->client_timeout;
}

/*
 * Bounds each blocking read, write and connect on the socket fd to the time
 * left until until; NSEC_NONE lifts the bound. A step that times out fails
 * with EAGAIN.
 */
int
client_bound(int fd, nsec_t until)
{
	struct timeval	tv = { 0, 0 };
	nsec_t		left;

	if (until != NSEC_NONE) {
		/* A zero timeval means no bound: past is one microsecond. */
		left = until - clock_mono();
		if (left < 1000)
			left = 1000;
		tv.tv_sec = left / NSEC_PER_SEC;
		tv.tv_usec = (left % NSEC_PER_SEC) / 1000;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1)
		return -1;
	return 0;
}

/*
 * Connects to the socket at path, by until; -1 with errno set if nobody
 * listens, ETIMEDOUT if the listener's backlog stayed full.
 */
int
client_connect_once(const char *path, nsec_t until)
{
	struct sockaddr_un	sun;
	int			fd, saved;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (client_bound(fd, until) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		saved = errno == EAGAIN ? ETIMEDOUT : errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* ctxd next to this program, else ctxd from $PATH. */
static char *
ctxd_path(void)
{
	char	self[PATH_MAX], *path;
	ssize_t	n;

	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		xasprintf(&path, "%s/ctxd", dirname(self));
		if (access(path, X_OK) == 0)
			return path;
		free(path);
	}
	return xstrdup("ctxd");
}

/*
 * Starts ctxd for the socket at path and waits, by until, until it listens:
 * it writes a byte on the readiness pipe then, and closes it unwritten if
 * it fails. The process waited for is ctxd before it detaches, which it
 * does before anything that could take long.
 */
static int
daemon_start(const char *path, nsec_t until, char **cause)
{
	struct pollfd	 pfd;
	char		*prog, fdarg[16], byte;
	pid_t		 pid;
	int		 ready[2], status, r;
	ssize_t		 n = 0;

	if (pipe2(ready, O_CLOEXEC) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return -1;
	}
	prog = ctxd_path();
	switch (pid = fork()) {
	case -1:
		xasprintf(cause, "fork: %s", strerror(errno));
		free(prog);
		close(ready[0]);
		close(ready[1]);
		return -1;
	case 0:
		/* ctxd detaches itself; the pipe is its to write. */
		close(ready[0]);
		if (fcntl(ready[1], F_SETFD, 0) == -1)
			_exit(CTX_EXIT_FAILURE);
		snprintf(fdarg, sizeof fdarg, "%d", ready[1]);
		execlp(prog, "ctxd", "-S", path, "-R", fdarg, (char *)NULL);
		_exit(CTX_EXIT_NOT_FOUND);
	}
	free(prog);
	close(ready[1]);
	pfd.fd = ready[0];
	pfd.events = POLLIN;
	while ((r = poll(&pfd, 1, left_ms(until))) == -1 && errno == EINTR)
		;
	if (r == 1)
		while ((n = read(ready[0], &byte, 1)) == -1 && errno == EINTR)
			;
	close(ready[0]);
	/*
	 * A ctxd that has not even detached by now is wedged: it goes, so that
	 * no child of ours outlives this (a ctxrun about to be a subreaper
	 * would wait on it, and on the daemon it forks).
	 */
	if (r == 0 && waitpid(pid, &status, WNOHANG) == 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (r == 0) {
		xasprintf(cause, "ctxd did not start in time (see its log)");
		return -1;
	}
	if (n != 1) {
		xasprintf(cause, "ctxd did not start (see its log)");
		return -1;
	}
	return 0;
}

/*
 * Takes the lock on fd by until. Another client holds it only while it
 * starts a daemon, so a short poll is all the wait there is.
 */
static int
lock_by(int fd, nsec_t until)
{
	struct timespec	ts = { 0, NSEC_PER_MSEC };

	if (until == NSEC_NONE)
		return flock(fd, LOCK_EX);
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (left_ms(until) == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		nanosleep(&ts, NULL);
		if (ts.tv_nsec < 16 * NSEC_PER_MSEC)
			ts.tv_nsec *= 2;
	}
	return 0;
}

/*
 * Did a daemon at path go away leaving live contexts? Its saved tree
 * (cmd/ctxd/state.c) is then not empty.
 */
int
client_saved(const char *path)
{
	static const char	*const files[] = { "state", "journal" };
	struct stat		 sb;
	char			*file;
	size_t			 i;
	int			 r = 0;

	if (strcmp(path, CLIENT_NO_SOCKET) == 0)
		return 0;
	for (i = 0; i < sizeof files / sizeof files[0] && !r; i++) {
		xasprintf(&file, "%s.%s", path, files[i]);
		r = stat(file, &sb) == 0 && sb.st_size > 0;
		free(file);
	}
	return r;
}

/*
 * Why this process must not start ctxd, or NULL if it may. A daemon is
 * never part of a job (SPEC §12): one started from inside a job would be
 * adopted by the job's ctxrun, a child subreaper, and be ended with the
 * job; so would one started by a ctxrun that is PID 1 of a PID namespace,
 * which dies with the namespace. Inside a job, the jobs run on without a
 * daemon, and the next client outside every job starts one, which calls
 * them back (ctxd.8).
 */
static const char *
client_no_start(void)
{
	const char	*s;
	char		*end;
	long		 pid;

	if (getpid() == 1)
		return "PID 1 of a PID namespace starts none";
	if ((s = getenv(ENV_PID)) == NULL || *s == '\0')
		return NULL;
	/* Only our own ctxrun's: one that came through ssh is not. */
	pid = strtol(s, &end, 10);
	if (*end == '\0' && pid > 1 && proc_ancestor((pid_t)pid, getpid()))
		return "none is started from inside a job (" ENV_PID " is set)";
	return NULL;
}

/*
 * Connects to ctxd at path by until, starting it if nobody listens and
 * autostart is set, and this process may (client_no_start()). Returns the
 * connected fd, bound by until (client_bound), or -1 with *cause set.
 */
int
client_connect(const char *path, int autostart, nsec_t until, char **cause)
{
	const char	*why;
	char		*lock;
	int		 fd, lockfd;

	if (strcmp(path, CLIENT_NO_SOCKET) == 0) {
		xasprintf(cause, "the socket is '%s'", CLIENT_NO_SOCKET);
		return -1;
	}
	if ((fd = client_connect_once(path, until)) != -1)
		return fd;
	if (!autostart || (errno != ENOENT && errno != ECONNREFUSED)) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((why = client_no_start()) != NULL) {
		xasprintf(cause, "%s: %s, and %s", path, strerror(errno), why);
		return -1;
	}

	/* One client starts the daemon; the others wait, then connect. */
	xasprintf(&lock, "%s.lock", path);
	lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lock);
	if (lockfd == -1 || lock_by(lockfd, until) == -1) {
		if (errno == ETIMEDOUT)
			xasprintf(cause, "ctxd did not start in time");
		else
			xasprintf(cause, "%s.lock: %s", path, strerror(errno));
		if (lockfd != -1)
			close(lockfd);
		return -1;
	}
	if ((fd = client_connect_once(path, until)) == -1 &&
	    daemon_start(path, until, cause) == 0 &&
	    (fd = client_connect_once(path, until)) == -1)
		xasprintf(cause, "%s: %s", path, strerror(errno));
	close(lockfd);
	return fd;
}

/*
 * Sends a request and reads its first reply into m. Returns -1 with *cause
 * set if ctxd cannot be talked to.
 */
int
client_request(int fd, struct msgout *mo, struct msg *m, const char **cause)
{
	if (msgout_write(mo, fd) == -1) {
		*cause = "cannot write to ctxd";
		return -1;
	}
	return msg_read(fd, m, cause);
}
