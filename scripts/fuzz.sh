#!/usr/bin/env bash
# The fuzz targets' runs (tests/fuzz/README.md).
#
#   scripts/fuzz.sh run BUILD SECONDS TARGET...
#       make fuzz: each BUILD/fuzzers/TARGET for SECONDS under libFuzzer on
#       tests/fuzz/corpus/TARGET (new inputs kept there), the hand-written
#       tests/fuzz/seeds/TARGET and tests/fuzz/regressions/TARGET (read
#       only), with tests/fuzz/json.dict or options.dict for the targets
#       that read JSON or option text; then the corpus minimized (-merge=1). A crash, leak, failed check or timeout moves libFuzzer's
#       file (crash-SHA1, leak-..., timeout-...) into the regressions folder,
#       and the script goes on with the next target and exits 1 at the end.
#   scripts/fuzz.sh replay BUILD TARGET...
#       make fuzz-replay: each BUILD/replay/TARGET over its seeds, corpus
#       and regressions; exit 1 if any fails. Each target is a line
#       "BUILD/replay/TARGET INPUTS 0 0" (or "... 0 1 0") in
#       build/test-results.txt, which make test's summary adds up.
set -u
mode=$1 build=$2; shift 2
status=0
if [ "$mode" = replay ]; then
  mkdir -p build
  for t in "$@"; do
    if out=$("$build/replay/$t" "tests/fuzz/seeds/$t" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t"); then
      echo "$out"
      n=$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9]*\) inputs$/\1/p')
      echo "$build/replay/$t ${n:-0} 0 0" >>build/test-results.txt
    else
      printf '%s\n' "$out"
      echo "fuzz-replay: $t FAILED (the input is named above)"
      echo "$build/replay/$t 0 1 0" >>build/test-results.txt
      status=1
    fi
  done
  exit $status
fi

secs=$1; shift
for t in "$@"; do
  corpus=tests/fuzz/corpus/$t regs=tests/fuzz/regressions/$t seeds=tests/fuzz/seeds/$t
  mkdir -p "$corpus" "$regs" "$seeds"
  art=$(mktemp -d) merged=$(mktemp -d)
  log=$build/$t.log
  case $t in
    fuzz_json | fuzz_report | fuzz_baseline | fuzz_crosscheck) dict=(-dict=tests/fuzz/json.dict) ;;
    fuzz_options | fuzz_dataset_spec | fuzz_plugin_args) dict=(-dict=tests/fuzz/options.dict) ;;
    *) dict=() ;;
  esac
  echo "fuzz: $t for ${secs}s (log: $log)"
  "$build/fuzzers/$t" -max_total_time="$secs" -timeout=10 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$art/" "$corpus" "$seeds" "$regs" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  found=$(ls -A "$art")
  if [ $rc -ne 0 ] || [ -n "$found" ]; then
    tail -n 40 "$log"
    for f in $found; do
      mv "$art/$f" "$regs/$f"
      echo "fuzz: $t: kept $regs/$f (rename it after what it found once fixed)"
    done
    echo "fuzz: $t FAILED (exit $rc)"
    status=1
  fi
  # the corpus minimized: the inputs that add coverage to the seeds' (which
  # are kept apart, and replayed too), only
  cp "$seeds"/* "$merged"/ 2>/dev/null
  if "$build/fuzzers/$t" -merge=1 -timeout=10 "$merged" "$corpus" >>"$log" 2>&1; then
    for f in "$seeds"/*; do rm -f "$merged/${f##*/}"; done
    rm -f "$corpus"/*
    cp "$merged"/* "$corpus"/ 2>/dev/null
  fi
  rm -rf "$art" "$merged"
  echo "fuzz: $t: ${runs:-?} executions, corpus $(ls "$corpus" | wc -l) files, $(cat "$corpus"/* 2>/dev/null | wc -c) bytes"
done
exit $status
