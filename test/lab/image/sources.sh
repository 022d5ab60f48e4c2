#!/bin/bash
# Print the apt source files of this machine that carry Debian bookworm (one per line).
set -euo pipefail
shopt -s nullglob
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [[ -f $f ]] || continue
  grep -v '^[[:space:]]*#' "$f" | grep -qE '(^|[[:space:]])bookworm([[:space:]]|$)' && echo "$f"
done
exit 0
