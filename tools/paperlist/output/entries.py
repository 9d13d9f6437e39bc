"""What the generated Markdown is made from: papers loaded as ListEntry values.

``load_entries`` takes each paper's entry from the content-addressed index (``paperlist.project.index``)
and parses only files whose content it has not seen; ``pages`` builds the README overview and
the per-venue pages from them. Every string that comes from a paper file goes through
``paperlist.infra.escape.md_text``/``md_url``: a title cannot inject HTML, break a table, open a link
or close a marker. Only the text between ``<!-- paperlist:begin -->`` and
``<!-- paperlist:end -->`` in README.md is generated (``splice``); the rest is left alone.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperlist.errors import ConfigError
from paperlist.findings import Finding
from paperlist.infra.messages import say
from paperlist.output.markers import BEGIN, END, README
from paperlist.project.index import Codec, Snapshot, derive
from paperlist.project.loader import PaperFile, discover, relpath

_PARALLEL_MIN = 1500


@dataclass(frozen=True)
class ListEntry:
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
    suggested: tuple[str, ...] = ()  # tags the topic model set and no person has confirmed (suggested_tags)

    def primary_tag(self, known: Container[str]) -> str:
        """The topic a paper is grouped under, everywhere (README sections, topic counts, latest
        additions, the site's order): its first tag when the vocabulary knows it, else "" (untagged)."""
        return self.tags[0] if self.tags and self.tags[0] in known else ""


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _http(value: Any) -> str | None:
    s = _str(value)
    return s if s and re.match(r"^https?://[^\s]+$", s, re.I) else None


def entry_from(rel: str, data: dict[str, Any]) -> ListEntry | None:
    """A ListEntry, or None when the file lacks what a README line needs (title and year; venue ""
    in a list without venues, where validate refuses a paper that names one)."""
    title, venue, year = _str(data.get("title")), _str(data.get("venue")) or "", data.get("year")
    if not title or not isinstance(year, int) or isinstance(year, bool):
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
    raw_sugg = data.get("suggested_tags")
    suggested = tuple(t for t in raw_sugg if isinstance(t, str) and t in tags) if isinstance(raw_sugg, list) else ()
    return ListEntry(
        rel=rel, title=title, title_zh=_str(data.get("title_zh")), authors=authors, venue=venue, year=year,
        track="workshop" if data.get("track") == "workshop" else "main",
        presentation=_str(data.get("presentation")), arxiv=arxiv, paper=_http(links.get("paper")),
        code=code, project=_http(links.get("project")), video=_http(links.get("video")),
        readings=tuple(readings), tags=tags, suggested=suggested,
    )


def latest_additions(entries: Sequence[ListEntry], added: Mapping[str, int]) -> list[tuple[int, ListEntry]]:
    """Papers with the time they were first committed, newest first: the README's "Latest
    additions" and the site's feeds read this one order (ties: newer year, venue, title, path)."""
    dated = [(added[e.rel], e) for e in entries if e.rel in added]
    dated.sort(key=lambda p: (-p[0], -p[1].year, p[1].venue, p[1].title.casefold(), p[1].rel))
    return dated


# md_text and md_url (every paper string passes through them) live in paperlist.infra.escape.


def _entry_of(pf: PaperFile) -> tuple[ListEntry | None, str | None]:
    """The README entry of one loaded file, or why there is none."""
    entry = entry_from(pf.rel, pf.data) if isinstance(pf.data, dict) else None
    return entry, (pf.findings[0].message if pf.findings and entry is None else None)


_ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(ListEntry) if f.name != "rel")


def _encode(value: tuple[ListEntry | None, str | None]) -> Any:
    entry, problem = value
    # A plain field copy: dataclasses.asdict is slow on the hot path. No path: the value is the
    # content's, and the same content at another path gets its own rel back on decode.
    return [[getattr(entry, f) for f in _ENTRY_FIELDS] if entry else None, problem]


def _decode(data: Any, rel: str) -> tuple[ListEntry | None, str | None]:
    fields, problem = data
    if fields is None:
        return None, str(problem) if problem is not None else None
    d = dict(zip(_ENTRY_FIELDS, fields, strict=True))
    for name in ("authors", "code", "tags", "suggested"):
        d[name] = tuple(str(x) for x in d[name])
    d["readings"] = tuple((str(t), str(u)) for t, u in d["readings"])
    if not isinstance(d["title"], str) or not isinstance(d["year"], int):
        raise TypeError("not an entry")
    return ListEntry(rel=rel, **d), None


ENTRY_CODEC = Codec("render-entry-2", _encode, _decode)  # -2: entries carry suggested tags


def load_entries(root: Path, *, meanwhile: Callable[[], None] | None = None, snap: Snapshot | None = None
                 ) -> tuple[list[ListEntry], list[Finding], int]:
    """Every paper as a ListEntry (from the content-addressed index where its content is known, else
    parsed once, on all cores when many), the findings about files that are not rendered, and
    the number of files. ``meanwhile`` runs while the files are parsed (see ``index.derive``)."""
    paths, findings = discover(root)
    skipped = list(findings)
    entries: list[ListEntry] = []
    derived = derive(root, ENTRY_CODEC, _entry_of, paths, complete=True, parallel_from=_PARALLEL_MIN,
                     meanwhile=meanwhile, snap=snap)
    for path, (entry, problem) in zip(paths, derived.values, strict=True):
        if entry is None:
            skipped.append(Finding(file=relpath(path, root), severity="warning", check="render",
                                   **say("render.skipped", problem=f" ({problem})" if problem else "")))
        else:
            entries.append(entry)
    return entries, skipped, len(paths)


def splice(readme: str, body: str) -> str:
    """Replace what lies between the markers; raise ConfigError when they are missing or out of order."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < 0 or end < start or readme.count(BEGIN) != 1 or readme.count(END) != 1:
        raise ConfigError(
            f"{README} must contain exactly one '{BEGIN}' followed by one '{END}' line: "
            "the generated list goes between them"
        )
    return readme[: start + len(BEGIN)] + "\n" + body + readme[end:]
