/*
 * values.c: a node's values, exported to its job as environment variables.
 * Later definitions replace earlier ones, which is how the precedence of
 * SPEC §7 (ancestors, ini globals, ini section, --value) falls out.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

void
values_init(struct values *vs)
{
	TAILQ_INIT(vs);
}

void
values_free(struct values *vs)
{
	struct value	*v;

	while ((v = TAILQ_FIRST(vs)) != NULL) {
		TAILQ_REMOVE(vs, v, entry);
		free(v->key);
		free(v->val);
		free(v);
	}
}

/* Is key an environment name ([A-Za-z_][A-Za-z0-9_]*) not starting CTX_? */
int
values_key_check(const char *key, const char **cause)
{
	const char	*p;

	if (*key == '\0') {
		*cause = "empty key";
		return -1;
	}
	if (isdigit((unsigned char)*key)) {
		*cause = "key starts with a digit";
		return -1;
	}
	for (p = key; *p != '\0'; p++) {
		if (!isascii((unsigned char)*p) ||
		    (!isalnum((unsigned char)*p) && *p != '_')) {
			*cause = "key is not an environment name "
			    "([A-Za-z_][A-Za-z0-9_]*)";
			return -1;
		}
	}
	if (strncmp(key, "CTX_", 4) == 0) {
		*cause = "keys starting with CTX_ are reserved";
		return -1;
	}
	return 0;
}

/* Sets key to val, replacing an earlier definition. The key is not checked. */
void
values_set(struct values *vs, const char *key, const char *val)
{
	struct value	*v;

	TAILQ_FOREACH(v, vs, entry) {
		if (strcmp(v->key, key) == 0) {
			free(v->val);
			v->val = xstrdup(val);
			return;
		}
	}
	v = xmalloc(sizeof *v);
	v->key = xstrdup(key);
	v->val = xstrdup(val);
	TAILQ_INSERT_TAIL(vs, v, entry);
}

/* Sets a value from "KEY=VALUE" text, checking the key. */
int
values_set_pair(struct values *vs, const char *pair, const char **cause)
{
	const char	*eq;
	char		*key;
	int		 r;

	if ((eq = strchr(pair, '=')) == NULL) {
		*cause = "expected KEY=VALUE";
		return -1;
	}
	key = xmalloc(eq - pair + 1);
	memcpy(key, pair, eq - pair);
	key[eq - pair] = '\0';
	if ((r = values_key_check(key, cause)) == 0)
		values_set(vs, key, eq + 1);
	free(key);
	return r;
}

/* Puts every value into this process's environment, for the job to inherit. */
int
values_export(const struct values *vs)
{
	struct value	*v;

	TAILQ_FOREACH(v, vs, entry) {
		if (setenv(v->key, v->val, 1) == -1)
			return -1;
	}
	return 0;
}

/*
 * The room vs takes in a message: *bytes as its "v" fields ("v=KEY=VALUE"
 * and a NUL), and *count, how many.
 */
void
values_measure(const struct values *vs, size_t *bytes, size_t *count)
{
	const struct value	*v;

	*bytes = *count = 0;
	TAILQ_FOREACH(v, vs, entry) {
		*bytes += strlen(v->key) + strlen(v->val) + 4;
		(*count)++;
	}
}
