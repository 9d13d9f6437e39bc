"""paperlist new --arxiv: titles and authors from a stand-in arXiv API on loopback, politely fetched.

The stand-in (tests/support/fake_arxiv.py) answers in arXiv's own Atom shape; the tests
measure what a contributor and arXiv's operators would notice: one batched request, spacing
of at least 3 s on one connection, Retry-After honoured within a bound, a clear error
naming the id and nothing written when something is wrong.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperlist.infra.arxiv import ArxivClient
from paperlist.project.keys import expected_path
from paperlist.sources.new import NewRequest, PlanError, apply, plan_new
from projectkit import add_paper, make_project, run_cli, tree_digest
from support.fake_arxiv import ArxivRecord, FakeArxivAPI

ZOOM = ArxivRecord("Zooming Slow-Mo: Fast and Accurate One-Stage Space-Time Video\n  Super-Resolution",
                   ("Xiaoyu Xiang", "Yapeng Tian", "Yulun Zhang", "Yun Fu", "Jan P. Allebach", "Chenliang Xu"), 2)
YOLOF = ArxivRecord("You Only Look One-level Feature", ("Qiang Chen", "Yingming Wang", "Tong Yang"), 2)
ZOOM_TITLE = "Zooming Slow-Mo: Fast and Accurate One-Stage Space-Time Video Super-Resolution"


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeArxivAPI]:
    with FakeArxivAPI({"2002.11616": ZOOM, "2103.09460": YOLOF}) as fake:
        monkeypatch.setenv("PAPERLIST_ARXIV_API", fake.url)
        yield fake


def new(root: Path, *args: str) -> tuple[int, str, str]:
    r = run_cli(root, "new", "--venue", "CVPR", "--year", "2020", *args)
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, r.stdout, r.stderr


def test_two_ids_one_batched_request_wrapped_titles_joined_versions_stripped(tmp_path: Path,
                                                                            api: FakeArxivAPI) -> None:
    root = make_project(tmp_path)
    code, _, err = new(root, "--arxiv", "https://arxiv.org/abs/2002.11616v2", "--arxiv", "arXiv:2103.09460",
                       "--tag", "other")
    assert code == 0, err
    assert [h.ids for h in api.hits] == [["2002.11616", "2103.09460"]]
    text = (root / expected_path("CVPR", 2020, ZOOM_TITLE)).read_text(encoding="utf-8")
    assert f'title: "{ZOOM_TITLE}"' in text or f"title: {ZOOM_TITLE!r}" in text or ZOOM_TITLE in text
    assert "Video Super-Resolution" in text and "\n  Super" not in text
    assert 'arxiv: "2002.11616"' in text and "v2" not in text
    assert "- Jan P. Allebach\n" in text
    assert (root / expected_path("CVPR", 2020, "You Only Look One-level Feature")).exists()
    assert run_cli(root, "validate").returncode == 0


def test_requests_are_spaced_three_seconds_on_one_connection_and_retry_after_is_honoured(
        tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path)
    api.script.append(("503", "1"))  # asks for 1 s; arXiv's terms still ask for 3 s between requests
    code, _, err = new(root, "--arxiv", "2002.11616", "--tag", "other")
    assert code == 0, err
    assert [h.status for h in api.hits] == [503, 200]
    first, second = api.hits
    assert second.at - first.at >= 3.0
    assert first.port == second.port  # the same kept-alive connection


def test_retry_after_beyond_the_budget_is_a_clear_error_soon_and_nothing_is_written(
        tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path)
    before = tree_digest(root)
    api.script.append(("503", "3600"))
    started = time.monotonic()
    code, _, err = new(root, "--arxiv", "2002.11616", "--tag", "other")
    assert code == 1 and "2002.11616" in err and "503" in err and "nothing written" in err
    assert time.monotonic() - started < 30
    assert len(api.hits) == 1 and tree_digest(root) == before


def test_unreachable_api_is_an_error_naming_the_id_within_thirty_seconds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path)
    monkeypatch.setenv("PAPERLIST_ARXIV_API", "http://127.0.0.1:9/api/query")  # nothing listens
    before = tree_digest(root)
    started = time.monotonic()
    code, _, err = new(root, "--arxiv", "2103.09460", "--tag", "other")
    assert code == 1 and "2103.09460" in err and "unreachable" in err
    assert time.monotonic() - started < 30
    assert tree_digest(root) == before


@pytest.mark.parametrize(("ids", "says"), [
    (["2101.99999"], "arXiv has no paper 2101.99999"),                         # absent entry
    (["2013.12345"], "arXiv would refuse the id 2013.12345: there is no month 13"),  # never sent
    (["2103.09460", "2101.99999"], "arXiv has no paper 2101.99999"),           # one bad id stops the batch
    (["not-an-id"], "'not-an-id' is not an arXiv id"),                         # refused before asking
])
def test_unknown_or_malformed_ids_name_the_id_and_nothing_is_written(
        tmp_path: Path, api: FakeArxivAPI, ids: list[str], says: str) -> None:
    root = make_project(tmp_path)
    before = tree_digest(root)
    args = [a for i in ids for a in ("--arxiv", i)]
    code, _, err = new(root, *args, "--tag", "other")
    assert code == 1 and says in err and "nothing written" in err
    assert tree_digest(root) == before
    assert len(api.hits) == (0 if ids in (["not-an-id"], ["2013.12345"]) else 1)


@pytest.mark.parametrize("kind", ["xml", "html", "dtd"])
def test_a_broken_or_hostile_feed_is_an_error_not_a_crash(tmp_path: Path, api: FakeArxivAPI, kind: str) -> None:
    root = make_project(tmp_path)
    before = tree_digest(root)
    api.script.append((kind, None))
    code, _, err = new(root, "--arxiv", "2103.09460", "--tag", "other")
    assert code == 1 and "not an Atom feed" in err and "2103.09460" in err
    assert tree_digest(root) == before


def test_a_listed_paper_gets_the_code_link_added_and_the_rest_of_its_file_kept(
        tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path)
    path = root / "papers/cvpr2020/zooming-slow-mo.yaml"
    path.parent.mkdir(parents=True)
    original = ("# hand-written, keep this comment\ntitle: 'Zooming Slow-Mo'\nvenue: CVPR\nyear: 2020\n"
                "arxiv: \"2002.11616\"\nlinks:\n  project: https://example.org/zoom\ntags: [other]\n")
    path.write_text(original, encoding="utf-8")
    code, _, err = new(root, "--arxiv", "2002.11616v3", "--code", "https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020")
    assert code == 0, err
    assert "papers/cvpr2020/zooming-slow-mo.yaml" in err and "adds links.code" in err
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# hand-written, keep this comment\ntitle: 'Zooming Slow-Mo'\n")
    assert "https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020" in text
    assert "project: https://example.org/zoom" in text
    assert sorted(p.name for p in path.parent.iterdir()) == ["zooming-slow-mo.yaml"]
    assert api.hits == []  # a listed paper needs no look-up
    assert run_cli(root, "validate").returncode == 0
    # As CONTRIBUTING and the issue flow put it: no venue or year needed for a listed paper.
    again = run_cli(root, "new", "--arxiv", "2002.11616", "--code", "https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020")
    assert again.returncode == 0 and "nothing to add" in again.stderr
    unlisted = run_cli(root, "new", "--arxiv", "2103.09460", "--tag", "other")
    assert unlisted.returncode == 1 and "--venue and --year are needed" in unlisted.stderr
    assert path.read_text(encoding="utf-8") == text


def test_a_listed_paper_without_new_links_is_named_and_nothing_written(tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path)
    existing = add_paper(root, "Zooming Slow-Mo", arxiv="2002.11616")
    before = tree_digest(root)
    code, _, err = new(root, "--arxiv", "2002.11616", "--tag", "other")
    assert code == 1 and existing.relative_to(root).as_posix() in err and "--code" in err
    assert tree_digest(root) == before


def test_a_likely_duplicate_by_title_is_named_and_nothing_written(tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path)
    existing = add_paper(root, ZOOM_TITLE)  # listed without its arXiv id
    before = tree_digest(root)
    code, _, err = new(root, "--arxiv", "2002.11616", "--tag", "other")
    assert code == 1 and existing.relative_to(root).as_posix() in err and "nothing written" in err
    assert tree_digest(root) == before


@pytest.mark.parametrize(("title", "says"), [
    ("A" * 10_000, "at most 300"),
    ("Seeing \u202eevil\u202c things", "U+202E"),
    ("Escape\u009b[31m in the title", "U+009B"),
])
def test_hostile_metadata_is_refused_with_a_clear_error(tmp_path: Path, api: FakeArxivAPI, title: str,
                                                        says: str) -> None:
    root = make_project(tmp_path)
    api.papers["2104.00001"] = ArxivRecord(title, ("Eve",))
    before = tree_digest(root)
    code, _, err = new(root, "--arxiv", "2104.00001", "--tag", "other")
    assert code == 1 and says in err and "2104.00001" in err
    assert tree_digest(root) == before


def test_html_and_mentions_in_metadata_are_written_as_plain_text_that_validates(tmp_path: Path,
                                                                                  api: FakeArxivAPI) -> None:
    root = make_project(tmp_path)
    api.papers["2104.00002"] = ArxivRecord("<img src=x onerror=alert(1)> for @everyone: \"quotes\" & 'more'",
                                           ("@octocat", "<b>Bold</b> Name"))
    code, _, err = new(root, "--arxiv", "2104.00002", "--tag", "other")
    assert code == 0, err
    assert run_cli(root, "validate").returncode == 0
    render = run_cli(root, "render")
    assert render.returncode == 0
    page = (root / "lists/cvpr2020.md").read_text(encoding="utf-8")
    assert "for @everyone" not in page and "img src" in page and "<img" not in page  # shown as text, pings no one


def test_tags_are_suggested_from_the_title_and_never_applied(tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path)
    api.papers["2104.00003"] = ArxivRecord("Sparse Video Object Detection with Transformers", ("A. Author",))
    code, _, err = new(root, "--arxiv", "2104.00003", "--tag", "other")
    assert code == 0, err
    assert "--tag video-object-detection" in err and "not added" in err
    written = next((root / "papers/cvpr2020").iterdir()).read_text(encoding="utf-8")
    assert "video-object-detection" not in written
    code, _, err = new(root, "--arxiv", "2104.00003", "--dry-run")  # no tag at all: an error with the hint
    assert code == 1


def test_no_tag_is_an_error_that_carries_the_suggestions(tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path)
    api.papers["2104.00004"] = ArxivRecord("Fast 3D Object Detection from Points", ("A. Author",))
    before = tree_digest(root)
    code, _, err = new(root, "--arxiv", "2104.00004")
    assert code == 1 and "no tag given" in err and "3d-object-detection" in err
    assert tree_digest(root) == before


def test_the_cache_saves_the_second_request_and_the_off_switch_is_honoured(
        tmp_path: Path, api: FakeArxivAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path)
    client = ArxivClient.from_env(root)
    assert client.fetch(["2103.09460"]).papers["2103.09460"].title == "You Only Look One-level Feature"
    assert ArxivClient.from_env(root).fetch(["2103.09460"]).papers  # from the cache
    assert len(api.hits) == 1
    assert (root / ".paperlist-cache/arxiv-meta/2103.09460.json").exists()
    monkeypatch.setenv("PAPERLIST_NO_CACHE", "1")
    fresh = ArxivClient.from_env(root)
    fresh.min_interval = 0.0
    assert fresh.fetch(["2103.09460"]).papers and len(api.hits) == 2


def test_plan_and_apply_as_the_issue_workflow_uses_them(tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path)
    req = NewRequest(venue="CVPR", year=2021, arxiv=("2103.09460",), tags=("目标检测",),
                     code=("https://github.com/megvii-model/YOLOF",))
    plan = plan_new(root, req, ArxivClient(api.url, min_interval=0))
    assert plan.ok and [w.kind for w in plan.writes] == ["add"] and plan.arxiv_requests == 1
    assert not (root / plan.writes[0].rel).exists()  # planning never writes
    assert apply(plan) == [plan.writes[0].rel]
    with pytest.raises(PlanError):
        apply(plan)  # the file exists now: a stale plan is refused, nothing overwritten


def test_an_api_that_accepts_and_never_answers_is_cut_off_by_the_timeout() -> None:
    import socket

    from paperlist.infra.arxiv import ArxivError

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)  # connections are accepted by the kernel, and nothing is ever sent back
        client = ArxivClient(f"http://127.0.0.1:{silent.getsockname()[1]}/api/query", timeout=0.5, budget=5)
        started = time.monotonic()
        with pytest.raises(ArxivError) as e:
            client.fetch(["2103.09460"])
        assert time.monotonic() - started < 5
    assert "did not answer" in str(e.value) and "2103.09460" in str(e.value) and e.value.ids == ("2103.09460",)


def test_one_address_rule_for_the_link_checker_and_paperlist_new() -> None:
    from paperlist.infra.arxiv import query_url

    assert query_url("https://export.arxiv.org") == "https://export.arxiv.org/api/query"
    assert query_url("https://export.arxiv.org/api/query") == "https://export.arxiv.org/api/query"
    assert query_url("http://127.0.0.1:8080/api/query/") == "http://127.0.0.1:8080/api/query"
