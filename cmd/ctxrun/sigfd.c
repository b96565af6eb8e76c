/*
 * sigfd.c: signals as events on the loop, with their siginfo. libevent's
 * evsignal says only which signal came; ctxrun must also know who sent it
 * (a Ctrl-C from the terminal is not a cancel), so these signals are blocked
 * and read from a signalfd. The command gets the original mask back
 * (job_save_signals()).
 */
#include <sys/signalfd.h>

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctxrun.h"

struct sigfd {
	int		 fd;
	struct event	*ev;
	sigfd_cb	*cb;
	void		*arg;
};

static void
sigfd_on_read(evutil_socket_t fd, short events, void *arg)
{
	struct sigfd			*sf = arg;
	struct signalfd_siginfo		 si;

	(void)events;
	while (read(fd, &si, sizeof si) == sizeof si)
		sf->cb(&si, sf->arg);
}

/* Blocks the n signals in sigs and delivers them to cb through the loop. */
struct sigfd *
sigfd_open(struct event_base *base, const int *sigs, size_t n, sigfd_cb *cb,
    void *arg)
{
	struct sigfd	*sf;
	sigset_t	 set;
	size_t		 i;

	sigemptyset(&set);
	for (i = 0; i < n; i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return NULL;
	sf = xcalloc(1, sizeof *sf);
	sf->cb = cb;
	sf->arg = arg;
	if ((sf->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1 ||
	    (sf->ev = event_new(base, sf->fd, EV_READ | EV_PERSIST,
	    sigfd_on_read, sf)) == NULL || event_add(sf->ev, NULL) == -1) {
		sigfd_close(sf);
		return NULL;
	}
	return sf;
}

void
sigfd_close(struct sigfd *sf)
{
	if (sf == NULL)
		return;
	if (sf->ev != NULL)
		event_free(sf->ev);
	if (sf->fd != -1)
		close(sf->fd);
	free(sf);
}
