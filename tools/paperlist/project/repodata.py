"""Generated facts about code repositories: ``data/repos/<folder>.json``, one file per paper folder.

Stars and push dates change every day; written into 10,000 paper files they would churn the
list's history, so ``paperlist refresh repos`` keeps them here instead, one JSON file per
venue-year folder of ``papers/`` (``data/repos/cvpr2021.json``; ``data/repos/2021.json`` in a
list without venues), keyed by the repository's lower-cased ``owner/name``::

    {
     "open-mmlab/mmdetection": {"archived":false,"branch":"main","checked":"2026-12-07",...},
     ...
    }

Values: ``stars``, ``archived``, ``disabled``, ``pushed`` (date of the last push), ``branch``,
``license`` (SPDX id), ``checked`` (the day GitHub was asked), and ``moved_to`` (the current
name, while a paper still links the old one) or ``gone: true`` (GitHub does not know it).
One repository a line, keys sorted: a rerun with the same answers writes the same bytes, and
a day's changes read as a short diff. Render and the site read these files; nothing else
writes them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperlist.findings import Finding
from paperlist.infra.fsutil import write_atomic
from paperlist.infra.messages import Said, hint, say

DEFAULT_DIR = "data/repos"
MAX_FILE = 32 * 1024 * 1024  # bytes: ~200,000 repositories; a bigger file is not ours
STALE_DAYS = 730  # "no activity for 2 years": no push this long before the check
_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38})/[a-z0-9._-]{1,100}$")
_FOLDER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
def _is_date(value: Any) -> bool:
    if not (isinstance(value, str) and _DATE.match(value)):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_FIELDS = ("stars", "archived", "disabled", "pushed", "branch", "license", "checked", "moved_to", "gone")

RepoEntry = dict[str, Any]
FolderData = dict[str, RepoEntry]


def folder_file(data_dir: str, folder: str) -> str:
    """``data/repos/cvpr2021.json``: the root-relative file of a papers/ folder."""
    if not _FOLDER.match(folder):
        raise ValueError(f"not a paper folder name: {folder!r}")
    return f"{data_dir.rstrip('/')}/{folder}.json"


def dumps(data: Mapping[str, RepoEntry]) -> str:
    """The file's text: one repository a line, keys sorted, so equal data is equal bytes."""
    if not data:
        return "{}\n"
    lines = [f" {json.dumps(k, ensure_ascii=True)}: "
             f"{json.dumps(data[k], ensure_ascii=True, sort_keys=True, separators=(',', ':'))}"
             for k in sorted(data)]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _clean_entry(value: Any) -> RepoEntry | None:
    """The entry as written by refresh, or None when it is not one (a hand edit, a hostile file)."""
    if not isinstance(value, dict) or set(value) - set(_FIELDS):
        return None
    checked = value.get("checked")
    if not _is_date(checked):
        return None
    out: RepoEntry = {"checked": checked}
    if value.get("gone") is True:
        out["gone"] = True
        return out
    stars = value.get("stars")
    if not (isinstance(stars, int) and not isinstance(stars, bool) and 0 <= stars < 10**9):
        return None
    out["stars"] = stars
    for flag in ("archived", "disabled"):
        if not isinstance(value.get(flag), bool):
            return None
        out[flag] = value[flag]
    pushed = value.get("pushed")
    if pushed is not None and not _is_date(pushed):
        return None
    out["pushed"] = pushed
    for text in ("branch", "license"):
        v = value.get(text)
        if v is not None and not (isinstance(v, str) and 0 < len(v) <= 255 and v.isprintable()):
            return None
        out[text] = v
    moved = value.get("moved_to")
    if moved is not None:
        if not (isinstance(moved, str) and _KEY.match(moved.lower())):
            return None
        out["moved_to"] = moved
    return out


def load_folder(root: Path, data_dir: str, folder: str) -> tuple[FolderData, list[Finding]]:
    """The entries of one folder's file ({} when there is none); entries that are not what refresh
    writes are left out with a warning finding naming the file (never a crash, never trusted)."""
    rel = folder_file(data_dir, folder)
    path = Path(root) / rel
    findings: list[Finding] = []

    def warn(said: Said) -> None:
        findings.append(Finding(file=rel, severity="warning", check="repodata", **said, **hint("repodata.hint")))

    try:
        if path.is_symlink() or not path.is_file():
            if path.is_symlink():
                warn(say("repodata.symlink"))
            return {}, findings
        if path.stat().st_size > MAX_FILE:
            warn(say("repodata.too-large", limit=MAX_FILE))
            return {}, findings
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        warn(say("repodata.unreadable", kind=e.__class__.__name__))
        return {}, findings
    if not isinstance(raw, dict):
        warn(say("repodata.not-object"))
        return {}, findings
    out: FolderData = {}
    bad = 0
    for key, value in raw.items():
        entry = _clean_entry(value) if isinstance(key, str) and _KEY.match(key) else None
        if entry is None:
            bad += 1
        else:
            out[key] = entry
    if bad:
        warn(say("repodata.bad-entries.one") if bad == 1 else say("repodata.bad-entries", n=bad))
    return out, findings


def save_folder(root: Path, data_dir: str, folder: str, data: Mapping[str, RepoEntry]) -> bool:
    """Write one folder's file when its bytes change (an empty folder's file is removed); True
    when something changed on disk."""
    path = Path(root) / folder_file(data_dir, folder)
    text = dumps(data)
    try:
        before = path.read_text(encoding="utf-8") if path.is_file() and not path.is_symlink() else None
    except (OSError, UnicodeDecodeError):
        before = ""
    if not data:
        if before is not None:
            path.unlink()
            return True
        return False
    if before == text:
        return False
    write_atomic(path, text)
    return True


def data_files(root: Path, data_dir: str) -> list[Path]:
    """The folder files present, sorted (what render's memo key reads)."""
    d = Path(root) / data_dir
    if not d.is_dir() or d.is_symlink():
        return []
    return sorted(p for p in d.glob("*.json") if p.is_file() and _FOLDER.match(p.stem))


@dataclass(frozen=True)
class RepoFacts:
    """What a page shows next to a code link."""

    stars: int | None
    archived: bool
    stale: bool  # archived, disabled, gone, or no push for STALE_DAYS before the check
    gone: bool = False


def facts_of(entry: RepoEntry | None) -> RepoFacts | None:
    if entry is None:
        return None
    if entry.get("gone"):
        return RepoFacts(None, False, True, gone=True)
    stale = bool(entry.get("archived") or entry.get("disabled"))
    pushed, checked = entry.get("pushed"), entry.get("checked")
    if not stale and isinstance(pushed, str) and isinstance(checked, str):
        try:
            stale = (dt.date.fromisoformat(checked) - dt.date.fromisoformat(pushed)).days > STALE_DAYS
        except ValueError:
            stale = False
    return RepoFacts(int(entry.get("stars") or 0), bool(entry.get("archived")), stale)


class RepoData:
    """Every folder's file, loaded once, for render and the site: ``facts(folder, repo)``."""

    def __init__(self, folders: Mapping[str, FolderData], findings: list[Finding] | None = None) -> None:
        self.folders = dict(folders)
        self.findings = findings or []

    @classmethod
    def load(cls, root: Path, data_dir: str = DEFAULT_DIR) -> RepoData:
        folders: dict[str, FolderData] = {}
        findings: list[Finding] = []
        for path in data_files(root, data_dir):
            data, found = load_folder(root, data_dir, path.stem)
            folders[path.stem] = data
            findings += found
        return cls(folders, findings)

    def facts(self, folder: str, repo: str | None) -> RepoFacts | None:
        if repo is None:
            return None
        return facts_of(self.folders.get(folder, {}).get(repo.lower()))

    def __bool__(self) -> bool:
        return any(self.folders.values())
