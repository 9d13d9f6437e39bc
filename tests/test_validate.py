"""paperlist validate: the happy path, the hints that make a fix mechanical, and exit codes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from paperlist.checks.validate import validate
from projectkit import add_paper, make_project, paper_yaml, run_cli

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from synth import make_list


def _json(result) -> dict:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def test_valid_list_passes(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    add_paper(root, "Zooming Slow-Mo: Fast and Accurate One-Stage Space-Time Video Super-Resolution",
              arxiv="2002.11616", authors=["Xiaoyu Xiang", "Yapeng Tian"],
              links={"code": ["https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020"]})
    add_paper(root, "Old Style Id Paper", year=2004, arxiv="cs/0501001")
    result = run_cli(root, "validate")
    assert result.returncode == 0, result.stdout
    assert "2 file(s) checked: 0 error(s)" in result.stdout


def test_json_shape(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    p = add_paper(root, "A Paper")
    p.write_text(p.read_text() + "abstract: nope\n")
    report = _json(run_cli(root, "validate", "--format", "json"))
    assert report["summary"] == {"files": 1, "errors": 1, "warnings": 0, "notices": 0, "checks": {"schema": 1}}
    f = report["findings"][0]
    assert {k: f[k] for k in ("file", "line", "column", "severity", "check")} == {
        "file": "papers/cvpr2020/a-paper.yaml", "line": 5, "column": 1, "severity": "error", "check": "schema"}


def test_unquoted_arxiv_gets_a_suggestion_that_fixes_it(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    p = root / "papers" / "cvpr2020" / "a-paper.yaml"
    p.parent.mkdir(parents=True)
    p.write_text('title: "A Paper"\nvenue: CVPR\nyear: 2020\narxiv: 2002.11840\ntags: [other]\n')
    report = _json(run_cli(root, "validate", "--format", "json"))
    (f,) = report["findings"]
    assert f["line"] == 4 and f["suggestion"] == 'arxiv: "2002.11840"'
    # Applying the suggestion (as a reviewer would click "commit suggestion") makes the file valid.
    lines = p.read_text().splitlines()
    lines[f["line"] - 1] = f["suggestion"]
    p.write_text("\n".join(lines) + "\n")
    assert run_cli(root, "validate").returncode == 0


def test_misnamed_file_is_told_its_name(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    p = root / "papers" / "cvpr2021" / "my-paper.yaml"
    p.parent.mkdir(parents=True)
    p.write_text(paper_yaml("Learning to Zoom: A Study", year=2020))
    report = _json(run_cli(root, "validate", "--format", "json"))
    (f,) = report["findings"]
    assert f["check"] == "filename"
    assert f["expected_path"] == "papers/cvpr2020/learning-to-zoom-a-study.yaml"
    assert "papers/cvpr2020/" in f["message"] and "learning-to-zoom-a-study.yaml" in f["message"]


def test_tag_alias_hint_names_the_id(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    from paperlist.project.vocab import Vocabulary

    vocab = Vocabulary.load(root)
    term = next(iter(vocab.tags.values()))
    p = add_paper(root, "A Paper", tags=("placeholder-tag",))
    p.write_text(p.read_text().replace('"placeholder-tag"', json.dumps(term.zh, ensure_ascii=False)))
    report = _json(run_cli(root, "validate", "--format", "json"))
    hints = [f.get("hint", "") for f in report["findings"] if f["check"] == "vocabulary"]
    assert any(repr(term.id) in h for h in hints), hints


def test_files_outside_papers_are_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "notes.yaml").write_text(paper_yaml("A Paper"))
    report = _json(run_cli(root, "validate", "--format", "json", "notes.yaml"))
    assert report["findings"][0]["message"].startswith("not a paper file")


def test_a_broken_own_schema_is_a_usage_error(tmp_path: Path) -> None:
    # No schema/ at all is fine (the packaged one applies); a list's own broken copy is not.
    assert run_cli(tmp_path, "validate").returncode == 0
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "paper.schema.json").write_text("{not json", encoding="utf-8")
    result = run_cli(tmp_path, "validate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "paper.schema.json" in result.stderr


def test_bad_option_is_exit_2(tmp_path: Path) -> None:
    result = run_cli(make_project(tmp_path), "validate", "--format", "xml")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PAPERLIST_NO_CACHE", "1")  # both really parse: neither may answer from the index
        paths = make_list(root, 1600, seed=3, readme=False)
        for p in paths[::200]:  # break a few files so both paths have findings to agree on
            p.write_text(p.read_text().replace("venue: CVPR", 'venue: "CVPRX"'))
        serial = _json(run_cli(root, "validate", "--format", "json", "--jobs", "1"))
        parallel = _json(run_cli(root, "validate", "--format", "json", "--jobs", "2"))
    assert serial == parallel
    assert serial["summary"]["files"] == 1600 and serial["summary"]["errors"] >= 8
    assert not (root / ".paperlist-cache").exists()
    # Cold index, then warm: the findings from the index are the findings from parsing.
    assert _json(run_cli(root, "validate", "--format", "json")) == serial
    assert (root / ".paperlist-cache" / "index.sqlite").exists()
    assert _json(run_cli(root, "validate", "--format", "json")) == serial


def test_index_sees_an_edit_in_place_and_a_changed_vocabulary(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    p = add_paper(root, "A Paper", links={"code": ["https://github.com/a/b"]})
    clean = run_cli(root, "validate", "--format", "json")
    assert _json(clean)["findings"] == []
    before = p.stat()
    text = p.read_text()
    assert "venue: CVPR\n" in text
    with open(p, "r+", encoding="utf-8") as fh:  # same inode, size and (restored) mtime
        fh.write(text.replace("venue: CVPR\n", "venue: CVPX\n"))
    os.utime(p, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = _json(run_cli(root, "validate", "--format", "json"))
    assert [f["message"] for f in report["findings"]] == ["unknown venue 'CVPX'"]
    # The vocabulary learns CVPX: the same file content now gets the folder rule instead.
    venues = root / "vocab" / "venues.yaml"
    venues.write_text(venues.read_text().replace("  - id: CVPR\n", "  - id: CVPX\n    en: X\n    zh: X\n"
                                                                    "  - id: CVPR\n", 1))
    report = _json(run_cli(root, "validate", "--format", "json"))
    assert [f["check"] for f in report["findings"]] == ["filename"]
    assert "papers/cvpx2020/" in report["findings"][0]["message"]


def test_flow_nesting_is_found_without_libyaml() -> None:
    """The nesting finding must not hang on one libyaml version's own depth limit."""
    from paperlist.project.loader import MAX_DEPTH, _flow_depth_exceeds

    deep = "title: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    assert _flow_depth_exceeds(deep, MAX_DEPTH) == len("title: ") + MAX_DEPTH
    quoted = 'title: "' + "[" * 40 + '"  # [[[[[[[[[[[[[[[[[[[[[[[\nauthors: [\'[[[[[[[[[[[[[[[[[[[[[[[[\']\n'
    assert _flow_depth_exceeds(quoted, MAX_DEPTH) is None
    escaped = 'title: "a \\" [[[[[[[[[[[[[[[[[[[[[[[[["\n'
    assert _flow_depth_exceeds(escaped, MAX_DEPTH) is None


def test_known_mistranslation_and_mojibake_are_warnings(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    add_paper(root, "HOTR: End-to-End Human-Object Interaction Detection with Transformers",
              title_zh="HOTR：使用变压器进行端到端的人与对象交互检测")
    add_paper(root, "Towards Virtual Try-On by Adaptively Generating鈫Preserving Image Content")
    report = validate(root)
    assert report.errors == 0
    warnings = {f.check: f for f in report.findings if f.severity == "warning"}
    assert "变压器" in warnings["translation"].message and "Transformer" in (warnings["translation"].hint or "")
    assert "wrong encoding" in warnings["text"].message
