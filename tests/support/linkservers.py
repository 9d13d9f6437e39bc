"""Loopback servers for the link-checker tests: a small link farm and a fake arXiv API.

Real HTTP servers on 127.0.0.1 (threaded, HTTP/1.1 keep-alive) with the behaviours the
checker must tell apart, mirroring ``shared/bench/linkfarm.py``:

  /ok/…         200                    /missing/…   404          /gone/…     410
  /moved/…      301 -> /ok/…           /temp/…      302 -> /ok/…  /loop/…     302 -> itself
  /limited/…    429 Retry-After once, then 200                   /flaky/…    503 once, then 200
  /nohead/…     405 for HEAD, 200 for GET                        /hang/…     never answers
  /challenge/…  403 from a Cloudflare-style wall                 /busy/…     always 429 (Retry-After 0)
  /wait-long/…  429 with Retry-After: 3600                       /denied/…   403, plain
  /to?u=URL     302 to URL (a redirect to wherever the test wants)
  /broken-head/… 404 for HEAD, 200 for GET

Every request is recorded (method, path, time) and the peak number of requests in flight
is kept, so tests can assert politeness (per-host cap) and that nothing was sent at all.
The server's own crowding cap answers 429 like the farm does.

The fake arXiv API answers ``/api/query?id_list=…&max_results=N`` as arXiv does (through
``fake_arxiv.feed_for``, the one model of arXiv's answers): one entry per known id, nothing for
an unknown one, and for a request holding a malformed id the error entry *alone*.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from support.fake_arxiv import ArxivRecord, feed_for


class _Server:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.requests: list[tuple[str, str, float]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._server.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Any:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def hits(self, path_prefix: str = "/") -> list[tuple[str, str, float]]:
        with self.lock:
            return [r for r in self.requests if r[1].startswith(path_prefix)]


class LinkFarm(_Server):
    """``with LinkFarm() as farm: farm.url + "/ok/1"``."""

    def __init__(self, *, cap: int = 16, latency: float = 0.0, retry_after: str = "0") -> None:
        super().__init__(_FarmHandler)
        self.cap = cap
        self.latency = latency
        self.retry_after = retry_after
        self.inflight = 0
        self.peak = 0
        self.crowded = 0
        self.seen: set[str] = set()


class _Base(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _FarmHandler(_Base):
    def do_HEAD(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        farm: LinkFarm = self.server.owner  # type: ignore[attr-defined]
        with farm.lock:
            farm.requests.append((self.command, self.path, time.monotonic()))
            if farm.inflight >= farm.cap:
                farm.crowded += 1
                crowded = True
            else:
                crowded = False
                farm.inflight += 1
                farm.peak = max(farm.peak, farm.inflight)
        if crowded:
            self.send(429, b"slow down", {"Retry-After": "1"})
            return
        try:
            if farm.latency:
                time.sleep(farm.latency)
            self._respond(farm)
        finally:
            with farm.lock:
                farm.inflight -= 1

    def _respond(self, farm: LinkFarm) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        kind = path.strip("/").split("/")[0]
        ok = b"<html><body>ok</body></html>"
        if kind == "ok":
            self.send(200, ok)
        elif kind == "missing":
            self.send(404, b"not found")
        elif kind == "gone":
            self.send(410, b"gone")
        elif kind == "moved":
            self.send(301, b"", {"Location": path.replace("/moved/", "/ok/", 1)})
        elif kind == "temp":
            self.send(302, b"", {"Location": path.replace("/temp/", "/ok/", 1)})
        elif kind == "loop":
            self.send(302, b"", {"Location": path})
        elif kind in ("limited", "flaky"):
            with farm.lock:
                first = path not in farm.seen
                farm.seen.add(path)
            if not first:
                self.send(200, ok)
            elif kind == "limited":
                self.send(429, b"limited", {"Retry-After": farm.retry_after})
            else:
                self.send(503, b"try later")
        elif kind == "nohead":
            if self.command == "HEAD":
                self.send(405, b"", {"Allow": "GET"})
            else:
                self.send(200, ok)
        elif kind == "broken-head":
            self.send(404 if self.command == "HEAD" else 200, ok)
        elif kind == "hang":
            farm.stop.wait(30)  # never answers while the test runs
        elif kind == "challenge":
            self.send(403, b"<html><head><title>Just a moment...</title></head></html>",
                      {"Server": "cloudflare", "cf-mitigated": "challenge"})
        elif kind == "busy":
            self.send(429, b"busy", {"Retry-After": "0"})
        elif kind == "wait-long":
            self.send(429, b"come back tomorrow", {"Retry-After": "3600"})
        elif kind == "denied":
            self.send(403, b"forbidden")
        elif kind == "to":
            target = parse_qs(parts.query).get("u", ["/"])[0]
            self.send(302, b"", {"Location": target})
        else:
            self.send(404, b"unknown")


class FakeArxiv(_Server):
    """Knows ``ids`` (bare); ``fail_next`` answers 503 to that many calls first; ``refuse``: well-formed
    ids it answers with the error entry all the same."""

    def __init__(self, ids: Iterable[str] = (), *, refuse: Iterable[str] = ()) -> None:
        super().__init__(_ArxivHandler)
        self.ids = set(ids)
        self.refuse = set(refuse)
        self.fail_next = 0
        self.batches: list[list[str]] = []


class _ArxivHandler(_Base):
    def do_GET(self) -> None:
        fake: FakeArxiv = self.server.owner  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        with fake.lock:
            fake.requests.append(("GET", self.path, time.monotonic()))
            if fake.fail_next > 0:
                fake.fail_next -= 1
                self.send(503, b"busy")
                return
        if parts.path != "/api/query":
            self.send(404, b"")
            return
        q = parse_qs(parts.query)
        ids = [i for i in q.get("id_list", [""])[0].split(",") if i]
        with fake.lock:
            fake.batches.append(ids)
        papers = {i: ArxivRecord(f"Paper {i}", ("A. Author",), 2) for i in ids if i in fake.ids}
        self.send(200, feed_for(ids, papers, refuse=fake.refuse), {"Content-Type": "application/atom+xml"})


def write_config(root: Any, **settings: Any) -> None:
    """A ``linkcheck.yaml`` for tests: quick retries, no arXiv spacing, plus ``settings``."""
    import json

    base: dict[str, Any] = {"retries": 2, "backoff": 0.05, "arxiv_interval": 0, "per_host": 4,
                            "max_concurrency": 16, "max_retry_after": 5}
    base.update(settings)
    # JSON is YAML: no need for a YAML writer here.
    (root / "linkcheck.yaml").write_text(json.dumps(base), encoding="utf-8")


def make_link_project(tmp_path: Any) -> Any:
    """A throw-away project (real schema and vocabularies) with the quick test ``linkcheck.yaml``."""
    from projectkit import make_project

    root = make_project(tmp_path / "proj")
    write_config(root)
    return root


class Blackhole:
    """A loopback port that never completes a connection: what a host behind a dead route looks like.

    Listening with a backlog of 0 and never accepting, the queue is filled by one connection of our
    own; the kernel then drops every further SYN, so a client waits until its connect timeout. No
    address outside the machine is involved."""

    def __init__(self) -> None:
        import socket

        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.bind(("127.0.0.1", 0))
        self._filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.getsockname()[1]}"

    def __enter__(self) -> Blackhole:
        self._server.listen(0)
        self._filler.connect(self._server.getsockname())
        return self

    def __exit__(self, *exc: object) -> None:
        self._filler.close()
        self._server.close()


def closed_ports(n: int) -> list[int]:
    """``n`` loopback ports nothing listens on (bound, then released): connections are refused."""
    import socket

    socks = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()
