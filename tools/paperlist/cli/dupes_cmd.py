"""``paperlist dupes``: is this paper already in the list? (thin: the work is in paperlist.checks.dupes)."""

from __future__ import annotations

from pathlib import Path

import click

from paperlist.cli.common import Ctx, emit, files_argument, format_option, handle_errors, pass_ctx


@click.command("dupes")
@files_argument
@click.option("--all", "check_all", is_flag=True, help="Check the whole list against itself.")
@click.option(
    "--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Where to keep the duplicate index (default: $PAPERLIST_CACHE_DIR, else <root>/.paperlist-cache).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the index cache (also: $PAPERLIST_NO_CACHE=1).")
@format_option
@pass_ctx
@handle_errors
def dupes(ctx: Ctx, *, files: tuple[Path, ...], check_all: bool, cache_dir: Path | None, no_cache: bool,
          fmt: str) -> None:
    """Find papers listed twice: FILES against every paper in papers/ and each other, or --all.

    \b
    error    the same arXiv id, DOI or CVF open-access paper (certain)
    warning  titles equal after normalization or nearly so (authors overlapping
             where both list them), or the same code repository
    notice   similar titles on papers whose arXiv ids differ

    Pairs a maintainer has confirmed are different papers go in not-duplicates.yaml.

    \b
    Examples:
      paperlist dupes papers/cvpr2021/my-paper.yaml
      paperlist dupes --all --format json
    """
    # Imported here so that `paperlist --help` and other commands do not pay for it.
    from paperlist.checks.dupes import DupesSettings, run_dupes

    emit(run_dupes(DupesSettings(root=ctx.root, files=files, check_all=check_all, cache_dir=cache_dir,
                                 use_cache=not no_cache)), fmt)


COMMANDS = [dupes]
