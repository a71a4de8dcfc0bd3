#!/usr/bin/env bash
# make test's regression gate: softbench check against the committed
# baseline, for the deterministic figures only (accuracy, the contract,
# instruction counts; times belong to `softbench check` on a quiet machine).
# Records "gate:BASELINE passed failed 0" in build/test-results.txt.
# Usage: scripts/check-gate.sh path/to/softbench tests/baseline.json
set -u
sb=$1 base=$2
"$sb" check --baseline "$base" --no-time
rc=$?
mkdir -p build
if [ $rc -eq 0 ]; then echo "gate:$base 1 0 0"; else echo "gate:$base 0 1 0"; fi >>build/test-results.txt
[ $rc -eq 0 ] || echo "FAILED: softbench check against $base (exit $rc; rewrite it with 'make baseline' only for an intended change)"
exit $rc
