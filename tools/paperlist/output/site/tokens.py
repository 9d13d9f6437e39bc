"""The search tokenizer, shared by the index builder and (as ``static/tokens.js``) the page.

Both sides must cut text into exactly the same tokens, so the rules are few and explicit:
- NFKD, combining marks dropped, lower-cased: ``Müller`` and ``muller`` are one token;
- an arXiv-style number (``2002.12212``) is one token, so an id can be searched whole;
- other runs of letters and digits are tokens (``self-supervised`` gives two);
- Chinese, Japanese and Korean runs give overlapping bigrams (``目标检测`` → 目标 标检 检测):
  no dictionary to ship, and a query's bigrams all matching is a close stand-in for a phrase.

``shard_of`` places a token in one of the index's shards by its first two characters (the first
one for CJK), so a prefix the reader types always lives in a single shard.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
# Three alternatives, tried left to right at each position: arXiv number, CJK run, word run.
_TOKEN = re.compile(rf"[0-9]{{4}}\.[0-9]+|[{CJK}]+|(?:(?![{CJK}])[^\W_])+")
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_CJK_RUN = re.compile(rf"^[{CJK}]")


def normalize(text: str) -> str:
    """The text as tokens see it (also what the page highlights against)."""
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).lower()


def is_cjk(token: str) -> bool:
    return bool(_CJK_RUN.match(token))


def runs(text: str) -> list[str]:
    """Word runs, arXiv numbers and whole CJK runs, in order (the query side keeps runs whole)."""
    return _TOKEN.findall(normalize(text))


def bigrams(run: str) -> list[str]:
    """``目标检测`` → [目标, 标检, 检测]; a single character stays itself."""
    return [run] if len(run) < 2 else [run[i:i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> Iterator[str]:
    """Index tokens of ``text``: words and arXiv numbers whole, CJK runs as bigrams."""
    for run in runs(text):
        if is_cjk(run):
            yield from bigrams(run)
        else:
            yield run


def shard_key(token: str) -> str:
    return token[:1] if is_cjk(token) else token[:2]


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over UTF-16 code units (what JavaScript strings are made of)."""
    h = 0x811C9DC5
    data = text.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ (data[i] | data[i + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    return h


def shard_of(token: str, shards: int) -> int:
    return fnv1a(shard_key(token)) % shards
