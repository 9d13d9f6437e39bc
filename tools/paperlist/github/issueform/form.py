"""The add-paper issue form: its fields (read from the template itself) and a parser for the issue
body GitHub writes from it, every answer treated as untrusted input.

GitHub writes a form's answers as Markdown: ``### <label>`` then the answer, ``_No response_``
for an empty one. Anyone can also edit the body by hand, so nothing here trusts its shape: only
headings that are exactly a field's label start a field, a label given twice is refused (a
textarea could otherwise smuggle in a second "Venue"), every answer has a size cap that is
reported rather than silently cut, and control characters, bidi overrides and HTML are refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from paperlist.domain import YEAR_MAX, YEAR_MIN, year_problem
from paperlist.errors import ConfigError
from paperlist.infra import identity
from paperlist.infra.messages import both
from paperlist.project.vocab import Vocabulary

TEMPLATE = ".github/ISSUE_TEMPLATE/add-paper.yml"
# GitHub refuses issue bodies over 65,536 characters; a longer one did not come from GitHub.
MAX_BODY = 65536
NO_RESPONSE = "_No response_"

# Caps per answer, in characters: the schema's own limits where it has one (title 300), else
# generous for a real answer and small enough that the bot's reply always fits a comment.
LIMITS = {"request": 200, "arxiv": 1000, "title": 300, "authors": 4000, "venue": 50, "year": 10, "tags": 400,
          "code": 4000, "project": 2000}
MAX_IDS = 20
MAX_CODE = 20
MAX_TAGS = 10

Kind = Literal["new", "code"]
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_HTML = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>|&#?[A-Za-z0-9]+;")
_URL = re.compile(r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$")
_SPLIT_LIST = re.compile(r"\s*(?:[,;，、；]|\n)\s*")


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    kind: str  # input | textarea | dropdown
    options: tuple[str, ...] = ()
    required: bool = False

    @property
    def limit(self) -> int:
        return LIMITS.get(self.id, 1000)


@dataclass(frozen=True)
class FormSpec:
    """The form as the template defines it: the labels GitHub writes as headings, the label it applies."""

    fields: tuple[FormField, ...]
    labels: tuple[str, ...]

    def by_id(self, field_id: str) -> FormField:
        return next(f for f in self.fields if f.id == field_id)

    def has(self, field_id: str) -> bool:
        return any(f.id == field_id for f in self.fields)

    @classmethod
    def load(cls, root: Path) -> FormSpec:
        path = Path(root) / TEMPLATE
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise ConfigError(f"{TEMPLATE}: missing (is --root the project folder?)") from e
        except yaml.YAMLError as e:
            raise ConfigError(f"{TEMPLATE}: invalid YAML: {e}") from e
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> FormSpec:
        if not isinstance(data, dict) or not isinstance(data.get("body"), list):
            raise ConfigError(f"{TEMPLATE}: expected an issue form with a 'body' list")
        fields: list[FormField] = []
        for item in data["body"]:
            if not isinstance(item, dict) or item.get("type") == "markdown":
                continue
            attrs = item.get("attributes") or {}
            fields.append(FormField(id=str(item.get("id")), label=str(attrs.get("label", "")).strip(),
                                    kind=str(item.get("type")),
                                    options=tuple(str(o) for o in attrs.get("options") or ()),
                                    required=bool((item.get("validations") or {}).get("required"))))
        # venue may be left out: a topic list (venues: [] in paperlist.yaml) places papers by year alone
        missing = {"request", "arxiv", "title", "year", "tags", "code", "project"} - {f.id for f in fields}
        if missing:
            raise ConfigError(f"{TEMPLATE}: the form lacks the field(s) {', '.join(sorted(missing))}")
        return cls(tuple(fields), tuple(str(x) for x in data.get("labels") or ()))


@dataclass(frozen=True)
class Problem:
    """What is wrong with one answer of the form, in both languages. ``field`` is a field id or ""."""

    field: str
    message: str
    message_zh: str


@dataclass
class PaperRequest:
    """What the issue asks for, every value checked; the input of the same library as ``paperlist new``."""

    kind: Kind
    arxiv: list[str] = field(default_factory=list)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    year: int | None = None
    tags: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    project: str | None = None


def split_sections(body: str, spec: FormSpec) -> tuple[dict[str, str], list[Problem]]:
    """The raw answer under each field's heading (``_No response_`` → ""), and problems with the shape."""
    by_label = {f.label: f for f in spec.fields}
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    answers: dict[str, list[str]] = {}
    problems: list[Problem] = []
    current: str | None = None
    for line in text.split("\n"):
        m = re.fullmatch(r"###[ \t]+(.+?)[ \t]*#*[ \t]*", line)
        if m and m.group(1) in by_label:
            current = by_label[m.group(1)].id
            if current in answers:
                problems.append(Problem(current, *both("issue.field-twice", label=m.group(1))))
            answers[current] = []
            continue
        if current is not None:
            answers[current].append(line)
    out = {}
    for fid, lines in answers.items():
        value = "\n".join(lines).strip()
        out[fid] = "" if value == NO_RESPONSE else value
    if not out:
        problems.append(Problem("", *both("issue.not-the-form")))
    return out, problems


def _untrusted(f: FormField, value: str) -> list[Problem]:
    """Refusals every answer gets, whatever the field: size, control and invisible characters, HTML."""
    name = f.label
    if len(value) > f.limit:
        return [Problem(f.id, *both("issue.too-long", label=name, n=len(value), limit=f.limit))]
    out: list[Problem] = []
    multiline = f.kind == "textarea"
    if any(unicodedata.category(c) == "Cc" and not (multiline and c in "\n\t") for c in value) or _BIDI.search(value):
        out.append(Problem(f.id, *both("issue.control", label=name)))
    elif not multiline and "\n" in value:
        out.append(Problem(f.id, *both("issue.one-line", label=name)))
    if _HTML.search(value):
        out.append(Problem(f.id, *both("issue.html", label=name)))
    return out


def _urls(f: FormField, value: str, limit: int) -> tuple[list[str], list[Problem]]:
    urls = list(dict.fromkeys(u for u in re.split(r"\s+", value) if u))
    bad = [u for u in urls if not _URL.match(u) or len(u) > 2000]
    if bad:
        return [], [Problem(f.id, *both("issue.not-a-link", label=f.label, url=bad[0]))]
    if len(urls) > limit:
        return [], [Problem(f.id, *both("issue.too-many-links", label=f.label, n=len(urls), limit=limit))]
    return urls, []


def read_request(body: str, spec: FormSpec, vocab: Vocabulary) -> tuple[PaperRequest | None, list[Problem]]:
    """The request an issue body makes, or None and every problem found (all reported at once)."""
    if len(body) > MAX_BODY:
        return None, [Problem("", *both("issue.body-too-long", n=len(body), limit=MAX_BODY))]
    answers, problems = split_sections(body, spec)
    if not answers:
        return None, problems
    for f in spec.fields:
        if f.id in answers:
            problems.extend(_untrusted(f, answers[f.id]))
    refused = {p.field for p in problems}

    def get(fid: str) -> str:
        # A refused answer is not read further: one clear problem per field, not a cascade.
        return "" if fid in refused else answers.get(fid, "")

    request_field = spec.by_id("request")
    kind: Kind = "new"
    if get("request"):
        if get("request") not in request_field.options:
            problems.append(Problem("request", *both("issue.request-type")))
        elif request_field.options.index(get("request")) == 1:
            kind = "code"
    req = PaperRequest(kind=kind)

    for raw in (x for x in re.split(r"[\s,;，；]+", get("arxiv")) if x):
        aid = identity.arxiv_id(raw)
        if aid is None:
            problems.append(Problem("arxiv", *both("issue.not-arxiv", value=raw)))
        elif aid not in req.arxiv:
            req.arxiv.append(aid)
    if len(req.arxiv) > MAX_IDS:
        problems.append(Problem("arxiv", *both("issue.too-many-ids", n=len(req.arxiv), limit=MAX_IDS)))
    req.title = " ".join(get("title").split()) or None
    req.authors = [a for a in _SPLIT_LIST.split(get("authors")) if a]

    if vocab.venues and not spec.has("venue"):
        raise ConfigError(f"{TEMPLATE}: the list has venues, so the form needs its venue field")
    venue = get("venue")
    if venue and not vocab.venues:
        problems.append(Problem("venue", "this list has no venues: leave the venue empty",
                                "本列表不分会议：请不要填写会议"))
    elif venue:
        venue_field = spec.by_id("venue")
        resolved = vocab.resolve_venue(venue)
        if venue not in venue_field.options or resolved is None:
            problems.append(Problem("venue", *both("issue.venue")))
        else:
            req.venue = resolved
    year = get("year")
    if year:
        if not re.fullmatch(r"[0-9]{4}", year):
            problems.append(Problem("year", *both("issue.year", value=year, min=YEAR_MIN, max=YEAR_MAX)))
        elif said := year_problem(int(year)):
            problems.append(Problem("year", *said))
        else:
            req.year = int(year)
    for label in (t for t in _SPLIT_LIST.split(get("tags")) if t):
        tag = vocab.resolve_tag(label)
        if tag is None:
            problems.append(Problem("tags", *both("issue.unknown-tag", value=label)))
        elif tag not in req.tags:
            req.tags.append(tag)
    if len(req.tags) > MAX_TAGS:
        problems.append(Problem("tags", *both("issue.too-many-tags", n=len(req.tags), limit=MAX_TAGS)))
    req.code, bad = _urls(spec.by_id("code"), get("code"), MAX_CODE)
    problems += bad
    projects, bad = _urls(spec.by_id("project"), get("project"), 1)
    problems += bad
    req.project = projects[0] if projects else None

    # What each request needs, beyond what the form's `required` (a browser-side check) asks.
    if not req.arxiv and not req.title and not refused & {"arxiv", "title"}:
        problems.append(Problem("arxiv", *both("issue.need-id-or-title")))
    if req.title and len(req.arxiv) > 1:
        problems.append(Problem("title", *both("issue.title-with-many")))
    # A new paper needs its venue and year (a listed one is found by its arXiv id). No tags is left
    # to the planner, which answers with the tags the title suggests.
    needed = (("venue", req.venue is None),) if vocab.venues else ()
    for fid, missing in (*needed, ("year", req.year is None)):
        if kind == "new" and missing and not any(p.field == fid for p in problems):
            label = spec.by_id(fid).label
            problems.append(Problem(fid, *both("issue.needed", label=label)))
    if kind == "code" and not req.code and not req.project:
        problems.append(Problem("code", *both("issue.need-code")))
    order = {f.id: i for i, f in enumerate(spec.fields)}
    problems.sort(key=lambda p: order.get(p.field, -1))  # in the form's order, as the contributor reads it
    return (None if problems else req), problems
