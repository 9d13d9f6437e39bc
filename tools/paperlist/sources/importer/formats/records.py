"""Structured records (a JSON object, a CSV row) to entries: the field map, and values cleaned.

The default map reads papercopilot/paperlists out of the box (``title``, ``author`` as
``"A;  B;  C"``, ``status`` → presentation, ``pdf``/``oa``/``site`` → the paper link, ``arxiv``,
``github`` → code, ``project``, ``session`` → category); ``--map key=field,...`` or a map file
renames other keys. An empty string is *unknown*, never a value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from paperlist.domain import PRESENTATION_WORDS, PRESENTATIONS, YEAR_MAX, YEAR_MIN, year_problem
from paperlist.errors import UsageError
from paperlist.infra import identity
from paperlist.sources.importer import precision, urls
from paperlist.sources.importer.lexer import clean_text
from paperlist.sources.importer.model import SourceEntry, Unparsed
from paperlist.sources.importer.recall import PaperId, ids_in

# The paper fields a source key can map to ("ignore": read, never imported).
TARGETS = ("title", "title_zh", "authors", "presentation", "track", "arxiv", "doi", "paper", "code", "project",
           "video", "supplementary", "category", "venue", "year", "ignore")
# Source key (folded) -> field. Order matters for "paper": the PDF first, then the landing pages.
DEFAULT_FIELDS: dict[str, str] = {
    "title": "title", "paper_title": "title", "name": "title",
    "title_zh": "title_zh", "chinese_title": "title_zh", "标题": "title", "中文标题": "title_zh",
    "author": "authors", "authors": "authors", "作者": "authors",
    "status": "presentation", "presentation": "presentation", "decision": "presentation",
    "track": "track",
    "arxiv": "arxiv", "arxiv_id": "arxiv",
    "doi": "doi",
    "pdf": "paper", "paper": "paper", "oa": "paper", "site": "paper", "url": "paper", "paper_url": "paper",
    "github": "code", "code": "code", "repo": "code", "repository": "code", "代码": "code",
    "project": "project", "homepage": "project", "project_page": "project", "主页": "project",
    "video": "video", "youtube": "video",
    "supp": "supplementary", "supplementary": "supplementary",
    "session": "category", "category": "category", "topic": "category", "area": "category",
    "primary_area": "category", "类别": "category",
    "venue": "venue", "conference": "venue", "conf": "venue",
    "year": "year",
}
_RANK = {key: i for i, key in enumerate(DEFAULT_FIELDS)}
MAX_FIELD = 20_000  # characters in one field: an abstract is 3,000; a million is not a record
_AFFIL = re.compile(r"\s*(?:\[\s*[\d,\s]+\]|\(\s*\d[\d,\s]*\)|\d{1,2}(?:\s*,\s*\d{1,2})*)\s*$")
_MARKS = re.compile(r"[*†‡§¶#]+$")
_DOI_IN = re.compile(r"(10\.\d{4,9}/[^\s\"'<>]+)")


def fold_key(key: str) -> str:
    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFKC", key).strip().casefold())


def parse_field_map(specs: Iterable[str]) -> dict[str, str]:
    """``key=field,key2=field2`` (several allowed) to a map; an unknown field is a usage error."""
    out: dict[str, str] = {}
    for spec in specs:
        for part in spec.split(","):
            if not part.strip():
                continue
            key, sep, target = part.partition("=")
            add_field(out, key, target.strip() if sep else "", origin=f"--map {spec!r}")
    return out


def add_field(out: dict[str, str], key: str, target: str, *, origin: str) -> None:
    target = target.strip().lower()
    if not key.strip() or target not in TARGETS:
        raise UsageError(f"{origin}: {key.strip()!r} maps to {target!r}; a field is one of {', '.join(TARGETS)}")
    out[fold_key(key)] = target


def field_map(user: Mapping[str, str]) -> dict[str, str]:
    """The map a structured import uses: the user's keys first, then the defaults for the rest."""
    return {**DEFAULT_FIELDS, **user} if user else dict(DEFAULT_FIELDS)


def value_text(value: Any) -> str | None:
    """A scalar as text; empty and whitespace-only strings are unknown (None)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    return None


_SESSION_PREFIX = re.compile(rf"^\[\s*(?:from\s+)?(?P<kind>{PRESENTATION_WORDS})\b[^\[\]]{{0,30}}\]\s*", re.I)


def session_prefix(title: str) -> tuple[str, str | None]:
    """"[From Oral 1A] Title" (papercopilot's ICCV 2015 repeats each oral so): the title, and "oral"."""
    m = _SESSION_PREFIX.match(title)
    return (title[m.end():], m.group("kind").lower()) if m else (title, None)


def clean_title(text: str) -> str:
    title = clean_text(text)
    if len(title) > 2 and title[0] == title[-1] == '"' and '"' not in title[1:-1]:
        title = title[1:-1].strip()  # '"BodySLAM: …"': the whole title quoted by the source
    return title


def clean_author(name: str) -> str | None:
    """One author name without affiliation marks ("Sujith Ravi[2]", "Qi Tian1", "Li*") or spacing."""
    name = unicodedata.normalize("NFC", " ".join(name.split())).strip(" ;,")
    for _ in range(2):
        name = _MARKS.sub("", _AFFIL.sub("", name)).strip(" ;,")
    if not name or len(name) > 200 or not re.search(r"[^\W\d_]", name):
        return None
    return name


def split_authors(value: Any) -> list[str]:
    """Authors from ``"A;  B;  C;"`` (papercopilot), ``"A, B and C"`` or a JSON list."""
    if isinstance(value, list):
        parts = [p for item in value if (p := value_text(item))]
    else:
        text = value_text(value)
        if text is None:
            return []
        parts = text.split(";") if ";" in text else re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", text)
    names: list[str] = []
    for part in parts:
        name = clean_author(part)
        if name and name not in names:
            names.append(name)
    return names


def _url(text: str) -> str:
    text = text.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I) and re.match(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+/", text):
        text = "https://" + text  # "github.com/vkkhare/ZSL-ADA": a URL that lost its scheme
    return urls.clean_url(text)


@dataclass
class RecordResult:
    entry: SourceEntry | None
    refused: str | None = None  # why the record is not imported (it stays in the ledger with this reason)
    notes: list[str] = field(default_factory=list)
    ids: set[PaperId] = field(default_factory=set)


def record_ids(record: Mapping[str, Any]) -> set[PaperId]:
    """Every paper id in any value of a record (mapped or not): the guard does not trust the map."""
    out: set[PaperId] = set()
    for value in record.values():
        for item in value if isinstance(value, list) else [value]:
            text = value_text(item)
            if text is None:
                continue
            out |= set(ids_in(text))
            if identity.arxiv_id(text) and re.fullmatch(r"(?:arxiv:\s*)?\d{4}\.\d{4,5}(?:v\d+)?", text, re.I):
                out.add(PaperId("arxiv", identity.arxiv_id(text) or text))
    return out


def title_id(title: str) -> PaperId | None:
    key = identity.title_key(title) if title else ""
    return PaperId("title", key) if key else None


def to_entry(record: Mapping[str, Any], fields: Mapping[str, str], *, source: str, line: int, number: int,
             venue_of: Callable[[str], str | None]) -> RecordResult:
    """One record as an entry, or why it is refused."""
    for key, value in record.items():
        if isinstance(value, str) and len(value) > MAX_FIELD:
            raise _Fatal(f"record {number}: field {key!r} is {len(value):,} characters (at most {MAX_FIELD:,})")
        if isinstance(value, (dict, list)) and len(repr(value)) > MAX_FIELD:
            raise _Fatal(f"record {number}: field {key!r} holds {len(repr(value)):,} characters "
                         f"(at most {MAX_FIELD:,})")
    entry = SourceEntry(source, line, numbered=True)
    entry.lines.append(line)
    result = RecordResult(entry, ids=record_ids(record))
    ranked: dict[str, list[tuple[int, Any]]] = {}
    for key, value in record.items():
        folded = fold_key(str(key))
        target = fields.get(folded)
        if target and target != "ignore":
            # a key the user mapped first, then the defaults in their order (the PDF before its landing page)
            rank = _RANK.get(folded, -1) if DEFAULT_FIELDS.get(folded) == target else -1
            ranked.setdefault(target, []).append((rank, value))
    by_field = {k: [v for _, v in sorted(vs, key=lambda rv: rv[0])] for k, vs in ranked.items()}

    def first(name: str) -> str | None:
        return next((t for v in by_field.get(name, []) if (t := value_text(v))), None)

    title = first("title")
    entry.title, said = session_prefix(clean_title(title)) if title else ("", None)
    tid = title_id(entry.title)
    if tid:
        result.ids.add(tid)
    if not entry.title:
        return RecordResult(None, f"record {number}: no title", ids=result.ids)
    if len(entry.title) > 300:
        return RecordResult(None, f"record {number}: title longer than 300 characters", ids=result.ids)
    zh = first("title_zh")
    entry.title_zh = clean_text(zh) if zh and len(zh) <= 300 else None
    for value in by_field.get("authors", []):
        if not entry.authors:
            entry.authors = split_authors(value)[:200]
    status = first("presentation")
    if said:
        entry.presentation = said
    elif status:
        entry.presentation = status.casefold() if status.casefold() in PRESENTATIONS else None
        if entry.presentation is None:
            result.notes.append(f"status {status!r} is not a presentation ({', '.join(PRESENTATIONS)})")
    track = first("track")
    if track and track.casefold() == "workshop":
        entry.track = "workshop"
    elif track and track.casefold() not in ("main", "main track", "conference"):
        result.notes.append(f"track {track!r} is not main or workshop; left out")
    raw_arxiv = first("arxiv")
    if raw_arxiv:
        aid = identity.arxiv_id(raw_arxiv)
        if aid:
            entry.arxiv = aid
        else:
            result.notes.append(f"arxiv {raw_arxiv!r} is not an arXiv id; left out")
    raw_doi = first("doi")
    if raw_doi:
        if re.match(r"https?://", raw_doi.strip(), re.I):
            # a URL holds no spaces: "…/10.1007/978-3-031-19830-4 _27" is the chapter _27 with a stray
            # space, and cut at the space it would be the whole book (every paper of a volume one DOI)
            raw_doi = re.sub(r"\s+", "", raw_doi)
        m = _DOI_IN.search(raw_doi)
        entry.doi = m.group(1).rstrip(".,;") if m and len(m.group(1)) <= 200 else None
    _links(entry, by_field, result)
    result.notes += entry.keep_extra_arxiv()
    venue = first("venue")
    if venue:
        resolved = venue_of(venue)
        if resolved is None:
            return RecordResult(None, f"record {number}: venue {venue!r} is not in vocab/venues.yaml", ids=result.ids)
        entry.venue = resolved
    year = first("year")
    if year:
        if not re.fullmatch(r"[0-9]{4}(?:\.0)?", year):
            return RecordResult(None, f"record {number}: year {year!r} is not a year from {YEAR_MIN} to {YEAR_MAX}",
                                ids=result.ids)
        if out_of_range := year_problem(int(float(year))):
            return RecordResult(None, f"record {number}: {out_of_range[0]}", ids=result.ids)
        entry.year = int(float(year))
    category = first("category")
    if category:
        entry.categories.append((category, line))
    why = precision.judge(entry, "", precision.Headings([]))
    if why:
        return RecordResult(None, f"record {number}: {why}", ids=result.ids)
    return result


def _links(entry: SourceEntry, by_field: dict[str, list[Any]], result: RecordResult) -> None:
    def texts(name: str) -> list[str]:
        out: list[str] = []
        for value in by_field.get(name, []):
            for item in value if isinstance(value, list) else [value]:
                text = value_text(item)
                if text:
                    out += [t for t in re.split(r"[\s,;]+", text) if t]
        return out

    seen_papers: set[str] = set()
    for text in texts("paper"):
        url = _url(text)
        key = identity.cvf_paper(url) or identity.arxiv_id(url) or url
        if key in seen_papers:
            continue  # the CVF landing page of the PDF already taken: one paper, one link
        seen_papers.add(key)
        if not entry.add_url(url, urls.PAPER, "paper"):
            result.notes.append(f"paper link {text[:80]!r} is not a web address; left out")
    for name, label in (("code", urls.CODE), ("project", urls.PROJECT), ("video", urls.VIDEO),
                        ("supplementary", urls.OTHER)):
        for text in texts(name):
            if not entry.add_url(_url(text), label, "supplementary" if name == "supplementary" else name):
                result.notes.append(f"{name} link {text[:80]!r} is not a web address; left out")


class _Fatal(Exception):
    """A record the whole import must stop at (a field of a million characters)."""


Fatal = _Fatal


def fatal(source: str, line: int, message: str) -> Unparsed:
    return Unparsed(source, line, "", message)
