#!/usr/bin/env python3
"""Prints the speed tables of docs/vector-kernels.md from softbench bench JSON files.

Usage: scripts/bench-tables.py MAIN.json AVX2.json
MAIN.json: `softbench bench --pin 1 --json MAIN.json`; AVX2.json: the same
with `--isa avx2 -k avx2.threepass,avx2.twopass,avx2.online,scalar.threepass,
peer.onednn,peer.xnnpack`. Prints ns per element (median), the targets of the
SIMD issue with their ratios, and the two-pass/three-pass ratios."""
import json
import sys


def load(path):
    d = json.load(open(path))
    return {(r["kernel"], r["n"]): r["ns_per_elem"] for r in d["rows"]}


main, avx2 = load(sys.argv[1]), load(sys.argv[2])
sizes = [256, 4096, 32000, 65536, 1048576, 16777216]
cols = [("avx512.threepass", main), ("avx512.twopass", main), ("avx512.online", main),
        ("avx2.threepass", avx2), ("avx2.twopass", avx2), ("avx2.online", avx2),
        ("peer.onednn", main), ("peer.onednn", avx2), ("peer.xnnpack", main), ("floor.rw", main)]
print("| n | " + " | ".join(k + (" (AVX2)" if t is avx2 and k.startswith("peer") else "") for k, t in cols) + " |")
print("|---" * (len(cols) + 1) + "|")
for n in sizes:
    print(f"| {n:,} | " + " | ".join(f"{t[(k, n)]:.3f}" for k, t in cols) + " |")


def best(t, prefix, n):
    return min(v for (k, m), v in t.items() if k.startswith(prefix) and m == n)


print()
for n in (4096, 32000, 65536):
    print(f"n={n}: AVX-512 {best(main, 'avx512.', n) / main[('peer.onednn', n)]:.3f} x oneDNN;"
          f" AVX2 {best(avx2, 'avx2.', n) / avx2[('peer.onednn', n)]:.3f} x oneDNN(AVX2)")
print(f"n=256: {best(main, 'avx512.', 256) / main[('peer.onednn', 256)]:.3f} x oneDNN")
b = best(main, "avx512.", 16777216)
print(f"n=16M: {b / main[('peer.onednn', 16777216)]:.3f} x oneDNN, {b / main[('floor.rw', 16777216)]:.3f} x floor.rw")
print()
for isa, t in (("avx512", main), ("avx2", avx2)):
    row = [f"{t[(isa + '.threepass', n)] / t[(isa + '.twopass', n)]:.2f}"
           for n in (4096, 32000, 65536, 1048576, 2097152, 4194304, 8388608, 16777216)]
    print(f"| {isa} | " + " | ".join(row) + " |")
