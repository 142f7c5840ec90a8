# SPDX-License-Identifier: GPL-2.0
#
# memplug: plug device-backed memory ranges into a running Linux kernel.
#
#   make demo      boot a VM with Debian's stock kernel, plug 1 GiB, show it,
#                  unplug it (installs what it needs)
#   make check     unit tests and the kselftests in a VM on every test kernel
#                  (installs what it needs); the last line is the counts
#   make help      every target
#
# Variables:
#   KDIR=DIR       kernel build tree for `make kmod`/`install` (default: the
#                  running kernel's, else the newest installed Debian 6.1)
#   KVERS="K..."   kernels `make check` tests (default: every installed
#                  series, from scripts/kernels.sh); a series such as 6.12
#                  or a full release name
#   V=1            show commands

BUILD := $(CURDIR)/build
USERSPACE_BUILD := $(BUILD)/userspace
USERSPACE_SAN_BUILD := $(BUILD)/userspace-san
DEPS := scripts/deps.sh

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

export BUILD USERSPACE_BUILD USERSPACE_SAN_BUILD

.PHONY: all help deps kmod userspace userspace-san selftests check unit \
	demo bench install clean style check-config

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
	@echo "  demo         plug and unplug 1 GiB in a VM, showing each step"
	@echo "  bench        memplug against daxctl, same kernel, same memory, one boot"
	@echo "  install      memplug.ko into /lib/modules, memplugctl into PREFIX"
	@echo "  style        checkpatch --strict, sparse, clang-format"
	@echo "  check-config compare the running kernel's config with Kconfig.snippet"
	@echo "  clean        remove build output"

deps:
	$(Q)$(DEPS) all

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
	$(Q)$(DEPS) build vm kernels
	$(Q)$(MAKE) --no-print-directory userspace userspace-san
	$(Q)scripts/check.sh $(KVERS)

# Benchmarks memplug against daxctl in one VM boot; reports, never gates.
bench:
	$(Q)$(DEPS) build vm kernels bench
	$(Q)$(MAKE) --no-print-directory userspace
	$(Q)selftests/bench/run.sh $(BENCH_ARGS)

demo:
	$(Q)$(DEPS) build vm kernels
	$(Q)$(MAKE) --no-print-directory userspace
	$(Q)scripts/demo.sh $(DEMO_KERNEL)

install: kmod userspace
	$(Q)$(MAKE) -C kmod KDIR=$(KDIR) install
	$(Q)install -D -m 0755 $(USERSPACE_BUILD)/memplugctl $(DESTDIR)$(PREFIX)/bin/memplugctl

style:
	$(Q)$(DEPS) build kernels
	$(Q)scripts/style.sh

check-config:
	$(Q)scripts/check-config.sh

clean:
	$(Q)test -z "$(KDIR)" || $(MAKE) -C kmod KDIR=$(KDIR) clean >/dev/null
	$(Q)rm -rf $(BUILD)
