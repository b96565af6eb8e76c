/*
 * hangup.c: noticing that the ssh session ctxrun runs in has gone away.
 *
 * With a pty, the kernel sends SIGHUP when the session ends. Without one
 * (`ssh host cmd`), sshd gives the command pipes or a socketpair as its
 * standard streams and, when the client goes (ssh killed, the connection
 * dropped), closes its ends of them: nothing else tells the command. A
 * pipe we write to then polls POLLERR (no reader is left), and a socket
 * POLLHUP (both directions are shut).
 *
 * Only these two are watched, never a readable or half-closed stream:
 * the command's stdin is its own to read, and its end of file, or a
 * socket's peer shutting down its writing side (EPOLLRDHUP), is what the
 * client's `</dev/null` looks like, not a session that is gone. A pipe
 * we read from is not watched at all: its POLLHUP is that same end of
 * file.
 *
 * The streams are watched by an epoll set of our own, registered with no
 * events, so that it wakes only for POLLERR and POLLHUP: libevent would
 * take an error on a pipe for a readable and writable fd, and a socket
 * with data for the command would wake the loop again and again. The set
 * itself is one readable fd on the loop.
 */
#include <sys/epoll.h>
#include <sys/stat.h>

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctxrun.h"

struct hangup {
	int		 epfd;
	struct event	*ev;
	hangup_cb	*cb;
	void		*arg;
};

/*
 * Whether fd, one of the standard streams, is the session's: a pipe we
 * write to, or a socket. A terminal, a file or /dev/null is not.
 */
static int
hangup_watchable(int fd)
{
	struct stat	sb;
	int		fl;

	if (fstat(fd, &sb) == -1)
		return 0;
	if (S_ISSOCK(sb.st_mode))
		return 1;
	if (!S_ISFIFO(sb.st_mode) || (fl = fcntl(fd, F_GETFL)) == -1)
		return 0;
	return (fl & O_ACCMODE) == O_WRONLY;
}

/*
 * Whether this looks like an ssh session without a pty: sshd said so in
 * the environment, and there is no controlling terminal. With one, the
 * session's end is a SIGHUP already; and a shell on a pty (where
 * SSH_CONNECTION is set too) may well run `ctxrun ... | head -1`.
 */
int
hangup_in_ssh(void)
{
	const char	*s;
	int		 fd;

	if ((s = getenv("SSH_CONNECTION")) == NULL || *s == '\0')
		return 0;
	if ((fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC)) != -1) {
		close(fd);
		return 0;
	}
	return 1;
}

static void
hangup_on_ready(evutil_socket_t fd, short events, void *arg)
{
	struct hangup		*h = arg;
	struct epoll_event	 ee;
	int			 n;

	(void)events;
	while ((n = epoll_wait(fd, &ee, 1, 0)) == -1 && errno == EINTR)
		;
	if (n != 1)
		return;
	/* Said once: the stream stays in error, and the job is ending. */
	event_del(h->ev);
	h->cb(ee.data.fd, h->arg);
}

/*
 * Watches the standard streams that are the session's, and calls cb with
 * the first that hangs up. Returns NULL with errno 0 if none is.
 */
struct hangup *
hangup_watch(struct event_base *base, hangup_cb *cb, void *arg)
{
	struct hangup		*h;
	struct epoll_event	 ee;
	int			 fd, n = 0;

	h = xcalloc(1, sizeof *h);
	h->cb = cb;
	h->arg = arg;
	if ((h->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		goto fail;
	for (fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (!hangup_watchable(fd))
			continue;
		ee.events = 0;		/* EPOLLERR and EPOLLHUP only */
		ee.data.fd = fd;
		if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, fd, &ee) == -1)
			goto fail;
		n++;
	}
	errno = 0;
	if (n == 0)
		goto fail;
	if ((h->ev = event_new(base, h->epfd, EV_READ | EV_PERSIST,
	    hangup_on_ready, h)) == NULL || event_add(h->ev, NULL) == -1)
		goto fail;
	return h;

fail:
	hangup_free(h);
	return NULL;
}

void
hangup_free(struct hangup *h)
{
	int	saved = errno;

	if (h == NULL)
		return;
	if (h->ev != NULL)
		event_free(h->ev);
	if (h->epfd != -1)
		close(h->epfd);
	free(h);
	errno = saved;
}
