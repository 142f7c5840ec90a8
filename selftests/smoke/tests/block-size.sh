#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Memory block size: readable, a power of two, 128 MiB in this VM.
f=/sys/devices/system/memory/block_size_bytes
[ -r "$f" ] || { echo "# $f missing"; exit 1; }
hex=$(cat "$f")
size=$((0x$hex))
echo "# block_size_bytes: 0x$hex ($size)"
[ "$size" -gt 0 ] && [ $((size & (size - 1))) -eq 0 ] ||
	{ echo "# not a power of two"; exit 1; }
[ "$size" -eq $((128 << 20)) ] || { echo "# expected 128 MiB"; exit 1; }
echo "# auto_online_blocks: $(cat /sys/devices/system/memory/auto_online_blocks)"
