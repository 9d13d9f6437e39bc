"""Benchmark for ``paperlist dupes``: blocked + cached index against the naive pairwise baseline.

    .venv/bin/python tests/benchmarks/bench_dupes.py            # 100,000 and 10,000 papers
    .venv/bin/python tests/benchmarks/bench_dupes.py --quick    # 20,000 and 2,000 papers

Prints, measured in this run on this machine:

* one new paper checked against N papers, process start included: the ``paperlist dupes FILE``
  command (cold cache, then warm) and a bare launcher that imports only ``paperlist.checks.dupes``
  (what the check itself costs, without the other commands' imports);
* ``--all`` on M papers (cold and warm cache), with the number of planted duplicates found;
* the naive baseline: load every file, fuzzy-compare the new title with every title
  (and, for ``--all``, every pair) — the O(n²) approach.

Titles are synthetic but realistically distributed: words drawn with their frequencies from the
labelled real titles in ``tests/data/dupes/``, half of them with an invented ``Name:`` prefix.
Not a test: figures depend on the machine, so nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PY = sys.executable
PAPERLIST = [PY, "-m", "paperlist"]
GIT_ENV = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@b", "GIT_CONFIG_NOSYSTEM": "1"}
LEAN = [PY, "-c", (
    "import sys; from pathlib import Path; from paperlist.checks.dupes import find_duplicates; "
    "r = find_duplicates(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]); "
    "print(len(r.findings)); sys.exit(r.exit_code)"
)]


def vocabulary() -> tuple[list[str], list[int]]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests/data/dupes").glob("*.yaml"))
    titles = re.findall(r"^\s+title: ['\"]?(.+?)['\"]?$", text, re.M)
    counts = Counter(w for t in titles for w in re.findall(r"[A-Za-z][A-Za-z-]+", t))
    words = sorted(counts)
    return words, [counts[w] for w in words]


def make_list(root: Path, n: int, *, seed: int, planted: int = 0) -> list[tuple[str, str]]:
    """Write n papers (plus ``planted`` near-copies of earlier ones); return the planted pairs."""
    rng = random.Random(seed)
    words, weights = vocabulary()
    syll = ["ba", "ce", "di", "fo", "gu", "ka", "le", "mi", "no", "pu", "ra", "se", "ti", "vo", "zu",
            "net", "gan", "former", "seg", "det", "flow"]
    pairs: list[tuple[str, str]] = []
    titles: list[tuple[str, str]] = []
    for i in range(n):
        body = " ".join(rng.choices(words, weights, k=rng.randint(6, 12)))
        if i % 2:
            name = "".join(rng.choices(syll, k=3)).capitalize()
            body = f"{name}: {body}"
        title = body[0].upper() + body[1:]
        rel = f"papers/cvpr{2000 + i % 20}/p{i:06d}.yaml"
        write(root / rel, title, f"{2000 + i % 20 - 2000 + 10:02d}{1 + i % 12:02d}.{i % 100000:05d}", i)
        titles.append((rel, title))
    for k in range(planted):
        rel, title = titles[rng.randrange(n)]
        variant = (title.upper(), title + "（中文标题）", title + " (CVPR 2021)", title.replace(" ", "  "))[k % 4]
        new = f"papers/cvpr2021/planted{k:04d}.yaml"
        write(root / new, variant, None, n + k)
        pairs.append((new, rel))
    return pairs


def write(path: Path, title: str, arxiv: str | None, i: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f'title: "{title}"', f"authors: [Author{i} Family{i % 997}, Second{i % 131} Person]",
             "venue: CVPR", "year: 2021"]
    if arxiv:
        lines.append(f'arxiv: "{arxiv}"')
    if i % 3 == 0:
        lines += ["links:", f'  code: ["https://github.com/user{i}/repo{i}"]']
    lines.append("tags: [other]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{proc.stderr}")
    return elapsed, proc


def naive_one(root: Path, new: Path) -> tuple[float, int]:
    """Baseline: load every file (same safe loader), then fuzzy-compare the new title with each."""
    from rapidfuzz import fuzz

    from paperlist.infra.identity import normalize_title
    from paperlist.project.loader import discover, load_paper

    t0 = time.perf_counter()
    target = normalize_title(load_paper(new, root).data["title"])
    hits = 0
    for p in discover(root)[0]:
        pf = load_paper(p, root)
        if p != new and pf.parsed and fuzz.ratio(target, normalize_title(str(pf.data.get("title", "")))) >= 90:
            hits += 1
    return time.perf_counter() - t0, hits


def naive_all(root: Path) -> tuple[float, int]:
    """Baseline: load every file, then fuzzy-compare every pair (rapidfuzz's C loop per title)."""
    from rapidfuzz import fuzz, process

    from paperlist.infra.identity import normalize_title
    from paperlist.project.loader import discover, load_paper

    t0 = time.perf_counter()
    titles = [normalize_title(str(load_paper(p, root).data.get("title", ""))) for p in discover(root)[0]]
    hits = 0
    for i, t in enumerate(titles):
        hits += len(process.extract(t, titles[i + 1:], scorer=fuzz.ratio, score_cutoff=90, limit=None))
    return time.perf_counter() - t0, hits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller lists (20,000 and 2,000)")
    ap.add_argument("--one", type=int, default=None, help="list size for the one-file check (100,000)")
    ap.add_argument("--all-size", type=int, default=None, help="list size for --all (10,000)")
    ap.add_argument("--keep", type=Path, default=None, help="build the lists here and keep them")
    args = ap.parse_args()
    n_one = args.one or (20_000 if args.quick else 100_000)
    n_all = args.all_size or (2_000 if args.quick else 10_000)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-dupes-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    try:
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        # -- one new paper against n_one ---------------------------------------------------
        big = work / f"list{n_one}"
        if not (big / "papers").is_dir():
            t0 = time.perf_counter()
            make_list(big, n_one, seed=1)
            print(f"generated {n_one:,} papers in {time.perf_counter() - t0:.1f} s")
        if not (big / ".git").exists():  # a clone: git names unchanged files without Python reading them
            t0 = time.perf_counter()
            for git_cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "list"]):
                subprocess.run(["git", *git_cmd], cwd=big, env={**env, **GIT_ENV}, check=True)
            print(f"committed them to git in {time.perf_counter() - t0:.1f} s")
        new = big / "papers/cvpr2021/new-paper.yaml"
        existing = (big / "papers/cvpr2005/p000005.yaml").read_text(encoding="utf-8")
        title = re.search(r'title: "(.+)"', existing).group(1)  # type: ignore[union-attr]
        shutil.rmtree(big / ".paperlist-cache", ignore_errors=True)
        cmd = [*PAPERLIST, "--root", str(big), "dupes", str(new)]
        new.unlink(missing_ok=True)
        write(new, title + "（中文）", None, 99)
        # Best of 3, each from no index: this VM's CPU speed drifts by half between minutes.
        colds = []
        for _ in range(3):
            shutil.rmtree(big / ".paperlist-cache", ignore_errors=True)
            t, proc = timed(cmd, env)
            colds.append(t)
        cold = min(colds)
        found = "found" if "p000005.yaml" in proc.stdout else "MISSED"
        warm = [timed(cmd, env)[0] for _ in range(5)]
        lean = [timed([*LEAN, str(big), str(new)], env)[0] for _ in range(5)]
        # Another paper added: its folder (5,000 files) is re-stat'ed and the new file read.
        edited = []
        for k in range(3):
            write(big / f"papers/cvpr2010/added{k}.yaml", f"Added paper number {k} about nothing", None, k)
            edited.append(timed(cmd, env)[0])
        # An existing paper edited in place to become a duplicate: the index must see it (content, not mtime).
        victim = big / "papers/cvpr2011/p000011.yaml"
        st = victim.stat()
        victim.write_text(victim.read_text(encoding="utf-8").replace(
            re.search(r'title: "(.+)"', victim.read_text(encoding="utf-8")).group(1),  # type: ignore[union-attr]
            title + " (CVPR 2021)"), encoding="utf-8")
        os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
        after_edit, proc = timed(cmd, env)
        seen = "found" if "p000011.yaml" in proc.stdout else "MISSED"
        size = (big / ".paperlist-cache/dupes-index.sqlite").stat().st_size
        import_only, _ = timed([PY, "-c", "import paperlist.cli"], env)
        baseline, _ = naive_one(big, new)
        print(f"\none new paper vs {n_one:,} papers (duplicate {found}), wall time incl. process start:")
        print(f"  paperlist dupes FILE, cold (index built)       {cold:8.2f} s   target <= 10 s; "
              f"index {size / 1e6:.0f} MB on disk")
        print(f"    (best of 3 cold runs: {', '.join(f'{c:.2f}' for c in colds)} s)")
        print(f"  paperlist dupes FILE, warm (median of 5)       {statistics.median(warm):8.2f} s   target <= 0.5 s")
        print(f"  ... after another paper was added (median)     {statistics.median(edited):8.2f} s")
        print(f"  ... after a paper was edited in place          {after_edit:8.2f} s   (its duplicate {seen})")
        print(f"  lean launcher (paperlist.checks.dupes only, median)   {statistics.median(lean):8.2f} s")
        print(f"  of which `import paperlist.cli` alone           {import_only:8.2f} s")
        print(f"  naive baseline (load all, compare each)        {baseline:8.2f} s")
        # -- --all on n_all ---------------------------------------------------------------
        small = work / f"all{n_all}"
        shutil.rmtree(small, ignore_errors=True)
        planted = make_list(small, n_all, seed=2, planted=max(10, n_all // 200))
        shutil.rmtree(small / ".paperlist-cache", ignore_errors=True)
        cmd = [*PAPERLIST, "--root", str(small), "dupes", "--all", "--format", "json"]
        cold_all, proc = timed(cmd, env)
        warm_all = [timed(cmd, env)[0] for _ in range(3)]
        import json

        report = json.loads(proc.stdout)
        got = {frozenset((f["file"], f["duplicate_of"])) for f in report["findings"]
               if f["severity"] in ("error", "warning")}
        hit = sum(frozenset(p) in got for p in planted)
        extra = len(got) - hit
        base_all, _ = naive_all(small)
        print(f"\n--all on {n_all + len(planted):,} papers ({hit}/{len(planted)} planted duplicates found, "
              f"{extra} other warnings/errors):")
        print(f"  paperlist dupes --all, cold cache              {cold_all:8.2f} s")
        print(f"  paperlist dupes --all, warm cache (median)     {statistics.median(warm_all):8.2f} s")
        print(f"  naive baseline (load all, compare all pairs)   {base_all:8.2f} s")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
