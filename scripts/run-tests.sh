#!/usr/bin/env bash
# Runs cmocka test programs, shows their output, and records per program
# "BUILD/PROGRAM passed failed skipped" in build/test-results.txt (the
# program's name followed by [SOFTMAX_ISA=...] when a cap is set). Programs
# run JOBS at a time (default: the online CPUs, at most 4), each into its own
# log; the logs are shown in the order given, so the output reads the same
# as a sequential run. RUNNER (e.g. "qemu-aarch64 -cpu max,sve=off") runs
# each program through it, and LABEL is added to the recorded name.
# Usage: scripts/run-tests.sh BUILD PROGRAM...
set -u
build=$1; shift
results=build/test-results.txt
mkdir -p build
jobs=${JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
[ "$jobs" -le 4 ] || jobs=4
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
i=0
for prog in "$@"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  ( ${RUNNER:-} "$prog" >"$logs/$i.out" 2>&1; echo $? >"$logs/$i.rc" ) &
  i=$((i + 1))
done
wait
status=0
i=0
for prog in "$@"; do
  out=$(cat "$logs/$i.out"); rc=$(cat "$logs/$i.rc")
  i=$((i + 1))
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
  echo "$prog${SOFTMAX_ISA:+[SOFTMAX_ISA=$SOFTMAX_ISA]}${LABEL:+[$LABEL]} $pass $fail $skip" >>"$results"
done
exit $status
