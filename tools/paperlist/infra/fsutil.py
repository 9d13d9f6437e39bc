"""Writing files so that nobody ever sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write through a temp file in the same folder, then rename over ``path``.

    A reader (or a crash) sees the old file or the new one, never a mix. An existing file
    keeps its permissions; a new one gets the usual 0666 less the umask (mkstemp's 0600
    would hide a README or a paper file from other users).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_UMASK
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class StaleTarget(Exception):
    """A planned write no longer fits the files on disk (the message says which and why)."""


def write_planned(root: Path, writes: list[tuple[str, str, str | None]], *, check_only: bool = False,
                  folders: tuple[str, ...] = ()) -> list[str]:
    """Write ``(rel, text, before)`` triples under ``root``, all or none: first every target is
    checked (no symlinked folder or file, a new file (``before`` None) still absent, an edited one
    still holding ``before``), then each is written atomically. Unchanged texts are skipped.

    Raises StaleTarget before anything is written; returns the paths written (none when
    ``check_only``). ``folders``: more folders that must not be symlinks. The one writer for
    import plans and ``paperlist new``.
    """
    for folder in sorted({str(Path(rel).parent) for rel, _, _ in writes} | set(folders)):
        d = root / folder
        if d.is_symlink():
            raise StaleTarget(f"{folder} is a symbolic link; refusing to write through it")
        if d.exists() and not d.is_dir():
            raise StaleTarget(f"{folder} is not a folder")
    for rel, _, before in writes:
        path = root / rel
        if before is None:
            if os.path.lexists(path):
                raise StaleTarget(f"{rel} appeared since it was planned; nothing written")
            continue
        if path.is_symlink():
            raise StaleTarget(f"{rel} is a symbolic link; refusing to write through it")
        try:
            current = path.read_text(encoding="utf-8")
        except OSError as e:
            raise StaleTarget(f"{rel}: cannot read: {e.strerror}; nothing written") from e
        if current != before:
            raise StaleTarget(f"{rel} changed since it was planned; nothing written")
    if check_only:
        return []
    written = []
    for rel, text, before in writes:
        if text != before:
            write_atomic(root / rel, text)
            written.append(rel)
    return written
