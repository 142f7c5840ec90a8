#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - the main job, shown in a VM: boot Debian's stock kernel with a
# 1 GiB device-backed range, load memplug.ko, plug the range, show it with
# free, memplugctl list and blocks, then unplug it and show that everything
# is back.
#
#   scripts/demo.sh [KERNEL]     (default 6.1; `make demo` runs this)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kernel=${1:-6.1}
build=${BUILD:-$top/build}
kver=$("$top/scripts/kernels.sh" "$kernel")
payload=$build/demo/payload

make -s -C "$top/selftests" modules KVER="$kver"
rm -rf "$payload"
mkdir -p "$payload/modules" "$payload/bin"
cp "$top/scripts/demo-guest.sh" "$payload/guest-main"
cp "$build/selftests/modules/$kver/memplug.ko" "$payload/modules/"
cp "${USERSPACE_BUILD:-$build/userspace}/memplugctl" "$payload/bin/"

echo "Booting Debian's $kver under QEMU; the demo's output is marked '| '."
"$top/selftests/vm/run-vm.sh" --kernel "$kver" --payload "$payload" \
	--out "$build/demo/run" --console --timeout 600 |
	grep --line-buffered -E '^\| |^[0-9]+ passed|FAIL' |
	grep --line-buffered -v '^| #### memplug-vm' | sed -u 's/^| //'
