#!/usr/bin/env python3
"""What `paperlist render` writes, at 10,000 and 100,000 papers: build and write time, files, largest file.

    .venv/bin/python tests/benchmarks/bench_pages.py [--sizes 10000 100000] [--repeat 3] [--baseline REV]

For each size, synthetic entries (tests/benchmarks/synth.py, already loaded: loading is the
entry index's job, measured by bench_validate.py) spread over a decade of CVPR, ICCV and ECCV,
plus one venue-year of 20,000 papers to force splits. Prints CPU seconds (this process and
its children), best of --repeat:
- build: README overview and every page as text (pages.build, pure);
- write: the same files written atomically into an empty folder, as render does;
- the number of files and the largest, against the 400,000-byte page budget;
- baseline, same run and same entries: the renderer before per-venue pages (one README with
  every paper, from git revision --baseline), its time and its README size.
Finally `paperlist render` end to end on 10,000 paper files, entry cache off and on.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from synth import make_entries, make_list

from paperlist.infra.fsutil import write_atomic
from paperlist.output.render import PAGE_BUDGET, build
from paperlist.project.vocab import Vocabulary

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """(seconds, result): the best of ``repeat`` runs, in CPU time of this process and its children.

    CPU time, not wall time: this machine is shared, and a loaded run's wall time says more
    about the neighbours than about the code. Wall times are printed by the end-to-end line.
    """
    times, out = [], None
    for _ in range(repeat):
        before = _cpu()
        out = fn()
        times.append(_cpu() - before)
    return min(times), out


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def old_renderer(rev: str) -> Any:
    """The render module as it was at ``rev`` (one README holding every paper), imported beside today's."""
    source = subprocess.run(["git", "show", f"{rev}:tools/paperlist/output/entries.py"], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout
    path = Path(tempfile.mkdtemp(prefix="paperlist-old-render-")) / "render_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("paperlist._render_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def write_all(files: dict[str, str], into: Path) -> None:
    shutil.rmtree(into, ignore_errors=True)
    for rel, text in files.items():
        write_atomic(into / rel, text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", default="089443d", help="git revision of the single-README renderer")
    a = ap.parse_args()
    vocab = Vocabulary.load(REPO)
    tags = list(vocab.tags)
    old = old_renderer(a.baseline)
    work = Path(tempfile.mkdtemp(prefix="paperlist-bench-pages-"))
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; page budget {PAGE_BUDGET:,} bytes; "
          f"CPU seconds, best of {a.repeat}")
    try:
        decade = tuple((v, y) for y in range(2014, 2024) for v in ("CVPR", "ICCV", "ECCV"))
        cases = [(f"{n:,} papers, 30 venue-years", make_entries(n, venues=decade, tags=tags)) for n in a.sizes]
        cases.append(("20,000 papers, one venue-year", make_entries(20_000, tags=tags)))
        for label, entries in cases:
            t_build, gen = best(lambda e=entries: build(e, vocab), a.repeat)  # type: ignore[misc]
            files = {"README.md": gen.readme_block, **gen.pages}
            t_write, _ = best(lambda f=files: write_all(f, work / "out"), a.repeat)  # type: ignore[misc]
            sizes = {p: len(t.encode("utf-8")) for p, t in files.items()}
            largest = max(sizes, key=lambda p: sizes[p])
            t_old, old_text = best(lambda e=entries: old.build_list(e, vocab), a.repeat)  # type: ignore[misc]
            old_size = len(old_text.encode("utf-8"))
            print(f"\n{label}")
            print(f"  build {t_build:.2f} s, write {t_write:.2f} s: {len(files):,} files, "
                  f"{sum(sizes.values()) / 1e6:.1f} MB, largest {largest} {sizes[largest]:,} bytes "
                  f"(README overview {sizes['README.md']:,})")
            print(f"  baseline (one README, {a.baseline}): build {t_old:.2f} s, README {old_size:,} bytes")
            print(f"  ratio build / baseline: {t_build / t_old:.2f}x; "
                  f"largest file / GitHub's 512,000: {sizes[largest] / 512_000:.2f}")

        project = work / "project"
        make_list(project, 10_000)
        env = {**os.environ, "PAPERLIST_NO_CACHE": "1"}
        wall = time.perf_counter()
        t_cold, _ = best(lambda: subprocess.run([str(BIN / "paperlist"), "render"], cwd=project, env=env,
                                                check=True, capture_output=True), 1)
        wall_cold = time.perf_counter() - wall
        subprocess.run([str(BIN / "paperlist"), "render"], cwd=project, check=True, capture_output=True)
        wall = time.perf_counter()
        t_warm, _ = best(lambda: subprocess.run([str(BIN / "paperlist"), "render", "--check"], cwd=project,
                                                check=True, capture_output=True), 1)
        wall_warm = time.perf_counter() - wall
        print(f"\npaperlist render, 10,000 paper files, end to end (loading included): cold (no cache) "
              f"{t_cold:.2f} CPU s, {wall_cold:.2f} s wall; warm (--check) {t_warm:.2f} CPU s, {wall_warm:.2f} s wall")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
