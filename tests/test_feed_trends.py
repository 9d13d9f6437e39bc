"""The site's Atom feeds (read back by feedparser and a strict XML parser) and the trends charts
(the numbers, the SVG, the page in Chromium in light and dark)."""

from __future__ import annotations

import calendar
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner

from paperlist.cli import main
from paperlist.output import feed, trends
from paperlist.output.entries import ListEntry
from paperlist.project.settings import ListSettings
from paperlist.project.vocab import Vocabulary
from projectkit import add_paper, make_project, run_cli
from support.prrepo import git as _git
from support.sitebrowser import guard, serve

ROOT = Path(__file__).resolve().parents[1]
ATOM = "{http://www.w3.org/2005/Atom}"


def _epoch(stamp: str) -> int:
    return calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A list with two commits: three papers in January, two more in March."""
    root = make_project(tmp_path_factory.mktemp("feeds") / "list")
    (root / "paperlist.yaml").write_text("site_url: https://example.org/papers/\n", encoding="utf-8")
    _git(root, "init", "--quiet", "--initial-branch=main")
    add_paper(root, "Zooming Slow-Mo Video Super-Resolution", year=2020, tags=("super-resolution",),
              authors=["Xiaoyu Xiang", "Yapeng Tian"])
    add_paper(root, "Deep Object Detection", year=2021, tags=("object-detection",), links={"code": ["https://github.com/a/b"]})
    add_paper(root, "Semantic Segmentation at Scale", venue="ICCV", year=2021, tags=("semantic-segmentation",))
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "first", when="2026-01-05T10:00:00+00:00")
    add_paper(root, "<script>alert(1)</script> ]]> & Detection", year=2022, tags=("object-detection",),
              authors=["Ann <b>Lee</b>"])
    add_paper(root, "A Later Paper on Optical Flow", year=2022, tags=("optical-flow",))
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "later", when="2026-03-01T10:00:00+00:00")
    add_paper(root, "Not Committed Yet", year=2022, tags=("object-detection",))
    return root


@pytest.fixture(scope="module")
def site(history: Path) -> Path:
    out = history.parent / "site"
    result = CliRunner().invoke(main, ["--root", str(history), "site", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def read_feed(path: Path) -> Any:
    raw = path.read_bytes()
    ET.fromstring(raw)  # strict XML: anything malformed raises
    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_the_overall_feed_is_valid_atom_dated_by_the_commits(site: Path) -> None:
    parsed = read_feed(site / "feeds/all.xml")
    f = parsed.feed
    assert f.id.startswith("urn:uuid:") and "latest additions" in f.title
    assert f.links[0].rel == "self" and f.links[0].href == "https://example.org/papers/feeds/all.xml"
    assert f.link == "https://example.org/papers/"
    assert calendar.timegm(f.updated_parsed) == _epoch("2026-03-01T10:00:00Z")
    titles = [e.title for e in parsed.entries]
    assert len(titles) == 5 and "Not Committed Yet" not in titles  # not in the history: not added yet
    # Newest first, dated by the commit that added each paper.
    assert set(titles[:2]) == {"<script>alert(1)</script> ]]> & Detection", "A Later Paper on Optical Flow"}
    dates = {e.title: calendar.timegm(e.updated_parsed) for e in parsed.entries}
    assert dates["A Later Paper on Optical Flow"] == _epoch("2026-03-01T10:00:00Z")
    assert dates["Deep Object Detection"] == _epoch("2026-01-05T10:00:00Z")
    deep = next(e for e in parsed.entries if e.title == "Deep Object Detection")
    assert deep.id == feed.entry_id("cvpr2021/deep-object-detection")
    assert deep.link == "https://example.org/papers/#cvpr2021/deep-object-detection"
    assert [t.term for t in deep.tags] == ["object-detection"]
    assert "code: https://github.com/a/b" in deep.summary


def test_hostile_text_stays_text_in_the_feed(site: Path) -> None:
    raw = (site / "feeds/all.xml").read_bytes()
    assert b"<script>" not in raw and b"]]>" not in raw and b"<b>" not in raw
    root = ET.fromstring(raw)
    titles = [t.text for t in root.iter(f"{ATOM}title")]
    assert "<script>alert(1)</script> ]]> & Detection" in titles
    assert "Ann <b>Lee</b>" in [n.text for n in root.iter(f"{ATOM}name")]


def test_control_characters_cannot_break_the_xml() -> None:
    # The loader refuses these in paper files; the feed is safe even when something bypasses it.
    vocab = Vocabulary.load(ROOT)
    nasty = "Title\x00 with \x1b[31m ESC \x0b\ufffe\uffff \ud800 and ]]> </title><entry>"
    e = ListEntry(rel="papers/cvpr2021/nasty.yaml", title=nasty, title_zh="标题\x07", authors=("A\x08B",),
                  venue="CVPR", year=2021, track="main", presentation=None, arxiv=None, paper=None, code=(),
                  project=None, video=None, readings=(), tags=("object-detection",))
    raw = feed.build_feed("all", "T \x01", [(1_767_225_600, e)], vocab, ListSettings())
    ET.fromstring(raw)
    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0 and len(parsed.entries) == 1
    assert parsed.entries[0].title.startswith("Title\ufffd with \ufffd[31m ESC")
    assert "</title><entry>" in parsed.entries[0].title


def test_one_feed_per_topic_and_stable_across_rebuilds(history: Path, site: Path) -> None:
    topic = read_feed(site / "feeds/object-detection.xml")
    assert [e.title for e in topic.entries] == ["<script>alert(1)</script> ]]> & Detection", "Deep Object Detection"]
    assert "Object Detection · 目标检测" in topic.feed.title
    assert read_feed(site / "feeds/optical-flow.xml").entries[0].title == "A Later Paper on Optical Flow"
    assert not (site / "feeds/image-classification.xml").exists()  # no paper under it
    again = history.parent / "site2"
    assert CliRunner().invoke(main, ["--root", str(history), "site", "--out", str(again)]).exit_code == 0
    for path in (site / "feeds").iterdir():
        assert (again / "feeds" / path.name).read_bytes() == path.read_bytes(), path.name
    # The page announces the overall feed.
    assert '<link rel="alternate" type="application/atom+xml" href="feeds/all.xml"' in (site / "index.html").read_text()


def test_without_git_history_the_feeds_are_empty_and_said_so(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    add_paper(root, "Deep Object Detection", year=2021, tags=("object-detection",))
    done = run_cli(root, "site", "--out", str(tmp_path / "site"))
    assert done.returncode == 0, done.stderr
    assert "feeds are empty: not a git checkout" in done.stderr
    parsed = read_feed(tmp_path / "site/feeds/all.xml")
    assert parsed.entries == []


# -- trends -----------------------------------------------------------------------------------------
def _entry(year: int, venue: str, tag: str, code: bool) -> ListEntry:
    return ListEntry(rel=f"papers/{venue.lower()}{year}/p{year}{tag}{code}.yaml", title="T", title_zh=None,
                     authors=(), venue=venue, year=year, track="main", presentation=None, arxiv=None, paper=None,
                     code=("https://github.com/a/b",) if code else (), project=None, video=None, readings=(),
                     tags=(tag,))


def test_trends_count_what_the_list_holds() -> None:
    vocab = Vocabulary.load(ROOT)
    entries = [_entry(2018, "CVPR", "object-detection", True), _entry(2018, "ICCV", "object-detection", False),
               _entry(2020, "CVPR", "semantic-segmentation", True), _entry(2020, "CVPR", "object-detection", True)]
    tr = trends.compute(entries, vocab)
    assert tr.years == (2018, 2019, 2020) and tr.totals == (2, 0, 2)
    assert [(s.label, s.values) for s in tr.venues] == [("CVPR", (1, 0, 2)), ("ICCV", (1, 0, 0))]
    assert tr.topics[0].label == "Object Detection · 目标检测" and tr.topics[0].values == (2, 0, 1)
    assert tr.code_share == (50.0, 0.0, 100.0)
    svg = trends.venues_chart(tr, standalone=True)
    root = ET.fromstring(svg)
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("Papers per year")  # type: ignore[union-attr]
    assert svg.count("<rect class=\"s0\"") == 2 + 1  # two CVPR bars and its legend key
    assert "prefers-color-scheme: dark" in svg


def test_readme_links_the_chart_and_the_feeds(history: Path) -> None:
    assert run_cli(history, "render").returncode == 0
    readme = (history / "README.md").read_text(encoding="utf-8")
    assert "[![每年论文数 · Papers per year](lists/trends.svg)](https://example.org/papers/trends.html)" in readme
    assert "https://example.org/papers/feeds/all.xml" in readme
    svg = (history / "lists/trends.svg").read_text(encoding="utf-8")
    assert svg.startswith(trends.MARK)
    ET.fromstring(svg.split("\n", 1)[1])
    assert run_cli(history, "render", "--check").returncode == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_trends_page_renders_in_light_and_dark(browser: Any, site: Path, scheme: str) -> None:
    with serve(site) as url:
        context = browser.new_context(color_scheme=scheme, viewport={"width": 390, "height": 844})
        seen = guard(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "trends.html")
        assert page.locator("svg.chart").count() == 3
        assert page.locator("svg.chart rect.s0").count() >= 2
        fill = page.evaluate("getComputedStyle(document.querySelector('svg.chart rect.s0')).fill")
        text = page.evaluate("getComputedStyle(document.querySelector('svg.chart text.heading')).fill")
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        if scheme == "dark":
            assert fill == "rgb(90, 169, 230)" and text == "rgb(230, 233, 237)" and bg == "rgb(17, 20, 24)"
        else:
            assert fill == "rgb(0, 114, 178)" and text == "rgb(29, 33, 39)" and bg == "rgb(255, 255, 255)"
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        assert "Share of papers with code" in page.inner_text("body") and "有代码的论文比例" in page.inner_text("body")
        assert errors == [] and all(u.startswith(url) for u in seen), (errors, seen)
        context.close()
