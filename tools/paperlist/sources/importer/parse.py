"""From a list's text to entries, with a ledger line for every non-blank line.

Rather than one grammar per style, each line (part) is classified (``lexer.py``) and entries
collect the lines that follow them; tables (``markdown.py``) give one entry a row. What to skip
is decided by content: a table of contents is a run of ``#anchor`` links, navigation is links
that name no paper, prose is text that starts no entry; nothing is skipped because of a
heading's wording, and a skipped line that holds a paper id is reported by the ledger and the
recall guard.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from paperlist.domain import ANNOTATION_WORDS, PRESENTATION_WORDS
from paperlist.sources.importer import lexer, markdown, precision, urls
from paperlist.sources.importer.ledger import FIELD, SKIPPED, STRUCTURE, Ledger
from paperlist.sources.importer.lexer import (
    CJK,
    LATIN,
    LEADING_NUM,
    MD_LINK,
    URL,
    Line,
    clean_text,
    fold,
    is_label,
    strip_bullet,
    title_like,
    trailing_bracket,
)
from paperlist.sources.importer.model import SourceEntry, Unmapped, Unparsed
from paperlist.sources.importer.recall import ids_in

_CATEGORY_SPLIT = re.compile(r"\s*[/／;；+＋、,，]\s*")
_TRAILING_VENUE = re.compile(
    r"\s*[(（\[]\s*(?:CVPR|ICCV|ECCV|WACV|NeurIPS|ICLR|ICML|AAAI)\s*['’-]?\s*\d{2,4}\s*"
    rf"(?:[|｜,，]?\s*(?P<kind>{ANNOTATION_WORDS}))?\s*[)）\]]\s*$", re.I)
_PRESENTATION = re.compile(rf"^\s*({PRESENTATION_WORDS})(?:\s+(?:paper|presentation))?\s*$", re.I)
_INLINE_LABEL = re.compile(r"\s(?P<label>[^\s:：]{1,12})\s*[:：]\s*(?=https?://)")
_DIGIT_SPLIT = re.compile(r"(?<=[^\W\d_])\d{1,2}(?=\s|$|[,，;；])")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|，|、|;|；|\band\b|&)\s*")


@dataclass
class ParseOutput:
    entries: list[SourceEntry]
    unparsed: list[Unparsed]
    notes: list[Unparsed]
    ledger: Ledger
    unmapped: list[Unmapped] = field(default_factory=list)


Resolver = Callable[[str], "str | None"]


class Parser:
    def __init__(self, text: str, source: str, resolve: Resolver, *, markdown_input: bool,
                 section: str | None = None, refused: dict[int, str] | None = None) -> None:
        self.source = source
        self.resolve = resolve
        raw_lines = text.split("\n")
        self.ledger = Ledger([ln.rstrip("\r") for ln in raw_lines])
        self.lines: list[Line] = []
        blocks = markdown.Blocks()
        refused = refused or {}
        if markdown_input:
            safe = "\n".join("" if len(ln) > lexer.MAX_LINE or i in refused else ln
                             for i, ln in enumerate(self.ledger.source_lines, 1))
            blocks = markdown.scan(safe)
        self.rows = blocks.rows
        for no, raw in enumerate(self.ledger.source_lines, 1):
            if no in refused:
                self.lines.append(Line(no, refused[no], "refused"))
                continue
            role = blocks.roles.get(no)
            if role:
                self.lines.append(Line(no, raw.strip(), role))
                continue
            if not raw.strip():
                self.lines.append(Line(no, "", "blank"))
                continue
            if len(raw) > lexer.MAX_LINE:
                self.lines.append(Line(no, raw[:120], "long"))
                continue
            parts = lexer.split_parts(raw)
            if not parts:
                self.lines.append(Line(no, raw.strip(), "markup"))
            self.lines.extend(lexer.classify(no, p) for p in parts)
        self.entries: list[SourceEntry] = []
        self.unparsed: list[Unparsed] = []
        self.notes: list[Unparsed] = []
        self.section = "list"  # list | oral | workshop | reading
        self.categories: dict[int, tuple[str, int]] = {}
        if section:
            self.categories[0] = (section, 0)  # a file of a folder: its name is its section
        self.current: SourceEntry | None = None
        self.pending: tuple[str, int] | None = None  # a heading that may turn out to be a paper title
        # Names the list's own table of contents links to: a heading with one of them is a
        # category, never a paper title, even when no tag is mapped to it yet.
        self.toc_names: set[str] = set()
        self.blank_after_entry = False
        self.headings = precision.Headings(self.ledger.source_lines)

    # -- helpers -------------------------------------------------------------------------------------

    def _mark(self, no: int, status: str, why: str) -> None:
        self.ledger.mark(no, status, why)

    def _skip(self, line: Line, why: str, *, report: bool = False) -> None:
        self._mark(line.no, SKIPPED, why)
        if report:
            self.unparsed.append(Unparsed(self.source, line.no, line.text[:200], why))

    def _next_kind(self, idx: int) -> str:
        for nxt in self.lines[idx + 1:idx + 2]:
            return nxt.kind
        return "blank"

    def _take(self, line: Line) -> None:
        if self.current is not None:
            self.current.lines.append(line.no)

    # -- main loop -----------------------------------------------------------------------------------

    def run(self) -> ParseOutput:
        for idx, line in enumerate(self.lines):
            kind = line.kind
            if kind == "blank":
                self.blank_after_entry = self.current is not None
                continue
            if kind == "heading":
                self._heading(line)
            elif kind == "table-row":
                self._table_row(line)
            elif kind == "table-head":
                self._mark(line.no, STRUCTURE, "table header")
            elif kind == "html":
                has_ids = any(True for _ in ids_in(line.text))
                if has_ids:
                    self._skip(line, "raw HTML holding paper links (not read)", report=True)
                else:
                    self._mark(line.no, STRUCTURE, "HTML (navigation, anchors, badges)")
            elif kind == "comment":
                self._skip(line, "HTML comment (hidden in the list)")
            elif kind == "code":
                self._skip(line, "code block")
            elif kind == "refused":
                self._skip(line, line.text, report=True)
            elif kind == "long":
                self._skip(line, f"line longer than {lexer.MAX_LINE} characters", report=True)
            elif kind == "markup":
                self._mark(line.no, STRUCTURE, "markup only (anchors, line breaks)")
            elif kind == "toc":
                self.toc_names.update(clean_text(LEADING_NUM.sub("", m.group("text")))
                                      for m in MD_LINK.finditer(line.text))
                self._mark(line.no, STRUCTURE, "table of contents")
            elif kind == "badges":
                self._take(line) if self.current is not None and not self.blank_after_entry else None
                self._mark(line.no, STRUCTURE, "images and badges")
            elif kind in ("label", "links", "url"):
                self._link_line(line)
            elif kind == "marker":
                self._marker(line)
            else:
                self._text_line(idx, line)
        self._close()
        return ParseOutput(self.entries, self.unparsed, self.notes, self.ledger)

    def _close(self) -> None:
        entry = self.current
        self.current = None
        if entry is None:
            return
        why = self._drop_reason(entry)
        if why is None:
            why = precision.judge(entry, self.ledger.source_lines[entry.line - 1], self.headings,
                                  toc_names=self.toc_names, resolve=self.resolve)
            if why is not None:  # every refused entry is reported with its line, links or not
                self.unparsed.append(Unparsed(self.source, entry.line, entry.title[:200], why))
                for no in entry.lines:
                    self._mark(no, SKIPPED, why)
                return
        for no in entry.lines:
            self._mark(no, SKIPPED if why else FIELD, why or f"entry at line {entry.line}")
        if why:
            if any(True for no in entry.lines for _ in ids_in(self.ledger.source_lines[no - 1])):
                self.unparsed.append(Unparsed(self.source, entry.line,
                                              self.ledger.source_lines[entry.line - 1][:200], why))
            return
        for note in entry.keep_extra_arxiv():
            self.notes.append(Unparsed(self.source, entry.line, entry.title, note))
        self.entries.append(entry)

    def _drop_reason(self, entry: SourceEntry) -> str | None:
        if entry.reading is not None:
            return None if (entry.arxiv or entry.title) else "a reading that names no paper"
        if not entry.title:
            return "entry without a title"
        if len(entry.title) > 300:
            return "title longer than 300 characters"
        if entry.title_zh and len(entry.title_zh) > 300:
            entry.title_zh = None
        if not entry.numbered and not entry.has_links:
            return "prose (text that gathered no link)"
        if not entry.has_links and not title_like(entry.title):
            return "numbered text that is not a paper title and has no link"
        if entry.title_link and not (entry.arxiv or entry.paper or entry.code or entry.project or entry.video):
            return "a link to a write-up or page, not a paper"
        return None

    # -- headings ------------------------------------------------------------------------------------

    def _heading(self, line: Line) -> None:
        self._close()
        self.pending = None
        text = line.text
        links = list(MD_LINK.finditer(text))
        if links and all(m.group("url").startswith("#") for m in links):
            self._mark(line.no, STRUCTURE, "table of contents")
            return
        self._mark(line.no, STRUCTURE, "heading")
        plain = clean_text(LEADING_NUM.sub("", MD_LINK.sub(lambda m: m.group("text"), text)))
        if line.level == 1:
            self.categories = {k: v for k, v in self.categories.items() if k == 0}
            if re.search(r"\boral\b", plain, re.I):
                self.section = "oral"
            elif re.search(r"workshop", plain, re.I):
                self.section = "workshop"
            elif re.search(r"解读|\breadings?\b", plain, re.I) and not title_like(plain):
                self.section = "reading"
            else:
                self.section = "list"
                if title_like(plain) and self._resolve_heading(plain) is None and plain not in self.toc_names:
                    self.pending = (plain, line.no)
                    return
            if self.section == "list" and plain:
                self.categories[1] = (plain, line.no)
            return
        if self.section == "reading" and links:
            self._start_reading(line, links[0])
            return
        if not plain:
            return
        for level in [lv for lv in self.categories if lv >= line.level]:
            del self.categories[level]
        self.categories[line.level] = (plain, line.no)
        if (self.section != "reading" and self._resolve_heading(plain) is None and title_like(plain)
                and plain not in self.toc_names):
            self.pending = (plain, line.no)

    def _start_reading(self, line: Line, link: re.Match[str]) -> None:
        self._close()
        self.blank_after_entry = False
        title = clean_text(LEADING_NUM.sub("", link.group("text"))) or "论文解读"
        entry = SourceEntry(self.source, line.no, reading={"title": title, "url": urls.clean_url(link.group("url"))})
        entry.lines.append(line.no)
        self.current = entry

    # -- tables --------------------------------------------------------------------------------------

    def _table_row(self, line: Line) -> None:
        self._close()
        self.pending = None
        row = self.rows.get(line.no)
        if row is None:
            self._skip(line, "table row")
            return
        title_col = next((i for i, h in enumerate(row.header)
                          if re.search(r"title|标题|名称|paper\s*name", h, re.I)), None)
        candidates = [title_col] if title_col is not None and title_col < len(row.cells) else range(len(row.cells))
        title, title_cell = "", -1
        for i in candidates:
            cell = row.cells[i]
            text = clean_text(lexer.EMOJI.sub("", cell.text))
            if not text and cell.links and not is_label(cell.links[0][0]):
                text = clean_text(cell.links[0][0])  # "[Title](url)" in the title column
            if text and (title_like(text) or title_col is not None):
                title, title_cell = text, i
                break
        if not title:
            has_ids = any(True for _ in ids_in(self.ledger.source_lines[line.no - 1]))
            self._skip(line, "table row without a title", report=has_ids)
            return
        entry = self._new_entry(line.no, numbered=True)
        entry.lines.append(line.no)
        self._set_title(entry, title, "")
        for i, cell in enumerate(row.cells):
            header = row.header[i] if i < len(row.header) else ""
            for label, url in cell.links:
                if i == title_cell and clean_text(label) == title:
                    entry.add_url(url, urls.PAPER, "paper")
                    continue
                kind = urls.label_kind(label) or urls.label_kind(header)
                entry.add_url(url, kind, clean_text(label) or clean_text(header))
        self.current = entry
        self._close()

    # -- text lines ----------------------------------------------------------------------------------

    def _text_line(self, idx: int, line: Line) -> None:
        text = line.text
        bold = lexer.bold_entry(text)
        num = lexer.BRACKET_NUM.match(text)
        bullet = lexer.BULLET.match(text)
        if self.section == "reading":
            body = LEADING_NUM.sub("", strip_bullet(text))
            m = MD_LINK.match(body)
            if m:
                self._start_reading(line, m)
            else:
                self._take_or_skip(line, "prose (not imported)")
            return
        if bold and (bold[0] or title_like(bold[1])):
            self._start_entry(line, bold[1], after=bold[2], numbered=True)
            return
        if num:
            self._start_entry(line, num.group("rest"), numbered=True)
            return
        body = bullet.group("rest").strip() if bullet else text
        m = MD_LINK.match(body)
        if m:
            title = clean_text(LEADING_NUM.sub("", m.group("text")))
            if title_like(title) and not is_label(title):
                self._start_entry(line, body, numbered=True)
            else:
                self._links_outside(line, "links outside any entry")
            return
        first = MD_LINK.search(body)
        if first and first.start() > 0:
            lead = clean_text(body[:first.start()]).rstrip(" -–—:：|｜,.")
            if title_like(lead) and all(is_label(clean_text(mm.group("text"))) or len(mm.group("text").split()) <= 2
                                        for mm in MD_LINK.finditer(body)):
                self._start_entry(line, body, numbered=True)  # "- **Title** [paper](…) [code](…)"
                return
        pm = _PRESENTATION.match(body.strip("*_() （）"))
        if self.current is not None and pm:  # "- Oral" under a bold title
            self.current.presentation = pm.group(1).lower()
            self.current.lines.append(line.no)
            return
        lm = lexer.LABEL_LINE.match(body)
        if self.current is not None and bullet and lm and len(lm.group("label")) <= 12 and not title_like(body):
            # "- 作者单位: 阿里巴巴": a field this importer does not keep; the entry goes on
            self._skip(line, "field not imported (affiliations, notes)")
            return
        if bullet and not URL.search(body) and len(body) <= 40 and not title_like(body) and ":" not in body \
                and "：" not in body:
            # "* 三维点云&重建": a sub-heading one level below the current heading
            self._close()
            self.pending = None
            self.categories[7] = (body.rstrip("：:").strip(), line.no)  # below any ###### heading
            self._mark(line.no, STRUCTURE, "category")
            return
        lead_plain = URL.split(body)[0]
        # "Title 代码：url": a title, then a labelled link on the same line.
        il = _INLINE_LABEL.search(body)
        if il and title_like(body[:il.start()]) and is_label(il.group("label")):
            self._start_entry(line, body[:il.start()], numbered=True)
            self._labelled(self.current, il.group("label"), body[il.end():], line)
            return
        # A plain line right above a link line is a title ("Title(中文)<br>" then "[paper](…)").
        if (self._next_kind(idx) in ("label", "links", "url") and title_like(lead_plain or body)
                and (self.current is None or self.current.has_links or self.blank_after_entry)
                and not (self.pending is not None and self.current is None)):
            self._start_entry(line, body, numbered=False)
            return
        self._take_or_skip(line, "prose (not imported)")

    def _take_or_skip(self, line: Line, why: str) -> None:
        has_ids = any(True for _ in ids_in(line.text))
        self._skip(line, why + (" holding paper links" if has_ids else ""), report=has_ids)

    def _links_outside(self, line: Line, why: str) -> None:
        bodies = [m.group("url") for m in MD_LINK.finditer(line.text)] + URL.findall(line.text)
        paper = any(urls.is_paper_link(urls.clean_url(u)) for u in bodies)
        has_ids = any(True for _ in ids_in(line.text))
        self._skip(line, why + (" (paper or code links)" if paper else " (navigation)"), report=has_ids)

    def _new_entry(self, no: int, *, numbered: bool) -> SourceEntry:
        entry = SourceEntry(self.source, no, numbered=numbered)
        if self.section == "oral":
            entry.presentation = "oral"
        elif self.section == "workshop":
            entry.track = "workshop"
        return entry

    def _start_entry(self, line: Line, raw: str, *, after: str = "", numbered: bool) -> None:
        self._close()
        self.pending = None
        self.blank_after_entry = False
        entry = self._new_entry(line.no, numbered=numbered)
        entry.lines.append(line.no)
        raw = clean_text(raw)
        # A title given as link text: "[12. Title](url) | [code](…)".
        links = list(MD_LINK.finditer(raw))
        if links and links[0].start() == 0:
            title_part = LEADING_NUM.sub("", links[0].group("text"))
            entry.title_link = True
            entry.add_url(links[0].group("url"), urls.PAPER, "paper")
            for m in links[1:]:
                self._apply_link(entry, m.group("text"), m.group("url"))
            rest = MD_LINK.sub("", raw[links[0].end():])
            after = (after + " " + lexer.SEPARATORS.sub(" ", rest)).strip()
        else:
            title_part = raw
            for m in links:  # "Title [paper](…)" on one line
                self._apply_link(entry, m.group("text"), m.group("url"))
            title_part = MD_LINK.sub("", title_part)
            for url in URL.findall(title_part):
                entry.add_url(url, None)
            title_part = URL.sub("", title_part)
        lm = lexer.LABEL_LINE.match(clean_text(after))
        if lm and is_label(lm.group("label")):  # "**Title** 代码：url1, url2"
            self._labelled(entry, lm.group("label"), lm.group("rest"), line)
            after = ""
        after_links = list(MD_LINK.finditer(after))
        for m in after_links:  # "**Title** [paper](…)"
            self._apply_link(entry, m.group("text"), m.group("url"))
        after = MD_LINK.sub("", after)
        for url in URL.findall(after):
            entry.add_url(url, None)
        after = URL.sub("", after)
        self._set_title(entry, LEADING_NUM.sub("", title_part).strip().strip("|｜").strip(), after)
        self.current = entry

    def _set_title(self, entry: SourceEntry, title_part: str, after: str) -> None:
        labels: list[str] = []
        title, zh, more = self._split_title(title_part, entry)
        labels += more
        entry.title, entry.title_zh = title, zh
        if zh and re.match(r"^\s*oral\s*[|｜:：]", zh, re.I):
            entry.presentation = "oral"
            entry.title_zh = re.sub(r"^\s*oral\s*[|｜:：]\s*", "", zh, flags=re.I) or None
        after = clean_text(lexer.EMOJI.sub("", after))
        after = re.sub(r"^[|｜\s\-–—:：]+", "", after)
        if after:
            labels += [p for p in _CATEGORY_SPLIT.split(after.strip("()（）[]【】 ")) if p]
        self._assign_tags(entry, labels, entry.line)

    def _split_title(self, text: str, entry: SourceEntry) -> tuple[str, str | None, list[str]]:
        """Title, Chinese translation, and category labels found in trailing brackets."""
        text = clean_text(text)
        labels: list[str] = []
        zh: str | None = None
        for _ in range(4):
            inner, rest = trailing_bracket(text)
            if inner is None:
                break
            pm = _PRESENTATION.match(inner)
            if pm:  # "Title (Oral)", "Title（Highlight）"
                entry.presentation = pm.group(1).lower()
                text = rest
                continue
            if not CJK.search(inner):
                break
            parts = [p for p in _CATEGORY_SPLIT.split(inner.strip()) if p]
            if all(self.resolve(p) for p in parts) or (len(inner) <= 12 and re.search(r"[/；;]", inner)):
                labels += parts  # "（三维/语义分割）", "（数据集）": categories, not a translation
            elif zh is None:
                zh_text = inner.strip()
                m = re.match(r"^((?:(?:【[^】]*】|\[[^\]]*\])\s*)+)(.*)$", zh_text)
                if m:  # "【线段检测】…": a category inside the translation, not part of it
                    labels += [p for p in re.findall(r"[【\[]([^】\]]*)[】\]]", m.group(1)) if self.resolve(p)]
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
        text = re.sub(r"\s*\(\s*\)$", "", text).strip()  # "Title()": an empty translation slot
        if zh and not CJK.search(zh):
            zh = None
        return text, zh, labels

    def _resolve_heading(self, label: str) -> str | None:
        """A bilingual heading tried whole, then its Chinese and English halves, then piece by piece."""
        for t in heading_tries(label):
            tag = self.resolve(t)
            if tag:
                return tag
        return None

    def _assign_tags(self, entry: SourceEntry, inline: list[str], no: int) -> None:
        labels = [(lbl, no) for lbl in inline]
        if self.categories and all(lexer.PRESENTATION_WORD.match(lbl.strip()) for lbl, _ in labels):
            # "Title ![Oral](badge)": how it was presented says nothing about its topic
            labels.append(self.categories[max(self.categories)])
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
            entry.categories.append((label, line_no))

    # -- link lines ----------------------------------------------------------------------------------

    def _link_line(self, line: Line) -> None:
        entry = self.current
        if entry is None and self.pending is not None and self._looks_like_paper_link(line):
            # "# Title" followed by its links: the heading was a paper, not a category.
            title, no = self.pending
            self.pending = None
            for level, (label, _) in list(self.categories.items()):
                if label == title:
                    del self.categories[level]
            self._start_entry(Line(no, title, "heading"), title, numbered=True)
            entry = self.current
        if entry is None:
            self._links_outside(line, "links outside any entry")
            return
        entry.lines.append(line.no)
        body = strip_bullet(lexer.EMOJI.sub("", line.text)).strip()
        if line.kind == "url":
            entry.add_url(body.strip("<>"), urls.READING if entry.reading is not None else None)
            return
        if line.kind == "label":
            m = lexer.LABEL_LINE.match(body)
            if m is None:
                return
            label, rest = m.group("label").strip(), m.group("rest").strip()
            qual = m.group("qual")
            if qual and _PRESENTATION.match(qual):
                entry.presentation = _PRESENTATION.match(qual).group(1).lower()  # type: ignore[union-attr]
            # "论文链接：论文地址：https://…": one label too many
            while True:
                m2 = lexer.LABEL_LINE.match(rest)
                if m2 and is_label(m2.group("label")) and not URL.match(rest):
                    rest = m2.group("rest").strip()
                else:
                    break
            self._labelled(entry, label, rest, line)
            return
        # A line of Markdown links, maybe after a label: "解读：[title](url)", "[paper](…) | [code](…)".
        lm = lexer.LABEL_LINE.match(body)
        prefix = urls.label_kind(lm.group("label")) if lm and not body.startswith("[") else None
        for m in MD_LINK.finditer(body):
            if prefix == urls.READING:
                entry.add_url(m.group("url"), urls.READING, clean_text(m.group("text")) or "论文解读")
            else:
                self._apply_link(entry, m.group("text"), m.group("url"))

    def _marker(self, line: Line) -> None:
        """``:open_mouth:oral:star:[code](…):house:[project](…)``: shortcodes and badges under a title
        annotate that entry (presentation, code, project, video); they never start one."""
        entry = self.current
        body = strip_bullet(line.text).strip()
        if entry is None:
            self._links_outside(line, "marker line outside any entry (shortcodes, badges)")
            return
        entry.lines.append(line.no)
        for word in lexer.marker_words(body) or []:
            entry.presentation = entry.presentation or word.lower()
        for m in MD_LINK.finditer(body):
            self._apply_link(entry, m.group("text"), m.group("url"))

    @staticmethod
    def _looks_like_paper_link(line: Line) -> bool:
        """A link a paper entry would have (a known label, a paper or repository URL), as opposed to the
        navigation links lists carry around their entries."""
        body = strip_bullet(lexer.EMOJI.sub("", line.text)).strip()
        if line.kind == "label":
            m = lexer.LABEL_LINE.match(body)
            return bool(m and is_label(m.group("label")))
        if line.kind == "url":
            return urls.url_kind(urls.clean_url(body)) in (urls.ARXIV, urls.PAPER)
        return any(is_label(m.group("text"))
                   or urls.url_kind(urls.clean_url(m.group("url"))) in (urls.ARXIV, urls.PAPER)
                   for m in MD_LINK.finditer(body))

    def _labelled(self, entry: SourceEntry | None, label: str, rest: str, line: Line) -> None:
        if entry is None:
            return
        folded = fold(label)
        if urls.label_kind(label) == urls.IGNORED:
            if entry.lines and entry.lines[-1] == line.no:
                entry.lines.pop()
            self._skip(line, "field not imported (affiliations, notes)")
            return
        if folded in ("作者", "author", "authors"):
            if not entry.authors:
                entry.authors = parse_authors(rest)
            return
        if folded in ("标签", "tag", "tags", "类别", "分类", "category", "categories"):
            parts = [p for p in re.split(r"\s*[+＋/、,，;；]\s*", clean_text(rest)) if p]
            self._assign_tags(entry, parts, line.no)
            return
        links = list(MD_LINK.finditer(rest))
        found = [(m.group("url"), clean_text(m.group("text"))) for m in links] or [(u, "") for u in URL.findall(rest)]
        kind = urls.label_kind(label)
        for url, title in found:
            if kind == urls.READING:
                ok = entry.add_url(url, urls.READING, title or clean_text(label))
            else:
                ok = entry.add_url(url, kind, clean_text(label))
            if not ok:
                self.notes.append(Unparsed(self.source, line.no, url[:200], "not a web address; left out"))

    def _apply_link(self, entry: SourceEntry, text: str, url: str) -> None:
        url = urls.clean_url(url)
        if url.startswith("#"):
            return
        label = clean_text(lexer.EMOJI.sub("", lexer.IMAGE.sub(lambda m: _image_alt(m.group(0)), text)))
        entry.add_url(url, urls.label_kind(label), label)


def _image_alt(image: str) -> str:
    m = re.match(r"!\[([^\[\]]*)\]", image)
    return m.group(1) if m else ""


def heading_tries(label: str) -> list[str]:
    tries = [label]
    m = re.match(r"^(?P<outer>[^(（]*)[(（](?P<inner>.*)[)）]?\s*$", label)
    if m:
        tries += [m.group("outer"), m.group("inner").rstrip(")）")]
    for t in list(tries):
        tries += _CATEGORY_SPLIT.split(t)
    return [t for t in tries if t.strip()]


def parse_authors(text: str) -> list[str]:
    """Author names without affiliation digits ("Qi Tian1" → "Qi Tian"), split on , ， 、 and "and"."""
    text = re.sub(r"\s+(?=[\u0300-\u036f])", "", clean_text(text))  # "Scho ̈nberger" → "Schönberger"
    text = unicodedata.normalize("NFC", text)
    text = _DIGIT_SPLIT.sub(",", text)
    text = re.sub(r"[*†‡§¶#]+(?=\s|,|$)", "", text)
    names: list[str] = []
    for part in _AUTHOR_SPLIT.split(text):
        name = part.strip(" .;；")
        if name and name not in names and len(name) <= 100 and LATIN.search(name + "a") and not URL.search(name):
            names.append(name)
    return names
