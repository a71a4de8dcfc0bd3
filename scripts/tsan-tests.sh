#!/usr/bin/env bash
# make tsan-tests: the thread pool and its callers under ThreadSanitizer
# (the build in BUILD made with clang -fsanitize=thread, no peers). The
# unit test programs given (those that use a pool or fork with one alive)
# run through scripts/run-tests.sh, which records their counts; then a few
# threaded command lines (batches, typed batches, the split, bench's
# thread counts, edge through the batch), each a test, recorded as
# "tsan-cli:BUILD/softbench PASSED FAILED 0". halt_on_error=1: the first
# report fails the program (exit 66). The programs run under setarch -R
# (no address randomization) where it works: clang 14's TSan stops with
# "unexpected memory mapping" when the kernel randomizes mmap with more
# bits than its shadow layout allows.
# Usage: scripts/tsan-tests.sh BUILD PROGRAM...
set -u
build=$1; shift
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1${TSAN_OPTIONS:+ $TSAN_OPTIONS}"
runner=""
if setarch "$(uname -m)" -R true 2>/dev/null; then runner="setarch $(uname -m) -R"; fi
status=0
RUNNER=$runner scripts/run-tests.sh "$build" "$@" || status=1

sb=$build/softbench
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pass=0 fail=0
# cli WHAT -- softbench arguments: exit 0 and no ThreadSanitizer report
cli() {
  local what=$1; shift 2
  $runner "$sb" "$@" >"$log" 2>&1; local rc=$?
  if [ "$rc" -eq 0 ] && ! grep -q 'ThreadSanitizer' "$log"; then pass=$((pass + 1)); return; fi
  fail=$((fail + 1))
  echo "FAIL: tsan $what: exit $rc"
  sed 's/^/  | /' "$log" | head -60
}
cli "verify shapes" -- verify -k safe --shape 70x1000,300x128 --threads 2 --mask causal,rows \
  --stride 1030 -d normal -T 1
cli "verify bf16" -- verify -k safe --shape 70x1000 --threads 2 --dtype bf16 -d normal -T 1
cli "verify split" -- verify -k scalar.threepass --shape 1x140000 --threads 3 -d normal -T 1
cli "bench shapes" -- bench -k scalar.threepass --shape 3x100,1x70000 --threads 1,2 --samples 2 \
  --min-time 0.0002 -q
# the cheap cases (nan, lanes and guard take minutes under TSan; a pool
# alive across fork is test_batch's pool_after_fork)
cli "edge through the batch" -- edge --batch -k scalar.threepass,avx2.threepass,avx512.threepass \
  -c n1,equal,masked,all-masked,pinf,huge,tails
echo "tsan-cli ($sb): $pass passed, $fail failed, 0 skipped"
mkdir -p build
echo "tsan-cli:$sb $pass $fail 0" >>build/test-results.txt
[ "$fail" -eq 0 ] || status=1
exit $status
