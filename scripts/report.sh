#!/usr/bin/env bash
# report.sh - what `make report` runs: softbench list, verify, edge and
# bench with the report's defaults, bench --shape (batches and threads),
# softbench bhh where its MNIST vectors are (../shared/data), then softbench
# report, into
# reports/out/<host>-<UTC date and time>/ (git-ignored). The MPFR references
# of n >= 32768 are cached in reports/out/refcache, keyed by their input
# and the reference's source, so a second run does not recompute them.
#
#   scripts/report.sh            the default run (under 5 minutes on 2 cores)
#   QUICK=1 scripts/report.sh    fewer sizes and samples (under a minute)
#   PLUGINS="a.so b.so" scripts/report.sh   your kernels too (docs/plugins.md):
#                                each command runs with --plugin for each
#
# Exit: 0 the report is written and every safe kernel passed; 1 the report is
# written and verify or edge found a failure (the report shows it); 2 an
# error (nothing written).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SOFTBENCH:-build/softbench}
quick=${QUICK:-0}
[[ ${1:-} == --quick ]] && quick=1
[[ $quick == 0 || $quick == 1 ]] || { echo "report.sh: error: QUICK must be 0 or 1" >&2; exit 2; }
[[ -x $bin ]] || { echo "report.sh: error: $bin is not built (run make)" >&2; exit 2; }
plug=()
for p in ${PLUGINS:-}; do
    [[ -f $p ]] || { echo "report.sh: error: plugin $p: no such file" >&2; exit 2; }
    plug+=(--plugin "$(readlink -f "$p")")
done

host=$(hostname -s 2>/dev/null || echo host)
out=reports/out/${host}-$(date -u +%Y%m%d-%H%M%S)
[[ $quick == 1 ]] && out+=-quick
mkdir -p reports/out
work=$(mktemp -d reports/out/.run.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [[ $quick == 1 ]]; then
    vsizes=256,1000,4096,65536,1048576
    vdata='normal;llm'
    bench_args=(-n 256,1000,4096,65536,1048576,16777216 --samples 5)
    shapes=64x32000,4096x128,1x16777216
    shape_args=(--samples 3)
else
    # bench and verify share the sizes the accuracy-speed plot picks
    vsizes=256,1000,4096,32000,65536,128256,1048576,4194304,16777216
    vdata='normal;normal:sigma=16;llm'
    bench_args=()  # bench's own default sizes: powers of two to 16M and LLM widths
    # sampling (64 rows of vocabularies), attention (4096 query rows of 4096
    # keys, causal; rows of 128), one long row split
    shapes=64x32000,64x128256,4096x4096:causal,4096x128,1x262144,1x16777216
    shape_args=()
fi

start=$SECONDS
stage() { printf '[%s/7 %3ds] %s\n' "$1" $((SECONDS - start)) "$2"; }

stage 1 "list: the kernels and their declared bounds"
"$bin" "${plug[@]}" list --json "$work/list.json" > "$work/list.txt"

stage 2 "verify: sizes $vsizes on $vdata, against the MPFR reference (log: verify.txt)"
status=0
"$bin" "${plug[@]}" verify -n "$vsizes" -d "$vdata" --cache reports/out/refcache --json "$work/verify.json" \
    --histogram "$work/histogram.csv" \
    > "$work/verify.txt" 2>&1 &
pid=$!
# a row counter where someone watches; nothing in a log
while [[ -t 1 ]] && kill -0 "$pid" 2>/dev/null; do
    printf '\r      %d rows so far' "$(grep -cE ' (ok|FAIL|xfail|peer) *$| SKIP: ' "$work/verify.txt" || true)"
    sleep 1
done
[[ -t 1 ]] && printf '\r%40s\r' ''
wait "$pid" || status=$?
[[ $status -le 1 ]] || { cat "$work/verify.txt" >&2; exit 2; }
tail -2 "$work/verify.txt" | sed 's/^/      /'
vstatus=$status

stage 3 "edge: the edge-case contract (log: edge.txt)"
status=0
"$bin" "${plug[@]}" edge --json "$work/edge.json" > "$work/edge.txt" 2>&1 || status=$?
[[ $status -le 1 ]] || { cat "$work/edge.txt" >&2; exit 2; }
tail -1 "$work/edge.txt" | sed 's/^/      /'
estatus=$status

stage 4 "bench: ${bench_args[*]:-the default sizes, powers of two to 16M and LLM widths}"
bstatus=0
"$bin" "${plug[@]}" bench "${bench_args[@]}" --json "$work/bench.json" > "$work/bench.txt" || bstatus=$?
[[ $bstatus -le 1 && -s $work/bench.json ]] || { cat "$work/bench.txt" >&2; exit 2; }

threads=$(nproc 2>/dev/null || echo 1)
stage 5 "shapes: $shapes on 1 and $threads threads"
sstatus=0
tlist=1; [[ $threads -gt 1 ]] && tlist=1,$threads
"$bin" "${plug[@]}" bench -q --shape "$shapes" --threads "$tlist" "${shape_args[@]}" --json "$work/shapes.json" \
    > "$work/shapes.txt" || sstatus=$?
[[ $sstatus -le 1 && -s $work/shapes.json ]] || { cat "$work/shapes.txt" >&2; exit 2; }

stage 6 "bhh: Blanchard, Higham and Higham's formulas on their MNIST vectors"
docs=(list verify edge bench shapes)
if "$bin" bhh --json "$work/bhh.json" --csv "$work/bhh.csv" > "$work/bhh.txt" 2>&1; then
    docs+=(bhh)
    grep -E '^fp16 +(basic|shifted|altshifted) ' "$work/bhh.txt" | sed 's/^/      /'
else
    echo "      skipped: $(tail -1 "$work/bhh.txt")"
fi

stage 7 "report: plots and tables"
files=()
for d in "${docs[@]}"; do files+=("$work/$d.json"); done
"$bin" "${plug[@]}" report --out "$work/report" "${files[@]}" > "$work/report.txt"
for d in "${docs[@]}"; do mv "$work/$d".{json,txt} "$work/report/"; done
[[ -e $work/bhh.csv ]] && mv "$work/bhh.csv" "$work/report/"
mv "$work/histogram.csv" "$work/report/"
mv "$work/report" "$out"
sed "s#$work/report#$out#" "$work/report.txt"
echo "report.sh: done in $((SECONDS - start)) s: open $out/index.html"
if [[ $vstatus -ne 0 || $estatus -ne 0 || $bstatus -ne 0 || $sstatus -ne 0 ]]; then
    echo "report.sh: verify, edge or bench found a failure; the report shows it" >&2
    exit 1
fi
