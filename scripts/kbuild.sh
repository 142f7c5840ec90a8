#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kbuild.sh - build an out-of-tree module for one of the test kernels.
#
# Usage: scripts/kbuild.sh KVER MODDIR [MAKE-ARG...]
#
# Runs `make -C HEADERS M=MODDIR MAKE-ARG...` against KVER's headers
# (scripts/kernels.sh where KVER headers): on the host for the bookworm
# kernels, in the trixie chroot for 7.x (scripts/chroot.sh), with the
# repository and MODDIR at the same paths inside.

set -euo pipefail

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$HERE/.." && pwd)

(($# >= 2)) || { echo "usage: ${0##*/} KVER MODDIR [MAKE-ARG...]" >&2; exit 2; }
kver=$1
moddir=$(cd "$2" && pwd)
shift 2

headers=$("$HERE/kernels.sh" where "$kver" headers)
root=$("$HERE/kernels.sh" where "$kver" chroot)
if [[ ! -d $headers ]]; then
	echo "${0##*/}: no headers for $kver in $headers (scripts/deps.sh kernels)" >&2
	exit 2
fi
if [[ -z $root ]]; then
	exec make -C "$headers" M="$moddir" "$@"
fi
binds=(--bind "$REPO")
[[ $moddir == "$REPO"/* ]] || binds+=(--bind "$moddir")
exec "$HERE/chroot.sh" "${binds[@]}" -- \
	make -C "${headers#"$root"}" M="$moddir" "$@"
