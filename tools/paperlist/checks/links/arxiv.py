"""arXiv ids checked in batches through the one arXiv client (``infra.arxiv``), not one page per link.

The client keeps arXiv's rules (one connection, requests ``arxiv_interval`` apart, batches of at
most ``infra.arxiv.MAX_IDS_PER_REQUEST``), parses the feed with defusedxml, never sends an id
arXiv would refuse, and asks again for the batch-mates of an id it refuses anyway: each id gets
its own verdict. Here its answers become verdicts: found is ok, absent or malformed is broken,
and an API that cannot answer makes its ids *inconclusive*, never broken. Its connection
failures are reported to the run's ``NetworkWatch``, like every other host's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from paperlist.checks.links.config import LinkConfig
from paperlist.checks.links.network import TIMEOUT, NetworkWatch, host_of, kind_of, unavailable
from paperlist.checks.links.verdict import Verdict, broken, inconclusive, ok
from paperlist.infra.arxiv import ArxivClient, ArxivError, FetchResult, id_problem


def verdicts_from(result: FetchResult, ids: Sequence[str]) -> dict[str, Verdict]:
    """Verdicts for the ids ``result`` answers (found: ok; absent or refused: broken)."""
    out: dict[str, Verdict] = {}
    for aid in ids:
        if aid in result.papers:
            out[aid] = ok(via="arxiv", final_url=f"https://arxiv.org/abs/{aid}")
        elif aid in result.problems:
            out[aid] = broken(result.problems[aid], via="arxiv")
    return out


def _connection_kind(e: ArxivError) -> str | None:
    if e.answered or e.cause is None:
        return None
    return TIMEOUT if isinstance(e.cause, TimeoutError) else kind_of(e.cause)


async def check_ids(ids: Sequence[str], cfg: LinkConfig, *, timeout: float,
                    on_done: Callable[[int], None] | None = None,
                    watch: NetworkWatch | None = None, cache_dir: Path | None = None) -> dict[str, Verdict]:
    """Verdicts for bare arXiv ids, ``cfg.arxiv_batch`` at a time, ``cfg.arxiv_interval`` apart.

    A connection-level failure of the API is reported to ``watch``; once the network is known to
    be down, the remaining batches are not sent (their ids are "not checked"). ``cache_dir`` is
    the client's (metadata found once is known; the spacing holds across runs)."""
    watch = watch or NetworkWatch()
    out: dict[str, Verdict] = {}
    # Ids arXiv would refuse are answered here, before batching: they would only shrink a batch.
    for aid in dict.fromkeys(ids):
        why = id_problem(aid)
        if why:
            out[aid] = broken(why, via="arxiv")
    if out and on_done:
        on_done(len(out))
    ids = [aid for aid in dict.fromkeys(ids) if aid not in out]
    if not ids:
        return out
    # One request's budget: a spaced retry after a busy answer, and the re-asks a refused id costs.
    budget = 3 * timeout + 4 * cfg.arxiv_interval
    client = ArxivClient(cfg.arxiv_api, min_interval=cfg.arxiv_interval, timeout=timeout, budget=budget,
                         cache_dir=cache_dir, batch_size=cfg.arxiv_batch, user_agent=cfg.user_agent)
    where = host_of(client.url)
    try:
        for start in range(0, len(ids), client.batch_size):
            batch = ids[start:start + client.batch_size]
            if watch.down:
                out.update({i: unavailable(watch, "arxiv") for i in batch})
            else:
                out.update(await _batch(client, batch, watch, where))
            if on_done:
                on_done(len(batch))
    finally:
        client.close()
    return out


async def _batch(client: ArxivClient, batch: list[str], watch: NetworkWatch, where: str) -> dict[str, Verdict]:
    sent = client.requests
    try:
        # The client is synchronous (one connection, spaced): its thread waits, the loop checks other links.
        result = await asyncio.to_thread(client.fetch, batch)
    except ArxivError as e:
        kind = _connection_kind(e)
        if e.answered:
            watch.reached(where)
        elif kind:
            await asyncio.to_thread(watch.failed, where, kind)
        got = verdicts_from(e.partial, batch)
        if watch.down:
            return {i: got.get(i) or unavailable(watch, "arxiv") for i in batch}
        return {i: got.get(i) or inconclusive(f"{e.reason}; id not verified", via="arxiv", connection=kind)
                for i in batch}
    if client.requests > sent:  # an answer from arXiv, not only from the cache
        watch.reached(where)
    return verdicts_from(result, batch)
