/*
 * envscan.c: the processes of a job without a cgroup whose ctxrun is gone,
 * found by the context their environment carries. No subreaper holds them
 * together any more, but each inherited the job's environment, CTX_ID and
 * CTX_TREE included, as Jenkins' ProcessTreeKiller finds a build's
 * processes by the cookie in theirs. A process that cleared or rewrote
 * its environment is not found.
 *
 * A process is the job's if it has our real uid, started no earlier than
 * the job's ctxrun, and the first CTX_TREE of its environment names our
 * tree and the first CTX_ID a context of the job's subtree (a nested job's
 * processes carry their own). It is checked and signalled through a pidfd
 * opened before anything is read of it: should its pid be recycled
 * meanwhile, the signal goes to the dead process and hits nothing.
 */
#include <sys/stat.h>
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

#include "ctxd.h"

/* Longer entries than this are not CTX_ID nor CTX_TREE: skipped. */
#define ENTRY_MAX	(sizeof ENV_TREE "=" + IDSEQ_TREE_LEN)

/* The first CTX_ID and CTX_TREE of an environment, read as a stream. */
struct envread {
	char	entry[ENTRY_MAX];
	size_t	len;		/* > sizeof entry: too long */
	char	id[ENTRY_MAX];
	char	tree[ENTRY_MAX];
	int	has_id;
	int	has_tree;
};

static int
id_cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Adds a context whose processes are the job's. */
void
envmatch_add(struct envmatch *m, uint64_t id)
{
	if (m->n == m->cap) {
		m->cap = m->cap == 0 ? 8 : m->cap * 2;
		m->ids = xreallocarray(m->ids, m->cap, sizeof *m->ids);
	}
	m->ids[m->n++] = id;
	qsort(m->ids, m->n, sizeof *m->ids, id_cmp);
}

void
envmatch_free(struct envmatch *m)
{
	if (m == NULL)
		return;
	free(m->ids);
	free(m);
}

/*
 * One NUL-ended entry is complete: the first of each key counts, as for
 * getenv(3); a value too long to be ours is kept empty, and matches nothing.
 */
static void
env_entry(struct envread *er)
{
	static const char	id[] = ENV_ID "=", tree[] = ENV_TREE "=";
	int			toolong = er->len >= sizeof er->entry;

	er->entry[toolong ? sizeof er->entry - 1 : er->len] = '\0';
	if (!er->has_id && strncmp(er->entry, id, sizeof id - 1) == 0) {
		er->has_id = 1;
		if (!toolong)
			snprintf(er->id, sizeof er->id, "%s",
			    er->entry + sizeof id - 1);
	} else if (!er->has_tree &&
	    strncmp(er->entry, tree, sizeof tree - 1) == 0) {
		er->has_tree = 1;
		if (!toolong)
			snprintf(er->tree, sizeof er->tree, "%s",
			    er->entry + sizeof tree - 1);
	}
}

/*
 * Reads the environment of pid, in pieces: it may be megabytes long, and
 * only two short entries count. Returns -1 if it cannot be read.
 */
static int
env_read(pid_t pid, struct envread *er)
{
	char	 path[32], buf[4096];
	ssize_t	 n, i;
	int	 fd;

	memset(er, 0, sizeof *er);
	snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] == '\0') {
				env_entry(er);
				er->len = 0;
			} else if (er->len < sizeof er->entry)
				er->entry[er->len++] = buf[i];
		}
		if (er->has_id && er->has_tree)
			break;
	}
	close(fd);
	return n == -1 ? -1 : 0;
}

/* The real uid of pid, from its status. */
static int
proc_ruid(pid_t pid, uid_t *uid)
{
	char		 path[32], line[256];
	FILE		*f;
	unsigned long	 u;
	int		 r = -1;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "Uid: %lu", &u) == 1) {
			*uid = (uid_t)u;
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

/* Is the environment read one of a context of the job's? */
static int
env_is_job(const struct envmatch *m, const struct envread *er)
{
	uint64_t	 id;
	char		*end;

	if (strcmp(er->tree, m->tree) != 0 || !isdigit((unsigned char)*er->id))
		return 0;
	errno = 0;
	id = strtoull(er->id, &end, 10);
	if (*end != '\0' || errno != 0)
		return 0;
	return bsearch(&id, m->ids, m->n, sizeof *m->ids, id_cmp) != NULL;
}

static int
sent_has(const struct proclist *sent, const struct proc *p)
{
	size_t	i;

	for (i = 0; i < sent->n; i++) {
		if (sent->procs[i].pid == p->pid &&
		    sent->procs[i].start == p->start)
			return 1;
	}
	return 0;
}

/* Is p, whose start time is known, the job's by its environment and uid? */
static int
proc_is_job(const struct envmatch *m, const struct proc *p)
{
	struct envread	er;
	uid_t		uid;

	if (env_read(p->pid, &er) == -1 || !env_is_job(m, &er))
		return 0;
	return proc_ruid(p->pid, &uid) == 0 && uid == getuid();
}

/*
 * Signals the process in the /proc entry name if it is the job's and not
 * in sent, and adds it there. Returns 1 if it is the job's and alive, 0 if
 * not, -1 if there are no pidfds.
 */
static int
envscan_one(const struct envmatch *m, int dfd, const char *name, int sig,
    struct proclist *sent)
{
	struct stat	st;
	struct proc	p = { 0 };
	int		fd, r = 0;

	p.pid = (pid_t)strtol(name, NULL, 10);
	/* A daemon is never part of a job, even one started in it. */
	if (p.pid == getpid())
		return 0;
	/* Cheap first: the owner of /proc/PID is the process's euid. */
	if (fstatat(dfd, name, &st, 0) == -1 || st.st_uid != geteuid())
		return 0;
	/* Pinned before anything is read of it: see above. */
	if ((fd = (int)syscall(SYS_pidfd_open, p.pid, 0)) == -1)
		return errno == ENOSYS ? -1 : 0;
	if (proc_start(p.pid, &p.start) == -1 || p.start < m->start)
		r = 0;
	else if (sent != NULL && sent_has(sent, &p))
		r = 1;		/* found and signalled before */
	else if (proc_is_job(m, &p)) {
		if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0) {
			r = 1;
			if (sig != SIGKILL)
				syscall(SYS_pidfd_send_signal, fd, SIGCONT,
				    NULL, 0);
		}
		if (sent != NULL)
			proclist_add(sent, &p);
	}
	close(fd);
	return r;
}

/*
 * Sends sig (and SIGCONT, so that a stopped process acts on it) to every
 * process of the job that is not in sent, and adds it there; sent NULL:
 * to every one. Returns how many of the job's are alive, or -1 if /proc
 * cannot be read, is another PID namespace's (its pids would name other
 * processes to pidfd_open), or there are no pidfds (Linux < 5.3).
 */
int
envscan(const struct envmatch *m, int sig, struct proclist *sent)
{
	struct dirent	*de;
	DIR		*d;
	int		 r, n = 0;

	if (!proctree_own() || (d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if ((r = envscan_one(m, dirfd(d), de->d_name, sig, sent)) ==
		    -1) {
			n = -1;
			break;
		}
		n += r;
	}
	closedir(d);
	return n;
}
