from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from paperlist.cli.common import EXIT_NETWORK, Ctx, emit, format_option, handle_errors, pass_ctx
from paperlist.errors import UsageError
from paperlist.infra import fsutil


def parse_shard_option(shard: str | None) -> tuple[int, int] | None:
    from paperlist.project.shards import parse_shard

    if shard is None:
        return None
    try:
        return parse_shard(shard)
    except ValueError as e:
        raise UsageError(f"--shard {shard}: {e}") from e


@click.command("authors")
@click.option("--shard", metavar="K/N", default=None,
              help="Only the folders of shard K of N (1-based; whole folders balanced by paper count, the "
                   "same split as `refresh repos`).")
@click.option("--summary", "summary", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write what was done as JSON here (authors_added, title_mismatch, not_found, network_down), "
                   "for `paperlist refresh pr`.")
@click.option("--dry-run", is_flag=True, help="Look up and report; write no paper file.")
@format_option
@pass_ctx
@handle_errors
def authors_command(ctx: Ctx, *, shard: str | None, summary: Path | None, dry_run: bool, fmt: str) -> None:
    """Add authors from arXiv to papers that have an arXiv id and no authors (从 arXiv 补充作者).

    One request per 100 ids, at least 3 s apart, on one connection (arXiv's terms);
    successful look-ups are cached, failures never. Names are cleaned as `paperlist import`
    cleans them; a list with a control character or an over-long name is refused. A title
    that differs from arXiv's is reported at its line and never changed; when it is not
    even close, the id is suspect and no authors are added. Files are edited in place,
    keeping their comments and layout. PAPERLIST_ARXIV_API overrides the API address.

    \b
    Exit codes:
      0  done (warnings such as title mismatches are printed)
      1  errors          2  bad usage
      3  arXiv could not be reached: the papers not looked up are left as they are

    \b
    Examples:
      paperlist refresh authors --dry-run
      paperlist refresh authors --shard 2/4 --summary refresh/authors.json
    """
    from paperlist.sources.authors import AuthorsSettings, run_fill_authors

    settings = AuthorsSettings(root=ctx.root, shard=parse_shard_option(shard), dry_run=dry_run)
    result = run_fill_authors(settings)
    if summary is not None:
        summary.parent.mkdir(parents=True, exist_ok=True)
        fsutil.write_atomic(summary, json.dumps(result.summary(), ensure_ascii=False, indent=1) + "\n")
    verb = "would add" if dry_run else "added"
    click.echo(f"paperlist refresh authors: {result.candidates} paper(s) with an arXiv id and no authors; "
               f"{verb} authors to {len(result.added)} in {result.requests} request(s); "
               f"{len(result.title_mismatch)} title(s) differ from arXiv's, {len(result.not_found)} not on arXiv "
               f"· 补充作者 {len(result.added)} 篇", err=True)
    if result.network_down:
        click.echo(f"arXiv could not be reached: {len(result.unchecked)} paper(s) not checked, left as they are "
                   f"(exit {EXIT_NETWORK}) · 无法连接 arXiv，未检查的论文保持原样", err=True)
    emit(result.report, fmt, output=sys.stdout, code=result.exit_code)


COMMANDS = [authors_command]
