#!/usr/bin/env bash
# Regenerate papers/ from the project's real lists (see docs/import.md).
#   tools/import_seeds.sh [SHARED_DIR]      default: ../shared next to the checkout
# Order matters only for readability of the result: for each year the fuller list goes first, so
# titles, categories and write-up titles come from it and later lists only add what they alone
# know (authors, extra readings, code links). Re-running changes nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
shared="$(cd "${1:-$here/../shared}" && pwd)"
paperlist="${PAPERLIST:-$here/.venv/bin/paperlist}"
[ -x "$paperlist" ] || paperlist=paperlist
run() { "$paperlist" --root "$here" import "$@" > /dev/null || { echo "import failed: $*" >&2; exit 1; }; }
c="$shared/corpus"
run "$c/extreme-assistant-CVPR2020.md" --venue CVPR --year 2020
run "$shared/seeds/000_9d525f71f184ff30.txt" --venue CVPR --year 2020
run "$c/extreme-assistant-CVPR2021.md" --venue CVPR --year 2021
run "$shared/seeds/003_eac66e7452db5f4e.txt" --venue CVPR --year 2021
run "$c/amusi-CVPR2021.md" --venue CVPR --year 2021
run "$c/amusi-CVPR2022.md" --venue CVPR --year 2022
# One amusi 2023 entry has no title at all (only its category heading stands above its links):
# arXiv 2302.12251 is kept in papers/ by hand as VoxFormer's file; the import reports the line.
run "$c/amusi-CVPR2023.md" --venue CVPR --year 2023 --accept-loss
# --accept-loss: the ICCV list hides three rows in HTML comments (<!-- | GaFET … | -->); the import still
# names each (file, line, arXiv id) and every other id of the 54 files reaches a paper file.
run "$c/ryumin-ICCV2023" --venue ICCV --year 2023 --accept-loss
# A decade of proceedings (papercopilot/paperlists JSON, see the corpus README): one file per
# venue-year, the file name says which (cvpr2013.json -> CVPR 2013). Their session names map onto
# our topics where one clearly names one (tools/maps/papercopilot-sessions.yaml).
for f in "$c"/papercopilot/*.json; do
  stem="$(basename "$f" .json)"
  run "$f" --venue "$(printf '%s' "${stem%????}" | tr '[:lower:]' '[:upper:]')" --year "${stem: -4}" \
    --map "$here/tools/maps/papercopilot-sessions.yaml"
done
"$paperlist" --root "$here" validate
