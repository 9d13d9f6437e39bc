"""The content-addressed index's view of the work tree: one file's blob id read straight from git's
listing must always agree with the whole listing, whatever state the file is in."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from paperlist.project.index import snapshot
from paperlist.project.loader import blob_id
from support.prrepo import git as _git


def test_one_file_lookup_agrees_with_the_whole_listing(tmp_path: Path) -> None:
    root = tmp_path
    folder = root / "papers" / "cvpr2021"
    folder.mkdir(parents=True)
    for name in ("kept", "edited", "deleted", "last"):
        (folder / f"{name}.yaml").write_text(f"title: {name}\n")
    (folder / "tab\tname.yaml").write_text("title: tab\n")
    (folder / "über.yaml").write_text("title: über\n")
    (folder / "link.yaml").symlink_to(folder / "kept.yaml")
    _git(root, "init", "--quiet")
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "papers")
    (folder / "edited.yaml").write_text("title: edited now\n")
    (folder / "deleted.yaml").unlink()
    (folder / "new.yaml").write_text("title: new\n")
    (root / ".gitignore").write_text("ignored.yaml\n")
    (folder / "ignored.yaml").write_text("title: ignored\n")

    snap = snapshot(root)
    names = ["kept", "edited", "deleted", "last", "tab\tname", "über", "link", "new", "ignored", "never"]
    answers = {n: snap.lookup(f"papers/cvpr2021/{n}.yaml") for n in names}  # before ids is built
    ids = snap.ids
    for n in names:
        rel = f"papers/cvpr2021/{n}.yaml"
        assert answers[n] == (rel in ids, ids.get(rel)), n
    assert answers["edited"] == (True, blob_id(b"title: edited now\n"))
    assert answers["kept"] == (True, blob_id(b"title: kept\n"))
    assert answers["über"] == (True, blob_id("title: über\n".encode()))
    assert answers["deleted"] == (False, None) and answers["never"] == (False, None)
    assert answers["ignored"] == (True, blob_id(b"title: ignored\n"))  # discover() reads it, so it is listed
    assert answers["link"][1] is None  # never named by content: always loaded (and refused) afresh


@pytest.mark.parametrize("folder", [".paperlist-cache", "ci-cache"])
def test_a_cache_committed_into_the_tree_is_never_trusted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str) -> None:
    # A pull request (or a fork) that commits a cache with forged answers, here "this broken paper
    # has no findings", must not decide the verdict: in the default folder (force-added: it is
    # git-ignored) or in a $PAPERLIST_CACHE_DIR under the checkout (how the pull request job points
    # at the restored index), which follows the same rule.
    import json
    import sqlite3

    from projectkit import make_project, run_cli

    root = make_project(tmp_path)
    paper = root / "papers" / "cvpr2020" / "broken.yaml"
    paper.parent.mkdir(parents=True, exist_ok=True)
    paper.write_text('title: "Broken"\nvenue: CVPR\nyear: "2020"\ntags: [other]\n')
    _git(root, "init", "--quiet")
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "papers")
    if folder != ".paperlist-cache":
        monkeypatch.setenv("PAPERLIST_CACHE_DIR", str(root / folder))
    first = run_cli(root, "validate", "--format", "json")
    assert first.returncode == 1 and json.loads(first.stdout)["findings"]
    with contextlib.closing(sqlite3.connect(root / folder / "index.sqlite")) as con:
        assert con.execute("UPDATE derived SET value='[]' WHERE kind LIKE 'validate@%'").rowcount >= 1
        con.commit()
    assert run_cli(root, "validate").returncode == 0  # an untracked local cache is the user's own: trusted
    _git(root, "add", "-f", folder)
    _git(root, "commit", "--quiet", "-m", "a cache, committed")
    again = run_cli(root, "validate", "--format", "json")
    assert again.returncode == 1, again.stdout
    assert any(f["file"] == "papers/cvpr2020/broken.yaml" for f in json.loads(again.stdout)["findings"])
