"""paperlist new: a contributor's paper file, at the right path, valid, and never a second copy."""

from __future__ import annotations

from pathlib import Path

from paperlist.project.keys import expected_path
from projectkit import add_paper, make_project, run_cli, tree_digest


def test_new_writes_a_valid_file_where_validate_expects_it(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    result = run_cli(root, "new", "--title", "You Only Look  One-level Feature", "--venue", "cvpr",
                     "--year", "2021", "--arxiv", "https://arxiv.org/pdf/2103.09460v2.pdf",
                     "--author", "Qiang Chen1, Yingming Wang and Tong Yang", "--tag", "Other",
                     "--code", "https://github.com/megvii-model/YOLOF")
    assert result.returncode == 0, result.stderr
    rel = expected_path("CVPR", 2021, "You Only Look One-level Feature")
    text = (root / rel).read_text(encoding="utf-8")
    assert 'arxiv: "2103.09460"' in text and "venue: CVPR" in text
    assert "- Qiang Chen\n" in text and "- Tong Yang\n" in text
    assert f"wrote {rel}" in result.stderr
    assert run_cli(root, "validate").returncode == 0
    assert run_cli(root, "render").returncode == 0
    assert "**You Only Look One-level Feature**" in (root / "lists" / "cvpr2021.md").read_text()


def test_a_paper_already_on_the_list_is_not_written_again(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    existing = add_paper(root, "Zooming Slow-Mo", arxiv="2002.11616")
    before = tree_digest(root)
    result = run_cli(root, "new", "--title", "Zooming Slow-Mo: Fast and Accurate", "--venue", "CVPR",
                     "--year", "2020", "--arxiv", "arXiv:2002.11616v3", "--tag", "other")
    assert result.returncode == 1
    assert existing.relative_to(root).as_posix() in result.stderr and "same arXiv id" in result.stderr
    assert tree_digest(root) == before


def test_dry_run_prints_and_writes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    before = tree_digest(root)
    result = run_cli(root, "new", "--title", "A Paper", "--venue", "CVPR", "--year", "2020", "--tag", "other",
                     "--dry-run")
    assert result.returncode == 0 and result.stdout.startswith("title: A Paper\n")
    assert tree_digest(root) == before


def test_bad_input_is_a_clear_error_and_nothing_is_written(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    before = tree_digest(root)
    bad_id = run_cli(root, "new", "--title", "A Paper", "--venue", "CVPR", "--year", "2020", "--tag", "other",
                     "--arxiv", "not-an-id")
    assert bad_id.returncode == 1 and "not an arXiv id" in bad_id.stderr and "Traceback" not in bad_id.stderr
    bad_tag = run_cli(root, "new", "--title", "A Paper", "--venue", "CVPR", "--year", "2020", "--tag", "magic")
    assert bad_tag.returncode == 1 and "unknown tag 'magic'" in bad_tag.stderr
    assert tree_digest(root) == before


def test_new_file_is_readable_by_others(tmp_path: Path) -> None:
    import os
    import stat

    root = make_project(tmp_path)
    old = os.umask(0o022)
    try:
        assert run_cli(root, "new", "--title", "A Paper", "--venue", "CVPR", "--year", "2020",
                       "--tag", "other").returncode == 0
    finally:
        os.umask(old)
    mode = stat.S_IMODE((root / "papers/cvpr2020/a-paper.yaml").stat().st_mode)
    assert mode == 0o644, oct(mode)
