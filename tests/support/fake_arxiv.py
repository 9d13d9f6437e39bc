"""A stand-in for arXiv's query API on loopback, answering in arXiv's own Atom shape.

``GET /api/query?id_list=a,b,c&max_results=N`` (HTTP/1.1, keep-alive) answers what
export.arxiv.org answers:

- a ``feed`` with ``opensearch:totalResults`` and one ``entry`` per known paper, whose
  ``id`` is the versioned abs URL (``http://arxiv.org/abs/2002.11616v2``), whose ``title``
  is wrapped over lines the way arXiv wraps it, with ``author/name`` elements;
- for a malformed id (here: a new-style id whose month is not 01–12, or anything that is
  not an id, or an id in ``refuse``), only arXiv's ``Error`` entry
  (``http://arxiv.org/api/errors#…``) naming the first such id, and the other ids of the
  request are not looked up (``anonymous_errors`` leaves the id out of the entry);
- for a well-formed id that does not exist, nothing (the entry is absent).

``script`` queues special answers for the next requests: ``("503", "7")`` (status with
Retry-After seconds), ``("429", "1")``, ``("xml", None)`` (a broken document),
``("html", None)`` (a 200 that is an HTML error page), ``("dtd", None)`` (a feed with an
entity-expanding DTD), ``("ok", None)`` (the usual answer: to script the second request only).
Every request is recorded with its time, ids and the client's port (one port = one connection),
so tests can measure batching, spacing and connection reuse.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

FEED_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<feed xmlns="http://www.w3.org/2005/Atom">\n'
             '  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D{q}%26start%3D0%26max_results%3D10"'
             ' rel="self" type="application/atom+xml"/>\n'
             '  <title type="html">ArXiv Query: search_query=&amp;id_list={q}&amp;start=0&amp;max_results=10</title>\n'
             '  <id>http://arxiv.org/api/2lJqFyvh2BYYTc0DgDfsmA1kCyE</id>\n'
             '  <updated>2026-12-02T00:00:00-05:00</updated>\n'
             '  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{n}'
             '</opensearch:totalResults>\n'
             '  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0'
             '</opensearch:startIndex>\n'
             '  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">10'
             '</opensearch:itemsPerPage>\n')

_NEW_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")
_OLD_ID = re.compile(r"^[a-z-]+(\.[A-Z]{2})?/\d{7}$")


@dataclass
class ArxivRecord:
    title: str  # as arXiv stores it: may hold line breaks and double spaces
    authors: tuple[str, ...]
    version: int = 1


@dataclass
class Hit:
    at: float
    ids: list[str]
    port: int
    status: int


def wrap(title: str, width: int = 60) -> str:
    """Wrap a title the way arXiv's feed does: a newline and two spaces inside long titles."""
    words, lines, cur = title.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    lines.append(cur)
    return "\n  ".join(lines)


def _malformed(aid: str) -> bool:
    m = _NEW_ID.match(aid)
    if m:
        return not 1 <= int(m.group(2)) <= 12
    return not _OLD_ID.match(aid)


def _entry(aid: str, rec: ArxivRecord) -> str:
    authors = "".join(f"    <author>\n      <name>{escape(a)}</name>\n    </author>\n" for a in rec.authors)
    return (f"  <entry>\n    <id>http://arxiv.org/abs/{aid}v{rec.version}</id>\n"
            "    <updated>2020-03-04T18:59:45Z</updated>\n    <published>2020-02-26T16:59:48Z</published>\n"
            f"    <title>{escape(wrap(rec.title))}</title>\n"
            "    <summary>  A summary the stand-in does not need.\n</summary>\n"
            f"{authors}"
            '    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">Accepted in CVPR 2020</arxiv:comment>\n'
            f'    <link href="http://arxiv.org/abs/{aid}v{rec.version}" rel="alternate" type="text/html"/>\n'
            f'    <link title="pdf" href="http://arxiv.org/pdf/{aid}v{rec.version}" rel="related"'
            ' type="application/pdf"/>\n'
            '    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CV"'
            ' scheme="http://arxiv.org/schemas/atom"/>\n'
            '    <category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>\n  </entry>\n')


def _error_entry(aid: str, *, named: bool = True) -> str:
    tag = f"incorrect_id_format_for_{escape(aid)}" if named else "incorrect_id_format"
    what = f"incorrect id format for {escape(aid)}" if named else "incorrect id format"
    return (f"  <entry>\n    <id>http://arxiv.org/api/errors#{tag}</id>\n    <title>Error</title>\n"
            f"    <summary>{what}</summary>\n"
            "    <updated>2026-12-02T00:00:00-05:00</updated>\n"
            f'    <link href="http://arxiv.org/api/errors#{tag}" rel="alternate" type="text/html"/>\n'
            "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n")


def feed_for(ids: list[str], papers: dict[str, ArxivRecord], *, refuse: set[str] | frozenset[str] = frozenset(),
             anonymous_errors: bool = False) -> bytes:
    """What arXiv answers to ``id_list=<ids>``: the error entry alone when one id is malformed, else
    one entry per known id (the link-checker fake in linkservers.py answers through this too)."""
    q = ",".join(ids)
    bad = next((i for i in ids if _malformed(i) or i in refuse), None)
    if bad is not None:
        body = FEED_HEAD.format(q=q, n=1) + _error_entry(bad, named=not anonymous_errors) + "</feed>\n"
    else:
        found = [i for i in ids if i in papers]
        body = FEED_HEAD.format(q=q, n=len(found)) + "".join(_entry(i, papers[i]) for i in found) + "</feed>\n"
    return body.encode("utf-8")


class FakeArxivAPI:
    def __init__(self, papers: dict[str, ArxivRecord] | None = None, *, refuse: set[str] | None = None,
                 anonymous_errors: bool = False) -> None:
        self.papers: dict[str, ArxivRecord] = dict(papers or {})
        self.refuse = set(refuse or ())  # well-formed ids this arXiv refuses all the same
        self.anonymous_errors = anonymous_errors
        self.script: deque[tuple[str, str | None]] = deque()
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The full query address, as PAPERLIST_ARXIV_API takes it."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/query"

    def __enter__(self) -> FakeArxivAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, ids: list[str]) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            special = self.script.popleft() if self.script else None
        q = ",".join(ids)
        if special is not None and special[0] != "ok":
            kind, arg = special
            if kind in ("503", "429"):
                return int(kind), {"Retry-After": arg or "0", "Content-Type": "text/plain"}, b"busy, try again later"
            if kind == "xml":
                return 200, {}, (FEED_HEAD.format(q=q, n=1) + "  <entry><id>http://arxiv.org/abs/").encode()
            if kind == "html":
                return 200, {"Content-Type": "text/html"}, b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            if kind == "dtd":
                bomb = ('<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
                        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                        '<feed xmlns="http://www.w3.org/2005/Atom"><title>&b;</title></feed>')
                return 200, {}, bomb.encode()
        body = feed_for(ids, self.papers, refuse=self.refuse, anonymous_errors=self.anonymous_errors)
        return 200, {"Content-Type": "application/atom+xml; charset=utf-8"}, body


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as arXiv's one-connection rule assumes

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        api: FakeArxivAPI = self.server.owner  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        ids = [i for i in ",".join(parse_qs(parts.query).get("id_list", [""])).split(",") if i]
        if parts.path != "/api/query":
            status, headers, body = 404, {}, b"not found"
        else:
            status, headers, body = api.answer(ids)
        with api.lock:
            api.hits.append(Hit(time.monotonic(), ids, self.client_address[1], status))
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
