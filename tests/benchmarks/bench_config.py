#!/usr/bin/env python3
"""What the config loader's limits cost: a vocabulary at the 4 MiB cap, and a file of tiny values at
the node cap, loaded in-process; then `paperlist validate` with a 72 KB and a 4 MiB vocabulary, cold
(the first run: parse + schema) and warm (the answer from the content-addressed index).

    .venv/bin/python tests/benchmarks/bench_config.py [--repeat 3]

Prints the sizes (raw and gzip), topics, wall times (best of --repeat) and peak memory of one load,
and the ratio of each load to the packaged vocabulary's.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from paperlist.project.configfile import MAX_CONFIG_BYTES, MAX_CONFIG_NODES, load_config_file
from paperlist.project.defaults import DATA

REPO = Path(__file__).resolve().parents[2]


def vocabulary_like_the_packaged_one(limit: int) -> tuple[str, int]:
    """Topics written like vocab/tags.yaml's (two names and aliases), up to ``limit`` bytes."""
    out = ["tags:"]
    size, n = 6, 0
    while True:
        item = (f"  - id: topic-{n:05d}\n    en: Topic Number {n:05d} of a Large Taxonomy\n    zh: 主题{n:05d}\n"
                f"    aliases: [T{n:05d}, Topic {n:05d}, 第{n:05d}号主题, 'Task: {n:05d}']\n")
        if size + len(item.encode("utf-8")) + 40 > limit:
            break
        out.append(item.rstrip("\n"))
        size += len(item.encode("utf-8"))
        n += 1
    out.append("  - {id: other, en: Other, zh: 其他}")
    return "\n".join(out) + "\n", n + 1


def load_once(path: Path, root: Path) -> tuple[float, int]:
    start = time.perf_counter()
    pf = load_config_file(path, root)
    return time.perf_counter() - start, len(pf.findings)


def peak_memory(path: Path, root: Path) -> int:
    """Peak bytes allocated by one load (a separate run: tracing slows the load several times)."""
    tracemalloc.start()
    load_config_file(path, root)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def best_load(path: Path, root: Path, repeat: int) -> tuple[float, int, int]:
    runs = [load_once(path, root) for _ in range(repeat)]
    return min(r[0] for r in runs), peak_memory(path, root), runs[0][1]


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr[-400:] or r.stdout[-400:]}")
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "list"
        for d in ("schema", "vocab"):
            shutil.copytree(REPO / d, root / d)
        (root / "papers" / "cvpr2021").mkdir(parents=True)
        (root / "README.md").write_text("# list\n", encoding="utf-8")
        (root / "papers/cvpr2021/a-paper.yaml").write_text(
            'title: "A Paper"\nvenue: CVPR\nyear: 2021\ntags: [topic-00001]\n', encoding="utf-8")
        packaged = DATA / "vocab" / "tags.yaml"
        big_text, topics = vocabulary_like_the_packaged_one(MAX_CONFIG_BYTES)
        big = root / "vocab" / "tags.yaml"
        big.write_text(big_text, encoding="utf-8")
        flat = Path(tmp) / "flat.yaml"
        flat.write_text("exclude: [" + "1," * (MAX_CONFIG_NODES - 4) + "1]\n", encoding="utf-8")

        rows = []
        for label, path, base in (("packaged vocab/tags.yaml", packaged, DATA), ("vocabulary at the cap", big, root),
                                  ("tiny values at the node cap", flat, Path(tmp))):
            raw = path.read_bytes()
            t, peak, nfind = best_load(path, base, args.repeat)
            rows.append((label, len(raw), len(gzip.compress(raw)), t, peak, nfind))
        base_t = rows[0][3]
        print(f"topics in the vocabulary at the cap: {topics:,}")
        print(f"{'file':30} {'raw':>11} {'gzip':>10} {'load s':>8} {'peak MB':>8} {'ratio':>7} findings")
        for label, raw_n, gz_n, t, peak, nfind in rows:
            print(f"{label:30} {raw_n:>11,} {gz_n:>10,} {t:8.3f} {peak / 1e6:8.1f} {t / base_t:7.0f} {nfind}")

        cmd = [sys.executable, "-m", "paperlist", "--root", str(root), "validate"]
        for label, limit in (("a 72 KB vocabulary", 72 * 1024), ("the vocabulary at the cap", MAX_CONFIG_BYTES)):
            text, n = vocabulary_like_the_packaged_one(limit)
            big.write_text(text, encoding="utf-8")
            env = {**os.environ, "PAPERLIST_CACHE_DIR": str(Path(tmp) / f"cache-{limit}")}
            cold = timed(cmd, root, env)
            warm = min(timed(cmd, root, env) for _ in range(args.repeat))
            print(f"paperlist validate with {label} ({n:,} topics): cold {cold:.2f} s, warm {warm:.2f} s "
                  f"(ratio cold/warm {cold / warm:.1f})")
        (root / "linkcheck.yaml").write_bytes(flat.read_bytes())  # 500,000 wrong values: bounded findings
        start = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "paperlist", "--root", str(root), "links", "README.md"], cwd=root,
                           env=env, capture_output=True, text=True, check=False)
        print(f"paperlist links with a linkcheck.yaml of {MAX_CONFIG_NODES:,} wrong values: exit {r.returncode} in "
              f"{time.perf_counter() - start:.2f} s: {r.stderr.strip()[:100]}")


if __name__ == "__main__":
    main()
