"""Adding papers for contributors who would rather not write YAML: ``paperlist new`` and the issue form.

``plan_new`` turns a request (arXiv ids and/or a title, venue, year, tags, links) into a
``NewPlan``: the files it would add or modify (``FileWrite``s of the one plan of writes,
``paperlist.infra.writeplan``), the findings that stop it, and tag suggestions. It never writes;
``apply`` does, all or nothing, and only a plan without errors. The CLI and
the issue-to-pull-request workflow call the same two functions, so a contributor gets the same
answer from both.

Everything from outside is untrusted: the request (an issue form's fields) and arXiv's
metadata alike. Whatever would be written is loaded and checked in memory first, exactly as
``paperlist validate`` would check the file, and compared against the list for duplicates.
A paper that is already listed is never written twice; when the request brings a code or
project link the listed file lacks, the plan is an edit of that file (ruamel round trip, the
rest of the file as it was).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from paperlist.checks.validate import Checker
from paperlist.errors import PlanError, UsageError
from paperlist.findings import Finding, Report
from paperlist.infra import identity
from paperlist.infra.arxiv import ArxivClient, ArxivError, ArxivPaper
from paperlist.infra.messages import Said, both, hint, say, text
from paperlist.infra.textrules import BadChar, find_bad_char
from paperlist.infra.writeplan import FileWrite, WritePlan
from paperlist.project import keys, writer
from paperlist.project.loader import PaperFile, load_paper, load_text
from paperlist.project.settings import load_settings
from paperlist.project.vocab import Term, Vocabulary, normalize_label
from paperlist.sources.topics.model import TopicModel

MAX_IDS = 20  # one request, one form: a batch bigger than this is a list import, not a contribution
MAX_FIELD = 2000  # request fields longer than this are refused before anything else looks at them
_ONE_LINE = re.compile(r"[\t\n]")  # a title or a name is one line (the rest is textrules' rule)


@dataclass(frozen=True)
class NewRequest:
    """What a contributor asks for. All fields are untrusted (CLI options or an issue form)."""

    venue: str | None = None  # needed for a new paper; not for adding a link to a listed one
    year: int | None = None
    arxiv: tuple[str, ...] = ()
    title: str | None = None
    title_zh: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    code: tuple[str, ...] = ()
    project: str | None = None
    paper_url: str | None = None
    presentation: str | None = None
    workshop: bool = False


# The JSON report's words for the two kinds of write (unchanged since before the one plan type).
REPORT_KIND = {"add": "create", "modify": "edit"}


@dataclass(frozen=True)
class TagSuggestion:
    """A tag the title suggests (shown to the contributor, never applied by itself)."""

    paper_rel: str
    tag: str
    en: str
    zh: str
    matched: str  # the title's words that name the tag, or the topic model's score
    source: str = "title words"  # or "topic model" (topic-model.json, docs/topics.md)


@dataclass
class PlannedPaper:
    """One paper of the request: where its metadata came from and where it goes (or already is)."""

    arxiv: str | None
    title: str | None
    authors: tuple[str, ...]
    rel: str | None = None
    existing: str | None = None
    from_arxiv: bool = False


@dataclass
class NewPlan:
    """What ``paperlist new`` would do: its writes (a new paper is an ``add``, links added to a listed
    paper a ``modify``), the findings that stop it, and tag suggestions."""

    root: Path
    writes: list[FileWrite] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    suggestions: list[TagSuggestion] = field(default_factory=list)
    papers: list[PlannedPaper] = field(default_factory=list)
    arxiv_requests: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        """True when ``apply`` would write something: no error, and at least one write."""
        return bool(self.writes) and not self.errors

    @property
    def write_plan(self) -> WritePlan:
        return WritePlan(self.root, list(self.writes))

    @property
    def report(self) -> Report:
        meta: dict[str, Any] = {
            "writes": [{"path": w.rel, "kind": REPORT_KIND[w.kind], "added": list(w.fields)} for w in self.writes],
            "suggested_tags": {s.paper_rel: [] for s in self.suggestions},
        }
        for s in self.suggestions:
            meta["suggested_tags"][s.paper_rel].append(s.tag)
        return Report(list(self.findings), files=len(self.papers), meta=meta)


# -- small helpers ---------------------------------------------------------------------------------


def split_authors(values: Sequence[str]) -> list[str]:
    """``--author "A, B and C" --author D`` → ``[A, B, C, D]``; affiliation digits dropped."""
    out: list[str] = []
    for value in values:
        for raw in re.split(r"\s*(?:,|;|，|、|\band\b)\s*", value):
            name = re.sub(r"(?<=[A-Za-z\u00c0-\u024f])\d{1,2}$", "", raw.strip())
            if name and name not in out:
                out.append(name)
    return out


def _text_problem(value: str) -> str | None:
    """Why a piece of outside text cannot go into a paper file as it is, or None."""
    bad = find_bad_char(value)  # the one rule (paperlist.infra.textrules), as for every paper file
    if bad is None and (m := _ONE_LINE.search(value)):
        bad = BadChar(m.start(), m.group())
    return text("new.control-char", label=bad.label) if bad else None


def _finding(file: str, said: Said, *, check: str = "new", severity: str = "error",
             hint: str | None = None, hint_zh: str | None = None, **extra: Any) -> Finding:
    return Finding(file=file, severity=severity, check=check, **said,  # type: ignore[arg-type]
                   hint=hint, hint_zh=hint_zh, extra=extra)


# -- tag suggestions -------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    # Singular and plural read alike ("Transformers" suggests what "Transformer" would).
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
            for w in _WORD.findall(text.lower())]


def suggest_tags(vocab: Vocabulary, title: str, *, exclude: Sequence[str] = (), limit: int = 3
                 ) -> list[tuple[Term, str]]:
    """Tags whose English name, id or an alias appears in ``title`` as whole words (or whose Chinese
    name appears in it), longest match first: "Video Object Detection" before "Object Detection"."""
    words = _words(title)
    joined = f" {' '.join(words)} "
    folded = normalize_label(title)
    hits: list[tuple[int, Term, str]] = []
    for term in vocab.tags.values():
        if term.id == "other" or term.id in exclude:
            continue
        best: str | None = None
        for label in (term.en, term.id.replace("-", " "), *term.aliases):
            lw = _words(label)
            if not lw or (len(lw) == 1 and len(lw[0]) < 3):
                continue
            if f" {' '.join(lw)} " in joined and (best is None or len(label) > len(best)):
                best = label
        zh = normalize_label(term.zh)
        if best is None and zh and zh in folded:
            best = term.zh
        if best is not None:
            hits.append((len(_words(best)) or 1, term, best))
    hits.sort(key=lambda h: (-h[0], h[1].id))
    chosen: list[tuple[Term, str]] = []
    for _, term, label in hits:
        # A more specific tag already chosen covers the general one it contains.
        if any(f" {' '.join(_words(label))} " in f" {' '.join(_words(other))} " for _, other in chosen):
            continue
        chosen.append((term, label))
        if len(chosen) == limit:
            break
    return chosen


# -- planning --------------------------------------------------------------------------------------


def _check_request(req: NewRequest) -> list[str]:
    """Usage problems: what no amount of looking up can fix."""
    problems: list[str] = []
    if not req.arxiv and not (req.title and req.title.strip()):
        problems.append("give an arXiv id (--arxiv 2103.09460) or, for a paper without arXiv, its --title")
    if req.title and len(req.arxiv) > 1:
        problems.append("--title names one paper: give it with a single --arxiv id, or leave it out and "
                        "let arXiv provide each title")
    if len(req.arxiv) > MAX_IDS:
        problems.append(f"{len(req.arxiv)} arXiv ids at once; at most {MAX_IDS} (use `paperlist import` for a list)")
    for name, value in (("title", req.title), ("title_zh", req.title_zh), ("venue", req.venue),
                        ("project", req.project), ("paper_url", req.paper_url),
                        *(("author", a) for a in req.authors), *(("tag", t) for t in req.tags),
                        *(("code", c) for c in req.code), *(("arxiv", a) for a in req.arxiv)):
        if value is not None and len(value) > MAX_FIELD:
            problems.append(f"{name} is {len(value):,} characters long; at most {MAX_FIELD:,}")
    return problems


def _existing_by_arxiv(root: Path, ids: Sequence[str]) -> dict[str, str]:
    """Listed papers with one of ``ids`` (the duplicate index answers this without loading every file)."""
    if not ids:
        return {}
    from paperlist.checks.dupes import find_duplicates

    probes = [load_text(writer.dump(writer.build({"title": f"probe {i}", "venue": "CVPR", "year": 2000,
                                                  "arxiv": aid, "tags": ["other"]})),
                        f"papers/.probe/{n}.yaml") for n, (i, aid) in enumerate(enumerate(ids))]
    found: dict[str, str] = {}
    for f in find_duplicates(root, [], papers=probes, use_cache=True).findings:
        other = f.extra.get("duplicate_of")
        ev = f.extra.get("evidence")
        if f.check != "duplicate" or not isinstance(other, str) or other.startswith("papers/.probe/"):
            continue
        if not (isinstance(ev, dict) and ev.get("identifier") == "arxiv"):
            continue
        n = int(Path(f.file).stem)
        found.setdefault(ids[n], other)
    return found


def plan_new(root: Path, request: NewRequest, client: ArxivClient | None = None) -> NewPlan:
    """Plan the files ``request`` adds or edits; see the module docstring. Never writes.

    Raises UsageError for a request that cannot work whatever arXiv says (no id and no title,
    a title for several ids); everything else is a finding on the plan.

    >>> plan = plan_new(Path("."), NewRequest(venue="CVPR", year=2021, arxiv=("2103.09460",),
    ...                                       tags=("object-detection",)))  # doctest: +SKIP
    >>> apply(plan) if plan.ok else plan.report  # doctest: +SKIP
    """
    root = Path(root)
    problems = _check_request(request)
    if problems:
        raise UsageError("; ".join(problems))
    vocab = Vocabulary.load(root)
    topics = TopicModel.load(root)
    shown = load_settings(root)
    plan = NewPlan(root=root)
    if request.venue and not shown.has_venues:
        raise UsageError(f"--venue {request.venue}: this list has no venues (venues: [] in paperlist.yaml)")
    venue_id = (vocab.resolve_venue(request.venue) or request.venue) if request.venue else None
    placed = request.year is not None and (venue_id is not None or not shown.has_venues)
    folder = f"{keys.folder_path(venue_id, request.year)}/" if placed and request.year else f"{keys.PAPERS_DIR}/"

    # 1. arXiv ids: syntax first (no request for what cannot be an id), then one batched look-up.
    ids: list[str] = []
    for raw in request.arxiv:
        aid = identity.arxiv_id(raw)
        if aid is None:
            plan.findings.append(_finding(
                folder, say("new.not-arxiv", value=raw.strip()[:80]), check="arxiv", arxiv=raw.strip()[:80]))
        elif aid not in ids:
            ids.append(aid)
    listed = _existing_by_arxiv(root, ids)
    metadata: dict[str, ArxivPaper] = {}
    # Listed papers need no look-up, nor does a paper whose title and authors are given.
    to_fetch = [i for i in ids if i not in listed and not (request.title and request.authors)]
    if to_fetch and not plan.findings:
        client = client or ArxivClient.from_env(root)
        try:
            result = client.fetch(to_fetch)
        except ArxivError as e:
            result = None
            for aid in e.ids or to_fetch:
                plan.findings.append(_finding(folder, say("new.arxiv-failed", id=aid, error=str(e)),
                                              check="arxiv", arxiv=aid, **hint("new.arxiv-failed.hint")))
        finally:
            plan.arxiv_requests = client.requests
        if result is not None:
            metadata = result.papers
            for aid, why in result.problems.items():
                plan.findings.append(_finding(folder, say("new.arxiv-unknown", id=aid, why=why), check="arxiv",
                                              arxiv=aid, **hint("new.arxiv-unknown.hint", id=aid)))
    if any(f.severity == "error" for f in plan.findings):
        return plan

    # 2. One paper per id (or the one titled paper), built as the file that would be written.
    drafts: list[tuple[PlannedPaper, dict[str, Any]]] = []
    for aid in ids or [None]:  # type: ignore[list-item]
        meta = metadata.get(aid) if aid else None
        title = request.title if request.title else (meta.title if meta else None)
        authors = split_authors(request.authors) if request.authors else list(meta.authors if meta else ())
        paper = PlannedPaper(arxiv=aid, title=title, authors=tuple(authors), from_arxiv=meta is not None,
                             existing=listed.get(aid) if aid else None)
        plan.papers.append(paper)
        data: dict[str, Any] = {
            "title": " ".join((title or "").split()),
            "title_zh": request.title_zh,
            "authors": authors,
            "venue": venue_id,
            "year": request.year,
            "track": "workshop" if request.workshop else None,
            "presentation": request.presentation,
            "arxiv": aid,
            "links": {"paper": request.paper_url, "code": list(dict.fromkeys(request.code)),
                      "project": request.project},
            "tags": [vocab.resolve_tag(t) or t for t in request.tags],
        }
        drafts.append((paper, shown.trim(data)))

    # 3. Listed already: an edit that adds the request's links, or a refusal naming the file.
    new_drafts: list[tuple[PlannedPaper, dict[str, Any]]] = []
    for paper, data in drafts:
        if paper.existing:
            _plan_edit(plan, paper, data)
        else:
            new_drafts.append((paper, data))

    # 4. New papers: text, in-memory validation, duplicates against the list and each other.
    pfs: list[PaperFile] = []
    taken: set[str] = set()
    if new_drafts and not placed:
        names = ", ".join(p.arxiv or repr(p.title) for p, _ in new_drafts)
        plan.findings.append(_finding(folder, say("new.need-venue-year" if shown.has_venues else "new.need-year",
                                                  names=names), check="new"))
        return plan
    for paper, data in new_drafts:
        assert request.year is not None  # checked just above
        texts = [("title", data["title"]), *(("author", a) for a in data["authors"])]
        bad = [(name, p) for name, value in texts if (p := _text_problem(value)) is not None]
        rel = _free_path(root, venue_id, request.year, data["title"] or "untitled", taken)
        paper.rel = rel
        for name, why in bad:
            plan.findings.append(_finding(rel, say("new.bad-text.arxiv" if paper.from_arxiv else "new.bad-text",
                                                   id=paper.arxiv, name=name, why=why), check="text",
                                          arxiv=paper.arxiv))
        tags = data["tags"]
        sugg = [(t, m, "title words") for t, m in suggest_tags(vocab, data["title"], exclude=tags)]
        if topics is not None:  # the list's topic model: its top three, best first, before the word matches
            learnt = [s for s in topics.suggest(data["title"], data.get("title_zh"), known=set(vocab.tags))
                      if s.tag not in tags][:3]
            sugg = [(vocab.tags[s.tag], f"score {s.score:.2f}" + (
                f", above its bar: held-out precision {100 * s.precision:.0f} %" if s.confident and s.precision
                else ""), "topic model") for s in learnt] + [x for x in sugg if x[0].id not in {s.tag for s in learnt}]
            sugg = sugg[:3]
        plan.suggestions.extend(TagSuggestion(rel, t.id, t.en, t.zh, m, source) for t, m, source in sugg)
        if not tags:
            names = ", ".join(f"{t.id} ({t.en} / {t.zh})" for t, _, _ in sugg)
            plan.findings.append(_finding(
                rel, say("new.no-tag.suggest", names=names) if names else say("new.no-tag"), check="tags"))
        text = writer.dump(writer.build(data))
        pf = load_text(text, rel)
        found = Checker.for_root(root).check(pf)
        if not tags:
            found = [f for f in found if not (f.check == "schema" and "tags" in f.message)]
        plan.findings.extend(_about_source(f, paper) for f in found)
        pfs.append(pf)
        note, note_zh = both("new.write.create")
        plan.writes.append(FileWrite.add(rel, text, note=note, note_zh=note_zh))
    if pfs:
        plan.findings.extend(_duplicates(root, pfs))
    return plan


def _about_source(f: Finding, paper: PlannedPaper) -> Finding:
    """A validation finding on metadata from arXiv says so: the contributor did not type that title."""
    if not paper.from_arxiv or f.severity != "error" or not any(k in f.message for k in ("title", "authors")):
        return f
    fallback = hint("new.from-arxiv.hint")
    return replace(f, message=text("new.from-arxiv", message=f.message, id=paper.arxiv),
                   message_zh=text("new.from-arxiv", "zh", message=f.message_zh or f.message, id=paper.arxiv),
                   hint=f.hint or fallback["hint"], hint_zh=f.hint_zh or fallback["hint_zh"])


def _free_path(root: Path, venue: str | None, year: int, title: str, taken: set[str]) -> str:
    base = keys.expected_path(venue, year, title).removesuffix(".yaml")
    rel, n = f"{base}.yaml", 2
    while (root / rel).exists() or rel in taken:  # a different paper with the same title: -2, -3 …
        rel, n = f"{base}-{n}.yaml", n + 1
    taken.add(rel)
    return rel


def _duplicates(root: Path, pfs: list[PaperFile]) -> list[Finding]:
    """New papers against the list: a certain or likely duplicate stops the plan, naming the file."""
    from paperlist.checks.dupes import find_duplicates

    out: list[Finding] = []
    for f in find_duplicates(root, [], papers=pfs, use_cache=True).findings:
        other = f.extra.get("duplicate_of")
        if f.check == "duplicate" and f.severity in ("error", "warning") and isinstance(other, str):
            out.append(replace(f, severity="error",
                               message=text("new.duplicate", message=f.message, other=other),
                               message_zh=text("new.duplicate", "zh", message=f.message_zh or f.message, other=other),
                               **hint("new.duplicate.hint", other=other)))
        else:
            out.append(f)
    return out


def _plan_edit(plan: NewPlan, paper: PlannedPaper, data: dict[str, Any]) -> None:
    """A listed paper: add the request's links to its file, or refuse naming the file."""
    assert paper.existing is not None
    rel = paper.existing
    pf = load_paper(plan.root / rel, plan.root)
    links = {k: v for k, v in data["links"].items() if k in ("code", "project") and v}
    if pf.text is None or not pf.parsed:
        plan.findings.append(_finding(rel, say("new.listed-broken", id=paper.arxiv, rel=rel),
                                      check="duplicate", duplicate_of=rel, arxiv=paper.arxiv))
        return
    if not links:
        plan.findings.append(_finding(
            rel, say("new.listed", id=paper.arxiv, rel=rel), check="duplicate", duplicate_of=rel, arxiv=paper.arxiv,
            **hint("new.listed.hint", id=paper.arxiv, rel=rel)))
        return
    for url in [*links.get("code", []), links.get("project")]:
        if url and (why := _text_problem(url)):
            plan.findings.append(_finding(rel, say("new.bad-link", why=why), check="text"))
            return
    doc = writer.load_rt(pf.text)
    added = writer.merge_into(doc, {"links": links})
    if not added:
        plan.findings.append(_finding(rel, say("new.listed-same-links", id=paper.arxiv, rel=rel),
                                      check="duplicate", severity="notice", duplicate_of=rel, arxiv=paper.arxiv))
        return
    text = writer.dump(doc)
    edited = load_text(text, rel)
    found = [f for f in Checker.for_root(plan.root).check(edited) if f.severity == "error"]
    before_errors = {(f.check, f.message) for f in Checker.for_root(plan.root).check(pf) if f.severity == "error"}
    # Only what the edit brings in can stop it: an old problem in the listed file is not the contributor's.
    new_errors = [f for f in found if (f.check, f.message) not in before_errors]
    plan.findings.extend(new_errors)
    what = ", ".join(dict.fromkeys(added))
    plan.findings.append(_finding(rel, say("new.adds", id=paper.arxiv, rel=rel, what=what), check="new",
                                  severity="notice", duplicate_of=rel, arxiv=paper.arxiv))
    note, note_zh = both("new.write.edit", what=what)
    plan.writes.append(FileWrite.modify(rel, text, pf.text, note=note, note_zh=note_zh, fields=added))


def apply(plan: NewPlan) -> list[str]:
    """Write the plan's files, all or none; returns the paths written. Raises ``PlanError`` for a plan
    with errors and ``StaleTarget`` (a ``PlanError``) when a file changed since it was planned."""
    if plan.errors:
        raise PlanError(f"the plan has {len(plan.errors)} error(s); nothing written")
    return plan.write_plan.apply()


@dataclass(frozen=True)
class NewSettings:
    """What ``paperlist new`` was asked to do."""

    root: Path
    request: NewRequest
    dry_run: bool = False  # plan and show; write nothing


@dataclass
class NewResult:
    plan: NewPlan
    written: list[str] = field(default_factory=list)  # paths written (empty on a dry run or a refusal)

    @property
    def exit_code(self) -> int:
        """0 written, 1 not written because of errors (a dry run: 1 when it would be refused)."""
        return 0 if self.written else self.plan.report.exit_code


def run_new(settings: NewSettings, client: ArxivClient | None = None) -> NewResult:
    """``paperlist new`` without the command line: plan, then write unless a dry run or refused."""
    plan = plan_new(settings.root, settings.request, client)
    if settings.dry_run or not plan.ok:
        return NewResult(plan)
    return NewResult(plan, apply(plan))
