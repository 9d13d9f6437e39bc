"""A network outage is not a list of broken links: when connections fail on many hosts at once and
the checker's own services cannot be reached either, ``paperlist links`` stops at once, says
"network unavailable", judges no link, and exits 3 — whatever the host (GitHub, arXiv, DOI, any URL)
and whatever the failure (no DNS, refused, a route that swallows packets). Every test here is
offline by construction (tests/support/offline): names do not resolve, only loopback answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from projectkit import add_paper, run_cli
from support.linkservers import Blackhole, LinkFarm, closed_ports, make_link_project, write_config

EXIT_NETWORK = 3


def _project(tmp_path: Path, urls: list[str], *, arxiv: int = 0, **config: Any) -> Path:
    root = make_link_project(tmp_path)
    write_config(root, **config)
    for i, url in enumerate(urls):
        add_paper(root, f"Paper Number {i}", links={"code": [url]} if "github.com" in url else {"project": url})
    for i in range(arxiv):
        add_paper(root, f"Arxiv Paper {i}", year=2021, arxiv=f"2103.{i:05d}")
    return root  # type: ignore[no-any-return]


def _links(root: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    r = run_cli(root, "links", "--all", "--format", "json", *extra)
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, json.loads(r.stdout), r.stderr


def _assert_unavailable(code: int, report: dict[str, Any], stderr: str, links: int) -> None:
    assert code == EXIT_NETWORK, (code, report["findings"][:3], stderr)
    assert "network unavailable" in stderr and "exit 3" in stderr
    assert report["summary"]["errors"] == 0, report["findings"][:5]
    [finding] = report["findings"]  # one finding for the run, not one per link
    assert finding["file"] == "(network)" and finding["severity"] == "warning"
    assert finding["message"].startswith("network unavailable") and "网络不可用" in finding["message_zh"]
    meta = report["meta"]["links"]
    assert meta["network"] == "unavailable" and meta["not_checked"] == links


def test_offline_machine_every_kind_of_host_is_not_checked_not_broken(tmp_path: Path, monkeypatch: Any) -> None:
    # GitHub repositories (API, then plain pages), arXiv ids (API), DOIs and plain URLs: one rule.
    monkeypatch.delenv("PAPERLIST_GITHUB_WEB")  # pages from github.com itself, as in production
    urls = [f"https://github.com/owner{i}/repo{i}" for i in range(8)]
    urls += [f"https://site{i}.example.org/paper" for i in range(8)]
    urls += [f"https://doi.org/10.1109/CVPR.2021.{i:05d}" for i in range(4)]
    root = _project(tmp_path, urls, arxiv=6, max_concurrency=2, per_host=1, arxiv_batch=1)
    code, report, stderr = _links(root)
    _assert_unavailable(code, report, stderr, links=len(urls) + 6)
    # Fail fast: it stopped after a few hosts, not after trying all 21.
    assert report["meta"]["links"]["hosts_failed"] <= 6, report["meta"]["links"]
    assert "dns" in report["findings"][0]["message"]


def test_refused_everywhere_is_the_network_too(tmp_path: Path) -> None:
    urls = [f"http://127.0.0.1:{p}/paper" for p in closed_ports(12)]
    root = _project(tmp_path, urls, max_concurrency=2, per_host=1)
    code, report, stderr = _links(root, "--allow-private")
    _assert_unavailable(code, report, stderr, links=12)
    assert "refused" in report["findings"][0]["message"]


def test_packets_into_a_black_hole_time_out_and_count_as_the_network(tmp_path: Path) -> None:
    with Blackhole() as a, Blackhole() as b, Blackhole() as c, Blackhole() as d:
        urls = [f"{h.url}/p{i}" for h in (a, b, c, d) for i in range(2)]
        root = _project(tmp_path, urls, max_concurrency=8, per_host=1)
        code, report, stderr = _links(root, "--allow-private", "--timeout", "1")
    _assert_unavailable(code, report, stderr, links=8)
    assert "connect-timeout" in report["findings"][0]["message"]


def test_with_the_network_up_dead_hosts_are_broken_links(tmp_path: Path, monkeypatch: Any) -> None:
    # The checker's own services answer (a loopback server stands in for the GitHub API), so the
    # same refused connections are about those hosts: errors, exit 1, no "network unavailable".
    with LinkFarm() as farm:
        monkeypatch.setenv("GITHUB_API_URL", farm.url)
        monkeypatch.setenv("PAPERLIST_ARXIV_API", farm.url)
        dead = [f"http://127.0.0.1:{p}/paper" for p in closed_ports(5)]
        root = _project(tmp_path, dead, max_concurrency=2, per_host=1)
        code, report, _ = _links(root, "--allow-private")
    assert code == 1
    assert "network" not in report["meta"]["links"]
    broken = [f for f in report["findings"] if f["severity"] == "error"]
    assert len(broken) == 5 and all("cannot connect" in f["message"] for f in broken), report["findings"]


def test_a_live_host_among_dead_ones_means_the_network_works(tmp_path: Path) -> None:
    # No service reachable, but a link host answers: dead hosts are the hosts' problem.
    with LinkFarm() as farm:
        urls = [f"{farm.url}/ok/{i}" for i in range(6)] + [f"http://127.0.0.1:{closed_ports(1)[0]}/x"]
        root = _project(tmp_path, urls, max_concurrency=1, per_host=1)
        code, report, _ = _links(root, "--allow-private")
    assert code == 1 and "network" not in report["meta"]["links"]
    assert [f["severity"] for f in report["findings"]] == ["error"]


def test_one_dead_host_alone_is_a_broken_link(tmp_path: Path) -> None:
    root = _project(tmp_path, [f"http://127.0.0.1:{closed_ports(1)[0]}/x"])
    code, report, _ = _links(root, "--allow-private")
    assert code == 1 and report["summary"]["errors"] == 1 and "network" not in report["meta"]["links"]
