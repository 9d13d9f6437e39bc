"""paperlist render: only the marked part changes, deterministically, and nothing from a paper file
can inject markup."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from projectkit import README_STUB, add_paper, make_project, run_cli


def _two_venues(root: Path) -> None:
    add_paper(root, "Zooming Slow-Mo: Fast and Accurate One-Stage Space-Time Video Super-Resolution",
              arxiv="2002.11616", authors=["Xiaoyu Xiang", "Yapeng Tian"],
              links={"code": ["https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020"],
                     "readings": [{"title": "A write-up", "url": "https://zhuanlan.zhihu.com/p/1"}]})
    add_paper(root, "You Only Look One-level Feature", year=2021, arxiv="2103.09460", presentation="oral")
    add_paper(root, "A Workshop Paper", year=2021, track="workshop")


def test_render_fills_markers_and_keeps_the_rest(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _two_venues(root)
    result = run_cli(root, "render")
    assert result.returncode == 0, result.stderr
    assert "updated (3 papers)" in result.stdout
    text = (root / "README.md").read_text()
    head, _, rest = text.partition("<!-- paperlist:begin -->")
    _, _, tail = rest.partition("<!-- paperlist:end -->")
    assert head == README_STUB.partition("<!-- paperlist:begin -->")[0]
    assert tail == README_STUB.partition("<!-- paperlist:end -->")[2]
    # Newest year first, workshops after the main conference, counts in the contents.
    assert text.index("## CVPR 2021 (1)") < text.index("## CVPR 2021 Workshops") < text.index("## CVPR 2020 (1)")
    assert "- [CVPR 2020](#cvpr-2020) (1)" in text
    assert "[📄 论文 Paper](https://arxiv.org/abs/2002.11616)" in text
    assert "[💻 代码 Code](https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020)" in text
    assert "[📖 解读 Reading](https://zhuanlan.zhihu.com/p/1)" in text
    assert "`Oral`" in text


def test_render_is_deterministic_and_check_detects_staleness(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _two_venues(root)
    assert run_cli(root, "render").returncode == 0
    first = (root / "README.md").read_bytes()
    again = run_cli(root, "render")
    assert "already up to date" in again.stdout
    assert (root / "README.md").read_bytes() == first
    assert run_cli(root, "render", "--check").returncode == 0
    add_paper(root, "A Brand New Paper", year=2021)
    stale = run_cli(root, "render", "--check", "--format", "json")
    assert stale.returncode == 1
    assert json.loads(stale.stdout)["findings"][0]["check"] == "render"
    assert (root / "README.md").read_bytes() == first, "--check must not write"


def test_hostile_text_cannot_inject_markup(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    evil = "@someone <img src=x onerror=alert(1)> [click](javascript:alert(1)) <!-- paperlist:end --> `x` | y"
    add_paper(root, evil, authors=["<script>alert(1)</script>"],
              links={"project": "https://example.org/a)(b<c>"})
    assert run_cli(root, "render").returncode == 0
    text = (root / "README.md").read_text()
    assert text.count("<!-- paperlist:end -->") == 1
    body = text.split("<!-- paperlist:begin -->")[1]
    assert "<img" not in body and "<script>" not in body
    assert "@someone" not in body and "&#64;someone" in body
    assert re.search(r"(?<!\\)\]\(javascript:", body) is None, "an unescaped ](javascript: makes a link"
    assert "\\[click\\](javascript:" in body
    assert "https://example.org/a%29%28b%3Cc%3E" in body


def test_unloadable_paper_is_skipped_with_a_warning(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _two_venues(root)
    bad = root / "papers" / "cvpr2020" / "broken.yaml"
    bad.write_text("title: [unclosed\n")
    result = run_cli(root, "render")
    assert result.returncode == 0
    assert "papers/cvpr2020/broken.yaml: warning [render]" in result.stderr
    assert "updated (3 papers)" in result.stdout


def test_missing_markers_is_a_clear_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, readme="# No markers here\n")
    result = run_cli(root, "render")
    assert result.returncode == 2
    assert "paperlist:begin" in result.stderr and "Traceback" not in result.stderr
    assert (root / "README.md").read_text() == "# No markers here\n"


def test_file_mode_is_preserved(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    os.chmod(root / "README.md", 0o644)
    _two_venues(root)
    run_cli(root, "render")
    assert stat.S_IMODE((root / "README.md").stat().st_mode) == 0o644


def test_entry_cache_follows_edits_and_survives_corruption(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _two_venues(root)
    assert run_cli(root, "render").returncode == 0
    cache = root / ".paperlist-cache" / "render-entries.json"
    assert cache.exists()
    paper = root / "papers" / "cvpr2021" / "you-only-look-one-level-feature.yaml"
    paper.write_text(paper.read_text().replace('"oral"', '"spotlight"'))
    assert run_cli(root, "render").returncode == 0
    text = (root / "README.md").read_text()
    assert "`Spotlight`" in text and "`Oral`" not in text
    cache.write_text("{not json")
    assert run_cli(root, "render", "--check").returncode == 0
    paper.unlink()
    assert run_cli(root, "render").returncode == 0
    assert "You Only Look" not in (root / "README.md").read_text()
