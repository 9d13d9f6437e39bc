"""Duplicate detection: is this paper already in the list, and where?

Evidence, strongest first:

* **error** (certain): the same normalized arXiv id, DOI or CVF open-access paper.
* **warning** (likely): titles equal after normalization, equal but for a ``Name:`` prefix, cut
  short by one word, or differing only by inflections ("Dynamical"/"Dynamic") and small words
  ("Towards a …") — and, where both list authors, sharing at least one author. The same code
  repository (same GitHub repo and sub-folder) is a warning too.
* **notice**: the title evidence above between papers whose arXiv ids (or DOIs) differ: two ids
  mean two papers unless a human says otherwise, but a typo in an id is worth a look.

Scale: comparing every pair is O(n²). Papers are *blocked* instead: an exact-key index for
identifiers and folded titles, and an inverted index of title words in which each paper only
looks up its four rarest and keeps the papers holding two of them (a title called a duplicate
differs in at most two words, so nothing is lost). The features and postings live in an SQLite
cache (``.paperlist-cache/``) checked against folder and file mtimes, so checking one new paper
against 100,000 reads one file and a few index pages.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import sys
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cachedir
from .findings import Finding, Report, Severity
from .identity import (
    arxiv_id,
    author_key,
    canonical_url,
    cvf_paper,
    doi,
    drop_title_prefix,
    github_repo,
    github_subpath,
    normalize_title,
    strip_title_decorations,
    title_key,
)
from .index import snapshot
from .loader import PaperFile, load_paper, relpath
from .papers import load_papers, map_papers, paper_paths

ALLOW_FILE = "not-duplicates.yaml"
# Bump when features or the file layout change: an old cache is then rebuilt, never misread.
_CACHE_VERSION = 7
_BLOCK_TOKENS = 4

# Words that lists add, drop or swap without making a different paper.
STOPWORDS = frozenset({
    "a", "an", "the", "of", "for", "and", "in", "on", "with", "via", "to", "by", "from", "at", "as", "into",
    "its", "their", "our", "is", "are", "using", "towards", "toward",
})
_HAS_DIGIT = re.compile(r"\d")
_ROMAN = frozenset({"ii", "iii", "iv", "v2", "v3", "vi", "vii", "viii", "ix", "x"})
CERTAIN_KINDS = ("arxiv", "doi", "cvf")
_ARXIV_DOI = "10.48550/arxiv."
_KIND_LABEL = {"arxiv": "arXiv id", "doi": "DOI", "cvf": "CVF open-access paper", "code": "code repository"}


# -- features ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Record:
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
    def from_tuple(cls, t: tuple[Any, ...]) -> Record:
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


def record_from_data(data: Any, rel: str, pf: PaperFile | None = None) -> Record | None:
    """Features of one paper's data (a dict as loaded); None when there is nothing to compare."""
    if not isinstance(data, dict):
        return None

    def pos(path: tuple[str | int, ...]) -> tuple[int, int]:
        return pf.position(path) if pf is not None and pf.node is not None else (1, 1)

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
    norm = normalize_title(title) if title else ""
    prefixless = drop_title_prefix(title) if title else None
    return Record(
        rel=rel,
        title=title,
        title_pos=pos(("title",)),
        key=norm.replace(" ", ""),
        words=tuple(norm.split()),
        prefixless=title_key(prefixless) if prefixless else "",
        authors=authors,
        ids=tuple(ids),
    )


def record_from_file(pf: PaperFile) -> Record | None:
    return record_from_data(pf.data, pf.rel, pf)


# -- comparing two papers --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """Why two papers look like one: severity, a short reason, and the evidence as data."""

    severity: Severity
    reason: str
    evidence: dict[str, Any]
    pos: tuple[int, int]  # (line, column) in the paper being checked
    other_pos: tuple[int, int]
    score: float | None = None


def _near_word(a: str, b: str) -> bool:
    """Inflections and spelling variants of one word: dynamic/dynamical, network/networks, color/colour."""
    if _HAS_DIGIT.search(a) or _HAS_DIGIT.search(b) or min(len(a), len(b)) < 4:
        return False
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and len(long_) - len(short) <= 3:
        return True
    from rapidfuzz.distance import Indel

    return Indel.normalized_similarity(a, b) >= 0.8


def _title_relation(a: Record, b: Record) -> tuple[str, float] | None:
    """How a's title relates to b's: ('same', 100), ('prefix', s), ('truncated', s), ('fuzzy', s) or None."""
    if not a.key or not b.key:
        return None
    if a.key == b.key:
        return ("same", 100.0)
    from rapidfuzz import fuzz

    # Below 75 none of the rules below can hold; rapidfuzz answers that in C, before any Python work.
    score = round(fuzz.ratio(" ".join(a.words), " ".join(b.words), score_cutoff=75), 1)
    if (a.prefixless and a.prefixless == b.key) or (b.prefixless and b.prefixless == a.key):
        return ("prefix", score or round(fuzz.ratio(" ".join(a.words), " ".join(b.words)), 1))
    if not score:
        return None
    wa, wb = a.content_words, b.content_words
    # Versions, years and "2D/3D" make different papers however close the rest is.
    if {w for w in wa if _HAS_DIGIT.search(w) or w in _ROMAN} != {w for w in wb if _HAS_DIGIT.search(w) or w in _ROMAN}:
        return None
    # A title cut short by a list: its last written word missing ("…for Unsupervised Person").
    (short, long_), long_title = (((a.words, b.words), b.title) if len(a.words) < len(b.words)
                                  else ((b.words, a.words), a.title))
    extra = long_[len(short):]
    if (len(short) >= 8 and 1 <= len(extra) <= 2 and long_[: len(short)] == short
            and normalize_title(strip_title_decorations(long_title).split()[-1]).split() == list(extra)):
        return ("truncated", score)
    if score < 85:
        return None
    rest_a = list(wa)
    rest_b = list(wb)
    for w in wa:
        if w in rest_b:
            rest_b.remove(w)
            rest_a.remove(w)
    if not rest_a and not rest_b:
        # Only small words differ ("Towards a Background …"); allow a couple.
        sa = [w for w in a.words if w in STOPWORDS]
        sb = [w for w in b.words if w in STOPWORDS]
        for w in list(sa):
            if w in sb:
                sb.remove(w)
                sa.remove(w)
        return ("fuzzy", score) if len(sa) + len(sb) <= 2 else None
    if "".join(rest_a) == "".join(rest_b):  # spacing only: "pre training" / "pretraining"
        return ("fuzzy", score)
    if len(rest_a) != len(rest_b) or len(rest_a) > 2:
        return None
    for w in rest_a:
        partner = next((v for v in rest_b if _near_word(w, v)), None)
        if partner is None:
            return None
        rest_b.remove(partner)
    return ("fuzzy", score)


_RELATION_TEXT = {
    "same": "titles match after normalization",
    "prefix": "titles match but for a leading 'Name:'",
    "truncated": "one title is the other cut short by one word",
    "fuzzy": "titles differ only in small words or word forms",
}


def compare(a: Record, b: Record) -> Match | None:
    """The strongest evidence that ``a`` (being checked) and ``b`` are the same paper, or None."""
    b_ids = {(k, v): (pos, field) for k, v, pos, field in b.ids}
    for kind in CERTAIN_KINDS:
        for k, v, pos, field in a.ids:
            if k == kind and (k, v) in b_ids:
                other_pos, other_field = b_ids[(k, v)]
                return Match(
                    "error", f"same {_KIND_LABEL[kind]} {v}",
                    {"identifier": kind, "value": v, "field": field, "other_field": other_field},
                    pos, other_pos,
                )
    relation = _title_relation(a, b)
    b_code = {v: (pos, field) for k, v, pos, field in b.ids if k == "code"}
    if relation is None and not any(k == "code" and v in b_code for k, v, _, _ in a.ids):
        return None
    conflict = next(
        (kind for kind in ("arxiv", "doi") if a.id_values(kind) and b.id_values(kind)
         and not a.id_values(kind) & b.id_values(kind)),
        None,
    )
    if relation is not None and a.authors and b.authors and not set(a.authors) & set(b.authors):
        relation = None  # different author lists: a different paper with a similar title
    if relation is not None:
        kind, score = relation
        evidence: dict[str, Any] = {"titles": [a.title, b.title], "relation": kind, "similarity": score}
        if a.authors and b.authors:
            evidence["shared_authors"] = sorted(set(a.authors) & set(b.authors))
        reason = f"{_RELATION_TEXT[kind]} (similarity {score:g}/100)"
        if conflict:
            va, vb = sorted(a.id_values(conflict))[0], sorted(b.id_values(conflict))[0]
            evidence["conflicting"] = {"identifier": conflict, "values": [va, vb]}
            return Match("notice", f"{reason}, but the {_KIND_LABEL[conflict]}s differ ({va} / {vb})",
                         evidence, a.title_pos, b.title_pos, score)
        return Match("warning", reason, evidence, a.title_pos, b.title_pos, score)
    for k, v, pos, field in a.ids:
        if k == "code" and v in b_code:
            other_pos, other_field = b_code[v]
            evidence = {"identifier": "code", "value": v, "field": field, "other_field": other_field}
            # One repository can hold several papers' code: never more than a warning.
            severity: Severity = "notice" if conflict else "warning"
            return Match(severity, f"same code repository {v}", evidence, pos, other_pos)
    return None


# -- the index -----------------------------------------------------------------------------------


class Index:
    """Records plus exact-key and title-word postings, in memory (``--all`` and cache-less runs)."""

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self.files = 0  # files seen, including those that do not load as papers
        self.keys: dict[str, list[str]] = {}  # "arxiv:…", "t:<title key>", "p:<prefixless key>"
        self.words: dict[str, set[str]] = {}

    def add(self, rec: Record) -> None:
        self.records[rec.rel] = rec
        for k in keys_of(rec):
            self.keys.setdefault(k, []).append(rec.rel)
        for w in set(rec.content_words):
            self.words.setdefault(w, set()).add(rec.rel)

    def record(self, rel: str) -> Record | None:
        return self.records.get(rel)

    def candidates(self, rec: Record) -> set[str]:
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


def keys_of(r: Record) -> list[str]:
    """The exact keys a record is filed under."""
    keys = [f"{k}:{v}" for k, v, _, _ in r.ids]
    if r.key:
        keys.append(f"t:{r.key}")
    if r.prefixless:
        keys.append(f"p:{r.prefixless}")
    return keys


def lookup_keys(r: Record) -> list[str]:
    """The keys to look a record up by: its own, plus the cross keys of the 'Name:' prefix rule."""
    keys = keys_of(r)
    if r.key:
        keys.append(f"p:{r.key}")
    if r.prefixless:
        keys.append(f"t:{r.prefixless}")
    return keys


def _valid_record_tuple(t: Any) -> bool:
    return (isinstance(t, tuple) and len(t) == 8 and isinstance(t[0], str) and isinstance(t[1], str)
            and isinstance(t[3], str) and isinstance(t[4], tuple) and isinstance(t[7], tuple))


class CacheCorrupt(Exception):
    """The cache database holds something we did not write; it is thrown away and rebuilt."""


_SCHEMA = """
CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE files(id INTEGER PRIMARY KEY, rel TEXT NOT NULL UNIQUE, blob TEXT, rec BLOB, crc INTEGER);
CREATE TABLE keys(key TEXT NOT NULL, fid INTEGER NOT NULL);
CREATE TABLE words(word TEXT NOT NULL, fid INTEGER NOT NULL);
"""
# Created after the first bulk load: building an index once is much faster than growing it row by
# row. Postings name files by number (not by path: a third of the size), and the indexes cover
# the lookups, so a query never visits the tables. A file's postings are deleted through its old
# record's own words and keys, so no index by file is needed.
_INDEXES = """
CREATE INDEX IF NOT EXISTS keys_key ON keys(key, fid);
CREATE INDEX IF NOT EXISTS words_word ON words(word, fid);
"""


def _schema_objects() -> set[tuple[str, str]]:
    import sqlite3

    con = sqlite3.connect(":memory:")
    con.executescript(_SCHEMA + _INDEXES)
    out = set(con.execute("SELECT type, name FROM sqlite_master"))
    con.close()
    return out


class Store:
    """The persistent index: an SQLite file of records and postings, each file's filed under its
    path and the git blob id of the content it was built from.

    A one-file check looks up only its candidates, so it never reads the whole list. Freshness is
    by content, never by mtime: every run takes the current blob id of every paper file from
    :func:`paperlist.index.snapshot` (git's index for unchanged tracked files, a hash for the rest)
    and rebuilds the records whose id differs, so a file edited in place is always seen. The files
    being checked are always read afresh. Anything unexpected in the database (another version,
    another root, damage) and it is deleted and rebuilt: the cache can only cost time, never
    change a verdict.
    """

    def __init__(self, path: Path, root: Path) -> None:
        import sqlite3

        self.path = path
        self.root = root
        self._sqlite3 = sqlite3
        self.writable = True
        try:
            self.con = self._open()
        except (sqlite3.DatabaseError, CacheCorrupt):
            self.discard()
            self.con = self._open()

    def _identity(self) -> dict[str, str]:
        return {"version": str(_CACHE_VERSION), "root": str(self.root),
                "python": "{}.{}".format(*sys.version_info[:2])}

    def _open(self) -> Any:
        sqlite3 = self._sqlite3
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=15)
        except (OSError, sqlite3.Error):
            # Unwritable cache folder: work from an in-memory database (slower next time, still right).
            self.writable = False
            con = sqlite3.connect(":memory:")
        con.execute("PRAGMA synchronous=OFF")  # a lost cache is rebuilt; durability buys nothing
        con.execute("PRAGMA trusted_schema=OFF")
        objects = set(con.execute("SELECT type, name FROM sqlite_master"))
        self.fresh = not objects
        if self.fresh:
            con.executescript(_SCHEMA)
            # meta is written last, with the indexes (see sync): a database interrupted before that
            # fails the identity check below and is rebuilt.
            con.commit()
        # Exactly our tables and indexes: a database with triggers or views is not ours (a
        # committed or planted cache file must not be able to act on what we write).
        elif objects != _schema_objects() or dict(con.execute("SELECT k, v FROM meta").fetchall()) != self._identity():
            con.close()
            raise CacheCorrupt(str(self.path))
        return con

    def discard(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")

    def close(self) -> None:
        self.con.close()

    # -- freshness --------------------------------------------------------------------------------

    def sync(self, *, loaded: dict[str, PaperFile]) -> None:
        """Bring the database up to date with papers/: rebuild what changed content, drop what is gone."""
        snap = snapshot(self.root)
        # The whole listing unchanged since the last run (same blob ids, same hashes of the files git
        # sees modified): nothing to compare file by file. The files being checked are read anyway.
        unchanged = (not self.fresh and self._meta("snapshot") == snap.digest
                     and all(snap.ids[rel] == pf.blob for rel, pf in loaded.items() if rel in snap.ids))
        if unchanged:
            return
        current = dict(snap.ids)
        for rel, pf in loaded.items():
            if rel in current:
                current[rel] = pf.blob  # what was parsed now
        con = self.con
        stored = {rel: (fid, blob) for fid, rel, blob in con.execute("SELECT id, rel, blob FROM files")}
        gone = [rel for rel in stored if rel not in current]
        pending = sorted(rel for rel, blob in current.items() if blob is None or stored.get(rel, (0, ""))[1] != blob)
        for rel in [*gone, *(r for r in pending if r in stored)]:
            self._delete(stored[rel][0])
        parsed = parse_many(self.root, pending, loaded)
        next_id = (con.execute("SELECT MAX(id) FROM files").fetchone()[0] or 0) + 1
        rows: tuple[list[tuple[Any, ...]], list[tuple[str, int]], list[tuple[str, int]]] = ([], [], [])
        for fid, rel in enumerate(pending, start=next_id):
            blob, rec = parsed[rel]
            data = marshal.dumps(rec.to_tuple()) if rec else None
            rows[0].append((fid, rel, blob, data, zlib.crc32(data) if data is not None else None))
            if rec is not None:
                rows[1].extend((k, fid) for k in keys_of(rec))
                rows[2].extend((w, fid) for w in set(rec.content_words))
        con.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?)", rows[0])
        con.executemany("INSERT INTO keys VALUES (?, ?)", rows[1])
        con.executemany("INSERT INTO words VALUES (?, ?)", rows[2])
        if self.fresh:
            con.executescript(_INDEXES)
            con.executemany("INSERT INTO meta VALUES (?, ?)", self._identity().items())
            self.fresh = False
        # Stored only when what was parsed is what the listing named (a file that changed meanwhile
        # must be compared again next time).
        digest = snap.digest if current == snap.ids else ""
        con.execute("INSERT OR REPLACE INTO meta VALUES ('snapshot', ?)", (digest,))
        con.commit()

    def _meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT v FROM meta WHERE k=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def _delete(self, fid: int) -> None:
        row = self.con.execute("SELECT rec, crc FROM files WHERE id=?", (fid,)).fetchone()
        old = self._decode(row[0], row[1]) if row else None
        if old is not None:
            self.con.executemany("DELETE FROM keys WHERE key=? AND fid=?", [(k, fid) for k in keys_of(old)])
            self.con.executemany("DELETE FROM words WHERE word=? AND fid=?",
                                 [(w, fid) for w in set(old.content_words)])
        self.con.execute("DELETE FROM files WHERE id=?", (fid,))

    # -- lookups ----------------------------------------------------------------------------------

    def _decode(self, blob: Any, crc: Any) -> Record | None:
        if blob is None:
            return None
        # SQLite does not checksum its pages: a damaged record must not pass for a paper.
        if not isinstance(blob, bytes) or zlib.crc32(blob) != crc:
            raise CacheCorrupt("damaged record")
        try:
            t = marshal.loads(blob)
        except (EOFError, ValueError, TypeError) as e:
            raise CacheCorrupt("unreadable record") from e
        if not _valid_record_tuple(t):
            raise CacheCorrupt("unexpected record")
        return Record.from_tuple(t)

    def record(self, rel: str) -> Record | None:
        row = self.con.execute("SELECT rec, crc FROM files WHERE rel=?", (rel,)).fetchone()
        return self._decode(row[0], row[1]) if row else None

    def records(self, rels: Iterable[str]) -> dict[str, Record]:
        """Many records in few queries (a one-file check fetches all its candidates at once)."""
        out: dict[str, Record] = {}
        todo = sorted(rels)
        for i in range(0, len(todo), 500):
            chunk = todo[i:i + 500]
            for rel, blob, crc in self.con.execute(
                    f"SELECT rel, rec, crc FROM files WHERE rel IN ({','.join('?' * len(chunk))})", chunk):
                rec = self._decode(blob, crc)
                if rec is not None:
                    out[rel] = rec
        return out

    def candidates(self, rec: Record) -> set[str]:
        keys = lookup_keys(rec)
        fids = {r[0] for r in self.con.execute(
            f"SELECT fid FROM keys WHERE key IN ({','.join('?' * len(keys))})", keys)} if keys else set()
        words = sorted(set(rec.content_words))
        if words:
            marks = ",".join("?" * len(words))
            counts = self.con.execute(
                f"SELECT word, COUNT(*) FROM words WHERE word IN ({marks}) GROUP BY word", words).fetchall()
            rarest = [w for _, w in sorted((c, w) for w, c in counts)[:_BLOCK_TOKENS]]
            if rarest:
                fids.update(r[0] for r in self.con.execute(
                    f"SELECT fid FROM words WHERE word IN ({','.join('?' * len(rarest))}) "
                    "GROUP BY fid HAVING COUNT(*) >= ?", [*rarest, _shared_needed(len(rarest))]))
        out: set[str] = set()
        todo = sorted(fids)
        for i in range(0, len(todo), 500):
            chunk = todo[i:i + 500]
            out.update(r[0] for r in self.con.execute(
                f"SELECT rel FROM files WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        out.discard(rec.rel)
        return out

    def index(self) -> Index:
        """Everything, as an in-memory Index (for ``--all``)."""
        idx = Index()
        for blob, crc in self.con.execute("SELECT rec, crc FROM files ORDER BY rel"):
            idx.files += 1
            rec = self._decode(blob, crc)
            if rec is not None:
                idx.add(rec)
        return idx


def cache_path(root: Path, cache_dir: Path | None = None) -> Path | None:
    """Where the index is kept: ``cache_dir``, else $PAPERLIST_CACHE_DIR, else ``<root>/.paperlist-cache``;
    None when caching is off ($PAPERLIST_NO_CACHE set to anything but 0 or empty)."""
    folder = cachedir.cache_dir(root)
    if folder is None:
        return None
    return (cache_dir or folder) / "dupes-index.sqlite"


def scan_index(root: Path, loaded: dict[str, PaperFile]) -> Index:
    """Every paper under ``root`` read from disk (no cache)."""
    idx = Index()
    rels = [relpath(p, root) for p in paper_paths(root)[0]]
    idx.files = len(rels)
    records = parse_many(root, sorted(rels), loaded)
    for rel in sorted(rels):
        rec = records[rel][1]
        if rec is not None:
            idx.add(rec)
    return idx


def parse_many(root: Path, rels: list[str],
               loaded: dict[str, PaperFile]) -> dict[str, tuple[str | None, Record | None]]:
    """(blob id of what was parsed, record) of many files (record None for files that do not load as
    papers); on all cores when many. Files already in ``loaded`` are not parsed again."""
    out: dict[str, tuple[str | None, Record | None]] = {
        rel: (loaded[rel].blob, record_from_file(loaded[rel])) for rel in rels if rel in loaded}
    todo = [rel for rel in rels if rel not in loaded]

    def features(pf: PaperFile) -> tuple[str | None, tuple[Any, ...] | None]:
        rec = record_from_file(pf)
        return pf.blob, rec.to_tuple() if rec else None  # plain tuples pickle fast between processes

    for rel, (blob, t) in zip(todo, map_papers(root, features, [root / rel for rel in todo]), strict=True):
        out[rel] = (blob, Record.from_tuple(t) if t is not None else None)
    return out


# -- human decisions -----------------------------------------------------------------------------


def load_allowed(root: Path) -> tuple[set[frozenset[str]], list[Finding]]:
    """Pairs a maintainer declared different papers, from ``not-duplicates.yaml``::

        pairs:
          - files: [papers/cvpr2021/a.yaml, papers/cvpr2021/b.yaml]
            reason: two papers by the same group with near-identical titles
    """
    path = root / ALLOW_FILE
    if not path.is_file():
        return set(), []
    pf = load_paper(path, root)  # the same guarded loader as paper files: no tags, aliases, bombs
    findings = list(pf.findings)
    pairs: set[frozenset[str]] = set()
    if not pf.parsed:
        return pairs, findings
    items = pf.data.get("pairs")
    if not isinstance(items, list):
        line, col = pf.position(("pairs",))
        findings.append(Finding(pf.rel, "error", "duplicate", f"{ALLOW_FILE} needs a 'pairs:' list of "
                                "'- files: [a.yaml, b.yaml]' entries", line=line, column=col))
        return pairs, findings
    for i, item in enumerate(items):
        files = item.get("files") if isinstance(item, dict) else None
        if not (isinstance(files, list) and len(files) == 2 and all(isinstance(f, str) for f in files)):
            line, col = pf.position(("pairs", i))
            findings.append(Finding(pf.rel, "error", "duplicate",
                                    "expected 'files: [a.yaml, b.yaml]' (two paths)", line=line, column=col))
            continue
        pairs.add(frozenset(f.strip().removeprefix("./") for f in files))
    return pairs, findings


# -- the check -----------------------------------------------------------------------------------


def _finding(rec: Record, other: Record, m: Match) -> Finding:
    what = {"error": "already in the list as", "warning": "probably already in the list as",
            "notice": "looks like"}[m.severity]
    message = f"{what} {other.rel}: {m.reason}"
    zh = {"error": "与 {o} 重复（{r}）", "warning": "可能与 {o} 重复（{r}）", "notice": "与 {o} 相似（{r}）"}
    extra: dict[str, Any] = {"duplicate_of": other.rel, "duplicate_line": m.other_pos[0], "evidence": m.evidence}
    if m.score is not None:
        extra["score"] = m.score
    hint = (f"if it is the same paper, keep one file (merge links into {other.rel}); if they are different "
            f"papers, add both paths to {ALLOW_FILE}")
    return Finding(
        file=rec.rel, severity=m.severity, check="duplicate", message=message, line=m.pos[0], column=m.pos[1],
        message_zh=zh[m.severity].format(o=other.rel, r=m.reason), hint=hint,
        hint_zh=f"若是同一篇论文，请只保留一个文件；若不是，请把两个路径加入 {ALLOW_FILE}",
        extra=extra,
    )


def find_duplicates(
    root: Path,
    files: Sequence[Path] | None,
    *,
    check_all: bool = False,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    papers: Sequence[PaperFile] = (),
) -> Report:
    """Check ``files`` against every paper under ``root`` and each other (or, with ``check_all``,
    the whole list against itself). One finding per duplicate pair, on the checked file (with
    ``check_all``, on the later path of the pair), with ``duplicate_of`` the other file.

    Files that fail other checks are compared as long as they parse; files that do not parse are
    left to ``validate`` (their findings are not repeated here). ``papers`` are checked like
    ``files`` but come already loaded (``paperlist new`` checks a file before writing it).

    >>> find_duplicates(Path("."), [Path("papers/cvpr2021/new.yaml")])  # doctest: +SKIP
    """
    root = Path(root)
    cache = cache_path(root, cache_dir) if use_cache else None
    allowed, findings = load_allowed(root)
    targets: list[PaperFile] = load_papers(root, files).files if files else []
    targets.extend(papers)
    loaded = {pf.rel: pf for pf in targets}
    if cache is None:
        return _run(scan_index(root, loaded), targets, allowed, findings, check_all)
    import sqlite3

    for attempt in (1, 2):
        try:
            store = Store(cache, root)
        except sqlite3.Error:
            break
        try:
            store.sync(loaded=loaded)
            source: Index | Store = store.index() if check_all else store
            return _run(source, targets, allowed, list(findings), check_all)
        except (CacheCorrupt, sqlite3.DatabaseError):
            store.close()
            if attempt == 1:
                store.discard()  # damaged or foreign: rebuild once from the files
        except sqlite3.Error:
            break  # locked by another run for too long: answer from the files this time
        finally:
            store.close()
    return _run(scan_index(root, loaded), targets, allowed, findings, check_all)


def _run(source: Index | Store, targets: list[PaperFile], allowed: set[frozenset[str]],
         findings: list[Finding], check_all: bool) -> Report:
    pairs_done: set[frozenset[str]] = set()
    extra_records: dict[str, Record] = {}

    def check(rec: Record, pool: Iterable[str], *, only_later: bool) -> None:
        for rel in sorted(pool):
            if rel == rec.rel or (only_later and rel > rec.rel):
                continue
            pair = frozenset((rec.rel, rel))
            if pair in pairs_done or pair in allowed:
                continue
            other: Record | None = extra_records.get(rel) or source.record(rel)
            if other is None:
                continue
            m = compare(rec, other)
            if m is not None:
                pairs_done.add(pair)
                findings.append(_finding(rec, other, m))

    if check_all:
        assert isinstance(source, Index)
        for rel in sorted(source.records):
            known = source.records[rel]
            check(known, source.candidates(known), only_later=True)
        return Report(findings, files=source.files)
    recs: list[Record] = []
    for pf in targets:
        rec = record_from_file(pf)
        if rec is not None:
            recs.append(rec)
        elif not pf.parsed:
            findings.append(Finding(pf.rel, "notice", "duplicate",
                                    "not compared for duplicates: the file does not load as a paper "
                                    "(see paperlist validate)", message_zh="未做重复检查：文件无法解析"))
    # The files being checked are compared as read now, whatever the cache holds for them.
    extra_records = {r.rel: r for r in recs}
    pools = {rec.rel: source.candidates(rec) | set(extra_records) for rec in recs}
    if isinstance(source, Store):
        wanted = set().union(*pools.values()) - set(extra_records) if pools else set()
        extra_records = {**source.records(wanted), **extra_records}
    for rec in recs:
        check(rec, pools[rec.rel], only_later=False)
    return Report(findings, files=len(targets))


def compare_data(a: dict[str, Any], b: dict[str, Any]) -> Match | None:
    """Compare two papers given as data (the labelled-pair evaluation and tools use this)."""
    ra = record_from_data(a, "a.yaml")
    rb = record_from_data(b, "b.yaml")
    if ra is None or rb is None:
        return None
    return compare(ra, rb)


__all__ = ["Index", "Match", "Record", "compare", "compare_data", "find_duplicates", "record_from_data"]
