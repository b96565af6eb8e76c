# ctx: context trees for processes.
#
#   make                build the programs of cmd/ into build/
#   make check          warnings-as-errors build, the layout check, C tests,
#                       bats suites, then the same again under ASan+UBSan
#                       (build/san)
#   make check-nonroot  as root: the bats suites and a short soak once more as
#                       an unprivileged user (NONROOT_USER, nobody)
#   make deps           install the Debian packages the build and tests need
#   make demo           build, then run one real job whose deadline fires
#   make install        PREFIX, DESTDIR honoured; names each file it
#                       installs; a timeout(1) drop-in in $(PREFIX)/libexec/ctx

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
LIBEXECDIR ?= $(PREFIX)/libexec
# The timeout(1) drop-in: a link named timeout to ctxrun, in a directory of
# its own, which a user puts first in PATH to opt in (ctxrun.1).
TIMEOUT_DIR ?= $(LIBEXECDIR)/ctx
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
SYSTEMDUSERDIR ?= $(PREFIX)/lib/systemd/user
PKG_CONFIG ?= pkg-config
O	?= build

PKGS	:= libevent inih
ifeq ($(filter deps clean uninstall,$(MAKECMDGOALS)),)
ifneq ($(shell $(PKG_CONFIG) --exists $(PKGS) && echo yes),yes)
$(error pkg-config cannot find $(PKGS): run 'make deps' as root, or install libevent-dev libinih-dev pkg-config)
endif
endif

CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wformat=2
CPPFLAGS += -D_GNU_SOURCE -Ilib $(shell $(PKG_CONFIG) --cflags $(PKGS))
# libevent's core and inih are linked statically: ctxrun starts on every
# job, and the dynamic linker spends most of its start relocating them
# (callgrind: 65% of the instructions of a ctxrun; tests/bench: 6% of its
# launch time and 280 KiB of its peak RSS).
# STATIC_DEPS=0 links them dynamically.
STATIC_DEPS ?= 1
ifeq ($(STATIC_DEPS),1)
LDLIBS	+= -Wl,-Bstatic $(shell $(PKG_CONFIG) --libs libevent_core inih) \
	   -Wl,-Bdynamic
else
LDLIBS	+= $(shell $(PKG_CONFIG) --libs $(PKGS))
endif
DEPFLAGS = -MMD -MP

# ctxrun itself is linked statically, libc included (STATIC_CTXRUN=0 does
# not): it starts on every job, and without the dynamic linker a ctxrun
# costs 10-15% less CPU to start, below timeout(1)'s (tests/bench). It
# also runs as a container's PID 1 with no libc in the image, as tini's
# static build and dumb-init do. Sanitizer builds cannot be static.
# glibc warns that libevent's evutil.o calls its resolver, which a static
# program could only use with the matching shared NSS modules; ctxrun
# never resolves a name, and the link filters out that one warning.
STATIC_CTXRUN ?= 1
ifeq ($(STATIC_CTXRUN)$(SAN),1)
$(O)/ctxrun: LDFLAGS += -static
$(O)/ctxrun: LDLIBS = $(shell $(PKG_CONFIG) --libs --static libevent_core inih)
$(O)/ctxrun: LDQUIET = 2>$@.ld || { cat $@.ld >&2; rm -f $@.ld; exit 1; }; \
	grep -v -e 'in statically linked applications requires' \
	    -e 'evutil.o): in function' $@.ld >&2; \
	rm -f $@.ld
endif

ifdef SAN
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
endif

LIB_SRC	:= $(wildcard lib/*.c)
LIB_OBJ	:= $(LIB_SRC:%.c=$(O)/%.o)
LIB	:= $(O)/libctx.a

# One program per directory under cmd/, linked from all its .c files and
# lib/. Each program's own parts (all its files but the one of its name,
# which holds main) are also an archive, so that tests can link them.
PROGS	:= $(notdir $(wildcard cmd/*))
PROG_PARTS = $(patsubst %.c,$(O)/%.o,$(filter-out cmd/$(1)/$(1).c,\
	     $(wildcard cmd/$(1)/*.c)))
PROG_LIBS := $(PROGS:%=$(O)/cmd/%/parts.a)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS	:= $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
# Benchmark programs: one per tests/bench/*.c. Defined before bench-smoke,
# whose prerequisites are expanded where the rule is read.
BENCH_PROGS := $(patsubst tests/bench/%.c,$(O)/%,$(wildcard tests/bench/*.c))

all: $(PROGS:%=$(O)/%)

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	$(AR) rcs $@ $^

define PROG_RULE
$(O)/$(1): $(patsubst %.c,$(O)/%.o,$(wildcard cmd/$(1)/*.c)) $(LIB)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS) $$(LDQUIET)
$(O)/cmd/$(1)/parts.a: $(call PROG_PARTS,$(1))
	$$(AR) rcs $$@ $$^
endef
$(foreach p,$(PROGS),$(eval $(call PROG_RULE,$(p))))

# Unit tests see each program's header, and link its parts as they need.
$(O)/tests/unit/%.o: CPPFLAGS += $(PROGS:%=-Icmd/%)
$(O)/tests/%: $(O)/tests/unit/%.o $(O)/tests/unit/unit.o $(PROG_LIBS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ctxrun linked as the other programs are, for the tests that need the
# dynamic linker: faketime works by LD_PRELOAD, which a static program
# does not read.
$(O)/tests/ctxrun-dynamic: $(patsubst %.c,$(O)/%.o,$(wildcard cmd/ctxrun/*.c)) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The bats suites run against the binaries in $(O); BATS_JOBS in parallel.
BATS	?= bats
check-build: CFLAGS += -Werror
check-build: all $(UNITS) $(O)/tests/ctxrun-dynamic

check-run:
	tests/layout/run $(O)
	@for t in $(UNITS); do echo "== $$t"; $$t || exit 1; done
	@if ls tests/bats/*.bats >/dev/null 2>&1; then \
		echo "CTX_BIN=$(abspath $(O)) $(BATS) tests/bats"; \
		CTX_BIN=$(abspath $(O)) $(BATS) tests/bats; fi
	tests/soak/run $(O) $(SOAK_CHECK_JOBS) $(if $(SAN),norss)

# The soak: 10,000 jobs through one daemon, whose memory must come back.
# make check runs SOAK_CHECK_JOBS of them.
SOAK_JOBS ?= 10000
SOAK_CHECK_JOBS ?= 300
soak: all
	tests/soak/run $(O) $(SOAK_JOBS)

check: lint-man
	$(MAKE) O=build check-build check-run bench-smoke
	$(MAKE) O=build/san SAN=1 check-build check-run fuzz-regress

# For root (CI runs it after make check): the bats suites and the short soak
# once more as NONROOT_USER, who has no privilege and here no writable
# cgroup, so that a test needing either that does not skip cannot come back.
NONROOT_USER ?= nobody
check-nonroot: check-build
	BATS=$(BATS) tests/nonroot/run $(O) $(NONROOT_USER) $(SOAK_CHECK_JOBS)

# The benchmark at a tiny size, so that it cannot rot.
bench-smoke: all $(BENCH_PROGS)
	BENCH_SIZE=smoke tests/bench/run $(abspath $(O))

MANS	:= $(wildcard man/*.[1-8])
lint-man:
	@if ! command -v mandoc >/dev/null; then \
		echo "mandoc missing: run 'make deps'" >&2; exit 1; fi
	$(if $(MANS),mandoc -Tlint -Wwarning $(MANS))

# python3 speaks raw bytes to the daemon in tests; clang and its runtime
# build the fuzz targets; tini and dumb-init are what the benchmark compares;
# the ssh tests run an sshd of their own, and fake the remote clock; zsh
# and fish run the completion tests for those shells; systemd's tools check
# the user units and socket-activate ctxd in tests (nothing is enabled).
DEB_PKGS := build-essential pkg-config libevent-dev libinih-dev bats \
	    bats-assert bats-support mandoc util-linux procps python3 \
	    clang libclang-rt-14-dev tini dumb-init openssh-client \
	    openssh-server faketime zsh fish systemd
# Any user can ask; only root installs. A user who is not root is told what
# is missing and the line to run as root, and the target fails.
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		grep -q 'ok installed' || echo $$p; done); missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then \
		echo "all build and test packages are installed"; \
	elif [ "$$(id -u)" -ne 0 ]; then \
		echo "missing packages: $$missing" >&2; \
		echo "as root, run: apt-get install -y $$missing" >&2; exit 1; \
	else \
		echo "installing: $$missing"; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# A real job: a deadline fires and a setsid'd process goes with the rest.
demo: all
	@echo '$$ ctxrun -v -t 1s -k 0.5s sh -c "setsid sleep 60 & sleep 60"'
	@$(O)/ctxrun -v -t 1s -k 0.5s sh -c 'setsid sleep 60 & \
	    echo $$! > $(O)/demo.pid; echo "job: setsid sleep 60 is pid $$!" >&2; \
	    sleep 60'; s=$$?; p=$$(cat $(O)/demo.pid); rm -f $(O)/demo.pid; \
	if kill -0 $$p 2>/dev/null; then echo "pid $$p survived" >&2; exit 1; fi; \
	echo "ctxrun exited $$s (124: deadline exceeded); pid $$p is gone"; \
	test $$s -eq 124

# Benchmark programs, linked with the library.
$(BENCH_PROGS): $(O)/%: $(O)/tests/bench/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Benchmarks, not tests: a table of figures. BENCH_SIZE=smoke for a quick run.
bench: all $(BENCH_PROGS)
	tests/bench/run $(abspath $(O))

# What make install puts where, beside the programs and man pages, as
# SOURCE:DESTINATION: the completions (bash's file serves both commands)
# and the systemd user units; the service is made with this BINDIR.
DATA_FILES := \
	config/completion/ctxctl.bash:$(BASHCOMPDIR)/ctxctl \
	config/completion/ctxctl.bash:$(BASHCOMPDIR)/ctxrun \
	config/completion/_ctxctl:$(ZSHCOMPDIR)/_ctxctl \
	config/completion/ctxctl.fish:$(FISHCOMPDIR)/ctxctl.fish \
	config/completion/ctxrun.fish:$(FISHCOMPDIR)/ctxrun.fish \
	config/systemd/ctxd.socket:$(SYSTEMDUSERDIR)/ctxd.socket
SERVICE	= $(DESTDIR)$(SYSTEMDUSERDIR)/ctxd.service

# Installs, and names each file it installed, a line each.
install: all
	@for p in $(PROGS); do d=$(DESTDIR)$(BINDIR)/$$p; \
		install -D -m 0755 $(O)/$$p $$d && echo $$d || exit 1; done
	@for m in $(MANS); do d=$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m#man/}; \
		install -D -m 0644 $$m $$d && echo $$d || exit 1; done
	@for f in $(DATA_FILES); do d=$(DESTDIR)$${f#*:}; \
		install -D -m 0644 $${f%%:*} $$d && echo $$d || exit 1; done
	@mkdir -p $(dir $(SERVICE)) && sed 's|@BINDIR@|$(BINDIR)|' \
		config/systemd/ctxd.service >$(SERVICE) && \
		chmod 0644 $(SERVICE) && echo $(SERVICE)
	@install -d $(DESTDIR)$(TIMEOUT_DIR) && \
		ln -sf $(BINDIR)/ctxrun $(DESTDIR)$(TIMEOUT_DIR)/timeout && \
		echo $(DESTDIR)$(TIMEOUT_DIR)/timeout

uninstall:
	@for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	@for m in $(MANS); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m#man/}; done
	@for f in $(DATA_FILES); do rm -f $(DESTDIR)$${f#*:}; done
	@rm -f $(SERVICE)
	@rm -f $(DESTDIR)$(TIMEOUT_DIR)/timeout
	@-rmdir $(DESTDIR)$(TIMEOUT_DIR) 2>/dev/null || true

clean:
	rm -rf build

.SECONDARY:

.PHONY: all check check-build check-nonroot check-run lint-man deps demo bench bench-smoke soak install uninstall clean

-include tests/fuzz/fuzz.mk

-include $(shell find $(O) -name '*.d' 2>/dev/null)
