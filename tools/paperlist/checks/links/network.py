"""Telling "this link is dead" from "the checker's own network is down".

Offline, every link fails the same way: the name does not resolve, the connection is refused
or unreachable, or it times out before connecting. One such failure says something about one
host; the same failure on several hosts, with no host reached since, says something about
*us*. Then the checker's own services (the GitHub and arXiv APIs it is configured with) are
probed with a plain TCP connection: when they cannot be reached either, the network is
declared unavailable, every check still to come stops at once (a sweep ends in seconds, not
minutes), and connection failures already seen become "not checked" instead of "broken".

One rule for every host: the HTTP checker, the arXiv batches and the GitHub API all report to
the same ``NetworkWatch``.
"""

from __future__ import annotations

import errno
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from paperlist.checks.links.verdict import Verdict

# What a connection-level failure was: the name, the route, the port, or silence before connecting.
DNS, REFUSED, UNREACHABLE, TIMEOUT = "dns", "refused", "unreachable", "connect-timeout"
UNAVAILABLE = "network unavailable"
MIN_HOSTS = 3

_UNREACHABLE_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN, errno.EADDRNOTAVAIL}


def unavailable(watch: NetworkWatch, via: str) -> Verdict:
    """The verdict for a link not checked because the network is down (never cached, never "broken")."""
    return Verdict("inconclusive", watch.down or UNAVAILABLE, via=via, connection="network")


def kind_of(error: BaseException | None) -> str | None:
    """The connection-level kind of an OSError (or of what it wraps), None for anything else."""
    seen = 0
    while error is not None and seen < 8:
        seen += 1
        if isinstance(error, socket.gaierror):
            return DNS
        if isinstance(error, ConnectionRefusedError):
            return REFUSED
        if isinstance(error, OSError) and error.errno in _UNREACHABLE_ERRNOS:
            return UNREACHABLE
        if isinstance(error, OSError) and error.errno == errno.ECONNREFUSED:
            return REFUSED
        error = error.__cause__ or error.__context__
    return None


def host_of(url: str) -> str:
    """``host:port`` of a URL (the unit the rule counts)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = 0
    return f"{(parts.hostname or '').lower()}:{port}"


@dataclass
class NetworkWatch:
    """Shared by every checker of one run; thread-safe (the GitHub checks run on threads).

    ``probes`` are the URLs of the checker's own services; ``probe_timeout`` bounds each probe.
    """

    probes: Sequence[str] = ()
    probe_timeout: float = 5.0
    min_hosts: int = MIN_HOSTS
    down: str | None = None  # why the network is unavailable, once decided
    failed_hosts: dict[str, str] = field(default_factory=dict)  # every host with a connection-level failure
    _streak: set[str] = field(default_factory=set)  # hosts failed since any host was last reached
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _probe_lock: threading.Lock = field(default_factory=threading.Lock)

    def reached(self, host: str) -> None:
        """Some host answered (any HTTP status, a TLS handshake): the network works."""
        with self._lock:
            self._streak.clear()

    def failed(self, host: str, kind: str) -> bool:
        """Record a connection-level failure; True when the network is (now) known to be unavailable.

        May block for up to the probe timeout (call it off the event loop)."""
        with self._lock:
            if self.down:
                return True
            self.failed_hosts.setdefault(host, kind)
            self._streak.add(host)
            if len(self._streak) < self.min_hosts:
                return False
        with self._probe_lock:  # one probe at a time; the others wait for its answer
            with self._lock:
                if self.down:
                    return True
                if len(self._streak) < self.min_hosts:
                    return False  # a host answered, or a probe succeeded, meanwhile
                hosts = sorted(self._streak)
            reachable = self._probe()
            with self._lock:
                if reachable:
                    self._streak.clear()
                    return False
                kinds = sorted({self.failed_hosts[h] for h in hosts})
                self.down = (f"{UNAVAILABLE}: {len(hosts)} hosts failed to connect ({', '.join(kinds)}) and the "
                             f"checker's own services ({', '.join(host_of(p) for p in self.probes) or 'none'}) "
                             "cannot be reached either")
                return True

    def _probe(self) -> bool:
        for url in dict.fromkeys(self.probes):
            host, _, port = host_of(url).rpartition(":")
            if not host:
                continue
            try:
                with socket.create_connection((host, int(port)), timeout=self.probe_timeout):
                    return True
            except OSError:
                continue
        return False
