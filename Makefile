# sesame: one non-recursive Makefile. Each area adds itself in its module.mk:
#   LIBS += name;        name_SRCS, name_PKGS        -> build/lib/libname.a
#   PROGS += name;       name_SRCS, name_LIBS, name_PKGS -> build/bin/name
#   UNIT_TESTS += name;  same variables               -> build/tests/name
#   FUZZ_TARGETS += name; same variables; corpus in tests/fuzz/corpus/name/
# name_LIBS lists our own archives (in link order), name_PKGS pkg-config
# packages (a package without a .pc file falls back to -lNAME).

# `make` builds what `make install` installs, whatever rule a module.mk
# included below happens to define first (issue 9).
.DEFAULT_GOAL := all
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
LIBEXECDIR := $(PREFIX)/lib/sesame
MANDIR := $(PREFIX)/share/man
VERSION := 0.1.0

SAN ?=
ifeq ($(SAN),1)
B := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
else
B := build
SANFLAGS :=
endif

CC ?= cc
CLANG ?= clang
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wformat=2 -Wvla -Werror=implicit-function-declaration
CPPFLAGS += -D_GNU_SOURCE -I. -DSESAME_VERSION='"$(VERSION)"' \
	-DSESAME_LIBEXECDIR='"$(LIBEXECDIR)"'
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP

LIBS :=
PROGS :=
UNIT_TESTS :=
FUZZ_TARGETS :=
VM_TESTS :=

include common/module.mk
-include image/module.mk
-include init/module.mk
-include net/module.mk
-include nfs/module.mk
-include sshd/module.mk
-include storage/module.mk
-include keys/module.mk
-include audit/module.mk
-include tool/module.mk
-include try/module.mk
-include tests/unit/module.mk
-include tests/fuzz/module.mk
-include tests/vm/module.mk
-include bench/module.mk

pkg_cflags = $(foreach p,$(1),$(shell pkg-config --cflags $(p) 2>/dev/null))
pkg_libs = $(foreach p,$(1),$(shell pkg-config --libs $(p) 2>/dev/null || echo -l$(p)))
lib_archives = $(foreach l,$(1),$(B)/lib/lib$(l).a)
lib_srcs = $(foreach l,$(1),$($(l)_SRCS))
lib_pkgs = $(sort $(foreach l,$(1),$($(l)_PKGS)))
objs = $(patsubst %.c,$(B)/obj/%.o,$(1))

.PHONY: all
all: $(foreach p,$(PROGS),$(B)/bin/$(p))

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(call pkg_cflags,$(ALL_PKGS)) $(ALL_CFLAGS) -c $< -o $@

define lib_template
$(B)/lib/lib$(1).a: $(call objs,$($(1)_SRCS))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef

# $(1) name, $(2) output dir
define prog_template
$(2)/$(1): $(call objs,$($(1)_SRCS)) $(call lib_archives,$($(1)_LIBS))
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) $$(LDFLAGS) -o $$@ $$^ \
		$$(call pkg_libs,$$(sort $($(1)_PKGS) $$(call lib_pkgs,$($(1)_LIBS)))) $($(1)_LDLIBS)
endef

ALL_PKGS := $(sort $(foreach x,$(LIBS) $(PROGS) $(UNIT_TESTS) $(FUZZ_TARGETS),$($(x)_PKGS)))
$(foreach l,$(LIBS),$(eval $(call lib_template,$(l))))
$(foreach p,$(PROGS),$(eval $(call prog_template,$(p),$(B)/bin)))
$(foreach t,$(UNIT_TESTS),$(eval $(call prog_template,$(t),$(B)/tests)))

# Fuzz targets: for `make check` each is linked with a replay driver that
# runs the checked-in corpus; `make fuzz` builds them with libFuzzer.
define fuzz_template
$(1)_replay_SRCS := $($(1)_SRCS) tests/fuzz/replay.c
$(1)_replay_LIBS := $($(1)_LIBS)
$(1)_replay_PKGS := $($(1)_PKGS)
$$(eval $$(call prog_template,$(1)_replay,$(B)/fuzz))
$(B)/libfuzzer/$(1): $($(1)_SRCS) $(call lib_srcs,$($(1)_LIBS))
	@mkdir -p $$(@D)
	$$(CLANG) $$(CPPFLAGS) $$(call pkg_cflags,$$(ALL_PKGS)) -g -O1 \
		-fsanitize=fuzzer,address,undefined -o $$@ $$^ \
		$$(call pkg_libs,$$(sort $($(1)_PKGS) $$(call lib_pkgs,$($(1)_LIBS)))) $($(1)_LDLIBS)
endef
$(foreach f,$(FUZZ_TARGETS),$(eval $(call fuzz_template,$(f))))

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# ---- dependencies -------------------------------------------------------
.PHONY: deps
deps:
	@scripts/deps.sh build

# ---- tests --------------------------------------------------------------
RESULTS := $(B)/results
UNIT_BINS := $(foreach t,$(UNIT_TESTS),$(B)/tests/$(t))
REPLAY_BINS := $(foreach f,$(FUZZ_TARGETS),$(B)/fuzz/$(f)_replay)
# The libFuzzer builds too (clang, about 30 s): a target that no longer
# links shows in make check, not first under make fuzz.
LIBFUZZER_BINS := $(foreach f,$(FUZZ_TARGETS),$(B)/libfuzzer/$(f))
# Shell tests of the build and the test tools themselves (tests/sh).
SH_TESTS := $(filter-out tests/sh/lib.sh,$(wildcard tests/sh/*.sh))

.PHONY: check check-build unit fuzz-replay shtest vmtest fuzz bench demo clean install
check:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory check-build
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@$(MAKE) --no-print-directory -k unit fuzz-replay shtest \
		$(if $(SAN),,vmtest) || true
	@tests/summary.sh $(RESULTS)

check-build: all $(UNIT_BINS) $(REPLAY_BINS) $(LIBFUZZER_BINS)

unit: $(UNIT_BINS)
	@mkdir -p $(RESULTS)
	@tests/run-unit.sh $(RESULTS) $(UNIT_BINS)

fuzz-replay: $(REPLAY_BINS)
	@mkdir -p $(RESULTS)
	@tests/run-replay.sh $(RESULTS) $(REPLAY_BINS)

shtest: all $(UNIT_BINS)
	@mkdir -p $(RESULTS)
	@SESAME_B=$(B) tests/run-sh.sh $(RESULTS) $(SH_TESTS)

vmtest: all
	@scripts/deps.sh vm
	@mkdir -p $(RESULTS)
	@# A harness that stops before any test must not pass unnoticed.
	@tests/vm/run.sh --results $(RESULTS) $(VMTEST_ARGS) || { \
		ls $(RESULTS)/vm-* >/dev/null 2>&1 || \
			echo "0 1" >$(RESULTS)/vm-harness; exit 1; }

FUZZ_SECONDS ?= 60
fuzz: $(LIBFUZZER_BINS)
	@for f in $(FUZZ_TARGETS); do \
		mkdir -p $(B)/fuzz-corpus/$$f; \
		echo "fuzz: $$f for $(FUZZ_SECONDS) s"; \
		$(B)/libfuzzer/$$f -max_total_time=$(FUZZ_SECONDS) \
			$(B)/fuzz-corpus/$$f tests/fuzz/corpus/$$f || exit 1; \
	done

bench: all
	@scripts/deps.sh bench
	@bench/run.sh
	@bench/nfs.sh
	@tests/vm/measure.sh 3
	@tests/vm/measure-storage.sh 3

demo:
	@scripts/deps.sh vm
	@$(MAKE) --no-print-directory all
	@tests/vm/demo.sh
	@tests/vm/demo-unlock.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(B)/bin/sesame $(DESTDIR)$(BINDIR)/sesame
	for p in $(BOOT_PROGS); do \
		install -m 0755 $(B)/bin/$$p $(DESTDIR)$(LIBEXECDIR)/$$p || exit 1; \
	done
	for m in docs/man/*.[1-8]; do \
		d=$(DESTDIR)$(MANDIR)/man$${m##*.}; \
		install -d $$d && install -m 0644 $$m $$d/ || exit 1; \
	done

clean:
	rm -rf build
