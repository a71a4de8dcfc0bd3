#!/usr/bin/env bash
# Runs cmocka test programs, shows their output, and records per program
# "BUILD/PROGRAM passed failed skipped" in build/test-results.txt.
# Usage: scripts/run-tests.sh BUILD PROGRAM...
set -u
build=$1; shift
results=build/test-results.txt
mkdir -p build
status=0
for prog in "$@"; do
  out=$("$prog" 2>&1); rc=$?
  printf '%s\n' "$out"
  pass=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
  fail=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
  skip=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -n1)
  pass=${pass:-0}; fail=${fail:-0}; skip=${skip:-0}
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
    fail=1   # crashed or sanitizer abort before the summary
    echo "FAILED: $prog exited with status $rc"
  fi
  [ "$fail" -eq 0 ] || status=1
  echo "$prog $pass $fail $skip" >>"$results"
done
exit $status
