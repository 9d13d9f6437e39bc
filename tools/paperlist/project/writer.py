"""Writing paper files: new files in one house style, merges that only ever add.

ruamel.yaml's round-trip mode keeps what people wrote by hand (comments, quoting, key
order) when the importer merges new facts into an existing file; new files are built in
the fixed field order so that a PR diff of generated data reads like hand-written data.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from paperlist.infra import fsutil, identity

FIELD_ORDER = ("title", "title_zh", "authors", "venue", "year", "track", "presentation", "arxiv", "doi",
               "links", "tags")
LINK_ORDER = ("paper", "code", "project", "video", "readings", "other")
# Fields a merge may fill when missing but never overwrites.
_SCALARS = ("title_zh", "track", "presentation", "arxiv", "doi")


def _yaml() -> YAML:
    # One instance per use: ruamel keeps state between dumps.
    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # never fold a long title over two lines
    y.preserve_quotes = True
    return y


def url_key(url: str) -> str:
    """What makes two links the same link (scheme, www., trailing slash and case of host ignored)."""
    return identity.canonical_url(url).lower()


def _seq(items: Iterable[Any]) -> CommentedSeq:
    seq = CommentedSeq()
    seq.extend(items)
    return seq


def _titled(items: Iterable[dict[str, str]]) -> CommentedSeq:
    out = CommentedSeq()
    for item in items:
        m = CommentedMap()
        m["title"] = item["title"]
        m["url"] = item["url"]
        out.append(m)
    return out


def build(paper: dict[str, Any]) -> CommentedMap:
    """A new paper mapping in house order: arxiv quoted, lists in block style."""
    doc = CommentedMap()
    for key in FIELD_ORDER:
        value = paper.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "arxiv":
            doc[key] = DoubleQuotedScalarString(value)
        elif key == "links":
            links = CommentedMap()
            for lk in LINK_ORDER:
                lv = value.get(lk)
                if not lv:
                    continue
                if lk in ("readings", "other"):
                    links[lk] = _titled(lv)
                elif lk == "code":
                    links[lk] = _seq(lv)
                else:
                    links[lk] = lv
            if links:
                doc[key] = links
        elif isinstance(value, list):
            doc[key] = _seq(value)
        else:
            doc[key] = value
    return doc


def dump(doc: Any) -> str:
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return buf.getvalue()


def load_rt(text: str) -> Any:
    return _yaml().load(text)


def _insert_ordered(mapping: CommentedMap, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Insert ``key`` after the last existing key that comes before it in ``order``."""
    rank = order.index(key) if key in order else len(order)
    pos = 0
    for i, existing in enumerate(mapping.keys()):
        if existing in order and order.index(existing) < rank:
            pos = i + 1
    mapping.insert(pos, key, value)


def _all_urls(links: Any) -> set[str]:
    urls: set[str] = set()
    if not isinstance(links, dict):
        return urls
    for value in links.values():
        if isinstance(value, str):
            urls.add(url_key(value))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    urls.add(url_key(item))
                elif isinstance(item, dict) and isinstance(item.get("url"), str):
                    urls.add(url_key(item["url"]))
    return urls


def merge_into(doc: CommentedMap, paper: dict[str, Any]) -> list[str]:
    """Add what ``paper`` knows and ``doc`` lacks; never change or remove a value. Returns what was added."""
    added: list[str] = []
    for key in _SCALARS:
        value = paper.get(key)
        if value and key not in doc:
            _insert_ordered(doc, key, DoubleQuotedScalarString(value) if key == "arxiv" else value, FIELD_ORDER)
            added.append(key)
    if paper.get("authors") and not doc.get("authors"):
        if "authors" in doc:
            del doc["authors"]
        _insert_ordered(doc, "authors", _seq(paper["authors"]), FIELD_ORDER)
        added.append("authors")
    tags = doc.get("tags")
    new_tags = [t for t in paper.get("tags", []) if t != "other"]  # the fallback never joins a tagged paper
    if isinstance(tags, list):
        for tag in new_tags:
            if tag not in tags and len(tags) < 10:
                tags.append(tag)
                added.append(f"tags: {tag}")
    elif new_tags and "tags" not in doc:
        _insert_ordered(doc, "tags", _seq(new_tags), FIELD_ORDER)
        added.append("tags")
    added.extend(_merge_links(doc, paper.get("links") or {}))
    return added


def _merge_links(doc: CommentedMap, new: dict[str, Any]) -> list[str]:
    added: list[str] = []
    if not any(new.values()):
        return added
    links = doc.get("links")
    if not isinstance(links, dict):
        if "links" in doc:
            return added  # a hand-written value of the wrong shape: leave it for validate to report
        links = CommentedMap()
        _insert_ordered(doc, "links", links, FIELD_ORDER)
    known = _all_urls(links)
    code_repos = {identity.github_repo(u) for u in links.get("code") or [] if isinstance(u, str)} - {None}

    def fresh(url: str) -> bool:
        return url_key(url) not in known

    for lk in ("paper", "project", "video"):
        url = new.get(lk)
        if url and fresh(url):
            if lk not in links:
                _insert_ordered(links, lk, url, LINK_ORDER)
                added.append(f"links.{lk}")
            else:
                _append_titled(links, "other", {"title": lk, "url": url})
                added.append("links.other")
            known.add(url_key(url))
    for url in new.get("code") or []:
        repo = identity.github_repo(url)
        if not fresh(url) or (repo and repo in code_repos and not identity.github_subpath(url)):
            continue
        if isinstance(links.get("code"), list):
            links["code"].append(url)
        elif "code" not in links:
            _insert_ordered(links, "code", _seq([url]), LINK_ORDER)
        else:
            continue
        known.add(url_key(url))
        code_repos.add(repo)
        added.append("links.code")
    for lk in ("readings", "other"):
        for item in new.get(lk) or []:
            if fresh(item["url"]):
                _append_titled(links, lk, item)
                known.add(url_key(item["url"]))
                added.append(f"links.{lk}")
    return added


def _append_titled(links: CommentedMap, key: str, item: dict[str, str]) -> None:
    m = CommentedMap()
    m["title"] = item["title"]
    m["url"] = item["url"]
    if isinstance(links.get(key), list):
        links[key].append(m)
    elif key not in links:
        _insert_ordered(links, key, _titled([item]), LINK_ORDER)


def write_atomic(path: Path, text: str) -> None:
    """A crash never leaves half a paper (newline="\n": the same bytes on every platform)."""
    fsutil.write_atomic(path, text)


def moved_url(url: str, new_repo: str) -> str:
    """``url`` pointing at ``new_repo`` (``Owner/name``): the owner and name replaced, the path below
    the repository (``tree/main/sub``), query and fragment kept.

    >>> moved_url("https://github.com/old/Thing/tree/master/smurf", "New/thing")
    'https://github.com/New/thing/tree/master/smurf'
    """
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    segs = parts.path.split("/")
    # ["", owner, name, rest...]; the old name may carry ".git"
    rest = segs[3:] if len(segs) > 3 else []
    path = "/" + new_repo + ("/" + "/".join(rest) if rest else "")
    return urlunsplit(("https", "github.com", path, parts.query, parts.fragment))


def replace_code_repo(doc: Any, old_repo: str, new_repo: str) -> list[tuple[str, str]]:
    """In a round-trip loaded paper, point every ``links.code`` URL of ``old_repo`` (lower-case
    ``owner/name``) at ``new_repo``; a URL the list already holds under the new name is dropped
    instead of doubled. Comments and the rest of the file stay as written. Returns (old, new) pairs
    (new "" for a dropped one)."""
    links = doc.get("links") if isinstance(doc, dict) else None
    code = links.get("code") if isinstance(links, dict) else None
    if not isinstance(code, list):
        return []
    changes: list[tuple[str, str]] = []
    have = {url_key(u) for u in code if isinstance(u, str)}
    i = 0
    while i < len(code):
        url = code[i]
        if isinstance(url, str) and identity.github_repo(url) == old_repo.lower():
            new = moved_url(url, new_repo)
            if url_key(new) in have:
                del code[i]
                changes.append((url, ""))
                continue
            code[i] = new
            have.add(url_key(new))
            changes.append((url, new))
        i += 1
    return changes
