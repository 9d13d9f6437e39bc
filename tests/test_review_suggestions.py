"""Ready-made fixes become one review of suggestions on the PR, which a contributor new to git applies
with "Commit suggestion": posted once per commit, never twice, never on lines outside the diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from paperlist.cli import main
from paperlist.findings import Finding, Report
from support.fake_github import FakeGitHub

REPO = "octo/papers"
SHA = "b" * 40
NEW = "papers/cvpr2021/a-new-paper.yaml"
OLD = "papers/cvpr2020/an-old-paper.yaml"


@pytest.fixture
def fake() -> FakeGitHub:
    with FakeGitHub() as f:
        f.add_repo(REPO)
        f.add_pull(REPO, 7, head_sha=SHA, files={NEW: [1, 2, 3, 4, 5], OLD: [9]})
        yield f


def _report(tmp_path: Path, findings: list[Finding], *, changed: list[dict[str, str]] | None = None) -> Path:
    meta = {"head_sha": SHA, "pr": 7, "papers_checked": [NEW],
            "changed": changed if changed is not None else [{"status": "A", "path": NEW}]}
    p = tmp_path / "report.json"
    p.write_text(json.dumps(Report(findings, files=1, meta=meta).to_dict()), encoding="utf-8")
    return p


def _comment(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, report: Path, *extra: str) -> Result:
    for k, v in {"GITHUB_API_URL": fake.url, "GITHUB_REPOSITORY": REPO, "GITHUB_TOKEN": "t",
                 "GITHUB_SERVER_URL": "https://github.com"}.items():
        monkeypatch.setenv(k, v)
    return CliRunner().invoke(main, ["comment", "--report", str(report), "--pr", "7", "--head-sha", SHA, *extra])


YEAR = Finding(NEW, "error", "schema", "year must be a whole number, not a string ('2021')", line=3, column=1,
               message_zh="year 的类型错误", suggestion="year: 2021")
ARXIV = Finding(NEW, "error", "schema", "arxiv must be a string", line=4, column=1,
                suggestion='arxiv: "2103.09460"')


def test_fixes_become_one_review_of_suggestions(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    result = _comment(fake, monkeypatch, _report(tmp_path, [YEAR, ARXIV]))
    assert result.exit_code == 0, result.output
    assert "suggestions created" in result.output
    (review,) = fake.reviews_on(REPO, 7)
    assert review["body"].startswith(f"<!-- paperlist:suggestions {SHA} -->")
    assert review["state"] == "COMMENTED" and review["commit_id"] == SHA
    by_line = {c["line"]: c for c in review["_comments"]}
    assert set(by_line) == {3, 4}
    assert by_line[3]["path"] == NEW and by_line[3]["side"] == "RIGHT"
    assert "```suggestion\nyear: 2021\n```" in by_line[3]["body"]
    # The comment still carries the same fixes, for those who read it there.
    assert len(fake.comments_on(REPO, 7)) == 1


def test_a_rerun_for_the_same_commit_posts_nothing(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    report = _report(tmp_path, [YEAR])
    assert _comment(fake, monkeypatch, report).exit_code == 0
    again = _comment(fake, monkeypatch, report)
    assert again.exit_code == 0 and "suggestions unchanged" in again.output
    assert len(fake.reviews_on(REPO, 7)) == 1


def test_no_second_review_after_a_502(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    report = _report(tmp_path, [YEAR])
    # The comment and the status go first; make the review POST the half-processed one.
    assert _comment(fake, monkeypatch, report, "--no-suggestions").exit_code == 0
    fake.fail_next_post_after_processing = True
    result = _comment(fake, monkeypatch, report, "--no-status")
    assert result.exit_code == 0, result.output
    assert len(fake.reviews_on(REPO, 7)) == 1


def test_only_added_files_get_suggestions(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    # A modified file's line 3 may not be in the diff: GitHub would refuse the whole review.
    old = Finding(OLD, "error", "schema", "year must be a whole number", line=3, suggestion="year: 2020")
    report = _report(tmp_path, [old], changed=[{"status": "M", "path": OLD}])
    result = _comment(fake, monkeypatch, report)
    assert result.exit_code == 0 and fake.reviews_on(REPO, 7) == []


def test_a_refused_review_does_not_fail_the_job(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    # A forged report claims a line the PR does not change: GitHub answers 422; the comment stands.
    forged = Finding(NEW, "error", "schema", "x", line=99, suggestion="title: x")
    result = _comment(fake, monkeypatch, _report(tmp_path, [forged]))
    assert result.exit_code == 0
    assert "suggestions not posted" in result.output and "422" in result.output
    assert fake.reviews_on(REPO, 7) == [] and len(fake.comments_on(REPO, 7)) == 1


def test_suggestion_text_cannot_break_out_of_its_block(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    hostile = Finding(NEW, "error", "schema", "@someone <img src=x onerror=alert(1)>", line=2,
                      suggestion="title: ``` <!-- paperlist:suggestions x --> @someone")
    assert _comment(fake, monkeypatch, _report(tmp_path, [hostile])).exit_code == 0
    (review,) = fake.reviews_on(REPO, 7)
    body = review["_comments"][0]["body"]
    assert "<img" not in body and "@someone <" not in body
    fence = body.split("suggestion\n")[0].rsplit("\n", 1)[-1]
    assert len(fence) > 3 and set(fence) == {"`"}, "the fence must be longer than any backtick run inside"
