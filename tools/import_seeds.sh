#!/usr/bin/env bash
# Regenerate papers/ from the project's four starting lists (see docs/import.md).
#   tools/import_seeds.sh [SHARED_DIR]      default: ../shared next to the checkout
# Order matters only for readability of the result: each corpus file (the fuller list) goes
# before the seed of the same year, so titles, categories and write-up titles come from the
# fuller source and the seed only adds what it alone knows. Re-running changes nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="$(cd "${1:-$here/../shared}" && pwd)"
paperlist="${PAPERLIST:-$here/.venv/bin/paperlist}"
[ -x "$paperlist" ] || paperlist=paperlist
run() { "$paperlist" --root "$here" import "$@"; }
run "$shared/corpus/extreme-assistant-CVPR2020.md" --venue CVPR --year 2020
run "$shared/seeds/000_9d525f71f184ff30.txt"        --venue CVPR --year 2020
run "$shared/corpus/extreme-assistant-CVPR2021.md" --venue CVPR --year 2021
run "$shared/seeds/003_eac66e7452db5f4e.txt"        --venue CVPR --year 2021
"$paperlist" --root "$here" validate
