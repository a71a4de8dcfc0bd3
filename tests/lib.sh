# lib.sh - what the shell test scripts share (sourced): the counters and
# check, and the closing line that make test's summary adds up
# (build/test-results.txt, scripts/test-summary.sh).
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
# finish SCRIPT WHAT: prints and records the counts, returns 1 on a failure
finish() {
  local cap=${SOFTMAX_ISA:+[SOFTMAX_ISA=$SOFTMAX_ISA]}
  echo "$1 ($2$cap): $pass passed, $fail failed"
  mkdir -p "$root/build"
  echo "$1:$2$cap $pass $fail 0" >>"$root/build/test-results.txt"
  [ "$fail" -eq 0 ]
}
