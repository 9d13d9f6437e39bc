"""Creating a new paper file from a few facts, for contributors who would rather not hand-write YAML.

The file lands at the one path ``validate`` accepts, in the importer's house style, and only
after it has passed validation in memory and the duplicate check has found no paper with the
same identifier: a paper already on the list is reported with its file, never written twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import identity, keys, writer
from .errors import UsageError
from .findings import Finding, Report
from .loader import PaperFile, load_text
from .validate import Checker
from .vocab import Vocabulary


@dataclass
class NewPaper:
    """What ``new_paper`` made: the path and text (written unless dry-run or refused) and its findings."""

    rel: str
    text: str
    written: bool
    report: Report = field(default_factory=lambda: Report([]))


def split_authors(values: Sequence[str]) -> list[str]:
    """``--author "A, B and C" --author D`` → ``[A, B, C, D]``; affiliation digits dropped."""
    out: list[str] = []
    for value in values:
        for raw in re.split(r"\s*(?:,|;|，|、|\band\b)\s*", value):
            name = re.sub(r"(?<=[A-Za-z\u00c0-\u024f])\d{1,2}$", "", raw.strip())
            if name and name not in out:
                out.append(name)
    return out


def new_paper(root: Path, *, title: str, venue: str, year: int, arxiv: str | None = None,
              authors: Sequence[str] = (), tags: Sequence[str] = (), code: Sequence[str] = (),
              project: str | None = None, paper_url: str | None = None, title_zh: str | None = None,
              presentation: str | None = None, workshop: bool = False, dry_run: bool = False) -> NewPaper:
    """Build, check and (unless ``dry_run`` or an error is found) write one new paper file."""
    vocab = Vocabulary.load(root)
    venue_id = vocab.resolve_venue(venue) or venue
    tag_ids = [vocab.resolve_tag(t) or t for t in tags]
    arxiv_id = None
    if arxiv:
        arxiv_id = identity.arxiv_id(arxiv)
        if arxiv_id is None:
            raise UsageError(f"--arxiv {arxiv!r} is not an arXiv id or link (2103.09460, https://arxiv.org/abs/…)")
    paper: dict[str, Any] = {
        "title": " ".join(title.split()),
        "title_zh": title_zh,
        "authors": split_authors(authors),
        "venue": venue_id,
        "year": year,
        "track": "workshop" if workshop else None,
        "presentation": presentation,
        "arxiv": arxiv_id,
        "links": {"paper": paper_url, "code": list(dict.fromkeys(code)), "project": project},
        "tags": tag_ids,
    }
    base = keys.expected_path(venue_id, year, paper["title"]).removesuffix(".yaml")
    rel, n = f"{base}.yaml", 2
    while (root / rel).exists():  # a different paper with the same title: the key takes -2, -3 …
        rel, n = f"{base}-{n}.yaml", n + 1
    path = root / rel
    text = writer.dump(writer.build(paper))
    pf = load_text(text, rel)
    findings = Checker.for_root(root).check(pf)
    findings += _duplicates(root, pf, use_cache=not dry_run)
    report = Report(findings, files=1, meta={"path": rel})
    if report.errors or dry_run:
        return NewPaper(rel=rel, text=text, written=False, report=report)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.write_atomic(path, text)
    return NewPaper(rel=rel, text=text, written=True, report=report)


def _duplicates(root: Path, pf: PaperFile, *, use_cache: bool) -> list[Finding]:
    """The new paper against the list, by the duplicate checker itself, before anything is written."""
    from .dupes import find_duplicates

    return find_duplicates(root, [], papers=[pf], use_cache=use_cache).findings
