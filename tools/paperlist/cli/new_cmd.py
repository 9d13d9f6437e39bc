from __future__ import annotations

import sys

import click

from ..reporting import REPORTERS
from ..scaffold import new_paper
from .common import Ctx, handle_errors, pass_ctx


@click.command("new")
@click.option("--title", required=True, help="The paper's title, as printed on the paper.")
@click.option("--venue", required=True, help="Venue id or name from vocab/venues.yaml, e.g. CVPR.")
@click.option("--year", required=True, type=click.IntRange(1980, 2099))
@click.option("--arxiv", help="arXiv id or link; versions and pdf links are normalized (2103.09460).")
@click.option("--author", "authors", multiple=True, help="Author name(s); repeat, or separate with commas.")
@click.option("--tag", "tags", multiple=True, required=True,
              help="Tag id, English or Chinese name from vocab/tags.yaml; repeat for more (first = section).")
@click.option("--code", multiple=True, help="Code repository URL; repeat for more.")
@click.option("--project", help="Project page URL.")
@click.option("--paper-url", help="The paper's URL when it is not on arXiv (e.g. CVF open access).")
@click.option("--title-zh", help="Chinese title (中文标题).")
@click.option("--presentation", type=click.Choice(["oral", "spotlight", "highlight", "poster"]))
@click.option("--workshop", is_flag=True, help="A workshop paper.")
@click.option("--dry-run", is_flag=True, help="Print the file instead of writing it.")
@pass_ctx
@handle_errors
def new_command(  # noqa: PLR0917 - one parameter per click option
    ctx: Ctx, title: str, venue: str, year: int, arxiv: str | None, authors: tuple[str, ...],
                tags: tuple[str, ...], code: tuple[str, ...], project: str | None, paper_url: str | None,
                title_zh: str | None, presentation: str | None, workshop: bool, dry_run: bool) -> None:
    """Create a new paper file at the right path, already valid (新建论文文件).

    The file name, field order and quoting are done for you; the file is checked against
    the schema and the vocabularies, and against the list for duplicates, before it is
    written. A paper that is already on the list is reported with its file, and nothing
    is written.

    \b
    Example:
      paperlist new --title "You Only Look One-level Feature" --venue CVPR --year 2021 \\
          --arxiv https://arxiv.org/abs/2103.09460v2 --tag 目标检测 \\
          --author "Qiang Chen, Yingming Wang" --code https://github.com/megvii-model/YOLOF
    """
    result = new_paper(ctx.root, title=title, venue=venue, year=year, arxiv=arxiv, authors=authors, tags=tags,
                       code=code, project=project, paper_url=paper_url, title_zh=title_zh,
                       presentation=presentation, workshop=workshop, dry_run=dry_run)
    if result.report.findings:
        sys.stderr.write(REPORTERS["text"](result.report))
    if dry_run or not result.written:
        sys.stdout.write(result.text)
    if result.written:
        click.echo(f"wrote {result.rel}; next: git add {result.rel} && git commit", err=True)
    elif not dry_run:
        click.echo(f"not written: fix the error(s) above ({result.rel})", err=True)
    raise SystemExit(result.report.exit_code)


COMMANDS = [new_command]
