"""The line ledger: what became of every non-blank line of a list.

Each line ends as exactly one of: a *field* of an entry, *structure* (a heading, a table of
contents, navigation, badges, a table header), or *skipped* with a reason. A line that holds
parts of several kinds (``Title<br>[paper](…)``) takes the strongest: field over structure over
skipped. The import report lists the skipped lines as runs grouped by reason, with their line
ranges and how many paper ids they held, so nothing is dropped without a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paperlist.sources.importer.recall import ids_in

FIELD, STRUCTURE, SKIPPED = "field", "structure", "skipped"
_RANK = {SKIPPED: 0, STRUCTURE: 1, FIELD: 2}


@dataclass
class SkippedRun:
    reason: str
    ranges: list[tuple[int, int]] = field(default_factory=list)
    lines: int = 0
    paper_ids: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "lines": self.lines, "paper_ids": self.paper_ids,
                "ranges": [list(r) for r in self.ranges]}


@dataclass
class Ledger:
    """Line number (1-based) -> (status, reason or entry line)."""

    source_lines: list[str]
    marks: dict[int, tuple[str, str]] = field(default_factory=dict)

    def mark(self, no: int, status: str, why: str) -> None:
        old = self.marks.get(no)
        if old is None or _RANK[status] > _RANK[old[0]]:
            self.marks[no] = (status, why)

    def nonblank(self) -> list[int]:
        return [i for i, line in enumerate(self.source_lines, 1) if line.strip()]

    def unaccounted(self) -> list[int]:
        """Non-blank lines nothing decided about (a parser bug: the invariant tests keep this empty)."""
        return [no for no in self.nonblank() if no not in self.marks]

    def counts(self) -> dict[str, int]:
        out = {FIELD: 0, STRUCTURE: 0, SKIPPED: 0}
        for no in self.nonblank():
            if no in self.marks:
                out[self.marks[no][0]] += 1
        return out

    def skipped_runs(self) -> list[SkippedRun]:
        """Skipped lines grouped by reason; consecutive lines (blank lines between do not break a run)
        form one range."""
        runs: dict[str, SkippedRun] = {}
        last: dict[str, int] = {}
        for no in self.nonblank():
            status, why = self.marks.get(no, (SKIPPED, "not accounted for"))
            if status != SKIPPED:
                last.clear()
                continue
            run = runs.setdefault(why, SkippedRun(why))
            run.lines += 1
            run.paper_ids += sum(1 for _ in ids_in(self.source_lines[no - 1]))
            if why in last and run.ranges and run.ranges[-1][1] == last[why]:
                run.ranges[-1] = (run.ranges[-1][0], no)
            else:
                run.ranges.append((no, no))
            last = {why: no}
        return sorted(runs.values(), key=lambda r: (-r.paper_ids, r.ranges[0][0]))

    def why(self, no: int) -> tuple[str, str]:
        return self.marks.get(no, (SKIPPED, "not accounted for"))
