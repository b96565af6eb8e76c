/*
 * test_timeout.c: timeout(1)'s DURATION and SIGNAL as ctxrun invoked as
 * timeout reads them (cmd/ctxrun/timeout.c). tests/bats/timeout.bats
 * compares them with coreutils' timeout; these are the values behind.
 */
#include <signal.h>
#include <stdio.h>

#include "ctxrun.h"
#include "unit.h"

#define SEC	NSEC_PER_SEC

#define DURATION(s, want) do {						\
	nsec_t	ns_ = -42;						\
	CHECK_EQ_INT(timeout_duration((s), &ns_), 0);			\
	CHECK_EQ_INT(ns_, (want));					\
} while (0)

#define NOT_DURATION(s) do {						\
	nsec_t	ns_ = -42;						\
	CHECK_EQ_INT(timeout_duration((s), &ns_), -1);			\
	CHECK_EQ_INT(ns_, -42);						\
} while (0)

#define SIGNAL(s, want) do {						\
	int	sig_ = -42;						\
	CHECK_EQ_INT(timeout_signal((s), &sig_), 0);			\
	CHECK_EQ_INT(sig_, (want));					\
} while (0)

#define NOT_SIGNAL(s) do {						\
	int	sig_ = -42;						\
	CHECK_EQ_INT(timeout_signal((s), &sig_), -1);			\
} while (0)

static void
test_duration_forms(void)
{
	DURATION("30", 30 * SEC);
	DURATION("1.5m", 90 * SEC);
	DURATION("2h", 7200 * SEC);
	DURATION("1d", 86400 * SEC);
	DURATION(".1", SEC / 10);
	DURATION("1e-3", SEC / 1000);
	DURATION("0x1p-3s", SEC / 8);
	DURATION("+2", 2 * SEC);
	DURATION(" 2", 2 * SEC);
	DURATION("0", 0);
	DURATION("-0", 0);
	NOT_DURATION("");
	NOT_DURATION("1sec");
	NOT_DURATION("1S");
	NOT_DURATION("1 ");
	NOT_DURATION("1m5");
	NOT_DURATION("nan");
	NOT_DURATION("-1");
	NOT_DURATION("x");
}

/* Up to the next nanosecond, as timeout(1) rounds; past 292 years, none. */
static void
test_duration_limits(void)
{
	DURATION("1e-10", 1);
	DURATION("1e-400", 0);
	DURATION("1.0000000001", SEC + 1);
	DURATION("9223372036", 9223372036 * SEC);
	DURATION("9223372037", NSEC_NONE);
	DURATION("2.34e+3d", 2340LL * 86400 * SEC);
	DURATION("2.34e+5d", NSEC_NONE);	/* 641 years */
	DURATION("106752d", NSEC_NONE);
	DURATION("1e30", NSEC_NONE);
	DURATION("inf", NSEC_NONE);
	DURATION("1e999", NSEC_NONE);
}

static void
test_signal_forms(void)
{
	SIGNAL("TERM", SIGTERM);
	SIGNAL("sigterm", SIGTERM);
	SIGNAL("SiGkIlL", SIGKILL);
	SIGNAL("SIG9", SIGKILL);
	SIGNAL("9", SIGKILL);
	SIGNAL("09", SIGKILL);
	SIGNAL("0", 0);
	SIGNAL("EXIT", 0);
	SIGNAL("SIGEXIT", 0);
	SIGNAL("IOT", SIGABRT);
	SIGNAL("CLD", SIGCHLD);
	SIGNAL("IO", SIGIO);
	SIGNAL("137", SIGKILL);		/* a shell's $? */
	SIGNAL("271", SIGTERM);
	SIGNAL("RTMIN", SIGRTMIN);
	SIGNAL("rtmin+1", SIGRTMIN + 1);
	SIGNAL("RTMAX-1", SIGRTMAX - 1);
	SIGNAL("RTMAX+0", SIGRTMAX);
	NOT_SIGNAL("FOO");
	NOT_SIGNAL("SIG");
	NOT_SIGNAL("SIGSIGTERM");
	NOT_SIGNAL("32");
	NOT_SIGNAL("65");
	NOT_SIGNAL("128");
	NOT_SIGNAL(" 9");
	NOT_SIGNAL("9x");
	NOT_SIGNAL("RTMIN+ 1");
	NOT_SIGNAL("2147483648");
}

static void
test_signal_names(void)
{
	CHECK_STR(timeout_signame(SIGTERM), "TERM");
	CHECK_STR(timeout_signame(SIGABRT), "ABRT");
	CHECK_STR(timeout_signame(SIGIO), "POLL");
	CHECK_STR(timeout_signame(0), "EXIT");
	CHECK_STR(timeout_signame(SIGRTMIN), "RTMIN");
	CHECK_STR(timeout_signame(SIGRTMIN + 15), "RTMIN+15");
	CHECK_STR(timeout_signame(SIGRTMAX - 14), "RTMAX-14");
	CHECK_STR(timeout_signame(SIGRTMAX), "RTMAX");
	CHECK(timeout_signame(32) == NULL);
}

static void
test_called(void)
{
	CHECK(timeout_called("timeout"));
	CHECK(timeout_called("/usr/local/libexec/ctx/timeout"));
	CHECK(!timeout_called("ctxrun"));
	CHECK(!timeout_called("timeout2"));
	CHECK(!timeout_called("/opt/timeout/ctxrun"));
}

const struct unit_test unit_tests[] = {
	{ "duration_forms", test_duration_forms },
	{ "duration_limits", test_duration_limits },
	{ "signal_forms", test_signal_forms },
	{ "signal_names", test_signal_names },
	{ "called", test_called },
	{ NULL, NULL }
};
