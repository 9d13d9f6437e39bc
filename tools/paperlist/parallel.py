"""The one way paperlist spreads work over CPU cores.

Forked worker processes (the parent's loaded schema, vocabulary and settings are inherited,
not pickled), results in input order, and a quiet fallback to this process where processes
cannot be started (a sandbox) or the batch is too small to pay for them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Starting workers and shipping results back costs about as much as parsing this many files.
PARALLEL_FROM = 400

_FN: Callable[[Any], Any] | None = None


def cpu_jobs(jobs: int | None = None) -> int:
    """Worker processes to use: ``jobs`` when given, else one per CPU (at most 8)."""
    return max(1, jobs if jobs is not None else min(os.cpu_count() or 1, 8))


def _run_chunk(chunk: list[Any]) -> list[Any]:
    assert _FN is not None
    return [_FN(item) for item in chunk]


def pmap(fn: Callable[[T], R], items: Sequence[T], *, jobs: int | None = None,
         parallel_from: int = PARALLEL_FROM) -> list[R]:
    """``[fn(x) for x in items]``, on all cores when there are many items.

    ``fn`` may be a closure: workers are forked and inherit it. What ``fn`` returns travels
    back pickled, so keep it small (findings, features), not whole parse trees.

    >>> pmap(len, ["a", "bb"])
    [1, 2]
    """
    out: list[R] = []
    for part in pmap_chunks(fn, items, jobs=jobs, parallel_from=parallel_from):
        out.extend(part)
    return out


def pmap_chunks(fn: Callable[[T], R], items: Sequence[T], *, jobs: int | None = None,
                parallel_from: int = PARALLEL_FROM) -> Iterator[list[R]]:
    """:func:`pmap`, its results handed over a chunk at a time, in order, as the workers finish
    them: the caller can store one chunk while the workers compute the next."""
    global _FN  # noqa: PLW0603 - forked workers inherit the function through this global
    workers = cpu_jobs(jobs)
    if workers < 2 or len(items) < parallel_from:
        yield [fn(x) for x in items]
        return
    # Workers are forked when the pool is made: they see _FN as it is at that moment.
    previous, _FN = _FN, fn
    try:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(workers)
    except (ValueError, ImportError, OSError):
        pool = None  # no process support here (a sandbox): do it in this process
    finally:
        _FN = previous
    if pool is None:
        yield [fn(x) for x in items]
        return
    size = max(50, len(items) // (workers * 8))
    chunks = [list(items[i:i + size]) for i in range(0, len(items), size)]
    with pool:
        yield from pool.imap(_run_chunk, chunks)
