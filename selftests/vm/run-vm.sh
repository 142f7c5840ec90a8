#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm.sh - boot a stock Debian kernel under QEMU and run a test payload.
#
# Usage: selftests/vm/run-vm.sh --payload DIR [OPTION]...
#
#   --payload DIR     directory copied to /memplug in the guest; it must hold
#                     an executable guest-main, which /init runs (cwd
#                     /memplug, stdin /dev/null). Out-of-tree modules go in
#                     DIR/modules/*.ko. Every dynamically linked ELF in DIR
#                     gets its shared libraries copied along.
#   --kernel KVER     kernel release to boot, or a series (6.1, 6.12, 7) for
#                     its newest installed release (scripts/kernels.sh);
#                     default 6.1. Its image and modules are where
#                     scripts/kernels.sh says: /boot/vmlinuz-KVER and
#                     /lib/modules/KVER, or unpacked in the cache (7.x)
#   --out DIR         where results go (default: a new directory under
#                     build/vm/runs/); files of an earlier run there are
#                     replaced
#   --mem SIZE        guest RAM (default 3G)
#   --maxmem SIZE     room for device memory beyond --mem, for a
#                     virtio-mem device (QEMU's -m maxmem=; default none)
#   --smp N           guest CPUs (default 2)
#   --pmem SPEC[,SPEC]  memmap=SPEC device-backed ranges (default 1G!1G, i.e.
#                     1 GiB at 1 GiB, shown as "Persistent Memory (legacy)");
#                     "none" leaves it out. Each must lie in guest RAM: below
#                     3 GiB, or from 4 GiB on when --mem is 3.5 GiB or more
#                     (QEMU moves RAM above 3 GiB past the PCI hole)
#   --append ARGS     more kernel command line, e.g.
#                     "memory_hotplug.memmap_on_memory=1"
#   --qemu-args ARGS  more QEMU arguments (word-split), e.g. -numa options
#   --modules "M..."  stock modules of KVER to put in /lib/modules (with
#                     their dependencies); load them with modprobe
#   --bins "P..."     more host programs (name or path) for the guest, in
#                     /usr/local/bin, with their shared libraries
#   --timeout SECS    wall clock limit for each boot of the VM (default
#                     600); QEMU is killed and the run fails when it is
#                     exceeded
#   --accel tcg|kvm   force the accelerator (also MEMPLUG_ACCEL=tcg|kvm);
#                     by default KVM is used only if a probe boot works
#   --tcg-thread single|multi
#                     TCG's vCPU threading (also MEMPLUG_TCG_THREAD; default
#                     single): "multi" runs each vCPU on its own host thread,
#                     which QEMU 7.2 cannot do safely for an x86 kernel that
#                     patches its own code (see README.md)
#   --no-retry        never boot a second time (see "Boot retry" below)
#   --console         stream the guest console, and the results port
#                     (lines prefixed "| "), to stdout while it runs
#   -h, --help        this text
#
# The guest (busybox /init, see guest-init.sh) mounts proc, sysfs,
# devtmpfs, debugfs, tmpfs on /tmp and /run, then runs guest-main. Its
# output goes to a second serial port (ttyS1); kernel messages stay on
# ttyS0. Payloads source guest-lib.sh ($VM_LIB)
# for a KTAP test runner that checks dmesg and taint after every test.
#
# Host programs in the guest by default: dash as /bin/sh, busybox applets
# for the rest, coreutils timeout and stdbuf, util-linux setpriv.
#
# Files in --out:
#   console.log    ttyS0: kernel console (with guest-lib's progress lines)
#   serial1.log    ttyS1 as received (results, then the marker lines)
#   results.ktap   the KTAP part of serial1.log
#   dmesg.txt      the guest's whole kernel log
#   qemu.log       QEMU's own messages; cmdline.txt: how QEMU was started
#   summary.txt    the final counts line, after any "# boot retry:" lines
#   boot1-*        console.log, serial1.log, qemu.log and cmdline.txt of a
#                  first boot that crashed and was retried
#
# Boot retry: when the guest kernel crashes (a panic or Oops on the
# console, no status marker) before the payload has loaded a module of
# its own, memplug had no part in it, and the VM boots once more with
# "memplug_vm_boot=2" added to the kernel command line. Each retry is
# reported on stderr and as a "# boot retry: REASON" line at the top of
# results.ktap and summary.txt. A crash after a payload module was loaded
# is a failure and never retried; so is a second crash.
#
# The run fails (exit 1) when a test failed, when the guest's final
# "status=" marker is missing (panic, hang, timeout), when guest-main
# exited non-zero without a failed test, or when the kernel is unhealthy:
# a kernel log line matches dmesg-bad.ere, or the kernel is tainted with
# anything but O and E (unsigned out-of-tree module). Each of these counts
# as one more failed test (bad log and taint together as one). Top-level
# tests of the plan that never reported count as failed. The last line
# printed is always
#   N passed, N failed, N skipped
# Exit 2 means the run could not be set up (bad option, missing file).
#
# Caches (under build/vm, or $MEMPLUG_BUILD_DIR): the base initramfs,
# keyed by the content of everything in it, and the KVM verdict, keyed by
# the host's boot id (delete build/vm/accel to probe again).

set -euo pipefail

readonly PROG=${0##*/}
readonly VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$VM_DIR/../.." && pwd)
readonly BUILD=${MEMPLUG_BUILD_DIR:-$REPO/build/vm}
# printk.devkmsg=on: guest-lib.sh copies test progress into the kernel log
# through /dev/kmsg, which is otherwise rate limited.
readonly BASE_CMDLINE="console=ttyS0 panic=-1 oops=panic softlockup_panic=1 hung_task_panic=1 loglevel=7 printk.devkmsg=on"
# Host programs every guest gets (besides busybox). dash is /bin/sh:
# Debian's busybox-static shell runs its own applets before searching
# PATH, so under it "timeout" would be busybox's even with coreutils'
# installed.
readonly DEFAULT_BINS=(dash timeout stdbuf setpriv)
readonly LIBSTDBUF=/usr/libexec/coreutils/libstdbuf.so
# Taint bits O (4096) and E (8192) come with any unsigned external module.
readonly TAINT_IGNORE=12288
readonly TAINT_LETTERS=PFSRMBUDAWCIOELKXTN
# The first console line of a kernel crash: an Oops header ("Oops: int3:
# 0000 [#1] ..." on 6.12, "int3: 0000 [#1] ..." on 6.1), a BUG, or the
# panic itself (oops=panic turns every Oops into one).
readonly CRASH_ERE='\[#[0-9]+\]|BUG:|kernel BUG at|Kernel panic - not syncing'
# Console lines showing that a payload module was (being) loaded.
readonly MODULE_ERE='memplug-vm: loading payload module|loading out-of-tree module taints kernel|module verification failed|Modules linked in:.*\([A-Z]*[OE][A-Z]*\)'

opt_kernel=
opt_payload=
opt_out=
opt_mem=3G
opt_maxmem=
opt_smp=2
opt_pmem='1G!1G'
opt_append=
opt_qemu_args=
opt_modules=
opt_bins=
opt_timeout=600
opt_accel=${MEMPLUG_ACCEL:-}
opt_tcg_thread=${MEMPLUG_TCG_THREAD:-single}
opt_retry=1
opt_console=0

TMP=
QEMU_PID=
TAIL_PID=
# Where the kernel's parts are (parse_args sets them).
KROOT=
VMLINUZ=
MODDIR=

log() { echo "$PROG: $*" >&2; }
die() {
	log "error: $*"
	exit 2
}

usage() {
	sed -n '4,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	exit "${1:-0}"
}

cleanup() {
	local rc=$?

	# timeout(1) passes the TERM on to QEMU.
	if [[ -n $QEMU_PID ]]; then
		kill -TERM "$QEMU_PID" 2>/dev/null
		wait "$QEMU_PID" 2>/dev/null
	fi
	if [[ -n $TAIL_PID ]]; then
		kill "$TAIL_PID" 2>/dev/null
		wait "$TAIL_PID" 2>/dev/null
	fi
	[[ -n $TMP ]] && rm -rf "$TMP"
	return "$rc"
}

parse_args() {
	local need

	while (($#)); do
		case $1 in
		--kernel | --payload | --out | --mem | --maxmem | --smp | --pmem | --append | \
			--qemu-args | --modules | --bins | --timeout | --accel | --tcg-thread)
			(($# >= 2)) || die "$1 needs a value"
			need=${1#--}
			need=${need//-/_}
			printf -v "opt_$need" '%s' "$2"
			shift 2
			;;
		--*=*)
			set -- "${1%%=*}" "${1#*=}" "${@:2}"
			;;
		--console) opt_console=1; shift ;;
		--no-retry) opt_retry=0; shift ;;
		-h | --help) usage 0 ;;
		*) die "unknown argument '$1' (see --help)" ;;
		esac
	done

	[[ -n $opt_payload ]] || die "--payload DIR is required"
	[[ -d $opt_payload ]] || die "payload '$opt_payload' is not a directory"
	[[ -x $opt_payload/guest-main && -f $opt_payload/guest-main ]] ||
		die "payload '$opt_payload' has no executable guest-main"
	opt_payload=$(cd "$opt_payload" && pwd)
	case $opt_kernel in
	'' | 6.1 | 6.12 | 7)
		opt_kernel=$("$REPO/scripts/kernels.sh" "${opt_kernel:-6.1}") ||
			die "no ${opt_kernel:-6.1} kernel to boot (scripts/deps.sh kernels)"
		;;
	esac
	# The host's own kernels, or one unpacked into the cache (7.x).
	KROOT=$("$REPO/scripts/kernels.sh" where "$opt_kernel" root)
	VMLINUZ=$("$REPO/scripts/kernels.sh" where "$opt_kernel" boot)
	MODDIR=$("$REPO/scripts/kernels.sh" where "$opt_kernel" modules)
	[[ -r $VMLINUZ ]] || die "no readable $VMLINUZ"
	[[ -d $MODDIR ]] || die "no $MODDIR"
	[[ $opt_smp =~ ^[1-9][0-9]*$ ]] || die "--smp wants a positive number"
	[[ $opt_timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout wants seconds"
	[[ $opt_mem =~ ^[1-9][0-9]*[MGT]?$ ]] || die "--mem wants e.g. 3G"
	[[ -z $opt_maxmem || $opt_maxmem =~ ^[1-9][0-9]*[MGT]?$ ]] ||
		die "--maxmem wants e.g. 5G"
	if [[ $opt_pmem != none ]]; then
		# memmap=SIZE!START must lie inside guest RAM: a range past the
		# end is not backed and the guest crashes when it is used.
		local spec
		for spec in ${opt_pmem//,/ }; do
			[[ $spec =~ ^([0-9]+[KMG])!([0-9]+[KMG])$ ]] ||
				die "--pmem wants SIZE!START[,SIZE!START], e.g. 1G!1G, or none"
			pmem_backed "$(to_bytes "${BASH_REMATCH[2]}")" \
				"$(to_bytes "${BASH_REMATCH[1]}")" ||
				die "--pmem $spec is not inside the guest RAM of --mem $opt_mem"
		done
	fi
	case $opt_accel in
	'' | tcg | kvm) ;;
	*) die "accelerator must be tcg or kvm, not '$opt_accel'" ;;
	esac
	case $opt_tcg_thread in
	single | multi) ;;
	*) die "--tcg-thread must be single or multi, not '$opt_tcg_thread'" ;;
	esac
	local t
	for t in qemu-system-x86_64 busybox cpio depmod modprobe ldd sha256sum; do
		command -v "$t" >/dev/null || die "$t not found (scripts/deps.sh vm)"
	done
}

# to_bytes SIZE: 512K, 3G, 1536M, ... in bytes; plain numbers are MiB for
# QEMU's -m, so callers pass suffixed sizes where it matters.
to_bytes() {
	local n=${1%[KMGT]} unit=${1##*[0-9]}

	case $unit in
	K) echo $((n << 10)) ;;
	G) echo $((n << 30)) ;;
	T) echo $((n << 40)) ;;
	*) echo $((n << 20)) ;;
	esac
}

# pmem_backed START SIZE: whether guest RAM backs [START, START + SIZE).
# QEMU's pc machine keeps RAM below 3 GiB when it has 3.5 GiB or more and
# puts the rest from 4 GiB on.
pmem_backed() {
	local mem low high_end
	mem=$(to_bytes "$opt_mem")
	low=$mem
	((mem >= (7 << 29))) && low=$((3 << 30))
	high_end=$(((4 << 30) + mem - low))
	(($1 + $2 <= low)) && return 0
	(($1 >= (4 << 30) && $1 + $2 <= high_end))
}

# qemu_path PATH: PATH with commas doubled, for a QEMU option value.
qemu_path() {
	echo "${1//,/,,}"
}

# --- initramfs ---------------------------------------------------------

# elf_kind FILE: "dyn" for a dynamically linked ELF, "static", or "none".
elf_kind() {
	local magic

	magic=$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n')
	[[ $magic == 7f454c46 ]] || { echo none; return; }
	if ldd "$1" >/dev/null 2>&1; then echo dyn; else echo static; fi
}

# lib_closure FILE...: the shared libraries (and the dynamic loader) that
# FILE... need, transitively, one path per line.
lib_closure() {
	local -A seen=()
	local -a work=("$@")
	local f lib out

	while ((${#work[@]})); do
		f=${work[0]}
		work=("${work[@]:1}")
		out=$(ldd "$f" 2>/dev/null) || continue
		if grep -q 'not found' <<<"$out"; then
			log "error: $f: $(grep 'not found' <<<"$out" | head -n 3 | tr -s '\t\n' '  ')"
			return 1
		fi
		while read -r lib; do
			[[ -n $lib && -z ${seen[$lib]:-} ]] || continue
			seen[$lib]=1
			echo "$lib"
			work+=("$lib")
		done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3; next }
			$1 ~ /^\// { print $1 }' <<<"$out")
	done
}

# add_file ROOT SRC [DEST]: copy SRC's content (following symlinks) to
# ROOT/DEST (default: the same path as SRC). The guest has a merged /usr
# (/lib -> usr/lib, ...), so DEST is put under /usr: an archive entry for
# a real /lib directory would replace the symlink when the kernel unpacks
# the archive over the base one.
add_file() {
	local root=$1 src=$2 dest=${3:-$2}

	case $dest in
	/bin/* | /sbin/* | /lib/* | /lib64/*) dest=/usr$dest ;;
	esac
	mkdir -p "$root$(dirname "$dest")"
	cp -L --preserve=mode "$src" "$root$dest"
}

# base_manifest KVER: "DEST<TAB>SOURCE" lines for everything in the base
# initramfs that comes from a host file; sources prefixed with "xz:" or
# "zst:" are decompressed modules.
base_manifest() {
	local kver=$1 b path lib m line
	local -a bins=()

	echo "/usr/bin/busybox	$(command -v busybox)"
	for b in "${DEFAULT_BINS[@]}"; do
		path=$(command -v "$b") || die "$b not found (scripts/deps.sh vm)"
		path=$(readlink -f "$path")
		bins+=("$path")
		echo "/usr/bin/$b	$path"
	done
	if [[ -f $LIBSTDBUF ]]; then
		bins+=("$LIBSTDBUF")
		echo "$LIBSTDBUF	$LIBSTDBUF"
	fi
	while read -r lib; do
		echo "$lib	$lib"
	done < <(lib_closure "${bins[@]}")
	echo "/lib/memplug-vm/guest-lib.sh	$VM_DIR/guest-lib.sh"
	echo "/lib/memplug-vm/dmesg-bad.ere	$VM_DIR/dmesg-bad.ere"
	echo "/lib/memplug-vm/dmesg-ignore.ere	$VM_DIR/dmesg-ignore.ere"
	echo "/init	$VM_DIR/guest-init.sh"

	for m in $opt_modules; do
		# -C /dev/null: ignore install rules (ndctl ships one) and
		# blacklists, we want the plain dependency list.
		modprobe -C /dev/null -d "$KROOT" -S "$kver" --show-depends "$m" \
			>"$TMP/deps" 2>&1 ||
			die "module $m of $kver: $(tr '\n' ' ' <"$TMP/deps")"
		while read -r line; do
			[[ $line == insmod\ * ]] || continue
			path=${line#insmod }
			path=${path%% *}
			# Where it goes in the guest: /lib/modules/KVER/...
			guest=/lib/modules/$kver/${path#*/lib/modules/"$kver"/}
			case $path in
			*.ko.xz) echo "${guest%.xz}	xz:$path" ;;
			*.ko.zst) echo "${guest%.zst}	zst:$path" ;;
			*.ko.gz) echo "${guest%.gz}	gz:$path" ;;
			*) echo "$guest	$path" ;;
			esac
		done <"$TMP/deps"
	done
}

# compressor KVER: the command that compresses an initramfs KVER can
# unpack: zstd, else gzip -1.
compressor() {
	local cfg=$KROOT/boot/config-$1

	if command -v zstd >/dev/null && grep -qx 'CONFIG_RD_ZSTD=y' "$cfg" 2>/dev/null; then
		echo "zstd -q -3 -T0"
	else
		echo "gzip -1"
	fi
}

# pack ROOT OUT COMPRESSOR: write ROOT as a compressed newc cpio to OUT,
# padded to 512 bytes so archives can be concatenated.
pack() {
	local root=$1 out=$2 comp=$3 size

	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0) | $comp >"$out"
	size=$(stat -c %s "$out")
	if ((size % 512)); then
		head -c $((512 - size % 512)) /dev/zero >>"$out"
	fi
}

# build_base KVER: print the path of the cached base initramfs for KVER,
# building it if needed.
build_base() {
	local kver=$1 comp key cache root dest src line a

	comp=$(compressor "$kver")
	base_manifest "$kver" >"$TMP/manifest"
	key=$(
		{
			echo "kernel $kver"
			echo "compressor $comp"
			busybox --list-full | LC_ALL=C sort
			while IFS=$'\t' read -r dest src; do
				printf '%s %s\n' "$dest" \
					"$(sha256sum <"${src#*:}" | cut -d' ' -f1)"
			done <"$TMP/manifest"
		} | sha256sum | cut -c1-16
	)
	mkdir -p "$BUILD/initramfs"
	cache=$BUILD/initramfs/base-$kver-$key.cpio
	if [[ -s $cache ]]; then
		touch "$cache"
		echo "$cache"
		return
	fi

	log "building base initramfs for $kver"
	root=$TMP/base
	mkdir -p "$root"/{usr/bin,usr/sbin,usr/lib,usr/lib64,dev,proc,sys,tmp,run,root,etc/memplug-vm,mnt}
	ln -s usr/bin "$root/bin"
	ln -s usr/sbin "$root/sbin"
	ln -s usr/lib "$root/lib"
	ln -s usr/lib64 "$root/lib64"
	chmod 1777 "$root/tmp"
	chmod 0700 "$root/root"
	while IFS=$'\t' read -r dest src; do
		case $src in
		xz:*) mkdir -p "$root$(dirname "$dest")"; xz -dc "${src#xz:}" >"$root$dest" ;;
		zst:*) mkdir -p "$root$(dirname "$dest")"; zstd -qdc "${src#zst:}" >"$root$dest" ;;
		gz:*) mkdir -p "$root$(dirname "$dest")"; gzip -dc "${src#gz:}" >"$root$dest" ;;
		*) add_file "$root" "$src" "$dest" ;;
		esac
	done <"$TMP/manifest"
	chmod 0755 "$root/init"
	ln -s dash "$root/usr/bin/sh"
	# Applet links, except where a host program already is, and never
	# one named "busybox" (it would replace the binary itself).
	while read -r a; do
		[[ ${a##*/} == busybox ]] && continue
		[[ -e $root/$a || -L $root/$a ]] && continue
		mkdir -p "$root/$(dirname "$a")"
		ln -s /usr/bin/busybox "$root/$a"
	done < <(busybox --list-full)
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	if [[ -n $opt_modules ]]; then
		for a in modules.order modules.builtin modules.builtin.modinfo; do
			[[ -f $MODDIR/$a ]] &&
				cp "$MODDIR/$a" "$root/lib/modules/$kver/"
		done
		depmod -b "$root" "$kver"
	fi
	# The kernel's built-in initramfs has /dev/console already; add it
	# anyway where we may.
	mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

	pack "$root" "$cache.tmp.$$" "$comp"
	mv "$cache.tmp.$$" "$cache"
	# Keep the few most recently used base images.
	ls -t "$BUILD/initramfs"/base-*.cpio 2>/dev/null | tail -n +9 |
		xargs -r rm -f
	rm -rf "$root"
	echo "$cache"
}

# build_payload KVER BASE_MANIFEST: the per-run archive: the payload at
# /memplug, --bins, their libraries not in the base, and the run's nonce.
build_payload() {
	local kver=$1 out=$TMP/payload.cpio root=$TMP/payload b path f lib
	local -a elves=()
	local -A have=()

	mkdir -p "$root/memplug" "$root/etc/memplug-vm" "$root/usr/local/bin"
	cp -a "$opt_payload/." "$root/memplug/"
	echo "$NONCE" >"$root/etc/memplug-vm/nonce"
	for b in $opt_bins; do
		if [[ $b == */* ]]; then path=$b; else path=$(command -v "$b") || path=; fi
		[[ -n $path && -f $path && -x $path ]] || die "--bins: '$b' is not an executable"
		add_file "$root" "$path" "/usr/local/bin/${path##*/}"
	done
	while IFS= read -r -d '' f; do
		[[ $(elf_kind "$f") == dyn ]] && elves+=("$f")
	done < <(find "$root/memplug" "$root/usr/local/bin" -type f -print0)
	if ((${#elves[@]})); then
		while IFS=$'\t' read -r lib _; do have[$lib]=1; done <"$TMP/manifest"
		lib_closure "${elves[@]}" >"$TMP/payload-libs" ||
			die "payload programs miss shared libraries"
		while read -r lib; do
			[[ -n ${have[$lib]:-} ]] || add_file "$root" "$lib"
		done <"$TMP/payload-libs"
	fi
	pack "$root" "$out" "$(compressor "$kver")"
	echo "$out"
}

# --- acceleration ------------------------------------------------------

# kvm_probe KVER: boot a trivial initramfs with KVM for at most 20 s and
# see whether its init gets to run.
kvm_probe() {
	local kver=$1 root=$TMP/probe out=$TMP/probe.log

	mkdir -p "$root"/{usr/bin,dev,proc}
	ln -s usr/bin "$root/bin"
	cp -L "$(command -v busybox)" "$root/usr/bin/busybox"
	ln -s busybox "$root/usr/bin/sh"
	printf '#!/bin/sh\n/bin/busybox echo memplug-kvm-probe-ok\n/bin/busybox poweroff -f\n' \
		>"$root/init"
	chmod 755 "$root/init"
	pack "$root" "$TMP/probe.cpio" "gzip -1"
	timeout -s KILL 20 qemu-system-x86_64 -accel kvm -cpu host -m 512M -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$VMLINUZ" -initrd "$TMP/probe.cpio" \
		-append "console=ttyS0 panic=-1" \
		-chardev "file,id=con,path=$out" -serial chardev:con \
		>/dev/null 2>&1 </dev/null || true
	grep -q memplug-kvm-probe-ok "$out" 2>/dev/null
}

pick_accel() {
	local kver=$1 cache=$BUILD/accel boot_id id verdict

	if [[ -n $opt_accel ]]; then
		echo "$opt_accel"
		return
	fi
	boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
	if [[ -r $cache ]] && read -r id verdict <"$cache" &&
		[[ $id == "$boot_id" && $verdict =~ ^(tcg|kvm)$ ]]; then
		echo "$verdict"
		return
	fi
	verdict=tcg
	if [[ -r /dev/kvm && -w /dev/kvm ]]; then
		log "probing KVM (up to 20 s)"
		kvm_probe "$kver" && verdict=kvm
		log "KVM $([[ $verdict == kvm ]] && echo works || echo does not work), using $verdict"
	fi
	mkdir -p "$BUILD"
	echo "$boot_id $verdict" >"$cache.tmp.$$"
	mv "$cache.tmp.$$" "$cache"
	echo "$verdict"
}

# --- results -----------------------------------------------------------

taint_flags() {
	local v=$1 i=0 out=

	while ((v)); do
		((v & 1)) && out+=${TAINT_LETTERS:i:1}
		v=$((v >> 1))
		i=$((i + 1))
	done
	echo "$out"
}

patterns() {
	grep -v -e '^#' -e '^$' "$VM_DIR/$1"
}

# check_results OUT_DIR QEMU_RC [RETRY_REASON...]: split serial1.log, run
# the checks, print the summary (after a "# boot retry:" line for each
# RETRY_REASON).
check_results() {
	local out=$1 qemu_rc=$2 mark="#### memplug-vm $NONCE" status='' tainted='' bad
	local -a fails=() retries=("${@:3}")
	local r

	tr -d '\r' <"$out/serial1.log" >"$TMP/serial1"
	{
		for r in "${retries[@]}"; do
			echo "# boot retry: $r"
		done
		awk -v m="$mark" '
			index($0, m " ") == 1 { exit }
			{ print }' "$TMP/serial1"
	} >"$out/results.ktap"
	awk -v m="$mark" '
		$0 == m " dmesg-begin" { on = 1; next }
		$0 == m " dmesg-end" { exit }
		on { print }' "$TMP/serial1" >"$out/dmesg.txt"
	status=$(sed -n "s/^$mark status=\([0-9]*\)\$/\1/p" "$TMP/serial1" | tail -n 1)
	tainted=$(sed -n "s/^$mark tainted=\([0-9]*\)\$/\1/p" "$TMP/serial1" | tail -n 1)

	if [[ -z $status ]]; then
		if ((qemu_rc == 124 || qemu_rc == 137)); then
			fails+=("no status: QEMU killed after the ${opt_timeout}s timeout")
		elif bad=$(early_crash "$out" "$qemu_rc"); then
			fails+=("no status: $bad${retries[0]:+ (boot 2)}")
		elif bad=$(crash_desc "$out"); then
			fails+=("no status: kernel crash, $bad")
		else
			fails+=("no status: the guest crashed or stopped early (QEMU exit $qemu_rc)")
		fi
		log "the guest gave no status; last console lines:"
		tail -n 40 "$out/console.log" | tr -d '\r' | sed 's/^/  | /' >&2
		log "last results lines:"
		tail -n 10 "$out/results.ktap" | sed 's/^/  | /' >&2
		# Without the final dump, the console is the kernel log we have.
		tr -d '\r' <"$out/console.log" >"$out/dmesg.txt"
	elif ((status != 0)) &&
		"$VM_DIR/ktap-summary.sh" --quiet "$out/results.ktap" >/dev/null; then
		# A failing test explains a non-zero status; else it is one.
		fails+=("guest-main exited with status $status")
	fi
	if [[ -n $status ]] && ! grep -qx "$mark dmesg-end" "$TMP/serial1"; then
		fails+=("the kernel log dump is incomplete")
	fi

	# One more failure for an unhealthy kernel: bad log lines and/or
	# taint (a WARN gives both). Without a status the guest failed
	# already and the console lines are shown for diagnosis only.
	local health=()
	bad=$(grep -E -f <(patterns dmesg-bad.ere) "$out/dmesg.txt" |
		grep -v -E -f <(patterns dmesg-ignore.ere) || true)
	if [[ -n $bad ]]; then
		health+=("$(wc -l <<<"$bad") bad log lines")
		log "bad kernel log lines:"
		head -n 60 <<<"$bad" | sed 's/^/  | /' >&2
	fi
	if [[ -n $tainted ]] && ((tainted & ~TAINT_IGNORE)); then
		health+=("tainted $tainted ($(taint_flags "$tainted"))")
		log "kernel tainted $tainted ($(taint_flags "$tainted")); O and E are expected"
	fi
	if [[ -n $status ]] && ((${#health[@]})); then
		fails+=("kernel: ${health[0]}${health[1]:+, ${health[1]}}")
	fi

	# Keep the summary.txt and the stdout copy identical.
	set +e
	{
		for r in "${retries[@]}"; do
			echo "# boot retry: $r"
		done
		"$VM_DIR/ktap-summary.sh" "${fails[@]/#/--fail=}" "$out/results.ktap"
	} >"$out/summary.txt"
	local rc=$?
	set -e
	cat "$out/summary.txt"
	return "$rc"
}

# boot_qemu KVER ACCEL OUT_DIR BOOT: boot the VM once (BOOT counts from 1)
# and set BOOT_RC to QEMU's exit status.
boot_qemu() {
	local kver=$1 accel=$2 out_dir=$3 boot=$4 cmdline=$BASE_CMDLINE spec t0 t1
	local -a qemu

	if [[ $opt_pmem != none ]]; then
		for spec in ${opt_pmem//,/ }; do
			cmdline+=" memmap=$spec"
		done
	fi
	[[ -n $opt_append ]] && cmdline+=" $opt_append"
	# The guest reads this back as $VM_BOOT (guest-init.sh).
	((boot > 1)) && cmdline+=" memplug_vm_boot=$boot"
	qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none
		-no-reboot -m "$opt_mem${opt_maxmem:+,maxmem=$opt_maxmem}"
		-smp "$opt_smp")
	if [[ $accel == kvm ]]; then
		qemu+=(-accel kvm -cpu host)
	else
		# QEMU 7.2's multi-threaded TCG can run a stale translation of
		# code that another vCPU has just patched (fixed in QEMU 8.1),
		# which kills a kernel that flips a static key: see README.md.
		qemu+=(-accel "tcg,thread=$opt_tcg_thread" -cpu max)
	fi
	qemu+=(-kernel "$VMLINUZ" -initrd "$TMP/initrd"
		-append "$cmdline"
		-chardev "file,id=con,path=$(qemu_path "$out_dir/console.log")"
		-serial chardev:con
		-chardev "file,id=res,path=$(qemu_path "$out_dir/serial1.log")"
		-serial chardev:res)
	# shellcheck disable=SC2206
	[[ -n $opt_qemu_args ]] && qemu+=($opt_qemu_args)
	printf '%q ' "${qemu[@]}" | sed 's/ $/\n/' >"$out_dir/cmdline.txt"

	log "kernel $kver, $accel$([[ $accel == tcg ]] && echo " ($opt_tcg_thread-threaded)"), ${opt_mem} RAM, $opt_smp CPUs, boot $boot, results in $out_dir"
	t0=$EPOCHREALTIME
	timeout -k 5 "$opt_timeout" "${qemu[@]}" </dev/null >"$out_dir/qemu.log" 2>&1 &
	QEMU_PID=$!
	if ((opt_console)); then
		# The console, and the results port with "| " in front.
		(
			tail -n +1 -F --pid="$QEMU_PID" "$out_dir/console.log" &
			tail -n +1 -F --pid="$QEMU_PID" "$out_dir/serial1.log" |
				sed -u -e 's/\r$//' -e '/^#### memplug-vm .* dmesg-begin$/,/^#### memplug-vm .* dmesg-end$/d' -e 's/^/| /' &
			wait
		) 2>/dev/null &
		TAIL_PID=$!
	fi
	BOOT_RC=0
	wait "$QEMU_PID" || BOOT_RC=$?
	QEMU_PID=
	if [[ -n $TAIL_PID ]]; then
		wait "$TAIL_PID" 2>/dev/null || true
		TAIL_PID=
	fi
	t1=$EPOCHREALTIME
	log "QEMU exited with $BOOT_RC after $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
	[[ -s $out_dir/qemu.log ]] && sed 's/^/qemu: /' "$out_dir/qemu.log" >&2
	[[ -f $out_dir/serial1.log ]] || : >"$out_dir/serial1.log"
	[[ -f $out_dir/console.log ]] || : >"$out_dir/console.log"
	return 0
}

# crash_desc OUT_DIR: if the console in OUT_DIR shows a kernel crash,
# describe its first line in a few words ("at 2.6 s: Oops: int3: ...
# (RIP func+0x1d/0x50)"); the console, without CRs, is left in
# $TMP/console.boot.
crash_desc() {
	local con=$TMP/console.boot line when what rip

	tr -d '\r' <"$1/console.log" >"$con"
	line=$(grep -m 1 -E "$CRASH_ERE" "$con") || return 1
	when=$(sed -n 's/^\[ *\([0-9]*\.[0-9]\).*/\1/p' <<<"$line")
	what=${line#\[*\]}
	what=${what# }
	rip=$(grep -m 1 -E 'RIP: 0010:' "$con" | sed 's/.*RIP: 0010://') || true
	echo "${when:+at $when s: }$what${rip:+ (RIP $rip)}"
}

# early_crash OUT_DIR QEMU_RC: if the boot whose logs are in OUT_DIR ended
# in a kernel crash before the payload loaded any module of its own, print
# a one-line description of the crash and succeed. A hang (QEMU killed at
# --timeout) is no such crash. Evidence of a payload module, any of:
# guest-lib's "loading payload module" line, the kernel's first taint by
# an out-of-tree or unsigned module, or a module tagged O or E in an
# Oops's module list.
early_crash() {
	local out=$1 qemu_rc=$2 desc

	((qemu_rc != 124 && qemu_rc != 137)) || return 1
	grep -q "^#### memplug-vm $NONCE status=" <(tr -d '\r' <"$out/serial1.log") &&
		return 1
	desc=$(crash_desc "$out") || return 1
	grep -q -E "$MODULE_ERE" "$TMP/console.boot" && return 1
	echo "kernel crash before any payload module was loaded, $desc"
}

# keep_boot OUT_DIR BOOT: move a crashed boot's logs aside as bootN-*.
keep_boot() {
	local f

	for f in console.log serial1.log qemu.log cmdline.txt; do
		[[ -f $1/$f ]] && mv -f "$1/$f" "$1/boot$2-$f"
	done
	return 0
}

main() {
	local kver accel base payload out_dir boot=1 reason
	local -a retries=()

	parse_args "$@"
	kver=$opt_kernel
	mkdir -p "$BUILD"
	TMP=$(mktemp -d "$BUILD/tmp.XXXXXX")
	trap cleanup EXIT
	trap 'log "interrupted"; exit 130' INT TERM
	NONCE=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')

	if [[ -n $opt_out ]]; then
		out_dir=$opt_out
	else
		out_dir=$BUILD/runs/$kver-$(date +%Y%m%d-%H%M%S)-$$
	fi
	mkdir -p "$out_dir"
	out_dir=$(cd "$out_dir" && pwd)
	rm -f "$out_dir"/{console.log,serial1.log,results.ktap,dmesg.txt,qemu.log,cmdline.txt,summary.txt} \
		"$out_dir"/boot[0-9]-*

	accel=$(pick_accel "$kver")
	base=$(build_base "$kver")
	payload=$(build_payload "$kver")
	cat "$base" "$payload" >"$TMP/initrd"

	while :; do
		boot_qemu "$kver" "$accel" "$out_dir" "$boot"
		reason=$(early_crash "$out_dir" "$BOOT_RC") || break
		if ((boot > 1 || !opt_retry)); then
			log "boot $boot: $reason; not booting again"
			break
		fi
		log "boot retry: boot $boot: $reason; booting again"
		retries+=("boot $boot: $reason")
		keep_boot "$out_dir" "$boot"
		boot=$((boot + 1))
	done

	check_results "$out_dir" "$BOOT_RC" "${retries[@]}"
}

main "$@"
