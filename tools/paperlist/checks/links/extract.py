"""Where the links are: every URL in a paper file or a Markdown document, with line and column.

A paper file yields its URLs (any string under ``links`` and any other string that is an
http(s) URL), its ``arxiv`` id (checked through the arXiv API, not as a page) and its
``doi`` (checked at doi.org). A Markdown file yields inline links, reference definitions,
autolinks, ``href``/``src`` attributes and bare URLs, outside code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from paperlist.project.loader import PaperFile

Kind = Literal["url", "arxiv", "doi"]


@dataclass(frozen=True)
class Link:
    """One link as written at one place. ``url`` is exactly the text in the file."""

    file: str
    line: int
    column: int
    url: str
    kind: Kind = "url"
    field: str | None = None  # "links.code[0]" in a paper file; None in Markdown


def _field_name(path: tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def _walk(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, (*path, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, (*path, i))
    else:
        yield path, value


_URLISH = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def links_in_paper(pf: PaperFile) -> list[Link]:
    """The links of one loaded paper file (nothing when it did not parse: validate reports that)."""
    if not isinstance(pf.data, dict):
        return []
    out: list[Link] = []
    for path, value in _walk(pf.data, ()):
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            continue
        text = str(value).strip()
        top = path[0] if path else None
        kind: Kind
        if top == "arxiv" and len(path) == 1:
            kind = "arxiv"
        elif top == "doi" and len(path) == 1:
            kind = "doi"
        elif (top == "links" and isinstance(value, str) and path[-1] != "title") or _URLISH.match(text):
            kind = "url"
        else:
            continue
        if not text:
            continue
        line, col = pf.value_position(path) or pf.position(path)
        # A quoted scalar starts at its quote; point at the URL itself.
        src = pf.source_line(line) or ""
        if col - 1 < len(src) and src[col - 1] in "'\"":
            col += 1
        out.append(Link(pf.rel, line, col, text, kind, _field_name(path)))
    return out


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_PATTERNS = [
    # [text](url "title") and ![alt](url): one level of balanced parentheses inside the URL
    re.compile(r"\]\(\s*<?(?P<u>(?:[^()\s<>]|\([^()\s]*\))+)>?"),
    # [ref]: url
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<u>[^\s>]+)>?"),
    # <https://…>
    re.compile(r"<(?P<u>https?://[^\s<>]+)>"),
    # href="…" / src='…'
    re.compile(r"""\b(?:href|src)\s*=\s*["'](?P<u>[^"']+)["']""", re.I),
]
_BARE = re.compile(r"https?://[^\s<>()\[\]\"'`]+")


def links_in_markdown(text: str, rel: str) -> list[Link]:
    """Absolute http(s) links in a Markdown document (relative links and mailto: are not ours)."""
    out: list[Link] = []
    fence: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        m = _FENCE.match(raw)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        # Blank out inline code (same length, so columns stay right).
        line = _INLINE_CODE.sub(lambda c: " " * len(c.group()), raw)
        taken: list[tuple[int, int]] = []
        for pat in _PATTERNS:
            for hit in pat.finditer(line):
                start, end = hit.span("u")
                url = hit.group("u")
                if not re.match(r"https?://", url, re.I):
                    continue
                if any(s <= start < e for s, e in taken):
                    continue
                taken.append((start, end))
                out.append(Link(rel, lineno, start + 1, url))
        for hit in _BARE.finditer(line):
            start = hit.start()
            if any(s <= start < e for s, e in taken):
                continue
            url = hit.group().rstrip(".,;:!?*_~")
            out.append(Link(rel, lineno, start + 1, url))
    return out
