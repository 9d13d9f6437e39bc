"""Writing paper files: new files in one house style, merges that only ever add.

ruamel.yaml's round-trip mode keeps what people wrote by hand (comments, quoting, key
order) when the importer merges new facts into an existing file; new files are built in
the fixed field order so that a PR diff of generated data reads like hand-written data.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from paperlist.infra import fsutil, identity

FIELD_ORDER = ("title", "title_zh", "authors", "venue", "year", "track", "presentation", "arxiv", "doi",
               "links", "tags", "suggested_tags", "pinned")
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


# -- field-by-field merge (the importer's) -------------------------------------------------------

# What a maintainer may pin in a paper file (``pinned:``): the importer neither fills, adds to nor
# reports a pinned field. ``links`` pins every link kind at once.
PINNABLE = ("title_zh", "authors", "track", "presentation", "arxiv", "doi", "tags", "links", "links.paper",
            "links.code", "links.project", "links.video", "links.readings", "links.other")


@dataclass
class FieldChange:
    """One value a merge adds to a file: ``links.code`` + the URL."""

    field: str
    value: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "value": self.value}


@dataclass
class FieldConflict:
    """A value the source offers that the merge did not write: the file says otherwise, or the value
    belongs to another paper of the list."""

    field: str
    kept: str
    offered: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "kept": self.kept, "offered": self.offered, "why": self.why}


@dataclass
class MergeResult:
    changes: list[FieldChange] = field(default_factory=list)
    conflicts: list[FieldConflict] = field(default_factory=list)
    pinned: list[str] = field(default_factory=list)  # pinned fields the source had a value for

    @property
    def added(self) -> list[str]:
        return [c.field for c in self.changes]


# (kind, value) -> the other paper file that holds it, or None; kind is "cvf", "code" or "arxiv".
HeldElsewhere = Callable[[str, str], "str | None"]


def pinned_fields(doc: Any) -> set[str]:
    raw = doc.get("pinned") if isinstance(doc, dict) else None
    return {str(x) for x in raw} if isinstance(raw, list) else set()


def _is_pinned(name: str, pinned: set[str]) -> bool:
    return name in pinned or (name.startswith("links.") and "links" in pinned)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def merge_fields(doc: CommentedMap, paper: dict[str, Any], *,
                 held_elsewhere: HeldElsewhere | None = None) -> MergeResult:
    """Merge ``paper`` into ``doc`` field by field, as the importer does.

    A missing field is filled; a present one is kept; a different value is a conflict (reported,
    never written); a field the file lists under ``pinned:`` is left as the maintainer set it; a
    code repository, CVF paper or arXiv id that another paper file holds is a conflict too (a list
    row that carries its neighbour's link). Tags, readings and other links are collections: new
    items join them (tags after the hand-set ones).
    """
    out = MergeResult()
    pinned = pinned_fields(doc)
    elsewhere: HeldElsewhere = held_elsewhere or (lambda kind, value: None)

    def skip_pinned(name: str) -> bool:
        if _is_pinned(name, pinned):
            if name not in out.pinned:
                out.pinned.append(name)
            return True
        return False

    for key in _SCALARS:
        value = paper.get(key)
        if not value or skip_pinned(key):
            continue
        if key not in doc or doc.get(key) in (None, ""):
            if key == "arxiv" and (other := elsewhere("arxiv", str(value))):
                out.conflicts.append(FieldConflict(key, "", str(value), f"{other} has this arXiv id"))
                continue
            if key in doc:
                del doc[key]
            _insert_ordered(doc, key, DoubleQuotedScalarString(value) if key == "arxiv" else value, FIELD_ORDER)
            out.changes.append(FieldChange(key, str(value)))
        elif _scalar_key(key, doc.get(key)) != _scalar_key(key, value):
            out.conflicts.append(FieldConflict(key, str(doc.get(key)), str(value), "the file has another value"))
    if paper.get("authors") and not skip_pinned("authors"):
        if not doc.get("authors"):
            if "authors" in doc:
                del doc["authors"]
            _insert_ordered(doc, "authors", _seq(paper["authors"]), FIELD_ORDER)
            out.changes.append(FieldChange("authors", _show(paper["authors"])))
        elif isinstance(doc.get("authors"), list) and (
                [identity.author_key(str(a)) for a in doc["authors"]]
                != [identity.author_key(str(a)) for a in paper["authors"]]):
            out.conflicts.append(FieldConflict("authors", _show(doc["authors"]), _show(paper["authors"]),
                                               "the file lists other authors"))
    new_tags = [t for t in paper.get("tags", []) if t != "other"]  # the fallback never joins a tagged paper
    if new_tags and not skip_pinned("tags"):
        tags = doc.get("tags")
        if isinstance(tags, list):
            raw_sugg = doc.get("suggested_tags")
            machine = {str(t) for t in raw_sugg} if isinstance(raw_sugg, list) else set()
            for tag in new_tags:
                if tag not in tags and len(tags) < 10:
                    if tags == ["other"] or (machine and {str(t) for t in tags} <= machine):
                        # A list's category is a person's word: it replaces the fallback and unconfirmed
                        # topic-model suggestions.
                        out.changes.extend(FieldChange("tags", f"-{t}") for t in tags)
                        tags.clear()
                        if "suggested_tags" in doc:
                            del doc["suggested_tags"]
                        machine = set()
                    tags.append(tag)
                    out.changes.append(FieldChange("tags", tag))
        elif "tags" not in doc:
            _insert_ordered(doc, "tags", _seq(new_tags), FIELD_ORDER)
            out.changes.extend(FieldChange("tags", t) for t in new_tags)
    _merge_links_strict(doc, paper.get("links") or {}, out, skip_pinned, elsewhere)
    return out


def _scalar_key(key: str, value: Any) -> str:
    if key == "arxiv":
        return identity.arxiv_id(str(value)) or str(value)
    if key == "doi":
        return identity.doi(str(value)) or str(value).lower()
    return " ".join(str(value).split()).casefold()


def _merge_links_strict(doc: CommentedMap, new: dict[str, Any], out: MergeResult,
                        skip_pinned: Callable[[str], bool], elsewhere: HeldElsewhere) -> None:
    if not any(new.values()):
        return
    links = doc.get("links")
    if not isinstance(links, dict):
        if "links" in doc:
            return  # a hand-written value of the wrong shape: leave it for validate to report
        if all(skip_pinned(f"links.{k}") for k, v in new.items() if v):
            return
        links = CommentedMap()
        _insert_ordered(doc, "links", links, FIELD_ORDER)
    known = _all_urls(links)

    def fresh(url: str) -> bool:
        return url_key(url) not in known

    for lk in ("paper", "project", "video"):
        url = new.get(lk)
        if not url or not fresh(url) or skip_pinned(f"links.{lk}"):
            continue
        cvf = identity.cvf_paper(url) if lk == "paper" else None
        if cvf and (other := elsewhere("cvf", cvf)):
            out.conflicts.append(FieldConflict(f"links.{lk}", str(links.get(lk) or ""), url,
                                               f"{other} has this CVF paper"))
        elif lk not in links:
            _insert_ordered(links, lk, url, LINK_ORDER)
            out.changes.append(FieldChange(f"links.{lk}", url))
            known.add(url_key(url))
        elif not (cvf and cvf == identity.cvf_paper(str(links[lk]))):  # a CVF PDF and its HTML page agree
            out.conflicts.append(FieldConflict(f"links.{lk}", str(links[lk]), url, "the file has another link"))
    codes = [u for u in new.get("code") or [] if fresh(u)]
    if codes and not skip_pinned("links.code"):
        have = [u for u in links.get("code") or [] if isinstance(u, str)]
        repos = {_repo_key(u) for u in have}
        for url in codes:
            if _repo_key(url) in repos:
                continue  # the same repository (another branch or page of it)
            other = elsewhere("code", _repo_key(url))
            if other:
                out.conflicts.append(FieldConflict("links.code", _show(have), url, f"{other} has this repository"))
            elif have:
                out.conflicts.append(FieldConflict("links.code", _show(have), url,
                                                   "the file names another repository"))
            elif "code" in links and not isinstance(links.get("code"), list):
                continue
            else:
                if isinstance(links.get("code"), list):
                    links["code"].append(url)
                else:
                    _insert_ordered(links, "code", _seq([url]), LINK_ORDER)
                known.add(url_key(url))
                repos.add(_repo_key(url))
                have.append(url)
                out.changes.append(FieldChange("links.code", url))
    for lk in ("readings", "other"):
        for item in new.get(lk) or []:
            if fresh(item["url"]) and not skip_pinned(f"links.{lk}"):
                _append_titled(links, lk, item)
                known.add(url_key(item["url"]))
                out.changes.append(FieldChange(f"links.{lk}", item["url"]))


def _repo_key(url: str) -> str:
    """A repository as identity, spelt as duplicate detection files it (``github.com/owner/repo[/sub]``)."""
    repo = identity.github_repo(url)
    if repo is None:
        return url_key(url)
    return f"github.com/{repo}/{identity.github_subpath(url)}".rstrip("/")
