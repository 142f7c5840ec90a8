#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The memmap=1G!1G range must show up as legacy persistent memory at 1 GiB.
want='40000000-7fffffff : Persistent Memory (legacy)'
if grep -qxF "$want" /proc/iomem; then
	echo "# found: $want"
	exit 0
fi
echo "# /proc/iomem has no '$want':"
sed 's/^/# /' /proc/iomem
exit 1
