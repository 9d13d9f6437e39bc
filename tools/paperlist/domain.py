"""The closed values of a paper file, defined once: the year range, the presentations, the tracks.

They are read from the packaged JSON Schema (``data/schema/paper.schema.json``), not written here:
the schema is already the public contract (editors, adopters and ``paperlist validate`` read it), so
reading it leaves one definition with nothing to regenerate and nothing to drift. Everything else
that needs a value takes it from this module: validate's rules, ``paperlist new``'s options, the
importer's patterns, the issue form, the title normaliser and the site's data (whose JavaScript
gets the values and their labels from ``meta.json``). ``tests/test_one_home.py`` fails on a second
copy anywhere in the package.

A shared module beside ``findings`` and ``errors`` (every layer uses it, down to ``infra.identity``),
so it finds the schema itself rather than through ``project.defaults``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

SCHEMA_PATH: Final = Path(__file__).resolve().parent / "data" / "schema" / "paper.schema.json"


def _properties() -> dict[str, Any]:
    props: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["properties"]
    return props


_PROPS: Final = _properties()

YEAR_MIN: Final[int] = int(_PROPS["year"]["minimum"])
YEAR_MAX: Final[int] = int(_PROPS["year"]["maximum"])
PRESENTATIONS: Final[tuple[str, ...]] = tuple(_PROPS["presentation"]["enum"])
TRACKS: Final[tuple[str, ...]] = tuple(_PROPS["track"]["enum"])
MAIN_TRACK: Final = "main"
OTHER_TRACKS: Final[tuple[str, ...]] = tuple(t for t in TRACKS if t != MAIN_TRACK)  # ("workshop",)

# How a person reads each presentation (README, site). Keyed by the schema's values; a test holds
# the keys to PRESENTATIONS, so a value added to the schema without its words fails.
PRESENTATION_LABELS: Final[dict[str, tuple[str, str]]] = {
    "oral": ("Oral", "口头报告"),
    "spotlight": ("Spotlight", "亮点报告"),
    "highlight": ("Highlight", "重点论文"),
    "poster": ("Poster", "海报"),
}

# For patterns that find these words in free text (a list's "(CVPR 2021 Oral)", a marker line).
PRESENTATION_WORDS: Final = "|".join(map(re.escape, PRESENTATIONS))
ANNOTATION_WORDS: Final = "|".join(map(re.escape, (*PRESENTATIONS, *OTHER_TRACKS)))


def year_problem(year: int) -> tuple[str, str] | None:
    """Why ``year`` cannot be a paper's year, in English and 中文, or None when it can. Every command
    that takes a year says it with these words (validate, new, import, the issue form)."""
    if YEAR_MIN <= year <= YEAR_MAX:
        return None
    return (f"year {year} is out of range ({YEAR_MIN}-{YEAR_MAX})",
            f"年份 {year} 超出范围（{YEAR_MIN}-{YEAR_MAX}）")
