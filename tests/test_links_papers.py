"""Links in paper files: positions, arXiv ids through a fake arXiv API, GitHub repositories through a fake GitHub."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest

from paperlist.checks.links import check_links
from paperlist.checks.links.arxiv import check_ids, verdicts_from
from paperlist.checks.links.config import LinkConfig
from paperlist.checks.links.extract import links_in_paper
from paperlist.infra.arxiv import parse_feed
from paperlist.project.loader import load_paper
from projectkit import add_paper
from support.fake_github import FakeGitHub
from support.linkservers import FakeArxiv, LinkFarm, make_link_project, write_config


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_link_project(tmp_path)  # type: ignore[no-any-return]


def test_every_url_in_a_paper_with_its_position(project: Path) -> None:
    text = (
        'title: "A Synthetic Paper"\n'
        "venue: CVPR\n"
        "year: 2021\n"
        'arxiv: "2103.00001"\n'
        "doi: 10.1109/CVPR46437.2021.00001\n"
        "links:\n"
        "  paper: https://openaccess.thecvf.com/content/x.pdf\n"
        "  code:\n"
        "    - https://github.com/someone/thing\n"
        '    - "https://gitlab.com/other/thing"\n'
        "  readings:\n"
        "    - title: A write-up\n"
        "      url: https://example.net/post\n"
        "tags: [other]\n"
    )
    path = project / "papers" / "cvpr2021" / "a-synthetic-paper.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    links = links_in_paper(load_paper(path, project))
    got = [(link.line, link.column, link.url, link.kind, link.field) for link in links]
    assert got == [
        (4, 9, "2103.00001", "arxiv", "arxiv"),
        (5, 6, "10.1109/CVPR46437.2021.00001", "doi", "doi"),
        (7, 10, "https://openaccess.thecvf.com/content/x.pdf", "url", "links.paper"),
        (9, 7, "https://github.com/someone/thing", "url", "links.code[0]"),
        (10, 8, "https://gitlab.com/other/thing", "url", "links.code[1]"),
        (13, 12, "https://example.net/post", "url", "links.readings[0].url"),
    ]
    for line, col, url, _, _ in got:
        assert text.splitlines()[line - 1][col - 1:].startswith(url)


def test_arxiv_ids_are_checked_in_one_batch(project: Path) -> None:
    with FakeArxiv(ids={"2003.00001", "2003.00002"}) as arxiv, pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAPERLIST_ARXIV_API", arxiv.url)
        p1 = add_paper(project, "First Paper", arxiv="2003.00001",
                       links={"paper": "https://arxiv.org/abs/2003.00001v2"})
        p2 = add_paper(project, "Second Paper", arxiv="2003.00002", links={"paper": "https://arxiv.org/pdf/2003.00002"})
        p3 = add_paper(project, "Third Paper", arxiv="2003.99999")
        report = check_links(project, [p1, p2, p3], timeout=2, use_cache=False)
        assert arxiv.batches == [["2003.00001", "2003.00002", "2003.99999"]]  # deduplicated, one call
    [f] = report.findings
    assert f.file == "papers/cvpr2020/third-paper.yaml" and f.severity == "error"
    assert f.to_dict()["url"] == "2003.99999" and f.to_dict()["via"] == "arxiv"
    assert "no paper 2003.99999" in f.message


def test_arxiv_batches_are_spaced(project: Path) -> None:
    write_config(project, arxiv_batch=2, arxiv_interval=0.3)
    ids = [f"2004.0000{i}" for i in range(1, 6)]
    with FakeArxiv(ids=ids) as arxiv, pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAPERLIST_ARXIV_API", arxiv.url)
        paths = [add_paper(project, f"Paper Number {i}", arxiv=a) for i, a in enumerate(ids)]
        report = check_links(project, paths, timeout=2, use_cache=False)
        times = [t for _, _, t in arxiv.hits()]
    assert report.findings == []
    assert len(times) == 3
    assert all(b - a >= 0.29 for a, b in itertools.pairwise(times))


def test_arxiv_outage_is_inconclusive_not_broken(project: Path) -> None:
    with FakeArxiv(ids={"2005.00001"}) as arxiv, pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAPERLIST_ARXIV_API", arxiv.url)
        arxiv.fail_next = 10  # busy for longer than the client retries (a 503 is retried, spaced)
        p = add_paper(project, "Some Paper", arxiv="2005.00001")
        report = check_links(project, [p], timeout=2, use_cache=False)
        sent = len(arxiv.hits())
    [f] = report.findings
    assert f.severity == "warning" and "HTTP 503" in f.message
    assert report.exit_code == 0
    assert sent == 4  # bounded: one request and three retries, then "not verified"


def test_a_short_arxiv_outage_is_waited_out() -> None:
    """arXiv's 503 means "busy, come back": the one client retries it, spaced, within its budget."""
    with FakeArxiv(ids={"2005.00001"}) as arxiv, pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAPERLIST_ARXIV_API", arxiv.url)
        arxiv.fail_next = 2
        got = asyncio.run(check_ids(["2005.00001"], LinkConfig(arxiv_api=arxiv.url, arxiv_interval=0), timeout=2))
    assert got["2005.00001"].state == "ok" and len(arxiv.hits()) == 3


def test_arxiv_error_entries() -> None:
    # Real arXiv never mixes the error entry with papers, but the one parser must not mistake either.
    feed = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_'
            b'1234.5</id><title>Error</title><summary>incorrect id format for 1234.5</summary></entry>'
            b'<entry><id>http://arxiv.org/abs/2101.00001v3</id><title>T</title></entry></feed>')
    result = parse_feed(feed, ["1234.5", "2101.00001", "2101.00002"])
    got = verdicts_from(result, ["1234.5", "2101.00001", "2101.00002"])
    assert got["2101.00001"].state == "ok"
    assert got["1234.5"].state == "broken" and "incorrect id format" in got["1234.5"].message
    assert result.unasked == ["2101.00002"]  # not looked up: the client asks for it again


def _gh_paper(project: Path, title: str, *urls: str) -> Path:
    return add_paper(project, title, links={"code": list(urls)})


def test_github_renamed_archived_missing(project: Path) -> None:
    with FakeGitHub() as gh, pytest.MonkeyPatch.context() as mp:
        mp.setenv("GITHUB_API_URL", gh.url)
        gh.add_repo("alive/repo")
        gh.add_repo("old/attic", archived=True)
        gh.add_repo("new-owner/new-name")
        gh.add_repo("old-owner/old-name", renamed_to="new-owner/new-name")
        p = _gh_paper(project, "Code Paper", "https://github.com/alive/repo", "https://github.com/old/attic",
                      "https://github.com/old-owner/old-name", "https://github.com/gone/away")
        report = check_links(project, [p], timeout=2, use_cache=False, github_token="test-token")
        repo_calls = gh.count("GET", r"/repos/.*|/repositories/.*")
    got = {f.to_dict()["url"]: f for f in report.findings}
    assert set(got) == {"https://github.com/old/attic", "https://github.com/old-owner/old-name",
                        "https://github.com/gone/away"}
    assert got["https://github.com/old/attic"].severity == "warning"
    assert "archived" in got["https://github.com/old/attic"].message
    renamed = got["https://github.com/old-owner/old-name"].to_dict()
    assert renamed["severity"] == "notice" and renamed["new_url"] == "https://github.com/new-owner/new-name"
    assert renamed["suggestion"].strip().startswith("links:")  # the line, rewritten
    assert "https://github.com/new-owner/new-name" in renamed["suggestion"]
    assert got["https://github.com/gone/away"].severity == "error"
    assert repo_calls == 5  # four repositories, one redirect followed; no page fetched
    assert report.meta["links"]["github_api_calls"] == 4


def test_github_rate_limit_degrades_to_http_with_a_warning(project: Path) -> None:
    """Never spend the API quota to the last request: below the floor, the rest goes over plain HTTP."""
    write_config(project, github_min_remaining=10, github_max_wait=1)
    with FakeGitHub() as gh, LinkFarm() as farm, pytest.MonkeyPatch.context() as mp:
        mp.setenv("GITHUB_API_URL", gh.url)
        mp.setenv("PAPERLIST_GITHUB_WEB", farm.url)  # github.com pages come from the farm
        gh.add_repo("ok/one")
        gh.rate_limit_remaining = 6  # resets in an hour: far longer than github_max_wait
        # The farm answers by the first path segment: /ok/… 200, /missing/… 404.
        p = _gh_paper(project, "Rate Limited", "https://github.com/ok/one", "https://github.com/missing/two",
                      "https://github.com/missing/three")
        report = check_links(project, [p], timeout=2, use_cache=False, github_token="t", allow_private=True)
        assert gh.count("GET", r"/repos/.*") == 1  # the first call showed the quota low: no more
        assert sorted({path for _, path, _ in farm.hits()}) == ["/missing/three", "/missing/two"]
    by_sev = sorted((f.severity, f.to_dict()["url"]) for f in report.findings)
    assert by_sev == [("error", "https://github.com/missing/three"), ("error", "https://github.com/missing/two"),
                      ("warning", "https://github.com/missing/two")]
    warning = next(f for f in report.findings if f.severity == "warning")
    assert "rate limit" in warning.message and "plain HTTP" in warning.message
    assert report.meta["links"]["github_degraded"]


def test_github_page_inside_a_live_repository_is_fetched(project: Path) -> None:
    with FakeGitHub() as gh, LinkFarm() as farm, pytest.MonkeyPatch.context() as mp:
        mp.setenv("GITHUB_API_URL", gh.url)
        mp.setenv("PAPERLIST_GITHUB_WEB", farm.url)
        gh.add_repo("missing/repo")  # the repository exists; the folder (404 on the farm) does not
        p = _gh_paper(project, "Folder Paper", "https://github.com/missing/repo/tree/main/sub")
        report = check_links(project, [p], timeout=2, github_token="t", allow_private=True)
        [f] = report.findings
        assert f.severity == "error" and f.to_dict()["status"] == 404
        # Again, with the repository's verdict now cached: no API call, but the dead page is fetched again.
        api_calls, page_hits = gh.count("GET", r"/repos/.*"), len(farm.hits("/missing/repo/tree"))
        again = check_links(project, [p], timeout=2, github_token="t", allow_private=True)
        assert gh.count("GET", r"/repos/.*") == api_calls
        assert len(farm.hits("/missing/repo/tree")) == 2 * page_hits
    assert [g.to_dict() for g in again.findings] == [f.to_dict()]
