#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh - build the Debian packages memplug-dkms and memplugctl.
#
# Usage: scripts/deb.sh [OUT]     (default OUT: build/deb)
#
# Copies the files git tracks, as they are in the work tree, to OUT/src
# and runs `dpkg-buildpackage -us -uc -b` there, so the build sees a clean
# clone's files (nothing of build/, no stray objects) and leaves the
# source tree untouched. The packages, .buildinfo and .changes end up in
# OUT, which holds nothing else of an earlier run. DEB_BUILD_OPTIONS
# defaults to parallel=2; nocheck skips the unit tests.

set -euo pipefail

readonly PROG=${0##*/}
readonly TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly OUT=$(mkdir -p "${1:-$TOP/build/deb}" && cd "${1:-$TOP/build/deb}" && pwd)

die() {
	echo "$PROG: error: $*" >&2
	exit 1
}

rm -rf "$OUT/src"
rm -f "$OUT"/*.deb "$OUT"/*.ddeb "$OUT"/*.buildinfo "$OUT"/*.changes
mkdir -p "$OUT/src"
if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Tracked files that exist (a deletion not committed yet stays deleted).
	mapfile -d '' tracked < <(git -C "$TOP" ls-files -z)
	files=()
	for f in "${tracked[@]}"; do
		[[ -e $TOP/$f || -L $TOP/$f ]] && files+=("$f")
	done
	printf '%s\0' "${files[@]}" |
		tar -C "$TOP" --null --no-recursion -T - -cf - | tar -C "$OUT/src" -xf -
else
	tar -C "$TOP" --exclude=./build -cf - . | tar -C "$OUT/src" -xf -
fi
[[ -x $OUT/src/debian/rules ]] || die "no debian/rules in the exported tree"

export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=2}
(cd "$OUT/src" && dpkg-buildpackage -us -uc -b)
ls -l "$OUT"/*.deb
