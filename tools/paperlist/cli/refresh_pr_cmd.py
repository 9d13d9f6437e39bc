from __future__ import annotations

import os
from pathlib import Path

import click

from paperlist.cli.common import EXIT_NETWORK, Ctx, handle_errors, pass_ctx


@click.command("pr")
@click.option("--summaries", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder holding every shard's summaries (*.json) and changes (*.patch), e.g. the "
                   "downloaded artifacts.")
@click.option("--shards", type=click.IntRange(min=1), default=None,
              help="How many shards the run had: fewer summaries of a kind make the run inconclusive.")
@click.option("--branch", default="paperlist/refresh", show_default=True, help="The bot's branch for the PR.")
@click.option("--base", default=None, help="The PR's base branch (default: the checked-out branch).")
@click.option("--remote", default="origin", show_default=True, help="The git remote to push the branch to.")
@click.option("--no-sweep", is_flag=True, help="Do not tell the link-sweep issue about archived and gone repositories.")
@click.option("--body-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the pull request's body (Markdown) here, e.g. $GITHUB_STEP_SUMMARY.")
@click.option("--dry-run", is_flag=True,
              help="Read and apply in a scratch worktree, print the body; push and post nothing.")
@pass_ctx
@handle_errors
def pr_command(ctx: Ctx, *, summaries: Path, shards: int | None, branch: str, base: str | None, remote: str,
               no_sweep: bool, body_out: Path | None, dry_run: bool) -> None:
    """Open or update the one refresh pull request from the shards' results (更新 PR).

    Applies every shard's patch (papers/ and data/ only) on a fresh worktree of the
    checked-out commit, commits it as github-actions[bot] and pushes the branch, replacing
    it only when every commit on it is the bot's: a maintainer's push is never overwritten
    (the PR gets a note instead). The PR body summarises authors added, repositories moved,
    archived and gone, and the budget and network status, in English and 中文. Nothing to
    change opens nothing. Archived and gone repositories are reported on the link-sweep
    issue. Uses GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL.

    \b
    Exit codes:
      0  done (created, updated, unchanged, held, closed or nothing to do)
      2  bad usage (a malformed summary, a patch outside papers/ and data/)
      3  inconclusive: a shard could not reach the network or is missing; nothing touched

    \b
    Example (the merge job of refresh.yml):
      paperlist refresh pr --summaries refresh --shards 4
    """
    from paperlist.github.refresh_pr import RefreshPrSettings, run_refresh_pr

    run_url = None
    if os.environ.get("GITHUB_RUN_ID") and os.environ.get("GITHUB_REPOSITORY"):
        server = os.environ.get("GITHUB_SERVER_URL") or "https://github.com"
        run_url = f"{server}/{os.environ['GITHUB_REPOSITORY']}/actions/runs/{os.environ['GITHUB_RUN_ID']}"
    settings = RefreshPrSettings(root=ctx.root, summaries=summaries, branch=branch, base=base, remote=remote,
                                 shards=shards, sweep=not no_sweep, dry_run=dry_run, run_url=run_url)
    result = run_refresh_pr(settings)
    if body_out is not None:
        with body_out.open("a", encoding="utf-8") as fh:
            fh.write(result.body)
    if dry_run:
        click.echo(result.body)
    for line in result.lines:
        click.echo(line)
    if result.exit_code == EXIT_NETWORK:
        click.echo(f"paperlist refresh pr: inconclusive (exit {EXIT_NETWORK}) · 结果不确定，未作任何修改", err=True)
    raise SystemExit(result.exit_code)


COMMANDS = [pr_command]
