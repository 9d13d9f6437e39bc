"""The precision guard, twin of the recall guard: nothing that is not a paper becomes a paper.

The recall guard makes sure no paper id of the input is lost; this one makes sure no entry the
parser found is written as a paper when a reader would not call it one. It judges each entry
from its own title and the raw source line it came from (not from how the parser got there):

- a **shortcode run** or marker: ``:open_mouth:oral:star::house`` is what 52CV-style lists write
  under a title (oral, has code, has a project page), not a title;
- a **numbered table-of-contents item**: ``73.Object Re-identification`` linking only to in-page
  anchors (``#73``), or a short numbered name with no link at all;
- a **heading**: the text of a heading of the same list (a category) that gathered no paper link;
- a **bare label**: ``Code``, ``Oral``, ``Project Page``, a category name that maps to a tag, a
  name the list's own table of contents links to, when no paper link came with it.

A refused entry is skipped in the ledger with the reason, and listed with its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from paperlist.sources.importer import lexer, urls
from paperlist.sources.importer.lexer import EMOJI, MD_LINK, clean_text
from paperlist.sources.importer.model import SourceEntry

NOT_A_PAPER = "not a paper"
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<text>.*)$")  # linear: the closing #s are stripped after
_NUMBERED = re.compile(r"^\s*\d{1,3}\s*[.、)．:]\s*(?P<name>\S.*)$")
_SHORTCODE_LEFTOVER = re.compile(r"(?:^|\s):[a-z0-9_+-]+|[a-z0-9_+-]+:(?:\s|$)")
_NON_WORD = re.compile(r"[\W_]+")


class Headings:
    """The heading texts of one list (folded), read from its raw lines."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.names: set[str] = set()
        for line in lines:
            if "#" not in line[:8] or len(line) > lexer.MAX_LINE:
                continue
            m = _HEADING.match(line)
            if m:
                text = MD_LINK.sub(lambda mm: mm.group("text"), m.group("text").strip().rstrip("#"))
                self.names.add(_fold(lexer.LEADING_NUM.sub("", clean_text(text))))

    def __contains__(self, title: str) -> bool:
        return _fold(lexer.LEADING_NUM.sub("", title)) in self.names


def _fold(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def has_paper_link(entry: SourceEntry) -> bool:
    """A link that says "this is a paper": arXiv, the paper itself, its code, project page or video."""
    return bool(entry.arxiv or entry.paper or entry.code or entry.project or entry.video)


def shortcode_run(title: str) -> bool:
    """A title made of emoji shortcodes and marker words (``:open_mouth:oral:star::house``)."""
    if EMOJI.search(title) is None and _SHORTCODE_LEFTOVER.search(title) is None:
        return False
    rest = EMOJI.sub(" ", title)
    rest = _SHORTCODE_LEFTOVER.sub(" ", rest)
    words = [w for w in re.split(r"[\s:|｜/,;]+", rest) if w]
    return not words or all(lexer.PRESENTATION_WORD.match(w) or urls.label_kind(w) for w in words) \
        or not lexer.title_like(" ".join(words))


def bare_label(title: str) -> bool:
    """A link label or presentation word standing where a title should be."""
    core = clean_text(EMOJI.sub(" ", title)).strip(" *_:：-–—|｜()（）[]【】")
    return not core or urls.label_kind(core) is not None or bool(lexer.PRESENTATION_WORD.match(core))


def judge(entry: SourceEntry, raw_line: str, headings: Headings, *, toc_names: set[str] | None = None,
          resolve: Callable[[str], str | None] | None = None) -> str | None:
    """Why ``entry`` is not a paper, or None when a reader would call it one."""
    title = entry.title
    if entry.reading is not None and not title:
        return None  # a reading names its paper by arXiv id; its own title is the write-up's
    if shortcode_run(title):
        return f"{NOT_A_PAPER}: a run of emoji shortcodes or markers (it annotates the entry above)"
    if bare_label(title):
        return f"{NOT_A_PAPER}: a bare label where a title should be"
    if has_paper_link(entry):
        return None
    links = [m.group("url").strip() for m in MD_LINK.finditer(raw_line)]
    if links and all(u.startswith("#") for u in links):
        return f"{NOT_A_PAPER}: a table-of-contents item (links only to in-page anchors)"
    numbered = _NUMBERED.match(title)
    if numbered and len(numbered.group("name").split()) <= 6 and not entry.other and not entry.readings:
        return f"{NOT_A_PAPER}: a numbered table-of-contents item or section name"
    if entry.other or entry.readings:
        return None
    if title in headings:
        return f"{NOT_A_PAPER}: a heading of the list that gathered no paper link"
    if toc_names and clean_text(lexer.LEADING_NUM.sub("", title)) in toc_names:
        return f"{NOT_A_PAPER}: a name the list's table of contents links to (a section)"
    if resolve is not None and resolve(title) and len(title.split()) <= 5:
        return f"{NOT_A_PAPER}: a category name (it maps to a tag) with no paper link"
    body = lexer.strip_bullet(raw_line.strip())
    if (re.fullmatch(r"\*\*(?!\s*\d)[^*]{1,80}\*\*[:：]?", body) and len(title.split()) <= 5
            and len(entry.lines) == 1):  # "- **Point Cloud Registration**" over entries, no field lines of its own
        return f"{NOT_A_PAPER}: a bold sub-heading with no paper link"
    return None
