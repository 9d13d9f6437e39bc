"""The loader's own promises: data and positions from one walk over libyaml's events, refusals as
findings (never an exception, a hang or a crash), whatever the file holds."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from paperlist.project.loader import MAX_DEPTH, PaperFile, discover, load_paper, load_text, parse_text


def test_positions_point_at_keys_items_and_values() -> None:
    pf = load_text('title: "A"\nyear: 2021\nlinks:\n  code:\n    - https://a.example/x\n    - https://b.example/y\n'
                   "arxiv: 2002.11840\n")
    assert pf.parsed and pf.data["links"]["code"][1] == "https://b.example/y"
    assert pf.position(("year",)) == (2, 1)
    assert pf.position(("links", "code", 1)) == (6, 7)
    assert pf.value_position(("links", "code", 1)) == (6, 7)
    assert pf.value_position(("year",)) == (2, 7)
    # A field that is not there points at its deepest present ancestor, else at the file.
    assert pf.position(("links", "code", 5)) == (4, 3)
    assert pf.position(("doi",)) == (1, 1)
    # Numbers are kept as written too: an unquoted arXiv id is the float 2002.1184 once parsed.
    assert pf.data["arxiv"] == 2002.1184 and pf.raw_scalar(("arxiv",)) == "2002.11840"
    assert pf.raw_scalar(("title",)) == "A" and pf.raw_scalar(("links",)) is None


@pytest.mark.parametrize(("text", "line", "words"), [
    ('title: &t "A"\nother: *t\n', 1, "aliases"),  # at the anchored value, where the alias's target is written
    ("title: A\n---\ntitle: B\n", 2, "another document"),
    ("title: A\n[x]: 1\n", 2, "plain names"),
    ("title: !!int abc\n", 1, "does not match its YAML tag"),
    ("title: A\ntitle: B\n", 2, "duplicate key 'title' (first defined on line 1)"),
])
def test_refusals_are_findings_with_a_line(text: str, line: int, words: str) -> None:
    pf = load_text(text)
    assert pf.data is None and not pf.parsed
    assert any(words in f.message and f.line == line for f in pf.findings), pf.findings


def test_nesting_is_refused_at_the_first_level_too_deep_however_deep_the_file() -> None:
    block = "".join(f"{'  ' * i}k{i}:\n" for i in range(200)) + f"{'  ' * 200}v\n"
    for text in (block, "a: " + "[" * 30_000 + "]" * 30_000 + "\n"):
        pf = load_text(text)
        assert pf.data is None
        assert [f.message for f in pf.findings] == [f"nesting deeper than {MAX_DEPTH} levels"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_among_the_papers_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "papers" / "cvpr2020" / "a.yaml"
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    pf = load_paper(fifo, tmp_path)
    assert [f.message for f in pf.findings] == ["not a regular file"]


def test_a_symlink_is_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("title: secret\n")
    link = tmp_path / "papers" / "cvpr2020" / "a.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(tmp_path / "secret")
    pf = load_paper(link, tmp_path)
    assert pf.data is None and pf.blob is None
    assert "symbolic links are not allowed" in pf.findings[0].message


def test_a_refusal_does_not_hide_a_syntax_error_further_down() -> None:
    pf = load_text('title: "A"\ntitle: "B"\nvenue: CVPR\nyear: 2021\nnote: a: b\n')
    assert [(f.line, f.message.split(" (")[0]) for f in pf.findings] == [
        (2, "duplicate key 'title'"), (5, "invalid YAML: mapping values are not allowed in this context")]


def test_mutated_files_never_crash_and_only_plain_data_comes_out() -> None:
    # Random edits of real paper files (anchors, aliases, tags, brackets, escapes, tabs, BOMs,
    # second documents, NULs...): every one loads to plain data or to findings with a line.
    import random

    rng = random.Random(8)
    here = Path(__file__).parent
    sources = [p.read_text(encoding="utf-8") for p in sorted((here / "bad_input").glob("*.yaml"))[:30]]
    snippets = ["&a ", "*a", "!!int ", "!!str ", "!custom ", "[", "]", "{", "}", ": ", "- ", "? ", "\t", "'", '"',
                "\\e", "\\x07", "\\u202e", "#", "---\n", "...\n", "%YAML 1.2\n", "<<: *a\n", "0x1F", ".inf", "~",
                "|\n  block\n", "\u202e", "\x00", "\r\n", "\ufeff", "title: x\n"]

    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, (str, int, float, bool))

    for _ in range(600):
        text = rng.choice(sources)
        for _ in range(rng.randint(1, 4)):
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(snippets) + text[at + rng.choice((0, 0, 3)):]
        pf = load_text(text)
        assert plain(pf.data) and (pf.data is None or isinstance(pf.data, dict))
        assert pf.parsed or pf.findings
        lines = len(re.split("\r\n|[\r\n\x85\u2028\u2029]", text)) + 1  # YAML's line breaks
        assert all(f.line is None or 1 <= f.line <= lines for f in pf.findings), (text, pf.findings)


@pytest.mark.parametrize(("raw", "zh"), [
    (b'title: &t "A"\nother: *t\n', "YAML 别名"),
    (b"title: A\ntitle: B\n", "重复的键 'title'（第 1 行已定义）"),
    (b"title: !!python/name:os.system x\n", "YAML 标签"),
    (b"- a\n- b\n", "论文文件必须是字段映射"),
    (b"# only a comment\n", "文件为空；论文文件应是字段映射"),
    (b"title: caf\xe9\n", "UTF-8"),
    (b"a: " + b"[" * 100 + b"]" * 100 + b"\n", f"嵌套层数超过 {MAX_DEPTH}"),
])
def test_a_contributor_who_reads_chinese_is_told_every_refusal_in_chinese(raw: bytes, zh: str) -> None:
    pf = parse_text(PaperFile(path=Path("papers/cvpr2020/a.yaml"), rel="papers/cvpr2020/a.yaml"), raw)
    assert pf.data is None and len(pf.findings) == 1, pf.findings
    assert zh in (pf.findings[0].message_zh or ""), pf.findings[0]


def test_misplaced_files_are_told_where_papers_go_in_both_languages(tmp_path: Path) -> None:
    (tmp_path / "papers" / "cvpr2020" / "deep").mkdir(parents=True)
    (tmp_path / "papers" / "loose.yaml").write_text("title: A\n")
    (tmp_path / "papers" / "cvpr2020" / "a.yml").write_text("title: A\n")
    _, findings = discover(tmp_path)
    said = {f.file: (f.message, f.message_zh or "") for f in findings}
    yml = said["papers/cvpr2020/a.yml"]
    assert "rename .yml to .yaml" in yml[0] and ".yml 改名" in yml[1]
    assert "no deeper folders" in said["papers/cvpr2020/deep"][0] and "更深的目录" in said["papers/cvpr2020/deep"][1]
    # A list without venues keeps its papers in papers/<year>/: the finding says so.
    assert "papers/<year>/" in said["papers/loose.yaml"][0] and "papers/<年份>/" in said["papers/loose.yaml"][1]
