# softbench - plain make, out-of-tree build in $(BUILD), automatic header
# dependencies, per-file ISA flags. `make CC=clang` works too.
#
#   make            build the library, the reference and build/softbench (needs
#                   gcc, make, MPFR, GMP and jansson; installs them as root
#                   when missing)
#   make report     the main job: verify, edge, bench and plots into a report in
#                   reports/out/ (QUICK=1: under a minute); installs gnuplot
#                   and the peers first; PLUGINS="a.so ..." adds your
#                   kernels (docs/plugins.md)
#   make verify     softbench list, verify and edge
#   make test       warnings as errors; unit, command-line and report tests with
#                   gcc, again under each smaller ISA cap, under
#                   AddressSanitizer+UBSan, and with clang
#   make tsan-tests the thread pool's tests and threaded command lines under
#                   ThreadSanitizer (clang, build/tsan)
#   make fuzz       each fuzz target (tests/fuzz/) under libFuzzer with clang
#                   for FUZZ_SECONDS (60) on its corpus; a crash stops it
#                   (make fuzz-replay: the corpora as plain programs under
#                   AddressSanitizer+UBSan, tests/fuzz/README.md)
#   make format     clang-format -i over the tracked C sources and headers
#                   (.clang-format; scripts/check-format.sh checks without
#                   changing anything)
#   make install    the library (static and shared), softmax.h and
#                   softbench_plugin.h, softmax.pc, softbench and its man page
#                   under DESTDIR/PREFIX (/usr/local); make uninstall removes
#                   exactly those files
#   make clean

CC      ?= cc
# CROSS=aarch64: the aarch64 build, in build/aarch64 with Debian's cross
# compiler against the arm64 libraries (multiarch); its binaries run under
# qemu-aarch64 (make test-aarch64, scripts/test-aarch64.sh)
ifeq ($(CROSS),aarch64)
CC      := aarch64-linux-gnu-gcc
BUILD   ?= build/aarch64
endif
# make test's parallelism: compiles, and test programs run side by side
JOBS    ?= $(shell nproc 2>/dev/null || echo 1)
.DEFAULT_GOAL := all
BUILD   ?= build
OPT     ?= -O2
WERROR  ?=
SAN     ?=
# TSAN=1: ThreadSanitizer (clang), for the pool and its callers (make
# tsan-tests); like SAN, it leaves the peers out
TSAN    ?=
CFLAGS  ?= $(OPT) -g
CPPFLAGS_ALL = -Ikernels -Ireference -Idatasets -Iharness
SANITIZE = -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined,float-cast-overflow
SANITIZE_THREAD = -fsanitize=thread -fno-omit-frame-pointer
CFLAGS_ALL = -std=c17 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes \
             -fno-strict-aliasing -pthread -MMD -MP $(if $(WERROR),-Werror) \
             $(if $(SAN),$(SANITIZE)) $(if $(TSAN),$(SANITIZE_THREAD)) $(CFLAGS)
LDLIBS_ALL = -ljansson -lmpfr -lgmp -lm -pthread

# Optional peers, built when their libraries are installed (never under the
# sanitizers). scripts/configure.sh finds them and writes $(BUILD)/config.mk;
# make remakes that file before anything else and restarts if it changed, and
# the targets that install packages (report, test) run the build as a
# recursive make after installing, so what was just installed is found.
CONFIG = $(BUILD)/config.mk
ifeq ($(filter clean,$(MAKECMDGOALS)),)
include $(CONFIG)
endif
$(CONFIG): FORCE
	@scripts/configure.sh $(BUILD) "$(CC)" "$(SAN)$(TSAN)"
PEER_FLAGS = $(if $(SAN)$(TSAN),-DSB_PEERS_SANITIZER) $(if $(HAVE_DNNL),-DSB_HAVE_DNNL) \
             $(if $(HAVE_XNNPACK),-DSB_HAVE_XNNPACK -DSB_XNNPACK_VERSION='"$(XNNPACK_VERSION)"')
PEER_LIBS  = $(if $(HAVE_DNNL),-ldnnl -lgomp) $(if $(HAVE_XNNPACK),-lXNNPACK -lpthreadpool)

# The target's own vector kernels: x86-64 AVX2 and AVX-512, aarch64 NEON
# (part of the aarch64 baseline: no flags) and SVE.
ARCH := $(shell $(CC) -dumpmachine 2>/dev/null | cut -d- -f1)
ISA_DIRS_x86_64  = kernels/avx2 kernels/avx512
ISA_DIRS_aarch64 = kernels/neon kernels/sve
KERNEL_SRC = $(wildcard kernels/*.c kernels/scalar/*.c $(ISA_DIRS_$(ARCH):%=%/*.c))
REF_SRC    = reference/reference.c
HARNESS_SRC = $(filter-out harness/main.c,$(wildcard harness/*.c harness/report/*.c)) $(wildcard datasets/*.c)
TEST_SRC   = $(wildcard tests/test_*.c)

KERNEL_OBJ  = $(KERNEL_SRC:%.c=$(BUILD)/%.o)
REF_OBJ     = $(REF_SRC:%.c=$(BUILD)/%.o)
HARNESS_OBJ = $(HARNESS_SRC:%.c=$(BUILD)/%.o)
TEST_BIN    = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

# The version: softmax.h's macros, the one place it is written.
vfield  = $(shell sed -n 's/^\#define SOFTMAX_VERSION_$(1) \([0-9]*\)$$/\1/p' kernels/softmax.h)
VMAJOR := $(call vfield,MAJOR)
VMINOR := $(call vfield,MINOR)
VPATCH := $(call vfield,PATCH)
VERSION = $(VMAJOR).$(VMINOR).$(VPATCH)

LIB     = $(BUILD)/libsoftmax.a
SONAME  = libsoftmax.so.$(VMAJOR)
SHLIB   = $(BUILD)/libsoftmax.so.$(VMAJOR).$(VMINOR)
REFLIB  = $(BUILD)/libsbref.a
HLIB    = $(BUILD)/libharness.a
BIN     = $(BUILD)/softbench

# The library's objects go into the shared library too: position
# independent, and nothing exported but what softmax.h marks SOFTMAX_API.
$(BUILD)/kernels/%.o: LIBFLAGS = -fPIC -fvisibility=hidden
# ISA flags only where needed (kernels/avx2, kernels/avx512, kernels/sve).
$(BUILD)/kernels/avx2/%.o: ISAFLAGS = -mavx2 -mfma
$(BUILD)/kernels/avx512/%.o: ISAFLAGS = -mavx512f -mavx2 -mfma
$(BUILD)/kernels/sve/%.o: ISAFLAGS = -march=armv8-a+sve
# F16C's conversions, called only where CPUID shows it
$(BUILD)/kernels/avx2/convert.o: ISAFLAGS = -mavx2 -mfma -mf16c
$(BUILD)/harness/peers.o: ISAFLAGS = $(PEER_FLAGS)
# what configure found decides the peers' object and every link
$(BUILD)/harness/peers.o: $(CONFIG)
# The reference cache's key holds a digest of the reference's source, so a
# changed reference never reads an old entry.
REF_DIGEST := $(shell cat reference/reference.c reference/reference.h | sha256sum | cut -c1-32)
$(BUILD)/harness/refcache.o: ISAFLAGS = -DSBREF_SOURCE_DIGEST='"$(REF_DIGEST)"'
$(BUILD)/harness/refcache.o: reference/reference.c reference/reference.h
# The machine description carries the commit and the flags; rebuilt each time.
COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
$(BUILD)/harness/bench.o: ISAFLAGS = -DSB_COMMIT='"$(COMMIT)"' -DSB_BUILD_FLAGS='"$(strip $(CFLAGS_ALL))"'
$(BUILD)/harness/bench.o: FORCE
FORCE:
# Generators must give the same bytes everywhere: no fused multiply-add.
$(BUILD)/datasets/%.o: ISAFLAGS = -ffp-contract=off

.PHONY: install uninstall all deps report baseline verify exhaustive test test-aarch64 unit-tests cli-tests tsan-tests fuzz \
        fuzz-build fuzz-replay fuzz-replay-run format clean FORCE
.SECONDARY:
all: $(LIB) $(SHLIB) $(REFLIB) $(BIN)

# The build needs gcc, make, MPFR, GMP and jansson only; report and test install what
# they use themselves (scripts/install-deps.sh GROUP).
deps:
	@scripts/install-deps.sh build

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LIBFLAGS) $(ISAFLAGS) -c $< -o $@

$(LIB): $(KERNEL_OBJ)
	@rm -f $@
	ar rcs $@ $^
# Under the sanitizers the runtime comes with the program, not the library.
$(SHLIB): $(KERNEL_OBJ)
	$(CC) $(CFLAGS_ALL) -shared -Wl,-soname,$(SONAME) $(if $(SAN)$(TSAN),,-Wl,--no-undefined) \
	  -o $@ $^ -lm -pthread
	ln -sf $(@F) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libsoftmax.so
$(BUILD)/softmax.pc: scripts/softmax.pc.in kernels/softmax.h FORCE
	@mkdir -p $(@D)
	@sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@VERSION@|$(VERSION)|' $< >$@.tmp && mv $@.tmp $@
$(REFLIB): $(REF_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(HLIB): $(HARNESS_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/harness/main.o $(HLIB) $(REFLIB) $(LIB) $(CONFIG)
	$(CC) $(CFLAGS_ALL) -o $@ $(filter-out $(CONFIG),$^) $(LDLIBS_ALL) $(PEER_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(HLIB) $(REFLIB) $(LIB) $(CONFIG)
	$(CC) $(CFLAGS_ALL) -o $@ $(filter-out $(CONFIG),$^) -lcmocka $(LDLIBS_ALL) $(PEER_LIBS)

# The main job: list, verify, edge, bench and the report (scripts/report.sh);
# QUICK=1 for the short version.
report:
	@scripts/install-deps.sh report
	@$(MAKE) --no-print-directory all
	@QUICK=$(or $(QUICK),0) PLUGINS='$(PLUGINS)' scripts/report.sh

# The project's own regression gate: the figures of this repository's
# kernels as make test's gcc build computes them (tests/baseline.json, which
# make test checks for accuracy and instruction counts). Rewrite it, and
# commit it, when a change makes a kernel better on purpose.
baseline: deps
	$(MAKE) --no-print-directory WERROR=1 BUILD=build/gcc CC=gcc build/gcc/softbench
	build/gcc/softbench baseline --write tests/baseline.json

# The exponentials' sweep (tests/expsweep/): each ISA's exponential as
# its kernels compile it, over float32 arguments, against a reference of
# higher precision (docs/accuracy.md, "Exhaustive exponentials"). expsweep
# runs it; make test runs a sample (tests/test_expsweep.c); make exhaustive
# every argument of every domain.
PROBE_ISA_x86_64  = tests/expsweep/probe_avx2.c tests/expsweep/probe_avx512.c
PROBE_ISA_aarch64 = tests/expsweep/probe_neon.c tests/expsweep/probe_sve.c
PROBE_SRC = tests/expsweep/sweep.c tests/expsweep/probe_scalar.c $(PROBE_ISA_$(ARCH))
PLIB      = $(BUILD)/libprobe.a
$(BUILD)/tests/expsweep/probe_avx2.o: ISAFLAGS = -mavx2 -mfma
$(BUILD)/tests/expsweep/probe_avx512.o: ISAFLAGS = -mavx512f -mavx2 -mfma
$(BUILD)/tests/expsweep/probe_sve.o: ISAFLAGS = -march=armv8-a+sve
$(PLIB): $(PROBE_SRC:%.c=$(BUILD)/%.o)
	@rm -f $@
	ar rcs $@ $^
$(BUILD)/expsweep: $(BUILD)/tests/expsweep/main.o $(PLIB) $(HLIB) $(REFLIB) $(LIB) $(CONFIG)
	$(CC) $(CFLAGS_ALL) -o $@ $(filter-out $(CONFIG),$^) $(LDLIBS_ALL) $(PEER_LIBS)
$(BUILD)/tests/test_expsweep: $(BUILD)/tests/test_expsweep.o $(PLIB) $(HLIB) $(REFLIB) $(LIB) \
                              $(CONFIG)
	$(CC) $(CFLAGS_ALL) -o $@ $(filter-out $(CONFIG),$^) -lcmocka $(LDLIBS_ALL) $(PEER_LIBS)

# Every float32 argument of every domain in round-to-nearest (judged:
# exit 1 over a bound), then 65536 of every binade in all four rounding
# modes (reported); the tables in build/exhaustive/. Minutes on two cores
# (docs/accuracy.md, "Exhaustive exponentials", has the time).
exhaustive: deps
	$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 BUILD=build/gcc CC=gcc build/gcc/expsweep
	@mkdir -p build/exhaustive
	build/gcc/expsweep --json build/exhaustive/exp.json --md build/exhaustive/exp.md
	build/gcc/expsweep --sample 65536 --round all --json build/exhaustive/exp-rounding.json \
	  --md build/exhaustive/exp-rounding.md

verify: all
	$(BIN) list
	$(BIN) verify
	$(BIN) edge

unit-tests: $(TEST_BIN) $(BIN)
	@scripts/run-tests.sh $(BUILD) $(TEST_BIN)

# Fuzzing (tests/fuzz/README.md): each tests/fuzz/fuzz_*.c defines
# LLVMFuzzerTestOneInput. make fuzz links it with libFuzzer (clang,
# build/fuzz: the libraries instrumented with -fsanitize=fuzzer-no-link
# under the sanitizers) and runs it for FUZZ_SECONDS on
# tests/fuzz/corpus/TARGET, keeping new inputs there (minimized) and moving
# a crash to tests/fuzz/regressions/TARGET (scripts/fuzz.sh). make
# fuzz-replay links each with replay_main.c instead (gcc, build/asan) and
# runs it over its corpus and regressions.
FUZZ_NAMES   = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/install-deps.sh fuzz
	$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 BUILD=build/fuzz CC=clang SAN=1 \
	  CFLAGS='-O1 -g -fsanitize=fuzzer-no-link' fuzz-build
	@scripts/fuzz.sh run build/fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)
fuzz-build: $(FUZZ_NAMES:%=$(BUILD)/fuzzers/%)
$(BUILD)/fuzzers/%: $(BUILD)/tests/fuzz/%.o $(HLIB) $(REFLIB) $(LIB) $(CONFIG)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -o $@ $(filter-out $(CONFIG),$^) $(LDLIBS_ALL)
fuzz-replay:
	@$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 BUILD=build/asan CC=gcc SAN=1 OPT=-O1 \
	  fuzz-replay-run
fuzz-replay-run: $(FUZZ_NAMES:%=$(BUILD)/replay/%)
	@scripts/fuzz.sh replay $(BUILD) $(FUZZ_NAMES)
$(BUILD)/replay/%: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz/replay_main.o $(HLIB) $(REFLIB) \
                   $(LIB) $(CONFIG)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $(filter-out $(CONFIG),$^) $(LDLIBS_ALL)

# Plugins that misbehave (tests/plugins/hostile.c, one object per variant)
# and the example (examples/plugin/), for tests/plugin.sh; the installed
# example is built again by tests/install.sh through pkg-config.
PLUGIN_VARIANTS = hostile badabi refuse noname dup nofn noentry
PLUGIN_SO = $(PLUGIN_VARIANTS:%=$(BUILD)/tests/plugins/%.so) $(BUILD)/examples/plugin/example.so
$(BUILD)/tests/plugins/%.so: tests/plugins/hostile.c kernels/softbench_plugin.h kernels/softmax.h
	@mkdir -p $(@D)
	$(CC) -Ikernels -std=c17 -O1 -g -fPIC -shared -Wall -Wextra $(if $(WERROR),-Werror) \
	  -DVARIANT_$* -o $@ $< -lm
$(BUILD)/examples/plugin/example.so: examples/plugin/example.c kernels/softbench_plugin.h \
                                     kernels/softmax.h
	@mkdir -p $(@D)
	$(CC) -Ikernels -std=c17 -O2 -fPIC -shared -Wall -Wextra $(if $(WERROR),-Werror) -o $@ $< -lm

# The scripts side by side (each into its log, shown in order after).
cli-tests: $(BIN) $(PLUGIN_SO)
	@tests/cli.sh $(BIN) >$(BUILD)/cli-tests.log 2>&1 & \
	{ tests/report.sh $(BIN) && tests/plugin.sh $(BIN) $(BUILD); } >$(BUILD)/report-tests.log 2>&1; \
	r=$$?; wait $$! || r=1; cat $(BUILD)/cli-tests.log $(BUILD)/report-tests.log; exit $$r

# The full gate: every build must be warning-free; the summary line counts
# every test program of every build. The whole gcc suite runs again as an
# AVX2-only and a scalar-only CPU sees it (SOFTMAX_ISA), except a cap that is
# this CPU's own ISA, which the first pass was. The passes after the first
# leave the slowest ISA-independent checks to it (SOFTBENCH_SLOW_TESTS=0).
ISA_HERE = build/gcc/softbench list | sed -n 's/.*usable ISA: //p'
CAPS_x86_64  = avx2 scalar
CAPS_aarch64 = neon scalar
test:
	@scripts/install-deps.sh test
	@if [ "$(ARCH)" = x86_64 ]; then scripts/install-deps.sh cross; fi
	@rm -f build/test-results.txt
	@# the tree as .clang-format writes it (make format fixes it)
	scripts/check-format.sh
	$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 BUILD=build/gcc CC=gcc unit-tests cli-tests
	@here=$$($(ISA_HERE)); for isa in $(CAPS_$(ARCH)); do \
	  if [ "$$(SOFTMAX_ISA=$$isa $(ISA_HERE))" = "$$here" ]; then \
	    echo "make test: SOFTMAX_ISA=$$isa is this CPU's own ISA ($$here), the pass above"; continue; fi; \
	  echo "make test: the gcc suite again under SOFTMAX_ISA=$$isa"; \
	  SOFTMAX_ISA=$$isa SOFTBENCH_SLOW_TESTS=0 $(MAKE) --no-print-directory -j$(JOBS) \
	    WERROR=1 BUILD=build/gcc CC=gcc unit-tests cli-tests || exit 1; \
	done
	@# the gate: accuracy and instruction counts against tests/baseline.json
	scripts/check-gate.sh build/gcc/softbench tests/baseline.json
	@# full disks: every command that writes, on /dev/full and a filled tmpfs
	tests/faults.sh build/gcc/softbench
	@# make install into a temporary DESTDIR: files, soname, exports, pkg-config
	@# consumers, the example plugin and docs/ci.md's recipe, make uninstall
	tests/install.sh build/gcc gcc
	SOFTBENCH_SLOW_TESTS=0 $(MAKE) --no-print-directory -j$(JOBS) WERROR=1 BUILD=build/asan CC=gcc SAN=1 OPT=-O1 unit-tests cli-tests
	@# every fuzz input ever kept, through the targets as plain ASan+UBSan programs
	$(MAKE) --no-print-directory fuzz-replay
	SOFTBENCH_SLOW_TESTS=0 $(MAKE) --no-print-directory -j$(JOBS) WERROR=1 BUILD=build/clang CC=clang unit-tests cli-tests
	$(MAKE) --no-print-directory tsan-tests
	@if [ "$(ARCH)" = x86_64 ]; then $(MAKE) --no-print-directory test-aarch64; fi
	@scripts/test-summary.sh build/test-results.txt

# ThreadSanitizer over the pool and its callers: every test program that
# makes a pool, starts threads or forks, and a few threaded command lines
# (scripts/tsan-tests.sh), in build/tsan with clang, peers left out.
TSAN_TEST_BIN = $(patsubst tests/%.c,build/tsan/tests/%,\
                  $(shell grep -lE 'softmax_pool|pthread_|fork\(\)' $(TEST_SRC)))
tsan-tests:
	$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 BUILD=build/tsan CC=clang TSAN=1 OPT=-O1 \
	  $(TSAN_TEST_BIN) build/tsan/softbench
	@scripts/tsan-tests.sh build/tsan $(TSAN_TEST_BIN)

# The aarch64 stage of make test on x86-64 (also alone): the cross build
# under qemu-aarch64 at NEON only and SVE 128, 256 and 512 bits (FULL=1:
# with the two long per-kernel suites, tens of minutes emulated).
test-aarch64:
	@scripts/install-deps.sh cross
	$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 BUILD=build/gcc CC=gcc build/gcc/softbench
	$(MAKE) --no-print-directory -j$(JOBS) CROSS=aarch64 WERROR=1 $(TEST_SRC:tests/%.c=build/aarch64/tests/%) build/aarch64/softbench
	@FULL=$(or $(FULL),0) scripts/test-aarch64.sh

# Installation (docs/library.md): DESTDIR for staging, PREFIX as the
# installed files will see it.
PREFIX     ?= /usr/local
DESTDIR    ?=
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
INSTALLED = $(LIBDIR)/libsoftmax.a $(LIBDIR)/libsoftmax.so.$(VMAJOR).$(VMINOR) \
            $(LIBDIR)/$(SONAME) $(LIBDIR)/libsoftmax.so $(LIBDIR)/pkgconfig/softmax.pc \
            $(INCLUDEDIR)/softmax.h $(INCLUDEDIR)/softbench_plugin.h $(BINDIR)/softbench \
            $(MANDIR)/man1/softbench.1
install: all $(BUILD)/softmax.pc
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(BINDIR) \
	  $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libsoftmax.a
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/libsoftmax.so.$(VMAJOR).$(VMINOR)
	ln -sf libsoftmax.so.$(VMAJOR).$(VMINOR) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libsoftmax.so
	install -m 644 $(BUILD)/softmax.pc $(DESTDIR)$(LIBDIR)/pkgconfig/softmax.pc
	install -m 644 kernels/softmax.h kernels/softbench_plugin.h $(DESTDIR)$(INCLUDEDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/softbench
	sed 's/@VERSION@/$(VERSION)/' docs/softbench.1 >$(DESTDIR)$(MANDIR)/man1/softbench.1
	chmod 644 $(DESTDIR)$(MANDIR)/man1/softbench.1
uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)%)

# Formats the tracked C sources and headers in place (.clang-format).
format:
	git ls-files -z '*.c' '*.h' | xargs -0 clang-format -i

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
