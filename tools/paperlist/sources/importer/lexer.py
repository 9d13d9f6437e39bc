"""The line lexer: what one line of a hand-written list is (heading, entry start, label line,
link line, bare URL, table of contents, badges, prose).

``.txt`` lists go through it alone; in ``.md`` lists it reads the lines the Markdown pass leaves
to it (headings, list items, paragraphs). ``<br>`` splits a line into parts that keep its number,
so ``Title<br>[paper](…)`` reads as a title followed by its links. Patterns stay linear on
hostile input: no lazy group followed by an optional run of the same characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paperlist.domain import PRESENTATION_WORDS
from paperlist.infra import identity
from paperlist.sources.importer import urls

MAX_LINE = 4000  # longer lines are not list entries; they are reported and skipped

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
URL = re.compile(r"https?://[^\s<>\"'\]\[()（）,，]+(?:\([^\s()]*\)[^\s<>\"'\]\[()（）,，]*)*")
# Link text may hold one level of brackets (a badge image); the URL may hold a stray space
# ("https://github. com/…").
# Not after "!": a standalone image ("![Oral](https://img.shields.io/…)") is a badge, not a link of
# the paper (its URL is the badge picture). An image inside a link ("[![GitHub](…)](repo)") is.
MD_LINK = re.compile(
    r"(?<!!)\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*"
    r"(?P<url>[^()\s](?:[^()\s]|\s(?![\s)])|\([^()\s]*\)|\((?![^()\s]*\)))*)\s*\)")
IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()\s]*\)")
_STANDALONE_IMAGE = re.compile(r"(?<!\[)!\[(?P<alt>[^\[\]]*)\]\([^()\s]*\)")
# Words a marker line may hold besides shortcodes, badges and links: how the paper was presented.
PRESENTATION_WORD = re.compile(rf"^(?:{PRESENTATION_WORDS})$", re.I)
_EMPTY_LINK = re.compile(r"\[[^\[\]]*\]\(\s*\)")
_FULLWIDTH_CLOSE = re.compile(r"(\]\(\s*https?://[^\s)）]*)）")
BR = re.compile(r"<br\s*/?>", re.I)
_ANCHOR_TAG = re.compile(r"</?a(?:\s+(?:name|id)=[^>]{0,200})?>", re.I)
_HTML_TAG = re.compile(r"</?(?:div|p|span|strong|b|i|em|sup|sub|center|details|summary|font)\b[^<>]{0,500}>", re.I)
EMOJI = re.compile(r":[a-z0-9_+-]+:")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})(?:\s+|$)(?P<text>.*)$")
BOLD_NUM = re.compile(r"^(?P<num>\d+)\s*[.、)．]?\s*")
BRACKET_NUM = re.compile(r"^(?:\[(?P<a>\d+)\]|【(?P<b>\d+)】|(?P<c>\d+)\s*[.、)．](?![\d]))\s*(?P<rest>\S.*)$")
BULLET = re.compile(r"^[-*+•]\s+(?P<rest>.*)$")
# "论文链接：", "Paper(Oral):", "Code2:" — a short label, an optional (qualifier), a colon.
LABEL_LINE = re.compile(r"^(?P<label>[^\s:：\[\]()（）][^:：\[\]()（）]{0,24}?)\s*"
                        r"(?:[(（](?P<qual>[^()（）]{1,20})[)）]\s*)?[:：]\s*(?P<rest>.*)$")
LEADING_NUM = re.compile(r"^\s*(?:\[\d+\]|【\d+】|\d+\s*[.、)．](?!\d))\s*")
# What may be left on a link line once its links are removed: separators and stray brackets.
_LINK_LEFTOVER = re.compile(r"[|｜/,，;；\s\[\]()（）<>.。、:：\-–—]+")
SEPARATORS = re.compile(r"[|｜/,，;；\s]+")


@dataclass
class Line:
    no: int
    text: str  # anchors removed, tabs folded, stripped
    kind: str = "text"  # blank heading label links url marker text long toc badges markup html code table-*
    level: int = 0


def fold(label: str) -> str:
    return urls.fold(label)


def is_label(text: str) -> bool:
    return urls.label_kind(text) is not None


def title_like(text: str) -> bool:
    """Mostly Latin words (a paper title), not a Chinese sentence or a single heading word."""
    if len(text) > 600:
        return False  # and keeps the title regexes off hostile lengths
    core = identity.strip_title_decorations(text)
    words = re.findall(r"[A-Za-z][A-Za-z0-9'’-]*", core)
    return len(words) >= 2 and len(LATIN.findall(core)) >= 3 * len(CJK.findall(core)) and len(core) <= 400


def clean_text(text: str) -> str:
    text = text.replace("\t", " ").replace("\u3000", " ").replace("**", "")
    return " ".join(text.split())


def strip_bullet(text: str) -> str:
    m = BULLET.match(text)
    return m.group("rest") if m else text


# "ttps://arxiv.org/…", "htps://": a scheme with a letter lost in copying (real lists have them).
_BROKEN_SCHEME = re.compile(r"(?<![A-Za-z])(?:ttps?|htps?|htp|hhttps?)://")


def split_parts(raw: str) -> list[str]:
    """A physical line cut at ``<br>``, each part cleaned of anchors, empty links and tabs."""
    raw = raw.lstrip()
    while raw.startswith(">"):  # a block quote holds list text like any other
        raw = raw[1:].lstrip()
    if "tp" in raw:
        raw = _BROKEN_SCHEME.sub(lambda m: "https://" if "s" in m.group(0) else "http://", raw)
    parts = []
    for part in BR.split(raw):
        text = _HTML_TAG.sub(" ", _ANCHOR_TAG.sub("", part))
        text = _FULLWIDTH_CLOSE.sub(r"\1)", _EMPTY_LINK.sub("", text)).replace("<>", " ")
        text = text.replace("\t", " ").replace("\u3000", " ").strip()
        if "![" in text:
            unbadged = unbadge(text)
            text = unbadged if unbadged.strip(" |｜") else text  # images only: kept, a badges line
        if text:
            parts.append(text)
    return parts


def unbadge(text: str) -> str:
    """Standalone badge images out of a line: one that says how the paper was presented
    (``![Oral](…shields.io/badge/Oral-red)``) becomes that word, any other becomes a space (its
    URL is a picture, never a link of the paper). Images inside links are left to the link."""
    def repl(m: re.Match[str]) -> str:
        alt = m.group("alt").strip()
        return f" {alt} " if PRESENTATION_WORD.match(alt) else " "

    return _STANDALONE_IMAGE.sub(repl, text).strip()


def marker_words(body: str) -> list[str] | None:
    """The words of a *marker line* (``:open_mouth:oral:star:[code](…):house:[project](…)``, a row of
    badges with an Oral badge): what is left once shortcodes, images and links are gone, when that
    is only presentation words; None when the line says anything else (a title, prose)."""
    links = list(MD_LINK.finditer(body))
    if not (links or EMOJI.search(body) or IMAGE.search(body)):
        return None
    for m in links:
        text = clean_text(IMAGE.sub(" ", EMOJI.sub(" ", m.group("text"))))
        if text and not is_label(text):
            return None  # "[Title](url)": a link that names something
    rest = _LINK_LEFTOVER.sub(" ", IMAGE.sub(" ", MD_LINK.sub(" ", EMOJI.sub(" ", body))))
    words = rest.split()
    if not words:
        return None  # links or badges only: the line kinds "links" and "badges" say so already
    return words if all(PRESENTATION_WORD.match(w) for w in words) else None


def classify(no: int, text: str) -> Line:
    """The kind of one cleaned line part."""
    line = Line(no, text)
    if len(text) > MAX_LINE:
        line.kind = "long"
        return line
    m = _HEADING.match(text)
    if m:
        line.kind, line.level = "heading", len(m.group("hashes"))
        line.text = m.group("text").strip().rstrip("#").strip()
        return line
    body = strip_bullet(EMOJI.sub("", text)).strip()
    if not IMAGE.sub("", body).strip(" |｜"):
        line.kind = "badges"  # images only: badges, logos, QR codes
        return line
    links = list(MD_LINK.finditer(body))
    if links and all(m.group("url").startswith("#") for m in links) and not _LINK_LEFTOVER.sub(
            "", MD_LINK.sub("", body)):
        line.kind = "toc"  # "- [Name](#anchor)": a table of contents
        return line
    if re.fullmatch(r"<?https?://\S+>?", body):
        line.kind = "url"
        return line
    lm = LABEL_LINE.match(body)
    if lm and is_label(lm.group("label")):
        line.kind = "label"
        return line
    raw_body = strip_bullet(text).strip()
    if marker_words(raw_body):
        line.kind = "marker"  # shortcodes or badges with a presentation word: they annotate the entry above
        return line
    if links:
        rest = MD_LINK.sub("", body)
        rest = LABEL_LINE.sub(lambda mm: mm.group("rest") if is_label(mm.group("label")) else mm.group(0), rest)
        first = clean_text(IMAGE.sub(" ", links[0].group("text")))
        first_is_label = is_label(first) or (not first and bool(IMAGE.search(links[0].group("text"))))
        if not _LINK_LEFTOVER.sub("", rest) and not LEADING_NUM.match(body) and (
                first_is_label or not title_like(first)):
            line.kind = "links"
            return line
    if lm and URL.match(lm.group("rest").strip()) and len(lm.group("label")) <= 12 and not title_like(
            lm.group("label")):
        line.kind = "label"  # an unknown label with a URL ("Colab：https://…") is still a link
    return line


def bold_entry(text: str) -> tuple[str | None, str, str] | None:
    """``**12. Title**（类别）`` → ("12", "Title", "（类别）"), or None."""
    body = strip_bullet(text)
    if not body.startswith("**"):
        return None
    end = body.find("**", 2)
    if end < 0:
        return None
    inner = body[2:end].strip()
    m = BOLD_NUM.match(inner)
    num = m.group("num") if m else None
    title = inner[m.end():] if m else inner
    if not title.strip():
        return None
    return num, title.strip(), body[end + 2:]


def trailing_bracket(text: str) -> tuple[str | None, str]:
    """The content of a balanced trailing (…) or （…） group and the text before it."""
    text = text.rstrip()
    if not text or text[-1] not in ")）":
        return None, text
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            depth -= 1
            if depth == 0:
                return text[i + 1:-1], text[:i].rstrip()
    return None, text
