#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that include/uapi/linux/memplug.yaml and memplug.h describe the
same protocol: the same attribute sets with the same attributes in the same
order (so the same numbers), the same enums and the same commands.

Prints one KTAP line per check and exits non-zero on any mismatch.
"""
import re
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
HDR = (TOP / "include/uapi/linux/memplug.h").read_text()
SPEC = (TOP / "include/uapi/linux/memplug.yaml").read_text()


def c_name(name):
    return name.upper().replace("-", "_")


def header_enum(prefix, first):
    """Names of an enum's members after `first`, up to the private part."""
    m = re.search(r"\t%s,\n(.*?)\n\n\t/\* private" % re.escape(first), HDR,
                  re.S)
    if not m:
        return None
    return re.findall(r"^\t%s(\w+)(?: = \d+)?," % re.escape(prefix),
                      m.group(1), re.M)


def spec_section(key):
    m = re.search(r"^%s:\n(.*?)(?=^\S|\Z)" % key, SPEC, re.S | re.M)
    return m.group(1) if m else ""


def spec_attr_sets():
    sets = {}
    for block in re.split(r"^  - name: ", spec_section("attribute-sets"),
                          flags=re.M)[1:]:
        name = block.split("\n", 1)[0].strip()
        sets[name] = re.findall(r"^      - name: (\S+)", block, re.M)
    return sets


def spec_enums():
    enums = {}
    for block in re.split(r"^  - type: ", spec_section("definitions"),
                          flags=re.M)[1:]:
        if not block.startswith("enum"):
            continue
        name = re.search(r"name: (\S+)", block).group(1)
        flow = re.search(r"entries: \[(.*?)\]", block)
        if flow:
            entries = [e.strip() for e in flow.group(1).split(",")]
        else:
            entries = re.findall(r"^      - (?:name: )?(\S+)", block, re.M)
        enums[name] = entries
    return enums


def main():
    checks = []
    for name, attrs in spec_attr_sets().items():
        prefix = "MEMPLUG_A_%s_" % c_name(name)
        got = header_enum(prefix, prefix + "UNSPEC")
        checks.append(("attribute set %s" % name,
                       got == [c_name(a) for a in attrs], got, attrs))
    for name, entries in spec_enums().items():
        prefix = "MEMPLUG_%s_" % c_name(name)
        if name == "event-action":
            prefix = "MEMPLUG_EVENT_"
        first = prefix + c_name(entries[0]) + " = 1"
        got = header_enum(prefix, first)
        want = [c_name(e) for e in entries[1:]]
        checks.append(("enum %s" % name, got == want, got, want))
    ops = re.findall(r"^    - name: (\S+)", spec_section("operations"), re.M)
    got = header_enum("MEMPLUG_CMD_", "MEMPLUG_CMD_UNSPEC")
    checks.append(("commands", got == [c_name(o) for o in ops], got, ops))

    print("KTAP version 1")
    print("1..%d" % len(checks))
    failed = 0
    for i, (what, ok, got, want) in enumerate(checks, 1):
        print("%s %d uapi: %s" % ("ok" if ok else "not ok", i, what))
        if not ok:
            failed += 1
            print("# header: %s" % got)
            print("# spec:   %s" % want)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
