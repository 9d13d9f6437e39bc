"""Address policy: a link check must never become a way to reach the runner's own network.

Links come from contributors' pull requests and are checked inside CI, so a link to
``http://169.254.169.254/`` (cloud metadata), ``http://localhost:8080/`` or a name that
*resolves* to a private address must be refused without sending a request.

Three layers, the last one decisive:

1. ``url_refusal(url)``: a quick look at the URL itself (scheme, ``localhost`` names, IP
   literals in any spelling: ``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``)
   so the common cases get a clear message and no DNS query at all.
2. ``SafeResolver``: resolves the name and refuses when any address it yields is forbidden
   (a clear "resolves to 10.0.0.5" message).
3. ``make_socket_factory()``: aiohttp hands its socket factory the exact address it is about to connect to, so
   the check is on the connected address itself: no time-of-check/time-of-use gap even if
   DNS answers differently a second time (DNS rebinding). Every redirect hop goes through it.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Collection
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_LOCAL_NAMES = re.compile(r"(^|\.)(localhost|localdomain|local|internal|home\.arpa)\.?$", re.I)


class ForbiddenAddress(OSError):
    """Raised (as an OSError, so aiohttp's connection machinery passes it on) for a refused address."""


def address_refusal(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be contacted, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            reason = address_refusal(mapped)
            return f"{reason} (IPv6-mapped {mapped})" if reason else None
        if ip.teredo is not None:
            return "a Teredo tunnel address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_unspecified:
        return "the unspecified address (this host)"
    if ip.is_link_local:
        return "a link-local address (cloud metadata lives there)"
    if ip.is_multicast:
        return "a multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "a carrier-grade NAT address (100.64.0.0/10)"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "not a public address"
    return None


def parse_ipv4_loose(host: str) -> ipaddress.IPv4Address | None:
    """IPv4 in every spelling ``inet_aton`` accepts: ``2130706433``, ``0x7f.0.0.1``, ``0177.1``, ``127.1``.

    Browsers and C libraries accept these, so a link checker must see through them.
    """
    parts = host.rstrip(".").split(".")
    if not 1 <= len(parts) <= 4:
        return None
    nums: list[int] = []
    for p in parts:
        try:
            if re.fullmatch(r"0[xX][0-9a-fA-F]*", p):
                nums.append(int(p[2:] or "0", 16))
            elif re.fullmatch(r"0[0-7]+", p):
                nums.append(int(p, 8))
            elif re.fullmatch(r"[0-9]+", p):
                nums.append(int(p, 10))
            else:
                return None
        except ValueError:
            return None
    *head, last = nums
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(nums)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (5 - len(nums)) + last
    return ipaddress.IPv4Address(value)


def host_literal(host: str) -> IPAddress | None:
    """The address a URL host spells directly (any IPv4 spelling, bracketless IPv6), or None for a name."""
    h = host.strip("[]")
    if "%" in h:  # zone id (fe80::1%eth0): only link-local addresses carry one
        h = h.split("%", 1)[0]
    try:
        return ipaddress.ip_address(h)
    except ValueError:
        pass
    return parse_ipv4_loose(h)


Exempt = Collection[tuple[str, int]]  # (address, port) pairs let through: only tests use this


def url_refusal(url: str, *, allow_private: bool = False, exempt: Exempt = ()) -> str | None:
    """Why ``url`` is refused before any request (scheme, local names, forbidden literal), or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as e:
        return f"not a valid URL ({e})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"only http and https links are checked, not {parts.scheme or 'a relative link'}:"
    if not host:
        return "the URL has no host"
    if allow_private:
        return None
    if _LOCAL_NAMES.search(host):
        return f"{host!r} names this machine or a local network"
    ip = host_literal(host)
    if ip is not None:
        reason = address_refusal(ip)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        if reason and (str(ip), port) not in exempt:
            return f"{host} is {reason}; links to it are not checked from CI"
    return None


class SafeResolver(AbstractResolver):
    """A resolver that refuses names whose addresses include a forbidden one."""

    def __init__(self, inner: AbstractResolver | None = None, *, exempt: Exempt = ()) -> None:
        self._inner = inner or DefaultResolver()
        self._exempt = exempt

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[
            ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for r in results:
            ip = host_literal(r["host"])
            reason = address_refusal(ip) if ip is not None else "not an IP address"
            if reason and (str(ip), r["port"]) not in self._exempt:
                raise ForbiddenAddress(f"{host} resolves to {r['host']}, {reason}")
        return results

    async def close(self) -> None:
        await self._inner.close()


def make_socket_factory(exempt: Exempt = ()) -> Callable[[Any], socket.socket]:
    """An aiohttp ``socket_factory`` that refuses to create a socket for a forbidden peer address."""

    def factory(addr_info: Any) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        ip = host_literal(str(sockaddr[0]))
        reason = address_refusal(ip) if ip is not None else "not an IP address"
        if reason and (str(ip), int(sockaddr[1])) not in exempt:
            raise ForbiddenAddress(f"refused to connect to {sockaddr[0]}: {reason}")
        return socket.socket(family=family, type=type_, proto=proto)

    return factory
