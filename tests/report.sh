#!/usr/bin/env bash
# Tests of softbench report, as a user would check a report: a quick one is
# built from small runs, its files exist, every SVG parses as XML, the
# numbers in the HTML and Markdown tables equal those in results.json, a
# second machine merges into a cross-machine report, and bad input leaves
# nothing behind. Usage: tests/report.sh path/to/softbench
set -u
sb=$(readlink -f "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/lib.sh
. "$root/tests/lib.sh"

for tool in gnuplot python3 xmllint; do
  command -v $tool >/dev/null || bad "$tool missing (scripts/install-deps.sh installs it)"
done

# small runs: a few kernels and sizes, so the test stays short
k=scalar.threepass,scalar.twopass,avx2.threepass,avx512.twopass,scalar.naive,peer.libm
"$sb" list --json "$tmp/list.json" >/dev/null; check "list --json" test -s "$tmp/list.json"
"$sb" verify -k $k -n 256,1000,4096 -d 'normal;normal:sigma=16' --json "$tmp/verify.json" \
    --histogram "$tmp/hist.csv" >/dev/null
check "verify --json" test -s "$tmp/verify.json"
# the error histogram: per kernel, every element of every row counted once
# (2 datasets x (256 + 1000 + 4096)), the CSV's "all" rows equal the JSON's
# and the per-dataset rows add up to them, and each element's bin is its
# error's: the accurate-to-0 count equals verify's correctly rounded fraction
python3 - "$tmp" <<'PY' && ok || bad "verify --histogram counts"
import csv, json, sys
t = sys.argv[1]
v = json.load(open(f"{t}/verify.json"))
h = v["histogram"]
assert h["edges"][:7] == [0, 0.5, 1, 2, 3, 4, 8] and h["edges"][-1] == "inf", h["edges"]
rows = list(csv.DictReader(open(f"{t}/hist.csv")))
ks = {k["kernel"]: k["counts"] for k in h["kernels"]}
# (a kernel the CPU lacks has no histogram; every one it runs has)
runs = {k["name"] for k in json.load(open(f"{t}/list.json"))["kernels"] if k["runs"]}
asked = set("scalar.threepass scalar.twopass avx2.threepass avx512.twopass scalar.naive peer.libm".split())
assert set(ks) == asked & runs, (sorted(ks), sorted(asked & runs))
for k, counts in ks.items():
    assert sum(counts) == 2 * (256 + 1000 + 4096), (k, sum(counts))
    allr = [int(r["count"]) for r in rows if r["kernel"] == k and r["dataset"] == "all"]
    assert allr == counts, (k, allr, counts)
    per = {}
    for r in rows:
        if r["kernel"] == k and r["dataset"] != "all":
            per.setdefault(int(r["bin"]), 0)
            per[int(r["bin"])] += int(r["count"])
    assert [per[j] for j in range(len(counts))] == counts, k
    cr = [x for x in v["rows"] if x["kernel"] == k]
    want0 = sum(round(x["frac_cr"] * x["n"]) for x in cr)
    assert counts[0] == want0, (k, counts[0], want0)
    # no element beyond the row's max ULP: the highest non-empty bin's lower edge is below it
    top = max(j for j, c in enumerate(counts) if c)
    mx = max(x["max_ulp"] for x in cr)
    assert top == 0 or h["edges"][top - 1] < mx <= (h["edges"][top] if top < len(counts) - 1 else float("inf")), (k, top, mx)
PY
"$sb" edge -k $k -c n1,nan,masked,huge --json "$tmp/edge.json" >/dev/null
check "edge --json" test -s "$tmp/edge.json"
"$sb" bench -q -k $k -n 256,1000,4096,2000000 --samples 3 --min-time 0.0002 --json "$tmp/bench.json" >/dev/null
check "bench --json" test -s "$tmp/bench.json"

# softbench bhh on 120 synthetic vectors of 10 (the MNIST file may be absent)
python3 - "$tmp/bhh.npy" <<'PY'
import random, struct, sys
random.seed(3)
v = [random.gauss(0, 3) + (12 if i % 10 == 0 else 0) for i in range(1200)]
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (120, 10), }"
hdr += " " * (117 - len(hdr)) + "\n"
open(sys.argv[1], "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode()
                              + struct.pack("<1200f", *v))
PY
"$sb" bhh --data "$tmp/bhh.npy" --json "$tmp/bhh.json" >/dev/null
check "bhh --json" test -s "$tmp/bhh.json"

# shapes: batches on 1 and 2 threads, one of them masked, and one row split
"$sb" bench -q -k scalar.threepass,scalar.twopass --shape 3x100:causal,1x70000 --threads 1,2 \
  --samples 3 --min-time 0.0002 --json "$tmp/shapes.json" >/dev/null
check "bench --shape --json" test -s "$tmp/shapes.json"

in=("$tmp"/{list,verify,edge,bench,bhh,shapes}.json)
"$sb" report --out "$tmp/r1" "${in[@]}" >"$tmp/out" 2>"$tmp/err"
check "report builds" test $? -eq 0
for f in index.html report.md results.json verify.csv bench.csv edge.csv recommendation.csv \
         m1-time.svg m1-time.png m1-speedup.svg m1-ulp.svg m1-sum.svg m1-pareto.svg m1-pareto.png \
         m1-hist.svg m1-hist.png m1-bhh.svg m1-bhh.png; do
  check "report has $f" test -s "$tmp/r1/$f"
done
for svg in "$tmp"/r1/*.svg; do
  check "$(basename "$svg") parses as XML" xmllint --noout "$svg"
done
check "no temporary left" test -z "$(ls "$tmp" | grep '\.tmp\.')"

# the tables against results.json: every number of the recommendation and
# kernel tables, in both HTML and Markdown
python3 - "$tmp/r1" <<'PY' && ok || bad "HTML and Markdown tables equal results.json"
import html.parser, json, math, re, sys
d = sys.argv[1]
res = json.load(open(f"{d}/results.json"))
m = res["machines"][0]
def ns(v): return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else "%.3f" % v
def g(v):  # as the report prints: %g, and non-finite as C prints them
    if v is None or v == "nan": return "-"
    return v if isinstance(v, str) else "%g" % v
def margin(r): return "-" if r.get("runner_up") is None else "%.1f%%" % r["margin_pct"]
want = {}
for r in m["recommendation"]:
    if r["kernel"] is None:
        continue
    want[(r["band"], r["budget"] != "fastest safe")] = [
        r["kernel"] + (" (a peer wins)" if r["peer"] else ""), ns(r["ns_per_elem"]),
        g(r["max_ulp"]), r["runner_up"] or "-", margin(r)]
assert len(want) >= 4, want

class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.rows = {}; s.cur = None; s.cell = None
    def handle_starttag(s, t, a):
        a = dict(a)
        if t == "tr" and "data-band" in a:
            s.cur = (a["data-band"], a["data-budget"] == "1"); s.rows[s.cur] = []
        elif t == "tr" and "data-kernel" in a:
            s.cur = a["data-kernel"]; s.rows[s.cur] = []
        elif t == "td" and s.cur is not None:
            s.cell = ""
    def handle_data(s, x):
        if s.cell is not None: s.cell += x
    def handle_endtag(s, t):
        if t == "td" and s.cell is not None:
            s.rows[s.cur].append(s.cell); s.cell = None
        elif t == "tr":
            s.cur = None
p = P(); p.feed(open(f"{d}/index.html").read())
for key, cells in want.items():
    got = p.rows[key]
    assert got[2:] == cells, (key, got, cells)
md = open(f"{d}/report.md").read()
for (band, tight), cells in want.items():
    line = [l for l in md.splitlines() if l.startswith(f"| {band} | ") and
            (("within" in l) == tight)]
    assert len(line) == 1, (band, tight, line)
    parts = [c.strip() for c in line[0].strip("|").split("|")]
    assert parts[2:] == cells, (parts, cells)
for k in m["kernels"]:
    if k["kind"] == "floor" or k["name"] not in p.rows:
        continue
    cells = p.rows[k["name"]]
    assert cells[2] == g(k["max_ulp"]) and cells[3] == g(k["worst_ratio"]) and cells[4] == g(k["max_sum_err"]), (k, cells)
    assert cells[6] == f'{k["edge_fail"]} of {k["edge_cases"]}', (k, cells)
    mdl = [l for l in md.splitlines() if l.startswith(f'| {k["name"]} |') and
           not re.match(r"\| \S+ \| \d+x\d+ \|", l)]  # not the shapes table's
    assert len(mdl) == 1 and [c.strip() for c in mdl[0].strip("|").split("|")][2] == g(k["max_ulp"]), mdl
PY

# the bhh section: every summary row of softbench bhh, its numbers as the
# report prints them (%g), in the HTML and the Markdown, and kept when the
# report is rebuilt from results.json
python3 - "$tmp/r1" "$tmp/bhh.json" <<'PY' && ok || bad "bhh table equals softbench bhh's summary"
import json, sys
d, b = sys.argv[1], json.load(open(sys.argv[2]))
html, md = open(f"{d}/index.html").read(), open(f"{d}/report.md").read()
assert "Blanchard, Higham and Higham reproduced" in html and "m1-bhh.svg" in html
keys = ["overflow", "normwise_mean", "normwise_median", "normwise_max", "ulp_median", "ulp_max",
        "worse_than_shifted", "lse_max"]
g = lambda v: "-" if v is None or v == "nan" else "%g" % v
assert len(b["summary"]) == 18
for r in b["summary"]:
    cells = [r["format"], r["variant"]] + [g(r.get(k)) for k in keys]
    assert "<tr><td>" + "</td><td>".join(cells) + "</td></tr>" in html, cells
    assert "| " + " | ".join(cells) + " |" in md, cells
res = json.load(open(f"{d}/results.json"))
assert res["machines"][0]["inputs"]["bhh"]["summary"] == b["summary"]
PY

# the shapes section: a line per kernel, shape and mask, each thread count's
# ns per element as the report prints them (%.3f) and the speedup
python3 - "$tmp/r1" "$tmp/shapes.json" <<'PY' && ok || bad "shapes table equals softbench bench --shape's rows"
import json, sys
d, s = sys.argv[1], json.load(open(sys.argv[2]))
html, md = open(f"{d}/index.html").read(), open(f"{d}/report.md").read()
assert "Shapes: batches and threads" in html and "Shapes: batches and threads" in md
lines = {}
for r in s["rows"]:
    lines.setdefault((r["kernel"], r["rows"], r["cols"], r["mask"]), {})[r["threads"]] = r["ns_per_elem"]
assert ("split", 1, 70000, "none") in lines and ("scalar.threepass", 3, 100, "causal") in lines, lines
for (k, rows, cols, mask), t in lines.items():
    cells = [k, f"{rows}x{cols}", mask, "%.3f" % t[1], "%.3f" % t[2], "%.2fx" % (t[1] / t[2])]
    assert "<tr><td>" + "</td><td>".join(cells) + "</td></tr>" in html, cells
    assert "| " + " | ".join(cells) + " |" in md, cells
PY

# the unsafe kernel is never recommended; the peer is named as one if it wins
check "naive never recommended" python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['machines'][0]['recommendation']; assert all(x['kernel'] != 'scalar.naive' for x in r)" "$tmp/r1/results.json"

# rebuilt from results.json alone, without rerunning: the same tables
"$sb" report --out "$tmp/r2" "$tmp/r1/results.json" >/dev/null 2>"$tmp/err"
check "report from results.json" test -s "$tmp/r2/index.html"
check "same recommendation when rebuilt" cmp -s "$tmp/r1/recommendation.csv" "$tmp/r2/recommendation.csv"
check "bhh section when rebuilt" grep -q "Blanchard, Higham and Higham reproduced" "$tmp/r2/report.md"
check "shapes section when rebuilt" grep -q "Shapes: batches and threads" "$tmp/r2/report.md"

# a second machine: the same results under another CPU name merge into a
# cross-machine report
sed 's/"cpu": "[^"]*"/"cpu": "Other CPU 9000"/' "$tmp/r1/results.json" >"$tmp/other.json"
"$sb" report --out "$tmp/r3" "$tmp/r1/results.json" "$tmp/other.json" >/dev/null 2>"$tmp/err"
check "cross-machine report" test -s "$tmp/r3/cross.svg"
check "cross svg parses" xmllint --noout "$tmp/r3/cross.svg"
check "two machines in the HTML" grep -q "Other CPU 9000" "$tmp/r3/index.html"
check "cross table in Markdown" grep -q "^## Across machines" "$tmp/r3/report.md"
check "two machines in results.json" python3 -c "import json,sys; assert len(json.load(open(sys.argv[1]))['machines']) == 2" "$tmp/r3/results.json"

# the golden report: results of an earlier build (tests/data/report-v1, the
# results format of 2026-12-07) give the same tables, CSVs and plot data as
# that build wrote, whether read as the commands' files or as the report's
# results.json; and with a second machine, the same cross-machine table
fx=$root/tests/data/report-v1
same_as() {  # same_as WHAT DIR EXPECTED: every expected file, byte for byte
  local f miss=""
  for f in $(cd "$3" && find . -type f | sort); do
    cmp -s "$2/$f" "$3/$f" || miss+=" ${f#./}"
  done
  if [ -z "$miss" ]; then ok; else bad "$1 differs in:$miss"; fi
}
"$sb" report --out "$tmp/g1" "$fx"/{list,verify,edge,bench,shapes,bhh}.json >/dev/null 2>"$tmp/err"
check "report from the v1 files" test $? -eq 0
same_as "report from the v1 files" "$tmp/g1" "$fx/expected/one"
"$sb" report --out "$tmp/g2" "$fx/results.json" >/dev/null 2>"$tmp/err"
check "report from the v1 results.json" test $? -eq 0
same_as "report from the v1 results.json" "$tmp/g2" "$fx/expected/one"
mkdir -p "$tmp/fx2"
for d in list verify edge bench; do
  sed 's/"AMD EPYC"/"Test CPU B"/g' "$fx/$d.json" >"$tmp/fx2/$d.json"
done
"$sb" report --out "$tmp/g3" "$fx"/{list,verify,edge,bench,shapes,bhh}.json "$tmp"/fx2/{list,verify,edge,bench}.json \
  >/dev/null 2>"$tmp/err"
check "two-machine report from the v1 files" test $? -eq 0
same_as "two-machine report from the v1 files" "$tmp/g3" "$fx/expected/two"

# verify's skipped status, "skip" in format-1 files and "SKIP" since: both
# spellings give the same report, and one that is not a skip
python3 - "$fx/verify.json" "$tmp" <<'PY'
import json, sys
for name, st in (("lower", "skip"), ("upper", "SKIP")):
    d = json.load(open(sys.argv[1]))
    for r in d["rows"]:
        if r["kernel"].startswith("avx512."):
            r["status"] = st
    json.dump(d, open(f"{sys.argv[2]}/verify-{name}.json", "w"))
PY
cp "$fx/verify.json" "$tmp/verify-none.json"
for c in lower upper none; do
  "$sb" report --out "$tmp/sk-$c" "$fx"/{list,edge,bench}.json "$tmp/verify-$c.json" >/dev/null 2>&1
done
check "skip and SKIP read alike" cmp -s "$tmp/sk-lower/report.md" "$tmp/sk-upper/report.md"
check "a skipped row is not a verified one" test -n "$(cmp "$tmp/sk-upper/report.md" "$tmp/sk-none/report.md" 2>&1)"

# bad input: one error line, exit 2, nothing written
expect_bad() {
  local what=$1; shift
  "$sb" report --out "$tmp/bad" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^softbench: error: ' "$tmp/err" &&
     [ ! -e "$tmp/bad" ] && [ -z "$(ls "$tmp" | grep '\.tmp\.')" ]; then ok
  else bad "$what: exit $rc"; sed 's/^/  | /' "$tmp/err" | head -3; fi
}
echo '{"rows": [' >"$tmp/broken.json"
expect_bad "malformed JSON" "$tmp/broken.json"
echo '{"softbench": {"command": "loop"}}' >"$tmp/other-cmd.json"
expect_bad "not a result" "$tmp/other-cmd.json"
expect_bad "no bench" "$tmp/list.json" "$tmp/verify.json"
expect_bad "two benches for one machine" "${in[@]}" "$tmp/bench.json"
expect_bad "no files"
expect_bad "bad budget" --ulp-budget -1 "${in[@]}"
python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
b = json.load(open(f"{t}/bench.json"))
b["rows"][0]["kernel"] = 'k"; system("touch ' + t + '/PWNED"); x="'
json.dump(b, open(f"{t}/bench-inject.json", "w"))
b = json.load(open(f"{t}/bench.json")); b["rows"] = []
json.dump(b, open(f"{t}/bench-empty.json", "w"))
b = json.load(open(f"{t}/bench.json")); b["rows"][0]["n"] = 1e30
json.dump(b, open(f"{t}/bench-hugen.json", "w"))
v = json.load(open(f"{t}/verify.json")); v["histogram"]["kernels"][0]["counts"].pop()
json.dump(v, open(f"{t}/verify-shorthist.json", "w"))
v = json.load(open(f"{t}/verify.json")); v["histogram"]["kernels"][0]["counts"][3] = -1
json.dump(v, open(f"{t}/verify-neghist.json", "w"))
v = json.load(open(f"{t}/verify.json")); del v["histogram"]
json.dump(v, open(f"{t}/verify-nohist.json", "w"))
e = json.load(open(f"{t}/edge.json")); del e["cases"][0]["results"][0]["status"]
json.dump(e, open(f"{t}/edge-nostatus.json", "w"))
e = json.load(open(f"{t}/edge.json")); e["kernels"].append("extra.kernel")
json.dump(e, open(f"{t}/edge-extra.json", "w"))
PY
expect_bad "gnuplot injection in a name" "$tmp"/{list,verify,edge}.json "$tmp/bench-inject.json"
check "nothing injected" test ! -e "$tmp/PWNED"
expect_bad "empty bench" "$tmp"/{list,verify,edge}.json "$tmp/bench-empty.json"
expect_bad "huge n" "$tmp"/{list,verify,edge}.json "$tmp/bench-hugen.json"
expect_bad "edge result without a status" "$tmp"/{list,verify,bench}.json "$tmp/edge-nostatus.json"
expect_bad "edge with more kernels than results" "$tmp"/{list,verify,bench}.json "$tmp/edge-extra.json"
expect_bad "a histogram row of the wrong length" "$tmp"/{list,edge,bench}.json "$tmp/verify-shorthist.json"
expect_bad "a negative histogram count" "$tmp"/{list,edge,bench}.json "$tmp/verify-neghist.json"
"$sb" report --out "$tmp/r4" "$tmp"/{list,edge,bench}.json "$tmp/verify-nohist.json" >/dev/null 2>&1
check "older verify results without a histogram still report" test -s "$tmp/r4/index.html"
check "and draw no histogram" test ! -e "$tmp/r4/m1-hist.svg"
expect_bad "a baseline kernel not benched" --baseline nosuch.kernel "${in[@]}"
expect_bad "missing scripts" --scripts "$tmp/none" "${in[@]}"
"$sb" report --out "$tmp/r1" "${in[@]}" >/dev/null 2>"$tmp/err"
check "an existing folder is refused" test $? -eq 2

# CSV fields are escaped: a dataset named with quotes and commas (a user's
# file name can be) reads back whole from verify.csv
python3 - "$tmp/verify.json" "$tmp/verify-q.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["rows"]:
    r["dataset"] = 'my "logits", v2'
json.dump(d, open(sys.argv[2], "w"))
PY
"$sb" report --out "$tmp/rq" "$tmp/list.json" "$tmp/verify-q.json" "$tmp/bench.json" >/dev/null 2>"$tmp/err"
check "a report from a quoted dataset name" test $? -eq 0
check "verify.csv keeps the quoted name whole" python3 -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and all(r['dataset'] == 'my \"logits\", v2' and r['n'] for r in rows), rows[:1]" "$tmp/rq/verify.csv"

# a histogram that names a kernel the verify rows do not (a hand-merged
# file): the report draws it as a kernel, and reads no freed memory (the
# sanitizer pass runs this too)
python3 - "$tmp/verify.json" "$tmp/verify-h.json" <<'PY'
import copy, json, sys
d = json.load(open(sys.argv[1]))
extra = copy.deepcopy(d["histogram"]["kernels"][0])
extra["kernel"] = "scalar.extra"
d["histogram"]["kernels"].append(extra)
json.dump(d, open(sys.argv[2], "w"))
PY
"$sb" report --out "$tmp/rh" "$tmp/list.json" "$tmp/verify-h.json" "$tmp/bench.json" >/dev/null 2>"$tmp/err"
check "a report whose histogram names an extra kernel" test $? -eq 0
check "which its histogram plot lists" grep -q 'scalar.extra' "$tmp/rh/data/m1-hist.gp"

# the reference cache: a second verify reads it, a different input misses it
"$sb" verify -k scalar.threepass -n 40000 -d normal --cache "$tmp/cache" >"$tmp/out"
check "cache computed" grep -q "1 computed, 0 read" "$tmp/out"
"$sb" verify -k scalar.threepass -n 40000 -d normal --cache "$tmp/cache" >"$tmp/out2"
check "cache read" grep -q "0 computed, 1 read" "$tmp/out2"
check "same rows from the cache" cmp -s <(grep '^scalar' "$tmp/out") <(grep '^scalar' "$tmp/out2")
"$sb" verify -k scalar.threepass -n 40000 -d normal --seed 2 --cache "$tmp/cache" >"$tmp/out"
check "another seed misses" grep -q "1 computed, 0 read" "$tmp/out"
# an entry altered on disk is never believed: in its stored input, or in its
# stored output (past the header and the 40000 input floats)
for f in "$tmp"/cache/*.ref; do printf '\x01' | dd of="$f" bs=1 seek=200 conv=notrunc 2>/dev/null; done
"$sb" verify -k scalar.threepass -n 40000 -d normal --cache "$tmp/cache" >"$tmp/out"
check "altered input recomputed" grep -q "1 computed, 0 read" "$tmp/out"
for f in "$tmp"/cache/*.ref; do printf '\x01' | dd of="$f" bs=1 seek=200000 conv=notrunc 2>/dev/null; done
"$sb" verify -k scalar.threepass -n 40000 -d normal --cache "$tmp/cache" >"$tmp/out"
check "altered output recomputed" grep -q "1 computed, 0 read" "$tmp/out"
check "and still right" grep -q "0 FAIL" "$tmp/out"

finish report "$sb"
