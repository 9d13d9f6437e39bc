"""The address policy: private, loopback, link-local and multicast targets are refused, in every spelling."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from pathlib import Path

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from paperlist.checks.links import check_links
from paperlist.checks.links.config import LinkConfig
from paperlist.checks.links.http import HttpChecker
from paperlist.checks.links.netsafe import (
    ForbiddenAddress,
    SafeResolver,
    address_refusal,
    host_literal,
    make_socket_factory,
    url_refusal,
)
from support.linkservers import LinkFarm, write_config

REFUSED_URLS = [
    "http://127.0.0.1/",
    "http://127.1/",
    "http://2130706433/",  # decimal
    "http://0x7f000001/",  # hex
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",  # octal
    "http://017700000001/",
    "http://0.0.0.0:8080/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",  # CGNAT
    "http://224.0.0.1/",  # multicast
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "http://[::ffff:7f00:1]/",
    "http://[fd00::1]/",  # unique local
    "http://[fe80::1]/",  # link-local
    "http://[ff02::1]/",  # multicast
    "http://[::]/",
    "http://localhost:8000/",
    "http://LOCALHOST./",
    "http://api.localhost/",
    "http://metadata.google.internal/",
    "http://printer.local/",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_refused_before_any_request(url: str) -> None:
    assert url_refusal(url) is not None
    assert url_refusal(url, allow_private=True) is None


@pytest.mark.parametrize("url", ["https://arxiv.org/abs/2003.00001", "http://8.8.8.8/", "https://[2606:4700::1]/",
                                 "http://93.184.216.34:8080/x", "https://github.com/a/b"])
def test_public_addresses_pass(url: str) -> None:
    assert url_refusal(url) is None


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "javascript:alert(1)", "gopher://h/"])
def test_only_http_and_https(url: str) -> None:
    reason = url_refusal(url, allow_private=True)
    assert reason is not None and "http" in reason


def test_loose_ipv4_spellings() -> None:
    assert host_literal("2130706433") == ipaddress.IPv4Address("127.0.0.1")
    assert host_literal("0x7f.1") == ipaddress.IPv4Address("127.0.0.1")
    assert host_literal("0251.0376.0251.0376") == ipaddress.IPv4Address("169.254.169.254")
    assert host_literal("example.org") is None
    assert host_literal("1.2.3.4.5") is None
    assert address_refusal(ipaddress.ip_address("::ffff:10.0.0.1")) is not None


class _FakeDNS(AbstractResolver):
    """A DNS answer chosen by the test (name -> addresses): no network involved."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[
            ResolveResult]:
        return [{"hostname": host, "host": a, "port": port, "family": socket.AF_INET6 if ":" in a else socket.AF_INET,
                 "proto": 0, "flags": 0} for a in self.table[host]]

    async def close(self) -> None:
        pass


@pytest.mark.parametrize("addresses", [["169.254.169.254"], ["8.8.8.8", "10.0.0.5"], ["::1"], ["fd12::3"]])
def test_resolver_refuses_names_resolving_to_private(addresses: list[str]) -> None:
    resolver = SafeResolver(_FakeDNS({"innocent.example": addresses}))
    with pytest.raises(ForbiddenAddress, match="resolves to"):
        asyncio.run(resolver.resolve("innocent.example", 80))


def test_resolver_passes_public_names() -> None:
    resolver = SafeResolver(_FakeDNS({"ok.example": ["8.8.8.8"]}))
    assert asyncio.run(resolver.resolve("ok.example", 443))[0]["host"] == "8.8.8.8"


def test_socket_factory_checks_the_connected_address() -> None:
    factory = make_socket_factory()
    with pytest.raises(ForbiddenAddress):
        factory((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)))
    with pytest.raises(ForbiddenAddress):
        factory((socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::ffff:169.254.169.254", 80, 0, 0)))
    sock = factory((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("8.8.8.8", 80)))
    sock.close()


def test_name_resolving_to_loopback_is_refused_on_connect(tmp_path: Path) -> None:
    """A name (not a literal) that resolves to loopback: the connection itself is refused, nothing is sent."""
    with LinkFarm() as farm:
        url = f"http://ip6-loopback-or-not.test:{farm.port}/ok/1"

        async def run() -> str:
            cfg = LinkConfig(retries=0)
            async with HttpChecker(cfg, timeout=2) as hc:
                assert hc._session is not None
                # Swap in a DNS double for the name; the policy under test is the real one.
                hc._session.connector._resolver = SafeResolver(  # type: ignore[union-attr]
                    _FakeDNS({"ip6-loopback-or-not.test": ["127.0.0.1"]}))
                v = await hc.check(url)
                return f"{v.state}: {v.message}"

        result = asyncio.run(run())
        assert result.startswith("broken"), result
        assert "127.0.0.1" in result
        assert farm.hits() == []


def test_end_to_end_refusal_sends_nothing(tmp_path: Path) -> None:
    write_config(tmp_path)
    with LinkFarm() as farm:
        port = farm.port
        md = tmp_path / "doc.md"
        md.write_text(
            f"- [a](http://127.0.0.1:{port}/ok/1)\n"
            f"- [b](http://2130706433:{port}/ok/2)\n"
            f"- [c](http://[::ffff:127.0.0.1]:{port}/ok/3)\n"
            f"- [d](http://localhost:{port}/ok/4)\n"
            f"- [e](http://[::1]:{port}/ok/5)\n", encoding="utf-8")
        report = check_links(tmp_path, [md], timeout=1, use_cache=False)
        assert farm.hits() == []
    errors = [f for f in report.findings if f.severity == "error"]
    assert len(errors) == 5
    assert all("not checked" in f.message for f in errors)
    assert [f.line for f in errors] == [1, 2, 3, 4, 5]


def test_allow_private_lifts_the_policy(tmp_path: Path) -> None:
    write_config(tmp_path)
    with LinkFarm() as farm:
        md = tmp_path / "doc.md"
        md.write_text(f"<{farm.url}/ok/1>\n", encoding="utf-8")
        report = check_links(tmp_path, [md], timeout=1, use_cache=False, allow_private=True)
        assert len(farm.hits()) == 1
    assert report.findings == []


def test_every_redirect_hop_is_checked() -> None:
    """The first hop is let through (exempt), its redirect to a private address is not followed."""
    with LinkFarm() as farm:
        exempt = [("127.0.0.1", farm.port)]
        targets = ["http://169.254.169.254/latest/meta-data/", "http://2130706433/", f"http://localhost:{farm.port}/"]

        async def run() -> list[str]:
            out = []
            async with HttpChecker(LinkConfig(retries=0), timeout=2, exempt=exempt) as hc:
                for t in targets:
                    v = await hc.check(f"{farm.url}/to?u={t}")
                    out.append(f"{v.state}: {v.message}")
                v = await hc.check(f"{farm.url}/moved/9")  # an allowed hop is followed
                out.append(v.state)
            return out

        results = asyncio.run(run())
        assert len(farm.hits("/to")) == 3
        assert farm.hits("/latest") == []
    for r in results[:3]:
        assert r.startswith("broken: redirects to"), r
    assert results[3] == "moved"


def test_connected_address_is_checked_even_when_dns_is_not() -> None:
    """DNS rebinding: whatever the resolver said, the socket factory refuses the address actually dialled."""
    with LinkFarm() as farm:

        async def run() -> str:
            async with HttpChecker(LinkConfig(retries=0), timeout=2) as hc:
                assert hc._session is not None
                hc._session.connector._resolver = _FakeDNS({"rebind.test": ["127.0.0.1"]})  # type: ignore[union-attr]
                v = await hc.check(f"http://rebind.test:{farm.port}/ok/1")
                return f"{v.state}: {v.message}"

        result = asyncio.run(run())
        assert farm.hits() == []
    assert result.startswith("broken: not checked: refused to connect to 127.0.0.1"), result


class _NoSuchName(AbstractResolver):
    """A resolver for which no name exists (no DNS traffic leaves the machine)."""

    def __init__(self) -> None:
        self.calls = 0

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[
            ResolveResult]:
        self.calls += 1
        raise OSError(socket.EAI_NONAME, "Name or service not known")

    async def close(self) -> None:
        pass


def test_dns_failure_is_broken_after_one_more_try() -> None:
    dns = _NoSuchName()

    async def run() -> str:
        async with HttpChecker(LinkConfig(backoff=0.01), timeout=2) as hc:
            assert hc._session is not None
            hc._session.connector._resolver = SafeResolver(dns)  # type: ignore[union-attr]
            v = await hc.check("https://gone-domain.test/paper")
            return f"{v.state}: {v.message}"

    result = asyncio.run(run())
    assert result.startswith("broken: DNS lookup failed"), result
    assert dns.calls == 2
