"""Real git repositories in temp folders that play a paper list and a contributor's pull request."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1", "HOME": os.environ.get("HOME", "/tmp"),
}

EXISTING = """\
title: "Zooming Slow-Mo: Fast and Accurate One-Stage Space-Time Video Super-Resolution"
authors: [Xiaoyu Xiang, Yapeng Tian, Yulun Zhang, Yun Fu, Jan P. Allebach, Chenliang Xu]
venue: CVPR
year: 2020
arxiv: "2002.11616"
tags: [other]
"""
EXISTING_PATH = "papers/cvpr2020/zooming-slow-mo-fast-and-accurate-one-stage-space-time-video-super-resolution.yaml"

README = "# test list\n\n<!-- paperlist:begin -->\n<!-- paperlist:end -->\n"


def git(repo: Path, *args: str, when: str | None = None) -> str:
    """Run git in ``repo`` as the test author; ``when`` dates the commit (ISO 8601)."""
    env = {**os.environ, **GIT_ENV}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def make_list(path: Path, papers: dict[str, str] | None = None) -> Path:
    """A git repository on branch main with the project's schema, vocab and the given papers."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet", "--initial-branch=main")
    for d in ("schema", "vocab"):
        shutil.copytree(PROJECT / d, path / d)
    (path / "README.md").write_text(README, encoding="utf-8")
    (path / ".gitignore").write_text(".paperlist-cache/\n", encoding="utf-8")  # as the project's own
    for rel, text in (papers if papers is not None else {EXISTING_PATH: EXISTING}).items():
        write(path, rel, text)
    git(path, "add", "-A")
    git(path, "commit", "--quiet", "-m", "base")
    return path


def write(repo: Path, rel: str, text: str) -> None:
    p = repo / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str = "change") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()
