#!/usr/bin/env bash
# make test's aarch64 stage, on an x86-64 machine: the cross build
# (build/aarch64, `make CROSS=aarch64`) run under qemu-aarch64 as four CPUs:
# NEON only (-cpu max,sve=off) and SVE at 128, 256 and 512 bits. Each gets
# the unit tests (SOFTBENCH_VECTOR_ONLY=1; test_kernels and test_contract,
# which take tens of minutes emulated, only with FULL=1: their contract
# cases and guard pages run below through `edge` at every vector length;
# those that run no vector kernel at the first only) and the kernel-facing
# commands: list (which kernels run), run, verify and edge, over the neon.*
# kernels at NEON only (their code runs the same at any SVE setting; the
# sve.* ones must be SKIP there) and over the sve.* ones at each vector
# length, and (at SVE 256) a report that merges these results with the x86
# build's (build/gcc/softbench). The four run two at a time (qemu-user is
# one thread). Results go to build/test-results.txt as the other passes'.
# The binaries use the arm64 libraries through multiarch, without
# QEMU_LD_PREFIX: qemu 7.2 with a prefix hangs in fork(), which edge's
# guard-page test needs.
# Usage: scripts/test-aarch64.sh [FULL=1 in the environment]
set -u
b=build/aarch64
results=build/test-results.txt
mkdir -p build
arm="neon.threepass,neon.twopass,neon.online,neon.accurate"
sve="sve.threepass,sve.twopass,sve.online,sve.accurate"
neonlog="neon.log_threepass,neon.log_twopass,neon.log_online,neon.log_accurate"
svelog="sve.log_threepass,sve.log_twopass,sve.log_online,sve.log_accurate"
tests=$(ls $b/tests/test_* | grep -v '\.[od]$')
[ "${FULL:-0}" = 1 ] || tests=$(printf '%s\n' $tests | grep -v -e test_kernels -e test_contract)
# Those that run no vector kernel (the reference, the float64 kernels, which
# are scalar on aarch64, the metrics, the files) give the same at every
# vector length: they run at the first configuration only.
novec="test_reference test_float64 test_metrics test_vecio test_datasets"

# One vector length: unit tests, then the commands; its log into $b/qemu-$1.log.
one() {
  local cfg=$1 run="qemu-aarch64 -cpu max,$1" p=0 f=0 tmp
  tmp=$(mktemp -d)
  check() { # what, then the command's status
    if [ "$2" -eq 0 ]; then p=$((p + 1)); echo "ok: $1"; else f=$((f + 1)); echo "FAIL: $1"; fi
  }
  local mine=$tests t
  if [ "$cfg" != "${cfgs[0]}" ]; then
    for t in $novec; do mine=$(printf '%s\n' $mine | grep -v "/$t\$"); done
  fi
  RUNNER="$run" LABEL="qemu $cfg" JOBS=1 SOFTBENCH_VECTOR_ONLY=1 SOFTBENCH_SLOW_TESTS=0 \
    scripts/run-tests.sh $b $mine
  local list; list=$($run $b/softbench list)
  local want=sve; [ "$cfg" = sve=off ] && want=neon
  printf '%s\n' "$list" | grep -q "usable ISA: $want\$"; check "list: usable ISA $want" $?
  local k bad=0
  for k in ${arm//,/ } ${sve//,/ }; do
    local runs=yes; case $k in sve.*) [ $want = sve ] || runs=no ;; esac
    printf '%s\n' "$list" | grep -Eq "^$k +[a-z]+ +$runs " || { echo "list: $k not '$runs'"; bad=1; }
  done
  check "list: neon.* runnable, sve.* runnable only with SVE" $bad
  # run: a file through the kernel equals the library's own answer elsewhere
  printf '1 2 3 4 5 6 7 8 9 10 11 -inf\n' >"$tmp/x.txt"
  for k in ${arm//,/ } ${sve//,/ }; do
    case $k in sve.*) [ $want = sve ] || continue ;; esac
    $run $b/softbench run -k $k --in "$tmp/x.txt" --out "$tmp/y.txt" >/dev/null &&
      awk '{for (i = 1; i <= NF; i++) {n++; s += $i; last = $i}}
        END {exit !(n == 12 && last == 0 && s > 0.9999 && s < 1.0001)}' "$tmp/y.txt"
    check "run -k $k: 12 outputs summing to 1, +0 for -inf" $?
  done
  # NEON code runs the same whatever the SVE setting, so the neon.* kernels
  # are judged at NEON only and the sve.* ones at each vector length
  local ks=$arm,$neonlog; [ $want = sve ] && ks=$sve,$svelog
  if [ $want = neon ]; then # the sve.* kernels are SKIP lines, never a crash
    $run $b/softbench verify -k $sve,$svelog -n 10 >"$tmp/skip.txt" &&
      grep -q ' 0 ok, .* 0 FAIL' "$tmp/skip.txt" && ! grep -q ' 0 skipped' "$tmp/skip.txt"
    check "verify -k sve.* without SVE: SKIP rows, exit 0" $?
  fi
  $run $b/softbench verify -k $ks -n 0-70,127-129,257,1000,4099 -T 1,0.3,4 \
    -d "normal;uniform;llm;dominant;huge;tiny" >"$tmp/verify.txt"
  check "verify -k ${ks%%.*}.*: every row within its bound" $?
  tail -n1 "$tmp/verify.txt"
  local one=neon.twopass; [ $want = sve ] && one=sve.twopass
  $run $b/softbench verify -k $one --shape 37x131 --threads 2 --mask causal --stride 140 >"$tmp/shape.txt" 2>&1 &&
    grep -q ' 0 FAIL' "$tmp/shape.txt" && ! grep -q ' 0 ok' "$tmp/shape.txt"
  check "verify -k $one --shape 37x131 (causal, stride, 2 threads)" $?
  tail -n1 "$tmp/shape.txt"
  # the judge is live under qemu: held to 1% of its bound, a kernel fails (exit 1)
  $run $b/softbench verify -k $one -n 1000 --bound-scale 0.01 >/dev/null 2>&1
  [ $? -eq 1 ]
  check "verify -k $one --bound-scale 0.01 fails (exit 1)" $?
  $run $b/softbench edge -k $ks >"$tmp/edge.txt"
  check "edge -k ${ks%%.*}.*: every case, guard pages included" $?
  tail -n1 "$tmp/edge.txt"
  # report: this machine's results merged with x86's (build/gcc) in one report
  if [ "$cfg" = sve256=on ]; then
    local x86=build/gcc/softbench few=neon.threepass,sve.threepass,sve.twopass
    $run $b/softbench list --json "$tmp/a-list.json" >/dev/null &&
      $run $b/softbench verify -k $few -n 100,1000 --json "$tmp/a-verify.json" >/dev/null &&
      $run $b/softbench edge -k $few -c n1,nan,tails --json "$tmp/a-edge.json" >/dev/null &&
      $run $b/softbench bench -k $few -n 1000,4096 --json "$tmp/a-bench.json" >/dev/null &&
      $x86 list --json "$tmp/x-list.json" >/dev/null &&
      $x86 verify -k scalar.threepass,scalar.twopass -n 100,1000 --json "$tmp/x-verify.json" >/dev/null &&
      $x86 bench -k scalar.threepass,scalar.twopass -n 1000,4096 --json "$tmp/x-bench.json" >/dev/null &&
      $x86 report --out "$tmp/rep" "$tmp"/a-*.json "$tmp"/x-*.json >"$tmp/report.txt" &&
      grep -q '(2 machines)' "$tmp/report.txt" &&
      grep -q '^| aarch64 under qemu-user on .* (sve) | none (emulated) |' "$tmp/rep/report.md" &&
      grep -Eq '^\| [^|]* \((avx512|avx2|scalar)\) \| scalar\.(threepass|twopass) \(' "$tmp/rep/report.md" &&
      grep -q 'None: these times were taken under an emulator' "$tmp/rep/report.md" &&
      grep -q '^# .* (avx512\|avx2\|scalar)' "$tmp/rep/data/cross.dat" &&
      ! grep -q qemu "$tmp/rep/data/cross.dat" &&
      grep -q '"emulated": *true' "$tmp/a-bench.json"
    check "report: aarch64 (emulated, no recommendation, out of the cross plot) merged with x86" $?
  fi
  rm -rf "$tmp"
  echo "$b/cli[qemu $cfg] $p $f 0" >>"$results"
  [ $f -eq 0 ]
}

command -v qemu-aarch64 >/dev/null || { echo "test-aarch64: error: qemu-aarch64 is missing (scripts/install-deps.sh cross)" >&2; exit 2; }
cfgs=(sve=off sve128=on sve256=on sve512=on) status=0
start=$(date +%s)
# two at a time, the next starting as soon as one ends; logs shown in order
declare -A pid_of
running=0
for c in "${cfgs[@]}"; do
  if [ $running -ge 2 ]; then wait -n; running=$((running - 1)); fi
  one "$c" >"$b/qemu-$c.log" 2>&1 &
  pid_of[$c]=$!
  running=$((running + 1))
done
for c in "${cfgs[@]}"; do
  wait "${pid_of[$c]}" || { status=1; echo "test-aarch64: FAILED under qemu $c"; }
  cat "$b/qemu-$c.log"
done
echo "test-aarch64: the aarch64 stage took $(($(date +%s) - start)) s"
exit $status
