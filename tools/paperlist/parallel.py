"""The one way paperlist spreads work over CPU cores.

Forked worker processes (the parent's loaded schema, vocabulary and settings are inherited,
not pickled), results in input order, and a quiet fallback to this process where processes
cannot be started (a sandbox) or the batch is too small to pay for them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
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
    global _FN  # noqa: PLW0603 - forked workers inherit the function through this global
    workers = cpu_jobs(jobs)
    if workers > 1 and len(items) >= parallel_from:
        try:
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
        except (ValueError, ImportError):
            ctx = None
        if ctx is not None:
            size = max(50, len(items) // (workers * 4))
            chunks = [list(items[i:i + size]) for i in range(0, len(items), size)]
            _FN = fn
            try:
                with ctx.Pool(workers) as pool:
                    out: list[R] = []
                    for part in pool.map(_run_chunk, chunks):
                        out.extend(part)
                    return out
            except OSError:
                pass  # no process support here: do it in this process
            finally:
                _FN = None
    return [fn(x) for x in items]
