"""The defaults the tool carries: schemas, vocabularies and settings templates as package data.

A list repository holds its own papers and, where it wants, its own ``schema/``, ``vocab/`` and
settings; everything else comes from ``paperlist/data/`` inside the installed package. Every
reader of such a file goes through :func:`resolve`: the list's own file when it has one, else the
packaged default. So ``pip install paperlist`` works with no checkout of this repository beside it.

The packaged copies are the source of truth for the defaults; this repository's own ``schema/`` and
``vocab/`` are the copies of its list, kept equal to them by ``tests/test_defaults.py``.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"  # paperlist/data, beside the layer packages


def packaged(rel: str) -> Path:
    """The packaged default for ``rel`` (``schema/paper.schema.json``, ``vocab/tags.yaml`` …)."""
    return DATA / rel


def resolve(root: Path, rel: str) -> Path:
    """``<root>/<rel>`` when the list has it (a symlink counts, so the loader can refuse it), else the
    packaged default (which may not exist either: the caller reports a missing file)."""
    own = Path(root) / rel
    if own.exists() or own.is_symlink():
        return own
    default = DATA / rel
    return default if default.is_file() else own


def is_packaged(path: Path) -> bool:
    """True for a file :func:`resolve` took from the package rather than from the list."""
    try:
        Path(path).resolve().relative_to(DATA)
    except ValueError:
        return False
    return True
