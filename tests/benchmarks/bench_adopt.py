#!/usr/bin/env python3
"""What an adopter waits for: from `pip install` of the built wheel to the first rendered README.

    .venv/bin/python tests/benchmarks/bench_adopt.py [--wheel dist/paperlist-*.whl]

Builds the wheel (unless given one), then in a fresh venv with pip (``python -m venv``), times:

* install: ``pip install <wheel>`` with its dependencies from the package index (the network: this
  is a script, not a test), once with an empty pip cache (cold, ``--no-cache-dir``) and once
  with the cache that run filled (warm);
* init: ``paperlist init`` with flags (English only, no venues) in a fresh ``git init``;
* import: ``paperlist import`` of a 3-entry Markdown list;
* render: ``paperlist render``, the first README with its generated block.

Prints the wheel's size (raw and gzip), each step's wall time (process start included) and the
total from the start of ``pip install`` to the README. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AWESOME = """\
## Optical Flow

- **FlowNet: Learning Optical Flow with Convolutional Networks** [[paper]](https://arxiv.org/abs/1504.06852)
- **PWC-Net: CNNs for Optical Flow Using Pyramid, Warping, and Cost Volume** [[paper]](https://arxiv.org/abs/1709.02371)
- **RAFT: Recurrent All-Pairs Field Transforms for Optical Flow** [[paper]](https://arxiv.org/abs/2003.12039)
"""


def timed(cmd: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return elapsed


def one_run(wheel: Path, tmp: Path, label: str, cache: list[str]) -> dict[str, float]:
    venv = tmp / f"venv-{label}"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    out = {"install": timed([str(bin_dir / "pip"), "install", "--quiet", "--disable-pip-version-check", *cache,
                             "-c", str(ROOT / "constraints.txt"), str(wheel)], tmp)}
    repo = tmp / f"list-{label}"
    repo.mkdir()
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(repo)], check=True)
    (tmp / "awesome.md").write_text(AWESOME, encoding="utf-8")
    out["init"] = timed([str(bin_dir / "paperlist"), "init", "--title", "Awesome Optical Flow", "--languages", "en",
                         "--venues", "none", "--ref", "0" * 40, "--yes"], repo)
    out["import"] = timed([str(bin_dir / "paperlist"), "import", str(tmp / "awesome.md"), "--year", "2020"], repo)
    out["render"] = timed([str(bin_dir / "paperlist"), "render"], repo)
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "**3** papers" in readme, readme
    out["total"] = sum(out.values())
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        wheel = args.wheel
        if wheel is None:
            subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp / "dist"),
                            str(ROOT)], check=True, capture_output=True)
            (wheel,) = (tmp / "dist").glob("*.whl")
        raw = wheel.read_bytes()
        print(f"wheel {wheel.name}: {len(raw):,} bytes raw, {len(gzip.compress(raw, 9)):,} gzip -9")
        pip_cache = tmp / "pip-cache"
        cold = one_run(wheel, tmp, "cold", ["--no-cache-dir"])
        one_run(wheel, tmp, "fill", ["--cache-dir", str(pip_cache)])  # fills the cache
        warm = one_run(wheel, tmp, "warm", ["--cache-dir", str(pip_cache)])
        print(f"{'step':<8} {'cold (s)':>9} {'warm (s)':>9}")
        for step in ("install", "init", "import", "render", "total"):
            print(f"{step:<8} {cold[step]:>9.2f} {warm[step]:>9.2f}")
        print("cold: pip with no cache (every dependency downloaded); warm: pip's cache filled by an earlier run")


if __name__ == "__main__":
    main()
