#!/usr/bin/env python3
"""Validate and render a synthetic 10,000-paper list, beside check-jsonschema, in one run.

    .venv/bin/python tests/benchmarks/bench_validate.py [--papers 10000] [--repeat 3]

Prints wall times (best of --repeat, process start included) and the ratio
paperlist validate / check-jsonschema. Targets: ratio <= 0.25; render < 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth import make_list

BIN = Path(sys.executable).parent


def timed(cmd: list[str], *, cwd: Path, ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in ok:
        sys.exit(f"{' '.join(cmd[:3])}… exited {result.returncode}: {result.stderr[-500:] or result.stdout[-500:]}")
    return elapsed


def best(cmd: list[str], *, cwd: Path, repeat: int) -> float:
    return min(timed(cmd, cwd=cwd) for _ in range(repeat))


def main() -> None:
    # Measured as a user's machine runs it: with Python's bytecode cache (some sandboxes turn it off).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    repo = Path(__file__).resolve().parents[2]
    work = Path(tempfile.mkdtemp(prefix="paperlist-bench-"))
    try:
        paths = make_list(work, a.papers)
        files = [str(p.relative_to(work)) for p in paths]
        print(f"{a.papers:,} synthetic paper files in {work} ({os.cpu_count()} CPUs)")
        ours = best([str(BIN / "paperlist"), "validate"], cwd=work, repeat=a.repeat)
        serial = best([str(BIN / "paperlist"), "validate", "--jobs", "1"], cwd=work, repeat=a.repeat)
        peer = best([str(BIN / "check-jsonschema"), "--schemafile", str(repo / "schema/paper.schema.json"), *files],
                    cwd=work, repeat=1)
        cold_env = {**os.environ, "PAPERLIST_NO_CACHE": "1"}
        start = time.perf_counter()
        subprocess.run([str(BIN / "paperlist"), "render"], cwd=work, env=cold_env, check=True, capture_output=True)
        render_cold = time.perf_counter() - start
        timed([str(BIN / "paperlist"), "render"], cwd=work)  # fills the entry cache
        (work / "README.md").write_text("# Bench\n\n<!-- paperlist:begin -->\n<!-- paperlist:end -->\n")
        render = best([str(BIN / "paperlist"), "render"], cwd=work, repeat=1)
        render_check = best([str(BIN / "paperlist"), "render", "--check"], cwd=work, repeat=a.repeat)
        print(f"check-jsonschema --schemafile       {peer:7.2f} s")
        print(f"paperlist validate (all cores)      {ours:7.2f} s   ratio {ours / peer:.3f} (target <= 0.25)")
        print(f"paperlist validate --jobs 1         {serial:7.2f} s   ratio {serial / peer:.3f}")
        print(f"paperlist render, no cache (cold)   {render_cold:7.2f} s")
        print(f"paperlist render (writes README)    {render:7.2f} s   (entry cache warm; target < 1 s)")
        print(f"paperlist render --check            {render_check:7.2f} s   (entry cache warm)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
