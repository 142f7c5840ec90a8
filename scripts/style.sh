#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# style.sh - the style gates: checkpatch --strict and sparse for the kernel
# code, clang-format for the C++.
#
# checkpatch.pl comes from the newest kernel source memplug is tested on:
# Debian's 7.x source, from which scripts/deps.sh kernels extracts it into
# the cache directory. The module is built with sparse (C=2) and W=1
# against every test kernel (the 7.x one in the trixie chroot). Debian's
# sparse cannot parse the 7.x headers, so there the build is W=1 only, and
# the output says so. Exit status is non-zero on any finding.
#
# One check is switched off everywhere: CAMELCASE, which fires on the
# kernel's own generated page-type helpers (__SetPageOffline()); nothing of
# ours is CamelCase. No file may compare kernel versions: what a kernel
# offers is probed (kmod/probes/).
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$top/build}/style
checkpatch_dir=${MEMPLUG_CACHE:-/var/cache/memplug}/checkpatch
status=0

fail() {
	echo "style: $*" >&2
	status=1
}

[[ -f $checkpatch_dir/scripts/checkpatch.pl ]] ||
	{ fail "no checkpatch.pl in $checkpatch_dir (scripts/deps.sh kernels)"; exit 1; }

echo "== checkpatch --strict"
cd "$top" || exit 1
mkdir -p "$build"
# Sources only: not what kbuild generates (*.mod.c) after a `make kmod`.
files=($(ls kmod/*.c kmod/probes/*.c | grep -v '\.mod\.c$') kmod/*.h
	include/uapi/linux/memplug.h $(ls selftests/modules/*.c | grep -v '\.mod\.c$'))
checkpatch() {
	perl "$checkpatch_dir/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types "$@" 2>&1 |
		grep -v -e '^total: 0 errors, 0 warnings, 0 checks' -e '^$'
}
out=$(checkpatch --ignore CAMELCASE -f "${files[@]}"
      grep -Hn LINUX_VERSION_CODE "${files[@]}")
rm -f .checkpatch-camelcase.*
if [[ -n $out ]]; then
	echo "$out"
	fail "checkpatch found problems"
else
	echo "clean: ${#files[@]} files"
fi

echo "== sparse (make C=2 W=1)"
while read -r kver; do
	tmp=$build/sparse/$kver
	rm -rf "$tmp" && mkdir -p "$tmp"
	cp -r kmod/*.[ch] kmod/Kbuild kmod/probes "$tmp/"
	out=$("$top/scripts/kbuild.sh" "$kver" "$tmp" -s \
		MEMPLUG_UAPI="$top/include/uapi" C=2 W=1 modules 2>&1 |
		grep -v -e '^Skipping BTF' -e '^  ')
	# Debian's sparse (0.6.4) cannot parse the 7.x headers
	# (__typeof_unqual__); the kernel's own check then builds without
	# it, and so the module is built with W=1 alone there.
	if grep -q 'specified, but sparse is not available or not up to date' <<<"$out"; then
		echo "note: $kver: Debian's sparse is too old for these headers; built with W=1 only"
		out=$(grep -v -e 'checker-valid.sh' -e 'not available or not up to date' <<<"$out")
	fi
	if [[ -n $out ]]; then
		echo "$out"
		fail "sparse or the compiler complained on $kver"
	else
		echo "clean: $kver"
	fi
done < <("$top/scripts/kernels.sh" all)

echo "== clang-format"
# Not the files scripts/gen-proto.py generates: gen-proto.py --check
# holds those to what the spec gives.
mapfile -t cxx < <(git ls-files 'userspace/*.cpp' 'userspace/*.hpp' 'userspace/*.h' |
	grep -v '\.gen\.hpp$')
if ((${#cxx[@]})); then
	if clang-format --dry-run --Werror "${cxx[@]}"; then
		echo "clean: ${#cxx[@]} files"
	else
		fail "clang-format differs"
	fi
fi
exit "$status"
