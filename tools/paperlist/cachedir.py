"""Where derived data (indexes, rendered entries, link results) is cached between runs.

``$PAPERLIST_CACHE_DIR`` when set, else ``<root>/.paperlist-cache`` (git-ignored); none at all
when ``$PAPERLIST_NO_CACHE`` is set to anything but ``0`` or empty. A cache is only ever an
accelerator: unreadable, stale or corrupt, it is rebuilt, and failing to write it is ignored.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from . import fsutil

CACHE_ENV = "PAPERLIST_CACHE_DIR"
NO_CACHE_ENV = "PAPERLIST_NO_CACHE"
DEFAULT_CACHE_DIR = ".paperlist-cache"


def cache_dir(root: Path) -> Path | None:
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    return Path(os.environ[CACHE_ENV]) if os.environ.get(CACHE_ENV) else Path(root) / DEFAULT_CACHE_DIR


def write_atomic(path: Path, blob: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written only costs speed next time."""
    with contextlib.suppress(OSError):
        fsutil.write_atomic(path, blob)
