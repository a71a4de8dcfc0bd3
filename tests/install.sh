#!/usr/bin/env bash
# The installed library as a user meets it (docs/library.md): make install
# into a temporary DESTDIR, every file where it belongs, the soname, only
# softmax.h's API exported, pkg-config's answer, a consumer built with it
# static and shared, the example plugin built against the installed
# headers and judged by the installed softbench, docs/ci.md's recipe run
# as written, and make uninstall leaving nothing.
# Usage: tests/install.sh BUILD CC (a build of make and its compiler, e.g.
# build/gcc gcc)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=$1 cc=${2:-gcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/lib.sh
. "$root/tests/lib.sh"
stage=$tmp/stage
prefix=/opt/softbench-test
mk() { make -C "$root" --no-print-directory -s WERROR=1 BUILD="$build" CC="$cc" "$@"; }

ver=$(sed -n 's/^#define SOFTMAX_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
      "$root/kernels/softmax.h" | paste -sd.)
major=${ver%%.*} minor=${ver#*.}; minor=${minor%%.*}
mk install DESTDIR="$stage" PREFIX="$prefix" >"$tmp/install.log" 2>&1
check "make install" [ $? -eq 0 ] || cat "$tmp/install.log"
d=$stage$prefix
for f in lib/libsoftmax.a lib/libsoftmax.so.$major.$minor include/softmax.h \
         include/softbench_plugin.h lib/pkgconfig/softmax.pc bin/softbench share/man/man1/softbench.1; do
  check "installed $f" test -f "$d/$f"
done
check "libsoftmax.so.$major -> .so.$major.$minor" [ "$(readlink "$d/lib/libsoftmax.so.$major")" = "libsoftmax.so.$major.$minor" ]
check "libsoftmax.so -> .so.$major" [ "$(readlink "$d/lib/libsoftmax.so")" = "libsoftmax.so.$major" ]
check "soname libsoftmax.so.$major" \
    grep -q "SONAME.*\[libsoftmax.so.$major\]" <(readelf -d "$d/lib/libsoftmax.so.$major.$minor")
check "softbench --version is $ver" grep -q "^softbench $ver " <("$d/bin/softbench" --version)

# exported = declared: every dynamic symbol the library defines is a
# function softmax.h declares with SOFTMAX_API, and every one it declares is
# exported
nm -D --defined-only "$d/lib/libsoftmax.so.$major.$minor" | awk '{print $3}' | sort >"$tmp/exported"
sed -n '/^SOFTMAX_API/,/;/p' "$d/include/softmax.h" | tr '\n' ' ' | tr ';' '\n' |
  sed -n 's/.*[ *]\([a-z_0-9]*\)(.*/\1/p' | sort >"$tmp/declared"
check "softmax.h declares SOFTMAX_API functions" [ "$(wc -l <"$tmp/declared")" -ge 30 ]
extra=$(comm -23 "$tmp/exported" "$tmp/declared")
missing=$(comm -13 "$tmp/exported" "$tmp/declared")
check "no symbol exported beyond softmax.h's API${extra:+ (extra: $extra)}" [ -z "$extra" ]
check "every SOFTMAX_API function exported${missing:+ (missing: $missing)}" [ -z "$missing" ]

# pkg-config, as a user's build sees the staged prefix
export PKG_CONFIG_PATH=$d/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$stage
check "pkg-config --modversion" [ "$(pkg-config --modversion softmax)" = "$ver" ]
check "Libs.private: -lm -pthread" grep -q -- "-lm -pthread" <(pkg-config --static --libs softmax)
# shellcheck disable=SC2046
"$cc" -std=c17 -Wall -Wextra -Werror -o "$tmp/consumer-shared" "$root/tests/consumer/consumer.c" \
    $(pkg-config --cflags --libs softmax) -lm
check "consumer builds shared" [ $? -eq 0 ]
check "the shared consumer needs libsoftmax.so.$major" \
    grep -q "NEEDED.*\[libsoftmax.so.$major\]" <(readelf -d "$tmp/consumer-shared")
LD_LIBRARY_PATH=$d/lib "$tmp/consumer-shared" >"$tmp/out-shared"
check "the shared consumer runs" [ $? -eq 0 ]
check "and uses softmax $ver" grep -q "^softmax $ver " "$tmp/out-shared"
# shellcheck disable=SC2046
"$cc" -std=c17 -Wall -Wextra -Werror -static -o "$tmp/consumer-static" \
    "$root/tests/consumer/consumer.c" $(pkg-config --static --cflags --libs softmax) -lm
check "consumer builds static" [ $? -eq 0 ]
check "the static consumer needs no shared library" \
    [ -z "$(readelf -d "$tmp/consumer-static" 2>/dev/null | grep NEEDED)" ]
"$tmp/consumer-static" >"$tmp/out-static"
check "the static consumer runs, the same answer" cmp -s "$tmp/out-static" "$tmp/out-shared"

# the man page: every command of softbench --help has its entry
man=$d/share/man/man1/softbench.1
for c in $("$d/bin/softbench" --help | awk '/^commands:/ {on=1; next} /^$/ {on=0} on {print $1}'); do
  check "softbench(1) documents $c" grep -q "^\.B $c\$" "$man"
done
if command -v groff >/dev/null; then
  check "softbench(1) renders without warnings" [ -z "$(groff -man -Tutf8 -ww -z "$man" 2>&1)" ]
fi

# docs/ci.md's recipe, as written, on the example plugin (examples/plugin/)
# built against the installed headers; expected exits: edge 1 (the buggy
# kernel), the rest 0
w=$tmp/ci
mkdir -p "$w"
cp "$root/examples/plugin/example.c" "$w/myplugin.c"
awk '/^```sh$/ {on=1; next} /^```$/ {on=0} on && !/^#/ && NF' "$root/docs/ci.md" >"$w/recipe"
check "docs/ci.md has a recipe of 5 commands" [ "$(wc -l <"$w/recipe")" -eq 5 ]
i=0
while IFS= read -r line; do
  i=$((i + 1))
  (cd "$w" && PATH=$d/bin:$PATH bash -c "$line") >"$w/out.$i" 2>&1
  echo $? >>"$w/rcs"
done <"$w/recipe"
check "recipe exits: build 0, baseline 0, verify 0, edge 1, check 0" [ "$(paste -sd, "$w/rcs")" = 0,0,0,1,0 ]
check "recipe's verify judged the plugin's kernels" grep -q "^example.threepass .* ok$" "$w/out.3"
check "recipe's edge caught example.buggy on pinf" grep -Eq "^pinf +pass +FAIL" "$w/out.4"
check "recipe's edge saved a replayable input" test -n "$(compgen -G "$w/softbench-failures/example.buggy-n41-*.npy")"
check "recipe's check: no regression" grep -q "0 regressed" "$w/out.5"
# a regression: the good kernel loses its +inf handling; check must exit 1 naming it
sed 's/threepass(x, y, n, T, 1)/threepass(x, y, n, T, 0)/' "$w/myplugin.c" >"$w/regressed.c"
sed -n 1p "$w/recipe" | sed 's/myplugin/regressed/g' >"$w/build2"
(cd "$w" && PATH=$d/bin:$PATH bash "$w/build2") >/dev/null 2>&1
mv "$w/regressed.so" "$w/myplugin.so"
(cd "$w" && PATH=$d/bin:$PATH bash -c "$(sed -n 5p "$w/recipe")") >"$w/out.reg" 2>&1
check "check on a regressed plugin exits 1" [ $? -eq 1 ]
check "and names the kernel and case" grep -q "example.threepass.*pinf" "$w/out.reg"

mk uninstall DESTDIR="$stage" PREFIX="$prefix" >/dev/null 2>&1
check "make uninstall" [ $? -eq 0 ]
left=$(find "$stage" ! -type d | head -3)
check "uninstall removes every installed file${left:+ (left: $left)}" [ -z "$left" ]

finish install "$build"
