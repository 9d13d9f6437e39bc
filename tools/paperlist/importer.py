"""Import a hand-written paper list (Markdown or plain text) into paper files.

The lists this reads were written by people, each in its own style: ``**N.Title**（类别）<br>``
blocks with ``论文链接：…`` lines, ``[N] Title(中文标题)<br>[paper](…) | [code](…)``,
numbered Markdown lists, ``# Title`` headings followed by ``- 论文链接：`` bullets, link-text
titles ``[N. Title](url)``, and reading ("论文解读") sections whose entries name their paper
only by its arXiv link. Rather than one grammar per style, the parser classifies each line
(heading, entry start, label line, link line, bare URL, prose) and lets entries collect the
lines that follow them; prose is never imported.

Parsing gives ``Entry`` objects; entries naming the same paper (same arXiv id, else same
normalized title) are merged into one record; records are then merged into ``papers/``
(adding, never changing) or written as new files. ``import_list`` returns an
``ImportResult`` listing what was added, merged and left unparsed, with line numbers.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from . import identity, keys, writer
from .errors import UsageError
from .findings import Finding, Report
from .loader import discover, load_paper, relpath
from .vocab import Vocabulary

FALLBACK_TAG = "other"
MAX_INPUT_BYTES = 20 * 1024 * 1024

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_URL = re.compile(r"https?://[^\s<>\"'\]\[()（）]+(?:\([^\s()]*\)[^\s<>\"'\]\[()（）]*)*")
# Link text may hold one level of brackets; the URL may hold a stray space ("https://github. com/…").
_MD_LINK = re.compile(
    r"\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*"
    r"(?P<url>[^()\s](?:[^()\s]|\s(?![\s)])|\([^()\s]*\)|\((?![^()\s]*\)))*)\s*\)")
_EMPTY_LINK = re.compile(r"\[[^\[\]]*\]\(\s*\)")
_FULLWIDTH_CLOSE = re.compile(r"(\]\(\s*https?://[^\s)）]*)）")
_BR = re.compile(r"<br\s*/?>", re.I)
_ANCHOR_TAG = re.compile(r"<a\s+name=[^>]*>\s*(?:</a>)?", re.I)
_EMOJI = re.compile(r":[a-z0-9_+-]+:")
# Patterns stay linear on hostile input: no lazy group followed by an optional run of the same
# characters (closing ** and trailing #'s are found with str methods instead).
_HEADING = re.compile(r"^(?P<hashes>#{1,6})(?P<text>.*)$")
_BOLD_NUM = re.compile(r"^(?P<num>\d+)\s*[.、)．]?\s*")
MAX_LINE = 4000  # longer lines are not list entries; they are reported and skipped
_BRACKET_NUM = re.compile(r"^(?:\[(?P<a>\d+)\]|【(?P<b>\d+)】|(?P<c>\d+)\s*[.、)．](?![\d]))\s*(?P<rest>\S.*)$")
_BULLET = re.compile(r"^[-*+•]\s+(?P<rest>.*)$")
_LABEL_LINE = re.compile(r"^(?P<label>[^\s:：\[\]()（）][^:：\[\]()（）]{0,24}?)\s*[:：]\s*(?P<rest>.*)$")
_TRAILING_VENUE = re.compile(
    r"\s*[(（\[]\s*(?:CVPR|ICCV|ECCV|WACV|NeurIPS|ICLR|ICML|AAAI)\s*['’-]?\s*\d{2,4}\s*"
    r"(?:[|｜,，]?\s*(?P<kind>oral|spotlight|poster|workshop|highlight))?\s*[)）\]]\s*$", re.I)
_LEADING_NUM = re.compile(r"^\s*(?:\[\d+\]|【\d+】|\d+\s*[.、)．](?!\d))\s*")
# What may be left on a link line once its links are removed: separators and stray brackets.
_LINK_LEFTOVER = re.compile(r"[|｜/,，;；\s\[\]()（）<>.。、:：\-–—]+")
_SEPARATORS = re.compile(r"[|｜/,，;；\s]+")
_DIGIT_SPLIT = re.compile(r"(?<=[^\W\d_])\d{1,2}(?=\s|$|[,，;；])")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|，|、|;|；|\band\b|&)\s*")
_CATEGORY_SPLIT = re.compile(r"\s*[/／;；+＋、,，]\s*")

# Link labels, folded (see _fold): what a list calls its links.
_PAPER_LABELS = {"paper", "pdf", "arxiv", "论文", "论文链接", "论文地址", "论文下载", "文章", "文章链接", "原文",
                 "链接", "paperlink", "论文pdf"}
_CODE_LABELS = {"code", "代码", "论文代码", "源码", "开源代码", "代码链接", "代码地址", "github", "开源", "model",
                "models", "模型", "repo", "repository", "官方代码", "开源地址"}
_PROJECT_LABELS = {"project", "项目", "项目链接", "项目地址", "项目主页", "主页", "主页地址", "homepage", "page",
                   "website", "projectpage", "网站"}
_VIDEO_LABELS = {"video", "视频", "youtube", "bilibili", "视频链接"}
_READING_LABELS = {"解读", "论文解读", "解读链接", "中文解读", "reading", "blog", "博客", "paperreading"}
_AUTHOR_LABELS = {"作者", "author", "authors"}
_TAG_LABELS = {"标签", "tag", "tags", "类别", "分类", "category", "categories"}
_KNOWN_LABELS = (_PAPER_LABELS | _CODE_LABELS | _PROJECT_LABELS | _VIDEO_LABELS | _READING_LABELS | _AUTHOR_LABELS
                 | _TAG_LABELS)
_REPO_HOSTS = re.compile(r"^(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|gitee\.com|codeberg\.org)$", re.I)
# Level-1 sections that are about the list, not papers in it.
_SKIP_SECTION = re.compile(r"to\s*do|related|contributor|wechat|微信|目录|推荐阅读|相关问题|相关链接|交流群", re.I)


def _fold(label: str) -> str:
    text = unicodedata.normalize("NFKC", _EMOJI.sub("", label)).casefold()
    return re.sub(r"[\W_]+", "", text)


def _cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def _title_like(text: str) -> bool:
    """Mostly Latin words (a paper title), not a Chinese sentence or a single heading word."""
    if len(text) > 600:
        return False  # and keeps the title regexes below off hostile lengths
    core = identity.strip_title_decorations(text)
    words = re.findall(r"[A-Za-z][A-Za-z0-9'’-]*", core)
    return len(words) >= 2 and len(_LATIN.findall(core)) >= 3 * _cjk_count(core) and len(core) <= 400


def _clean_url(url: str) -> str:
    url = re.sub(r"\s*\u0303", "~", url.strip())  # "/ ̃vgg/": a tilde that went through a PDF
    url = re.sub(r"\s+", "", url).strip("<>").replace("\\_", "_").replace("\\-", "-")
    return url.rstrip(".,;:，。；：、'\"")


def _url_ok(url: str) -> bool:
    return bool(re.match(r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$", url)) and len(url) <= 2000


def _is_repo(url: str) -> bool:
    m = re.match(r"^https?://([^/]+)/([^/]+)/([^/?#]+)", url)
    return bool(m and _REPO_HOSTS.match(m.group(1)))


def _clean_text(text: str) -> str:
    text = text.replace("\t", " ").replace("\u3000", " ").replace("**", "")
    return " ".join(text.split())


# -- data ------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One paper (or one reading) as a list wrote it, with the line it starts on."""

    line: int
    title: str = ""
    title_zh: str | None = None
    authors: list[str] = field(default_factory=list)
    arxiv: str | None = None
    paper: str | None = None
    code: list[str] = field(default_factory=list)
    project: str | None = None
    video: str | None = None
    readings: list[dict[str, str]] = field(default_factory=list)
    other: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    presentation: str | None = None
    track: str | None = None
    reading: dict[str, str] | None = None  # set for the entries of a reading section
    extra_arxiv: list[str] = field(default_factory=list)
    has_links: bool = False
    numbered: bool = False

    def add_url(self, url: str, kind: str, label: str = "") -> None:
        """Put a URL where it belongs, by its label and, when the label is wrong, by its shape."""
        url = _clean_url(url)
        if not _url_ok(url):
            return
        self.has_links = True
        aid = identity.arxiv_id(url)
        if aid and kind in ("paper", "code", "project", "bare", "other"):
            if self.arxiv is None:
                self.arxiv = aid
            elif aid != self.arxiv and aid not in self.extra_arxiv:
                self.extra_arxiv.append(aid)
            return
        if kind == "reading":
            # "[解读-Title](url)": the label says what the link is; the rest is the write-up's title
            title = re.sub(r"^(?:论文)?解读\s*[-:：|｜]\s*(?=\S)", "", label)
            self._titled(self.readings, title if title and title != "解读" else "论文解读", url)
            return
        repo = _is_repo(url)
        if kind == "paper":
            if repo and not url.lower().endswith(".pdf"):
                kind = "code"  # "[paper](https://github.com/…)": a mislabelled repository
            elif self.paper is None:
                self.paper = url
                return
            else:
                self._titled(self.other, "paper", url)
                return
        if kind in ("code", "project", "bare") and repo:
            if url not in self.code:
                self.code.append(url)
            return
        if kind == "code":
            self._titled(self.other, label or "code", url)
        elif kind in ("project", "bare"):
            if self.project is None:
                self.project = url
            elif self.project != url:
                self._titled(self.other, label or "link", url)
        elif kind == "video":
            if self.video is None:
                self.video = url
            elif self.video != url:
                self._titled(self.other, label or "video", url)
        else:
            self._titled(self.other, label or "link", url)

    @staticmethod
    def _titled(items: list[dict[str, str]], title: str, url: str) -> None:
        key = writer.url_key(url)
        for item in items:
            if writer.url_key(item["url"]) == key:
                return
        items.append({"title": title, "url": url})


@dataclass
class Unparsed:
    line: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass
class Unmapped:
    line: int
    label: str
    action: str  # what the importer did with it

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "category": self.label, "action": self.action}


@dataclass
class Change:
    path: str
    title: str
    arxiv: str | None
    lines: list[int]
    fields: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "title": self.title, "arxiv": self.arxiv, "lines": self.lines}
        if self.fields:
            out["fields"] = self.fields
        return out


@dataclass
class ImportResult:
    source: str
    venue: str
    year: int
    dry_run: bool
    entries: int = 0
    added: list[Change] = field(default_factory=list)
    merged: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    notes: list[Unparsed] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "venue": self.venue, "year": self.year, "dry_run": self.dry_run,
            "entries": self.entries,
            "added": [c.to_dict() for c in self.added],
            "merged": [c.to_dict() for c in self.merged],
            "unchanged": len(self.unchanged),
            "unparsed": [u.to_dict() for u in self.unparsed],
            "unmapped": [u.to_dict() for u in self.unmapped],
            "notes": [n.to_dict() for n in self.notes],
        }

    def to_report(self) -> Report:
        """The shared findings shape: warnings for what could not be parsed or mapped (never errors:
        an import that skips a line still did its job), the full lists under ``meta.import``."""
        findings = [
            Finding(file=self.source, line=u.line, severity="warning", check="import",
                    message=f"could not parse: {u.reason}: {u.text[:120]}", message_zh="无法解析此行")
            for u in self.unparsed
        ]
        findings += [
            Finding(file=self.source, line=u.line, severity="warning", check="import-category",
                    message=f"category {u.label!r} is not in vocab/tags.yaml: {u.action}",
                    message_zh=f"类别 {u.label!r} 不在 vocab/tags.yaml 中",
                    hint="add it as an alias of a tag in vocab/tags.yaml and import again")
            for u in self.unmapped
        ]
        findings += [Finding(file=self.source, line=n.line, severity="notice", check="import",
                             message=f"{n.reason}: {n.text[:120]}") for n in self.notes]
        return Report(findings, files=1, meta={"import": self.to_dict()})


# -- parsing ---------------------------------------------------------------------------------------


@dataclass
class _Line:
    no: int
    text: str  # <br> and anchors removed, tabs folded, stripped
    kind: str = "text"  # blank heading label links url text
    level: int = 0


@dataclass
class ParseOutput:
    entries: list[Entry]
    unparsed: list[Unparsed]
    unmapped: list[Unmapped]
    notes: list[Unparsed]


class _Parser:
    def __init__(self, text: str, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.lines = [self._classify(i + 1, raw) for i, raw in enumerate(text.splitlines())]
        self.entries: list[Entry] = []
        self.unparsed: list[Unparsed] = []
        self.unmapped: list[Unmapped] = []
        self.notes: list[Unparsed] = []
        self.section = "list"  # list | oral | workshop | reading | skip
        self.categories: dict[int, tuple[str, int]] = {}
        self.current: Entry | None = None
        self.pending: tuple[str, int] | None = None  # a heading that may turn out to be a paper title
        self._unmapped_seen: set[str] = set()
        self.blank_after_entry = False  # a blank line since the current entry started

    # -- line classification -------------------------------------------------------------------

    def _classify(self, no: int, raw: str) -> _Line:
        text = _ANCHOR_TAG.sub("", _BR.sub(" ", raw))
        text = _FULLWIDTH_CLOSE.sub(r"\1)", _EMPTY_LINK.sub("", text)).replace("<>", " ")
        text = text.replace("\t", " ").replace("\u3000", " ").strip()
        line = _Line(no, text)
        if not text:
            line.kind = "blank"
            return line
        if len(text) > MAX_LINE:
            line.kind = "long"
            return line
        m = _HEADING.match(text)
        if m:
            line.kind, line.level = "heading", len(m.group("hashes"))
            line.text = m.group("text").strip().rstrip("#").strip()
            return line
        body = _strip_bullet(_EMOJI.sub("", text)).strip()
        if re.fullmatch(r"<?https?://\S+>?", body):
            line.kind = "url"
            return line
        lm = _LABEL_LINE.match(body)
        if lm and _fold(lm.group("label")) in _KNOWN_LABELS:
            line.kind = "label"
            return line
        if _MD_LINK.search(body):
            rest = _MD_LINK.sub("", body)
            rest = _LABEL_LINE.sub(lambda mm: mm.group("rest") if _fold(mm.group("label")) in _KNOWN_LABELS
                                   else mm.group(0), rest)
            texts = [mm.group("text") for mm in _MD_LINK.finditer(body)]
            if not _LINK_LEFTOVER.sub("", rest) and not _LEADING_NUM.match(body) and (
                    _fold(texts[0]) in _KNOWN_LABELS or _label_kind(_fold(texts[0])) != "other"
                    or all(not _title_like(t) or len(t.split()) <= 3 for t in texts)):
                line.kind = "links"
                return line
        if lm and _URL.match(lm.group("rest").strip()) and len(lm.group("label")) <= 12:
            line.kind = "label"  # an unknown label with a URL ("Colab：https://…") is still a link
        return line

    def _next_kind(self, idx: int) -> str:
        return self.lines[idx + 1].kind if idx + 1 < len(self.lines) else "blank"

    # -- main loop -----------------------------------------------------------------------------

    def run(self) -> ParseOutput:
        for idx, line in enumerate(self.lines):
            kind = line.kind
            if kind == "blank":
                self.blank_after_entry = self.current is not None
                continue
            if kind == "heading":
                self._heading(line)
                continue
            if self.section == "skip":
                continue
            if kind == "long":
                self.unparsed.append(Unparsed(line.no, line.text[:120], f"line longer than {MAX_LINE} characters"))
                continue
            if kind in ("label", "links", "url"):
                self._link_line(line)
                continue
            self._text_line(idx, line)
        self._close()
        return ParseOutput(self.entries, self.unparsed, self.unmapped, self.notes)

    def _close(self) -> None:
        entry = self.current
        self.current = None
        if entry is None:
            return
        if entry.reading is not None:
            if entry.arxiv or entry.title:
                self.entries.append(entry)
            else:
                self.notes.append(Unparsed(entry.line, entry.reading["title"],
                                           "reading names no paper (no arXiv link); not imported"))
            return
        if not entry.title:
            self.unparsed.append(Unparsed(entry.line, self.lines[entry.line - 1].text, "entry without a title"))
            return
        if len(entry.title) > 300:
            self.unparsed.append(Unparsed(entry.line, entry.title[:120], "title longer than 300 characters"))
            return
        if entry.title_zh and len(entry.title_zh) > 300:
            entry.title_zh = None
        if not entry.numbered and not entry.has_links:
            return  # unnumbered text that gathered no link is prose, not a paper
        for aid in entry.extra_arxiv:
            # A paper file has one arXiv id; keep the other link rather than lose it, and say so.
            entry.other.append({"title": "arXiv", "url": f"https://arxiv.org/abs/{aid}"})
            self.notes.append(Unparsed(entry.line, entry.title,
                                       f"a second arXiv id {aid} kept as links.other (first: {entry.arxiv})"))
        self.entries.append(entry)

    def _heading(self, line: _Line) -> None:
        self._close()
        self.pending = None
        text = line.text
        links = list(_MD_LINK.finditer(text))
        if line.level == 1:
            self.categories.clear()
            plain = _LEADING_NUM.sub("", _MD_LINK.sub(lambda m: m.group("text"), text)).strip()
            if re.search(r"\boral\b", plain, re.I):
                self.section = "oral"
            elif re.search(r"workshop", plain, re.I):
                self.section = "workshop"
            elif re.search(r"解读|\breadings?\b", plain, re.I):
                self.section = "reading"
            elif _SKIP_SECTION.search(plain) and (len(plain.split()) <= 4 or not _title_like(plain)):
                self.section = "skip"
            else:
                self.section = "list"
                if _title_like(plain):
                    self.pending = (plain, line.no)
            return
        if self.section == "skip":
            return
        if links and all(m.group("url").startswith("#") for m in links):
            return  # a table of contents entry
        if self.section == "reading" and links:
            self._start_reading(line.no, links[0])
            return
        label = _clean_text(_MD_LINK.sub(lambda m: m.group("text"), text))
        label = _LEADING_NUM.sub("", label).strip()
        if not label:
            return
        for level in [lv for lv in self.categories if lv >= line.level]:
            del self.categories[level]
        self.categories[line.level] = (label, line.no)
        if self.section != "reading" and self._resolve_heading(label) is None and _title_like(label):
            self.pending = (label, line.no)

    def _start_reading(self, no: int, link: re.Match[str]) -> None:
        self._close()
        self.blank_after_entry = False
        title = _clean_text(_LEADING_NUM.sub("", link.group("text"))) or "论文解读"
        entry = Entry(line=no, reading={"title": title, "url": _clean_url(link.group("url"))})
        self.current = entry

    def _text_line(self, idx: int, line: _Line) -> None:
        text = line.text
        bold = _bold_entry(text)
        num = _BRACKET_NUM.match(text)
        bullet = _BULLET.match(text)
        if self.section == "reading":
            body = _LEADING_NUM.sub("", _strip_bullet(text))
            m = _MD_LINK.match(body)
            if (num or bullet or bold or m) and m:
                self._start_reading(line.no, m)
            return
        if bold and (bold[0] or _title_like(bold[1])):
            self._start_entry(line.no, bold[1], after=bold[2], numbered=True)
            return
        if num:
            self._start_entry(line.no, num.group("rest"), numbered=True)
            return
        body = bullet.group("rest").strip() if bullet else text
        m = _MD_LINK.match(body)
        if m and m.group("url").startswith("#"):
            return  # a table of contents entry
        if m:
            title = _LEADING_NUM.sub("", m.group("text"))
            if _title_like(title) and _fold(title) not in _KNOWN_LABELS:
                self._start_entry(line.no, body, numbered=True)
            return
        first = _MD_LINK.search(body)
        if first and first.start() > 0:
            lead = _clean_text(body[:first.start()]).rstrip(" -–—:：|｜,.")
            if _title_like(lead) and all(_label_kind(_fold(mm.group("text"))) != "other"
                                         or len(mm.group("text").split()) <= 2 for mm in _MD_LINK.finditer(body)):
                self._start_entry(line.no, body, numbered=True)  # "- **Title** [paper](…) [code](…)"
                return
        if bullet and not _URL.search(body) and len(body) <= 40 and not _title_like(body):
            # "* 三维点云&重建": a sub-heading one level below the current heading
            self._close()
            self.pending = None
            self.categories[7] = (body.rstrip("：:").strip(), line.no)  # below any ###### heading
            return
        # A plain line right above a link line is a title ("Title(中文)<br>" then "[paper](…)").
        if (self._next_kind(idx) in ("label", "links", "url") and _title_like(body)
                and (self.current is None or self.current.has_links or self.blank_after_entry)
                and not self._pending_waiting()):
            self._start_entry(line.no, body, numbered=False)

    def _pending_waiting(self) -> bool:
        return self.pending is not None and self.current is None

    def _start_entry(self, no: int, raw: str, *, after: str = "", numbered: bool) -> None:
        self._close()
        self.pending = None
        self.blank_after_entry = False
        entry = Entry(line=no, numbered=numbered)
        if self.section == "oral":
            entry.presentation = "oral"
        elif self.section == "workshop":
            entry.track = "workshop"
        raw = _clean_text(raw)
        # A title given as link text: "[12. Title](url) | [code](…)".
        links = list(_MD_LINK.finditer(raw))
        if links and links[0].start() == 0:
            title_part = _LEADING_NUM.sub("", links[0].group("text"))
            entry.add_url(links[0].group("url"), "paper")
            for m in links[1:]:
                self._apply_link(entry, m.group("text"), m.group("url"))
            rest = raw[links[0].end():]
            rest = _MD_LINK.sub("", rest)
            after = (after + " " + _SEPARATORS.sub(" ", rest)).strip()
        else:
            title_part = raw
            for m in links:  # "Title [paper](…)" on one line
                self._apply_link(entry, m.group("text"), m.group("url"))
            title_part = _MD_LINK.sub("", title_part)
            for url in _URL.findall(title_part):
                entry.add_url(url, "bare")
            title_part = _URL.sub("", title_part)
        title_part = _LEADING_NUM.sub("", title_part).strip().strip("|｜").strip()
        labels: list[str] = []
        title, zh, more = self._split_title(title_part)
        labels += more
        entry.title, entry.title_zh = title, zh
        if zh and re.match(r"^\s*oral\s*[|｜:：]", zh, re.I):
            entry.presentation = "oral"
            entry.title_zh = re.sub(r"^\s*oral\s*[|｜:：]\s*", "", zh, flags=re.I) or None
        after = _clean_text(_EMOJI.sub("", after))
        if after:
            labels += [p for p in _CATEGORY_SPLIT.split(after.strip("()（）[]【】 ")) if p]
        self._assign_tags(entry, labels, no)
        self.current = entry

    def _split_title(self, text: str) -> tuple[str, str | None, list[str]]:
        """Title, Chinese translation, and category labels found in trailing brackets."""
        text = _clean_text(text)
        labels: list[str] = []
        zh: str | None = None
        for _ in range(3):
            inner, rest = _trailing_bracket(text)
            if inner is None or not _CJK.search(inner):
                break
            parts = [p for p in _CATEGORY_SPLIT.split(inner.strip()) if p]
            if all(self._resolve(p) for p in parts) or (len(inner) <= 12 and re.search(r"[/；;]", inner)):
                labels += parts  # "（三维/语义分割）", "（数据集）": categories, not a translation
            elif zh is None:
                zh_text = inner.strip()
                m = re.match(r"^((?:(?:【[^】]*】|\[[^\]]*\])\s*)+)(.*)$", zh_text)
                if m:  # "【线段检测】…": a category inside the translation, not part of it
                    labels += [p for p in re.findall(r"[【\[]([^】\]]*)[】\]]", m.group(1)) if self._resolve(p)]
                    zh_text = m.group(2).strip()
                # 【】 inside a translation only highlight words ("用于【医学图像分割】的…"): keep the words.
                zh_text = zh_text.replace("【", "").replace("】", "").lstrip("：:，,;； ").strip()
                zh = zh_text or None
            text = rest
        m = _TRAILING_VENUE.search(text)
        if m:  # "Title (CVPR 2021 Oral)": the venue is known already; the oral is kept as a label
            labels += ["oral"] if m.group("kind") and m.group("kind").lower() == "oral" else []
            text = text[:m.start()]
        text = re.sub(r"[\s:：|｜\-–—]+$", "", text).strip()
        if zh and not _CJK.search(zh):
            zh = None
        return text, zh, labels

    def _resolve(self, label: str) -> str | None:
        return self.vocab.resolve_tag(label) if label.strip() else None

    def _resolve_heading(self, label: str) -> str | None:
        """A bilingual heading tried whole, then its Chinese and English halves, then piece by piece."""
        tries = [label]
        m = re.match(r"^(?P<outer>[^(（]*)[(（](?P<inner>.*)[)）]?\s*$", label)
        if m:
            tries += [m.group("outer"), m.group("inner").rstrip(")）")]
        for t in list(tries):
            tries += _CATEGORY_SPLIT.split(t)
        for t in tries:
            tag = self._resolve(t)
            if tag:
                return tag
        return None

    def _assign_tags(self, entry: Entry, inline: list[str], no: int) -> None:
        labels = [(lbl, no) for lbl in inline]
        if not labels and self.categories:
            labels = [self.categories[max(self.categories)]]
        for label, line_no in labels:
            low = label.casefold()
            if re.search(r"\boral\b", low):
                entry.presentation = "oral"
                continue
            if "workshop" in low:
                entry.track = "workshop"
                continue
            tag = self._resolve(label) or self._resolve_heading(label)
            if tag:
                if tag not in entry.tags:
                    entry.tags.append(tag)
            else:
                key = f"{line_no}:{label}"
                if key not in self._unmapped_seen:
                    self._unmapped_seen.add(key)
                    self.unmapped.append(Unmapped(line_no, label, "no tag for it"))
                entry.tags.append("?" + label)  # decided once all labels are known (see _finish_tags)

    # -- link lines ----------------------------------------------------------------------------

    def _link_line(self, line: _Line) -> None:
        entry = self.current
        if entry is None and self.pending is not None and self._looks_like_paper_link(line):
            # "# Title" followed by its links: the heading was a paper, not a category.
            title, no = self.pending
            self.pending = None
            for level, (label, _) in list(self.categories.items()):
                if label == title:
                    del self.categories[level]
            self._start_entry(no, title, numbered=True)
            entry = self.current
        if entry is None:
            if self.section in ("list", "oral", "workshop") and self._looks_like_paper_link(line):
                self.unparsed.append(Unparsed(line.no, line.text, "link outside any entry"))
            return
        body = _strip_bullet(_EMOJI.sub("", line.text)).strip()
        if line.kind == "url":
            entry.add_url(body.strip("<>"), "reading" if entry.reading is not None else "bare")
            return
        if line.kind == "label":
            m = _LABEL_LINE.match(body)
            assert m is not None
            label, rest = m.group("label").strip(), m.group("rest").strip()
            # "论文链接：论文地址：https://…": one label too many
            while True:
                m2 = _LABEL_LINE.match(rest)
                if m2 and _fold(m2.group("label")) in _KNOWN_LABELS and not _URL.match(rest):
                    rest = m2.group("rest").strip()
                else:
                    break
            self._labelled(entry, label, rest, line.no)
            return
        # A line of Markdown links, maybe after a label: "解读：[title](url)", "[paper](…) | [code](…)".
        lm = _LABEL_LINE.match(body)
        prefix = _fold(lm.group("label")) if lm and not body.startswith("[") else ""
        for m in _MD_LINK.finditer(body):
            if prefix in _READING_LABELS:
                entry.add_url(m.group("url"), "reading", _clean_text(m.group("text")) or "论文解读")
            else:
                self._apply_link(entry, m.group("text"), m.group("url"))

    @staticmethod
    def _looks_like_paper_link(line: _Line) -> bool:
        """A link a paper entry would have (a known label, an arXiv or repository URL), as opposed to the
        navigation and "related questions" links lists carry around their entries."""
        body = _strip_bullet(_EMOJI.sub("", line.text)).strip()
        if line.kind == "label":
            m = _LABEL_LINE.match(body)
            return bool(m and _fold(m.group("label")) in _KNOWN_LABELS)
        if line.kind == "url":
            return identity.arxiv_id(body) is not None or _is_repo(body.strip("<>"))
        return any(_fold(m.group("text")) in _KNOWN_LABELS for m in _MD_LINK.finditer(body))

    def _labelled(self, entry: Entry, label: str, rest: str, no: int) -> None:
        folded = _fold(label)
        if folded in _AUTHOR_LABELS:
            if not entry.authors:
                entry.authors = parse_authors(rest)
            return
        if folded in _TAG_LABELS:
            parts = [p for p in re.split(r"\s*[+＋/、,，;；]\s*", _clean_text(rest)) if p]
            self._assign_tags(entry, parts, no)
            return
        links = list(_MD_LINK.finditer(rest))
        urls = [m.group("url") for m in links] or _URL.findall(rest)
        kind = _label_kind(folded)
        for i, url in enumerate(urls):
            title = _clean_text(links[i].group("text")) if links else ""
            if kind == "reading":
                entry.add_url(url, "reading", title or _clean_text(label))
            else:
                entry.add_url(url, kind, _clean_text(label))

    def _apply_link(self, entry: Entry, text: str, url: str) -> None:
        url = _clean_url(url)
        if url.startswith("#"):
            return
        kind = _label_kind(_fold(text))
        label = _clean_text(_EMOJI.sub("", text))
        entry.add_url(url, kind, label)


def _label_kind(folded: str) -> str:
    """What a link label means; compound labels ("dataset&code", "code&project") by their first known part."""
    if folded in _PAPER_LABELS:
        return "paper"
    if folded in _CODE_LABELS or folded.startswith("开源") or "代码" in folded or "code" in folded:
        return "code"
    if folded in _PROJECT_LABELS or "主页" in folded or "project" in folded or "项目" in folded:
        return "project"
    if folded in _VIDEO_LABELS or "video" in folded or "视频" in folded:
        return "video"
    if folded in _READING_LABELS or "解读" in folded:
        return "reading"
    if folded.startswith("paper") or folded.startswith("论文"):
        return "paper"
    return "other"


def _bold_entry(text: str) -> tuple[str | None, str, str] | None:
    """``**12. Title**（类别）`` → ("12", "Title", "（类别）"), or None."""
    if not text.startswith("**"):
        return None
    end = text.find("**", 2)
    if end < 0:
        return None
    inner = text[2:end].strip()
    m = _BOLD_NUM.match(inner)
    num = m.group("num") if m else None
    title = inner[m.end():] if m else inner
    if not title.strip():
        return None
    return num, title.strip(), text[end + 2:]


def _strip_bullet(text: str) -> str:
    m = _BULLET.match(text)
    return m.group("rest") if m else text


def _trailing_bracket(text: str) -> tuple[str | None, str]:
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


def parse_authors(text: str) -> list[str]:
    """Author names without affiliation digits ("Qi Tian1" → "Qi Tian"), split on , ， 、 and "and"."""
    text = re.sub(r"\s+(?=[\u0300-\u036f])", "", _clean_text(text))  # "Scho ̈nberger" → "Schönberger"
    text = unicodedata.normalize("NFC", text)
    text = _DIGIT_SPLIT.sub(",", text)
    text = re.sub(r"[*†‡§¶#]+(?=\s|,|$)", "", text)
    names: list[str] = []
    for part in _AUTHOR_SPLIT.split(text):
        name = part.strip(" .;；")
        if name and name not in names and len(name) <= 100 and _LATIN.search(name + "a") and not _URL.search(name):
            names.append(name)
    return names


def parse_list(text: str, vocab: Vocabulary) -> ParseOutput:
    """Parse a list's text into entries (no files are touched)."""
    out = _Parser(text, vocab).run()
    for entry in out.entries:
        _finish_tags(entry)
    return out


def _finish_tags(entry: Entry) -> None:
    """Unmapped labels ("?label") become the fallback tag only when nothing else mapped."""
    known = [t for t in entry.tags if not t.startswith("?")]
    if len(known) < len(entry.tags) and not known:
        known = [FALLBACK_TAG]
    entry.tags = known


# -- merging entries into records --------------------------------------------------------------------


@dataclass
class Record:
    """One paper as the import knows it: the union of every entry that names it."""

    paper: dict[str, Any]
    lines: list[int]
    readings_only: bool = False


def _new_links() -> dict[str, Any]:
    return {"paper": None, "code": [], "project": None, "video": None, "readings": [], "other": []}


def _entry_paper(entry: Entry, venue: str, year: int) -> dict[str, Any]:
    return {
        "title": entry.title, "title_zh": entry.title_zh, "authors": list(entry.authors), "venue": venue,
        "year": year, "track": entry.track, "presentation": entry.presentation, "arxiv": entry.arxiv,
        "links": {"paper": entry.paper, "code": list(entry.code), "project": entry.project, "video": entry.video,
                  "readings": list(entry.readings), "other": list(entry.other)},
        "tags": list(entry.tags),
    }


def _absorb(paper: dict[str, Any], other: dict[str, Any]) -> None:
    """In-memory union of two views of one paper (first value wins, lists are unions)."""
    for key in ("title_zh", "track", "presentation", "arxiv"):
        if not paper.get(key) and other.get(key):
            paper[key] = other[key]
    if not paper.get("authors") and other.get("authors"):
        paper["authors"] = list(other["authors"])
    tags = [t for t in paper["tags"] if t != FALLBACK_TAG]
    for t in other["tags"]:
        if t != FALLBACK_TAG and t not in tags:
            tags.append(t)
    paper["tags"] = tags or ([FALLBACK_TAG] if (paper["tags"] or other["tags"]) else [])
    links, new = paper["links"], other["links"]
    known = {writer.url_key(u) for u in [links["paper"], links["project"], links["video"], *links["code"]] if u}
    known |= {writer.url_key(i["url"]) for i in links["readings"] + links["other"]}
    for key in ("paper", "project", "video"):
        url = new.get(key)
        if url and writer.url_key(url) not in known:
            if links[key] is None:
                links[key] = url
            else:
                links["other"].append({"title": key, "url": url})
            known.add(writer.url_key(url))
    for url in new["code"]:
        if writer.url_key(url) not in known:
            links["code"].append(url)
            known.add(writer.url_key(url))
    for key in ("readings", "other"):
        for item in new[key]:
            k = writer.url_key(item["url"])
            if k not in known:
                links[key].append(dict(item))
                known.add(k)
            elif key == "readings":
                _better_reading_title(links["readings"], item)


def _better_reading_title(readings: list[dict[str, str]], item: dict[str, str]) -> None:
    # A bare "论文解读：url" gets the write-up's real title when another entry gives it.
    for r in readings:
        if writer.url_key(r["url"]) == writer.url_key(item["url"]) and r["title"] in ("论文解读", "解读") \
                and item["title"] not in ("论文解读", "解读"):
            r["title"] = item["title"]


def group_entries(entries: list[Entry], venue: str, year: int) -> tuple[list[Record], list[Entry]]:
    """Merge entries naming the same paper (arXiv id first, then normalized title).

    Returns the paper records and the reading entries whose paper is not in this list.
    """
    records: list[Record] = []
    by_arxiv: dict[str, Record] = {}
    by_title: dict[str, Record] = {}
    readings: list[Entry] = []
    for entry in entries:
        if entry.reading is not None:
            readings.append(entry)
            continue
        rec = _find(entry.arxiv, entry.title, by_arxiv, by_title)
        view = _entry_paper(entry, venue, year)
        if rec is None:
            rec = Record(view, [entry.line])
            records.append(rec)
        else:
            _absorb(rec.paper, view)
            rec.lines.append(entry.line)
        _index(rec, by_arxiv, by_title)
    orphans: list[Entry] = []
    for entry in readings:
        rec = _find(entry.arxiv, entry.title, by_arxiv, by_title)
        if rec is None:
            orphans.append(entry)
            continue
        assert entry.reading is not None
        view = _reading_view(entry, venue, year)
        _absorb(rec.paper, view)
        rec.lines.append(entry.line)
    return records, orphans


def _reading_view(entry: Entry, venue: str, year: int) -> dict[str, Any]:
    assert entry.reading is not None
    view = _entry_paper(entry, venue, year)
    view["links"]["readings"] = [dict(entry.reading), *view["links"]["readings"]]
    return view


def title_keys(title: str) -> list[str]:
    """The normalized title, and (as a second key) the title without a short "Name:" prefix.

    Lists drop the method name now and then: "Inverting the Inherence of Convolution…" is
    "Involution: Inverting the Inherence of Convolution…" listed elsewhere without its name.
    """
    norm = identity.normalize_title(title) if title else ""
    if not norm:
        return []
    keys_ = [norm]
    core = identity.strip_title_decorations(title)
    m = re.match(r"^\s*([^:：]{1,40})[:：]\s*(\S.*)$", core)
    if m and len(m.group(1).split()) <= 3:
        tail = identity.normalize_title(m.group(2))
        if len(tail.split()) >= 4:
            keys_.append(tail)
    return keys_


def _find(arxiv: str | None, title: str, by_arxiv: dict[str, Record], by_title: dict[str, Record]) -> Record | None:
    if arxiv and arxiv in by_arxiv:
        return by_arxiv[arxiv]
    for key in title_keys(title):
        rec = by_title.get(key)
        if rec is None:
            continue
        if arxiv and rec.paper.get("arxiv") and rec.paper["arxiv"] != arxiv:
            continue  # same title, different arXiv ids: two papers, let the duplicate check decide
        return rec
    return None


def _index(rec: Record, by_arxiv: dict[str, Record], by_title: dict[str, Record]) -> None:
    if rec.paper.get("arxiv"):
        by_arxiv.setdefault(rec.paper["arxiv"], rec)
    for key in title_keys(rec.paper["title"]):
        by_title.setdefault(key, rec)


# -- the papers/ side --------------------------------------------------------------------------------


@dataclass
class _Existing:
    by_arxiv: dict[str, Path] = field(default_factory=dict)
    by_title: dict[tuple[str, str], Path] = field(default_factory=dict)  # (folder, normalized title)
    paths: set[str] = field(default_factory=set)


def _scan(root: Path) -> _Existing:
    ex = _Existing()
    paths, _ = discover(root)
    for path in paths:
        ex.paths.add(relpath(path, root))
        pf = load_paper(path, root)
        if not pf.parsed:
            continue
        data = pf.data
        raw_arxiv = data.get("arxiv")
        aid = identity.arxiv_id(str(raw_arxiv)) if raw_arxiv is not None else None
        if aid:
            ex.by_arxiv.setdefault(aid, path)
        if isinstance(data.get("title"), str):
            for key in title_keys(data["title"]):
                ex.by_title.setdefault((path.parent.name, key), path)
    return ex


def _free_path(root: Path, venue: str, year: int, title: str, taken: set[str]) -> str:
    def used(rel: str) -> bool:
        return rel in taken or os.path.lexists(root / rel)  # a dangling symlink is taken too

    base = keys.expected_path(venue, year, title)
    if not used(base):
        return base
    stem = base.removesuffix(".yaml")
    n = 2
    while used(f"{stem}-{n}.yaml"):
        n += 1
    return f"{stem}-{n}.yaml"


def _check_writable(root: Path, folder: str) -> None:
    """Never write through a symbolic link: papers/ and its venue folder must be real folders."""
    for d in (root / "papers", root / "papers" / folder):
        if d.is_symlink():
            raise UsageError(f"{relpath(d, root)} is a symbolic link; refusing to write through it")
        if d.exists() and not d.is_dir():
            raise UsageError(f"{relpath(d, root)} is not a folder")


def _clean_paper(paper: dict[str, Any]) -> dict[str, Any]:
    """Drop empty fields, cap lists at what the schema allows, make sure there is a tag."""
    out = {k: v for k, v in paper.items() if v not in (None, "", [])}
    links = {k: v for k, v in paper["links"].items() if v}
    for key, cap in (("code", 20), ("readings", 50), ("other", 20)):
        if key in links:
            links[key] = links[key][:cap]
    out["links"] = links
    out["tags"] = (paper.get("tags") or [FALLBACK_TAG])[:10]
    if out.get("authors"):
        out["authors"] = out["authors"][:200]
    return out


def import_list(root: Path, path: Path, venue: str, year: int, dry_run: bool = False) -> ImportResult:
    """Import one hand-written list into ``root/papers/``; with ``dry_run`` nothing is written.

    >>> result = import_list(Path("."), Path("list.md"), "CVPR", 2021, dry_run=True)  # doctest: +SKIP
    >>> [c.path for c in result.added][:1]  # doctest: +SKIP
    ['papers/cvpr2021/you-only-look-one-level-feature.yaml']
    """
    root = Path(root)
    vocab = Vocabulary.load(root)
    canonical = vocab.resolve_venue(venue) if venue not in vocab.venues else venue
    if canonical is None:
        raise UsageError(f"unknown venue {venue!r}; known: {', '.join(vocab.venues)}")
    if not 1980 <= year <= 2099:
        raise UsageError(f"year {year} is out of range")
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise UsageError(f"{path}: cannot read: {e.strerror}") from e
    if len(raw) > MAX_INPUT_BYTES:
        raise UsageError(f"{path}: larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB; is this a paper list?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UsageError(f"{path}: not UTF-8 text (byte {e.start})") from e

    source = relpath(Path(path), root)
    result = ImportResult(source=source, venue=canonical, year=year, dry_run=dry_run)
    parsed = parse_list(text, vocab)
    result.unparsed, result.unmapped, result.notes = parsed.unparsed, parsed.unmapped, parsed.notes
    for u in result.unmapped:
        u.action = f"tagged {FALLBACK_TAG!r} when the entry has no other category, else left out"
    result.entries = sum(1 for e in parsed.entries if e.reading is None)
    records, orphans = group_entries(parsed.entries, canonical, year)

    existing = _scan(root)
    folder = keys.folder_name(canonical, year)
    if not dry_run:
        _check_writable(root, folder)
    taken = set(existing.paths)
    for entry in orphans:
        assert entry.reading is not None
        target = existing.by_arxiv.get(entry.arxiv or "")
        if target is not None:
            rec = Record(_reading_view(entry, canonical, year), [entry.line], readings_only=True)
            records.append(rec)
            continue
        records.append(_orphan_record(entry, canonical, year, result))

    for rec in records:
        paper = _clean_paper(rec.paper)
        target = None
        if paper.get("arxiv"):
            target = existing.by_arxiv.get(paper["arxiv"])
        if target is None and not rec.readings_only:
            for key in title_keys(paper["title"]):
                target = existing.by_title.get((folder, key))
                if target is not None and paper.get("arxiv"):
                    pf = load_paper(target, root)
                    other_id = pf.data.get("arxiv") if pf.parsed else None
                    if other_id and identity.arxiv_id(str(other_id)) != paper["arxiv"]:
                        target = None  # same title, another arXiv id: a different paper
                if target is not None:
                    break
        if target is not None:
            _merge_existing(root, target, paper, rec, result, dry_run=dry_run)
            continue
        rel = _free_path(root, canonical, year, paper["title"], taken)
        taken.add(rel)
        text_out = writer.dump(writer.build(paper))
        if not dry_run:
            writer.write_atomic(root / rel, text_out)
        result.added.append(Change(rel, paper["title"], paper.get("arxiv"), sorted(rec.lines)))
        if paper.get("arxiv"):
            existing.by_arxiv[paper["arxiv"]] = root / rel
        for key in title_keys(paper["title"]):
            existing.by_title.setdefault((folder, key), root / rel)
    return result


def _orphan_record(entry: Entry, venue: str, year: int, result: ImportResult) -> Record:
    """A reading whose paper appears nowhere else: the paper is still recorded, under the best
    title the reading gives (its own link text), so that its arXiv id is not lost. A later
    import that lists the paper properly merges into it by arXiv id."""
    assert entry.reading is not None
    view = _reading_view(entry, venue, year)
    reading_title = entry.reading["title"]
    title = _latin_name(reading_title) or f"arXiv:{entry.arxiv}"
    view["title"] = title
    if _CJK.search(reading_title):
        view["title_zh"] = view.get("title_zh") or reading_title
    result.notes.append(Unparsed(entry.line, reading_title,
                                 f"reading names arXiv {entry.arxiv}, listed nowhere else; recorded as {title!r}"))
    return Record(view, [entry.line])


def _latin_name(text: str) -> str | None:
    """The English title inside a reading title, when it carries one ("Statistical Texture Learning")."""
    core = re.sub(r"^(?:CVPR\s*\d{4}\s*[|｜:：]\s*)", "", text, flags=re.I).strip()
    return core if _title_like(core) and not _CJK.search(core) else None


def _merge_existing(root: Path, target: Path, paper: dict[str, Any], rec: Record, result: ImportResult, *,
                    dry_run: bool) -> None:
    rel = relpath(target, root)
    try:
        original = target.read_text(encoding="utf-8")
        doc = writer.load_rt(original)
    except Exception as e:  # a broken hand-edited file is reported, never rewritten
        result.unparsed.append(Unparsed(rec.lines[0], paper.get("title", ""),
                                        f"{rel} could not be read for merging ({type(e).__name__}); left alone"))
        return
    if not isinstance(doc, CommentedMap):
        result.unparsed.append(Unparsed(rec.lines[0], paper.get("title", ""), f"{rel} is not a mapping; left alone"))
        return
    if rec.readings_only:
        paper = {**paper, "tags": [], "title_zh": None, "presentation": None, "track": None}
    added = writer.merge_into(doc, paper)
    change = Change(rel, str(doc.get("title", paper.get("title", ""))), paper.get("arxiv"), sorted(rec.lines), added)
    if not added:
        result.unchanged.append(change)
        return
    text_out = writer.dump(doc)
    if text_out != original and not dry_run:
        writer.write_atomic(target, text_out)
    result.merged.append(change)

