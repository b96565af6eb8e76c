/*
 * inifile.c: ini files, parsed with inih: values (SPEC §7) and the frame
 * config.c reads ctxd.ini with.
 *
 * inih reports only the line of the first error, and its handler is not told
 * the line it is called for, so the file is fed through a reader of our own
 * that counts lines: a key refused by a callback is then reported with its
 * own line and reason, and anything else inih refused as a malformed line.
 * ctxd.ini (config.c) is read the same way.
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

struct inifile {
	FILE		*f;
	inifile_cb	*cb;
	void		*arg;
	const char	*watch;		/* a section to look out for */
	int		 found;		/* was [watch] seen? */
	int		 line;		/* the line inih is working on */
	int		 error_line;	/* the first line refused */
	const char	*error;		/* and why */
};

/* Does the line open [section]? Empty sections never reach the handler. */
static int
line_opens(const char *line, const char *section)
{
	size_t	len = strlen(section);

	line += strspn(line, " \t");
	return line[0] == '[' && strncmp(line + 1, section, len) == 0 &&
	    line[len + 1] == ']';
}

/* Is f at its end? Reads ahead one byte to know. */
static int
at_end(FILE *f)
{
	int	c;

	if ((c = getc(f)) == EOF)
		return 1;
	ungetc(c, f);
	return 0;
}

/*
 * Hands inih one line at a time, counting lines; a line longer than inih's
 * buffer is an error here, where inih would read its rest as a new line.
 */
static char *
inifile_reader(char *buf, int size, void *arg)
{
	struct inifile	*ini = arg;
	size_t		 len;

	if (fgets(buf, size, ini->f) == NULL)
		return NULL;
	ini->line++;
	len = strlen(buf);
	if (len == (size_t)size - 1 && buf[len - 1] != '\n' &&
	    !at_end(ini->f)) {
		if (ini->error == NULL) {
			ini->error_line = ini->line;
			ini->error = "line too long";
		}
		return NULL;
	}
	/*
	 * inih reads an indented line as more of the value above it; nobody
	 * writing these files means that, so every line stands on its own.
	 */
	if ((len = strspn(buf, " \t")) > 0)
		memmove(buf, buf + len, strlen(buf + len) + 1);
	if (ini->watch != NULL && line_opens(buf, ini->watch))
		ini->found = 1;
	return buf;
}

static int
inifile_handler(void *arg, const char *section, const char *key,
    const char *val)
{
	struct inifile	*ini = arg;
	const char	*cause;
	char		*copy;
	size_t		 len;
	int		 r;

	/* One pair of double quotes around a value is taken away. */
	len = strlen(val);
	if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
		copy = xstrdup(val + 1);
		copy[len - 2] = '\0';
	} else
		copy = xstrdup(val);
	r = ini->cb(ini->arg, section, key, copy, &cause);
	free(copy);
	if (r == -1 && ini->error == NULL) {
		ini->error_line = ini->line;
		ini->error = cause;
	}
	return r == 0;
}

/*
 * Parses the ini file at path, calling cb for each key with its line known,
 * so an error names file:line. If watch is not NULL, *found says whether a
 * [watch] section was seen, empty or not. On error returns -1 with *cause an
 * allocated "file:line: reason" message.
 */
int
inifile_parse(const char *path, inifile_cb *cb, void *arg, const char *watch,
    int *found, char **cause)
{
	struct inifile	ini;
	int		line;

	memset(&ini, 0, sizeof ini);
	ini.cb = cb;
	ini.arg = arg;
	ini.watch = watch;
	if ((ini.f = fopen(path, "re")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	line = ini_parse_stream(inifile_reader, &ini, inifile_handler, &ini);
	if (ferror(ini.f)) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		fclose(ini.f);
		return -1;
	}
	fclose(ini.f);
	if (found != NULL)
		*found = ini.found;

	if (ini.error != NULL && (line == 0 || line >= ini.error_line))
		xasprintf(cause, "%s:%d: %s", path, ini.error_line, ini.error);
	else if (line != 0)
		xasprintf(cause, "%s:%d: malformed line (expected KEY = VALUE "
		    "or [section])", path, line);
	else
		return 0;
	return -1;
}

struct values_load {
	const char	*section;
	struct values	*values;
};

/* Keys are checked in every section; only the globals and ours are kept. */
static int
values_cb(void *arg, const char *section, const char *key, const char *val,
    const char **cause)
{
	struct values_load	*vl = arg;

	if (values_key_check(key, cause) == -1)
		return -1;
	if (*section == '\0' ||
	    (vl->section != NULL && strcmp(section, vl->section) == 0))
		values_set(vl->values, key, val);
	return 0;
}

/*
 * Adds the global keys of the ini file at path, then those of its section
 * (if section is not NULL), to vs. A missing section is an error only if
 * required. On error returns -1 with *cause set to an allocated "file:line:
 * reason" message.
 */
int
inifile_values(const char *path, const char *section, int required,
    struct values *vs, char **cause)
{
	struct values_load	vl = { section, vs };
	int			found;

	if (inifile_parse(path, values_cb, &vl, section, &found, cause) == -1)
		return -1;
	if (section != NULL && required && !found) {
		xasprintf(cause, "%s: no section [%s]", path, section);
		return -1;
	}
	return 0;
}
