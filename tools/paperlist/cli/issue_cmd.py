"""``paperlist issue-pr``: the add-paper issue form's workflow step (a thin layer over paperlist.github.issueform)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from paperlist.cli.common import Ctx, handle_errors, pass_ctx


@click.command("issue-pr")
@click.option("--mode", type=click.Choice(["propose", "pr", "close"]), required=True,
              help="propose: answer with the file(s) it would add; pr: open/update the PR if a maintainer "
                   "approved; close: close the issue's PR.")
@click.option("--event", "event_path", envvar="GITHUB_EVENT_PATH", required=True,
              type=click.Path(path_type=Path, dir_okay=False),
              help="The `issues` event payload [default: $GITHUB_EVENT_PATH].")
@click.option("--no-links", is_flag=True, help="Skip the link check in the full check (offline).")
@click.option("--remote", default="origin", show_default=True, help="Where the bot branch is pushed (pr mode).")
@pass_ctx
@handle_errors
def issue_pr_command(ctx: Ctx, *, mode: str, event_path: Path, no_links: bool, remote: str) -> None:
    """Turn an "Add a paper" issue into an answer on the issue and, once approved, a pull request.

    Reads the form from the event payload (never from the command line), builds the paper file(s)
    with the same code as `paperlist new`, runs the full `paperlist check`, and answers on the
    issue in one comment, edited in place: the exact file(s) it would add, or what to fix. In pr
    mode, when the label add-paper:approved was applied by someone with write permission, it
    force-updates the branch add-paper/issue-N, opens or updates that one PR, and posts the
    check's comment and commit status on it. Uses GITHUB_API_URL, GITHUB_REPOSITORY,
    GITHUB_TOKEN, GITHUB_SERVER_URL and GITHUB_RUN_ID as Actions sets them.

    Exit codes: 0 answered (proposal, PR, closed), 1 the issue needs fixing (the answer says
    what), 2 bad usage or configuration.

    \b
    Examples (what .github/workflows/issue-to-pr.yml runs):
      paperlist issue-pr --mode propose --event "$GITHUB_EVENT_PATH"
      paperlist issue-pr --mode pr
      paperlist issue-pr --mode close
    """
    from paperlist.github import client as gh
    from paperlist.github.issueform.flow import IssuePrSettings, read_event, run_issue_pr

    env = os.environ
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    repository = env.get("GITHUB_REPOSITORY") or ""
    run_id = env.get("GITHUB_RUN_ID") or ""
    run_url = f"{server}/{repository}/actions/runs/{run_id}" if run_id.isdigit() and repository else None
    settings = IssuePrSettings(root=ctx.root, mode=mode, event=read_event(event_path),  # type: ignore[arg-type]
                               repository=repository, server_url=server, run_url=run_url,
                               run_id=int(run_id) if run_id.isdigit() else None, links=not no_links,
                               github_token=env.get("GITHUB_TOKEN") or None, remote=remote)
    _, repo = gh.from_env(env)
    result = run_issue_pr(settings, repo)
    for line in result.lines:
        click.echo(line)
    raise SystemExit(result.exit_code)


COMMANDS = [issue_pr_command]
