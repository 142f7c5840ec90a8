#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh - list the installed Debian kernels memplug is tested on.
#
# Usage: scripts/kernels.sh [6.1|6.12|all]
#
# Prints one kernel release name (as `uname -r` reports it inside the
# guest) per line: the newest installed release of each requested series.
# A release counts as installed when all of these exist:
#   /boot/vmlinuz-REL, /lib/modules/REL and /usr/src/linux-headers-REL
# Exits non-zero, naming the series, when a requested one is missing
# (scripts/deps.sh kernels installs both).
#
# MEMPLUG_KERNEL_ROOT (default: empty, i.e. /) prefixes the three paths;
# it exists so the selection logic can be tried on a fake tree.

set -euo pipefail

readonly SERIES_ALL=(6.1 6.12)
root=${MEMPLUG_KERNEL_ROOT:-}

usage() {
	echo "usage: ${0##*/} [6.1|6.12|all]" >&2
	exit 2
}

# newest_release SERIES: newest complete amd64 release of SERIES, or nothing.
newest_release() {
	local series=$1 img rel
	local -a found=()

	shopt -s nullglob
	for img in "$root"/boot/vmlinuz-"$series".*-amd64; do
		rel=${img##*/vmlinuz-}
		# The glob keeps 6.1 and 6.12 apart (the series is followed by
		# '.'); skip the other amd64 flavours (rt, cloud).
		[[ $rel == *-rt-amd64 || $rel == *-cloud-amd64 ]] && continue
		[[ -d $root/lib/modules/$rel ]] || continue
		[[ -d $root/usr/src/linux-headers-$rel ]] || continue
		found+=("$rel")
	done
	shopt -u nullglob
	((${#found[@]})) || return 0
	printf '%s\n' "${found[@]}" | sort -V | tail -n 1
}

main() {
	local sel=${1:-all} s rel missing=0
	local -a want

	(($# <= 1)) || usage
	case $sel in
	all) want=("${SERIES_ALL[@]}") ;;
	6.1 | 6.12) want=("$sel") ;;
	-h | --help) usage ;;
	*)
		echo "${0##*/}: unknown kernel series '$sel' (want 6.1, 6.12 or all)" >&2
		exit 2
		;;
	esac

	for s in "${want[@]}"; do
		rel=$(newest_release "$s")
		if [[ -z $rel ]]; then
			echo "${0##*/}: no complete $s kernel installed" \
				"(need /boot/vmlinuz-, /lib/modules/ and" \
				"/usr/src/linux-headers- for one $s.*-amd64 release;" \
				"run scripts/deps.sh kernels)" >&2
			missing=1
			continue
		fi
		echo "$rel"
	done
	exit "$missing"
}

main "$@"
