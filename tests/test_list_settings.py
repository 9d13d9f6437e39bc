"""paperlist.yaml decides what the list is: an English-only list without venues works end to end,
and bad settings are findings with file and line (exit 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support.prrepo import git

TOPIC_LIST = """\
title: {en: Awesome Optical Flow}
languages: [en]
venues: []
fields: {required: [authors]}
"""
PAPER = ('title: "RAFT: Recurrent All-Pairs Field Transforms for Optical Flow"\nauthors: [Zachary Teed, Jia Deng]\n'
         'year: 2020\narxiv: "2003.12039"\ntags: [optical-flow]\n')
PAPER_PATH = "papers/2020/raft-recurrent-all-pairs-field-transforms-for-optical-flow.yaml"
README = "# Awesome Optical Flow\n\n<!-- paperlist:begin -->\n<!-- paperlist:end -->\n"


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paperlist", "--root", str(root), *args], capture_output=True,
                          text=True, check=False, timeout=120)


def topic_list(root: Path, settings: str = TOPIC_LIST) -> Path:
    (root / PAPER_PATH).parent.mkdir(parents=True)
    (root / "paperlist.yaml").write_text(settings, encoding="utf-8")
    (root / PAPER_PATH).write_text(PAPER, encoding="utf-8")
    (root / "README.md").write_text(README, encoding="utf-8")
    return root


def test_english_only_list_without_venues_end_to_end(tmp_path: Path) -> None:
    root = topic_list(tmp_path / "list")
    ok = cli(root, "validate")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    rendered = cli(root, "render")
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    readme = (root / "README.md").read_text(encoding="utf-8")
    page = (root / "lists" / "2020.md").read_text(encoding="utf-8")
    assert "(lists/2020.md)" in readme and "### Years" in readme and "RAFT" in page
    # English only: no Chinese label anywhere in what the reader sees (the marker comments aside).
    chart = (root / "lists" / "trends.svg").read_text(encoding="utf-8")
    shown = [ln for t in (readme, page, chart) for ln in t.splitlines() if not ln.startswith("<!--")]
    assert not any("\u4e00" <= ch <= "\u9fff" for ln in shown for ch in ln), shown
    # A list without venues counts papers per year; no venue words, no blank venue.
    assert ">Papers per year</title>" in chart and "venue" not in chart and "—" not in chart, chart[:400]
    site = cli(root, "site", "--out", str(tmp_path / "site"))
    assert site.returncode == 0, site.stdout + site.stderr
    trends_page = (tmp_path / "site" / "trends.html").read_text(encoding="utf-8")
    assert "Trends" in trends_page and "Awesome Optical Flow: 1 paper<" in trends_page
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in trends_page), trends_page
    meta = json.loads((tmp_path / "site" / "data" / "meta.json").read_text(encoding="utf-8"))
    assert meta["list"] == {"title": {"en": "Awesome Optical Flow"}, "description": {}, "languages": ["en"],
                            "venues": False}
    assert meta["presentations"] == []


def test_topic_list_refuses_venue_and_title_zh_and_wants_the_required_fields(tmp_path: Path) -> None:
    root = topic_list(tmp_path / "list")
    (root / PAPER_PATH).write_text(PAPER.replace("authors: [Zachary Teed, Jia Deng]\n", "venue: CVPR\n")
                                   + 'title_zh: "光流"\n', encoding="utf-8")
    bad = cli(root, "validate", "--format", "json")
    assert bad.returncode == 1
    messages = {(f["line"], f["message"]) for f in json.loads(bad.stdout)["findings"]}
    assert (2, "unknown field 'venue'") in messages and (6, "unknown field 'title_zh'") in messages
    assert (1, "missing required field 'authors'") in messages
    # A paper outside its year folder is told where it belongs.
    (root / PAPER_PATH).write_text(PAPER.replace("2020", "2021", 1), encoding="utf-8")
    moved = json.loads(cli(root, "validate", "--format", "json").stdout)["findings"]
    assert any("papers/2021/" in f["hint"] for f in moved if f["check"] == "filename"), moved


def test_new_and_import_in_a_topic_list(tmp_path: Path) -> None:
    root = topic_list(tmp_path / "list")
    made = cli(root, "new", "--title", "FlowNet: Learning Optical Flow with Convolutional Networks",
               "--author", "Alexey Dosovitskiy", "--year", "2015", "--tag", "optical-flow")
    assert made.returncode == 0, made.stdout + made.stderr
    assert (root / "papers/2015/flownet-learning-optical-flow-with-convolutional-networks.yaml").is_file()
    refused = cli(root, "new", "--title", "X Y Z", "--venue", "CVPR", "--year", "2015", "--tag", "other")
    assert refused.returncode == 2 and "has no venues" in refused.stderr
    # (the Markdown list below names no authors: a list requiring them would refuse the entry)
    (root / "paperlist.yaml").write_text(TOPIC_LIST.replace("fields: {required: [authors]}\n", ""), encoding="utf-8")
    md = tmp_path / "awesome.md"
    md.write_text("## Optical Flow\n\n- **PWC-Net: CNNs for Optical Flow Using Pyramid, Warping, and Cost Volume** "
                  "(光流) [[paper]](https://arxiv.org/abs/1709.02371)\n", encoding="utf-8")
    imported = cli(root, "import", str(md), "--year", "2018")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    (written,) = (root / "papers" / "2018").iterdir()
    text = written.read_text(encoding="utf-8")
    assert "venue" not in text and "title_zh" not in text and "1709.02371" in text


@pytest.mark.parametrize(("settings", "line", "needle"), [
    ("title: {en: x}\ncolour: blue\n", 2, "unknown key 'colour'"),
    ("venues: CVPR\n", 1, "venues: 'CVPR' is not of type 'array'"),
    ("title: {en: x}\nlanguages: [en, fr]\n", 2, "languages/1"),
    ("site_url: http://example.org/\n", 1, "site_url"),
    ("languages: [en]\nvenues: [CVPR, MIDL]\n", 2, "venue 'MIDL' is not in vocab/venues.yaml"),
])
def test_bad_settings_are_findings_with_file_and_line(tmp_path: Path, settings: str, line: int,
                                                      needle: str) -> None:
    root = topic_list(tmp_path / "list", settings)
    bad = cli(root, "validate")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr, bad.stdout + bad.stderr
    assert f"paperlist.yaml:{line}:" in bad.stdout and needle in bad.stdout, bad.stdout


def test_this_repositorys_settings_are_valid() -> None:
    root = Path(__file__).resolve().parents[1]
    git(root, "rev-parse", "HEAD")
    from paperlist.project.settings import check_settings, load_settings

    assert check_settings(root) == []
    assert load_settings(root).languages == ("en", "zh")
