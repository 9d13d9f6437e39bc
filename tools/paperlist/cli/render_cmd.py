from __future__ import annotations

import sys

import click

from paperlist.cli.common import Ctx, format_option, handle_errors, pass_ctx
from paperlist.output.reporting import REPORTERS


@click.command("render")
@click.option("--check", is_flag=True,
              help="Change nothing; exit 1 when any generated file is missing, stale or should no longer exist "
                   "(for CI).")
@format_option
@pass_ctx
@handle_errors
def render_command(ctx: Ctx, check: bool, fmt: str) -> None:
    """Regenerate README.md's overview and the per-venue pages in lists/ from papers/.

    In README.md only the part between the <!-- paperlist:begin --> and <!-- paperlist:end -->
    lines is replaced (counts, latest additions, links to the pages and the site); the
    hand-written intro stays as it is. Each venue and year gets lists/<venue><year>.md; a
    page that would pass 400 KB is split into parts (lists/cvpr2023-1.md …), so no file
    GitHub shows is ever cut. Pages that should no longer exist are removed. The output is
    byte-for-byte deterministic, and a file is only written when it changes.

    \b
    Examples:
      paperlist render            rewrite README.md and lists/*.md
      paperlist render --check    in CI: is every generated file up to date?
    """
    from paperlist.output.render import RenderSettings, run_render

    report = run_render(RenderSettings(root=ctx.root, check=check))
    if fmt == "text":
        for f in report.findings:
            click.echo(f"{f.file}: {f.severity} [{f.check}] {f.message}", err=f.severity != "error")
        papers, pages, changed = report.meta["papers"], report.meta["pages"], report.meta["changed"]
        what = f"README.md and {pages:,} page(s) in lists/ ({papers:,} papers)"
        if check:
            state = f"{len(changed):,} file(s) out of date" if changed else "up to date"
        else:
            state = f"{len(changed):,} file(s) updated" if changed else "already up to date"
        click.echo(f"{what}: {state}")
    else:
        sys.stdout.write(REPORTERS[fmt](report))
    raise SystemExit(report.exit_code)


COMMANDS = [render_command]
