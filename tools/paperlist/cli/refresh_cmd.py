"""``paperlist refresh``: the group of commands the scheduled refresh job runs (refresh.yml).

Each subcommand lives in its own module; this file only gathers them (the lead merges the lists
of several branches here).
"""

from __future__ import annotations

import importlib

import click

# (module under paperlist.cli, the click command in it), in --help order.
_SUBCOMMANDS = (
    ("refresh_authors_cmd", "authors_command"),
    ("refresh_pr_cmd", "pr_command"),
)


@click.group("refresh")
def refresh_group() -> None:
    """Keep the list's metadata fresh: authors from arXiv, the pull request (元数据更新).

    The scheduled workflow .github/workflows/refresh.yml runs these over a matrix of shards
    (--shard K/N: whole folders, balanced by paper count, the same split for every
    subcommand), then one job merges the shards' changes into one pull request on the
    branch paperlist/refresh. See docs/refresh.md.

    \b
    Examples:
      paperlist refresh authors --dry-run
      paperlist refresh pr --summaries refresh-out --shards 4
    """


for _module, _name in _SUBCOMMANDS:
    refresh_group.add_command(getattr(importlib.import_module(f"paperlist.cli.{_module}"), _name))

COMMANDS = [refresh_group]
