#!/usr/bin/env python3
"""Import every corpus list (../shared/corpus) and report recall and time, in one run.

    .venv/bin/python tests/benchmarks/bench_import.py [--shared ../shared]

Per list (each into an empty project, dry run): entries, paper ids in the input, ids that
reached a paper file, recall, seconds, and the ratio to a baseline measured in the same run
(reading the files and running the Markdown block parser over them). Then the import that
matters for a maintainer: the 54 section files of ICCV 2023 written into the full list (every
other list imported first), in process, with its seconds. Target: <= 5 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from paperlist.sources.importer import ImportSettings, run_import  # noqa: E402
from paperlist.sources.importer.markdown import scan  # noqa: E402
from paperlist.sources.importer.run import list_files  # noqa: E402

LISTS = [("extreme-assistant-CVPR2020.md", "CVPR", 2020), ("extreme-assistant-CVPR2021.md", "CVPR", 2021),
         ("amusi-CVPR2021.md", "CVPR", 2021), ("amusi-CVPR2022.md", "CVPR", 2022),
         ("amusi-CVPR2023.md", "CVPR", 2023), ("ryumin-ICCV2023", "ICCV", 2023)]
SEEDS = [("seeds/000_9d525f71f184ff30.txt", "CVPR", 2020), ("seeds/003_eac66e7452db5f4e.txt", "CVPR", 2021)]


def empty_project(base: Path) -> Path:
    root = Path(tempfile.mkdtemp(dir=base))
    for d in ("schema", "vocab"):
        shutil.copytree(REPO / d, root / d)
    (root / "papers").mkdir()
    return root


def baseline(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in list_files(paths):
        scan(p.read_text(encoding="utf-8"))
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args()
    corpus = args.shared / "corpus"
    if not corpus.is_dir():
        print(f"{corpus}: not found", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        print(f"{'list':34} {'entries':>7} {'ids in':>6} {'ids out':>7} {'recall':>8} {'seconds':>8} {'x base':>7} "
              f"{'cpu s':>6}")
        for name, venue, year in LISTS:
            path = corpus / name
            root = empty_project(base)
            base_s = baseline([path])
            start, cpu = time.perf_counter(), time.process_time()
            result = run_import(ImportSettings(root, [path], venue, year, dry_run=True, accept_loss=True))
            secs, cpu = time.perf_counter() - start, time.process_time() - cpu
            ids_in = sum(s.ids_in for s in result.sources)
            ids_out = sum(s.ids_out for s in result.sources)
            recall = f"{100 * ids_out / ids_in:.1f} %" if ids_in else "-"
            print(f"{name:34} {result.entries:7} {ids_in:6} {ids_out:7} {recall:>8} {secs:8.2f} "
                  f"{secs / base_s:7.1f} {cpu:6.2f}")
            for lo in result.lost:
                print(f"    lost {lo.pid} ({Path(lo.source).name}:{lo.line}): {lo.why}")
        # The full list: every other list first, then the 54-file conference into it.
        root = empty_project(base)
        for rel, venue, year in [(f"corpus/{n}", v, y) for n, v, y in LISTS[:5]] + SEEDS:
            run_import(ImportSettings(root, [args.shared / rel], venue, year, accept_loss=True))
        before = sum(1 for _ in (root / "papers").rglob("*.yaml"))
        start, cpu = time.perf_counter(), time.process_time()
        result = run_import(ImportSettings(root, [corpus / "ryumin-ICCV2023"], "ICCV", 2023, accept_loss=True))
        secs, cpu = time.perf_counter() - start, time.process_time() - cpu
        after = sum(1 for _ in (root / "papers").rglob("*.yaml"))
        print(f"\nICCV 2023, {len(result.sources)} files into the full list ({before} papers -> {after}): "
              f"{result.entries} entries, {len(result.added)} added, {len(result.merged)} merged, "
              f"{len(result.lost)} ids reported lost, {secs:.2f} s wall, {cpu:.2f} s CPU (target <= 5 s; "
              f"on a shared machine the CPU time is the figure that does not depend on the neighbours)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
