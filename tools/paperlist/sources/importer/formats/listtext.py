"""Hand-written lists: Markdown (block pass, then the line lexer) and plain text (the lexer alone)."""

from __future__ import annotations

from dataclasses import dataclass

from paperlist.sources.importer import parse
from paperlist.sources.importer.formats import ReadContext, SourceOutput

MAX_LIST_BYTES = 10 * 1024 * 1024  # a whole conference is 1.5 MB; ten times that is not a list


@dataclass(frozen=True)
class ListReader:
    name: str
    suffixes: tuple[str, ...]
    markdown: bool
    structured: bool = False
    max_bytes: int = MAX_LIST_BYTES

    def read(self, text: str, ctx: ReadContext) -> SourceOutput:
        out = parse.Parser(text, ctx.source, ctx.resolve, markdown_input=self.markdown, section=ctx.section,
                           refused=ctx.refused).run()
        return SourceOutput(out.entries, out.unparsed, out.notes, out.ledger)


MARKDOWN = ListReader("markdown", (".md", ".markdown"), markdown=True)
TEXT = ListReader("text", (".txt",), markdown=False)
