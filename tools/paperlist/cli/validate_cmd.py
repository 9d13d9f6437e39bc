from __future__ import annotations

from pathlib import Path

import click

from paperlist.checks.validate import ValidateSettings, run_validate
from paperlist.cli.common import Ctx, emit, files_argument, format_option, handle_errors, pass_ctx


@click.command("validate")
@files_argument
@format_option
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for large runs (default: one per CPU).")
@pass_ctx
@handle_errors
def validate_command(ctx: Ctx, files: tuple[Path, ...], fmt: str, jobs: int | None) -> None:
    """Check paper files against schema/paper.schema.json and the project's rules.

    With no FILES, checks every file under papers/. Beyond the schema it checks that the
    file name is the title's key (papers/<venue><year>/<key>.yaml), that venue and tags
    exist in vocab/, and that papers/ holds only regular .yaml files. Every finding names
    file, line and column.

    \b
    Examples:
      paperlist validate
      paperlist validate papers/cvpr2021/my-new-paper.yaml --format json
    """
    emit(run_validate(ValidateSettings(root=ctx.root, files=files, jobs=jobs)), fmt)


COMMANDS = [validate_command]
