from __future__ import annotations

import sys
from pathlib import Path

import click

from paperlist.cli.common import Ctx, format_option, handle_errors, pass_ctx
from paperlist.output.reporting import REPORTERS
from paperlist.output.site import SiteSettings, run_site


@click.command("site")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the site into (created; replaced only if an earlier `paperlist site` wrote it).")
@format_option
@pass_ctx
@handle_errors
def site_command(ctx: Ctx, out: Path, fmt: str) -> None:
    """Build the searchable bilingual website from papers/ (for GitHub Pages or any static host).

    The site is self-contained: plain HTML, CSS and JavaScript plus JSON data, no request to
    any other host, and it works from a sub-path such as https://USER.github.io/REPO/.
    Search covers English and Chinese titles, authors, topics and arXiv ids; venue, year,
    topic, code and presentation are filters with live counts; the URL keeps the view.
    See docs/site.md.

    \b
    Examples:
      paperlist site --out _site                     build into ./_site
      python3 -m http.server -d _site 8000           then open http://127.0.0.1:8000/
    """
    out = out if out.is_absolute() else Path.cwd() / out
    report = run_site(SiteSettings(root=ctx.root, out=out))
    if fmt == "text":
        for f in report.findings:
            click.echo(f"{f.file}: {f.severity} [{f.check}] {f.message}", err=True)
        m = report.meta
        click.echo(f"site written to {m['out']}: {m['papers']:,} papers, {m['files_written']:,} files, "
                   f"{m['bytes'] / 1e6:.1f} MB")
    else:
        sys.stdout.write(REPORTERS[fmt](report))
    raise SystemExit(report.exit_code)


COMMANDS = [site_command]
