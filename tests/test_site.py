"""``paperlist site``: the data it writes, and the page in a real browser.

The browser tests build the site from a small list, serve it on loopback under a sub-path
(/paperlist/, as GitHub Pages serves a project) and drive Debian's Chromium with Playwright:
typing, facets, shared URLs, the back button, permalinks, the language switch, a hostile
title, and no request leaving loopback. Without Chromium they skip on a developer's machine
and FAIL in CI (CI=true), where .ci/run installs it: a browser test that silently does not run
is not a test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from paperlist.cli import main
from paperlist.output.site import data, tokens
from support.sitebrowser import guard, serve

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "<img src=x onerror=\"document.title='pwned'\"> & <script>window.pwned=1</script>"

PAPERS = {
    "papers/cvpr2021/fast-object-detection.yaml": """\
title: Fast Object Detection with Sparse Queries
title_zh: 基于稀疏查询的快速目标检测
authors: [Kaiming He, Ross Girshick]
venue: CVPR
year: 2021
presentation: oral
arxiv: "2103.01234"
links:
  code: ["https://github.com/example/fast-det"]
  project: "https://example.org/fast-det"
  other:
    - title: Slides
      url: "https://example.org/slides.pdf"
tags: [object-detection]
""",
    "papers/cvpr2020/video-object-detection-memory.yaml": """\
title: Video Object Detection with Memory
title_zh: 基于记忆的视频目标检测
authors: [Jane Müller]
venue: CVPR
year: 2020
arxiv: "2002.04321"
tags: [video-object-detection]
""",
    "papers/iccv2021/semantic-segmentation-transformers.yaml": """\
title: Semantic Segmentation with Transformers
title_zh: 使用 Transformer 的语义分割
authors: [Li Wei, Zhang San]
venue: ICCV
year: 2021
links:
  code: ["https://github.com/example/segformer"]
tags: [semantic-segmentation]
""",
    "papers/cvpr2020/detection-in-the-dark.yaml": """\
title: Object Detection in the Dark
authors: [Ross Girshick]
venue: CVPR
year: 2020
presentation: oral
tags: [object-detection, low-light-enhancement]
""",
    "papers/iccv2021/img-src-x-onerror.yaml": f"title: {json.dumps(HOSTILE)}\nvenue: ICCV\nyear: 2021\n"
                                              "links:\n  paper: \"https://example.org/p.pdf\"\ntags: [other]\n",
    "papers/cvpr2021/depth-from-a-single-image.yaml": """\
title: Depth from a Single Image
venue: CVPR
year: 2021
tags: [depth-estimation]
suggested_tags: [depth-estimation]
""",
}


def make_project(path: Path, papers: dict[str, str] = PAPERS) -> Path:
    for d in ("schema", "vocab"):
        shutil.copytree(ROOT / d, path / d)
    for rel, text in papers.items():
        p = path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return path


def build(project: Path, out: Path) -> Any:
    return CliRunner().invoke(main, ["--root", str(project), "site", "--out", str(out)])


# -- the data and the command ----------------------------------------------------------------------
def test_site_builds_data_the_page_reads(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    result = build(project, tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert "6 papers" in result.output
    site = tmp_path / "site"
    meta = json.loads((site / "data/meta.json").read_text(encoding="utf-8"))
    assert meta["count"] == 6 and [v["id"] for v in meta["venues"]] == ["CVPR", "ICCV"]
    assert meta["years"] == [2021, 2020]
    facets = json.loads((site / "data/facets.json").read_text(encoding="utf-8"))
    assert sum(facets["code"]) == 2 and sum(1 for p in facets["pres"] if p) == 2
    records = json.loads((site / "data/p/0.json").read_text(encoding="utf-8"))
    assert records[0][1] in {"Fast Object Detection with Sparse Queries", "Depth from a Single Image"}
    index: dict[str, str] = {}
    for shard in sorted((site / "data/i").glob("*.json")):
        index.update(json.loads(shard.read_text(encoding="utf-8")))
    for token in ("detection", "目标", "检测", "2103.01234", "muller", "girshick"):
        assert token in index, token
    # Two papers by Ross Girshick: two postings (a posting ends with a character from the upper half).
    assert sum(data.VARINT_ALPHABET.index(c) >= 32 for c in index["girshick"]) == 2
    for name in ("index.html", "app.js", "search.js", "tokens.js", "site.css", ".nojekyll"):
        assert (site / name).is_file(), name
    # Paper text is JSON data, never part of the HTML.
    assert "onerror" not in (site / "index.html").read_text(encoding="utf-8")


def test_site_is_deterministic_and_rebuilds_over_itself(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert build(project, tmp_path / "a").exit_code == 0
    assert build(project, tmp_path / "a").exit_code == 0  # its own output is replaced
    assert build(project, tmp_path / "b").exit_code == 0
    files_a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    files_b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert files_a == files_b


def test_site_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    precious = tmp_path / "docs"
    precious.mkdir()
    (precious / "notes.md").write_text("keep me", encoding="utf-8")
    result = build(project, precious)
    assert result.exit_code == 2 and "not empty" in result.output
    assert (precious / "notes.md").read_text(encoding="utf-8") == "keep me"
    inside = build(project, project / "papers" / "site")
    assert inside.exit_code == 2 and "papers/" in inside.output
    assert build(project, project).exit_code == 2


def test_site_reports_papers_it_cannot_show(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {**PAPERS, "papers/cvpr2021/broken.yaml": "title: [\n"})
    result = build(project, tmp_path / "site")
    assert result.exit_code == 0
    assert "papers/cvpr2021/broken.yaml: warning [site]" in result.output
    assert json.loads((tmp_path / "site/data/meta.json").read_text(encoding="utf-8"))["count"] == 6


def test_varints_round_trip() -> None:
    values = [0, 1, 31, 32, 33, 1023, 1024, 16 * 100_000 + 15, 2**31 - 1]
    text = data.varints(values)
    decoded, v, shift = [], 0, 0
    for ch in text:
        digit = data.VARINT_ALPHABET.index(ch)
        v |= (digit % 32) << shift
        shift += 5
        if digit >= 32:
            decoded.append(v)
            v, shift = 0, 0
    assert decoded == values


def test_python_tokenizer() -> None:
    assert list(tokens.tokens("Self-Supervised Müller 2103.01234 目标检测")) == [
        "self", "supervised", "muller", "2103.01234", "目标", "标检", "检测"]
    assert list(tokens.tokens("YOLO v2: 实时检测")) == ["yolo", "v2", "实时", "时检", "检测"]
    assert tokens.shard_key("检测") == "检" and tokens.shard_key("detection") == "de"


# -- in the browser ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("site")
    project = make_project(tmp / "p")
    result = build(project, tmp / "site")
    assert result.exit_code == 0, result.output
    with serve(tmp / "site") as url:
        yield url



class Page:
    """A page on the built site, with every request recorded and page errors collected."""

    def __init__(self, browser: Any, url: str, *, locale: str = "en-US") -> None:
        self.context = browser.new_context(locale=locale)
        self.requests = guard(self.context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        self.base = url

    def open(self, query: str = "") -> None:
        self.page.goto(self.base + query)
        self.wait()

    def wait(self, q: str | None = None) -> None:
        sel = "#results[aria-busy=false]" + (f'[data-query="{q}"]' if q is not None else "[data-query]")
        self.page.wait_for_selector(sel)

    def titles(self) -> list[str]:
        return [t.strip() for t in self.page.locator("#list h3").all_inner_texts()]

    def type(self, text: str) -> None:
        self.page.fill("#q", "")
        self.page.click("#q")
        self.page.keyboard.type(text)
        self.wait(text)

    def count(self) -> str:
        return self.page.inner_text("#count")


@pytest.fixture
def page(browser: Any, site_url: str) -> Iterator[Page]:
    p = Page(browser, site_url)
    yield p
    assert p.errors == [], p.errors
    assert p.requests and all(u.startswith(site_url) for u in p.requests), p.requests
    p.context.close()


def test_first_view_lists_everything_with_facet_counts(page: Page) -> None:
    page.open()
    assert page.count() == "6 papers"
    assert page.page.inner_text("label[for='f-venue-CVPR']").endswith("(4)")
    assert page.page.inner_text("label[for='f-code-1']") == "Has code (2)"
    assert page.page.get_attribute("#count", "aria-live") == "polite"
    assert page.page.get_attribute("#q", "type") == "search"
    assert page.page.locator("label[for=q]").inner_text() == "Search papers"


def test_typing_searches_ranks_and_highlights(page: Page) -> None:
    page.open()
    page.type("object detect")
    titles = page.titles()
    assert set(titles) >= {"Fast Object Detection with Sparse Queries", "Object Detection in the Dark",
                           "Video Object Detection with Memory"}
    assert "Depth from a Single Image" not in titles
    marks = page.page.locator("#list h3 mark").all_inner_texts()
    assert "Object" in marks and "Detection" in marks
    page.type("girshick")  # authors
    assert set(page.titles()) == {"Fast Object Detection with Sparse Queries", "Object Detection in the Dark"}
    page.type("Muller")  # diacritics folded
    assert page.titles() == ["Video Object Detection with Memory"]
    assert page.page.locator("#list .authors mark").inner_text() == "Müller"
    page.type("2103.012")  # an arXiv id, while typing
    assert page.titles() == ["Fast Object Detection with Sparse Queries"]


def test_chinese_query_finds_topic_and_chinese_titles(page: Page) -> None:
    page.open()
    page.type("目标检测")
    titles = page.titles()
    # The topic 目标检测 (its own papers and its sub-topic 视频目标检测) and Chinese titles with it.
    assert set(titles) == {"Fast Object Detection with Sparse Queries", "Object Detection in the Dark",
                           "Video Object Detection with Memory"}
    assert "目标检测" in page.page.locator("#list .title-zh mark").all_inner_texts()
    page.type("语义分割")
    assert page.titles() == ["Semantic Segmentation with Transformers"]


def test_facets_filter_count_and_live_in_the_url(page: Page, site_url: str) -> None:
    page.open()
    page.page.check("#f-year-2021")
    page.wait()
    assert page.count() == "4 of 6 papers"
    assert "year=2021" in page.page.url
    page.page.check("#f-code-1")
    page.wait()
    assert page.count() == "2 of 6 papers" and "code=1" in page.page.url
    # Counts answer "what if I also chose this": venue counts under year=2021 and code=1.
    assert page.page.inner_text("label[for='f-venue-ICCV']").endswith("(1)")
    shared = page.page.url
    # A shared URL shows the same view in a fresh page.
    other = Page(page.page.context.browser, site_url)
    other.page.goto(shared)
    other.wait()
    assert other.count() == "2 of 6 papers"
    assert other.page.is_checked("#f-year-2021") and other.page.is_checked("#f-code-1")
    other.context.close()
    # Back undoes one step at a time.
    page.page.go_back()
    page.wait()
    assert page.count() == "4 of 6 papers" and not page.page.is_checked("#f-code-1")
    page.page.go_back()
    page.wait()
    assert page.count() == "6 papers"


def test_one_topic_across_years_in_one_click(page: Page) -> None:
    page.open("?year=2021&q=fast")
    page.page.locator("#list a.tag[data-tag='object-detection']").first.click()
    page.wait("")
    assert page.page.url.endswith("?tag=object-detection")
    assert set(page.titles()) == {"Fast Object Detection with Sparse Queries", "Object Detection in the Dark"}
    assert page.page.is_checked("#f-tag-object-detection") and not page.page.is_checked("#f-year-2021")


def test_a_suggested_topic_is_drawn_as_suggested(page: Page) -> None:
    page.open("?q=depth")
    chip = page.page.locator("#list a.tag[data-tag='depth-estimation']").first
    assert chip.get_attribute("class") == "tag suggested"
    assert "not yet confirmed" in (chip.get_attribute("title") or "")
    assert page.page.evaluate("(el) => getComputedStyle(el).borderStyle", chip.element_handle()) == "dashed"
    page.open("?q=fast")
    assert page.page.locator("#list a.tag[data-tag='object-detection']").first.get_attribute("class") == "tag"


def test_query_in_url_reload_and_back(page: Page) -> None:
    page.open("?q=transformers&venue=ICCV")
    assert page.page.input_value("#q") == "transformers"
    assert page.titles() == ["Semantic Segmentation with Transformers"]
    page.page.reload()
    page.wait("transformers")
    assert page.titles() == ["Semantic Segmentation with Transformers"]
    page.type("depth")
    assert "q=depth" in page.page.url
    page.page.go_back()
    page.wait("transformers")
    assert page.page.input_value("#q") == "transformers"


def test_hostile_title_is_text(page: Page) -> None:
    page.open("?q=img")
    h3 = page.page.locator("#list h3").first
    assert h3.inner_text() == HOSTILE
    assert page.page.locator("#list img, #list script").count() == 0
    assert page.page.title() != "pwned" and page.page.evaluate("window.pwned") is None
    # The paper's own link is still a link; nothing but http(s) ever becomes one.
    hrefs = page.page.locator("#list a.ext").evaluate_all("els => els.map(e => e.href)")
    assert hrefs == ["https://example.org/p.pdf"]


def test_permalink_opens_the_paper_with_its_links(page: Page) -> None:
    page.open("#cvpr2021/fast-object-detection")
    page.page.wait_for_selector("#linked:not([hidden]) article")
    panel = page.page.locator("#linked article")
    assert panel.get_attribute("id") == "cvpr2021/fast-object-detection"
    assert "Fast Object Detection with Sparse Queries" in panel.inner_text()
    hrefs = panel.locator("a.ext").evaluate_all("els => els.map(e => e.href)")
    assert hrefs == ["https://arxiv.org/abs/2103.01234", "https://github.com/example/fast-det",
                     "https://example.org/fast-det", "https://example.org/slides.pdf"]
    assert panel.locator("a.ext", has_text="Slides").count() == 1
    page.open("#cvpr2021/no-such-paper")
    page.page.wait_for_selector("#linked:not([hidden])")
    assert "No paper has this link" in page.page.inner_text("#linked")


def test_language_switch_is_remembered(page: Page) -> None:
    page.open()
    page.page.click("#lang")
    page.wait()
    assert page.page.inner_text("label[for=q]") == "搜索论文"
    assert page.count() == "共 6 篇论文"
    assert page.page.evaluate("document.documentElement.lang") == "zh-CN"
    page.page.reload()
    page.wait()
    assert page.page.inner_text("label[for=q]") == "搜索论文"
    page.page.click("#lang")
    page.wait()
    assert page.count() == "6 papers"


def test_keyboard_only(page: Page) -> None:
    page.open()
    page.page.keyboard.press("/")
    assert page.page.evaluate("document.activeElement.id") == "q"
    page.page.keyboard.type("segmentation")
    page.wait("segmentation")
    assert page.titles() == ["Semantic Segmentation with Transformers"]
    # Tab reaches the first filter, Space chooses it.
    focused = ""
    for _ in range(40):
        page.page.keyboard.press("Tab")
        focused = page.page.evaluate("document.activeElement.id")
        if focused.startswith("f-"):
            break
    assert focused == "f-venue-ICCV", focused
    page.page.keyboard.press("Space")
    page.wait("segmentation")
    assert "venue=ICCV" in page.page.url


def test_js_tokenizer_matches_python(page: Page) -> None:
    page.open()
    samples = ["Self-Supervised Müller 2103.01234 目标检测", "YOLOv4: Ｆｕｌｌ-width 全角 ＡＢＣ", "Ünïcödé café naïve",
               "カタカナ と 한국어 text", "x_y 3.14 2020.1234 v1.2.3", "Łódź Straße ΑΒΓ Ωmega"]
    js = page.page.evaluate(
        "async (xs) => { const t = await import(new URL('tokens.js', document.baseURI).href);"
        " return xs.map(x => [t.tokens(x), t.tokens(x).map(k => t.shardOf(k, 7))]); }", samples)
    for text, (toks, shards) in zip(samples, js, strict=True):
        assert toks == list(tokens.tokens(text)), text
        assert shards == [tokens.shard_of(k, 7) for k in toks], text


def test_no_request_leaves_loopback_even_when_data_asks(browser: Any, tmp_path: Path) -> None:
    # A paper whose links point elsewhere: rendering them must not fetch them.
    project = make_project(tmp_path / "p")
    assert build(project, tmp_path / "site").exit_code == 0
    with serve(tmp_path / "site") as url:
        p = Page(browser, url)
        p.open("?q=fast")
        p.page.click("#more", timeout=500, trial=True) if p.page.is_visible("#more") else None
        assert all(u.startswith(url) for u in p.requests), p.requests
        assert p.errors == []
        p.context.close()


def test_a_missing_index_shard_is_reported_not_hung(browser: Any, tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert build(project, tmp_path / "site").exit_code == 0
    for shard in (tmp_path / "site/data/i").glob("*.json"):
        shard.unlink()  # a half-deployed site
    with serve(tmp_path / "site") as url:
        p = Page(browser, url)
        p.open()
        p.page.fill("#q", "detection")
        p.page.wait_for_selector("#results[aria-busy=false]")
        for _ in range(50):
            if "could not be loaded" in p.count():
                break
            p.page.wait_for_timeout(100)
        assert "could not be loaded" in p.count()
        p.context.close()


def test_pages_workflow_builds_the_site(tmp_path: Path) -> None:
    import yaml

    wf = yaml.safe_load((ROOT / ".github/workflows/reusable-pages.yml").read_text(encoding="utf-8"))
    build_job = wf["jobs"]["build"]
    (step,) = [s for s in build_job["steps"] if s.get("id") == "site"]
    project = make_project(tmp_path / "p")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=project,
                          env=env, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    upload = [s for s in build_job["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert (project / upload[0]["with"]["path"] / "data/meta.json").is_file()
    assert wf["permissions"] == {} and build_job["permissions"] == {"contents": "read"}
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
