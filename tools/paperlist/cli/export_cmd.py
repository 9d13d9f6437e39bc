from __future__ import annotations

import sys
from pathlib import Path

import click

from paperlist.cli.common import Ctx, handle_errors, pass_ctx
from paperlist.domain import PRESENTATIONS


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["bibtex", "csl-json"]), default="bibtex", show_default=True,
              help="bibtex: a .bib file (LaTeX, Zotero, JabRef); csl-json: CSL-JSON (Zotero, pandoc, citeproc).")
@click.option("--venue", "venues", multiple=True, metavar="ID", help="Only this venue (repeat for several: OR).")
@click.option("--year", "years", multiple=True, type=int, metavar="YEAR", help="Only this year (repeatable).")
@click.option("--tag", "tags", multiple=True, metavar="ID", help="Only papers with this topic id (repeatable).")
@click.option("--presentation", "presentations", multiple=True,
              type=click.Choice(PRESENTATIONS),
              help="Only this presentation (repeatable).")
@click.option("--code", is_flag=True, help="Only papers with a code link.")
@click.option("--author", "authors", multiple=True, metavar="NAME",
              help="Only papers by this author (all words of the name; case and accents ignored; repeatable: AND).")
@click.option("--query", "-q", default="", metavar="TEXT",
              help="Words that must all match, as in the site's search box (titles in both languages, authors, "
                   "topics, venue, arXiv id).")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@pass_ctx
@handle_errors
def export_command(ctx: Ctx, fmt: str,  # noqa: PLR0917 - one parameter per click option
                   venues: tuple[str, ...], years: tuple[int, ...], tags: tuple[str, ...],
                   presentations: tuple[str, ...], code: bool, authors: tuple[str, ...], query: str,
                   out: Path | None) -> None:
    """Export papers as citations: BibTeX or CSL-JSON, the same files the site's Export makes.

    The options are the site's filters: values of one option combine with OR, different options
    with AND. Keys are the paper keys (cvpr2021/some-title), stable and unique; papers come in
    the site's order (newest year first). A value the vocabulary does not know is an error
    (exit 2), not an empty file. See docs/site.md ("Citations").

    \b
    Examples:
      paperlist export --venue CVPR --year 2021 --tag object-detection --code > cvpr21-det.bib
      paperlist export --format csl-json --author "Kaiming He" -o he.json
      paperlist export -q 目标检测 --year 2023
    """
    from paperlist.infra.fsutil import write_atomic
    from paperlist.output.export import ExportSettings, Selection, run_export

    sel = Selection(venues=venues, years=years, tags=tags, presentations=presentations, code=code,
                    authors=authors, query=query)
    result = run_export(ExportSettings(root=ctx.root, fmt=fmt, selection=sel))
    for f in result.report.findings:
        click.echo(f"{f.file}: {f.severity} [{f.check}] {f.message}", err=True)
    if out is None:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    else:
        write_atomic(out if out.is_absolute() else Path.cwd() / out, result.text)
    where = f" to {out}" if out else ""
    click.echo(f"exported {result.papers:,} of {result.total:,} papers ({fmt}){where} · "
               f"已导出 {result.papers:,} 篇", err=True)
    raise SystemExit(result.report.exit_code)


COMMANDS = [export_command]
