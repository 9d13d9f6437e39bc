"""``paperlist check`` on real git repositories: only what the change touches, and what it must not touch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from paperlist.cli import main
from support.prrepo import README, commit, git, make_list, write

GOOD = 'title: "{title}"\nvenue: CVPR\nyear: 2021\ntags: [other]\n'


def good(title: str) -> str:
    return GOOD.format(title=title)


def key(title: str) -> str:
    from paperlist.project.keys import paper_key

    return f"papers/cvpr2021/{paper_key(title)}.yaml"


@pytest.fixture(autouse=True)
def _not_in_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH", "PAPERLIST_TRUSTED", "GITHUB_TOKEN"):
        monkeypatch.delenv(var, raising=False)


def run(repo: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(repo), "check", "--base", "main", "--no-links", *args])


def branch(tmp: Path, papers: dict[str, str] | None = None) -> Path:
    repo = make_list(tmp / "list", papers)
    git(repo, "checkout", "--quiet", "-b", "pr")
    return repo


def report_of(repo: Path, *extra: str) -> tuple[Result, dict]:  # type: ignore[type-arg]
    out = repo.parent / "report.json"
    result = run(repo, "--report", str(out), *extra)
    return result, json.loads(out.read_text(encoding="utf-8"))


def test_a_clean_paper_passes_and_a_broken_file_it_did_not_touch_never_fails_it(tmp_path: Path) -> None:
    broken_on_main = {"papers/cvpr2020/broken.yaml": "title: [\n"}
    repo = branch(tmp_path, broken_on_main)
    write(repo, key("A Clean New Paper"), good("A Clean New Paper"))
    commit(repo)
    result, report = report_of(repo)
    assert result.exit_code == 0, result.output
    assert report["findings"] == [] and report["meta"]["verdict"] == "pass"
    assert report["meta"]["papers_checked"] == [key("A Clean New Paper")]
    assert report["summary"]["files"] == 1


def test_errors_in_the_change_fail_it_with_lines(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    write(repo, key("Bad Year Paper"), good("Bad Year Paper").replace("year: 2021", 'year: "2021"'))
    commit(repo)
    result, report = report_of(repo)
    assert result.exit_code == 1
    [f] = report["findings"]
    assert f["file"] == key("Bad Year Paper") and f["line"] == 3 and f["suggestion"] == "year: 2021"
    assert report["meta"]["verdict"] == "fail" and report["meta"]["counts"]["errors"] == 1


def test_only_changes_since_the_merge_base_count(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    write(repo, key("Contributor Paper"), good("Contributor Paper"))
    commit(repo)
    # main moves on after the PR branched, with a broken file: not the PR's business.
    git(repo, "checkout", "--quiet", "main")
    write(repo, "papers/cvpr2021/landed-meanwhile.yaml", "title: [\n")
    commit(repo, "meanwhile on main")
    git(repo, "checkout", "--quiet", "pr")
    result, report = report_of(repo)
    assert result.exit_code == 0, result.output
    assert [c["path"] for c in report["meta"]["changed"]] == [key("Contributor Paper")]


def test_renames_and_deletions(tmp_path: Path) -> None:
    title = "Renamed Paper Title"
    repo = make_list(tmp_path / "list", {"papers/cvpr2021/old-name.yaml": good(title),
                                         key("Doomed Paper"): good("Doomed Paper")})
    git(repo, "checkout", "--quiet", "-b", "pr")
    git(repo, "mv", "papers/cvpr2021/old-name.yaml", key(title))
    git(repo, "rm", "--quiet", key("Doomed Paper"))
    commit(repo)
    result, report = report_of(repo)
    assert result.exit_code == 0, result.output
    changed = {c["status"]: c for c in report["meta"]["changed"]}
    assert changed["R"]["old"] == "papers/cvpr2021/old-name.yaml" and changed["R"]["path"] == key(title)
    assert changed["D"]["path"] == key("Doomed Paper")
    [note] = report["findings"]
    assert note["severity"] == "notice" and "removes a paper" in note["message"]


def test_scope_workflows_tools_the_generated_readme_and_pages(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    write(repo, ".github/workflows/x.yml", "on: push\n")
    write(repo, "tools/paperlist/evil.py", "print(1)\n")
    write(repo, "vocab/extra.yaml", "tags: []\n")
    write(repo, "README.md", README.replace("<!-- paperlist:end -->", "- hand-written entry\n<!-- paperlist:end -->"))
    write(repo, "docs/notes.md", "fine\n")
    write(repo, "lists/cvpr2021.md", "1. **A paper slipped into a generated page**\n")
    write(repo, "paperlist.yaml", "site_url: https://evil.example/\n")
    commit(repo)
    result, report = report_of(repo)
    assert result.exit_code == 1
    by_file = {f["file"]: f for f in report["findings"]}
    assert by_file[".github/workflows/x.yml"]["severity"] == "error"
    assert by_file["tools/paperlist/evil.py"]["severity"] == "error"
    assert by_file["vocab/extra.yaml"]["severity"] == "warning"
    assert by_file["README.md"]["severity"] == "error" and "generated" in by_file["README.md"]["message"]
    assert by_file["lists/cvpr2021.md"]["severity"] == "error"
    assert "generated from papers/" in by_file["lists/cvpr2021.md"]["message"]
    assert by_file["paperlist.yaml"]["severity"] == "warning"
    assert "docs/notes.md" not in by_file
    # A maintainer's PR: the same edits are notices.
    result, report = report_of(repo, "--trusted")
    assert result.exit_code == 0 and {f["severity"] for f in report["findings"]} == {"notice"}


def test_readme_outside_the_markers_is_fine(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    write(repo, "README.md", "# A better intro\n" + README)
    commit(repo)
    result, report = report_of(repo)
    assert result.exit_code == 0 and report["findings"] == []


def test_odd_file_names_come_through(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    write(repo, "papers/cvpr2021/with space\tand tab.yaml", good("With Space"))
    commit(repo)
    result, report = report_of(repo)
    assert result.exit_code == 1
    assert report["meta"]["papers_checked"] == ["papers/cvpr2021/with space\tand tab.yaml"]


def test_usage_errors_are_one_line_exit_2(tmp_path: Path) -> None:
    repo = branch(tmp_path)
    result = CliRunner().invoke(main, ["--root", str(repo), "check", "--base", "no-such-branch", "--no-links"])
    assert result.exit_code == 2 and "unknown git ref 'no-such-branch'" in result.output
    result = CliRunner().invoke(main, ["--root", str(repo), "check", "--base", "--upload-pack=x", "--no-links"])
    assert result.exit_code == 2
    result = CliRunner().invoke(main, ["--root", str(repo), "check", "--base", "main", "--head", "main~0",
                                       "--no-links"])
    assert result.exit_code == 1 and "nothing to check" in result.output  # pr == main: no false all-clear
    write(repo, key("Later"), good("Later"))
    commit(repo)
    result = run(repo, "--head", "main")
    assert result.exit_code == 2 and "check out the head first" in result.output
    plain = tmp_path / "plain"
    plain.mkdir()
    result = CliRunner().invoke(main, ["--root", str(plain), "check", "--base", "main"])
    assert result.exit_code == 2 and "not a git checkout" in result.output


def test_in_actions_it_annotates_and_writes_the_job_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = branch(tmp_path)
    write(repo, key("Bad Year Paper"), good("Bad Year Paper").replace("year: 2021", 'year: "2021"'))
    commit(repo)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_RUN_ID", "12")
    monkeypatch.setenv("GITHUB_REPOSITORY", "octo/papers")
    result = run(repo)
    assert result.exit_code == 1
    assert result.output.startswith(f"::error file={key('Bad Year Paper')},line=3")
    text = summary.read_text(encoding="utf-8")
    assert "paperlist found 1 error" in text and "```suggestion\nyear: 2021\n```" in text


def test_a_symlink_in_the_pr_is_reported_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("title: TOP SECRET https://example.invalid/leak\n", encoding="utf-8")
    repo = branch(tmp_path)
    (repo / "papers" / "cvpr2021").mkdir(parents=True)
    (repo / "papers/cvpr2021/leak.yaml").symlink_to(secret)
    commit(repo)
    # Links on: the link checker must not follow the symlink either (no network is reached:
    # there is nothing to check once the file is refused).
    monkeypatch.setenv("PAPERLIST_ARXIV_API", "http://127.0.0.1:9")
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PAPERLIST_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["--root", str(repo), "check", "--base", "main", "--report", str(out)])
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8")
    assert "symbolic link" in text and "SECRET" not in text and "leak\\n" not in text
    assert "example.invalid" not in text


def test_each_changed_paper_is_parsed_once_for_all_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # validate, dupes and links all read the PR's files; the load step hands them one parse.
    from paperlist.project import loader

    repo = branch(tmp_path, {key("An Old Paper"): good("An Old Paper")})
    new = key("A New Paper With Links")
    write(repo, new, good("A New Paper With Links") + 'links:\n  code: ["http://127.0.0.1:9/x"]\n')
    commit(repo)
    parsed: list[str] = []
    real = loader.parse_text

    def counting(pf: loader.PaperFile, raw: bytes, *rules: loader.FileRules) -> loader.PaperFile:
        parsed.append(pf.rel)
        return real(pf, raw, *rules)

    monkeypatch.setattr(loader, "parse_text", counting)
    result = CliRunner().invoke(main, ["--root", str(repo), "check", "--base", "main", "--format", "json"])
    report = json.loads(result.output)
    assert {f["check"] for f in report["findings"]} >= {"link"}, report["findings"]  # links did read it
    assert parsed.count(new) == 1, parsed
