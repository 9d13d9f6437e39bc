#!/usr/bin/env python3
"""The quota model of a scheduled refresh, and the stand-in run that must match it.

    .venv/bin/python tests/benchmarks/bench_refresh_quota.py [--run 1000,10000] [--shards 4]

For 1k, 10k and 100k synthetic papers (half with code, one code paper in seven linking a
repository another paper links too: frameworks and shared codebases; two papers in five without
authors, most of them with an arXiv id), the model says:

- GraphQL: repositories (distinct), queries (100 repositories a query: ``github.graphql.MAX_BATCH``),
  points (a query without connections costs 1 point: GitHub's formula, requests its connections
  need / 100, at least 1), and the same for a matrix of ``--shards`` jobs (a repository linked from
  folders in two shards is asked by both);
- arXiv: ``id_list`` requests for the papers with an arXiv id and no authors, ``MAX_IDS_PER_REQUEST``
  ids a request, at least ``min_interval`` (3 s) apart, one connection (``infra.arxiv``);
- the minimum wall time the politeness rules impose: arXiv's spacing, and GitHub's secondary limit
  of 2,000 GraphQL points a minute;
- against the budget of an Actions ``GITHUB_TOKEN``: 1,000 GraphQL points an hour per repository
  (docs.github.com, "Rate limits and query limits for the GraphQL API": "GITHUB_TOKEN in GitHub
  Actions workflows: 1,000 points per hour per repository"), less the run's ``--budget-floor``.

Then it writes the 1k (and 10k) lists to disk, runs the real ``run_refresh_repos`` against the
stand-in GitHub (tests/support/fake_github.py, over loopback HTTP) and prints that the queries
and points it measured equal the model's. Wall times printed are measured, not asserted.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from paperlist.github.graphql import MAX_BATCH  # noqa: E402
from paperlist.infra.arxiv import MAX_IDS_PER_REQUEST  # noqa: E402
from paperlist.project.shards import partition  # noqa: E402
from support.fake_github import FakeGitHub  # noqa: E402

ACTIONS_POINTS_PER_HOUR = 1_000  # GITHUB_TOKEN, GraphQL, per repository (docs cited above)
SECONDARY_POINTS_PER_MINUTE = 2_000  # GraphQL secondary rate limit
ARXIV_INTERVAL = 3.0  # seconds between arXiv requests (infra/arxiv.py: min_interval)
FLOOR = 100
VENUES = ("cvpr", "iccv", "eccv", "wacv", "neurips", "iclr", "icml", "aaai")


@dataclass
class Paper:
    folder: str
    key: str
    repo: str | None
    arxiv: str | None
    authors: bool


def synth(n: int, seed: int = 7) -> list[Paper]:
    rng = random.Random(seed)
    folders = [f"{v}{y}" for v in VENUES for y in range(2015, 2027)]
    # Folder sizes as in real lists: a few big venue-years, many small ones.
    weights = [1.0 / (1 + i % 17) for i in range(len(folders))]
    shared = [f"framework{i}/shared-code{i}" for i in range(max(10, n // 500))]
    out = []
    for i in range(n):
        folder = rng.choices(folders, weights)[0]
        repo = None
        if rng.random() < 0.5:
            repo = rng.choice(shared) if rng.random() < 1 / 7 else f"author{i}/paper-code-{i}"
        authors = rng.random() >= 0.4
        arxiv = f"{rng.randint(15, 26):02d}{rng.randint(1, 12):02d}.{i % 100000:05d}" if rng.random() < 0.85 else None
        out.append(Paper(folder, f"paper-{i}", repo, arxiv, authors))
    return out


@dataclass
class Model:
    papers: int
    repos: int
    queries: int
    points: int
    shard_queries: int
    arxiv_ids: int
    arxiv_requests: int
    arxiv_wall: float
    graphql_wall: float


def model(papers: list[Paper], shards: int) -> Model:
    repos = {p.repo for p in papers if p.repo}
    queries = math.ceil(len(repos) / MAX_BATCH)
    sizes: dict[str, int] = {}
    for p in papers:
        sizes[p.folder] = sizes.get(p.folder, 0) + 1
    shard_queries = 0
    for folders in partition(sizes, shards):
        mine = set(folders)
        shard_queries += math.ceil(len({p.repo for p in papers if p.repo and p.folder in mine}) / MAX_BATCH)
    ids = sum(1 for p in papers if p.arxiv and not p.authors)
    requests = math.ceil(ids / MAX_IDS_PER_REQUEST)
    return Model(len(papers), len(repos), queries, queries, shard_queries, ids, requests,
                 max(0, requests - 1) * ARXIV_INTERVAL, max(0, math.ceil(queries / SECONDARY_POINTS_PER_MINUTE) - 1)
                 * 60.0)


def write_list(root: Path, papers: list[Paper]) -> None:
    repo = HERE.parents[1]
    for d in ("schema", "vocab"):
        shutil.copytree(repo / d, root / d)
    (root / "paperlist.yaml").write_text("venues: [CVPR, ICCV, ECCV, WACV, NeurIPS, ICLR, ICML, AAAI]\n")
    for p in papers:
        path = root / "papers" / p.folder / f"{p.key}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        venue = next(v for v in VENUES if p.folder.startswith(v))
        lines = [f'title: "Paper {p.key}"', f"venue: {venue.upper()}", f"year: {p.folder[len(venue):]}"]
        if p.repo:
            lines += ["links:", f"  code: [\"https://github.com/{p.repo}\"]"]
        lines.append("tags: [other]")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure_arxiv(papers: list[Paper], expect: Model) -> tuple[int, float, bool]:
    """The existing polite client (infra.arxiv) fetching the ids of papers without authors from the
    stand-in arXiv: requests sent and wall time, against the model."""
    from paperlist.infra.arxiv import ArxivClient
    from support.fake_arxiv import ArxivRecord, FakeArxivAPI

    ids = [p.arxiv for p in papers if p.arxiv and not p.authors]
    with FakeArxivAPI({i: ArxivRecord(f"Paper {i}", ("A. Author",)) for i in ids}) as fake:
        client = ArxivClient(fake.url, budget=24 * 3600.0, cache_dir=None)
        start = time.perf_counter()
        got = client.fetch(ids)
        wall = time.perf_counter() - start
        client.close()
    ok = client.requests == expect.arxiv_requests and len(got.papers) == len(set(ids)) and wall >= expect.arxiv_wall
    return client.requests, wall, ok


def measure(papers: list[Paper], expect: Model, shards: int) -> tuple[int, int, int, int, float, bool]:
    from paperlist.github.refresh import RefreshReposSettings, run_refresh_repos

    tmp = Path(tempfile.mkdtemp(prefix="bench-refresh-"))
    try:
        root = tmp / "list"
        write_list(root, papers)
        with FakeGitHub() as gh:
            gh.graphql_limit = gh.graphql_remaining = ACTIONS_POINTS_PER_HOUR
            for i, r in enumerate(sorted({p.repo for p in papers if p.repo})):
                gh.add_repo(r, stars=(i * 7919) % 20000, archived=i % 41 == 0)
            start = time.perf_counter()
            result = run_refresh_repos(RefreshReposSettings(root=root, token="bench", graphql_url=f"{gh.url}/graphql",
                                                            budget_floor=FLOOR))
            wall = time.perf_counter() - start
            answered = len(gh.graphql_queries)
            # A second run the same day asks nothing: everything is fresh.
            again = run_refresh_repos(RefreshReposSettings(root=root, token="bench",
                                                           graphql_url=f"{gh.url}/graphql", budget_floor=FLOOR))
            # The scheduled matrix: every shard of a fresh copy, their queries added up.
            shutil.rmtree(root / "data")
            sharded = sum(run_refresh_repos(RefreshReposSettings(
                root=root, token="bench", graphql_url=f"{gh.url}/graphql", budget_floor=0,
                shard=(i, shards))).queries for i in range(1, shards + 1))
        ok = (result.queries == expect.queries == answered and result.points == expect.points
              and result.counts["checked"] == expect.repos and again.queries == 0
              and sharded == expect.shard_queries)
        return result.queries, result.points, answered, sharded, wall, ok
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


FIRST_VIEW = ("data/meta.json", "data/facets.json", "data/p/0.json")


def _sizes(site: Path, names: list[str]) -> tuple[int, int]:
    import gzip

    raw = sum((site / n).stat().st_size for n in names)
    return raw, sum(len(gzip.compress((site / n).read_bytes(), 9)) for n in names)


def real_list(source: Path) -> bool:
    """``paperlist refresh repos`` (the command, in a subprocess) on a copy of a real list against a
    stand-in that knows every repository it links; then the site's first-view data before and after."""
    import os
    import subprocess

    from paperlist.infra import identity
    from paperlist.project.loader import discover, load_paper

    tmp = Path(tempfile.mkdtemp(prefix="bench-refresh-real-"))
    try:
        root = tmp / "list"
        root.mkdir()
        for name in ("papers", "schema", "vocab"):
            if (source / name).is_dir():
                shutil.copytree(source / name, root / name)
        for name in ("paperlist.yaml", "README.md"):
            if (source / name).is_file():
                shutil.copy(source / name, root / name)
        shutil.rmtree(root / "data", ignore_errors=True)
        repos: set[str] = set()
        paths, _ = discover(root)
        for path in paths:
            pf = load_paper(path, root)
            links = pf.data.get("links") if isinstance(pf.data, dict) else None
            for url in (links.get("code") or []) if isinstance(links, dict) else []:
                repo = identity.github_repo(url) if isinstance(url, str) else None
                if repo:
                    repos.add(repo)
        env = {**os.environ, "PAPERLIST_NO_CACHE": "1"}

        def site(out: Path) -> None:
            r = subprocess.run([sys.executable, "-m", "paperlist", "--root", str(root), "site", "--out", str(out)],
                               env=env, capture_output=True, text=True, check=False)
            if r.returncode != 0:
                raise SystemExit(f"site: {r.stderr[-500:]}")

        site(tmp / "before")
        with FakeGitHub() as gh:
            gh.graphql_limit = gh.graphql_remaining = ACTIONS_POINTS_PER_HOUR
            for i, r in enumerate(sorted(repos)):
                # Stars spread over five orders of magnitude; one in 30 archived, one in 9 idle for years.
                gh.add_repo(r, stars=int(10 ** ((i * 7919 % 1000) / 200)), archived=i % 30 == 0,
                            pushed_at="2021-03-01T00:00:00Z" if i % 9 == 0 else "2026-11-20T00:00:00Z")
            start = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "paperlist", "--root", str(root), "refresh", "repos",
                                "--format", "json"], env={**env, "GITHUB_TOKEN": "bench", "GITHUB_API_URL": gh.url},
                               capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
        if r.returncode not in (0, 1):
            raise SystemExit(f"refresh: exit {r.returncode}: {r.stderr[-800:]}")
        import json

        out = json.loads(r.stdout)
        expected = math.ceil(len(repos) / MAX_BATCH)
        data_bytes = sum(p.stat().st_size for p in (root / "data" / "repos").glob("*.json"))
        print(f"\nReal list ({source}): {out['counts']['papers']:,} papers, {len(repos):,} GitHub repositories")
        print(f"  refresh repos: {out['queries']:,} queries (model {expected:,}), {out['points']:,} points, "
              f"{out['counts']['checked']:,} checked, {len(out['archived']):,} archived, wall {wall:.1f} s; "
              f"data/repos {data_bytes:,} bytes in {len(list((root / 'data' / 'repos').glob('*.json')))} files")
        site(tmp / "after")
        b, a = _sizes(tmp / "before", list(FIRST_VIEW)), _sizes(tmp / "after", list(FIRST_VIEW))
        stars = _sizes(tmp / "after", ["data/stars.json"])
        print(f"  site first-view data (meta + facets + first chunk): before {b[0]:,} B raw / {b[1]:,} B gzip, "
              f"after {a[0]:,} B raw / {a[1]:,} B gzip (+{a[1] - b[1]:,} B gzip); data/stars.json, fetched only "
              f"to sort by stars: {stars[0]:,} B raw / {stars[1]:,} B gzip")
        return out["queries"] == expected and out["counts"]["checked"] == len(repos)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", default="1000,10000", help="sizes also run against the stand-in (comma-separated)")
    ap.add_argument("--shards", type=int, default=4, help="jobs of the scheduled matrix")
    ap.add_argument("--arxiv", type=int, default=1000,
                    help="papers whose arXiv fetch is run against the stand-in arXiv (0: none; 3 s a request)")
    ap.add_argument("--real", type=Path, default=None,
                    help="also refresh a copy of this real list against the stand-in and measure its site data")
    args = ap.parse_args()
    run_sizes = {int(x) for x in args.run.split(",") if x}
    usable = ACTIONS_POINTS_PER_HOUR - FLOOR
    print(f"Budget: GITHUB_TOKEN {ACTIONS_POINTS_PER_HOUR:,} GraphQL points/hour per repository, floor {FLOOR} "
          f"→ {usable:,} usable; secondary limit {SECONDARY_POINTS_PER_MINUTE:,} points/min; arXiv "
          f"{MAX_IDS_PER_REQUEST} ids/request, ≥ {ARXIV_INTERVAL:.0f} s apart\n")
    head = (f"{'papers':>8} {'repos':>7} {'queries':>8} {'points':>7} {f'{args.shards} shards':>9} {'% budget':>9} "
            f"{'fits 1 h':>8} {'arXiv ids':>10} {'arXiv req':>10} {'min wall':>9}")
    print(head)
    print("-" * len(head))
    models = {}
    for n in (1_000, 10_000, 100_000):
        papers = synth(n)
        m = model(papers, args.shards)
        models[n] = (papers, m)
        share = 100 * m.shard_queries / ACTIONS_POINTS_PER_HOUR
        fits = "yes" if m.shard_queries <= usable else "no"
        wall = max(m.arxiv_wall, m.graphql_wall)
        print(f"{n:>8,} {m.repos:>7,} {m.queries:>8,} {m.points:>7,} {m.shard_queries:>9,} {share:>8.1f}% {fits:>8} "
              f"{m.arxiv_ids:>10,} {m.arxiv_requests:>10,} {wall / 60:>7.1f} min")
    print("\n(min wall: arXiv's spacing, (requests − 1) × 3 s, in one job; GraphQL's secondary limit adds "
          "nothing below 2,000 points.)\n")
    print(f"{'stand-in run':>12} {'model q':>8} {'measured q':>11} {'answered':>9} {'model pts':>10} "
          f"{'measured pts':>13} {'model shards q':>15} {'measured':>9} {'wall (s)':>9}  match")
    failed = False
    for n in sorted(run_sizes):
        papers, m = models[n] if n in models else (synth(n), model(synth(n), args.shards))
        q, pts, answered, sharded, wall, ok = measure(papers, m, args.shards)
        print(f"{n:>12,} {m.queries:>8,} {q:>11,} {answered:>9,} {m.points:>10,} {pts:>13,} {m.shard_queries:>15,} "
              f"{sharded:>9,} {wall:>9.1f}  {'yes' if ok else 'NO'}")
        failed |= not ok
    if args.arxiv:
        papers, m = models[args.arxiv] if args.arxiv in models else (synth(args.arxiv), model(synth(args.arxiv), 1))
        print(f"\narXiv stand-in, {args.arxiv:,} papers: the polite client (infra.arxiv) fetching "
              f"{m.arxiv_ids:,} ids")
        requests, wall, ok = measure_arxiv(papers, m)
        print(f"  model {m.arxiv_requests:,} requests, ≥ {m.arxiv_wall:.0f} s; measured {requests:,} requests in "
              f"{wall:.1f} s  {'yes' if ok else 'NO'}")
        failed |= not ok
    if args.real is not None:
        failed |= not real_list(args.real)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
