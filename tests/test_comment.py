"""The Markdown comment: neutralized PR text, fences that cannot close, the size limit, untrusted reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from paperlist.errors import UsageError
from paperlist.findings import Finding, Report
from paperlist.output.comment import (
    GITHUB_LIMIT,
    MARKER,
    Links,
    code,
    fenced,
    inline,
    links_for,
    load_report,
    render_comment,
    report_from_dict,
    status_for,
)

HOSTILE = "@someone <img src=x onerror=alert(1)> --> ``` #12 https://evil.example/x [a](javascript:x) | cell"
SHA = "c" * 40


def hostile_report() -> Report:
    return Report([
        Finding("papers/cvpr2021/x.yaml", "error", "schema", f"title {HOSTILE}", line=1,
                message_zh=f"标题 {HOSTILE}", hint=HOSTILE, suggestion=f'title: "{HOSTILE}"\n```\n<!-- x -->'),
        Finding("papers/cvpr2021/x.yaml", "error", "links", "broken", line=4, extra={"url": HOSTILE}),
    ], files=1, meta={"head_sha": SHA, "pr": 3, "repository": "o/r"})


def test_hostile_text_cannot_ping_inject_or_escape() -> None:
    text = render_comment(hostile_report())
    assert text.startswith(MARKER + "\n")
    row = next(ln for ln in text.splitlines() if ln.startswith("| ❌") and "schema" in ln)
    assert "@someone" not in row and "<img" not in row and "-->" not in row
    assert "://evil" not in row and not re.search(r"(?<!\\)\]\(javascript", row) and "#12" not in row
    assert "@\u200bsomeone" in row and "&lt;img" in row  # still readable
    # The URL of a link finding is shown as code, never as a live link.
    assert "🔗 ``" in text or "🔗 `" in text
    # Each table row is still one row: the | inside the text is escaped.
    rows = [ln for ln in text.splitlines() if ln.startswith("| ❌")]
    assert len(rows) == 2 and all(len(re.findall(r"(?<!\\)\|", ln)) == 5 for ln in rows)


def test_suggestion_fence_is_longer_than_anything_inside() -> None:
    block = fenced("a\n````\nb", "suggestion")
    assert block.startswith("`````suggestion\n") and block.endswith("\n`````")
    text = render_comment(hostile_report())
    m = re.search(r"(?m)^(`+)suggestion$", text)
    assert m and len(m.group(1)) == 4  # the suggestion holds ```, so the fence has four


def test_inline_and_code_helpers() -> None:
    assert inline("a\nb\r\nc") == "a b c"
    assert "&lt;b&gt;" in inline("<b>")
    assert inline("x" * 1000, 10).endswith("…") and len(inline("x" * 1000, 10)) == 10
    assert code("a`b") == "``a`b``" and code("`a") == "`` `a ``"
    assert code("a|b") == "`a\\|b`"


def test_verdicts() -> None:
    ok = render_comment(Report([], files=1, meta={"papers_checked": ["papers/a/b.yaml"]}))
    assert "✅ **paperlist: all checks passed** for 1 paper file." in ok and "全部检查通过" in ok
    warn = render_comment(Report([Finding("f", "warning", "duplicate", "maybe")], files=1))
    assert "no errors, 1 warning" in warn
    nothing = render_comment(Report([], files=0))
    assert "touches no paper files" in nothing
    assert status_for(Report([Finding("f", "error", "c", "m")]))[0] == "failure"
    assert status_for(Report([Finding("f", "warning", "c", "m")]))[0] == "success"


def test_links_into_the_diff_and_to_the_existing_paper() -> None:
    report = Report([Finding("papers/cvpr2021/new.yaml", "warning", "duplicate", "dup", line=7,
                             extra={"duplicate_of": "papers/cvpr2020/old.yaml"})],
                    meta={"merge_base": SHA, "repository": "octo/papers", "pr": 9, "run_id": 77})
    text = render_comment(report)
    assert "https://github.com/octo/papers/pull/9/files#diff-" in text and "R7)" in text
    assert f"(https://github.com/octo/papers/blob/{SHA}/papers/cvpr2020/old.yaml)" in text
    assert "https://github.com/octo/papers/actions/runs/77" in text


def test_untrusted_link_parts_are_dropped() -> None:
    report = Report([Finding("papers/a/b.yaml", "warning", "duplicate", "dup", line=1,
                             extra={"duplicate_of": "../../../etc/passwd"})],
                    meta={"merge_base": SHA, "repository": "octo/papers"})
    links = links_for(report, pr=2, server_url="javascript:alert(1)", summary_url="https://evil.example/x")
    assert links.server_url == "https://github.com" and links.summary_url is None
    text = render_comment(report, links)
    assert "/blob/" not in text and "evil" not in text


@pytest.mark.parametrize("n", [1, 300, 20000])
def test_always_fits(n: int) -> None:
    findings = [Finding(f"papers/cvpr2021/p{i}.yaml", "error", "schema", "m" * 590, line=i % 50 + 1,
                        message_zh="错" * 590, hint="h" * 290, hint_zh="提" * 290, suggestion="s" * 1999)
                for i in range(n)]
    text = render_comment(Report(findings, files=n), Links(repository="o/r", pr=1))
    assert len(text) <= GITHUB_LIMIT
    assert f"paperlist found {n} error" in text


def test_report_round_trip_and_refusals(tmp_path: Path) -> None:
    report = hostile_report()
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report.to_dict()), encoding="utf-8")
    back = load_report(path)
    assert back.findings == report.findings and back.meta["head_sha"] == SHA
    for bad in ([], {"findings": {}}, {"findings": [1]}, {"findings": [{"file": 1}]},
                {"findings": [{"file": "f", "check": "c", "message": "m", "severity": "fatal"}]},
                {"findings": [], "meta": []}):
        with pytest.raises(UsageError):
            report_from_dict(bad)
    # Meta fields of the wrong type are dropped, not trusted.
    r = report_from_dict({"findings": [], "meta": {"head_sha": "not-a-sha", "pr": "7", "run_id": True}})
    assert r.meta == {}
    path.write_text("{", encoding="utf-8")
    with pytest.raises(UsageError, match="not valid JSON"):
        load_report(path)
    with pytest.raises(UsageError, match="bytes"):
        load_report(path, max_bytes=0)


def test_an_english_only_list_gets_an_english_only_comment() -> None:
    from paperlist.output.comment import render_comment, report_from_dict, review_body

    finding = Finding(file="papers/2020/x.yaml", severity="error", check="schema", line=3,
                      message="year must be a number", message_zh="年份必须是数字", hint="write 2020",
                      hint_zh="写成 2020", suggestion="year: 2020")
    both = Report([finding], files=1)
    english = report_from_dict({**both.to_dict(), "meta": {"languages": ["en"]}})
    assert english.meta["languages"] == ["en"]
    body = render_comment(english)
    assert "year must be a number" in body and "write 2020" in body and "Suggested fix for line 3" in body
    assert not re.search("[\u4e00-\u9fff]", body), body
    assert "年份必须是数字" in render_comment(both) and "第 3 行" in render_comment(both)  # no languages: both
    assert not re.search("[\u4e00-\u9fff]", review_body("a" * 40, 1, zh=False))
    # The artifact is untrusted: anything but the two shapes a list can have is dropped.
    for bad in (["zh"], ["en", "fr"], "en", [["en"]], {"en": 1}):
        assert "languages" not in report_from_dict({**both.to_dict(), "meta": {"languages": bad}}).meta
