"""What the generated Markdown is made from: papers loaded as Entries, and the escaping they pass through.

``load_entries`` reads every paper file once (reusing cached entries); ``pages`` builds the
README overview and the per-venue pages from them. Every string that comes from a paper file
goes through ``md_text``/``md_url``: a title cannot inject HTML, break a table, open a link
or close a marker. Only the text between ``<!-- paperlist:begin -->`` and
``<!-- paperlist:end -->`` in README.md is generated (``splice``); the rest is left alone.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import __version__
from .cachedir import cache_dir
from .cachedir import write_atomic as write_cache
from .errors import ConfigError
from .findings import Finding
from .loader import PaperFile, discover, relpath
from .papers import map_papers

BEGIN = "<!-- paperlist:begin -->"
END = "<!-- paperlist:end -->"
README = "README.md"
_PARALLEL_MIN = 1500


@dataclass(frozen=True)
class Entry:
    """The fields the README shows, taken defensively from one paper file."""

    rel: str
    title: str
    title_zh: str | None
    authors: tuple[str, ...]
    venue: str
    year: int
    track: str
    presentation: str | None
    arxiv: str | None
    paper: str | None
    code: tuple[str, ...]
    project: str | None
    video: str | None
    readings: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _http(value: Any) -> str | None:
    s = _str(value)
    return s if s and re.match(r"^https?://[^\s]+$", s, re.I) else None


def entry_from(rel: str, data: dict[str, Any]) -> Entry | None:
    """An Entry, or None when the file lacks what a README line needs (title, venue, year)."""
    title, venue, year = _str(data.get("title")), _str(data.get("venue")), data.get("year")
    if not title or not venue or not isinstance(year, int) or isinstance(year, bool):
        return None
    raw_links = data.get("links")
    links: dict[str, Any] = raw_links if isinstance(raw_links, dict) else {}
    code = tuple(u for u in (links.get("code") or []) if _http(u)) if isinstance(links.get("code"), list) else ()
    readings: list[tuple[str, str]] = []
    for r in links.get("readings") or [] if isinstance(links.get("readings"), list) else []:
        if isinstance(r, dict) and _http(r.get("url")):
            readings.append((_str(r.get("title")) or "", r["url"].strip()))
    authors = tuple(a.strip() for a in data.get("authors") or [] if isinstance(a, str) and a.strip()) \
        if isinstance(data.get("authors"), list) else ()
    tags = tuple(t for t in data.get("tags") or [] if isinstance(t, str)) if isinstance(data.get("tags"), list) else ()
    arxiv = _str(data.get("arxiv"))
    return Entry(
        rel=rel, title=title, title_zh=_str(data.get("title_zh")), authors=authors, venue=venue, year=year,
        track="workshop" if data.get("track") == "workshop" else "main",
        presentation=_str(data.get("presentation")), arxiv=arxiv, paper=_http(links.get("paper")),
        code=code, project=_http(links.get("project")), video=_http(links.get("video")),
        readings=tuple(readings), tags=tags,
    )


# -- escaping ------------------------------------------------------------------------------------

# One pass per string (str.translate): entities for what HTML reads, backslashes for what Markdown
# reads, and @ as an entity so an @mention in a title stays text instead of pinging someone.
_MD_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;",
                             **{c: "\\" + c for c in "\\`*_[]|~$"}})

_MD_SPECIAL = re.compile(r"[&<>@\\`*_\[\]|~$]")


def md_text(text: str) -> str:
    """Plain text made inert in Markdown and HTML: entities for <, >, &, @; backslashes for markup."""
    text = " ".join(text.split())  # no line breaks: one entry is one line
    # Most titles and names hold nothing to escape, and a search is cheaper than translate.
    return text.translate(_MD_ESCAPES) if _MD_SPECIAL.search(text) else text


_URL_SAFE = re.compile(r"[A-Za-z0-9:/?#\[\]@!$&'*+,;=%~\-._]*")


def md_url(url: str) -> str:
    """A URL that cannot break out of ``[label](…)``: spaces, parentheses and angle brackets escaped."""
    if _URL_SAFE.fullmatch(url):  # the usual case, and quote() walks the string in Python
        return url
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


_CACHE_VERSION = 1


def _scan(root: Path, paths: list[Path]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for p in paths:
        try:
            st = os.lstat(p)
        except OSError:
            continue
        out[relpath(p, root)] = (st.st_mtime_ns, st.st_size)
    return out


def load_entries(root: Path) -> tuple[list[Entry], list[Finding], int]:
    """Every paper as an Entry, reusing cached entries for files whose mtime and size are unchanged."""
    paths, findings = discover(root)
    skipped = list(findings)
    stats = _scan(root, paths)
    folder = cache_dir(root)
    cache_file = folder / "render-entries.json" if folder else None
    cached: dict[str, Any] = {}
    if cache_file is not None:
        try:
            blob = json.loads(cache_file.read_bytes())
            if blob.get("version") == [_CACHE_VERSION, __version__]:
                cached = blob["entries"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            cached = {}
    entries: list[Entry] = []
    fresh: dict[str, Any] = {}
    todo: list[str] = []
    for rel, stat_key in stats.items():
        hit = cached.get(rel)
        if hit and hit[0] == list(stat_key) and isinstance(hit[1], dict):
            try:
                entries.append(_entry_from_json(hit[1]))
                fresh[rel] = hit
                continue
            except (KeyError, TypeError, ValueError):
                pass
        todo.append(rel)
    for rel, entry, problem in _load_all(root, todo):
        if entry is None:
            msg = "not rendered: the file does not load as a paper with title, venue and year"
            if problem:
                msg += f" ({problem})"
            skipped.append(Finding(file=rel, severity="warning", check="render", message=msg,
                                   message_zh="未渲染：文件无法作为论文加载（需要 title、venue、year）"))
        else:
            entries.append(entry)
            if cache_file is not None:  # dataclasses.asdict is slow: a plain field copy is enough for JSON
                fresh[rel] = [list(stats[rel]), {f: getattr(entry, f) for f in _ENTRY_FIELDS}]
    if cache_file is not None and (todo or len(fresh) != len(cached)):
        write_cache(cache_file, json.dumps({"version": [_CACHE_VERSION, __version__], "entries": fresh},
                                            ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return entries, skipped, len(paths)


_ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(Entry))


def _entry_from_json(d: dict[str, Any]) -> Entry:
    fields = {name: d[name] for name in _ENTRY_FIELDS}
    for name in ("authors", "code", "tags"):
        fields[name] = tuple(fields[name])
    fields["readings"] = tuple((str(t), str(u)) for t, u in fields["readings"])
    return Entry(**fields)


def _entry_of(pf: PaperFile) -> tuple[str, Entry | None, str | None]:
    entry = entry_from(pf.rel, pf.data) if isinstance(pf.data, dict) else None
    return pf.rel, entry, pf.findings[0].message if pf.findings else None


def _load_all(root: Path, rels: list[str]) -> list[tuple[str, Entry | None, str | None]]:
    return map_papers(root, _entry_of, [root / rel for rel in rels], parallel_from=_PARALLEL_MIN)


def splice(readme: str, body: str) -> str:
    """Replace what lies between the markers; raise ConfigError when they are missing or out of order."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < 0 or end < start or readme.count(BEGIN) != 1 or readme.count(END) != 1:
        raise ConfigError(
            f"{README} must contain exactly one '{BEGIN}' followed by one '{END}' line: "
            "the generated list goes between them"
        )
    return readme[: start + len(BEGIN)] + "\n" + body + readme[end:]
