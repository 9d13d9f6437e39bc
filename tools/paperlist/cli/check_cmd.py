"""Commands for the GitHub loop: check (pull requests), comment, sweep-issue, publish-readme."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from paperlist.cli.common import EXIT_NETWORK, Ctx, handle_errors, pass_ctx
from paperlist.github.post import Posted
from paperlist.infra.cachedir import CACHE_ENV
from paperlist.output.reporting import REPORTERS


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
    writes annotations and the job summary, and a change with nothing under papers/ (a paper
    added then removed, a revert) passes with a notice; outside Actions that is an error, as it
    usually means the paper file is not committed yet.

    \b
    Examples:
      paperlist check --base origin/main                 before you push
      paperlist check --base origin/main --no-links --format json
    """
    from paperlist.checks.dupes.store import cache_path
    from paperlist.github.check import CheckSettings, actions_context, run_check, write_report
    from paperlist.output.comment import SUMMARY_BUDGET, links_for, render_comment

    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    # In Actions the duplicate index is used only when the workflow restored one into
    # $PAPERLIST_CACHE_DIR (the base branch's, saved after a merge). Without one, building it costs
    # more than reading the list once: a fresh runner has nothing to reuse.
    index = cache_path(ctx.root) if os.environ.get(CACHE_ENV) else None
    dupes_cache = not in_actions or (index is not None and index.is_file())
    settings = CheckSettings(root=ctx.root, base=base, head=head, links=not no_links, trusted=trusted,
                             github_token=os.environ.get("GITHUB_TOKEN") or None,
                             context=actions_context(os.environ) if in_actions else {}, dupes_cache=dupes_cache,
                             ci=in_actions)
    report = run_check(settings)
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
    from paperlist.github.post import CommentSettings, run_comment

    posted = run_comment(CommentSettings(report=report_path, pr=pr, head_sha=head_sha, summary_url=summary_url,
                                         status=not no_status, suggestions=not no_suggestions,
                                         dry_run=dry_run), os.environ)
    _show(posted, dry_run=dry_run)


def _show(posted: Posted, *, dry_run: bool, empty: str = "") -> None:
    if dry_run:
        sys.stdout.write(posted.body or empty)
    for line in posted.lines:
        click.echo(line)
    for problem in posted.problems:
        click.echo(problem, err=True)


@click.command("sweep-issue")
@click.option("--report", "reports", multiple=True, required=True,
              type=click.Path(path_type=Path, dir_okay=False), help="Link reports (JSON), one per shard.")
@click.option("--title", default="Broken links found by the weekly sweep", show_default=True)
@click.option("--dry-run", is_flag=True, help="Print the issue's Markdown; post nothing.")
@handle_errors
def sweep_issue_command(*, reports: tuple[Path, ...], title: str, dry_run: bool) -> None:
    """Open, update or close the single "broken links" issue from the sweep's link reports.

    Errors (broken links) keep one issue open with the current list; when there are none the
    issue is closed. Warnings (inconclusive links) are listed but never open an issue alone,
    and come after the errors when the list must be cut to GitHub's size limit. A report
    from a run that could not reach the network (`paperlist links` exit 3) makes the sweep
    inconclusive: nothing is opened, updated or closed, and this command exits 3.

    \b
    Example (the link-sweep workflow):
      paperlist sweep-issue --report links-1.json --report links-2.json
    """
    from paperlist.github.post import SweepSettings, run_sweep_issue

    posted = run_sweep_issue(SweepSettings(reports=reports, title=title, dry_run=dry_run), os.environ)
    if posted.inconclusive:
        for line in posted.lines:
            click.echo(line, err=True)
        raise SystemExit(EXIT_NETWORK)
    _show(posted, dry_run=dry_run, empty="(no broken links: the issue would be closed)\n")


@click.command("publish-readme")
@click.option("--remote", default="origin", show_default=True)
@click.option("--branch", default="main", show_default=True)
@click.option("--attempts", type=click.IntRange(min=1, max=20), default=5, show_default=True)
@pass_ctx
@handle_errors
def publish_readme_command(ctx: Ctx, *, remote: str, branch: str, attempts: int) -> None:
    """Regenerate README.md and lists/, commit them as github-actions[bot] only if they changed, and push.

    If BRANCH moved meanwhile (another merge), starts over from the new tip, so a concurrent
    push is built upon, never lost. This is what the README workflow runs after a merge.

    \b
    Example:
      paperlist publish-readme --remote origin --branch main
    """
    from paperlist.output.render import PublishReadmeSettings, run_publish_readme

    result = run_publish_readme(PublishReadmeSettings(root=ctx.root, remote=remote, branch=branch, attempts=attempts))
    if result.pushed:
        click.echo(f"pushed {result.commit} to {remote}/{branch} (attempt {result.attempts})")
    else:
        click.echo("README.md and lists/ are up to date; nothing to push")


COMMANDS = [check_command, comment_command, sweep_issue_command, publish_readme_command]
