/*
 * idseq.c: context ids, taken from a counter in a file beside ctxd's
 * socket (SOCKET.seq) that ctxrun and ctxd share. A job takes its id there
 * itself, with no word to ctxd, so that it can start without waiting for
 * the daemon (SPEC §12); ids stay short numbers, and are never handed out
 * twice by this socket's daemon nor its jobs.
 *
 * The file also names the tree kept at this socket: a token of random hex
 * made with the file. A job's environment carries it (CTX_TREE) beside its
 * id, so that an id is never taken for one of another tree (another
 * machine, user or socket), and so that a ctxrun knows its environment
 * holds the whole context its CTX_ID names.
 *
 * The counter is a 64-bit word in a shared mapping of the file, taken with
 * an atomic add: no lock, and no system call beyond the mapping's. The file
 * is made whole under a temporary name and linked into place, so it is
 * never seen half written.
 */
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"

#define SEQ_MAGIC	"ctxseq1"

struct idseq_file {
	char		magic[8];
	char		tree[IDSEQ_TREE_LEN];
	uint64_t	next;		/* the next id to hand out */
};

struct idseq {
	struct idseq_file	*f;
};

/* Makes the file at path, whole, unless another process just did. */
static int
seq_create(const char *path)
{
	struct idseq_file	 f;
	uint64_t		 r[2];
	char			*tmp;
	int			 fd, saved;

	memset(&f, 0, sizeof f);
	memcpy(f.magic, SEQ_MAGIC, sizeof SEQ_MAGIC);
	if (getrandom(r, sizeof r, 0) != sizeof r)
		return -1;
	snprintf(f.tree, sizeof f.tree, "%016llx%016llx",
	    (unsigned long long)r[0], (unsigned long long)r[1]);
	f.next = 1;
	xasprintf(&tmp, "%s.%d.tmp", path, (int)getpid());
	unlink(tmp);	/* one of a process that had our pid and died */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		free(tmp);
		return -1;
	}
	if (write(fd, &f, sizeof f) != sizeof f || link(tmp, path) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		errno = saved;
		return errno == EEXIST ? 0 : -1;
	}
	close(fd);
	unlink(tmp);
	free(tmp);
	return 0;
}

/*
 * Opens the ids of the socket at path, making the file if there is none.
 * The socket's directory must have been checked (client_socket_path()).
 */
struct idseq *
idseq_open(const char *path, char **cause)
{
	struct idseq	*s;
	struct stat	 st;
	char		*file;
	void		*p;
	int		 fd;

	xasprintf(&file, "%s.seq", path);
	if ((fd = open(file, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) == -1 &&
	    errno == ENOENT && seq_create(file) == 0)
		fd = open(file, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", file, strerror(errno));
		free(file);
		return NULL;
	}
	p = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == getuid() && st.st_size >= (off_t)sizeof *s->f)
		p = mmap(NULL, sizeof *s->f, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED || memcmp(p, SEQ_MAGIC, sizeof SEQ_MAGIC) != 0 ||
	    memchr(((struct idseq_file *)p)->tree, '\0', IDSEQ_TREE_LEN) ==
	    NULL) {
		xasprintf(cause, "%s: not an ids file of ours", file);
		if (p != MAP_FAILED)
			munmap(p, sizeof *s->f);
		free(file);
		return NULL;
	}
	free(file);
	s = xcalloc(1, sizeof *s);
	s->f = p;
	return s;
}

/* Hands out the next id. */
uint64_t
idseq_take(struct idseq *s)
{
	return __atomic_fetch_add(&s->f->next, 1, __ATOMIC_SEQ_CST);
}

/* Was id handed out already (by anyone)? */
int
idseq_taken(const struct idseq *s, uint64_t id)
{
	return id > 0 && id < __atomic_load_n(&s->f->next, __ATOMIC_SEQ_CST);
}

/* No id below min is handed out again: those a saved tree holds. */
void
idseq_floor(struct idseq *s, uint64_t min)
{
	uint64_t	cur = __atomic_load_n(&s->f->next, __ATOMIC_SEQ_CST);

	while (cur < min && !__atomic_compare_exchange_n(&s->f->next, &cur,
	    min, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
}

/* The token that names this socket's tree. */
const char *
idseq_tree(const struct idseq *s)
{
	return s->f->tree;
}

void
idseq_close(struct idseq *s)
{
	if (s == NULL)
		return;
	munmap(s->f, sizeof *s->f);
	free(s);
}
