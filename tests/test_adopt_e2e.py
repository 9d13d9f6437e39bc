"""What an adopter does, end to end, with paperlist installed from a BUILT WHEEL in a fresh venv
(never this checkout): `git init`, `paperlist init` for an English-only list without venues,
`paperlist import` of a Markdown list, validate, render, site; then a contributor's pull request
checked and commented on by the steps of the workflows init wrote (followed to the reusable
workflows they call), against the stand-in GitHub API; then the merge and the regenerated README.

The sdist and the wheel are built offline (``python -m build --no-isolation``: the wheel is built
from the sdist, so both must carry the package data) from a copy of the working tree. The venv is
fresh and gets the wheel with ``pip install --no-deps --no-index``; its dependencies are this
environment's, reached through a ``.pth`` line (a path line does not run the checkout's own
editable ``.pth``, so only the wheel's ``paperlist`` is importable, which the test asserts).
Installing the dependencies from PyPI is what tests/benchmarks/bench_adopt.py measures; tests
never touch the internet.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from support.fake_arxiv import ArxivRecord, FakeArxivAPI
from support.fake_github import FakeGitHub
from support.prrepo import GIT_ENV, git
from support.workflows import called, load, run_step

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "tools" / "paperlist"

pytestmark = pytest.mark.slow

AWESOME = """\
# Awesome Optical Flow

A curated list of optical flow papers.

## Contents

- [Optical Flow](#optical-flow)

## Optical Flow

- **FlowNet: Learning Optical Flow with Convolutional Networks** (ICCV 2015) [[paper]](https://arxiv.org/abs/1504.06852)
- **PWC-Net: CNNs for Optical Flow Using Pyramid, Warping, and Cost Volume** \
  [[paper]](https://arxiv.org/abs/1709.02371) [[code]](https://github.com/NVlabs/PWC-Net)
- **LiteFlowNet: A Lightweight Convolutional Neural Network for Optical Flow Estimation** [[paper]](https://arxiv.org/abs/1805.07036)
"""
RAFT_PATH = "papers/2020/raft-recurrent-all-pairs-field-transforms-for-optical-flow.yaml"
RAFT = """\
title: "RAFT: Recurrent All-Pairs Field Transforms for Optical Flow"
authors: [Zachary Teed, Jia Deng]
year: 2020
arxiv: "2003.12039"
tags: [optical-flow]
links:
  code: ["https://github.com/princeton-vl/RAFT"]
"""


def _package_data() -> set[str]:
    """The non-Python files the package must carry, as paths inside it (paperlist/...)."""
    out = set()
    for p in PKG.rglob("*"):
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts:
            out.add(str(p.relative_to(PKG.parent)))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("wheel")
    # A copy of the working tree (what git would commit), so the build leaves nothing in the checkout.
    src = tmp / "src"
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, names):
        if (ROOT / name).is_file() and not name.startswith(("papers/", "lists/")):
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    dist = tmp / "dist"
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(src)],
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet",
                           "--disable-pip-version-check", "--no-deps", "--no-index", str(wheel)],
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "paperlist-test-deps.pth").write_text("".join(f"{d}\n" for d in sorted(deps)), encoding="utf-8")
    return {"wheel": wheel, "sdist": sdist, "bin": venv / "bin", "python": py}


def test_the_sdist_and_the_wheel_carry_all_package_data(built: dict[str, Path]) -> None:
    wanted = _package_data()
    assert {"paperlist/data/schema/paper.schema.json", "paperlist/data/vocab/tags.yaml",
            "paperlist/data/init/README.md", "paperlist/data/init/workflows/paperlist-check.yml",
            "paperlist/output/site/static/app.js", "paperlist/py.typed"} <= wanted
    in_wheel = set(zipfile.ZipFile(built["wheel"]).namelist())
    assert wanted <= in_wheel, wanted - in_wheel
    with tarfile.open(built["sdist"]) as tar:
        in_sdist = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {f"tools/{w}" for w in wanted} <= in_sdist, {f"tools/{w}" for w in wanted} - in_sdist


def _run(bin_dir: Path, cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **GIT_ENV, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", **(env or {})}
    return subprocess.run(list(args), cwd=cwd, env=full, capture_output=True, text=True, check=False, timeout=180)


def test_an_adopter_from_an_empty_folder_to_a_commented_pull_request(built: dict[str, Path],
                                                                     tmp_path: Path) -> None:
    bin_dir = built["bin"]
    where = _run(bin_dir, tmp_path, str(built["python"]), "-c", "import paperlist; print(paperlist.__file__)")
    assert where.stdout.startswith(str(bin_dir.parent)), where.stdout + where.stderr  # the wheel, not the checkout

    # 1. An empty repository and `paperlist init` with flags: English only, no venues.
    tool_sha = git(ROOT, "rev-parse", "HEAD").strip()
    repo = tmp_path / "flow"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    done = _run(bin_dir, repo, "paperlist", "init", "--title", "Awesome Optical Flow", "--languages", "en",
                "--venues", "none", "--ref", tool_sha, "--tool-repository", "octo/paperlist")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "13 file(s) written or appended" in done.stdout and "placeholder" not in done.stdout

    # 2. Import the existing Markdown list, then validate, render and build the site.
    (tmp_path / "awesome.md").write_text(AWESOME, encoding="utf-8")
    done = _run(bin_dir, repo, "paperlist", "import", str(tmp_path / "awesome.md"), "--year", "2018")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 papers added" in done.stdout
    for args in (("validate",), ("render",), ("site", "--out", "_site")):
        done = _run(bin_dir, repo, "paperlist", *args)
        assert done.returncode == 0, (args, done.stdout + done.stderr)
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "**3** papers" in readme and "(lists/2018.md)" in readme and "# Awesome Optical Flow" in readme
    assert "PWC-Net" in (repo / "lists" / "2018.md").read_text(encoding="utf-8")
    meta = json.loads((repo / "_site" / "data" / "meta.json").read_text(encoding="utf-8"))
    assert meta["list"]["languages"] == ["en"] and meta["list"]["venues"] is False
    git(repo, "add", "-A")
    assert "_site" not in git(repo, "status", "--porcelain")  # init's .gitignore lines
    git(repo, "commit", "--quiet", "-m", "Start the list")
    base = git(repo, "rev-parse", "HEAD").strip()
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(repo), str(origin)], check=True)

    # 3. A contributor's pull request adds RAFT.
    git(repo, "checkout", "--quiet", "-b", "add-raft")
    (repo / RAFT_PATH).parent.mkdir(parents=True, exist_ok=True)
    (repo / RAFT_PATH).write_text(RAFT, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "Add RAFT")
    head = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "--quiet", "main")

    workflows = repo / ".github" / "workflows"
    check_wf, comment_wf, readme_wf = (workflows / f"paperlist-{n}.yml" for n in ("check", "comment", "readme"))
    for wf in (check_wf, comment_wf, readme_wf):
        call = called(wf)
        assert call is not None and call.pin == tool_sha  # the adopter's pin is this checkout's commit

    ws = tmp_path / "ws"
    ws.mkdir()
    git(ws, "clone", "--quiet", str(origin), "pr")
    git(ws / "pr", "fetch", "--quiet", str(repo), "add-raft")
    git(ws / "pr", "checkout", "--quiet", head)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "opened", "number": 1, "pull_request": {
        "number": 1, "head": {"sha": head, "ref": "add-raft"}, "base": {"sha": base, "ref": "main"},
        "author_association": "CONTRIBUTOR"}}), encoding="utf-8")
    raft = ArxivRecord("RAFT: Recurrent All-Pairs Field Transforms for Optical Flow", ("Zachary Teed", "Jia Deng"))
    pwc = ArxivRecord("PWC-Net: CNNs for Optical Flow Using Pyramid, Warping, and Cost Volume",
                      ("Deqing Sun", "Xiaodong Yang", "Ming-Yu Liu", "Jan Kautz"))
    with FakeGitHub() as fake, FakeArxivAPI({"2003.12039": raft, "1709.02371": pwc}) as arxiv:
        fake.add_repo("octo/flow")
        fake.add_repo("princeton-vl/RAFT", stars=3000)
        fake.add_pull("octo/flow", 1, head_sha=head, files={RAFT_PATH: list(range(1, 8))})
        env = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "octo/flow", "GITHUB_API_URL": fake.url,
               "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "7", "GITHUB_EVENT_NAME": "pull_request",
               "GITHUB_EVENT_PATH": str(event), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
               "PAPERLIST_ARXIV_API": arxiv.url, **GIT_ENV}

        # The pinned-tool guard of the called workflow passes the adopter's SHA...
        guard = run_step(check_wf, "tool-ref", cwd=ws, exprs={}, env=env, bin_dir=bin_dir)
        assert guard.returncode == 0, guard.stderr
        # ...and refuses a branch, had the adopter written one.
        moving = tmp_path / "moving.yml"
        moving.write_text(check_wf.read_text(encoding="utf-8").replace(f'paperlist-ref: "{tool_sha}"',
                                                                       'paperlist-ref: "main"'), encoding="utf-8")
        refused = run_step(moving, "tool-ref", cwd=ws, exprs={}, env=env, bin_dir=bin_dir)
        assert refused.returncode == 2 and "must be a commit SHA" in refused.stdout + refused.stderr

        exprs = {"github.event.pull_request.base.sha": base, "github.event.pull_request.head.sha": head,
                 "github.event.pull_request.number": "1", "github.token": "read-only-token",
                 "contains(fromJSON('[\"OWNER\", \"MEMBER\", \"COLLABORATOR\"]'), "
                 "github.event.pull_request.author_association)": "false",
                 # a new list's first PR: no merge has saved a duplicate index yet (the cache misses)
                 "runner.temp": str(tmp_path / "pr-runner")}
        checked = run_step(check_wf, "check", cwd=ws, exprs=exprs, env=env, bin_dir=bin_dir)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert not (tmp_path / "pr-runner" / "paperlist-index" / "dupes-index.sqlite").exists()  # none built
        report = json.loads((ws / "report" / "report.json").read_text(encoding="utf-8"))
        assert report["meta"]["verdict"] == "pass" and report["meta"]["changed"] and report["meta"]["pr"] == 1

        # The privileged half, from the workflow_run side: the artifact lands in $RUNNER_TEMP/artifact.
        runner_temp = tmp_path / "runner"
        shutil.copytree(ws / "report", runner_temp / "artifact")
        comment_exprs = {"github.token": "write-token", "github.event.workflow_run.head_sha": head,
                         "github.event.workflow_run.html_url": "https://github.com/octo/flow/actions/runs/7",
                         "runner.temp": str(runner_temp)}
        posted = run_step(comment_wf, "comment", cwd=tmp_path, exprs=comment_exprs,
                          env={**env, "GITHUB_EVENT_NAME": "workflow_run"}, bin_dir=bin_dir)
        assert posted.returncode == 0, posted.stdout + posted.stderr
        (comment,) = fake.comments_on("octo/flow", 1)
        body = comment["body"]
        assert body.startswith("<!-- paperlist:pr-comment -->") and "all checks passed" in body
        assert "https://github.com/octo/flow/actions/runs/7" in body
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in body.split("-->", 1)[1]), body  # English only
        assert fake.statuses_for(head)[0]["state"] == "success"

        # The weekly sweep on main: FlowNet's and LiteFlowNet's ids are unknown to the stand-in arXiv
        # (PWC-Net's is known, its code repository too),
        # so one issue is opened, in the list's language.
        sweep_wf = workflows / "paperlist-sweep.yml"
        sweep_call = called(sweep_wf)
        assert sweep_call is not None
        fake.add_repo("NVlabs/PWC-Net")
        for shard in load(sweep_call.path)["jobs"]["links"]["strategy"]["matrix"]["shard"]:
            done = run_step(sweep_wf, "links", cwd=repo, exprs={"matrix.shard": str(shard), "github.token": "t"},
                            env=env, bin_dir=bin_dir)
            assert done.returncode == 0, done.stdout + done.stderr
        swept = run_step(sweep_wf, "issue", cwd=repo, exprs={"github.token": "t"}, env=env, bin_dir=bin_dir)
        assert swept.returncode == 0 and "issue created" in swept.stdout, swept.stdout + swept.stderr
        (issue,) = fake.issues_in("octo/flow")
        assert "1504.06852" in issue["body"] and "1805.07036" in issue["body"] and "1709.02371" not in issue["body"]
        assert not re.search("[\u4e00-\u9fff]", issue["body"]), issue["body"]

    # 4. The maintainer merges; the README job regenerates and pushes the list.
    git(repo, "merge", "--quiet", "--ff-only", "add-raft")
    git(repo, "push", "--quiet", str(origin), "main")
    runner = tmp_path / "readme-runner"
    subprocess.run(["git", "clone", "--quiet", str(origin), str(runner)], check=True)
    published = run_step(readme_wf, "publish", cwd=runner, exprs={"github.event.repository.default_branch": "main"},
                         env={**GIT_ENV, "HOME": str(tmp_path)}, bin_dir=bin_dir)
    assert published.returncode == 0 and "pushed" in published.stdout, published.stdout + published.stderr
    pushed = subprocess.run(["git", "--git-dir", str(origin), "show", "main:README.md"], capture_output=True,
                            text=True, check=True).stdout
    assert "**4** papers" in pushed and "(lists/2020.md)" in pushed
    # Beside it, the index job builds the duplicate index the next pull requests restore.
    ws2 = tmp_path / "index-runner"
    ws2.mkdir()
    subprocess.run(["git", "clone", "--quiet", str(origin), str(ws2 / "pr")], check=True)
    output = tmp_path / "index-output"
    indexed = run_step(readme_wf, "index", cwd=ws2, exprs={"runner.temp": str(tmp_path / "index-temp")},
                       env={"GITHUB_OUTPUT": str(output), "HOME": str(tmp_path)}, bin_dir=bin_dir)
    assert indexed.returncode == 0, indexed.stdout + indexed.stderr
    assert (tmp_path / "index-temp" / "paperlist-index" / "dupes-index.sqlite").stat().st_size > 0
    assert output.read_text(encoding="utf-8").startswith("sha=")
