"""``run_import``: read lists, parse, map categories, group, plan, guard recall, apply."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from paperlist.domain import year_problem
from paperlist.errors import UsageError
from paperlist.findings import Finding, Report, Severity
from paperlist.infra import identity
from paperlist.infra.messages import hint, say
from paperlist.infra.textrules import find_bad_char
from paperlist.project.loader import relpath
from paperlist.project.settings import load_settings
from paperlist.project.vocab import Vocabulary, normalize_label
from paperlist.sources.importer import formats, parse
from paperlist.sources.importer.formats import ReadContext, SourceOutput
from paperlist.sources.importer.formats.listtext import MARKDOWN, MAX_LIST_BYTES
from paperlist.sources.importer.formats.records import add_field, parse_field_map
from paperlist.sources.importer.group import FALLBACK_TAG, PaperGroup, group_entries, reading_paper
from paperlist.sources.importer.ledger import SKIPPED, SkippedRun
from paperlist.sources.importer.lexer import CJK, title_like
from paperlist.sources.importer.model import SourceEntry, Unmapped, Unparsed
from paperlist.sources.importer.plan import Conflict, ImportedPaper, ImportPlan, PinnedKept, Planner
from paperlist.sources.importer.recall import PaperId, ids_by_line, ids_of_paper

MAX_INPUT_BYTES = MAX_LIST_BYTES
LIST_SUFFIXES = formats.suffixes()


@dataclass(frozen=True)
class ImportSettings:
    """What ``paperlist import`` was asked to do."""

    root: Path
    paths: Sequence[Path]
    venue: str | None  # None: every structured record names its own (a hand-written list needs it)
    year: int | None
    dry_run: bool = False
    accept_loss: bool = False
    mapping: Path | None = None  # a map file: category labels -> tags, and/or "fields:" for records
    fields: tuple[str, ...] = ()  # "key=field,…" for structured input (--map key=field)


@dataclass
class Lost:
    """A paper id of the input that is in no paper file after the import."""

    source: str
    line: int
    pid: PaperId
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.source, "line": self.line, "id": str(self.pid), "why": self.why}


@dataclass
class SourceReport:
    source: str
    format: str = "markdown"
    records: int = 0
    entries: int = 0
    ids_in: int = 0
    ids_out: int = 0
    ledger: dict[str, int] = field(default_factory=dict)
    skipped: list[SkippedRun] = field(default_factory=list)
    unaccounted: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.source, "format": self.format, "records": self.records, "entries": self.entries,
                "ids_in": self.ids_in, "ids_out": self.ids_out,
                "ledger": self.ledger, "skipped": [r.to_dict() for r in self.skipped]}


@dataclass
class ImportResult:
    venue: str | None
    year: int | None
    dry_run: bool
    accept_loss: bool = False
    sources: list[SourceReport] = field(default_factory=list)
    added: list[ImportedPaper] = field(default_factory=list)
    merged: list[ImportedPaper] = field(default_factory=list)
    unchanged: list[ImportedPaper] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)  # values a merge did not write, with both sides
    pinned: list[PinnedKept] = field(default_factory=list)  # pinned fields left as the maintainer set them
    suggested: list[str] = field(default_factory=list)  # new papers the topic model tagged (suggested_tags)
    unparsed: list[Unparsed] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    notes: list[Unparsed] = field(default_factory=list)
    lost: list[Lost] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # sources with text and no entry
    fatal: list[Unparsed] = field(default_factory=list)  # malformed input: nothing was planned or written

    @property
    def entries(self) -> int:
        return sum(s.entries for s in self.sources)

    @property
    def source(self) -> str:
        return ", ".join(s.source for s in self.sources)

    def exit_code(self) -> int:
        """1 when the import lost a paper id (unless accepted) or read a list and found nothing in it."""
        if self.fatal or self.empty or (self.lost and not self.accept_loss):
            return 1
        return 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "venue": self.venue, "year": self.year, "dry_run": self.dry_run, "entries": self.entries,
            "sources": [s.to_dict() for s in self.sources],
            "added": [c.to_dict() for c in self.added],
            "merged": [c.to_dict() for c in self.merged],
            "unchanged": len(self.unchanged),
            "conflicts": [c.to_dict() for c in self.conflicts],
            "pinned": [p.to_dict() for p in self.pinned],
            "suggested_topics": self.suggested,
            "unparsed": [u.to_dict() for u in self.unparsed],
            "unmapped": [u.to_dict() for u in self.unmapped],
            "notes": [n.to_dict() for n in self.notes],
            "lost": [lo.to_dict() for lo in self.lost],
            "empty": self.empty,
            "fatal": [f.to_dict() for f in self.fatal],
        }

    def to_report(self) -> Report:
        """The shared findings shape: errors for lost ids and empty inputs, warnings for what was skipped
        holding paper links or could not be mapped; the full lists under ``meta.import``."""
        loss_severity: Severity = "warning" if self.accept_loss else "error"
        findings = [Finding(file=f.source, line=f.line, severity="error", check="import-input",
                            **say("import.fatal", reason=f.reason), **hint("import.fatal.hint")) for f in self.fatal]
        findings += [Finding(file=lo.source, line=lo.line, severity=loss_severity, check="import-recall",
                            **say("import.lost", id=lo.pid, why=lo.why), **hint("import.lost.hint"))
                    for lo in self.lost]
        findings += [Finding(file=src, line=1, severity="error", check="import",
                             **say("import.empty"), **hint("import.empty.hint"))
                     for src in self.empty]
        findings += [Finding(file=u.source, line=u.line, severity="warning", check="import",
                             **say("import.unparsed", reason=u.reason, text=u.text[:120]))
                     for u in self.unparsed]
        findings += [Finding(file=c.source, line=c.line, severity="warning", check="import-conflict",
                             message=f"{c.rel}: {c.conflict.field}: kept {c.conflict.kept or '(nothing)'!r}, not "
                                     f"written {c.conflict.offered!r} ({c.conflict.why})",
                             message_zh=f"{c.rel}：{c.conflict.field} 与来源不一致，保留原值，未写入 "
                                        f"{c.conflict.offered!r}",
                             hint="if the list is right, edit the paper file by hand; to silence this, add the "
                                  f"field to the file's pinned: list ({c.conflict.field})",
                             hint_zh=f"若来源正确，请手动修改论文文件；若要不再提示，请把 {c.conflict.field} "
                                     "加入该文件的 pinned: 列表")
                     for c in self.conflicts]
        findings += [Finding(file=u.source, line=u.line, severity="warning", check="import-category",
                             **say("import.unmapped", label=u.label, n=u.count, example=u.examples[0]),
                             **hint("import.unmapped.hint"))
                     for u in self.unmapped if u.examples]
        findings += [Finding(file=n.source, line=n.line, severity="notice", check="import",
                             **say("import.note", reason=n.reason, text=n.text[:120])) for n in self.notes]
        return Report(findings, files=len(self.sources), meta={"import": self.to_dict()})


def list_files(paths: Sequence[Path]) -> list[Path]:
    """FILEs as given and DIRs as their list files (sorted, recursively)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in LIST_SUFFIXES)
            if not found:
                raise UsageError(f"{p}: no list or records file ({', '.join(LIST_SUFFIXES)}) in this folder")
            out += found
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(f"{p}: no such file or folder")
    return list(dict.fromkeys(out))


def read_list(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> str:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UsageError(f"{path}: {size // (1024 * 1024)} MiB, larger than {max_bytes // (1024 * 1024)} "
                             "MiB; is this a paper list?")
        raw = path.read_bytes()
    except OSError as e:
        raise UsageError(f"{path}: cannot read: {e.strerror}") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise UsageError(f"{path}:{line}: not UTF-8 text (byte {e.start}); is this a paper list?") from e
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise UsageError(f"{path}:{line}: binary data (a NUL byte); is this a paper list?")
    return text


def load_mapping(path: Path, vocab: Vocabulary) -> dict[str, str]:
    """A category → tag mapping file: ``{category label: tag id}`` (YAML), checked against the vocabulary."""
    return load_map_file(path, vocab)[0]


def load_map_file(path: Path, vocab: Vocabulary) -> tuple[dict[str, str], dict[str, str]]:
    """A map file (YAML or JSON): plain ``category label: tag`` lines, or the sections ``categories:``
    (the same) and ``fields:`` (``source key: paper field``, for JSON/CSV records)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise UsageError(f"{path}: cannot read the mapping: {e}") from e
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of 'category label: tag id' lines")
    fields: dict[str, str] = {}
    if data and set(data) <= {"fields", "categories"} and all(isinstance(v, dict) or v is None
                                                                for v in data.values()):
        for key, target in (data.get("fields") or {}).items():
            add_field(fields, str(key), str(target), origin=str(path))
        data = data.get("categories") or {}
    out: dict[str, str] = {}
    for label, tag in data.items():
        resolved = vocab.resolve_tag(str(tag)) if tag is not None else None
        if resolved is None:
            raise UsageError(f"{path}: {label!r} maps to {tag!r}, which is not a tag in vocab/tags.yaml")
        out[normalize_label(str(label))] = resolved
    return out, fields


class _Tagger:
    """Category labels → tag ids (mapping file first, then the vocabulary), remembering what did not map."""

    def __init__(self, vocab: Vocabulary, mapping: dict[str, str]) -> None:
        self.vocab, self.mapping = vocab, mapping
        self.unmapped: dict[str, Unmapped] = {}

    def resolve(self, label: str) -> str | None:
        if not label.strip():
            return None
        return self.mapping.get(normalize_label(label)) or self.vocab.resolve_tag(label)

    def resolve_heading(self, label: str) -> str | None:
        for t in parse.heading_tries(label):
            tag = self.resolve(t)
            if tag:
                return tag
        return None

    def tag(self, entry: SourceEntry) -> None:
        tags: list[str] = []
        missing = False
        for label, line in entry.categories:
            tag = self.resolve(label) or self.resolve_heading(label)
            if tag:
                if tag not in tags:
                    tags.append(tag)
                continue
            missing = True
            u = self.unmapped.setdefault(normalize_label(label), Unmapped(label, entry.source, line or entry.line))
            u.count += 1
            if len(u.examples) < 3 and entry.title and entry.title not in u.examples:
                u.examples.append(entry.title)
        entry.tags = tags or ([FALLBACK_TAG] if missing else [])


def refuse_bad_lines(text: str) -> dict[int, str]:
    """Lines holding a control or bidi-override character: not read, reported with line and column.

    The character rule is paperlist.infra.textrules' (one rule for paper files, lists and ``new``), so
    nothing the importer reads could be refused later by ``validate``.
    """
    out: dict[int, str] = {}
    for no, line in enumerate(text.split("\n"), 1):
        bad = find_bad_char(line.rstrip("\r"))
        if bad is not None:
            out[no] = (f"control or bidirectional-override character {bad.label} "
                       f"(column {bad.offset + 1}); line not read")
    return out


def run_import(settings: ImportSettings) -> ImportResult:
    """Import lists (files, or folders of section files) into ``root/papers/``.

    >>> s = ImportSettings(Path("."), [Path("lists/cvpr2021.md")], "CVPR", 2021, dry_run=True)  # doctest: +SKIP
    >>> run_import(s).exit_code()  # doctest: +SKIP
    0
    """
    root = Path(settings.root)
    vocab = Vocabulary.load(root)
    listed = load_settings(root)
    venue: str | None = None
    if not listed.has_venues:
        if settings.venue:
            raise UsageError(f"--venue {settings.venue}: this list has no venues (venues: [] in paperlist.yaml)")
    elif settings.venue is not None:
        venue = settings.venue if settings.venue in vocab.venues else vocab.resolve_venue(settings.venue)
        if venue is None:
            raise UsageError(f"unknown venue {settings.venue!r}; known: {', '.join(vocab.venues)}")
    if settings.year is not None and (said := year_problem(settings.year)):
        raise UsageError(said[0])
    mapping, fields = load_map_file(settings.mapping, vocab) if settings.mapping else ({}, {})
    fields.update(parse_field_map(settings.fields))
    files = list_files(settings.paths)
    readers = [(path, formats.reader_for(path) or MARKDOWN) for path in files]
    if ((listed.has_venues and venue is None) or settings.year is None) and any(
            not r.structured for _, r in readers):
        need = "--venue and --year are" if listed.has_venues else "--year is"
        raise UsageError(f"{need} needed for a hand-written list (only JSON/CSV records may name their own)")
    folder_given = any(p.is_dir() for p in settings.paths)
    result = ImportResult(venue=venue, year=settings.year, dry_run=settings.dry_run, accept_loss=settings.accept_loss)
    tagger = _Tagger(vocab, mapping)
    entries: list[SourceEntry] = []
    inputs: list[tuple[str, SourceOutput]] = []
    for path, reader in readers:
        source = relpath(path, root)
        if reader.structured and path.stat().st_size > reader.max_bytes:
            mib = path.stat().st_size // (1024 * 1024)
            result.fatal.append(Unparsed(source, 1, "", f"{mib} MiB, larger than {reader.max_bytes // (1024 * 1024)} "
                                                        "MiB: not read"))
            result.sources.append(SourceReport(source, format=reader.name))
            continue
        text = read_list(path, reader.max_bytes)
        section = re.sub(r"[-_]+", " ", path.stem) if folder_given else None
        out = reader.read(text, ReadContext(source, tagger.resolve, vocab, fields, section,
                                            refuse_bad_lines(text) if not reader.structured else {}))
        result.fatal += out.fatal
        kept = _with_venue(out, venue, settings.year, source, needs_venue=listed.has_venues)
        count = 0
        for entry in kept:
            tagger.tag(entry)
            entries.append(entry)
            count += entry.reading is None
        result.unparsed += out.unparsed
        result.notes += out.notes
        report = SourceReport(source, format=reader.name, records=out.records, entries=count,
                              ledger=out.ledger.counts(), skipped=out.ledger.skipped_runs(),
                              unaccounted=out.ledger.unaccounted())
        result.sources.append(report)
        if count == 0 and not out.fatal and not any(e.source == source for e in entries) and (
                any(ln.strip() for ln in out.ledger.source_lines) and not (reader.structured and out.unparsed)):
            result.empty.append(source)
        inputs.append((source, out))
    result.unmapped = sorted(tagger.unmapped.values(), key=lambda u: -u.count)
    for u in result.unmapped:
        u.label = u.label[:200]
    if result.fatal:
        return result  # malformed input: nothing is planned, nothing is written

    default_year = settings.year or 0
    groups, orphans = group_entries(entries, venue, default_year)
    for g in groups:  # what this list does not show is not written (a title_zh in an English-only list)
        g.paper = listed.trim(g.paper)
    planner = Planner(root, venue, default_year)
    planner.use_topics, planner.known_tags = True, set(vocab.tags)
    for entry in orphans:
        if planner.target_of(entry.arxiv) is not None:
            groups.append(PaperGroup(reading_paper(entry, venue, default_year), [(entry.source, entry.line)],
                                     readings_only=True))
        else:
            groups.append(_orphan_group(entry, venue, default_year, result))
    for group in groups:
        planner.add_group(group)
    plan = planner.plan
    result.unparsed += plan.refused
    _guard(result, plan, inputs, planner)
    result.added, result.merged, result.unchanged = plan.added, plan.merged, plan.unchanged
    result.conflicts, result.pinned, result.suggested = plan.conflicts, plan.pinned, plan.suggested
    plan.write_plan(root).apply(dry_run=settings.dry_run)  # raises StaleTarget, writing nothing
    return result


def _with_venue(out: SourceOutput, venue: str | None, year: int | None, source: str, *,
                needs_venue: bool = True) -> list[SourceEntry]:
    """Entries with a venue and a year (their own or the import's); the others are refused, with their line."""
    kept: list[SourceEntry] = []
    for entry in out.entries:
        if (entry.venue or venue or not needs_venue) and (entry.year or year):
            kept.append(entry)
            continue
        why = "no venue or year: the record names none and --venue/--year were not given"
        for no in entry.lines:
            out.ledger.marks[no] = (SKIPPED, why)
        out.unparsed.append(Unparsed(source, entry.line, entry.title[:120], why))
    return kept


def _guard(result: ImportResult, plan: ImportPlan, inputs: list[tuple[str, SourceOutput]], planner: Planner) -> None:
    """Every paper id of the inputs must be in a paper file the import leaves behind; for records, every
    title too (a record reached a file when its title is there or a planned write names its line)."""
    out_ids: set[PaperId] = set()
    for paper in plan.final.values():
        out_ids |= ids_of_paper(paper)
        title = paper.get("title") if isinstance(paper, dict) else None
        if isinstance(title, str):
            out_ids |= {PaperId("title", identity.title_key(title))}
    reached = {where for w in [*plan.writes, *plan.unchanged] for where in w.lines}
    for source, out in inputs:
        ledger = out.ledger
        found = out.ids if out.ids is not None else ids_by_line(ledger.source_lines)
        report = next(s for s in result.sources if s.source == source)
        report.ids_in = len(found)
        kept = 0
        for pid, line in found.items():
            if pid in out_ids or (pid.kind == "title" and (source, line) in reached):
                kept += 1
                continue
            if pid.kind == "arxiv" and planner.target_of(pid.value) is not None and planner.target_of(
                    pid.value) in plan.final:
                kept += 1
                continue
            status, why = ledger.why(line)
            if status == SKIPPED:
                reason = f"line {line} was skipped: {why}"
            else:
                reason = f"line {line} was read as {status} ({why}) but the id reached no paper file"
            result.lost.append(Lost(source, line, pid, reason))
        report.ids_out = kept


def _orphan_group(entry: SourceEntry, venue: str | None, year: int, result: ImportResult) -> PaperGroup:
    """A reading whose paper appears nowhere else: the paper is still recorded, under the best title the
    reading gives, so that its arXiv id is not lost. A later import that lists the paper merges into it."""
    assert entry.reading is not None
    view = reading_paper(entry, venue, year)
    reading_title = entry.reading["title"]
    title = _latin_name(reading_title) or entry.title or f"arXiv:{entry.arxiv}"
    view["title"] = title
    if CJK.search(reading_title):
        view["title_zh"] = view.get("title_zh") or reading_title
    view["tags"] = view["tags"] or [FALLBACK_TAG]
    result.notes.append(Unparsed(entry.source, entry.line, reading_title,
                                 f"reading names arXiv {entry.arxiv}, listed nowhere else; recorded as {title!r}"))
    return PaperGroup(view, [(entry.source, entry.line)])


def _latin_name(text: str) -> str | None:
    """The English title inside a reading title, when it carries one ("Statistical Texture Learning")."""
    core = re.sub(r"^(?:CVPR\s*\d{4}\s*[|｜:：]\s*)", "", text, flags=re.I).strip()
    return core if title_like(core) and not CJK.search(core) else None


def parse_list(text: str, vocab: Vocabulary, *, source: str = "<list>", markdown: bool = True,
               mapping: dict[str, str] | None = None) -> parse.ParseOutput:
    """Parse a list's text into entries with their tags (no files are touched)."""
    tagger = _Tagger(vocab, mapping or {})
    out = parse.Parser(text, source, tagger.resolve, markdown_input=markdown, refused=refuse_bad_lines(text)).run()
    for entry in out.entries:
        tagger.tag(entry)
    out.unmapped = sorted(tagger.unmapped.values(), key=lambda u: -u.count)
    return out


def import_list(root: Path, path: Path, venue: str, year: int, dry_run: bool = False) -> ImportResult:
    """One list, the old signature (tests and scripts)."""
    return run_import(ImportSettings(Path(root), [Path(path)], venue, year, dry_run=dry_run, accept_loss=True))
