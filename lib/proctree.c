/*
 * proctree.c: the processes descending from a process, found by scanning
 * /proc, and signals that never hit a recycled pid.
 *
 * A subreaper's descendants cannot leave its subtree: a process whose parent
 * dies is handed to the nearest subreaper above it, so setsid() and double
 * forks only move a process within the tree. A scan can still miss a process
 * forked after it read its parent; callers scan again until a pass finds
 * nothing new, and a cgroup, where there is one, closes that gap for SIGKILL.
 *
 * /proc shows the pids of the PID namespace it was mounted for. In a new
 * PID namespace without a /proc of its own (unshare --pid without
 * --mount-proc) it is an ancestor's: no pid in it is ours to use, so no
 * scan is made there.
 */
#include <sys/syscall.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"

void
proclist_free(struct proclist *pl)
{
	free(pl->procs);
	memset(pl, 0, sizeof *pl);
}

/* Appends p to the list. */
void
proclist_add(struct proclist *pl, const struct proc *p)
{
	if (pl->n == pl->cap) {
		pl->cap = pl->cap == 0 ? 64 : pl->cap * 2;
		pl->procs = xreallocarray(pl->procs, pl->cap, sizeof *pl->procs);
	}
	pl->procs[pl->n++] = *p;
}

/*
 * Reads pid, parent and start time from /proc/PID/stat. Returns -1 if the
 * process is gone, and 1 for a zombie, which is dead already.
 */
static int
proc_read(pid_t pid, struct proc *p)
{
	char	 path[32], buf[1024], *s;
	ssize_t	 n;
	int	 fd, field;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';

	/* The command name may hold anything, ')' too: skip to the last. */
	if ((s = strrchr(buf, ')')) == NULL || s[1] != ' ')
		return -1;
	s += 2;
	p->pid = pid;
	if (*s == 'Z' || *s == 'X')
		return 1;
	for (field = 3; field < 22 && s != NULL; field++) {
		if (field == 4)
			p->ppid = (pid_t)strtol(s, NULL, 10);
		if ((s = strchr(s, ' ')) != NULL)
			s++;
	}
	if (s == NULL)
		return -1;
	p->start = strtoull(s, NULL, 10);
	return 0;
}

static int
proc_cmp_ppid(const void *a, const void *b)
{
	const struct proc	*pa = a, *pb = b;

	return (pa->ppid > pb->ppid) - (pa->ppid < pb->ppid);
}

/* The index of the first process whose parent is ppid, in a sorted list. */
static size_t
proc_first_child(const struct proclist *all, pid_t ppid)
{
	size_t	lo = 0, hi = all->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (all->procs[mid].ppid < ppid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Is /proc this process's own, mounted for its PID namespace? Then
 * /proc/self names it by the pid getpid() returns.
 */
int
proctree_own(void)
{
	char	link[32], self[32];
	ssize_t	n;

	if ((n = readlink("/proc/self", link, sizeof link - 1)) <= 0)
		return 0;
	link[n] = '\0';
	snprintf(self, sizeof self, "%d", (int)getpid());
	return strcmp(link, self) == 0;
}

/*
 * Puts every live process descending from root (root not included) into out,
 * parents before children. Returns -1 if /proc cannot be read, or is not
 * this PID namespace's.
 */
int
proctree_scan(pid_t root, struct proclist *out)
{
	struct proclist	 all = { 0 };
	struct proc	 p;
	struct dirent	*de;
	DIR		*d;
	size_t		 next, i;
	pid_t		 parent;

	out->n = 0;
	if (!proctree_own()) {
		errno = ESRCH;
		return -1;
	}
	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (proc_read((pid_t)strtol(de->d_name, NULL, 10), &p) == 0)
			proclist_add(&all, &p);
	}
	closedir(d);
	qsort(all.procs, all.n, sizeof *all.procs, proc_cmp_ppid);

	/* Breadth first: out doubles as the queue. */
	parent = root;
	next = 0;
	for (;;) {
		i = proc_first_child(&all, parent);
		for (; i < all.n && all.procs[i].ppid == parent; i++)
			proclist_add(out, &all.procs[i]);
		if (next == out->n)
			break;
		parent = out->procs[next++].pid;
	}
	proclist_free(&all);
	return 0;
}

/*
 * Sends sig (and then SIGCONT, if cont) to p, if p is still the process the
 * scan saw. The pidfd pins the process it was opened on; if the pid then
 * still shows the scanned start time, that process is the scanned one (it
 * held the pid before and after, so all along). Returns 1 if signalled, 0 if
 * the process is gone.
 */
int
proc_signal(const struct proc *p, int sig, int cont)
{
	struct proc	now;
	int		fd;

	fd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (fd == -1 && errno != ENOSYS)
		return 0;
	if (proc_read(p->pid, &now) != 0 || now.start != p->start) {
		if (fd != -1)
			close(fd);
		return 0;
	}
	if (fd == -1) {
		/* No pidfds (Linux < 5.3): a narrow race remains. */
		if (kill(p->pid, sig) == -1)
			return 0;
		if (cont)
			kill(p->pid, SIGCONT);
		return 1;
	}
	if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == -1) {
		close(fd);
		return 0;
	}
	if (cont)
		syscall(SYS_pidfd_send_signal, fd, SIGCONT, NULL, 0);
	close(fd);
	return 1;
}

/* The parent of a live process. */
int
proc_parent(pid_t pid, pid_t *ppid)
{
	struct proc	p;

	if (proc_read(pid, &p) != 0)
		return -1;
	*ppid = p.ppid;
	return 0;
}

/* Is anc the parent of pid, or the parent's parent, and so on? */
int
proc_ancestor(pid_t anc, pid_t pid)
{
	int	depth;

	for (depth = 0; pid > 1 && depth < 64; depth++) {
		if (proc_parent(pid, &pid) == -1)
			return 0;
		if (pid == anc)
			return 1;
	}
	return 0;
}

/* The start time of a live process, to know it again later. */
int
proc_start(pid_t pid, unsigned long long *start)
{
	struct proc	p;

	if (proc_read(pid, &p) != 0)
		return -1;
	*start = p.start;
	return 0;
}
