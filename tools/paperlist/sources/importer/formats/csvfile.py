"""CSV and TSV: a header row of keys, then one paper a row (quoted fields may span lines)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from paperlist.sources.importer.formats import ReadContext, SourceOutput
from paperlist.sources.importer.formats.structured import MAX_STRUCTURED_BYTES, records_to_output
from paperlist.sources.importer.ledger import Ledger
from paperlist.sources.importer.model import Unparsed


@dataclass(frozen=True)
class CsvReader:
    name: str
    suffixes: tuple[str, ...]
    delimiter: str
    structured: bool = True
    max_bytes: int = MAX_STRUCTURED_BYTES

    def read(self, text: str, ctx: ReadContext) -> SourceOutput:
        rows: list[tuple[int, int, int, Any]] = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True)
        header: list[str] | None = None
        prev = 0
        try:
            for row in reader:
                first, last = prev + 1, reader.line_num
                prev = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if header is None:
                    header = [h.strip() for h in row]
                    if len(set(header)) != len(header):
                        return _fatal(text, ctx, first, "the header row names a column twice")
                    continue
                if len(row) != len(header):
                    return _fatal(text, ctx, first, f"malformed {self.name.upper()}: record {len(rows) + 1} has "
                                                    f"{len(row)} fields under a header of {len(header)}")
                rows.append((len(rows) + 1, first, last, dict(zip(header, row, strict=True))))
        except csv.Error as e:
            return _fatal(text, ctx, reader.line_num or 1, f"malformed {self.name.upper()}: record "
                                                          f"{len(rows) + 1}: {e}")
        if header is None:
            return _fatal(text, ctx, 1, f"no header row: a {self.name.upper()} import needs column names")
        out = records_to_output(text, ctx, rows)
        header_line = next((i for i, ln in enumerate(text.split("\n"), 1) if ln.strip()), 1)
        out.ledger.marks[header_line] = ("structure", "header row")
        return out


def _fatal(text: str, ctx: ReadContext, line: int, message: str) -> SourceOutput:
    out = SourceOutput([], [], [], Ledger(text.split("\n")), ids={})
    out.fatal.append(Unparsed(ctx.source, line, "", message))
    return out


CSV = CsvReader("csv", (".csv",), ",")
TSV = CsvReader("tsv", (".tsv", ".tab"), "\t")
