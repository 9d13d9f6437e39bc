"""A pull request cannot quietly switch off its own checks through the config files the check reads."""

from __future__ import annotations

from pathlib import Path

from support.prrepo import commit, write
from test_check import _not_in_actions, branch, good, key, report_of  # noqa: F401 - autouse fixture


def test_editing_link_exclusions_fails_an_untrusted_pr(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    write(repo, key("A New Paper"), good("A New Paper"))
    write(repo, "linkcheck.yaml", "exclude:\n  - pattern: '.*'\n    reason: trust me\n")
    commit(repo)
    result, report = report_of(repo)
    assert result.exit_code == 1
    scope = [f for f in report["findings"] if f["check"] == "scope"]
    assert [(f["file"], f["severity"]) for f in scope] == [("linkcheck.yaml", "error")]


def test_declaring_not_duplicates_is_flagged_for_a_maintainer(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    write(repo, "not-duplicates.yaml", "pairs: []\n")
    commit(repo)
    _, report = report_of(repo)
    scope = [f for f in report["findings"] if f["check"] == "scope"]
    assert [(f["file"], f["severity"]) for f in scope] == [("not-duplicates.yaml", "warning")]


def test_a_committed_cache_folder_fails_an_untrusted_pr(tmp_path: Path) -> None:
    from support.prrepo import git

    repo = branch(tmp_path)
    write(repo, key("A New Paper"), good("A New Paper"))
    write(repo, ".paperlist-cache/index.sqlite", "not really a database\n")
    git(repo, "add", "-f", ".paperlist-cache")
    commit(repo)
    result, report = report_of(repo)
    assert result.exit_code == 1
    scope = [f for f in report["findings"] if f["check"] == "scope"]
    assert [(f["file"], f["severity"]) for f in scope] == [(".paperlist-cache/index.sqlite", "error")]
