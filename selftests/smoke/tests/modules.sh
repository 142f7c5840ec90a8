#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Stock modules given to run-vm.sh --modules load with their dependencies
# (memory-notifier-error-inject needs notifier-error-inject).
set -e
modprobe memory-notifier-error-inject
d=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_ONLINE
[ -f "$d/error" ] || { echo "# $d/error missing"; exit 1; }
echo "# $(lsmod | grep -c notifier) notifier modules loaded"
modprobe -r memory-notifier-error-inject
