#!/usr/bin/env bash
# Full-disk tests of the softbench command line: every command that writes a
# file, writing where there is no room, gives one 'softbench: error:' line,
# exit 2 and no file (no partial one, no temporary). Two kinds of full
# device: /dev/full, written in place (a device is not replaced by a
# renamed temporary), and a small tmpfs filled up first, where the
# temporary beside the target cannot be written (needs root to mount; else
# each such case is a counted SKIP). Usage: tests/faults.sh path/to/softbench
set -u
sb=$(readlink -f "$1")
tmp=$(mktemp -d)
full="$tmp/full"
mounted=0
cleanup() {
  [ "$mounted" -eq 1 ] && umount "$full"
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0 skipped=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
one_error_line() {
  if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^softbench: error: ' "$tmp/err"; then ok
  else bad "$1: wanted one 'softbench: error:' line"; sed 's/^/  | /' "$tmp/err" | head -5; fi
}
# run2 WHAT command...: exit 2 and one error line
run2() {
  local what=$1; shift
  "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  if [ "$got" -eq 2 ]; then ok; else bad "$what: exit $got, wanted 2"; sed 's/^/  | /' "$tmp/err" | head -5; fi
  one_error_line "$what"
}
no_tmp() { ! ls "$1" | grep -q '\.tmp\.'; }

# inputs: a vector, a small batch (.npy) for bhh, results for report
printf '1\n2\n3\n-4.5\n' >"$tmp/a.txt"
python3 - "$tmp/bhh.npy" <<'PY'
import random, struct, sys
random.seed(3)
rows, cols = 40, 10
v = [random.gauss(0, 3) for _ in range(rows * cols)]
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
hdr += " " * (117 - len(hdr)) + "\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode())
    f.write(struct.pack("<%df" % len(v), *v))
PY
"$sb" list --json "$tmp/list.json" >/dev/null
"$sb" verify -k scalar.threepass -n 100 -d normal --json "$tmp/verify.json" >/dev/null
check "report's inputs" test -s "$tmp/list.json" -a -s "$tmp/verify.json"

# the commands, each writing one file to $T (the name's extension given first)
cmds=(
  "run|txt|run -k scalar.threepass --in $tmp/a.txt --out \$T"
  "run npy|npy|run -k scalar.threepass --in $tmp/bhh.npy --out \$T"
  "verify --json|json|verify -k scalar.threepass -n 10 -d normal --json \$T"
  "verify --csv|csv|verify -k scalar.threepass -n 10 -d normal --csv \$T"
  "verify --histogram|csv|verify -k scalar.threepass -n 10 -d normal --histogram \$T"
  "bench --json|json|bench -k scalar.threepass -n 100 --samples 1 --min-time 0.0002 -q --json \$T"
  "bench --csv|csv|bench -k scalar.threepass -n 100 --samples 1 --min-time 0.0002 -q --csv \$T"
  "bench shapes --json|json|bench -k scalar.threepass --shape 2x100 --samples 1 --min-time 0.0002 -q --json \$T"
  "baseline --write|json|baseline -k scalar.naive --no-time --write \$T"
  "edge --json|json|edge -k scalar.threepass -c nan,pinf --json \$T"
  "list --json|json|list --json \$T"
  "bhh --json|json|bhh --data $tmp/bhh.npy --json \$T"
  "bhh --csv|csv|bhh --data $tmp/bhh.npy --csv \$T"
)

# --- /dev/full, written in place: ENOSPC on the flush
for c in "${cmds[@]}"; do
  IFS='|' read -r what ext line <<<"$c"
  T=/dev/full
  eval "set -- $line"
  run2 "$what to /dev/full" "$sb" "$@"
  grep -q 'No space left' "$tmp/err" && ok || bad "$what to /dev/full: the reason named"
  check "$what to /dev/full: still the device" test -c /dev/full
  check "$what to /dev/full: no temporary in /dev" no_tmp /dev
done

# --- a filled tmpfs: the temporary beside the target cannot be written
mkdir "$full"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k tmpfs "$full" 2>/dev/null; then
  mounted=1
  dd if=/dev/zero of="$full/fill" bs=4k >/dev/null 2>&1
  check "tmpfs filled up" bash -c "! echo x 2>/dev/null >'$full/probe'"
  rm -f "$full/probe"
fi
for c in "${cmds[@]}" "report --out|dir|report --out \$T $tmp/list.json $tmp/verify.json"; do
  IFS='|' read -r what ext line <<<"$c"
  if [ "$mounted" -ne 1 ]; then
    skipped=$((skipped + 1)); echo "SKIP $what on a full tmpfs: cannot mount one (not root?)"
    continue
  fi
  T="$full/out.$ext"
  eval "set -- $line"
  run2 "$what on a full disk" "$sb" "$@"
  check "$what on a full disk: no file" test ! -e "$T"
  check "$what on a full disk: no temporary" no_tmp "$full"
done
# with room again the same commands write their files (the cases are right)
if [ "$mounted" -eq 1 ]; then
  rm -f "$full/fill"
  for c in "${cmds[@]}"; do
    IFS='|' read -r what ext line <<<"$c"
    T="$full/room.$ext"
    eval "set -- $line"
    "$sb" "$@" >"$tmp/out" 2>"$tmp/err"
    check "$what with room: written" test -s "$T"
    rm -f "$T"
  done
fi

echo "faults ($sb): $pass passed, $fail failed, $skipped skipped"
mkdir -p build
echo "faults:$sb $pass $fail $skipped" >>build/test-results.txt
[ "$fail" -eq 0 ]
