#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# style.sh - the style gates: checkpatch --strict and sparse for the kernel
# code, clang-format for the C++.
#
# checkpatch.pl comes from Debian's linux-source-6.1 tarball, extracted into
# build/style at run time. The module is built with sparse (C=1) against
# every installed test kernel. Exit status is non-zero on any finding.
#
# One check is switched off everywhere: CAMELCASE, which fires on the
# kernel's own generated page-type helpers (__SetPageOffline()); nothing of
# ours is CamelCase. kmod/compat.h exists to compare kernel versions, so the
# version checks are off for it alone, and no other file may use
# LINUX_VERSION_CODE.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$top/build}/style
tarball=/usr/src/linux-source-6.1.tar.xz
status=0

fail() {
	echo "style: $*" >&2
	status=1
}

mkdir -p "$build"
if [[ ! -x $build/scripts/checkpatch.pl ]]; then
	tar -xJf "$tarball" -C "$build" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch ||
		{ fail "cannot extract checkpatch.pl from $tarball"; exit 1; }
fi

echo "== checkpatch --strict"
cd "$top" || exit 1
# Sources only: not what kbuild generates (*.mod.c) after a `make kmod`.
files=($(ls kmod/*.c | grep -v '\.mod\.c$') $(ls kmod/*.h | grep -v compat.h)
	include/uapi/linux/memplug.h $(ls selftests/modules/*.c | grep -v '\.mod\.c$'))
checkpatch() {
	perl "$build/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types "$@" 2>&1 |
		grep -v -e '^total: 0 errors, 0 warnings, 0 checks' -e '^$'
}
out=$(checkpatch --ignore CAMELCASE -f "${files[@]}"
      checkpatch --ignore CAMELCASE,LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	      -f kmod/compat.h
      grep -Hn LINUX_VERSION_CODE "${files[@]}")
files+=(kmod/compat.h)
rm -f .checkpatch-camelcase.*
if [[ -n $out ]]; then
	echo "$out"
	fail "checkpatch found problems"
else
	echo "clean: ${#files[@]} files"
fi

echo "== sparse (make C=1)"
while read -r kver; do
	kdir=/usr/src/linux-headers-$kver
	tmp=$build/sparse/$kver
	rm -rf "$tmp" && mkdir -p "$tmp"
	cp kmod/*.[ch] kmod/Kbuild "$tmp/"
	out=$(make -s -C "$kdir" M="$tmp" MEMPLUG_UAPI="$top/include/uapi" \
		C=2 W=1 modules 2>&1 | grep -v -e '^Skipping BTF' -e '^  ')
	if [[ -n $out ]]; then
		echo "$out"
		fail "sparse or the compiler complained on $kver"
	else
		echo "clean: $kver"
	fi
done < <("$top/scripts/kernels.sh" all)

echo "== clang-format"
mapfile -t cxx < <(git ls-files 'userspace/*.cpp' 'userspace/*.hpp' 'userspace/*.h')
if ((${#cxx[@]})); then
	if clang-format --dry-run --Werror "${cxx[@]}"; then
		echo "clean: ${#cxx[@]} files"
	else
		fail "clang-format differs"
	fi
fi
exit "$status"
