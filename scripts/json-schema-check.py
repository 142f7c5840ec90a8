#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate memplugctl's JSON output against docs/schema.

Usage: json-schema-check.py [--lines] SCHEMA FILE...

SCHEMA is a file of docs/schema (plug.schema.json); the other schemas of
its directory are what its "$ref"s name. Each FILE holds one document, or
with --lines one document per line (monitor's NDJSON; an empty file fails).
Every schema is checked against JSON Schema draft 2020-12 first. Exits 0
when everything is valid, 1 with one line per mistake on stderr, 2 on a
usage error.
"""

import json
import os
import sys

import jsonschema


def load_store(directory):
    """Every schema of @directory, by its file URI."""
    store = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".schema.json"):
            continue
        path = os.path.join(directory, name)
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        store["file://" + os.path.abspath(path)] = schema
    return store


def documents(path, lines):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not lines:
        return [(path, json.loads(text))]
    docs = [(f"{path}:{n}", json.loads(line))
            for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not docs:
        raise ValueError(f"{path}: no JSON lines")
    return docs


def main(argv):
    args = argv[1:]
    lines = bool(args) and args[0] == "--lines"
    if lines:
        args = args[1:]
    if len(args) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    schema_path = os.path.abspath(args[0])
    try:
        store = load_store(os.path.dirname(schema_path))
        uri = "file://" + schema_path
        schema = store[uri]
        resolver = jsonschema.RefResolver(uri, schema, store=store)
        validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
        bad = 0
        for path in args[1:]:
            for where, doc in documents(path, lines):
                for error in validator.iter_errors(doc):
                    loc = "/".join(str(p) for p in error.absolute_path)
                    print(f"{where}: /{loc}: {error.message}", file=sys.stderr)
                    bad += 1
    except (OSError, ValueError, KeyError, jsonschema.SchemaError) as e:
        print(f"{argv[0]}: {e}", file=sys.stderr)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
