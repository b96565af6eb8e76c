/*
 * ctxctl.h: the commands of ctxctl, one file each (cmd-*.c), and what they
 * share: ctl.c (usage, help, the link to ctxd, arguments), json.c (--json),
 * text.c (text for a terminal: escaped, measured, cut) and watch.c (a
 * subscription to the tree's changes). ctxctl.c holds main and the table
 * of commands, cmd-help.c ctxctl help.
 */
#ifndef CTXCTL_H
#define CTXCTL_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "proto.h"

struct ctl {
	const char	*socket;	/* -S */
	int		 json;		/* --json */
	int		 fd;		/* to ctxd; -1 before ctl_connect() */
	char		*path;		/* ctxd's socket, once connected */
	nsec_t		 until;		/* when we stop waiting on it */
	nsec_t		 timeout;	/* client_timeout */
	const struct cmd_entry *const *cmds;	/* the table, for help */
	size_t		 ncmds;
	int		 doc;		/* with --json, a document even on error */
	int		 notfound;	/* exit status: a CTX that names nothing */
};

struct cmd_entry {
	const char	*name;
	const char	*alias;
	const char	*usage;
	int		(*exec)(struct ctl *, int, char **);
	const char	*summary;	/* one line, for ctxctl help */
	const char	*options;	/* a line an option, for help CMD */
};

/* A list of MSG_NODE replies. */
struct nodes {
	struct msg	*v;
	size_t		 n;
	size_t		 cap;
};

extern const struct cmd_entry cmd_cancel_entry;
extern const struct cmd_entry cmd_daemon_entry;
extern const struct cmd_entry cmd_env_entry;
extern const struct cmd_entry cmd_events_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_left_entry;
extern const struct cmd_entry cmd_ls_entry;
extern const struct cmd_entry cmd_new_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_wait_entry;

/* ctl.c */
void __attribute__((noreturn, format(printf, 2, 3)))
		 ctl_usage(const struct cmd_entry *, const char *, ...);
void __attribute__((noreturn))
		 ctl_badopt(const struct cmd_entry *, int, char **);
extern const struct option ctl_nolongopts[];
int		 ctl_getopt(struct ctl *, const struct cmd_entry *, int, char **,
		    const char *, const struct option *);
int		 ctl_noopts(struct ctl *, const struct cmd_entry *, int, char **);
void		 ctl_help(const struct cmd_entry *);
const struct cmd_entry *ctl_find_cmd(const struct ctl *, const char *);
void __attribute__((noreturn))
		 ctl_ambiguous(const char *, const struct nodes *);
void __attribute__((noreturn, format(printf, 3, 4)))
		 ctl_fail(const struct ctl *, int, const char *, ...);
const char	*ctl_state(const struct msg *);
#define CTL_START	1	/* start ctxd if it is not up */
#define CTL_START_SAVED	2	/* ... only to show a saved tree */
int		 ctl_connect(struct ctl *, int);
int		 ctl_try_connect(struct ctl *, int, nsec_t, char **);
int		 ctl_nodes(struct ctl *, struct msgout *, struct nodes *);
int		 ctl_nodes_try(struct ctl *, struct msgout *, struct nodes *,
		    const char **);
void		 ctl_ok(struct ctl *, struct msgout *);
void		 ctl_nodes_add(struct nodes *, struct msg *);
void		 ctl_nodes_free(struct nodes *);
nsec_t		 ctl_duration(const char *, const char *);
nsec_t		 ctl_time(const char *, const char *);
int		 ctl_signal(const char *, const char *);
void		 ctl_add_ctxs(struct msgout *, int, char **);
void		 ctl_left(const struct msg *, char *, size_t);
void		 ctl_left_format(nsec_t, char *, size_t);
void		 ctl_shell_quote(const char *);
void		 ctl_export_values(const struct msg *);

/* cmd-help.c */
void		 help_list(const struct ctl *);

/* watch.c */
struct evbuffer;
struct watch {
	int		 fd;
	struct evbuffer	*in;
};
void		 watch_start(struct ctl *, struct watch *);
int		 watch_next(struct watch *, struct msg *, nsec_t);
void		 watch_free(struct watch *);
int		 watch_tree(struct ctl *, int, char **,
		    void (*)(struct ctl *, struct nodes *));

/* json.c */
void		 json_write_string(FILE *, const char *);
void		 json_string(const char *);
void		 json_node(const struct msg *, int);
void		 json_event(const struct msg *, const char *);

/* text.c */
size_t		 text_utf8(const char *, uint32_t *);
int		 text_utf8_locale(void);
char		*text_escape(const char *);
size_t		 text_width(const char *);
char		*text_cut(const char *, size_t);
size_t		 text_columns(void);

#endif
