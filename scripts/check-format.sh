#!/usr/bin/env bash
# Checks that the tracked C sources and headers are formatted as .clang-format
# says (clang-format --dry-run -Werror), without changing them.
#
#   scripts/check-format.sh    prints each file that is not formatted;
#                              exit 0 if none, 1 if any, 2 if clang-format is
#                              missing (CLANG_FORMAT=... picks another binary)
#
# `make format` formats the same files in place.
set -euo pipefail

cd "$(git -C "$(dirname -- "$0")" rev-parse --show-toplevel)"
cf=${CLANG_FORMAT:-clang-format}
if ! command -v "$cf" >/dev/null 2>&1; then
  echo "check-format.sh: error: $cf not found (scripts/install-deps.sh test installs clang-format)" >&2
  exit 2
fi

bad=0
while IFS= read -r -d '' f; do
  if ! "$cf" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "$f"
    bad=1
  fi
done < <(git ls-files -z '*.c' '*.h')
if [ $bad -ne 0 ]; then
  echo "check-format.sh: the files above are not formatted (make format fixes them)" >&2
  exit 1
fi
exit 0
