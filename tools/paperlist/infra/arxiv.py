"""Titles and authors from arXiv's query API, politely: one batched request, one connection, spaced.

``GET {api}?id_list=a,b,c&max_results=N`` answers an Atom feed with one ``entry`` per paper
that exists; a malformed id gets an entry titled ``Error`` whose summary names the problem;
a well-formed id that does not exist is simply absent. arXiv's terms ask for at most one
request every 3 seconds on a single connection, so every request of a client goes over one
kept-alive connection, at least ``min_interval`` after the previous one (also across runs,
through a time stamp in the cache folder), and a 503/429 with ``Retry-After`` is waited out
only while the whole call stays inside ``budget`` seconds: a contributor gets an answer, or a
clear error, in well under 30 s.

The feed is parsed with defusedxml (no DTDs, no entities): the API address is configuration,
but what comes back over the network is data. Only successful look-ups are cached
(lychee's lesson: a cached failure outlives its cause).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import ssl
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from paperlist import __version__
from paperlist.errors import PaperlistError
from paperlist.infra import cachedir
from paperlist.infra.identity import arxiv_id

API_ENV = "PAPERLIST_ARXIV_API"
DEFAULT_API = "https://export.arxiv.org/api/query"
MAX_FEED_BYTES = 4 * 1024 * 1024
MAX_IDS_PER_REQUEST = 50
CACHE_SUBDIR = "arxiv-meta"
CACHE_MAX_AGE = 30 * 24 * 3600  # titles and author lists rarely change after the first weeks
_ATOM = "{http://www.w3.org/2005/Atom}"
_VERSION = re.compile(r"v(\d+)$")


def query_url(api: str) -> str:
    """The query endpoint for ``api``: a full ``…/api/query`` address, or a bare origin (the link
    checker's older form of ``PAPERLIST_ARXIV_API``) with ``/api/query`` added."""
    api = api.strip()
    if urlsplit(api).path.rstrip("/").endswith("/api/query"):
        return api.rstrip("/")
    return api.rstrip("/") + "/api/query"


class ArxivError(PaperlistError):
    """The API could not answer for ``ids`` (unreachable, busy past the budget, not a feed)."""

    def __init__(self, message: str, ids: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.ids = tuple(ids)


@dataclass(frozen=True)
class ArxivPaper:
    """One paper as arXiv lists it: bare id, title on one line, author names in order."""

    id: str
    title: str
    authors: tuple[str, ...]
    version: int | None = None


@dataclass
class FetchResult:
    """What a look-up found: ``papers`` by requested id, and ``problems`` (id → why it has none)."""

    papers: dict[str, ArxivPaper] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def parse_feed(body: bytes, wanted: Sequence[str]) -> FetchResult:
    """Papers and problems for ``wanted`` (bare ids) from an Atom answer; ArxivError if it is none."""
    try:
        root = SafeET.fromstring(body)
    except (ET.ParseError, DefusedXmlException, ValueError) as e:
        raise ArxivError(f"the arXiv API answered something that is not an Atom feed ({type(e).__name__}); "
                         f"nothing looked up for {', '.join(wanted)}", wanted) from None
    if root.tag != f"{_ATOM}feed":
        raise ArxivError(f"the arXiv API answered XML that is not an Atom feed (<{root.tag}>); "
                         f"nothing looked up for {', '.join(wanted)}", wanted)
    by_lower = {w.lower(): w for w in wanted}
    result = FetchResult()
    for entry in root.iter(f"{_ATOM}entry"):
        eid = _one_line(entry.findtext(f"{_ATOM}id"))
        title = _one_line(entry.findtext(f"{_ATOM}title"))
        summary = _one_line(entry.findtext(f"{_ATOM}summary"))
        if "/api/errors" in eid or title == "Error":
            # The error entry names the id only in its summary ("incorrect id format for 1234.5").
            for low, w in by_lower.items():
                if low in summary.lower() or low in eid.lower():
                    result.problems[w] = f"arXiv refuses the id {w}: {summary or 'malformed id'}"
            continue
        bare = arxiv_id(eid)
        if not bare or bare.lower() not in by_lower or not title:
            continue  # an entry without a title is arXiv's way of saying "no such paper" too
        m = _VERSION.search(eid)
        authors = tuple(n for n in (_one_line(a.findtext(f"{_ATOM}name")) for a in entry.iter(f"{_ATOM}author")) if n)
        want = by_lower[bare.lower()]
        result.papers[want] = ArxivPaper(want, title, authors, int(m.group(1)) if m else None)
    refused = sorted(result.problems)
    for w in wanted:
        if w in result.papers or w in result.problems:
            continue
        if refused:
            # arXiv answers a request with a malformed id by the error entry alone: the others were not looked up.
            result.problems[w] = f"{w} was not looked up: arXiv refused the request because of {', '.join(refused)}"
        else:
            result.problems[w] = f"arXiv has no paper {w} (check the id)"
    return result


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError, IndexError, OverflowError):
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    return None


class ArxivClient:
    """arXiv metadata by id; see the module docstring for the politeness rules it keeps.

    >>> ArxivClient.from_env(Path(".")).fetch(["2002.11616"]).papers  # doctest: +SKIP
    """

    def __init__(self, api: str = DEFAULT_API, *, min_interval: float = 3.0, timeout: float = 10.0,
                 budget: float = 25.0, cache_dir: Path | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.url = query_url(api)
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ArxivError(f"{API_ENV} must be an http(s) address, not {api!r}")
        self._parts = parts
        self.min_interval = min_interval
        self.timeout = timeout
        self.budget = budget
        self.cache_dir = cache_dir
        self.requests = 0  # how many HTTP requests this client sent (tests and reports read it)
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._conn: http.client.HTTPConnection | None = None

    @classmethod
    def from_env(cls, root: Path, environ: Mapping[str, str] | None = None) -> ArxivClient:
        """The client every command uses: ``PAPERLIST_ARXIV_API`` and the project's cache folder rule."""
        env = os.environ if environ is None else environ
        base = cachedir.cache_dir(root)
        return cls(env.get(API_ENV) or DEFAULT_API, cache_dir=base / CACHE_SUBDIR if base else None)

    # -- cache -------------------------------------------------------------------------------------
    def _cache_file(self, aid: str) -> Path | None:
        return self.cache_dir / (aid.replace("/", "_") + ".json") if self.cache_dir else None

    def _cached(self, aid: str) -> ArxivPaper | None:
        path = self._cache_file(aid)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if time.time() - float(data["fetched"]) > CACHE_MAX_AGE or data["id"] != aid:
                return None
            authors = data["authors"]
            if not isinstance(data["title"], str) or not all(isinstance(a, str) for a in authors):
                return None
            return ArxivPaper(aid, data["title"], tuple(authors), data.get("version"))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or corrupt: look it up again

    def cached(self, ids: Sequence[str]) -> dict[str, ArxivPaper]:
        """The ids the cache already answers, with no request: a caller with thousands of ids batches
        only the rest, so a warm run needs ``ceil(uncached / 50)`` requests, not one per 50 ids."""
        return {aid: paper for aid in dict.fromkeys(ids) if (paper := self._cached(aid)) is not None}

    def _store(self, paper: ArxivPaper) -> None:
        path = self._cache_file(paper.id)
        if path is None:
            return
        blob = {"id": paper.id, "title": paper.title, "authors": list(paper.authors), "version": paper.version,
                "fetched": time.time()}
        cachedir.write_atomic(path, json.dumps(blob, ensure_ascii=False).encode("utf-8"))

    # -- spacing -----------------------------------------------------------------------------------
    def _stamp(self) -> Path | None:
        return self.cache_dir / "last-request" if self.cache_dir else None

    def _wait_turn(self, deadline: float) -> None:
        """Sleep until ``min_interval`` has passed since this client's (or a recent run's) last request."""
        wait = 0.0
        if self._last is not None:
            wait = self._last + self.min_interval - self._clock()
        stamp = self._stamp()
        if stamp is not None:
            with contextlib.suppress(OSError, ValueError):
                since = time.time() - float(stamp.read_text(encoding="ascii"))
                if 0 <= since < self.min_interval:
                    wait = max(wait, self.min_interval - since)
        if wait > 0:
            if self._clock() + wait > deadline:
                raise TimeoutError
            self._sleep(wait)

    def _mark(self) -> None:
        self._last = self._clock()
        self.requests += 1
        stamp = self._stamp()
        if stamp is not None:
            cachedir.write_atomic(stamp, f"{time.time():.3f}".encode("ascii"))

    # -- HTTP --------------------------------------------------------------------------------------
    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        if self._conn is None:
            host, port = self._parts.hostname or "", self._parts.port
            if self._parts.scheme == "https":
                self._conn = http.client.HTTPSConnection(host, port, timeout=timeout,
                                                         context=ssl.create_default_context())
            else:
                self._conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self._conn.timeout = timeout
        if self._conn.sock is not None:
            self._conn.sock.settimeout(timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _get(self, batch: Sequence[str], deadline: float) -> tuple[int, dict[str, str], bytes]:
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise TimeoutError
        conn = self._connection(min(self.timeout, remaining))
        query = urlencode({"id_list": ",".join(batch), "max_results": len(batch)})
        path = (self._parts.path or "/") + "?" + query
        self._mark()
        try:
            conn.request("GET", path, headers={"User-Agent": f"paperlist/{__version__} (paper list maintenance)",
                                               "Accept": "application/atom+xml"})
            resp = conn.getresponse()
            chunks: list[bytes] = []
            size = 0
            while True:
                if self._clock() > deadline:
                    raise TimeoutError
                chunk = resp.read(64 * 1024)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_FEED_BYTES:
                    raise ArxivError(f"the arXiv API answer is larger than {MAX_FEED_BYTES:,} bytes", batch)
                chunks.append(chunk)
            # Spacing also counts from the end of this answer: however long it took to arrive, the
            # next request reaches arXiv at least min_interval after it.
            self._last = self._clock()
            headers = {k.lower(): v for k, v in resp.getheaders()}
            if resp.will_close:
                self.close()
            return resp.status, headers, b"".join(chunks)
        except BaseException:
            self.close()  # a half-read answer leaves the connection unusable
            raise

    def _request(self, batch: Sequence[str], deadline: float) -> FetchResult:
        names = ", ".join(batch)
        started = self._clock()
        problem = ""
        network_failures = 0
        for _attempt in range(4):
            try:
                self._wait_turn(deadline)
                status, headers, body = self._get(batch, deadline)
            except TimeoutError:
                # A socket time-out lands here too (socket.timeout is TimeoutError): say how long we waited.
                raise ArxivError(f"the arXiv API did not answer within {self._clock() - started:.0f} s"
                                 f"{' (' + problem + ')' if problem else ''}; nothing looked up for {names}; "
                                 "try again later", batch) from None
            except (OSError, http.client.HTTPException) as e:
                problem = f"{type(e).__name__}: {e}"
                network_failures += 1
                if network_failures > 1 or self._clock() + self.min_interval > deadline:
                    break
                continue  # one more try on a fresh connection, spaced like any request
            if status == 200:
                return parse_feed(body, batch)
            if status in (429, 503):
                after = _retry_after(headers.get("retry-after"))
                wait = max(after or self.min_interval, self.min_interval)
                problem = f"HTTP {status}" + (f", Retry-After {after:.0f} s" if after is not None else "")
                if self._clock() + wait > deadline:
                    break  # waiting longer than the budget allows: say so now rather than hang
                self._last = self._clock() + wait - self.min_interval  # the next turn starts after the wait
                continue
            raise ArxivError(f"the arXiv API answered HTTP {status}; nothing looked up for {names}", batch)
        raise ArxivError(f"the arXiv API is unreachable or busy ({problem or 'no answer'}); nothing looked up "
                         f"for {names}; try again later", batch)

    def fetch(self, ids: Sequence[str]) -> FetchResult:
        """Metadata for bare arXiv ids: cached ones from the cache, the rest in one batched request.

        Ids that arXiv does not know or refuses are in ``problems``; an API that cannot answer
        raises ArxivError naming the ids (nothing partial is returned for them).
        """
        wanted = list(dict.fromkeys(ids))
        result = FetchResult()
        missing: list[str] = []
        for aid in wanted:
            cached = self._cached(aid)
            if cached is not None:
                result.papers[aid] = cached
            else:
                missing.append(aid)
        deadline = self._clock() + self.budget
        for start in range(0, len(missing), MAX_IDS_PER_REQUEST):
            part = self._request(missing[start:start + MAX_IDS_PER_REQUEST], deadline)
            for aid, paper in part.papers.items():
                self._store(paper)
                result.papers[aid] = paper
            result.problems.update(part.problems)
        return result
