#!/usr/bin/env python3
"""Writes each encoding in tests/unit/term_fixtures.h (erl's bytes) as a
seed file for the term fuzzer. Usage: term-seeds.py FIXTURES_H OUT_DIR"""
import os
import re
import sys

fixtures, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
arrays = re.findall(r"\(const uint8_t\[\]\)\{([0-9,]*)\}", open(fixtures).read())
if not arrays:
    sys.exit(f"term-seeds: no encodings found in {fixtures}")
for i, a in enumerate(arrays):
    with open(os.path.join(out, f"fixture-{i:03d}"), "wb") as f:
        f.write(bytes(int(x) for x in a.split(",")))
