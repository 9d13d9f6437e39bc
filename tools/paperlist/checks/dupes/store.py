"""The persistent duplicate index: an SQLite file of features and postings, fresh by content."""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from paperlist.checks.dupes.features import Features, features_of
from paperlist.checks.dupes.index import _BLOCK_TOKENS, Index, _shared_needed, keys_of, lookup_keys
from paperlist.infra import cachedir
from paperlist.project.index import snapshot
from paperlist.project.loader import PaperFile
from paperlist.project.papers import map_papers_chunks

# Bump when features or the file layout change: an old cache is then rebuilt, never misread.
_CACHE_VERSION = 9  # 9: "highlight" is stripped from a title like "oral" (paperlist.domain)


def _valid_record_tuple(t: Any) -> bool:
    return (isinstance(t, tuple) and len(t) == 8 and isinstance(t[0], str) and isinstance(t[1], str)
            and isinstance(t[3], str) and isinstance(t[4], tuple) and isinstance(t[7], tuple))


class CacheCorrupt(Exception):
    """The cache database holds something we did not write; it is thrown away and rebuilt."""


_SCHEMA = """
CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE files(id INTEGER PRIMARY KEY, rel TEXT NOT NULL UNIQUE, blob TEXT, rec BLOB, crc INTEGER);
CREATE TABLE keys(key TEXT NOT NULL, fid INTEGER NOT NULL);
CREATE TABLE words(word TEXT PRIMARY KEY, n INTEGER NOT NULL, fids BLOB NOT NULL, crc INTEGER NOT NULL)
    WITHOUT ROWID;
"""
# Created after the first bulk load: building an index once is much faster than growing it row by
# row. Postings name files by number (not by path: a third of the size), and the index covers the
# lookup, so a query never visits the table. A file's postings are deleted through its old
# record's own words and keys, so no index by file is needed. Title words are one row per word
# (its files as a packed array): a million rows of (word, file) cost seconds to insert and index.
_INDEXES = """
CREATE INDEX IF NOT EXISTS keys_key ON keys(key, fid);
"""
_FIDS = "i"  # array type code of file numbers in a posting
_FID_SIZE = array(_FIDS).itemsize


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
    :func:`paperlist.project.index.snapshot` (git's index for unchanged tracked files, a hash for the rest)
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
        try:
            self.con = self._open()
        except (sqlite3.DatabaseError, CacheCorrupt):
            self.discard()
            self.con = self._open()

    def _identity(self) -> dict[str, str]:
        return {"version": str(_CACHE_VERSION), "root": str(self.root),
                "python": "{}.{}".format(*sys.version_info[:2])}

    def _same_identity(self, meta: dict[str, Any]) -> bool:
        # meta also holds the last snapshot's digest: only the identity keys decide whose database it is.
        return {k: meta.get(k) for k in self._identity()} == self._identity()

    def _open(self) -> Any:
        sqlite3 = self._sqlite3
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=15)
        except (OSError, sqlite3.Error):
            # Unwritable cache folder: work from an in-memory database (slower next time, still right).
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
        elif objects != _schema_objects() or not self._same_identity(dict(con.execute("SELECT k, v FROM meta"))):
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
                     and all(listed is False or blob == pf.blob
                             for rel, pf in loaded.items() for listed, blob in [snap.lookup(rel)]))
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
        # Title-word postings change once per word at the end, whatever number of files touch it.
        added: dict[str, list[int]] = defaultdict(list)
        removed: dict[str, set[int]] = defaultdict(set)
        for rel in [*gone, *(r for r in pending if r in stored)]:
            self._delete(stored[rel][0], removed)
        # Workers parse and encode (record bytes, checksum, postings); this process inserts each
        # chunk while they work on the next.
        next_id = (con.execute("SELECT MAX(id) FROM files").fetchone()[0] or 0) + 1
        fids = {rel: fid for fid, rel in enumerate(pending, start=next_id)}
        as_listed = True  # every file parsed holds the content the listing named

        def insert(rels: Sequence[str], results: Sequence[tuple[str | None, _Stored]]) -> None:
            nonlocal as_listed
            files: list[tuple[Any, ...]] = []
            keys: list[tuple[str, int]] = []
            for rel, (blob, (data, crc, rec_keys, rec_words)) in zip(rels, results, strict=True):
                fid = fids[rel]
                as_listed = as_listed and blob == current[rel]
                files.append((fid, rel, blob, data, crc))
                keys.extend((k, fid) for k in rec_keys)
                for w in rec_words:
                    added[w].append(fid)
            con.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?)", files)
            con.executemany("INSERT INTO keys VALUES (?, ?)", keys)

        mine = [rel for rel in pending if rel in loaded]
        insert(mine, [(loaded[rel].blob, _stored(features_of(loaded[rel]))) for rel in mine])
        todo = [rel for rel in pending if rel not in loaded]
        done = 0
        with map_papers_chunks(self.root, _stored_file, todo) as chunks:
            for part in chunks:
                insert(todo[done:done + len(part)], part)
                done += len(part)
        self._update_postings(added, removed)
        if self.fresh:
            con.executescript(_INDEXES)
            con.executemany("INSERT INTO meta VALUES (?, ?)", self._identity().items())
            self.fresh = False
        # Stored only when what was parsed is what the listing named (a file that changed meanwhile
        # must be compared again next time).
        digest = snap.digest if as_listed and all(current[rel] == snap.ids.get(rel) for rel in loaded
                                                  if rel in current) else ""
        con.execute("INSERT OR REPLACE INTO meta VALUES ('snapshot', ?)", (digest,))
        con.commit()

    def _meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT v FROM meta WHERE k=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def _delete(self, fid: int, removed: dict[str, set[int]]) -> None:
        row = self.con.execute("SELECT rec, crc FROM files WHERE id=?", (fid,)).fetchone()
        old = self._decode(row[0], row[1]) if row else None
        if old is not None:
            self.con.executemany("DELETE FROM keys WHERE key=? AND fid=?", [(k, fid) for k in keys_of(old)])
            for w in set(old.content_words):
                removed[w].add(fid)
        self.con.execute("DELETE FROM files WHERE id=?", (fid,))

    def _update_postings(self, added: dict[str, list[int]], removed: dict[str, set[int]]) -> None:
        touched = sorted(set(added) | set(removed))
        old = {} if self.fresh else self._postings(touched)
        rows: list[tuple[str, int, bytes, int]] = []
        gone: list[tuple[str]] = []
        for w in touched:
            fids = old.get(w, array(_FIDS))
            if w in removed:
                drop = removed[w]
                fids = array(_FIDS, (f for f in fids if f not in drop))
            fids.extend(added.get(w, ()))
            if fids:
                data = fids.tobytes()
                rows.append((w, len(fids), data, zlib.crc32(data)))
            else:
                gone.append((w,))
        self.con.executemany("INSERT OR REPLACE INTO words VALUES (?, ?, ?, ?)", rows)
        self.con.executemany("DELETE FROM words WHERE word=?", gone)

    def _postings(self, words: Sequence[str]) -> dict[str, array[int]]:
        out: dict[str, array[int]] = {}
        for i in range(0, len(words), 500):
            chunk = words[i:i + 500]
            for w, n, data, crc in self.con.execute(
                    f"SELECT word, n, fids, crc FROM words WHERE word IN ({','.join('?' * len(chunk))})", chunk):
                if not isinstance(data, bytes) or zlib.crc32(data) != crc or len(data) != n * _FID_SIZE:
                    raise CacheCorrupt("damaged posting")
                fids = array(_FIDS)
                fids.frombytes(data)
                out[w] = fids
        return out

    # -- lookups ----------------------------------------------------------------------------------

    def _decode(self, blob: Any, crc: Any) -> Features | None:
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
        return Features.from_tuple(t)

    def record(self, rel: str) -> Features | None:
        row = self.con.execute("SELECT rec, crc FROM files WHERE rel=?", (rel,)).fetchone()
        return self._decode(row[0], row[1]) if row else None

    def records(self, rels: Iterable[str]) -> dict[str, Features]:
        """Many records in few queries (a one-file check fetches all its candidates at once)."""
        out: dict[str, Features] = {}
        todo = sorted(rels)
        for i in range(0, len(todo), 500):
            chunk = todo[i:i + 500]
            for rel, blob, crc in self.con.execute(
                    f"SELECT rel, rec, crc FROM files WHERE rel IN ({','.join('?' * len(chunk))})", chunk):
                rec = self._decode(blob, crc)
                if rec is not None:
                    out[rel] = rec
        return out

    def candidates(self, rec: Features) -> set[str]:
        keys = lookup_keys(rec)
        fids = {r[0] for r in self.con.execute(
            f"SELECT fid FROM keys WHERE key IN ({','.join('?' * len(keys))})", keys)} if keys else set()
        words = sorted(set(rec.content_words))
        if words:
            marks = ",".join("?" * len(words))
            counts = self.con.execute(f"SELECT word, n FROM words WHERE word IN ({marks})", words).fetchall()
            rarest = [w for _, w in sorted((c, w) for w, c in counts)[:_BLOCK_TOKENS]]
            if rarest:
                # Files sharing enough of the rarest words (each file is in a word's posting once).
                postings = self._postings(rarest)
                shared = Counter(f for w in rarest for f in postings.get(w, ()))
                need = _shared_needed(len(rarest))
                fids.update(f for f, n in shared.items() if n >= need)
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


_Stored = tuple[bytes | None, int | None, list[str], list[str]]


def _stored(rec: Features | None) -> _Stored:
    """A record as the database holds it: marshalled bytes, their checksum, exact keys, title words."""
    if rec is None:
        return None, None, [], []
    data = marshal.dumps(rec.to_tuple())
    return data, zlib.crc32(data), keys_of(rec), sorted(set(rec.content_words))


def _stored_file(pf: PaperFile) -> tuple[str | None, _Stored]:
    return pf.blob, _stored(features_of(pf))


def cache_path(root: Path, cache_dir: Path | None = None) -> Path | None:
    """Where the index is kept: ``cache_dir``, else $PAPERLIST_CACHE_DIR, else ``<root>/.paperlist-cache``;
    None when caching is off ($PAPERLIST_NO_CACHE set to anything but 0 or empty)."""
    folder = cachedir.cache_dir(root)
    if folder is None:
        return None
    return (cache_dir or folder) / "dupes-index.sqlite"
