"""The one way paperlist spreads work over CPU cores.

Forked worker processes (the parent's loaded schema, vocabulary and settings are inherited,
not pickled), results in input order, and a quiet fallback to this process where processes
cannot be started (a sandbox) or the batch is too small to pay for them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

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
    with pmap_chunks(fn, items, jobs=jobs, parallel_from=parallel_from) as chunks:
        for part in chunks:
            out.extend(part)
    return out


class Chunks(Generic[R]):
    """The results of :func:`pmap_chunks`, a chunk at a time, in order. The work is under way as
    soon as this exists, so the caller can do its own work before asking for the first chunk.
    ``close()`` (or leaving a ``with`` block) stops the workers; exhausting it does too."""

    def __init__(self, pool: Any = None, results: Iterator[list[R]] | None = None,
                 compute: Callable[[], list[R]] | None = None) -> None:
        self._pool = pool
        self._results = results
        self._compute = compute  # in this process, when asked for: no workers were started

    def __iter__(self) -> Chunks[R]:
        return self

    def __next__(self) -> list[R]:
        if self._compute is not None:
            compute, self._compute = self._compute, None
            return compute()
        if self._results is None:
            raise StopIteration
        try:
            return next(self._results)
        except BaseException:  # the end, or a failure: either way the workers are done
            self.close()
            raise

    def close(self) -> None:
        self._compute = None
        self._results = None
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.terminate()

    def __enter__(self) -> Chunks[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def pmap_chunks(fn: Callable[[T], R], items: Sequence[T], *, jobs: int | None = None,
                parallel_from: int = PARALLEL_FROM) -> Chunks[R]:
    """:func:`pmap`, its results handed over a chunk at a time, in order, as the workers finish
    them: the caller can store one chunk while the workers compute the next, or do other work
    before it asks for the first."""
    global _FN  # noqa: PLW0603 - forked workers inherit the function through this global
    workers = cpu_jobs(jobs)
    todo = list(items)
    if workers < 2 or len(todo) < parallel_from:
        return Chunks(compute=lambda: [fn(x) for x in todo])
    # Workers are forked when the pool is made: they see _FN as it is at that moment.
    previous, _FN = _FN, fn
    try:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(workers)
    except (ValueError, ImportError, OSError):
        return Chunks(compute=lambda: [fn(x) for x in todo])  # no process support here (a sandbox)
    finally:
        _FN = previous
    size = max(50, len(todo) // (workers * 8))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    return Chunks(pool, pool.imap(_run_chunk, chunks))
