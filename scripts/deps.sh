#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh - install what memplug needs on a Debian bookworm machine.
#
# Usage: scripts/deps.sh [GROUP...]     (run as root)
#
# Groups (default: all):
#   build    compilers, CMake, libnl, CLI11, nlohmann-json, GoogleTest,
#            clang-format, sparse: the module, memplugctl and unit tests
#   vm       QEMU, busybox-static, cpio, kmod, ...: selftests/vm/run-vm.sh
#   kernels  the stock 6.1 kernel image + headers + source (bookworm) and
#            the stock 6.12 kernel image + headers (bookworm-backports)
#   bench    ndctl, daxctl, gnuplot: the side-by-side benchmark
#   fuzz     clang-14 with libFuzzer
#   all      every group above
#
# Idempotent: packages are checked with dpkg-query first and apt is only
# run for what is missing, so a second run is a quick no-op.
#
# The 6.12 kernel comes from bookworm-backports. When no backports entry
# is configured, one is derived from the machine's own Debian entry (the
# one whose Suites list "bookworm"): same URIs, Components and Signed-By,
# written to /etc/apt/sources.list.d/memplug-backports.sources. Only the
# versioned 6.12 packages are taken from backports; the linux-image-amd64
# and linux-headers-amd64 metapackages stay on 6.1.

set -euo pipefail

readonly PROG=${0##*/}
readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SUITE=bookworm
readonly BPO=$SUITE-backports
readonly BPO_FILE=/etc/apt/sources.list.d/memplug-backports.sources

readonly PKGS_BUILD=(build-essential cmake pkg-config git libnl-3-dev
	libnl-genl-3-dev libcli11-dev nlohmann-json3-dev libgtest-dev
	clang-format sparse perl python3 bc rsync)
readonly PKGS_VM=(qemu-system-x86 busybox-static cpio kmod xz-utils zstd
	coreutils util-linux rsync)
readonly PKGS_KERNELS=(linux-image-amd64 linux-headers-amd64 linux-source-6.1
	xz-utils)
readonly PKGS_BENCH=(ndctl daxctl gnuplot-nox)
readonly PKGS_FUZZ=(clang-14 libfuzzer-14-dev libclang-rt-14-dev)

export DEBIAN_FRONTEND=noninteractive
APT_UPDATED=0

log() { echo "$PROG: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

usage() {
	echo "usage: $PROG [build|vm|kernels|bench|fuzz|all]..." >&2
	exit 2
}

# missing_pkgs PKG...: print the packages that are not fully installed.
missing_pkgs() {
	local -A ok=()
	local name status p

	while read -r name status; do
		[[ $status == ii ]] && ok[$name]=1
	done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" \
		2>/dev/null || true)
	for p in "$@"; do
		[[ -n ${ok[$p]:-} ]] || echo "$p"
	done
}

apt_update() {
	((APT_UPDATED)) && return 0
	log "apt-get update"
	apt-get update -qq
	APT_UPDATED=1
}

apt_install() {
	log "installing: $*"
	apt-get install -y -qq --no-install-recommends "$@"
}

# install_pkgs PKG...: install what is missing of PKG....
install_pkgs() {
	local -a missing

	mapfile -t missing < <(missing_pkgs "$@")
	((${#missing[@]})) || return 0
	apt_update
	apt_install "${missing[@]}"
}

# sources_awk MODE FILE...: scan apt sources.
#   MODE=has-bpo  print "yes" if an enabled bookworm-backports entry exists
#   MODE=derive   print a deb822 stanza for bookworm-backports built from the
#                 first enabled "deb" entry whose suites include bookworm
# Both deb822 (.sources) and one-line (.list) files are understood; the
# file type is told by its name.
sources_awk() {
	local mode=$1
	shift
	(($#)) || return 0
	awk -v mode="$mode" -v suite="$SUITE" -v bpo="$BPO" '
	function has_word(list, w,    n, i, a) {
		n = split(list, a, /[ \t]+/)
		for (i = 1; i <= n; i++)
			if (a[i] == w)
				return 1
		return 0
	}
	function emit(uris, comps, signed, arch) {
		if (done)
			return
		done = 1
		if (mode != "derive")
			return
		print "Types: deb"
		print "URIs: " uris
		print "Suites: " bpo
		print "Components: " comps
		if (arch != "")
			print "Architectures: " arch
		if (signed != "")
			print "Signed-By:" (signed ~ /^\n/ ? "" : " ") signed
	}
	# deb822 stanza held in f[] (lower-case field names).
	function stanza_end() {
		if (!nf)
			return
		nf = 0
		if (tolower(f["enabled"]) ~ /^[ \t]*no[ \t]*$/)
			return
		if (!has_word(f["types"], "deb"))
			return
		if (mode == "has-bpo" && has_word(f["suites"], bpo))
			emit()
		if (mode == "derive" && has_word(f["suites"], suite))
			emit(f["uris"], f["components"], f["signed-by"],
			     f["architectures"])
	}
	FNR == 1 {
		stanza_end()
		deb822 = FILENAME ~ /\.sources$/
	}
	deb822 && /^#/ { next }
	deb822 && /^[ \t]*$/ { stanza_end(); next }
	deb822 && /^[ \t]/ {
		# Continuation line (e.g. an inline Signed-By key).
		if (key != "")
			f[key] = f[key] "\n" $0
		next
	}
	deb822 {
		if (!nf)
			delete f
		nf++
		key = tolower($0)
		sub(/:.*/, "", key)
		val = $0
		sub(/^[^:]*:[ \t]*/, "", val)
		sub(/[ \t]+$/, "", val)
		f[key] = val
		next
	}
	# One-line format: deb [opt=val ...] URI SUITE COMPONENT...
	{
		sub(/#.*/, "")
		if ($1 != "deb")
			next
		opts = ""
		i = 2
		if ($2 ~ /^\[/) {
			while (i <= NF) {
				opts = opts " " $i
				if ($i ~ /\]$/)
					break
				i++
			}
			i++
		}
		gsub(/[\[\]]/, "", opts)
		uri = $i
		s = $(i + 1)
		comps = ""
		for (j = i + 2; j <= NF; j++)
			comps = comps (comps == "" ? "" : " ") $j
		signed = ""
		arch = ""
		n = split(opts, o, /[ \t]+/)
		for (j = 1; j <= n; j++) {
			if (o[j] ~ /^signed-by=/)
				signed = substr(o[j], 11)
			if (o[j] ~ /^arch=/)
				arch = substr(o[j], 6)
		}
		if (mode == "has-bpo" && s == bpo)
			emit()
		if (mode == "derive" && s == suite)
			emit(uri, comps, signed, arch)
	}
	END {
		stanza_end()
		if (mode == "has-bpo" && done)
			print "yes"
	}' "$@"
}

# source_files: the apt source files apt itself would read, deb822 first.
source_files() {
	local f

	shopt -s nullglob
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list; do
		[[ -f $f ]] && echo "$f"
	done
	shopt -u nullglob
}

ensure_backports_source() {
	local -a files
	local stanza

	mapfile -t files < <(source_files)
	if [[ $(sources_awk has-bpo "${files[@]}") == yes ]]; then
		return 0
	fi
	stanza=$(sources_awk derive "${files[@]}")
	[[ -n $stanza ]] ||
		die "no enabled '$SUITE' Debian entry in the apt sources to derive $BPO from"
	log "adding $BPO as $BPO_FILE"
	{
		echo "# Written by memplug scripts/deps.sh: Debian $BPO, derived"
		echo "# from this machine's $SUITE entry, for the 6.12 test kernel."
		echo "$stanza"
	} >"$BPO_FILE.tmp"
	mv "$BPO_FILE.tmp" "$BPO_FILE"
	APT_UPDATED=0
}

# bpo_dep META: the versioned package that backports' META depends on,
# e.g. linux-image-amd64 -> linux-image-6.12.95+deb12-amd64.
bpo_dep() {
	local meta=$1 ver dep

	ver=$(apt-cache madison "$meta" |
		awk -F'|' -v r=" $BPO/" 'index($3, r) { gsub(/ /, "", $2); print $2; exit }')
	[[ -n $ver ]] || die "$BPO has no $meta (is the entry right?)"
	dep=$(apt-cache show "$meta=$ver" |
		awk -v pfx="${meta%-amd64}-" '
		/^Depends:/ {
			sub(/^Depends:[ \t]*/, "")
			n = split($0, d, /[ \t]*,[ \t]*/)
			for (i = 1; i <= n; i++) {
				split(d[i], w, /[ \t(|]+/)
				if (index(w[1], pfx) == 1) { print w[1]; exit }
			}
		}')
	[[ -n $dep ]] || die "cannot tell which package $meta $ver depends on"
	echo "$dep"
}

install_kernel_612() {
	local img hdr meta_ver

	if "$HERE/kernels.sh" 6.12 >/dev/null 2>&1; then
		return 0
	fi
	ensure_backports_source
	apt_update
	img=$(bpo_dep linux-image-amd64)
	hdr=$(bpo_dep linux-headers-amd64)
	# "pkg/suite" takes only these (and what only backports can satisfy)
	# from backports; "-t suite" would move the 6.1 metapackages too.
	apt_install "$img/$BPO" "$hdr/$BPO"
	meta_ver=$(dpkg-query -W -f='${Version}' linux-image-amd64)
	[[ $meta_ver == 6.1.* ]] ||
		die "linux-image-amd64 is now $meta_ver, expected to stay on 6.1"
	"$HERE/kernels.sh" 6.12 >/dev/null ||
		die "installed $img and $hdr but no complete 6.12 kernel is found"
}

main() {
	local -a groups pkgs=()
	local g want_kernels=0

	(($#)) && groups=("$@") || groups=(all)
	for g in "${groups[@]}"; do
		case $g in
		build) pkgs+=("${PKGS_BUILD[@]}") ;;
		vm) pkgs+=("${PKGS_VM[@]}") ;;
		kernels)
			pkgs+=("${PKGS_KERNELS[@]}")
			want_kernels=1
			;;
		bench) pkgs+=("${PKGS_BENCH[@]}") ;;
		fuzz) pkgs+=("${PKGS_FUZZ[@]}") ;;
		all)
			pkgs+=("${PKGS_BUILD[@]}" "${PKGS_VM[@]}" "${PKGS_KERNELS[@]}"
				"${PKGS_BENCH[@]}" "${PKGS_FUZZ[@]}")
			want_kernels=1
			;;
		-h | --help) usage ;;
		*)
			log "unknown group '$g'"
			usage
			;;
		esac
	done

	mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
	if [[ -n $(missing_pkgs "${pkgs[@]}") ]] ||
		{ ((want_kernels)) && ! "$HERE/kernels.sh" all >/dev/null 2>&1; }; then
		((EUID == 0)) || die "packages are missing; run as root"
	fi
	install_pkgs "${pkgs[@]}"
	if ((want_kernels)); then
		install_kernel_612
		"$HERE/kernels.sh" all >/dev/null
	fi
}

main "$@"
