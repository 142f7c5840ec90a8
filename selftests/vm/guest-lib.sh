# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# guest-lib.sh - helpers for payloads running inside the memplug test VM.
#
# run-vm.sh puts this file at /lib/memplug-vm/guest-lib.sh and exports
# VM_LIB=/lib/memplug-vm/guest-lib.sh, so a payload's guest-main does:
#
#	#!/bin/sh
#	. "$VM_LIB"
#	vm_insmod_payload memplug
#	vm_run_tests -t 120 /memplug/tests/hotplug_test /memplug/tests/smoke.sh
#
# The shell is dash (/bin/sh); busybox provides most other commands.
# Everything guest-main prints goes to the results port (ttyS1) and is
# parsed on the host as KTAP. vm_run_test also copies its "running" and
# result lines into the kernel log (/dev/kmsg), so the console shows which
# test the kernel's own messages belong to.
#
# Functions:
#   vm_run_tests [-t SECS] TEST...
#	Print a KTAP header and plan, then vm_run_test each TEST.
#	Returns 1 if any test failed, else 0.
#   vm_ktap_header N
#	Print "KTAP version 1" and the plan "1..N" (for callers that use
#	vm_run_test directly).
#   vm_run_test [-t SECS] [-n NAME] CMD [ARG...]
#	Run one test executable under coreutils timeout (default
#	$VM_TEST_TIMEOUT, 300 s) with stdin from /dev/null. Its output
#	(stdout and stderr) is passed through indented by two spaces, so its
#	own KTAP/kselftest lines become subtests. Then one top-level line:
#	  ok N NAME                exit 0
#	  ok N NAME # SKIP reason  exit 4 (KSFT_SKIP)
#	  not ok N NAME # TIMEOUT  timed out
#	  not ok N NAME            any other exit status
#	A test whose run added bad kernel log lines (dmesg-bad.ere) or new
#	taint flags (other than O and E) is "not ok" whatever it returned,
#	and the offending lines are printed as "# dmesg: ..." diagnostics.
#	Returns 0 for ok/skip, 1 for not ok.
#   vm_log MSG...           print a KTAP diagnostic line "# MSG"
#   vm_kmsg MSG...          write "memplug-vm: MSG" into the kernel log
#   vm_flush                wait until the results port has sent all
#                           output (so it survives a crash right after)
#   vm_dmesg_new            print kernel log lines not yet seen, and keep
#                           them for the final dump (uses dmesg -c)
#   vm_dmesg_all            print the whole kernel log of this boot
#   vm_dmesg_bad            filter stdin down to bad kernel log lines
#   vm_taint                print /proc/sys/kernel/tainted
#   vm_taint_unexpected V   print V without the O and E bits
#   vm_taint_flags V        print the letters of the taint bits in V
#   vm_modprobe NAME [PARAM...]      load a stock module (see --modules)
#   vm_insmod_payload NAME [PARAM...] load /memplug/modules/NAME.ko, after
#                           writing "memplug-vm: loading payload module
#                           NAME" into the kernel log: run-vm.sh boots
#                           again after a kernel crash only if no such
#                           line (nor another sign of an out-of-tree
#                           module) came before it
#
# Note: vm_dmesg_new clears the kernel ring buffer (what it read is kept
# in $VM_STATE/dmesg.log), so a test that wants its own kernel messages
# should read dmesg itself; lines from before the test are gone from
# `dmesg` but are in vm_dmesg_all.

VM_LIB_DIR=${VM_LIB_DIR:-/lib/memplug-vm}
VM_STATE=${VM_STATE:-/run/memplug-vm}
VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-300}
# TAINT_OOT_MODULE (O, 4096) | TAINT_UNSIGNED_MODULE (E, 8192): set by
# any out-of-tree module that is not signed with Debian's key.
VM_TAINT_IGNORE=12288
# Bit order of the kernel's taint flags (kernel/panic.c taint_flags).
VM_TAINT_LETTERS=PFSRMBUDAWCIOELKXTN

_vm_test_num=0

mkdir -p "$VM_STATE"

vm_log() {
	echo "# $*"
}

vm_kmsg() {
	echo "memplug-vm: $*" >/dev/kmsg 2>/dev/null || true
}

# The UART sends in the background; output still queued when the kernel
# panics is lost. Setting the line mode (busybox stty: TCSADRAIN) waits
# for the queue to drain.
vm_flush() {
	[ -n "${VM_RESULTS_TTY:-}" ] &&
		stty -F "$VM_RESULTS_TTY" raw -echo 2>/dev/null
	true
}

# Patterns without comment lines: a comment or empty line given to
# grep -f would match far too much.
_vm_patterns() {
	if [ ! -s "$VM_STATE/$1" ]; then
		grep -v -e '^#' -e '^$' "$VM_LIB_DIR/$1" >"$VM_STATE/$1"
	fi
	echo "$VM_STATE/$1"
}

vm_dmesg_new() {
	dmesg -c | tee -a "$VM_STATE/dmesg.log"
}

vm_dmesg_all() {
	cat "$VM_STATE/dmesg.log" 2>/dev/null
	dmesg
}

vm_dmesg_bad() {
	grep -E -f "$(_vm_patterns dmesg-bad.ere)" |
		grep -v -E -f "$(_vm_patterns dmesg-ignore.ere)"
}

vm_taint() {
	cat /proc/sys/kernel/tainted
}

vm_taint_unexpected() {
	echo $(($1 & ~VM_TAINT_IGNORE))
}

vm_taint_flags() {
	_v=$1
	_i=0
	_out=
	while [ "$_v" -ne 0 ]; do
		if [ $((_v & 1)) -eq 1 ]; then
			_l=$(echo "$VM_TAINT_LETTERS" | cut -c $((_i + 1)))
			_out="$_out${_l:-?($_i)}"
		fi
		_v=$((_v >> 1))
		_i=$((_i + 1))
	done
	echo "$_out"
}

vm_modprobe() {
	modprobe "$@"
}

vm_insmod_payload() {
	_name=$1
	shift
	vm_kmsg "loading payload module $_name"
	insmod "/memplug/modules/$_name.ko" "$@"
}

vm_ktap_header() {
	echo "KTAP version 1"
	echo "1..$1"
}

# Indent every line by two spaces and keep a copy in $1. Line by line so
# that a test's output is out before a crash, not stuck in a buffer.
_vm_indent() {
	while IFS= read -r _line || [ -n "$_line" ]; do
		printf '  %s\n' "$_line"
		printf '%s\n' "$_line" >>"$1"
	done
}

vm_run_test() {
	_t=$VM_TEST_TIMEOUT
	_name=
	while [ $# -gt 0 ]; do
		case $1 in
		-t) _t=$2; shift 2 ;;
		-n) _name=$2; shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	[ $# -gt 0 ] || { echo "vm_run_test: no command" >&2; return 2; }
	[ -n "$_name" ] || _name=${1##*/}
	_vm_test_num=$((_vm_test_num + 1))
	_out=$VM_STATE/test-$_vm_test_num.out
	: >"$_out"

	# Messages from before this test are not its fault; run-vm.sh still
	# sees them in the final dump.
	vm_dmesg_new >/dev/null
	_taint0=$(vm_taint)
	vm_kmsg "running $_vm_test_num $_name"

	# stdbuf makes dynamically linked C tests line-buffer into the pipe.
	_buf=
	command -v stdbuf >/dev/null 2>&1 && _buf="stdbuf -oL -eL"
	{
		# shellcheck disable=SC2086
		timeout -k 10 "$_t" $_buf "$@" </dev/null 2>&1
		echo $? >"$VM_STATE/rc"
	} | _vm_indent "$_out"
	_rc=$(cat "$VM_STATE/rc")

	_res=ok
	_dir=
	case $_rc in
	0) ;;
	4)
		_why=$(grep -i '# *skip' "$_out" | tail -n 1 |
			sed 's/.*# *[Ss][Kk][Ii][Pp][: ]*//')
		_dir=" # SKIP${_why:+ $_why}"
		;;
	124 | 137)
		_res="not ok"
		_dir=" # TIMEOUT ${_t}s"
		;;
	*)
		_res="not ok"
		vm_log "$_name: exit status $_rc"
		;;
	esac

	_bad=$(vm_dmesg_new | vm_dmesg_bad)
	if [ -n "$_bad" ]; then
		_res="not ok"
		_dir=
		vm_log "$_name: bad kernel log lines during this test:"
		echo "$_bad" | sed 's/^/# dmesg: /'
	fi
	_taint1=$(vm_taint)
	_new=$(vm_taint_unexpected $((_taint1 & ~_taint0)))
	if [ "$_new" -ne 0 ]; then
		_res="not ok"
		_dir=
		vm_log "$_name: new taint $_new ($(vm_taint_flags "$_new")), now $_taint1"
	fi

	echo "$_res $_vm_test_num $_name$_dir"
	vm_kmsg "$_res $_vm_test_num $_name$_dir"
	vm_flush
	[ "$_res" = ok ]
}

vm_run_tests() {
	_t=$VM_TEST_TIMEOUT
	if [ "${1:-}" = -t ]; then
		_t=$2
		shift 2
	fi
	_fails=0
	vm_ktap_header $#
	for _test in "$@"; do
		vm_run_test -t "$_t" "$_test" || _fails=$((_fails + 1))
	done
	[ "$_fails" -eq 0 ]
}
