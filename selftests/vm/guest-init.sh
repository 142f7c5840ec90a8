#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the memplug test VM (run by dash), installed by run-vm.sh.
#
# Mounts the pseudo filesystems, runs /memplug/guest-main with its output
# on the results port (ttyS1), then reports on
# ttyS1, each marker line prefixed with "#### memplug-vm <nonce> ":
#	dmesg-begin / the whole kernel log / dmesg-end
#	tainted=<value of /proc/sys/kernel/tainted>
#	status=<exit status of guest-main>      (always the last line)
# and powers off. The host treats a missing status line as a failure.
#
# guest-main sees VM_BOOT: 1, or 2 when run-vm.sh boots a second time
# after a kernel crash (memplug_vm_boot=2 on the kernel command line).

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb
export VM_LIB=/lib/memplug-vm/guest-lib.sh
export VM_RESULTS_TTY=/dev/ttyS1

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
hostname memplug-vm

. "$VM_LIB"

VM_BOOT=1
for arg in $(cat /proc/cmdline); do
	case $arg in
	memplug_vm_boot=*) VM_BOOT=${arg#*=} ;;
	esac
done
export VM_BOOT

RES=$VM_RESULTS_TTY
read -r NONCE </etc/memplug-vm/nonce
MARK="#### memplug-vm $NONCE"

# Raw: no "\r\n" translation and no echo of anything QEMU might send.
stty -F "$RES" raw -echo 2>/dev/null

{
	echo "# memplug-vm: $(uname -r), $(nproc) CPUs," \
		"$(sed -n 's/MemTotal: *//p' /proc/meminfo), boot $VM_BOOT," \
		"cmdline: $(cat /proc/cmdline)"
	if [ -x /memplug/guest-main ]; then
		(cd /memplug && exec /memplug/guest-main) </dev/null 2>&1
		echo $? >/run/guest-main.status
	else
		echo "# memplug-vm: /memplug/guest-main is missing or not executable"
		echo 127 >/run/guest-main.status
	fi
} >"$RES" 2>&1

read -r status </run/guest-main.status || status=255
{
	echo "$MARK dmesg-begin"
	vm_dmesg_all
	echo "$MARK dmesg-end"
	echo "$MARK tainted=$(vm_taint)"
	echo "$MARK status=$status"
} >"$RES"
echo "# memplug-vm: guest-main exited with status $status, powering off"

# The last close of the port above waited for its output to drain.
sync
poweroff -f
