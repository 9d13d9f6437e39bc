from __future__ import annotations

import sys

import click

from paperlist.cli.common import Ctx, handle_errors, pass_ctx, year_option
from paperlist.domain import PRESENTATIONS
from paperlist.infra.messages import bilingual
from paperlist.output.reporting import REPORTERS


@click.command("new")
@click.option("--arxiv", "arxiv", multiple=True,
              help="arXiv id or link; repeat for several papers (one batched look-up). Title and authors "
                   "come from arXiv unless given.")
@click.option("--title", help="The paper's title, for a paper without arXiv (or to override arXiv's).")
@click.option("--venue", help="Venue id or name from vocab/venues.yaml, e.g. CVPR (needed for a new paper).")
@year_option("Year of the venue (needed for a new paper).")
@click.option("--author", "authors", multiple=True, help="Author name(s); repeat, or separate with commas.")
@click.option("--tag", "tags", multiple=True,
              help="Tag id, English or Chinese name from vocab/tags.yaml; repeat for more (first = section). "
                   "Without one, tags are suggested from the title.")
@click.option("--code", multiple=True, help="Code repository URL; on a paper already listed, added to its file.")
@click.option("--project", help="Project page URL; on a paper already listed, added to its file.")
@click.option("--paper-url", help="The paper's URL when it is not on arXiv (e.g. CVF open access).")
@click.option("--title-zh", help="Chinese title (中文标题).")
@click.option("--presentation", type=click.Choice(PRESENTATIONS))
@click.option("--workshop", is_flag=True, help="A workshop paper.")
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@pass_ctx
@handle_errors
def new_command(  # noqa: PLR0917 - one parameter per click option
    ctx: Ctx, arxiv: tuple[str, ...], title: str | None, venue: str | None, year: int | None, authors: tuple[str, ...],
        tags: tuple[str, ...], code: tuple[str, ...], project: str | None, paper_url: str | None,
        title_zh: str | None, presentation: str | None, workshop: bool, dry_run: bool) -> None:
    """Add papers from their arXiv ids, or create a paper file by hand (新建论文文件).

    With --arxiv, the title and authors come from arXiv's API (one request for all ids;
    PAPERLIST_ARXIV_API overrides its address). The file name, field order and quoting are
    done for you; every file is checked against the schema, the vocabularies and the list
    for duplicates before anything is written. A paper already on the list is never added
    twice: its file is named, and --code/--project links it lacks are added to it. Tags
    that the title suggests are shown, never added by themselves. Exit 0 written, 1 not
    written (the reason is printed), 2 bad usage.

    \b
    Examples:
      paperlist new --arxiv 2103.14030 --venue ICCV --year 2021 --tag transformer \\
          --code https://github.com/microsoft/Swin-Transformer
      paperlist new --arxiv 2002.11616 --code https://github.com/OWNER/REPO
          (a paper already listed: adds the code link to its file)
      paperlist new --title "A Paper Without arXiv" --venue CVPR --year 2021 --tag 目标检测 \\
          --author "Ann Lee, Bo Chen" --paper-url https://openaccess.thecvf.com/…
    """
    from paperlist.sources.new import NewRequest, NewSettings, run_new

    request = NewRequest(venue=venue, year=year, arxiv=arxiv, title=title, title_zh=title_zh, authors=authors,
                         tags=tags, code=code, project=project, paper_url=paper_url, presentation=presentation,
                         workshop=workshop)
    result = run_new(NewSettings(root=ctx.root, request=request, dry_run=dry_run))
    plan = result.plan
    report = plan.report
    if report.findings:
        sys.stderr.write(REPORTERS["text"](report))
    for s in plan.suggestions:
        if s.source == "title words":
            click.echo(bilingual("cli.new.suggested-tag", sep=" / ", rel=s.paper_rel, tag=s.tag, en=s.en, zh=s.zh,
                                 matched=s.matched), err=True)
        else:
            click.echo(bilingual("cli.new.suggested-tag.model", sep=" / ", rel=s.paper_rel, tag=s.tag, en=s.en,
                                 zh=s.zh, confidence=s.matched), err=True)
    if dry_run:
        for w in plan.writes:
            sys.stdout.write(f"# {w.rel}: {w.note}\n{w.text}" if len(plan.writes) > 1 or w.kind == "modify"
                             else w.text)
    elif not result.written:
        if report.errors:
            click.echo(bilingual("cli.new.nothing-written", sep=" / "), err=True)
    else:
        for w in plan.writes:
            click.echo(f"wrote {w.rel}: {w.note} / {w.note_zh}", err=True)
        click.echo(bilingual("cli.new.next", sep=" / ", files=" ".join(result.written)), err=True)
    raise SystemExit(result.exit_code)


COMMANDS = [new_command]
