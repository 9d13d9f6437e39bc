"""paperlist refresh pr: the shards' results become one pull request on paperlist/refresh.

Real git repositories in temp folders play GitHub's copy of the list (a bare repository the fake
GitHub reads branch heads from), the merge job's checkout and each shard job's checkout; the shard
jobs run the real ``paperlist refresh authors`` against the stand-in arXiv; real PyGithub talks to
the stand-in GitHub (tests/support/fake_github.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from support.fake_arxiv import ArxivRecord, FakeArxivAPI
from support.fake_github import BOT_LOGIN, FakeGitHub
from support.prrepo import GIT_ENV, git, make_list

REPO_NAME = "octo/papers"
BRANCH = "paperlist/refresh"


def paper(title: str, aid: str, year: int = 2021, extra: str = "") -> str:
    return f'title: "{title}"\nvenue: CVPR\nyear: {year}\narxiv: "{aid}"\n{extra}tags: [other]\n'


PAPERS = {
    "papers/cvpr2020/a-first-paper-about-optical-flow.yaml": paper("A First Paper About Optical Flow", "2003.00001",
                                                                   2020),
    "papers/cvpr2021/a-second-paper-about-stereo-matching.yaml": paper("A Second Paper About Stereo Matching",
                                                                       "2103.00002"),
    "papers/cvpr2021/a-third-paper-about-depth.yaml": paper("A Third Paper About Depth", "2103.00003"),
}
KNOWN = {
    "2003.00001": ArxivRecord("A First Paper About Optical Flow", ("Ann Lee", "Bo Chen")),
    "2103.00002": ArxivRecord("A Second Paper About Stereo Matching", ("Cy Dong",)),
}
NO_REPOS = {"moved": [], "archived": [], "gone": [], "stopped_for_budget": False, "network_down": False}


@dataclass
class World:
    tmp: Path
    bare: Path
    runner: Path
    github: FakeGitHub
    arxiv: FakeArxivAPI
    runs: int = 0

    def env(self) -> dict[str, str]:
        return {**os.environ, **GIT_ENV, "GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": REPO_NAME,
                "GITHUB_API_URL": self.github.url, "PAPERLIST_ARXIV_API": self.arxiv.url}

    def cli(self, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        # Each checkout has its own cache (<root>/.paperlist-cache), as each matrix job has its own runner.
        return subprocess.run([sys.executable, "-m", "paperlist", "--root", str(cwd), *args], cwd=cwd,
                              env=self.env(), capture_output=True, text=True, timeout=120, check=False)

    def shards(self, n: int = 1, repos: dict[int, dict[str, Any]] | None = None) -> Path:
        """Every shard job of one run: check out main, refresh authors, leave summaries and a patch."""
        self.runs += 1
        out = self.tmp / f"run{self.runs}"
        for k in range(1, n + 1):
            ws = self.tmp / f"run{self.runs}-shard{k}"
            subprocess.run(["git", "clone", "--quiet", str(self.bare), str(ws)], check=True, env=self.env())
            folder = out / f"refresh-{k}"
            r = self.cli(ws, "refresh", "authors", "--shard", f"{k}/{n}", "--summary", str(folder / "authors.json"))
            assert r.returncode in (0, 3), r.stderr
            (folder / "repos.json").write_text(json.dumps((repos or {}).get(k, NO_REPOS)), encoding="utf-8")
            git(ws, "add", "-A")
            (folder / "changes.patch").write_text(git(ws, "diff", "--cached", "--binary", "--", "papers", "data"),
                                                  encoding="utf-8")
        return out

    def pr(self, summaries: Path, *args: str) -> subprocess.CompletedProcess[str]:
        subprocess.run(["git", "pull", "--quiet", "--ff-only"], cwd=self.runner, check=True, env=self.env())
        return self.cli(self.runner, "refresh", "pr", "--summaries", str(summaries), *args)

    def branch_head(self) -> str | None:
        out = subprocess.run(["git", "--git-dir", str(self.bare), "rev-parse", "--verify", "--quiet",
                              f"refs/heads/{BRANCH}"], capture_output=True, text=True, check=False).stdout.strip()
        return out or None

    def show(self, rel: str, ref: str = BRANCH) -> str:
        return subprocess.run(["git", "--git-dir", str(self.bare), "show", f"{ref}:{rel}"], capture_output=True,
                              text=True, check=True).stdout

    def pulls(self) -> list[dict[str, Any]]:
        return self.github.pulls_in(REPO_NAME)


def _world(tmp_path: Path, extra: dict[str, str] | None = None) -> Iterator[World]:
    src = make_list(tmp_path / "src", {**PAPERS, **(extra or {})})
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(src), str(bare)], check=True)
    runner = tmp_path / "runner"
    subprocess.run(["git", "clone", "--quiet", str(bare), str(runner)], check=True)
    with FakeGitHub() as github, FakeArxivAPI(dict(KNOWN)) as arxiv:
        github.add_repo(REPO_NAME)
        github.git_dir = str(bare)
        yield World(tmp_path, bare, runner, github, arxiv)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    yield from _world(tmp_path)


@pytest.fixture(params=[["en"], ["en", "zh"]], ids=["en", "en-zh"])
def languages_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """A list whose paperlist.yaml says ``languages`` (the param)."""
    yield from _world(tmp_path, {"paperlist.yaml": f"languages: {json.dumps(request.param)}\n"})


def test_one_pull_request_then_the_same_one_updated(world: World) -> None:
    first = world.pr(world.shards(2), "--shards", "2")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "pull request created" in first.stdout
    [pull] = world.pulls()
    assert pull["head"]["ref"] == BRANCH and pull["base"]["ref"] == "main" and pull["state"] == "open"
    body = pull["body"]
    assert body.startswith("<!-- paperlist:refresh -->") and "Metadata refresh · 元数据更新" in body
    assert "| Authors added from arXiv · 从 arXiv 补充作者 | 2 |" in body
    assert "`papers/cvpr2021/a-second-paper-about-stereo-matching.yaml`" in body and "Cy Dong" in body
    assert "  - Ann Lee\n  - Bo Chen\n" in world.show("papers/cvpr2020/a-first-paper-about-optical-flow.yaml")
    # The merge job's checkout is not touched: the commit is made in a scratch worktree.
    assert git(world.runner, "rev-parse", "HEAD") == git(world.runner, "rev-parse", "origin/main")
    assert git(world.runner, "status", "--porcelain") == ""
    bot = subprocess.run(["git", "--git-dir", str(world.bare), "log", "--format=%an|%s", "main.." + BRANCH],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(bot) == 1 and bot[0].startswith("github-actions[bot]|Metadata refresh: authors for 2 paper(s)")

    # arXiv learns the third paper: the next run replaces the bot's branch and edits the same PR.
    world.arxiv.papers["2103.00003"] = ArxivRecord("A Third Paper About Depth", ("Di Ek",))
    second = world.pr(world.shards(2), "--shards", "2")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "pull request updated" in second.stdout
    [again] = world.pulls()
    assert again["number"] == pull["number"] and "| Authors added from arXiv · 从 arXiv 补充作者 | 3 |" in again["body"]
    assert "  - Di Ek\n" in world.show("papers/cvpr2021/a-third-paper-about-depth.yaml")
    parents = subprocess.run(["git", "--git-dir", str(world.bare), "log", "--format=%P", "-1", BRANCH],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert parents == git(world.runner, "rev-parse", "HEAD").strip()  # one bot commit on main, not a pile

    third = world.pr(world.shards(2), "--shards", "2")
    assert "branch paperlist/refresh unchanged" in third.stdout and "pull request unchanged" in third.stdout


def test_a_maintainers_push_on_the_branch_is_never_overwritten(world: World) -> None:
    assert world.pr(world.shards()).returncode == 0
    maintainer = world.tmp / "maintainer"
    subprocess.run(["git", "clone", "--quiet", "--branch", BRANCH, str(world.bare), str(maintainer)], check=True)
    rel = "papers/cvpr2021/a-third-paper-about-depth.yaml"
    (maintainer / rel).write_text(paper("A Third Paper About Depth", "2103.00003",
                                        extra="authors: [Hand Written]\n"), encoding="utf-8")
    git(maintainer, "commit", "--quiet", "-am", "Add the third paper's authors by hand")
    git(maintainer, "push", "--quiet", "origin", BRANCH)
    theirs = world.branch_head()
    [pull] = world.pulls()

    world.arxiv.papers["2103.00003"] = ArxivRecord("A Third Paper About Depth", ("Di Ek",))
    for _ in range(2):
        held = world.pr(world.shards())
        assert held.returncode == 0, held.stdout + held.stderr
        assert "not pushed, nothing overwritten" in held.stdout
        assert world.branch_head() == theirs  # not force-pushed
        assert "authors: [Hand Written]" in world.show(rel)
        [same] = world.pulls()
        assert same["body"] == pull["body"]  # the body still describes what the branch holds
        notes = [c for c in world.github.comments_on(REPO_NAME, pull["number"])
                 if c["body"].startswith("<!-- paperlist:refresh-held -->")]
        assert len(notes) == 1 and "本分支未更新" in notes[0]["body"] and notes[0]["user"]["login"] == BOT_LOGIN

    # Merged: the next run starts a new PR from main (not stuck on the merged one).
    git(maintainer, "push", "--quiet", "origin", f"{BRANCH}:main")
    world.github.merge_pull(REPO_NAME, pull["number"])
    nothing = world.pr(world.shards())
    assert "nothing to change: no pull request opened" in nothing.stdout and len(world.pulls()) == 1
    new = "papers/cvpr2021/a-fourth-paper-about-flow.yaml"
    (maintainer / new).write_text(paper("A Fourth Paper About Flow", "2103.00004"), encoding="utf-8")
    git(maintainer, "add", new)
    git(maintainer, "commit", "--quiet", "-m", "A fourth paper")
    git(maintainer, "push", "--quiet", "origin", f"{BRANCH}:main")
    world.arxiv.papers["2103.00004"] = ArxivRecord("A Fourth Paper About Flow", ("Fa Gu",))
    fresh = world.pr(world.shards())
    assert "pull request created" in fresh.stdout, fresh.stdout + fresh.stderr
    assert [p["state"] for p in world.pulls()] == ["closed", "open"]
    assert "  - Fa Gu\n" in world.show(new)


def test_an_empty_result_opens_nothing_and_an_empty_bot_pr_is_closed(world: World) -> None:
    world.arxiv.papers.clear()
    empty = world.pr(world.shards(2), "--shards", "2")
    assert empty.returncode == 0, empty.stdout + empty.stderr
    assert "nothing to change: no pull request opened" in empty.stdout
    assert world.pulls() == [] and world.branch_head() is None

    world.arxiv.papers.update(KNOWN)
    assert world.pr(world.shards()).returncode == 0
    # The authors reach main another way (a maintainer's own PR): nothing is left for the bot's PR.
    ws = world.tmp / "main-edit"
    subprocess.run(["git", "clone", "--quiet", str(world.bare), str(ws)], check=True)
    for rel in PAPERS:
        (ws / rel).write_text(world.show(rel), encoding="utf-8")
    git(ws, "add", "-A")
    git(ws, "commit", "--quiet", "-m", "authors by hand")
    git(ws, "push", "--quiet", "origin", "HEAD:main")
    closed = world.pr(world.shards())
    assert "nothing left to change: closed" in closed.stdout, closed.stdout + closed.stderr
    assert [p["state"] for p in world.pulls()] == ["closed"]


def test_a_run_that_could_not_reach_the_network_or_lost_a_shard_changes_nothing(world: World) -> None:
    assert world.pr(world.shards()).returncode == 0
    before = (world.branch_head(), [p["body"] for p in world.pulls()])
    world.arxiv.papers["2103.00003"] = ArxivRecord("A Third Paper About Depth", ("Di Ek",))
    down = world.shards(2, repos={2: {**NO_REPOS, "network_down": True, "network_reason": "GitHub unreachable"}})
    r = world.pr(down)
    assert r.returncode == 3 and "inconclusive" in r.stdout and "GitHub unreachable" in r.stdout
    assert (world.branch_head(), [p["body"] for p in world.pulls()]) == before

    lost = world.shards(2)
    for name in ("authors.json", "repos.json", "changes.patch"):
        (lost / "refresh-2" / name).unlink()
    r = world.pr(lost, "--shards", "2")
    assert r.returncode == 3 and "1 of 2 `refresh authors` summaries" in r.stdout
    assert (world.branch_head(), [p["body"] for p in world.pulls()]) == before


def test_budget_stop_is_said_and_what_was_checked_is_proposed(world: World) -> None:
    budget = world.shards(2, repos={1: {**NO_REPOS, "stopped_for_budget": True}})
    r = world.pr(budget, "--shards", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    [pull] = world.pulls()
    assert "The GitHub budget ran out · GitHub 额度用尽" in pull["body"] and "| 2 |" in pull["body"]


def test_archived_and_gone_repositories_are_told_to_the_sweep_issue_once(world: World) -> None:
    repos = {1: {**NO_REPOS, "gone": [{"repo": "someone/deleted", "paper": "papers/cvpr2020/a-first-paper-about-"
                                               "optical-flow.yaml", "url": "https://github.com/someone/deleted"}],
                 "archived": [{"repo": "old/frozen", "paper": "papers/cvpr2020/a-first-paper-about-optical-flow.yaml",
                               "url": "https://github.com/old/frozen"}]}}
    first = world.pr(world.shards(repos=repos))
    assert first.returncode == 0, first.stdout + first.stderr
    [issue] = world.github.issues_in(REPO_NAME)  # gone repositories open the sweep issue
    assert issue["body"].startswith("<!-- paperlist:link-sweep -->")
    assert {lab["name"] for lab in issue["labels"]} == {"broken-links"}
    second = world.pr(world.shards(repos=repos))
    assert second.returncode == 0
    notes = world.github.comments_on(REPO_NAME, issue["number"])
    assert len(notes) == 1 and "someone/deleted" in notes[0]["body"] and "old/frozen" in notes[0]["body"]
    [pull] = world.pulls()
    assert "| Repositories gone · 仓库已失效 | 1 |" in pull["body"]
    assert "| Repositories archived · 仓库已归档 | 1 |" in pull["body"]


def test_hostile_summaries_and_patches_are_refused_and_nothing_is_pushed(world: World) -> None:
    out = world.shards()
    evil = out / "refresh-1" / "changes.patch"
    workflow = ("diff --git a/.github/workflows/x.yml b/.github/workflows/x.yml\nnew file mode 100644\n"
                "--- /dev/null\n+++ b/.github/workflows/x.yml\n@@ -0,0 +1 @@\n+on: push\n")
    evil.write_text(workflow, encoding="utf-8")
    r = world.pr(out)
    assert r.returncode == 2 and "changes only papers/ and data/" in r.stderr and "Traceback" not in r.stderr
    assert world.branch_head() is None and world.pulls() == []

    out = world.shards()
    summary = out / "refresh-1" / "authors.json"
    data = json.loads(summary.read_text(encoding="utf-8"))
    data["title_mismatch"] = [{"paper": "papers/cvpr2020/x.yaml", "line": 1, "arxiv": "2003.00001",
                               "title": "T" * 5000, "arxiv_title": "x", "authors_filled": False}]
    summary.write_text(json.dumps(data), encoding="utf-8")
    r = world.pr(out)
    assert r.returncode == 2 and "5,000 characters" in r.stderr
    assert world.branch_head() is None

    data["title_mismatch"] = [{"paper": "papers/cvpr2020/x.yaml", "line": 1, "arxiv": "2003.00001",
                               "title": "@octocat <img src=x onerror=alert(1)> ``` #1", "arxiv_title": "x",
                               "authors_filled": False}]
    summary.write_text(json.dumps(data), encoding="utf-8")
    assert world.pr(out).returncode == 0
    [pull] = world.pulls()
    assert "<img" not in pull["body"] and "@octocat" not in pull["body"] and "&lt;img" in pull["body"]


def test_a_body_for_thousands_of_changes_fits_githubs_limit_and_says_how_many_are_left_out() -> None:
    from paperlist.github.refresh_pr import MAX_BODY, Merged, render_body

    merged = Merged(authors_added=[{"paper": f"papers/iccv2023/paper-{n}.yaml", "arxiv": f"2308.{n:05d}",
                                    "authors": [f"Author {i} Of Paper {n}" for i in range(12)]} for n in range(3000)],
                    gone=[{"repo": f"o/r{n}", "paper": f"papers/iccv2023/paper-{n}.yaml"} for n in range(500)])
    body = render_body(merged)
    assert len(body) <= MAX_BODY and "| Authors added from arXiv · 从 arXiv 补充作者 | 3,000 |" in body
    assert "more · 另有" in body and "et al. (12)" in body


def test_dry_run_touches_nothing_and_a_half_processed_create_never_makes_a_second_pr(world: World) -> None:
    out = world.shards()
    dry = world.pr(out, "--dry-run")
    assert dry.returncode == 0 and dry.stdout.startswith("<!-- paperlist:refresh -->"), dry.stderr
    assert world.branch_head() is None and world.pulls() == []
    world.github.fail_next_post_after_processing = True  # GitHub opens the PR, then answers 502
    r = world.pr(out)
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(world.pulls()) == 1 and world.github.count("POST", r"/pulls$") == 1


def test_repository_rows_count_repositories_and_a_shared_one_lists_each_paper(tmp_path: Path) -> None:
    from paperlist.errors import UsageError
    from paperlist.github.refresh_pr import load_summaries, render_body

    (tmp_path / "repos.json").write_text(json.dumps({
        "moved": [{"repo": "old/name", "papers": ["papers/a/1.yaml", "papers/a/2.yaml"],
                   "url": "https://github.com/old/name", "new_url": "https://github.com/new/name"}],
        "archived": [], "gone": [{"repo": "x/y", "paper": "papers/a/3.yaml"}],
        "stopped_for_budget": False, "network_down": False}), encoding="utf-8")
    merged = load_summaries(tmp_path)
    assert [m["paper"] for m in merged.moved] == ["papers/a/1.yaml", "papers/a/2.yaml"]
    body = render_body(merged)
    assert "| Repositories moved · 仓库已迁移 | 1 |" in body and "`papers/a/2.yaml`" in body
    assert "`https://github.com/new/name`" in body and "| Repositories gone · 仓库已失效 | 1 |" in body
    (tmp_path / "repos.json").write_text(json.dumps({"moved": [{"repo": "a/b", "papers": "papers/a/1.yaml"}]}),
                                         encoding="utf-8")
    with pytest.raises(UsageError, match="papers is not a list"):
        load_summaries(tmp_path)
    (tmp_path / "repos.json").write_text(json.dumps({"moved": "all of them"}), encoding="utf-8")
    with pytest.raises(UsageError, match=r"repos\.json: moved is not a list"):
        load_summaries(tmp_path)


CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
GONE_AND_ARCHIVED = {1: {**NO_REPOS, "stopped_for_budget": True,
                         "gone": [{"repo": "someone/deleted", "url": "https://github.com/someone/deleted",
                                   "paper": "papers/cvpr2020/a-first-paper-about-optical-flow.yaml"}],
                         "archived": [{"repo": "old/frozen", "url": "https://github.com/old/frozen",
                                       "paper": "papers/cvpr2020/a-first-paper-about-optical-flow.yaml"}]}}


def test_the_pull_request_and_its_notes_speak_the_lists_languages(languages_world: World) -> None:
    # paperlist.yaml `languages: [en]` gets English alone everywhere the refresh writes; `[en, zh]` both,
    # as the PR comment does.
    world = languages_world
    chinese = "zh" in json.loads(world.show("paperlist.yaml", "main").split(":", 1)[1])
    first = world.pr(world.shards(repos=GONE_AND_ARCHIVED))
    assert first.returncode == 0, first.stdout + first.stderr
    [pull] = world.pulls()
    [issue] = world.github.issues_in(REPO_NAME)
    [sweep_note] = world.github.comments_on(REPO_NAME, issue["number"])
    # A maintainer's push holds the branch: the next run leaves a note on the pull request instead.
    maintainer = world.tmp / "maintainer"
    subprocess.run(["git", "clone", "--quiet", "--branch", BRANCH, str(world.bare), str(maintainer)], check=True)
    git(maintainer, "commit", "--quiet", "--allow-empty", "-m", "a maintainer's commit")
    git(maintainer, "push", "--quiet", "origin", BRANCH)
    world.arxiv.papers["2103.00003"] = ArxivRecord("A Third Paper About Depth", ("Di Ek",))
    held = world.pr(world.shards())
    assert "not pushed, nothing overwritten" in held.stdout, held.stdout + held.stderr
    [held_note] = world.github.comments_on(REPO_NAME, pull["number"])
    texts = {"title": pull["title"], "body": pull["body"], "sweep issue": issue["body"],
             "sweep note": sweep_note["body"], "held note": held_note["body"]}
    assert "| 2 |" in pull["body"] and "someone/deleted" in sweep_note["body"]
    if chinese:
        assert pull["title"] == "Metadata refresh: authors for 2 paper(s) · 元数据更新"
        assert "## Metadata refresh · 元数据更新" in pull["body"]
        assert "| Authors added from arXiv · 从 arXiv 补充作者 | 2 |" in pull["body"]
        assert "**The GitHub budget ran out · GitHub 额度用尽** in repos.json" in pull["body"]
        assert "| Paper · 论文 | Repository · 仓库 | State · 状态 |" in sweep_note["body"]
        assert all(CJK.search(t) and re.search("[A-Za-z]{4}", t) for t in texts.values()), texts
    else:
        assert pull["title"] == "Metadata refresh: authors for 2 paper(s)"
        assert "## Metadata refresh\n" in pull["body"] and "| Authors added from arXiv | 2 |" in pull["body"]
        assert "**The GitHub budget ran out** in repos.json" in pull["body"]
        assert "### This branch was not updated\n" in held_note["body"]
        assert {k: t for k, t in texts.items() if CJK.search(t)} == {}


@pytest.mark.parametrize("chinese", [False, True])
def test_every_part_of_the_body_follows_the_languages(chinese: bool) -> None:
    from paperlist.github.refresh_pr import Merged, held_note, render_body, sweep_note, title_for

    row = {"paper": "papers/a/1.yaml", "arxiv": "2101.00001"}
    merged = Merged(authors_added=[{**row, "authors": ["Ann Lee"]}] * 3,
                    title_mismatch=[{**row, "title": "A", "arxiv_title": "B", "line": 1, "authors_filled": True},
                                    {**row, "title": "A", "arxiv_title": "B", "line": None, "authors_filled": False}],
                    not_found=[row], refused=[{**row, "reason": "withdrawn"}], budget=["repos-1.json"],
                    moved=[{"paper": "papers/a/1.yaml", "repo": "o/r", "new_url": "https://github.com/n/r"}],
                    archived=[{"paper": "papers/a/1.yaml", "repo": "o/a"}],
                    gone=[{"paper": "papers/a/1.yaml", "repo": "o/g"}])
    texts = [render_body(merged, run_url="https://github.com/o/r/actions/runs/1", limit=1, chinese=chinese),
             title_for(merged, chinese=chinese), held_note(merged, "0123456789abcdef", chinese=chinese),
             held_note(merged, None, chinese=chinese), sweep_note(merged, chinese=chinese),
             render_body(Merged(network=["a.json: down"]), chinese=chinese)]
    assert "… and 2 more" in texts[0] and "Metadata refresh: authors for 3 paper(s), 1 moved repository" in texts[1]
    if chinese:
        assert "… and 2 more · 另有 2 条" in texts[0] and "| Paper · 论文 | arXiv | Why · 原因 |" in texts[0]
        assert "**Inconclusive · 结果不确定**: could not reach the network: a.json: down. Nothing was changed; " \
               "the next run tries again. 本次未作任何修改，下次运行将重试。" in texts[5]
        assert all(CJK.search(t) for t in texts)
    else:
        assert "| Paper | arXiv | Why |" in texts[0] and "**Inconclusive**: could not reach the network" in texts[5]
        assert [t for t in texts if CJK.search(t)] == []
