/*
 * state.c: ctxd's tree on disk, so that a daemon that dies (kill -9, a
 * crash) or is stopped comes back with the same live contexts and never
 * hands out an id twice.
 *
 * Three files beside the socket: SOCKET.state, a snapshot of the live
 * nodes written whole to a temporary file, fsync'd and renamed over the old
 * one; SOCKET.journal, one line appended per change since the snapshot; and
 * the ids of idseq.c, SOCKET.seq, which the jobs' ctxruns take from too
 * (an older daemon's SOCKET.ids, if any, is read once, as a floor). A change is written before its reply: the records of one turn of
 * the event loop are written together, by an event made active with the
 * first of them, which runs before the loop polls again, and so before any
 * reply, which goes out when its socket polls writable. A client that has
 * its answer has its change on disk (in the page cache: a dead daemon loses
 * nothing, a machine crash may lose the journal's tail). When the journal
 * outgrows the snapshot, or nothing is live any more, it is folded into a
 * new snapshot: both are empty when nothing is live, which is how a client
 * knows whether a saved tree is worth starting a daemon for.
 *
 * A line is a record: fields split by tabs, with '%', tab and newline
 * escaped as %25, %09, %0a. A record describes a node whole, so replaying
 * a journal over a snapshot that already holds some of it changes nothing.
 *	N id parent created deadline inherited signal grace pid start
 *	  name cmd cgroup K=V|K... +K=V...	a live node, made or changed;
 *					K alone: K unset there (--unset)
 * The +K=V fields, which no value can be (a key is an environment name),
 * carry what came later: +failfast=1, +limit=N, +nocancel=1
 * (--without-cancel), and the +err= and +cause= of a job that is ending,
 * with the +csig= and +cgrace= of the cancel its ctxrun was told.
 * A daemon that does not know one skips it.
 *	E id				a node has ended
 */
#include <sys/stat.h>

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctxd.h"
#include "proto.h"

#define JOURNAL_MIN	(1024 * 1024)	/* never fold a smaller journal */
#define FIELDS_MAX	(PROTO_FIELDS + 16)

static char	*state_path;		/* the snapshot */
static char	*journal_path;
static int	 journal_fd = -1;
static struct idseq *ids;
static struct evbuffer *journal_buf;	/* records not written yet */
static struct event	*ev_flush;	/* writes them, this turn of the loop */
static off_t	 journal_size;
static off_t	 snapshot_size;
static int	 snapshot_dirty = 1;	/* may hold something: not emptied */
static int	 journal_dirty = 1;	/* by us since last written to */
static uint64_t	 next_id = 1;		/* above every id the tree holds */

/* Appends s to the record in eb, escaped, after a tab unless first. */
static void
rec_field(struct evbuffer *eb, const char *s, int first)
{
	size_t	n;

	if (!first)
		evbuffer_add(eb, "\t", 1);
	if (s == NULL)
		return;
	for (;;) {
		n = strcspn(s, "%\t\n");
		evbuffer_add(eb, s, n);
		s += n;
		if (*s == '\0')
			break;
		evbuffer_add(eb, *s == '%' ? "%25" : *s == '\t' ? "%09" : "%0a",
		    3);
		s++;
	}
}

static void
rec_num(struct evbuffer *eb, long long v)
{
	evbuffer_add_printf(eb, "\t%lld", v);
}

/* The N record of a live node. */
static void
rec_node(struct evbuffer *eb, const struct node *n)
{
	const struct value	*v;

	evbuffer_add_printf(eb, "N\t%" PRIu64, n->id);
	rec_num(eb, n->parent != NULL ? (long long)n->parent->id : 0);
	rec_num(eb, n->created);
	rec_num(eb, n->deadline);
	rec_num(eb, n->inherited);
	rec_num(eb, n->sig);
	rec_num(eb, n->grace);
	rec_num(eb, n->pid);
	rec_num(eb, n->job != NULL ? (long long)n->job->start : 0);
	rec_field(eb, n->name, 0);
	rec_field(eb, n->cmd, 0);
	rec_field(eb, n->job != NULL ? n->job->cgroup : NULL, 0);
	TAILQ_FOREACH(v, &n->values, entry) {
		rec_field(eb, v->key, 0);
		if (v->val == NULL)
			continue;
		evbuffer_add(eb, "=", 1);
		rec_field(eb, v->val, 1);
	}
	if (n->failfast)
		evbuffer_add_printf(eb, "\t+failfast=1");
	if (n->limit > 0)
		evbuffer_add_printf(eb, "\t+limit=%d", n->limit);
	if (n->nocancel)
		evbuffer_add_printf(eb, "\t+nocancel=1");
	if (n->err != NULL) {
		rec_field(eb, "+err=", 0);
		rec_field(eb, n->err, 1);
		rec_field(eb, "+cause=", 0);
		rec_field(eb, n->cause, 1);
	}
	if (n->job != NULL && n->job->cerr != NULL)
		evbuffer_add_printf(eb, "\t+csig=%d\t+cgrace=%lld",
		    n->job->csig, (long long)n->job->cgrace);
	evbuffer_add(eb, "\n", 1);
}

/* Undoes rec_field's escapes in place. */
static void
rec_unescape(char *s)
{
	char	*d = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '%' && s[1] == '2' && s[2] == '5')
			*d++ = '%', s += 2;
		else if (s[0] == '%' && s[1] == '0' && s[2] == '9')
			*d++ = '\t', s += 2;
		else if (s[0] == '%' && s[1] == '0' && s[2] == 'a')
			*d++ = '\n', s += 2;
		else
			*d++ = *s;
	}
	*d = '\0';
}

static long long
rec_ll(const char *s, int *bad)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		*bad = 1;
	return v;
}

/* Takes a +K=V field of an N record into n; unknown ones are skipped. */
static void
load_extra(struct node *n, const char *f, int *bad)
{
	if (strncmp(f, "+failfast=", 10) == 0)
		n->failfast = rec_ll(f + 10, bad) != 0;
	else if (strncmp(f, "+limit=", 7) == 0)
		n->limit = (int)rec_ll(f + 7, bad);
	else if (strncmp(f, "+nocancel=", 10) == 0)
		n->nocancel = rec_ll(f + 10, bad) != 0;
	else if (strncmp(f, "+err=", 5) == 0 && n->err == NULL)
		n->err = xstrdup(f + 5);
	else if (strncmp(f, "+cause=", 7) == 0 && n->cause == NULL)
		n->cause = xstrdup(f + 7);
	else if (strncmp(f, "+csig=", 6) == 0 && n->job != NULL)
		n->job->csig = (int)rec_ll(f + 6, bad);
	else if (strncmp(f, "+cgrace=", 8) == 0 && n->job != NULL)
		n->job->cgrace = rec_ll(f + 8, bad);
}

/* Makes or updates the node an N record describes. */
static int
load_node(char **f, size_t nf)
{
	struct node	*n, *parent;
	uint64_t	 id;
	size_t		 i;
	int		 bad = 0, sig;
	const char	*cause;

	if (nf < 13)
		return -1;
	id = (uint64_t)rec_ll(f[1], &bad);
	parent = tree_find((uint64_t)rec_ll(f[2], &bad));
	if (bad || id == 0)
		return -1;
	if (parent != NULL && parent->state != NODE_RUNNING)
		parent = NULL;
	if ((n = tree_find(id)) == NULL) {
		n = tree_new(parent, id, f[10], rec_ll(f[4], &bad));
		/* A job of a group with a limit takes its place again. */
		if (parent != NULL && parent->limit > 0 && rec_ll(f[8], &bad))
			parent->running++;
	}
	n->created = rec_ll(f[3], &bad);
	n->deadline = rec_ll(f[4], &bad);
	n->inherited = (int)rec_ll(f[5], &bad);
	sig = (int)rec_ll(f[6], &bad);
	n->sig = signal_name(sig) != NULL ? sig : SIGTERM;
	n->grace = rec_ll(f[7], &bad);
	n->pid = (pid_t)rec_ll(f[8], &bad);
	if (n->pid != 0) {
		if (n->job == NULL)
			n->job = xcalloc(1, sizeof *n->job);
		n->job->start = (unsigned long long)rec_ll(f[9], &bad);
		free(n->job->cgroup);
		n->job->cgroup = *f[12] != '\0' ? xstrdup(f[12]) : NULL;
	}
	free(n->cmd);
	n->cmd = *f[11] != '\0' ? xstrdup(f[11]) : NULL;
	values_free(&n->values);
	for (i = 13; i < nf; i++) {
		if (*f[i] == '+')
			load_extra(n, f[i], &bad);
		else if (strchr(f[i], '=') != NULL)
			(void)values_set_pair(&n->values, f[i], &cause);
		else if (values_key_check(f[i], &cause) == 0)
			values_set(&n->values, f[i], NULL);
	}
	/*
	 * Its ctxrun was told to end the job: it says when it has. The
	 * cancel is kept, to tell a ctxrun that rejoins and to end the job
	 * as cancelled should it never; a file of an older ctxd has no
	 * +csig, and the job's own signal and grace stand for it.
	 */
	if (n->err != NULL && n->pid != 0) {
		n->ending = 1;
		if (n->job->cerr == NULL)
			n->job->cerr = xstrdup(n->err);
		if (n->job->csig == 0) {
			n->job->csig = n->sig;
			n->job->cgrace = n->grace;
		}
	}
	if (id >= next_id)
		next_id = id + 1;
	return bad ? -1 : 0;
}

/* Applies one record; -1 if it is malformed. */
static int
load_record(char *line)
{
	char		*f[FIELDS_MAX], *s;
	size_t		 nf = 0, i;
	struct node	*n;
	int		 bad = 0;
	uint64_t	 id;

	for (s = line; nf < FIELDS_MAX; s++) {
		f[nf++] = s;
		if ((s = strchr(s, '\t')) == NULL)
			break;
		*s = '\0';
	}
	for (i = 0; i < nf; i++)
		rec_unescape(f[i]);
	if (strcmp(f[0], "N") == 0)
		return load_node(f, nf);
	if (nf != 2)
		return -1;
	id = (uint64_t)rec_ll(f[1], &bad);
	if (bad)
		return -1;
	if (strcmp(f[0], "E") == 0) {
		/* Ended while nobody was there to see it: just forget it. */
		if ((n = tree_find(id)) != NULL)
			tree_forget(n);
		return 0;
	}
	return -1;
}

/* Replays a file of records; a last line cut short by a crash is ignored. */
static off_t
load_file(const char *path)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 len;
	off_t	 size = 0;
	int	 lineno = 0;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno != ENOENT)
			log_warnx("%s: %s", path, strerror(errno));
		return 0;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		size += len;
		if (line[len - 1] != '\n')
			break;
		line[len - 1] = '\0';
		if (load_record(line) == -1)
			log_warnx("%s:%d: bad record: skipped", path, lineno);
	}
	free(line);
	fclose(f);
	return size;
}

static int	buffer_drain_to(struct evbuffer *, int);
static void	state_empty(void);
static void	state_on_flush(evutil_socket_t, short, void *);

static void
snapshot_node(struct node *n, void *arg)
{
	if (n->state == NODE_RUNNING)
		rec_node(arg, n);
}

/*
 * Writes the live tree to the snapshot, atomically, and empties the
 * journal; records not written yet are in the tree, so in the snapshot.
 */
static int
state_fold(void)
{
	struct evbuffer	*eb;
	char		*tmp, *dir, *slash;
	size_t		 len;
	int		 fd, dfd, r = -1;

	evbuffer_drain(journal_buf, evbuffer_get_length(journal_buf));
	if ((eb = evbuffer_new()) == NULL)
		fatalx("%s: evbuffer_new", __func__);
	tree_walk(NULL, snapshot_node, eb);
	len = evbuffer_get_length(eb);
	xasprintf(&tmp, "%s.tmp", state_path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || buffer_drain_to(eb, fd) == -1 || fsync(fd) == -1 ||
	    rename(tmp, state_path) == -1) {
		log_warnx("%s: %s", tmp, strerror(errno));
		unlink(tmp);
	} else {
		/* The rename itself must reach the disk too. */
		dir = xstrdup(state_path);
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		if ((dfd = open(slash != NULL ? dir : ".",
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
			(void)fsync(dfd);
			close(dfd);
		}
		free(dir);
		snapshot_size = (off_t)len;
		snapshot_dirty = 1;
		if (journal_fd != -1 && ftruncate(journal_fd, 0) == 0)
			journal_size = 0;
		r = 0;
	}
	if (fd != -1)
		close(fd);
	free(tmp);
	evbuffer_free(eb);
	return r;
}

/* An older daemon's SOCKET.ids: every id below its number was taken. */
static void
ids_legacy(const char *path)
{
	char		*file, buf[32];
	ssize_t		 n;
	uint64_t	 v;
	int		 fd, bad = 0;

	xasprintf(&file, "%s.ids", path);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) != -1) {
		if ((n = pread(fd, buf, sizeof buf - 1, 0)) > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			v = (uint64_t)rec_ll(buf, &bad);
			if (!bad && v > next_id)
				next_id = v;
		}
		close(fd);
	}
	free(file);
}

/*
 * Loads the tree saved beside the socket at path, if any, then folds it
 * into a fresh snapshot and opens the journal. Returns -1 with *cause set if
 * the state cannot be written: a daemon that could not keep its promises
 * across a restart does not start.
 */
int
state_open(struct event_base *base, const char *path, char **cause)
{
	if ((journal_buf = evbuffer_new()) == NULL ||
	    (ev_flush = event_new(base, -1, 0, state_on_flush, NULL)) == NULL)
		fatalx("%s: cannot set up the journal", __func__);
	xasprintf(&state_path, "%s.state", path);
	xasprintf(&journal_path, "%s.journal", path);
	load_file(state_path);
	load_file(journal_path);
	ids_legacy(path);
	if ((ids = idseq_open(path, cause)) == NULL)
		return -1;
	idseq_floor(ids, next_id);
	journal_fd = open(journal_path,
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (journal_fd == -1 || state_fold() == -1) {
		xasprintf(cause, "%s: %s", journal_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes all of eb to fd. */
static int
buffer_drain_to(struct evbuffer *eb, int fd)
{
	while (evbuffer_get_length(eb) > 0) {
		if (evbuffer_write(eb, fd) == -1 && errno != EINTR)
			return -1;
	}
	return 0;
}

/*
 * Writes the records of this turn of the loop to the journal; folds the
 * journal into the snapshot once it has grown past twice the snapshot.
 */
static void
state_on_flush(evutil_socket_t fd, short events, void *arg)
{
	size_t	len = evbuffer_get_length(journal_buf);

	(void)fd;
	(void)events;
	(void)arg;
	if (len == 0 || journal_fd == -1) {
		evbuffer_drain(journal_buf, len);
		return;
	}
	if (buffer_drain_to(journal_buf, journal_fd) == -1) {
		log_warnx("%s: %s", journal_path, strerror(errno));
		evbuffer_drain(journal_buf, evbuffer_get_length(journal_buf));
	} else
		journal_size += (off_t)len;
	journal_dirty = 1;
	if (journal_size > JOURNAL_MIN && journal_size > 2 * snapshot_size)
		state_fold();
}

/* A record is in journal_buf: it is written before the loop polls again. */
static void
journal_append(void)
{
	if (ev_flush != NULL && !event_pending(ev_flush, EV_TIMEOUT, NULL))
		event_active(ev_flush, EV_TIMEOUT, 0);
}

/*
 * A new id: never one handed out before, by this daemon, an earlier one,
 * or a job's ctxrun.
 */
uint64_t
state_id_next(void)
{
	return idseq_take(ids);
}

/* The ids of this socket: which are taken, and the tree's token. */
struct idseq *
state_ids(void)
{
	return ids;
}

/* Records a node made or changed. */
void
state_node(const struct node *n)
{
	rec_node(journal_buf, n);
	journal_append();
}

/* Records that a node has ended. */
void
state_gone(const struct node *n)
{
	evbuffer_add_printf(journal_buf, "E\t%" PRIu64 "\n", n->id);
	journal_append();
	if (tree_live() == 0)
		state_empty();
}

/*
 * Nothing is live: both files empty, nothing to come back for. The
 * snapshot goes first: with it empty, every node in the journal has its
 * E record too, so a crash between the two leaves an empty tree all the
 * same. A file emptied already is left alone: when jobs come and go one at
 * a time, that is most of the time.
 */
static void
state_empty(void)
{
	evbuffer_drain(journal_buf, evbuffer_get_length(journal_buf));
	if (snapshot_dirty && truncate(state_path, 0) == -1 &&
	    errno != ENOENT) {
		log_warnx("%s: %s", state_path, strerror(errno));
		return;
	}
	snapshot_dirty = 0;
	snapshot_size = 0;
	if (journal_dirty && journal_fd != -1 &&
	    ftruncate(journal_fd, 0) == 0) {
		journal_size = 0;
		journal_dirty = 0;
	}
}

/* At exit: the snapshot holds what is live; no files if nothing is. */
void
state_close(void)
{
	if (state_path == NULL)
		return;
	if (tree_live() == 0) {
		unlink(state_path);
		unlink(journal_path);
	} else
		state_fold();
	if (ev_flush != NULL)
		event_free(ev_flush);
	ev_flush = NULL;
	if (journal_fd != -1)
		close(journal_fd);
	journal_fd = -1;
	idseq_close(ids);
	ids = NULL;
	free(state_path);
	free(journal_path);
	state_path = journal_path = NULL;
	evbuffer_free(journal_buf);
	journal_buf = NULL;
}
