#!/usr/bin/env python3
"""`paperlist refresh authors` over the real list, against the stand-in arXiv on loopback.

    .venv/bin/python tests/benchmarks/bench_refresh_authors.py [--fast] [--shards 4]

Prints the figures the scheduled job lives with: papers with an arXiv id and no authors, distinct
ids, the requests that needs (MAX_IDS_PER_REQUEST ids a request) and the minimum wall time arXiv's 3-second rule
imposes; then a real run over a copy of the list, with the production client (3 s apart, one
connection; ``--fast`` drops the spacing to measure the rest), cold and warm (the cache of
successes), and the same run in shards, which must add exactly the same authors.

The stand-in knows what arXiv would: each paper with an arXiv id, under its title as arXiv wraps
it. Papers that already have authors are served with those real authors and their authors are
removed from the copy first, so the run must put back exactly what a person wrote (fidelity).
For the papers without authors the names are synthetic (there is no offline source for them). A
deterministic slice is made harder: every 23rd id unknown to arXiv, every 31st served under a title
with a "Name:" prefix (close: authors added, mismatch reported), every 97th under another paper's
title (different: reported, no authors).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "tests"))

from ruamel.yaml import YAML  # noqa: E402

from paperlist.infra.arxiv import MAX_IDS_PER_REQUEST, ArxivClient  # noqa: E402
from paperlist.infra.identity import arxiv_id  # noqa: E402
from paperlist.sources.authors import AuthorsSettings, run_fill_authors  # noqa: E402
from support.fake_arxiv import ArxivRecord, FakeArxivAPI  # noqa: E402

GIVEN = ["Wei", "Ann", "Jun", "Li", "Yu", "Sara", "Omar", "Mei", "Hao", "Ivan", "Lena", "Ravi", "Kenji", "Noa"]
FAMILY = ["Zhang", "Wang", "Chen", "Müller", "Kim", "Singh", "García", "Tanaka", "Novak", "Liu", "Ito", "Haddad"]


def fake_names(aid: str) -> tuple[str, ...]:
    h = hashlib.sha256(aid.encode()).digest()
    return tuple(f"{GIVEN[h[2 * i] % len(GIVEN)]} {FAMILY[h[2 * i + 1] % len(FAMILY)]}" for i in range(1 + h[0] % 6))


def copy_list(base: Path) -> Path:
    root = Path(tempfile.mkdtemp(dir=base))
    for d in ("papers", "schema", "vocab"):
        shutil.copytree(REPO / d, root / d)
    shutil.copy(REPO / "paperlist.yaml", root / "paperlist.yaml")
    return root


def prepare(root: Path) -> tuple[dict[str, ArxivRecord], dict[str, list[str]], dict[str, int]]:
    """The stand-in's records, the authors removed from the copy (path -> names), and the counts."""
    rt = YAML(typ="rt")
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    rt.preserve_quotes = True
    safe = YAML(typ="safe")
    records: dict[str, ArxivRecord] = {}
    stripped: dict[str, list[str]] = {}
    titles: list[str] = []
    no_author_ids: set[str] = set()
    counts = {"papers": 0, "arxiv_no_authors": 0, "arxiv_with_authors": 0}
    papers = sorted((root / "papers").rglob("*.yaml"))
    for p in papers:
        data = safe.load(p.read_text(encoding="utf-8"))
        counts["papers"] += 1
        aid = arxiv_id(str(data.get("arxiv") or ""))
        if isinstance(data.get("title"), str):
            titles.append(data["title"])
        if not aid:
            continue
        if data.get("authors"):
            counts["arxiv_with_authors"] += 1
            records[aid] = ArxivRecord(data["title"], tuple(data["authors"]))
            doc = rt.load(p.read_text(encoding="utf-8"))
            del doc["authors"]
            with p.open("w", encoding="utf-8") as fh:
                rt.dump(doc, fh)
            stripped[p.relative_to(root).as_posix()] = list(data["authors"])
        else:
            counts["arxiv_no_authors"] += 1
            no_author_ids.add(aid)
            records.setdefault(aid, ArxivRecord(data["title"], fake_names(aid)))
    counts["distinct_no_authors"] = len(no_author_ids)
    for n, aid in enumerate(sorted(records)):
        if n % 23 == 0:
            del records[aid]
        elif n % 97 == 0:
            records[aid] = ArxivRecord(titles[(n * 7) % len(titles)], records[aid].authors)
        elif n % 31 == 0:
            records[aid] = ArxivRecord("NameNet: " + records[aid].title, records[aid].authors)
    return records, stripped, counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fast", action="store_true", help="no 3 s spacing (measures everything but the politeness)")
    ap.add_argument("--shards", type=int, default=4)
    args = ap.parse_args()
    interval = 0.0 if args.fast else 3.0
    base = Path(tempfile.mkdtemp(prefix="bench-refresh-authors-"))
    try:
        root = copy_list(base)
        records, stripped, counts = prepare(root)
        pristine = base / "pristine"
        shutil.copytree(root, pristine)
        ids = {arxiv_id(str(YAML(typ="safe").load(p.read_text())["arxiv"]))
               for p in (root / "papers").rglob("*.yaml") if "arxiv" in p.read_text()}
        print(f"real list: {counts['papers']:,} papers; {counts['arxiv_no_authors']:,} with an arXiv id and no "
              f"authors ({counts['distinct_no_authors']:,} distinct ids: "
              f"{math.ceil(counts['distinct_no_authors'] / MAX_IDS_PER_REQUEST)} requests, at least "
              f"{(math.ceil(counts['distinct_no_authors'] / MAX_IDS_PER_REQUEST) - 1) * 3} s); "
              f"{counts['arxiv_with_authors']:,} with both (their authors removed in the copy)")
        need = math.ceil(len(ids) / MAX_IDS_PER_REQUEST)
        print(f"to look up: {len(ids):,} distinct ids -> {need} requests of <= {MAX_IDS_PER_REQUEST}; minimum wall "
              f"time at 3 s apart: {(need - 1) * 3:,} s ({(need - 1) * 3 / 60:.1f} min)")
        print(f"stand-in knows {len(records):,} ids")
        cache = base / "cache"
        with FakeArxivAPI(records) as api:
            t0 = time.perf_counter()
            cold = run_fill_authors(AuthorsSettings(root=root),
                                    ArxivClient(api.url, min_interval=interval, cache_dir=cache))
            t_cold = time.perf_counter() - t0
            restored = sum(1 for a in cold.added if a.paper in stripped and list(a.authors) == stripped[a.paper])
            changed = sum(1 for a in cold.added if a.paper in stripped and list(a.authors) != stripped[a.paper])
            close = sum(1 for t in cold.title_mismatch if t.authors_filled)
            print(f"cold run ({'no spacing' if args.fast else '3 s spacing'}): {cold.requests} requests, "
                  f"{t_cold:.1f} s; authors added to {len(cold.added):,} papers ({len(cold.written):,} files "
                  f"written); title mismatches {len(cold.title_mismatch)} ({close} close: filled, "
                  f"{len(cold.title_mismatch) - close} different: not filled); not found {len(cold.not_found)}; "
                  f"refused {len(cold.refused)}; network_down {cold.network_down}")
            print(f"fidelity: of {len(stripped):,} hand-written author lists removed, {restored:,} restored exactly, "
                  f"{changed} differently, {len(stripped) - restored - changed} not restored "
                  "(ids the stand-in does not know or titles that differ)")
            different = len(cold.title_mismatch) - close
            print(f"every id the stand-in knows was answered: {len(cold.added) + different:,} papers = "
                  f"{len(cold.added):,} given authors + {different} kept without (another paper's title)")

            warm_root = base / "warm"
            shutil.copytree(pristine, warm_root)
            t0 = time.perf_counter()
            warm = run_fill_authors(AuthorsSettings(root=warm_root),
                                    ArxivClient(api.url, min_interval=interval, cache_dir=cache))
            print(f"warm run (cache of successes): {warm.requests} requests (the ids arXiv did not answer), "
                  f"{time.perf_counter() - t0:.1f} s; authors added to {len(warm.added):,}")

            shard_root = base / "sharded"
            shutil.copytree(pristine, shard_root)
            added: set[tuple[str, tuple[str, ...]]] = set()
            reqs = 0
            t0 = time.perf_counter()
            for k in range(1, args.shards + 1):
                part = run_fill_authors(AuthorsSettings(root=shard_root, shard=(k, args.shards)),
                                        ArxivClient(api.url, min_interval=interval, cache_dir=base / f"cache-{k}"))
                reqs += part.requests
                added |= {(a.paper, a.authors) for a in part.added}
                print(f"  shard {k}/{args.shards}: folders {', '.join(part.folders)}; {part.candidates:,} candidates, "
                      f"{part.requests} requests, {len(part.added):,} added")
            same = added == {(a.paper, a.authors) for a in cold.added}
            print(f"{args.shards} shards: {reqs} requests, {time.perf_counter() - t0:.1f} s; the same authors as "
                  f"the single run: {same}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
