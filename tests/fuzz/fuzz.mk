# Fuzz targets: tests/fuzz/fuzz_*.c, each a LLVMFuzzerTestOneInput() over
# one parser of lib/ (tests/fuzz/README). Included by the top Makefile.
#
#   make fuzz           libFuzzer, clang: each target for FUZZ_TIME seconds,
#                       one at a time; FUZZ_TARGETS to pick some
#   make fuzz-regress   $(CC) and driver.c: every target over its committed
#                       corpus and crashes, in seconds (SAN=1 under ASan)

FUZZ_TARGETS	?= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_DIR	:= $(O)/fuzz
FUZZ_TIME	?= 60
FUZZ_CC		?= clang
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		   -fno-omit-frame-pointer
FUZZ_ARGS	?= -rss_limit_mb=2048 -print_final_stats=1

# The replay build: $(CC), the library as the build has it, driver.c's main.
FUZZ_REGRESS	:= $(FUZZ_TARGETS:%=$(FUZZ_DIR)/regress/fuzz_%)
$(FUZZ_DIR)/regress/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(O)/tests/fuzz/driver.o \
    $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Crashes once found and fixed are replayed as well as the seeds.
fuzz-regress: CFLAGS += -Werror
fuzz-regress: $(FUZZ_REGRESS)
	@for t in $(FUZZ_TARGETS); do \
		$(FUZZ_DIR)/regress/fuzz_$$t tests/fuzz/corpus/$$t \
		    $$(ls -d tests/fuzz/crashes/$$t 2>/dev/null) || exit 1; \
	done

# The libFuzzer build: everything through clang with coverage, the library
# in its own directory so that it never mixes with $(CC)'s objects. No
# -Werror: clang's -Wformat=2 also refuses log.c's vfprintf(fmt); the $(CC)
# builds are the ones held to no warnings.
FUZZ_LIB_OBJ	:= $(LIB_SRC:%.c=$(FUZZ_DIR)/clang/%.o)
FUZZ_BINS	:= $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

$(FUZZ_DIR)/clang/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS) $(FUZZ_SAN) \
	    -fsanitize=fuzzer-no-link $(DEPFLAGS) -c -o $@ $<

$(FUZZ_DIR)/clang/libctx.a: $(FUZZ_LIB_OBJ)
	$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/clang/tests/fuzz/fuzz_%.o \
    $(FUZZ_DIR)/clang/libctx.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# New inputs go to $(FUZZ_DIR)/corpus/<target>, crashes to
# $(FUZZ_DIR)/crashes/<target>; the committed corpus is only read.
fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/crashes/$$t; \
		echo "== fuzz_$$t for $(FUZZ_TIME)s"; \
		$(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_TIME) \
		    -artifact_prefix=$(FUZZ_DIR)/crashes/$$t/ \
		    $$(test -f tests/fuzz/$$t.dict && \
		    echo -dict=tests/fuzz/$$t.dict) $(FUZZ_ARGS) \
		    $(FUZZ_DIR)/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

.PHONY: fuzz fuzz-regress
