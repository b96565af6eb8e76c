/*
 * log.c: the daemon's log, as OpenBSD daemons keep theirs: to stderr in the
 * foreground (and before log_open()), else to syslog or to a file. fatal() and fatalx() are for
 * broken invariants; they log and exit.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"

static FILE	*log_fp;		/* a file; NULL: stderr */
static int	 log_syslog;
static int	 log_level = CTX_LOG_INFO;
static const char *log_name = "ctx";

/*
 * Opens the log for name: to stderr if foreground, else to file if not NULL,
 * else to syslog. Messages above level are dropped.
 */
void
log_open(const char *name, int level, const char *file)
{
	log_name = name;
	log_level = level;
	log_syslog = file == NULL;
	if (log_syslog)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else if (strcmp(file, "-") != 0 && (log_fp = fopen(file, "ae")) != NULL)
		setvbuf(log_fp, NULL, _IOLBF, 0);
}

static void __attribute__((format(printf, 3, 0)))
log_vwrite(int level, int prio, const char *fmt, va_list ap)
{
	FILE	*fp;
	char	 ts[TIMESTAMP_LEN];

	if (level > log_level)
		return;
	if (log_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	fp = log_fp != NULL ? log_fp : stderr;
	timestamp_format(clock_real(), ts, sizeof ts);
	fprintf(fp, "%s %s[%d]: ", ts, log_name, (int)getpid());
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(CTX_LOG_WARNING, LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(CTX_LOG_INFO, LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(CTX_LOG_DEBUG, LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* Logs with the errno text and exits: an invariant is broken. */
void
fatal(const char *fmt, ...)
{
	char	buf[512];
	int	saved = errno;
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fatalx("%s: %s", buf, strerror(saved));
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(CTX_LOG_ERROR, LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(CTX_EXIT_FAILURE);
}
