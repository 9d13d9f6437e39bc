"""What the JSON and CSV readers share: records in, entries and ledger lines out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from paperlist.sources.importer.formats import ReadContext, SourceOutput
from paperlist.sources.importer.formats.records import Fatal, field_map, fold_key, to_entry
from paperlist.sources.importer.ledger import FIELD, SKIPPED, STRUCTURE, Ledger
from paperlist.sources.importer.model import Unparsed

MAX_STRUCTURED_BYTES = 64 * 1024 * 1024  # a conference with abstracts is 10 MB; 64 MB is not one


def records_to_output(text: str, ctx: ReadContext,
                      records: Iterable[tuple[int, int, int, Any]]) -> SourceOutput:
    """``records`` yields (number, first line, last line, record); a record that is not an object, or a
    field too long, is fatal: the import stops with nothing planned."""
    ledger = Ledger([ln.rstrip("\r") for ln in text.split("\n")])
    out = SourceOutput([], [], [], ledger, ids={})
    assert out.ids is not None
    fields = field_map(ctx.fields)

    def venue_of(label: str) -> str | None:
        return label if label in ctx.vocab.venues else ctx.vocab.resolve_venue(label)

    unknown: dict[str, int] = {}
    for number, first, last, record in records:
        out.records += 1
        if not isinstance(record, Mapping):
            out.fatal.append(Unparsed(ctx.source, first, str(record)[:120],
                                      f"record {number} is a {type(record).__name__}, not an object of fields"))
            continue
        try:
            res = to_entry(record, fields, source=ctx.source, line=first, number=number, venue_of=venue_of)
        except Fatal as e:
            out.fatal.append(Unparsed(ctx.source, first, "", str(e)))
            continue
        for key in record:
            if fold_key(str(key)) not in fields:
                unknown[str(key)] = unknown.get(str(key), 0) + 1
        for pid in res.ids:
            out.ids.setdefault(pid, first)
        for note in res.notes:
            out.notes.append(Unparsed(ctx.source, first, res.entry.title[:120] if res.entry else "",
                                      f"record {number}: {note}"))
        if res.entry is None:
            why = res.refused or f"record {number}: not imported"
            for no in range(first, last + 1):
                ledger.mark(no, SKIPPED, why)
            out.unparsed.append(Unparsed(ctx.source, first, _title_of(record), why))
            continue
        for no in range(first, last + 1):
            ledger.mark(no, FIELD, f"record {number} at line {first}")
        res.entry.lines = list(range(first, last + 1))
        out.entries.append(res.entry)
    said = [e.presentation for e in out.entries]
    if len(said) >= 20 and set(said) == {"poster"}:
        # Every record "Poster" (papercopilot's ECCV and WACV files, CVPR 2013-2015 and 2018): the source
        # does not tell orals from posters there, so "poster" would be a guess for each paper.
        for entry in out.entries:
            entry.presentation = None
        out.notes.append(Unparsed(ctx.source, 1, "", f"every one of the {len(said)} records says status 'Poster': "
                                                     "the source does not tell presentations apart; left out"))
    for no in ledger.unaccounted():
        ledger.mark(no, STRUCTURE, "brackets and separators between records")
    if unknown:
        keys = ", ".join(f"{k} ({n})" for k, n in sorted(unknown.items(), key=lambda kv: -kv[1])[:30])
        out.notes.append(Unparsed(ctx.source, 1, "", f"keys not imported (no field maps them): {keys}"))
    return out


def _title_of(record: Any) -> str:
    if isinstance(record, Mapping):
        for key in ("title", "name"):
            if isinstance(record.get(key), str):
                return str(record[key])[:120]
    return ""

