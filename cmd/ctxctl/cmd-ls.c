/*
 * cmd-ls.c: ls / tree [-l] [CTX]: the tree, or one subtree, drawn as pstree
 * draws: box-drawing lines where the locale is UTF-8, ASCII elsewhere. A
 * header and aligned columns; the command, last, is cut to the width of
 * the terminal (text.c), unless -l.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxctl.h"

#define LS_COLS		6	/* ID NAME STATE PID LEFT COMMAND */
#define LS_MIN_CMD	8	/* columns the command keeps on a narrow terminal */

static const char *const ls_header[LS_COLS] = {
	"ID", "NAME", "STATE", "PID", "LEFT", "COMMAND"
};

/* A line of the listing, each cell as shown (escaped, allocated). */
struct row {
	char	*cell[LS_COLS];
};

struct drawing {
	struct nodes	*ns;
	struct row	*rows;		/* in the order drawn */
	size_t		 nrows;
	uint64_t	*id_of;		/* by node index */
	uint64_t	*parent_of;	/* by node index; 0: none */
	uint64_t	*ids;		/* sorted, for lookups */
	size_t		*order;		/* node indexes sorted by parent */
	const char	*branch, *last, *pipe;
};

static uint64_t
node_id(const struct msg *m)
{
	return strtoull(msg_get(m, "id"), NULL, 10);
}

static uint64_t
node_parent(const struct msg *m)
{
	const char	*s = msg_get(m, "parent");

	return s == NULL ? 0 : strtoull(s, NULL, 10);
}

static const uint64_t	*sort_parents;	/* for cmp_by_parent() */

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* By parent, then by the order ctxd sent them in (oldest first). */
static int
cmp_by_parent(const void *a, const void *b)
{
	size_t		i = *(const size_t *)a, j = *(const size_t *)b;
	uint64_t	pi = sort_parents[i], pj = sort_parents[j];

	if (pi != pj)
		return (pi > pj) - (pi < pj);
	return (i > j) - (i < j);
}

static int
has_node(const struct drawing *d, uint64_t id)
{
	return bsearch(&id, d->ids, d->ns->n, sizeof *d->ids, cmp_u64) != NULL;
}

/* The first position in d->order of a child of id. */
static size_t
first_child(const struct drawing *d, uint64_t id)
{
	size_t	lo = 0, hi = d->ns->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->parent_of[d->order[mid]] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The cells of a node's line, the tree drawn before its id. */
static void
draw_line(struct drawing *d, const struct msg *m, const char *prefix,
    const char *branch)
{
	const char	*name = msg_get(m, "name"), *err = msg_get(m, "err");
	const char	*pid = msg_get(m, "pid"), *cmd = msg_get(m, "cmd");
	struct row	*row = &d->rows[d->nrows++];
	char		 left[32];

	ctl_left(m, left, sizeof left);
	xasprintf(&row->cell[0], "%s%s%s", prefix, branch, msg_get(m, "id"));
	row->cell[1] = text_escape(name != NULL ? name : "-");
	row->cell[2] = text_escape(err != NULL &&
	    strcmp(ctl_state(m), "done") == 0 ? err : ctl_state(m));
	row->cell[3] = text_escape(pid != NULL ? pid : "-");
	row->cell[4] = xstrdup(left);
	row->cell[5] = text_escape(cmd != NULL ? cmd : "-");
}

/* One line: cells padded to their column's width, the last cut to fit. */
static void
print_row(char *const *cell, const size_t *width, size_t columns)
{
	size_t	i, used = 0, pad;
	char	*last;

	for (i = 0; i < LS_COLS - 1; i++) {
		fputs(cell[i], stdout);
		for (pad = text_width(cell[i]); pad < width[i] + 2; pad++)
			putchar(' ');
		used += width[i] + 2;
	}
	if (columns == 0) {
		puts(cell[i]);
		return;
	}
	last = text_cut(cell[i], columns > used + LS_MIN_CMD ?
	    columns - used : LS_MIN_CMD);
	puts(last);
	free(last);
}

/* The header and the lines drawn, aligned; columns 0: nothing is cut. */
static void
print_rows(const struct drawing *d, size_t columns)
{
	size_t	width[LS_COLS], i, j, w;

	for (j = 0; j < LS_COLS; j++)
		width[j] = strlen(ls_header[j]);
	for (i = 0; i < d->nrows; i++) {
		for (j = 0; j < LS_COLS; j++) {
			if ((w = text_width(d->rows[i].cell[j])) > width[j])
				width[j] = w;
		}
	}
	print_row((char *const *)ls_header, width, columns);
	for (i = 0; i < d->nrows; i++) {
		print_row(d->rows[i].cell, width, columns);
		for (j = 0; j < LS_COLS; j++)
			free(d->rows[i].cell[j]);
	}
}

static void
draw(struct drawing *d, size_t i, const char *prefix, int depth, int last)
{
	uint64_t	 id = d->id_of[i];
	size_t		 k, end;
	char		*sub;

	draw_line(d, &d->ns->v[i], prefix, depth == 0 ? "" :
	    last ? d->last : d->branch);
	xasprintf(&sub, "%s%s", prefix, depth == 0 ? "" :
	    last ? "  " : d->pipe);
	k = first_child(d, id);
	for (end = k; end < d->ns->n && d->parent_of[d->order[end]] == id;
	    end++)
		;
	for (; k < end; k++)
		draw(d, d->order[k], sub, depth + 1, k == end - 1);
	free(sub);
}

static void
json_tree(const struct drawing *d, size_t i)
{
	uint64_t	id = d->id_of[i];
	size_t		k;
	int		first = 1;

	json_node(&d->ns->v[i], 1);
	for (k = first_child(d, id); k < d->ns->n &&
	    d->parent_of[d->order[k]] == id; k++) {
		fputs(first ? ",\"children\":[" : ",", stdout);
		json_tree(d, d->order[k]);
		first = 0;
	}
	if (!first)
		putchar(']');
	putchar('}');
}

/* Indexes the nodes by id and by parent, for drawing. */
static void
ls_index(struct drawing *d, struct nodes *ns)
{
	size_t	i;
	int	utf8 = text_utf8_locale();

	memset(d, 0, sizeof *d);
	d->ns = ns;
	d->branch = utf8 ? "\xe2\x94\x9c\xe2\x94\x80" : "|-";
	d->last = utf8 ? "\xe2\x94\x94\xe2\x94\x80" : "`-";
	d->pipe = utf8 ? "\xe2\x94\x82 " : "| ";
	d->id_of = xreallocarray(NULL, ns->n, sizeof *d->id_of);
	d->parent_of = xreallocarray(NULL, ns->n, sizeof *d->parent_of);
	d->ids = xreallocarray(NULL, ns->n, sizeof *d->ids);
	d->order = xreallocarray(NULL, ns->n, sizeof *d->order);
	d->rows = xreallocarray(NULL, ns->n, sizeof *d->rows);
	for (i = 0; i < ns->n; i++) {
		d->id_of[i] = d->ids[i] = node_id(&ns->v[i]);
		d->parent_of[i] = node_parent(&ns->v[i]);
		d->order[i] = i;
	}
	qsort(d->ids, ns->n, sizeof *d->ids, cmp_u64);
	sort_parents = d->parent_of;
	qsort(d->order, ns->n, sizeof *d->order, cmp_by_parent);
}

/* Each tree whose root's parent is not listed: as JSON, or drawn. */
static void
ls_output(struct ctl *c, struct drawing *d, int whole)
{
	size_t	i;
	int	first = 1;

	if (c->json)
		fputs("{\"contexts\":[", stdout);
	for (i = 0; i < d->ns->n; i++) {
		if (d->parent_of[i] != 0 && has_node(d, d->parent_of[i]))
			continue;
		if (c->json) {
			if (!first)
				putchar(',');
			json_tree(d, i);
		} else
			draw(d, i, "", 0, 1);
		first = 0;
	}
	if (c->json)
		puts("]}");
	else if (d->nrows == 0)
		fputs("no contexts\n", stderr);
	else
		print_rows(d, whole ? 0 : text_columns());
}

static int	ls_whole;	/* -l: for ls_show(), which -w calls back */

/* Draws the nodes ns, as a tree or as --json. */
static void
ls_show(struct ctl *c, struct nodes *ns)
{
	struct drawing	d;

	ls_index(&d, ns);
	ls_output(c, &d, ls_whole);
	free(d.id_of);
	free(d.parent_of);
	free(d.ids);
	free(d.order);
	free(d.rows);
}

/*
 * ls -q: each context's id and name, split by a tab, a line each (the id
 * alone for one with no name), for shell completion and scripts. It never
 * starts a daemon: with none, there is nothing to list.
 */
static void
ls_quiet(struct ctl *c, int argc, char **argv)
{
	struct nodes	 ns = { 0 };
	struct msgout	*mo;
	const char	*name;
	size_t		 i;

	if (ctl_connect(c, 0) == -1)
		return;
	mo = msgout_new(MSG_LIST);
	ctl_add_ctxs(mo, argc, argv);
	ctl_nodes(c, mo, &ns);
	for (i = 0; i < ns.n; i++) {
		name = msg_get(&ns.v[i], "name");
		printf("%s%s%s\n", msg_get(&ns.v[i], "id"),
		    name != NULL ? "\t" : "", name != NULL ? name : "");
	}
	ctl_nodes_free(&ns);
}

static int
cmd_ls_exec(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "long",	no_argument,	NULL, 'l' },
		{ NULL,		0,		NULL, 0 }
	};
	struct nodes	 ns = { 0 };
	struct msgout	*mo;
	int		 ch, quiet = 0, watch = 0;

	while ((ch = ctl_getopt(c, &cmd_ls_entry, argc, argv, "lqw",
	    longopts)) != -1) {
		switch (ch) {
		case 'l':
			ls_whole = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'w':
			watch = 1;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		ctl_usage(&cmd_ls_entry, "unexpected argument '%s'", argv[1]);
	if (quiet && watch)
		ctl_usage(&cmd_ls_entry, "-q and -w do not go together");
	if (quiet) {
		ls_quiet(c, argc, argv);
		return 0;
	}
	if (watch)
		return watch_tree(c, argc, argv, ls_show);
	c->doc = 1;
	if (ctl_connect(c, CTL_START_SAVED) != -1) {
		mo = msgout_new(MSG_LIST);
		ctl_add_ctxs(mo, argc, argv);
		ctl_nodes(c, mo, &ns);
	} else if (argc == 1)
		ctl_fail(c, 1, "no context '%s'", argv[0]);
	ls_show(c, &ns);
	ctl_nodes_free(&ns);
	return 0;
}

const struct cmd_entry cmd_ls_entry = {
	"ls", "tree", "[-l] [-q | -w] [ctx]", cmd_ls_exec,
	"the tree of contexts, or the subtree of ctx",
	"  -l, --long          each command whole, not cut to the terminal's "
	"width\n"
	"  -q                  each context's id and name, a line each\n"
	"  -w                  watch: draw the tree again as it changes\n"
};
