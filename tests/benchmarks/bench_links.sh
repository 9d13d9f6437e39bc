#!/usr/bin/env bash
# `paperlist links` on the shared link farm, side by side with linkinator and
# markdown-link-check measured in the same run (same farm, same seed, 5 s timeout each).
#
#   tests/benchmarks/bench_links.sh            # peers + ours (peers take minutes; npm cache on first use)
#   tests/benchmarks/bench_links.sh --quick    # ours only (the farm floor is about 6 s)
#   tests/benchmarks/bench_links.sh --links 3000
#
# Prints one line per tool: wall time, true-broken found, false-broken, missed, and the
# farm's request count and requests it refused for crowding one host (429).
# Target: every verdict right, <= 0.10 x linkinator's time, ~0 refused for crowding.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${PAPERLIST_SHARED:-$repo/../shared}
peers=()
args=()
for a in "$@"; do
  case "$a" in
    --quick) peers=(--no-peers);;
    *) args+=("$a");;
  esac
done
[ -x "$shared/bench/peers.sh" ] || [ -f "$shared/bench/peers.sh" ] || { echo "no $shared/bench/peers.sh" >&2; exit 2; }
# --no-cache: measure checking, not the cache; --allow-private: the farm lives on loopback.
ours="cd $repo && $repo/.venv/bin/paperlist links {md} --format json --timeout 5 --allow-private --no-cache"
exec bash "$shared/bench/peers.sh" "${peers[@]}" "${args[@]}" --ours "$ours"
