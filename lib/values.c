/*
 * values.c: a node's values, exported to its job as environment variables.
 * Later definitions replace earlier ones, which is how the precedence of
 * SPEC §7 (ancestors, ini globals, ini section, --value) falls out.
 * A key whose value is NULL is unset (--unset, Go's WithValue(k, nil)):
 * it stays in the list as a mark, which hides an earlier definition, an
 * ancestor's, from the node and every node below it.
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

/*
 * Sets key to val, replacing an earlier definition; val NULL unsets it.
 * The key is not checked.
 */
void
values_set(struct values *vs, const char *key, const char *val)
{
	struct value	*v;

	TAILQ_FOREACH(v, vs, entry) {
		if (strcmp(v->key, key) == 0) {
			free(v->val);
			v->val = val != NULL ? xstrdup(val) : NULL;
			return;
		}
	}
	v = xmalloc(sizeof *v);
	v->key = xstrdup(key);
	v->val = val != NULL ? xstrdup(val) : NULL;
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

/*
 * Puts every value into this process's environment, for the job to
 * inherit, and takes the keys unset out of it.
 */
int
values_export(const struct values *vs)
{
	struct value	*v;

	TAILQ_FOREACH(v, vs, entry) {
		if ((v->val != NULL ? setenv(v->key, v->val, 1) :
		    unsetenv(v->key)) == -1)
			return -1;
	}
	return 0;
}

/*
 * The room vs takes in a message: *bytes as its "v" fields ("v=KEY=VALUE"
 * and a NUL) and "u" fields ("u=KEY" and a NUL), and *count, how many.
 */
void
values_measure(const struct values *vs, size_t *bytes, size_t *count)
{
	const struct value	*v;

	*bytes = *count = 0;
	TAILQ_FOREACH(v, vs, entry) {
		*bytes += strlen(v->key) + 3;
		if (v->val != NULL)
			*bytes += strlen(v->val) + 1;
		(*count)++;
	}
}

/* Adds vs to a message: a "v" field KEY=VALUE each, "u" KEY if unset. */
void
values_msg_add(struct msgout *mo, const struct values *vs)
{
	const struct value	*v;

	TAILQ_FOREACH(v, vs, entry) {
		if (v->val != NULL)
			msgout_add(mo, "v", "%s=%s", v->key, v->val);
		else
			msgout_adds(mo, "u", v->key);
	}
}

/*
 * Reads the "v" and "u" fields of m into vs, in their order. Returns -1
 * at one with a bad key, *bad its text and *cause why.
 */
int
values_msg_read(struct values *vs, const struct msg *m, const char **bad,
    const char **cause)
{
	const struct msg_field	*f;
	size_t			 i;

	for (i = 0; i < m->n; i++) {
		f = &m->fields[i];
		if (strcmp(f->key, "v") == 0 &&
		    values_set_pair(vs, f->val, cause) == -1) {
			*bad = f->val;
			return -1;
		}
		if (strcmp(f->key, "u") != 0)
			continue;
		if (values_key_check(f->val, cause) == -1) {
			*bad = f->val;
			return -1;
		}
		values_set(vs, f->val, NULL);
	}
	return 0;
}
