#!/usr/bin/env bash
# The hyperfine cross-check: times `softbench loop` as whole processes at two
# iteration counts per (kernel, n), so that process start and input generation
# cancel in the difference, then compares that per-call time with softbench
# bench's in-process median (softbench crosscheck).
#
# Usage: scripts/hyperfine.sh [SOFTBENCH] [OUTDIR]
#   KERNELS="scalar.threepass peer.onednn" SIZES="4096 1048576" RUNS=10
# Writes OUTDIR/hyperfine.json (hyperfine's export), OUTDIR/bench.json and
# OUTDIR/crosscheck.txt.
set -euo pipefail
sb=${1:-build/gcc/softbench}
out=${2:-build/hyperfine}
kernels=${KERNELS:-"scalar.threepass peer.onednn"}
sizes=${SIZES:-"4096 1048576"}
runs=${RUNS:-10}
command -v hyperfine >/dev/null || { echo "softbench: error: hyperfine is not installed (scripts/install-deps.sh)" >&2; exit 2; }
mkdir -p "$out"

klist=$(echo $kernels | tr ' ' ',')
nlist=$(echo $sizes | tr ' ' ',')
# bench first: its medians, and a rough rate to size the loops
"$sb" bench -q -k "$klist" -n "$nlist" --json "$out/bench.json" >/dev/null

cmds=()
for k in $kernels; do
  for n in $sizes; do
    ns=$(python3 -c "import json,sys; r=[r for r in json.load(open(sys.argv[1]))['rows'] if r['kernel']==sys.argv[2] and r['n']==int(sys.argv[3])]; print(r[0]['median_ns'])" "$out/bench.json" "$k" "$n")
    # about 0.05 s and 0.5 s of calls
    i1=$(awk -v t="$ns" 'BEGIN { i = int(0.05e9 / t); print (i < 1 ? 1 : i) }')
    i2=$((i1 * 10))
    cmds+=("$sb loop -k $k -n $n --iters $i1" "$sb loop -k $k -n $n --iters $i2")
  done
done
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/hyperfine.json" "${cmds[@]}" >/dev/null
"$sb" crosscheck "$out/hyperfine.json" "$out/bench.json" | tee "$out/crosscheck.txt"
