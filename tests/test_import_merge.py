"""Importing into a papers/ folder that people have edited: additions only, hand edits survive."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperlist.checks.validate import validate
from paperlist.errors import StaleTarget
from paperlist.project.loader import load_paper
from paperlist.sources.importer import import_list
from projectkit import make_project

FIXTURES = Path(__file__).parent / "fixtures" / "import"

HAND_EDITED = """\
# Checked against the PDF by a maintainer; keep the Chinese title as it is.
title: Fast Widget Detection with Sparse Queries
title_zh: 稀疏查询的快速部件检测  # hand-written, better than the list's
venue: CVPR
year: 2031
arxiv: '2101.00001'
links:
  project: https://widgets.example.net/   # the authors' own page
  readings:
    - title: A maintainer's favourite write-up
      url: https://blog.example.net/widgets
tags: [dataset]
"""


def kept_in_order(old: list[str], new: list[str]) -> bool:
    it = iter(new)
    return all(any(line == n or (line.endswith("]") and n.startswith(line[:-1])) for n in it) for line in old)


def test_hand_edited_file_survives_a_merge(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    target = root / "papers" / "cvpr2031" / "fast-widget-detection-with-sparse-queries.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(HAND_EDITED, encoding="utf-8")

    result = import_list(root, FIXTURES / "variants.md", "CVPR", 2031)

    merged = [c for c in result.merged if c.path.endswith("fast-widget-detection-with-sparse-queries.yaml")]
    assert len(merged) == 1 and "links.code" in merged[0].fields
    assert not any(c.path.endswith("sparse-queries-2.yaml") for c in result.added)
    after = target.read_text(encoding="utf-8")
    # Every original line is still there, in order: the merge only inserted lines (a flow list such
    # as "tags: [dataset]" grows in place, so that line may only get longer, keeping its start).
    assert kept_in_order(HAND_EDITED.splitlines(), after.splitlines()), after
    data = load_paper(target, root).data
    assert data["title_zh"] == "稀疏查询的快速部件检测"  # never overwritten
    assert data["arxiv"] == "2101.00001"
    assert data["tags"][0] == "dataset" and set(data["tags"]) == {"dataset", "object-detection", "object-tracking"}
    assert data["links"]["project"] == "https://widgets.example.net/"
    assert data["links"]["code"] == ["https://github.com/example/widgets"]
    # The list names another project page: a conflict, reported with both values, never written.
    assert "other" not in data["links"]
    conflicts = {(c.conflict.field, c.conflict.kept, c.conflict.offered) for c in result.conflicts}
    assert ("links.project", "https://widgets.example.net/", "https://example.org/widgets") in conflicts
    assert data["links"]["readings"] == [
        {"title": "A maintainer's favourite write-up", "url": "https://blog.example.net/widgets"},
        {"title": "一篇解读：关于小部件", "url": "https://example.com/read/widgets-heading"},
    ]
    assert validate(root).errors == 0

    # Importing again adds nothing and leaves the bytes alone.
    again = import_list(root, FIXTURES / "variants.md", "CVPR", 2031)
    assert again.added == [] and again.merged == []
    assert target.read_text(encoding="utf-8") == after


def test_dry_run_merge_touches_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    target = root / "papers" / "cvpr2031" / "fast-widget-detection-with-sparse-queries.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(HAND_EDITED, encoding="utf-8")
    result = import_list(root, FIXTURES / "variants.md", "CVPR", 2031, dry_run=True)
    assert any(c.path.endswith("sparse-queries.yaml") for c in result.merged)
    assert target.read_text(encoding="utf-8") == HAND_EDITED
    assert [p.name for p in (root / "papers" / "cvpr2031").iterdir()] == [target.name]


def test_never_writes_through_a_symlinked_folder(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "papers" / "cvpr2031").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(StaleTarget, match="symbolic link"):
        import_list(root, FIXTURES / "variants.md", "CVPR", 2031)
    assert list(elsewhere.iterdir()) == []
