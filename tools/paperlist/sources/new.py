"""Adding papers for contributors who would rather not write YAML: ``paperlist new`` and the issue form.

``plan_new`` turns a request (arXiv ids and/or a title, venue, year, tags, links) into a
``Plan``: the files it would create or edit, the findings that stop it, and tag suggestions.
It never writes; ``apply`` does, all or nothing, and only a plan without errors. The CLI and
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
from typing import Any, Literal

from paperlist.checks.validate import Checker
from paperlist.errors import PaperlistError, UsageError
from paperlist.findings import Finding, Report
from paperlist.infra import fsutil, identity
from paperlist.infra.arxiv import ArxivClient, ArxivError, ArxivPaper
from paperlist.infra.textrules import BadChar, find_bad_char
from paperlist.project import keys, writer
from paperlist.project.loader import PaperFile, load_paper, load_text
from paperlist.project.settings import load_settings
from paperlist.project.vocab import Term, Vocabulary, normalize_label
from paperlist.sources.topics.model import TopicModel

MAX_IDS = 20  # one request, one form: a batch bigger than this is a list import, not a contribution
MAX_FIELD = 2000  # request fields longer than this are refused before anything else looks at them
_ONE_LINE = re.compile(r"[\t\n]")  # a title or a name is one line (the rest is textrules' rule)


class PlanError(PaperlistError):
    """``apply`` refused: the plan has errors, or a file changed since it was planned."""


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


@dataclass(frozen=True)
class PlannedWrite:
    """One file the plan writes: a new paper (``create``) or links added to a listed one (``edit``)."""

    rel: str
    text: str
    kind: Literal["create", "edit"]
    message: str
    message_zh: str
    added: tuple[str, ...] = ()
    before: str | None = None  # an edit's text when planned: apply refuses if the file changed since


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
class Plan:
    root: Path
    writes: list[PlannedWrite] = field(default_factory=list)
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
    def report(self) -> Report:
        meta: dict[str, Any] = {
            "writes": [{"path": w.rel, "kind": w.kind, "added": list(w.added)} for w in self.writes],
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
    return f"contains the control or direction character {bad.label}" if bad else None


def _finding(file: str, message: str, zh: str, *, check: str = "new", severity: str = "error",
             hint: str | None = None, hint_zh: str | None = None, **extra: Any) -> Finding:
    return Finding(file=file, severity=severity, check=check, message=message, message_zh=zh,  # type: ignore[arg-type]
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


def plan_new(root: Path, request: NewRequest, client: ArxivClient | None = None) -> Plan:
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
    plan = Plan(root=root)
    if request.venue and not shown.has_venues:
        raise UsageError(f"--venue {request.venue}: this list has no venues (venues: [] in paperlist.yaml)")
    venue_id = (vocab.resolve_venue(request.venue) or request.venue) if request.venue else None
    placed = request.year is not None and (venue_id is not None or not shown.has_venues)
    folder = f"papers/{keys.folder_name(venue_id, request.year)}/" if placed and request.year else "papers/"

    # 1. arXiv ids: syntax first (no request for what cannot be an id), then one batched look-up.
    ids: list[str] = []
    for raw in request.arxiv:
        aid = identity.arxiv_id(raw)
        if aid is None:
            plan.findings.append(_finding(
                folder, f"{raw.strip()[:80]!r} is not an arXiv id or link (e.g. 2103.09460 or "
                        "https://arxiv.org/abs/2103.09460)", f"{raw.strip()[:80]!r} 不是有效的 arXiv 编号或链接",
                check="arxiv", arxiv=raw.strip()[:80]))
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
                plan.findings.append(_finding(folder, f"arXiv {aid}: {e}", f"无法从 arXiv 获取 {aid} 的信息：{e}",
                                              check="arxiv", arxiv=aid,
                                              hint="try again in a minute, or give --title and --author yourself",
                                              hint_zh="请稍后重试，或自行填写 --title 和 --author"))
        finally:
            plan.arxiv_requests = client.requests
        if result is not None:
            metadata = result.papers
            for aid, why in result.problems.items():
                plan.findings.append(_finding(folder, why, f"arXiv 编号 {aid} 无效或不存在", check="arxiv", arxiv=aid,
                                              hint="check the id on https://arxiv.org/abs/" + aid,
                                              hint_zh="请在 arXiv 上核对编号"))
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
        need, need_zh = ("--venue and --year are", "--venue 和 --year") if shown.has_venues else ("--year is", "--year")
        plan.findings.append(_finding(folder, f"{names}: not on the list yet, so {need} needed; nothing written",
                                      f"{names} 尚未收录，需要指定 {need_zh}；未写入", check="new"))
        return plan
    for paper, data in new_drafts:
        assert request.year is not None  # checked just above
        texts = [("title", data["title"]), *(("author", a) for a in data["authors"])]
        bad = [(name, p) for name, value in texts if (p := _text_problem(value)) is not None]
        rel = _free_path(root, venue_id, request.year, data["title"] or "untitled", taken)
        paper.rel = rel
        for name, why in bad:
            src = f"arXiv {paper.arxiv}'s" if paper.from_arxiv else "the"
            plan.findings.append(_finding(rel, f"{src} {name} {why}; nothing written",
                                          f"{name} 含有控制字符或方向控制字符，未写入文件", check="text",
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
                rel, "no tag given: add --tag with a tag id or name from vocab/tags.yaml"
                     + (f"; the title suggests {names}" if names else ""),
                "未指定标签：请用 --tag 指定 vocab/tags.yaml 中的标签" + (f"；根据标题建议：{names}" if names else ""),
                check="tags"))
        text = writer.dump(writer.build(data))
        pf = load_text(text, rel)
        found = Checker.for_root(root).check(pf)
        if not tags:
            found = [f for f in found if not (f.check == "schema" and "tags" in f.message)]
        plan.findings.extend(_about_source(f, paper) for f in found)
        pfs.append(pf)
        plan.writes.append(PlannedWrite(rel, text, "create", "a new paper file", "新建论文文件"))
    if pfs:
        plan.findings.extend(_duplicates(root, pfs))
    return plan


def _about_source(f: Finding, paper: PlannedPaper) -> Finding:
    """A validation finding on metadata from arXiv says so: the contributor did not type that title."""
    if not paper.from_arxiv or f.severity != "error" or not any(k in f.message for k in ("title", "authors")):
        return f
    return replace(f, message=f"{f.message} (from arXiv {paper.arxiv}); nothing written",
                   hint=f.hint or "give the title yourself with --title (and --author)",
                   hint_zh=f.hint_zh or "请用 --title（和 --author）自行填写")


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
                               message=f"{f.message}; nothing written (it is already on the list: {other})",
                               hint=f"to add a link to the listed paper, run: paperlist new --arxiv ID --code URL, "
                                    f"or edit {other}",
                               hint_zh="如需为已有论文补充链接：paperlist new --arxiv 编号 --code 链接，"
                                       f"或直接编辑 {other}"))
        else:
            out.append(f)
    return out


def _plan_edit(plan: Plan, paper: PlannedPaper, data: dict[str, Any]) -> None:
    """A listed paper: add the request's links to its file, or refuse naming the file."""
    assert paper.existing is not None
    rel = paper.existing
    pf = load_paper(plan.root / rel, plan.root)
    links = {k: v for k, v in data["links"].items() if k in ("code", "project") and v}
    if pf.text is None or not pf.parsed:
        plan.findings.append(_finding(rel, f"arXiv {paper.arxiv} is already on the list as {rel}, which does not "
                                           "load (see paperlist validate); nothing written",
                                      f"arXiv {paper.arxiv} 已在列表中（{rel}），但该文件无法解析；未写入",
                                      check="duplicate", duplicate_of=rel, arxiv=paper.arxiv))
        return
    if not links:
        plan.findings.append(_finding(
            rel, f"arXiv {paper.arxiv} is already on the list as {rel} (same arXiv id); nothing written",
            f"arXiv {paper.arxiv} 已在列表中：{rel}；未写入", check="duplicate", duplicate_of=rel, arxiv=paper.arxiv,
            hint=f"its code is out? paperlist new --arxiv {paper.arxiv} --code URL adds the link to {rel}",
            hint_zh=f"如需补充代码链接：paperlist new --arxiv {paper.arxiv} --code 链接"))
        return
    for url in [*links.get("code", []), links.get("project")]:
        if url and (why := _text_problem(url)):
            plan.findings.append(_finding(rel, f"link {why}; nothing written", "链接含有控制字符；未写入",
                                          check="text"))
            return
    doc = writer.load_rt(pf.text)
    added = writer.merge_into(doc, {"links": links})
    if not added:
        plan.findings.append(_finding(rel, f"arXiv {paper.arxiv} is already on the list as {rel}, with these links; "
                                           "nothing to add", f"arXiv {paper.arxiv} 已在列表中（{rel}），链接也已存在",
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
    plan.findings.append(_finding(rel, f"arXiv {paper.arxiv} is already on the list as {rel}: adds {what}",
                                  f"arXiv {paper.arxiv} 已在列表中（{rel}）：补充 {what}", check="new",
                                  severity="notice", duplicate_of=rel, arxiv=paper.arxiv))
    plan.writes.append(PlannedWrite(rel, text, "edit", f"adds {what} to a listed paper", f"为已有论文补充 {what}",
                                    added=tuple(added), before=pf.text))


def apply(plan: Plan) -> list[str]:
    """Write the plan's files (all or nothing as far as checking goes); returns the paths written."""
    if plan.errors:
        raise PlanError(f"the plan has {len(plan.errors)} error(s); nothing written")
    try:
        return fsutil.write_planned(plan.root, [(w.rel, w.text, w.before if w.kind == "edit" else None)
                                                for w in plan.writes])
    except fsutil.StaleTarget as e:
        raise PlanError(str(e)) from e


@dataclass(frozen=True)
class NewSettings:
    """What ``paperlist new`` was asked to do."""

    root: Path
    request: NewRequest
    dry_run: bool = False  # plan and show; write nothing


@dataclass
class NewResult:
    plan: Plan
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
