"""arXiv ids checked in batches through the query API, not one page fetch per link.

``GET {base}/api/query?id_list=a,b,c&max_results=N`` answers an Atom feed with one entry per
paper that exists; a malformed id yields an error entry, a well-formed id that does not
exist yields no entry (or an entry without a title). arXiv's terms ask for at most one
request every 3 seconds, on one connection: batches go out one after the other, spaced.
A failed API call makes its ids *inconclusive*, never broken.
"""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

import aiohttp

from paperlist.checks.links.config import LinkConfig
from paperlist.checks.links.network import DNS, TIMEOUT, NetworkWatch, host_of, kind_of, unavailable
from paperlist.checks.links.verdict import Verdict, broken, inconclusive, ok
from paperlist.infra.arxiv import query_url
from paperlist.infra.identity import arxiv_id

_ATOM = "{http://www.w3.org/2005/Atom}"
MAX_FEED_BYTES = 8 * 1024 * 1024


def parse_feed(xml_text: str, wanted: Sequence[str]) -> dict[str, Verdict]:
    """Verdicts for ``wanted`` (bare ids) from an API answer."""
    root = ET.fromstring(xml_text)
    found: set[str] = set()
    errors: dict[str, str] = {}
    for entry in root.iter(f"{_ATOM}entry"):
        eid = (entry.findtext(f"{_ATOM}id") or "").strip()
        title = (entry.findtext(f"{_ATOM}title") or "").strip()
        summary = (entry.findtext(f"{_ATOM}summary") or "").strip()
        if "/api/errors" in eid or title == "Error":
            for w in wanted:
                if w in summary or w in eid:
                    errors[w] = summary or "arXiv reports an error for this id"
            continue
        if not title:
            continue
        bare = arxiv_id(eid)
        if bare:
            found.add(bare.lower())
    out: dict[str, Verdict] = {}
    for w in wanted:
        if w.lower() in found:
            out[w] = ok(via="arxiv", final_url=f"https://arxiv.org/abs/{w}")
        elif w in errors:
            out[w] = broken(f"arXiv: {errors[w]}", via="arxiv")
        else:
            out[w] = broken(f"arXiv has no paper {w}", via="arxiv")
    return out


async def check_ids(ids: Sequence[str], cfg: LinkConfig, *, timeout: float,
                    on_done: Callable[[int], None] | None = None,
                    watch: NetworkWatch | None = None) -> dict[str, Verdict]:
    """Verdicts for bare arXiv ids, ``cfg.arxiv_batch`` at a time, ``cfg.arxiv_interval`` apart.

    A connection-level failure of the API is reported to ``watch``; once the network is known to
    be down, the remaining batches are not sent (their ids are "not checked")."""
    watch = watch or NetworkWatch()
    ids = list(dict.fromkeys(ids))
    out: dict[str, Verdict] = {}
    if not ids:
        return out
    url = query_url(cfg.arxiv_api)  # one rule for PAPERLIST_ARXIV_API: an origin or the full query address
    where = host_of(url)
    loop = asyncio.get_running_loop()
    last = -1e9
    # One connection, as arXiv asks; the API host is configuration, not contributor input.
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector, headers={"User-Agent": cfg.user_agent},
                                     trust_env=False) as session:
        for start in range(0, len(ids), cfg.arxiv_batch):
            batch = ids[start:start + cfg.arxiv_batch]
            verdicts: dict[str, Verdict] | None = None
            problem = ""
            kind: str | None = None
            for attempt in range(2):
                if watch.down:
                    break
                wait = last + cfg.arxiv_interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                last = loop.time()
                query = urlencode({"id_list": ",".join(batch), "max_results": len(batch)})
                try:
                    async with session.get(f"{url}?{query}", timeout=aiohttp.ClientTimeout(
                            total=timeout * 3, sock_connect=timeout)) as r:
                        watch.reached(where)
                        kind = None
                        body = await r.content.read(MAX_FEED_BYTES)
                        # Spacing counts from the end of an answer too: a slow first request (connection
                        # set-up) must not let the next one reach arXiv sooner than the interval.
                        last = loop.time()
                        if r.status != 200:
                            problem = f"the arXiv API answered HTTP {r.status}"
                            continue
                    verdicts = parse_feed(body.decode("utf-8", "replace"), batch)
                    break
                except (TimeoutError, aiohttp.ClientError) as e:
                    problem = f"the arXiv API did not answer ({type(e).__name__})"
                    kind = (TIMEOUT if isinstance(e, aiohttp.ConnectionTimeoutError)
                            else DNS if isinstance(e, aiohttp.ClientConnectorDNSError)
                            else kind_of(e.os_error) if isinstance(e, aiohttp.ClientConnectorError) else None)
                    if kind:
                        await asyncio.to_thread(watch.failed, where, kind)
                except ET.ParseError:
                    problem = "the arXiv API answered something that is not an Atom feed"
                _ = attempt
            if verdicts is None and watch.down:
                verdicts = {i: unavailable(watch, "arxiv") for i in batch}
            elif verdicts is None:
                verdicts = {i: inconclusive(f"{problem}; id not verified", via="arxiv", connection=kind)
                            for i in batch}
            out.update(verdicts)
            if on_done:
                on_done(len(batch))
    return out
