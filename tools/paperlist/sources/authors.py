"""Authors from arXiv for papers that have an arXiv id and no authors: ``paperlist refresh authors``.

Most of the CVPR 2020–2023 and ICCV 2023 papers came from lists that give a title and links but no
authors; arXiv's ``id_list`` API answers 50 of them in one request. Every look-up goes through the
one polite client (:mod:`paperlist.infra.arxiv`: batched, one connection, at least 3 s apart, only
successes cached), so a run over N papers needs ``ceil(N / 50)`` requests and at least 3 s between
each two of them.

What comes back is untrusted data and is treated like an import:

- names are cleaned the way the importer cleans them (``records.clean_author``: NFC, spacing,
  affiliation marks), and a list holding a name that is too long, holds no letter, or carries a
  control or bidirectional character is refused whole (a list with one author missing is wrong
  silently; a refused one is a finding);
- the paper's title is compared with arXiv's. The same title (as identity folds titles), or a
  close one (a renamed paper, a dropped "Name:" prefix), gets its authors and — when not the same —
  a finding naming the file and the line of ``title:``. A title that is not close is reported and
  the paper keeps no authors: the arXiv id is then likely another paper's. A title is never
  overwritten;
- each edited file is written through :mod:`paperlist.project.writer` (round trip: comments,
  quoting and key order stay as they were), re-checked in memory first, and only when it still
  holds what was read.

A run that cannot reach arXiv stops at the first batch that fails: the papers of that batch and
the later ones are listed as not checked and nothing is written for them (``network_down``; the
command exits 3). What was looked up before is written.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from rapidfuzz import fuzz
from ruamel.yaml.comments import CommentedMap

from paperlist.checks.validate import Checker
from paperlist.errors import StaleTarget
from paperlist.findings import EXIT_NETWORK, Finding, Report
from paperlist.infra import identity
from paperlist.infra.arxiv import MAX_IDS_PER_REQUEST, ArxivClient, ArxivError, ArxivPaper
from paperlist.infra.messages import Hinted, Said, hint, say
from paperlist.infra.parallel import pmap
from paperlist.infra.textrules import find_bad_char, scrub
from paperlist.infra.writeplan import FileWrite, WritePlan
from paperlist.project import writer
from paperlist.project.loader import PaperFile, load_text, relpath
from paperlist.project.papers import map_papers
from paperlist.project.shards import shard_paths
from paperlist.sources.importer.formats.records import clean_author

CHECK = "authors"
MAX_AUTHORS = 200  # the schema's maxItems: arXiv lists of collaborations run longer
CLOSE_TITLES = 80  # rapidfuzz token-sort ratio of the folded titles: a renamed paper, not another paper
SUMMARY_LIMIT = 8  # authors shown per paper in the summary (the file has them all)


@dataclass(frozen=True)
class AuthorsSettings:
    """What ``paperlist refresh authors`` was asked to do."""

    root: Path
    shard: tuple[int, int] | None = None  # (k, n), 1-based: the folders of project.shards
    dry_run: bool = False  # look up and report; write nothing


@dataclass(frozen=True)
class Candidate:
    """A paper file with an arXiv id and no authors, as read (its text is what a write must still find)."""

    rel: str
    arxiv: str
    title: str
    title_line: int
    text: str


@dataclass(frozen=True)
class Added:
    paper: str
    arxiv: str
    authors: tuple[str, ...]


@dataclass(frozen=True)
class TitleMismatch:
    paper: str
    line: int
    arxiv: str
    title: str
    arxiv_title: str
    authors_filled: bool


@dataclass
class AuthorsResult:
    """What a run found and did; :meth:`summary` is the JSON the scheduled job hands to the PR step."""

    root: Path
    shard: tuple[int, int] | None = None
    folders: list[str] = field(default_factory=list)
    papers: int = 0  # paper files in the shard
    candidates: int = 0  # with an arXiv id and no authors
    requests: int = 0
    added: list[Added] = field(default_factory=list)
    title_mismatch: list[TitleMismatch] = field(default_factory=list)
    not_found: list[dict[str, str]] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    unchecked: list[dict[str, str]] = field(default_factory=list)
    network_reason: str | None = None
    written: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    dry_run: bool = False

    @property
    def network_down(self) -> bool:
        return self.network_reason is not None

    @property
    def report(self) -> Report:
        return Report(list(self.findings), files=self.papers, meta={"authors": self.summary()})

    @property
    def exit_code(self) -> int:
        """3 when arXiv could not be reached (some papers not checked), 1 when an error finding, else 0."""
        if self.network_down:
            return EXIT_NETWORK
        return self.report.exit_code

    def summary(self) -> dict[str, Any]:
        return {
            "kind": "authors",
            "shard": f"{self.shard[0]}/{self.shard[1]}" if self.shard else None,
            "folders": list(self.folders),
            "papers": self.papers,
            "candidates": self.candidates,
            "requests": self.requests,
            "dry_run": self.dry_run,
            "authors_added": [{"paper": a.paper, "arxiv": a.arxiv, "authors": list(a.authors)} for a in self.added],
            "title_mismatch": [{"paper": t.paper, "line": t.line, "arxiv": t.arxiv, "title": t.title,
                                "arxiv_title": t.arxiv_title, "authors_filled": t.authors_filled}
                               for t in self.title_mismatch],
            "not_found": list(self.not_found),
            "refused": list(self.refused),
            "unchecked": list(self.unchecked),
            "network_down": self.network_down,
            "network_reason": self.network_reason,
        }


def minimum_requests(ids: int) -> int:
    """Requests a look-up of ``ids`` distinct ids needs (none cached)."""
    return math.ceil(ids / MAX_IDS_PER_REQUEST)


def _no_authors(data: dict[str, Any]) -> bool:
    authors = data.get("authors")
    return authors is None or authors == []


def candidate(pf: PaperFile) -> Candidate | None:
    """The paper as a candidate for authors from arXiv, or None (it has authors, no usable id, or
    does not load: validate reports that file; this command never edits a file it cannot read)."""
    if not pf.parsed or pf.text is None:
        return None
    data: dict[str, Any] = pf.data
    raw = pf.raw_scalar(("arxiv",))
    title = data.get("title")
    if not raw or not isinstance(title, str) or not _no_authors(data):
        return None
    aid = identity.arxiv_id(str(raw))
    if aid is None:
        return None
    return Candidate(pf.rel, aid, title, pf.position(("title",))[0], pf.text)


TitleAgreement = Literal["same", "close", "different"]


def title_agreement(ours: str, theirs: str) -> TitleAgreement:
    """How the list's title compares with arXiv's: the same after identity's folding, close (a
    renamed or re-cased paper, a dropped ``Name:`` prefix, a reordered subtitle), or different.

    >>> title_agreement("UPFlow:Upsampling Pyramid", "UPFlow: Up-sampling pyramid")
    'same'
    >>> title_agreement("Exploiting Spatial Dimensions of Latent in GAN",
    ...                 "StyleMapGAN: Exploiting Spatial Dimensions of Latent in GAN for Real-time Image Editing")
    'close'
    >>> title_agreement("You Only Look One-level Feature", "Deep Residual Learning for Image Recognition")
    'different'
    """
    if identity.title_key(ours) == identity.title_key(theirs):
        return "same"
    a, b = identity.normalize_title(ours), identity.normalize_title(theirs)
    if not a or not b:
        return "different"
    for x, y in ((ours, theirs), (theirs, ours)):
        rest = identity.drop_title_prefix(x)
        if rest is not None and identity.normalize_title(rest) == identity.normalize_title(y):
            return "close"
    shorter, longer = sorted((a, b), key=len)
    if len(shorter.split()) >= 4 and f" {shorter} " in f" {longer} ":
        return "close"  # a subtitle added or dropped
    return "close" if fuzz.token_sort_ratio(a, b) >= CLOSE_TITLES else "different"


def clean_names(names: Sequence[str]) -> tuple[list[str], str | None]:
    """Author names from arXiv cleaned as the importer cleans them, or why the list is refused."""
    if not names:
        return [], "arXiv lists no authors"
    if len(names) > MAX_AUTHORS:
        return [], f"arXiv lists {len(names):,} authors; a paper file holds at most {MAX_AUTHORS}"
    out: list[str] = []
    for i, raw in enumerate(names):
        bad = find_bad_char(raw)
        if bad is not None:
            return [], f"author {i + 1} holds the control or direction character {bad.label}"
        name = clean_author(raw)
        if name is None:
            what = f"{len(raw):,} characters long" if len(raw) > 200 else "not a name"
            return [], f"author {i + 1} is {what}"
        if name not in out:
            out.append(name)
    return out, None


def _finding(c: Candidate, severity: str, said: Said, *, line: int | None = None, hinted: Hinted | None = None,
             **extra: Any) -> Finding:
    return Finding(file=c.rel, line=line, severity=severity, check=CHECK, **said, **(hinted or {}),  # type: ignore[arg-type]
                   extra={"arxiv": c.arxiv, **extra})


def _edit(c: Candidate, names: list[str], checker: Checker) -> tuple[str | None, list[Finding]]:
    """The file's new text with ``authors`` added (round trip), or None and why not."""
    doc = writer.load_rt(c.text)
    if not isinstance(doc, CommentedMap) or writer.merge_into(doc, {"authors": names}) != ["authors"]:
        return None, [_finding(c, "warning", say("authors.changed-shape"))]
    text = writer.dump(doc)
    errors = [f for f in checker.check(load_text(text, c.rel)) if f.severity == "error"]
    if errors:
        # Only what the edit brings in stops it: an old problem of the file is validate's to report.
        before = {(f.check, f.message) for f in checker.check(load_text(c.text, c.rel)) if f.severity == "error"}
        new = [f for f in errors if (f.check, f.message) not in before]
        if new:
            return None, [_finding(c, "warning", say("authors.would-fail", problem=new[0].message))]
    return text, []


def run_fill_authors(settings: AuthorsSettings, client: ArxivClient | None = None) -> AuthorsResult:
    """Fill ``authors`` from arXiv for the shard's papers that have an arXiv id and none; see the module."""
    root = Path(settings.root)
    paths, folders, discovered = shard_paths(root, settings.shard)
    result = AuthorsResult(root, settings.shard, folders, papers=len(paths), dry_run=settings.dry_run)
    del discovered  # stray files under papers/ are validate's findings, not this command's
    rels = [relpath(p, root) for p in paths]
    found = [c for c in map_papers(root, candidate, rels) if c is not None]
    result.candidates = len(found)
    by_id: dict[str, list[Candidate]] = {}
    for c in found:
        by_id.setdefault(c.arxiv, []).append(c)
    ids = list(by_id)
    if not ids:
        return result
    client = client or ArxivClient.from_env(root)
    plans: list[tuple[Candidate, list[str]]] = []
    try:
        answered = client.cached(ids)
        missing = [aid for aid in ids if aid not in answered]
        for aid in ids:
            if aid in answered:
                _answer(by_id[aid], aid, answered[aid], None, result=result, plans=plans)
        # Only what the cache lacks goes to arXiv, MAX_IDS_PER_REQUEST (100) ids a request, each with its own
        # time budget.
        for start in range(0, len(missing), MAX_IDS_PER_REQUEST):
            batch = missing[start:start + MAX_IDS_PER_REQUEST]
            try:
                fetched = client.fetch(batch)
            except ArxivError as e:
                result.network_reason = str(e)
                for aid in missing[start:]:
                    result.unchecked += [{"paper": c.rel, "arxiv": aid} for c in by_id[aid]]
                break
            for aid in batch:
                _answer(by_id[aid], aid, fetched.papers.get(aid), fetched.problems.get(aid), result=result,
                        plans=plans)
    finally:
        result.requests = client.requests
        client.close()
    if result.network_down:
        result.findings.append(Finding(
            file="papers/", severity="warning", check="network",
            **say("authors.network-down", why=result.network_reason, n=len(result.unchecked)),
            **hint("authors.network-down.hint")))
    checker = Checker.for_root(root)
    # The round trip (ruamel) and the re-check cost ~8 ms a file: on all cores for a list's worth.
    edits = pmap(lambda plan: _edit(plan[0], plan[1], checker), plans)
    for (c, names), (text, problems) in zip(plans, edits, strict=True):
        result.findings.extend(problems)
        if text is None:
            continue
        if not settings.dry_run:
            try:
                result.written += WritePlan(root, [FileWrite.modify(c.rel, text, c.text, fields=("authors",))]).apply()
            except StaleTarget as e:
                result.findings.append(_finding(c, "warning", say("authors.stale", why=str(e))))
                continue
        result.added.append(Added(c.rel, c.arxiv, tuple(names)))
    added = {a.paper for a in result.added}
    result.title_mismatch = [replace(t, authors_filled=t.authors_filled and t.paper in added)
                             for t in result.title_mismatch]
    return result


def _answer(papers: list[Candidate], aid: str, paper: ArxivPaper | None, problem: str | None, *,
            result: AuthorsResult, plans: list[tuple[Candidate, list[str]]]) -> None:
    for c in papers:
        if paper is None:
            why = problem or f"arXiv has no paper {aid}"
            result.not_found.append({"paper": c.rel, "arxiv": aid, "reason": why})
            result.findings.append(_finding(c, "warning", say("authors.not-found", arxiv=aid, why=why),
                                            hinted=hint("authors.not-found.hint", arxiv=aid)))
            continue
        names = _consider(c, paper, result)
        if names is not None:
            plans.append((c, names))


def _consider(c: Candidate, paper: ArxivPaper, result: AuthorsResult) -> list[str] | None:
    """The names to add to one paper arXiv knows, or None (with the finding that says why)."""
    agreement = title_agreement(c.title, paper.title)
    shown = scrub(paper.title)  # arXiv's text in a message: no control or direction characters
    if agreement != "same":
        filled = agreement == "close"
        result.title_mismatch.append(TitleMismatch(c.rel, c.title_line, c.arxiv, c.title, shown, filled))
        if filled:
            result.findings.append(_finding(
                c, "warning", say("authors.title-close", title=shown), line=c.title_line,
                hinted=hint("authors.title-close.hint"), arxiv_title=shown))
        else:
            result.findings.append(_finding(
                c, "warning", say("authors.title-differs", title=shown, arxiv=c.arxiv), line=c.title_line,
                hinted=hint("authors.title-differs.hint", arxiv=c.arxiv), arxiv_title=shown))
            return None
    names, why = clean_names(paper.authors)
    if why is not None:
        result.refused.append({"paper": c.rel, "arxiv": c.arxiv, "reason": why})
        result.findings.append(_finding(c, "warning", say("authors.refused", arxiv=c.arxiv, why=why)))
        return None
    return names


__all__ = ["Added", "AuthorsResult", "AuthorsSettings", "Candidate", "TitleMismatch", "candidate", "clean_names",
           "minimum_requests", "run_fill_authors", "title_agreement"]
