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

from paperlist.checks.validate import Checker
from paperlist.infra import identity
from paperlist.infra.writeplan import FileWrite, WritePlan
from paperlist.project import keys, writer
from paperlist.project.loader import load_paper, load_text
from paperlist.project.papers import load_papers
from paperlist.sources.importer import emit
from paperlist.sources.importer.group import FALLBACK_TAG, PaperGroup, title_keys
from paperlist.sources.importer.model import Unparsed


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
        return out


@dataclass
class ImportPlan:
    """The import's plan: the papers it adds and merges into (in order), those it leaves as they are,
    what it refused, and each touched paper as it will be."""

    writes: list[ImportedPaper] = field(default_factory=list)  # add and merge, in order
    unchanged: list[ImportedPaper] = field(default_factory=list)
    refused: list[Unparsed] = field(default_factory=list)
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
        return ex


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

    def target_of(self, arxiv: str | None) -> str | None:
        return self.existing.by_arxiv.get(arxiv or "")

    def add_group(self, group: PaperGroup) -> None:
        paper = clean_paper(group.paper)
        folder = keys.folder_name(paper.get("venue"), paper["year"])
        target = self.existing.by_arxiv.get(paper.get("arxiv") or "")
        if target is None and not group.readings_only:
            for key in title_keys(paper["title"]):
                target = self.existing.by_title.get((folder, key))
                if target is not None and paper.get("arxiv") and self._arxiv_of(target) not in (None, paper["arxiv"]):
                    target = None  # same title, another arXiv id: a different paper
                if target is not None:
                    break
        if target is not None:
            self._merge(target, paper, group)
        else:
            self._add(paper, group)

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
        self.plan.writes.append(ImportedPaper(rel, paper["title"], paper.get("arxiv"), list(group.lines), "add",
                                             text))
        self.plan.final[rel] = paper
        if paper.get("arxiv"):
            self.existing.by_arxiv[paper["arxiv"]] = rel
        for key in title_keys(paper["title"]):
            self.existing.by_title.setdefault((keys.folder_name(paper.get("venue"), paper["year"]), key), rel)

    def _merge(self, rel: str, paper: dict[str, Any], group: PaperGroup) -> None:
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
        added = writer.merge_into(doc, paper)
        write.lines.extend(group.lines)
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
