"""The load step: every command gets its paper files from here, each file parsed once.

One path rule (:func:`resolve`), one way to list the papers of a project (``discover``), and
parse failures as data: a :class:`~paperlist.project.loader.PaperFile` whose ``data`` is None carries
its findings, so one bad file never stops a run (check-jsonschema's ``(path, error|document)``
stream). Two shapes, for the two sizes of run:

* :func:`load_papers` loads a handful of files into memory once; ``check`` then hands the same
  ``PaperFile`` objects to validate, dupes and links.
* :func:`map_papers` streams a whole list through a function on all cores: each worker parses a
  file and keeps only what ``fn`` returns (findings, README entries, duplicate features), so
  10,000 parse trees never travel between processes.

>>> papers = load_papers(Path("."), [Path("papers/cvpr2021/my-paper.yaml")])  # doctest: +SKIP
>>> [pf.rel for pf in papers.files]  # doctest: +SKIP
['papers/cvpr2021/my-paper.yaml']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from paperlist.findings import Finding
from paperlist.infra.parallel import Chunks, pmap_chunks
from paperlist.project.keys import PAPERS_DIR
from paperlist.project.loader import PaperFile, discover, load_paper

R = TypeVar("R")


def resolve(root: Path, given: Path) -> Path:
    """Where a FILE argument points: absolute as given; relative, from the current folder when it
    exists there (as any command line reads it), else from ``root`` (as a PR's file list is written).

    >>> resolve(Path("/proj"), Path("papers/a/b.yaml"))  # doctest: +SKIP
    PosixPath('/proj/papers/a/b.yaml')
    """
    given = Path(given)
    if given.is_absolute() or os.path.lexists(given):
        return given
    return Path(root) / given


def missing(root: Path, files: Sequence[Path]) -> list[str]:
    """The FILE arguments that exist neither where :func:`resolve` looks (as the user wrote them)."""
    return [str(f) for f in files if not os.path.lexists(resolve(root, f))]


def is_paper_path(rel: str) -> bool:
    """True for ``papers/…`` paths (what validate, dupes and render treat as paper files)."""
    return rel.startswith(PAPERS_DIR + "/")


@dataclass
class Papers:
    """Loaded paper files, in order, plus findings about the set itself.

    ``files`` are parsed once; a file that does not parse is still here, with ``data`` None and
    its findings. ``findings`` are about what is *not* a paper file (a stray ``.yml`` or a
    symlinked folder under ``papers/``). ``complete`` is True when this is the whole list.
    """

    root: Path
    files: list[PaperFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    complete: bool = False


def paper_paths(root: Path, files: Sequence[Path] | None = None) -> tuple[list[Path], list[Finding]]:
    """The paths a run covers: ``files`` resolved by the one rule, or every paper under ``root``."""
    if files is None:
        return discover(Path(root))
    return [resolve(root, f) for f in files], []


def load_papers(root: Path, files: Sequence[Path] | None = None) -> Papers:
    """Load ``files`` (every paper file under ``root`` when None) in this process, each once."""
    root = Path(root)
    paths, findings = paper_paths(root, files)
    return Papers(root, [load_paper(p, root) for p in paths], findings, complete=files is None)


def map_papers(root: Path, fn: Callable[[PaperFile], R], paths: Sequence[Path | str], *,
               jobs: int | None = None, parallel_from: int | None = None) -> list[R]:
    """``fn`` over each of ``paths`` (from :func:`paper_paths`, or root-relative POSIX strings) as
    loaded, on all cores when many; results in order. Each file is parsed once, in the worker that
    runs ``fn`` on it."""
    out: list[R] = []
    with map_papers_chunks(root, fn, paths, jobs=jobs, parallel_from=parallel_from) as chunks:
        for part in chunks:
            out.extend(part)
    return out


def map_papers_chunks(root: Path, fn: Callable[[PaperFile], R], paths: Sequence[Path | str], *,
                      jobs: int | None = None, parallel_from: int | None = None) -> Chunks[R]:
    """:func:`map_papers`, its results a chunk at a time, in order, as the workers finish them
    (under way as soon as this returns: see :class:`~paperlist.infra.parallel.Chunks`)."""
    root = Path(root)

    def one(path: Path | str) -> R:
        # A relative string is joined in the worker: 100,000 Path objects cost the parent 0.7 s.
        return fn(load_paper(root / path if isinstance(path, str) else path, root))

    kw = {"parallel_from": parallel_from} if parallel_from is not None else {}
    return pmap_chunks(one, list(paths), jobs=jobs, **kw)


__all__ = ["Papers", "is_paper_path", "load_papers", "map_papers", "map_papers_chunks", "missing", "paper_paths",
           "resolve"]
