#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - everything `make check` runs, with one line of counts at the end.
#
#   scripts/check.sh [KERNEL...]
#
# 1. the protocol check (scripts/gen-proto.py --check: the spec validates
#    against the kernel's genetlink schema and regenerating changes nothing);
# 2. the kselftests built as in a kernel tree, by its own lib.mk
#    (scripts/kselftest-tree.sh);
# 3. memplugctl's unit tests with ctest, in the normal build and in the
#    AddressSanitizer + UndefinedBehaviorSanitizer build, then a short
#    run of each libFuzzer target of userspace/fuzz on its seed corpus;
# 4. the Debian packages (scripts/deb-check.sh): built, linted, installed,
#    the module built by DKMS for the stock 6.1 kernel, purged again;
# 5. for each kernel (a release, or a series 6.1, 6.12 or 7 for its newest
#    installed release; default: every series, scripts/kernels.sh)
#    and each VM boot profile of selftests/profiles that applies to it: the
#    kselftests inside QEMU, booting that kernel.
#
# Each part prints its own results; the last line is the sum over all of
# them, "N passed, N failed, N skipped". Above it, "boot retries: N" counts
# the VM boots that run-vm.sh repeated because the guest kernel crashed
# before memplug was loaded, each listed with its reason. The exit status
# is non-zero when anything failed or could not run. Build directories
# come from the environment the Makefile sets (BUILD, USERSPACE_BUILD,
# USERSPACE_SAN_BUILD, USERSPACE_FUZZ_BUILD). FUZZ_SMOKE_SECS sets the
# seconds per fuzz target (default 10). PROFILES="NAME..." runs only these
# VM boot profiles (default: every one of selftests/profiles).
#
# The counts lines are written and read by selftests/vm/ktap-summary.sh
# only (--counts, --sum), never formatted or parsed here.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$top/build}
ub=${USERSPACE_BUILD:-$build/userspace}
usb=${USERSPACE_SAN_BUILD:-$build/userspace-san}
ufb=${USERSPACE_FUZZ_BUILD:-$build/userspace-fuzz}
ks=$top/selftests/vm/ktap-summary.sh
summaries=$(mktemp -d)
trap 'rm -rf "$summaries"' EXIT
retries=()
status=0

note() { printf '\n==== %s\n' "$*"; }

# counts PASSED FAILED SKIPPED: the counts line.
counts() {
	"$ks" --counts "$@"
}

# record LINE: keep a part's counts line.
record() {
	local n
	n=$(find "$summaries" -type f | wc -l)
	echo "$1" >"$summaries/$(printf '%03d' "$n")"
	echo "---- $1"
}

# ctest_counts DIR NAME: run ctest in DIR and record its counts.
ctest_counts() {
	local log line passed failed total
	log=$(mktemp)
	(cd "$1" && ctest --output-on-failure -j2) 2>&1 | tee "$log"
	line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
	rm -f "$log"
	if [[ -z $line ]]; then
		echo "check: $2: ctest reported nothing" >&2
		record "$(counts 0 1 0)"
		status=1
		return
	fi
	failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
	total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
	passed=$((total - failed))
	((failed == 0)) || status=1
	record "$(counts "$passed" "$failed" 0)"
}

# fuzz_one NAME SECS OUT: run the fuzz target NAME for SECS seconds on a
# copy of its seed corpus in OUT/NAME; its output in OUT/NAME.log, its exit
# status in OUT/NAME.rc, a crashing input in OUT/NAME-crash-*.
fuzz_one() {
	local rc=0
	mkdir -p "$3/$1"
	if [[ -d $top/userspace/fuzz/corpus/$1 ]]; then
		cp -r "$top/userspace/fuzz/corpus/$1/." "$3/$1/"
	fi
	"$ufb/$1" -max_total_time="$2" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$3/$1-" "$3/$1" >"$3/$1.log" 2>&1 || rc=$?
	echo "$rc" >"$3/$1.rc"
}

# fuzz_smoke SECS: build the libFuzzer targets and run each for SECS
# seconds, two at a time; record one test per target.
fuzz_smoke() {
	local out=$build/fuzz-smoke n src runs p=0 x=0
	local -a names=()
	if ! cmake -S "$top/userspace" -B "$ufb" -DCMAKE_BUILD_TYPE=Debug \
		-DCMAKE_CXX_COMPILER=clang++-14 -DMEMPLUG_FUZZ=ON \
		-DMEMPLUG_BUILD_TESTS=OFF >/dev/null ||
		! cmake --build "$ufb" -j2 >"$build/fuzz-smoke.build.log" 2>&1; then
		tail -n 30 "$build/fuzz-smoke.build.log" 2>/dev/null
		echo "check: the libFuzzer targets did not build" >&2
		record "$(counts 0 1 0)"
		status=1
		return
	fi
	rm -rf "$out"
	mkdir -p "$out"
	for src in "$top"/userspace/fuzz/*.cpp; do
		n=$(basename "$src" .cpp)
		names+=("$n")
		while (($(jobs -rp | wc -l) >= 2)); do
			wait -n
		done
		fuzz_one "$n" "$1" "$out" &
	done
	wait
	for n in "${names[@]}"; do
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$n.log")
		if [[ $(cat "$out/$n.rc" 2>/dev/null) == 0 ]]; then
			echo "ok $n: ${runs:-?} inputs in $1 s"
			p=$((p + 1))
		else
			tail -n 30 "$out/$n.log"
			echo "not ok $n: see $out/$n.log"
			x=$((x + 1))
		fi
	done
	((x == 0)) || status=1
	record "$(counts "$p" "$x" 0)"
}

# ktap_part NAME CMD...: run CMD, which prints KTAP, and record its counts.
# A CMD that fails before it can say "not ok" (a crash, a missing tool)
# gets one "not ok" line of its own, so that the counts show the failure.
ktap_part() {
	local name=$1 out rc=0
	shift
	out=$(mktemp)
	"$@" >"$out" || rc=$?
	if ((rc != 0)); then
		status=1
		grep -q '^ *not ok ' "$out" ||
			echo "not ok - $name: exited with status $rc" >>"$out"
	fi
	cat "$out"
	record "$("$ks" "$out" | tail -n 1)"
	rm -f "$out"
}

note "protocol: memplug.yaml is a valid YNL spec and every generated file is current"
ktap_part protocol /usr/bin/python3 "$top/scripts/gen-proto.py" --check

note "kselftest layout: the tests build in a kernel tree, with its lib.mk"
ktap_part "kernel-tree build" "$top/scripts/kselftest-tree.sh" "$build/kselftest-tree"

note "unit tests: memplugctl"
ctest_counts "$ub" "unit tests"
note "unit tests: memplugctl under ASan and UBSan"
ctest_counts "$usb" "sanitizer unit tests"
note "libFuzzer smoke: memplugctl's parsers and decoders"
fuzz_smoke "${FUZZ_SMOKE_SECS:-10}"
note "Debian packages: build, lintian, install, DKMS, purge"
ktap_part "Debian packages" "$top/scripts/deb-check.sh"

# A series name (6.1, 6.12, 7) stands for its newest installed release.
kernels=()
for k in "${@:-all}"; do
	case $k in
	6.1 | 6.12 | 7 | all)
		if ! rels=$("$top/scripts/kernels.sh" "$k"); then
			record "$(counts 0 1 0)"
			status=1
		fi
		[[ -z $rels ]] || mapfile -t -O "${#kernels[@]}" kernels <<<"$rels"
		;;
	*) kernels+=("$k") ;;
	esac
done
if ((${#kernels[@]} == 0)); then
	echo "check: no test kernel installed (scripts/deps.sh kernels)" >&2
	record "$(counts 0 1 0)"
	status=1
fi

# applies PROFILE KVER: whether the profile runs on this kernel.
applies() {
	local k
	for k in $("$top/selftests/profile.sh" kernels "$1"); do
		[[ $k == all || $2 == "$k".* || $2 == "$k"-* || $2 == "$k" ]] && return 0
	done
	return 1
}

for kver in "${kernels[@]}"; do
	for profile in ${PROFILES:-$("$top/selftests/profile.sh" names)}; do
		applies "$profile" "$kver" || continue
		note "VM kselftests on $kver, profile $profile"
		log=$(mktemp)
		make -s -C "$top/selftests" run KVER="$kver" PROFILE="$profile" \
			MEMPLUGCTL_BIN="$ub/memplugctl" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		line=$("$ks" --sum "$log" 2>/dev/null)
		while IFS= read -r r; do
			retries+=("$kver $profile: ${r#\# boot retry: }")
		done < <(grep '^# boot retry: ' "$log")
		rm -f "$log"
		((rc == 0)) || status=1
		if [[ -z $line ]]; then
			echo "check: the VM run on $kver ($profile) reported no counts" >&2
			line=$(counts 0 1 0)
		fi
		record "$line"
	done
done

note "summary"
total=$("$ks" --sum "$summaries"/*) || status=1
echo "boot retries: ${#retries[@]}"
for r in "${retries[@]}"; do
	echo "  $r"
done
echo "$total"
exit "$status"
