"""Atom feeds of the latest additions (RFC 4287): the whole list, and one per topic.

Written by ``paperlist site`` as ``feeds/all.xml`` and ``feeds/<topic>.xml``. A paper is dated by
the commit that added it (``infra.gitdiff.added_times``), in the order the README's "Latest
additions" uses (``entries.latest_additions``). What stays stable:

- an entry's ``id`` is ``urn:uuid:`` + a UUID-5 of the paper key (``cvpr2021/some-title``), so a
  reader never sees a paper twice because the site moved or the feed was rebuilt;
- a feed's ``id`` is a UUID-5 of the site's address (``site_url``) and the feed's name;
- ``updated`` is the newest entry's date, so a rebuild without new papers is byte-identical.

Paper text reaches the XML through ElementTree, which escapes ``& < >`` and quotes; before that
every string loses what XML 1.0 cannot hold at all (control characters, lone surrogates,
U+FFFE/U+FFFF become U+FFFD), so no title — ``<script>``, ``]]>``, an ESC — can break the feed.
"""

from __future__ import annotations

import re
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from paperlist.output.entries import ListEntry, latest_additions
from paperlist.output.export import clean, paper_key
from paperlist.project.settings import ListSettings
from paperlist.project.vocab import Vocabulary

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
MAX_AUTHORS = 20
FEEDS_DIR = "feeds"
_NOT_XML = re.compile("[\ufffe\uffff]")
_TOPIC_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # what may name a file in feeds/


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", clean(value))


def _when(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def entry_id(key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'paperlist:' + key)}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def _summary(e: ListEntry, vocab: Vocabulary) -> str:
    parts = [f"{e.venue} {e.year}".strip() + (" Workshop" if e.track == "workshop" else "")]
    if e.presentation:
        parts.append(e.presentation)
    if e.title_zh:
        parts.append(e.title_zh)
    topics = [f"{vocab.tags[t].en} · {vocab.tags[t].zh}" for t in e.tags if t in vocab.tags]
    if topics:
        parts.append(", ".join(topics))
    if e.arxiv:
        parts.append(f"arXiv {e.arxiv}")
    if e.code:
        parts.append("code: " + " ".join(e.code))
    return " · ".join(_text(p) for p in parts)


def build_feed(name: str, title: str, dated: Sequence[tuple[int, ListEntry]], vocab: Vocabulary,
               settings: ListSettings) -> bytes:
    """One Atom document: the newest ``FEED_ENTRIES`` of ``dated`` (already newest first)."""
    base = settings.site_url.rstrip("/") + "/" if settings.site_url else None
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "en"})
    where = f"{base or 'paperlist:'}{FEEDS_DIR}/{name}.xml"
    _sub(feed, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, where)}")
    _sub(feed, "title", _text(title))
    _sub(feed, "updated", _when(dated[0][0] if dated else 0))
    if base:
        _sub(feed, "link", rel="self", type="application/atom+xml", href=f"{base}{FEEDS_DIR}/{name}.xml")
    _sub(feed, "link", rel="alternate", type="text/html", href=base or "../")
    author = _sub(feed, "author")
    _sub(author, "name", _text(settings.title.get("en") or "paperlist"))
    _sub(feed, "generator", "paperlist")
    for when, e in dated[:FEED_ENTRIES]:
        key = paper_key(e.rel)
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(key))
        _sub(entry, "title", _text(e.title))
        _sub(entry, "updated", _when(when))
        _sub(entry, "published", _when(when))
        # The permalink on the site (a relative reference when the site's address is not set).
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{base or '../'}#{key}")
        for a in e.authors[:MAX_AUTHORS]:
            _sub(_sub(entry, "author"), "name", _text(a))
        for t in e.tags:
            if t in vocab.tags:
                _sub(entry, "category", term=t, label=_text(f"{vocab.tags[t].en} · {vocab.tags[t].zh}"))
        _sub(entry, "summary", _summary(e, vocab), type="text")
    ET.indent(feed, space=" ")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def feeds(entries: Sequence[ListEntry], added: Mapping[str, int] | None, vocab: Vocabulary,
          settings: ListSettings) -> dict[str, bytes]:
    """``feeds/all.xml`` and ``feeds/<topic>.xml`` for every topic with a paper (empty feeds when
    there is no git history to date the papers by)."""
    dated = latest_additions(entries, added or {})
    list_title = settings.title.get("en") or "Paper list"
    out = {f"{FEEDS_DIR}/all.xml": build_feed("all", f"{list_title}: latest additions · 最新收录", dated, vocab,
                                               settings)}
    used = {t for e in entries for t in e.tags}
    for tag, term in vocab.tags.items():
        if tag not in used or not _TOPIC_ID.match(tag):
            continue
        mine = [(w, e) for w, e in dated if tag in e.tags]
        out[f"{FEEDS_DIR}/{tag}.xml"] = build_feed(tag, f"{list_title}: {term.en} · {term.zh}", mine, vocab, settings)
    return out
