"""The one parallel map: results in order, work under way before the caller asks, workers gone
however the caller stops."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from paperlist.infra.parallel import pmap, pmap_chunks


def test_results_come_back_in_order_from_several_processes() -> None:
    items = list(range(2000))
    pids = pmap(lambda _: os.getpid(), items, jobs=2, parallel_from=10)
    assert len(set(pids)) >= 1 and os.getpid() not in pids  # computed in the workers
    assert pmap(lambda x: x * x, items, jobs=2, parallel_from=10) == [x * x for x in items]
    chunks = pmap_chunks(lambda x: -x, items, jobs=2, parallel_from=10)
    with chunks:
        parts = list(chunks)
    assert len(parts) > 1 and [x for part in parts for x in part] == [-x for x in items]


def test_stopping_early_or_failing_leaves_no_worker_behind() -> None:
    chunks = pmap_chunks(lambda x: x, list(range(5000)), jobs=2, parallel_from=10)
    with pytest.raises(RuntimeError), chunks:
        next(chunks)
        raise RuntimeError("the caller's own work failed")
    assert not multiprocessing.active_children()
    chunks = pmap_chunks(lambda x: x, list(range(5000)), jobs=2, parallel_from=10)
    chunks.close()  # never consumed
    assert not multiprocessing.active_children()


def test_small_batches_stay_in_this_process() -> None:
    assert pmap(lambda _: os.getpid(), [1, 2, 3]) == [os.getpid()] * 3
