"""paperlist refresh authors: authors from the stand-in arXiv (tests/support/fake_arxiv.py) on loopback.

What a maintainer would notice: every paper the stand-in knows gets its authors, in order and
cleaned; a file keeps its comments and layout; a title is never changed (a close one is reported
at its line, a different one also keeps the paper's authors empty); a run without arXiv changes
nothing and says so with exit 3; only successful look-ups are cached; hostile answers are refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperlist.infra.arxiv import ArxivClient
from paperlist.project.keys import expected_path
from paperlist.project.shards import partition, shard_folders, shard_paths
from paperlist.sources.authors import AuthorsResult, AuthorsSettings, run_fill_authors, title_agreement
from projectkit import add_paper, make_project, run_cli, tree_digest
from support.fake_arxiv import ArxivRecord, FakeArxivAPI

ZOOM_TITLE = "Zooming Slow-Mo: Fast and Accurate One-Stage Space-Time Video Super-Resolution"
ZOOM = ArxivRecord(ZOOM_TITLE, ("Xiaoyu Xiang", "Yapeng Tian", "Yulun Zhang", "Yun Fu", "Jan P. Allebach",
                                "Chenliang Xu"), 2)
YOLOF = ArxivRecord("You Only Look One-level Feature", ("Qiang Chen", "Yingming Wang", "Tong Yang"), 2)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeArxivAPI]:
    with FakeArxivAPI({"2002.11616": ZOOM, "2103.09460": YOLOF}) as fake:
        monkeypatch.setenv("PAPERLIST_ARXIV_API", fake.url)
        yield fake


def client(api: FakeArxivAPI, cache: Path | None = None) -> ArxivClient:
    return ArxivClient(api.url, min_interval=0, cache_dir=cache)


def fill(root: Path, api: FakeArxivAPI, *, dry_run: bool = False) -> AuthorsResult:
    return run_fill_authors(AuthorsSettings(root=root, dry_run=dry_run), client(api))


HAND_WRITTEN = """\
# Added by hand from the CVPR 2020 program; authors to follow.
title: 'Zooming Slow-Mo: Fast and Accurate One-Stage Space-Time Video Super-Resolution'
venue: CVPR   # main conference
year: 2020
arxiv: "2002.11616"
links:
  code:
    - https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020
tags: [video-super-resolution]
"""


def test_every_paper_the_stand_in_knows_gets_its_authors_and_the_file_keeps_its_layout(
        tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path / "list")
    zoom = root / expected_path("CVPR", 2020, ZOOM_TITLE)
    zoom.parent.mkdir(parents=True)
    zoom.write_text(HAND_WRITTEN.replace("video-super-resolution", "other"), encoding="utf-8")
    yolof = add_paper(root, "You Only Look One-level Feature", year=2021, arxiv="2103.09460", authors=[])
    listed = add_paper(root, "A Paper With Authors", arxiv="2003.00001", authors=["Ann Lee"])
    unknown = add_paper(root, "A Paper The Stand-In Does Not Know", arxiv="2004.00002")
    no_id = add_paper(root, "A Paper Without arXiv")
    before = {p: p.read_text(encoding="utf-8") for p in (listed, unknown, no_id)}

    result = fill(root, api)

    added = sorted(a.paper for a in result.added)
    assert added == sorted(p.relative_to(root).as_posix() for p in (zoom, yolof))
    text = zoom.read_text(encoding="utf-8")
    expected = HAND_WRITTEN.replace("video-super-resolution", "other").replace(
        "venue: CVPR", "authors:\n  - Xiaoyu Xiang\n  - Yapeng Tian\n  - Yulun Zhang\n  - Yun Fu\n"
                       "  - Jan P. Allebach\n  - Chenliang Xu\nvenue: CVPR")
    assert text == expected  # the comments, the quoting and the flow list are as they were
    assert "  - Qiang Chen\n  - Yingming Wang\n  - Tong Yang\n" in yolof.read_text(encoding="utf-8")
    assert "authors: []" not in yolof.read_text(encoding="utf-8")
    assert {p: p.read_text(encoding="utf-8") for p in before} == before
    assert [n["arxiv"] for n in result.not_found] == ["2004.00002"]
    assert sorted(api.hits[0].ids) == ["2002.11616", "2004.00002", "2103.09460"] and len(api.hits) == 1
    assert run_cli(root, "validate").returncode == 0


def test_ids_go_in_batches_of_a_hundred_on_one_connection_and_a_shared_id_is_asked_once(
        tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path / "list")
    for n in range(220):
        aid = f"2101.{n:05d}"
        api.papers[aid] = ArxivRecord(f"Synthetic Paper Number {n} About Vision", (f"Author {chr(65 + n % 26)}a",))
        add_paper(root, f"Synthetic Paper Number {n} About Vision", year=2021, arxiv=aid)
    add_paper(root, "Synthetic Paper Number 7 About Vision", venue="ICCV", year=2021, arxiv="2101.00007")

    result = fill(root, api)

    assert [len(h.ids) for h in api.hits] == [100, 100, 20]
    assert len({h.port for h in api.hits}) == 1  # one kept-alive connection
    assert sum(h.ids.count("2101.00007") for h in api.hits) == 1
    assert len(result.added) == 221 and result.requests == 3
    assert "  - Author Ha\n" in (root / "papers/iccv2021/synthetic-paper-number-7-about-vision.yaml").read_text()


def test_a_title_that_differs_is_reported_at_its_line_and_never_overwritten(tmp_path: Path,
                                                                            api: FakeArxivAPI) -> None:
    api.papers["2104.00001"] = ArxivRecord("StyleMapGAN: Exploiting Spatial Dimensions of Latent in GAN for "
                                           "Real-time Image Editing", ("Hyunsu Kim", "Yunjey Choi"))
    api.papers["2104.00002"] = ArxivRecord("Deep Residual Learning for Image Recognition", ("Kaiming He",))
    root = make_project(tmp_path / "list")
    close = add_paper(root, "Exploiting Spatial Dimensions of Latent in GAN", year=2021, arxiv="2104.00001")
    wrong = add_paper(root, "A Transformer for Point Clouds", year=2021, arxiv="2104.00002")
    wrong_before = wrong.read_text(encoding="utf-8")

    result = fill(root, api)

    text = close.read_text(encoding="utf-8")
    assert text.startswith('title: "Exploiting Spatial Dimensions of Latent in GAN"\n')  # title kept
    assert "  - Hyunsu Kim\n  - Yunjey Choi\n" in text
    assert wrong.read_text(encoding="utf-8") == wrong_before  # another paper's authors are never written
    by_file = {f.file: f for f in result.findings if f.check == "authors"}
    rel_close, rel_wrong = (p.relative_to(root).as_posix() for p in (close, wrong))
    assert by_file[rel_close].line == 1 and "differs from arXiv's" in by_file[rel_close].message
    assert by_file[rel_wrong].line == 1 and "is 2104.00002 this paper's id" in by_file[rel_wrong].message
    assert by_file[rel_wrong].message_zh
    mismatch = {t.paper: t.authors_filled for t in result.title_mismatch}
    assert mismatch == {rel_close: True, rel_wrong: False}


@pytest.mark.parametrize(("ours", "theirs", "expected"), [
    ("UPFlow:Upsampling Pyramid for Unsupervised Optical Flow", "UPFlow: Upsampling Pyramid for Unsupervised "
                                                               "Optical Flow", "same"),
    ("Learning to Segment Every Thing", "Learning to Segment Every Thing with a Partially Supervised Approach",
     "close"),
    ("Dense Contrastive Learning for Self-Supervised Visual Pre-Training",
     "Dense Contrastive Learning for Self-supervised Visual Pretraining", "same"),
    ("Real-Time Monocular Depth Estimation", "Image Captioning With Transformers", "different"),
])
def test_title_agreement(ours: str, theirs: str, expected: str) -> None:
    assert title_agreement(ours, theirs) == expected


def test_network_down_changes_nothing_says_so_and_exits_3(tmp_path: Path) -> None:
    root = make_project(tmp_path / "list")
    add_paper(root, ZOOM_TITLE, arxiv="2002.11616")
    digest = tree_digest(root)
    summary = tmp_path / "out" / "authors.json"
    # conftest points PAPERLIST_ARXIV_API at a closed loopback port: the connection is refused.
    r = run_cli(root, "refresh", "authors", "--summary", str(summary))
    assert r.returncode == 3, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "arXiv could not be reached" in r.stderr
    assert tree_digest(root) == digest
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["network_down"] is True and data["authors_added"] == []
    assert data["unchecked"] == [{"paper": "papers/cvpr2020/zooming-slow-mo-fast-and-accurate-one-stage-space-time-"
                                           "video-super-resolution.yaml", "arxiv": "2002.11616"}]


def test_arxiv_failing_mid_run_keeps_what_was_checked_and_touches_nothing_else(tmp_path: Path,
                                                                               api: FakeArxivAPI) -> None:
    root = make_project(tmp_path / "list")
    for n in range(120):
        aid = f"2102.{n:05d}"
        api.papers[aid] = ArxivRecord(f"Paper {n} On Optical Flow Estimation", ("Ann Lee",))
        add_paper(root, f"Paper {n} On Optical Flow Estimation", year=2021, arxiv=aid)
    api.script.extend([("ok", None), ("503", "3600")])  # the second batch: busy for an hour
    digest = tree_digest(root)

    result = fill(root, api)

    assert result.network_down and len(result.added) == 100 and len(result.unchecked) == 20
    after = tree_digest(root)
    assert sum(after[k] != digest[k] for k in digest) == 100
    unchecked = {u["paper"] for u in result.unchecked}
    assert all(after[p] == digest[p] for p in unchecked)
    assert result.exit_code == 3


def test_only_successful_look_ups_are_cached(tmp_path: Path, api: FakeArxivAPI) -> None:
    cache = tmp_path / "cache"
    root = make_project(tmp_path / "list")
    add_paper(root, ZOOM_TITLE, arxiv="2002.11616")
    add_paper(root, "A Paper The Stand-In Does Not Know", arxiv="2004.00002")
    dead = ArxivClient("http://127.0.0.1:9/api/query", min_interval=0, cache_dir=cache, budget=2)
    down = run_fill_authors(AuthorsSettings(root=root), dead)
    assert down.network_down and not list(cache.glob("*.json"))  # a failure is never cached

    first = run_fill_authors(AuthorsSettings(root=root, dry_run=True), client(api, cache))
    assert first.requests == 1 and [p.name for p in cache.glob("*.json")] == ["2002.11616.json"]
    again = run_fill_authors(AuthorsSettings(root=root, dry_run=True), client(api, cache))
    assert again.requests == 1 and api.hits[-1].ids == ["2004.00002"]  # the unknown id is asked again
    assert [a.authors for a in again.added] == [ZOOM.authors]


@pytest.mark.parametrize(("authors", "why"), [
    (("Ann Lee", "Bo\u202eChen"), "U+202E"),
    (("Ann Lee", "Bo\x9b31mChen"), "U+009B"),
    (("Ann Lee", "B" * 5000), "5,000 characters long"),
    (tuple(f"Author {i} Name" for i in range(250)), "250 authors"),
    (("Ann Lee", "12345"), "not a name"),
])
def test_hostile_author_lists_are_refused_whole_and_nothing_is_written(tmp_path: Path, api: FakeArxivAPI,
                                                                       authors: tuple[str, ...], why: str) -> None:
    api.papers["2105.00001"] = ArxivRecord("A Perfectly Ordinary Title For Testing", authors)
    root = make_project(tmp_path / "list")
    paper = add_paper(root, "A Perfectly Ordinary Title For Testing", year=2021, arxiv="2105.00001")
    before = paper.read_text(encoding="utf-8")

    result = fill(root, api)

    assert paper.read_text(encoding="utf-8") == before
    assert not result.added and why in result.refused[0]["reason"]
    [finding] = [f for f in result.findings if f.check == "authors"]
    assert finding.severity == "warning" and "refused" in finding.message
    assert "\u202e" not in finding.message and "\x9b" not in finding.message


def test_names_are_cleaned_as_the_importer_cleans_them(tmp_path: Path, api: FakeArxivAPI) -> None:
    api.papers["2105.00002"] = ArxivRecord("Another Ordinary Title For Testing",
                                           ("Qi  Tian1", "Li Zhang*", "Jose\u0301 Garci\u0301a", "Qi Tian1"))
    root = make_project(tmp_path / "list")
    paper = add_paper(root, "Another Ordinary Title For Testing", year=2021, arxiv="2105.00002")
    fill(root, api)
    assert "authors:\n  - Qi Tian\n  - Li Zhang\n  - José García\nvenue" in paper.read_text(encoding="utf-8")


def test_cli_summary_and_dry_run(tmp_path: Path, api: FakeArxivAPI) -> None:
    root = make_project(tmp_path / "list")
    add_paper(root, ZOOM_TITLE, arxiv="2002.11616")
    digest = tree_digest(root)
    summary = tmp_path / "s.json"
    dry = run_cli(root, "refresh", "authors", "--dry-run", "--summary", str(summary))
    assert dry.returncode == 0, dry.stderr
    assert tree_digest(root) == digest and "would add authors to 1" in dry.stderr
    r = run_cli(root, "refresh", "authors", "--summary", str(summary), "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["authors_added"] == [{"paper": "papers/cvpr2020/zooming-slow-mo-fast-and-accurate-one-stage-space-"
                                               "time-video-super-resolution.yaml", "arxiv": "2002.11616",
                                      "authors": list(ZOOM.authors)}]
    assert data["network_down"] is False and data["title_mismatch"] == [] and data["not_found"] == []
    assert json.loads(r.stdout)["summary"]["errors"] == 0
    assert run_cli(root, "refresh", "authors", "--shard", "3/2").returncode == 2


# -- the shard partition, shared with `refresh repos` ---------------------------------------------------
def test_shards_are_whole_folders_balanced_by_count_deterministic_and_complete() -> None:
    counts = {"iccv2023": 2154, "cvpr2021": 1016, "cvpr2023": 207, "cvpr2022": 184, "cvpr2020": 147}
    shards = partition(counts, 4)
    assert shards == [["iccv2023"], ["cvpr2021"], ["cvpr2023"], ["cvpr2020", "cvpr2022"]]
    assert partition(dict(reversed(list(counts.items()))), 4) == shards  # order of the input does not matter
    for n in (1, 2, 3, 5, 7):
        parts = [shard_folders(counts, i, n) for i in range(1, n + 1)]
        flat = [f for p in parts for f in p]
        assert sorted(flat) == sorted(counts) and len(flat) == len(set(flat))
        loads = [sum(counts[f] for f in p) for p in parts]
        assert max(loads) - min(loads) <= max(counts.values())
    even = {f"f{i:02d}": 100 for i in range(12)}
    assert [len(p) for p in partition(even, 4)] == [3, 3, 3, 3]
    with pytest.raises(ValueError):
        shard_folders(counts, 5, 4)


def test_shard_paths_split_a_project_by_folder(tmp_path: Path) -> None:
    root = make_project(tmp_path / "list")
    for year, n in ((2020, 3), (2021, 5), (2022, 2)):
        for i in range(n):
            add_paper(root, f"Paper {i} of {year} on things", year=year)
    seen: list[str] = []
    for k in (1, 2):
        paths, folders, _ = shard_paths(root, (k, 2))
        assert {p.parent.name for p in paths} == set(folders)
        seen += folders
    assert sorted(seen) == ["cvpr2020", "cvpr2021", "cvpr2022"]
    assert shard_paths(root, (1, 2))[1] == ["cvpr2021"]


def test_a_warm_run_batches_only_what_the_cache_lacks(tmp_path: Path, api: FakeArxivAPI) -> None:
    cache = tmp_path / "cache"
    root = make_project(tmp_path / "list")
    for n in range(240):
        aid = f"2106.{n:05d}"
        if n % 6:  # every sixth id is unknown to arXiv: spread over all three batches
            api.papers[aid] = ArxivRecord(f"Cached Paper {n} About Segmentation", ("Ann Lee",))
        add_paper(root, f"Cached Paper {n} About Segmentation", year=2021, arxiv=aid)
    cold = run_fill_authors(AuthorsSettings(root=root, dry_run=True), client(api, cache))
    assert cold.requests == 3 and len(cold.added) == 200 and len(cold.not_found) == 40
    warm = run_fill_authors(AuthorsSettings(root=root, dry_run=True), client(api, cache))
    assert warm.requests == 1 and sorted(api.hits[-1].ids) == [f"2106.{n:05d}" for n in range(0, 240, 6)]
    assert len(warm.added) == 200


def test_a_hostile_arxiv_title_reaches_no_message_and_a_refused_list_is_not_called_filled(
        tmp_path: Path, api: FakeArxivAPI) -> None:
    api.papers["2105.00003"] = ArxivRecord("Exploiting \u202eSpatial Dimensions of Latent in GAN for Editing",
                                           ("Ann Lee", "Bo\u202eChen"))
    root = make_project(tmp_path / "list")
    paper = add_paper(root, "Exploiting Spatial Dimensions of Latent in GAN", year=2021, arxiv="2105.00003")
    before = paper.read_text(encoding="utf-8")
    result = fill(root, api)
    assert paper.read_text(encoding="utf-8") == before
    [mismatch] = result.title_mismatch
    assert mismatch.authors_filled is False and "\u202e" not in mismatch.arxiv_title
    for f in result.findings:
        assert "\u202e" not in f.message + (f.message_zh or "") + str(f.extra.get("arxiv_title", ""))
    assert "\u202e" not in json.dumps(result.summary(), ensure_ascii=False)
