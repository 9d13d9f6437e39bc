"""The lossless importer: the line ledger, the id-recall guard, real list formats (fixtures cut from
the real lists), the newcomer cases, folders and mappings, the plan, and hostile input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from paperlist.checks.validate import validate
from paperlist.errors import StaleTarget
from paperlist.project import writer
from paperlist.project.loader import discover, load_paper
from paperlist.project.vocab import Vocabulary
from paperlist.sources.importer import ImportSettings, import_list, parse_list, run_import
from paperlist.sources.importer.emit import fast_text, plain_data
from paperlist.sources.importer.plan import Planner
from paperlist.sources.importer.recall import ids_by_line
from projectkit import REPO, SHARED, add_paper, make_project, run_cli, tree_digest

FIXTURES = REPO / "tests" / "fixtures" / "import"
ALL_FIXTURES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".md", ".txt"))
REAL = FIXTURES / "real"


def papers(root: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    paths, _ = discover(root)
    for p in paths:
        data = load_paper(p, root).data
        out[data.get("arxiv") or data["title"]] = data
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


# -- the ledger ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=[str(p.relative_to(FIXTURES)) for p in ALL_FIXTURES])
def test_ledger_accounts_for_every_nonblank_line(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig")
    out = parse_list(text, Vocabulary.load(REPO), source=path.name, markdown=path.suffix == ".md")
    ledger = out.ledger
    nonblank = [i for i, line in enumerate(text.split("\n"), 1) if line.strip()]
    assert ledger.unaccounted() == []
    assert sorted(n for n in ledger.marks if n in set(nonblank)) == nonblank
    assert sum(ledger.counts().values()) == len(nonblank)
    assert {status for status, _ in ledger.marks.values()} <= {"field", "structure", "skipped"}
    # a skipped line that holds a paper id is never silent: it is in the report with its line
    reported = {u.line for u in out.unparsed}
    for pid, line in ids_by_line(ledger.source_lines).items():
        status, why = ledger.why(line)
        if status == "skipped":
            assert line in reported or "comment" in why, (pid, line, why)


def test_skipped_runs_are_grouped_with_ranges_and_paper_counts() -> None:
    text = "# List\n\nsome prose\nmore prose\n\n<!--\n[x](https://arxiv.org/abs/2101.00001)\n-->\n"
    out = parse_list(text, Vocabulary.load(REPO))
    runs = {r.reason: r for r in out.ledger.skipped_runs()}
    assert runs["prose (not imported)"].ranges == [(3, 4)]
    hidden = runs["HTML comment (hidden in the list)"]
    assert hidden.ranges == [(6, 8)] and hidden.paper_ids == 1


# -- real formats (fixtures cut from the real lists) ----------------------------------------------------


REAL_LISTS = [("amusi-CVPR2021-cut.md", 2021, 29), ("amusi-CVPR2022-cut.md", 2022, 12),
              ("amusi-CVPR2023-cut.md", 2023, 17), ("extreme-assistant-CVPR2020-cut.md", 2020, 14),
              ("extreme-assistant-CVPR2021-cut.md", 2021, 39)]


@pytest.mark.parametrize(("name", "year", "entries"), REAL_LISTS, ids=[n for n, _, _ in REAL_LISTS])
def test_real_list_keeps_every_paper_id(project: Path, name: str, year: int, entries: int) -> None:
    result = run_import(ImportSettings(project, [REAL / name], "CVPR", year))
    src = result.sources[0]
    assert result.exit_code() == 0 and result.lost == []
    assert src.entries == entries and src.ids_in > 0 and src.ids_out == src.ids_in
    assert src.unaccounted == []
    assert validate(project).errors == 0


def test_amusi_bold_title_blocks(project: Path) -> None:
    run_import(ImportSettings(project, [REAL / "amusi-CVPR2021-cut.md"], "CVPR", 2021))
    got = papers(project)
    yolo = got["2011.08036"]  # "**1. Scaled-YOLOv4…**", "- 作者单位: …", "- Paper: …", "- 中文解读: [t](u)"
    assert yolo["title"] == "Scaled-YOLOv4: Scaling Cross Stage Partial Network"
    assert yolo["links"]["code"] == ["https://github.com/WongKinYiu/ScaledYOLOv4"]
    assert yolo["links"]["readings"][0]["url"].startswith("https://mp.weixin.qq.com/")
    dumped = json.dumps(got, ensure_ascii=False)
    assert "作者单位" not in dumped and "阿里巴巴" not in dumped
    assert got["2103.11402"]["title"].startswith("Instant-Teaching")  # the entry goes on after 作者单位
    orals = [p for p in got.values() if p.get("presentation") == "oral"]
    assert orals  # "- Paper(Oral): url"


def test_ryumin_tables_folder_with_a_commented_out_row(project: Path) -> None:
    folder = REAL / "ryumin-ICCV2023"
    result = run_import(ImportSettings(project, [folder], "ICCV", 2023))
    assert result.entries == 9 + 29 + 18
    # one row of the real file is inside <!-- -->: reported with its line, exit 1 without --accept-loss
    assert [(Path(lo.source).name, str(lo.pid)) for lo in result.lost] == [
        ("vision-and-language.md", "arXiv 2212.04385"), ("vision-and-language.md", "arXiv 2307.07397")]
    assert all("HTML comment" in lo.why for lo in result.lost)
    assert result.exit_code() == 1
    got = papers(project)
    gait = got["2303.05234"]
    assert gait["title"] == "GPGait: Generalized Pose-based Gait Recognition"
    assert gait["links"]["code"] == ["https://github.com/BNU-IVC/FastPoseGait"]
    assert gait["links"]["paper"].startswith("https://openaccess.thecvf.com/content/ICCV2023/papers/Fu_GPGait")
    assert gait["links"]["video"].startswith("https://www.youtube.com/")
    assert gait["tags"] == ["biometrics"]  # the section heading, through vocab/tags.yaml aliases
    flip = got["2309.16649"]
    assert flip["links"]["project"] == "https://koushiksrivats.github.io/FLIP/"  # a badge labelled "GitHub Page"
    no_arxiv = [p for p in got.values() if "arxiv" not in p]
    assert no_arxiv and all(p["links"]["paper"].startswith("https://openaccess.thecvf.com/") for p in no_arxiv)


def test_cli_folder_exit_codes_and_accept_loss(project: Path) -> None:
    folder = str(REAL / "ryumin-ICCV2023")
    res = run_cli(project, "import", folder, "--venue", "ICCV", "--year", "2023", "--dry-run")
    assert res.returncode == 1 and "LOST paper ids (2)" in res.stdout and "vision-and-language.md:" in res.stdout
    res = run_cli(project, "import", folder, "--venue", "ICCV", "--year", "2023", "--accept-loss", "--format", "json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    lost = [f for f in data["findings"] if f["check"] == "import-recall"]
    assert len(lost) == 2 and all(f["severity"] == "warning" and f["line"] > 0 for f in lost)
    assert len(data["meta"]["import"]["sources"]) == 3


# -- the newcomer cases ----------------------------------------------------------------------------------


def test_newcomer_cases(project: Path) -> None:
    result = import_list(project, FIXTURES / "newcomer.md", "CVPR", 2031)
    assert result.lost == [] and result.sources[0].skipped == []
    got = papers(project)
    # a "# 目录" table of contents does not switch the parser off for the rest of the file
    assert got["2101.10001"]["tags"] == ["object-detection"]
    assert got["2101.10002"]["links"]["code"] == ["https://github.com/example/anchors"]
    # a Markdown table, links inside badge images
    assert got["2101.10003"]["links"]["code"] == ["https://github.com/example/seg"]
    refiner = got["Invented Mask Refiner"]
    assert refiner["presentation"] == "oral" and refiner["links"]["paper"].endswith("_paper.pdf")
    # "- **Title** 代码：url1, url2": two code links, not one with a comma
    assert got["Invented Chinese Style Entry"]["links"]["code"] == [
        "https://github.com/example/one", "https://github.com/example/two"]
    # a link after <br> on the title's line
    assert got["2101.10004"]["title"] == "Invented Title Before A Break"
    # "(Oral)" becomes presentation, not part of the title
    assert got["2101.10005"]["title"] == "Invented Oral Paper About Things"
    assert got["2101.10005"]["presentation"] == "oral"
    # link text that merely contains "video" is a title, and its arXiv id stays with it
    assert got["2101.10006"]["title"] == "Invented Numbered Entry About Frames" and "links" not in got["2101.10006"]
    assert got["2101.10007"]["title"] == "Video Swin Invented Transformer"
    status = {n: s for n, (s, _) in result.sources and parse_list(
        (FIXTURES / "newcomer.md").read_text(encoding="utf-8"), Vocabulary.load(REPO)).ledger.marks.items()}
    assert status[4] == status[5] == "structure"  # the table of contents


def test_empty_result_is_always_an_error(project: Path) -> None:
    src = project / "notes.md"
    src.write_text("# My notes\n\nNothing but prose here.\nAnd more prose.\n", encoding="utf-8")
    res = run_cli(project, "import", str(src), "--venue", "CVPR", "--year", "2031", "--accept-loss")
    assert res.returncode == 1 and "no entry found in" in res.stdout


def test_mapping_file_and_unmapped_report(project: Path) -> None:
    src = project / "list.md"
    src.write_text("## Weird Topic\n\n- [Invented Weird Topic Paper](https://arxiv.org/abs/2101.20001)\n"
                   "- [Another Invented Weird Paper](https://arxiv.org/abs/2101.20002)\n", encoding="utf-8")
    dry = run_import(ImportSettings(project, [src], "CVPR", 2031, dry_run=True))
    assert [(u.label, u.count, u.line) for u in dry.unmapped] == [("Weird Topic", 2, 1)]
    assert dry.unmapped[0].examples == ["Invented Weird Topic Paper", "Another Invented Weird Paper"]
    mapping = project / "map.yaml"
    mapping.write_text("Weird Topic: 目标检测\n", encoding="utf-8")
    result = run_import(ImportSettings(project, [src], "CVPR", 2031, mapping=mapping))
    assert result.unmapped == [] and papers(project)["2101.20001"]["tags"] == ["object-detection"]
    mapping.write_text("Weird Topic: no-such-tag\n", encoding="utf-8")
    res = run_cli(project, "import", str(src), "--venue", "CVPR", "--year", "2031", "--map", str(mapping))
    assert res.returncode == 2 and "not a tag" in res.stderr


# -- plan and apply ---------------------------------------------------------------------------------------


def test_dry_run_and_real_run_share_one_plan(project: Path) -> None:
    dry = import_list(project, FIXTURES / "newcomer.md", "CVPR", 2031, dry_run=True)
    assert papers(project) == {}
    real = import_list(project, FIXTURES / "newcomer.md", "CVPR", 2031)
    assert [w.rel for w in dry.added] == [w.rel for w in real.added]
    assert sorted(p.name for p in (project / "papers" / "cvpr2031").iterdir()) == sorted(
        Path(w.rel).name for w in real.added)


def test_apply_refuses_a_plan_whose_target_changed(project: Path) -> None:
    add_paper(project, "Invented Detector For Tiny Boxes", year=2031, arxiv="2101.10001")
    planner = Planner(project, "CVPR", 2031)
    from paperlist.sources.importer.group import group_entries

    out = parse_list((FIXTURES / "newcomer.md").read_text(encoding="utf-8"), Vocabulary.load(REPO))
    groups, _ = group_entries(out.entries, "CVPR", 2031)
    for g in groups:
        planner.add_group(g)
    plan = planner.plan
    assert plan.merged and plan.added
    target = project / plan.merged[0].rel
    target.write_text(target.read_text(encoding="utf-8") + "# edited meanwhile\n", encoding="utf-8")
    before = tree_digest(project)
    with pytest.raises(StaleTarget, match="changed since"):
        plan.write_plan(project).apply()
    assert tree_digest(project) == before


def test_fast_emitter_matches_ruamel(project: Path) -> None:
    samples = [
        {"title": "GPGait: Generalized Pose-based Gait Recognition", "title_zh": "步态", "authors": ["A B", "C D"],
         "venue": "ICCV", "year": 2023, "presentation": "oral", "arxiv": "2303.05234",
         "links": {"paper": "https://x.org/a.pdf", "code": ["https://github.com/a/b"], "project": None,
                   "video": "https://youtu.be/x", "readings": [{"title": "解读: x", "url": "https://zhihu.com/p"}],
                   "other": [{"title": "arXiv", "url": "https://arxiv.org/abs/2101.00001"}]},
         "tags": ["biometrics"]},
        {"title": "Everything's Talkin': Pareidolia", "venue": "CVPR", "year": 2020, "links": {}, "tags": ["other"]},
        {"title": "- yes: #no", "venue": "CVPR", "year": 2020, "links": {}, "tags": ["other"]},
        {"title": "true", "venue": "CVPR", "year": 2020, "links": {}, "tags": ["other"]},
        {"title": 'Say "Hi" \\ there', "venue": "CVPR", "year": 2020, "links": {}, "tags": ["other"]},
    ]
    fast_used = 0
    for paper in samples:
        ruamel = writer.dump(writer.build(paper))
        fast = fast_text(paper)
        # The planner's rule: the fast text is used only when it reads back as the same data.
        if fast is not None and yaml.safe_load(fast) == plain_data(paper):
            fast_used += 1
            assert fast == ruamel, paper
        assert yaml.safe_load(ruamel)["title"] == paper["title"]
    assert fast_used >= 4  # the bare "true" title is the one the fast writer must not be trusted with


# -- hostile input -------------------------------------------------------------------------------------


HOSTILE = {
    "long-line.md": "# L\n\n" + "x" * 100_000 + " https://arxiv.org/abs/2101.30001\n\n"
                    "- [Invented Fine Paper Title](https://arxiv.org/abs/2101.30002)\n",
    "scripts.md": "<script>alert(1)</script>\n<div onclick=\"x()\">\n<img src=x onerror=alert(1)>\n</div>\n\n"
                  "- [Invented <script>alert(1)</script> **Bold** Title](https://arxiv.org/abs/2101.30003)\n"
                  "- [Invented Title](javascript:alert(1)) | [code](https://github.com/a/b)\n",
    "wide-table.md": "| Title | " + " | ".join(f"c{i}" for i in range(500)) + " |\n|" + "---|" * 501 + "\n"
                     "| Invented Wide Table Paper | " + " | ".join("[x](https://arxiv.org/abs/2101.30004)"
                                                               for _ in range(500)) + " |\n",
    "nested.md": "".join("  " * i + "- level\n" for i in range(3000)) + "> " * 500 + "deep\n"
                 "- [Invented Nested Paper Title](https://arxiv.org/abs/2101.30005)\n",
    "injection.md": "- [Invented](https://arxiv.org/abs/2101.30006) title](https://evil.example/) ``` ]]]]\n"
                    "- **Invented \u202eEvil\u202c Title** [paper](https://arxiv.org/abs/2101.30007)\n",
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_lists(project: Path, name: str) -> None:
    keep = add_paper(project, "An Existing Hand Made Paper", year=2031, arxiv="2101.30002")
    original = keep.read_bytes()
    src = project / name
    src.write_text(HOSTILE[name], encoding="utf-8")
    res = run_cli(project, "import", str(src), "--venue", "CVPR", "--year", "2031", "--format", "json",
                  "--accept-loss")
    assert "Traceback" not in res.stderr and res.returncode in (0, 1), res.stderr
    data = json.loads(res.stdout)
    assert validate(project).errors == 0
    assert keep.read_bytes()[:len(original)] == original  # only ever added to
    for f in data["findings"]:
        assert f["line"] is None or f["line"] >= 1
    if name == "long-line.md":
        assert any(f["line"] == 3 and "longer than" in f["message"] for f in data["findings"])
    if name == "injection.md":
        bidi = [f for f in data["findings"] if f["line"] == 2]
        assert bidi and "U+202E" in json.dumps(bidi)
        text = "".join(p.read_text(encoding="utf-8") for p in (project / "papers").rglob("*.yaml"))
        assert "\u202e" not in text
    if name == "scripts.md":
        text = "".join(p.read_text(encoding="utf-8") for p in (project / "papers").rglob("*.yaml"))
        assert "javascript:" not in text


def test_huge_and_binary_files_are_refused_with_exit_2(project: Path) -> None:
    before = tree_digest(project)
    big = project.parent / "big.md"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    res = run_cli(project, "import", str(big), "--venue", "CVPR", "--year", "2031")
    assert res.returncode == 2 and "larger than" in res.stderr and "Traceback" not in res.stderr
    binary = project.parent / "bin.md"
    binary.write_bytes(b"- [Invented Title](https://arxiv.org/abs/2101.00001)\n\x00\x01\x02 bytes\n")
    res = run_cli(project, "import", str(binary), "--venue", "CVPR", "--year", "2031")
    assert res.returncode == 2 and ":2: binary data" in res.stderr
    assert tree_digest(project) == before


# -- the corpus (../shared, not in CI) -------------------------------------------------------------------


CORPUS = SHARED / "corpus"
CORPUS_LISTS = [("extreme-assistant-CVPR2020.md", "CVPR", 2020), ("extreme-assistant-CVPR2021.md", "CVPR", 2021),
                ("amusi-CVPR2021.md", "CVPR", 2021), ("amusi-CVPR2022.md", "CVPR", 2022),
                ("amusi-CVPR2023.md", "CVPR", 2023), ("ryumin-ICCV2023", "ICCV", 2023)]


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus absent")
@pytest.mark.parametrize(("name", "venue", "year"), CORPUS_LISTS, ids=[n for n, _, _ in CORPUS_LISTS])
def test_every_corpus_list_recall_or_reported(project: Path, name: str, venue: str, year: int) -> None:
    result = run_import(ImportSettings(project, [CORPUS / name], venue, year, dry_run=True))
    assert result.entries > 100
    for src in result.sources:
        assert src.unaccounted == []
        misses = [lo for lo in result.lost if lo.source == src.source]
        assert src.ids_out + len(misses) == src.ids_in
        assert all(lo.line >= 1 and lo.why for lo in misses)
    # the only ids not imported are the rows the ICCV list comments out, and amusi 2023's one
    # entry that has no title (VoxFormer: only its category heading stands above its links)
    untitled = [lo for lo in result.lost if "HTML comment" not in lo.why]
    assert [(name, lo.line) for lo in untitled] == ([(name, 734)] if name == "amusi-CVPR2023.md" else [])
    assert all("outside any entry" in lo.why for lo in untitled), [lo.why for lo in untitled]


def test_a_heading_named_in_the_table_of_contents_is_a_category_not_a_title(project: Path) -> None:
    """amusi-style lists: an entry with no bold title under an unmapped category heading must not
    take the heading as its title; the id is reported as left out instead."""
    src = project / "toc.md"
    src.write_text(
        "# Contents\n\n- [Invented Scene Completion Topic](#isc)\n\n<a name=\"isc\"></a>\n\n"
        "# Invented Scene Completion Topic\n\n- Paper: https://arxiv.org/abs/2302.99901\n- Code: https://github.com/x/y\n\n"
        "**A Real Invented Paper Title**\n\n- Paper: https://arxiv.org/abs/2302.99902\n",
        encoding="utf-8")
    res = run_cli(project, "import", str(src), "--venue", "CVPR", "--year", "2031", "--format", "json")
    got = papers(project)
    titles = {p["title"] for p in got.values()}
    assert "Invented Scene Completion Topic" not in titles
    assert "A Real Invented Paper Title" in titles
    assert res.returncode == 1 and "2302.99901" in res.stdout  # the untitled entry's id: reported, not invented
