#!/usr/bin/env python3
"""Sums the calls made to the named functions in a callgrind output file.

usage: bench/callgrind_calls.py CALLGRIND.OUT FUNCTION...

instructions.sh counts allocator entry points this way (malloc, calloc, realloc, and
mimalloc's mi_*_aligned that Rust's global allocator calls), so allocations per
request come from the same runs as the instruction counts.
"""
import re
import sys

path, names = sys.argv[1], set(sys.argv[2:])
ids = {}
total = 0
target = None
name_re = re.compile(r"c?fn=\((\d+)\)(?: (.*))?")
with open(path, errors="replace") as f:
    for line in f:
        if line.startswith(("fn=", "cfn=")):
            m = name_re.match(line.strip())
            if m is None:
                name = line.strip().split("=", 1)[1]
            else:
                if m.group(2):
                    ids[m.group(1)] = m.group(2)
                name = ids.get(m.group(1), "")
            target = name if line.startswith("cfn=") else None
        elif line.startswith("calls=") and target is not None:
            if target.split(" ")[0] in names:
                total += int(line.split()[0][len("calls="):])
            target = None
print(total)
