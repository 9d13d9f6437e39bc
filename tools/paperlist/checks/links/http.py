"""The HTTP checker: polite, patient and honest about what it could not tell.

- A global cap and a per-host cap on requests in flight (the cap, not luck, is what keeps
  a host from being crowded); a host whose recent answers are mostly 429/503 is left alone
  (every request to it waits) until its ``Retry-After`` has passed.
- HEAD first; GET when HEAD is refused or unsupported (405, 501, other 4xx: servers get
  HEAD wrong more often than GET).
- Redirects are followed by hand, so each hop passes the address policy, loops are
  caught, and a chain of permanent redirects can suggest the new address.
- Retries with backoff for 5xx, 408, 429 and dropped connections, honouring
  ``Retry-After`` (up to a cap); timeouts are not retried by default, since a server that
  did not answer in the whole timeout rarely answers the second time, and retries would
  multiply the run's wall time.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiohttp

from paperlist.checks.links.config import LinkConfig
from paperlist.checks.links.netsafe import Exempt, ForbiddenAddress, SafeResolver, make_socket_factory, url_refusal
from paperlist.checks.links.network import DNS, TIMEOUT, NetworkWatch, host_of, kind_of, unavailable
from paperlist.checks.links.verdict import Verdict, broken, inconclusive, ok

_REDIRECTS = (301, 302, 303, 307, 308)
_PERMANENT = (301, 308)
_RETRY_STATUS = (408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524)
_DEAD = {404: "not found", 410: "gone", 400: "bad request", 451: "unavailable for legal reasons"}


def strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(fragment=""))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def is_bot_wall(status: int, headers: Mapping[str, str]) -> bool:
    """A Cloudflare-style challenge (or similar): a browser gets through, a script gets 403/503."""
    server = headers.get("Server", "").lower()
    return bool(headers.get("cf-mitigated")) or (status in (403, 503) and any(
        s in server for s in ("cloudflare", "akamai", "ddos-guard", "sucuri")))


@dataclass
class _Host:
    sem: asyncio.Semaphore
    not_before: float = 0.0  # loop time before which nobody talks to this host
    recent: deque[tuple[float, bool]] = field(default_factory=lambda: deque(maxlen=20))  # (time, was 429/503)


@dataclass
class _Answer:
    status: int
    headers: Mapping[str, str]
    method: str


@dataclass
class HttpChecker:
    """Checks http(s) URLs; use as ``async with HttpChecker(cfg, timeout=…) as hc: await hc.check(url)``."""

    cfg: LinkConfig
    timeout: float = 10.0
    allow_private: bool = False
    exempt: Exempt = ()  # (address, port) pairs let through the address policy: for tests only
    watch: NetworkWatch = field(default_factory=NetworkWatch)  # shared with the other checkers of the run
    requests: int = 0
    _hosts: dict[str, _Host] = field(default_factory=dict)
    _global: asyncio.Semaphore | None = None
    _session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> HttpChecker:
        self._global = asyncio.Semaphore(self.cfg.max_concurrency)
        kw: dict[str, Any] = {}
        if not self.allow_private:
            kw = {"resolver": SafeResolver(exempt=self.exempt), "socket_factory": make_socket_factory(self.exempt)}
        connector = aiohttp.TCPConnector(limit=self.cfg.max_concurrency * 2, limit_per_host=0,
                                         ttl_dns_cache=300, **kw)
        self._session = aiohttp.ClientSession(
            connector=connector, trust_env=False,  # never route contributors' links through a proxy
            headers={"User-Agent": self.cfg.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        )
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = _Host(asyncio.Semaphore(self.cfg.per_host))
        return host

    @staticmethod
    def _note_answer(host: _Host, status: int, delay: float, now: float) -> None:
        """Remember how the host answers; pause it entirely when most recent answers say "busy".

        One 429 or 503 may be about one page (that page alone waits its Retry-After); when
        half of a host's recent answers, or the last five in a row, are 429/503 it is the
        host that is overwhelmed, and
        nobody talks to it until the wait is over. (Pausing the host at every single 429
        would make one busy page a pause for every other link on that host.)
        """
        busy = status in (429, 503)
        host.recent.append((now, busy))
        if not busy:
            return
        window = [b for t, b in host.recent if now - t <= 5.0]
        n_busy = sum(window)
        if (n_busy >= 3 and 2 * n_busy >= len(window)) or (len(window) >= 5 and all(window[-5:])):
            host.not_before = max(host.not_before, now + delay)

    async def check(self, url: str, *, doi: bool = False) -> Verdict:
        """The verdict for ``url`` (its fragment is not sent). ``doi``: a resolver redirect means "exists"."""
        via = "doi" if doi else "http"
        refusal = url_refusal(url, allow_private=self.allow_private, exempt=self.exempt)
        if refusal:
            return broken(f"not checked: {refusal}", via=via)
        current = strip_fragment(url)
        fragment = urlsplit(url).fragment
        seen: set[str] = set()
        permanent = True
        for _ in range(self.cfg.max_redirects + 1):
            if current in seen:
                return broken("redirect loop", via=via, final_url=current)
            seen.add(current)
            answer = await self._fetch(current, via=via, doi=doi)
            if isinstance(answer, Verdict):
                if answer.final_url is None and current != strip_fragment(url):
                    answer = Verdict(answer.state, answer.message, answer.status, current, via=via)
                return answer
            status, headers = answer.status, answer.headers
            location = headers.get("Location")
            if status in _REDIRECTS and location:
                if doi:
                    return ok(via=via, status=status)
                nxt = urljoin(current, location)
                refusal = url_refusal(nxt, allow_private=self.allow_private, exempt=self.exempt)
                if refusal:
                    return broken(f"redirects to {nxt}, which is not checked: {refusal}", via=via,
                                  status=status, final_url=nxt)
                permanent = permanent and status in _PERMANENT
                current = nxt
                continue
            return self._classify(url, current, answer, moved=permanent and len(seen) > 1, fragment=fragment, via=via)
        return broken(f"more than {self.cfg.max_redirects} redirects", via=via, final_url=current)

    def _classify(self, url: str, final: str, a: _Answer, *, moved: bool, fragment: str, via: str) -> Verdict:
        status = a.status
        final_url = final if final != strip_fragment(url) else None
        if 200 <= status < 300:
            if moved:
                new = final + (f"#{fragment}" if fragment else "")
                return Verdict("moved", f"permanently redirected to {new}", status, final, new_url=new, via=via)
            return ok(via=via, status=status, final_url=final_url)
        if is_bot_wall(status, a.headers):
            return inconclusive(f"HTTP {status} from a bot-protection wall (a browser may get through)",
                                via=via, status=status, final_url=final_url)
        if status in _DEAD:
            what = "DOI not registered" if via == "doi" and status == 404 else _DEAD[status]
            if via == "doi" and status != 404:
                return inconclusive(f"doi.org answered HTTP {status}", via=via, status=status)
            return broken(f"HTTP {status} ({what})", via=via, status=status, final_url=final_url)
        if status == 429:
            return inconclusive(f"HTTP 429 (rate limited) after {self.cfg.retries} retries", via=via,
                                status=status, final_url=final_url)
        if status in (401, 403):
            return inconclusive(f"HTTP {status} (access denied to scripts; may work in a browser)", via=via,
                                status=status, final_url=final_url)
        if status >= 500:
            return inconclusive(f"HTTP {status} (server error) after {self.cfg.retries} retries", via=via,
                                status=status, final_url=final_url)
        if 300 <= status < 400:
            return broken(f"HTTP {status} without a Location to follow", via=via, status=status)
        return inconclusive(f"HTTP {status}", via=via, status=status, final_url=final_url)

    async def _fetch(self, url: str, *, via: str, doi: bool) -> _Answer | Verdict:
        """One URL, one hop: HEAD (then GET if needed), with retries; an answer or a final verdict."""
        assert self._session is not None and self._global is not None
        host = self._host(url)
        method = "HEAD"
        retries = timeouts = resets = 0
        loop = asyncio.get_running_loop()
        where = host_of(url)

        async def lost(kind: str, message: str) -> Verdict:
            # A connection-level failure: the host's, or the whole network's (then "not checked").
            down = await asyncio.to_thread(self.watch.failed, where, kind)
            return unavailable(self.watch, via) if down else Verdict(
                "inconclusive" if doi else "broken", message, via=via, connection=kind)

        while True:
            if self.watch.down:
                return unavailable(self.watch, via)
            async with host.sem:
                wait = host.not_before - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                async with self._global:
                    try:
                        self.requests += 1
                        async with self._session.request(
                            method, url, allow_redirects=False,
                            # ceil_threshold: aiohttp would round a 5 s timeout up to the next whole second.
                            # Connecting and then answering each get the whole timeout, so silence before
                            # connecting (what a dead network looks like) is told apart from a server that
                            # connects, then hangs; total caps the pair.
                            timeout=aiohttp.ClientTimeout(total=self.timeout * 2, sock_connect=self.timeout,
                                                          sock_read=self.timeout, ceil_threshold=1e9),
                        ) as resp:
                            status, headers = resp.status, resp.headers
                    except aiohttp.ConnectionTimeoutError:
                        timeouts += 1
                        if timeouts > self.cfg.timeout_retries:
                            return await lost(TIMEOUT, f"could not connect within {self.timeout:g} s "
                                              f"({timeouts} {'try' if timeouts == 1 else 'tries'})")
                        continue
                    except (TimeoutError, aiohttp.ServerTimeoutError):
                        timeouts += 1
                        if timeouts > self.cfg.timeout_retries:
                            tries = timeouts
                            msg = f"no answer within {self.timeout:g} s ({tries} {'try' if tries == 1 else 'tries'})"
                            return inconclusive(msg, via=via) if doi else broken(msg, via=via)
                        continue
                    except aiohttp.ClientConnectorDNSError as e:
                        resets += 1  # one more try: resolvers on CI runners have hiccups
                        if resets > 1 or await asyncio.to_thread(self.watch.failed, where, DNS):
                            return await lost(DNS, f"DNS lookup failed: {e.os_error}")
                        delay = self.cfg.backoff
                    except aiohttp.ClientConnectorCertificateError as e:
                        self.watch.reached(where)
                        return inconclusive(f"TLS certificate problem: {e.certificate_error}", via=via)
                    except aiohttp.ClientSSLError as e:
                        self.watch.reached(where)
                        return inconclusive(f"TLS problem: {e}", via=via)
                    except aiohttp.ClientConnectorError as e:
                        if isinstance(e.os_error, ForbiddenAddress):
                            return broken(f"not checked: {e.os_error}", via=via)
                        kind = kind_of(e.os_error)
                        resets += 1
                        if resets > 1 or (kind and await asyncio.to_thread(self.watch.failed, where, kind)):
                            message = f"cannot connect: {e.os_error.strerror or e.os_error}"
                            return await lost(kind, message) if kind else broken(message, via=via)
                        delay = self.cfg.backoff
                    except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError,
                            aiohttp.ClientPayloadError, aiohttp.ClientResponseError) as e:
                        resets += 1
                        if resets > self.cfg.retries:
                            return inconclusive(f"connection dropped: {e}", via=via)
                        delay = self.cfg.backoff * 2 ** (resets - 1)
                    except (aiohttp.InvalidURL, ValueError) as e:
                        return broken(f"not a valid URL: {e}", via=via)
                    else:
                        self.watch.reached(where)
                        delay = -1.0
            if delay >= 0:
                await asyncio.sleep(delay)
                continue
            if method == "HEAD" and not doi and (
                    status in (405, 501) or (400 <= status < 500 and status not in (408, 429))):
                method = "GET"  # HEAD refused or mishandled: ask the way a browser does
                continue
            if status in _RETRY_STATUS and retries < self.cfg.retries:
                after = retry_after_seconds(headers.get("Retry-After"))
                if after is not None and after > self.cfg.max_retry_after:
                    return inconclusive(f"HTTP {status}; the server asks to wait {after:.0f} s", via=via,
                                        status=status)
                delay = after if after is not None else self.cfg.backoff * 2 ** retries
                self._note_answer(host, status, delay, loop.time())
                retries += 1
                if status >= 500 and method == "HEAD":
                    method = "GET"  # some servers only fail HEAD
                await asyncio.sleep(delay)
                continue
            self._note_answer(host, status, 0.0, loop.time())
            return _Answer(status, headers, method)
