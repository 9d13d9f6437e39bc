"""Blocking: which papers are worth comparing with a given one, without comparing every pair."""

from __future__ import annotations

from pathlib import Path

from paperlist.checks.dupes.features import Features, features_of_files
from paperlist.project.loader import PaperFile, relpath
from paperlist.project.papers import paper_paths

_BLOCK_TOKENS = 4


class Index:
    """Records plus exact-key and title-word postings, in memory (``--all`` and cache-less runs)."""

    def __init__(self) -> None:
        self.records: dict[str, Features] = {}
        self.files = 0  # files seen, including those that do not load as papers
        self.keys: dict[str, list[str]] = {}  # "arxiv:…", "t:<title key>", "p:<prefixless key>"
        self.words: dict[str, set[str]] = {}

    def add(self, rec: Features) -> None:
        self.records[rec.rel] = rec
        for k in keys_of(rec):
            self.keys.setdefault(k, []).append(rec.rel)
        for w in set(rec.content_words):
            self.words.setdefault(w, set()).add(rec.rel)

    def record(self, rel: str) -> Features | None:
        return self.records.get(rel)

    def candidates(self, rec: Features) -> set[str]:
        """Papers that share an identifier, a folded title, or enough of rec's rarest title words."""
        out: set[str] = set()
        for k in lookup_keys(rec):
            out.update(self.keys.get(k, ()))
        known = sorted((len(self.words[w]), w) for w in set(rec.content_words) if w in self.words)
        postings = [self.words[w] for _, w in known[:_BLOCK_TOKENS]]
        if _shared_needed(len(postings)) == 1:
            out.update(*postings)
        else:  # two of four: the union of pairwise intersections, all set operations in C
            for i, p in enumerate(postings):
                for q in postings[i + 1:]:
                    out |= p & q
        out.discard(rec.rel)
        return out


def _shared_needed(rarest: int) -> int:
    """How many of a paper's rarest words a duplicate must share.

    A title the checks call a duplicate differs in at most two content words ("Dynamical" for
    "Dynamic", a truncated last word): so of the four rarest words at least two are shared.
    """
    return max(1, rarest - 2)


def keys_of(r: Features) -> list[str]:
    """The exact keys a record is filed under."""
    keys = [f"{k}:{v}" for k, v, _, _ in r.ids]
    if r.key:
        keys.append(f"t:{r.key}")
    if r.prefixless:
        keys.append(f"p:{r.prefixless}")
    return keys


def lookup_keys(r: Features) -> list[str]:
    """The keys to look a record up by: its own, plus the cross keys of the 'Name:' prefix rule."""
    keys = keys_of(r)
    if r.key:
        keys.append(f"p:{r.key}")
    if r.prefixless:
        keys.append(f"t:{r.prefixless}")
    return keys



def scan_index(root: Path, loaded: dict[str, PaperFile]) -> Index:
    """Every paper under ``root`` read from disk (no cache)."""
    idx = Index()
    rels = [relpath(p, root) for p in paper_paths(root)[0]]
    idx.files = len(rels)
    records = features_of_files(root, sorted(rels), loaded)
    for rel in sorted(rels):
        rec = records[rel][1]
        if rec is not None:
            idx.add(rec)
    return idx
