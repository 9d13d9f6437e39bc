"""The file-name rule: ``papers/<venue><year>/<key>.yaml`` (``papers/<year>/<key>.yaml`` in a list
without venues), the key being the title's slug.

A slug is readable in a PR diff ("zooming-slow-mo-fast-and-accurate-…"), stable (it only
changes when the title does) and unique within a venue-year folder: two different papers
that share a title take ``-2``, ``-3``… suffixes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

PAPERS_DIR = "papers"  # every paper file lives under it, at <venue><year>/<key>.yaml
MAX_KEY = 80
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SUFFIX = re.compile(r"^(?P<key>.+?)-(?P<n>[2-9]|[1-9][0-9]+)$")


def slugify(title: str, max_len: int = MAX_KEY) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary within ``max_len``.

    >>> slugify("Zooming Slow-Mo: Fast and Accurate One-Stage Space-Time Video Super-Resolution")
    'zooming-slow-mo-fast-and-accurate-one-stage-space-time-video-super-resolution'
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _NON_ALNUM.sub("-", ascii_title.lower()).strip("-")
    if len(slug) > max_len:
        cut = slug[: max_len + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_len]
    if not slug:
        # A title with no Latin letters or digits still needs a stable, readable-enough name.
        slug = "paper-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]
    return slug


def paper_key(title: str) -> str:
    return slugify(title)


def key_matches(stem: str, title: str) -> bool:
    """True when a file stem is the title's key, or the key with a ``-N`` collision suffix."""
    key = paper_key(title)
    if stem == key:
        return True
    m = _SUFFIX.match(stem)
    return bool(m and m.group("key") == key)


def folder_name(venue: str | None, year: int) -> str:
    """``cvpr2021`` for a venue-year; ``2021`` in a list without venues."""
    return f"{venue.lower()}{year}" if venue else str(year)


def expected_path(venue: str | None, year: int, title: str) -> str:
    return f"{folder_path(venue, year)}/{paper_key(title)}.yaml"


def folder_path(venue: str | None, year: int) -> str:
    """``papers/cvpr2021``: the folder a venue-year's paper files live in."""
    return f"{PAPERS_DIR}/{folder_name(venue, year)}"
