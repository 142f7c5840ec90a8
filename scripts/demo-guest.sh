#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make demo`: runs inside the VM with /memplug as cwd;
# its output goes to the host.
. "$VM_LIB"
PATH=/memplug/bin:$PATH

show() {
	echo
	echo "\$ $*"
	"$@" 2>&1
}

echo "The VM booted with memmap=1G!1G: 1 GiB at 0x40000000 is device memory."
show grep -i persistent /proc/iomem
show insmod /memplug/modules/memplug.ko
show memplugctl status
show free -m
show memplugctl plug --start 0x40000000 --size 1G --name demo
show free -m
show memplugctl list
show memplugctl blocks
show grep -A1 -i persistent /proc/iomem
show memplugctl unplug 1
show free -m
show memplugctl list
left=$(memplugctl list --json 2>&1)
show rmmod memplug

echo
vm_ktap_header 1
case $left in
*'"ranges":[]'*) echo "ok 1 demo: 1 GiB plugged and unplugged" ;;
*) echo "not ok 1 demo: ranges left: $left" ;;
esac
vm_flush
