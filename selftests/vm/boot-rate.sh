#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boot-rate.sh - how often does a guest kernel crash while it boots?
#
# Usage: selftests/vm/boot-rate.sh [--tcg-thread single|multi] [--out DIR]
#            [--nice N] [--timeout SECS] KERNEL COUNT [RUN-VM ARGS...]
#
# Boots KERNEL (a release, or 6.1 / 6.12) COUNT times, one boot after the
# other, with run-vm.sh --accel tcg --no-retry and a payload whose
# guest-main only exits 0, so that nothing but the kernel and /init run.
# Each QEMU runs under nice (default 10); --tcg-thread is passed on
# (default: run-vm.sh's, single), and so are RUN-VM ARGS.
#
# Each boot is one line on stdout and in DIR/boots.tsv (number, result,
# seconds, detail), the result being
#   ok       the guest reached its status marker and powered off
#   crash    the kernel crashed (run-vm.sh: before any payload module,
#            which this payload has none of)
#   timeout  QEMU was killed after --timeout seconds (default 180)
#   fail     anything else
# The logs of every boot that was not ok are kept as DIR/boot-N/. The
# last line, also appended to DIR/summary.txt, counts every boot in
# DIR/boots.tsv, so runs with the same DIR add up (keep one DIR per kernel
# and configuration):
#   KVER, tcg thread=T, QEMU V: N boots, N crashes, N timeouts, N other
#   failures, S s per boot
# DIR defaults to build/vm/boot-rate/KVER-T-DATE. Exit status: 0 when
# every boot of this run was ok, 1 otherwise, 2 on bad arguments.

set -euo pipefail

readonly PROG=${0##*/}
readonly VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$VM_DIR/../.." && pwd)

thread=${MEMPLUG_TCG_THREAD:-single}
out=
niceness=10
timeout=180

die() {
	echo "$PROG: $*" >&2
	exit 2
}

while (($#)); do
	case $1 in
	--tcg-thread | --out | --nice | --timeout)
		(($# >= 2)) || die "$1 needs a value"
		case $1 in
		--tcg-thread) thread=$2 ;;
		--out) out=$2 ;;
		--nice) niceness=$2 ;;
		--timeout) timeout=$2 ;;
		esac
		shift 2
		;;
	-h | --help)
		sed -n '4,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
		exit 0
		;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
(($# >= 2)) || die "usage: $PROG [OPTION]... KERNEL COUNT [RUN-VM ARGS...]"
kernel=$1
count=$2
shift 2
[[ $count =~ ^[1-9][0-9]*$ ]] || die "COUNT must be a positive number"
[[ $thread == single || $thread == multi ]] || die "--tcg-thread: single or multi"
[[ $niceness =~ ^-?[0-9]+$ ]] || die "--nice wants a number"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout wants seconds"
case $kernel in
6.1 | 6.12) kernel=$("$REPO/scripts/kernels.sh" "$kernel") || die "no $1 kernel" ;;
esac
[[ -r /boot/vmlinuz-$kernel ]] || die "no /boot/vmlinuz-$kernel"

out=${out:-$REPO/build/vm/boot-rate/$kernel-$thread-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out/payload"
out=$(cd "$out" && pwd)
printf '#!/bin/sh\nexit 0\n' >"$out/payload/guest-main"
chmod 755 "$out/payload/guest-main"

qemu_version=$(qemu-system-x86_64 --version | sed -n '1s/^QEMU emulator version //p')
{
	echo "# $(date -Is) $kernel, tcg thread=$thread, QEMU $qemu_version," \
		"nice $niceness, run-vm.sh args: ${*:-none}"
	echo "# load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$out/boots.tsv"

# Boots are numbered on from those already in DIR.
total=$(grep -c '^[0-9]' "$out/boots.tsv" || true)
last=$((total + count))
bad=0
while ((total < last)); do
	total=$((total + 1))
	run=$out/run
	rc=0
	t0=$EPOCHREALTIME
	nice -n "$niceness" "$VM_DIR/run-vm.sh" --kernel "$kernel" \
		--payload "$out/payload" --out "$run" --accel tcg \
		--tcg-thread "$thread" --no-retry --timeout "$timeout" "$@" \
		>"$run.stdout" 2>"$run.stderr" || rc=$?
	secs=$(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }")
	detail=
	if ((rc == 0)); then
		result=ok
	elif detail=$(grep -m 1 'kernel crash before any payload module' "$run.stderr"); then
		result=crash
		detail=${detail#*: kernel crash before any payload module was loaded}
		detail=${detail#, }
		detail=${detail%; not booting again}
	elif grep -q 'QEMU exited with 1[23][47] ' "$run.stderr"; then
		result=timeout
	else
		result=fail
		detail=$(grep -m 1 '^# FAIL' "$run.stdout" || true)
	fi
	if [[ $result != ok ]]; then
		bad=$((bad + 1))
		rm -rf "$out/boot-$total"
		mv "$run" "$out/boot-$total"
		mv "$run.stdout" "$run.stderr" "$out/boot-$total/"
	fi
	printf '%d\t%s\t%s\t%s\n' "$total" "$result" "$secs" "$detail" |
		tee -a "$out/boots.tsv"
done
rm -rf "$out/run" "$out/run.stdout" "$out/run.stderr"

echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/boots.tsv"
line=$(awk -F'\t' -v head="$kernel, tcg thread=$thread, QEMU $qemu_version" '
	/^[0-9]/ { n++; c[$2]++; secs += $3 }
	END {
		printf "%s: %d boots, %d crashes, %d timeouts, %d other failures, %.1f s per boot\n",
		       head, n, c["crash"], c["timeout"], c["fail"], secs / n
	}' "$out/boots.tsv")
echo "$line" >>"$out/summary.txt"
echo "$line"
((bad == 0))
