"""``paperlist init``: set up a new paper list (a thin layer over paperlist.github.init)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from paperlist.cli.common import Ctx, ExitError, handle_errors, pass_ctx

LABEL = {"written": "written", "appended": "appended", "unchanged": "unchanged", "kept": "kept"}


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    parts = tuple(p.strip() for p in value.replace(";", ",").split(",") if p.strip())
    return () if parts in ((), ("none",), ("-",)) else parts


def _interactive(yes: bool) -> bool:
    return not yes and sys.stdin.isatty() and sys.stdout.isatty()


@click.command("init")
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--title", help="The list's name in English (default: the folder's name).")
@click.option("--title-zh", help="Its name in Chinese (with --languages en,zh).")
@click.option("--description", help="One or two sentences on what the list collects.")
@click.option("--description-zh", help="The same in Chinese (with --languages en,zh).")
@click.option("--languages", metavar="en|en,zh", help="The languages the README, pages and site show [default: en].")
@click.option("--venues", metavar="none|ID,ID,...",
              help="The venues papers belong to (ids from vocab/venues.yaml, e.g. CVPR,ICCV), or none for a "
                   "topic list placed by year [default: none].")
@click.option("--site-url", help="Where the site will be published (https://OWNER.github.io/REPO/); may stay empty.")
@click.option("--ref", metavar="SHA",
              help="The commit of paperlist the workflows pin (40 hex digits). Default: the commit this paperlist "
                   "was pip-installed from (git+https://github.com/...@SHA), else a placeholder to replace.")
@click.option("--tool-repository", metavar="OWNER/NAME",
              help="The GitHub repository of paperlist the workflows call. Default: the one this paperlist was "
                   "installed from, else paperlist/paperlist.")
@click.option("--branch", default="main", show_default=True, help="The list's default branch.")
@click.option("--from", "sources", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="An existing list (Markdown, text, JSON, CSV; a file or a folder) to import right away. Repeatable.")
@click.option("--venue", help="For --from: the venue of a hand-written list.")
@click.option("--year", type=int, help="For --from: the year of a hand-written list.")
@click.option("-y", "--yes", is_flag=True, help="Ask nothing: take the flags and the defaults.")
@pass_ctx
@handle_errors
def init_command(ctx: Ctx, folder: Path | None, *, title: str | None, title_zh: str | None,
                 description: str | None, description_zh: str | None, languages: str | None, venues: str | None,
                 site_url: str | None, ref: str | None, tool_repository: str | None, branch: str,
                 sources: tuple[Path, ...], venue: str | None, year: int | None, yes: bool) -> None:
    """Set up a paper list here (or in FOLDER): paperlist.yaml, the workflows, the issue form,
    README.md with its generated block, CONTRIBUTING.md, papers/ and .gitignore lines.

    Never overwrites a file: one that is there is kept, and the summary says why; .gitignore is
    only appended to. Run it again and nothing changes. In a terminal, without settings flags
    or --yes, it asks for the title, languages, venues and site address.

    Exit 0 when done, 1 when the import (--from) lost a paper id, 2 on bad flags or settings.

    \b
    Examples:
      paperlist init
      paperlist init my-list --title "Awesome Optical Flow" --languages en --venues none --yes
      paperlist init --title "CV papers" --title-zh "计算机视觉论文" --languages en,zh --venues CVPR,ICCV
      paperlist init --from awesome.md --year 2024 --ref 0123456789abcdef0123456789abcdef01234567
    """
    from paperlist.github.init import PLACEHOLDER_REF, InitSettings, run_init
    from paperlist.project.settings import SETTINGS_FILE

    root = (folder if folder is not None else ctx.root).resolve()
    given = any(v is not None for v in (title, title_zh, description, description_zh, languages, venues, site_url))
    if _interactive(yes) and not given and not (root / SETTINGS_FILE).exists():
        title = click.prompt("Title of the list", default=root.name)
        languages = click.prompt("Languages shown (en, or en,zh)", default="en")
        if "zh" in (languages or ""):
            title_zh = click.prompt("Title in Chinese (empty: none)", default="", show_default=False) or None
        description = click.prompt("One sentence on what it collects (empty: none)", default="",
                                   show_default=False) or None
        venues = click.prompt("Venues, e.g. CVPR,ICCV (none: a topic list by year)", default="none")
        site_url = click.prompt("Site address, https://OWNER.github.io/REPO/ (empty: later)", default="",
                                show_default=False) or None
        if ref is None:
            ref = click.prompt("paperlist commit to pin (40 hex digits; empty: the installed one or a placeholder)",
                               default="", show_default=False) or None
    langs = _split(languages) or ("en",)
    result = run_init(InitSettings(
        root=root, title=title, title_zh=title_zh, description=description, description_zh=description_zh,
        languages=langs, venues=_split(venues) or (), site_url=site_url, tool_repository=tool_repository,
        ref=ref, branch=branch, sources=sources, venue=venue, year=year))
    shown = root if folder is None else folder
    click.echo(f"paperlist init: {shown}")
    for f in result.files:
        why = f": {f.why} · {f.why_zh}" if f.why else ""
        click.echo(f"  {LABEL[f.action]:<10} {f.rel}{why}")
    changed = result.changed()
    click.echo(f"{len(changed)} file(s) written or appended, {len(result.files) - len(changed)} left as they were; "
               f"the workflows are {result.workflow_lines} lines of YAML, calling "
               f"{result.tool_repository}@{result.ref[:12]}.")
    if result.placeholder:
        click.echo(f"note: the workflows pin paperlist at the placeholder {PLACEHOLDER_REF}: replace it with a commit "
                   f"of {result.tool_repository} (docs/adopt.md, step 2), e.g.\n"
                   f"  sed -i 's/{PLACEHOLDER_REF}/<SHA>/g' .github/workflows/paperlist-*.yml CONTRIBUTING.md")
    if result.imported is not None:
        from paperlist.cli.import_cmd import render_summary

        click.echo("import:")
        click.echo(render_summary(result.imported), nl=False)
    if result.import_error:
        raise ExitError(f"the files above are in place, but the import failed: {result.import_error}")
    if changed:
        click.echo("next: paperlist render, then commit and push; on GitHub: Settings → Pages → Source: GitHub "
                   "Actions, and the labels add-paper and add-paper:approved (docs/adopt.md).")
    if result.exit_code():
        raise SystemExit(result.exit_code())


COMMANDS = [init_command]
