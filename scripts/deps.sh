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
#   kernels  the stock 6.1 kernel image + headers + source (bookworm), the
#            current 6.12 point release's image + headers + source
#            (bookworm-security), and the newest 7.x of trixie-backports:
#            a trixie chroot with its headers (and sparse) to build in,
#            its image unpacked next to it, and checkpatch.pl from its
#            source, all under the cache directory
#   bench    ndctl, daxctl, gnuplot: the side-by-side benchmark
#   fuzz     clang-14 with libFuzzer
#   deb      debhelper, dh-dkms, dkms, lintian, fakeroot, file, man-db and the
#            stock 6.1 headers: `make deb` and scripts/deb-check.sh
#   all      every group above
#
# Idempotent: packages are checked with dpkg-query first and apt is only
# run for what is missing, so a second run is a quick no-op.
#
# The 6.12 kernel is Debian's linux-image-6.12-amd64 from bookworm's
# security suite, which a Debian machine has configured. The 7.x kernel
# needs trixie's userland to build against: a trixie chroot is made with
# debootstrap in the cache directory (MEMPLUG_CACHE, default
# /var/cache/memplug), from the mirror of the machine's own Debian entry
# (the one whose Suites list "bookworm"), with trixie and trixie-backports
# from that mirror; the chroot's apt downloads the kernel image, which is
# unpacked (dpkg-deb -x), never installed. Nothing of trixie touches the
# host's apt sources.

set -euo pipefail

readonly PROG=${0##*/}
readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SUITE=bookworm
readonly CACHE=${MEMPLUG_CACHE:-/var/cache/memplug}
readonly CHROOT=$CACHE/trixie

readonly PKGS_BUILD=(build-essential cmake pkg-config git libnl-3-dev
	libnl-genl-3-dev libcli11-dev nlohmann-json3-dev libgtest-dev
	clang-format sparse perl python3 python3-yaml python3-jsonschema bc rsync)
readonly PKGS_VM=(qemu-system-x86 busybox-static cpio kmod xz-utils zstd
	coreutils util-linux rsync)
readonly PKGS_KERNELS=(linux-image-amd64 linux-headers-amd64 linux-source-6.1
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
	xz-utils debootstrap)
# In the trixie chroot: what building a module for 7.x (and sparse) takes.
readonly PKGS_CHROOT=(make gcc libc6-dev sparse xz-utils)
readonly PKGS_BENCH=(ndctl daxctl gnuplot-nox)
readonly PKGS_FUZZ=(clang-14 libfuzzer-14-dev libclang-rt-14-dev)
readonly PKGS_DEB=(build-essential dpkg-dev debhelper dh-dkms dkms lintian
	fakeroot file man-db linux-headers-amd64 systemd)

export DEBIAN_FRONTEND=noninteractive
APT_UPDATED=0

log() { echo "$PROG: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

usage() {
	echo "usage: $PROG [build|vm|kernels|bench|fuzz|deb|all]..." >&2
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

# debian_entry FILE...: "URI KEYRING" of the first enabled "deb" entry
# whose suites include bookworm (KEYRING may be empty). Both deb822
# (.sources) and one-line (.list) files are understood; the file type is
# told by its name.
debian_entry() {
	(($#)) || return 0
	awk -v suite="$SUITE" '
	function has_word(list, w,    n, i, a) {
		n = split(list, a, /[ \t]+/)
		for (i = 1; i <= n; i++)
			if (a[i] == w)
				return 1
		return 0
	}
	function found(uri, signed) {
		if (done)
			return
		done = 1
		split(uri, u, /[ \t]+/)
		print u[1], (signed ~ /^\// ? signed : "")
	}
	function stanza_end() {
		if (!nf)
			return
		nf = 0
		if (tolower(f["enabled"]) ~ /^[ \t]*no[ \t]*$/)
			return
		if (has_word(f["types"], "deb") && has_word(f["suites"], suite))
			found(f["uris"], f["signed-by"])
	}
	FNR == 1 {
		stanza_end()
		deb822 = FILENAME ~ /\.sources$/
	}
	deb822 && /^#/ { next }
	deb822 && /^[ \t]*$/ { stanza_end(); next }
	deb822 && /^[ \t]/ { next }
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
		signed = ""
		i = 2
		if ($2 ~ /^\[/) {
			while (i <= NF) {
				if ($i ~ /signed-by=/) {
					signed = $i
					sub(/.*signed-by=/, "", signed)
					sub(/\].*/, "", signed)
				}
				if ($i ~ /\]$/)
					break
				i++
			}
			i++
		}
		if ($(i + 1) == suite)
			found($i, signed)
	}
	END { stanza_end() }' "$@"
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

in_chroot() {
	"$HERE/chroot.sh" -- "$@"
}

# ensure_chroot: a trixie chroot with trixie-backports, made from the
# mirror of the machine's Debian entry.
ensure_chroot() {
	local -a files keyring=()
	local entry uri signed tmp=$CHROOT.new

	[[ -f $CHROOT/.memplug-ready ]] && return 0
	mapfile -t files < <(source_files)
	entry=$(debian_entry "${files[@]}")
	[[ -n $entry ]] ||
		die "no enabled '$SUITE' Debian entry in the apt sources to take the mirror from"
	read -r uri signed <<<"$entry"
	[[ -n $signed ]] && keyring=(--keyring="$signed")
	log "making a trixie chroot in $CHROOT from $uri"
	mkdir -p "$CACHE"
	rm -rf "$tmp"
	debootstrap --variant=minbase "${keyring[@]}" trixie "$tmp" "$uri" \
		>"$CACHE/debootstrap.log" 2>&1 ||
		die "debootstrap trixie failed; see $CACHE/debootstrap.log"
	rm -f "$tmp/etc/apt/sources.list"
	cat >"$tmp/etc/apt/sources.list.d/debian.sources" <<SOURCES
# Written by memplug scripts/deps.sh: trixie and trixie-backports from the
# mirror of the host's $SUITE entry.
Types: deb
URIs: $uri
Suites: trixie trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
	rm -rf "$CHROOT"
	mv "$tmp" "$CHROOT"
	in_chroot apt-get update -qq
	in_chroot apt-get install -y -qq --no-install-recommends "${PKGS_CHROOT[@]}"
	touch "$CHROOT/.memplug-ready"
}

# bpo_package META: the versioned package trixie-backports' newest META
# depends on, e.g. linux-image-amd64 -> linux-image-7.3.4+deb13-amd64.
bpo_package() {
	local meta=$1 ver

	ver=$(in_chroot apt-cache madison "$meta" |
		awk -F'|' '/trixie-backports/ { gsub(/ /, "", $2); print $2; exit }')
	[[ -n $ver ]] || die "trixie-backports has no $meta"
	in_chroot apt-cache show "$meta=$ver" | awk -v pfx="${meta%-amd64}-" '
		/^Depends:/ {
			sub(/^Depends:[ \t]*/, "")
			n = split($0, d, /[ \t]*,[ \t]*/)
			for (i = 1; i <= n; i++) {
				split(d[i], w, /[ \t(|]+/)
				if (index(w[1], pfx) == 1) { print w[1]; exit }
			}
		}'
}

# install_kernel_7: the newest 7.x of trixie-backports: headers in the
# chroot, the image unpacked into the cache, checkpatch.pl from its source.
install_kernel_7() {
	local img hdr rel dir src parts deb

	if "$HERE/kernels.sh" 7 >/dev/null 2>&1 && [[ -d $CACHE/checkpatch ]]; then
		return 0
	fi
	ensure_chroot
	in_chroot apt-get update -qq
	img=$(bpo_package linux-image-amd64)
	hdr=$(bpo_package linux-headers-amd64)
	[[ -n $img && -n $hdr ]] || die "cannot tell trixie-backports' kernel packages"
	rel=${img#linux-image-}
	[[ $rel == 7.* ]] || die "trixie-backports' newest kernel is $rel, not 7.x"
	log "Debian $rel from trixie-backports: headers in the chroot, image unpacked"
	in_chroot apt-get install -y -qq --no-install-recommends \
		-t trixie-backports "$hdr"
	dir=$CACHE/kernels/$rel
	if [[ ! -f $dir/boot/vmlinuz-$rel ]]; then
		# Newer kernels split the image into linux-binary-REL (the
		# kernel), linux-modules-REL and linux-base-REL (config,
		# modules.builtin, ...), on which linux-image-REL depends.
		parts=$(in_chroot apt-cache show "$img" | awk -v rel="$rel" '
			/^Depends:/ {
				n = split($0, d, /[ ,|()]+/)
				for (i = 1; i <= n; i++)
					if (d[i] == "linux-binary-" rel ||
					    d[i] == "linux-modules-" rel ||
					    d[i] == "linux-base-" rel)
						print d[i]
				exit
			}')
		rm -rf "$dir.new" "$CHROOT/tmp/deb"
		mkdir -p "$dir.new" "$CHROOT/tmp/deb"
		in_chroot sh -c "cd /tmp/deb && apt-get download -qq $img $(echo $parts)"
		for deb in "$CHROOT"/tmp/deb/*.deb; do
			dpkg-deb -x "$deb" "$dir.new"
		done
		rm -rf "$CHROOT/tmp/deb"
		# Merged /usr: the modules may come as usr/lib/modules, the
		# image as usr/lib/linux-image... too; boot/ and lib/ are what
		# the VM runner looks for.
		if [[ ! -d $dir.new/lib/modules && -d $dir.new/usr/lib/modules ]]; then
			ln -s usr/lib "$dir.new/lib"
		fi
		mkdir -p "$dir.new/boot"
		for f in vmlinuz config System.map; do
			if [[ ! -e $dir.new/boot/$f-$rel &&
				-e $dir.new/lib/modules/$rel/$f ]]; then
				ln -s "../lib/modules/$rel/$f" "$dir.new/boot/$f-$rel"
			fi
		done
		# What the package's postinst would have done.
		depmod -b "$dir.new" "$rel"
		rm -rf "$dir"
		mv "$dir.new" "$dir"
	fi
	src=linux-source-${rel%%.*}.$(cut -d. -f2 <<<"$rel")
	if [[ ! -d $CACHE/checkpatch ]]; then
		rm -rf "$CHROOT/tmp/src" "$CACHE/checkpatch.new"
		mkdir -p "$CHROOT/tmp/src" "$CACHE/checkpatch.new"
		in_chroot sh -c "cd /tmp/src && apt-get download -qq -t trixie-backports $src"
		dpkg-deb --fsys-tarfile "$CHROOT"/tmp/src/"$src"_*.deb |
			tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
			tar -xJ -C "$CACHE/checkpatch.new" --strip-components=1 \
				--wildcards '*/scripts/checkpatch.pl' \
				'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
		rm -rf "$CHROOT/tmp/src"
		mv "$CACHE/checkpatch.new" "$CACHE/checkpatch"
	fi
	"$HERE/kernels.sh" 7 >/dev/null ||
		die "unpacked $img and installed $hdr but no complete 7.x kernel is found"
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
		deb) pkgs+=("${PKGS_DEB[@]}") ;;
		all)
			pkgs+=("${PKGS_BUILD[@]}" "${PKGS_VM[@]}" "${PKGS_KERNELS[@]}"
				"${PKGS_BENCH[@]}" "${PKGS_FUZZ[@]}" "${PKGS_DEB[@]}")
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
		install_kernel_7
		"$HERE/kernels.sh" all >/dev/null
	fi
}

main "$@"
