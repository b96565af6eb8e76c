/*
 * test_signame.c: signal_parse and signal_name.
 */
#include <signal.h>
#include <stdio.h>

#include "ctx.h"
#include "unit.h"

/* Checks that s names signal want. */
#define PARSES(s, want) do {						\
	int		 sig_ = -42;					\
	const char	*cause_ = NULL;					\
	CHECK_EQ_INT(signal_parse((s), &sig_, &cause_), 0);		\
	CHECK_EQ_INT(sig_, (want));					\
} while (0)

/* Checks that s is refused, with a cause, leaving the signal alone. */
#define REFUSED(s) do {							\
	int		 sig_ = -42;					\
	const char	*cause_ = NULL;					\
	CHECK_EQ_INT(signal_parse((s), &sig_, &cause_), -1);		\
	CHECK(cause_ != NULL && *cause_ != '\0');			\
	CHECK_EQ_INT(sig_, -42);					\
} while (0)

static void
test_names(void)
{
	PARSES("TERM", SIGTERM);
	PARSES("KILL", SIGKILL);
	PARSES("HUP", SIGHUP);
	PARSES("INT", SIGINT);
	PARSES("USR1", SIGUSR1);
	PARSES("USR2", SIGUSR2);
	PARSES("QUIT", SIGQUIT);
	PARSES("ALRM", SIGALRM);
	PARSES("CHLD", SIGCHLD);
	PARSES("CONT", SIGCONT);
	PARSES("STOP", SIGSTOP);
	PARSES("WINCH", SIGWINCH);
}

static void
test_prefix_and_case(void)
{
	PARSES("SIGTERM", SIGTERM);
	PARSES("term", SIGTERM);
	PARSES("sigterm", SIGTERM);
	PARSES("sigTerm", SIGTERM);
	PARSES("SigTERM", SIGTERM);
	PARSES("SIGKILL", SIGKILL);
	PARSES("sigusr1", SIGUSR1);
}

static void
test_numbers(void)
{
	char	buf[16];

	PARSES("15", SIGTERM);
	PARSES("9", SIGKILL);
	PARSES("1", SIGHUP);
	PARSES("2", SIGINT);
	snprintf(buf, sizeof buf, "%d", NSIG - 1);
	PARSES(buf, NSIG - 1);
}

static void
test_errors(void)
{
	char	buf[16];

	REFUSED("");
	REFUSED("0");
	REFUSED("65");
	REFUSED("999");
	REFUSED("99999999999999999999999");
	REFUSED("FOO");
	REFUSED("SIGFOO");
	REFUSED("SIG");
	REFUSED("sig");
	REFUSED("15x");
	REFUSED("x15");
	REFUSED("-1");
	REFUSED("-15");
	REFUSED("+15");
	REFUSED(" 15");
	REFUSED("15 ");
	REFUSED("TERM ");
	REFUSED(" TERM");
	REFUSED("TERMX");
	REFUSED("SIGSIGTERM");
	REFUSED("SIG15");
	snprintf(buf, sizeof buf, "%d", NSIG);
	REFUSED(buf);
}

static void
test_name(void)
{
	CHECK_STR(signal_name(SIGTERM), "TERM");
	CHECK_STR(signal_name(SIGKILL), "KILL");
	CHECK_STR(signal_name(SIGHUP), "HUP");
	CHECK_STR(signal_name(SIGINT), "INT");
	CHECK_STR(signal_name(SIGUSR1), "USR1");
	CHECK_STR(signal_name(15), "TERM");
	CHECK_STR(signal_name(9), "KILL");
}

/* A name signal_name gives, signal_parse takes back. */
static void
test_name_round_trip(void)
{
	static const int	 sigs[] = {
		SIGHUP, SIGINT, SIGQUIT, SIGKILL, SIGUSR1, SIGUSR2, SIGTERM,
		SIGALRM, SIGCONT, SIGSTOP,
	};
	const char		*cause;
	size_t			 i;
	int			 sig;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		sig = -1;
		CHECK_EQ_INT(signal_parse(signal_name(sigs[i]), &sig, &cause),
		    0);
		CHECK_EQ_INT(sig, sigs[i]);
	}
}

const struct unit_test unit_tests[] = {
	{ "names", test_names },
	{ "prefix_and_case", test_prefix_and_case },
	{ "numbers", test_numbers },
	{ "errors", test_errors },
	{ "name", test_name },
	{ "name_round_trip", test_name_round_trip },
	{ NULL, NULL }
};
