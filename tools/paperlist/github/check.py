"""``paperlist check``: everything a pull request needs checked, on exactly what it changes.

Finds the paper files the change adds, modifies, renames or deletes (git, against the merge
base), runs validate, dupes and links on those files only, and reports what the change must
not touch (the generated part of README.md and the pages in lists/, workflows, the tool). Files the change did not
touch never fail it, and a one-file change never re-validates the whole list.

The returned Report carries, under ``meta``, what the PR comment needs: head SHA, base,
PR number, the verdict and the changed files.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperlist import __version__
from paperlist.errors import PaperlistError, UsageError
from paperlist.findings import Finding, Report
from paperlist.infra.fsutil import write_atomic
from paperlist.infra.gitdiff import ChangedPath, changes, git, merge_base, pending, rev_parse, show
from paperlist.infra.messages import Phrase, hint, say
from paperlist.output.markers import README, generated_block
from paperlist.project.keys import PAPERS_DIR
from paperlist.project.loader import PaperFile
from paperlist.project.papers import load_papers
from paperlist.project.settings import load_settings

REPORT_VERSION = 1

# Paths a contributor's PR must not change: (prefix, what it is (a message id), severity when untrusted).
# Trusted authors (maintainers) get a notice instead, so their tooling PRs stay green.
PROTECTED: tuple[tuple[str, str, str], ...] = (
    (".github/", "scope.area.github", "error"),
    ("tools/", "scope.area.tool", "error"),
    ("tests/", "scope.area.tests", "error"),
    (".ci/", "scope.area.ci", "error"),
    ("schema/", "scope.area.schema", "error"),
    ("pyproject.toml", "scope.area.packaging", "error"),
    (".pre-commit-hooks.yaml", "scope.area.pre-commit", "error"),
    # The check reads these from the PR's own checkout: an edit could exclude the PR's own
    # links from the link check, or declare its duplicate "not a duplicate".
    ("linkcheck.yaml", "scope.area.linkcheck", "error"),
    ("not-duplicates.yaml", "scope.area.not-duplicates", "warning"),
    # A committed cache would answer for the checks; it is never read (cachedir), and never wanted.
    (".paperlist-cache/", "scope.area.cache", "error"),
    ("vocab/", "scope.area.vocab", "warning"),
    ("topic-model.json", "scope.area.topic-model", "warning"),
    ("paperlist.yaml", "scope.area.settings", "warning"),
)
GENERATED_DIR = "lists/"  # every file in it is written by `paperlist render`


@dataclass(frozen=True)
class CheckSettings:
    """What ``paperlist check`` was asked to do."""

    root: Path
    base: str
    head: str = "HEAD"
    links: bool = True
    trusted: bool = False
    github_token: str | None = None
    link_timeout: float = 10.0
    # The duplicate index cache pays off on a maintainer's machine; on a fresh CI runner there is
    # nothing to reuse and writing it costs more than reading the list without it.
    dupes_cache: bool = True
    # The pull request's own check in CI (GitHub Actions), not a contributor's terminal: a change with
    # nothing under papers/ (a paper added then removed, a revert) is then nothing to check, a green
    # check with a notice; locally the same change is the trap "you forgot to commit your paper".
    ci: bool = False
    # Facts about the run, copied into meta for the comment (from the Actions environment).
    context: dict[str, Any] = field(default_factory=dict)


def _scope_findings(root: Path, base_sha: str, head_sha: str, changed: Sequence[ChangedPath],
                    trusted: bool) -> list[Finding]:
    findings: list[Finding] = []
    for c in changed:
        paths = [c.path] + ([c.old] if c.old else [])
        if README in paths:
            before = generated_block(show(root, base_sha, README))
            after = generated_block(show(root, head_sha, README))
            if before != after:
                findings.append(Finding(
                    file=README, severity="notice" if trusted else "error", check="scope",
                    **say("scope.readme"), **hint("scope.readme.hint"),
                ))
            continue
        hit = next((p for p in paths if p.startswith(GENERATED_DIR)), None)
        if hit is not None:
            findings.append(Finding(
                file=hit, severity="notice" if trusted else "error", check="scope",
                **say("scope.generated", path=hit, folder=GENERATED_DIR), **hint("scope.generated.hint", path=hit),
            ))
            continue
        for prefix, what, severity in PROTECTED:
            hit = next((p for p in paths if p == prefix or (prefix.endswith("/") and p.startswith(prefix))), None)
            if hit is None:
                continue
            findings.append(Finding(
                file=hit, severity="notice" if trusted else severity,  # type: ignore[arg-type]
                check="scope",
                **say("scope.protected", what=Phrase(what), path=hit), **hint("scope.protected.hint"),
            ))
            break
    return findings


def _paper_paths(changed: Sequence[ChangedPath]) -> tuple[list[str], list[str]]:
    """(paths to check at head, paths deleted) for the changes under papers/."""
    live: list[str] = []
    deleted: list[str] = []
    for c in changed:
        if c.path.startswith(PAPERS_DIR + "/"):
            (deleted if c.status == "D" else live).append(c.path)
        if c.status == "R" and c.old and c.old.startswith(PAPERS_DIR + "/") and not c.path.startswith(PAPERS_DIR + "/"):
            deleted.append(c.old)
    return live, deleted


_HOW = {"staged": "uncommitted.staged", "not staged": "uncommitted.not-staged", "untracked": "uncommitted.untracked"}


def _nothing_to_check(changed: Sequence[ChangedPath]) -> list[Finding]:
    """The one notice of a pull request whose net change under papers/ is empty (in CI)."""
    live, deleted = _paper_paths(changed)
    if live or deleted:
        return []
    why = Phrase("scope.nothing.reverted" if not changed else "scope.nothing.elsewhere")
    return [Finding(file=PAPERS_DIR + "/", severity="notice", check="scope",
                    **say("scope.nothing", folder=PAPERS_DIR, why=why))]


def _unchecked_findings(root: Path, base: str, base_sha: str, head_sha: str, *, changed: Sequence[ChangedPath],
                        checked: int, ci: bool = False) -> list[Finding]:
    """What a check of commits cannot see: paper files not committed yet, or no commits to compare.

    Without these a contributor who forgot to commit got "0 file(s) checked: 0 error(s)", a false all-clear.
    In CI (``ci``) there is no contributor's working tree to forget: an empty change is a notice.
    """
    if ci:
        return _nothing_to_check(changed)
    findings: list[Finding] = []
    waiting = pending(root, PAPERS_DIR + "/")
    branch = git(root, "rev-parse", "--abbrev-ref", "HEAD", check=False).strip() or "HEAD"
    # Still on the base branch: the commit must go on a new branch, or the next check compares base with itself.
    on_base = head_sha == base_sha and branch in (base, base.rsplit("/", 1)[-1])
    switch = "git switch -c add-paper && " if on_base else ""
    for path, how in waiting:
        findings.append(Finding(
            file=path, severity="warning" if checked else "error", check="not-committed",
            **say("uncommitted.file", how=Phrase(_HOW[how])),
            **hint("uncommitted.file.hint", switch=switch, path=path, base=base)))
    if changed or waiting:
        return findings  # uncommitted files: their own findings say what to do
    if head_sha == base_sha:
        said, hinted = say("uncommitted.same-commit", branch=branch, base=base), \
            hint("uncommitted.same-commit.hint", branch=branch, base=base)
    else:
        said, hinted = say("uncommitted.no-change", branch=branch, base=base), \
            hint("uncommitted.no-change.hint", base=base)
    findings.append(Finding(file=PAPERS_DIR + "/", severity="error", check="not-committed", **said, **hinted))
    return findings


def verdict_of(report: Report) -> str:
    if report.errors:
        return "fail"
    if report.count("warning"):
        return "warn"
    return "pass"


def run_check(settings: CheckSettings) -> Report:
    """Check what ``settings.head`` changes relative to ``settings.base``; see the module docstring."""
    root = Path(settings.root)
    if not (root / ".git").exists():
        # A worktree or submodule has a .git file; anything else is not a checkout.
        raise UsageError(f"{root} is not a git checkout (paperlist check diffs with git)")
    base_sha = rev_parse(root, settings.base)
    head_sha = rev_parse(root, settings.head)
    worktree_sha = rev_parse(root, "HEAD")
    if head_sha != worktree_sha:
        raise UsageError(f"--head {settings.head} is {head_sha[:12]} but the checkout is at {worktree_sha[:12]}: "
                         "check out the head first (paperlist reads the files from the working tree)")
    mb = merge_base(root, base_sha, head_sha)
    changed = changes(root, mb, head_sha)
    live, deleted = _paper_paths(changed)
    # The one load: every check below reads these PaperFile objects; no file is parsed twice.
    papers = load_papers(root, [root / p for p in live])

    # Imported here: a check without links must not pay for importing aiohttp and PyGithub.
    from paperlist.checks.dupes import find_duplicates
    from paperlist.checks.validate import validate_papers

    reports: list[Report] = [Report(_scope_findings(root, mb, head_sha, changed, settings.trusted)),
                             Report(_unchecked_findings(root, settings.base, base_sha, head_sha, changed=changed,
                                                        checked=len(papers.files), ci=settings.ci))]
    # A file that does not parse is validate's to report; dupes and links would only add noise about it.
    parsed = [pf for pf in papers.files if pf.parsed]
    if papers.files:
        reports.append(validate_papers(papers))
    if parsed:
        reports.append(find_duplicates(root, None, papers=parsed, use_cache=settings.dupes_cache))
        if settings.links:
            from paperlist.checks.links import check_links

            reports.append(check_links(root, papers=parsed, timeout=settings.link_timeout,
                                       github_token=settings.github_token))
    if parsed:
        reports.append(Report(_topic_notices(root, parsed)))
    deletions = [Finding(file=p, severity="notice", check="scope",
                         **say("scope.deleted")) for p in deleted]
    reports.append(Report(deletions))
    report = Report.merge(reports, files=len(papers.files))
    # Findings about files outside the change (a dupes check may mention the existing paper) only
    # inform: they must never fail a PR for something it did not touch.
    touched = {c.path for c in changed} | {c.old for c in changed if c.old}
    report.findings = [f if f.file in touched or f.severity != "error" or f.check == "not-committed" else _demote(f)
                       for f in report.findings]
    report.meta = {
        **{k: v for k, v in report.meta.items() if k not in ("changed",)},
        "report_version": REPORT_VERSION,
        "tool": f"paperlist {__version__}",
        "base_sha": base_sha,
        "merge_base": mb,
        "head_sha": head_sha,
        "changed": [{"status": c.status, "path": c.path, **({"old": c.old} if c.old else {})} for c in changed],
        "papers_checked": live,
        "links_checked": bool(settings.links and papers.files),
        **settings.context,
    }
    # The comment speaks the list's languages (an English-only list gets no Chinese); a broken
    # paperlist.yaml is a finding of its own, and the comment keeps both languages.
    with contextlib.suppress(PaperlistError):
        report.meta["languages"] = list(load_settings(root).languages)
    report.meta["verdict"] = verdict_of(report)
    report.meta["counts"] = {k: report.summary()[k] for k in ("errors", "warnings", "notices")}
    return report


def _demote(f: Finding) -> Finding:
    from dataclasses import replace

    return replace(f, severity="notice")


def actions_context(environ: Mapping[str, str]) -> dict[str, Any]:
    """Run facts from the standard Actions variables and the event payload (pull_request events)."""
    ctx: dict[str, Any] = {}
    for key, env in (("repository", "GITHUB_REPOSITORY"), ("server_url", "GITHUB_SERVER_URL"),
                     ("event_name", "GITHUB_EVENT_NAME")):
        if environ.get(env):
            ctx[key] = environ[env]
    if (environ.get("GITHUB_RUN_ID") or "").isdigit():
        ctx["run_id"] = int(environ["GITHUB_RUN_ID"])
    event_path = environ.get("GITHUB_EVENT_PATH")
    if event_path:
        try:
            event = json.loads(Path(event_path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            event = {}
        pr = event.get("pull_request") if isinstance(event, dict) else None
        if isinstance(pr, dict) and isinstance(pr.get("number"), int):
            ctx["pr"] = pr["number"]
            head = pr.get("head")
            if isinstance(head, dict) and isinstance(head.get("sha"), str):
                ctx["event_head_sha"] = head["sha"]
    return ctx


def write_report(report: Report, path: Path) -> None:
    """Write the report JSON atomically (the artifact the comment job downloads)."""
    write_atomic(Path(path), json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")


def _topic_notices(root: Path, parsed: Sequence[PaperFile]) -> list[Finding]:
    """For a paper tagged only ``other``: the topics the list's model suggests (docs/topics.md), as a
    notice a contributor can act on; never more than a notice (the model is read from the PR's
    checkout, so it only ever informs)."""
    from paperlist.sources.topics.model import TopicModel, untagged

    todo = [pf for pf in parsed if isinstance(pf.data, dict) and isinstance(pf.data.get("title"), str)
            and untagged(pf.data.get("tags"))]
    if not todo:
        return []
    try:
        model = TopicModel.load(root)
    except PaperlistError:
        return []
    if model is None:
        return []
    out = []
    for pf in todo:
        zh = pf.data.get("title_zh") if isinstance(pf.data.get("title_zh"), str) else None
        best = model.suggest(pf.data["title"], zh)[:3]
        names = ", ".join(s.tag for s in best)
        line, col = pf.position(("tags",))
        out.append(Finding(file=pf.rel, line=line, column=col, severity="notice", check="topics",
                           **say("check.topics.suggest", names=names), **hint("check.topics.suggest.hint")))
    return out

