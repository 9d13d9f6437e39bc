"""The one plan of writes: every command that writes files (``paperlist new``, ``paperlist import``, the
issue form) plans them as :class:`FileWrite` values and writes them through :meth:`WritePlan.apply`.

A plan is checked before anything is written: no folder on the way is a symbolic link, a file to add
is still absent, a file to modify still holds the text it was planned against (its SHA-256 is kept,
not the text). Only then is each file written atomically (:func:`paperlist.infra.fsutil.write_atomic`).
So a stale plan writes nothing, and a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from paperlist.errors import PlanError, StaleTarget
from paperlist.infra.fsutil import write_atomic

WriteKind = Literal["add", "modify"]


def text_sha256(text: str) -> str:
    """The hash a modification is planned against (of the text as read, UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FileWrite:
    """One file a plan writes: ``rel`` (``/``-separated, relative to the plan's root) gets ``text``.

    ``kind`` ``add``: the file must not exist when the plan is applied. ``modify``: it must still hold
    the text whose hash is ``base_sha256``. ``note``/``note_zh`` say what the write does, for a person;
    ``fields`` name what a modification adds.
    """

    rel: str
    text: str
    kind: WriteKind
    base_sha256: str | None = None
    note: str = ""
    note_zh: str = ""
    fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        p = PurePosixPath(self.rel)
        if (not self.rel or p.is_absolute() or "\\" in self.rel or any(part in ("", ".", "..") for part in
                                                                         self.rel.split("/"))):
            raise PlanError(f"{self.rel!r} is not a plain relative path; nothing written")
        if (self.kind == "add") != (self.base_sha256 is None):
            raise PlanError(f"{self.rel}: a {self.kind} needs {'no' if self.kind == 'add' else 'a'} base text")

    @classmethod
    def add(cls, rel: str, text: str, *, note: str = "", note_zh: str = "") -> FileWrite:
        return cls(rel, text, "add", None, note, note_zh)

    @classmethod
    def modify(cls, rel: str, text: str, original: str, *, note: str = "", note_zh: str = "",
               fields: Iterable[str] = ()) -> FileWrite:
        """A new text for ``rel``, planned against ``original`` (the file's text when it was read)."""
        return cls(rel, text, "modify", text_sha256(original), note, note_zh, tuple(fields))

    @property
    def changes(self) -> bool:
        """False for a modification that leaves the text as it was (apply skips it)."""
        return self.kind == "add" or text_sha256(self.text) != self.base_sha256


@dataclass
class WritePlan:
    """Files to write under ``root``, all or none. Build it with :meth:`add` (or the constructor)."""

    root: Path
    writes: list[FileWrite] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        seen: set[str] = set()
        for w in self.writes:
            if w.rel in seen:
                raise PlanError(f"{w.rel} is planned twice; nothing written")
            seen.add(w.rel)

    def add(self, write: FileWrite) -> FileWrite:
        if any(w.rel == write.rel for w in self.writes):
            raise PlanError(f"{write.rel} is planned twice; nothing written")
        self.writes.append(write)
        return write

    def __iter__(self) -> Iterator[FileWrite]:
        return iter(self.writes)

    def __len__(self) -> int:
        return len(self.writes)

    @property
    def paths(self) -> list[str]:
        return [w.rel for w in self.writes]

    def check(self) -> None:
        """Raise :class:`StaleTarget` when any write no longer fits the files on disk."""
        folders = {str(PurePosixPath(*PurePosixPath(w.rel).parts[:n]))
                   for w in self.writes for n in range(1, len(PurePosixPath(w.rel).parts))}
        for folder in sorted(folders):  # parents first: "papers" is named before "papers/cvpr2021"
            d = self.root / folder
            if d.is_symlink():
                raise StaleTarget(f"{folder} is a symbolic link; refusing to write through it")
            if d.exists() and not d.is_dir():
                raise StaleTarget(f"{folder} is not a folder")
        for w in self.writes:
            path = self.root / w.rel
            if w.kind == "add":
                if os.path.lexists(path):  # a dangling symlink is there too
                    raise StaleTarget(f"{w.rel} appeared since it was planned; nothing written")
                continue
            if path.is_symlink():
                raise StaleTarget(f"{w.rel} is a symbolic link; refusing to write through it")
            try:
                current = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                why = e.strerror if isinstance(e, OSError) else "not UTF-8"
                raise StaleTarget(f"{w.rel}: cannot read: {why}; nothing written") from e
            if text_sha256(current) != w.base_sha256:
                raise StaleTarget(f"{w.rel} changed since it was planned; nothing written")

    def apply(self, *, dry_run: bool = False) -> list[str]:
        """Check the whole plan, then write each changed file atomically; returns the paths written
        (none in a dry run, which only checks). Raises :class:`StaleTarget` before anything is written."""
        self.check()
        if dry_run:
            return []
        written = []
        for w in self.writes:
            if w.changes:
                write_atomic(self.root / w.rel, w.text)
                written.append(w.rel)
        return written
