"""Pieces shared by the commands: the run context, output, and error handling.

Commands stay thin: parse options, call one library function, hand its Report to a reporter.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from paperlist.domain import YEAR_MAX, YEAR_MIN, year_problem
from paperlist.errors import PaperlistError
from paperlist.findings import EXIT_NETWORK, Report
from paperlist.output.reporting import FORMATS, REPORTERS

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["EXIT_NETWORK", "Ctx", "ExitError", "emit", "files_argument", "format_option", "handle_errors", "pass_ctx",
           "year_option"]


@dataclass
class Ctx:
    root: Path


class ExitError(click.ClickException):
    """A problem the user can fix; exit code 2 (1 is reserved for "the checks found errors")."""

    exit_code = 2


def handle_errors(func: F) -> F:
    """Turn the library's PaperlistError family into a one-line message and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PaperlistError as e:
            raise ExitError(str(e)) from e

    return wrapper  # type: ignore[return-value]


def year_option(help_text: str) -> Callable[[F], F]:
    """``--year``: a paper's year, refused in the words every command uses (``paperlist.domain``)."""

    def check(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
        said = year_problem(value) if value is not None else None
        if said:
            raise click.BadParameter(said[0], ctx, param)
        return value

    return click.option("--year", type=int, callback=check, metavar="YEAR",
                        help=f"{help_text}  [{YEAR_MIN}-{YEAR_MAX}]")


def format_option(func: F) -> F:
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
        help="text for people, json for tools (the findings shape every command shares), "
             "github for workflow annotations.",
    )(func)


def files_argument(func: F) -> F:
    return click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))(func)


def emit(report: Report, fmt: str, *, output: Any = None, code: int | None = None) -> None:
    """Print the report in ``fmt`` and exit with its code (0 clean, 1 errors) or with ``code``."""
    text = REPORTERS[fmt](report)
    (output or sys.stdout).write(text)
    raise SystemExit(report.exit_code if code is None else code)


def pass_ctx(func: F) -> F:
    return click.pass_obj(func)  # type: ignore[return-value]
