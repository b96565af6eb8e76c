/*
 * client.c: finding and reaching ctxd. The socket lives in a directory only
 * its user can enter, checked before every use. A client that finds no
 * daemon takes a lock, looks again, and starts one, then waits for its
 * readiness byte: ten clients at once start exactly one daemon, and none
 * connects before the daemon listens.
 */
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
 * for the default one).
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

/* Connects to the socket at path; -1 with errno set if nobody listens. */
int
client_connect_once(const char *path)
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
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		saved = errno;
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
 * Starts ctxd for the socket at path and waits until it listens: it writes
 * a byte on the readiness pipe then, and closes it unwritten if it fails.
 */
static int
daemon_start(const char *path, char **cause)
{
	char	*prog, fdarg[16], byte;
	pid_t	 pid;
	int	 ready[2], status;
	ssize_t	 n;

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
	while ((n = read(ready[0], &byte, 1)) == -1 && errno == EINTR)
		;
	close(ready[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (n != 1) {
		xasprintf(cause, "ctxd did not start (see its log)");
		return -1;
	}
	return 0;
}

/*
 * Did a daemon at path go away leaving live contexts? Its saved tree
 * (state.c) is then not empty.
 */
int
client_saved(const char *path)
{
	static const char	*const files[] = { "state", "journal" };
	struct stat		 sb;
	char			*file;
	size_t			 i;
	int			 r = 0;

	for (i = 0; i < sizeof files / sizeof files[0] && !r; i++) {
		xasprintf(&file, "%s.%s", path, files[i]);
		r = stat(file, &sb) == 0 && sb.st_size > 0;
		free(file);
	}
	return r;
}

/*
 * Connects to ctxd at path, starting it if nobody listens and autostart is
 * set. Returns the connected fd, or -1 with *cause set.
 */
int
client_connect(const char *path, int autostart, char **cause)
{
	char	*lock;
	int	 fd, lockfd;

	if ((fd = client_connect_once(path)) != -1)
		return fd;
	if (!autostart || (errno != ENOENT && errno != ECONNREFUSED)) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}

	/* One client starts the daemon; the others wait, then connect. */
	xasprintf(&lock, "%s.lock", path);
	lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lock);
	if (lockfd == -1 || flock(lockfd, LOCK_EX) == -1) {
		xasprintf(cause, "%s.lock: %s", path, strerror(errno));
		if (lockfd != -1)
			close(lockfd);
		return -1;
	}
	if ((fd = client_connect_once(path)) == -1 &&
	    daemon_start(path, cause) == 0 &&
	    (fd = client_connect_once(path)) == -1)
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
