"""Citations out: BibTeX and CSL-JSON built from the papers' own data.

One set of rules for both places a citation is made: ``paperlist export`` (this module) and the
site's "Cite" and "Export these n papers" (``site/static/cite.js``, the same rules written again
in JavaScript; a browser test holds the two to the same bytes for the same papers). So every
rule here is spelled out character by character, never left to a library's defaults:

- **Key**: the paper key, ``cvpr2021/some-title`` (folder and file stem), unique in the list and
  stable while the file keeps its name. Letters lose their accents; anything outside
  ``[A-Za-z0-9_:./-]`` becomes ``-``; a key met twice in one export takes ``-2``, ``-3``….
- **Text** (title, authors, booktitle): control and bidi characters become U+FFFD (the one rule,
  ``infra.textrules``), white space runs become one space; then for BibTeX each character LaTeX or
  BibTeX reads specially is written as a command: ``{`` ``}`` as ``\\textbraceleft{}``
  ``\\textbraceright{}`` (BibTeX counts braces even after a backslash, so ``\\{`` would unbalance
  the field), ``\\`` as ``\\textbackslash{}``, ``% & $ # _`` with a backslash, ``~ ^ < > |`` as
  text commands. The only braces left in a field are the ones we wrote, always balanced, so no
  title can end a field or start an entry (``@comment{``). Chinese and accented letters stay
  UTF-8 (biber, bibtex8 and Zotero read them; no ``{\\"u}`` guessing).
- **Authors**: joined with `` and ``; a name that holds the word "and" or a comma is braced
  whole, so BibTeX takes it as one name. CSL-JSON splits a name written with spaces at its last
  space (family, given) and keeps one-word and CJK names, and names with a comma or "and", as
  ``literal`` (no guessing at particles: "van der Berg" gives family "Berg").
- **Venue**: its full English name from the vocabulary with the id (``… (CVPR)``) as
  ``booktitle`` / ``container-title``, ``Workshops`` after it for a workshop paper.
- **Links**: ``eprint`` + ``archiveprefix = {arXiv}`` for an arXiv id, ``doi``, and ``url``: the
  paper's own link, else its arXiv page. These are verbatim fields, so only ``{ } \\`` and a space
  are percent-encoded in them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperlist.errors import UsageError
from paperlist.findings import Finding, Report
from paperlist.infra.textrules import BAD_CHARS, REPLACEMENT
from paperlist.output.entries import ENTRY_CODEC, ListEntry, entry_from
from paperlist.project.index import Codec, derive
from paperlist.project.keys import PAPERS_DIR
from paperlist.project.loader import PaperFile, discover, relpath
from paperlist.project.vocab import Vocabulary

FORMATS = ("bibtex", "csl-json")
SUFFIX = {"bibtex": ".bib", "csl-json": ".json"}

# Spelled out so JavaScript's \s (which also holds U+FEFF) and Python's str.split (which also
# holds U+001C-U+001F) cannot differ: after the control characters are replaced these remain.
_SPACE = re.compile("[\t\n\r\f\v \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BIB = {
    "\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}",
    "%": "\\%", "&": "\\&", "$": "\\$", "#": "\\#", "_": "\\_",
    "~": "\\textasciitilde{}", "^": "\\textasciicircum{}", "<": "\\textless{}", ">": "\\textgreater{}",
    "|": "\\textbar{}",
}
_BIB_SPECIAL = re.compile("[\\\\{}%&$#_~^<>|]")
_KEY_BAD = re.compile(r"[^A-Za-z0-9_:./-]")
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")  # as tokens.py
_AND = re.compile("(?:^| )and(?: |$)", re.IGNORECASE)  # after clean(): " " is the only space
_VERBATIM_BAD = re.compile("[{}\\\\ ]")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


@dataclass(frozen=True)
class Citable:
    """What a citation is made from: the site's paper record plus the paper's DOI."""

    key: str
    title: str
    authors: tuple[str, ...]
    venue: str          # the id (CVPR); "" in a list without venues
    venue_name: str     # the vocabulary's English name, or the id
    year: int
    workshop: bool
    arxiv: str | None
    doi: str | None
    url: str | None     # the paper's own link (links.paper)


def paper_key(rel: str) -> str:
    """``papers/cvpr2021/some-title.yaml`` → ``cvpr2021/some-title`` (the site's permalink too)."""
    return rel.removeprefix(f"{PAPERS_DIR}/").removesuffix(".yaml")


def citable(entry: ListEntry, doi: str | None, vocab: Vocabulary) -> Citable:
    term = vocab.venues.get(entry.venue)
    return Citable(key=paper_key(entry.rel), title=entry.title, authors=entry.authors, venue=entry.venue,
                   venue_name=term.en if term else entry.venue, year=entry.year,
                   workshop=entry.track == "workshop", arxiv=entry.arxiv, doi=doi, url=entry.paper)


def clean(text: str) -> str:
    """One line of text: control and bidi characters shown as U+FFFD, white space runs as one space."""
    return _SPACE.sub(" ", BAD_CHARS.sub(REPLACEMENT, text)).strip(" ")


def bib_text(text: str) -> str:
    """Text for a braced BibTeX field, with nothing BibTeX or LaTeX would read as markup."""
    text = clean(text)
    return _BIB_SPECIAL.sub(lambda m: _BIB[m.group(0)], text)


def _verbatim(text: str) -> str:
    # url/doi/eprint are read verbatim (no LaTeX), but BibTeX still counts their braces.
    return _VERBATIM_BAD.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), clean(text))


def bib_key(key: str) -> str:
    ascii_key = _MARKS.sub("", unicodedata.normalize("NFKD", key))
    return _KEY_BAD.sub("-", ascii_key) or "paper"


def _unique_keys(papers: Sequence[Citable]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for p in papers:
        base = bib_key(p.key)
        n = seen.get(base, 0) + 1
        seen[base] = n
        key = base if n == 1 else f"{base}-{n}"
        while n > 1 and key in seen:  # "a-2" taken by a paper whose own key is a-2
            n += 1
            key = f"{base}-{n}"
        seen.setdefault(key, 1)
        out.append(key)
    return out


def _venue_label(p: Citable) -> str:
    if not p.venue:
        return ""
    label = p.venue_name if p.venue_name == p.venue else f"{p.venue_name} ({p.venue})"
    return f"{label} Workshops" if p.workshop else label


def _link(p: Citable) -> str | None:
    if p.url:
        return p.url
    return f"https://arxiv.org/abs/{p.arxiv}" if p.arxiv else None


def _bib_author(name: str) -> str:
    text = bib_text(name)
    return f"{{{text}}}" if _AND.search(text) or "," in text else text


def bibtex_entry(p: Citable, key: str) -> str:
    fields: list[tuple[str, str]] = []
    authors = [a for a in (clean(a) for a in p.authors) if a]
    if authors:
        fields.append(("author", " and ".join(_bib_author(a) for a in authors)))
    fields.append(("title", bib_text(p.title)))
    venue = _venue_label(p)
    if venue:
        fields.append(("booktitle", bib_text(venue)))
    fields.append(("year", str(p.year)))
    if p.arxiv:
        fields += [("eprint", _verbatim(p.arxiv)), ("archiveprefix", "arXiv")]
    if p.doi:
        fields.append(("doi", _verbatim(p.doi)))
    link = _link(p)
    if link:
        fields.append(("url", _verbatim(link)))
    kind = "inproceedings" if venue else "misc"
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@{kind}{{{key},\n{body}}}\n"


def bibtex(papers: Sequence[Citable]) -> str:
    """A .bib file: one entry per paper, in the order given, keys unique."""
    return "\n".join(bibtex_entry(p, k) for p, k in zip(papers, _unique_keys(papers), strict=True))


def _csl_name(name: str) -> dict[str, str]:
    parts = name.split(" ")
    if len(parts) < 2 or _CJK.search(name) or "," in name or _AND.search(name):
        return {"literal": name}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def csl_item(p: Citable, key: str) -> dict[str, object]:
    item: dict[str, object] = {"id": key, "type": "paper-conference" if p.venue else "article",
                               "title": clean(p.title)}
    authors = [a for a in (clean(a) for a in p.authors) if a]
    if authors:
        item["author"] = [_csl_name(a) for a in authors]
    venue = _venue_label(p)
    if venue:
        item["container-title"] = clean(venue)
    item["issued"] = {"date-parts": [[p.year]]}
    if p.arxiv:
        item["archive"] = "arXiv"
        item["archive_location"] = clean(p.arxiv)
    if p.doi:
        item["DOI"] = clean(p.doi)
    link = _link(p)
    if link:
        item["URL"] = clean(link)
    return item


def csl_json(papers: Sequence[Citable]) -> str:
    """A CSL-JSON file (an array of items), indented as JavaScript's JSON.stringify(x, null, 2) does."""
    items = [csl_item(p, k) for p, k in zip(papers, _unique_keys(papers), strict=True)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def render(papers: Iterable[Citable], fmt: str) -> str:
    listed = list(papers)
    return bibtex(listed) if fmt == "bibtex" else csl_json(listed)


# -- choosing papers: the site's filters, as `paperlist export` options ----------------------------


@dataclass(frozen=True)
class Selection:
    """The site's filters: values of one filter combine with OR, different filters with AND."""

    venues: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    presentations: tuple[str, ...] = ()
    code: bool = False
    authors: tuple[str, ...] = ()   # each must match one author's words (diacritics and case folded)
    query: str = ""                 # every word must match, as on the site (a finished word, not a prefix)


def _words(text: str) -> set[str]:
    from paperlist.output.site.tokens import tokens

    return set(tokens(text))


def _query_matches(entry: ListEntry, terms: Sequence[str], vocab: Vocabulary) -> bool:
    """The site's matching (search.js ``match``) for finished words: a word matches a token of the
    title, Chinese title, an author or the arXiv id, a word of a topic's English name or id, or the
    venue; a CJK run matches when all its bigrams occur, or when a topic's Chinese name holds it."""
    from paperlist.output.site.tokens import bigrams, is_cjk, normalize, runs

    have = _words(entry.title) | _words(entry.title_zh or "") | _words(entry.arxiv or "")
    for a in entry.authors:
        have |= _words(a)
    topic_words: set[str] = set()
    topic_zh: list[str] = []
    for t in entry.tags:
        term = vocab.tags.get(t)
        if term:
            topic_words |= set(runs(term.en)) | set(runs(t))
            topic_zh.append(normalize(term.zh))
    venue = normalize(entry.venue)
    for run in terms:
        if is_cjk(run):
            # One character: the site matches it as a prefix of a bigram; longer: every bigram.
            ok = any(tok.startswith(run) for tok in have) if len(run) == 1 else all(g in have for g in bigrams(run))
            if not (ok or any(run in zh for zh in topic_zh)):
                return False
        elif not (run in have or run in topic_words or run == venue):
            return False
    return True


def select(entries: Iterable[tuple[ListEntry, str | None]], sel: Selection, vocab: Vocabulary
           ) -> list[tuple[ListEntry, str | None]]:
    """The papers the site would show for these filters (order kept)."""
    from paperlist.output.site.tokens import runs

    terms = runs(sel.query)[:32]
    author_words = [set(runs(a)) for a in sel.authors]
    out = []
    for entry, doi in entries:
        if sel.venues and entry.venue not in sel.venues:
            continue
        if sel.years and entry.year not in sel.years:
            continue
        if sel.tags and not any(t in sel.tags for t in entry.tags):
            continue
        if sel.presentations and entry.presentation not in sel.presentations:
            continue
        if sel.code and not entry.code:
            continue
        if author_words:
            names = [set(runs(a)) for a in entry.authors]
            if not all(any(want <= name for name in names) for want in author_words):
                continue
        if terms and not _query_matches(entry, terms, vocab):
            continue
        out.append((entry, doi))
    return out


# -- `paperlist export` ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSettings:
    root: Path
    fmt: str = "bibtex"
    selection: Selection = Selection()


@dataclass(frozen=True)
class ExportResult:
    text: str
    papers: int          # exported
    total: int           # papers the list shows
    report: Report       # files that could not be read as papers (warnings)


def _check_values(sel: Selection, vocab: Vocabulary, entries: Sequence[ListEntry]) -> None:
    """A filter value the list does not know is a usage error, not an empty export."""
    unknown: list[str] = []
    venues = {e.venue for e in entries} | set(vocab.venues)
    unknown += [f"--venue {v}" for v in sel.venues if v not in venues]
    unknown += [f"--tag {t}" for t in sel.tags if t not in vocab.tags]
    if unknown:
        raise UsageError(f"{', '.join(unknown)}: not in the list's vocabulary (vocab/venues.yaml, vocab/tags.yaml)"
                         " · 不在词表中")


def _citable_entry(pf: PaperFile) -> tuple[ListEntry | None, str | None, str | None]:
    """What export needs of one loaded file: its list entry, its DOI, or why there is no entry."""
    data = pf.data if isinstance(pf.data, dict) else None
    entry = entry_from(pf.rel, data) if data is not None else None
    doi = data.get("doi") if data is not None else None
    problem = pf.findings[0].message if pf.findings and entry is None else None
    return entry, (doi.strip() or None) if isinstance(doi, str) else None, problem


def _encode(value: tuple[ListEntry | None, str | None, str | None]) -> Any:
    entry, doi, problem = value
    return [ENTRY_CODEC.encode((entry, problem)), doi]


def _decode(data: Any, rel: str) -> tuple[ListEntry | None, str | None, str | None]:
    entry, problem = ENTRY_CODEC.decode(data[0], rel)
    doi = data[1]
    if doi is not None and not isinstance(doi, str):
        raise TypeError("not a DOI")
    return entry, doi, problem


# Remembered by content in the project's index (project/index.py): a warm export reads no YAML.
CITE_CODEC = Codec("export-entry", _encode, _decode)


def load_citable(root: Path) -> tuple[list[tuple[ListEntry, str | None]], list[Finding], int]:
    """Every paper the site shows, with its DOI; files that cannot be read as papers are warnings."""
    paths, findings = discover(root)
    derived = derive(root, CITE_CODEC, _citable_entry, paths, complete=True, parallel_from=1500)
    out: list[tuple[ListEntry, str | None]] = []
    skipped = list(findings)
    for path, (entry, doi, problem) in zip(paths, derived.values, strict=True):
        if entry is None:
            msg = "not exported: the file does not load as a paper with title and year"
            skipped.append(Finding(file=relpath(path, root), severity="warning", check="export",
                                   message=msg + (f" ({problem})" if problem else ""),
                                   message_zh="未导出：文件无法作为论文加载（需要 title、year）"))
        else:
            out.append((entry, doi))
    return out, skipped, len(paths)


def run_export(settings: ExportSettings) -> ExportResult:
    """The papers the filters choose, in the site's display order, as BibTeX or CSL-JSON."""
    from paperlist.output.site.data import SitePaper, order

    if settings.fmt not in FORMATS:
        raise UsageError(f"--format {settings.fmt}: use one of {', '.join(FORMATS)}")
    vocab = Vocabulary.load(settings.root)
    papers, skipped, files = load_citable(settings.root)
    ordered = order((SitePaper(e, doi=doi) for e, doi in papers), vocab)
    _check_values(settings.selection, vocab, [p.entry for p in ordered])
    chosen = select(((p.entry, p.doi) for p in ordered), settings.selection, vocab)
    text = render((citable(e, doi, vocab) for e, doi in chosen), settings.fmt)
    return ExportResult(text=text, papers=len(chosen), total=len(ordered),
                        report=Report(list(skipped), files=files))
