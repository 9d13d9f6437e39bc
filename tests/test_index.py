"""The content-addressed index's view of the work tree: one file's blob id read straight from git's
listing must always agree with the whole listing, whatever state the file is in."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from paperlist.index import snapshot
from paperlist.loader import blob_id


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_one_file_lookup_agrees_with_the_whole_listing(tmp_path: Path) -> None:
    root = tmp_path
    folder = root / "papers" / "cvpr2021"
    folder.mkdir(parents=True)
    for name in ("kept", "edited", "deleted", "last"):
        (folder / f"{name}.yaml").write_text(f"title: {name}\n")
    (folder / "tab\tname.yaml").write_text("title: tab\n")
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
    names = ["kept", "edited", "deleted", "last", "tab\tname", "link", "new", "ignored", "never"]
    answers = {n: snap.lookup(f"papers/cvpr2021/{n}.yaml") for n in names}  # before ids is built
    ids = snap.ids
    for n in names:
        rel = f"papers/cvpr2021/{n}.yaml"
        assert answers[n] == (rel in ids, ids.get(rel)), n
    assert answers["edited"] == (True, blob_id(b"title: edited now\n"))
    assert answers["kept"] == (True, blob_id(b"title: kept\n"))
    assert answers["deleted"] == (False, None) and answers["never"] == (False, None)
    assert answers["ignored"] == (True, blob_id(b"title: ignored\n"))  # discover() reads it, so it is listed
    assert answers["link"][1] is None  # never named by content: always loaded (and refused) afresh
