"""paperlist import: list variants -> paper files (synthetic fixtures, real files, real CLI)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paperlist.checks.validate import validate
from paperlist.project.loader import discover, load_paper
from paperlist.project.vocab import Vocabulary
from paperlist.sources.importer import import_list, parse_authors, parse_list
from projectkit import make_project, run_cli, tree_digest

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def papers(root: Path) -> dict[str, dict[str, Any]]:
    """arXiv id (or title when there is none) -> paper data, for every file under papers/."""
    out: dict[str, dict[str, Any]] = {}
    paths, _ = discover(root)
    for p in paths:
        pf = load_paper(p, root)
        assert pf.parsed, pf.findings
        data = dict(pf.data, _path=pf.rel)
        out[data.get("arxiv") or data["title"]] = data
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


@pytest.fixture
def variants(project: Path) -> tuple[Path, dict[str, dict[str, Any]]]:
    result = import_list(project, FIXTURES / "variants.md", "CVPR", 2031)
    assert result.added
    return project, papers(project)


def test_every_variant_becomes_one_paper(variants: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    root, got = variants
    assert set(got) == {
        "2101.00001", "2101.00002", "2101.00003", "2101.00004", "2101.00006", "2101.00007", "2101.00009",
        "A Tracker With No Links At All", "Plain Title Without Number For Flow",
    }
    report = validate(root)
    assert report.errors == 0, [f.message for f in report.findings]


def test_same_paper_twice_is_one_file_with_union(variants: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    _, got = variants
    p = got["2101.00001"]  # numbered list (v3 abs link) + [5] entry under another heading + a reading heading
    assert p["_path"] == "papers/cvpr2031/fast-widget-detection-with-sparse-queries.yaml"
    assert p["title"] == "Fast Widget Detection with Sparse Queries"
    assert p["title_zh"] == "快速小部件检测"
    assert p["tags"] == ["object-detection", "object-tracking"]
    assert p["links"]["code"] == ["https://github.com/example/widgets"]
    assert p["links"]["project"] == "https://example.org/widgets"
    assert p["links"]["readings"] == [{"title": "一篇解读：关于小部件", "url": "https://example.com/read/widgets-heading"}]


def test_bold_entry_categories_authors_and_bare_reading(variants: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    _, got = variants
    p = got["2101.00002"]  # pdf link with v2, inline （语义分割/三维）, affiliation digits, "and"
    assert p["tags"] == ["semantic-segmentation", "3d-vision"]
    assert p["authors"] == ["Alice Zhang", "Bob Li", "Carol Wu", "Dan Roe"]
    assert p["links"]["readings"] == [{"title": "论文解读", "url": "https://example.com/read/gadget"}]


def test_links_fixed_by_shape_and_labels(variants: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    _, got = variants
    p = got["2101.00003"]  # [paper](github…) mislabelled, ｜ separator, :star: emoji label, Colab, Oral section
    assert p["title_zh"] == "学习计数的像素"  # the leading 【计数】 is not part of the translation
    assert p["links"]["code"] == ["https://github.com/example/pixels"]
    assert p["links"]["other"] == [{"title": "Colab", "url": "https://colab.research.google.com/x"}]
    assert p["links"]["readings"] == [{"title": "像素计数解读", "url": "https://example.com/read/pixels"}]
    assert p["presentation"] == "oral"
    assert "track" not in p
    bullet = got["2101.00004"]  # "- [Title](arxiv) | [code](gitlab)": the link text is the title
    assert bullet["title"] == "Unlisted Depth from Single Photos"
    assert bullet["links"]["code"] == ["https://gitlab.com/example/depth"]
    assert got["2101.00006"]["title"] == "Odd Category Paper About Things"  # 论文链接：论文地址：url
    assert got["2101.00007"]["track"] == "workshop"


def test_entries_without_links_and_plain_titles(variants: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    _, got = variants
    bare = got["A Tracker With No Links At All"]  # bold, tabs, under a "* 目标跟踪" sub-heading, no link
    assert "links" not in bare and "arxiv" not in bare
    assert bare["tags"] == ["object-tracking"]
    plain = got["Plain Title Without Number For Flow"]  # unnumbered title, trailing spaces, bare URL line
    assert plain["title_zh"] == "光流的无编号标题"
    assert plain["links"] == {"code": ["https://github.com/example/flow"], "video": "https://youtube.com/watch?v=abc"}


def test_orphan_reading_and_prose(variants: tuple[Path, dict[str, dict[str, Any]]]) -> None:
    root, got = variants
    orphan = got["2101.00009"]
    assert orphan["title"] == "Orphan Reading About Invented Things"
    assert orphan["links"]["readings"][0]["url"] == "https://example.com/read/orphan"
    text = "".join(p.read_text(encoding="utf-8") for p in (root / "papers").rglob("*.yaml"))
    assert "prose" not in text and "write more tests" not in text


def test_unmapped_category_is_reported_with_its_line(project: Path) -> None:
    result = import_list(project, FIXTURES / "variants.md", "CVPR", 2031, dry_run=True)
    assert [(u.line, u.label) for u in result.unmapped] == [(33, "奇怪类别")]
    assert papers(project) == {}  # dry run
    odd = next(c for c in result.added if c.arxiv == "2101.00006")
    assert [n for _, n in odd.lines] == [33]


def test_article_style_headings_and_tag_lines(project: Path) -> None:
    result = import_list(project, FIXTURES / "article.txt", "CVPR", 2031)
    got = papers(project)
    assert set(got) == {"2102.00011", "2102.00012"}
    scene = got["2102.00011"]
    assert scene["title"] == "Imaginary Scene Understanding with Tiny Transformers"
    assert scene["links"]["code"] == ["https://github.com/example/tiny-scenes"]  # 项目链接 to a repo is code
    assert scene["links"]["project"] == "https://example.org/tiny-scenes/"
    assert scene["tags"] == ["panoptic-segmentation", "open-set"]
    gaze = got["2102.00012"]
    assert gaze["presentation"] == "oral" and gaze["tags"] == ["gaze-estimation"]  # 标签：CVPR 2031 Oral+视线估计
    # a link before any entry is not guessed at: the ledger names it as skipped navigation
    runs = {r.reason: r.ranges for r in result.sources[0].skipped}
    assert runs["links outside any entry (paper or code links)"] == [(3, 3)]


def test_numbered_with_tabs_and_cvf_pdf(project: Path) -> None:
    import_list(project, FIXTURES / "numbered.txt", "CVPR", 2031)
    got = papers(project)
    assert got["2103.00021"]["title"] == "Tab Separated Title About Boxes"
    cvf = got["Another Invented Title With Parenthesis Number"]
    assert cvf["links"]["paper"].startswith("https://openaccess.thecvf.com/")
    assert cvf["links"]["code"] == ["https://github.com/example/another"]


def test_import_twice_changes_nothing(project: Path) -> None:
    for name in ("variants.md", "article.txt", "numbered.txt"):
        import_list(project, FIXTURES / name, "CVPR", 2031)
    before = tree_digest(project)
    for name in ("variants.md", "article.txt", "numbered.txt"):
        again = import_list(project, FIXTURES / name, "CVPR", 2031)
        assert again.added == [] and again.merged == []
    assert tree_digest(project) == before


def test_parse_authors() -> None:
    assert parse_authors("Kai Han, Yunhe Wang, Qi Tian1") == ["Kai Han", "Yunhe Wang", "Qi Tian"]
    assert parse_authors("Juncheng Li, Xin Wang, Siliang Tang1 Haizhou Shi") == [
        "Juncheng Li", "Xin Wang", "Siliang Tang", "Haizhou Shi"]
    assert parse_authors("Heng Yang and Luca Carlone") == ["Heng Yang", "Luca Carlone"]
    assert parse_authors("Silvan Weder, Johannes Scho ̈nberger") == ["Silvan Weder", "Johannes Schönberger"]


def test_heading_that_is_a_category_is_not_a_paper() -> None:
    vocab = Vocabulary.load(Path(__file__).resolve().parents[1])
    out = parse_list("## 暂无分类\n\nSome Invented Uncategorised Paper(中文)<br>\n[paper](https://arxiv.org/abs/2104.00001)\n",
                     vocab)
    assert [(e.title, e.arxiv, e.tags) for e in out.entries] == [
        ("Some Invented Uncategorised Paper", "2104.00001", ["other"])]


# -- the command line -----------------------------------------------------------------------------


def test_cli_text_summary_and_json(project: Path) -> None:
    src = str(FIXTURES / "variants.md")
    dry = run_cli(project, "import", src, "--venue", "CVPR", "--year", "2031", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "9 papers would be added" in dry.stdout and "dry run: nothing written" in dry.stdout
    assert "'奇怪类别': 1 entries" in dry.stdout and "variants.md:33" in dry.stdout
    assert not list((project / "papers").rglob("*.yaml"))
    res = run_cli(project, "import", src, "--venue", "cvpr", "--year", "2031", "--format", "json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    meta = data["meta"]["import"]
    assert len(meta["added"]) == 9 and meta["venue"] == "CVPR"
    assert any(f["check"] == "import-category" and f["line"] == 33 for f in data["findings"])
    assert data["summary"]["errors"] == 0


def test_cli_bad_usage_exits_2(project: Path) -> None:
    res = run_cli(project, "import", str(FIXTURES / "variants.md"), "--venue", "NOPE", "--year", "2031")
    assert res.returncode == 2 and "unknown venue" in res.stderr
    assert "Traceback" not in res.stderr
    binary = project / "list.bin"
    binary.write_bytes(b"\xff\xfe\x00bad")
    res = run_cli(project, "import", str(binary), "--venue", "CVPR", "--year", "2031")
    assert res.returncode == 2 and "not UTF-8" in res.stderr


def test_more_variants_crlf_bom_one_line_entries(project: Path) -> None:
    result = import_list(project, FIXTURES / "more_variants.md", "CVPR", 2031)
    got = papers(project)
    assert set(got) == {"2105.00031", "Made-up Boundary Refinement Title", "2105.00033", "2105.00034", "2105.00035"}
    assert got["2105.00031"]["title"] == "Invented Masks for Everything"  # "- **Title** [paper](…) [code](…)"
    assert got["2105.00031"]["tags"] == ["instance-segmentation"]  # the #### heading, not the ## above it
    assert got["Made-up Boundary Refinement Title"]["links"] == {"paper": "https://example.org/boundary.pdf"}
    assert got["2105.00033"]["links"]["code"] == ["https://github.com/example/linked"]  # :fire: is no category
    assert got["2105.00034"]["title"] == "Bold Linked Invented Title"
    spaced = got["2105.00035"]  # "[7]  Title  And Tabs\t(CVPR 2031)" then "[ paper ](…) || [ code ](…)"
    assert spaced["title"] == "Title With Double Spaces And Tabs"
    assert spaced["links"]["code"] == ["https://github.com/example/spaces"]
    assert [(u.line, u.label) for u in result.unmapped] == [(12, "Other Things")]


@pytest.mark.timeout(60)
def test_hostile_lines_are_reported_not_slow(project: Path) -> None:
    """Runs of spaces, brackets and parentheses that make naive patterns quadratic, and a huge line."""
    n = 3900
    text = "".join([
        "**a" + " " * n + "x\n", "## a" + " " * n + "b\n", "[a](x" + " " * n + "\n", "[a](x" + "(" * n + "\n",
        "[1] " + "(a" * (n // 2) + "\n", "1. " + "Word " * 700 + "\n[paper](https://arxiv.org/abs/2101.00001)\n",
        "x" * 200_000 + "\n",
    ] * 20)
    src = project / "hostile.md"
    src.write_text(text, encoding="utf-8")
    result = import_list(project, src, "CVPR", 2031)
    reasons = {u.reason for u in result.unparsed}
    assert "line longer than 4000 characters" in reasons and "title longer than 300 characters" in reasons
    assert validate(project).errors == 0
