"""What duplicate detection knows about one paper: identifiers, folded title, title words, authors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperlist.infra.identity import (
    arxiv_id,
    author_key,
    canonical_url,
    cvf_paper,
    doi,
    drop_stripped_prefix,
    fold_title,
    github_repo,
    github_subpath,
    strip_title_decorations,
    title_key,
)
from paperlist.project.loader import PaperFile
from paperlist.project.papers import map_papers

# Words that lists add, drop or swap without making a different paper.
STOPWORDS = frozenset({
    "a", "an", "the", "of", "for", "and", "in", "on", "with", "via", "to", "by", "from", "at", "as", "into",
    "its", "their", "our", "is", "are", "using", "towards", "toward",
})
_ARXIV_DOI = "10.48550/arxiv."


@dataclass(slots=True)
class Features:
    """What duplicate detection needs to know about one paper file (and what the cache stores).

    ``ids`` holds ``(kind, value, (line, column), field)``: kind is arxiv, doi, cvf or code.
    """

    rel: str
    title: str
    title_pos: tuple[int, int]
    key: str  # title_key(): folded, spaces removed
    words: tuple[str, ...]  # normalized title words, in order
    prefixless: str  # title_key() of the title without its "Name:" prefix, or ""
    authors: tuple[str, ...]
    ids: tuple[tuple[str, str, tuple[int, int], str], ...]

    def to_tuple(self) -> tuple[Any, ...]:
        return (self.rel, self.title, self.title_pos, self.key, self.words, self.prefixless, self.authors,
                self.ids)

    @classmethod
    def from_tuple(cls, t: tuple[Any, ...]) -> Features:
        return cls(*t)

    @property
    def content_words(self) -> list[str]:
        return [w for w in self.words if w not in STOPWORDS]

    def id_values(self, kind: str) -> set[str]:
        return {v for k, v, _, _ in self.ids if k == kind}


def _text(value: Any) -> str | None:
    # A contributor's unquoted arXiv id arrives as a float; it still deserves a comparison.
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        text = str(value).strip()
        return text or None
    return None


def features_from_data(data: Any, rel: str, pf: PaperFile | None = None) -> Features | None:
    """Features of one paper's data (a dict as loaded); None when there is nothing to compare."""
    if not isinstance(data, dict):
        return None

    def pos(path: tuple[str | int, ...]) -> tuple[int, int]:
        return pf.position(path) if pf is not None else (1, 1)

    title = _text(data.get("title")) or ""
    ids: list[tuple[str, str, tuple[int, int], str]] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, value: str | None, path: tuple[str | int, ...]) -> None:
        if value and (kind, value) not in seen:
            seen.add((kind, value))
            ids.append((kind, value, pos(path), ".".join(str(p) if isinstance(p, str) else f"[{p}]"
                                                           for p in path).replace(".[", "[")))

    ax = _text(data.get("arxiv"))
    if isinstance(data.get("arxiv"), float) and pf is not None:
        # Unquoted `arxiv: 2103.09460` is the float 2103.0946; the source still has every digit.
        src = pf.source_line(pos(("arxiv",))[0]) or ""
        m = re.search(r"arxiv\s*:\s*([0-9.]+)", src)
        ax = m.group(1) if m else ax
    if ax:
        add("arxiv", arxiv_id(ax) or ax.lower(), ("arxiv",))
    def add_doi(value: str | None, path: tuple[str | int, ...]) -> None:
        # arXiv's own DOIs (10.48550/arXiv.2103.09460) name the preprint: compare them as arXiv ids,
        # or a paper listed once with its CVF DOI and once with arXiv's would look like two papers.
        if value and value.startswith(_ARXIV_DOI):
            add("arxiv", arxiv_id(value[len(_ARXIV_DOI):]) or value, path)
        else:
            add("doi", value, path)

    d = _text(data.get("doi"))
    if d:
        add_doi(doi(d) or d.lower(), ("doi",))
    links = data.get("links")
    if isinstance(links, dict):
        paper = _text(links.get("paper"))
        if paper:
            add("arxiv", arxiv_id(paper), ("links", "paper"))
            add_doi(doi(paper) if "doi.org/" in paper.lower() else None, ("links", "paper"))
            add("cvf", cvf_paper(paper), ("links", "paper"))
        code = links.get("code")
        if isinstance(code, list):
            for i, url in enumerate(code):
                u = _text(url)
                if not u:
                    continue
                repo = github_repo(u)
                if repo:
                    sub = github_subpath(u)
                    add("code", f"github.com/{repo}/{sub}".rstrip("/"), ("links", "code", i))
                else:
                    add("code", canonical_url(u).lower(), ("links", "code", i))
    authors_raw = data.get("authors")
    authors: tuple[str, ...] = ()
    if isinstance(authors_raw, list):
        authors = tuple(sorted({k for a in authors_raw if (t := _text(a)) and (k := author_key(t))}))
    if not title and not ids:
        return None
    stripped = strip_title_decorations(title) if title else ""
    norm = fold_title(stripped)
    prefixless = drop_stripped_prefix(stripped) if title else None
    return Features(
        rel=rel,
        title=title,
        title_pos=pos(("title",)),
        key=norm.replace(" ", ""),
        words=tuple(norm.split()),
        prefixless=title_key(prefixless) if prefixless else "",
        authors=authors,
        ids=tuple(ids),
    )


def features_of(pf: PaperFile) -> Features | None:
    return features_from_data(pf.data, pf.rel, pf)



def features_of_files(root: Path, rels: list[str],
               loaded: dict[str, PaperFile]) -> dict[str, tuple[str | None, Features | None]]:
    """(blob id of what was parsed, record) of many files (record None for files that do not load as
    papers); on all cores when many. Files already in ``loaded`` are not parsed again."""
    out: dict[str, tuple[str | None, Features | None]] = {
        rel: (loaded[rel].blob, features_of(loaded[rel])) for rel in rels if rel in loaded}
    todo = [rel for rel in rels if rel not in loaded]

    def features(pf: PaperFile) -> tuple[str | None, tuple[Any, ...] | None]:
        rec = features_of(pf)
        return pf.blob, rec.to_tuple() if rec else None  # plain tuples pickle fast between processes

    for rel, (blob, t) in zip(todo, map_papers(root, features, todo), strict=True):
        out[rel] = (blob, Features.from_tuple(t) if t is not None else None)
    return out
