#!/usr/bin/env bash
# End-to-end tests of the softbench command line: exit codes, error lines,
# output files and round trips. Usage: tests/cli.sh path/to/softbench
set -u
sb=$(readlink -f "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skipped=0

ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }
# slow WHAT: true where the slow checks run; with SOFTBENCH_SLOW_TESTS=0 (make
# test's repeated passes) a SKIP line, counted, and false
slow() {
  [ "${SOFTBENCH_SLOW_TESTS:-1}" != 0 ] && return 0
  skipped=$((skipped + 1)); echo "SKIP $1: slow, run once by make test's first gcc pass"; return 1
}
# expect CODE DESCRIPTION -- command...: runs it, checks the exit code;
# output in $tmp/out, errors in $tmp/err
expect() {
  local want=$1 what=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "$what: exit $got, wanted $want"; sed 's/^/  | /' "$tmp/err" | head -5; fi
}
has()  { if grep -q -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(basename "$1")"; fi; }
one_error_line() {
  if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^softbench: error: ' "$tmp/err"; then ok
  else bad "$1: wanted one 'softbench: error:' line"; sed 's/^/  | /' "$tmp/err" | head -5; fi
}
absent() { if [ -e "$1" ] || ls "$(dirname "$1")" | grep -q '\.tmp\.'; then bad "$2: $1 or a temporary left behind"; else ok; fi; }

# --- the command itself
expect 2 "no command" -- "$sb"; one_error_line "no command"
expect 2 "unknown command" -- "$sb" frobnicate; one_error_line "unknown command"
expect 0 "help" -- "$sb" --help; has "$tmp/out" verify "help"

# --- list
expect 0 "list" -- "$sb" list
for k in scalar.naive scalar.threepass scalar.twopass scalar.online; do has "$tmp/out" "$k" "list"; done
has "$tmp/out" "UNSAFE" "list marks naive"
if grep -q "^avx512.threepass .*; batches natively$" "$tmp/out" && ! grep -q "^scalar.threepass .*batches natively" "$tmp/out"
then ok; else bad "list marks the kernels with a native batched entry"; fi
expect 0 "list --json" -- "$sb" list --json "$tmp/list.json"
if python3 - "$tmp/list.json" <<'PY'; then ok; else bad "list --json: batched"; fi
import json, sys
k = {r["name"]: r for r in json.load(open(sys.argv[1]))["kernels"]}
assert k["avx2.threepass"]["batched"] == "native" and k["avx512.threepass"]["batched"] == "native"
assert k["scalar.threepass"]["batched"] == "adapter" and k["avx512.twopass"]["batched"] == "adapter"
PY
for k in scalar.log_threepass avx2.log_online avx512.log_accurate; do has "$tmp/out" "$k" "list log"; done
# the peers are built exactly when their headers and libraries are installed
# (found here by path, not by scripts/configure.sh's compiler probe), except
# in a sanitizer build, which leaves them out and says so
found() { ls /usr/include/"$1" >/dev/null 2>&1 && ls /usr/lib/*/"$2" /usr/lib/"$2" 2>/dev/null | grep -q .; }
want=""
found oneapi/dnnl/dnnl.h libdnnl.so && want="$want peer.onednn"
found xnnpack.h libXNNPACK.so && found pthreadpool.h libpthreadpool.so && want="$want peer.xnnpack"
python3 - "$tmp/list.json" "$want" <<'PY' && ok || bad "list --json: peers built when installed (installed:$want)"
import json, sys
d = json.load(open(sys.argv[1]))
built = {r["name"] for r in d["kernels"] if r["peer"] and r["runs"]}
missing = {r["name"]: r["reason"] for r in d["peers_missing"]}
assert built.isdisjoint(missing) and "peer.libm" in built, (built, missing)
assert built | set(missing) == {"peer.libm", "peer.onednn", "peer.xnnpack"}, (built, missing)
if "-fsanitize" in d["build"]["cflags"]:
    assert set(missing) == {"peer.onednn", "peer.xnnpack"}, missing
    assert all("sanitizer" in why for why in missing.values()), missing
else:
    want = set(sys.argv[2].split())
    assert built - {"peer.libm"} == want, (built, want)
    assert all("absent at build time" in why for why in missing.values()), missing
PY
expect 2 "bad SOFTMAX_ISA" -- env SOFTMAX_ISA=sse9 "$sb" list; one_error_line "bad SOFTMAX_ISA"
expect 0 "SOFTMAX_ISA=scalar" -- env SOFTMAX_ISA=scalar "$sb" list; has "$tmp/out" "usable ISA: scalar" "ISA cap"
expect 0 "datasets" -- "$sb" datasets; has "$tmp/out" "^normal" "datasets"

# --- edge: the contract
expect 0 "edge" -- "$sb" edge
has "$tmp/out" "0 FAIL of safe kernels" "edge summary"
grep '^huge ' "$tmp/out" | grep -q 'fail\*' && ok || bad "naive shown failing the huge case"
expect 0 "edge one case" -- "$sb" edge -k scalar.threepass -c nan,pinf
[ "$(grep -c ' pass ' "$tmp/out")" -eq 2 ] && ok || bad "edge -c runs two cases"
expect 1 "edge with a bound too tight" -- "$sb" edge -k scalar.threepass -c tails,nan --bound-scale 0.001
has "$tmp/out" "scalar.threepass tails: " "failure shown with its output"
grep '^nan ' "$tmp/out" | grep -q pass && ok || bad "exact rows do not depend on the bound"
expect 2 "edge unknown case" -- "$sb" edge -c nope; one_error_line "edge unknown case"
# the contract through softmax_batch on 2 threads: masked, all-masked and
# special inputs on 65536 elements of repeated rows at a stride (the guard
# case, a fork per size, takes 9 s of it and is left to edge itself)
cases=$("$sb" edge --help | awk '/^  [a-z]/ {print $1}' | grep -vx guard | paste -sd, -)
expect 0 "edge through the batch" -- "$sb" edge --batch -k scalar.threepass,avx2.threepass,avx512.threepass -c "$cases"
has "$tmp/out" "0 FAIL of safe kernels" "edge --batch summary"

# --- a kernel the CPU (here: the cap) cannot run is a visible SKIP, never a pass
expect 0 "skip under a cap" -- env SOFTMAX_ISA=scalar "$sb" verify -k avx512.threepass,scalar.threepass -n 10 -d normal
has "$tmp/out" "SKIP: needs avx512" "SKIP line names the ISA"
has "$tmp/out" "1 skipped" "skip counted"
# the same spelling in the files; median_ulp there too (docs/columns.md)
expect 0 "skip under a cap, files" -- env SOFTMAX_ISA=scalar "$sb" verify -k avx512.threepass,scalar.threepass \
  -n 10 -d normal --json "$tmp/vskip.json" --csv "$tmp/vskip.csv"
python3 - "$tmp/vskip.json" "$tmp/vskip.csv" <<'PY' && ok || bad "verify files: SKIP status, median_ulp"
import csv, json, sys
rows = json.load(open(sys.argv[1]))["rows"]
assert [r["status"] for r in rows] == ["SKIP", "ok"], rows
assert 0 <= rows[1]["median_ulp"] <= rows[1]["max_ulp"], rows
c = list(csv.DictReader(open(sys.argv[2])))
assert [r["status"] for r in c] == ["SKIP", "ok"] and float(c[1]["median_ulp"]) == rows[1]["median_ulp"]
PY
expect 0 "edge skip under a cap" -- env SOFTMAX_ISA=scalar "$sb" edge -k avx512.twopass -c n1
has "$tmp/out" "SKIP" "edge shows SKIP"

# --- verify
ours=scalar.naive,scalar.threepass,scalar.twopass,scalar.online
expect 0 "verify small" -- "$sb" verify -k $ours -n 0-20,1000 -d normal -T 1,0.5
has "$tmp/out" "0 FAIL" "verify summary"
[ "$(grep -c ' ok$' "$tmp/out")" -eq $((22 * 2 * 4)) ] && ok || bad "verify: wanted 176 ok rows"
# shapes: every safe kernel through softmax_batch on 2 threads, rows strided
# (NaN in the padding), causal and with fully masked rows (NaN out)
expect 0 "verify shapes" -- "$sb" verify -k safe --shape 70x1000,300x128 --threads 2 --mask causal,rows \
  --stride 1030 -d "normal;llm" -T 1,0.5 --json "$tmp/vs.json"
python3 - "$tmp/vs.json" "$tmp/list.json" <<'PY' && ok || bad "verify shapes: a row per kernel, shape and T, ok where the CPU runs the kernel"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
runs = {k["name"]: k["runs"] for k in json.load(open(sys.argv[2]))["kernels"]}
assert len(rows) >= 8 * 8, len(rows)
assert all(r["status"] == ("ok" if runs[r["kernel"]] else "SKIP") for r in rows), rows
assert {r["rows"] for r in rows} == {70, 300} and all("causal,rows strided" in r["dataset"] for r in rows)
PY
# one row: softmax_split judged too, as 'split', ok on 3 threads (its
# two-pass form, from 2M elements on AVX-512, is held to MPFR at smaller
# sizes in tests/test_batch.c)
expect 0 "verify split" -- "$sb" verify -k scalar.threepass --shape 1x140000 --threads 3 \
  -d "normal;llm" -T 1,0.7 --json "$tmp/vsp.json" --histogram "$tmp/vsp.csv"
python3 - "$tmp/vsp.json" "$tmp/vsp.csv" <<'PY' && ok || bad "verify split: a split row per dataset and T, ok"
import json, sys
d = json.load(open(sys.argv[1]))
split = [r for r in d["rows"] if r["kernel"] == "split"]
assert len(split) == 4 and all(r["status"] == "ok" and r["n"] == 140000 for r in split), split
assert "split" in {h["kernel"] for h in d["histogram"]["kernels"]}
assert any(line.startswith("split,") for line in open(sys.argv[2]))
PY
# bf16 and fp16: inputs rounded to the type, outputs float or the type
for t in bf16 f16; do
  for out in f32 $t; do
    expect 0 "verify $t -> $out" -- "$sb" verify -k safe --shape 70x1000 --threads 2 --mask causal,rows \
      -d "normal;underflow" --dtype $t --out $out --json "$tmp/vt.json"
    python3 - "$tmp/vt.json" "$t" "$out" "$tmp/list.json" <<'PY' && ok || bad "verify $t -> $out: ok where the CPU runs the kernel, correctly rounded in a 16-bit output"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
t, out = sys.argv[2], sys.argv[3]
runs = {k["name"]: k["runs"] for k in json.load(open(sys.argv[4]))["kernels"]}
assert rows and all(f"{t}->{out}" in r["dataset"] for r in rows)
assert all(r["status"] == ("ok" if runs[r["kernel"]] else "SKIP") for r in rows), rows
rows = [r for r in rows if r["status"] == "ok"]
assert {r["kernel"] for r in rows} >= {"scalar.threepass", "scalar.accurate"}
if out != "f32":  # ULP of the 16-bit type: within half of one, nearly always exact
    assert all(r["max_ulp"] <= 1.0 and r["frac_cr"] >= 0.99 for r in rows), rows
PY
  done
done
expect 2 "verify out type" -- "$sb" verify --shape 4x100 --dtype bf16 --out f16; one_error_line "verify out type"
expect 2 "verify dtype without shape" -- "$sb" verify --dtype f16 -n 10; one_error_line "verify dtype without shape"
expect 2 "verify dtype name" -- "$sb" verify --shape 4x100 --dtype fp8; one_error_line "verify dtype name"
expect 2 "verify stride below cols" -- "$sb" verify --shape 4x100 --stride 99; one_error_line "verify stride below cols"
expect 2 "verify threads without shape" -- "$sb" verify --threads 2 -n 10; one_error_line "verify threads without shape"
expect 2 "verify shape and n" -- "$sb" verify --shape 4x100 -n 10; one_error_line "verify shape and n"
expect 2 "verify mask" -- "$sb" verify --shape 4x100 --mask diagonal; one_error_line "verify mask"
expect 0 "naive shown failing" -- "$sb" verify -k scalar.naive,scalar.threepass -d "uniform:a=80,b=120" -n 10,100
has "$tmp/out" "xfail" "naive overflow is an expected failure"
grep 'scalar.naive' "$tmp/out" | grep -q ' inf .* xfail$' && ok || bad "naive's overflow shown as an infinite error"
expect 1 "bound too tight" -- "$sb" verify -k scalar.threepass -d "normal:sigma=16" -n 1000 --bound-scale 0.01
has "$tmp/err" "FAIL scalar.threepass on normal(mu=0,sigma=16) n=1000" "failure named"
# --round: the kernels alone in another rounding mode (softmax.h, "Rounding
# modes"): downward and toward zero every safe kernel keeps its bound, and
# upward the scalar ones but scalar.accurate, and every log kernel but the
# naive one; upward, scalar.accurate gives 2^-149 for a -inf entry, not 0
# (so it, and the vector softmax kernels, need round-to-nearest)
logk=$("$sb" list | awk '/^[a-z0-9]+\.log_/ && !/log_naive/ {print $1}' | paste -sd, -)
for m in downward towardzero; do
  expect 0 "verify --round $m: every safe kernel within its bound" -- \
    "$sb" verify --round $m -k safe -n 1-9,17,100,1000 --json "$tmp/round.json"
  has "$tmp/out" "kernels rounding $m" "verify --round $m says so"
  python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["round"] == sys.argv[2]' \
    "$tmp/round.json" $m && ok || bad "verify --round $m: the mode in --json"
done
expect 0 "verify --round upward: the scalar kernels and the log kernels" -- \
  "$sb" verify --round upward -k scalar.threepass,scalar.twopass,scalar.online,$logk -n 1-9,17,100,1000
expect 1 "verify --round upward: scalar.accurate needs nearest" -- \
  "$sb" verify --round upward -k scalar.accurate -d attention -n 100,1000
expect 0 "verify --round nearest is the default" -- \
  "$sb" verify --round nearest -k scalar.accurate -d attention -n 100,1000
expect 2 "verify --round unknown" -- "$sb" verify --round sideways -n 10; one_error_line "verify --round unknown"
expect 2 "verify --round with --shape" -- "$sb" verify --round upward --shape 4x100
one_error_line "verify --round with --shape"
expect 0 "csv and json" -- "$sb" verify -k $ours -n 5,50 -d "equal;uniform" --csv "$tmp/v.csv" --json "$tmp/v.json"
[ "$(wc -l <"$tmp/v.csv")" -eq $((1 + 2 * 2 * 4)) ] && ok || bad "csv rows"
if command -v python3 >/dev/null; then
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['rows'])==16 and d['summary']['fail']==0 and d['rows'][0]['kernel']=='scalar.naive'" "$tmp/v.json" && ok || bad "json parses with 16 rows"
fi
expect 2 "unknown kernel" -- "$sb" verify -k scalar.nope; one_error_line "unknown kernel"
expect 2 "n out of range" -- "$sb" verify -n 999999999999; one_error_line "n out of range"; has "$tmp/err" "out of range" "n range message"
expect 2 "n not a number" -- "$sb" verify -n 12x; one_error_line "n not a number"
expect 2 "T zero" -- "$sb" verify -T 0; one_error_line "T zero"
expect 2 "T nan" -- "$sb" verify -T nan; one_error_line "T nan"
expect 2 "unknown dataset" -- "$sb" verify -d gauss; one_error_line "unknown dataset"
expect 2 "unknown option" -- "$sb" verify --frob; one_error_line "unknown option"
expect 2 "missing value" -- "$sb" verify -k; one_error_line "missing value"
expect 2 "empty size list" -- "$sb" verify -n ,; one_error_line "empty size list"
expect 2 "empty dataset list" -- "$sb" verify -d ";"; one_error_line "empty dataset list"
expect 2 "T overflows" -- "$sb" verify -T 1e39; one_error_line "T overflows"; has "$tmp/err" "beyond float range" "T range message"
expect 2 "T underflows" -- "$sb" verify -T 1e-50; one_error_line "T underflows"
expect 2 "parameter out of range" -- "$sb" verify -d "tiny:ulps=1e12"; one_error_line "parameter out of range"; has "$tmp/err" "outside" "range named"
expect 2 "llm top out of range" -- "$sb" datasets --write "llm:top=1e30" -n 5 "$tmp/t.npy"; one_error_line "llm top"
expect 2 "unwritable csv" -- "$sb" verify -n 3 -d equal --csv "$tmp/no/such/dir/v.csv"; one_error_line "unwritable csv"
# inputs aimed at the accurate kernels' reasoning (x - max not a float, outputs
# near a float midpoint, outputs at the subnormal threshold): every accurate
# kernel within its 1 ULP, while the three-pass kernel, which rounds x - max,
# shows that the inputs bite
expect 0 "accurate kernels on adversarial inputs" -- "$sb" verify -k scalar.accurate,avx2.accurate,avx512.accurate,scalar.threepass \
  -n 1000,65536 -d "inexact;midpoint;underflow:lo=-88.5,hi=-86" --json "$tmp/adv.json"
python3 - "$tmp/adv.json" <<'PY' && ok || bad "adversarial inputs: accurate within 1 ULP, three-pass stressed"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
acc = [r for r in rows if r["kernel"].endswith(".accurate") and r["status"] != "SKIP"]
assert len(acc) >= 6 and all(r["status"] == "ok" and r["max_ulp"] <= 1 for r in acc), acc
assert all(r["frac_cr"] >= 0.99 for r in acc), [r["frac_cr"] for r in acc]
tp = {r["dataset"].split("(")[0]: r["max_ulp"] for r in rows if r["kernel"] == "scalar.threepass" and r["n"] == 65536}
assert tp["inexact"] >= 4 and tp["midpoint"] >= 4, tp
PY
# log-softmax: every log kernel within its bound against the log reference
# (the accurate ones correctly rounded here), the two-pass kernel as accurate
# as three-pass at T = 1 (its sum's arguments exact) and not at T = 0.3 on
# large logits (x/T rounded), and the log of a softmax (logof.K) infinitely
# wrong where probabilities underflow, where the log kernel stays within a
# few units
expect 0 "log kernels" -- "$sb" verify -k log,logof.avx2.threepass,logof.scalar.threepass -n 1,100,32000 \
  -d "normal:sigma=16;underflow;llm;uniform:a=80,b=120;huge:mag=1e30" -T 1,0.3 --json "$tmp/log.json"
python3 - "$tmp/log.json" <<'PY' && ok || bad "log kernels: bounds, accuracy, stability"
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["rows"] if r["status"] != "SKIP"]
mu = lambda r: float(r["max_ulp"])
logk = [r for r in rows if ".log_" in r["kernel"]]
assert len(logk) >= 60 and all(r["status"] in ("ok", "xfail") for r in logk)
assert all(r["status"] == "ok" for r in logk if r["kernel"] != "scalar.log_naive")
acc = [r for r in logk if r["kernel"].endswith("log_accurate")]
assert acc and all(mu(r) == 0 and r["frac_cr"] == 1 for r in acc), acc
def worst(k, ds, T=None):
    return max(mu(r) for r in rows if r["kernel"] == k and r["dataset"].startswith(ds)
               and (T is None or abs(r["T"] - T) < 1e-6))
for k in ("scalar.log_twopass", "avx2.log_twopass", "avx512.log_twopass"):
    if any(r["kernel"] == k for r in rows):
        assert worst(k, "", 1) <= 4, k
assert worst("scalar.log_twopass", "uniform", 0.3) > 4 * max(1, worst("scalar.log_threepass", "uniform", 0.3))
for ds in ("underflow", "normal(mu=0,sigma=16)"):
    assert worst("logof.scalar.threepass", ds) == float("inf"), ds
    assert worst("scalar.log_threepass", ds) <= 4, ds
PY
expect 0 "log edge" -- "$sb" edge -k log
has "$tmp/out" "0 FAIL of safe kernels" "log edge summary"
expect 1 "log bound too tight" -- "$sb" verify -k scalar.log_twopass -d "uniform:a=80,b=120" -n 1000 -T 0.3 --bound-scale 0.001
expect 2 "unwritable histogram" -- "$sb" verify -n 3 -d equal --histogram "$tmp/no/such/dir/h.csv"; one_error_line "unwritable histogram"
expect 2 "histogram without a file" -- "$sb" verify -n 3 -d equal --histogram; one_error_line "histogram without a file"
# a failed verify leaves no histogram behind (a bad dataset file, read after the outputs are opened)
expect 2 "bad dataset with a histogram" -- "$sb" verify -n 3 -d "file:$tmp/none.npy" --histogram "$tmp/h-bad.csv"
[ ! -e "$tmp/h-bad.csv" ] && ok || bad "a failed verify left its histogram"

# --- bench (no timing is asserted: only the shape of what it writes)
expect 0 "bench small" -- "$sb" bench -k scalar.threepass -n 100,1000 --samples 3 --min-time 0.0002 -q --json "$tmp/b.json" --csv "$tmp/b.csv"
[ ! -s "$tmp/err" ] && ok || bad "bench -q writes nothing on stderr"
has "$tmp/out" "floor.rw" "floors measured beside the kernels"
has "$tmp/out" "reference cycles" "TSC cycles labelled"
if command -v python3 >/dev/null; then
  python3 - "$tmp/b.json" <<'PY' && ok || bad "bench JSON schema"
import json, sys
d = json.load(open(sys.argv[1]))
m = d["machine"]
for key in ["cpu", "family", "model", "flags", "isa_usable", "cores", "cache_bytes", "tsc_hz",
            "compiler", "cflags", "commit", "date", "os"]:
    assert key in m, key
p = d["params"]
for key in ["dataset", "seed", "T", "cold", "pinned_cpu", "samples", "isa", "bytes_per_element", "kernels", "skipped"]:
    assert key in p, key
rows = d["rows"]
assert {r["kernel"] for r in rows} == {"scalar.threepass", "floor.read", "floor.rw"}
assert len(rows) == 6
for r in rows:
    assert r["kind"] in ("kernel", "floor")
    assert r["samples"] == 3 and len(r["per_call_ns"]) == 3
    assert 0 < r["min_ns"] <= r["median_ns"] <= r["max_ns"]
    assert r["bytes_per_elem"] == (4 if r["kernel"] == "floor.read" else 8)
    assert abs(r["gb_per_s"] - r["bytes_per_elem"] * r["n"] / r["median_ns"]) < 1e-6 * r["gb_per_s"] + 1e-9
    assert abs(r["ns_per_elem"] * r["n"] - r["median_ns"]) < 1e-6 * r["median_ns"]
PY
fi
[ "$(wc -l <"$tmp/b.csv")" -eq 7 ] && ok || bad "bench CSV: header and 6 rows"
expect 0 "bench cold pinned" -- "$sb" bench -k scalar.online -n 1000 --samples 2 --cold --pin 0 -q --json "$tmp/c.json"
python3 -c 'import json, sys; p = json.load(open(sys.argv[1]))["params"]
assert p["cold"] is True and p["pinned_cpu"] == 0, p' "$tmp/c.json" && ok || bad "cold and pinning recorded"
expect 0 "bench isa cap" -- "$sb" bench -k scalar.threepass -n 16 --samples 1 --isa scalar -q
has "$tmp/out" "usable ISA scalar" "cap shown"
expect 2 "bench samples 0" -- "$sb" bench --samples 0; one_error_line "bench samples 0"
expect 2 "bench min-time" -- "$sb" bench --min-time x; one_error_line "bench min-time"
expect 2 "bench isa" -- "$sb" bench --isa sse9; one_error_line "bench isa"
expect 2 "bench two T" -- "$sb" bench -T 1,2; one_error_line "bench two T"
expect 2 "bench pin" -- "$sb" bench --pin 100000; one_error_line "bench pin"
expect 0 "loop" -- "$sb" loop -k scalar.twopass -n 100 --iters 3
expect 2 "loop without iters" -- "$sb" loop -k scalar.twopass -n 10; one_error_line "loop without iters"
expect 2 "loop extra argument" -- "$sb" loop -k scalar.twopass -n 10 --iters 2 extra; one_error_line "loop extra argument"
expect 2 "loop capped kernel" -- env SOFTMAX_ISA=scalar "$sb" loop -k avx512.threepass -n 10 --iters 2; one_error_line "loop capped kernel"
expect 0 "bench a floor by name" -- "$sb" bench -k floor.rw -n 64 --samples 1 -q
# shapes: batches through the pool, one row also through the split
expect 0 "bench shapes" -- "$sb" bench -k scalar.threepass --shape 3x100,1x70000 --threads 1,2 --mask causal \
  --samples 2 --min-time 0.0002 -q --json "$tmp/sh.json" --csv "$tmp/sh.csv"
python3 - "$tmp/sh.json" <<'PY' && ok || bad "bench shapes JSON: kernel, floors and split rows per thread count"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["params"]["mask"] == "causal", d["params"]
rows = {(r["kernel"], r["rows"], r["cols"], r["threads"]) for r in d["rows"]}
for t in (1, 2):
    assert ("scalar.threepass", 3, 100, t) in rows and ("floor.rw", 1, 70000, t) in rows, rows
    assert ("split", 1, 70000, t) in rows and ("split", 3, 100, t) not in rows, rows
assert all(r["median_ns"] > 0 for r in d["rows"])
PY
[ "$(wc -l <"$tmp/sh.csv")" -eq 15 ] && ok || bad "bench shapes CSV: header and 14 rows"
expect 2 "bench empty shape" -- "$sb" bench --shape 8x0; one_error_line "bench empty shape"
expect 2 "bench shape and n" -- "$sb" bench --shape 8x10 -n 5; one_error_line "bench shape and n"
expect 2 "bench threads 0" -- "$sb" bench --shape 8x10 --threads 0; one_error_line "bench threads 0"
expect 2 "bench threads pinned" -- "$sb" bench --shape 8x10 --threads 2 --pin 0; one_error_line "bench threads pinned"
expect 2 "bench threads without shape" -- "$sb" bench --threads 2; one_error_line "bench threads without shape"
expect 2 "bench mask" -- "$sb" bench --shape 2x10 --mask diagonal; one_error_line "bench mask"

# --- crosscheck on made-up files: 100 more iterations took 0.1 s more
cat >"$tmp/hf.json" <<'JS'
{"results": [
 {"command": "sb loop -k scalar.threepass -n 100 --iters 10", "median": 0.010, "stddev": 0.0001, "times": [0.01, 0.01, 0.01, 0.01]},
 {"command": "sb loop -k scalar.threepass -n 100 --iters 110", "median": 0.110, "stddev": 0.0001, "times": [0.11, 0.11, 0.11, 0.11]},
 {"command": "sb loop -k scalar.online -n 100 --iters 10", "median": 0.010, "stddev": 0.0001, "times": [0.01, 0.01, 0.01, 0.01]},
 {"command": "sb loop -k scalar.online -n 100 --iters 110", "median": 0.110, "stddev": 0.0001, "times": [0.11, 0.11, 0.11, 0.11]}]}
JS
cat >"$tmp/bj.json" <<'JS'
{"rows": [{"kernel": "scalar.threepass", "n": 100, "median_ns": 1000000, "mad_ns": 1000, "samples": 11},
          {"kernel": "scalar.online", "n": 100, "median_ns": 2000000, "mad_ns": 1000, "samples": 11}]}
JS
expect 0 "crosscheck" -- "$sb" crosscheck "$tmp/hf.json" "$tmp/bj.json"
grep 'scalar.threepass' "$tmp/out" | grep -q '1000000.0 .*agree within noise' && ok || bad "crosscheck agreement"
grep 'scalar.online' "$tmp/out" | grep -q 'DISAGREE' && ok || bad "crosscheck disagreement"
has "$tmp/out" "1 of 2" "crosscheck summary"
printf '{"results": [' >"$tmp/broken.json"
expect 2 "crosscheck broken json" -- "$sb" crosscheck "$tmp/broken.json" "$tmp/bj.json"; one_error_line "broken json"
if command -v hyperfine >/dev/null && command -v python3 >/dev/null; then
  expect 0 "hyperfine script" -- env KERNELS=scalar.threepass SIZES=1000 RUNS=3 "$(dirname "$0")/../scripts/hyperfine.sh" "$sb" "$tmp/hf"
  has "$tmp/hf/crosscheck.txt" "crosscheck: " "hyperfine cross-check written"
else
  echo "SKIP hyperfine script: hyperfine or python3 missing"
fi

# --- run: text and raw round trips
printf '2.0 1.0\n0.1\n' >"$tmp/a.txt"
expect 0 "run text" -- "$sb" run -k scalar.threepass --in "$tmp/a.txt" --out "$tmp/b.txt"
[ "$(wc -l <"$tmp/b.txt")" -eq 3 ] && ok || bad "run text: 3 lines"
awk 'NR==1 && ($1 < 0.6589 || $1 > 0.6591) {exit 1}' "$tmp/b.txt" && ok || bad "run text: first value 0.659"
expect 0 "run text to raw" -- "$sb" run -k scalar.threepass --in "$tmp/a.txt" --out "$tmp/b.f32" --format raw
[ "$(stat -c %s "$tmp/b.f32")" -eq 12 ] && ok || bad "raw output is 12 bytes"
expect 0 "run raw to raw" -- "$sb" run -k scalar.online -T 2 --in "$tmp/b.f32" --out "$tmp/c.f32"
[ "$(stat -c %s "$tmp/c.f32")" -eq 12 ] && ok || bad "raw to raw keeps raw"
# the text output (9 significant digits) reads back to the same bits as the raw one
expect 0 "from text" -- "$sb" run -k scalar.threepass --in "$tmp/b.txt" --out "$tmp/d.f32" --format raw
expect 0 "from raw" -- "$sb" run -k scalar.threepass --in "$tmp/b.f32" --out "$tmp/e.f32"
cmp -s "$tmp/d.f32" "$tmp/e.f32" && ok || bad "text and raw outputs differ in bits"
expect 0 "raw to text" -- "$sb" run -k scalar.threepass --in "$tmp/b.f32" --out "$tmp/e.txt" --format text
[ "$(wc -l <"$tmp/e.txt")" -eq 3 ] && ok || bad "raw to text: 3 lines"
cp "$tmp/a.txt" "$tmp/inplace.txt"
expect 0 "in and out the same file" -- "$sb" run -k scalar.twopass --in "$tmp/inplace.txt" --out "$tmp/inplace.txt"
expect 0 "separate files" -- "$sb" run -k scalar.twopass --in "$tmp/a.txt" --out "$tmp/sep.txt"
cmp -s "$tmp/inplace.txt" "$tmp/sep.txt" && ok || bad "same-file run equals separate run"
printf 'inf 1 -inf\n' >"$tmp/inf.txt"
expect 0 "run with inf" -- "$sb" run -k scalar.threepass --in "$tmp/inf.txt" --out "$tmp/inf.out.txt"
[ "$(tr '\n' ' ' <"$tmp/inf.out.txt")" = "1 0 0 " ] && ok || bad "inf input gives one-hot"
: >"$tmp/empty.txt"
expect 0 "run empty" -- "$sb" run -k scalar.threepass --in "$tmp/empty.txt" --out "$tmp/empty.out.txt"
[ -e "$tmp/empty.out.txt" ] && [ ! -s "$tmp/empty.out.txt" ] && ok || bad "empty in, empty out"

# --- .npy: a batch of rows in, the same shape out
expect 0 "write a dataset" -- "$sb" datasets --write "llm:top=2" -n 50 --seed 3 "$tmp/l.npy"
expect 0 "write it again" -- "$sb" datasets --write "llm:top=2" -n 50 --seed 3 "$tmp/l2.npy"
cmp -s "$tmp/l.npy" "$tmp/l2.npy" && ok || bad "same seed, same bytes"
[ "$(stat -c %s "$tmp/l.npy")" -eq $((128 + 200)) ] && ok || bad "npy of 50 floats is 328 bytes"
expect 0 "write raw" -- "$sb" datasets --write normal -n 7 "$tmp/n.f32"
[ "$(stat -c %s "$tmp/n.f32")" -eq 28 ] && ok || bad "raw of 7 floats is 28 bytes"
expect 2 "write without format" -- "$sb" datasets --write normal -n 7 "$tmp/n.dat"; one_error_line "write without format"; absent "$tmp/n.dat" "no format"
expect 2 "write without n" -- "$sb" datasets --write normal "$tmp/n2.npy"; one_error_line "write without n"
expect 2 "write unknown" -- "$sb" datasets --write gauss -n 3 "$tmp/n3.npy"; one_error_line "write unknown dataset"
if "$sb" datasets --write mnist "$tmp/m.npy" >/dev/null 2>&1; then
  expect 0 "mnist batch" -- "$sb" run -k scalar.twopass --in "$tmp/m.npy" --out "$tmp/mo.npy"
  [ "$(stat -c %s "$tmp/mo.npy")" -eq 100128 ] && ok || bad "2500x10 out"
  expect 0 "verify mnist" -- "$sb" verify -d mnist -k safe
  has "$tmp/out" "2500x10" "mnist rows shown"
else
  echo "SKIP mnist: ../shared/data/bhh2021_mnist_presoftmax_f32.npy not present"
fi
LC_ALL=C sed "1s/<f4/>f4/" "$tmp/l.npy" >"$tmp/be.npy"
expect 2 "big-endian npy" -- "$sb" run -k scalar.threepass --in "$tmp/be.npy" --out "$tmp/o7.npy"
one_error_line "big-endian npy"; has "$tmp/err" "big-endian" "big-endian named"; absent "$tmp/o7.npy" "big-endian npy"
head -c 200 "$tmp/l.npy" >"$tmp/short.npy"
expect 2 "truncated npy" -- "$sb" run -k scalar.threepass --in "$tmp/short.npy" --out "$tmp/o8.npy"
one_error_line "truncated npy"; has "$tmp/err" "truncated" "truncation named"; absent "$tmp/o8.npy" "truncated npy"

# --- verify64: the float64 kernels against the reference rounded to double
expect 0 "verify64" -- "$sb" verify64 -n 1,100,1000 -d "normal;llm;underflow" -T 1,0.3
has "$tmp/out" "0 FAIL" "verify64 summary"
[ "$(grep -c ' ok$' "$tmp/out")" -ge $((3 * 3 * 2 * 4)) ] && ok || bad "verify64: every safe row ok"
grep '^scalar64.accurate' "$tmp/out" | awk '{ if ($5 + 0 > 1) exit 1 }' && ok || bad "verify64: accurate within 1 ULP"
expect 2 "verify64 unknown kernel" -- "$sb" verify64 -k scalar.threepass; one_error_line "verify64 unknown kernel"
expect 2 "verify64 bad T" -- "$sb" verify64 -T -1; one_error_line "verify64 bad T"
expect 2 "verify64 file dataset" -- "$sb" verify64 -d "file:$tmp/l.npy"; one_error_line "verify64 file dataset"

# --- bhh: Blanchard, Higham and Higham's formulas on vectors of 10, here
# 300 synthetic ones shaped like their MNIST logits (a top logit up to 16):
# fp16's unshifted sum overflows on some, the shifted one never; the
# division-free formulas lose to the shifted one in the normwise measure, and
# the componentwise one shows what shifting costs the small outputs
python3 - "$tmp/bhh.npy" <<'PY'
import random, struct, sys
random.seed(7)
rows, cols = 300, 10
v = []
for r in range(rows):
    x = [random.gauss(0, 3) for _ in range(cols)]
    x[r % cols] = 4 + 12 * random.random()
    v += x
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
hdr += " " * (117 - len(hdr)) + "\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode())
    f.write(struct.pack("<%df" % len(v), *v))
PY
expect 0 "bhh" -- "$sb" bhh --data "$tmp/bhh.npy" --json "$tmp/bhh.json" --csv "$tmp/bhh.csv"
has "$tmp/out" "300 vectors of 10" "bhh counts the vectors"
[ "$(wc -l <"$tmp/bhh.csv")" -eq $((1 + 3 * 300)) ] && ok || bad "bhh csv: a line per format and vector"
python3 - "$tmp/bhh.json" <<'PY' && ok || bad "bhh: overflow, normwise and componentwise findings"
import json, sys
s = {(r["format"], r["variant"]): r for r in json.load(open(sys.argv[1]))["summary"]}
assert len(s) == 10 + 4 + 4, sorted(s)
assert s["fp16", "basic"]["overflow"] > 0 and s["fp16", "shifted"]["overflow"] == 0
assert all(s[f, "shifted"]["overflow"] == 0 for f in ("fp32", "bf16", "fp16"))
for f in ("fp32", "bf16", "fp16"):
    assert s[f, "alt"]["normwise_mean"] > 2 * s[f, "shifted"]["normwise_mean"], f
    assert s[f, "altshifted"]["normwise_mean"] > 2 * s[f, "shifted"]["normwise_mean"], f
    assert s[f, "shifted"]["lse_max"] < 2
assert s["fp32", "shifted"]["ulp_max"] > s["fp32", "basic"]["ulp_max"]
assert s["fp32", "k.accurate"]["ulp_max"] <= 1
PY
expect 2 "bhh rows zero" -- "$sb" bhh --data "$tmp/bhh.npy" --rows 0; one_error_line "bhh rows zero"
expect 2 "bhh missing data" -- "$sb" bhh --data "$tmp/none.npy" --json "$tmp/bhh2.json"; one_error_line "bhh missing data"; absent "$tmp/bhh2.json" "bhh missing data"
expect 2 "bhh long vectors" -- "$sb" bhh --data "$tmp/l.npy"; one_error_line "bhh long vectors"
expect 2 "bhh unknown option" -- "$sb" bhh --frob; one_error_line "bhh unknown option"
if [ -e "$(dirname "$0")/../../shared/data/bhh2021_mnist_presoftmax_f32.npy" ]; then
  # their experiment: 475 of the 2500 vectors overflow fp16's unshifted sum
  expect 0 "bhh mnist" -- "$sb" bhh --json "$tmp/bm.json"
  python3 -c "import json,sys; s={(r['format'],r['variant']):r for r in json.load(open(sys.argv[1]))['summary']}; assert s['fp16','basic']['overflow']==475" "$tmp/bm.json" && ok || bad "bhh mnist: 475 overflows in fp16, as the paper"
else
  echo "SKIP bhh mnist: ../shared/data/bhh2021_mnist_presoftmax_f32.npy not present"
fi

# --- committed files: the generated ones regenerate to the same bytes here
files=$(dirname "$0")/../datasets/files
expect 0 "regenerate llm file" -- "$sb" datasets --write llm -n 1000 --seed 1 "$tmp/llm.npy"
cmp -s "$tmp/llm.npy" "$files/llm_1000_seed1.npy" && ok || bad "llm_1000_seed1.npy differs from its generator"
expect 0 "regenerate attention file" -- "$sb" datasets --write attention -n 256 --seed 1 "$tmp/att.npy"
cmp -s "$tmp/att.npy" "$files/attention_256_seed1.npy" && ok || bad "attention_256_seed1.npy differs from its generator"
expect 0 "worked example file" -- "$sb" run -k scalar.online --in "$files/worked_example.txt" --out "$tmp/we.txt"
[ "$(awk '{printf "%.3f ", $1}' "$tmp/we.txt")" = "0.659 0.242 0.099 " ] && ok || bad "worked example gives 0.659 0.242 0.099"
expect 0 "temperature file" -- "$sb" run -k scalar.twopass -T 0.5 --in "$files/temperature_example.txt" --out "$tmp/te.txt"
[ "$(awk '{printf "%.4f ", $1}' "$tmp/te.txt")" = "0.8438 0.1142 0.0420 " ] && ok || bad "T = 0.5 example"

# --- run: bad input leaves nothing behind
printf '1 2\n3 oops\n' >"$tmp/bad.txt"
expect 2 "malformed text" -- "$sb" run -k scalar.threepass --in "$tmp/bad.txt" --out "$tmp/o1.txt"
one_error_line "malformed text"; has "$tmp/err" "bad.txt:2: not a number: 'oops'" "line named"; absent "$tmp/o1.txt" "malformed text"
head -c 10 "$tmp/b.f32" >"$tmp/trunc.f32"
expect 2 "truncated raw" -- "$sb" run -k scalar.threepass --in "$tmp/trunc.f32" --out "$tmp/o2.f32"
one_error_line "truncated raw"; has "$tmp/err" "byte offset 8" "offset named"; absent "$tmp/o2.f32" "truncated raw"
expect 2 "missing input" -- "$sb" run -k scalar.threepass --in "$tmp/none.txt" --out "$tmp/o3.txt"; one_error_line "missing input"; absent "$tmp/o3.txt" "missing input"
expect 2 "no --out" -- "$sb" run -k scalar.threepass --in "$tmp/a.txt"; one_error_line "no --out"
expect 2 "T list in run" -- "$sb" run -k scalar.threepass -T 1,2,abc --in "$tmp/a.txt" --out "$tmp/o9.txt"; one_error_line "T list in run"
expect 2 "two T in run" -- "$sb" run -k scalar.threepass -T 1,2 --in "$tmp/a.txt" --out "$tmp/o9.txt"; one_error_line "two T in run"
expect 2 "bad T" -- "$sb" run -k scalar.threepass -T -1 --in "$tmp/a.txt" --out "$tmp/o4.txt"; one_error_line "bad T"; absent "$tmp/o4.txt" "bad T"
expect 2 "unknown kernel" -- "$sb" run -k x.y --in "$tmp/a.txt" --out "$tmp/o5.txt"; one_error_line "run unknown kernel"
expect 2 "bad format" -- "$sb" run -k scalar.threepass --format json --in "$tmp/a.txt" --out "$tmp/o6.txt"; one_error_line "bad format"
expect 2 "unwritable out" -- "$sb" run -k scalar.threepass --in "$tmp/a.txt" --out "$tmp/no/dir/o.txt"; one_error_line "unwritable out"

# --- the regression gate: baseline and check
g="$tmp/gate.json"
expect 0 "baseline --write" -- "$sb" baseline --write "$g" -k scalar.threepass --rounds 8
has "$tmp/out" "1 kernels recorded" "baseline summary"
expect 0 "check clean" -- "$sb" check --baseline "$g" --rounds 8 -k scalar.threepass
has "$tmp/out" "scalar.threepass     ok" "check names the kernel"
# a figure better in the baseline than now is a regression, named with its evidence
python3 - "$g" "$tmp/g-acc.json" "$tmp/g-insn.json" "$tmp/g-cpu.json" "$tmp/g-cc.json" "$tmp/g-fmt.json" "$tmp/g-libc.json" "$tmp/g-fma.json" <<'PY'
import json, sys
src = json.load(open(sys.argv[1]))
def out(path, edit):
    d = json.loads(json.dumps(src)); edit(d); json.dump(d, open(path, "w"))
out(sys.argv[2], lambda d: d["kernels"][0]["accuracy"][0].update(max_ulp=0))
out(sys.argv[3], lambda d: d["kernels"][0].update(instructions=d["kernels"][0]["instructions"] // 2))
out(sys.argv[4], lambda d: d["machine"].update(cpu="Another CPU"))
out(sys.argv[5], lambda d: d["build"].update(compiler="gcc 99"))
out(sys.argv[6], lambda d: d["gate"].update(insn_n=7))
out(sys.argv[7], lambda d: d["build"].update(libc="1.0"))
out(sys.argv[8], lambda d: d["build"].update(libm_fma=not d["build"]["libm_fma"], compiler=d["build"]["compiler"]) or d["kernels"][0].update(instructions=1))
PY
expect 1 "accuracy regression caught" -- "$sb" check --baseline "$tmp/g-acc.json" --no-time --no-instructions -k scalar.threepass
has "$tmp/out" "REGRESSED: max ULP on normal n=1000" "accuracy regression named"
has "$tmp/out" "regressed: scalar.threepass (accuracy" "summary names kernel and figure"
# (each count single-steps the kernel)
if slow "instruction regression"; then
  expect 1 "instruction regression caught" -- "$sb" check --baseline "$tmp/g-insn.json" --no-time -k scalar.threepass
  has "$tmp/out" "instructions per call at n=1000" "instruction regression named"
  expect 0 "looser instruction tolerance" -- "$sb" check --baseline "$tmp/g-insn.json" --no-time --insn-tolerance 1.5 -k scalar.threepass
fi
expect 2 "a kernel not in the baseline" -- "$sb" check --baseline "$g" --no-time -k scalar.online
one_error_line "kernel not in the baseline"
expect 1 "library kernels missing from the baseline" -- "$sb" check --baseline "$g" --no-time --no-instructions
has "$tmp/out" "scalar.online        REGRESSED: not in the baseline" "a new kernel must be recorded"
expect 2 "baseline from another libc" -- "$sb" check --baseline "$tmp/g-libc.json" --no-time -k scalar.threepass
one_error_line "another libc"
if slow "another kind of CPU for glibc's exp"; then
  expect 0 "another kind of CPU for glibc's exp: scalar counts not compared" -- "$sb" check --baseline "$tmp/g-fma.json" --no-time -k scalar.threepass
  has "$tmp/out" "not compared: glibc's exp differs" "said why"
fi
expect 2 "too few rounds" -- "$sb" check --baseline "$g" --rounds 3; one_error_line "too few rounds"
expect 2 "baseline from another CPU" -- "$sb" check --baseline "$tmp/g-cpu.json"
one_error_line "another CPU"; has "$tmp/err" "another CPU" "said plainly"
expect 0 "another CPU without times" -- "$sb" check --baseline "$tmp/g-cpu.json" --no-time --no-instructions -k scalar.threepass
expect 2 "baseline from another build" -- "$sb" check --baseline "$tmp/g-cc.json" --no-time
one_error_line "another build"; has "$tmp/err" "instruction counts are not comparable" "said plainly"
expect 2 "baseline from another version" -- "$sb" check --baseline "$tmp/g-fmt.json" --no-time
one_error_line "another version"
expect 2 "not a baseline" -- "$sb" check --baseline "$tmp/v.json"; one_error_line "not a baseline"
expect 2 "check without --baseline" -- "$sb" check; one_error_line "check without --baseline"
expect 2 "strict and no time" -- "$sb" check --baseline "$g" --strict-time --no-time; one_error_line "strict and no time"
expect 2 "bad tolerance" -- "$sb" check --baseline "$g" --insn-tolerance -1; one_error_line "bad tolerance"
expect 2 "baseline without --write" -- "$sb" baseline; one_error_line "baseline without --write"
expect 2 "baseline unwritable" -- "$sb" baseline --write "$tmp/no/dir/b.json" -k scalar.naive; one_error_line "baseline unwritable"

cap=${SOFTMAX_ISA:+[SOFTMAX_ISA=$SOFTMAX_ISA]}
echo "cli ($sb$cap): $pass passed, $fail failed, $skipped skipped"
mkdir -p build
echo "cli:$sb$cap $pass $fail $skipped" >>build/test-results.txt
[ "$fail" -eq 0 ]
