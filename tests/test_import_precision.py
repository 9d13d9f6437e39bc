"""The precision guard: a numbered table of contents, emoji marker lines, badge lines, headings written
as links and bold sub-headings never become papers; markers annotate the entry above them.

The fixtures under tests/fixtures/import/precision/ are built the way real maintainers build their
lists (the 52CV style: a TOC table of ``[73.Name](#73)`` cells, ``<br>:open_mouth:oral:star:[code](…)``
under each title; shields.io badge rows; headings that link to a task page)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paperlist.checks.validate import validate
from paperlist.project.loader import discover, load_paper
from paperlist.project.vocab import Vocabulary
from paperlist.sources.importer import ImportSettings, parse_list, run_import
from paperlist.sources.importer.model import SourceEntry
from paperlist.sources.importer.precision import Headings, judge
from projectkit import REPO, make_project, run_cli

PRECISION = REPO / "tests" / "fixtures" / "import" / "precision"
FIFTY_TWO = PRECISION / "52cv-style-CVPR2021.md"
BADGES = PRECISION / "badges-and-heading-links.md"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def written(root: Path) -> dict[str, dict[str, Any]]:
    paths, _ = discover(root)
    return {load_paper(p, root).data["title"]: load_paper(p, root).data for p in paths}


def test_only_papers_become_files(project: Path) -> None:
    result = run_import(ImportSettings(project, [FIFTY_TWO], "CVPR", 2021))
    got = written(project)
    assert result.exit_code() == 0 and result.lost == []
    assert len(got) == 13 == len(result.added)
    # nothing titled by a shortcode run, a numbered TOC cell or a bold sub-heading
    assert not [t for t in got if ":" in t and t.startswith(":")]
    assert not [t for t in got if t[:1].isdigit()]
    assert "Point Cloud Registration" not in got
    assert validate(project).errors == 0


def test_marker_lines_annotate_the_entry_above(project: Path) -> None:
    run_import(ImportSettings(project, [FIFTY_TWO], "CVPR", 2021))
    got = written(project)
    sst = got["SSTVOS: Sparse Spatiotemporal Transformers for Video Object Segmentation"]
    assert sst["presentation"] == "oral" and sst["links"]["code"] == ["https://github.com/dukebw/SSTVOS"]
    play = got["Playable Video Generation"]  # :open_mouth:oral:star:[code]:house:[project]:tv:[video]
    assert play["presentation"] == "oral"
    assert play["links"]["code"] == ["https://github.com/willi-menapace/PlayableVideoGeneration"]
    assert play["links"]["project"] == "https://willi-menapace.github.io/playable-video-generation-website/"
    assert play["links"]["video"] == "https://www.youtube.com/watch?v=QtDjSyZERpg"
    # the marker on its own line, without <br>, belongs to the title above it too
    tracker = got["Transformer Meets Tracker: Exploiting Temporal Context for Robust Visual Tracking"]
    assert tracker["presentation"] == "oral"
    assert tracker["links"]["code"] == ["https://github.com/594422814/TransformerTrack"]
    # ":open_mouth:oral :star: :house:" on the line below
    assert got["Pre-Trained Image Processing Transformer"]["presentation"] == "oral"
    assert "presentation" not in got["Anchor-Free Person Search"]  # no marker, no oral
    assert got["Learning Position and Target Consistency for Memory-based Video Object Segmentation"][
        "presentation"] == "oral"  # ":open_mouth:oral" alone after <br>


def test_every_refused_entry_is_in_the_ledger_with_its_line() -> None:
    text = FIFTY_TWO.read_text(encoding="utf-8")
    out = parse_list(text, Vocabulary.load(REPO), source=FIFTY_TWO.name)
    refused = {u.line: u for u in out.unparsed if u.reason.startswith("not a paper")}
    lines = text.split("\n")
    assert sorted(refused) == [12, 13, 14, 55]
    for no, u in refused.items():
        status, why = out.ledger.why(no)
        assert status == "skipped" and why == u.reason
    assert "table-of-contents" in refused[12].reason and "73.Object Re-identification" in lines[11]
    assert "bold sub-heading" in refused[55].reason
    # the marker lines are fields of the entries above, not skipped and not structure
    for no in (21, 44, 48):
        assert out.ledger.why(no)[0] == "field", (no, lines[no - 1])
    assert out.ledger.unaccounted() == []


def test_badges_say_oral_and_badge_pictures_are_no_links(project: Path) -> None:
    result = run_import(ImportSettings(project, [BADGES], "ICCV", 2021))
    got = written(project)
    assert sorted(got) == ["Conditional DETR for Fast Training Convergence",
                           "Mip-NeRF: A Multiscale Representation for Anti-Aliasing Neural Radiance Fields",
                           "Segmenter: Transformer for Semantic Segmentation"]
    detr = got["Conditional DETR for Fast Training Convergence"]  # "### Title" then a badge row, an Oral badge
    assert detr["arxiv"] == "2108.06152" and detr["presentation"] == "oral"
    assert detr["links"]["code"] == ["https://github.com/Atten4Vis/ConditionalDETR"]
    mip = got["Mip-NeRF: A Multiscale Representation for Anti-Aliasing Neural Radiance Fields"]
    assert mip["presentation"] == "oral"
    assert mip["links"] == {"project": "https://jonbarron.info/mipnerf/"}  # not the shields.io picture
    assert "img.shields.io" not in json.dumps(got)
    assert "Code" not in got and result.lost == []  # "- **Code**": a label on its own is no title


def test_judge_rules_one_by_one() -> None:
    heads = Headings(["## 73.Object Re-identification", "# Scene Text Spotting #"])

    def entry(title: str, **kw: Any) -> SourceEntry:
        e = SourceEntry("x.md", 1, title=title)
        for k, v in kw.items():
            setattr(e, k, v)
        return e

    assert judge(entry(":open_mouth:oral:star::house", code=["https://github.com/a/b"]), "", heads)
    assert judge(entry("Code"), "- **Code**", heads)
    assert judge(entry("Spotlight"), "", heads)
    assert judge(entry("73.Object Re-identification"), "|[73.Object Re-identification](#73)|", heads)
    assert judge(entry("12. Point Clouds"), "12. Point Clouds", heads)
    assert judge(entry("Scene Text Spotting"), "- Scene Text Spotting", heads)
    # papers stay papers: a number and no link (the seed lists), a long bold title with field lines
    assert judge(entry("Deep Snake for Real-Time Instance Segmentation", numbered=True),
                 "**12.Deep Snake for Real-Time Instance Segmentation**", heads) is None
    assert judge(entry("Object Re-identification", arxiv="2103.11658"), "", heads) is None
    assert judge(entry("Semantic Prompt for Few-Shot Learning", lines=[1, 3, 4]),
                 "**Semantic Prompt for Few-Shot Learning**", heads) is None


def test_cli_lists_the_refused_entries(project: Path) -> None:
    res = run_cli(project, "import", str(FIFTY_TWO), "--venue", "CVPR", "--year", "2021", "--dry-run")
    assert res.returncode == 0, res.stderr
    assert "13 papers would be added" in res.stdout
    assert "52cv-style-CVPR2021.md:13: not a paper: a table-of-contents item" in res.stdout
