"""A pull request whose net change under papers/ is empty (a paper added then removed, a revert), on
real git repositories: green with one notice in GitHub Actions, the "not committed" trap on a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from paperlist.cli import main
from paperlist.output.comment import load_report, render_comment
from support.prrepo import commit, git, make_list, write

NEW = "papers/cvpr2021/a-paper-added-and-removed.yaml"
GOOD = 'title: "A Paper Added and Removed"\nvenue: CVPR\nyear: 2021\ntags: [other]\n'


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH", "PAPERLIST_TRUSTED", "GITHUB_TOKEN"):
        monkeypatch.delenv(var, raising=False)


def _empty_pr(tmp_path: Path, how: str) -> Path:
    repo = make_list(tmp_path / "list")
    git(repo, "checkout", "--quiet", "-b", "pr")
    write(repo, NEW, GOOD)
    commit(repo, "Add a paper")
    if how == "removed":
        (repo / NEW).unlink()
        commit(repo, "Remove it again")
    else:
        git(repo, "revert", "--no-edit", "HEAD")
    return repo


def _check(repo: Path, *extra: str) -> tuple[Result, dict]:  # type: ignore[type-arg]
    out = repo.parent / "report.json"
    # Links on, as in the PR job: nothing under papers/ means nothing is fetched either.
    result = CliRunner().invoke(main, ["--root", str(repo), "check", "--base", "main", "--report", str(out), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result, json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("how", ["removed", "reverted"])
def test_in_actions_an_empty_net_change_is_green_with_one_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 how: str) -> None:
    repo = _empty_pr(tmp_path, how)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result, report = _check(repo)
    assert result.exit_code == 0, result.output
    notices = [ln for ln in result.output.splitlines() if ln.startswith("::")]
    assert len(notices) == 1 and notices[0].startswith("::notice ")
    assert "nothing to check" in notices[0] and "papers/" in notices[0]
    assert "%0A" not in notices[0]  # one line: no hint telling a CI run to commit its file
    [f] = report["findings"]
    assert (f["severity"], f["check"]) == ("notice", "scope") and "not-committed" not in result.output
    assert f["message_zh"] and report["meta"]["verdict"] == "pass" and report["meta"]["papers_checked"] == []
    assert "nothing to check" in summary.read_text(encoding="utf-8")
    body = render_comment(load_report(repo.parent / "report.json"))
    assert "nothing to check" in body and "❌" not in body


@pytest.mark.parametrize("how", ["removed", "reverted"])
def test_on_a_terminal_the_same_change_is_still_the_not_committed_trap(tmp_path: Path, how: str) -> None:
    repo = _empty_pr(tmp_path, how)
    result, report = _check(repo, "--no-links")
    assert result.exit_code == 1
    [f] = report["findings"]
    assert (f["severity"], f["check"]) == ("error", "not-committed")
    assert "changes nothing compared with main" in f["message"] and "git commit" in f["hint"]


def test_in_actions_a_real_paper_change_is_still_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_list(tmp_path / "list")
    git(repo, "checkout", "--quiet", "-b", "pr")
    write(repo, NEW, GOOD.replace("year: 2021", 'year: "2021"'))
    commit(repo)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result, report = _check(repo, "--no-links")
    assert result.exit_code == 1
    assert any(f["file"] == NEW and f["severity"] == "error" and f["line"] == 3 for f in report["findings"])
    assert all("nothing to check" not in f["message"] for f in report["findings"])
