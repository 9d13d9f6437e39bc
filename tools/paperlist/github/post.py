"""Posting reports to GitHub: the pull-request comment (with its status and review) and the sweep issue.

The CLI fills a settings object and calls :func:`run_comment` or :func:`run_sweep_issue`; they
return what happened as plain data (``Posted.lines`` for a person to read, the Markdown body
for a dry run) and raise :class:`~paperlist.errors.UsageError` for a report that must not be
posted. Nothing here prints or exits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from paperlist.errors import UsageError
from paperlist.findings import Report
from paperlist.infra.messages import shown

if TYPE_CHECKING:  # PyGithub is imported only when something is posted
    from github.Repository import Repository

    from paperlist.output.comment import Links


@dataclass(frozen=True)
class CommentSettings:
    """What ``paperlist comment`` was asked to do."""

    report: Path
    pr: int
    head_sha: str | None = None
    summary_url: str | None = None
    status: bool = True
    suggestions: bool = True
    dry_run: bool = False


@dataclass(frozen=True)
class SweepSettings:
    """What ``paperlist sweep-issue`` was asked to do."""

    reports: Sequence[Path]
    title: str = "Broken links found by the weekly sweep"
    dry_run: bool = False


@dataclass
class Posted:
    """The outcome: the Markdown that was (or would be) posted, and one line per thing done.

    ``problems`` are steps that failed without failing the run (a refused review)."""

    body: str | None
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    inconclusive: str | None = None  # why nothing was posted from a run that could not reach the network


def run_comment(settings: CommentSettings, environ: Mapping[str, str]) -> Posted:
    """Post a check report as the PR's one paperlist comment, its commit status, and its review of
    one-click suggestions. A report about another commit or PR is refused (UsageError); a PR that
    has moved on since is left alone (a newer run will post)."""
    from paperlist.github import client as gh
    from paperlist.output.comment import links_for, load_report, render_comment

    report = load_report(settings.report)
    meta_head = report.meta.get("head_sha")
    if not meta_head:
        raise UsageError("the report names no head commit (head_sha); was it written by `paperlist check`?")
    if settings.head_sha is not None and meta_head != settings.head_sha.lower():
        raise UsageError(f"the report is about {meta_head[:12]} but the run checked {settings.head_sha[:12]}: "
                         "refusing it")
    if "pr" in report.meta and report.meta["pr"] != settings.pr:
        raise UsageError(f"the report is for PR #{report.meta['pr']}, not #{settings.pr}: refusing it")
    pr = settings.pr
    links = links_for(report, server_url=environ.get("GITHUB_SERVER_URL"),
                      repository=environ.get("GITHUB_REPOSITORY"), pr=pr, summary_url=settings.summary_url)
    if settings.dry_run:
        return Posted(render_comment(report, links))
    _, repo = gh.from_env(environ)
    current = gh.pr_head_sha(repo, pr)
    if current != meta_head:
        return Posted(render_comment(report, links),
                      [f"PR #{pr} has moved on to {current[:12]}; this report is about {meta_head[:12]}: not posted"])
    return publish_report(repo, report, pr, links, status=settings.status, suggestions=settings.suggestions)


def publish_report(repo: Repository, report: Report, pr: int, links: Links, *, status: bool = True,
                   suggestions: bool = True) -> Posted:
    """The posting itself, for a report already known to be about PR ``pr``'s head
    (``report.meta["head_sha"]``): the one comment, the commit status, the suggestions review.
    Shared by ``paperlist comment`` and the issue form's flow, which checks the PR it opened itself."""
    from paperlist.github import client as gh
    from paperlist.output.comment import (
        MARKER,
        render_comment,
        review_body,
        review_comments,
        shows_chinese,
        status_for,
        suggestions_marker,
    )

    meta_head = str(report.meta["head_sha"])
    posted = Posted(render_comment(report, links))
    assert posted.body is not None
    outcome = gh.upsert_comment(repo, pr, posted.body, MARKER)
    posted.lines.append(f"comment {outcome.action}: {outcome.url}")
    if status:
        state, description = status_for(report)
        gh.set_status(repo, meta_head, state, description, target_url=outcome.url)
        posted.lines.append(f"status {state} on {meta_head[:12]}: {description}")
    fixes = review_comments(report) if suggestions else []
    if fixes:
        try:
            body = review_body(meta_head, len(fixes), zh=shows_chinese(report))
            review = gh.post_review(repo, pr, meta_head, body=body,
                                    comments=fixes, marker=suggestions_marker(meta_head))
        except gh.GitHubError as e:
            # The comment already carries every fix; a refused review must not fail the job.
            posted.problems.append(f"suggestions not posted: {e}")
        else:
            posted.lines.append(f"suggestions {review.action}: {review.url} ({len(fixes)})")
    return posted


def run_sweep_issue(settings: SweepSettings, environ: Mapping[str, str]) -> Posted:
    """Open, update or close the single "broken links" issue from the sweep's link reports.

    A shard that could not reach the network makes the whole sweep inconclusive: the issue is
    neither opened, updated nor closed (``Posted.inconclusive`` says why)."""
    from paperlist.checks.links import network_unavailable
    from paperlist.github import client as gh
    from paperlist.output.comment import SWEEP_MARKER, links_for, load_report, render_comment, shows_chinese

    reports = [load_report(p) for p in settings.reports]
    for path, report in zip(settings.reports, reports, strict=True):
        down = network_unavailable(report)
        if down:
            return Posted(None, [f"{path}: {down}", "the sweep is inconclusive: no issue opened, updated or closed"],
                          inconclusive=down)
    merged = Report.merge(reports)
    merged.meta = {k: v for k, v in merged.meta.items() if k in ("repository", "server_url", "base_sha", "languages")}
    links = links_for(merged, server_url=environ.get("GITHUB_SERVER_URL"),
                      repository=environ.get("GITHUB_REPOSITORY"))
    title = shown("comment.sweep.title", shows_chinese(merged))
    body = (render_comment(merged, links, marker=SWEEP_MARKER, title=title, sweep=True)
            if merged.errors else None)
    posted = Posted(body)
    if settings.dry_run:
        return posted
    _, repo = gh.from_env(environ)
    outcome = gh.sync_issue(repo, settings.title, body, SWEEP_MARKER)
    posted.lines.append(f"issue {outcome.action}" + (f": {outcome.url}" if outcome.url else ""))
    return posted
