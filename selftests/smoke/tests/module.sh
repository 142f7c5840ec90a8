#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load and unload the out-of-tree smoke module, printing KTAP subtests.
# MEMPLUG_SMOKE_WARN=1 loads it with warn=1 (provokes a WARN).
. "$VM_LIB"
ko=/memplug/modules/memplug_smoke.ko
echo "KTAP version 1"
echo "1..3"
if insmod "$ko" warn="${MEMPLUG_SMOKE_WARN:-0}"; then
	echo "ok 1 insmod"
else
	echo "not ok 1 insmod"
fi
if [ -d /sys/module/memplug_smoke ]; then
	echo "ok 2 sysfs"
else
	echo "not ok 2 sysfs"
fi
t=$(vm_taint)
echo "# tainted: $t ($(vm_taint_flags "$t"))"
if rmmod memplug_smoke && [ ! -d /sys/module/memplug_smoke ]; then
	echo "ok 3 rmmod"
else
	echo "not ok 3 rmmod"
	exit 1
fi
