#!/usr/bin/env bash
# Tests of --plugin (kernels/softbench_plugin.h, docs/plugins.md): the
# example's two kernels judged beside ours and a peer in one table, its
# buggy kernel caught by edge with a replayable input, misbehaving kernels
# (a segfault at n = 7, a hang, reads and writes past the buffers, exit)
# reported as failing that input while the run goes on, malformed plugins
# refused with one error line, and the gate on a plugin.
# Usage: tests/plugin.sh path/to/softbench BUILD (the plugins in BUILD/tests/plugins
# and BUILD/examples/plugin, built by make cli-tests)
set -u
sb=$(readlink -f "$1")
b=$(readlink -f "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/lib.sh
. "$root/tests/lib.sh"
# ISA-independent (the plugins are scalar code): the uncapped passes run it,
# a capped one counts one skip
if [ -n "${SOFTMAX_ISA:-}" ]; then
  echo "plugin ($sb[SOFTMAX_ISA=$SOFTMAX_ISA]): SKIP, ISA-independent (the uncapped passes run it)"
  echo "plugin:$sb[SOFTMAX_ISA=$SOFTMAX_ISA] 0 0 1" >>"$root/build/test-results.txt"
  exit 0
fi
ex=$b/examples/plugin/example.so
ho=$b/tests/plugins/hostile.so
cd "$tmp" || exit 1

# the version, from softmax.h's macros
v=$(sed -n 's/^#define SOFTMAX_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$root/kernels/softmax.h" | paste -sd.)
check "--version prints softmax.h's version" grep -qx "softbench $v (plugin ABI 1)" <("$sb" --version)

# list: under the plugin's prefix, before or after the command
"$sb" --plugin "$ex" list >list.txt 2>&1
check "list shows example.threepass" grep -q '^example.threepass .*scalar' list.txt
check "list shows example.buggy" grep -q '^example.buggy ' list.txt
"$sb" list --plugin "$ex" --json list.json >/dev/null 2>&1
check "list --json has the plugin kernels" python3 -c "
import json,sys; ks={k['name'] for k in json.load(open('list.json'))['kernels']}
sys.exit(not {'example.threepass','example.buggy','scalar.threepass'} <= ks)"

# verify: the example's kernels, ours and a peer in one table; all judged but the peer
"$sb" --plugin "$ex" verify -k example.threepass,example.buggy,scalar.threepass,peer.libm \
    -n 7,100,1000 -d 'normal;normal:sigma=16' -T 1,0.5 >verify.txt 2>verify.err
rc=$?
check "verify passes the example (exit 0)" [ $rc -eq 0 ]
for k in example.threepass example.buggy scalar.threepass; do
  check "verify judges $k" [ "$(grep -c "^$k .* ok$" verify.txt)" -eq 12 ]
done
check "verify reports peer.libm unjudged" [ "$(grep -c '^peer.libm .* peer$' verify.txt)" -eq 12 ]
# the declared bound is what is judged: at a tenth of it, the plain kernel fails somewhere
"$sb" --plugin "$ex" verify -k example.threepass -n 1000 -d normal:sigma=16 --bound-scale 0.05 \
    >/dev/null 2>&1
check "the plugin's bound is the one held (--bound-scale 0.05 fails)" [ $? -eq 1 ]

# edge: the buggy kernel fails the +inf cases, the good one passes all; inputs saved
"$sb" --plugin "$ex" --plugin-failures fails edge -k example.threepass,example.buggy \
    >edge.txt 2>edge.err
rc=$?
check "edge exits 1 on the buggy kernel" [ $rc -eq 1 ]
check "edge: pinf fails example.buggy only" grep -Eq '^pinf +pass +FAIL' edge.txt
check "edge: example.threepass passes every case" \
    [ "$(awk '$1 != "case" && NF > 3 && $2 != "pass" && $2 ~ /^(pass|FAIL)$/' edge.txt | wc -l)" -eq 0 ]
check "edge: a replay line for the buggy kernel" grep -q 'plugin kernel example.buggy failed edge case pinf at n=41 T=1; replay: softbench run' edge.err
f=$(sed -n 's/.*failed edge case pinf at .* --in \([^ ]*\) .*/\1/p' edge.err | head -1)
check "edge saved the failing input" test -s "$f"
"$sb" --plugin "$ex" run -k example.buggy --in "$f" --out replay.txt --format text 2>/dev/null
check "the replay shows the bug (NaN)" grep -qx nan replay.txt
"$sb" --plugin "$ex" run -k example.threepass --in "$f" --out replay.txt --format text
check "the good kernel on it is one-hot" [ "$(sort -u replay.txt | paste -sd,)" = "0,1" ]

# hostile kernels: each fails its input, reported, and the run goes on
"$sb" --plugin "$ho" --plugin-timeout 1 --plugin-failures hf verify \
    -k hostile.segv7,hostile.hang5,hostile.overread,hostile.overwrite,hostile.exit3,hostile.ok,scalar.threepass \
    -n 3,5,7,9,100 -d normal >hv.txt 2>hv.err
rc=$?
check "verify of hostile kernels exits 1, not a crash" [ $rc -eq 1 ]
check "the run completed (summary line)" grep -q '^verify: 35 rows: .* 7 FAIL' hv.txt
check "segv7 fails n=7 only" [ "$(grep '^hostile.segv7 ' hv.txt | awk '$NF == "FAIL" {print $3}' | paste -sd,)" = 7 ]
check "hang5 fails n=5 only" [ "$(grep '^hostile.hang5 ' hv.txt | awk '$NF == "FAIL" {print $3}' | paste -sd,)" = 5 ]
check "exit3 fails n=3 only" [ "$(grep '^hostile.exit3 ' hv.txt | awk '$NF == "FAIL" {print $3}' | paste -sd,)" = 3 ]
check "overread fails n=9,100" [ "$(grep '^hostile.overread ' hv.txt | awk '$NF == "FAIL" {print $3}' | paste -sd,)" = 9,100 ]
check "our kernel after them passes" [ "$(grep -c '^scalar.threepass .* ok$' hv.txt)" -eq 5 ]
check "segfault reported" grep -q 'hostile.segv7 crashed (Segmentation fault) at n=7' hv.err
check "hang reported" grep -q 'hostile.hang5 ran over the time limit (1s) at n=5' hv.err
check "over-read named" grep -q 'hostile.overread crashed (Segmentation fault, past the end of its input) at n=9' hv.err
check "over-write named" grep -q 'hostile.overwrite crashed (Segmentation fault, past the end of its output) at n=9' hv.err
check "exit reported" grep -q 'hostile.exit3 exited the process (status 3) at n=3' hv.err
f=$(sed -n 's/.*hostile.segv7 crashed.* --in \([^ ]*\) .*/\1/p' hv.err)
check "the n=7 input saved, 7 values" python3 -c "
import sys; d=open('$f','rb').read(); h=int.from_bytes(d[8:10],'little'); sys.exit((len(d)-10-h) != 28)"
"$sb" --plugin "$ho" run -k hostile.segv7 --in "$f" --out r.txt >/dev/null 2>r.err
check "run replays the crash: exit 2, one error line" [ $? -eq 2 ] && grep -q 'crashed' r.err
check "run leaves no output behind" test ! -e r.txt
"$sb" --plugin "$ho" run -k hostile.segv7 --in <(printf '1 2 3 4 5 6\n') --in-format text \
    --out r.txt --format text 2>/dev/null
check "the same kernel on n=6 works" [ "$(wc -l <r.txt)" -eq 6 ]
# edge on a crashing kernel: its cases fail, the matrix completes
"$sb" --plugin "$ho" --plugin-timeout 1 --plugin-failures he edge -k hostile.segv7,scalar.threepass \
    >he.txt 2>he.err
check "edge with a crashing kernel completes" grep -q '^edge: 23 cases x 2 kernels' he.txt
check "edge: the tails case fails on segv7 (n=7 crashes; unsafe: fail*)" grep -Eq '^tails +fail\* +pass' he.txt
# bench: timed in-process once an isolated call passed (docs/plugins.md)
"$sb" --plugin "$ex" bench -k example.threepass,scalar.threepass -n 1000 --min-time 0.001 >bench.txt 2>&1
check "bench times the plugin kernel" grep -Eq '^example.threepass +1000 ' bench.txt
"$sb" --plugin "$ho" --plugin-timeout 1 bench -k hostile.segv7,scalar.threepass -n 7 --min-time 0.001 \
    >bench2.txt 2>&1
check "bench survives a crashing plugin kernel" grep -Eq '^scalar.threepass +7 ' bench2.txt

# malformed plugins: one error line, exit 2
for v in badabi:"built for plugin ABI 999; softbench speaks ABI 1" refuse:"refuses plugin ABI 1" \
         noname:"record 1 has no name" dup:"the name hostile.twice is taken" \
         nofn:"record 0 (nofn) has no function" noentry:"no softbench_plugin entry point"; do
  name=${v%%:*} want=${v#*:}
  "$sb" --plugin "$b/tests/plugins/$name.so" list >out.txt 2>err.txt
  rc=$?
  check "$name: exit 2" [ $rc -eq 2 ]
  check "$name: one error line naming it" [ "$(wc -l <err.txt)" -eq 1 ]
  check "$name: $want" grep -qF "$want" err.txt
  check "$name: nothing on stdout" [ ! -s out.txt ]
done
for a in "--plugin" "--plugin $tmp/none.so" "--plugin $ex --plugin $ex" "--plugin-timeout 0" \
         "--plugin-timeout x" "--plugin-failures="; do
  # shellcheck disable=SC2086
  "$sb" $a list >/dev/null 2>err.txt
  rc=$?
  check "'$a': exit 2, one line" [ $rc -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ]
done

# the gate: a baseline of the plugin's kernels, then check against it
"$sb" --plugin "$ex" baseline --write base.json --rounds 8 >/dev/null 2>&1
check "baseline --plugin records the plugin's kernels only" python3 -c "
import json,sys; ks=[k['name'] for k in json.load(open('base.json'))['kernels']]
sys.exit(ks != ['example.threepass','example.buggy'])"
"$sb" --plugin "$ex" check --baseline base.json --no-time >check.txt 2>&1
check "check on the same plugin: exit 0" [ $? -eq 0 ]

finish plugin "$sb"
