from __future__ import annotations

import sys

import click

from ..render import render_readme
from ..reporting import REPORTERS
from .common import Ctx, format_option, handle_errors, pass_ctx


@click.command("render")
@click.option("--check", is_flag=True,
              help="Change nothing; exit 1 when README.md is not what render would write (for CI).")
@format_option
@pass_ctx
@handle_errors
def render_command(ctx: Ctx, check: bool, fmt: str) -> None:
    """Regenerate the paper list in README.md from papers/.

    Only the part between the <!-- paperlist:begin --> and <!-- paperlist:end --> lines
    is replaced; the hand-written intro and instructions stay as they are. The output is
    byte-for-byte deterministic, and the file is only written when it changes.

    \b
    Examples:
      paperlist render            rewrite README.md
      paperlist render --check    in CI: is README.md up to date?
    """
    report = render_readme(ctx.root, check=check)
    if fmt == "text":
        for f in report.findings:
            click.echo(f"{f.file}: {f.severity} [{f.check}] {f.message}", err=f.severity != "error")
        papers = report.meta["papers"]
        if check:
            state = "out of date" if report.meta["changed"] else "up to date"
            click.echo(f"README.md is {state} ({papers:,} papers)")
        else:
            state = "updated" if report.meta["changed"] else "already up to date"
            click.echo(f"README.md {state} ({papers:,} papers)")
    else:
        sys.stdout.write(REPORTERS[fmt](report))
    raise SystemExit(report.exit_code)


COMMANDS = [render_command]
