#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktap-summary.sh - count the leaf tests of KTAP results.
#
# Usage:
#   ktap-summary.sh [--fail REASON]... [--quiet] FILE...
#	Parse each FILE as one KTAP document (as written by guest-lib.sh's
#	vm_run_tests) and print "# FAIL: ..." for every failed test, then
#	exactly one final line:
#		N passed, N failed, N skipped
#	Every --fail REASON counts as one more failed test (run-vm.sh uses
#	it for a missing status marker, a bad kernel log or taint).
#   ktap-summary.sh --sum FILE...
#	Add up "N passed, N failed, N skipped" lines (the last one of each
#	FILE, e.g. the summary.txt of several run-vm.sh runs, or the log of
#	one run: --sum of one FILE is its last counts line). A file without
#	one is a usage error (exit status 2). "-" reads standard input.
#   ktap-summary.sh --counts PASSED FAILED SKIPPED
#	Print the line for these counts (exit status 0).
#
# This script is the one place that writes the counts line and the one
# place that reads it: everything else that reports counts (run-vm.sh,
# scripts/check.sh, .ci/run, the Makefile's fuzz and stress targets)
# calls it, so the format is defined here only.
#
# Counting rules:
#   - A result line is "ok ..." or "not ok ..." after any number of
#     spaces; more spaces mean a deeper subtest. "# ..." lines and
#     anything else are diagnostics.
#   - Only leaves are counted: a result with subtests stands for them.
#     A test binary without subtests counts as one test.
#   - A parent that is "not ok" although none of its subtests failed
#     (timeout, crash, bad kernel log after the test) adds one failure.
#   - "# SKIP" (also on "not ok", and with no test name, as the harness
#     prints it) is skipped; "# TODO" and "# XFAIL" count as passed; any
#     other directive (e.g. "# TIMEOUT") leaves "not ok" failed.
#   - Top-level results missing from the top-level plan "1..N" count as
#     failed; so does a top-level "Bail out!".
#
# Exit status: 0 when nothing failed, 1 otherwise, 2 on usage errors.

set -euo pipefail

usage() {
	echo "usage: ${0##*/} [--fail REASON]... [--quiet] FILE..." >&2
	echo "       ${0##*/} --sum FILE..." >&2
	echo "       ${0##*/} --counts PASSED FAILED SKIPPED" >&2
	exit 2
}

# The counts line: its format is defined here and nowhere else.
readonly COUNTS_RE='^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'
counts_line() {
	echo "$1 passed, $2 failed, $3 skipped"
}

sum_mode() {
	local f line p=0 x=0 s=0

	for f in "$@"; do
		[[ $f != - ]] || f=/dev/stdin
		line=$(grep -E "$COUNTS_RE" "$f" | tail -n 1) || true
		[[ $line =~ $COUNTS_RE ]] ||
			{ echo "${0##*/}: no summary line in $f" >&2; return 2; }
		p=$((p + BASH_REMATCH[1]))
		x=$((x + BASH_REMATCH[2]))
		s=$((s + ${BASH_REMATCH[4]:-0}))
	done
	counts_line "$p" "$x" "$s"
	((x == 0))
}

main() {
	local -a fails=() files=()
	local quiet=0 sum=0 f res

	while (($#)); do
		case $1 in
		--fail)
			(($# >= 2)) || usage
			fails+=("$2")
			shift 2
			;;
		--fail=*)
			fails+=("${1#--fail=}")
			shift
			;;
		--quiet) quiet=1; shift ;;
		--sum) sum=1; shift ;;
		--counts)
			(($# == 4)) || usage
			[[ "$2 $3 $4" =~ ^[0-9]+\ [0-9]+\ [0-9]+$ ]] || usage
			counts_line "$2" "$3" "$4"
			return
			;;
		--) shift; files+=("$@"); break ;;
		-) files+=("$1"); shift ;;
		-*) usage ;;
		*) files+=("$1"); shift ;;
		esac
	done
	((${#files[@]})) || usage
	if ((sum)); then
		sum_mode "${files[@]}"
		return
	fi
	for f in "${files[@]}"; do
		[[ -r $f ]] || { echo "${0##*/}: cannot read $f" >&2; exit 2; }
	done

	# awk names the failures and ends with "PASSED FAILED SKIPPED".
	res=$(printf '%s\n' "${fails[@]+"${fails[@]}"}" |
		awk -v quiet="$quiet" '
		# Per-depth state, indexed by indentation (a number of spaces):
		#   below[d]  a deeper result came since the last result at <= d
		#   bfail[d]  failures counted among those deeper results
		#   pend[d]   names of failures at depth d not yet claimed by a
		#             parent line (which comes after its subtests)
		function reset_from(d,    e) {
			for (e = d; e <= maxd; e++) {
				below[e] = 0
				bfail[e] = 0
			}
		}
		function report(name) {
			if (!quiet)
				print "# FAIL: " name
		}
		function report_list(list,    n, k, a) {
			n = split(list, a, "\n")
			for (k = 1; k <= n; k++)
				if (a[k] != "")
					report(a[k])
		}
		function file_end(    e) {
			if (FILENAME_prev == "")
				return
			# Subtests whose parent line never came (crash): their
			# counts stand; name their failures.
			for (e = 0; e <= maxd; e++) {
				report_list(pend[e])
				pend[e] = ""
			}
			if (plan >= 0 && top < plan) {
				failed += plan - top
				report(FILENAME_prev ": " plan - top \
				       " planned top-level tests did not report")
			}
			if (bail) {
				failed++
				report(FILENAME_prev ": Bail out!")
			}
		}
		BEGIN { passed = failed = skipped = 0 }
		# First input: the extra failure reasons, one per line.
		NR == FNR && FILENAME == "-" {
			if ($0 != "") {
				failed++
				report("vm: " $0)
			}
			next
		}
		FNR == 1 {
			file_end()
			FILENAME_prev = FILENAME
			plan = -1; top = 0; bail = 0; maxd = 0
			below[0] = 0; bfail[0] = 0; pend[0] = ""
		}
		{ sub(/\r$/, "") }
		/^1\.\.[0-9]+/ && plan < 0 {
			plan = substr($0, 4) + 0
			next
		}
		/^Bail out!/ { bail = 1; next }
		/^ *(not )?ok([ \t]|$)/ {
			line = $0
			match(line, /^ */)
			d = RLENGTH
			if (d > maxd) {
				for (e = maxd + 1; e <= d; e++) {
					below[e] = 0; bfail[e] = 0; pend[e] = ""
				}
				maxd = d
			}
			sub(/^ */, "", line)
			notok = (line ~ /^not ok/)
			sub(/^(not )?ok[ \t]*/, "", line)
			sub(/^[0-9]+[ \t]*/, "", line)
			name = line
			dir = ""
			if (i = index(line, "#")) {
				name = substr(line, 1, i - 1)
				dir = toupper(substr(line, i + 1))
				sub(/^[ \t]+/, "", dir)
			}
			sub(/^[ \t-]+/, "", name)
			sub(/[ \t]+$/, "", name)
			if (name == "")
				name = "(unnamed)"
			if (dir ~ /^SKIP/)
				st = "skip"
			else if (dir ~ /^(TODO|XFAIL)/ || !notok)
				st = "pass"
			else
				st = "fail"

			own = 0
			names = ""
			if (below[d]) {
				# A parent: its subtests were counted already.
				nfail = bfail[d]
				for (e = d + 1; e <= maxd; e++) {
					if (pend[e] != "")
						names = names (names == "" ? "" : "\n") pend[e]
					pend[e] = ""
				}
				if (names != "") {
					gsub(/\n/, "\n" name ": ", names)
					names = name ": " names
				}
				if (st == "fail" && !nfail) {
					failed++
					own = 1
					names = name
				}
			} else if (st == "pass") {
				passed++
			} else if (st == "skip") {
				skipped++
			} else {
				failed++
				own = 1
				names = name
			}
			reset_from(d)
			for (e = 0; e < d; e++) {
				below[e] = 1
				bfail[e] += own
			}
			if (d == 0) {
				top++
				report_list(names)
			} else if (names != "") {
				pend[d] = pend[d] (pend[d] == "" ? "" : "\n") names
			}
			next
		}
		END {
			file_end()
			printf "%d %d %d\n", passed, failed, skipped
		}' - "${files[@]}")
	[[ $res == *$'\n'* ]] && printf '%s\n' "${res%$'\n'*}"
	set -- ${res##*$'\n'}
	counts_line "$1" "$2" "$3"
	(($2 == 0))
}

main "$@"
