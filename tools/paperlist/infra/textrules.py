"""The one rule for characters a string may hold, wherever it comes from.

A paper's strings end up in the README, the site, PR comments and terminals. Control
characters (ESC starts terminal colour codes, BEL rings, NUL truncates), bidirectional
overrides and isolates ("Trojan Source": text that displays differently from what it is)
and the Unicode line/paragraph separators must never reach them. YAML can spell such a
character many ways (a raw byte, ``\\e``, ``\\x1b``, ``\\u001b``, ``\\U0000001B``, ``\\N``,
``\\L``, ``\\P``, ``\\0``…), so the rule is applied to *values after parsing* as well as to
the raw file; the importer, ``paperlist new``, the renderer and the PR comment use this
same module.

>>> find_bad_char("Deep \\x1b[31mRed")
BadChar(offset=5, char='\\x1b')
>>> find_bad_char("Deep Red") is None
True
>>> scrub("a\\u202eb")
'a\\ufffdb'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from paperlist.infra.messages import Said, say

# C0 controls except tab and line feed, DEL, C1 controls (U+0085 is YAML's "\N"), the
# bidirectional marks, embeddings, overrides and isolates, line/paragraph separators (YAML's
# "\L", "\P": they break a Markdown line), and lone surrogates (cannot be written as UTF-8).
BAD_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# A raw file may use CRLF line ends; the parser turns them into "\n", so a CR inside a parsed
# value can only come from an escape and is refused there.
_BAD_IN_RAW = re.compile(BAD_CHARS.pattern.replace("\x0b-\x1f", "\x0b\x0c\x0e-\x1f"))
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class BadChar:
    """The first refused character of a string: where it is and what it is."""

    offset: int
    char: str

    @property
    def code(self) -> str:
        """``U+001B``."""
        return f"U+{ord(self.char):04X}"

    @property
    def name(self) -> str:
        """``ESCAPE``-style name, or the code point when Unicode gives it no name (most controls)."""
        return unicodedata.name(self.char, "") or _CONTROL_NAMES.get(self.char, "")

    @property
    def label(self) -> str:
        """``U+001B ESCAPE``: how messages name the character (never the character itself)."""
        return f"{self.code} {self.name}".strip()

    def said(self, what: str = "") -> Said:
        """The finding's message in every language; ``what`` names the value (``authors[0]``) when known."""
        if what:
            return say("text.bad-char.in", label=self.label, code=self.code, what=what)
        return say("text.bad-char", label=self.label, code=self.code)


# unicodedata has no names for C0/C1 controls; these are the ones people meet.
_CONTROL_NAMES = {
    "\x00": "NULL", "\x07": "BELL", "\x08": "BACKSPACE", "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED", "\r": "CARRIAGE RETURN", "\x1b": "ESCAPE", "\x7f": "DELETE",
    "\x85": "NEXT LINE", "\x9b": "CONTROL SEQUENCE INTRODUCER",
}


def find_bad_char(s: str, *, raw: bool = False) -> BadChar | None:
    """The first character of ``s`` the rule refuses, or None when ``s`` is clean.

    ``raw=True`` is for a whole file's text before parsing (CR allowed, as in CRLF line ends);
    every value after parsing, and every string from any other source, uses the default.
    """
    m = (_BAD_IN_RAW if raw else BAD_CHARS).search(s)
    return BadChar(m.start(), m.group()) if m else None


def scrub(s: str) -> str:
    """``s`` with every refused character replaced by U+FFFD: what an output writes when data
    that bypassed validation still holds one (defence in depth; never silent, always visible)."""
    return BAD_CHARS.sub(REPLACEMENT, s)
