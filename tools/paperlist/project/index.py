"""The content-addressed index: what each paper file *holds*, named by its git blob id.

Every cache of derived data (README entries, validation findings, duplicate features, the
site's records) is keyed by the file's content, never by its path's mtime, so a file edited in
place is always seen fresh and a renamed or re-cloned one is still known:

* :func:`content_ids` names each file by its git blob id. ``git ls-files -s`` gives the ids of
  tracked files without reading them; files git sees modified in the work tree
  (``git diff-files``, git's own racy-safe check) and untracked files are hashed here, the same
  way git would. Outside a git checkout every file is hashed.
* :func:`derive` computes ``fn(PaperFile)`` for many files, answering from the index what it
  already knows for that content and parsing (on all cores) only the rest.

The index lives in the one cache folder (``cachedir``) as ``index.sqlite``; with caching off
(``PAPERLIST_NO_CACHE``) everything is computed afresh. A damaged, foreign or unwritable index
only costs time: it is rebuilt or bypassed, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from paperlist.infra import cachedir
from paperlist.project.keys import PAPERS_DIR
from paperlist.project.loader import PaperFile, blob_id, discover, relpath
from paperlist.project.papers import map_papers_chunks

T = TypeVar("T")

INDEX_FILE = "index.sqlite"
_INDEX_VERSION = "1"
_GIT_ENV = {"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_OPTIONAL_LOCKS": "0"}
# Whatever the user's config says, git must compare size, ctime and inode too before it calls a
# file unchanged (core.checkStat=minimal or trustctime=false would let an in-place edit slip by).
_GIT_STRICT = ("-c", "core.checkStat=default", "-c", "core.trustctime=true", "-c", "core.quotepath=off")


def _hash_file(path: Path) -> str | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            return blob_id(fh.read())
    except OSError:
        return None  # a symlink or an unreadable file: never cached, always loaded


def _git(root: Path, *args: str) -> subprocess.Popen[bytes] | None:
    try:
        return subprocess.Popen(["git", *_GIT_STRICT, *args], cwd=root, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env={**os.environ, **_GIT_ENV})
    except OSError:
        return None


def content_ids(root: Path, paths: Iterable[Path], snap: Snapshot | None = None) -> dict[str, str | None]:
    """The blob id of each file's *current* content, by root-relative path (None: unreadable).

    Paper files come from :func:`snapshot` (tracked files git sees unchanged are not read; ``snap``:
    one the caller already took); any other file is hashed here.
    """
    root = Path(root)
    # Callers pass Paths already; re-wrapping 10,000 of them cost 0.4 s of a warm render.
    rels = {relpath(p, root): p if isinstance(p, Path) else Path(p) for p in paths}
    known = (snap or snapshot(root)).ids if any(_is_paper_rel(rel) for rel in rels) else {}
    return {rel: known[rel] if rel in known else _hash_file(path) for rel, path in rels.items()}


def _is_paper_rel(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) == 3 and parts[0] == PAPERS_DIR and parts[2].endswith(".yaml") and all(parts)


class Snapshot:
    """Every ``papers/<dir>/<key>.yaml`` file in the work tree now, by content.

    ``digest`` names the whole listing (one hash of git's listing plus the hashes of the files git
    sees changed or does not track), so "has anything changed since?" costs no per-file work;
    ``ids`` (path → blob id; None: unreadable or not a regular file) is only built when asked for.
    """

    def __init__(self, digest: str, build: Callable[[], dict[str, str | None]],
                 find: Callable[[str], tuple[bool, str | None]] | None = None) -> None:
        self.digest = digest
        self._build = build
        self._find = find
        self._ids: dict[str, str | None] | None = None

    @property
    def ids(self) -> dict[str, str | None]:
        if self._ids is None:
            self._ids = self._build()
        return self._ids

    def lookup(self, rel: str) -> tuple[bool, str | None]:
        """(listed, blob id) of one file, without building ``ids`` for the whole list when it can
        be read straight from git's listing (a one-file check against 100,000 papers)."""
        if self._ids is None and self._find is not None:
            return self._find(rel)
        return (rel in self.ids, self.ids.get(rel))


def _hashed(root: Path, rels: Iterable[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for rel in rels:
        path = root / rel
        if os.path.lexists(path):  # else deleted in the work tree, not yet in a commit
            out[rel] = _hash_file(path) if os.path.isfile(path) and not os.path.islink(path) else None
    return out


def _digest(head: bytes, extra: dict[str, str | None]) -> str:
    h = hashlib.sha256(head)
    for rel in sorted(extra):
        h.update(f"\0{rel}\0{extra[rel]}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def snapshot(root: Path) -> Snapshot:
    """The paper files now in the work tree, named by content (see :class:`Snapshot`).

    In a git checkout the listing comes from git (tracked files from its index, untracked ones
    from ``ls-files -o``), so 100,000 unchanged files are neither listed nor read by Python;
    otherwise the folder is scanned and every file hashed."""
    root = Path(root)
    procs = [_git(root, "ls-files", "-s", "-z", "--", PAPERS_DIR),
             _git(root, "diff-files", "--name-only", "--relative", "-z", "--", PAPERS_DIR),
             # Ignored files too: discover() reads every file under papers/, whatever .gitignore says.
             _git(root, "ls-files", "-o", "-z", "--", PAPERS_DIR)]
    outs = [p.communicate()[0] if p is not None else b"" for p in procs]
    if any(p is None or p.returncode != 0 for p in procs):
        paths, _ = discover(root)
        ids = {relpath(p, root): _hash_file(p) for p in paths}
        return Snapshot(_digest(b"scan", ids), lambda: ids)
    staged, dirty, others = outs
    changed = {os.fsdecode(p) for p in dirty.split(b"\0") if p}
    changed.update(os.fsdecode(p) for p in others.split(b"\0") if p)
    hashed = _hashed(root, (rel for rel in changed if _is_paper_rel(rel)))

    def build() -> dict[str, str | None]:
        ids: dict[str, str | None] = {}
        for entry in staged.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            rel = os.fsdecode(path)
            if not _is_paper_rel(rel):
                continue
            mode, blob, stage = meta.split(b" ")
            if stage != b"0":
                ids[rel] = None  # a merge conflict: read it (it will not parse)
            elif mode in (b"100644", b"100755"):
                ids[rel] = blob.decode("ascii")
        for rel in changed:
            ids.pop(rel, None)
        ids.update(hashed)
        return ids

    def find(rel: str) -> tuple[bool, str | None]:
        if rel in changed:
            return (rel in hashed, hashed.get(rel))
        if not _is_paper_rel(rel):
            return (False, None)
        needle = b"\t" + os.fsencode(rel) + b"\0"  # with -z every entry ends in NUL, the last one too
        at = staged.find(needle)
        if at < 0:
            return (False, None)
        if staged.find(needle, at + 1) >= 0:
            return (True, build().get(rel))  # listed more than once: a conflict, read the whole listing
        meta = staged[staged.rfind(b"\0", 0, at) + 1:at].split(b" ")
        if len(meta) != 3:  # not where an entry starts (a path holding a tab): read the whole listing
            ids = build()
            return (rel in ids, ids.get(rel))
        mode, blob, stage = meta
        if stage != b"0":
            return (True, None)
        return (True, blob.decode("ascii")) if mode in (b"100644", b"100755") else (False, None)

    # Conflicted entries are named in git's listing, so they are part of the digest as well; so are
    # the names of modified and untracked files that are not papers (a stray file is a finding).
    return Snapshot(_digest(b"\1".join((staged, dirty, others)), hashed), build, find)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of this package's source: derived data is recomputed whenever the code that derives it
    changes (a version number would not change between two commits of a working copy)."""
    h = hashlib.sha256()
    base = Path(__file__).parents[1]
    for p in sorted(base.rglob("*.py")):
        with contextlib.suppress(OSError):
            h.update(p.relative_to(base).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def fingerprint(*parts: bytes | str) -> str:
    """A short hash of everything else a derived value depends on (schema, vocabulary…)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:16]


class _Store:
    """The sqlite file: ``derived(kind, key) -> value`` (JSON text). Opened per run, never trusted
    beyond its own rows: anything unexpected and it is discarded."""

    def __init__(self, path: Path) -> None:
        import sqlite3

        self.path = path
        self.sqlite3 = sqlite3
        path.parent.mkdir(parents=True, exist_ok=True)
        self.con = sqlite3.connect(path, timeout=10)
        try:
            self.con.execute("PRAGMA synchronous=OFF")  # a lost cache is rebuilt; durability buys nothing
            self.con.execute("PRAGMA trusted_schema=OFF")
            self.con.execute("CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL)")
            self.con.execute("CREATE TABLE IF NOT EXISTS derived(kind TEXT NOT NULL, key TEXT NOT NULL, "
                             "value TEXT NOT NULL, PRIMARY KEY(kind, key)) WITHOUT ROWID")
            version = self.con.execute("SELECT v FROM meta WHERE k='version'").fetchone()
            if version is None:
                self.con.execute("INSERT INTO meta VALUES ('version', ?)", (_INDEX_VERSION,))
                self.con.commit()
            elif version[0] != _INDEX_VERSION:
                raise sqlite3.DatabaseError("index from another version")
        except BaseException:
            self.con.close()
            raise

    def get(self, kind: str, keys: Sequence[str]) -> dict[str, str]:
        if len(keys) > 500:  # most of the list: one scan of the kind beats many lookups
            wanted = set(keys)
            return {k: v for k, v in self.con.execute("SELECT key, value FROM derived WHERE kind=?", (kind,))
                    if k in wanted}
        out: dict[str, str] = {}
        for i in range(0, len(keys), 400):
            chunk = list(keys[i:i + 400])
            out.update(self.con.execute(
                f"SELECT key, value FROM derived WHERE kind=? AND key IN ({','.join('?' * len(chunk))})",
                [kind, *chunk]).fetchall())
        return out

    def put(self, kind: str, rows: Iterable[tuple[str, str]], *, keep_only: set[str] | None = None) -> None:
        base = kind.split("@", 1)[0]
        # Values derived by other code or settings can never be asked for again.
        self.con.execute("DELETE FROM derived WHERE kind>=? AND kind<? AND kind!=?", (base + "@", base + "A", kind))
        self.con.executemany("INSERT OR REPLACE INTO derived VALUES (?, ?, ?)", ((kind, k, v) for k, v in rows))
        if keep_only is not None:  # a whole-list run: forget contents no file has any more
            stale = [k for (k,) in self.con.execute("SELECT key FROM derived WHERE kind=?", (kind,))
                     if k not in keep_only]
            self.con.executemany("DELETE FROM derived WHERE kind=? AND key=?", ((kind, k) for k in stale))
        self.con.commit()

    def close(self) -> None:
        self.con.close()


def _open(root: Path) -> _Store | None:
    folder = cachedir.cache_dir(root)
    if folder is None:
        return None
    path = folder / INDEX_FILE
    import sqlite3

    for attempt in (1, 2):
        try:
            return _Store(path)
        except (OSError, sqlite3.Error):
            if attempt == 1:
                for suffix in ("", "-journal", "-wal", "-shm"):  # damaged or foreign: start over once
                    with contextlib.suppress(OSError):
                        os.unlink(f"{path}{suffix}")
    return None


@dataclass(frozen=True)
class Codec:
    """How one kind of derived value is stored: to and from JSON-able data, and what else it
    depends on (``depends``: schema or vocabulary hashes; the code's own hash is always added).
    ``per_path``: the value depends on where the file lives (validation's file-name rule), so
    the same content at two paths is two entries."""

    kind: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any, str], Any]  # (stored data, rel) -> value; raises on anything unexpected
    depends: str = ""
    per_path: bool = False


@dataclass
class Derived:
    """What :func:`derive` did: values in path order, and how many came from the index."""

    values: list[Any]
    hits: int
    parsed: int


def derive(root: Path, codec: Codec, fn: Callable[[PaperFile], T], paths: Sequence[Path], *,
           complete: bool = False, jobs: int | None = None, parallel_from: int | None = None,
           loaded: dict[str, PaperFile] | None = None, meanwhile: Callable[[], None] | None = None,
           snap: Snapshot | None = None) -> Derived:
    """``fn`` of each file in ``paths``, from the index where its content is known, else parsed
    (once, on all cores when many) and remembered. ``loaded`` files are used as they are (not
    re-read). ``complete``: these are all the files, so contents no longer present are forgotten.
    ``meanwhile`` is called once, while the workers parse: the caller's own loading (vocabulary,
    settings, git history) costs no wall time on a cold run. ``snap``: the caller's snapshot of
    the work tree, when it took one already.

    >>> derive(root, ENTRY_CODEC, entry_of, paths).values  # doctest: +SKIP
    """
    root = Path(root)
    loaded = loaded or {}
    store = _open(root)
    rels = [relpath(p, root) for p in paths]
    values: list[Any] = [None] * len(rels)
    todo: list[int] = []
    keys: list[str | None] = [None] * len(rels)
    hits = 0
    if store is not None:
        kind = f"{codec.kind}@{code_fingerprint()}:{codec.depends}"
        ids = content_ids(root, [p for p, rel in zip(paths, rels, strict=True) if rel not in loaded], snap)
        for i, rel in enumerate(rels):
            blob = ids.get(rel)
            if blob is not None:
                keys[i] = f"{blob}:{rel}" if codec.per_path else blob
        try:
            known = store.get(kind, [k for k in keys if k is not None])
        except store.sqlite3.Error:
            known = {}
        for i, key in enumerate(keys):
            raw = known.get(key) if key is not None else None
            if raw is not None:
                try:
                    values[i] = codec.decode(json.loads(raw), rels[i])
                    hits += 1
                    continue
                except (ValueError, TypeError, KeyError, AttributeError, IndexError):
                    pass  # not what we wrote: compute it again
            todo.append(i)
    else:
        todo = list(range(len(rels)))
    direct = [i for i in todo if rels[i] in loaded]
    fresh = [i for i in todo if rels[i] not in loaded]
    for i in direct:
        values[i] = fn(loaded[rels[i]])

    def with_blob(pf: PaperFile) -> tuple[str | None, T]:
        return pf.blob, fn(pf)

    results: list[tuple[str | None, T]] = []
    with map_papers_chunks(root, with_blob, [paths[i] for i in fresh], jobs=jobs,
                           parallel_from=parallel_from) as chunks:
        if meanwhile is not None:
            meanwhile()
        for part in chunks:
            results.extend(part)
    for i, (blob, value) in zip(fresh, results, strict=True):
        values[i] = value
        # Stored under the content actually parsed: a file that changed after it was listed is
        # filed under its new content (and looked up again next time), never under the old one.
        keys[i] = None if blob is None else f"{blob}:{rels[i]}" if codec.per_path else blob
    if store is not None:
        try:
            rows = [(k, json.dumps(codec.encode(values[i]), ensure_ascii=False, separators=(",", ":")))
                    for i in fresh if (k := keys[i]) is not None]
            if rows or complete:
                store.put(kind, rows, keep_only={k for k in keys if k is not None} if complete else None)
        except store.sqlite3.Error:
            pass  # locked or read-only: only speed is lost
        finally:
            store.close()
    return Derived(values, hits, len(todo))


def git_head(root: Path) -> str | None:
    """HEAD's commit id, or None when there is none to name the history by (not a git checkout,
    no commit yet, or a shallow clone, whose history is cut)."""
    proc = _git(Path(root), "rev-parse", "--is-shallow-repository", "--verify", "HEAD")
    if proc is None:
        return None
    out = proc.communicate()[0].decode("ascii", "replace").split()
    return out[1] if proc.returncode == 0 and len(out) == 2 and out[0] == "false" else None


def memo_get(root: Path, name: str, key: str) -> Any:
    """What :func:`memo_put` stored as ``name`` under ``key`` (the hash of everything it was made
    from), or None. One value per name is kept: a whole command's output, so a run whose inputs
    have not changed need not redo any of it."""
    store = _open(Path(root))
    if store is None:
        return None
    try:
        raw = store.get(f"memo:{name}", [key]).get(key)
        return json.loads(raw) if raw is not None else None
    except (store.sqlite3.Error, ValueError):
        return None
    finally:
        store.close()


def memo_put(root: Path, name: str, key: str, value: Any) -> None:
    store = _open(Path(root))
    if store is None:
        return
    try:
        store.put(f"memo:{name}", [(key, json.dumps(value, ensure_ascii=False, separators=(",", ":")))],
                  keep_only={key})
    except store.sqlite3.Error:
        pass  # locked or read-only: only speed is lost
    finally:
        store.close()


__all__ = ["Codec", "Derived", "blob_id", "code_fingerprint", "content_ids", "derive", "fingerprint", "git_head",
           "memo_get", "memo_put", "snapshot"]
