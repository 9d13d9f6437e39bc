"""Input formats behind one small registry: a reader per format, chosen by the file's suffix.

Every reader turns one file into a ``SourceOutput``: entries (one per paper as the source wrote
it), a ledger line for every non-blank line, what it skipped with why, and for structured formats
the paper ids and titles each record holds (for the recall guard) and the *fatal* findings that
stop the whole import before anything is planned (malformed JSON, a record that is not an object).
Adding a format is one module with a ``READER`` and one line in ``_MODULES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from paperlist.project.vocab import Vocabulary
from paperlist.sources.importer.ledger import Ledger
from paperlist.sources.importer.model import SourceEntry, Unparsed
from paperlist.sources.importer.recall import PaperId


@dataclass(frozen=True)
class ReadContext:
    """What a reader may need besides the text."""

    source: str
    resolve: Callable[[str], str | None]  # category label -> tag id
    vocab: Vocabulary
    fields: dict[str, str] = field(default_factory=dict)  # structured: source key -> paper field
    section: str | None = None  # a file of a folder: its name is the section above its headings
    refused: dict[int, str] = field(default_factory=dict)  # lines with control characters


@dataclass
class SourceOutput:
    entries: list[SourceEntry]
    unparsed: list[Unparsed]
    notes: list[Unparsed]
    ledger: Ledger
    ids: dict[PaperId, int] | None = None  # structured: the ids of the records (else: scanned from lines)
    fatal: list[Unparsed] = field(default_factory=list)
    records: int = 0


class Reader(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def suffixes(self) -> tuple[str, ...]: ...
    @property
    def structured(self) -> bool: ...
    @property
    def max_bytes(self) -> int: ...

    def read(self, text: str, ctx: ReadContext) -> SourceOutput: ...


def _registry() -> dict[str, Reader]:
    from paperlist.sources.importer.formats import csvfile, jsonfile, listtext

    readers: list[Reader] = [listtext.MARKDOWN, listtext.TEXT, jsonfile.READER, csvfile.CSV, csvfile.TSV]
    return {r.name: r for r in readers}


def readers() -> dict[str, Reader]:
    """Format name -> reader."""
    return _registry()


def reader_for(path: Path) -> Reader | None:
    suffix = path.suffix.lower()
    return next((r for r in _registry().values() if suffix in r.suffixes), None)


def suffixes() -> tuple[str, ...]:
    return tuple(s for r in _registry().values() for s in r.suffixes)
