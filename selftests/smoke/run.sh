#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - prove selftests/vm/run-vm.sh on the installed test kernels.
#
# Usage: selftests/smoke/run.sh [--kernel KVER] [--mode MODE] [--console]
#        selftests/smoke/run.sh --failure-paths [--kernel KVER]
#
# Builds the memplug_smoke module for each kernel (default: every kernel
# scripts/kernels.sh lists), assembles a payload under build/smoke and
# boots it. --mode picks the guest-main mode (pass, fail, warn, panic,
# hang); the default "pass" must pass. --failure-paths runs every failing
# mode and checks that the runner reports each one as a failure with the
# expected counts; it prints "N passed, N failed" for those checks.

set -euo pipefail

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$HERE/../.." && pwd)
readonly BUILD=$REPO/build/smoke

kernels=()
mode=pass
console=()
failure_paths=0

die() {
	echo "${0##*/}: $*" >&2
	exit 2
}

# payload KVER: build the module and the payload directory; print its path.
payload() {
	local kver=$1
	local obj=$BUILD/$kver/module dir=$BUILD/$kver/payload

	mkdir -p "$obj"
	cp "$HERE/Kbuild" "$HERE/memplug_smoke.c" "$obj/"
	make -s -C "/usr/src/linux-headers-$kver" M="$obj" modules >&2
	rm -rf "$dir"
	mkdir -p "$dir/modules"
	cp -a "$HERE/guest-main" "$HERE/tests" "$dir/"
	cp "$obj/memplug_smoke.ko" "$dir/modules/"
	echo "$dir"
}

# run KVER MODE [RUN-VM ARGS...]: boot MODE; run-vm.sh's status is ours.
run() {
	local kver=$1 mode=$2 dir
	local -a bins=()
	shift 2

	dir=$(payload "$kver")
	command -v daxctl >/dev/null && bins=(--bins daxctl)
	"$REPO/selftests/vm/run-vm.sh" --kernel "$kver" --payload "$dir" \
		--out "$BUILD/$kver/out-$mode" --append "memplug_smoke=$mode" \
		--modules memory-notifier-error-inject "${bins[@]}" "$@"
}

# expect KVER MODE WANT-SUMMARY [RUN-VM ARGS...]: MODE must fail with
# exactly WANT-SUMMARY as its last line.
expect() {
	local kver=$1 mode=$2 want=$3 got rc=0
	shift 3

	got=$(run "$kver" "$mode" "$@" 2>"$BUILD/$kver/stderr-$mode") || rc=$?
	got=$(tail -n 1 <<<"$got")
	if ((rc == 1)) && [[ $got == "$want" ]]; then
		echo "ok: $kver $mode -> $got"
		return 0
	fi
	echo "FAILED: $kver $mode -> exit $rc, '$got' (wanted exit 1, '$want')"
	sed 's/^/  | /' "$BUILD/$kver/stderr-$mode"
	return 1
}

while (($#)); do
	case $1 in
	--kernel) kernels+=("${2:?--kernel needs a value}"); shift 2 ;;
	--mode) mode=${2:?--mode needs a value}; shift 2 ;;
	--console) console=(--console); shift ;;
	--failure-paths) failure_paths=1; shift ;;
	*) die "unknown argument '$1'" ;;
	esac
done
((${#kernels[@]})) || mapfile -t kernels < <("$REPO/scripts/kernels.sh" all)

if ((failure_paths)); then
	ok=0 bad=0
	for k in "${kernels[@]}"; do
		mkdir -p "$BUILD/$k"
		# fail: iomem passes, fail fails, skip skips, hang times out.
		# warn: iomem passes; the module test's 3 subtests pass but
		# its WARN fails it (+1) and the whole-boot log check (+1).
		# panic: iomem passed, the second planned test never came (+1),
		# no status (+1). hang: 1 planned test missing, no status.
		for spec in "fail|1 passed, 2 failed, 1 skipped" \
			"warn|4 passed, 2 failed, 0 skipped" \
			"panic|1 passed, 2 failed, 0 skipped" \
			"hang|0 passed, 2 failed, 0 skipped|--timeout|40"; do
			IFS='|' read -r m want extra val <<<"$spec"
			if expect "$k" "$m" "$want" ${extra:+"$extra" "$val"}; then
				ok=$((ok + 1))
			else
				bad=$((bad + 1))
			fi
		done
	done
	echo "$ok passed, $bad failed"
	((bad == 0))
	exit
fi

rc=0
for k in "${kernels[@]}"; do
	run "$k" "$mode" "${console[@]}" || rc=1
done
exit "$rc"
