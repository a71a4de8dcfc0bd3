#!/usr/bin/env bash
# Installs what softbench needs from Debian's packages, only what is missing.
# Run by the Makefile before every build; fast when everything is present.
#   scripts/install-deps.sh          install what is missing (as root)
#   scripts/install-deps.sh --check  only say what is missing; exit 1 if any
set -euo pipefail

# header or command -> Debian package
need=(
  "h:mpfr.h:libmpfr-dev"
  "h:gmp.h:libgmp-dev"
  "h:cmocka.h:libcmocka-dev"
  "c:gcc:gcc"
  "c:clang:clang"
  "c:make:make"
  "c:gnuplot:gnuplot-nox"
  "c:hyperfine:hyperfine"
  "c:python3:python3"
  "c:xmllint:libxml2-utils"
  "h:oneapi/dnnl/dnnl.h:libdnnl-dev"
  "h:xnnpack.h:libxnnpack-dev"
  "h:pthreadpool.h:libpthreadpool-dev"
)

missing=()
for item in "${need[@]}"; do
  IFS=: read -r kind what pkg <<<"$item"
  case $kind in
    h) [ -e "/usr/include/$what" ] || [ -e "/usr/include/x86_64-linux-gnu/$what" ] || missing+=("$pkg") ;;
    c) command -v "$what" >/dev/null 2>&1 || missing+=("$pkg") ;;
  esac
done

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "${1:-}" = "--check" ]; then
  echo "missing packages: ${missing[*]}"
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "softbench: error: missing packages (${missing[*]}); run scripts/install-deps.sh as root" >&2
  exit 2
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
