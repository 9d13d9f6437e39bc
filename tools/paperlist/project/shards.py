"""The one way a list is split over the shards of a scheduled job: by folder, balanced by paper count.

``paperlist refresh repos --shard 2/4`` and ``paperlist refresh authors --shard 2/4`` must cover the
same papers, so that each shard job's changes touch its own folders only and the merge job can apply
every shard's patch without conflicts. A folder (``papers/cvpr2021``) is never split: its generated
data (``data/repos/cvpr2021.json``) then belongs to exactly one shard too.

The partition is the greedy "largest first onto the lightest shard" rule, with ties broken by name
and by shard number: deterministic for the same counts, and within one folder's size of the ideal
balance. It depends on the counts, so a folder can change shards as the list grows; every shard of
one run reads the same checkout, so the shards of a run are always disjoint and together complete.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from paperlist.findings import Finding
from paperlist.project.keys import PAPERS_DIR
from paperlist.project.loader import discover, relpath


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → ``(2, 4)`` (K is 1-based: shards 1/4 … 4/4); ValueError when malformed. At most 256
    shards: a GitHub Actions matrix runs at most 256 jobs. (``--shard`` of ``links`` and ``refresh``.)

    >>> parse_shard("2/4")
    (2, 4)
    """
    k_s, sep, n_s = text.partition("/")
    if not sep:
        raise ValueError("expected K/N, e.g. 1/4")
    k, n = int(k_s), int(n_s)
    if not (1 <= n <= 256 and 1 <= k <= n):
        raise ValueError("K/N needs 1 <= K <= N <= 256")
    return k, n


def partition(folders_with_counts: Mapping[str, int] | Iterable[tuple[str, int]], n: int) -> list[list[str]]:
    """All ``n`` shards at once: the folder names of each, sorted (see the module docstring)."""
    if n < 1:
        raise ValueError("the number of shards must be at least 1")
    items = folders_with_counts.items() if isinstance(folders_with_counts, Mapping) else folders_with_counts
    counts: dict[str, int] = {}
    for name, count in items:
        counts[name] = counts.get(name, 0) + max(0, int(count))
    loads = [0] * n
    shards: list[list[str]] = [[] for _ in range(n)]
    for name, count in sorted(counts.items(), key=lambda nc: (-nc[1], nc[0])):
        lightest = min(range(n), key=lambda s: (loads[s], s))
        shards[lightest].append(name)
        loads[lightest] += count
    return [sorted(s) for s in shards]


def shard_folders(folders_with_counts: Mapping[str, int] | Iterable[tuple[str, int]], i: int, n: int) -> list[str]:
    """The folders of shard ``i`` of ``n`` (1-based), by :func:`partition`.

    >>> shard_folders({"cvpr2021": 1016, "iccv2023": 2154, "cvpr2020": 147}, 1, 2)
    ['iccv2023']
    >>> shard_folders({"cvpr2021": 1016, "iccv2023": 2154, "cvpr2020": 147}, 2, 2)
    ['cvpr2020', 'cvpr2021']
    """
    if not 1 <= i <= n:
        raise ValueError(f"shard {i}/{n}: K/N needs 1 <= K <= N")
    return partition(folders_with_counts, n)[i - 1]


def folder_of(rel: str) -> str:
    """The folder a paper file belongs to: ``papers/cvpr2021/x.yaml`` → ``cvpr2021``."""
    parts = rel.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == PAPERS_DIR else ""


def shard_paths(root: Path, shard: tuple[int, int] | None) -> tuple[list[Path], list[str], list[Finding]]:
    """The paper files of ``shard`` (every file when None), its folders, and discovery findings."""
    paths, findings = discover(Path(root))
    rels = [relpath(p, root) for p in paths]
    counts = Counter(folder_of(r) for r in rels)
    if shard is None:
        return paths, sorted(counts), findings
    chosen = set(shard_folders(counts, *shard))
    return [p for p, r in zip(paths, rels, strict=True) if folder_of(r) in chosen], sorted(chosen), findings


__all__ = ["folder_of", "parse_shard", "partition", "shard_folders", "shard_paths"]
