"""The id-recall guard: every paper identifier in the input must reach the list.

It does not trust the parser. It scans the raw text for arXiv ids, CVF/ECVA paper URLs and
DOIs with its own patterns, scans the papers the import leaves behind (files it adds or
merges into, and files that already held the paper) the same way, and reports every input id
that is in none of them with its line. A parser bug then shows up as a named loss, not as a
silently shorter list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Patterns of their own (not identity's), linear: no nested quantifiers.
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})"
                    r"|\barxiv:\s?(\d{4}\.\d{4,5})\b|10\.48550/arxiv\.(\d{4}\.\d{4,5})", re.I)
_CVF = re.compile(r"openaccess\.thecvf\.com/content[^\s\"'<>()\[\]]{0,300}?/(?:papers|html)/"
                  r"([^\s\"'<>()\[\]/]{1,300}?)(?:_paper)?\.(?:pdf|html)", re.I)
_ECVA = re.compile(r"ecva\.net/papers/[^\s\"'<>()\[\]]{0,300}?/papers/([^\s\"'<>()\[\]/]{1,300}?)\.(?:pdf|php)", re.I)
_DOI = re.compile(r"(?:doi\.org/|\bdoi:\s?)(10\.\d{4,9}/[^\s\"'<>()\[\]]{1,200})", re.I)


@dataclass(frozen=True)
class PaperId:
    kind: str  # arxiv | cvf | ecva | doi | title (structured records: each record's title key)
    value: str

    def __str__(self) -> str:
        return {"arxiv": "arXiv ", "cvf": "CVF paper ", "ecva": "ECVA paper ", "doi": "DOI ",
                "title": "title "}[self.kind] + self.value


def ids_in(text: str) -> Iterator[PaperId]:
    """Every paper id in a piece of text (a line of a list, a URL)."""
    if "arxiv" in text or "arXiv" in text or "ARXIV" in text or "10.48550" in text:
        for m in _ARXIV.finditer(text):
            value = m.group(1) or m.group(2) or m.group(3)
            yield PaperId("arxiv", value.lower() if "/" in value else value)
    if "thecvf" in text:
        for m in _CVF.finditer(text):
            yield PaperId("cvf", m.group(1).lower())
    if "ecva" in text:
        for m in _ECVA.finditer(text):
            yield PaperId("ecva", m.group(1).lower())
    if "doi" in text.lower():
        for m in _DOI.finditer(text):
            value = m.group(1).rstrip(".,;").lower()
            if value.startswith("10.48550/arxiv."):
                continue  # counted as the arXiv id above
            yield PaperId("doi", value)


def ids_by_line(lines: list[str]) -> dict[PaperId, int]:
    """Each id of the input with the first line (1-based) it appears on."""
    found: dict[PaperId, int] = {}
    for no, line in enumerate(lines, 1):
        for pid in ids_in(line):
            found.setdefault(pid, no)
    return found


def ids_of_paper(paper: Any) -> set[PaperId]:
    """The ids a paper file holds: its arxiv and doi fields and every URL in it."""
    out: set[PaperId] = set()
    if not isinstance(paper, dict):
        return out
    if paper.get("arxiv"):
        out.add(PaperId("arxiv", str(paper["arxiv"])))
    if paper.get("doi"):
        out |= set(ids_in("doi.org/" + str(paper["doi"])))
    for url in _urls(paper.get("links")):
        out |= set(ids_in(url))
    return out


def _urls(node: Any) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _urls(v)
    elif isinstance(node, list):
        for v in node:
            yield from _urls(v)
