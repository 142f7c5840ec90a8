# SPDX-License-Identifier: GPL-2.0
#
# memplug: plug device-backed memory ranges into a running Linux kernel.
#
#   make demo      boot a VM with Debian's stock kernel, plug 1 GiB, show it,
#                  unplug it (installs what it needs)
#   make check     unit tests and the kselftests in a VM on every test kernel
#                  (installs what it needs); the last line is the counts
#   make fuzz      nlfuzz_test with a million messages on every test kernel,
#                  and the controller's libFuzzer targets (installs what it
#                  needs); the last line is the counts
#   make stress    stress_test for ten minutes and signal_test with more
#                  kills, on every test kernel; the last line is the counts
#   make help      every target
#
# Variables:
#   KDIR=DIR       kernel build tree for `make kmod`/`install` (default: the
#                  running kernel's, else the newest installed Debian 6.1)
#   KVERS="K..."   kernels `make check` tests (default: every installed
#                  series, from scripts/kernels.sh); a series (6.1, 6.12, 7)
#                  or a full release name
#   FUZZ_COUNT=N   messages nlfuzz_test sends (default 1000000)
#   FUZZ_SEED=N    its seed (default: random, printed; the same on every
#                  kernel)
#   FUZZ_SECS=N    seconds per libFuzzer target (default 300)
#   STRESS_SECS=N  stress_test run time (default 600; at most ~1400, the
#                  VM runner's limit per test program)
#   STRESS_KILLS=N signal_test kills per scenario under `make stress`
#                  (default 30)
#   V=1            show commands

BUILD := $(CURDIR)/build
USERSPACE_BUILD := $(BUILD)/userspace
USERSPACE_SAN_BUILD := $(BUILD)/userspace-san
DEPS := scripts/deps.sh
USERSPACE_FUZZ_BUILD := $(BUILD)/userspace-fuzz
LONG_OUT := $(BUILD)/long
# The one writer and reader of "N passed, N failed, N skipped" lines.
KTAP_SUMMARY := selftests/vm/ktap-summary.sh

FUZZ_COUNT ?= 1000000
FUZZ_SEED ?=
FUZZ_SECS ?= 300
STRESS_SECS ?= 600
STRESS_ROUND_SECS ?= 30
STRESS_KILLS ?= 30

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)/Makefile),$(RUNNING_KDIR),$(firstword \
	$(wildcard /usr/src/linux-headers-$(shell scripts/kernels.sh 6.1 2>/dev/null))))
KVERS ?=
DEMO_KERNEL ?= 6.1
PREFIX ?= /usr/local

ifeq ($(V),1)
Q :=
else
Q := @
endif

export BUILD USERSPACE_BUILD USERSPACE_SAN_BUILD USERSPACE_FUZZ_BUILD

.PHONY: all help deps kmod userspace userspace-san selftests check unit \
	demo bench install clean style check-config fuzz stress gen deb

all: kmod userspace selftests

help:
	@sed -n '3,/^$$/{s/^# \{0,1\}//;p}' Makefile
	@echo "Targets:"
	@echo "  all          kmod, userspace and selftests"
	@echo "  deps         install every Debian package the project needs (root)"
	@echo "  kmod         memplug.ko for KDIR"
	@echo "  userspace    memplugctl and its unit tests (build/userspace)"
	@echo "  selftests    kselftest programs and helper modules"
	@echo "  unit         unit tests only, normal and sanitizer builds"
	@echo "  check        everything, in the VM on every test kernel"
	@echo "  fuzz         nlfuzz_test with FUZZ_COUNT messages, and libFuzzer targets"
	@echo "  stress       stress_test for STRESS_SECS, signal_test with STRESS_KILLS"
	@echo "  demo         plug and unplug 1 GiB in a VM, showing each step"
	@echo "  bench        memplug against daxctl, same kernel, same memory, one boot"
	@echo "  install      memplug.ko into /lib/modules, memplugctl into PREFIX,"
	@echo "               memplug.yaml into /usr/share/ynl/specs (for YNL)"
	@echo "  deb          Debian packages memplug-dkms and memplugctl in build/deb"
	@echo "               (installs what it needs)"
	@echo "  style        checkpatch --strict, sparse, clang-format"
	@echo "  gen          regenerate the protocol's files from memplug.yaml"
	@echo "  check-config compare the running kernel's config with Kconfig.snippet"
	@echo "  clean        remove build output"

deps:
	$(Q)$(DEPS) all

# The protocol's one source is include/uapi/linux/memplug.yaml; this writes
# every file generated from it (make check fails while one is stale).
gen:
	$(Q)$(DEPS) build
	$(Q)/usr/bin/python3 scripts/gen-proto.py

kmod:
	$(Q)test -n "$(KDIR)" || { echo "no kernel build tree: set KDIR" >&2; exit 2; }
	$(Q)$(MAKE) -C kmod KDIR=$(KDIR)

userspace:
	$(Q)cmake -S userspace -B $(USERSPACE_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DMEMPLUG_STATIC=ON >/dev/null
	$(Q)cmake --build $(USERSPACE_BUILD) -j2

userspace-san:
	$(Q)cmake -S userspace -B $(USERSPACE_SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug \
		-DMEMPLUG_SANITIZE=ON >/dev/null
	$(Q)cmake --build $(USERSPACE_SAN_BUILD) -j2

selftests:
	$(Q)$(MAKE) -C selftests all

unit: userspace userspace-san
	$(Q)cd $(USERSPACE_BUILD) && ctest --output-on-failure -j2
	$(Q)cd $(USERSPACE_SAN_BUILD) && ctest --output-on-failure -j2

# Installs its own dependencies, so it works on a fresh machine.
check:
	$(Q)$(DEPS) build vm kernels fuzz deb
	$(Q)$(MAKE) --no-print-directory userspace userspace-san
	$(Q)scripts/check.sh $(KVERS)

# vm_long NAME TESTS ENV: boot every kernel of KVERS (default: every
# installed series) with ENV on the kernel command line, which the guest
# passes to the tests as environment, and run TESTS; each run's counts end
# up in $(LONG_OUT)/NAME/runs/KVER/default/summary.txt.
define vm_long
	rm -rf $(LONG_OUT)/$(1)/runs; \
	kernels="$(KVERS)"; [ -n "$$kernels" ] || kernels=$$(scripts/kernels.sh all); \
	for k in $$kernels; do \
		case $$k in 6.1|6.12|7) k=$$(scripts/kernels.sh $$k) || exit 1 ;; esac; \
		echo "==== $(1): $(2) on $$k, $(3)"; \
		$(MAKE) -s -C selftests run OUT=$(LONG_OUT)/$(1) KVER=$$k \
			TESTS="$(2)" MEMPLUGCTL_BIN=$(USERSPACE_BUILD)/memplugctl \
			RUNVM_ARGS="--append '$(3)'" || true; \
		s=$(LONG_OUT)/$(1)/runs/$$k/default/summary.txt; \
		[ -s $$s ] || { mkdir -p $$(dirname $$s); $(KTAP_SUMMARY) --counts 0 1 0 >$$s; }; \
	done
endef

# The libFuzzer targets of the controller (userspace/fuzz, CMake option
# MEMPLUG_FUZZ, one executable per userspace/fuzz/NAME.cpp): each runs
# FUZZ_SECS seconds on a copy of its corpus, crashes and the inputs that
# cause them going to $(LONG_OUT)/libfuzzer; one test each, and a target
# that did not build counts as failed.
define libfuzzer_run
	counts=$(LONG_OUT)/libfuzzer.counts; rm -f $$counts; \
	if [ ! -d userspace/fuzz ]; then \
		echo "==== libFuzzer: none (userspace/fuzz does not exist)"; \
		exit 0; \
	fi; \
	cmake -S userspace -B $(USERSPACE_FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug \
		-DCMAKE_CXX_COMPILER=clang++-14 -DMEMPLUG_FUZZ=ON \
		-DMEMPLUG_BUILD_TESTS=OFF >/dev/null && \
		cmake --build $(USERSPACE_FUZZ_BUILD) -j2 || \
		{ $(KTAP_SUMMARY) --counts 0 1 0 >$$counts; exit 0; }; \
	out=$(LONG_OUT)/libfuzzer; p=0; f=0; \
	for src in userspace/fuzz/*.cpp; do \
		n=$$(basename $$src .cpp); \
		bin=$(USERSPACE_FUZZ_BUILD)/$$n; \
		corpus=$$out/$$n; rm -rf $$corpus $$out/$$n.log $$out/$$n-*; mkdir -p $$corpus; \
		if [ -d userspace/fuzz/corpus/$$n ]; then cp -r userspace/fuzz/corpus/$$n/. $$corpus/; fi; \
		echo "==== libFuzzer: $$n for $(FUZZ_SECS) s"; \
		if [ -x $$bin ] && $$bin -max_total_time=$(FUZZ_SECS) -timeout=10 \
			-print_final_stats=1 -artifact_prefix=$$out/$$n- $$corpus \
			>$$out/$$n.log 2>&1; then \
			p=$$((p + 1)); grep -E '^stat::number_of_executed_units' $$out/$$n.log; \
		else \
			f=$$((f + 1)); tail -n 30 $$out/$$n.log 2>/dev/null || echo "no $$bin"; \
		fi; \
	done; \
	$(KTAP_SUMMARY) --counts $$p $$f 0 >$$counts
endef

# A million random and malformed messages at memplug on every kernel, then
# the controller's libFuzzer targets; the last line is the counts.
fuzz:
	$(Q)$(DEPS) build vm kernels fuzz
	$(Q)$(MAKE) --no-print-directory userspace
	$(Q)mkdir -p $(LONG_OUT)/libfuzzer
	$(Q)seed=$(FUZZ_SEED); [ -n "$$seed" ] || seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); \
	echo "$$seed" >$(LONG_OUT)/fuzz.seed; \
	echo "fuzz: nlfuzz_test, $(FUZZ_COUNT) messages, seed $$seed"; \
	$(call vm_long,fuzz,nlfuzz_test,MEMPLUG_FUZZ_COUNT=$(FUZZ_COUNT) MEMPLUG_FUZZ_SEED=$$seed)
	$(Q)$(call libfuzzer_run)
	$(Q)echo "fuzz: nlfuzz_test sent $(FUZZ_COUNT) messages per kernel with seed" \
		"$$(cat $(LONG_OUT)/fuzz.seed) (FUZZ_SEED=$$(cat $(LONG_OUT)/fuzz.seed) repeats it)"
	$(Q)$(KTAP_SUMMARY) --sum $(LONG_OUT)/fuzz/runs/*/default/summary.txt \
		$$(ls $(LONG_OUT)/libfuzzer.counts 2>/dev/null) >$(LONG_OUT)/fuzz.summary; \
	rc=$$?; cat $(LONG_OUT)/fuzz.summary; exit $$rc

# The stress test for STRESS_SECS and the signal test with STRESS_KILLS
# kills per scenario, on every kernel; the last line is the counts.
stress:
	$(Q)$(DEPS) build vm kernels
	$(Q)$(MAKE) --no-print-directory userspace
	$(Q)$(call vm_long,stress,stress_test signal_test,MEMPLUG_STRESS_SECS=$(STRESS_SECS) MEMPLUG_STRESS_ROUND_SECS=$(STRESS_ROUND_SECS) MEMPLUG_SIGNAL_KILLS=$(STRESS_KILLS))
	$(Q)$(KTAP_SUMMARY) --sum $(LONG_OUT)/stress/runs/*/default/summary.txt \
		>$(LONG_OUT)/stress.summary; \
	rc=$$?; cat $(LONG_OUT)/stress.summary; exit $$rc

# Benchmarks memplug against daxctl in one VM boot; reports, never gates.
bench:
	$(Q)$(DEPS) build vm kernels bench
	$(Q)$(MAKE) --no-print-directory userspace
	$(Q)bench/run.sh $(BENCH_ARGS)
	$(Q)bench/demotion.sh $(filter --update-docs,$(BENCH_ARGS)) $(DEMOTION_ARGS)

demo:
	$(Q)$(DEPS) build vm kernels
	$(Q)$(MAKE) --no-print-directory userspace
	$(Q)scripts/demo.sh $(DEMO_KERNEL)

install: kmod userspace
	$(Q)$(MAKE) -C kmod KDIR=$(KDIR) install
	$(Q)install -D -m 0755 $(USERSPACE_BUILD)/memplugctl $(DESTDIR)$(PREFIX)/bin/memplugctl
	$(Q)install -D -m 0644 include/uapi/linux/memplug.yaml \
		$(DESTDIR)/usr/share/ynl/specs/memplug.yaml

# The Debian packages, built from a copy of the tracked files in
# build/deb/src; the .debs, .buildinfo and .changes go to build/deb.
deb:
	$(Q)$(DEPS) build deb
	$(Q)scripts/deb.sh $(BUILD)/deb

style:
	$(Q)$(DEPS) build kernels
	$(Q)scripts/style.sh

check-config:
	$(Q)scripts/check-config.sh

clean:
	$(Q)test -z "$(KDIR)" || $(MAKE) -C kmod KDIR=$(KDIR) clean >/dev/null
	$(Q)rm -rf $(BUILD)
