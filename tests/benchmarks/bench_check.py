#!/usr/bin/env python3
"""`paperlist check` on a one-file pull request against a synthetic 10,000-paper list, links skipped.

    .venv/bin/python tests/benchmarks/bench_check.py [--papers 10000] [--repeat 3]

Prints wall times (best of --repeat, process start included) side by side with baselines
measured in the same run: `paperlist --version` (the interpreter and import floor), `git diff`
alone, and `paperlist validate` over the whole list (what a PR job that re-checks everything
would cost). Target: check < 3 s, and far below the whole-list validate.
In Actions check skips the duplicate-index cache (a fresh runner has none to reuse); the first
local run, which builds that cache, is reported separately.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth import make_list

BIN = Path(sys.executable).parent
ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b",
       "GIT_COMMITTER_EMAIL": "b@b", "GIT_CONFIG_NOSYSTEM": "1"}
ENV.pop("GITHUB_ACTIONS", None)


def sh(cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env={**ENV, **(env or {})}, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if r.returncode not in ok:
        sys.exit(f"{' '.join(cmd[:4])}… exited {r.returncode}: {(r.stderr or r.stdout)[-800:]}")
    return elapsed


def main() -> None:
    # Measured as a user's machine runs it: with Python's bytecode cache (some sandboxes turn it off).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    ap = argparse.ArgumentParser()
    ap.add_argument("--papers", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "list"
        t0 = time.perf_counter()
        make_list(root, args.papers)
        sh(["git", "init", "--quiet", "--initial-branch=main"], root)
        sh(["git", "add", "-A"], root)
        sh(["git", "commit", "--quiet", "-m", "base"], root)
        sh(["git", "checkout", "--quiet", "-b", "pr"], root)
        new = root / "papers/cvpr2021/a-brand-new-paper-on-event-cameras.yaml"
        new.write_text('title: "A Brand New Paper on Event Cameras"\nvenue: CVPR\nyear: 2021\n'
                       'arxiv: "2103.99999"\ntags: [other]\n', encoding="utf-8")
        sh(["git", "add", "-A"], root)
        sh(["git", "commit", "--quiet", "-m", "add one paper"], root)
        setup = time.perf_counter() - t0

        paperlist = str(BIN / "paperlist")
        check = [paperlist, "--root", str(root), "check", "--base", "main", "--no-links", "--format", "json"]
        # In Actions (a fresh runner, nothing to reuse) check reads the list without the dupes cache.
        actions = min(sh(check, root, env={"GITHUB_ACTIONS": "true"}) for _ in range(args.repeat))
        cold = sh(check, root)
        warm = min(sh(check, root) for _ in range(args.repeat))
        floor = min(sh([paperlist, "--version"], root) for _ in range(args.repeat))
        diff = min(sh(["git", "diff", "--name-status", "-z", "-M", "main...pr"], root) for _ in range(args.repeat))
        whole = min(sh([paperlist, "--root", str(root), "validate", "--format", "json"], root, ok=(0, 1))
                    for _ in range(args.repeat))
    print(f"paperlist check, one-file PR against {args.papers:,} papers, links skipped "
          f"(best of {args.repeat}; setup {setup:.1f} s)")
    print(f"  {'paperlist --version (floor)':<48} {floor:6.2f} s")
    print(f"  {'git diff main...pr alone':<48} {diff:6.2f} s")
    print(f"  {'paperlist check in Actions (no dupes cache)':<48} {actions:6.2f} s   target < 3 s")
    print(f"  {'paperlist check, first local run (builds cache)':<48} {cold:6.2f} s")
    print(f"  {'paperlist check, local, cache warm':<48} {warm:6.2f} s   target < 3 s")
    print(f"  {'paperlist validate, whole list (baseline)':<48} {whole:6.2f} s   check / whole = {warm / whole:.2f}")


if __name__ == "__main__":
    main()
