#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh - the Debian kernels memplug is tested on, and where they are.
#
# Usage: scripts/kernels.sh [6.1|6.12|7|all]
#        scripts/kernels.sh where REL boot|modules|headers|root|chroot
#
# The first form prints one kernel release name (as `uname -r` reports it
# inside the guest) per line: the newest complete release of each
# requested series, "all" meaning every series. It exits non-zero, naming
# the series, when one is missing (scripts/deps.sh kernels installs them).
#
#   6.1   Debian bookworm's kernel, installed on the host
#   6.12  Debian's current 6.12 point release (bookworm-security),
#         installed on the host
#   7     the newest Debian kernel of trixie-backports. Building for it
#         needs trixie's userland, so its headers live in a trixie chroot,
#         and its image is unpacked next to it (dpkg-deb -x), never
#         installed: both under the cache directory
#
# A release is complete when its image, its modules and its headers are
# there. The second form prints where: the kernel image, the modules
# directory (/lib/modules/REL), the headers (the path outside any
# chroot), the root its boot/ and lib/modules/ hang off (/ for the host's
# own) and the chroot to build in (nothing for the host's own).
#
# MEMPLUG_CACHE (default /var/cache/memplug) is the cache directory;
# MEMPLUG_KERNEL_ROOT (default: empty, i.e. /) prefixes the host's paths,
# so the selection logic can be tried on a fake tree.

set -euo pipefail

readonly SERIES_ALL=(6.1 6.12 7)
readonly CACHE=${MEMPLUG_CACHE:-/var/cache/memplug}
readonly CHROOT=$CACHE/trixie
host=${MEMPLUG_KERNEL_ROOT:-}

usage() {
	echo "usage: ${0##*/} [6.1|6.12|7|all]" >&2
	echo "       ${0##*/} where REL boot|modules|headers|root|chroot" >&2
	exit 2
}

# Whether release REL lives in the cache (a trixie-backports kernel).
in_cache() {
	[[ -d $CACHE/kernels/$1 ]]
}

# root REL: the directory boot/ and lib/modules/ of REL hang off.
root_of() {
	if in_cache "$1"; then
		echo "$CACHE/kernels/$1"
	else
		echo "${host:-/}"
	fi
}

headers_of() {
	if in_cache "$1"; then
		echo "$CHROOT/usr/src/linux-headers-$1"
	else
		echo "$host/usr/src/linux-headers-$1"
	fi
}

complete() {
	local rel=$1 root

	root=$(root_of "$rel")
	[[ -f $root/boot/vmlinuz-$rel && -d $root/lib/modules/$rel &&
		-d $(headers_of "$rel") ]]
}

# newest_release SERIES: newest complete amd64 release of SERIES, or nothing.
newest_release() {
	local series=$1 img rel
	local -a found=()

	shopt -s nullglob
	for img in "$host"/boot/vmlinuz-"$series".*-amd64 \
		"$CACHE"/kernels/"$series".*/boot/vmlinuz-"$series".*-amd64; do
		rel=${img##*/vmlinuz-}
		# The glob keeps 6.1 and 6.12 apart (the series is followed by
		# '.'); skip the other amd64 flavours (rt, cloud).
		[[ $rel == *-rt-amd64 || $rel == *-cloud-amd64 ]] && continue
		complete "$rel" || continue
		found+=("$rel")
	done
	shopt -u nullglob
	((${#found[@]})) || return 0
	printf '%s\n' "${found[@]}" | sort -V | tail -n 1
}

where() {
	local rel=$1 what=$2 root

	root=$(root_of "$rel")
	case $what in
	boot) echo "$root/boot/vmlinuz-$rel" ;;
	modules) echo "$root/lib/modules/$rel" ;;
	headers) headers_of "$rel" ;;
	root) echo "$root" ;;
	chroot) in_cache "$rel" && echo "$CHROOT" || true ;;
	*) usage ;;
	esac
}

main() {
	local sel=${1:-all} s rel missing=0
	local -a want

	if [[ $sel == where ]]; then
		(($# == 3)) || usage
		where "$2" "$3"
		return
	fi
	(($# <= 1)) || usage
	case $sel in
	all) want=("${SERIES_ALL[@]}") ;;
	6.1 | 6.12 | 7) want=("$sel") ;;
	-h | --help) usage ;;
	*)
		echo "${0##*/}: unknown kernel series '$sel' (want 6.1, 6.12, 7 or all)" >&2
		exit 2
		;;
	esac

	for s in "${want[@]}"; do
		rel=$(newest_release "$s")
		if [[ -z $rel ]]; then
			echo "${0##*/}: no complete $s kernel (its image, modules" \
				"and headers; run scripts/deps.sh kernels)" >&2
			missing=1
			continue
		fi
		echo "$rel"
	done
	exit "$missing"
}

main "$@"
