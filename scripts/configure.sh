#!/usr/bin/env bash
# Detects the optional peers for one build folder and writes BUILD/config.mk,
# which the Makefile includes; the file is rewritten only when what is found
# changes, so the peer objects and the links that depend on it rebuild exactly
# then. The Makefile runs it on every make, after the target's install step
# (a recursive make), so a peer installed a moment ago is found.
# Usage: scripts/configure.sh BUILD CC [SAN] (SAN non-empty: a sanitizer build)
set -eu
build=$1 cc=$2 san=${3:-}
mkdir -p "$build"

# a header the compiler finds, and a library it links (so -L and
# LIBRARY_PATH count, as they do for the build's own link)
have() {
  echo "#include <$1>" | $cc -E -x c - >/dev/null 2>&1 || return 1
  local t
  t=$(mktemp "$build/have.XXXXXX")
  echo 'int main(void) { return 0; }' | $cc -x c - -o "$t" "-l$2" >/dev/null 2>&1
  local rc=$?
  rm -f "$t"
  return $rc
}

dnnl="" xnn="" xver="" why=""
if [ -n "$san" ]; then
  # their runtimes keep allocations LeakSanitizer would report, and their
  # uninstrumented worker threads (OpenMP, pthreadpool) would give
  # ThreadSanitizer false reports (SAN is SAN=1 or TSAN=1 here)
  why="sanitizer build"
else
  have oneapi/dnnl/dnnl.h dnnl && dnnl=1
  have xnnpack.h XNNPACK && have pthreadpool.h pthreadpool && xnn=1
  # the package of the target's architecture (a cross build's is not the host's)
  case $($cc -dumpmachine 2>/dev/null) in aarch64*) darch=arm64 ;; x86_64*) darch=amd64 ;; *) darch="" ;; esac
  [ -n "$xnn" ] && xver=$(dpkg-query -W -f='${Version}' "libxnnpack-dev${darch:+:$darch}" 2>/dev/null || echo unknown)
fi

tmp=$(mktemp "$build/config.mk.XXXXXX")
{
  echo "# written by scripts/configure.sh for CC=$cc${why:+ ($why: no peers)}"
  echo "HAVE_DNNL := $dnnl"
  echo "HAVE_XNNPACK := $xnn"
  echo "XNNPACK_VERSION := $xver"
} >"$tmp"
if cmp -s "$tmp" "$build/config.mk"; then rm -f "$tmp"; else mv "$tmp" "$build/config.mk"; fi
