"""Findings are plain data: every check produces them, every reporter consumes the same list.

The JSON shape (``Report.to_dict``) is the contract between commands, the PR comment, the
GitHub annotations and anything a maintainer scripts on top:

    {"findings": [{"file", "line", "column", "severity", "check", "message", ...}],
     "summary": {"files": N, "errors": N, "warnings": N, "notices": N, "checks": {...}}}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "notice"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "notice")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    """One thing a check has to say about one place in one file.

    ``file`` is a POSIX path relative to the project root. ``line``/``column`` are 1-based
    (None when the finding is about the file as a whole). ``message_zh``/``hint``/``hint_zh``
    feed the bilingual PR comment; ``suggestion`` is replacement text for ``line`` (a GitHub
    suggestion block). ``extra`` carries check-specific fields (``duplicate_of``, ``url``,
    ``status`` …) that are merged flat into the JSON object.
    """

    file: str
    severity: Severity
    check: str
    message: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    message_zh: str | None = None
    hint: str | None = None
    hint_zh: str | None = None
    suggestion: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "check": self.check,
            "message": self.message,
        }
        for key in ("end_line", "message_zh", "hint", "hint_zh", "suggestion"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        known = {"file", "line", "column", "severity", "check", "message", "end_line",
                 "message_zh", "hint", "hint_zh", "suggestion"}
        severity = data.get("severity")
        if severity not in _RANK:
            raise ValueError(f"unknown severity {severity!r}")
        return cls(
            file=str(data["file"]),
            severity=severity,
            check=str(data["check"]),
            message=str(data["message"]),
            line=_opt_int(data.get("line")),
            column=_opt_int(data.get("column")),
            end_line=_opt_int(data.get("end_line")),
            message_zh=_opt_str(data.get("message_zh")),
            hint=_opt_str(data.get("hint")),
            hint_zh=_opt_str(data.get("hint_zh")),
            suggestion=_opt_str(data.get("suggestion")),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.file, self.line or 0, self.column or 0, _RANK[self.severity], self.check, self.message)


def _opt_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


# Exit codes every command shares: 0 clean, 1 findings (errors), 2 usage or configuration, and
# 3 inconclusive: the network was unavailable, so links could not be judged (links, sweep-issue).
EXIT_NETWORK = 3


@dataclass
class Report:
    """The findings of one run, sorted, with what the reporters need to summarise them.

    ``files`` is how many files were examined; ``meta`` holds run facts a reporter may show
    (the PR head SHA, the verdict …) and is written under ``"meta"`` in JSON.
    """

    findings: list[Finding]
    files: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.findings = sorted(self.findings, key=Finding.sort_key)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def exit_code(self) -> int:
        """0 when nothing is an error, 1 otherwise (2 is reserved for usage errors)."""
        return 1 if self.errors else 0

    def summary(self) -> dict[str, Any]:
        checks = Counter(f.check for f in self.findings)
        return {
            "files": self.files,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "notices": self.count("notice"),
            "checks": dict(sorted(checks.items())),
        }

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"findings": [f.to_dict() for f in self.findings], "summary": self.summary()}
        if self.meta:
            out["meta"] = self.meta
        return out

    @classmethod
    def merge(cls, reports: Iterable[Report], *, files: int | None = None) -> Report:
        reports = list(reports)
        findings = [f for r in reports for f in r.findings]
        meta: dict[str, Any] = {}
        for r in reports:
            meta.update(r.meta)
        total = files if files is not None else max((r.files for r in reports), default=0)
        return cls(findings, files=total, meta=meta)
