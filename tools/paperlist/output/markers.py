"""The README's generated part: the file, the two marker lines, and how to find what lies between.

``render`` writes between the markers; ``check`` refuses a pull request that edits there; the
site and any other page builder find the list by the same two lines. Defined once, here.
"""

from __future__ import annotations

README = "README.md"
BEGIN = "<!-- paperlist:begin -->"
END = "<!-- paperlist:end -->"


def generated_block(text: str | None) -> str | None:
    """What lies between the markers (the BEGIN line included), or None when they are missing."""
    if text is None:
        return None
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return None
    return text[start:end]
