#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-check.sh - build, check, install and purge the Debian packages.
#
# Usage: scripts/deb-check.sh     (as root, on Debian bookworm)
#
# Builds memplug-dkms and memplugctl with `make deb`, runs lintian on them
# (an error or a warning fails), installs both with apt-get, checks
# memplugctl, its manual pages, bash completion and JSON Schemas, and the
# module DKMS built for Debian's stock 6.1 kernel (the release
# linux-headers-amd64 depends on), then purges both and checks that
# nothing of them is left. Each check is one KTAP result; the last line
# is the counts (selftests/vm/ktap-summary.sh --counts). The exit status
# is non-zero when a check failed.
#
# The host is left as it was: the packages are purged at the end, also
# when a check fails or the script is interrupted. The build
# dependencies stay installed. When memplug-dkms or memplugctl is
# installed already, the script touches nothing and fails.
# Build output and the logs of each step go to BUILD/deb (default:
# build/deb).

set -uo pipefail

readonly TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly KS=$TOP/selftests/vm/ktap-summary.sh
readonly BUILD_DIR=${BUILD:-$TOP/build}
readonly OUT=$BUILD_DIR/deb
readonly LOGS=$OUT/logs
readonly PLAN=23
readonly PKGS=(memplug-dkms memplugctl)

n=0 passed=0 failed=0 skipped=0
installed=0

ok() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n $1"
}
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n $1"
	shift
	local line
	for line in "$@"; do
		echo "# $line"
	done
}
skip() {
	n=$((n + 1)) skipped=$((skipped + 1))
	echo "ok $n $1 # SKIP $2"
}
# check NAME CMD...: one result, ok when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# show FILE: FILE as diagnostics.
show() {
	sed 's/^/# /' "$1"
}

finish() {
	while ((n < PLAN)); do
		skip "(not reached)" "an earlier step stopped the test"
	done
	"$KS" --counts "$passed" "$failed" "$skipped"
	((failed == 0))
	exit
}

# Whatever happens, leave no memplug package behind.
cleanup() {
	((installed)) || return 0
	apt-get purge -y -qq "${PKGS[@]}" >>"$LOGS/cleanup.log" 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "TAP version 13"
if ((EUID != 0)); then
	echo "1..1"
	skip "Debian packages" "needs root (apt-get, dkms)"
	"$KS" --counts 0 0 1
	exit 0
fi
echo "1..$PLAN"
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	if [[ -n $st && $st != not-installed ]]; then
		not_ok "no memplug package installed before the test" \
			"$p is installed; purge it first: apt-get purge -y ${PKGS[*]}"
		finish
	fi
done

# -- build and lint --------------------------------------------------------
mkdir -p "$OUT"
start=$SECONDS
if make -C "$TOP" --no-print-directory deb BUILD="$BUILD_DIR" >"$OUT/make-deb.log" 2>&1; then
	ok "make deb builds memplug-dkms and memplugctl ($((SECONDS - start)) s)"
else
	tail -n 30 "$OUT/make-deb.log" | sed 's/^/# /'
	not_ok "make deb builds memplug-dkms and memplugctl" "see $OUT/make-deb.log"
	finish
fi
mkdir -p "$LOGS"
mv "$OUT/make-deb.log" "$LOGS/"
version=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)
ctl_deb=$(ls "$OUT"/memplugctl_"$version"_*.deb 2>/dev/null)
dkms_deb=$(ls "$OUT"/memplug-dkms_"$version"_all.deb 2>/dev/null)
changes=$(ls "$OUT"/memplug_"$version"_*.changes 2>/dev/null)
echo "# version $version: ${ctl_deb##*/} ${dkms_deb##*/}"
if [[ ! -f $ctl_deb || ! -f $dkms_deb || ! -f $changes ]]; then
	not_ok "the packages of version $version are in $OUT"
	finish
fi

# lintian exits with 1 when it reports an error, 2 when it cannot run.
lintian "$changes" >"$LOGS/lintian.log" 2>&1
rc=$?
show "$LOGS/lintian.log"
if ((rc == 0)) && ! grep -q '^E: ' "$LOGS/lintian.log"; then
	ok "lintian: no errors ($(grep -c '^W: ' "$LOGS/lintian.log") warnings)"
else
	not_ok "lintian: no errors" "lintian exited with status $rc"
fi
check "lintian: no warnings" bash -c '! grep -q "^W: " "$1"' - "$LOGS/lintian.log"

# -- memplugctl ------------------------------------------------------------
# grep reads all of dpkg -c's output (no -q: dpkg-deb would get SIGPIPE).
lists_ctl() {
	dpkg -c "$ctl_deb" | grep -c ' \./usr/sbin/memplugctl$' >/dev/null
}
check "memplugctl package holds /usr/sbin/memplugctl" lists_ctl

# Both installs in one apt-get call would resolve the same way; two keep
# the failures apart.
if apt-get install -y "$ctl_deb" >"$LOGS/install-ctl.log" 2>&1; then
	installed=1
	ok "apt-get install memplugctl"
else
	installed=1
	show "$LOGS/install-ctl.log"
	not_ok "apt-get install memplugctl"
fi

bin=/usr/sbin/memplugctl
if [[ -x $bin ]]; then
	ldd "$bin" >"$LOGS/ldd.log" 2>&1
	desc=$(file -b "$bin")
	echo "# $desc"
	if [[ $desc == *"dynamically linked"* ]] &&
		grep -q '^\s*libnl-3\.so\.[0-9]* => /' "$LOGS/ldd.log" &&
		grep -q '^\s*libnl-genl-3\.so\.[0-9]* => /' "$LOGS/ldd.log" &&
		! grep -q 'not found' "$LOGS/ldd.log"; then
		ok "memplugctl is linked dynamically to libnl-3 and libnl-genl-3"
	else
		show "$LOGS/ldd.log"
		not_ok "memplugctl is linked dynamically to libnl-3 and libnl-genl-3"
	fi
	if [[ $desc == *", stripped"* ]]; then
		ok "memplugctl is stripped"
	else
		not_ok "memplugctl is stripped"
	fi
	out=$("$bin" --version 2>&1)
	echo "# $out"
	if [[ $out == "memplugctl $version "* ]]; then
		ok "memplugctl --version says $version"
	else
		not_ok "memplugctl --version says $version"
	fi
	# The manual pages and the completion, made by the build.
	pages=$(man -w memplugctl memplug.conf 2>&1)
	sed 's/^/# /' <<<"$pages"
	if grep -qx '/usr/share/man/man8/memplugctl\.8\.gz' <<<"$pages" &&
		grep -qx '/usr/share/man/man5/memplug\.conf\.5\.gz' <<<"$pages"; then
		ok "man -w finds memplugctl(8) and memplug.conf(5)"
	else
		not_ok "man -w finds memplugctl(8) and memplug.conf(5)"
	fi
	comp=/usr/share/bash-completion/completions/memplugctl
	check "bash completion in $comp" bash -c 'source "$1" && complete -p memplugctl >/dev/null' - "$comp"
	schemas=/usr/share/memplugctl/schema
	check "the JSON Schemas of docs/schema in $schemas" diff -r "$TOP/docs/schema" "$schemas"
else
	skip "memplugctl is linked dynamically to libnl-3 and libnl-genl-3" "no $bin"
	skip "memplugctl is stripped" "no $bin"
	skip "memplugctl --version says $version" "no $bin"
	skip "man -w finds memplugctl(8) and memplug.conf(5)" "no $bin"
	skip "bash completion in /usr/share/bash-completion/completions" "no $bin"
	skip "the JSON Schemas of docs/schema in /usr/share/memplugctl/schema" "no $bin"
fi

# memplugctl's systemd units as installed: systemd-analyze verify, any
# output of which is a finding. Man pages
# are not checked: Documentation= may name pages of other packages.
units=(memplug.service memplug-monitor.service)
unit_paths=()
for u in "${units[@]}"; do
	for d in /lib/systemd/system /usr/lib/systemd/system; do
		[[ -f $d/$u ]] && { unit_paths+=("$d/$u"); break; }
	done
done
if ! command -v systemd-analyze >/dev/null; then
	skip "systemd-analyze verify ${units[*]}" "no systemd-analyze (scripts/deps.sh deb)"
elif ((${#unit_paths[@]} == ${#units[@]})) &&
	systemd-analyze verify --man=no "${unit_paths[@]}" >"$LOGS/verify.log" 2>&1 &&
	[[ ! -s $LOGS/verify.log ]]; then
	ok "systemd-analyze verify ${units[*]}"
else
	[[ -f $LOGS/verify.log ]] && show "$LOGS/verify.log"
	not_ok "systemd-analyze verify ${units[*]}" "installed: ${unit_paths[*]:-none}"
fi

# -- memplug-dkms ----------------------------------------------------------
# Debian's stock 6.1 kernel: the release linux-headers-amd64 depends on,
# else the newest 6.1 headers there are.
kver=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	grep -oE 'linux-headers-6\.1\.[^ ,]+-amd64' | head -n 1)
kver=${kver#linux-headers-}
if [[ -z $kver ]]; then
	kver=$(find /usr/src -maxdepth 1 -name 'linux-headers-6.1.*-amd64' -printf '%f\n' |
		sort -V | tail -n 1)
	kver=${kver#linux-headers-}
fi
echo "# kernel: ${kver:-none}"

if apt-get install -y "$dkms_deb" >"$LOGS/install-dkms.log" 2>&1; then
	installed=1
	ok "apt-get install memplug-dkms"
else
	installed=1
	tail -n 30 "$LOGS/install-dkms.log" | sed 's/^/# /'
	not_ok "apt-get install memplug-dkms" "see $LOGS/install-dkms.log"
fi

ko=
alias=net-pf-16-proto-16-family-memplug
if [[ -z $kver || ! -d /lib/modules/$kver/build ]]; then
	skip "dkms status: memplug installed for the stock 6.1 kernel" \
		"no 6.1 headers (scripts/deps.sh deb)"
	for t in "memplug.ko in updates/dkms" "modinfo: license GPL" \
		"modinfo: version $version" "modinfo: alias $alias" \
		"modinfo: no test_knobs parameter"; do
		skip "$t" "no 6.1 headers"
	done
else
	# The postinst builds for the running kernel and the newest one; the
	# stock 6.1 kernel may be neither.
	if ! dkms status -m memplug -v "$version" -k "$kver" 2>/dev/null | grep -q ': installed'; then
		echo "# dkms install memplug/$version -k $kver"
		dkms install "memplug/$version" -k "$kver" >"$LOGS/dkms-install.log" 2>&1 ||
			tail -n 30 "$LOGS/dkms-install.log" | sed 's/^/# /'
	fi
	status=$(dkms status memplug 2>/dev/null)
	sed 's/^/# /' <<<"$status"
	if grep -qE "^memplug/$version, $kver, [^:]*: installed" <<<"$status"; then
		ok "dkms status: memplug/$version installed for $kver"
	else
		not_ok "dkms status: memplug/$version installed for $kver"
	fi
	for f in memplug.ko memplug.ko.xz memplug.ko.zst memplug.ko.gz; do
		[[ -f /lib/modules/$kver/updates/dkms/$f ]] && ko=/lib/modules/$kver/updates/dkms/$f
	done
	if [[ -n $ko ]]; then
		ok "memplug.ko in /lib/modules/$kver/updates/dkms (${ko##*/})"
		modinfo "$ko" >"$LOGS/modinfo.log" 2>&1
		grep -E '^(filename|version|license|vermagic|signer|parm):' \
			"$LOGS/modinfo.log" | sed 's/^/# /'
		check "modinfo: license GPL" grep -qE '^license: +GPL$' "$LOGS/modinfo.log"
		check "modinfo: version $version" grep -qE "^version: +$version\$" "$LOGS/modinfo.log"
		# What makes memplugctl's first request load the module.
		check "modinfo: alias $alias" grep -qE "^alias: +$alias\$" "$LOGS/modinfo.log"
		if params=$(modinfo -p "$ko" 2>&1) && ! grep -q '^test_knobs:' <<<"$params" &&
			grep -q '^event_ring_size:' <<<"$params"; then
			ok "modinfo: no test_knobs parameter"
		else
			sed 's/^/# /' <<<"$params"
			not_ok "modinfo: no test_knobs parameter"
		fi
	else
		not_ok "memplug.ko in /lib/modules/$kver/updates/dkms"
		skip "modinfo: license GPL" "no module"
		skip "modinfo: version $version" "no module"
		skip "modinfo: alias $alias" "no module"
		skip "modinfo: no test_knobs parameter" "no module"
	fi
fi

# -- purge -----------------------------------------------------------------
if apt-get purge -y "${PKGS[@]}" >"$LOGS/purge.log" 2>&1; then
	installed=0
	ok "apt-get purge memplug-dkms memplugctl"
else
	tail -n 30 "$LOGS/purge.log" | sed 's/^/# /'
	not_ok "apt-get purge memplug-dkms memplugctl"
fi
status=$(dkms status memplug 2>/dev/null)
if [[ -z $status ]]; then
	ok "dkms status memplug is empty after the purge"
else
	not_ok "dkms status memplug is empty after the purge" "$status"
fi
left=$(find /lib/modules/ -path '*/updates/dkms/memplug.ko*' 2>/dev/null)
if [[ -z $left ]]; then
	ok "no memplug.ko left in /lib/modules/*/updates/dkms"
else
	not_ok "no memplug.ko left in /lib/modules/*/updates/dkms" "$left"
fi
left=$(find /usr/src -maxdepth 1 -name 'memplug-*' 2>/dev/null)
if [[ -z $left && ! -e /var/lib/dkms/memplug ]]; then
	ok "no /usr/src/memplug-* or /var/lib/dkms/memplug left"
else
	not_ok "no /usr/src/memplug-* or /var/lib/dkms/memplug left" "$left"
fi

finish
