"""Grouping: the entries that name one paper become one paper (arXiv id first, then title)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from paperlist.infra import identity
from paperlist.project import writer
from paperlist.sources.importer.model import SourceEntry

FALLBACK_TAG = "other"


@dataclass
class PaperGroup:
    """One paper as the import knows it: the union of every entry that names it."""

    paper: dict[str, Any]
    lines: list[tuple[str, int]] = field(default_factory=list)  # (source, line) of each entry
    readings_only: bool = False


def new_paper(entry: SourceEntry, venue: str | None, year: int) -> dict[str, Any]:
    return {
        "title": entry.title, "title_zh": entry.title_zh, "authors": list(entry.authors),
        "venue": entry.venue or venue, "year": entry.year or year, "track": entry.track,
        "presentation": entry.presentation, "arxiv": entry.arxiv, "doi": entry.doi,
        "links": {"paper": entry.paper, "code": list(entry.code), "project": entry.project, "video": entry.video,
                  "readings": list(entry.readings), "other": list(entry.other)},
        "tags": list(entry.tags),
    }


def reading_paper(entry: SourceEntry, venue: str | None, year: int) -> dict[str, Any]:
    assert entry.reading is not None
    view = new_paper(entry, venue, year)
    view["links"]["readings"] = [dict(entry.reading), *view["links"]["readings"]]
    return view


def absorb(paper: dict[str, Any], other: dict[str, Any]) -> None:
    """In-memory union of two views of one paper (first value wins, lists are unions)."""
    for key in ("title_zh", "track", "presentation", "arxiv", "doi"):
        if not paper.get(key) and other.get(key):
            paper[key] = other[key]
    if not paper.get("authors") and other.get("authors"):
        paper["authors"] = list(other["authors"])
    tags = [t for t in paper["tags"] if t != FALLBACK_TAG]
    for t in other["tags"]:
        if t != FALLBACK_TAG and t not in tags:
            tags.append(t)
    paper["tags"] = tags or ([FALLBACK_TAG] if (paper["tags"] or other["tags"]) else [])
    links, new = paper["links"], other["links"]
    known = {writer.url_key(u) for u in [links["paper"], links["project"], links["video"], *links["code"]] if u}
    known |= {writer.url_key(i["url"]) for i in links["readings"] + links["other"]}
    for key in ("paper", "project", "video"):
        url = new.get(key)
        if url and writer.url_key(url) not in known:
            if links[key] is None:
                links[key] = url
            else:
                links["other"].append({"title": key, "url": url})
            known.add(writer.url_key(url))
    for url in new["code"]:
        if writer.url_key(url) not in known:
            links["code"].append(url)
            known.add(writer.url_key(url))
    for key in ("readings", "other"):
        for item in new[key]:
            k = writer.url_key(item["url"])
            if k not in known:
                links[key].append(dict(item))
                known.add(k)
            elif key == "readings":
                _better_reading_title(links["readings"], item)


def _better_reading_title(readings: list[dict[str, str]], item: dict[str, str]) -> None:
    # A bare "论文解读：url" gets the write-up's real title when another entry gives it.
    for r in readings:
        if writer.url_key(r["url"]) == writer.url_key(item["url"]) and r["title"] in ("论文解读", "解读") \
                and item["title"] not in ("论文解读", "解读"):
            r["title"] = item["title"]


@lru_cache(maxsize=65536)
def _title_keys(title: str) -> tuple[str, ...]:
    return tuple(_compute_title_keys(title))


def title_keys(title: str) -> list[str]:
    """See ``_compute_title_keys``; cached (a conference import asks about each title several times)."""
    return list(_title_keys(title))


def _compute_title_keys(title: str) -> list[str]:
    """The normalized title, and (as a second key) the title without a short "Name:" prefix.

    Lists drop the method name now and then: "Inverting the Inherence of Convolution…" is
    "Involution: Inverting the Inherence of Convolution…" listed elsewhere without its name.
    """
    norm = identity.normalize_title(title) if title else ""
    if not norm:
        return []
    keys_ = [norm]
    core = identity.strip_title_decorations(title)
    m = re.match(r"^\s*([^:：]{1,40})[:：]\s*(\S.*)$", core)
    if m and len(m.group(1).split()) <= 3:
        tail = identity.normalize_title(m.group(2))
        if len(tail.split()) >= 4:
            keys_.append(tail)
    return keys_


class Index:
    """Groups by arXiv id and by title key (within one venue-year: one title at two conferences is two
    papers until the duplicate check says otherwise)."""

    def __init__(self) -> None:
        self.by_arxiv: dict[str, PaperGroup] = {}
        self.by_title: dict[tuple[str | None, int, str], PaperGroup] = {}

    def find(self, arxiv: str | None, title: str, where: tuple[str | None, int]) -> PaperGroup | None:
        if arxiv and arxiv in self.by_arxiv:
            return self.by_arxiv[arxiv]
        for key in title_keys(title):
            group = self.by_title.get((*where, key))
            if group is None:
                continue
            if arxiv and group.paper.get("arxiv") and group.paper["arxiv"] != arxiv:
                continue  # same title, different arXiv ids: two papers, let the duplicate check decide
            return group
        return None

    def add(self, group: PaperGroup) -> None:
        if group.paper.get("arxiv"):
            self.by_arxiv.setdefault(group.paper["arxiv"], group)
        where = (group.paper.get("venue"), group.paper["year"])
        for key in title_keys(group.paper["title"]):
            self.by_title.setdefault((*where, key), group)


def group_entries(entries: list[SourceEntry], venue: str | None, year: int
                  ) -> tuple[list[PaperGroup], list[SourceEntry]]:
    """Merge entries naming the same paper; returns the groups and the reading entries whose paper is
    not in these lists."""
    groups: list[PaperGroup] = []
    index = Index()
    readings: list[SourceEntry] = []
    for entry in entries:
        if entry.reading is not None:
            readings.append(entry)
            continue
        view = new_paper(entry, venue, year)
        group = index.find(entry.arxiv, entry.title, (view.get("venue"), view["year"]))
        if group is None:
            group = PaperGroup(view, [(entry.source, entry.line)])
            groups.append(group)
        else:
            absorb(group.paper, view)
            group.lines.append((entry.source, entry.line))
        index.add(group)
    orphans: list[SourceEntry] = []
    for entry in readings:
        group = index.find(entry.arxiv, entry.title, (entry.venue or venue, entry.year or year))
        if group is None:
            orphans.append(entry)
            continue
        absorb(group.paper, reading_paper(entry, venue, year))
        group.lines.append((entry.source, entry.line))
    return groups, orphans
