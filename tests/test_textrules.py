"""Control and bidi characters, however YAML spells them, are refused after parsing (validate, import,
new) and never emitted (render, the PR comment, the terminal), by one rule in paperlist.infra.textrules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paperlist.findings import Finding, Report
from paperlist.infra.textrules import BAD_CHARS, find_bad_char, scrub
from paperlist.output.comment import render_comment, review_comments
from paperlist.output.entries import ListEntry as Entry
from paperlist.output.render import build
from paperlist.output.reporting import render_github, render_text
from paperlist.project.loader import load_text
from paperlist.project.vocab import Vocabulary
from paperlist.sources.new import NewRequest, plan_new
from projectkit import REPO, add_paper, make_project, run_cli, tree_digest

# Every way YAML (double-quoted) can spell a refused character, and the character it becomes.
ESCAPES = [
    (r"\e", "\x1b"), (r"\x1b", "\x1b"), (r"\u001b", "\x1b"), (r"\U0000001B", "\x1b"),
    (r"\x07", "\x07"), (r"\a", "\x07"), (r"\b", "\x08"), (r"\v", "\x0b"), (r"\f", "\x0c"), (r"\r", "\r"),
    (r"\0", "\x00"), (r"\x9b", "\x9b"), (r"\N", "\x85"), (r"\L", "\u2028"), (r"\P", "\u2029"),
    (r"\u202e", "\u202e"), (r"\U0000202E", "\u202e"), (r"\u2066", "\u2066"), (r"\u200f", "\u200f"),
    (r"\x7f", "\x7f"),
]
IDS = [e for e, _ in ESCAPES]
CHARS = sorted({c for _, c in ESCAPES})


def _clean(text: str) -> bool:
    return not any(c in text for c in CHARS) and BAD_CHARS.search(text) is None


def test_the_rule() -> None:
    assert find_bad_char("Zooming Slow-Mo: 时空超分辨率 — ok\ttab\nnewline") is None
    bad = find_bad_char("Deep \x1b[31mRed")
    assert bad is not None and (bad.offset, bad.code, bad.label) == (5, "U+001B", "U+001B ESCAPE")
    assert find_bad_char("crlf\r\n", raw=True) is None and find_bad_char("crlf\r\n") is not None
    assert scrub("a\x1b[0mb\u202ec") == "a\ufffd[0mb\ufffdc"


@pytest.mark.parametrize(("escape", "char"), ESCAPES, ids=IDS)
def test_every_escape_in_a_value_or_key_is_found_with_its_position(escape: str, char: str) -> None:
    pf = load_text(f'title: "A Paper"\nauthors: ["Deep {escape}Red", Ok]\nlinks: {{"code{escape}": []}}\n')
    mine = [f for f in pf.findings if f.check == "text"]
    assert [(f.line, f.column, f.severity) for f in mine] == [(2, 11, "error"), (3, 9, "error")], mine
    code = f"U+{ord(char):04X}"
    assert code in mine[0].message and "authors[0]" in mine[0].message and mine[0].message_zh
    assert "the key links.code" in mine[1].message
    assert all(_clean(f.message) for f in mine)  # the finding names the character, never holds it


def test_a_clean_file_with_crlf_line_ends_and_tabs_in_block_text_passes() -> None:
    pf = load_text('title: "A Paper"\r\nauthors: [A, B]\r\nvenue: CVPR\r\nyear: 2020\r\ntags: [other]\r\n')
    assert not pf.findings and pf.data["authors"] == ["A", "B"]


@pytest.mark.parametrize(("escape", "char"), ESCAPES, ids=IDS)
def test_validate_refuses_and_render_never_writes_it(tmp_path: Path, escape: str, char: str) -> None:
    root = make_project(tmp_path / "p")
    path = root / "papers" / "cvpr2020" / "a-paper.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(f'title: "A Paper"\nvenue: CVPR\nyear: 2020\nauthors: ["Deep {escape}Red"]\ntags: [other]\n',
                    encoding="utf-8")
    result = run_cli(root, "validate", "--format", "json")
    assert result.returncode == 1, result.stderr
    found = [f for f in json.loads(result.stdout)["findings"] if f["check"] == "text"]
    assert [(f["file"], f["line"], f["column"]) for f in found] == [("papers/cvpr2020/a-paper.yaml", 4, 11)]
    # render does not validate: the README and the list pages still must not carry the character.
    assert run_cli(root, "render").returncode == 0
    pages = [(root / "README.md").read_text(encoding="utf-8")]
    pages += [p.read_text(encoding="utf-8") for p in sorted((root / "lists").glob("*.md"))]
    assert len(pages) >= 2 and all(_clean(text) for text in pages)
    # Shown as U+FFFD (or as a space, for the ones Markdown would take as a line break): visible, inert.
    assert any("Deep \ufffdRed" in text or "Deep Red" in text for text in pages[1:])


@pytest.mark.parametrize("char", CHARS, ids=[f"U+{ord(c):04X}" for c in CHARS])
def test_render_scrubs_data_that_bypassed_validation(char: str) -> None:
    entry = Entry(rel="papers/cvpr2020/x.yaml", title=f"T{char}itle", title_zh=f"标{char}题", authors=(f"A{char}",),
                  venue="CVPR", year=2020, track="main", presentation=None, arxiv=None,
                  paper=f"https://example.org/{char}", code=(), project=None, video=None,
                  readings=((f"R{char}", "https://example.org/r"),), tags=("other",))
    generated = build([entry], Vocabulary.load(REPO))
    texts = [generated.readme_block, *generated.pages.values()]
    assert all(_clean(t) for t in texts)
    assert any("T\ufffditle" in t or "T itle" in t for t in texts)


@pytest.mark.parametrize("char", CHARS, ids=[f"U+{ord(c):04X}" for c in CHARS])
def test_comment_and_reporters_never_emit_it(char: str) -> None:
    bad = f"x{char}[31m"
    report = Report([
        Finding(f"papers/cvpr2020/{bad}.yaml", "error", "schema", f"title {bad}", line=1, message_zh=bad,
                hint=bad, suggestion=f'title: "{bad}"', extra={"url": f"https://e.org/{bad}"}),
        Finding("papers/cvpr2020/y.yaml", "error", "links", bad, line=2, suggestion=f"t: {bad}"),
    ], files=2, meta={"changed": [{"path": "papers/cvpr2020/y.yaml", "status": "A"}]})
    assert _clean(render_comment(report))
    assert all(_clean(c["body"]) for c in review_comments(report))
    assert _clean(render_text(report)) and _clean(render_github(report))


@pytest.mark.parametrize("char", CHARS, ids=[f"U+{ord(c):04X}" for c in CHARS])
def test_import_refuses_the_line_and_says_where(tmp_path: Path, char: str) -> None:
    root = make_project(tmp_path / "p")
    src = tmp_path / "list.md"
    src.write_text("## Object Detection\n\n"
                   "- You Only Look One-level Feature [[paper]](https://arxiv.org/abs/2103.09460)\n"
                   f"- Deep{char} Red Hostile Paper [[paper]](https://arxiv.org/abs/2103.00001)\n",
                   encoding="utf-8", newline="")
    result = run_cli(root, "import", str(src), "--venue", "CVPR", "--year", "2021", "--format", "json")
    assert "Traceback" not in result.stderr and _clean(result.stdout + result.stderr)
    if char == "\x00":  # a NUL byte: not a text list at all, a usage error naming the line
        assert result.returncode == 2 and "list.md:4" in result.stderr
        assert not list((root / "papers").rglob("*.yaml"))
        return
    assert result.returncode == 1, result.stderr  # the list's paper on line 4 was not imported: said loudly
    report = json.loads(result.stdout)
    refused = [f for f in report["findings"] if f["line"] == 4 and f"U+{ord(char):04X}" in f["message"]]
    assert refused and "column 7" in refused[0]["message"], report["findings"]
    assert [a["title"] for a in report["meta"]["import"]["added"]] == ["You Only Look One-level Feature"]
    for p in (root / "papers").rglob("*.yaml"):
        assert _clean(p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("char", CHARS, ids=[f"U+{ord(c):04X}" for c in CHARS])
def test_new_refuses_it_in_any_field_and_writes_nothing(tmp_path: Path, char: str) -> None:
    root = make_project(tmp_path / "p")
    before = tree_digest(root)
    code = f"U+{ord(char):04X}"
    for kw in ({"title": f"Deep{char} Red"}, {"authors": (f"A{char}",)}, {"title_zh": f"深{char}红"},
               {"code": (f"https://github.com/a/b{char}",)}):
        fields: dict[str, Any] = {"title": "Deep Red", "tags": ("other",), **kw}
        plan = plan_new(root, NewRequest(venue="CVPR", year=2021, **fields))
        assert all(_clean(f.message) for f in plan.findings)
        if char.isspace() and ("title" in kw or "authors" in kw):
            # Whitespace-like characters in a title or a name are folded away, as all whitespace is.
            assert plan.ok and all(_clean(w.text) for w in plan.writes), plan.findings
            continue
        assert not plan.ok, (kw, plan.findings)
        assert any(code in f.message for f in plan.errors), (kw, [f.message for f in plan.findings])
    assert tree_digest(root) == before


def test_new_cli_refuses_and_prints_no_escape_codes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    add_paper(root, "Some Other Paper")
    before = tree_digest(root)
    result = run_cli(root, "new", "--title", "Deep \x1b[31mRed\x1b[0m", "--venue", "CVPR", "--year", "2021",
                     "--tag", "other", "--author", "Evil \u202eAuthor")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "U+001B ESCAPE" in result.stdout + result.stderr and "U+202E" in result.stdout + result.stderr
    assert _clean(result.stdout + result.stderr)
    assert tree_digest(root) == before
