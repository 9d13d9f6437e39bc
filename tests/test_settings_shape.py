"""Every command is a settings object and one ``run_<command>(settings)`` call (check-jsonschema's
``execute(args)`` shape): the library entry points called directly, with no click in between, on
tiny projects; and each click command filling exactly the settings its options say."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from paperlist.checks.dupes import DupesSettings, run_dupes
from paperlist.checks.links import LinksResult, LinksSettings, run_links
from paperlist.checks.validate import ValidateSettings, run_validate
from paperlist.cli import main
from paperlist.errors import PaperlistError, UsageError
from paperlist.findings import EXIT_NETWORK, Report
from paperlist.github.check import CheckSettings
from paperlist.infra.gitdiff import PushResult
from paperlist.output.render import PublishReadmeSettings, RenderSettings, run_publish_readme, run_render
from paperlist.output.site import SiteSettings
from paperlist.sources.new import NewPlan, NewRequest, NewResult, NewSettings, run_new
from projectkit import add_paper, make_project, tree_digest
from support.linkservers import LinkFarm, make_link_project

# -- the entry points, without the command line ----------------------------------------------------


def test_run_validate_reports_the_bad_file_and_only_the_files_asked_for(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    good = add_paper(root, "A Good Paper")
    add_paper(root, "A Bad Paper", tags=("no-such-tag",))
    everything = run_validate(ValidateSettings(root=root))
    assert everything.exit_code == 1
    assert {f.file for f in everything.findings if f.severity == "error"} == {"papers/cvpr2020/a-bad-paper.yaml"}
    only_good = run_validate(ValidateSettings(root=root, files=(good,), jobs=1))
    assert only_good.exit_code == 0 and only_good.files == 1


def test_run_render_check_changes_nothing_and_the_real_run_writes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    add_paper(root, "A Paper on Detection")
    before = tree_digest(root)
    stale = run_render(RenderSettings(root=root, check=True))
    assert stale.exit_code == 1 and "lists/cvpr2020.md" in stale.meta["changed"]
    assert tree_digest(root) == before  # check=True writes nothing
    done = run_render(RenderSettings(root=root))
    assert done.exit_code == 0 and (root / "lists" / "cvpr2020.md").is_file()
    assert "A Paper on Detection" in (root / "lists" / "cvpr2020.md").read_text(encoding="utf-8")
    again = run_render(RenderSettings(root=root, check=True))
    assert again.exit_code == 0 and again.meta["changed"] == []


def test_run_dupes_finds_the_pair_and_refuses_nothing_to_check(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    first = add_paper(root, "Swin Transformer", arxiv="2103.14030")
    add_paper(root, "Swin Transformer Again", arxiv="2103.14030")
    report = run_dupes(DupesSettings(root=root, files=(first,), use_cache=False))
    assert report.exit_code == 1
    assert [f.check for f in report.findings if f.severity == "error"] == ["duplicate"]
    whole = run_dupes(DupesSettings(root=root, check_all=True, cache_dir=tmp_path / "cache"))
    assert whole.errors == 1 and (tmp_path / "cache").is_dir()
    with pytest.raises(UsageError, match="--all"):
        run_dupes(DupesSettings(root=root))
    with pytest.raises(UsageError, match="no such file"):
        run_dupes(DupesSettings(root=root, files=(root / "papers" / "nope.yaml",)))


def test_run_links_judges_links_and_says_when_the_run_is_inconclusive(tmp_path: Path) -> None:
    root = make_link_project(tmp_path)
    with LinkFarm() as farm:
        doc = root / "doc.md"
        doc.write_text(f"[ok]({farm.url}/ok/1) [dead]({farm.url}/missing/1)\n", encoding="utf-8")
        result = run_links(LinksSettings(root=root, files=(doc,), timeout=2, allow_private=True, use_cache=False))
    assert result.network_down is None and result.exit_code == 1
    assert [f.extra.get("url") for f in result.report.findings if f.severity == "error"] == [f"{farm.url}/missing/1"]
    with pytest.raises(UsageError, match="--all"):
        run_links(LinksSettings(root=root))
    # A run that could not reach the network is neither clean nor broken: exit 3.
    assert LinksResult(Report([]), network_down="DNS failed on 5 hosts").exit_code == EXIT_NETWORK


def test_run_new_dry_run_writes_nothing_and_the_real_run_writes_a_valid_file(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    request = NewRequest(title="A Brand New Paper", venue="CVPR", year=2020, tags=("other",), authors=("Ann Lee",))
    before = tree_digest(root)
    dry = run_new(NewSettings(root=root, request=request, dry_run=True))
    assert dry.written == [] and dry.exit_code == 0 and [w.rel for w in dry.plan.writes] == [
        "papers/cvpr2020/a-brand-new-paper.yaml"]
    assert tree_digest(root) == before
    done = run_new(NewSettings(root=root, request=request))
    assert done.written == ["papers/cvpr2020/a-brand-new-paper.yaml"] and done.exit_code == 0
    assert run_validate(ValidateSettings(root=root)).exit_code == 0
    refused = run_new(NewSettings(root=root, request=NewRequest(title="Other", venue="CVPR", year=2020,
                                                                tags=("magic",))))
    assert refused.written == [] and refused.exit_code == 1
    assert not (root / "papers" / "cvpr2020" / "other.yaml").exists()


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def test_run_publish_readme_pushes_only_a_change_and_never_a_broken_render(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in {"HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t",
                 "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}.items():
        monkeypatch.setenv(k, v)
    root = make_project(tmp_path / "p")
    add_paper(root, "A Paper on Detection")
    bare = tmp_path / "remote.git"
    _git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    _git(root, "init", "--quiet", "--initial-branch=main")
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "papers")
    _git(root, "remote", "add", "origin", str(bare))
    _git(root, "push", "--quiet", "origin", "main")
    settings = PublishReadmeSettings(root=root, attempts=1)
    pushed = run_publish_readme(settings)
    assert pushed.pushed and pushed.commit == _git(bare, "rev-parse", "main").strip()
    assert "lists/cvpr2020.md" in _git(bare, "ls-tree", "-r", "--name-only", "main")
    assert not run_publish_readme(settings).pushed  # nothing changed: nothing committed
    (root / "lists" / "notes.md").write_text("not generated\n", encoding="utf-8")  # render refuses this
    tip = _git(bare, "rev-parse", "main")
    with pytest.raises(PaperlistError, match="could not be regenerated"):
        run_publish_readme(settings)
    assert _git(bare, "rev-parse", "main") == tip


# -- each click command fills the settings and calls its entry point -------------------------------


def _fake(seen: list[Any], result: Any) -> Any:
    def entry(settings: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(settings)
        return result
    return entry


_CASES = [
    ("paperlist.cli.validate_cmd.run_validate", ["validate", "papers/a.yaml", "--jobs", "3"],
     lambda root: ValidateSettings(root=root, files=(Path("papers/a.yaml"),), jobs=3), Report([])),
    ("paperlist.output.render.run_render", ["render", "--check", "--format", "json"],
     lambda root: RenderSettings(root=root, check=True), Report([])),
    ("paperlist.checks.dupes.run_dupes", ["dupes", "--all", "--no-cache", "--cache-dir", "c"],
     lambda root: DupesSettings(root=root, check_all=True, cache_dir=Path("c"), use_cache=False), Report([])),
    ("paperlist.cli.links_cmd.run_links", ["links", "--all", "--timeout", "2.5", "--allow-private", "--shard", "2/4",
                                           "--no-cache", "a.md"],
     lambda root: LinksSettings(root=root, files=(Path("a.md"),), all_papers=True, timeout=2.5, allow_private=True,
                                shard=(2, 4), use_cache=False, github_token="t0ken"), LinksResult(Report([]))),
    ("paperlist.sources.new.run_new", ["new", "--title", "T", "--venue", "CVPR", "--year", "2021", "--tag", "a",
                                      "--tag", "b", "--author", "X, Y", "--code", "https://github.com/o/r",
                                      "--workshop", "--dry-run"],
     lambda root: NewSettings(root=root, request=NewRequest(
         title="T", venue="CVPR", year=2021, tags=("a", "b"), authors=("X, Y",), code=("https://github.com/o/r",),
         workshop=True), dry_run=True), None),
    ("paperlist.output.render.run_publish_readme",
     ["publish-readme", "--remote", "up", "--branch", "trunk", "--attempts", "2"],
     lambda root: PublishReadmeSettings(root=root, remote="up", branch="trunk", attempts=2), PushResult(False, 1)),
    # The commands that had the shape already keep it.
    ("paperlist.github.check.run_check", ["check", "--base", "origin/main", "--no-links", "--trusted"],
     lambda root: CheckSettings(root=root, base="origin/main", links=False, trusted=True, github_token="t0ken"),
     Report([])),
    ("paperlist.cli.site_cmd.run_site", ["site", "--out", "_site", "--format", "json"],
     lambda root: SiteSettings(root=root, out=Path.cwd() / "_site"), Report([])),
]


@pytest.mark.parametrize("case", _CASES, ids=[c[1][0] for c in _CASES])
def test_each_command_builds_its_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          case: tuple[str, list[str], Any, Any]) -> None:
    where, argv, expected, result = case
    seen: list[Any] = []
    if result is None:  # run_new's result holds the plan the command prints
        result = NewResult(NewPlan(tmp_path))
    monkeypatch.setattr(where, _fake(seen, result))
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("PAPERLIST_TRUSTED", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text("", encoding="utf-8")
    out = CliRunner().invoke(main, ["--root", str(tmp_path), *argv], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert seen == [expected(tmp_path.resolve())]
