"""The site's data files, built from the papers: small to fetch first, the rest on demand.

Everything is JSON (the page parses it natively, gzip on the host shrinks it) and text, never
HTML: the page puts every string in with ``textContent``. The layout (docs/site.md):

- ``data/meta.json``: the vocabulary in use (venues, years, topics, presentations), sizes, and
  a content version that is appended to every other fetch so a new build is never mixed with a
  cached old one;
- ``data/facets.json``: one column per facet, one value per paper (venue, year, tags, code,
  presentation): enough to count and filter all papers without their text;
- ``data/p/<n>.json``: the papers' text and links, ``CHUNK`` papers a file, in display order,
  so the first view fetches one file and a result page a handful;
- ``data/i/<n>.json``: the inverted index, sharded by a token's first characters (see
  ``tokens.shard_of``), fetched as the reader types; postings are delta-coded paper numbers with
  the fields the token occurs in packed into the low bits, written as a string of base-64
  varints (``varints``): about two characters a posting instead of four or five as numbers;
- ``data/k/<n>.json``: paper key → number, fetched only to open a permalink;
- ``data/stars.json``: each paper's most-starred repository's stars (data/repos), fetched only when
  the reader sorts by stars. The first view carries only the sparse list of papers whose code is
  archived or inactive (``facets.stale``) and, in each paper's record, its code links' stars.
- ``data/c/<n>.json``: what a citation needs beyond the text chunk (the DOI), chunked like
  ``data/p/``, fetched only by Cite and Export (``static/cite.js``).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from paperlist.domain import PRESENTATION_LABELS, PRESENTATIONS
from paperlist.infra.identity import github_repo
from paperlist.output.entries import ListEntry
from paperlist.output.site.tokens import fnv1a, shard_of, tokens
from paperlist.project.keys import PAPERS_DIR
from paperlist.project.repodata import RepoData, RepoFacts
from paperlist.project.settings import ListSettings
from paperlist.project.vocab import Vocabulary

CHUNK = 100                 # papers per text file: a result page of 50 touches few files
POSTINGS_PER_SHARD = 40_000  # about 100-150 KB of JSON before gzip
KEYS_PER_SHARD = 2_000
# Field bits in a posting (the page weighs them when ranking).
TITLE, TITLE_ZH, AUTHOR, ARXIV = 1, 2, 4, 8
FIELD_BITS = 4


@dataclass(frozen=True)
class SitePaper:
    """What the site shows of one paper: the README's fields, plus its other links (slides, models…)."""

    entry: ListEntry
    other: tuple[tuple[str, str], ...] = ()
    doi: str | None = None      # for citations (data/c/, output/export.py); not shown


@dataclass(frozen=True)
class SiteData:
    files: dict[str, bytes]     # path under the output folder → content
    papers: int
    version: str


def paper_key(rel: str) -> str:
    """``papers/cvpr2021/some-title.yaml`` → ``cvpr2021/some-title``: the permalink anchor."""
    key = rel.removeprefix(f"{PAPERS_DIR}/")
    return key.removesuffix(".yaml")


# 5 bits a character: the first 32 characters say "more follows", the last 32 end a number.
VARINT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def varints(values: Iterable[int]) -> str:
    """Non-negative integers as base-64 varints, low bits first (search.js: ``decodeVarints``)."""
    out: list[str] = []
    for value in values:
        rest = value
        while rest >= 32:
            out.append(VARINT_ALPHABET[rest & 31])
            rest >>= 5
        out.append(VARINT_ALPHABET[32 + rest])
    return "".join(out)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def order(entries: Iterable[SitePaper], vocab: Vocabulary) -> list[SitePaper]:
    """Display order: newest year first, venues in vocabulary order, main track before workshops,
    then by topic (the first tag) as the README groups them, then by title."""
    venue_rank = {v: i for i, v in enumerate(vocab.venues)}
    tag_rank = {t: i for i, t in enumerate(vocab.tags)}

    def key(p: SitePaper) -> tuple[Any, ...]:
        e = p.entry
        primary = e.primary_tag(vocab.tags)
        return (-e.year, venue_rank.get(e.venue, len(venue_rank)), e.venue, e.track == "workshop",
                tag_rank.get(primary, len(tag_rank)), e.title.casefold(), e.rel)

    return sorted(entries, key=key)


def _code_facts(e: ListEntry, repos: RepoData) -> list[RepoFacts | None]:
    folder = e.rel.split("/")[1] if e.rel.count("/") >= 2 else ""
    return [repos.facts(folder, github_repo(u)) for u in e.code]


def _record(p: SitePaper, facts: list[RepoFacts | None]) -> list[Any]:
    # Positions are the page's contract (search.js: FIELDS); None keeps them fixed and costs 4 bytes.
    e = p.entry
    rec: list[Any] = [paper_key(e.rel), e.title, e.title_zh, list(e.authors), e.arxiv, e.paper, list(e.code),
                      e.project, e.video, [list(r) for r in e.readings], [list(o) for o in p.other],
                      list(e.suggested) or None]
    if any(facts):
        # Per code link: [stars, 1 when archived, 1 when stale] (null: not known); left out when nothing is.
        rec.append([None if f is None else [f.stars, int(f.archived), int(f.stale)] for f in facts])
    return rec


def _stale(facts: list[RepoFacts | None]) -> bool:
    """The paper's code is archived or inactive: every repository we know of is, and we know one."""
    known = [f for f in facts if f is not None]
    return bool(known) and all(f.stale for f in known)


def _postings(papers: Sequence[ListEntry]) -> dict[str, list[int]]:
    """token → packed postings ((paper number delta << FIELD_BITS) | field bits), numbers ascending."""
    fields_of: dict[str, dict[int, int]] = defaultdict(dict)
    for n, e in enumerate(papers):
        parts: list[tuple[str, int]] = [(e.title, TITLE)]
        if e.title_zh:
            parts.append((e.title_zh, TITLE_ZH))
        parts.extend((a, AUTHOR) for a in e.authors)
        if e.arxiv:
            parts.append((e.arxiv, ARXIV))
        for text, bit in parts:
            for tok in tokens(text):
                seen = fields_of[tok]
                seen[n] = seen.get(n, 0) | bit
    out: dict[str, list[int]] = {}
    for tok in sorted(fields_of):
        packed: list[int] = []
        last = 0
        for n, bits in fields_of[tok].items():  # insertion order is paper order
            packed.append(((n - last) << FIELD_BITS) | bits)
            last = n
        out[tok] = packed
    return out


def cite_files(ordered: Sequence[SitePaper], chunks: int) -> dict[str, bytes]:
    """``data/c/<n>.json``: per paper of text chunk n, its DOI or null (Cite and Export only)."""
    return {f"data/c/{c}.json": _dumps([p.doi for p in ordered[c * CHUNK:(c + 1) * CHUNK]]) for c in range(chunks)}


def build(site_papers: Iterable[SitePaper], vocab: Vocabulary, settings: ListSettings | None = None,
          repos: RepoData | None = None) -> SiteData:
    """Every data file of the site, deterministic for the same papers, vocabulary, settings and
    repository data."""
    settings = settings or ListSettings()
    repos = repos or RepoData({})
    ordered = order(site_papers, vocab)
    papers = [p.entry for p in ordered]
    facts = [_code_facts(e, repos) if repos else [] for e in papers]
    venues = sorted({e.venue for e in papers},
                    key=lambda v: (list(vocab.venues).index(v) if v in vocab.venues else len(vocab.venues), v))
    years = sorted({e.year for e in papers}, reverse=True)
    used_tags = {t for e in papers for t in e.tags if t in vocab.tags}
    tags = [t for t in vocab.tags if t in used_tags]
    venue_ix = {v: i for i, v in enumerate(venues)}
    year_ix = {y: i for i, y in enumerate(years)}
    tag_ix = {t: i for i, t in enumerate(tags)}
    pres_ix = {p: i + 1 for i, p in enumerate(PRESENTATIONS)}  # 0: not stated

    facets = {
        "venue": [venue_ix[e.venue] for e in papers],
        "year": [year_ix[e.year] for e in papers],
        "tags": [[tag_ix[t] for t in e.tags if t in tag_ix] for e in papers],
        "code": [1 if e.code else 0 for e in papers],
        "pres": [pres_ix.get(e.presentation or "", 0) for e in papers],
        "workshop": [1 if e.track == "workshop" else 0 for e in papers],
    }
    has_repos = any(f for fs in facts for f in fs)
    if has_repos:
        facets["stale"] = [n for n, fs in enumerate(facts) if _stale(fs)]  # sparse: most code is alive
    files: dict[str, bytes] = {"data/facets.json": _dumps(facets)}
    if has_repos:
        files["data/stars.json"] = _dumps([max((f.stars or 0 for f in fs if f is not None), default=0)
                                           for fs in facts])

    chunks = max(1, math.ceil(len(papers) / CHUNK))
    for c in range(chunks):
        lo = c * CHUNK
        files[f"data/p/{c}.json"] = _dumps([_record(p, facts[lo + i]) for i, p in enumerate(ordered[lo:lo + CHUNK])])

    postings = _postings(papers)
    total = sum(len(p) for p in postings.values())
    shards = max(1, math.ceil(total / POSTINGS_PER_SHARD))
    shard_maps: list[dict[str, str]] = [{} for _ in range(shards)]
    for tok, packed in postings.items():  # sorted tokens: each shard's keys stay sorted
        shard_maps[shard_of(tok, shards)][tok] = varints(packed)
    for s, m in enumerate(shard_maps):
        files[f"data/i/{s}.json"] = _dumps(m)

    files.update(cite_files(ordered, chunks))

    key_shards = max(1, math.ceil(len(papers) / KEYS_PER_SHARD))
    key_maps: list[dict[str, int]] = [{} for _ in range(key_shards)]
    for n, e in enumerate(papers):
        key = paper_key(e.rel)
        key_maps[fnv1a(key) % key_shards][key] = n
    for s, km in enumerate(key_maps):
        files[f"data/k/{s}.json"] = _dumps(km)

    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path] + b"\0")
    vocab_tags = vocab.tags
    vocab_venues = vocab.venues
    meta = {
        "version": digest.hexdigest()[:16],
        "count": len(papers),
        "chunk": CHUNK,
        "chunks": chunks,
        "shards": shards,
        "keyShards": key_shards,
        "fieldBits": FIELD_BITS,
        "venues": [{"id": v, "en": vocab_venues[v].en if v in vocab_venues else v,
                    "zh": vocab_venues[v].zh if v in vocab_venues else v} for v in venues],
        "years": years,
        "tags": [{"id": t, "en": vocab_tags[t].en, "zh": vocab_tags[t].zh} for t in tags],
        # The schema's values with their words (paperlist.domain): the page knows no presentation itself.
        "presentations": [{"id": p, "en": PRESENTATION_LABELS[p][0], "zh": PRESENTATION_LABELS[p][1]}
                          for p in PRESENTATIONS] if settings.has_venues else [],
        "repos": has_repos,  # stars and code health known (data/repos): the page offers the sort and the facet
        # What the list is (paperlist.yaml): the page's heading, its languages, whether it has venues.
        "list": {"title": settings.title, "description": settings.description,
                 "languages": list(settings.languages), "venues": settings.has_venues},
    }
    files["data/meta.json"] = _dumps(meta)
    return SiteData(files=files, papers=len(papers), version=str(meta["version"]))
