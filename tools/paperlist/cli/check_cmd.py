"""Commands for the GitHub loop: check (pull requests), comment, sweep-issue, publish-readme."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..findings import Report
from ..reporting import REPORTERS
from .common import Ctx, ExitError, handle_errors, pass_ctx


def _summary_write(text: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


@click.command("check")
@click.option("--base", required=True, help="The branch or commit the change goes into (e.g. origin/main).")
@click.option("--head", default="HEAD", show_default=True, help="The change's last commit (must be checked out).")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the report JSON here (what `paperlist comment` posts).")
@click.option("--no-links", is_flag=True, help="Skip the link check (offline, or for speed).")
@click.option("--trusted", is_flag=True, envvar="PAPERLIST_TRUSTED",
              help="The author is a maintainer: edits to tools, workflows or README are notices, not errors.")
@click.option("--format", "fmt", type=click.Choice(tuple(REPORTERS)), default=None,
              help="Output format [default: github inside GitHub Actions, text elsewhere].")
@pass_ctx
@handle_errors
def check_command(ctx: Ctx, *, base: str, head: str, report_path: Path | None, no_links: bool, trusted: bool,
                  fmt: str | None) -> None:
    """Check what a change (a pull request) does to the list, and only that.

    Finds the papers the change adds, modifies, renames or deletes (git diff against the merge
    base with BASE), runs validate, dupes and links on them, and reports edits a paper PR must
    not make (README.md's generated list, workflows, the tool). In GitHub Actions it also
    writes annotations and the job summary.

    \b
    Examples:
      paperlist check --base origin/main                 before you push
      paperlist check --base origin/main --no-links --format json
    """
    from ..check import CheckOptions, actions_context, run_check, write_report
    from ..comment import SUMMARY_BUDGET, links_for, render_comment

    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    options = CheckOptions(base=base, head=head, links=not no_links, trusted=trusted,
                           github_token=os.environ.get("GITHUB_TOKEN") or None,
                           context=actions_context(os.environ) if in_actions else {}, dupes_cache=not in_actions)
    report = run_check(ctx.root, options)
    if report_path is not None:
        write_report(report, report_path)
    if in_actions:
        _summary_write(render_comment(report, links_for(report), budget=SUMMARY_BUDGET))
    sys.stdout.write(REPORTERS[fmt or ("github" if in_actions else "text")](report))
    raise SystemExit(report.exit_code)


@click.command("comment")
@click.option("--report", "report_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The report JSON written by `paperlist check --report`.")
@click.option("--pr", "pr", required=True, type=click.IntRange(min=1), help="The pull request number.")
@click.option("--head-sha", default=None,
              help="The commit the report must be about (the workflow_run's head_sha); refused otherwise.")
@click.option("--summary-url", default=None, help="Link for the full report (the checking run's page).")
@click.option("--no-status", is_flag=True, help="Do not set a commit status.")
@click.option("--no-suggestions", is_flag=True,
              help="Do not post ready-made fixes as review suggestions on the PR's lines.")
@click.option("--dry-run", is_flag=True, help="Print the comment's Markdown; post nothing.")
@handle_errors
def comment_command(*, report_path: Path, pr: int, head_sha: str | None, summary_url: str | None,
                    no_status: bool, no_suggestions: bool, dry_run: bool) -> None:
    """Post a check report to its pull request as the one paperlist comment, and set a commit status.

    Uses GITHUB_API_URL, GITHUB_REPOSITORY and GITHUB_TOKEN as set in GitHub Actions. The
    comment is found again by a hidden marker and edited in place; identical text is not
    re-posted. A report about an older commit than the PR's current head is not posted.
    Mechanical fixes on the lines of added files are also posted, once per commit, as a
    review whose suggestions the contributor can apply with one click.

    \b
    Examples (the comment workflow; --dry-run to preview locally):
      paperlist comment --report report.json --pr 42 --head-sha "$HEAD_SHA"
      paperlist comment --report report.json --pr 42 --dry-run
    """
    from .. import github as gh
    from ..comment import (
        MARKER,
        links_for,
        load_report,
        render_comment,
        review_body,
        review_comments,
        status_for,
        suggestions_marker,
    )

    env = os.environ
    report = load_report(report_path)
    meta_head = report.meta.get("head_sha")
    if not meta_head:
        raise ExitError("the report names no head commit (head_sha); was it written by `paperlist check`?")
    if head_sha is not None and meta_head != head_sha.lower():
        raise ExitError(f"the report is about {meta_head[:12]} but the run checked {head_sha[:12]}: refusing it")
    if "pr" in report.meta and report.meta["pr"] != pr:
        raise ExitError(f"the report is for PR #{report.meta['pr']}, not #{pr}: refusing it")
    links = links_for(report, server_url=env.get("GITHUB_SERVER_URL"), repository=env.get("GITHUB_REPOSITORY"),
                      pr=pr, summary_url=summary_url)
    body = render_comment(report, links)
    if dry_run:
        sys.stdout.write(body)
        return
    _, repo = gh.from_env(env)
    current = gh.pr_head_sha(repo, pr)
    if current != meta_head:
        click.echo(f"PR #{pr} has moved on to {current[:12]}; this report is about {meta_head[:12]}: not posted")
        return
    outcome = gh.upsert_comment(repo, pr, body, MARKER)
    click.echo(f"comment {outcome.action}: {outcome.url}")
    if not no_status:
        state, description = status_for(report)
        gh.set_status(repo, meta_head, state, description, target_url=outcome.url)
        click.echo(f"status {state} on {meta_head[:12]}: {description}")
    suggestions = [] if no_suggestions else review_comments(report)
    if suggestions:
        marker = suggestions_marker(meta_head)
        try:
            review = gh.post_review(repo, pr, meta_head, body=review_body(meta_head, len(suggestions)),
                                    comments=suggestions, marker=marker)
        except gh.GitHubError as e:
            # The comment already carries every fix; a refused review must not fail the job.
            click.echo(f"suggestions not posted: {e}", err=True)
        else:
            click.echo(f"suggestions {review.action}: {review.url} ({len(suggestions)})")


@click.command("sweep-issue")
@click.option("--report", "reports", multiple=True, required=True,
              type=click.Path(path_type=Path, dir_okay=False), help="Link reports (JSON), one per shard.")
@click.option("--title", default="Broken links found by the weekly sweep", show_default=True)
@click.option("--dry-run", is_flag=True, help="Print the issue's Markdown; post nothing.")
@handle_errors
def sweep_issue_command(*, reports: tuple[Path, ...], title: str, dry_run: bool) -> None:
    """Open, update or close the single "broken links" issue from the sweep's link reports.

    Errors (broken links) keep one issue open with the current list; when there are none the
    issue is closed. Warnings (inconclusive links) are listed but never open an issue alone.

    \b
    Example (the link-sweep workflow):
      paperlist sweep-issue --report links-1.json --report links-2.json
    """
    from .. import github as gh
    from ..comment import SWEEP_MARKER, links_for, load_report, render_comment

    merged = Report.merge([load_report(p) for p in reports])
    merged.meta = {k: v for k, v in merged.meta.items() if k in ("repository", "server_url", "base_sha")}
    env = os.environ
    links = links_for(merged, server_url=env.get("GITHUB_SERVER_URL"), repository=env.get("GITHUB_REPOSITORY"))
    body = (render_comment(merged, links, marker=SWEEP_MARKER, title="Link sweep · 链接检查")
            if merged.errors else None)
    if dry_run:
        sys.stdout.write(body or "(no broken links: the issue would be closed)\n")
        return
    _, repo = gh.from_env(env)
    outcome = gh.sync_issue(repo, title, body, SWEEP_MARKER)
    click.echo(f"issue {outcome.action}" + (f": {outcome.url}" if outcome.url else ""))


@click.command("publish-readme")
@click.option("--remote", default="origin", show_default=True)
@click.option("--branch", default="main", show_default=True)
@click.option("--attempts", type=click.IntRange(min=1, max=20), default=5, show_default=True)
@pass_ctx
@handle_errors
def publish_readme_command(ctx: Ctx, *, remote: str, branch: str, attempts: int) -> None:
    """Regenerate README.md, commit it as github-actions[bot] only if it changed, and push.

    If BRANCH moved meanwhile (another merge), starts over from the new tip, so a concurrent
    push is built upon, never lost. This is what the README workflow runs after a merge.

    \b
    Example:
      paperlist publish-readme --remote origin --branch main
    """
    from ..gitdiff import publish
    from ..render import render_readme

    def regenerate() -> None:
        report = render_readme(ctx.root)
        if report.errors:
            raise ExitError("README could not be regenerated:\n" + REPORTERS["text"](report))

    result = publish(ctx.root, regenerate, ["README.md"], "Regenerate README.md from papers/",
                     remote=remote, branch=branch, attempts=attempts)
    if result.pushed:
        click.echo(f"pushed {result.commit} to {remote}/{branch} (attempt {result.attempts})")
    else:
        click.echo("README.md is up to date; nothing to push")


COMMANDS = [check_command, comment_command, sweep_issue_command, publish_readme_command]
