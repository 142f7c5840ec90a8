#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - memplug against daxctl: same kernel, same memory, one VM boot.
#
# Usage: bench/run.sh [OPTION]...      (`make bench` runs this)
#
#   --sizes "S..."    range sizes in GiB (default "1 2 4 8 16 32 64"); each gets
#                     its own legacy-pmem range (memmap=SG!ADDR), and both
#                     tools plug that same range
#   --rounds N        memplug then daxctl, N times over in the same boot
#                     (default 2), so that a slow drift of the host's load
#                     hits both tools alike
#   --cycles N        plug/unplug cycles per tool, size and round (default
#                     5; the first of each round is dropped as warm-up, so
#                     at least 2)
#   --verify-runs N   verify-against-memset runs (default 4, first dropped)
#   --kernel K        kernel series or release to boot (default 6.1)
#   --out DIR         results directory (default build/bench/<timestamp>)
#   --timeout SECS    VM wall clock limit (default 3000)
#   --quick           --sizes "1 4" --cycles 3 --verify-runs 2
#   --append ARGS     more guest kernel command line, e.g. norandmaps
#   --daxctl-first    an experiment: run the daxctl phase before memplug's
#                     (the nd drivers are unloaded after it), to see
#                     whether the order of the two within the boot matters
#   --static-ctl      an experiment: link the same memplugctl objects
#                     statically (libnl's .a files) and bench that instead,
#                     to see what dynamic loading costs at every start
#   --update-docs     also write docs/benchmarks.md's generated section and
#                     docs/bench-time-per-gib.png from this run
#   -h, --help        this text
#
# What it does: builds memplug.ko and the mpbench helper, takes memplugctl
# from the userspace build, boots Debian's stock kernel once under QEMU
# with one legacy-pmem range per size (see bench/guest-main for
# the order of events inside the guest), then turns the guest's samples
# into OUT/results.json (environment and every raw sample), OUT/report.md
# (the tables) and OUT/time-per-gib.png (gnuplot).
#
# Guest memory: 3 GiB below 4 GiB for the kernel, then the ranges from
# 4 GiB up, 128 MiB of ordinary RAM between them (e820 would merge
# adjacent ranges). The ranges are guest RAM that QEMU allocates lazily
# (reserve=off): only what the guest touches costs host memory (the memory
# maps of what is plugged, a few GiB at 64 GiB; the report gives QEMU's
# peak resident memory), so the default 127 GiB of ranges runs on a host
# with far less.
#
# It reports and never gates: the exit status is 0 when the run produced
# its results, whatever they say about the targets; 1 when the VM run or
# a phase in it failed (what was measured is still reported); 2 on bad
# usage or a missing tool.

set -euo pipefail

readonly PROG=${0##*/}
readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly TOP=$(cd "$HERE/.." && pwd)
readonly BUILD_DIR=${BUILD:-$TOP/build}
readonly GIB=$((1 << 30))
readonly GAP=$((128 << 20))
readonly LOW=$((3 << 30))
readonly BASE=$((4 << 30))

sizes="1 2 4 8 16 32 64"
cycles=5
rounds=2
verify_runs=4
kernel=6.1
out=
timeout=3000
update_docs=0
static_ctl=0
daxctl_first=0
guest_append=
args_given=()

log() { echo "$PROG: $*" >&2; }
die() {
	log "error: $*"
	exit 2
}
usage() {
	sed -n '4,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	exit "${1:-0}"
}

while (($#)); do
	case $1 in
	--sizes | --cycles | --rounds | --verify-runs | --kernel | --out | --timeout | --append)
		(($# >= 2)) || die "$1 needs a value"
		[[ $1 == --out ]] || args_given+=("$1" "$2")
		case $1 in
		--append) guest_append=$2 ;;
		--sizes) sizes=$2 ;;
		--cycles) cycles=$2 ;;
		--rounds) rounds=$2 ;;
		--verify-runs) verify_runs=$2 ;;
		--kernel) kernel=$2 ;;
		--out) out=$2 ;;
		--timeout) timeout=$2 ;;
		esac
		shift 2
		;;
	--quick)
		args_given+=("$1")
		sizes="1 4"
		cycles=3
		verify_runs=2
		shift
		;;
	--update-docs) update_docs=1; shift ;;
	--static-ctl) static_ctl=1; args_given+=("$1"); shift ;;
	--daxctl-first) daxctl_first=1; args_given+=("$1"); shift ;;
	-h | --help) usage 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done

[[ $cycles =~ ^[0-9]+$ ]] && ((cycles >= 2)) || die "--cycles wants a number >= 2"
[[ $rounds =~ ^[1-9]$ ]] || die "--rounds wants 1-9"
phases=env
for ((r = 1; r <= rounds; r++)); do
	if ((daxctl_first)); then
		phases+=" daxctl:$r memplug:$r"
	else
		phases+=" memplug:$r daxctl:$r"
	fi
done
[[ $verify_runs =~ ^[0-9]+$ ]] && ((verify_runs >= 2)) ||
	die "--verify-runs wants a number >= 2"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout wants seconds"
for s in $sizes; do
	[[ $s =~ ^[1-9][0-9]*$ ]] || die "--sizes wants whole GiB, not '$s'"
done
[[ -n ${sizes// /} ]] || die "--sizes is empty"
for t in python3 gnuplot cc make; do
	command -v "$t" >/dev/null || die "$t not found (scripts/deps.sh build bench)"
done
for t in daxctl ndctl; do
	command -v "$t" >/dev/null || die "$t not found (scripts/deps.sh bench)"
done

kver=$("$TOP/scripts/kernels.sh" "$kernel" 2>/dev/null) || kver=$kernel
[[ -r /boot/vmlinuz-$kver ]] || die "no kernel $kernel (scripts/deps.sh kernels)"
stamp=$(date +%Y%m%d-%H%M%S)
out=${out:-$BUILD_DIR/bench/$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# --- build -----------------------------------------------------------------

memplugctl=${USERSPACE_BUILD:-$BUILD_DIR/userspace}/memplugctl
if [[ ! -x $memplugctl ]]; then
	log "building memplugctl"
	make -s -C "$TOP" userspace >&2
fi
[[ -x $memplugctl ]] || die "no memplugctl at $memplugctl"
if ((static_ctl)); then
	ub=$(dirname "$memplugctl")
	libdir=$(dirname "$(find /usr/lib -name libnl-3.a -print -quit)")
	mkdir -p "$BUILD_DIR/bench/bin"
	c++ -static -s -o "$BUILD_DIR/bench/bin/memplugctl" \
		"$ub/CMakeFiles/memplugctl.dir/cli/main.cpp.o" "$ub/libmemplug_cli.a" \
		"$ub/libmemplug.a" "$libdir/libnl-genl-3.a" "$libdir/libnl-3.a" \
		-lpthread -lm -lrt 2>"$BUILD_DIR/bench/static-link.log" ||
		die "static link failed, see $BUILD_DIR/bench/static-link.log"
	memplugctl=$BUILD_DIR/bench/bin/memplugctl
	log "using a statically linked memplugctl (experiment)"
fi
modout=$BUILD_DIR/bench/selftests
make -s -C "$TOP/selftests" KVER="$kver" OUT="$modout" \
	"$modout/modules/$kver/memplug.ko" >&2
mkdir -p "$BUILD_DIR/bench/bin"
cc -O2 -Wall -Wextra -I"$TOP/include/uapi" -o "$BUILD_DIR/bench/bin/mpbench" "$HERE/mpbench.c"

# --- layout: one range per size, from 4 GiB up -----------------------------

# One memmap= with a list, and nokaslr: the x86 decompressor keeps its
# randomly placed kernel image out of only the first four memmap=
# parameters; with a fifth it put the kernel inside that range (seen:
# "System RAM" carved out of the 16 GiB range). A list longer than four
# turns physical randomization off instead; nokaslr says so outright.
memmap=
starts=()
addr=$BASE
for s in $sizes; do
	starts+=("$(printf '0x%x' "$addr")")
	memmap+="${memmap:+,}${s}G!$(printf '0x%x' "$addr")"
	addr=$((addr + s * GIB + GAP))
done
memmap="memmap=$memmap nokaslr"
# Everything above 4 GiB is RAM in QEMU's pc machine once -m > 3.5 GiB.
mem_mib=$(((LOW + addr - BASE) >> 20))
qemu_extra="-object memory-backend-ram,id=bench-ram,size=${mem_mib}M,reserve=off -machine memory-backend=bench-ram"

payload=$out/payload
rm -rf "$payload"
mkdir -p "$payload/bin" "$payload/modules"
cp "$HERE/guest-main" "$payload/guest-main"
cp "$memplugctl" "$BUILD_DIR/bench/bin/mpbench" "$payload/bin/"
cp "$modout/modules/$kver/memplug.ko" "$payload/modules/"
cat >"$payload/bench.conf" <<EOF
SIZES="$sizes"
STARTS="${starts[*]}"
CYCLES=$cycles
VERIFY_RUNS=$verify_runs
PHASES="$phases"
EOF

# --- run -------------------------------------------------------------------

host_load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "host load average before: $host_load_before (other VMs or builds disturb TCG timings)"
log "sizes: $sizes GiB; $rounds rounds of $cycles cycles per tool and size; guest RAM ${mem_mib} MiB (lazy)"
t0=$(date +%s)
rc=0
# QEMU's peak resident memory: what the lazily allocated guest RAM cost.
rss_file=$out/qemu-peak-rss-kib
(
	peak=0
	while sleep 1; do
		pid=$(pgrep -f -n "qemu-system-x86_64.*$out/vm") || { ((peak)) && break; continue; }
		hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status" 2>/dev/null)
		((${hwm:-0} > peak)) && peak=$hwm && echo "$peak" >"$rss_file"
	done
) &
rss_sampler=$!
"$TOP/selftests/vm/run-vm.sh" --kernel "$kver" --payload "$payload" --out "$out/vm" \
	--mem "${mem_mib}M" --pmem none --append "$memmap${guest_append:+ $guest_append}" \
	--qemu-args "$qemu_extra" \
	--modules "nd_e820 nd_pmem dax_pmem device_dax kmem" --bins "daxctl ndctl" \
	--timeout "$timeout" >&2 || rc=$?
t1=$(date +%s)
kill "$rss_sampler" 2>/dev/null || true
wait "$rss_sampler" 2>/dev/null || true
host_load_after=$(cut -d' ' -f1-3 /proc/loadavg)
log "VM run took $((t1 - t0)) s; host load average after: $host_load_after"

command_line="make bench"
if ((${#args_given[@]})); then
	quoted=
	for a in "${args_given[@]}"; do
		[[ $a == *' '* ]] && a="\"$a\""
		quoted+="${quoted:+ }$a"
	done
	command_line+=" BENCH_ARGS='$quoted'"
fi
accel=$(sed -n 's/.*-accel \([a-z]*\).*/\1/p' "$out/vm/cmdline.txt" 2>/dev/null | head -n 1)
python3 "$HERE/analyze.py" \
	--samples "$out/vm/results.ktap" --out "$out" \
	--meta "command=$command_line" \
	--meta "accel=${accel:-unknown}" \
	--meta "guest_append=$guest_append" \
	--meta "guest_ram_mib=$mem_mib" \
	--meta "guest_cpus=2" \
	--meta "memmap=$memmap" \
	--meta "host_cpus=$(nproc)" \
	--meta "host_mem_kib=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)" \
	--meta "host_load_before=$host_load_before" \
	--meta "host_load_after=$host_load_after" \
	--meta "qemu=$(qemu-system-x86_64 --version | head -n 1)" \
	--meta "vm_seconds=$((t1 - t0))" \
	--meta "qemu_peak_rss_kib=$(cat "$rss_file" 2>/dev/null)" \
	--meta "vm_status=$rc" \
	--meta "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--meta "commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)" || {
	log "no usable results (VM run status $rc); see $out/vm"
	exit 1
}
(cd "$out" && gnuplot "$HERE/time-per-gib.gp") ||
	log "gnuplot failed; the tables are still in $out/report.md"

if ((update_docs)); then
	python3 "$HERE/analyze.py" --splice "$out/report.md" "$TOP/docs/benchmarks.md"
	[[ -f $out/time-per-gib.png ]] && cp "$out/time-per-gib.png" "$TOP/docs/bench-time-per-gib.png"
	log "updated docs/benchmarks.md and docs/bench-time-per-gib.png"
fi

cat "$out/report.md"
log "results: $out/results.json, $out/report.md, $out/time-per-gib.png"
if ((rc != 0)); then
	log "the VM run reported failures (status $rc): samples may be missing; see $out/vm"
	exit 1
fi
exit 0
