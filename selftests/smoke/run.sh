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
# preload-panic, preload-panic-always, hang); the default "pass" must pass.
# --failure-paths runs every mode but pass and checks that the runner
# reports each one with the expected exit status, counts and number of
# boot retries: a crash before any module is loaded is booted again
# exactly once, a crash after the smoke module was loaded never; it
# prints the counts line for those checks (ktap-summary.sh --counts).

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

# retries FILE: the number of "# boot retry:" lines in FILE.
retries() {
	grep -c '^# boot retry: ' "$1" 2>/dev/null || true
}

# expect KVER MODE WANT-RC WANT-SUMMARY WANT-RETRIES [RUN-VM ARGS...]:
# run-vm.sh must exit WANT-RC with exactly WANT-SUMMARY as its last line,
# after booting again WANT-RETRIES times (counted in summary.txt and
# results.ktap; the first boot's console is kept when it was retried).
expect() {
	local kver=$1 mode=$2 want_rc=$3 want=$4 want_retries=$5 got rc=0
	local out=$BUILD/$kver/out-$mode r1 r2 kept=0
	shift 5

	got=$(run "$kver" "$mode" "$@" 2>"$BUILD/$kver/stderr-$mode") || rc=$?
	got=$(tail -n 1 <<<"$got")
	r1=$(retries "$out/summary.txt")
	r2=$(retries "$out/results.ktap")
	[[ -f $out/boot1-console.log ]] && kept=1
	if ((rc == want_rc && r1 == want_retries && r2 == want_retries &&
		kept == (want_retries > 0))) && [[ $got == "$want" ]]; then
		echo "ok: $kver $mode -> exit $rc, $got, $r1 boot retries"
		return 0
	fi
	echo "FAILED: $kver $mode -> exit $rc, '$got', $r1/$r2 boot retries" \
		"(wanted exit $want_rc, '$want', $want_retries)"
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
		# panic: iomem passed, the smoke module was loaded, then the
		# crash: the second planned test never came (+1), no status
		# (+1), and no second boot. preload-panic: the first boot
		# crashes before any module, the second passes its one test.
		# preload-panic-always: the second boot crashes too, so its
		# planned test is missing (+1) and there is no status (+1).
		# hang: 1 planned test missing, no status, no second boot.
		for spec in "fail|1|1 passed, 2 failed, 1 skipped|0" \
			"warn|1|4 passed, 2 failed, 0 skipped|0" \
			"panic|1|1 passed, 2 failed, 0 skipped|0" \
			"preload-panic|0|1 passed, 0 failed, 0 skipped|1" \
			"preload-panic-always|1|0 passed, 2 failed, 0 skipped|1" \
			"hang|1|0 passed, 2 failed, 0 skipped|0|--timeout|40"; do
			IFS='|' read -r m rc want nretry extra val <<<"$spec"
			if expect "$k" "$m" "$rc" "$want" "$nretry" \
				${extra:+"$extra" "$val"}; then
				ok=$((ok + 1))
			else
				bad=$((bad + 1))
			fi
		done
	done
	"$REPO/selftests/vm/ktap-summary.sh" --counts "$ok" "$bad" 0
	((bad == 0))
	exit
fi

rc=0
for k in "${kernels[@]}"; do
	run "$k" "$mode" "${console[@]}" || rc=1
done
exit "$rc"
