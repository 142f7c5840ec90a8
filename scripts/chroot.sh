#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# chroot.sh - run a command in the trixie chroot that builds for 7.x kernels.
#
# Usage: scripts/chroot.sh [--bind DIR]... -- COMMAND [ARG...]   (as root)
#
# Debian's 7.x kernels come from trixie-backports, and building against
# their headers needs trixie's compiler and C library. scripts/deps.sh
# kernels creates the chroot under the cache directory (MEMPLUG_CACHE,
# default /var/cache/memplug). This mounts /proc and /dev in it, binds
# every DIR at the same path inside (so that paths mean the same on both
# sides), runs COMMAND and undoes the mounts. One command runs at a time.

set -euo pipefail

readonly CACHE=${MEMPLUG_CACHE:-/var/cache/memplug}
readonly ROOT=$CACHE/trixie

die() {
	echo "${0##*/}: $*" >&2
	exit 2
}

binds=()
while (($#)); do
	case $1 in
	--bind)
		(($# >= 2)) || die "--bind needs a directory"
		binds+=("$(cd "$2" && pwd)")
		shift 2
		;;
	--)
		shift
		break
		;;
	*) die "usage: ${0##*/} [--bind DIR]... -- COMMAND [ARG...]" ;;
	esac
done
(($#)) || die "no command"
[[ -x $ROOT/usr/bin/apt-get ]] ||
	die "no trixie chroot in $ROOT (scripts/deps.sh kernels creates it)"

exec 9>"$CACHE/trixie.lock"
flock 9

mounted=()
cleanup() {
	local i

	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}"
	done
}
trap cleanup EXIT

mount -t proc proc "$ROOT/proc"
mounted+=("$ROOT/proc")
mount --bind /dev "$ROOT/dev"
mounted+=("$ROOT/dev")
for dir in "${binds[@]}"; do
	mkdir -p "$ROOT$dir"
	mount --bind "$dir" "$ROOT$dir"
	mounted+=("$ROOT$dir")
done

status=0
chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@" || status=$?
exit "$status"
