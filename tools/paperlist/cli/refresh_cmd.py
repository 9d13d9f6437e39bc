"""``paperlist refresh``: the commands the scheduled refresh job runs (refresh.yml).

``repos`` lives here; the other subcommands each in a module of their own, gathered below.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import click

from paperlist.cli.common import EXIT_NETWORK, Ctx, ExitError, handle_errors, pass_ctx
from paperlist.cli.refresh_authors_cmd import parse_shard_option
from paperlist.findings import Report
from paperlist.output.reporting import REPORTERS


@click.group("refresh")
def refresh_group() -> None:
    """Keep the list's metadata fresh: repository stars and health, authors from arXiv, one pull request.

    The scheduled workflow .github/workflows/refresh.yml runs these over a matrix of shards
    (--shard K/N: whole paper folders, balanced by papers, every folder in exactly one shard,
    the same split for every subcommand), then one job merges the shards' changes into one pull
    request on the branch paperlist/refresh. See docs/refresh.md.

    \b
    Examples:
      paperlist refresh repos                  stars and health of every code repository
      paperlist refresh repos --shard 1/4      one job of a four-job matrix
      paperlist refresh authors --dry-run      authors from arXiv for papers without them
      paperlist refresh pr --summaries refresh-out --shards 4
    """


@refresh_group.command("repos")
@click.option("--shard", metavar="I/N", default=None,
              help="Refresh only shard I of N (1-based): whole paper folders, balanced by number of papers.")
@click.option("--budget-floor", type=click.IntRange(min=0), default=100, show_default=True,
              help="Stop before GitHub's GraphQL points left would fall below this (kept for other jobs).")
@click.option("--max-age", "max_age", type=click.IntRange(min=0), default=1, show_default=True,
              help="Days a repository's data stays fresh: fresher ones are not asked again (0: ask all).")
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the result as JSON to FILE (what the workflow's merge job reads).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for tools (the same object as --summary).")
@click.option("--dry-run", is_flag=True, help="Ask GitHub and report, but write no file.")
@click.option("--api-url", default=None, metavar="URL",
              help="The GraphQL endpoint [default: $GITHUB_GRAPHQL_URL, else $GITHUB_API_URL/graphql, "
                   "else https://api.github.com/graphql].")
@pass_ctx
@handle_errors
def repos_command(ctx: Ctx, *, shard: str | None, budget_floor: int, max_age: int, summary: Path | None,
                  fmt: str, dry_run: bool, api_url: str | None) -> None:
    """Refresh stars, archived, last push, default branch and licence of every code repository.

    Every GitHub repository in the papers' links.code is asked about through GitHub's GraphQL
    API, 100 repositories a query (about one point each), and the answers are written to
    data/repos/<folder>.json, one file per paper folder (render and the site show them). A
    renamed or transferred repository answers under its new name: the paper files' links.code
    are updated to it. A deleted or private repository is a warning ("gone"). Repositories
    checked less than --max-age days ago are skipped, so a run stopped by the budget floor
    continues where it stopped next time. The token comes from GITHUB_TOKEN.

    \b
    Exit codes:
      0  done (a budget stop is not a failure: the next run resumes)
      1  errors: refused answers, failed queries, a paper file that could not be updated
      2  bad usage or config (no GITHUB_TOKEN)
      3  network unavailable: nothing was changed that could not be checked

    \b
    Examples:
      paperlist refresh repos
      paperlist refresh repos --shard 2/4 --summary shard-2.json
      paperlist refresh repos --dry-run --max-age 0 --format json
    """
    from paperlist.github.graphql import DEFAULT_GRAPHQL_URL
    from paperlist.github.refresh import RefreshReposSettings, run_refresh_repos

    token = os.environ.get("GITHUB_TOKEN") or ""
    if not token:
        raise ExitError("GITHUB_TOKEN is not set: the GraphQL API needs a token (in Actions: "
                        "env: GITHUB_TOKEN: ${{ github.token }}) · 未设置 GITHUB_TOKEN")
    url = api_url or os.environ.get("GITHUB_GRAPHQL_URL") or (
        os.environ["GITHUB_API_URL"].rstrip("/") + "/graphql" if os.environ.get("GITHUB_API_URL")
        else DEFAULT_GRAPHQL_URL)
    settings = RefreshReposSettings(root=ctx.root, token=token, graphql_url=url, shard=parse_shard_option(shard),
                                    budget_floor=budget_floor, max_age_days=max_age, dry_run=dry_run)
    result = run_refresh_repos(settings)
    payload = result.to_dict()
    if summary is not None:
        try:
            summary.parent.mkdir(parents=True, exist_ok=True)
            summary.write_text(json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                               encoding="utf-8")
        except OSError as e:
            raise ExitError(f"--summary {summary}: cannot write it ({e.strerror or e})") from e
    if fmt == "json":
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    else:
        text = REPORTERS["text"](Report(list(result.findings), files=result.counts.get("papers", 0)))
        sys.stdout.write(text)
        c = result.counts
        where = f"shard {result.shard}, " if result.shard else ""
        click.echo(f"refresh repos ({where}{len(result.folders):,} folders): {c.get('repos', 0):,} repositories, "
                   f"{c.get('fresh', 0):,} fresh, {c.get('checked', 0):,} checked, {len(result.moved):,} moved, "
                   f"{len(result.archived):,} archived, {len(result.gone):,} gone; {result.queries:,} queries, "
                   f"{result.points:,} points"
                   + (f", {result.remaining:,} left" if result.remaining is not None else "")
                   + (" (dry run: nothing written)" if dry_run else ""))
        if result.stopped_for_budget:
            click.echo(f"stopped for the budget: {c.get('left', 0):,} repositories left for the next run "
                       "· 为保留配额已停止，下次运行继续")
    if result.network_down:
        click.echo(f"paperlist refresh repos: network unavailable ({result.network_down}); exit {EXIT_NETWORK} "
                   "· 网络不可用", err=True)
    raise SystemExit(result.exit_code)


# (module under paperlist.cli, the click command in it), in --help order after repos.
_SUBCOMMANDS = (
    ("refresh_authors_cmd", "authors_command"),
    ("refresh_pr_cmd", "pr_command"),
)
for _module, _name in _SUBCOMMANDS:
    refresh_group.add_command(getattr(importlib.import_module(f"paperlist.cli.{_module}"), _name))

COMMANDS = [refresh_group]
