"""The ``paperlist`` command line: a thin click layer over the library."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from paperlist import __version__
from paperlist.cli.common import Ctx

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# Command modules are imported only when their command runs: `paperlist validate` must not
# pay for importing aiohttp and PyGithub (that was half a second of every start).
_MODULES = ("init_cmd", "validate_cmd", "new_cmd", "render_cmd", "import_cmd", "dupes_cmd", "links_cmd", "check_cmd",
            "site_cmd", "issue_cmd", "refresh_cmd", "export_cmd", "tags_cmd")
_HOME = {"init": "init_cmd", "validate": "validate_cmd", "new": "new_cmd", "render": "render_cmd",
         "import": "import_cmd", "dupes": "dupes_cmd", "links": "links_cmd", "site": "site_cmd",
         "refresh": "refresh_cmd", "export": "export_cmd"}


class LazyGroup(click.Group):
    def _module_commands(self, module: str) -> dict[str, click.Command]:
        mod = importlib.import_module(f"{__name__}.{module}")
        return {c.name: c for c in getattr(mod, "COMMANDS", []) if isinstance(c, click.Command) and c.name}

    def list_commands(self, ctx: click.Context) -> list[str]:
        names: set[str] = set(super().list_commands(ctx))
        for module in _MODULES:
            names |= set(self._module_commands(module))
        return sorted(names, key=lambda n: (list(_HOME).index(n) if n in _HOME else len(_HOME), n))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        modules = [_HOME[cmd_name]] if cmd_name in _HOME else [m for m in _MODULES if m not in _HOME.values()]
        for module in [*modules, *_MODULES]:
            commands = self._module_commands(module)
            if cmd_name in commands:
                return commands[cmd_name]
        return None


@click.group(cls=LazyGroup, context_settings=CONTEXT)
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
      paperlist init                     set up a new list (settings, workflows, README, issue form)
      paperlist validate                 check every paper file against the schema
      paperlist render                   regenerate README.md and lists/ from papers/
      paperlist site --out _site         build the searchable website
      paperlist dupes papers/cvpr2021/my-paper.yaml
      paperlist links papers/cvpr2021/my-paper.yaml
      paperlist check --base origin/main what CI runs on a pull request

    Exit codes: 0 nothing wrong, 1 the checks found errors, 2 bad usage or configuration,
    3 inconclusive: the network was unavailable (links, sweep-issue).

    Every command's help, in one page: docs/cli.md.
    """
    ctx.obj = Ctx(root=root.resolve())
