"""``paperlist import``: turn hand-written paper lists into paper files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from paperlist.cli.common import Ctx, ExitError, handle_errors, pass_ctx, year_option
from paperlist.sources.importer import ImportResult, ImportSettings, run_import


def render_summary(result: ImportResult, *, limit: int = 20) -> str:
    """A readable summary: counts first, then losses, skipped runs, what was added, merged and not mapped."""
    verb = "would be " if result.dry_run else ""
    lines = [
        f"{result.entries} entries from {len(result.sources)} file(s) -> {len(result.added)} papers {verb}added, "
        f"{len(result.merged)} {verb}merged into existing files, {len(result.unchanged)} already up to date"
        + (f", {len(result.conflicts)} conflicts reported" if result.conflicts else "")
        + (" (dry run: nothing written)" if result.dry_run else ""),
    ]
    for s in result.sources[:limit]:
        recall = f"{100 * s.ids_out / s.ids_in:.1f} %" if s.ids_in else "-"
        records = f"{s.records} records, " if s.format in ("json", "csv", "tsv") else ""
        lines.append(f"  {s.source}: {records}{s.entries} entries, paper ids {s.ids_out}/{s.ids_in} kept ({recall}); "
                     f"lines: {s.ledger.get('field', 0)} fields, {s.ledger.get('structure', 0)} structure, "
                     f"{s.ledger.get('skipped', 0)} skipped")
    if len(result.sources) > limit:
        lines.append(f"  ... and {len(result.sources) - limit} more files")

    def section(title: str, rows: list[str]) -> None:
        if not rows:
            return
        lines.append(f"{title} ({len(rows)}):")
        lines.extend(f"  {r}" for r in rows[:limit])
        if len(rows) > limit:
            lines.append(f"  ... and {len(rows) - limit} more (--verbose or --format json lists all)")

    section("MALFORMED INPUT (nothing was imported)", [f"{f.source}:{f.line}: {f.reason}" for f in result.fatal])
    section("LOST paper ids" + (" (accepted)" if result.accept_loss else ""),
            [f"{lo.source}:{lo.line}: {lo.pid}: {lo.why}" for lo in result.lost])
    section("no entry found in", result.empty)
    skipped = []
    for s in result.sources:
        for run in s.skipped:
            ranges = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in run.ranges[:6])
            more = f" (+{len(run.ranges) - 6} ranges)" if len(run.ranges) > 6 else ""
            skipped.append(f"{s.source}: {run.reason}: {run.lines} lines, {run.paper_ids} paper ids; "
                           f"lines {ranges}{more}")
    section("skipped lines, by reason", skipped)
    section("added", [f"{c.rel}  ({c.lines[0][0]}:{c.lines[0][1]})"
                      for c in result.added])
    merged = []
    for c in result.merged:
        merged.append(f"{c.rel}  ({c.matched_by})" if c.matched_by else c.rel)
        merged.extend(f"    + {ch.field}: {ch.value[:160]}" for ch in c.changes)
    section("merged, field by field", merged)
    section("conflicts (the file's value kept, the list's not written)",
            [f"{c.rel}: {c.conflict.field}: kept {c.conflict.kept or '(nothing)'}; list ({c.source}:{c.line}) says "
             f"{c.conflict.offered[:160]} ({c.conflict.why})" for c in result.conflicts])
    if result.suggested:
        lines.append(f"topics suggested by the topic model for {len(result.suggested)} new papers without a "
                     "category (marked in suggested_tags; docs/topics.md)")
    if result.pinned:
        lines.append(f"pinned fields left as set by hand: {len(result.pinned)} "
                     f"({', '.join(sorted({f'{p.rel}: {p.field}' for p in result.pinned})[:5])}"
                     f"{' …' if len(result.pinned) > 5 else ''})")
    section("not imported", [f"{u.source}:{u.line}: {u.reason}: {u.text[:100]}" for u in result.unparsed])
    section("unmapped categories (map them in vocab/tags.yaml or with --map)",
            [f"{u.label!r}: {u.count} entries, e.g. {'; '.join(u.examples[:2])!r} ({u.source}:{u.line})"
             for u in result.unmapped])
    section("notes", [f"{n.source}:{n.line}: {n.reason}" for n in result.notes])
    return "\n".join(lines) + "\n"


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--venue", help="Venue id from the list's venues (paperlist.yaml; JSON/CSV records may name their own); "
              "not in a list without venues.")
@year_option("Conference year, e.g. 2021 (JSON/CSV records may name their own).")
@click.option("--dry-run", is_flag=True, help="Parse, plan and report; write nothing.")
@click.option("--accept-loss", is_flag=True,
              help="Exit 0 even when paper ids of the input reach no paper file (they are still listed).")
@click.option("--map", "maps", multiple=True, metavar="FILE|KEY=FIELD,...",
              help="A map file (YAML/JSON: 'category label: tag id' lines, or sections 'categories:' and "
                   "'fields:'), or KEY=FIELD pairs naming the paper field of a JSON/CSV key (title, authors, "
                   "presentation, arxiv, paper, code, project, category, venue, year, ignore, ...). Repeatable.")
@click.option("-v", "--verbose", is_flag=True, help="List everything (text format shows 20 of each).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a readable summary; json: the shared findings shape, the full import lists under "
                   "meta.import.")
@pass_ctx
@handle_errors
def import_command(ctx: Ctx, paths: tuple[Path, ...], venue: str | None, year: int | None,  # noqa: PLR0917
                   dry_run: bool, accept_loss: bool, maps: tuple[str, ...], verbose: bool, fmt: str) -> None:
    """Import paper lists into papers/: hand-written Markdown or text (files or folders), or
    structured records (a JSON array of objects, CSV or TSV with a header row).

    Every non-blank line ends as a field of an entry, structure (headings, tables of contents,
    badges) or skipped with a reason; every arXiv id, CVF/ECVA paper URL and DOI of the input
    (and every record's title) must reach a paper file. Existing files are only ever added to.

    Exit 0 when done, 1 when a paper id was lost (unless --accept-loss), a list with text gave
    no entry, or structured input is malformed (nothing is written then), 2 on bad usage
    (unknown venue, not a text file).

    \b
    Examples:
      paperlist import lists/cvpr2021.md --venue CVPR --year 2021 --dry-run
      paperlist import sections/ --venue ICCV --year 2023 --map my-categories.yaml
      paperlist import cvpr2019.json --venue CVPR --year 2019
      paperlist import export.csv --venue ECCV --year 2022 --map "Paper Title=title,Authors=authors"
    """
    if not any((ctx.root / marker).exists() for marker in ("paperlist.yaml", "papers", "vocab")):
        raise ExitError(f"{ctx.root}: no paperlist.yaml, papers/ or vocab/ here; pass --root the project folder "
                        "(or run `paperlist init` first)")
    files = [m for m in maps if "=" not in m]
    if len(files) > 1:
        raise ExitError("--map: one map file at a time (KEY=FIELD pairs may be given besides it)")
    if files and not Path(files[0]).is_file():
        raise ExitError(f"--map: {files[0]}: no such file (a field map is written KEY=FIELD)")
    result = run_import(ImportSettings(ctx.root, list(paths), venue, year, dry_run=dry_run, accept_loss=accept_loss,
                                         mapping=Path(files[0]) if files else None,
                                         fields=tuple(m for m in maps if "=" in m)))
    if fmt == "json":
        sys.stdout.write(json.dumps(result.to_report().to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_summary(result, limit=10**9 if verbose else 20))
    if result.exit_code():
        raise SystemExit(result.exit_code())


COMMANDS = [import_command]
