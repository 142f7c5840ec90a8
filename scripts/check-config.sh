#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Compare a kernel's configuration with what Kconfig.snippet asks for.
#
#   scripts/check-config.sh [CONFIG_FILE]
#
# CONFIG_FILE defaults to the running kernel's: /proc/config.gz, else
# /boot/config-$(uname -r). Exit status: 0 when every required option is
# set (wanted ones only warn), 1 when a required option is missing, 2 when
# no configuration can be found.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
snippet=$top/Kconfig.snippet
config=${1:-}

if [ -z "$config" ]; then
	if [ -r /proc/config.gz ]; then
		config=$(mktemp)
		trap 'rm -f "$config"' EXIT
		zcat /proc/config.gz >"$config"
	else
		config=/boot/config-$(uname -r)
	fi
fi
if [ ! -r "$config" ]; then
	echo "check-config: no kernel configuration found at $config" >&2
	exit 2
fi

# value OPTION: the option's value in $config: y, m, a string, or n.
value() {
	local v
	v=$(sed -n "s/^CONFIG_$1=//p" "$config" | tail -n 1)
	echo "${v:-n}"
}

missing=0
while read -r opt; do
	v=$(value "$opt")
	if [ "$v" = n ]; then
		printf '  %-32s %-4s required\n' "CONFIG_$opt" missing
		missing=1
	else
		printf '  %-32s %-4s required\n' "CONFIG_$opt" "$v"
	fi
done < <(sed -n 's/^[[:space:]]*depends on \([A-Z0-9_]*\).*/\1/p' "$snippet")

while read -r opt want; do
	v=$(value "$opt")
	note=wanted
	case "$want" in
	n) [ "$v" = n ] || note="wanted n (works, see Kconfig.snippet)" ;;
	*) [ "$v" != n ] || note="wanted $want: the feature it serves is unavailable" ;;
	esac
	printf '  %-32s %-4s %s\n' "CONFIG_$opt" "$v" "$note"
done < <(sed -n 's/^# want: \([A-Z0-9_]*\)=\([ymn]\).*/\1 \2/p' "$snippet")

# The default online policy of hot-added memory, whichever way the kernel
# spells it (MHP_DEFAULT_ONLINE_TYPE_* from 6.14 on).
policy=
for t in OFFLINE:offline ONLINE_AUTO:online ONLINE_KERNEL:online_kernel \
	ONLINE_MOVABLE:online_movable; do
	[ "$(value "MHP_DEFAULT_ONLINE_TYPE_${t%%:*}")" = y ] && policy=${t#*:}
done
if [ -z "$policy" ]; then
	[ "$(value MEMORY_HOTPLUG_DEFAULT_ONLINE)" = y ] && policy=online ||
		policy=offline
fi
printf '  %-32s %s (any works: memplug defers onlining to memplugctl)\n' \
	"default online policy" "$policy"

if [ "$missing" = 1 ]; then
	echo "check-config: $config lacks options memplug requires" >&2
	exit 1
fi
echo "check-config: $config has everything memplug requires"
