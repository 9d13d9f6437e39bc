"""The importer's data: entries as a list wrote them, and what the import reports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from paperlist.infra import identity
from paperlist.project import writer
from paperlist.sources.importer import urls


@dataclass
class SourceEntry:
    """One paper (or one reading) as a list wrote it, with the source lines it took."""

    source: str
    line: int
    title: str = ""
    title_zh: str | None = None
    authors: list[str] = field(default_factory=list)
    arxiv: str | None = None
    paper: str | None = None
    code: list[str] = field(default_factory=list)
    project: str | None = None
    video: str | None = None
    readings: list[dict[str, str]] = field(default_factory=list)
    other: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    doi: str | None = None
    venue: str | None = None  # a structured record may name its own venue and year (else the import's)
    year: int | None = None
    presentation: str | None = None
    track: str | None = None
    reading: dict[str, str] | None = None  # set for the entries of a reading section
    extra_arxiv: list[str] = field(default_factory=list)
    has_links: bool = False
    numbered: bool = False
    title_link: bool = False  # the title was the text of a link ("[Title](url)")
    lines: list[int] = field(default_factory=list)
    categories: list[tuple[str, int]] = field(default_factory=list)  # labels not mapped yet

    def keep_extra_arxiv(self) -> list[str]:
        """A paper file has one arXiv id: keep each other arXiv link as ``links.other`` rather than
        lose it; returns one note per link kept, for the report."""
        notes = []
        for aid in self.extra_arxiv:
            self.other.append({"title": "arXiv", "url": f"https://arxiv.org/abs/{aid}"})
            notes.append(f"a second arXiv id {aid} kept as links.other (first: {self.arxiv})")
        self.extra_arxiv = []
        return notes

    def add_url(self, url: str, label_kind: str | None, label: str = "") -> bool:
        """Put a URL where it belongs: by what the URL is, and by its label only when the URL cannot
        tell. False when the URL is not a web address (it is then reported, not stored)."""
        url = urls.clean_url(url)
        if not urls.url_ok(url):
            return False
        self.has_links = True
        kind = urls.url_kind(url)
        if kind == urls.ARXIV:
            aid = identity.arxiv_id(url)
            if self.arxiv is None:
                self.arxiv = aid
            elif aid and aid != self.arxiv and aid not in self.extra_arxiv:
                self.extra_arxiv.append(aid)
            return True
        if kind == urls.READING or (kind is None and label_kind == urls.READING):
            # "[解读-Title](url)": the label says what the link is; the rest is the write-up's title
            title = re.sub(r"^(?:中文)?(?:论文)?解读\s*[-:：|｜]?\s*(?=\S)", "", label).strip()
            plain = urls.fold(title) in urls.LABEL_WORDS if title else True
            self._titled(self.readings, "论文解读" if plain else title, url)
            return True
        if kind is None:
            kind = {urls.PAPER: urls.PAPER, urls.CODE: urls.OTHER, urls.VIDEO: urls.VIDEO,
                    urls.OTHER: urls.OTHER}.get(label_kind or "", urls.PROJECT)
            if kind == urls.PAPER and not (url.lower().endswith(".pdf") or label_kind == urls.PAPER):
                kind = urls.PROJECT
        if kind == urls.CODE:
            if url not in self.code:
                self.code.append(url)
        elif kind == urls.PAPER:
            if self.paper is None:
                self.paper = url
            elif writer.url_key(self.paper) != writer.url_key(url):
                self._titled(self.other, label or "paper", url)
        elif kind == urls.VIDEO:
            if self.video is None:
                self.video = url
            elif self.video != url:
                self._titled(self.other, label or "video", url)
        elif kind == urls.PROJECT:
            if self.project is None:
                self.project = url
            elif self.project != url:
                self._titled(self.other, label or "link", url)
        else:
            self._titled(self.other, label or "link", url)
        return True

    @staticmethod
    def _titled(items: list[dict[str, str]], title: str, url: str) -> None:
        key = writer.url_key(url)
        for item in items:
            if writer.url_key(item["url"]) == key:
                return
        items.append({"title": title[:300] or "link", "url": url})


@dataclass
class Unparsed:
    source: str
    line: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.source, "line": self.line, "text": self.text, "reason": self.reason}


@dataclass
class Unmapped:
    """A category label no tag maps to, with how many entries carried it."""

    label: str
    source: str
    line: int
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.label, "file": self.source, "line": self.line, "count": self.count,
                "examples": self.examples}
