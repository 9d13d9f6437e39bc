"""Rendering the README's paper list from the data.

Only the text between ``<!-- paperlist:begin -->`` and ``<!-- paperlist:end -->`` is ours;
everything around it (intro, how to contribute, set-up) is left byte-for-byte alone. The
output is deterministic (sorted, no timestamps) so ``render --check`` can compare bytes,
and every string that comes from a paper file is escaped: a title cannot inject HTML,
break a table, open a link or close the marker.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import __version__
from .cachedir import cache_dir
from .cachedir import write_atomic as write_cache
from .errors import ConfigError
from .findings import Finding, Report
from .fsutil import write_atomic
from .loader import PaperFile, discover, relpath
from .papers import map_papers
from .vocab import Term, Vocabulary

BEGIN = "<!-- paperlist:begin -->"
END = "<!-- paperlist:end -->"
README = "README.md"
MAX_AUTHORS = 6
_PARALLEL_MIN = 1500


@dataclass(frozen=True)
class Entry:
    """The fields the README shows, taken defensively from one paper file."""

    rel: str
    title: str
    title_zh: str | None
    authors: tuple[str, ...]
    venue: str
    year: int
    track: str
    presentation: str | None
    arxiv: str | None
    paper: str | None
    code: tuple[str, ...]
    project: str | None
    video: str | None
    readings: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]


@dataclass
class Rendered:
    text: str
    papers: int
    skipped: list[Finding] = field(default_factory=list)


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _http(value: Any) -> str | None:
    s = _str(value)
    return s if s and re.match(r"^https?://[^\s]+$", s, re.I) else None


def entry_from(rel: str, data: dict[str, Any]) -> Entry | None:
    """An Entry, or None when the file lacks what a README line needs (title, venue, year)."""
    title, venue, year = _str(data.get("title")), _str(data.get("venue")), data.get("year")
    if not title or not venue or not isinstance(year, int) or isinstance(year, bool):
        return None
    raw_links = data.get("links")
    links: dict[str, Any] = raw_links if isinstance(raw_links, dict) else {}
    code = tuple(u for u in (links.get("code") or []) if _http(u)) if isinstance(links.get("code"), list) else ()
    readings: list[tuple[str, str]] = []
    for r in links.get("readings") or [] if isinstance(links.get("readings"), list) else []:
        if isinstance(r, dict) and _http(r.get("url")):
            readings.append((_str(r.get("title")) or "", r["url"].strip()))
    authors = tuple(a.strip() for a in data.get("authors") or [] if isinstance(a, str) and a.strip()) \
        if isinstance(data.get("authors"), list) else ()
    tags = tuple(t for t in data.get("tags") or [] if isinstance(t, str)) if isinstance(data.get("tags"), list) else ()
    arxiv = _str(data.get("arxiv"))
    return Entry(
        rel=rel, title=title, title_zh=_str(data.get("title_zh")), authors=authors, venue=venue, year=year,
        track="workshop" if data.get("track") == "workshop" else "main",
        presentation=_str(data.get("presentation")), arxiv=arxiv, paper=_http(links.get("paper")),
        code=code, project=_http(links.get("project")), video=_http(links.get("video")),
        readings=tuple(readings), tags=tags,
    )


# -- escaping ------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def md_text(text: str) -> str:
    """Plain text made inert in Markdown and HTML: entities for <, >, &; backslashes for markup."""
    text = " ".join(text.split())  # no line breaks: one entry is one line
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # An @mention or a #123 reference in a title should stay text, not ping or link.
    return text.replace("@", "&#64;")


def md_url(url: str) -> str:
    """A URL that cannot break out of ``[label](…)``: spaces, parentheses and angle brackets escaped."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _link(label: str, url: str) -> str:
    return f"[{label}]({md_url(url)})"


def _anchor(*parts: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


# -- the document --------------------------------------------------------------------------------


def _entry_line(e: Entry, n: int, vocab: Vocabulary) -> list[str]:
    title = md_text(e.title)
    head = f"{n}. **{title}**"
    if e.presentation:
        head += f" `{e.presentation.capitalize()}`"
    lines = [head + "  "]
    if e.title_zh:
        lines.append(f"   {md_text(e.title_zh)}  ")
    if e.authors:
        shown = ", ".join(md_text(a) for a in e.authors[:MAX_AUTHORS])
        if len(e.authors) > MAX_AUTHORS:
            shown += " et al."
        lines.append(f"   *{shown}*  ")
    links: list[str] = []
    if e.arxiv:
        links.append(_link("📄 论文 Paper", f"https://arxiv.org/abs/{e.arxiv}"))
    elif e.paper:
        links.append(_link("📄 论文 Paper", e.paper))
    for i, url in enumerate(e.code):
        links.append(_link("💻 代码 Code" + (f" {i + 1}" if len(e.code) > 1 else ""), url))
    if e.project:
        links.append(_link("🌐 项目 Project", e.project))
    if e.video:
        links.append(_link("🎬 视频 Video", e.video))
    for i, (_title, url) in enumerate(e.readings):
        links.append(_link("📖 解读 Reading" + (f" {i + 1}" if len(e.readings) > 1 else ""), url))
    others = [vocab.tags[t] for t in e.tags[1:] if t in vocab.tags]
    if others:
        links.append("🏷️ " + ", ".join(f"{md_text(t.zh)} {md_text(t.en)}" for t in others))
    if links:
        lines.append("   " + " · ".join(links))
    return lines


def _group_title(venue: Term | None, venue_id: str, year: int, track: str) -> tuple[str, str]:
    name = venue.id if venue else venue_id
    if track == "workshop":
        return f"{name} {year} Workshops · 研讨会", _anchor(name, str(year), "workshops")
    return f"{name} {year}", _anchor(name, str(year))


def build_list(entries: Iterable[Entry], vocab: Vocabulary) -> str:
    """The Markdown that goes between the markers."""
    groups: dict[tuple[int, str, str], dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    tag_order = {t: i for i, t in enumerate(vocab.tags)}
    for e in entries:
        primary = e.tags[0] if e.tags and e.tags[0] in vocab.tags else ""
        groups[(e.year, e.venue, e.track)][primary].append(e)
    total = sum(len(v) for g in groups.values() for v in g.values())

    def group_key(k: tuple[int, str, str]) -> tuple[int, str, int]:
        year, venue, track = k
        return (-year, venue.lower(), track == "workshop")

    def tag_key(t: str) -> tuple[int, str]:
        return (tag_order.get(t, len(tag_order)), t)

    def tag_label(t: str) -> tuple[str, str]:
        term = vocab.tags.get(t)
        return (md_text(term.zh), md_text(term.en)) if term else ("未分类", "Untagged")

    out: list[str] = [
        "<!-- Generated by `paperlist render` from papers/: edit the YAML files, not this list. -->",
        "<!-- 本列表由 `paperlist render` 根据 papers/ 生成：请修改 YAML 文件，不要直接编辑此处。 -->",
        "",
        f"**{total:,}** papers · 篇论文",
        "",
        "### 目录 · Contents",
        "",
    ]
    ordered = sorted(groups, key=group_key)
    for key in ordered:
        year, venue_id, track = key
        title, anchor = _group_title(vocab.venues.get(venue_id), venue_id, year, track)
        count = sum(len(v) for v in groups[key].values())
        out.append(f"- [{md_text(title)}](#{anchor}) ({count:,})")
        for t in sorted(groups[key], key=tag_key):
            zh, en = tag_label(t)
            out.append(f"  - [{zh} · {en}](#{_anchor(anchor, t or 'untagged')}) ({len(groups[key][t]):,})")
    for key in ordered:
        year, venue_id, track = key
        title, anchor = _group_title(vocab.venues.get(venue_id), venue_id, year, track)
        count = sum(len(v) for v in groups[key].values())
        out += ["", f'<a id="{anchor}"></a>', "", f"## {md_text(title)} ({count:,})"]
        for t in sorted(groups[key], key=tag_key):
            zh, en = tag_label(t)
            papers = sorted(groups[key][t], key=lambda e: (e.title.casefold(), e.rel))
            out += ["", f'<a id="{_anchor(anchor, t or "untagged")}"></a>', "",
                    f"### {zh} · {en} ({len(papers):,})", ""]
            for i, e in enumerate(papers, 1):
                out += _entry_line(e, i, vocab)
    return "\n".join(out) + "\n"


_CACHE_VERSION = 1


def _scan(root: Path, paths: list[Path]) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for p in paths:
        try:
            st = os.lstat(p)
        except OSError:
            continue
        out[relpath(p, root)] = (st.st_mtime_ns, st.st_size)
    return out


def _load_entries(root: Path) -> tuple[list[Entry], list[Finding], int]:
    """Every paper as an Entry, reusing cached entries for files whose mtime and size are unchanged."""
    paths, findings = discover(root)
    skipped = list(findings)
    stats = _scan(root, paths)
    folder = cache_dir(root)
    cache_file = folder / "render-entries.json" if folder else None
    cached: dict[str, Any] = {}
    if cache_file is not None:
        try:
            blob = json.loads(cache_file.read_bytes())
            if blob.get("version") == [_CACHE_VERSION, __version__]:
                cached = blob["entries"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            cached = {}
    entries: list[Entry] = []
    fresh: dict[str, Any] = {}
    todo: list[str] = []
    for rel, stat_key in stats.items():
        hit = cached.get(rel)
        if hit and hit[0] == list(stat_key) and isinstance(hit[1], dict):
            try:
                entries.append(_entry_from_json(hit[1]))
                fresh[rel] = hit
                continue
            except (KeyError, TypeError, ValueError):
                pass
        todo.append(rel)
    for rel, entry, problem in _load_all(root, todo):
        if entry is None:
            msg = "not rendered: the file does not load as a paper with title, venue and year"
            if problem:
                msg += f" ({problem})"
            skipped.append(Finding(file=rel, severity="warning", check="render", message=msg,
                                   message_zh="未渲染：文件无法作为论文加载（需要 title、venue、year）"))
        else:
            entries.append(entry)
            if cache_file is not None:  # dataclasses.asdict is slow: a plain field copy is enough for JSON
                fresh[rel] = [list(stats[rel]), {f: getattr(entry, f) for f in _ENTRY_FIELDS}]
    if cache_file is not None and (todo or len(fresh) != len(cached)):
        write_cache(cache_file, json.dumps({"version": [_CACHE_VERSION, __version__], "entries": fresh},
                                            ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return entries, skipped, len(paths)


_ENTRY_FIELDS = tuple(f.name for f in dataclasses.fields(Entry))


def _entry_from_json(d: dict[str, Any]) -> Entry:
    fields = {name: d[name] for name in _ENTRY_FIELDS}
    for name in ("authors", "code", "tags"):
        fields[name] = tuple(fields[name])
    fields["readings"] = tuple((str(t), str(u)) for t, u in fields["readings"])
    return Entry(**fields)


def _entry_of(pf: PaperFile) -> tuple[str, Entry | None, str | None]:
    entry = entry_from(pf.rel, pf.data) if isinstance(pf.data, dict) else None
    return pf.rel, entry, pf.findings[0].message if pf.findings else None


def _load_all(root: Path, rels: list[str]) -> list[tuple[str, Entry | None, str | None]]:
    return map_papers(root, _entry_of, [root / rel for rel in rels], parallel_from=_PARALLEL_MIN)


def splice(readme: str, body: str) -> str:
    """Replace what lies between the markers; raise ConfigError when they are missing or out of order."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < 0 or end < start or readme.count(BEGIN) != 1 or readme.count(END) != 1:
        raise ConfigError(
            f"{README} must contain exactly one '{BEGIN}' followed by one '{END}' line: "
            "the generated list goes between them"
        )
    return readme[: start + len(BEGIN)] + "\n" + body + readme[end:]


def render_readme(root: Path, *, check: bool = False) -> Report:
    """Regenerate README.md's list (or, with ``check``, only compare). ``meta.changed`` tells what happened.

    With ``check`` a stale README is an error finding; otherwise the file is rewritten atomically,
    and only when its bytes change.
    """
    root = Path(root)
    readme_path = root / README
    try:
        current = readme_path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"{readme_path}: missing; create it with the two marker lines {BEGIN} / {END}") from e
    vocab = Vocabulary.load(root)
    entries, skipped, files = _load_entries(root)
    new = splice(current, build_list(entries, vocab))
    changed = new != current
    findings = list(skipped)
    if check and changed:
        findings.append(Finding(
            file=README, severity="error", check="render",
            message="README.md is out of date with papers/: run `paperlist render` and commit the result",
            message_zh="README.md 与 papers/ 不一致：请运行 `paperlist render` 并提交结果",
        ))
    elif changed:
        write_atomic(readme_path, new)
    return Report(findings, files=files, meta={"changed": changed, "papers": len(entries), "check": check})
