#!/usr/bin/env bash
# Detects the optional peers for one build folder and writes BUILD/config.mk,
# which the Makefile includes; the file is rewritten only when what is found
# changes, so the peer objects and the links that depend on it rebuild exactly
# then. The Makefile runs it on every make, after the target's install step
# (a recursive make), so a peer installed a moment ago is found.
# Usage: scripts/configure.sh BUILD CC [SAN]
set -eu
build=$1 cc=$2 san=${3:-}
mkdir -p "$build"

# a header the compiler finds, and the shared library the link will take
have() {
  echo "#include <$1>" | $cc -E -x c - >/dev/null 2>&1 || return 1
  local p
  p=$($cc -print-file-name="$2" 2>/dev/null) || return 1
  [ "$p" != "$2" ] && [ -e "$p" ]
}

dnnl="" xnn="" xver="" why=""
if [ -n "$san" ]; then
  # their runtimes keep allocations LeakSanitizer would report
  why="sanitizer build"
else
  have oneapi/dnnl/dnnl.h libdnnl.so && dnnl=1
  have xnnpack.h libXNNPACK.so && have pthreadpool.h libpthreadpool.so && xnn=1
  [ -n "$xnn" ] && xver=$(dpkg-query -W -f='${Version}' libxnnpack-dev 2>/dev/null || echo unknown)
fi

tmp=$(mktemp "$build/config.mk.XXXXXX")
{
  echo "# written by scripts/configure.sh for CC=$cc${why:+ ($why: no peers)}"
  echo "HAVE_DNNL := $dnnl"
  echo "HAVE_XNNPACK := $xnn"
  echo "XNNPACK_VERSION := $xver"
} >"$tmp"
if cmp -s "$tmp" "$build/config.mk"; then rm -f "$tmp"; else mv "$tmp" "$build/config.mk"; fi
