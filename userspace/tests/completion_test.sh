#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# completion_test.sh SCRIPT: sources the bash completion SCRIPT and checks
# what it offers for subcommands, options, option values and range ids,
# the ids from a stub memplugctl that prints a canned list --json.

set -u

script=$1
failed=0
stub=$(mktemp -d)
trap 'rm -rf "$stub"' EXIT

cat >"$stub/memplugctl" <<'STUB'
#!/bin/sh
[ "$1 $2" = "list --json" ] || exit 2
echo '{"ranges":[{"id":3,"start":"0x40000000","size":1073741824,"name":"a \"id\":9","excludes":[],"group_id":7},{"id":12,"start":"0x80000000","size":268435456,"name":"","excludes":[{"start":"0x80000000","size":4096}],"group_id":null}]}'
STUB
chmod +x "$stub/memplugctl"
PATH=$stub:$PATH

# shellcheck source=/dev/null
source "$script" || { echo "not ok: cannot source $script"; exit 1; }

# expect "WORDS" REPLY...: completing the last of WORDS offers exactly REPLY.
expect() {
	local line=$1
	shift
	read -r -a COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_memplugctl memplugctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	local got want
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
	want=$(printf '%s\n' "$@" | sort)
	if [[ $got == "$want" ]]; then
		echo "ok: '$line'"
	else
		echo "not ok: '$line': got [${COMPREPLY[*]}], want [$*]"
		failed=1
	fi
}

expect "memplugctl pl" plug
expect "memplugctl un" unplug unprotect
expect "memplugctl st" status
expect "memplugctl --v" --version
expect "memplugctl plug --st" --start --strict-ratio
expect "memplugctl plug --online " none online kernel movable
expect "memplugctl plug --online m" movable
expect "memplugctl plug --zone " movable kernel any
expect "memplugctl plug --tier " auto dram slow
expect "memplugctl plug --start " ""
expect "memplugctl online 3 --zone " movable kernel
expect "memplugctl unplug --t" --timeout
expect "memplugctl monitor --ra" --range
expect "memplugctl list --" --json --help
# Range ids from list --json: not the one inside a name, nor group_id.
expect "memplugctl unplug " 3 12
expect "memplugctl blocks 1" 12
expect "memplugctl cancel " 3 12
expect "memplugctl protect " 3 12
expect "memplugctl offline " 3 12
expect "memplugctl monitor --range " 3 12
expect "memplugctl unplug --timeout 5 " 3 12
# One id only; no ids where none is taken.
expect "memplugctl unplug 3 " ""
expect "memplugctl plug " ""
expect "memplugctl status " ""

exit $failed
