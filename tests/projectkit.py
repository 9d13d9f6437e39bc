"""Build throw-away paperlist projects in temp folders for tests (real files, real CLI)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
README_STUB = "# Test list\n\nHand-written intro.\n\n<!-- paperlist:begin -->\n<!-- paperlist:end -->\n\nFooter.\n"


def make_project(root: Path, *, readme: str = README_STUB) -> Path:
    """A project with the real schema and vocabularies, an empty papers/ and a README with markers."""
    root.mkdir(parents=True, exist_ok=True)
    for d in ("schema", "vocab"):
        shutil.copytree(REPO / d, root / d)
    (root / "papers").mkdir()
    (root / "README.md").write_text(readme, encoding="utf-8")
    return root


def paper_yaml(title: str, *, venue: str = "CVPR", year: int = 2020, tags: tuple[str, ...] = ("other",),
               **fields: Any) -> str:
    lines = [f"title: {json.dumps(title, ensure_ascii=False)}", f"venue: {venue}", f"year: {year}"]
    for key, value in fields.items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append(f"tags: {json.dumps(list(tags))}")
    return "\n".join(lines) + "\n"


def add_paper(root: Path, title: str, **kw: Any) -> Path:
    from paperlist.project.keys import expected_path

    path = root / expected_path(kw.get("venue", "CVPR"), kw.get("year", 2020), title)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(paper_yaml(title, **kw), encoding="utf-8")
    return path


def run_cli(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a subprocess, as a user would."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "paperlist", "--root", str(root), *args],
                          capture_output=True, text=True, timeout=timeout, env=env, check=False)


def tree_digest(root: Path) -> dict[str, str]:
    """Path -> sha256 of every file (symlinks by target), to prove a command touched nothing.

    The git-ignored cache folder is left out: caches are allowed to change.
    """
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if rel.split("/", 1)[0] == ".paperlist-cache":
            continue
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
