"""The duplicate check: each paper against its candidates, one finding per pair, minus the pairs
a maintainer declared different (``not-duplicates.yaml``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperlist.checks.dupes.features import Features, features_of
from paperlist.checks.dupes.index import Index, scan_index
from paperlist.checks.dupes.matching import Match, compare
from paperlist.checks.dupes.store import CacheCorrupt, Store, cache_path
from paperlist.errors import UsageError
from paperlist.findings import Finding, Report
from paperlist.infra.messages import hint, say
from paperlist.project.configfile import read_config
from paperlist.project.loader import PaperFile
from paperlist.project.papers import load_papers, missing

ALLOW_FILE = "not-duplicates.yaml"


# -- human decisions -----------------------------------------------------------------------------


def load_allowed(root: Path) -> tuple[set[frozenset[str]], list[Finding]]:
    """Pairs a maintainer declared different papers, from ``not-duplicates.yaml``::

        pairs:
          - files: [papers/cvpr2021/a.yaml, papers/cvpr2021/b.yaml]
            reason: two papers by the same group with near-identical titles
    """
    data, findings = read_config(root, ALLOW_FILE, "not-duplicates.schema.json")
    pairs: set[frozenset[str]] = set()
    for item in (data or {}).get("pairs") or []:
        pairs.add(frozenset(f.strip().removeprefix("./") for f in item["files"]))
    return pairs, findings


# -- the check -----------------------------------------------------------------------------------


def _finding(rec: Features, other: Features, m: Match) -> Finding:
    said = say({"error": "dupes.same", "warning": "dupes.probably", "notice": "dupes.looks-like"}[m.severity],
               other=other.rel, reason=m.reason)
    extra: dict[str, Any] = {"duplicate_of": other.rel, "duplicate_line": m.other_pos[0], "evidence": m.evidence}
    if m.score is not None:
        extra["score"] = m.score
    return Finding(
        file=rec.rel, severity=m.severity, check="duplicate", line=m.pos[0], column=m.pos[1],
        **said, **hint("dupes.hint", other=other.rel, allow=ALLOW_FILE),
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
    extra_records: dict[str, Features] = {}

    def check(rec: Features, pool: Iterable[str], *, only_later: bool) -> None:
        for rel in sorted(pool):
            if rel == rec.rel or (only_later and rel > rec.rel):
                continue
            pair = frozenset((rec.rel, rel))
            if pair in pairs_done or pair in allowed:
                continue
            other: Features | None = extra_records.get(rel) or source.record(rel)
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
    recs: list[Features] = []
    for pf in targets:
        rec = features_of(pf)
        if rec is not None:
            recs.append(rec)
        elif not pf.parsed:
            findings.append(Finding(pf.rel, "notice", "duplicate", **say("dupes.not-loaded")))
    # The files being checked are compared as read now, whatever the cache holds for them.
    extra_records = {r.rel: r for r in recs}
    pools = {rec.rel: source.candidates(rec) | set(extra_records) for rec in recs}
    if isinstance(source, Store):
        wanted = set().union(*pools.values()) - set(extra_records) if pools else set()
        extra_records = {**source.records(wanted), **extra_records}
    for rec in recs:
        check(rec, pools[rec.rel], only_later=False)
    return Report(findings, files=len(targets))


@dataclass(frozen=True)
class DupesSettings:
    """What ``paperlist dupes`` was asked to do."""

    root: Path
    files: tuple[Path, ...] = ()
    check_all: bool = False
    cache_dir: Path | None = None  # None: $PAPERLIST_CACHE_DIR, else <root>/.paperlist-cache
    use_cache: bool = True


def run_dupes(settings: DupesSettings) -> Report:
    """``paperlist dupes`` without the command line; UsageError when there is nothing to check."""
    if not settings.files and not settings.check_all:
        raise UsageError("give the paper files to check, or --all to check the whole list")
    absent = missing(settings.root, settings.files)
    if absent:
        raise UsageError(f"no such file: {', '.join(absent)}")
    return find_duplicates(settings.root, list(settings.files) or None, check_all=settings.check_all,
                           cache_dir=settings.cache_dir, use_cache=settings.use_cache)
