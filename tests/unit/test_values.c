/*
 * test_values.c: values (values.c) and values from ini files (inifile.c),
 * SPEC §7. The ini files are written into a temporary directory that is
 * removed when the program exits.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "proto.h"
#include "unit.h"

/* The value of key, or NULL. */
static const char *
get(const struct values *vs, const char *key)
{
	struct value	*v;

	TAILQ_FOREACH(v, vs, entry) {
		if (strcmp(v->key, key) == 0)
			return v->val;
	}
	return NULL;
}

static int
count(const struct values *vs)
{
	struct value	*v;
	int		 n = 0;

	TAILQ_FOREACH(v, vs, entry)
		n++;
	return n;
}

/* Checks that *cause is "<path><rest>" (and frees it). */
#define CHECK_CAUSE(cause, path, rest) do {				\
	char	*want_;							\
	xasprintf(&want_, "%s%s", (path), (rest));			\
	CHECK_STR((cause), want_);					\
	free(want_);							\
	free(cause);							\
	(cause) = NULL;							\
} while (0)

/* Checks that *cause starts "<path><rest>" (and frees it). */
#define CHECK_CAUSE_PREFIX(cause, path, rest) do {			\
	char	*want_;							\
	xasprintf(&want_, "%s%s", (path), (rest));			\
	CHECK((cause) != NULL &&					\
	    strncmp((cause), want_, strlen(want_)) == 0);		\
	if ((cause) != NULL && strncmp((cause), want_, strlen(want_)))	\
		fprintf(stderr, "\tcause: \"%s\"\n\twant:  \"%s...\"\n",\
		    (cause), want_);					\
	free(want_);							\
	free(cause);							\
	(cause) = NULL;							\
} while (0)

#define KEY_OK(k) do {							\
	const char	*cause_ = NULL;					\
	CHECK_EQ_INT(values_key_check((k), &cause_), 0);		\
} while (0)

#define KEY_BAD(k) do {							\
	const char	*cause_ = NULL;					\
	CHECK_EQ_INT(values_key_check((k), &cause_), -1);		\
	CHECK(cause_ != NULL && *cause_ != '\0');			\
} while (0)

static void
test_key_check(void)
{
	const char	*cause = NULL;

	KEY_OK("A");
	KEY_OK("_x");
	KEY_OK("_");
	KEY_OK("a1");
	KEY_OK("TOKEN");
	KEY_OK("A_B_9");
	KEY_OK("CTXX");
	KEY_OK("CTX");
	KEY_OK("XCTX_");
	KEY_BAD("1a");
	KEY_BAD("9");
	KEY_BAD("");
	KEY_BAD("A-B");
	KEY_BAD("A B");
	KEY_BAD("A.B");
	KEY_BAD("A=B");
	KEY_BAD(" A");
	KEY_BAD("A ");
	KEY_BAD("CTX_X");
	KEY_BAD("CTX_");
	KEY_BAD("CTX_ID");
	KEY_BAD("\xc3\xa9");			/* é */
	KEY_BAD("A\xc3\xa9");
	KEY_BAD("\xce\xbc");			/* μ */
	KEY_BAD("A\x7f");
	KEY_BAD("A\t");

	CHECK_EQ_INT(values_key_check("CTX_X", &cause), -1);
	CHECK(cause != NULL && strstr(cause, "CTX_") != NULL);
}

static void
test_set_replaces(void)
{
	struct values	vs;
	struct value	*v;

	values_init(&vs);
	CHECK_EQ_INT(count(&vs), 0);
	values_set(&vs, "A", "1");
	values_set(&vs, "B", "2");
	values_set(&vs, "A", "3");
	CHECK_EQ_INT(count(&vs), 2);
	CHECK_STR(get(&vs, "A"), "3");
	CHECK_STR(get(&vs, "B"), "2");
	/* The replaced key keeps its place. */
	v = TAILQ_FIRST(&vs);
	CHECK(v != NULL && strcmp(v->key, "A") == 0);
	values_set(&vs, "A", "");
	CHECK_STR(get(&vs, "A"), "");
	CHECK_EQ_INT(count(&vs), 2);
	values_free(&vs);
	CHECK(TAILQ_EMPTY(&vs));
	values_free(&vs);			/* freeing twice is harmless */
	values_set(&vs, "C", "4");
	CHECK_EQ_INT(count(&vs), 1);
	values_free(&vs);
}

static void
test_set_pair(void)
{
	struct values	 vs;
	const char	*cause;

	values_init(&vs);
	cause = NULL;
	CHECK_EQ_INT(values_set_pair(&vs, "K=V", &cause), 0);
	CHECK_STR(get(&vs, "K"), "V");
	CHECK_EQ_INT(values_set_pair(&vs, "E=", &cause), 0);
	CHECK_STR(get(&vs, "E"), "");
	CHECK_EQ_INT(values_set_pair(&vs, "K=a=b", &cause), 0);
	CHECK_STR(get(&vs, "K"), "a=b");
	CHECK_EQ_INT(values_set_pair(&vs, "S= spaced out ", &cause), 0);
	CHECK_STR(get(&vs, "S"), " spaced out ");
	CHECK_EQ_INT(count(&vs), 3);

	cause = NULL;
	CHECK_EQ_INT(values_set_pair(&vs, "=V", &cause), -1);
	CHECK(cause != NULL);
	cause = NULL;
	CHECK_EQ_INT(values_set_pair(&vs, "noeq", &cause), -1);
	CHECK(cause != NULL);
	cause = NULL;
	CHECK_EQ_INT(values_set_pair(&vs, "", &cause), -1);
	CHECK(cause != NULL);
	cause = NULL;
	CHECK_EQ_INT(values_set_pair(&vs, "1K=V", &cause), -1);
	CHECK(cause != NULL);
	cause = NULL;
	CHECK_EQ_INT(values_set_pair(&vs, "A-B=V", &cause), -1);
	CHECK(cause != NULL);
	cause = NULL;
	CHECK_EQ_INT(values_set_pair(&vs, "CTX_ID=x", &cause), -1);
	CHECK(cause != NULL);
	cause = NULL;
	CHECK_EQ_INT(values_set_pair(&vs, "K =V", &cause), -1);
	CHECK(cause != NULL);
	/* Refused pairs change nothing. */
	CHECK_EQ_INT(count(&vs), 3);
	CHECK_STR(get(&vs, "K"), "a=b");
	CHECK_STR(get(&vs, "CTX_ID"), NULL);
	values_free(&vs);
}

static void
test_export(void)
{
	struct values	vs;

	values_init(&vs);
	values_set(&vs, "CTX_UNIT_TEST_A", "a b");
	values_set(&vs, "CTX_UNIT_TEST_B", "");
	CHECK_EQ_INT(values_export(&vs), 0);
	CHECK_STR(getenv("CTX_UNIT_TEST_A"), "a b");
	CHECK_STR(getenv("CTX_UNIT_TEST_B"), "");
	unsetenv("CTX_UNIT_TEST_A");
	unsetenv("CTX_UNIT_TEST_B");
	values_free(&vs);
}

/* --unset: a mark that hides an earlier value; export takes it out. */
static void
test_unset(void)
{
	struct values	 vs, out;
	struct value	*v;
	size_t		 bytes, n;

	values_init(&vs);
	values_set(&vs, "K", "v");
	values_set(&vs, "K", NULL);
	CHECK_EQ_INT(count(&vs), 1);
	CHECK_STR(get(&vs, "K"), NULL);
	/* an ancestor's value, then a node's unset: the nearest wins */
	values_init(&out);
	values_set(&out, "K", "ancestor");
	values_set(&out, "J", "j");
	TAILQ_FOREACH(v, &vs, entry)
		values_set(&out, v->key, v->val);
	CHECK_STR(get(&out, "K"), NULL);
	CHECK_STR(get(&out, "J"), "j");
	/* and set again below it */
	values_set(&out, "K", "again");
	CHECK_STR(get(&out, "K"), "again");
	values_free(&out);

	setenv("CTX_UNIT_TEST_U", "x", 1);
	values_set(&vs, "CTX_UNIT_TEST_U", NULL);
	CHECK_EQ_INT(values_export(&vs), 0);
	CHECK_STR(getenv("CTX_UNIT_TEST_U"), NULL);
	CHECK_STR(getenv("K"), NULL);

	/* "u=K" and a NUL; "u=CTX_UNIT_TEST_U" and a NUL */
	values_measure(&vs, &bytes, &n);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(bytes, 4 + 18);
	values_free(&vs);
}

/* --unset's argument: a key, or one line saying what is wrong. */
static void
test_option_key(void)
{
	char	*cause = NULL;

	CHECK_EQ_INT(option_key("--unset", "TOKEN", &cause), 0);
	CHECK(cause == NULL);
	CHECK_EQ_INT(option_key("--unset", "1A", &cause), -1);
	CHECK_STR(cause, "--unset '1A': key starts with a digit");
	free(cause);
	CHECK_EQ_INT(option_key("-u", "", &cause), -1);
	CHECK_STR(cause, "-u '': empty key");
	free(cause);
}

/* Values and unsets through a message, in their order, keys checked. */
static void
test_msg_round_trip(void)
{
	struct values	 vs, back;
	struct msgout	*mo;
	struct msg	 m;
	const char	*cause, *bad;

	values_init(&vs);
	values_set(&vs, "A", "1=2");
	values_set(&vs, "B", NULL);
	values_set(&vs, "C", "");
	mo = msgout_new(MSG_NODE);
	values_msg_add(mo, &vs);
	CHECK_EQ_INT(msg_decode(&m, MSG_NODE, mo->buf + sizeof(struct proto_hdr),
	    mo->len - sizeof(struct proto_hdr), &cause), 0);
	values_init(&back);
	CHECK_EQ_INT(values_msg_read(&back, &m, &bad, &cause), 0);
	CHECK_EQ_INT(count(&back), 3);
	CHECK_STR(get(&back, "A"), "1=2");
	CHECK_STR(get(&back, "B"), NULL);
	CHECK_STR(get(&back, "C"), "");
	CHECK_STR(TAILQ_FIRST(&back)->key, "A");
	msg_free(&m);
	msgout_free(mo);
	values_free(&back);

	/* a bad key, as a value's or an unset's */
	mo = msgout_new(MSG_NODE);
	msgout_adds(mo, "u", "CTX_ID");
	CHECK_EQ_INT(msg_decode(&m, MSG_NODE, mo->buf + sizeof(struct proto_hdr),
	    mo->len - sizeof(struct proto_hdr), &cause), 0);
	values_init(&back);
	CHECK_EQ_INT(values_msg_read(&back, &m, &bad, &cause), -1);
	CHECK_STR(bad, "CTX_ID");
	CHECK_STR(cause, "keys starting with CTX_ are reserved");
	msg_free(&m);
	msgout_free(mo);
	values_free(&back);
	values_free(&vs);
}

static const char jobs_ini[] =
	"; keys before the first section apply to every job\n"
	"# a comment too\n"
	"TEAM = infra\n"
	"REGION = us-east-1\n"
	"\n"
	"[build]\n"
	"REGION = eu-west-1\n"
	"TOKEN = \"a b c\"\n"
	"[deploy]\n"
	"REGION = ap-south-1\n"
	"SECRET = s\n";

static void
test_ini_precedence(void)
{
	struct values	 vs;
	char		*path = unit_write_file("jobs.ini", jobs_ini);
	char		*cause = NULL;

	/* Globals, then the section over them. */
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, "build", 1, &vs, &cause), 0);
	CHECK_STR(cause, NULL);
	CHECK_STR(get(&vs, "TEAM"), "infra");
	CHECK_STR(get(&vs, "REGION"), "eu-west-1");
	CHECK_STR(get(&vs, "TOKEN"), "a b c");
	CHECK_STR(get(&vs, "SECRET"), NULL);
	CHECK_EQ_INT(count(&vs), 3);
	values_free(&vs);

	/* No section: globals only. */
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), 0);
	CHECK_STR(get(&vs, "TEAM"), "infra");
	CHECK_STR(get(&vs, "REGION"), "us-east-1");
	CHECK_EQ_INT(count(&vs), 2);
	values_free(&vs);

	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, "deploy", 0, &vs, &cause), 0);
	CHECK_STR(get(&vs, "REGION"), "ap-south-1");
	CHECK_STR(get(&vs, "SECRET"), "s");
	CHECK_STR(get(&vs, "TOKEN"), NULL);
	CHECK_EQ_INT(count(&vs), 3);
	values_free(&vs);

	/* Inherited values below the file, --value above it. */
	values_init(&vs);
	values_set(&vs, "TEAM", "inherited");
	values_set(&vs, "OTHER", "inherited");
	CHECK_EQ_INT(inifile_values(path, "build", 0, &vs, &cause), 0);
	CHECK_EQ_INT(values_set_pair(&vs, "REGION=cli",
	    (const char **)&cause), 0);
	CHECK_STR(get(&vs, "TEAM"), "infra");
	CHECK_STR(get(&vs, "OTHER"), "inherited");
	CHECK_STR(get(&vs, "REGION"), "cli");
	values_free(&vs);
	free(path);
}

static void
test_ini_quotes_and_comments(void)
{
	struct values	 vs;
	char		*path, *cause = NULL;

	path = unit_write_file("quotes.ini",
	    "A = \"x\"\n"
	    "B = \"\"\n"
	    "C = \"a\"b\"\n"
	    "D = \"unbalanced\n"
	    "E = 'single'\n"
	    "F = \"\"x\"\"\n"
	    "G = \"\n"
	    "H = b ; a comment\n"
	    "I = b;c\n"
	    "J = \"x y\" ; c\n"
	    "K   =   spaced   \n"
	    "L = a # b\n"
	    "M =\n"
	    "N = tail");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), 0);
	CHECK_STR(cause, NULL);
	CHECK_STR(get(&vs, "A"), "x");
	CHECK_STR(get(&vs, "B"), "");
	CHECK_STR(get(&vs, "C"), "a\"b");
	CHECK_STR(get(&vs, "D"), "\"unbalanced");
	CHECK_STR(get(&vs, "E"), "'single'");
	CHECK_STR(get(&vs, "F"), "\"x\"");
	CHECK_STR(get(&vs, "G"), "\"");
	CHECK_STR(get(&vs, "H"), "b");
	CHECK_STR(get(&vs, "I"), "b;c");
	CHECK_STR(get(&vs, "J"), "x y");
	CHECK_STR(get(&vs, "K"), "spaced");
	CHECK_STR(get(&vs, "L"), "a # b");
	CHECK_STR(get(&vs, "M"), "");
	CHECK_STR(get(&vs, "N"), "tail");
	CHECK_EQ_INT(count(&vs), 14);
	values_free(&vs);
	free(path);
}

static void
test_ini_section_absent(void)
{
	struct values	 vs;
	char		*path = unit_write_file("jobs.ini", jobs_ini);
	char		*cause = NULL;

	/* Named by -n only: globals, no error. */
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, "x", 0, &vs, &cause), 0);
	CHECK_STR(cause, NULL);
	CHECK_STR(get(&vs, "REGION"), "us-east-1");
	CHECK_EQ_INT(count(&vs), 2);
	values_free(&vs);

	/* Named by --section: an error. */
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, "x", 1, &vs, &cause), -1);
	CHECK_CAUSE(cause, path, ": no section [x]");
	values_free(&vs);

	/* [buil] and [build2] are not [build], nor [build] [bui]. */
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, "buil", 1, &vs, &cause), -1);
	CHECK_CAUSE(cause, path, ": no section [buil]");
	CHECK_EQ_INT(inifile_values(path, "build2", 1, &vs, &cause), -1);
	CHECK_CAUSE(cause, path, ": no section [build2]");
	values_free(&vs);
	free(path);
}

static void
test_ini_section_empty(void)
{
	struct values	 vs;
	char		*path, *cause = NULL;

	path = unit_write_file("empty.ini",
	    "A = 1\n[x]\n; nothing here\n[y]\nB = 2\n");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, "x", 1, &vs, &cause), 0);
	CHECK_STR(cause, NULL);
	CHECK_STR(get(&vs, "A"), "1");
	CHECK_EQ_INT(count(&vs), 1);
	values_free(&vs);
	free(path);

	/* The last line, without a newline. */
	path = unit_write_file("empty2.ini", "A = 1\n  [x]");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, "x", 1, &vs, &cause), 0);
	CHECK_STR(cause, NULL);
	values_free(&vs);
	free(path);

	/* An empty file has no section but is fine without one. */
	path = unit_write_file("nothing.ini", "");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 1, &vs, &cause), 0);
	CHECK_EQ_INT(inifile_values(path, "x", 0, &vs, &cause), 0);
	CHECK_EQ_INT(count(&vs), 0);
	CHECK_EQ_INT(inifile_values(path, "x", 1, &vs, &cause), -1);
	CHECK_CAUSE(cause, path, ": no section [x]");
	values_free(&vs);
	free(path);
}

static void
test_ini_bad_keys(void)
{
	struct values	 vs;
	char		*path, *cause = NULL;

	/* A bad key in a section not used is still an error, at its line. */
	path = unit_write_file("badkey.ini",
	    "A = 1\n"
	    "[x]\n"
	    "B = 2\n"
	    "[y]\n"
	    "1BAD = 3\n"
	    "C = 4\n");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, "x", 1, &vs, &cause), -1);
	CHECK_CAUSE_PREFIX(cause, path, ":5: ");
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
	CHECK_CAUSE_PREFIX(cause, path, ":5: ");
	values_free(&vs);
	free(path);

	path = unit_write_file("badkey2.ini", "; c\nA-B = 1\n");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
	CHECK_CAUSE_PREFIX(cause, path, ":2: ");
	values_free(&vs);
	free(path);

	/* CTX_ keys are reserved in files as on the command line. */
	path = unit_write_file("ctxkey.ini", "A = 1\n\n[x]\nCTX_ID = x0\n");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, "x", 1, &vs, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "CTX_") != NULL);
	CHECK_CAUSE_PREFIX(cause, path, ":4: ");
	values_free(&vs);
	free(path);

	/* The first of two errors is the one reported. */
	path = unit_write_file("twobad.ini", "A = 1\n2X = 1\nno equals here\n");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
	CHECK_CAUSE_PREFIX(cause, path, ":2: ");
	values_free(&vs);
	free(path);
}

static void
test_ini_malformed(void)
{
	struct values	 vs;
	char		*path, *cause = NULL;

	path = unit_write_file("syntax.ini", "A = 1\n\nno equals here\nB = 2\n");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
	CHECK_CAUSE_PREFIX(cause, path, ":3: malformed line");
	values_free(&vs);
	free(path);

	path = unit_write_file("syntax2.ini", "A = 1\n[x\nB = 2\n");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
	CHECK_CAUSE_PREFIX(cause, path, ":2: malformed line");
	values_free(&vs);
	free(path);

	/* The first of two errors is the one reported. */
	path = unit_write_file("syntax3.ini", "A = 1\nnope\n[x]\n1X = 2\n");
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, "x", 0, &vs, &cause), -1);
	CHECK_CAUSE_PREFIX(cause, path, ":2: malformed line");
	values_free(&vs);
	free(path);
}

/* A file of a line of n bytes (newline not counted) on line 2. */
static char *
long_line_file(const char *name, size_t n)
{
	char	*text, *path;

	text = xmalloc(n + 16);
	strcpy(text, "A = 1\nB = ");
	memset(text + 10, 'x', n - 4);
	strcpy(text + 10 + n - 4, "\nC = 3\n");
	path = unit_write_file(name, text);
	free(text);
	return path;
}

static void
test_ini_long_line(void)
{
	struct values	 vs;
	char		*path, *text, *cause = NULL;

	path = long_line_file("long300.ini", 300);
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
	CHECK_CAUSE(cause, path, ":2: line too long");
	values_free(&vs);
	free(path);

	path = long_line_file("long200.ini", 200);
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
	CHECK_CAUSE(cause, path, ":2: line too long");
	values_free(&vs);
	free(path);

	/*
	 * A line may hold 199 bytes counting its newline (as POSIX's
	 * LINE_MAX does), so 198 bytes and a newline.
	 */
	path = long_line_file("long199.ini", 199);
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
	CHECK_CAUSE(cause, path, ":2: line too long");
	values_free(&vs);
	free(path);

	path = long_line_file("long198.ini", 198);
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), 0);
	CHECK_STR(cause, NULL);
	CHECK(get(&vs, "B") != NULL && strlen(get(&vs, "B")) == 194);
	CHECK_STR(get(&vs, "C"), "3");
	values_free(&vs);
	free(path);
	free(cause);
	cause = NULL;

	/* A last line of 199 bytes without a newline is 199 bytes. */
	text = xmalloc(200);
	memset(text, 'x', 199);
	memcpy(text, "A = ", 4);
	text[199] = '\0';
	path = unit_write_file("last199.ini", text);
	free(text);
	values_init(&vs);
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), 0);
	CHECK_STR(cause, NULL);
	CHECK(get(&vs, "A") != NULL && strlen(get(&vs, "A")) == 195);
	values_free(&vs);
	free(path);
	free(cause);
}

static void
test_ini_unreadable(void)
{
	struct values	 vs;
	char		*path, *cause = NULL;

	values_init(&vs);
	path = unit_tmp_path("does-not-exist.ini");
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
	CHECK_CAUSE(cause, path, ": No such file or directory");
	free(path);

	/* The temporary directory itself. */
	path = unit_tmp_path(".");
	CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
	CHECK_CAUSE_PREFIX(cause, path, ": ");
	free(path);

	if (geteuid() != 0) {
		path = unit_write_file("secret.ini", "A = 1\n");
		chmod(path, 0);
		CHECK_EQ_INT(inifile_values(path, NULL, 0, &vs, &cause), -1);
		CHECK_CAUSE(cause, path, ": Permission denied");
		free(path);
	}
	CHECK_EQ_INT(count(&vs), 0);
	values_free(&vs);
}

const struct unit_test unit_tests[] = {
	{ "key_check", test_key_check },
	{ "set_replaces", test_set_replaces },
	{ "set_pair", test_set_pair },
	{ "export", test_export },
	{ "unset", test_unset },
	{ "msg_round_trip", test_msg_round_trip },
	{ "option_key", test_option_key },
	{ "ini_precedence", test_ini_precedence },
	{ "ini_quotes_and_comments", test_ini_quotes_and_comments },
	{ "ini_section_absent", test_ini_section_absent },
	{ "ini_section_empty", test_ini_section_empty },
	{ "ini_bad_keys", test_ini_bad_keys },
	{ "ini_malformed", test_ini_malformed },
	{ "ini_long_line", test_ini_long_line },
	{ "ini_unreadable", test_ini_unreadable },
	{ NULL, NULL }
};
