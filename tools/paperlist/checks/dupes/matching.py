"""Comparing two papers: the strongest evidence that they are one, as a Match (or None)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from paperlist.checks.dupes.features import STOPWORDS, Features, features_from_data
from paperlist.findings import Severity
from paperlist.infra.identity import normalize_title, strip_title_decorations

_HAS_DIGIT = re.compile(r"\d")
_ROMAN = frozenset({"ii", "iii", "iv", "v2", "v3", "vi", "vii", "viii", "ix", "x"})
CERTAIN_KINDS = ("arxiv", "doi", "cvf")
_KIND_LABEL = {"arxiv": "arXiv id", "doi": "DOI", "cvf": "CVF open-access paper", "code": "code repository"}


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


def _title_relation(a: Features, b: Features) -> tuple[str, float] | None:
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


def compare(a: Features, b: Features) -> Match | None:
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



def compare_data(a: dict[str, Any], b: dict[str, Any]) -> Match | None:
    """Compare two papers given as data (the labelled-pair evaluation and tools use this)."""
    ra = features_from_data(a, "a.yaml")
    rb = features_from_data(b, "b.yaml")
    if ra is None or rb is None:
        return None
    return compare(ra, rb)
