#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# profile.sh - read selftests/profiles.
#
#   profile.sh names               every profile
#   profile.sh tests NAME          its test programs
#   profile.sh kernels NAME        its kernel series ("all" or a list)
#   profile.sh args NAME           its run-vm.sh arguments
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
file=$here/profiles

# field NAME N: the Nth field of profile NAME, trimmed.
field() {
	awk -F'|' -v name="$1" -v n="$2" '
		/^[[:space:]]*(#|$)/ { next }
		{ gsub(/^[[:space:]]+|[[:space:]]+$/, "", $1) }
		$1 == name { v = $n; gsub(/^[[:space:]]+|[[:space:]]+$/, "", v); print v; found = 1 }
		END { exit !found }' "$file"
}

case ${1:-} in
names)
	awk -F'|' '/^[[:space:]]*(#|$)/ { next } { gsub(/[[:space:]]/, "", $1); print $1 }' "$file"
	;;
tests)
	t=$(field "$2" 2) || { echo "profile.sh: no profile $2" >&2; exit 2; }
	if [[ $t != rest ]]; then
		echo "$t"
		exit 0
	fi
	claimed=$(awk -F'|' '/^[[:space:]]*(#|$)/ { next } { print $2 }' "$file" | tr ' ' '\n')
	for f in "$here"/memplug/*_test.c; do
		n=$(basename "$f" .c)
		grep -qx "$n" <<<"$claimed" || printf '%s ' "$n"
	done
	echo
	;;
kernels)
	field "$2" 3 || { echo "profile.sh: no profile $2" >&2; exit 2; }
	;;
args)
	field "$2" 4 || { echo "profile.sh: no profile $2" >&2; exit 2; }
	;;
*)
	echo "usage: profile.sh names | tests NAME | kernels NAME | args NAME" >&2
	exit 2
	;;
esac
