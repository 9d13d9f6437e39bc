"""The Markdown pass: block structure with source lines, from a CommonMark parser.

markdown-it-py (with its table extension) tells which lines are tables (a paper a row),
fenced code, raw HTML (navigation, badge blocks, anchors) and which are headings, list
items and paragraphs. Table rows become entries here, cell by cell; the other text lines go
to the line parser (``parse.py``), which reads the entry styles of hand-written lists. Only
block rules run over the whole file (inline parsing is slow and is done per table cell).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from paperlist.sources.importer.lexer import IMAGE, MD_LINK

_TAG = re.compile(r"<[^<>]{0,2000}>")
_IMAGE_ALT = re.compile(r"!\[([^\[\]]*)\]")


@dataclass
class Cell:
    text: str  # the visible text outside links
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url); a badge's alt text is its label


@dataclass
class TableRow:
    line: int
    header: list[str]
    cells: list[Cell]


@dataclass
class Blocks:
    """Per line (1-based): a role the line parser must not reinterpret."""

    roles: dict[int, str] = field(default_factory=dict)  # html | code | table-head | table-row
    rows: dict[int, TableRow] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _block_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.core.ruler.disable("inline")
    return md


def scan(text: str) -> Blocks:
    """Roles of the lines of a Markdown document (``text`` with over-long lines already blanked)."""
    out = Blocks()
    tokens = _block_parser().parse(text)
    lines = text.split("\n")
    header: list[str] = []
    in_head = False
    row_line = -1
    cells: list[Cell] = []
    for tok in tokens:
        if tok.type == "fence" and tok.map:
            for no in range(tok.map[0] + 1, tok.map[1] + 1):
                out.roles[no] = "code"
        elif tok.type == "html_block" and tok.map and tok.content.lstrip().startswith("<!--"):
            for no in range(tok.map[0] + 1, tok.map[1] + 1):
                out.roles[no] = "comment"  # hidden by the list's author: read by nobody
        elif tok.type == "html_block" and tok.map:
            for no in range(tok.map[0] + 1, tok.map[1] + 1):
                # Only lines that are nothing but tags: a hand-written entry glued to an anchor line
                # (``<a name=x></a>`` then ``**Title**``) still reaches the line parser.
                if no <= len(lines) and not _TAG.sub("", lines[no - 1]).strip():
                    out.roles[no] = "html"
        elif tok.type == "table_open" and tok.map:
            header = []
        elif tok.type == "thead_open" and tok.map:
            in_head = True
            for no in range(tok.map[0] + 1, tok.map[1] + 2):  # the header and its |---| line
                out.roles[no] = "table-head"
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open" and tok.map:
            row_line, cells = tok.map[0] + 1, []
        elif tok.type == "inline" and row_line > 0:
            cell = _cell(tok)
            if in_head:
                header.append(cell.text)
            else:
                cells.append(cell)
        elif tok.type == "tr_close":
            if not in_head and row_line > 0:
                out.roles[row_line] = "table-row"
                out.rows[row_line] = TableRow(row_line, header, cells)
            row_line = -1
    return out


def _cell(tok: Token) -> Cell:
    """A table cell's links and visible text. Links are read with the lexer's linear patterns (a
    full inline parse per cell cost 10 ms a row); a badge ``[![alt](img)](url)`` is labelled by its alt."""
    raw = tok.content
    cell = Cell("")
    for m in MD_LINK.finditer(raw):
        inner = m.group("text")
        alt = _IMAGE_ALT.search(inner)
        label = alt.group(1) if alt and not IMAGE.sub("", inner).strip() else IMAGE.sub(" ", inner)
        cell.links.append((" ".join(label.split()), m.group("url").strip()))
    text = IMAGE.sub(" ", MD_LINK.sub(" ", raw))
    text = _TAG.sub(" ", text).replace("**", "").replace("`", "")
    cell.text = " ".join(text.split())
    return cell
