"""Every hostile or broken paper file gets a finding naming file and line, exit 1, no traceback,
and nothing in the project is touched."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from projectkit import REPO, make_project, paper_yaml, run_cli, tree_digest

CASES_DIR = REPO / "tests" / "bad_input"
CASES: list[dict[str, Any]] = yaml.safe_load((CASES_DIR / "cases.yaml").read_text(encoding="utf-8"))


def _place(root: Path, case: dict[str, Any]) -> None:
    folder = root / "papers" / "cvpr2020"
    folder.mkdir(parents=True, exist_ok=True)
    name = case["file"]
    if not case.get("generated"):
        (folder / name).write_bytes((CASES_DIR / name).read_bytes())
    elif name == "symlink.yaml":
        secret = root / "outside-secret.yaml"
        secret.write_text(paper_yaml("A Good Paper"), encoding="utf-8")
        os.symlink(secret, folder / name)
    elif name == "huge.yaml":
        (folder / name).write_text('title: "' + "x" * 70_000 + '"\n', encoding="utf-8")
    else:
        (folder / name).write_text(paper_yaml("A Good Paper"), encoding="utf-8")


def test_every_case_file_is_listed() -> None:
    listed = {c["file"] for c in CASES}
    on_disk = {p.name for p in CASES_DIR.glob("*.yaml")} - {"cases.yaml"}
    assert on_disk <= listed, f"bad-input files without an expectation: {on_disk - listed}"


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_input_gets_a_clear_finding(tmp_path: Path, case: dict[str, Any]) -> None:
    root = make_project(tmp_path / "proj")
    _place(root, case)
    before = tree_digest(root)
    result = run_cli(root, "validate", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    rel = f"papers/cvpr2020/{case['file']}"
    mine = [f for f in report["findings"] if f["file"] == rel and f["check"] == case["check"]]
    assert any(case["message"] in f["message"] for f in mine), (case, report["findings"])
    if "line" in case:
        assert any(f["line"] == case["line"] for f in mine if case["message"] in f["message"]), mine
    if "column" in case:
        assert any(f["column"] == case["column"] for f in mine if case["message"] in f["message"]), mine
    # A finding names the character, never writes it: the report itself stays clean.
    assert not any(ch in result.stdout for ch in "\x1b\x07\x9b\u202e\x85\u2028\u2029\x00\r")
    if case["check"] == "text":  # bilingual, like every finding a contributor reads
        assert any("不允许" in (f.get("message_zh") or "") for f in mine), mine
    assert all(f["severity"] in ("error", "warning", "notice") for f in report["findings"])
    assert tree_digest(root) == before, "validate must not modify the project"


def test_one_bad_file_never_stops_the_others(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    for case in CASES:
        _place(root, case)
    good = root / "papers" / "cvpr2020" / "a-good-paper.yaml"
    good.write_text(paper_yaml("A Good Paper"), encoding="utf-8")
    result = run_cli(root, "validate", "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    files_with_errors = {f["file"] for f in report["findings"] if f["severity"] == "error"}
    for case in CASES:
        assert f"papers/cvpr2020/{case['file']}" in files_with_errors, case["file"]
    assert "papers/cvpr2020/a-good-paper.yaml" not in files_with_errors


def test_yaml_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    root = make_project(tmp_path / "proj")
    evil = root / "papers" / "cvpr2020" / "evil.yaml"
    evil.parent.mkdir(parents=True)
    evil.write_text(f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
                    f'venue: !!python/object/new:os.system ["touch {marker}"]\n', encoding="utf-8")
    result = run_cli(root, "validate")
    assert result.returncode == 1
    assert not marker.exists()


def test_github_format_escapes_newlines_in_messages(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    _place(root, {"file": "malformed-yaml.yaml"})
    result = run_cli(root, "validate", "--format", "github")
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("::")]
    assert lines and all(ln.startswith("::error file=papers/cvpr2020/malformed-yaml.yaml,line=1") for ln in lines)
