"""The ``paperlist`` command line: a thin click layer over the library."""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from .common import Ctx

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
    help="The project folder (the one holding papers/, schema/ and vocab/).",
)
@click.version_option(__version__, prog_name="paperlist")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Keep a paper list as data: one YAML file per paper, checked and rendered.

    \b
    Typical use:
      paperlist validate                 check every paper file against the schema
      paperlist render                   regenerate the list in README.md
      paperlist dupes papers/cvpr2021/my-paper.yaml
      paperlist links papers/cvpr2021/my-paper.yaml
      paperlist check --base origin/main what CI runs on a pull request

    Exit codes: 0 nothing wrong, 1 the checks found errors, 2 bad usage or configuration.
    """
    ctx.obj = Ctx(root=root.resolve())


def _register() -> None:
    from . import check_cmd, dupes_cmd, import_cmd, links_cmd, render_cmd, validate_cmd

    for module in (validate_cmd, render_cmd, import_cmd, dupes_cmd, links_cmd, check_cmd):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
