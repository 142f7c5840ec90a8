#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host programs the runner adds: coreutils timeout (with --foreground,
# which busybox lacks) and util-linux setpriv dropping to nobody.
set -e
timeout --foreground 5 true
uid=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all id -u)
echo "# uid after setpriv: $uid"
[ "$uid" = 65534 ]
if setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all sh -c 'echo 1 >/proc/sys/vm/drop_caches' 2>/dev/null; then
	echo "# nobody could write /proc/sys/vm/drop_caches"
	exit 1
fi
