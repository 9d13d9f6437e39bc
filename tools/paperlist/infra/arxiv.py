"""The one arXiv client: titles and authors (``paperlist new``, the issue form, import) and
whether ids exist (the link checker), politely: batched requests, one connection, spaced.

``GET {api}?id_list=a,b,c&max_results=N`` answers an Atom feed with one ``entry`` per paper
that exists; a well-formed id that does not exist is simply absent. A malformed id makes arXiv
answer the *whole request* with one entry titled ``Error`` ("incorrect id format for …") and look
up none of the other ids; so ids are checked against arXiv's id grammar before they are sent
(:func:`id_problem`, the same rule as the paper schema's), and a batch answered with the error
entry anyway is asked again without the id it names (halved when it names none): one malformed
id never costs its batch-mates their answer. arXiv's terms ask for at most one
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
# 100 ids a request: 1,000 arXiv links are 10 requests, 30 s at arXiv's 3 s spacing (50 made it a
# minute), the query stays near 1.3 KB, and one failed request leaves at most 100 links unverified.
MAX_IDS_PER_REQUEST = 100
# A typical entry (title, a ~1,900-character abstract, a dozen authors) is 2-4 KB, so 100 of them
# are about 0.3 MiB; 8 MiB leaves room for a batch full of thousand-author collaboration papers
# (~60 KB each). A larger answer is not refused for its batch: the batch is halved and asked again.
MAX_FEED_BYTES = 8 * 1024 * 1024
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


# arXiv's id grammar, as the paper schema writes it (tests/test_arxiv_client.py holds the two equal):
# new style YYMM.NNNN from 0704 to 1412, YYMM.NNNNN from 1501; old style archive(.XX)/YYMMNNN, 1991-2007.
_WELL_FORMED = re.compile(
    r"^(?:(?:07(?:0[4-9]|1[0-2])|(?:0[89]|1[0-4])(?:0[1-9]|1[0-2]))\.[0-9]{4}"
    r"|(?:1[5-9]|[2-9][0-9])(?:0[1-9]|1[0-2])\.[0-9]{5}"
    r"|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/(?:9[1-9]|0[0-7])(?:0[1-9]|1[0-2])[0-9]{3})$")
_NEW_STYLE = re.compile(r"^(\d{2})(\d{2})\.(\d+)$")
_OLD_STYLE = re.compile(r"^[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}$")
_REFUSED_ID = re.compile(r"incorrect id format for (\S+)", re.I)


def id_problem(aid: str) -> str | None:
    """Why arXiv would refuse the bare id ``aid`` ("incorrect id format"), or None when it is well formed.

    >>> id_problem("2103.09460") is None
    True
    >>> id_problem("2113.09460")
    'arXiv would refuse the id 2113.09460: there is no month 13 (new-style ids are YYMM.NNNNN, e.g. 2103.09460)'
    """
    if _WELL_FORMED.match(aid):
        return None
    why = "it is not an arXiv id (YYMM.NNNNN, e.g. 2103.09460, or archive/YYMMNNN, e.g. cs/0501001)"
    m = _NEW_STYLE.match(aid)
    if m:
        yy, mm, num = m.groups()
        if not 1 <= int(mm) <= 12:
            why = f"there is no month {mm} (new-style ids are YYMM.NNNNN, e.g. 2103.09460)"
        elif yy + mm < "0704":
            why = "new-style ids begin in April 2007 (0704); older papers have archive/YYMMNNN ids"
        else:
            digits = 5 if yy + mm >= "1501" else 4
            why = f"ids of {mm}/20{yy} have {digits} digits after the point, this one has {len(num)}"
    else:
        m = _OLD_STYLE.match(aid)
        if m:
            yy, mm = m.groups()
            why = (f"there is no month {mm}" if not 1 <= int(mm) <= 12
                   else "old-style ids are from 1991 to 2007 (archive/YYMMNNN with YY from 91 to 07)")
    return f"arXiv would refuse the id {aid}: {why}"


@dataclass
class FetchResult:
    """What a look-up found: ``papers`` by requested id, and ``problems`` (id → why it has none).

    ``unasked`` (only from :func:`parse_feed` on one answer): ids arXiv did not look up because the
    request held an id it refuses; :meth:`ArxivClient.fetch` asks for them again, so its result has none.
    """

    papers: dict[str, ArxivPaper] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    unasked: list[str] = field(default_factory=list)


class ArxivError(PaperlistError):
    """The API could not answer for ``ids`` (unreachable, busy past the budget, not a feed).

    ``reason`` says why in a few words (the message adds the ids); ``answered`` is True when the
    API sent an HTTP answer at all, and ``cause`` is the error of a connection that could not be
    made (a name that does not resolve, a refused port): what the link checker needs to tell an
    outage of its own network from a busy arXiv. ``partial`` holds what was found before the failure.
    """

    def __init__(self, message: str, ids: Sequence[str] = (), *, reason: str = "", answered: bool = False,
                 cause: BaseException | None = None, partial: FetchResult | None = None,
                 later: bool = False) -> None:
        super().__init__(message)
        self.ids = tuple(ids)
        self.reason = reason or message
        self.answered = answered
        self.cause = cause
        self.partial = partial or FetchResult()
        self.later = later

    @classmethod
    def failed(cls, reason: str, ids: Sequence[str], *, later: bool = True, answered: bool = False,
               cause: BaseException | None = None, partial: FetchResult | None = None) -> ArxivError:
        """"<reason>; nothing looked up for <ids>[; try again later]"."""
        message = f"{reason}; nothing looked up for {_names(ids)}" + ("; try again later" if later else "")
        return cls(message, ids, reason=reason, answered=answered, cause=cause, partial=partial, later=later)

    def widened(self, ids: Sequence[str], partial: FetchResult) -> ArxivError:
        """The same failure, about ``ids`` (this batch's and the ones not asked yet)."""
        return ArxivError.failed(self.reason, ids, later=self.later, answered=self.answered, cause=self.cause,
                                 partial=partial)


def _names(ids: Sequence[str], most: int = 10) -> str:
    shown = ", ".join(ids[:most])
    return shown if len(ids) <= most else f"{shown} and {len(ids) - most} more"


@dataclass(frozen=True)
class ArxivPaper:
    """One paper as arXiv lists it: bare id, title on one line, author names in order."""

    id: str
    title: str
    authors: tuple[str, ...]
    version: int | None = None


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _not_a_feed(wanted: Sequence[str], what: str) -> ArxivError:
    return ArxivError.failed(f"the arXiv API answered {what}", wanted, later=False, answered=True)


def parse_feed(body: bytes, wanted: Sequence[str]) -> FetchResult:
    """Papers and problems for ``wanted`` (bare ids) from one Atom answer; ArxivError if it is none.

    The one parser of arXiv's answers (defusedxml: no DTDs, no entities). An answer holding arXiv's
    error entry puts the id it names in ``problems`` and every other id not found in ``unasked``
    (and, for a caller of this function alone, in ``problems`` as "not looked up")."""
    try:
        root = SafeET.fromstring(body)
    except (ET.ParseError, DefusedXmlException, ValueError) as e:
        raise _not_a_feed(wanted, f"something that is not an Atom feed ({type(e).__name__})") from None
    if root.tag != f"{_ATOM}feed":
        raise _not_a_feed(wanted, f"XML that is not an Atom feed (<{root.tag}>)")
    by_lower = {w.lower(): w for w in wanted}
    result = FetchResult()
    refusal = False
    for entry in root.iter(f"{_ATOM}entry"):
        eid = _one_line(entry.findtext(f"{_ATOM}id"))
        title = _one_line(entry.findtext(f"{_ATOM}title"))
        summary = _one_line(entry.findtext(f"{_ATOM}summary"))
        if "/api/errors" in eid or title == "Error":
            refusal = True
            # The error entry names the id in its summary ("incorrect id format for 1234.5").
            named = _REFUSED_ID.search(summary)
            hits = ([by_lower[named.group(1).lower()]] if named and named.group(1).lower() in by_lower
                    else [w for low, w in by_lower.items() if low in summary.lower() or low in eid.lower()])
            for w in hits:
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
        if refusal:
            # arXiv answers a request with a malformed id by the error entry alone: the others were not looked up.
            result.unasked.append(w)
            result.problems[w] = (f"{w} was not looked up: arXiv refused the request because of "
                                  f"{', '.join(refused) or 'an id it did not name'}")
        else:
            result.problems[w] = f"arXiv has no paper {w} (check the id)"
    return result


class _TooLarge(Exception):
    """An answer past MAX_FEED_BYTES: the batch is halved, not failed."""


class _NoConnection(Exception):
    """The connection to the API could not be made (``cause``): no HTTP answer at all."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def cache_folder(root: Path) -> Path | None:
    """Where the client keeps metadata and its last-request stamp for ``root`` (None: no cache)."""
    base = cachedir.cache_dir(root)
    return base / CACHE_SUBDIR if base else None


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

    ``batch_size`` (at most MAX_IDS_PER_REQUEST) is how many ids go in one request; ``budget`` bounds
    the seconds one :meth:`fetch` may take, waits included.

    >>> ArxivClient.from_env(Path(".")).fetch(["2002.11616"]).papers  # doctest: +SKIP
    """

    def __init__(self, api: str = DEFAULT_API, *, min_interval: float = 3.0, timeout: float = 10.0,
                 budget: float = 25.0, cache_dir: Path | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 batch_size: int = MAX_IDS_PER_REQUEST, user_agent: str | None = None) -> None:
        self.url = query_url(api)
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ArxivError(f"{API_ENV} must be an http(s) address, not {api!r}")
        self._parts = parts
        self.min_interval = min_interval
        self.timeout = timeout
        self.budget = budget
        self.cache_dir = cache_dir
        self.batch_size = max(1, min(batch_size, MAX_IDS_PER_REQUEST))
        self.user_agent = user_agent or f"paperlist/{__version__} (paper list maintenance)"
        self.requests = 0  # how many HTTP requests this client sent (tests and reports read it)
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._conn: http.client.HTTPConnection | None = None

    @classmethod
    def from_env(cls, root: Path, environ: Mapping[str, str] | None = None) -> ArxivClient:
        """The client every command uses: ``PAPERLIST_ARXIV_API`` and the project's cache folder rule."""
        env = os.environ if environ is None else environ
        return cls(env.get(API_ENV) or DEFAULT_API, cache_dir=cache_folder(root))

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
        if conn.sock is None:
            # Connecting is its own step: a name that does not resolve or a refused port is about the
            # network (the link checker asks whether it is *ours*), not about a slow arXiv.
            try:
                conn.connect()
            except OSError as e:
                self.close()
                raise _NoConnection(e) from e
        try:
            conn.request("GET", path, headers={"User-Agent": self.user_agent, "Accept": "application/atom+xml"})
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
                    raise _TooLarge
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
        """One batch's answer (retried within the budget); ArxivError when there is none."""
        started = self._clock()
        problem = ""
        network_failures = 0
        answered = False
        unreached: OSError | None = None
        for _attempt in range(4):
            try:
                self._wait_turn(deadline)
                status, headers, body = self._get(batch, deadline)
            except TimeoutError:
                # A socket time-out lands here too (socket.timeout is TimeoutError): say how long we waited.
                reason = (f"the arXiv API did not answer within {self._clock() - started:.0f} s"
                          f"{' (' + problem + ')' if problem else ''}")
                raise ArxivError.failed(reason, batch, answered=answered, cause=unreached) from None
            except _NoConnection as e:
                unreached = e.cause
                problem = f"{type(e.cause).__name__}: {e.cause}"
                network_failures += 1
                if network_failures > 1 or self._clock() + self.min_interval > deadline:
                    break
                continue  # one more try, spaced like any request
            except (OSError, http.client.HTTPException) as e:
                problem = f"{type(e).__name__}: {e}"
                network_failures += 1
                if network_failures > 1 or self._clock() + self.min_interval > deadline:
                    break
                continue  # one more try on a fresh connection, spaced like any request
            answered, unreached = True, None
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
            raise ArxivError.failed(f"the arXiv API answered HTTP {status}", batch, later=False, answered=True)
        raise ArxivError.failed(f"the arXiv API is unreachable or busy ({problem or 'no answer'})", batch,
                                answered=answered, cause=unreached)

    def _lookup(self, batch: list[str], deadline: float, result: FetchResult) -> None:
        """Answers for ``batch`` into ``result``: asked again without the id arXiv refuses, halved
        when it names none or the answer is too large, until every id has its own answer."""
        queue = [batch]
        while queue:
            part = queue.pop(0)
            try:
                got = self._request(part, deadline)
            except _TooLarge:
                if len(part) == 1:
                    rest = [aid for p in (part, *queue) for aid in p]
                    raise ArxivError.failed(f"the arXiv API answer for {part[0]} is larger than {MAX_FEED_BYTES:,} "
                                            "bytes", rest, later=False, answered=True, partial=result) from None
                queue[:0] = [part[:len(part) // 2], part[len(part) // 2:]]
                continue
            except ArxivError as e:
                raise e.widened([aid for p in (part, *queue) for aid in p], result) from None
            for aid, paper in got.papers.items():
                self._store(paper)
                result.papers[aid] = paper
            unasked = set(got.unasked)
            result.problems.update({aid: why for aid, why in got.problems.items() if aid not in unasked})
            if not got.unasked:
                continue
            if len(got.unasked) < len(part):
                queue.insert(0, got.unasked)  # the refused id is answered; ask for the others again
            elif len(part) == 1:
                result.problems[part[0]] = f"arXiv refuses the id {part[0]}"
            else:
                queue[:0] = [part[:len(part) // 2], part[len(part) // 2:]]  # it named none: halve

    def fetch(self, ids: Sequence[str]) -> FetchResult:
        """Metadata for bare arXiv ids: cached ones from the cache, the rest in batched requests.

        Ids that arXiv does not know or would refuse are in ``problems`` (a malformed id is never
        sent: :func:`id_problem`); an API that cannot answer raises ArxivError naming the ids it
        could not look up, with what it found before in ``partial``.
        """
        wanted = list(dict.fromkeys(ids))
        result = FetchResult()
        missing: list[str] = []
        for aid in wanted:
            why = id_problem(aid)
            if why:
                result.problems[aid] = why
                continue
            cached = self._cached(aid)
            if cached is not None:
                result.papers[aid] = cached
            else:
                missing.append(aid)
        deadline = self._clock() + self.budget
        for start in range(0, len(missing), self.batch_size):
            try:
                self._lookup(missing[start:start + self.batch_size], deadline, result)
            except ArxivError as e:
                raise e.widened([*e.ids, *missing[start + self.batch_size:]], result) from None
        return result
