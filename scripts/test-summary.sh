#!/usr/bin/env bash
# Adds up build/test-results.txt and prints the closing line of make test.
set -u
awk '{p+=$2; f+=$3; s+=$4} END {printf "make test: %d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0)}' "$1"
