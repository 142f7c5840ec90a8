#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kselftest-tree.sh - build the memplug kselftests the way a kernel tree
# would, with the kernel's own tools/testing/selftests/lib.mk.
#
#   scripts/kselftest-tree.sh [OUTDIR]
#
# Lays out, under OUTDIR (default build/kselftest-tree):
#   tools/testing/selftests/{lib.mk,kselftest.h,kselftest_harness.h}
#                                  from Debian's linux-source-6.12 tarball
#   tools/testing/selftests/memplug/       selftests/memplug of this tree
#   tools/testing/selftests/memplug/lib/   selftests/lib of this tree
#   usr/include/linux/memplug.h            as `make headers_install` puts it
# and runs `make` in tools/testing/selftests/memplug, as
# `make -C tools/testing/selftests TARGETS=memplug` does. Prints one KTAP
# line per test program that lib.mk built, and fails when one is missing.
# KSRC_TAR names another tarball.

set -euo pipefail

readonly top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$top/build/kselftest-tree}
tarball=${KSRC_TAR:-/usr/src/linux-source-6.12.tar.xz}
[[ -f $tarball ]] || { echo "${0##*/}: no $tarball (scripts/deps.sh build)" >&2; exit 2; }

src=$(basename "$tarball" .tar.xz)
st=$out/tools/testing/selftests
rm -rf "$out"
mkdir -p "$st" "$out/usr/include/linux"
tar -xJf "$tarball" -C "$st" --strip-components=4 \
	"$src/tools/testing/selftests/lib.mk" \
	"$src/tools/testing/selftests/kselftest.h" \
	"$src/tools/testing/selftests/kselftest_harness.h"
cp -r "$top/selftests/memplug" "$st/memplug"
cp -r "$top/selftests/lib" "$st/memplug/lib"
cp "$top/include/uapi/linux/memplug.h" "$out/usr/include/linux/"

# lib.mk takes OUTPUT from the selftests' top Makefile when it is not the
# first make (MAKELEVEL), which would put the programs in /; say it here.
log=$out/build.log
if ! env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
	make -j"$(nproc)" -C "$st/memplug" OUTPUT="$st/memplug" >"$log" 2>&1; then
	tail -n 30 "$log"
	echo "${0##*/}: lib.mk failed to build the tests; see $log" >&2
	exit 1
fi
n=0 missing=0
echo "TAP version 13"
for c in "$top"/selftests/memplug/*_test.c; do
	t=$(basename "$c" .c)
	n=$((n + 1))
	if [[ -x $st/memplug/$t ]]; then
		echo "ok $n kernel-tree build: $t"
	else
		echo "not ok $n kernel-tree build: $t"
		missing=$((missing + 1))
	fi
done
echo "1..$n"
((missing == 0))
