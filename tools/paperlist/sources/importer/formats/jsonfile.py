"""JSON: an array of objects, one paper each (papercopilot/paperlists' files, any export of that shape).

The array is decoded element by element (``raw_decode``) so that every record knows the line it
starts on: findings and the ledger name lines, not byte offsets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from paperlist.sources.importer.formats import ReadContext, SourceOutput
from paperlist.sources.importer.formats.structured import MAX_STRUCTURED_BYTES, records_to_output
from paperlist.sources.importer.ledger import Ledger
from paperlist.sources.importer.model import Unparsed

_WS = " \t\n\r"


class _Malformed(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos, self.message = pos, message


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _records(text: str) -> Iterator[tuple[int, int, int, Any]]:
    decoder = json.JSONDecoder()
    i = _skip(text, 0)
    if i >= len(text) or text[i] != "[":
        raise _Malformed(i, "expected a JSON array of records ('[' first)")
    i = _skip(text, i + 1)
    if i < len(text) and text[i] == "]":
        i = _skip(text, i + 1)
        if i < len(text):
            raise _Malformed(i, "text after the end of the array")
        return
    line, at, number = 1, 0, 0
    while True:
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as e:
            raise _Malformed(e.pos, f"record {number + 1}: {e.msg}") from e
        except RecursionError as e:
            raise _Malformed(i, f"record {number + 1}: nested too deeply") from e
        number += 1
        line += text.count("\n", at, i)
        last = line + text.count("\n", i, end)
        at = i
        yield number, line, last, value
        i = _skip(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip(text, i + 1)
            continue
        if i < len(text) and text[i] == "]":
            i = _skip(text, i + 1)
            if i < len(text):
                raise _Malformed(i, "text after the end of the array")
            return
        raise _Malformed(i, f"after record {number}: expected ',' or ']'")


@dataclass(frozen=True)
class JsonReader:
    name: str = "json"
    suffixes: tuple[str, ...] = (".json",)
    structured: bool = True
    max_bytes: int = MAX_STRUCTURED_BYTES

    def read(self, text: str, ctx: ReadContext) -> SourceOutput:
        got: list[tuple[int, int, int, Any]] = []
        try:
            got.extend(_records(text))
        except _Malformed as e:
            line = text.count("\n", 0, e.pos) + 1
            out = SourceOutput([], [], [], Ledger(text.split("\n")), ids={})
            out.fatal.append(Unparsed(ctx.source, line, "", f"malformed JSON: {e.message} (line {line})"))
            return out
        return records_to_output(text, ctx, got)


READER = JsonReader()
