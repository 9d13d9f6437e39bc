"""Reporters: the same Report as terminal text, JSON, or GitHub workflow-command annotations.

The Markdown PR comment is one more reporter and lives in ``comment.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from paperlist.findings import Finding, Report
from paperlist.infra.escape import command_data, command_property
from paperlist.infra.textrules import scrub

_SYMBOL = {"error": "error", "warning": "warning", "notice": "notice"}


def render_text(report: Report) -> str:
    """``file:line:col: severity [check] message`` lines, then a one-line summary."""
    lines: list[str] = []
    for f in report.findings:
        where = f.file
        if f.line is not None:
            where += f":{f.line}"
            if f.column is not None:
                where += f":{f.column}"
        lines.append(f"{where}: {_SYMBOL[f.severity]} [{f.check}] {f.message}")
        if f.hint:
            lines.append(f"    hint: {f.hint}")
    s = report.summary()
    lines.append(
        f"{s['files']} file(s) checked: {s['errors']} error(s), {s['warnings']} warning(s), "
        f"{s['notices']} notice(s)"
    )
    return scrub("\n".join(lines) + "\n")  # no terminal escape codes from a quoted value


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def github_annotation(f: Finding) -> str:
    props = [f"file={command_property(f.file)}"]
    if f.line is not None:
        props.append(f"line={f.line}")
        if f.end_line is not None:
            props.append(f"endLine={f.end_line}")
        if f.column is not None:
            props.append(f"col={f.column}")
    props.append(f"title={command_property('paperlist ' + f.check)}")
    message = f.message if not f.hint else f"{f.message}\n{f.hint}"
    return f"::{f.severity} {','.join(props)}::{command_data(message)}"


def render_github(report: Report) -> str:
    """One ``::error file=…,line=…,col=…::message`` line per finding, then a plain summary."""
    lines = [github_annotation(f) for f in report.findings]
    s = report.summary()
    lines.append(f"paperlist: {s['files']} file(s), {s['errors']} error(s), {s['warnings']} warning(s)")
    return "\n".join(lines) + "\n"


REPORTERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
}
FORMATS = tuple(REPORTERS)
