/*
 * ctxctl.h: the commands of ctxctl, one file each (cmd-*.c), and what they
 * share: ctl.c (usage, the link to ctxd, arguments) and json.c (--json).
 * ctxctl.c holds main and the table of commands.
 */
#ifndef CTXCTL_H
#define CTXCTL_H

#include <getopt.h>

#include "ctx.h"
#include "proto.h"

struct ctl {
	const char	*socket;	/* -S */
	int		 json;		/* --json */
	int		 fd;		/* to ctxd; -1 before ctl_connect() */
	char		*path;		/* ctxd's socket, once connected */
	nsec_t		 until;		/* when we stop waiting on it */
	nsec_t		 timeout;	/* client_timeout */
	int		 notfound;	/* exit status: a CTX that names nothing */
};

struct cmd_entry {
	const char	*name;
	const char	*alias;
	const char	*usage;
	int		(*exec)(struct ctl *, int, char **);
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
const char	*ctl_state(const struct msg *);
#define CTL_START	1	/* start ctxd if it is not up */
#define CTL_START_SAVED	2	/* ... only to show a saved tree */
int		 ctl_connect(struct ctl *, int);
int		 ctl_try_connect(struct ctl *, int, nsec_t, char **);
int		 ctl_nodes(struct ctl *, struct msgout *, struct nodes *);
int		 ctl_nodes_try(struct ctl *, struct msgout *, struct nodes *,
		    const char **);
void		 ctl_ok(struct ctl *, struct msgout *);
void		 ctl_nodes_free(struct nodes *);
nsec_t		 ctl_duration(const char *, const char *);
nsec_t		 ctl_time(const char *, const char *);
int		 ctl_signal(const char *, const char *);
void		 ctl_add_ctxs(struct msgout *, int, char **);
void		 ctl_left(const struct msg *, char *, size_t);
void		 ctl_left_format(nsec_t, char *, size_t);
void		 ctl_shell_quote(const char *);
void		 ctl_export_values(const struct msg *);

/* json.c */
void		 json_string(const char *);
void		 json_node(const struct msg *, int);

#endif
