"""The site for readers (issue 19), in Debian's Chromium: the phone layout, citations out of the
page (Cite, Export these n papers) byte for byte what ``paperlist export`` writes, the feeds and
the trends page. Same served site and guards as tests/test_site.py (no request leaves loopback,
any page or console error fails the test)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from paperlist.output import export
from paperlist.output.export import Citable
from projectkit import run_cli
from support.sitebrowser import serve
from test_site import PAPERS, Page, build, make_project

HOSTILE_BIB = r"Breaking } out \ of @comment{ BibTeX } 100% & $5 x_1"
READER_PAPERS = {
    **PAPERS,
    "papers/cvpr2021/breaking-out.yaml": f"title: {json.dumps(HOSTILE_BIB)}\n"
                                         "authors: [\"Tom and Jerry\", \"Zoë Ångström\", 何恺明]\n"
                                         "venue: CVPR\nyear: 2021\ndoi: \"10.1109/CVPR.2021.00042\"\n"
                                         "tags: [object-detection]\n",
}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("readers") / "p", READER_PAPERS)


@pytest.fixture(scope="module")
def site_url(project: Path) -> Iterator[str]:
    out = project.parent / "site"
    result = build(project, out)
    assert result.exit_code == 0, result.output
    with serve(out) as url:
        yield url



def open_page(browser: Any, url: str, query: str = "", **context: Any) -> Page:
    p = Page.__new__(Page)
    p.context = browser.new_context(accept_downloads=True, **context)
    from support.sitebrowser import guard

    p.requests = guard(p.context)
    p.page = p.context.new_page()
    p.errors = []
    p.page.on("pageerror", lambda e: p.errors.append(str(e)))
    p.page.on("console", lambda m: p.errors.append(m.text) if m.type == "error" else None)
    p.base = url
    p.open(query)
    return p


def close(p: Page, url: str) -> None:
    assert p.errors == [], p.errors
    assert all(u.startswith(url) or u.startswith("blob:") for u in p.requests), p.requests
    p.context.close()


# -- the phone layout ------------------------------------------------------------------------------
def test_on_a_phone_results_come_first_and_filters_fold(browser: Any, site_url: str) -> None:
    p = open_page(browser, site_url, "?year=2021&code=1", viewport=PHONE)
    page = p.page
    toggle = page.locator("#filters-toggle")
    assert toggle.is_visible() and toggle.inner_text() == "Filters (2)"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "filters-panel"
    assert not page.is_visible("#filters-panel")
    # The first result is on the first screen.
    box = page.locator("#list > li").first.bounding_box()
    assert box is not None and box["y"] + 40 < PHONE["height"], box
    # Open, choose, close: the control is a real button, with the keyboard too.
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and page.is_visible("#filters-panel")
    assert page.evaluate("document.activeElement.id") == "filters-toggle"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#filters-panel') !== null")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not page.is_visible("#filters-panel")
    assert page.evaluate("document.activeElement.id") == "filters-toggle"
    toggle.click()
    page.uncheck("#f-code-1")
    p.wait()
    assert toggle.inner_text() == "Filters (1)"
    page.click("#filters-done")
    assert not page.is_visible("#filters-panel")
    assert page.evaluate("document.activeElement.id") == "count"
    # The search box stays in reach: still on screen after scrolling to the end.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    q = page.locator("#q").bounding_box()
    assert q is not None and 0 <= q["y"] < PHONE["height"]
    close(p, site_url)


def test_on_a_wide_screen_filters_stay_open(browser: Any, site_url: str) -> None:
    p = open_page(browser, site_url, viewport={"width": 1280, "height": 900})
    assert not p.page.is_visible("#filters-toggle")
    assert p.page.is_visible("#filters-panel") and p.page.is_visible("#f-venue-CVPR")
    assert not p.page.is_visible("#filters-done")
    close(p, site_url)


@pytest.mark.parametrize("query", ["", "?q=breaking", "#cvpr2021/breaking-out"])
def test_nothing_overflows_at_320_px(browser: Any, site_url: str, query: str) -> None:
    p = open_page(browser, site_url, query, viewport={"width": 320, "height": 640})
    page = p.page
    if query.startswith("#"):
        page.wait_for_selector("#linked:not([hidden]) article")
    page.locator("#list button.cite").first.click()
    page.wait_for_selector(".cite-box pre")
    page.click("#filters-toggle")
    page.click("#export")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    close(p, site_url)


# -- citations out of the page ---------------------------------------------------------------------
def _download(p: Page, fmt: str) -> tuple[str, str]:
    if p.page.get_attribute("#export", "aria-expanded") != "true":
        p.page.click("#export")
    with p.page.expect_download() as info:
        p.page.click(f"#export-menu button[data-format='{fmt}']")
    d = info.value
    return d.suggested_filename, Path(d.path()).read_text(encoding="utf-8")


@pytest.mark.parametrize(("query", "args"), [
    ("?venue=CVPR&year=2021", ["--venue", "CVPR", "--year", "2021"]),
    ("?tag=object-detection", ["--tag", "object-detection"]),
    ("?q=detection&code=1", ["--query", "detection", "--code"]),
    ("", []),
])
def test_export_in_the_page_is_what_the_cli_writes(browser: Any, site_url: str, project: Path, query: str,
                                                    args: list[str]) -> None:
    p = open_page(browser, site_url, query)
    n = len(p.titles())
    assert p.page.inner_text("#export") == (f"Export these {n} papers" if n > 1 else "Export this paper")
    name, bib = _download(p, "bibtex")
    assert name.endswith(".bib")
    cli = run_cli(project, "export", *args)
    assert cli.returncode == 0, cli.stderr
    assert bib == cli.stdout
    lib = bibtexparser.parse_string(bib)
    assert lib.failed_blocks == [] and len(lib.entries) == n
    name, csl = _download(p, "csl-json")
    assert name.endswith(".json")
    assert csl == run_cli(project, "export", "--format", "csl-json", *args).stdout
    assert len(json.loads(csl)) == n
    assert "Saved" in p.page.inner_text("#export-status")
    # Escape closes the menu and gives focus back to its button.
    p.page.focus("#export-menu button[data-format='bibtex']")
    p.page.keyboard.press("Escape")
    assert p.page.get_attribute("#export", "aria-expanded") == "false" and not p.page.is_visible("#export-menu")
    assert p.page.evaluate("document.activeElement.id") == "export"
    close(p, site_url)


def test_cite_one_paper(browser: Any, site_url: str) -> None:
    p = open_page(browser, site_url, "?q=breaking")
    page = p.page
    btn = page.locator("#list button.cite").first
    assert btn.get_attribute("aria-expanded") == "false"
    # Nothing of the citation machinery loads before it is asked for.
    assert not any("cite.js" in u or "/data/c/" in u for u in p.requests)
    btn.click()
    page.wait_for_selector(".cite-box pre")
    assert btn.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.tagName") == "PRE"
    text = page.inner_text(".cite-box pre")
    (entry,) = bibtexparser.parse_string(text).entries
    assert entry.key == "cvpr2021/breaking-out" and entry["doi"] == "10.1109/CVPR.2021.00042"
    assert entry["title"] == export.bib_text(HOSTILE_BIB)
    with page.expect_download() as info:
        page.click(".cite-box button[data-format='bibtex']")
    assert info.value.suggested_filename == "cvpr2021-breaking-out.bib"
    btn.click()
    assert page.locator(".cite-box").count() == 0 and btn.get_attribute("aria-expanded") == "false"
    close(p, site_url)


SAMPLES = [
    "Plain title", "}", "{", "\\", "@comment{", "}\n@misc{evil, title={x}", "100% & $5 x_1 #2 ~ ^ <b>|",
    "x\u0000y\u001b[31m\u202e\u2028z", "  spaced\t\tout\u3000 ", "Müller 目标检测 Ωmega", "\ufeffbom\u00a0nbsp",
    "A and B", "emoji 😀 and \ud83d lone",
]


def test_js_citations_match_python(browser: Any, site_url: str) -> None:
    # The same rules on both sides, for the strings that could go wrong.
    papers = []
    for i, t in enumerate(SAMPLES):
        papers.append(Citable(key=f"cvpr2021/k{i % 4}" if i % 3 else f"eccv2020/ü{i},{{x}}", title=t,
                              authors=(t, "Kaiming He", "Tom and Jerry", "何恺明", "Li, Wei", "  "),
                              venue="CVPR" if i % 5 else "", venue_name="IEEE/CVF Conference" if i % 2 else "CVPR",
                              year=2000 + i, workshop=bool(i % 2),
                              arxiv="2103.01234" if i % 2 else None, doi=f"10.1/{t}" if i % 3 == 0 else None,
                              url=f"https://e.org/{t}" if i % 4 == 0 else None))
    p = open_page(browser, site_url)
    as_js = [{"key": c.key, "title": c.title, "authors": list(c.authors), "venue": c.venue, "venueName": c.venue_name,
              "year": c.year, "workshop": c.workshop, "arxiv": c.arxiv, "doi": c.doi, "url": c.url} for c in papers]
    # Lone surrogates cannot cross into the page through JSON-over-CDP intact; they are scrubbed anyway.
    got = p.page.evaluate(
        "async (ps) => { const c = await import(new URL('cite.js', document.baseURI).href);"
        " return [c.bibtex(ps), c.cslJson(ps)]; }", as_js)
    sent = p.page.evaluate("(ps) => ps.map(p => p.title)", as_js)
    papers = [Citable(**{**c.__dict__, "title": t}) for c, t in zip(papers, sent, strict=True)]
    assert got[0] == export.bibtex(papers)
    assert got[1] == export.csl_json(papers)
    close(p, site_url)


def test_the_feed_link_follows_one_chosen_topic(browser: Any, site_url: str) -> None:
    p = open_page(browser, site_url, "?tag=object-detection")
    assert p.page.get_attribute("#feed-link", "href") == "feeds/object-detection.xml"
    p.page.uncheck("#f-tag-object-detection")
    p.wait()
    assert p.page.get_attribute("#feed-link", "href") == "feeds/all.xml"
    close(p, site_url)


def test_first_load_fetches_no_citation_data(browser: Any, site_url: str) -> None:
    p = open_page(browser, site_url)
    assert not any(("/data/c/" in u or "cite.js" in u or "feeds/" in u or "trends" in u) for u in p.requests)
    close(p, site_url)
