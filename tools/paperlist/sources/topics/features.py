"""What the topic model sees of a paper: word and character n-grams of its titles (pure Python).

One function for training and for inference, so the two can never disagree about a feature. The
English title gives words (``w:``), word pairs (``b:``) and the 3- to 5-letter pieces of each word
(``c:``, which tie "segment", "segmentation" and "segmenter" together); a Chinese title gives its
characters and character pairs (``z:``), the units a Chinese title is written in.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

_WORD = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_STOP = frozenset({"a", "an", "the", "of", "for", "and", "in", "on", "with", "via", "to", "by", "from", "at",
                   "as", "into", "is", "are", "its", "our", "we", "using", "towards", "toward"})


def raw_features(title: str, title_zh: str | None = None) -> Counter[str]:
    """Feature counts of one paper's titles."""
    out: Counter[str] = Counter()
    text = unicodedata.normalize("NFKC", title).lower()
    words = [w for w in _WORD.findall(text) if w not in _STOP]
    for i, w in enumerate(words):
        out[f"w:{w}"] += 1
        if i:
            out[f"b:{words[i - 1]} {w}"] += 1
        padded = f" {w} "
        for n in (3, 4, 5):
            for j in range(len(padded) - n + 1):
                out[f"c:{padded[j:j + n]}"] += 1
    if title_zh:
        for run in _CJK.findall(unicodedata.normalize("NFKC", title_zh)):
            for j, ch in enumerate(run):
                out[f"z:{ch}"] += 1
                if j:
                    out[f"z:{run[j - 1]}{ch}"] += 1
    return out


def tfidf(counts: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    """Sublinear term frequency times idf, L2-normalised; features outside the vocabulary are dropped."""
    vec = {f: (1.0 + math.log(c)) * idf[f] for f, c in counts.items() if f in idf}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {f: v / norm for f, v in vec.items()} if norm else {}


def document_frequencies(docs: Iterable[Counter[str]]) -> tuple[Counter[str], int]:
    df: Counter[str] = Counter()
    n = 0
    for doc in docs:
        df.update(doc.keys())
        n += 1
    return df, n


def idf_table(df: Mapping[str, int], n: int, min_df: int) -> dict[str, float]:
    """Smoothed idf (as scikit-learn's), for features in at least ``min_df`` documents."""
    return {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in sorted(df.items()) if d >= min_df}
