#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""gen-proto.py - everything the memplug protocol is written into, from its
one source, include/uapi/linux/memplug.yaml (a YNL spec, protocol
genetlink-legacy).

Usage:
  scripts/gen-proto.py           write every generated file that changed
  scripts/gen-proto.py --check   regenerate into a temporary directory,
                                 compare with the files in the tree and
                                 validate the spec against the kernel's
                                 schema; KTAP on stdout, exit 1 on any
                                 difference

Generated files (OUTPUTS below):
  include/uapi/linux/memplug.h              the UAPI header
  kmod/memplug_nl.h, kmod/memplug_nl.c      the module's netlink tables
  userspace/include/memplug/proto.gen.hpp   the spec for C++ (no libnl)
  userspace/src/nl_policy.gen.hpp           libnl policies of the controller
  selftests/lib/mp_proto.gen.h, .c          the spec for the C selftests

The schema is Documentation/netlink/genetlink-legacy.yaml of Debian's
linux-source-6.12 tarball, extracted once into build/proto/. Only Debian's
python3-yaml (and python3-jsonschema, for the schema) are needed.

The spec may use the part of YNL memplug needs: const and enum definitions,
attributes of type unused, pad, flag, u8, u16, u32, u64, s32, string and
nest, checks min, max and max-len, operations with do, dump and event, and
multicast groups. Anything else is refused with a message, rather than
silently rendered wrong.
"""
import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

TOP = Path(__file__).resolve().parent.parent
SPEC = TOP / "include/uapi/linux/memplug.yaml"
SCHEMA_TAR = Path("/usr/src/linux-source-6.12.tar.xz")
SCHEMA_MEMBER = "linux-source-6.12/Documentation/netlink/genetlink-legacy.yaml"
SCHEMA_CACHE = Path(os.environ.get("BUILD", TOP / "build")) / "proto"

NOTICE = "Generated from memplug.yaml by scripts/gen-proto.py; do not edit."
WIDTH = 80
FILL = 79  # prose is filled a column short of the limit

SCALARS = ("u8", "u16", "u32", "u64", "s32")
TYPES = ("unused", "pad", "flag", "string", "nest") + SCALARS


class SpecError(Exception):
    pass


def c_upper(name):
    return name.upper().replace("-", "_")


def c_lower(name):
    return name.lower().replace("-", "_")


# ---- text layout ---------------------------------------------------------


def cols(text):
    """The column after @text, tabs every 8 columns."""
    c = 0
    for ch in text:
        c = (c // 8 + 1) * 8 if ch == "\t" else c + 1
    return c


def tab_to(text, col):
    """@text, then tabs up to @col (a multiple of 8), or one space when
    @text already reaches it."""
    c = cols(text)
    if c >= col:
        return text + " "
    while c < col:
        text += "\t"
        c = (c // 8 + 1) * 8
    return text


def indent_to(col):
    return "\t" * (col // 8) + " " * (col % 8)


def fill(text, first, cont, width=WIDTH):
    """Greedy word wrap: @first, then the words of @text; every further
    line starts with @cont."""
    lines = []
    cur, fresh = first, True
    for word in text.split():
        if fresh:
            cand = cur + (" " if cur and not cur.endswith(("\t", " ")) else "") + word
        else:
            cand = cur + " " + word
        if not fresh and cols(cand) > width:
            lines.append(cur)
            cur = cont + word
        else:
            cur = cand
        fresh = False
    lines.append(cur)
    return lines


def split_args(text):
    """The comma-separated arguments of a C call, nesting respected."""
    args, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    args.append(cur.strip())
    return args


def wrap_call(prefix, call, suffix, width=WIDTH):
    """prefix + call + suffix, the arguments of @call wrapped under its
    opening parenthesis when that is longer than @width."""
    line = prefix + call + suffix
    if cols(line) <= width:
        return [line]
    paren = call.index("(")
    head = prefix + call[:paren + 1]
    args = split_args(call[paren + 1:-1])
    cont = indent_to(cols(head))
    lines, cur, fresh = [], head, True
    for i, arg in enumerate(args):
        piece = arg + ("," if i < len(args) - 1 else ")" + suffix)
        cand = cur + ("" if fresh else " ") + piece
        if not fresh and cols(cand) > width:
            lines.append(cur)
            cur = cont + piece
        else:
            cur = cand
        fresh = False
    lines.append(cur)
    return lines


def c_comment(text, indent="", width=WIDTH):
    """@text as a C comment on lines of its own."""
    one = f"{indent}/* {' '.join(text.split())} */"
    if cols(one) <= width:
        return [one]
    return ([f"{indent}/*"] + fill(text, f"{indent} *", f"{indent} * ", width) +
            [f"{indent} */"])


def c_block(*paras):
    """A block comment of filled paragraphs."""
    out = ["/*"]
    for i, p in enumerate(paras):
        if i:
            out.append(" *")
        out += fill(p, " *", " * ", FILL)
    return out + [" */"]


def doc_lines(doc, prefix, width=WIDTH):
    """The lines of a literal-block doc, each behind @prefix; a line too
    long for @width is wrapped, its indentation kept."""
    out = []
    for raw in doc.rstrip("\n").split("\n"):
        raw = raw.rstrip()
        if not raw:
            out.append("")
            continue
        lead = raw[:len(raw) - len(raw.lstrip())]
        if cols(prefix + raw) <= width:
            out.append(raw)
        else:
            out += [l[len(prefix):] for l in
                    fill(raw.strip(), prefix + lead, prefix + lead, FILL)]
    return out


# ---- the spec ------------------------------------------------------------


class Enum:
    def __init__(self, fam, y):
        self.fam, self.y = fam, y
        self.name = y["name"]
        self.doc = y.get("doc")
        if "enum-name" in y:
            self.c_name = c_lower(y["enum-name"]) if y["enum-name"] else None
        else:
            self.c_name = c_lower(f"{fam.name}-{self.name}")
        self.prefix = c_upper(y.get("name-prefix", f"{fam.name}-{self.name}-"))
        self.render_max = y.get("render-max", False)
        self.max_name = self.prefix + "MAX"
        self.cnt_name = "__" + self.prefix + "MAX"
        self.entries = []
        val = y.get("value-start", 0)
        if not isinstance(val, int):
            raise SpecError(f"enum {self.name}: value-start must be a number")
        for e in y.get("entries", []):
            if isinstance(e, str):
                e = {"name": e}
            val = e.get("value", val)
            self.entries.append((e["name"], self.prefix + c_upper(e["name"]),
                                 val, e.get("doc")))
            val += 1
        if not self.entries:
            raise SpecError(f"enum {self.name} has no entries")
        values = [v for _, _, v, _ in self.entries]
        if len(set(values)) != len(values):
            raise SpecError(f"enum {self.name}: two entries have one value")
        self.low, self.high = min(values), max(values)

    def low_name(self):
        return next(c for _, c, v, _ in self.entries if v == self.low)

    def high_name(self):
        if self.render_max:
            return self.max_name
        return next(c for _, c, v, _ in self.entries if v == self.high)


class Attr:
    def __init__(self, aset, y, value):
        self.set, self.y, self.value = aset, y, value
        self.name = y["name"]
        self.type = y.get("type")
        self.doc = y.get("doc")
        if "name-prefix" in y:
            self.c_name = c_upper(y["name-prefix"] + self.name)
        else:
            self.c_name = aset.prefix + c_upper(self.name)
        self.ident = c_lower(self.name)
        self.multi = y.get("multi-attr", False)
        self.enum = y.get("enum")
        self.nested = y.get("nested-attributes")
        self.checks = y.get("checks", {})
        for key in ("byte-order", "enum-as-flags", "struct", "sub-type",
                    "type-value", "display-hint"):
            if key in y:
                raise SpecError(f"{self.where()}: {key} is not supported")
        if self.type not in TYPES:
            raise SpecError(f"{self.where()}: type {self.type} is not supported "
                            f"(only {', '.join(TYPES)})")
        for key in self.checks:
            if key not in ("min", "max", "max-len", "unterminated-ok"):
                raise SpecError(f"{self.where()}: check {key} is not supported")
        if self.type == "nest" and not self.nested:
            raise SpecError(f"{self.where()}: a nest needs nested-attributes")
        if self.nested and self.type != "nest":
            raise SpecError(f"{self.where()}: nested-attributes on a {self.type}")
        if self.enum and self.type not in SCALARS:
            raise SpecError(f"{self.where()}: enum on a {self.type}")
        if "max-len" in self.checks and self.type != "string":
            raise SpecError(f"{self.where()}: max-len on a {self.type}")
        if ("min" in self.checks or "max" in self.checks) and \
                self.type not in SCALARS:
            raise SpecError(f"{self.where()}: min/max on a {self.type}")

    def where(self):
        return f"attribute {self.set.name}.{self.name}"


class AttrSet:
    def __init__(self, fam, y):
        self.fam, self.y = fam, y
        self.name = y["name"]
        self.doc = y.get("doc")
        if "subset-of" in y:
            raise SpecError(f"attribute set {self.name}: subset-of is not supported")
        self.prefix = c_upper(y.get("name-prefix", f"{fam.name}-a-{self.name}-"))
        if "enum-name" in y:
            self.enum_name = c_lower(y["enum-name"]) if y["enum-name"] else None
        else:
            self.enum_name = None
        self.max_name = c_upper(y.get("attr-max-name", self.prefix + "MAX"))
        self.cnt_name = c_upper(y.get("attr-cnt-name", "__" + self.prefix + "MAX"))
        self.attrs = []
        val = 1
        for a in y["attributes"]:
            val = a.get("value", val)
            self.attrs.append(Attr(self, a, val))
            val += 1
        self.by_name = {a.name: a for a in self.attrs}
        if len(self.by_name) != len(self.attrs):
            raise SpecError(f"attribute set {self.name}: a name is used twice")
        values = [a.value for a in self.attrs]
        if values != sorted(set(values)):
            raise SpecError(f"attribute set {self.name}: values must rise")
        self.max = values[-1]
        self.ident = c_lower(self.name)

    def real(self):
        """The attributes that carry something (not unused, not pad)."""
        return [a for a in self.attrs if a.type not in ("unused", "pad")]


class Op:
    def __init__(self, fam, y, value):
        self.fam, self.y, self.value = fam, y, value
        self.name = y["name"]
        self.doc = y["doc"]
        self.c_name = fam.op_prefix + c_upper(self.name)
        self.ident = c_lower(self.name)
        for key in ("flags", "dont-validate", "config-cond", "fixed-header",
                    "notify"):
            if key in y:
                raise SpecError(f"operation {self.name}: {key} is not supported"
                                + (" (memplug checks CAP_SYS_ADMIN in its "
                                   "handlers; admin-perm would mean "
                                   "CAP_NET_ADMIN)" if key == "flags" else ""))
        self.set = fam.sets_by_name.get(y.get("attribute-set")) \
            if "attribute-set" in y else None
        if "attribute-set" in y and self.set is None:
            raise SpecError(f"operation {self.name}: no attribute set "
                            f"{y['attribute-set']}")
        self.do = y.get("do")
        self.dump = y.get("dump")
        self.event = y.get("event")
        self.mcgrp = y.get("mcgrp")
        for part in (self.do, self.dump):
            for key in ("pre", "post"):
                if part and key in part:
                    raise SpecError(f"operation {self.name}: {key} is not supported")
        if (self.do or self.dump or self.event) and self.set is None:
            raise SpecError(f"operation {self.name} needs an attribute-set")
        if self.event and (self.do or self.dump):
            raise SpecError(f"operation {self.name}: an event has no do or dump")
        if self.event and not self.mcgrp:
            raise SpecError(f"operation {self.name}: an event needs its mcgrp")

    def attr_list(self, part, key):
        names = ((part or {}).get(key) or {}).get("attributes", [])
        for n in names:
            if n not in self.set.by_name:
                raise SpecError(f"operation {self.name}: no attribute {n} in "
                                f"set {self.set.name}")
        return names

    def request(self):
        """What the policy accepts: the do and the dump request together
        (the ops of a 6.1 kernel have one policy for both)."""
        if self.set is None:
            return []
        names = set(self.attr_list(self.do, "request") +
                    self.attr_list(self.dump, "request"))
        return [a for a in self.set.attrs if a.name in names]

    def is_command(self):
        return bool(self.do or self.dump)

    def kind(self):
        if self.event:
            return f'multicast, group "{self.mcgrp}"'
        return " and ".join(k for k, v in (("doit", self.do), ("dump", self.dump))
                            if v)


class Family:
    def __init__(self, y):
        self.y = y
        self.name = y["name"]
        if y.get("protocol") != "genetlink-legacy":
            raise SpecError("protocol must be genetlink-legacy")
        if y.get("kernel-policy", "split") != "per-op":
            raise SpecError("kernel-policy must be per-op: the module's ops "
                            "carry one policy each, as 6.1 takes them")
        for key in ("max-by-define", "kernel-family"):
            if key in y:
                raise SpecError(f"{key} is not supported")
        self.doc = y["doc"]
        self.version = y.get("version", 1)
        self.fam_define = c_upper(y.get("c-family-name", f"{self.name}-family-name"))
        self.ver_define = c_upper(y.get("c-version-name", f"{self.name}-family-version"))
        self.uapi_header = y.get("uapi-header", f"linux/{self.name}.h")

        self.consts, self.enums = [], []
        self.defs = {}
        for d in y.get("definitions", []):
            if d["name"] in self.defs:
                raise SpecError(f"definition {d['name']} twice")
            if d.get("header") or d.get("scope", "uapi") != "uapi":
                raise SpecError(f"definition {d['name']}: header and scope are "
                                "not supported")
            if d["type"] == "const":
                if not isinstance(d.get("value"), int):
                    raise SpecError(f"const {d['name']} needs a number")
                self.consts.append(d)
                self.defs[d["name"]] = d
            elif d["type"] == "enum":
                e = Enum(self, d)
                self.enums.append(e)
                self.defs[d["name"]] = e
            else:
                raise SpecError(f"definition {d['name']}: type {d['type']} is "
                                "not supported")

        self.sets = [AttrSet(self, s) for s in y["attribute-sets"]]
        self.sets_by_name = {s.name: s for s in self.sets}
        if len(self.sets_by_name) != len(self.sets):
            raise SpecError("two attribute sets have one name")
        for s in self.sets:
            for a in s.attrs:
                if a.nested and a.nested not in self.sets_by_name:
                    raise SpecError(f"{a.where()}: no set {a.nested}")
                if a.enum and not isinstance(self.defs.get(a.enum), Enum):
                    raise SpecError(f"{a.where()}: no enum {a.enum}")

        ops = y["operations"]
        if ops.get("enum-model", "unified") != "unified":
            raise SpecError("only the unified enum-model is supported")
        for key in ("async-prefix", "async-enum", "fixed-header"):
            if key in ops:
                raise SpecError(f"operations: {key} is not supported")
        self.op_prefix = c_upper(ops.get("name-prefix", f"{self.name}-cmd-"))
        if "enum-name" in ops:
            self.op_enum_name = c_lower(ops["enum-name"]) if ops["enum-name"] else None
        else:
            self.op_enum_name = None
        self.op_max = c_upper(y.get("cmd-max-name", self.op_prefix + "MAX"))
        self.op_cnt = c_upper(y.get("cmd-cnt-name", "__" + self.op_prefix + "MAX"))
        self.ops = []
        val = 1
        for o in ops["list"]:
            val = o.get("value", val)
            self.ops.append(Op(self, o, val))
            val += 1
        values = [o.value for o in self.ops]
        if values != sorted(set(values)):
            raise SpecError("operation values must rise")
        if len({o.name for o in self.ops}) != len(self.ops):
            raise SpecError("two operations have one name")
        for o in self.ops:
            o.request()
            for part in (o.do, o.dump):
                o.attr_list(part, "reply")
            if o.event:
                for n in o.event.get("attributes", []):
                    if n not in o.set.by_name:
                        raise SpecError(f"operation {o.name}: no attribute {n}")

        self.mcgrps = []
        for g in y.get("mcast-groups", {}).get("list", []):
            if g.get("flags"):
                raise SpecError(f"multicast group {g['name']}: flags are not "
                                "supported (the module sets the group's "
                                "capability itself)")
            define = c_upper(g.get("c-define-name", f"{self.name}-mcgrp-{g['name']}"))
            self.mcgrps.append((g["name"], define))
        names = [g for g, _ in self.mcgrps]
        for o in self.ops:
            if o.mcgrp and o.mcgrp not in names:
                raise SpecError(f"operation {o.name}: no group {o.mcgrp}")

    def const_c(self, name):
        return c_upper(f"{self.name}-{name}")

    def limit(self, attr, key):
        """A check's limit as C (a number, or a const, maybe "- 1") and as a
        number."""
        v = attr.checks[key]
        if isinstance(v, int):
            return str(v), v
        m = re.fullmatch(r"([0-9A-Za-z_-]+)( - 1)?", str(v))
        if not m:
            raise SpecError(f"{attr.where()}: cannot read {key} {v}")
        name, minus = m.groups()
        minus = 1 if minus else 0
        d = self.defs.get(name)
        if isinstance(d, dict):
            return (self.const_c(name) + (" - 1" if minus else ""),
                    d["value"] - minus)
        lim = re.fullmatch(r"([us])(8|16|32|64)-(min|max)", name)
        if lim:
            sign, bits, end = lim.groups()
            bits = int(bits)
            num = {("u", "min"): 0, ("u", "max"): (1 << bits) - 1,
                   ("s", "min"): -(1 << (bits - 1)),
                   ("s", "max"): (1 << (bits - 1)) - 1}[(sign, end)]
            return c_upper(name) + (" - 1" if minus else ""), num - minus
        raise SpecError(f"{attr.where()}: {key} {v} names no const")

    def int_range(self, attr):
        """The range the kernel policy checks: (low C, low, high C, high),
        either end None."""
        low = high = None
        if attr.enum:
            e = self.defs[attr.enum]
            low = (e.low_name(), e.low)
            high = (e.high_name(), e.high)
            if e.low == 0 and attr.type != "s32":
                low = None
        if "min" in attr.checks:
            low = self.limit(attr, "min")
        if "max" in attr.checks:
            high = self.limit(attr, "max")
        for end in (low, high):
            if end and not -32768 <= end[1] <= 32767:
                raise SpecError(f"{attr.where()}: limit {end[1]} does not fit "
                                "the s16 of NLA_POLICY_RANGE")
        return low, high

    def request_sets(self):
        """The sets nested in requests, innermost first."""
        order = []

        def visit(aset):
            for a in aset.real():
                if a.type == "nest":
                    inner = self.sets_by_name[a.nested]
                    if inner not in order:
                        visit(inner)
                        order.append(inner)
        for o in self.ops:
            for a in o.request():
                if a.type == "nest":
                    inner = self.sets_by_name[a.nested]
                    if inner not in order:
                        visit(inner)
                        order.append(inner)
        return order


# ---- include/uapi/linux/memplug.h ----------------------------------------

UAPI_COMMENT_COL = 48


def render_uapi(fam):
    out = ["/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */",
           f"/* {NOTICE} */"]

    paras = fam.doc.rstrip("\n").split("\n\n", 1)
    body = doc_lines(paras[0], " * ")
    body += ["", f'Family "{fam.name}", version {fam.version} '
             f"({fam.fam_define}, {fam.ver_define}).",
             f"The machine-readable contract is {Path(SPEC).name} beside this "
             "header."]
    if len(paras) > 1:
        body += [""] + doc_lines(paras[1], " * ")
    body += ["", "Commands", "--------"]
    for o in fam.ops:
        if not (o.is_command() or o.event):
            continue
        body.append(f"{o.c_name} ({o.kind()})")
        body += ["\t" + l if l else "" for l in doc_lines(o.doc, " *\t")]
        body.append("")
    while body[-1] == "":
        body.pop()
    out.append("/*")
    for l in body:
        out.append(" *" if not l else (" *" + l if l.startswith("\t") else " * " + l))
    out.append(" */")

    guard = "_UAPI_" + c_upper(fam.uapi_header.replace("/", "_").replace(".", "_"))
    out += [f"#ifndef {guard}", f"#define {guard}", ""]

    defines = [(fam.fam_define, f'"{fam.name}"'),
               (fam.ver_define, str(fam.version))]
    defines += [(d, f'"{n}"') for n, d in fam.mcgrps]
    out += render_defines(defines)
    if fam.consts:
        out.append("")
        col = define_col([fam.const_c(c["name"]) for c in fam.consts])
        for c in fam.consts:
            if c.get("doc"):
                out += c_comment(c["doc"])
            out.append(tab_to(f"#define {fam.const_c(c['name'])}", col) +
                       str(c["value"]))

    for e in fam.enums:
        out.append("")
        out += render_uapi_enum(e)
    for s in fam.sets:
        out.append("")
        out += render_uapi_set(fam, s)
    out.append("")
    out += render_uapi_ops(fam)
    out += ["", f"#endif /* {guard} */"]
    return "\n".join(out) + "\n"


def define_col(names):
    return (cols("#define " + max(names, key=len)) // 8 + 1) * 8


def render_defines(pairs):
    col = define_col([n for n, _ in pairs])
    return [tab_to(f"#define {n}", col) + v for n, v in pairs]


def enum_body(entries):
    """Enumerators (C name, value), a value only where the count jumps."""
    out, prev = [], -1
    for cname, val in entries:
        out.append(f"\t{cname}," if val == prev + 1 else f"\t{cname} = {val},")
        prev = val
    return out


def private_max(cnt, mx):
    return ["", "\t/* private: */", f"\t{cnt},", f"\t{mx} = {cnt} - 1"]


def render_uapi_enum(e):
    out = []
    if e.c_name and (e.doc or any(d for _, _, _, d in e.entries)):
        out += ["/**", f" * enum {e.c_name} - {e.doc or e.name}"]
        for name, cname, _, doc in e.entries:
            out += fill(doc or name.replace("-", " "), f" * @{cname}:", " *\t", FILL)
        out.append(" */")
    elif e.doc:
        out += c_comment(e.doc)
    out.append(f"enum {e.c_name} {{" if e.c_name else "enum {")
    out += enum_body([(c, v) for _, c, v, _ in e.entries])
    if e.render_max:
        out += private_max(e.cnt_name, e.max_name)
    out.append("};")
    return out


def attr_comment(fam, a):
    if a.type in ("unused", "pad"):
        return a.doc
    parts = [a.type]
    if a.enum:
        e = fam.defs[a.enum]
        parts.append(f"enum {e.c_name}" if e.c_name else f"{e.prefix}*")
    if a.type == "nest":
        parts.append(fam.sets_by_name[a.nested].prefix + "*")
        if a.multi:
            parts.append("repeated")
    elif a.multi:
        parts.append("repeated")
    if a.doc:
        parts.append(a.doc)
    return ", ".join(parts)


def render_uapi_set(fam, s):
    out = []
    if s.doc:
        out += c_comment(s.doc)
    out.append(f"enum {s.enum_name} {{" if s.enum_name else "enum {")
    prev = -1
    for a in s.attrs:
        item = f"\t{a.c_name}," if a.value == prev + 1 else f"\t{a.c_name} = {a.value},"
        prev = a.value
        text = attr_comment(fam, a)
        if not text:
            out.append(item)
            continue
        line = tab_to(item, UAPI_COMMENT_COL) + f"/* {text} */"
        if cols(line) <= 100:
            out.append(line)
        else:
            out += c_comment(text, "\t")
            out.append(item)
    out += private_max(s.cnt_name, s.max_name)
    out.append("};")
    return out


def render_uapi_ops(fam):
    out = [f"enum {fam.op_enum_name} {{" if fam.op_enum_name else "enum {"]
    out += enum_body([(o.c_name, o.value) for o in fam.ops])
    out += private_max(fam.op_cnt, fam.op_max)
    out.append("};")
    return out


# ---- kmod/memplug_nl.h, kmod/memplug_nl.c ---------------------------------
#
# The shape a Debian 6.1 kernel takes and 6.12 and 7.x still take: struct
# genl_ops (no split ops) with one policy per command, covering the do and
# the dump request alike. No .flags: the handlers check CAP_SYS_ADMIN
# themselves, as GENL_ADMIN_PERM would only ask for CAP_NET_ADMIN.
#
# The multicast groups get .flags = MEMPLUG_MCAST_CAP_FLAGS, whatever the
# spec says: the YNL schema only knows admin-perm and uns-admin-perm for a
# group, which mean CAP_NET_ADMIN, while memplug's events carry physical
# addresses and joining must need CAP_SYS_ADMIN (GENL_MCAST_CAP_SYS_ADMIN).
# That flag came with Linux 6.6 and a 6.1 stable update, so the spelling is
# the module's business: its compat.h defines the macro, and refuses to
# build on a kernel without the flag.

def kpolicy_name(fam, ident):
    return f"{c_lower(fam.name)}_{ident}_nl_policy"


def kpolicy_entry(fam, a):
    """A policy entry: (value, short) where short says the value may go on
    one line with its index."""
    if a.type == "flag":
        return "{ .type = NLA_FLAG }"
    if a.type == "nest":
        return f"NLA_POLICY_NESTED({kpolicy_name(fam, fam.sets_by_name[a.nested].ident)})"
    if a.type == "string":
        kind = "NLA_STRING" if a.checks.get("unterminated-ok") else "NLA_NUL_STRING"
        if "max-len" in a.checks:
            return f"{{ .type = {kind}, .len = {fam.limit(a, 'max-len')[0]} }}"
        return f"{{ .type = {kind} }}"
    nla = "NLA_" + a.type.upper()
    low, high = fam.int_range(a)
    if low and high:
        return f"NLA_POLICY_RANGE({nla}, {low[0]}, {high[0]})"
    if low:
        return f"NLA_POLICY_MIN({nla}, {low[0]})"
    if high:
        return f"NLA_POLICY_MAX({nla}, {high[0]})"
    return f"{{ .type = {nla} }}"


def kpolicy_lines(fam, a):
    value = kpolicy_entry(fam, a)
    line = f"\t[{a.c_name}] = {value},"
    if cols(line) <= WIDTH:
        return [line]
    if value.startswith("{"):
        # Kernel style: the brace stays on the line of its "=", the
        # members continue under the first one.
        head = f"\t[{a.c_name}] = {{ "
        members = [m.strip() for m in value[1:-1].split(",")]
        out = [head + members[0] + ","]
        pad = indent_to(cols(head))
        for m in members[1:-1]:
            out.append(pad + m + ",")
        out.append(pad + members[-1] + " },")
        return out
    out = [f"\t[{a.c_name}] ="]
    out += wrap_call("\t\t", value, ",")
    return out


def kpolicy_decl(fam, name, aset):
    return "const struct nla_policy", f"{name}[{aset.max_name} + 1]"


def kpolicy_def(fam, name, aset, attrs, comment):
    ctype, declarator = kpolicy_decl(fam, name, aset)
    out = c_comment(comment) + [ctype, f"{declarator} = {{"]
    for a in attrs:
        out += kpolicy_lines(fam, a)
    out.append("};")
    return out


def kop_handlers(fam, o):
    fn = f"{c_lower(fam.name)}_nl_{o.ident}"
    out = []
    if o.do:
        out.append((f"{fn}_doit", "struct sk_buff *skb, struct genl_info *info"))
    if o.dump:
        out.append((f"{fn}_dumpit", "struct sk_buff *skb, struct netlink_callback *cb"))
    return out


def kmcgrp_enum(fam, grp):
    return c_upper(f"{fam.name}-nl-mcgrp-{grp}")


def kcheck_names(fam):
    names = [kpolicy_name(fam, s.ident) for s in fam.request_sets()]
    names += [kpolicy_name(fam, o.ident) for o in fam.ops if o.is_command()]
    if len(set(names)) != len(names):
        raise SpecError("a nested set and a command would share a policy name")


def commands(fam):
    return [o for o in fam.ops if o.is_command()]


def kdecl_lines(decl):
    """An extern declaration, broken before the declarator when too long."""
    ctype, declarator = decl
    line = f"extern {ctype} {declarator};"
    if cols(line) <= WIDTH:
        return [line]
    return [f"extern {ctype}", f"{declarator};"]


def render_kmod_h(fam):
    kcheck_names(fam)
    fid = c_lower(fam.name)
    guard = f"_{c_upper(fam.name)}_NL_GEN_H"
    out = ["/* SPDX-License-Identifier: GPL-2.0 */", f"/* {NOTICE} */"]
    out += c_block(f"{fam.name}: the generic netlink tables of the module "
                   f"({fid}_nl.c): a policy for the request of each command and "
                   "for each nest in one, the operations and the multicast "
                   "groups. The family that uses them and the handlers declared "
                   "here are the module's own.")
    out += [f"#ifndef {guard}", f"#define {guard}", "",
           "#include <net/genetlink.h>", "#include <net/netlink.h>", "",
           f"#include <{fam.uapi_header}>", ""]
    nests = fam.request_sets()
    if nests:
        out.append("/* Nests in requests */")
        for s in nests:
            out += kdecl_lines(kpolicy_decl(fam, kpolicy_name(fam, s.ident), s))
        out.append("")
    out.append("/* Requests, one policy per command */")
    for o in commands(fam):
        out += kdecl_lines(kpolicy_decl(fam, kpolicy_name(fam, o.ident), o.set))
    out += ["", "/* Handlers */"]
    for o in commands(fam):
        for fn, args in kop_handlers(fam, o):
            out += wrap_call("int ", f"{fn}({args})", ";")
    if fam.mcgrps:
        out += ["", f"enum {fid}_nl_mcgrp {{"]
        out += [f"\t{kmcgrp_enum(fam, g)}," for g, _ in fam.mcgrps]
        out.append("};")
    out += ["", f"extern const struct genl_ops {fid}_nl_ops[{len(commands(fam))}];"]
    if fam.mcgrps:
        out.append(f"extern const struct genl_multicast_group "
                   f"{fid}_nl_mcgrps[{len(fam.mcgrps)}];")
    out += ["", f"#endif /* {guard} */"]
    return "\n".join(out) + "\n"


def render_kmod_c(fam):
    kcheck_names(fam)
    fid = c_lower(fam.name)
    out = ["// SPDX-License-Identifier: GPL-2.0", f"/* {NOTICE} */"]
    out += c_block(f"{fam.name}: the generic netlink tables of the module.",
                   "Every command has a policy of its own that lists what its "
                   "request may carry (the do and the dump request alike): an "
                   "attribute it does not list is NLA_UNSPEC there, which strict "
                   "validation refuses. The operations are struct genl_ops, as "
                   "Debian's 6.1 takes them, without flags: the handlers check "
                   "CAP_SYS_ADMIN themselves, where GENL_ADMIN_PERM would only "
                   "ask for CAP_NET_ADMIN. Joining a multicast group needs "
                   "CAP_SYS_ADMIN; compat.h says how the kernel spells that "
                   f"({c_upper(fam.name)}_MCAST_CAP_FLAGS).")
    out += ["#include <net/genetlink.h>", "#include <net/netlink.h>", "",
           f"#include <{fam.uapi_header}>", "",
           '#include "compat.h"', f'#include "{fid}_nl.h"']
    for s in fam.request_sets():
        out.append("")
        out += kpolicy_def(fam, kpolicy_name(fam, s.ident), s, s.real(),
                           f"{s.prefix}*, in a nest")
    for o in commands(fam):
        out.append("")
        req = o.request()
        comment = f"{o.c_name} ({o.kind()})"
        if not req:
            comment += ": no attribute; every one is refused"
        out += kpolicy_def(fam, kpolicy_name(fam, o.ident), o.set, req, comment)
    out += ["", f"const struct genl_ops {fid}_nl_ops[{len(commands(fam))}] = {{"]
    for o in commands(fam):
        out += ["\t{", f"\t\t.cmd = {o.c_name},"]
        for fn, _ in kop_handlers(fam, o):
            field = "doit" if fn.endswith("_doit") else "dumpit"
            out.append(f"\t\t.{field} = {fn},")
        out += [f"\t\t.policy = {kpolicy_name(fam, o.ident)},",
                f"\t\t.maxattr = {o.set.max_name},", "\t},"]
    out.append("};")
    if fam.mcgrps:
        out += ["", f"const struct genl_multicast_group "
                f"{fid}_nl_mcgrps[{len(fam.mcgrps)}] = {{"]
        for g, define in fam.mcgrps:
            out += [f"\t[{kmcgrp_enum(fam, g)}] = {{",
                    f"\t\t.name = {define},",
                    f"\t\t.flags = {c_upper(fam.name)}_MCAST_CAP_FLAGS,",
                    "\t},"]
        out.append("};")
    return "\n".join(out) + "\n"


# ---- userspace: proto.gen.hpp, nl_policy.gen.hpp ----------------------------

CXX_KEYWORDS = {"and", "auto", "bool", "break", "case", "char", "class",
                "const", "default", "delete", "do", "double", "else", "enum",
                "explicit", "export", "extern", "false", "float", "for",
                "friend", "goto", "if", "inline", "int", "long", "mutable",
                "namespace", "new", "not", "operator", "or", "private",
                "protected", "public", "register", "return", "short",
                "signed", "sizeof", "static", "struct", "switch", "template",
                "this", "throw", "true", "try", "typedef", "typename",
                "union", "unsigned", "using", "virtual", "void", "volatile",
                "while", "xor"}

CXX_TYPE = {"unused": "Unused", "pad": "Pad", "flag": "Flag", "u8": "U8",
            "u16": "U16", "u32": "U32", "u64": "U64", "s32": "S32",
            "string": "String", "nest": "Nest"}


def cxx_ident(name):
    ident = c_lower(name)
    return ident + "_" if ident in CXX_KEYWORDS else ident


def enum_size(e):
    return f"{e.max_name} + 1" if e.render_max else str(e.high + 1)


def render_cxx(fam):
    ns = c_lower(fam.name)
    out = ["// SPDX-License-Identifier: GPL-2.0", f"// {NOTICE}", "//",
           "// The protocol as include/uapi/linux/memplug.yaml describes it: every",
           "// attribute with the type of its payload, every attribute set as a",
           "// table by attribute number, the spec's names of the values of every",
           "// enum. Nothing here needs libnl (its policies are in",
           "// src/nl_policy.gen.hpp).",
           "#pragma once", "",
           "#include <array>", "#include <cstddef>", "#include <cstdint>",
           "#include <string_view>", "",
           f"#include <{fam.uapi_header}>", "",
           f"namespace {ns}::proto {{", "",
           "// What an attribute's payload is.",
           "enum class Type : std::uint8_t {"]
    out += [f"\t{t}," for t in CXX_TYPE.values()]
    out += ["};", "",
            "// The C++ type of a scalar payload.",
            "template <Type T>", "struct ValueOf {", "};"]
    for t, ct in (("U8", "std::uint8_t"), ("U16", "std::uint16_t"),
                  ("U32", "std::uint32_t"), ("U64", "std::uint64_t"),
                  ("S32", "std::int32_t")):
        out += ["template <>", f"struct ValueOf<Type::{t}> {{",
                f"\tusing type = {ct};", "};"]
    out += ["template <Type T>", "using value_t = typename ValueOf<T>::type;", "",
            "// The fewest bytes a valid payload has: a string its NUL.",
            "constexpr std::size_t min_len(Type type)", "{",
            "\tswitch (type) {",
            "\tcase Type::U8:", "\t\treturn 1;",
            "\tcase Type::U16:", "\t\treturn 2;",
            "\tcase Type::U32:", "\tcase Type::S32:", "\t\treturn 4;",
            "\tcase Type::U64:", "\t\treturn 8;",
            "\tcase Type::String:", "\t\treturn 1;",
            "\tdefault:", "\t\treturn 0;", "\t}", "}", "",
            "// One attribute of a set, by its number and the type of its payload.",
            "template <std::uint16_t Id, Type T>",
            "struct AttrId {",
            "\tstatic constexpr std::uint16_t id = Id;",
            "\tstatic constexpr Type type = T;",
            "};", "",
            "// An attribute as the spec describes it; a number no attribute has",
            "// has an empty name.",
            "struct Attr {",
            "\tstd::string_view name;",
            "\tType type = Type::Unused;",
            "\tstd::string_view nested; // the set inside a Type::Nest",
            "\tbool multi = false;      // may repeat",
            "};"]
    for s in fam.sets:
        out += ["", f"// Attribute set {s.name}: {s.prefix}*.",
                f"namespace {cxx_ident(s.name)} {{"]
        for a in s.real():
            out.append(f"inline constexpr AttrId<{a.c_name}, Type::{CXX_TYPE[a.type]}> "
                       f"{cxx_ident(a.name)}{{}};")
        out += [f"}} // namespace {cxx_ident(s.name)}", "",
                f"inline constexpr auto {cxx_ident(s.name)}_attrs = [] {{",
                f"\tstd::array<Attr, {s.max_name} + 1> a{{}};"]
        for a in s.attrs:
            # Every member, so that -Wmissing-field-initializers is quiet.
            fields = [f'"{a.name}"', f"Type::{CXX_TYPE[a.type]}",
                      f'"{a.nested}"' if a.nested else '""',
                      "true" if a.multi else "false"]
            out.append(f"\ta[{a.c_name}] = {{{', '.join(fields)}}};")
        out += ["\treturn a;", "}();"]
    out += ["", "struct AttrSet {", "\tstd::string_view name;",
            "\tconst Attr *attrs; // by number", "\tstd::size_t size;", "};", "",
            "inline constexpr AttrSet attr_sets[] = {"]
    for s in fam.sets:
        i = cxx_ident(s.name) + "_attrs"
        out.append(f'\t{{"{s.name}", {i}.data(), {i}.size()}},')
    out += ["};", "",
            "// The set called @name, or nullptr.",
            "constexpr const AttrSet *find_attr_set(std::string_view name)", "{",
            "\tfor (const AttrSet &s : attr_sets)", "\t\tif (s.name == name)",
            "\t\t\treturn &s;", "\treturn nullptr;", "}"]
    for e in fam.enums:
        ident = cxx_ident(e.name)
        out += ["", f"// The spec's names of the values of {enum_title(e)}.",
                f"inline constexpr auto {ident}_names = [] {{",
                f"\tstd::array<std::string_view, {enum_size(e)}> n{{}};"]
        out += [f'\tn[{c}] = "{name}";' for name, c, _, _ in e.entries]
        out += ["\treturn n;", "}();", "",
                f"// The name of {ident} value @v; empty for a value the spec lacks.",
                f"constexpr std::string_view {ident}_str(std::uint32_t v)", "{",
                f"\treturn v < {ident}_names.size() ? {ident}_names[v] : std::string_view();",
                "}"]
    out += ["", f"}} // namespace {ns}::proto"]
    return "\n".join(out) + "\n"


def enum_title(e):
    return f"enum {e.c_name}" if e.c_name else f"{e.prefix}*"


def render_cxx_policy(fam):
    ns = c_lower(fam.name)
    nla = {"flag": "NLA_FLAG", "u8": "NLA_U8", "u16": "NLA_U16",
           "u32": "NLA_U32", "u64": "NLA_U64", "s32": "NLA_U32",
           "string": "NLA_STRING", "nest": "NLA_NESTED"}
    out = ["// SPDX-License-Identifier: GPL-2.0", f"// {NOTICE}", "//",
           "// libnl's policies for the attribute sets the controller decodes, one",
           "// array per set by attribute number: what libnl checks before a value",
           "// is read (the minimum length of each type, a string's NUL). s32 is",
           "// NLA_U32 here: the kernel sends it four bytes long, and libnl's",
           "// NLA_S32 has no minimum length to check.",
           "#pragma once", "",
           "#include <array>", "",
           f"#include <{fam.uapi_header}>",
           "#include <netlink/attr.h>", "",
           f"namespace {ns}::proto::nl {{"]
    for s in fam.sets:
        out += ["", f"inline constexpr auto {cxx_ident(s.name)} = [] {{",
                f"\tstd::array<nla_policy, {s.max_name} + 1> p{{}};"]
        for a in s.real():
            out.append(f"\tp[{a.c_name}].type = {nla[a.type]};")
        out += ["\treturn p;", "}();"]
    out += ["", f"}} // namespace {ns}::proto::nl"]
    return "\n".join(out) + "\n"


# ---- selftests/lib/mp_proto.gen.[ch] ---------------------------------------

C_TYPE = {"unused": "MP_PROTO_UNUSED", "pad": "MP_PROTO_PAD",
          "flag": "MP_PROTO_FLAG", "u8": "MP_PROTO_U8", "u16": "MP_PROTO_U16",
          "u32": "MP_PROTO_U32", "u64": "MP_PROTO_U64", "s32": "MP_PROTO_S32",
          "string": "MP_PROTO_STRING", "nest": "MP_PROTO_NEST"}


def mp_set(s):
    return f"MP_PROTO_SET_{c_upper(s.name)}"


def macro_lines(lines, col=72):
    """A multi-line macro, the backslashes lined up at @col."""
    return [tab_to(l, col) + "\\" for l in lines[:-1]] + [lines[-1]]


def render_mp_h(fam):
    out = ["/* SPDX-License-Identifier: GPL-2.0 */", f"/* {NOTICE} */",
           "/*",
           " * mp_proto: the protocol as the spec describes it, for the selftests",
           " * and nlfuzz_test: every attribute set as a table by attribute number",
           " * (name, payload type, nested set, the limits the kernel checks), every",
           " * command with the attributes its request may carry, and the spec's",
           " * names of the values of every enum.",
           " */",
           "#ifndef MP_PROTO_GEN_H", "#define MP_PROTO_GEN_H", "",
           "#include <stdbool.h>", "#include <stddef.h>", "#include <stdint.h>",
           f"#include <{fam.uapi_header}>", "",
           "/* What an attribute's payload is. */",
           "enum mp_proto_type {"]
    out += [f"\t{t}," for t in C_TYPE.values()]
    out += ["};", ""]
    out += c_comment("Bytes of a fixed-size payload (of a flag: the bool it "
                     "decodes to); 0 for strings and nests. A constant "
                     "expression.")
    out += macro_lines(["#define MP_PROTO_WIDTH(t)",
                        "\t((t) == MP_PROTO_U8 ? 1 :",
                        "\t (t) == MP_PROTO_U16 ? 2 :",
                        "\t (t) == MP_PROTO_U32 || (t) == MP_PROTO_S32 ? 4 :",
                        "\t (t) == MP_PROTO_U64 ? 8 :",
                        "\t (t) == MP_PROTO_FLAG ? sizeof(bool) : 0)"])
    out += ["", "enum mp_proto_set {"]
    out += [f"\t{mp_set(s)}," for s in fam.sets]
    out += ["\tMP_PROTO_NR_SETS", "};", "",
            "/**",
            " * struct mp_proto_attr - one attribute as the spec describes it",
            " * @name: its name in the spec; NULL for a number no attribute has",
            " * @type: what its payload is",
            " * @nested: for MP_PROTO_NEST, the set inside",
            " * @multi: may repeat",
            " * @max_len: for a string, the longest the kernel takes, without the",
            " *\tNUL; 0 for any",
            " * @max: for an integer, the largest value the kernel takes (an enum's",
            " *\tlast); 0 for any",
            " */",
            "struct mp_proto_attr {",
            "\tconst char *name;",
            "\tenum mp_proto_type type;",
            "\tenum mp_proto_set nested;",
            "\tbool multi;",
            "\tuint32_t max_len;",
            "\tuint64_t max;",
            "};", "",
            "/* An attribute set: attrs[0..max], by number. */",
            "struct mp_proto_attr_set {",
            "\tconst char *name;",
            "\tint max;",
            "\tconst struct mp_proto_attr *attrs;",
            "};", "",
            "extern const struct mp_proto_attr_set mp_proto_sets[MP_PROTO_NR_SETS];",
            "", "/* The highest attribute number of any set. */",
            f"#define MP_PROTO_ATTR_MAX {max(s.max for s in fam.sets)}", "",
            "/**",
            " * struct mp_proto_op - one command or notification",
            " * @name: its name in the spec",
            " * @cmd: its number",
            " * @set: the attribute set of its messages",
            " * @doit: takes a request",
            " * @dump: takes a dump request",
            " * @event: a notification to a multicast group, never requested",
            " * @n_request: attributes in @request",
            " * @request: what its request may carry (do and dump alike), in",
            " *\tnumber order; the kernel refuses anything else",
            " */",
            "struct mp_proto_op {",
            "\tconst char *name;",
            "\tuint8_t cmd;",
            "\tenum mp_proto_set set;",
            "\tbool doit;",
            "\tbool dump;",
            "\tbool event;",
            "\tint n_request;",
            "\tconst uint16_t *request;",
            "};", "",
            f"#define MP_PROTO_NR_OPS {len([o for o in fam.ops if o.is_command() or o.event])}",
            "extern const struct mp_proto_op mp_proto_ops[MP_PROTO_NR_OPS];",
            "/* The command or notification @cmd, or NULL. */",
            "const struct mp_proto_op *mp_proto_op(uint32_t cmd);", ""]
    out += c_comment("The spec's name of an enum value, or NULL for a value "
                     "the spec lacks.")
    for e in fam.enums:
        out.append(f"const char *mp_proto_{c_lower(e.name)}_str(uint32_t v);")
    out += [""]
    out += c_comment("The type of every attribute, by its enumerator, for "
                     "compile-time checks: MP_PROTO_TYPE_<attribute>.")
    for s in fam.sets:
        for a in s.real():
            out.append(tab_to(f"#define MP_PROTO_TYPE_{a.c_name}", 64) + C_TYPE[a.type])
    out += ["", "#endif /* MP_PROTO_GEN_H */"]
    return "\n".join(out) + "\n"


def mp_attr_fields(fam, a):
    fields = [f'.name = "{a.name}"', f".type = {C_TYPE[a.type]}"]
    if a.nested:
        fields.append(f".nested = {mp_set(fam.sets_by_name[a.nested])}")
    if a.multi:
        fields.append(".multi = true")
    if "max-len" in a.checks:
        fields.append(f".max_len = {fam.limit(a, 'max-len')[0]}")
    if a.type in SCALARS:
        _, high = fam.int_range(a)
        if high:
            fields.append(f".max = {high[0]}")
    return fields


def render_mp_c(fam):
    out = ["// SPDX-License-Identifier: GPL-2.0", f"/* {NOTICE} */",
           "/*", " * mp_proto: the protocol as the spec describes it.", " */",
           '#include "mp_proto.gen.h"', ""]
    for s in fam.sets:
        out.append(f"static const struct mp_proto_attr "
                   f"mp_proto_{c_lower(s.name)}_attrs[{s.max_name} + 1] = {{")
        for a in s.attrs:
            fields = mp_attr_fields(fam, a)
            line = f"\t[{a.c_name}] = {{ {', '.join(fields)} }},"
            if cols(line) <= WIDTH:
                out.append(line)
            else:
                out.append(f"\t[{a.c_name}] = {{")
                out += [f"\t\t{f}," for f in fields]
                out.append("\t},")
        out += ["};", ""]
    out.append("const struct mp_proto_attr_set mp_proto_sets[MP_PROTO_NR_SETS] = {")
    for s in fam.sets:
        out += [f"\t[{mp_set(s)}] = {{", f'\t\t.name = "{s.name}",',
                f"\t\t.max = {s.max_name},",
                f"\t\t.attrs = mp_proto_{c_lower(s.name)}_attrs,", "\t},"]
    out += ["};", ""]
    ops = [o for o in fam.ops if o.is_command() or o.event]
    for o in ops:
        req = o.request()
        if not req:
            continue
        out.append(f"static const uint16_t mp_proto_{o.ident}_request[] = {{")
        out += [f"\t{a.c_name}," for a in req]
        out += ["};", ""]
    out.append("const struct mp_proto_op mp_proto_ops[MP_PROTO_NR_OPS] = {")
    for o in ops:
        out += ["\t{", f'\t\t.name = "{o.name}",', f"\t\t.cmd = {o.c_name},",
                f"\t\t.set = {mp_set(o.set)},"]
        out += [f"\t\t.{k} = true," for k, v in (("doit", o.do), ("dump", o.dump),
                                                 ("event", o.event)) if v]
        if o.request():
            r = f"mp_proto_{o.ident}_request"
            out += [f"\t\t.n_request = sizeof({r}) / sizeof({r}[0]),",
                    f"\t\t.request = {r},"]
        out.append("\t},")
    out += ["};", "",
            "const struct mp_proto_op *mp_proto_op(uint32_t cmd)", "{",
            "\tsize_t i;", "",
            "\tfor (i = 0; i < MP_PROTO_NR_OPS; i++)",
            "\t\tif (mp_proto_ops[i].cmd == cmd)",
            "\t\t\treturn &mp_proto_ops[i];",
            "\treturn NULL;", "}"]
    for e in fam.enums:
        out += ["", f"const char *mp_proto_{c_lower(e.name)}_str(uint32_t v)", "{",
                f"\tstatic const char *const names[{enum_size(e)}] = {{"]
        out += [f'\t\t[{c}] = "{name}",' for name, c, _, _ in e.entries]
        out += ["\t};", "",
                "\treturn v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;",
                "}"]
    return "\n".join(out) + "\n"


# ---- driver ----------------------------------------------------------------

OUTPUTS = [
    ("include/uapi/linux/memplug.h", render_uapi),
    ("kmod/memplug_nl.h", render_kmod_h),
    ("kmod/memplug_nl.c", render_kmod_c),
    ("userspace/include/memplug/proto.gen.hpp", render_cxx),
    ("userspace/src/nl_policy.gen.hpp", render_cxx_policy),
    ("selftests/lib/mp_proto.gen.h", render_mp_h),
    ("selftests/lib/mp_proto.gen.c", render_mp_c),
]


def load_spec():
    with open(SPEC) as f:
        return yaml.safe_load(f)


def schema_path():
    """genetlink-legacy.yaml from the 6.12 source tarball, extracted once
    into the build directory. Returns (path, None) or (None, why not)."""
    dest = SCHEMA_CACHE / "genetlink-legacy.yaml"
    if dest.exists() and (not SCHEMA_TAR.exists() or
                          dest.stat().st_mtime >= SCHEMA_TAR.stat().st_mtime):
        return dest, None
    if not SCHEMA_TAR.exists():
        return None, f"no {SCHEMA_TAR} (scripts/deps.sh kernels installs it)"
    SCHEMA_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=SCHEMA_CACHE) as tmp:
        r = subprocess.run(["tar", "-xJf", str(SCHEMA_TAR), "-C", tmp,
                            SCHEMA_MEMBER], capture_output=True, text=True)
        got = Path(tmp) / SCHEMA_MEMBER
        if r.returncode or not got.exists():
            return None, f"extracting {SCHEMA_MEMBER}: {r.stderr.strip()}"
        os.replace(got, dest)
    return dest, None


def validate(raw):
    """Schema errors of the spec: (list of messages, None), or (None, why
    the schema could not be applied)."""
    try:
        import jsonschema
    except ImportError:
        return None, "no jsonschema module (apt-get install python3-jsonschema)"
    path, why = schema_path()
    if path is None:
        return None, why
    with open(path) as f:
        schema = yaml.safe_load(f)
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(e.path))
    return [f"{'/'.join(str(p) for p in e.path) or '(top)'}: {e.message}"
            for e in errors], None


def render_all(raw):
    fam = Family(raw)
    return {path: fn(fam) for path, fn in OUTPUTS}


def generate():
    raw = load_spec()
    errors, why = validate(raw)
    if errors:
        for e in errors:
            print(f"{SPEC.name}: {e}", file=sys.stderr)
        return 1
    if why:
        print(f"gen-proto: warning: spec not validated: {why}", file=sys.stderr)
    for path, text in render_all(raw).items():
        dest = TOP / path
        if dest.exists() and dest.read_text() == text:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".tmp")
        tmp.write_text(text)
        os.replace(tmp, dest)
        print(f"  GEN     {path}")
    return 0


def check():
    """KTAP: the schema, then every generated file against the tree."""
    results = []
    raw = load_spec()
    errors, why = validate(raw)
    name = f"proto: {SPEC.name} validates against genetlink-legacy.yaml"
    if why:
        results.append((False, name, [why]))
    else:
        results.append((not errors, name, errors[:20]))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for path, text in render_all(raw).items():
                gen = Path(tmp) / path
                gen.parent.mkdir(parents=True, exist_ok=True)
                gen.write_text(text)
                have = TOP / path
                old = have.read_text().splitlines(True) if have.exists() else []
                new = gen.read_text().splitlines(True)
                diff = list(difflib.unified_diff(old, new, f"a/{path}",
                                                 f"b/{path} (generated)"))
                why = [l.rstrip("\n") for l in diff[:30]]
                if len(diff) > 30:
                    why.append(f"... {len(diff) - 30} more diff lines; "
                               "`make gen` regenerates")
                if not have.exists():
                    why = [f"{path} is missing; `make gen` writes it"]
                results.append((have.exists() and not diff,
                                f"proto: {path} is what the spec generates", why))
    except SpecError as e:
        results.append((False, "proto: the spec can be generated from", [str(e)]))

    print("KTAP version 1")
    print(f"1..{len(results)}")
    for i, (ok, name, why) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} {name}")
        if not ok:
            for l in why:
                print(f"# {l}")
    return 0 if all(ok for ok, _, _ in results) else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="compare instead of writing; KTAP on stdout")
    args = ap.parse_args()
    try:
        return check() if args.check else generate()
    except SpecError as e:
        print(f"{SPEC.name}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
