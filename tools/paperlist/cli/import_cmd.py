"""``paperlist import``: turn a hand-written paper list into paper files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..importer import ImportResult, import_list
from .common import Ctx, ExitError, handle_errors, pass_ctx


def render_summary(result: ImportResult, *, limit: int = 20) -> str:
    """A readable summary: counts first, then what was added, merged and not understood."""
    verb = "would be " if result.dry_run else ""
    lines = [
        f"{result.source}: {result.entries} entries -> {len(result.added)} papers {verb}added, "
        f"{len(result.merged)} {verb}merged into existing files, {len(result.unchanged)} already up to date"
        + (" (dry run: nothing written)" if result.dry_run else ""),
    ]

    def section(title: str, rows: list[str]) -> None:
        if not rows:
            return
        lines.append(f"{title} ({len(rows)}):")
        lines.extend(f"  {r}" for r in rows[:limit])
        if len(rows) > limit:
            lines.append(f"  ... and {len(rows) - limit} more (--verbose or --format json lists all)")

    section("added", [f"{c.path}  (line {c.lines[0]})" for c in result.added])
    section("merged", [f"{c.path}  +{', '.join(dict.fromkeys(c.fields))}  (line {c.lines[0]})" for c in result.merged])
    section("could not parse", [f"line {u.line}: {u.reason}: {u.text[:100]}" for u in result.unparsed])
    section("unmapped categories", [f"line {u.line}: {u.label!r}: {u.action}" for u in result.unmapped])
    section("notes", [f"line {n.line}: {n.reason}" for n in result.notes])
    return "\n".join(lines) + "\n"


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--venue", required=True, help="Venue id from vocab/venues.yaml, e.g. CVPR.")
@click.option("--year", required=True, type=int, help="Conference year, e.g. 2021.")
@click.option("--dry-run", is_flag=True, help="Parse and report, write nothing.")
@click.option("-v", "--verbose", is_flag=True, help="List every added and merged file (text format shows 20 of each).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a readable summary; json: the shared findings shape, the full import lists under "
                   "meta.import.")
@pass_ctx
@handle_errors
def import_command(ctx: Ctx, file: Path, venue: str, year: int, dry_run: bool, verbose: bool,  # noqa: PLR0917
                   fmt: str) -> None:
    """Import a hand-written paper list (Markdown or text) into papers/.

    Categories become tags (vocab/tags.yaml aliases), arXiv links become bare ids, the same
    paper listed twice becomes one file, readings attach to their paper. Existing files are
    only ever added to, never changed. Exit 0 when done (lines it could not parse are
    reported as warnings), 2 on bad usage.

    \b
    Example:
      paperlist import lists/cvpr2021.md --venue CVPR --year 2021 --dry-run
    """
    if not (ctx.root / "vocab").is_dir():
        raise ExitError(f"{ctx.root}: no vocab/ folder here; pass --root the project folder")
    result = import_list(ctx.root, file, venue, year, dry_run=dry_run)
    if fmt == "json":
        sys.stdout.write(json.dumps(result.to_report().to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_summary(result, limit=10**9 if verbose else 20))


COMMANDS = [import_command]
