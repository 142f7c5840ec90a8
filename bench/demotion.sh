#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demotion.sh - how fast reclaim demotes pages to memory memplug plugged,
# with --tier auto against --tier dram, in one VM boot.
#
# Usage: bench/demotion.sh [OPTION]...      (`make bench` runs this too)
#
#   --kernel K        kernel series or release to boot (default 6.12)
#   --runs N          runs per tier (default 5)
#   --bytes B         what each run fills and asks to reclaim (default 256M)
#   --out DIR         results directory (default build/bench/<timestamp>-demotion)
#   --update-docs     also write docs/benchmarks.md's demotion section
#   -h, --help        this text
#
# The VM has node 0 with the CPUs and 3 GiB, and node 1 with neither,
# like a CXL node before its memory comes; the 1 GiB legacy-pmem range at
# 1 GiB is plugged onto node 1 (see bench/guest-demotion). Each run is a
# fixed pressure: a task in a memory cgroup fills BYTES on node 0 and the
# cgroup is asked to reclaim BYTES; the pages demoted to node 1 per second
# of that reclaim are the figure.

set -euo pipefail

readonly PROG=${0##*/}
readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly TOP=$(cd "$HERE/.." && pwd)
readonly BUILD_DIR=${BUILD:-$TOP/build}

kernel=6.12
runs=5
bytes=256M
out=
update_docs=0
args_given=()

log() { echo "$PROG: $*" >&2; }
die() {
	log "error: $*"
	exit 2
}

while (($#)); do
	case $1 in
	--kernel | --runs | --bytes | --out)
		(($# >= 2)) || die "$1 needs a value"
		[[ $1 == --out ]] || args_given+=("$1" "$2")
		case $1 in
		--kernel) kernel=$2 ;;
		--runs) runs=$2 ;;
		--bytes) bytes=$2 ;;
		--out) out=$2 ;;
		esac
		shift 2
		;;
	--update-docs) update_docs=1; shift ;;
	-h | --help) sed -n '4,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs wants a number"
case $bytes in
*M) nbytes=$((${bytes%M} << 20)) ;;
*G) nbytes=$((${bytes%G} << 30)) ;;
*) die "--bytes wants NM or NG" ;;
esac
((nbytes > 0 && nbytes <= 1 << 30)) || die "--bytes wants 1M to 1G"

kver=$("$TOP/scripts/kernels.sh" "$kernel" 2>/dev/null) || kver=$kernel
[[ -r /boot/vmlinuz-$kver ]] || die "no kernel $kernel (scripts/deps.sh kernels)"
out=${out:-$BUILD_DIR/bench/$(date +%Y%m%d-%H%M%S)-demotion}
mkdir -p "$out"
out=$(cd "$out" && pwd)

memplugctl=${USERSPACE_BUILD:-$BUILD_DIR/userspace}/memplugctl
[[ -x $memplugctl ]] || make -s -C "$TOP" userspace >&2
modout=$BUILD_DIR/bench/selftests
make -s -C "$TOP/selftests" KVER="$kver" OUT="$modout" \
	"$modout/modules/$kver/memplug.ko" >&2
mkdir -p "$BUILD_DIR/bench/bin"
cc -O2 -Wall -Wextra -I"$TOP/include/uapi" -o "$BUILD_DIR/bench/bin/mpbench" "$HERE/mpbench.c"

payload=$out/payload
rm -rf "$payload"
mkdir -p "$payload/bin" "$payload/modules"
cp "$HERE/guest-demotion" "$payload/guest-main"
cp "$HERE/guest-demotion" "$payload/guest-demotion"
cp "$memplugctl" "$BUILD_DIR/bench/bin/mpbench" "$payload/bin/"
cp "$modout/modules/$kver/memplug.ko" "$payload/modules/"
cat >"$payload/bench.conf" <<CONF
START=0x40000000
SIZE=$((1 << 30))
TIERS="dram auto"
RUNS=$runs
BYTES=$nbytes
CONF

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rc=0
"$TOP/selftests/vm/run-vm.sh" --kernel "$kver" --payload "$payload" --out "$out/vm" \
	--maxmem 4G --qemu-args "-object memory-backend-ram,id=m0,size=3G -numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1" \
	--timeout 2400 >&2 || rc=$?
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

command_line="make bench"
((${#args_given[@]})) && command_line="bench/demotion.sh ${args_given[*]}"
accel=$(sed -n 's/.*-accel \([a-z]*\).*/\1/p' "$out/vm/cmdline.txt" 2>/dev/null | head -n 1)
python3 "$HERE/demotion.py" --samples "$out/vm/results.ktap" --out "$out" \
	--meta "command=$command_line" --meta "kernel=$kver" \
	--meta "accel=${accel:-unknown}" \
	--meta "load_before=$load_before" --meta "load_after=$load_after" \
	--meta "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--meta "commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)" || {
	log "no usable results (VM run status $rc); see $out/vm"
	exit 1
}
if ((update_docs)); then
	python3 "$HERE/demotion.py" --splice "$out/demotion.md" "$TOP/docs/benchmarks.md"
	log "updated docs/benchmarks.md's demotion section"
fi
cat "$out/demotion.md"
((rc == 0)) || { log "the VM run reported failures (status $rc); see $out/vm"; exit 1; }
