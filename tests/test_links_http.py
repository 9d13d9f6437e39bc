"""The HTTP checker against a real link farm on loopback: every behaviour gets the right verdict."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperlist.checks.links import check_links
from paperlist.findings import Finding
from support.linkservers import LinkFarm, write_config


@pytest.fixture
def farm() -> Iterator[LinkFarm]:
    with LinkFarm() as f:
        yield f


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def _by_url(findings: list[Finding]) -> dict[str, Finding]:
    return {f.to_dict()["url"]: f for f in findings}


def test_every_farm_behaviour(tmp_path: Path, farm: LinkFarm) -> None:
    write_config(tmp_path)
    u = farm.url
    refused = f"http://127.0.0.1:{_closed_port()}/x/1"
    kinds = ["ok", "missing", "gone", "moved", "temp", "loop", "limited", "flaky", "nohead", "broken-head",
             "hang", "challenge", "busy", "wait-long", "denied"]
    lines = [f"- [{k}]({u}/{k}/1)" for k in kinds] + [f"- [anchor]({u}/ok/2#section)", f"- refused: {refused}"]
    md = tmp_path / "links.md"
    md.write_text("# Farm\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    report = check_links(tmp_path, [md], timeout=0.5, allow_private=True, use_cache=False)
    got = _by_url(report.findings)
    sev = {url.split("/")[3] if url != refused else "refused": f.severity for url, f in got.items()}
    assert sev == {
        "missing": "error", "gone": "error", "loop": "error", "hang": "error", "refused": "error",
        "moved": "notice",
        "challenge": "warning", "busy": "warning", "wait-long": "warning", "denied": "warning",
    }
    d = {k: got[f"{u}/{k}/1"].to_dict() for k in ("missing", "gone", "moved", "loop", "hang", "challenge", "busy")}
    assert d["missing"]["status"] == 404 and d["gone"]["status"] == 410
    assert d["missing"]["check"] == "link" and d["missing"]["line"] == 4 and d["missing"]["column"] == 13
    assert "redirect loop" in d["loop"]["message"]
    assert "no answer within 0.5 s" in d["hang"]["message"]
    assert "cannot connect" in got[refused].message
    assert d["challenge"]["status"] == 403 and "bot-protection" in d["challenge"]["message"]
    assert d["busy"]["status"] == 429
    assert d["moved"]["new_url"] == f"{u}/ok/1" and d["moved"]["final_url"] == f"{u}/ok/1"
    assert d["moved"]["suggestion"] == f"- [moved]({u}/ok/1)"
    # Retries: the one-time 429 and 503 were retried and then worked; "busy" got 1 + 2 retries.
    assert len(farm.hits("/limited/1")) == 2 and len(farm.hits("/flaky/1")) == 2
    assert len(farm.hits("/busy/1")) == 3
    assert len(farm.hits("/wait-long/1")) == 1  # a Retry-After beyond the cap is not waited out
    # HEAD first, GET when HEAD is refused; timeouts are not retried by default.
    assert [m for m, _, _ in farm.hits("/nohead/1")] == ["HEAD", "GET"]
    assert [m for m, _, _ in farm.hits("/ok/1")] == ["HEAD"] * 3  # ok/1, and where moved/1 and temp/1 lead
    assert len(farm.hits("/hang/1")) == 1
    # The fragment is never sent.
    assert [p for _, p, _ in farm.hits("/ok/2")] == ["/ok/2"]
    assert report.exit_code == 1
    assert report.meta["links"]["found"] == len(lines)


def test_retry_after_is_honoured(tmp_path: Path) -> None:
    write_config(tmp_path)
    with LinkFarm(retry_after="1") as farm:
        md = tmp_path / "a.md"
        md.write_text(f"{farm.url}/limited/7\n", encoding="utf-8")
        report = check_links(tmp_path, [md], timeout=2, allow_private=True, use_cache=False)
        (first, second) = [t for _, _, t in farm.hits("/limited/7")]
    assert report.findings == []
    assert second - first >= 0.9  # the server said "1 second": no earlier retry


def test_timeouts_can_be_retried_when_configured(tmp_path: Path, farm: LinkFarm) -> None:
    write_config(tmp_path, timeout_retries=1)
    md = tmp_path / "a.md"
    md.write_text(f"{farm.url}/hang/3\n", encoding="utf-8")
    report = check_links(tmp_path, [md], timeout=0.3, allow_private=True, use_cache=False)
    assert len(farm.hits("/hang/3")) == 2
    assert "(2 tries)" in report.findings[0].message


def test_per_host_cap_keeps_the_host_uncrowded(tmp_path: Path) -> None:
    write_config(tmp_path, per_host=3, max_concurrency=32)
    with LinkFarm(cap=4, latency=0.02) as farm:
        md = tmp_path / "many.md"
        md.write_text("".join(f"- {farm.url}/ok/{i}\n" for i in range(60)), encoding="utf-8")
        report = check_links(tmp_path, [md], timeout=5, allow_private=True, use_cache=False)
        assert farm.crowded == 0
        assert farm.peak <= 3
        assert len(farm.hits()) == 60
    assert report.findings == []


def test_duplicate_links_are_checked_once_and_reported_everywhere(tmp_path: Path, farm: LinkFarm) -> None:
    write_config(tmp_path)
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    text_a = f"see [x]({farm.url}/missing/1) and <{farm.url}/missing/1#frag>\n"
    a.write_text(text_a, encoding="utf-8")
    b.write_text(f"\n\n[ref]: {farm.url}/missing/1\n", encoding="utf-8")
    report = check_links(tmp_path, [a, b], timeout=1, allow_private=True, use_cache=False)
    assert len(farm.hits("/missing/1")) == 2  # HEAD, then GET to be sure: once for the three
    where = [(f.file, f.line, f.column, f.to_dict()["url"]) for f in report.findings]
    assert where == [("a.md", 1, 9, f"{farm.url}/missing/1"),
                     ("a.md", 1, text_a.index("<") + 2, f"{farm.url}/missing/1#frag"),
                     ("b.md", 3, 8, f"{farm.url}/missing/1")]


def test_doi_resolver_redirect_means_registered(tmp_path: Path, farm: LinkFarm) -> None:
    write_config(tmp_path, doi_resolvers=["127.0.0.1"])
    md = tmp_path / "d.md"
    md.write_text(f"{farm.url}/moved/10.1109/x\n{farm.url}/missing/10.1109/y\n{farm.url}/hang/10.1/z\n",
                  encoding="utf-8")
    report = check_links(tmp_path, [md], timeout=0.5, allow_private=True, use_cache=False)
    sev = {f.to_dict()["url"].split("/")[3]: (f.severity, f.to_dict()["via"]) for f in report.findings}
    # doi.org answers with a redirect for a registered DOI: that is success, the publisher is not fetched.
    assert sev == {"missing": ("error", "doi"), "hang": ("warning", "doi")}
    assert farm.hits("/ok/") == []


def test_cache_keeps_successes_only(tmp_path: Path, farm: LinkFarm) -> None:
    write_config(tmp_path)
    md = tmp_path / "c.md"
    md.write_text(f"{farm.url}/ok/1\n{farm.url}/missing/1\n{farm.url}/challenge/1\n", encoding="utf-8")
    first = check_links(tmp_path, [md], timeout=1, allow_private=True)
    n_ok, n_missing = len(farm.hits("/ok/1")), len(farm.hits("/missing/1"))
    second = check_links(tmp_path, [md], timeout=1, allow_private=True)
    assert len(farm.hits("/ok/1")) == n_ok  # served from the cache
    assert len(farm.hits("/missing/1")) == 2 * n_missing  # failures are checked again
    assert len(farm.hits("/challenge/1")) == 4
    assert [f.to_dict() for f in first.findings] == [f.to_dict() for f in second.findings]
    assert second.meta["links"]["cached"] == 1
    # An expired or disabled cache checks again.
    check_links(tmp_path, [md], timeout=1, allow_private=True, use_cache=False)
    assert len(farm.hits("/ok/1")) == n_ok + 1


def test_excluded_patterns_are_not_requested(tmp_path: Path, farm: LinkFarm) -> None:
    write_config(tmp_path, exclude=[{"pattern": "/missing/", "reason": "known dead, kept for history"}])
    md = tmp_path / "e.md"
    md.write_text(f"{farm.url}/missing/1\n{farm.url}/ok/1\n", encoding="utf-8")
    report = check_links(tmp_path, [md], timeout=1, allow_private=True, use_cache=False)
    assert report.findings == [] and farm.hits("/missing") == []
    assert report.meta["links"]["excluded"] == 1


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_tls_problems_are_inconclusive(tmp_path: Path) -> None:
    import ssl

    pytest.importorskip("cryptography")
    write_config(tmp_path)
    cert, key = _self_signed(tmp_path)
    with LinkFarm() as farm:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        farm._server.socket = ctx.wrap_socket(farm._server.socket, server_side=True)
        md = tmp_path / "tls.md"
        md.write_text(f"https://127.0.0.1:{farm.port}/ok/1\n", encoding="utf-8")
        report = check_links(tmp_path, [md], timeout=2, allow_private=True, use_cache=False)
    [f] = report.findings
    assert f.severity == "warning" and "TLS" in f.message
