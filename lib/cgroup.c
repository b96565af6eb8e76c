/*
 * cgroup.c: one cgroup v2 directory per job, under the cgroup ctxrun itself
 * is in, so that nested jobs nest. The v2 mount is looked up in
 * /proc/self/mountinfo: it may be /sys/fs/cgroup, /sys/fs/cgroup/unified on a
 * hybrid system, or nowhere at all, in which case jobs go without.
 *
 * A job's cgroup is named ctx-PID.ID.RANDOM: the pid and the context id
 * are for people, and 32 random bits make the name unique where they are
 * not (two containers' ctxruns, each PID 1 of its namespace with context 1,
 * under one cgroup parent). mkdir(2) is the judge: on EEXIST another name
 * is drawn. Random bits rather than a counter because a name, once
 * removed, must in practice never come back (see cgroup_sweep).
 *
 * Whoever made a cgroup holds an flock(2) on its directory for as long as
 * it uses it; the kernel drops the lock when that process dies, however it
 * dies. A ctx-* cgroup whose lock is free and which is empty was left by a
 * ctxrun killed with SIGKILL, and the next ctxrun or ctxd that makes or
 * looks in the same parent removes it.
 */
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"

#define CGROUP_TRIES	4	/* names drawn before giving up */
#define CGROUP_KILL_PASSES 3	/* without cgroup.kill */
#define CGROUP_YOUNG_S	10	/* a ctxrun's sweep passes over younger */

struct cgroup {
	char	*path;		/* the job's cgroup directory */
	int	 lock_fd;	/* that directory, flocked while we use it */
	int	 procs_fd;	/* its cgroup.procs, written by the child */
	int	 events_fd;	/* its cgroup.events, read for "populated" */
	int	 notify_fd;	/* inotify on cgroup.events */
};

/* Undoes the octal escapes (\040 for a space) of a mountinfo field. */
static void
mountinfo_unescape(char *s)
{
	char	*d = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
			    (s[3] - '0'));
			s += 3;
		} else
			*d++ = *s;
	}
	*d = '\0';
}

/*
 * Finds the cgroup2 mount: its mount point and the cgroup path it shows as
 * its root. Returns -1 if there is none.
 */
static int
cgroup_mount(char **point, char **root)
{
	FILE	*f;
	char	*line = NULL, *fields[5], *sep, *p;
	size_t	 size = 0;
	int	 i, found = -1;

	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return -1;
	while (found == -1 && getline(&line, &size, f) != -1) {
		if ((sep = strstr(line, " - ")) == NULL ||
		    strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		p = line;
		for (i = 0; i < 5 && p != NULL; i++)
			fields[i] = strsep(&p, " ");
		if (i < 5 || p == NULL)
			continue;
		mountinfo_unescape(fields[3]);
		mountinfo_unescape(fields[4]);
		*root = xstrdup(fields[3]);
		*point = xstrdup(fields[4]);
		found = 0;
	}
	free(line);
	fclose(f);
	return found;
}

/* The cgroup v2 path of a process ("0::/a/b" in /proc/WHO/cgroup). */
static char *
cgroup_self(const char *who)
{
	FILE	*f;
	char	*line = NULL, *path = NULL, *file;
	size_t	 size = 0;
	ssize_t	 n;

	xasprintf(&file, "/proc/%s/cgroup", who);
	f = fopen(file, "re");
	free(file);
	if (f == NULL)
		return NULL;
	while (path == NULL && (n = getline(&line, &size, f)) != -1) {
		if (strncmp(line, "0::/", 4) != 0)
			continue;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		path = xstrdup(line + 3);
	}
	free(line);
	fclose(f);
	return path;
}

/* The directory of a process's cgroup ("self": ours), or NULL; found anew. */
static char *
cgroup_find(const char *who)
{
	char	*point = NULL, *root = NULL, *self, *rel, *path = NULL;
	size_t	 len;

	if (cgroup_mount(&point, &root) == -1)
		return NULL;
	if ((self = cgroup_self(who)) != NULL) {
		/* A mount made in an ancestor namespace shows more of the path. */
		rel = self;
		len = strlen(root);
		if (strcmp(root, "/") != 0 && strncmp(self, root, len) == 0 &&
		    (self[len] == '/' || self[len] == '\0'))
			rel = self + len;
		len = strlen(rel);
		while (len > 0 && rel[len - 1] == '/')
			len--;
		xasprintf(&path, "%s%.*s", point, (int)len, rel);
		free(self);
	}
	free(point);
	free(root);
	return path;
}

/*
 * The directory of this process's own cgroup, or NULL; a copy to free.
 * Found once: reading mountinfo is dear, and a ctx program moves itself
 * to another cgroup only before it makes one (cgroup_move_beside()).
 */
static char	*here;
static int	 here_found;

static char *
cgroup_here(void)
{
	if (!here_found) {
		here = cgroup_find("self");
		here_found = 1;
	}
	return here != NULL ? xstrdup(here) : NULL;
}

/*
 * Moves this process into the cgroup of process pid, where the cgroups
 * it makes after will be too: out of a job's cgroup, beside it, for a
 * ctxrun --without-cancel. Returns 0 if it is there, or without cgroup
 * v2; -1 with *cause set if it cannot be moved.
 */
int
cgroup_move_beside(pid_t pid, char **cause)
{
	char	 who[16], *there, *self, *file;
	int	 fd, r = 0;

	snprintf(who, sizeof who, "%d", (int)pid);
	if ((there = cgroup_find(who)) == NULL)
		return 0;
	self = cgroup_find("self");
	if (self != NULL && strcmp(self, there) != 0) {
		xasprintf(&file, "%s/cgroup.procs", there);
		if ((fd = open(file, O_WRONLY | O_CLOEXEC)) == -1 ||
		    write(fd, "0\n", 2) != 2) {
			xasprintf(cause, "cannot move to %s: %s", there,
			    strerror(errno));
			r = -1;
		}
		if (fd != -1)
			close(fd);
		free(file);
	}
	free(self);
	free(there);
	free(here);
	here = NULL;
	here_found = 0;
	return r;
}

/* Opens a file of the cgroup: of our directory while we hold it. */
static int
cgroup_open(const struct cgroup *cg, const char *file, int flags)
{
	char	*path;
	int	 fd;

	if (cg->lock_fd != -1)
		return openat(cg->lock_fd, file, flags | O_CLOEXEC);
	xasprintf(&path, "%s/%s", cg->path, file);
	fd = open(path, flags | O_CLOEXEC);
	free(path);
	return fd;
}

/* Opens the directory at path and takes its lock, if it is free. */
static int
cgroup_lock(const char *path)
{
	int	fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void	cgroup_sweep_below(const char *);

/*
 * Removes the cgroup at path if nobody holds it and nothing is in it,
 * with what is left below it by nested jobs and by the job itself.
 * rmdir(2) of a cgroup that has a process or a child fails with EBUSY, so
 * a job still running is never touched, and the lock keeps off one that a
 * live ctxrun made and has not moved its command into yet. The lock is on the directory we
 * opened: if that is not the one at path any more (removed and made
 * anew in between), it is left alone.
 */
static void
cgroup_sweep_one(const char *path)
{
	struct stat	a, b;
	int		fd;

	if ((fd = cgroup_lock(path)) == -1)
		return;
	if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
	    rmdir(path) == -1 && errno == EBUSY) {
		cgroup_sweep_below(path);
		(void)rmdir(path);
	}
	close(fd);
}

/*
 * Removes the cgroups below a job's empty cgroup at path, whatever their
 * names: nested jobs' (ctx-*), and those the job made for itself.
 */
static void
cgroup_sweep_below(const char *path)
{
	struct dirent	*de;
	DIR		*d;
	char		*sub;

	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		xasprintf(&sub, "%s/%s", path, de->d_name);
		cgroup_sweep_one(sub);
		free(sub);
	}
	closedir(d);
}

/*
 * Removes the abandoned ctx-* cgroups in dir, looking at max (0: all).
 * Looking at a few (max set: a ctxrun), it passes over those changed less
 * than CGROUP_YOUNG_S ago (mtime): a ctxd removes a job's cgroup within 5
 * seconds of its end (cleanup.c), and a ctxrun that did it for it would
 * only take the time from its own job's end.
 */
static void
cgroup_sweep(const char *dir, size_t max)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		*sub;
	size_t		 n = 0;
	time_t		 now = time(NULL);

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || strncmp(de->d_name, "ctx-", 4) != 0)
			continue;
		if (max != 0 && n++ == max)
			break;
		if (max != 0 && fstatat(dirfd(d), de->d_name, &st, 0) == 0 &&
		    now - st.st_mtime < CGROUP_YOUNG_S)
			continue;
		xasprintf(&sub, "%s/%s", dir, de->d_name);
		cgroup_sweep_one(sub);
		free(sub);
	}
	closedir(d);
}

/*
 * Removes the abandoned job cgroups below this process's own cgroup,
 * looking at max of them at the most (0: all). It opens and locks each
 * ctx-* cgroup it looks at: with a thousand jobs at once, that is too dear
 * for every job's start, so ctxd does it, whole, when it starts, and a
 * ctxrun with no daemon when its job is over, for a few (a daemon ends the
 * jobs of the ctxruns it loses, cgroups and all).
 */
void
cgroup_sweep_here(size_t max)
{
	char	*dir;

	if ((dir = cgroup_here()) != NULL)
		cgroup_sweep(dir, max);
	free(dir);
}

/*
 * Opens cgroup.events, and an inotify watch on it, for ctxd, which is not
 * the jobs' subreaper. (ctxrun does without: inotify instances are few,
 * 128 a user by default, and a job's end is known from its children.)
 */
static int
cgroup_watch(struct cgroup *cg)
{
	char	*events;
	int	 wd;

	if ((cg->events_fd = cgroup_open(cg, "cgroup.events", O_RDONLY)) == -1 ||
	    (cg->notify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return -1;
	xasprintf(&events, "%s/cgroup.events", cg->path);
	wd = inotify_add_watch(cg->notify_fd, events, IN_MODIFY);
	free(events);
	return wd == -1 ? -1 : 0;
}

/* 32 random bits for a name, from getrandom(2) or, failing that, the clock. */
static unsigned int
cgroup_random(void)
{
	unsigned int	r;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
		r = (unsigned int)getpid() ^ (unsigned int)clock_mono();
	return r;
}

/*
 * Makes the directory for cg in dir under a fresh name and locks it. A
 * sweeper may have taken the lock between our mkdir and our flock, and
 * removed the directory: the lock is then refused, or the directory gone,
 * and another name is drawn. Returns -1 with errno set.
 *
 * Its files are opened when first needed, most after the job has started:
 * every lookup in the cgroup file system waits for the lock that each
 * mkdir and rmdir there holds, and with a thousand jobs starting at once
 * those waits were a third of the time a job took to start (perf sched).
 * Without cgroup.kill (before Linux 5.14), cgroup_kill() fails, and the
 * job is killed process by process.
 */
static int
cgroup_make(struct cgroup *cg, const char *dir, const char *name)
{
	int	try, saved;

	for (try = 0; try < CGROUP_TRIES; try++) {
		free(cg->path);
		xasprintf(&cg->path, "%s/%s.%08x", dir, name, cgroup_random());
		if (mkdir(cg->path, 0755) == -1) {
			if (errno == EEXIST)
				continue;
			return -1;
		}
		if ((cg->lock_fd = cgroup_lock(cg->path)) != -1)
			return 0;
		if (errno == EWOULDBLOCK || errno == ENOENT)
			continue;	/* a sweeper's now */
		saved = errno;
		(void)rmdir(cg->path);
		errno = saved;
		return -1;
	}
	errno = EEXIST;
	return -1;
}

/*
 * Makes the cgroup for a job, named name and a random suffix, below this
 * process's cgroup. Returns
 * NULL with *cause set where cgroup v2 is not mounted, not writable, or
 * too old to have cgroup.kill.
 */
struct cgroup *
cgroup_create(const char *name, char **cause)
{
	struct cgroup	*cg;
	char		*dir;

	if ((dir = cgroup_here()) == NULL) {
		*cause = xstrdup("no cgroup v2 hierarchy is mounted");
		return NULL;
	}
	cg = xcalloc(1, sizeof *cg);
	cg->lock_fd = cg->procs_fd = cg->events_fd = cg->notify_fd = -1;
	if (cgroup_make(cg, dir, name) == -1) {
		xasprintf(cause, "%s: %s", cg->path, strerror(errno));
		free(cg->path);
		free(cg);
		free(dir);
		return NULL;
	}
	free(dir);
	return cg;
}

/*
 * Is path a ctx job's cgroup below the cgroup v2 mount? It comes from a
 * client, which is taken at its word for nothing else.
 */
static int
cgroup_path_ok(const char *path)
{
	static char	*point;		/* looked up once: ctxd asks per job */
	static int	 found;
	const char	*base = strrchr(path, '/');
	char		*root = NULL;
	size_t		 len;

	if (!found) {
		if (cgroup_mount(&point, &root) == -1)
			point = NULL;
		free(root);
		found = 1;
	}
	if (point == NULL)
		return 0;
	len = strlen(point);
	return strncmp(path, point, len) == 0 && path[len] == '/' &&
	    strstr(path, "/../") == NULL && strstr(path, "/./") == NULL &&
	    base != NULL && strncmp(base, "/ctx-", 5) == 0;
}

/*
 * Takes over the cgroup of a job whose ctxrun is gone, given its directory.
 * Only a ctx job's cgroup, below the cgroup v2 mount, is accepted: the
 * path comes from a client. Returns NULL, errno set, if it cannot be used.
 */
struct cgroup *
cgroup_attach(const char *path)
{
	struct cgroup	*cg;

	if (!cgroup_path_ok(path)) {
		errno = EINVAL;
		return NULL;
	}
	cg = xcalloc(1, sizeof *cg);
	cg->lock_fd = cg->procs_fd = cg->events_fd = cg->notify_fd = -1;
	cg->path = xstrdup(path);
	if (cgroup_watch(cg) == -1) {
		cgroup_destroy(cg);
		return NULL;
	}
	return cg;
}

/* The cgroup's directory, open: for clone3(2)'s CLONE_INTO_CGROUP. */
int
cgroup_dir_fd(const struct cgroup *cg)
{
	return cg->lock_fd;
}

/*
 * The cgroup.procs a child writes "0" to, to enter the cgroup: opened on
 * the first call, which must be the parent's (a child has its own fds).
 */
int
cgroup_procs_fd(struct cgroup *cg)
{
	if (cg->procs_fd == -1)
		cg->procs_fd = cgroup_open(cg, "cgroup.procs", O_WRONLY);
	return cg->procs_fd;
}

/* An fd that becomes readable when cgroup.events changes. */
int
cgroup_events_fd(const struct cgroup *cg)
{
	return cg->notify_fd;
}

/* Is any process left in the cgroup or below it? -1 if it cannot tell. */
int
cgroup_populated(struct cgroup *cg)
{
	char	 buf[256], *p;
	ssize_t	 n;

	if (cg->events_fd == -1)
		cg->events_fd = cgroup_open(cg, "cgroup.events", O_RDONLY);
	if ((n = pread(cg->events_fd, buf, sizeof buf - 1, 0)) <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "populated ")) == NULL)
		return -1;
	return p[10] == '1';
}

/*
 * SIGKILLs every process in the cgroup and below, forks in flight included.
 * Before Linux 5.14 there is no cgroup.kill: each process listed is killed
 * instead, in a few passes for those forked meanwhile.
 */
int
cgroup_kill(const struct cgroup *cg)
{
	struct proclist	seen = { 0 };
	int		fd, r, pass;

	if ((fd = cgroup_open(cg, "cgroup.kill", O_WRONLY)) != -1) {
		r = write(fd, "1", 1) == 1 ? 0 : -1;
		close(fd);
		return r;
	}
	if (errno != ENOENT)
		return -1;
	for (pass = 0; pass < CGROUP_KILL_PASSES; pass++) {
		if ((r = cgroup_signal(cg, SIGKILL, 0, &seen)) <= 0)
			break;
	}
	proclist_free(&seen);
	return r == -1 ? -1 : 0;
}

/* Removes a cgroup directory, ours, and any left below it. */
static void
cgroup_remove(const char *path)
{
	if (rmdir(path) == 0 || errno != EBUSY)
		return;
	cgroup_sweep_below(path);
	(void)rmdir(path);
}

/* Closes the cgroup, and removes it unless keep; it must be empty. */
static void
cgroup_close(struct cgroup *cg, int keep)
{
	if (cg == NULL)
		return;
	if (cg->procs_fd != -1)
		close(cg->procs_fd);
	if (cg->events_fd != -1)
		close(cg->events_fd);
	if (cg->notify_fd != -1)
		close(cg->notify_fd);
	if (!keep)
		cgroup_remove(cg->path);
	if (cg->lock_fd != -1)
		close(cg->lock_fd);	/* only once it is gone */
	free(cg->path);
	free(cg);
}

/* Closes and removes the cgroup; it must be empty by now. */
void
cgroup_destroy(struct cgroup *cg)
{
	cgroup_close(cg, 0);
}

/*
 * Closes the cgroup, empty by now, and lets go of its lock, leaving the
 * directory for another to remove (cgroup_remove_left()). Returns its
 * path, which the caller frees.
 */
char *
cgroup_leave(struct cgroup *cg)
{
	char	*path = xstrdup(cg->path);

	cgroup_close(cg, 1);
	return path;
}

/*
 * Removes the cgroup at path, a job's that cgroup_leave() left, if it is
 * a ctx job's cgroup below the cgroup v2 mount, nobody holds it and it is
 * empty (nested jobs' cgroups left in it go with it). Returns -1 if path
 * is not one.
 */
int
cgroup_remove_left(const char *path)
{
	if (!cgroup_path_ok(path))
		return -1;
	cgroup_sweep_one(path);
	return 0;
}

/* Moves the calling process into the cgroup whose cgroup.procs is fd. */
int
cgroup_enter(int fd)
{
	return write(fd, "0", 1) == 1 ? 0 : -1;
}

/* The cgroup's directory. */
const char *
cgroup_dir(const struct cgroup *cg)
{
	return cg->path;
}

/*
 * Adds the pids of the cgroup whose directory is open at dfd, and of those
 * below it, to pl. Everything is opened relative to dfd, and a directory is
 * read only if it has a subdirectory (a kernfs directory's link count is 2
 * and one per subdirectory): every path walk and readdir in the cgroup file
 * system takes the lock that each mkdir there takes some twenty times, and
 * with a thousand jobs at once the jobs ending held up those starting.
 */
static int
cgroup_list_at(int dfd, struct proclist *pl)
{
	struct proc	 p = { 0 };
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	FILE		*f;
	long		 pid;
	int		 fd;

	if ((fd = openat(dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return -1;
	}
	while (fscanf(f, "%ld", &pid) == 1) {
		p.pid = (pid_t)pid;
		proclist_add(pl, &p);
	}
	fclose(f);
	if (fstat(dfd, &st) == -1 || st.st_nlink <= 2)
		return 0;
	if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1)
			continue;
		(void)cgroup_list_at(fd, pl);
		close(fd);
	}
	closedir(d);
	return 0;
}

/* Adds the pids of the processes in the cgroup and below it to pl. */
static int
cgroup_list(const struct cgroup *cg, struct proclist *pl)
{
	int	fd, r;

	if (cg->lock_fd != -1)
		return cgroup_list_at(cg->lock_fd, pl);
	if ((fd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = cgroup_list_at(fd, pl);
	close(fd);
	return r;
}

static int
pid_cmp(const void *a, const void *b)
{
	pid_t	x = ((const struct proc *)a)->pid;
	pid_t	y = ((const struct proc *)b)->pid;

	return (x > y) - (x < y);
}

static void
proclist_sort(struct proclist *pl)
{
	if (pl->n > 0)
		qsort(pl->procs, pl->n, sizeof *pl->procs, pid_cmp);
}

static int
pid_in(const struct proclist *sorted, pid_t pid)
{
	struct proc	key = { 0 };

	key.pid = pid;
	if (sorted->n == 0)
		return 0;	/* and procs may be NULL, which bsearch may not get */
	return bsearch(&key, sorted->procs, sorted->n, sizeof key,
	    pid_cmp) != NULL;
}

/*
 * Sends sig, and then SIGCONT if cont, to every process in the cgroup and
 * below it whose pid is not in seen (sorted), and adds those pids to seen.
 * Returns how many were signalled, or -1 if the cgroup cannot be read.
 *
 * Every process listed is first pinned with a pidfd, then the cgroup is
 * listed again, and a pidfd is used only if its pid is still listed: the
 * pidfd's process is then the one in the cgroup, or, if the pid was freed
 * and taken by a new member in between, a dead process that no signal
 * reaches. A pid recycled outside the cgroup is never signalled. This
 * costs four system calls a process and two reads of cgroup.procs, where
 * a scan of /proc reads every process's stat twice.
 */
int
cgroup_signal(const struct cgroup *cg, int sig, int cont,
    struct proclist *seen)
{
	struct proclist	 before = { 0 }, after = { 0 };
	int		*fds;
	size_t		 i, pinned = 0;
	int		 n = 0;

	if (cgroup_list(cg, &before) == -1)
		return -1;
	fds = xreallocarray(NULL, before.n + 1, sizeof *fds);
	for (i = 0; i < before.n; i++) {
		fds[i] = -1;
		if (pid_in(seen, before.procs[i].pid))
			continue;
		fds[i] = (int)syscall(SYS_pidfd_open, before.procs[i].pid, 0);
		pinned++;
	}
	if (pinned > 0)
		(void)cgroup_list(cg, &after);
	proclist_sort(&after);
	for (i = 0; i < before.n; i++) {
		if (fds[i] == -1)
			continue;
		if (pid_in(&after, before.procs[i].pid) &&
		    syscall(SYS_pidfd_send_signal, fds[i], sig, NULL, 0) == 0) {
			if (cont)
				syscall(SYS_pidfd_send_signal, fds[i], SIGCONT,
				    NULL, 0);
			n++;
		}
		close(fds[i]);
		proclist_add(seen, &before.procs[i]);
	}
	proclist_sort(seen);
	free(fds);
	proclist_free(&before);
	proclist_free(&after);
	return n;
}

/*
 * Adds the pids of the processes in the cgroup and below it to pl (no
 * start times). Returns -1 if it cannot tell.
 */
int
cgroup_procs(const struct cgroup *cg, struct proclist *pl)
{
	return cgroup_list(cg, pl);
}

/* How many processes are in the cgroup and below it; -1 if it cannot tell. */
int
cgroup_count(const struct cgroup *cg)
{
	struct proclist	pl = { 0 };
	int		n;

	n = cgroup_list(cg, &pl) == -1 ? -1 : (int)pl.n;
	proclist_free(&pl);
	return n;
}
