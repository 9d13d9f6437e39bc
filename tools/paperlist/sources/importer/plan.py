"""From paper groups to a plan of writes, and applying it.

The plan is built the same way for ``--dry-run`` and for the real run: every new file and every
merge is rendered to its final text and validated against the schema before it joins the plan
(nothing that does not validate is ever written). ``ImportPlan.write_plan`` turns it into the one
plan of writes (``paperlist.infra.writeplan``), whose ``apply`` is the only thing that writes: it
refuses the whole plan when a target changed since planning or a new file's path exists by then
(``paperlist.errors.StaleTarget``), so nothing existing is overwritten.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from paperlist.checks.dupes import Features, Index, compare, features_from_data, load_allowed
from paperlist.checks.validate import Checker
from paperlist.infra import identity
from paperlist.infra.writeplan import FileWrite, WritePlan
from paperlist.project import keys, writer
from paperlist.project.loader import load_paper, load_text
from paperlist.project.papers import load_papers
from paperlist.sources.importer import emit
from paperlist.sources.importer.group import FALLBACK_TAG, PaperGroup, title_keys
from paperlist.sources.importer.model import Unparsed
from paperlist.sources.topics.model import TopicModel, untagged


@dataclass
class ImportedPaper:
    """What the import does with one paper file (``add``, ``merge`` or ``unchanged``): the input lines
    that named it and the text it will have. Its write is :meth:`file_write`."""

    rel: str
    title: str
    arxiv: str | None
    lines: list[tuple[str, int]]
    kind: str  # add | merge | unchanged
    text: str = ""
    original: str | None = None  # the text a merge starts from (None: a new file)
    fields: list[str] = field(default_factory=list)
    changes: list[writer.FieldChange] = field(default_factory=list)  # a merge's added values, field by field
    matched_by: str = ""  # how the import found the file: "arXiv id", "title", or the duplicate rule

    @property
    def path(self) -> str:
        return self.rel

    def file_write(self) -> FileWrite:
        if self.original is None:
            return FileWrite.add(self.rel, self.text, note="a new paper file", note_zh="新建论文文件")
        what = ", ".join(self.fields)
        return FileWrite.modify(self.rel, self.text, self.original, fields=self.fields,
                                note=f"adds {what}", note_zh=f"补充 {what}")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.rel, "title": self.title, "arxiv": self.arxiv,
                               "lines": [{"file": s, "line": n} for s, n in self.lines]}
        if self.fields:
            out["fields"] = self.fields
        if self.changes:
            out["changes"] = [c.to_dict() for c in self.changes]
        if self.matched_by:
            out["matched_by"] = self.matched_by
        return out


@dataclass
class Conflict:
    """A value of the source that a merge did not write, with the file, the field and both values."""

    rel: str
    source: str
    line: int
    conflict: writer.FieldConflict

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.rel, "file": self.source, "line": self.line, **self.conflict.to_dict()}


@dataclass
class PinnedKept:
    """A pinned field the source had a value for: left as the maintainer set it."""

    rel: str
    field: str
    source: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.rel, "field": self.field, "file": self.source, "line": self.line}


@dataclass
class ImportPlan:
    """The import's plan: the papers it adds and merges into (in order), those it leaves as they are,
    what it refused, and each touched paper as it will be."""

    writes: list[ImportedPaper] = field(default_factory=list)  # add and merge, in order
    unchanged: list[ImportedPaper] = field(default_factory=list)
    refused: list[Unparsed] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    pinned: list[PinnedKept] = field(default_factory=list)
    suggested: list[str] = field(default_factory=list)  # new files the topic model tagged
    final: dict[str, Any] = field(default_factory=dict)  # rel -> the paper as it will be (for the recall guard)

    @property
    def added(self) -> list[ImportedPaper]:
        return [w for w in self.writes if w.kind == "add"]

    @property
    def merged(self) -> list[ImportedPaper]:
        return [w for w in self.writes if w.kind == "merge"]

    def write_plan(self, root: Path) -> WritePlan:
        """The files to write, as the one plan of writes every writer uses."""
        return WritePlan(root, [w.file_write() for w in self.writes])


@dataclass
class ExistingPapers:
    """The papers/ side: where each arXiv id and (folder, title) already lives."""

    by_arxiv: dict[str, str] = field(default_factory=dict)
    by_title: dict[tuple[str, str], str] = field(default_factory=dict)
    paths: set[str] = field(default_factory=set)
    allowed: set[frozenset[str]] = field(default_factory=set)  # not-duplicates.yaml
    _data: list[tuple[str, Any]] = field(default_factory=list)
    _index: Index | None = None

    @property
    def index(self) -> Index:
        """Duplicate detection's blocking index (checks.dupes), built on first use: a re-import that
        finds every paper by arXiv id or title never needs it (a third of the load time)."""
        if self._index is None:
            self._index = Index()
            for rel, data in self._data:
                rec = features_from_data(data, rel)
                if rec is not None:
                    self._index.add(rec)
            self._data = []
        return self._index

    @classmethod
    def load(cls, root: Path) -> ExistingPapers:
        ex = cls()
        for pf in load_papers(root).files:  # the one load step (paperlist.project.papers)
            ex.paths.add(pf.rel)
            if not pf.parsed or not isinstance(pf.data, dict):
                continue
            data = pf.data
            raw_arxiv = data.get("arxiv")
            aid = identity.arxiv_id(str(raw_arxiv)) if raw_arxiv is not None else None
            if aid:
                ex.by_arxiv.setdefault(aid, pf.rel)
            if isinstance(data.get("title"), str):
                for key in title_keys(data["title"]):
                    ex.by_title.setdefault((Path(pf.rel).parent.name, key), pf.rel)
            ex.add_record(pf.rel, data)
        ex.allowed = load_allowed(root)[0]
        return ex

    def add_record(self, rel: str, data: Any) -> None:
        if self._index is None:
            self._data.append((rel, data))
        elif (rec := features_from_data(data, rel)) is not None:
            self._index.add(rec)

    def held_by(self, kind: str, value: str, rel: str) -> str | None:
        """Another paper file holding this identifier (``cvf``, ``code`` or ``arxiv``), not counting
        the files a maintainer declared different papers from ``rel`` (they may share a repository)."""
        for other in self.index.keys.get(f"{kind}:{value}", ()):
            if other != rel and frozenset({other, rel}) not in self.allowed:
                return other
        return None


def _overlap(a: Features, b: Features) -> float:
    """Share of the shorter title's content words that the other title has."""
    wa, wb = set(a.content_words), set(b.content_words)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def clean_paper(paper: dict[str, Any]) -> dict[str, Any]:
    """Drop empty fields, cap lists at what the schema allows, make sure there is a tag."""
    out = {k: v for k, v in paper.items() if v not in (None, "", [])}
    links = {k: v for k, v in paper["links"].items() if v}
    for key, cap in (("code", 20), ("readings", 50), ("other", 20)):
        if key in links:
            links[key] = links[key][:cap]
    out["links"] = links
    out["tags"] = (paper.get("tags") or [FALLBACK_TAG])[:10]
    if out.get("authors"):
        out["authors"] = out["authors"][:200]
    return out


class Planner:
    def __init__(self, root: Path, venue: str | None, year: int) -> None:
        self.root = root
        self.venue, self.year = venue, year  # the import's; a record may name its own (paper["venue"])
        self.existing = ExistingPapers.load(root)
        self.checker = Checker.for_root(root)
        self.plan = ImportPlan()
        self._docs: dict[str, tuple[str, CommentedMap, ImportedPaper]] = {}
        self._taken = set(self.existing.paths)
        self.known_tags: set[str] = set()
        self.use_topics = False  # run_import: suggest topics for new uncategorised papers (when a model exists)
        self._topics: TopicModel | bool | None = False  # False: not loaded yet (0.5 s: only when needed)

    @property
    def topics(self) -> TopicModel | None:
        if self._topics is False:
            self._topics = TopicModel.load(self.root) if self.use_topics else None
        return self._topics if isinstance(self._topics, TopicModel) else None

    def target_of(self, arxiv: str | None) -> str | None:
        return self.existing.by_arxiv.get(arxiv or "")

    def add_group(self, group: PaperGroup) -> None:
        paper = clean_paper(group.paper)
        folder = keys.folder_name(paper.get("venue"), paper["year"])
        target = self.existing.by_arxiv.get(paper.get("arxiv") or "")
        how = "arXiv id" if target is not None else ""
        if target is None and not group.readings_only:
            target = self._by_title(paper, folder)
            how = "title" if target is not None else ""
        if target is None and not group.readings_only:
            target, how = self._duplicate_of(paper, folder)
        if target is not None:
            self._merge(target, paper, group, how)
        else:
            self._add(paper, group)

    def _by_title(self, paper: dict[str, Any], folder: str) -> str | None:
        for key in title_keys(paper["title"]):
            target = self.existing.by_title.get((folder, key))
            if target is not None and paper.get("arxiv") and self._arxiv_of(target) not in (None, paper["arxiv"]):
                target = None  # same title, another arXiv id: a different paper
            if target is not None:
                return target
        return None

    def _duplicate_of(self, paper: dict[str, Any], folder: str) -> tuple[str | None, str]:
        """The paper file that duplicate detection (checks.dupes) would call this record's duplicate.

        Certain evidence (same CVF paper or DOI) counts in any folder, when the titles agree on
        at least half their words (a row carrying its neighbour's PDF is not its neighbour); title
        evidence ("one title cut short", "small words differ") counts in the same venue-year; a
        shared code repository only beside a title whose words are (nearly) all in the other's
        (amusi's "HR-NAS: … with Transformers" twin). Pairs in not-duplicates.yaml never merge.
        """
        rec = features_from_data(paper, keys.expected_path(paper.get("venue"), paper["year"], paper["title"]))
        if rec is None:
            return None, ""
        best: tuple[int, str, str] | None = None
        for cand in sorted(self.existing.index.candidates(rec)):
            other = self.existing.index.record(cand)
            if other is None or frozenset({rec.rel, cand}) in self.existing.allowed:
                continue
            m = compare(rec, other)
            if m is None or m.severity == "notice":
                continue
            same_folder = Path(cand).parent.name == folder
            ident = m.evidence.get("identifier")
            if m.severity == "error":
                rank, ok = 0, _overlap(rec, other) >= 0.5
            elif ident == "code":
                rank, ok = 2, same_folder and _overlap(rec, other) >= 0.9
            else:
                rank, ok = 1, same_folder
            if ok and (best is None or rank < best[0]):
                best = (rank, cand, f"duplicate rule: {m.reason}")
        return (best[1], best[2]) if best else (None, "")

    def _arxiv_of(self, rel: str) -> str | None:
        data: Any = self.plan.final.get(rel)
        if data is None:
            data = load_paper(self.root / rel, self.root).data
        raw = data.get("arxiv") if isinstance(data, dict) else None
        return identity.arxiv_id(str(raw)) if raw else None

    def _errors(self, text: str, rel: str) -> list[str]:
        return [f.message for f in self.checker.check(load_text(text, rel)) if f.severity == "error"]

    def _add(self, paper: dict[str, Any], group: PaperGroup) -> None:
        rel = self._free_path(paper)
        suggested = False
        topics = self.topics if untagged(paper.get("tags")) else None
        if topics is not None:
            confident = topics.confident(paper["title"], paper.get("title_zh"), known=self.known_tags)
            if confident:  # marked as suggested until a person confirms them (docs/topics.md)
                tags = [s.tag for s in confident]
                paper = {**paper, "tags": tags, "suggested_tags": list(tags)}
                suggested = True
        fast = emit.fast_text(paper)
        pf = load_text(fast, rel) if fast is not None else None
        if fast is not None and pf is not None and pf.data == emit.plain_data(paper):
            text = fast
        else:  # a value the fast writer does not know how to quote: ruamel's house style
            text = writer.dump(writer.build(paper))
            pf = load_text(text, rel)
        errors = [f.message for f in self.checker.check(pf) if f.severity == "error"]
        first = group.lines[0]
        if errors:
            self.plan.refused.append(Unparsed(first[0], first[1], paper.get("title", "")[:200],
                                              f"would not validate, not written: {errors[0]}"))
            return
        self._taken.add(rel)
        if suggested:
            self.plan.suggested.append(rel)
        self.plan.writes.append(ImportedPaper(rel, paper["title"], paper.get("arxiv"), list(group.lines), "add",
                                             text))
        self.plan.final[rel] = paper
        if paper.get("arxiv"):
            self.existing.by_arxiv[paper["arxiv"]] = rel
        for key in title_keys(paper["title"]):
            self.existing.by_title.setdefault((keys.folder_name(paper.get("venue"), paper["year"]), key), rel)
        self.existing.add_record(rel, paper)

    def _merge(self, rel: str, paper: dict[str, Any], group: PaperGroup, how: str = "") -> None:
        first = group.lines[0]
        if rel in self._docs:
            original, doc, write = self._docs[rel]
        else:
            if any(w.rel == rel for w in self.plan.writes):
                # A file this import adds, named again: fold into the planned new file.
                write = next(w for w in self.plan.writes if w.rel == rel)
                original, doc = "", writer.load_rt(write.text)
            else:
                try:
                    original = (self.root / rel).read_text(encoding="utf-8")
                    doc = writer.load_rt(original)
                except Exception as e:  # a broken hand-edited file is reported, never rewritten
                    self.plan.refused.append(Unparsed(first[0], first[1], paper.get("title", "")[:200],
                                                      f"{rel} could not be read for merging ({type(e).__name__}); "
                                                      "left alone"))
                    return
                if not isinstance(doc, CommentedMap):
                    self.plan.refused.append(Unparsed(first[0], first[1], paper.get("title", "")[:200],
                                                      f"{rel} is not a mapping; left alone"))
                    return
                write = ImportedPaper(rel, str(doc.get("title", paper.get("title", ""))), paper.get("arxiv"), [],
                                     "unchanged", original, original)
            self._docs[rel] = (original, doc, write)
        if group.readings_only:
            paper = {**paper, "tags": [], "title_zh": None, "presentation": None, "track": None}
        before = writer.dump(doc)
        merged = writer.merge_fields(doc, paper, held_elsewhere=lambda kind, value: self.existing.held_by(
            kind, value, rel))
        added = merged.added
        write.lines.extend(group.lines)
        write.matched_by = write.matched_by or how
        self.plan.conflicts += [Conflict(rel, first[0], first[1], c) for c in merged.conflicts]
        self.plan.pinned += [PinnedKept(rel, name, first[0], first[1]) for name in merged.pinned]
        if added:
            text = writer.dump(doc)
            errors = self._errors(text, rel)
            if errors and len(errors) > len(self._errors(before, rel)):
                self._docs[rel] = (original, writer.load_rt(before), write)
                self.plan.refused.append(Unparsed(first[0], first[1], paper.get("title", "")[:200],
                                                  f"merging into {rel} would not validate, left alone: {errors[0]}"))
                return
            write.text = text
            write.fields.extend(a for a in added if a not in write.fields)
            write.changes.extend(merged.changes)
            if write.kind == "unchanged":
                write.kind = "merge"
                self.plan.writes.append(write)
        elif write.kind == "unchanged" and write not in self.plan.unchanged:
            self.plan.unchanged.append(write)
        if write.kind == "merge" and write in self.plan.unchanged:
            self.plan.unchanged.remove(write)
        self.plan.final[rel] = doc

    def _free_path(self, paper: dict[str, Any]) -> str:
        def used(rel: str) -> bool:
            return rel in self._taken or os.path.lexists(self.root / rel)  # a dangling symlink is taken too

        base = keys.expected_path(paper.get("venue"), paper["year"], paper["title"])
        if not used(base):
            return base
        stem = base.removesuffix(".yaml")
        n = 2
        while used(f"{stem}-{n}.yaml"):
            n += 1
        return f"{stem}-{n}.yaml"
