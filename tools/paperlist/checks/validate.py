"""Validation: the JSON Schema plus what a schema cannot say (file name, folder, vocabularies).

Schema errors are turned into sentences a contributor can act on, pointing at the line of
the offending field, with a fix where one is mechanical (``suggestion`` rewrites the line).
Large runs are spread over the CPU cores; one bad file never stops the others.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from paperlist.domain import year_problem
from paperlist.findings import Finding, Report
from paperlist.infra.messages import Hinted, Join, Said, hint, say, text
from paperlist.project import keys
from paperlist.project.configfile import read_schema, schema_path, validator_for
from paperlist.project.defaults import resolve
from paperlist.project.index import Codec, derive, fingerprint
from paperlist.project.keys import PAPERS_DIR
from paperlist.project.loader import PaperFile, relpath
from paperlist.project.papers import Papers, is_paper_path, paper_paths
from paperlist.project.settings import SETTINGS_FILE, ListSettings, check_settings, load_settings
from paperlist.project.vocab import SCHEMA_DIR, VOCAB_DIR, Vocabulary

_PARALLEL_MIN = 1500  # below this, starting worker processes costs more than it saves
_DIGIT_AFFIL = re.compile(r"^\D+?[A-Za-z\u00c0-\u024f]\d{1,2}$")
# Machine translations that name the wrong thing: the network is a Transformer, not a power
# transformer; stereo matching is not audio stereo. (wrong -> (right, why)); extend as lists show more.
KNOWN_MISTRANSLATIONS: dict[str, tuple[str, str]] = {
    "变压器": ("Transformer", "a machine translation of the network name 'Transformer' (an electrical transformer)"),
    "立体声": ("立体", "'stereo' in vision is 立体 (立体匹配), not audio stereo"),
}
# UTF-8 read as GBK: "Generating鈫Preserving" (an arrow became 鈫). A CJK character glued to Latin
# letters on both sides is never a real title.
_MOJIBAKE = re.compile(r"[A-Za-z][\u3400-\u9fff][A-Za-z]")
_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/", re.I)


def paper_validator(root: Path, settings: ListSettings | None = None) -> jsonschema.protocols.Validator:
    """The list's own schema/paper.schema.json when it has one, else the packaged one, narrowed by
    its settings (fields required and allowed, no venue in a list without venues)."""
    settings = settings or load_settings(root)
    return validator_for(settings.paper_schema(read_schema(root, "paper.schema.json")),
                         str(schema_path(root, "paper.schema.json")))


@dataclass(frozen=True)
class Checker:
    """Everything a file is checked against; built once per run and shared by workers."""

    root: Path
    validator: jsonschema.protocols.Validator
    vocab: Vocabulary
    settings: ListSettings = field(default_factory=ListSettings)

    @classmethod
    def for_root(cls, root: Path) -> Checker:
        settings = load_settings(root)
        return cls(root=root, validator=paper_validator(root, settings), vocab=Vocabulary.load(root),
                   settings=settings)

    def check(self, pf: PaperFile) -> list[Finding]:
        """All findings for one loaded file (its load findings included)."""
        out = list(pf.findings)
        if not pf.parsed:
            return out
        semantic = self._semantics(pf)
        # "'目标检测' is not a tag id" says less than the vocabulary's "use the tag id
        # 'object-detection'" on the same spot: keep only the more helpful one.
        vocab_spots = {(f.line, f.column) for f in semantic if f.check == "vocabulary"}
        out.extend(f for f in self._schema(pf)
                   if not ((f.line, f.column) in vocab_spots and "is not a tag id" in f.message))
        out.extend(semantic)
        return out

    # -- schema -----------------------------------------------------------------------------

    def _schema(self, pf: PaperFile) -> list[Finding]:
        errors = list(self.validator.iter_errors(pf.data))
        findings: list[Finding] = []
        seen: set[tuple[Any, ...]] = set()
        for err in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
            for f in _humanize(pf, err):
                key = (f.line, f.column, f.message)
                if key not in seen:
                    seen.add(key)
                    findings.append(f)
        return findings

    # -- what the schema cannot express -----------------------------------------------------

    def _semantics(self, pf: PaperFile) -> list[Finding]:
        data: dict[str, Any] = pf.data
        out: list[Finding] = []

        def add(path: Sequence[str | int], said: Said, *, severity: str = "error", check: str = "schema",
                **kw: Any) -> None:
            line, col = pf.position(path)
            out.append(Finding(file=pf.rel, line=line, column=col, severity=severity,  # type: ignore[arg-type]
                               check=check, **said, **kw))

        venue = data.get("venue")
        if isinstance(venue, str) and self.settings.has_venues and venue not in self.vocab.venues:
            known = self.vocab.resolve_venue(venue)
            hinted = hint("validate.venue.use", venue=known) if known else \
                hint("validate.venue.known", venues=", ".join(self.vocab.venues))
            add(("venue",), say("validate.venue.unknown", venue=venue), check="vocabulary", **hinted,
                suggestion=_replace_value(pf, ("venue",), known) if known else None)

        tags = data.get("tags")
        if isinstance(tags, list):
            for i, tag in enumerate(tags):
                if not isinstance(tag, str) or tag in self.vocab.tags:
                    continue
                known = self.vocab.resolve_tag(tag)
                if known:
                    term = self.vocab.tags[known]
                    hinted = hint("validate.tag.use", id=known, en=term.en, zh=term.zh)
                else:
                    close = difflib.get_close_matches(tag, list(self.vocab.tags), n=3, cutoff=0.6)
                    hinted = hint("validate.tag.close", choices=Join([repr(c) for c in close])) if close else \
                        hint("validate.tag.pick")
                add(("tags", i), say("validate.tag.unknown", tag=tag), check="vocabulary", **hinted)

        suggested = data.get("suggested_tags")
        if isinstance(suggested, list) and isinstance(tags, list):
            for i, tag in enumerate(suggested):
                if isinstance(tag, str) and tag not in tags:
                    add(("suggested_tags", i), say("validate.suggested.not-in-tags", tag=tag), check="schema",
                        **hint("validate.suggested.not-in-tags.hint", tag=tag))

        title = data.get("title")
        year = data.get("year")
        placed = venue in self.vocab.venues if self.settings.has_venues else True
        if (isinstance(title, str) and placed and isinstance(year, int)
                and not isinstance(year, bool) and year_problem(year) is None):
            out.extend(self._location(pf, title, venue if self.settings.has_venues else None, year))

        authors = data.get("authors")
        if isinstance(authors, list):
            for i, name in enumerate(authors):
                if isinstance(name, str) and _DIGIT_AFFIL.match(name):
                    add(("authors", i), say("validate.author.digit", name=name), severity="warning",
                        **hint("validate.author.digit.hint", fixed=name.rstrip('0123456789')))
        title_zh = data.get("title_zh")
        if isinstance(title_zh, str):
            for wrong, (right, why) in KNOWN_MISTRANSLATIONS.items():
                if wrong in title_zh:
                    add(("title_zh",), say("validate.mistranslation", wrong=wrong, why=why, right=right),
                        severity="warning", check="translation",
                        **hint("validate.mistranslation.hint", right=right, fixed=title_zh.replace(wrong, right)),
                        suggestion=_replace_value(pf, ("title_zh",), title_zh.replace(wrong, right)))
        if isinstance(title, str) and _MOJIBAKE.search(title):
            add(("title",), say("validate.mojibake"), severity="warning", check="text",
                **hint("validate.mojibake.hint"))
        links = data.get("links")
        if isinstance(links, dict) and isinstance(links.get("paper"), str) and _ARXIV_URL.match(links["paper"]):
            add(("links", "paper"), say("validate.arxiv-in-paper-link"), severity="warning",
                **hint("validate.arxiv-in-paper-link.hint"))
        return out

    def _location(self, pf: PaperFile, title: str, venue: str | None, year: int) -> list[Finding]:
        rel = pf.rel
        parts = rel.split("/")
        expected = keys.expected_path(venue, year, title)
        folder = keys.folder_name(venue, year)
        problems: list[str] = []
        if len(parts) != 3 or parts[0] != PAPERS_DIR:
            problems.append(text("validate.location.where", layout="<venue><year>" if venue else "<year>"))
        else:
            if parts[1] != folder:
                problems.append(text("validate.location.folder", venue=venue, year=year, folder=folder) if venue else
                                text("validate.location.folder-year", year=year, folder=folder))
            stem = parts[2].removesuffix(".yaml")
            if not keys.key_matches(stem, title):
                problems.append(text("validate.location.name", key=keys.paper_key(title)))
        if not problems:
            return []
        return [Finding(file=rel, line=1, column=1, severity="error", check="filename",
                        **say("validate.location", problems="; ".join(problems), expected=expected),
                        **hint("validate.location.hint", rel=rel, expected=expected),
                        extra={"expected_path": expected})]


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dotted(path: Iterable[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "the file"


_TYPE_NAMES = {"string": "a string", "integer": "a whole number", "array": "a list", "object": "a mapping",
               "number": "a number", "boolean": "true or false", "null": "empty"}


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    return {str: "a string", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__)


def _replace_value(pf: PaperFile, path: Sequence[str | int], new: str | None) -> str | None:
    """The source line of ``path`` with its scalar value replaced by ``new`` (a suggestion)."""
    if new is None:
        return None
    pos = pf.value_position(path)
    if pos is None:
        return None
    line = pf.source_line(pos[0])
    if line is None:
        return None
    start = pos[1] - 1
    return line[:start] + new


def _humanize(pf: PaperFile, err: ValidationError) -> list[Finding]:
    path = list(err.absolute_path)
    where = _dotted(path)
    v = err.validator
    field = path[-1] if path and isinstance(path[-1], str) else None
    kw: dict[str, Any] = {}
    said = say("validate.schema.other", where=where, detail=err.message)
    target = path
    if v == "additionalProperties" and isinstance(err.instance, dict):
        allowed = list(err.schema.get("properties", {}))
        out = []
        for extra in sorted(set(err.instance) - set(allowed)):
            close = difflib.get_close_matches(str(extra), allowed, n=1, cutoff=0.75)
            hinted = hint("validate.field.close", name=close[0]) if close else \
                hint("validate.field.allowed", fields=", ".join(allowed))
            line, col = pf.position([*path, extra])
            out.append(Finding(file=pf.rel, line=line, column=col, severity="error", check="schema",
                               **say("validate.field.unknown", name=_dotted([*path, extra]), field=extra),
                               **hinted))
        return out
    if v == "required":
        missing = [r for r in err.validator_value if isinstance(err.instance, dict) and r not in err.instance]
        name = _dotted([*path, missing[0]]) if missing else where
        said = say("validate.field.missing", name=name)
    elif v == "type":
        expected = err.validator_value
        expected_s = _TYPE_NAMES.get(expected, str(expected)) if isinstance(expected, str) else str(expected)
        said = say("validate.type", where=where, expected=expected_s, actual=_type_name(err.instance),
                   value=_short(err.instance))
        raw = pf.raw_scalar(path)  # as written: 2002.11840, not the float YAML made of it
        if expected == "string" and raw is not None and isinstance(err.instance, (int, float)):
            kw.update(hint("validate.type.quote", quoted=json.dumps(raw)))
            kw["suggestion"] = _replace_value(pf, path, json.dumps(raw))
        elif expected == "integer" and isinstance(err.instance, str) and err.instance.strip().isdigit():
            kw.update(hint("validate.type.unquote", value=err.instance.strip()))
            kw["suggestion"] = _replace_value(pf, path, err.instance.strip())
    elif v == "pattern":
        said, fix = _pattern_message(where, field, path, err.instance)
        if fix:
            kw.update(fix)
    elif v == "enum":
        said = say("validate.enum", where=where, choices=", ".join(map(str, err.validator_value)),
                   value=_short(err.instance))
    elif v in ("maxLength", "minLength"):
        n = len(err.instance) if isinstance(err.instance, str) else 0
        said = say("validate.length.max", where=where, n=n, limit=err.validator_value) if v == "maxLength" else \
            say("validate.length.min", where=where, n=n)
    elif v in ("minimum", "maximum") and path == ["year"] and isinstance(err.instance, int) and (
            year_said := year_problem(err.instance)):
        said = Said(message=year_said[0], message_zh=year_said[1])  # the words every command uses for a year
    elif v in ("minimum", "maximum"):
        said = say("validate.range.min" if v == "minimum" else "validate.range.max", where=where,
                   value=err.instance, limit=err.validator_value)
    elif v == "uniqueItems":
        said = say("validate.items.unique", where=where)
    elif v in ("minItems", "minProperties"):
        said = say("validate.items.empty", where=where)
    elif v in ("maxItems", "maxProperties"):
        said = say("validate.items.max", where=where, limit=err.validator_value)
    line, col = pf.position(target)
    return [Finding(file=pf.rel, line=line, column=col, severity="error", check="schema", **said, **kw)]


_ARXIV_VERSION = re.compile(r"^(.+?)v\d+$")
_ARXIV_FROM_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/([^\s?#]+?)(?:v\d+)?(?:\.pdf)?$", re.I)


def _pattern_message(where: str, field: str | None, path: list[str | int], value: Any) -> tuple[Said, Hinted | None]:
    shown = _short(value)
    if field == "arxiv" and isinstance(value, str):
        m = _ARXIV_FROM_URL.search(value)
        if m:
            return say("validate.arxiv.url", value=shown), hint("validate.arxiv.write", id=json.dumps(m.group(1)))
        m = _ARXIV_VERSION.match(value)
        if m:
            return say("validate.arxiv.version", value=shown), hint("validate.arxiv.write", id=json.dumps(m.group(1)))
        if value.lower().startswith("arxiv:"):
            bare = value.split(":", 1)[1].strip()
            return say("validate.arxiv.prefix", value=shown), hint("validate.arxiv.write", id=json.dumps(bare))
        return say("validate.arxiv.bad", value=shown), hint("validate.arxiv.check")
    if field == "doi" and isinstance(value, str):
        bare = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)
        if bare != value:
            return say("validate.doi.prefix", value=shown), hint("validate.doi.write", doi=json.dumps(bare))
        return say("validate.doi.bad", value=shown), None
    if field == "venue":
        return say("validate.venue.bad", value=shown), None
    if path and (field == "url" or field in ("paper", "project", "video") or
                 (len(path) >= 2 and path[-2] == "code")):
        if isinstance(value, str) and ":" in value and not value.lower().startswith(("http:", "https:")):
            scheme = value.split(":", 1)[0]
            return say("validate.url.scheme", where=where, scheme=scheme, value=shown), None
        host = value.split("/", 3)[2] if isinstance(value, str) and value.count("/") >= 2 else ""
        if "@" in host:
            return say("validate.url.userinfo", where=where, value=shown), None
        if isinstance(value, str) and re.search(r"[\s,;]+https?://", value.strip()):
            return say("validate.url.two", where=where, value=shown), hint("validate.url.two.hint")
        if isinstance(value, str) and re.search(r"\s", value.strip()):
            return say("validate.url.spaces", where=where, value=shown), hint("validate.url.spaces.hint")
        return say("validate.url.bad", where=where, value=shown), hint("validate.url.bad.hint")
    if field == "tags" or (len(path) >= 2 and path[-2] == "tags"):
        return say("validate.tag.bad", where=where, value=shown), None
    return say("validate.whitespace", where=where, value=shown), hint("validate.whitespace.hint")


# -- running over many files ---------------------------------------------------------------------


def _location_finding(rel: str, path: Path) -> Finding | None:
    """Why a named file is not checked as a paper (it lies outside papers/ or is not .yaml), or None."""
    if not is_paper_path(rel):
        return Finding(file=rel, severity="error", check="files", **say("files.outside"))
    if not path.name.endswith(".yaml") and not path.is_symlink():
        return Finding(file=rel, severity="error", check="files", **say("files.not-yaml"))
    return None


def validate_papers(papers: Papers, checker: Checker | None = None) -> Report:
    """Validate files already loaded (``paperlist check`` loads a PR's files once for every check)."""
    checker = checker or Checker.for_root(papers.root)
    findings = list(papers.findings)
    for pf in papers.files:
        where = _location_finding(pf.rel, pf.path)
        findings.extend([where] if where else checker.check(pf))
    return Report(findings, files=len(papers.files))


def _inputs(root: Path) -> str:
    """A hash of everything besides the file that its findings depend on (schema, vocabularies)."""
    parts: list[bytes] = []
    topics = load_settings(root).topics
    for rel in (f"{SCHEMA_DIR}/paper.schema.json", f"{SCHEMA_DIR}/vocabulary.schema.json", topics,
                f"{VOCAB_DIR}/venues.yaml", SETTINGS_FILE):
        try:
            parts.append(resolve(root, rel).read_bytes())
        except OSError:
            parts.append(b"-")
    return fingerprint(*parts)


def _findings_codec(root: Path) -> Codec:
    # Findings name their file and the file-name rule depends on the path: keyed per path.
    return Codec("validate", lambda fs: [f.to_dict() for f in fs],
                 lambda data, rel: [_finding_at(d, rel) for d in data], depends=_inputs(root), per_path=True)


def _finding_at(data: dict[str, Any], rel: str) -> Finding:
    f = Finding.from_dict(data)
    if f.file != rel:
        raise ValueError("finding for another file")
    return f


def validate(root: Path, files: Sequence[Path] | None = None, *, jobs: int | None = None) -> Report:
    """Validate the given paper files (all of ``papers/`` when None) and return a Report.

    Files given explicitly must lie under ``papers/``; anything else there is reported too.
    Files whose content (and schema and vocabularies) the index already knows are not parsed
    again; the rest are loaded and checked on all cores, each in one worker.
    """
    root = Path(root)
    checker = Checker.for_root(root)
    paths, findings = paper_paths(root, files)
    todo: list[Path] = []
    for p in paths:
        where = _location_finding(relpath(p, root), p) if files is not None else None
        if where:
            findings.append(where)
        else:
            todo.append(p)
    derived = derive(root, _findings_codec(root), checker.check, todo, complete=files is None, jobs=jobs,
                     parallel_from=_PARALLEL_MIN)
    for part in derived.values:
        findings.extend(part)
    return Report(findings, files=len(todo))


@dataclass(frozen=True)
class ValidateSettings:
    """What ``paperlist validate`` was asked to do."""

    root: Path
    files: tuple[Path, ...] = ()  # empty: every file under papers/
    jobs: int | None = None


def run_validate(settings: ValidateSettings) -> Report:
    """``paperlist validate`` without the command line: the Report its reporters print.

    Bad list settings are findings (paperlist.yaml, line, column) and the papers are not checked
    against them: every paper's verdict depends on them."""
    problems = check_settings(settings.root)
    if problems:
        return Report(problems, files=0)
    return validate(settings.root, list(settings.files) or None, jobs=settings.jobs)
