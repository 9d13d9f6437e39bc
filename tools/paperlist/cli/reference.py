"""The CLI reference (docs/cli.md), generated from every command's ``--help``, so it cannot drift.

Regenerate after changing any help text (tests/test_docs.py fails until you do)::

    .venv/bin/python -m paperlist.cli.reference docs/cli.md

Without an argument the Markdown goes to stdout. The width is fixed, so the output does not
depend on the terminal it was made in.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from paperlist.cli import main

WIDTH = 100
HELP_NAMES = ["-h", "--help"]  # as the group's context settings give every command
REGENERATE = ".venv/bin/python -m paperlist.cli.reference docs/cli.md"


def _help(command: click.Command, name: str, parent: click.Context | None) -> str:
    ctx = click.Context(command, info_name=name, parent=parent, terminal_width=WIDTH, max_content_width=WIDTH,
                        help_option_names=HELP_NAMES)
    return command.get_help(ctx).rstrip() + "\n"


def build_reference() -> str:
    """The whole reference as Markdown: the group's help, then each command's, in ``--help`` order."""
    root = click.Context(main, info_name="paperlist", terminal_width=WIDTH, max_content_width=WIDTH,
                         help_option_names=HELP_NAMES)
    names = main.list_commands(root)
    out = [
        "# Command reference · 命令参考",
        "",
        "<!-- Generated from `paperlist COMMAND --help`; do not edit by hand. "
        f"Regenerate with: {REGENERATE} -->",
        "",
        f"Every command of `paperlist`, as its `--help` prints it. Regenerate after changing a help text: "
        f"`{REGENERATE}` (a test fails until you do).",
        "",
        "本页由各命令的 `--help` 自动生成；修改帮助文本后请运行上面的命令重新生成。",
        "",
        "## paperlist",
        "",
        "```text",
        _help(main, "paperlist", None).rstrip(),
        "```",
    ]
    for name in names:
        command = main.get_command(root, name)
        if command is None or command.hidden:
            continue
        out += ["", f"## paperlist {name}", "", "```text", _help(command, name, root).rstrip(), "```"]
        if isinstance(command, click.Group):  # a group's subcommands get a section each
            ctx = click.Context(command, info_name=name, parent=root, terminal_width=WIDTH,
                                max_content_width=WIDTH, help_option_names=HELP_NAMES)
            for sub_name in command.list_commands(ctx):
                sub = command.get_command(ctx, sub_name)
                if sub is not None and not sub.hidden:
                    out += ["", f"## paperlist {name} {sub_name}", "", "```text",
                            _help(sub, sub_name, ctx).rstrip(), "```"]
    return "\n".join(out) + "\n"


def run(argv: list[str]) -> int:
    text = build_reference()
    if not argv:
        sys.stdout.write(text)
        return 0
    if len(argv) != 1 or argv[0].startswith("-"):
        sys.stderr.write(f"usage: python -m paperlist.cli.reference [PATH]   e.g. {REGENERATE}\n")
        return 2
    path = Path(argv[0])
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
