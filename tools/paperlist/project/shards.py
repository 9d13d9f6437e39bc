"""Splitting a list's folders over the jobs of a matrix: every folder in exactly one shard.

A scheduled refresh runs as N jobs (``--shard I/N``); each takes whole folders (a folder's data
file is written by one job only, so shards never conflict), balanced by their number of papers:
the largest folders first, each to the shard with the fewest papers so far (ties: the lower
shard, then the folder name), so the same list always gives the same split.
"""

from __future__ import annotations

from collections.abc import Mapping


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → ``(2, 4)`` (1-based: 1/4 … 4/4); ValueError when malformed. At most 256 shards:
    a GitHub Actions matrix runs at most 256 jobs. (``--shard`` of ``links`` and ``refresh``.)"""
    k_s, sep, n_s = text.partition("/")
    if not sep:
        raise ValueError("expected I/N, e.g. 1/4")
    k, n = int(k_s), int(n_s)
    if not (1 <= n <= 256 and 1 <= k <= n):
        raise ValueError("I/N needs 1 <= I <= N <= 256")
    return k, n


def partition(sizes: Mapping[str, int], n: int) -> list[list[str]]:
    """``n`` lists of folder names (each sorted) that together hold every folder of ``sizes``
    (folder → papers) exactly once, the papers spread as evenly as whole folders allow."""
    if n < 1:
        raise ValueError("n must be at least 1")
    shards: list[list[str]] = [[] for _ in range(n)]
    load = [0] * n
    for folder in sorted(sizes, key=lambda f: (-sizes[f], f)):
        i = min(range(n), key=lambda j: (load[j], j))
        shards[i].append(folder)
        load[i] += sizes[folder]
    return [sorted(s) for s in shards]
