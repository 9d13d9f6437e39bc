"""Where derived data (indexes, rendered entries, link results) is cached between runs.

``$PAPERLIST_CACHE_DIR`` when set, else ``<root>/.paperlist-cache`` (git-ignored); none at all
when ``$PAPERLIST_NO_CACHE`` is set to anything but ``0`` or empty. A cache is only ever an
accelerator: unreadable, stale or corrupt, it is rebuilt, and failing to write it is ignored.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from functools import lru_cache
from pathlib import Path

from paperlist.infra import fsutil

CACHE_ENV = "PAPERLIST_CACHE_DIR"
NO_CACHE_ENV = "PAPERLIST_NO_CACHE"
DEFAULT_CACHE_DIR = ".paperlist-cache"


def cache_dir(root: Path) -> Path | None:
    """The cache folder for ``root``, or None: caching is off, or the folder is one the project's
    own history carries. A cache holds answers (findings, features, validated settings) that are
    trusted without re-checking, so one committed into a pull request or a cloned fork would let
    its author decide the verdicts; it is never read, and nothing is cached for that run."""
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    top = Path(root).resolve()
    if os.environ.get(CACHE_ENV):
        folder = Path(os.environ[CACHE_ENV])
        try:  # $PAPERLIST_CACHE_DIR inside the checkout: the same rule as the default folder
            inside = folder.resolve().relative_to(top).as_posix()
        except (ValueError, OSError):
            return folder
        return None if inside != "." and _tracked(str(top), inside) else folder
    return None if _tracked(str(top), DEFAULT_CACHE_DIR) else Path(root) / DEFAULT_CACHE_DIR


@lru_cache(maxsize=8)
def _tracked(root: str, folder: str) -> bool:
    """True when git tracks anything under ``<root>/<folder>`` (the default one is git-ignored, so
    only a deliberate ``git add -f`` puts a cache, or a symlink in its place, there)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--", folder], cwd=root, capture_output=True,
                             check=False, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"}, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False  # no git: nothing can have been committed
    return out.returncode == 0 and bool(out.stdout)


def write_atomic(path: Path, blob: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written only costs speed next time."""
    with contextlib.suppress(OSError):
        fsutil.write_atomic(path, blob)
