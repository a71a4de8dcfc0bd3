#!/usr/bin/env bash
# Adds up build/test-results.txt and prints the closing line of make test.
# A line is "NAME PASSED FAILED SKIPPED"; NAME may hold spaces ("[qemu
# sve=off]"), so the counts are read from the end.
set -u
awk 'NF >= 4 {p += $(NF - 2); f += $(NF - 1); s += $NF; n++}
     NF < 4 {bad++}
     END {printf "make test: %d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0 || bad > 0 || n == 0)}' "$1"
