"""The defaults the package carries: one source of truth, and a list that holds only its papers works."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paperlist import __version__
from paperlist.project.defaults import DATA, is_packaged, resolve

ROOT = Path(__file__).resolve().parents[1]
PAPER = 'title: "A Paper On Optical Flow"\nvenue: CVPR\nyear: 2021\ntags: [other]\n'


@pytest.mark.parametrize("folder", ["schema", "vocab"])
def test_repository_copies_equal_the_packaged_defaults(folder: str) -> None:
    # The packaged copy is the source; this repository's own list carries the same files.
    ours = {p.name: p.read_bytes() for p in (ROOT / folder).iterdir()}
    packaged = {p.name: p.read_bytes() for p in (DATA / folder).iterdir()}
    assert ours == packaged, f"{folder}/ differs from tools/paperlist/data/{folder}/: copy one onto the other"


def test_resolve_prefers_the_lists_own_file(tmp_path: Path) -> None:
    assert resolve(tmp_path, "vocab/tags.yaml") == DATA / "vocab" / "tags.yaml"
    assert is_packaged(resolve(tmp_path, "vocab/tags.yaml"))
    own = tmp_path / "vocab" / "tags.yaml"
    own.parent.mkdir()
    own.write_text("tags:\n  - {id: other, en: Other, zh: 其他}\n", encoding="utf-8")
    assert resolve(tmp_path, "vocab/tags.yaml") == own and not is_packaged(own)


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paperlist", "--root", str(root), *args], capture_output=True,
                          text=True, check=False, timeout=120)


def test_a_list_with_only_its_papers_validates_and_renders(tmp_path: Path) -> None:
    (tmp_path / "papers" / "cvpr2021").mkdir(parents=True)
    (tmp_path / "papers" / "cvpr2021" / "a-paper-on-optical-flow.yaml").write_text(PAPER, encoding="utf-8")
    (tmp_path / "README.md").write_text("# x\n<!-- paperlist:begin -->\n<!-- paperlist:end -->\n", encoding="utf-8")
    ok = _cli(tmp_path, "validate")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # The packaged rules apply: an unknown tag is refused without any vocab/ folder here.
    (tmp_path / "papers" / "cvpr2021" / "a-paper-on-optical-flow.yaml").write_text(
        PAPER.replace("[other]", "[no-such-tag]"), encoding="utf-8")
    bad = _cli(tmp_path, "validate")
    assert bad.returncode == 1 and "unknown tag 'no-such-tag'" in bad.stdout
    assert not (tmp_path / "schema").exists() and not (tmp_path / "vocab").exists()


def test_the_lists_own_vocabulary_wins(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "vocab", tmp_path / "vocab")
    (tmp_path / "vocab" / "tags.yaml").write_text("tags:\n  - {id: flow, en: Optical Flow, zh: 光流}\n",
                                                  encoding="utf-8")
    (tmp_path / "papers" / "cvpr2021").mkdir(parents=True)
    (tmp_path / "papers" / "cvpr2021" / "a-paper-on-optical-flow.yaml").write_text(PAPER, encoding="utf-8")
    bad = _cli(tmp_path, "validate")
    assert bad.returncode == 1 and "unknown tag 'other'" in bad.stdout


def test_version() -> None:
    out = _cli(ROOT, "--version")
    assert out.returncode == 0 and out.stdout.strip() == f"paperlist, version {__version__}"
    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
