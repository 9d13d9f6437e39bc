"""The docs cannot drift: the README's test command is what CI runs, every command teaches in --help."""

from __future__ import annotations

import re

import click
from click.testing import CliRunner

from paperlist.cli import main
from projectkit import REPO


def _quick_start() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [ln for ln in block.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def test_readme_has_exactly_two_quick_start_commands() -> None:
    commands = _quick_start()
    assert len(commands) == 2
    assert "paperlist validate" in commands[0] and "paperlist render" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start()[1] in ci.splitlines()


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    ctx = click.Context(main)
    names = main.list_commands(ctx)
    assert {"validate", "render", "import", "dupes", "links", "check", "comment"} <= set(names)
    for name in names:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        command = main.get_command(ctx, name)
        assert command is not None and (command.help or "").strip(), f"{name} has no help text"
        assert re.search(r"paperlist \w", result.output), f"{name} --help shows no example"


def test_markers_present_once() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.count("<!-- paperlist:begin -->") == 1 and readme.count("<!-- paperlist:end -->") == 1


def test_constraints_pin_every_dependency() -> None:
    """CI installs with -c constraints.txt: a package it does not pin can move under the suite."""
    import tomllib

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = list(pyproject["project"]["dependencies"])
    for extra in pyproject["project"]["optional-dependencies"].values():
        wanted += extra
    pinned = set()
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt pins by ==: {line!r}"
            pinned.add(re.sub(r"[-_.]+", "-", name).lower())
    for req in wanted:
        name = re.sub(r"[-_.]+", "-", re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0]).lower()
        assert name in pinned, f"{name} is a dependency but constraints.txt does not pin it"


def test_cli_reference_is_generated_from_the_current_help() -> None:
    """docs/cli.md is every command's --help (sqlite-utils style): a help text changed without
    regenerating it fails here, with the one command that fixes it."""
    from paperlist.cli.reference import REGENERATE, build_reference

    path = REPO / "docs" / "cli.md"
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    expected = build_reference()
    if current != expected:
        import difflib

        diff = "".join(list(difflib.unified_diff(current.splitlines(True), expected.splitlines(True),
                                                 "docs/cli.md", "from --help"))[:40])
        raise AssertionError(f"docs/cli.md is out of date with the commands' --help. Regenerate it:\n\n"
                             f"    {REGENERATE}\n\nand commit the result.\n{diff}")
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        assert f"## paperlist {name}\n" in current, f"docs/cli.md lacks {name}"
