/*
 * cmd-ls.c: ls / tree [CTX]: the tree, or one subtree, drawn as pstree
 * draws: box-drawing lines where the locale is UTF-8, ASCII elsewhere.
 */
#include <langinfo.h>
#include <locale.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctxctl.h"

struct drawing {
	struct nodes	*ns;
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

static void
draw_line(const struct msg *m, const char *prefix, const char *branch)
{
	const char	*name = msg_get(m, "name"), *err = msg_get(m, "err");
	const char	*pid = msg_get(m, "pid"), *cmd = msg_get(m, "cmd");
	char		 left[32];

	ctl_left(m, left, sizeof left);
	printf("%s%s%s  %s  %s  %s  %s  %s\n", prefix, branch,
	    msg_get(m, "id"), name != NULL ? name : "-",
	    err != NULL && strcmp(ctl_state(m), "done") == 0 ? err :
	    ctl_state(m), pid != NULL ? pid : "-",
	    left, cmd != NULL ? cmd : "-");
}

static void
draw(const struct drawing *d, size_t i, const char *prefix, int depth,
    int last)
{
	uint64_t	 id = d->id_of[i];
	size_t		 k, end;
	char		*sub;

	draw_line(&d->ns->v[i], prefix, depth == 0 ? "" :
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

static int
cmd_ls_exec(struct ctl *c, int argc, char **argv)
{
	struct nodes	 ns = { 0 };
	struct drawing	 d;
	struct msgout	*mo;
	size_t		 i;
	int		 utf8, first = 1;

	if (argc > 2)
		ctl_usage(&cmd_ls_entry, "unexpected argument '%s'", argv[2]);
	if (ctl_connect(c, CTL_START_SAVED) != -1) {
		mo = msgout_new(MSG_LIST);
		ctl_add_ctxs(mo, argc - 1, argv + 1);
		ctl_nodes(c, mo, &ns);
	} else if (argc == 2)
		errx(1, "no context '%s'", argv[1]);

	setlocale(LC_CTYPE, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	d.ns = &ns;
	d.branch = utf8 ? "\xe2\x94\x9c\xe2\x94\x80" : "|-";
	d.last = utf8 ? "\xe2\x94\x94\xe2\x94\x80" : "`-";
	d.pipe = utf8 ? "\xe2\x94\x82 " : "| ";
	d.id_of = xreallocarray(NULL, ns.n, sizeof *d.id_of);
	d.parent_of = xreallocarray(NULL, ns.n, sizeof *d.parent_of);
	d.ids = xreallocarray(NULL, ns.n, sizeof *d.ids);
	d.order = xreallocarray(NULL, ns.n, sizeof *d.order);
	for (i = 0; i < ns.n; i++) {
		d.id_of[i] = d.ids[i] = node_id(&ns.v[i]);
		d.parent_of[i] = node_parent(&ns.v[i]);
		d.order[i] = i;
	}
	qsort(d.ids, ns.n, sizeof *d.ids, cmp_u64);
	sort_parents = d.parent_of;
	qsort(d.order, ns.n, sizeof *d.order, cmp_by_parent);

	if (c->json)
		fputs("{\"contexts\":[", stdout);
	for (i = 0; i < ns.n; i++) {
		if (d.parent_of[i] != 0 && has_node(&d, d.parent_of[i]))
			continue;
		if (c->json) {
			if (!first)
				putchar(',');
			json_tree(&d, i);
		} else
			draw(&d, i, "", 0, 1);
		first = 0;
	}
	if (c->json)
		puts("]}");
	free(d.id_of);
	free(d.parent_of);
	free(d.ids);
	free(d.order);
	ctl_nodes_free(&ns);
	return 0;
}

const struct cmd_entry cmd_ls_entry = {
	"ls", "tree", "[ctx]", cmd_ls_exec
};
