/*
 * inifile.c: values from an ini file (SPEC §7), parsed with inih.
 *
 * inih reports only the line of the first error, and its handler is not told
 * the line it is called for, so the file is fed through a reader of our own
 * that counts lines: a key refused by the handler is then reported with its
 * own line and reason, and anything else inih refused as a malformed line.
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

struct inifile {
	FILE		*f;
	const char	*section;	/* the section wanted, or NULL */
	struct values	*values;
	int		 line;		/* the line inih is working on */
	int		 found;		/* was [section] seen? */
	int		 error_line;	/* the first line the handler refused */
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
	if (ini->section != NULL && line_opens(buf, ini->section))
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

	if (values_key_check(key, &cause) == -1) {
		if (ini->error == NULL) {
			ini->error_line = ini->line;
			ini->error = cause;
		}
		return 0;
	}
	if (*section != '\0' &&
	    (ini->section == NULL || strcmp(section, ini->section) != 0))
		return 1;

	/* One pair of double quotes around a value is taken away. */
	len = strlen(val);
	if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
		copy = xstrdup(val + 1);
		copy[len - 2] = '\0';
		values_set(ini->values, key, copy);
		free(copy);
	} else
		values_set(ini->values, key, val);
	return 1;
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
	struct inifile	ini;
	int		line;

	memset(&ini, 0, sizeof ini);
	ini.section = section;
	ini.values = vs;
	if ((ini.f = fopen(path, "r")) == NULL) {
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

	if (ini.error != NULL && (line == 0 || line >= ini.error_line))
		xasprintf(cause, "%s:%d: %s", path, ini.error_line, ini.error);
	else if (line != 0)
		xasprintf(cause, "%s:%d: malformed line (expected KEY = VALUE "
		    "or [section])", path, line);
	else if (section != NULL && required && !ini.found)
		xasprintf(cause, "%s: no section [%s]", path, section);
	else
		return 0;
	return -1;
}
