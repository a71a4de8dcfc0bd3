#!/usr/bin/env bash
# Installs the Debian packages a make target needs, only those missing.
#
#   scripts/install-deps.sh build    what `make` needs: gcc, make, MPFR, GMP,
#                                    jansson
#   scripts/install-deps.sh report   build, gnuplot; the peers if they can be had
#   scripts/install-deps.sh test     build, cmocka, clang, clang-format,
#                                    python3, xmllint, gnuplot; hyperfine and
#                                    the peers if they can
#   scripts/install-deps.sh fuzz     build, clang (make fuzz; libFuzzer comes
#                                    with it: libclang-rt-14-dev, a dependency
#                                    of libclang-common-14-dev on Debian 12)
#   scripts/install-deps.sh cross    the aarch64 cross build and qemu-user
#                                    (make test-aarch64 on x86-64; not in
#                                    all): adds the arm64 architecture to dpkg
#   scripts/install-deps.sh all      every package make, report and test use
#   ... --check                      only say what is missing; exit 1 if any
#
# A required package that is missing and cannot be installed (not root, or
# apt-get failed) is one error line naming it, exit 2. An optional one (the
# peers, hyperfine) is a note naming it, and the target goes on without it.
set -euo pipefail

group=${1:-all}
check=0
[ "${2:-}" = "--check" ] && check=1

# kind:what:package. h: a header; l: a header and its shared library; c: a
# command; f: a file
build=("c:gcc:gcc" "c:make:make" "h:mpfr.h:libmpfr-dev" "h:gmp.h:libgmp-dev" "h:jansson.h:libjansson-dev")
plots=("c:gnuplot:gnuplot-nox")
tests=("h:cmocka.h:libcmocka-dev" "c:clang:clang" "c:python3:python3" "c:xmllint:libxml2-utils"
       "c:clang-format:clang-format")
peers=("l:oneapi/dnnl/dnnl.h,libdnnl.so:libdnnl-dev" "l:xnnpack.h,libXNNPACK.so:libxnnpack-dev"
       "l:pthreadpool.h,libpthreadpool.so:libpthreadpool-dev")
cross=("c:aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu" "c:qemu-aarch64:qemu-user"
       "f:/usr/lib/aarch64-linux-gnu/libmpfr.so:libmpfr-dev:arm64"
       "f:/usr/lib/aarch64-linux-gnu/libgmp.so:libgmp-dev:arm64"
       "f:/usr/lib/aarch64-linux-gnu/libjansson.so:libjansson-dev:arm64"
       "f:/usr/lib/aarch64-linux-gnu/libcmocka.so:libcmocka-dev:arm64")
case $group in
  cross)  required=("${cross[@]}"); optional=() ;;
  build)  required=("${build[@]}"); optional=() ;;
  fuzz)   required=("${build[@]}" "c:clang:clang"); optional=() ;;
  report) required=("${build[@]}" "${plots[@]}"); optional=("${peers[@]}") ;;
  test)   required=("${build[@]}" "${plots[@]}" "${tests[@]}"); optional=("c:hyperfine:hyperfine" "${peers[@]}") ;;
  all)    required=("${build[@]}" "${plots[@]}" "${tests[@]}" "c:hyperfine:hyperfine" "${peers[@]}")
          optional=() ;;
  *) echo "install-deps.sh: error: unknown group '$group' (build, report, test, fuzz, cross or all)" >&2; exit 2 ;;
esac

cc=${CC:-gcc}
command -v "$cc" >/dev/null 2>&1 || cc=gcc
multiarch=$("$cc" -print-multiarch 2>/dev/null || true)
have_header() {
  [ -e "/usr/include/$1" ] || { [ -n "$multiarch" ] && [ -e "/usr/include/$multiarch/$1" ]; } ||
    [ -e "/usr/local/include/$1" ]
}
have_lib() {
  local p
  p=$("$cc" -print-file-name="$1" 2>/dev/null) || return 1
  [ "$p" != "$1" ] && [ -e "$p" ]
}
present() {
  local kind=$1 what=$2
  case $kind in
    h) have_header "$what" ;;
    l) have_header "${what%%,*}" && have_lib "${what#*,}" ;;
    c) command -v "$what" >/dev/null 2>&1 ;;
    f) [ -e "$what" ] ;;
  esac
}
missing_of() {
  local item kind what pkg
  for item in "$@"; do
    IFS=: read -r kind what pkg <<<"$item"  # pkg keeps any :arch
    present "$kind" "$what" || echo "$pkg"
  done
}

mapfile -t need < <(missing_of "${required[@]}")
mapfile -t want < <(missing_of "${optional[@]+"${optional[@]}"}")
[ ${#need[@]} -eq 0 ] && [ ${#want[@]} -eq 0 ] && exit 0
if [ $check -eq 1 ]; then
  echo "missing packages: ${need[*]} ${want[*]}"
  exit 1
fi

case $group in all) what_for=softbench ;; build) what_for="'make'" ;; *) what_for="'make $group'" ;; esac
why=""
if [ "$(id -u)" -ne 0 ]; then
  why="not root"
else
  echo "installing: ${need[*]} ${want[*]}"
  export DEBIAN_FRONTEND=noninteractive
  case " ${need[*]} " in *:arm64*) dpkg --add-architecture arm64 ;; esac
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" "${want[@]}"; } \
      >/tmp/softbench-apt.log 2>&1; then
    why="apt-get failed, see /tmp/softbench-apt.log"
  fi
  mapfile -t need < <(missing_of "${required[@]}")
  mapfile -t want < <(missing_of "${optional[@]+"${optional[@]}"}")
  [ -n "$why" ] || why="still not found after apt-get"
fi
if [ ${#want[@]} -gt 0 ]; then
  echo "softbench: note: going on without ${want[*]} ($why; as root: apt-get install ${want[*]})" >&2
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "softbench: error: $what_for needs ${need[*]} ($why; as root: apt-get install ${need[*]})" >&2
  exit 2
fi
exit 0
