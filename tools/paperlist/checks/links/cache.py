"""A small persistent cache of link verdicts, so a sweep does not re-check what worked yesterday.

Only successes (working links and permanent redirects) are stored, each with the time it
was checked; they expire after the configured time-to-live. Failures and inconclusive
answers are never stored: a cached failure would hide a fix, and a failure cached as a
success would hide rot (lychee users reported both).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from paperlist.checks.links.verdict import Verdict
from paperlist.infra.cachedir import cache_dir, write_atomic

CACHE_VERSION = 1


def default_cache_path(root: Path) -> Path | None:
    """``links.json`` in the one cache folder (:mod:`paperlist.infra.cachedir`: ``$PAPERLIST_CACHE_DIR``,
    else ``<root>/.paperlist-cache``); None when ``$PAPERLIST_NO_CACHE`` turns caching off."""
    folder = cache_dir(root)
    return folder / "links.json" if folder is not None else None


class LinkCache:
    def __init__(self, path: Path | None, ttl_seconds: float, *, now: float | None = None) -> None:
        self.path = path
        self.ttl = ttl_seconds
        self.now = time.time() if now is None else now
        self._entries: dict[str, dict[str, Any]] = {}
        self._dirty = False
        if path is not None and ttl_seconds > 0:
            self._entries = self._read(path)

    @staticmethod
    def _read(path: Path) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # a missing or corrupt cache is just an empty one
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def get(self, key: str) -> Verdict | None:
        entry = self._entries.get(key)
        if not isinstance(entry, dict):
            return None
        checked = entry.get("checked")
        if not isinstance(checked, int | float) or self.now - checked > self.ttl or checked > self.now + 60:
            return None
        verdict = entry.get("verdict")
        if not isinstance(verdict, dict) or verdict.get("state") not in ("ok", "moved"):
            return None
        try:
            return Verdict.from_json(verdict)
        except TypeError:
            return None

    def put(self, key: str, verdict: Verdict) -> None:
        if self.path is None or self.ttl <= 0 or verdict.cached:
            return
        if verdict.state in ("ok", "moved"):
            self._entries[key] = {"checked": self.now, "verdict": verdict.to_json()}
        else:
            self._entries.pop(key, None)  # a link that fails now is no longer known good
        self._dirty = True

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        live = {k: v for k, v in self._entries.items()
                if isinstance(v, dict) and isinstance(v.get("checked"), int | float)
                and self.now - v["checked"] <= self.ttl}
        write_atomic(self.path, json.dumps({"version": CACHE_VERSION, "entries": live}).encode("utf-8"))
