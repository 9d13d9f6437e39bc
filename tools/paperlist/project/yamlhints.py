"""What to do about a YAML syntax error: the usual first-timer mistakes, each with the fixed line.

libyaml's messages ("mapping values are not allowed in this context") name the grammar, not
the mistake. The three mistakes contributors actually make are recognised here and get a
bilingual hint plus the corrected line as a ``suggestion`` (a one-click fix in the PR):

- an unquoted title with a colon in it (``title: Pyramid Vision Transformer: A …``);
- a tab used for indentation;
- a quote opened and never closed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from paperlist.infra.messages import Phrase, pair

# ``key: value`` at any indentation, optionally as a list item; the value not already quoted.
_KEY_VALUE = re.compile(r"^(?P<lead>\s*(?:-\s+)?[A-Za-z_][\w-]*:[ \t]+)(?P<value>[^\"'\s].*?)\s*$")


@dataclass(frozen=True)
class YamlHint:
    line: int  # 1-based line the hint and suggestion are about (may differ from libyaml's mark)
    hint: str
    hint_zh: str | None
    suggestion: str | None = None


# libyaml's problems (English, from the parser) and the catalogue's words for them.
_PROBLEMS = (
    ("mapping values are not allowed", "yaml.problem.mapping-values"),
    ("tab character", "yaml.problem.tab"),
    ("cannot start any token", "yaml.problem.token"),
    ("end of stream", "yaml.problem.end"),
    ("could not find expected ':'", "yaml.problem.colon"),
    ("did not find expected key", "yaml.problem.key"),
)


def problem_words(problem: str) -> Phrase | None:
    """libyaml's problem in the catalogue's words (None when it is not one the catalogue knows)."""
    for en, key in _PROBLEMS:
        if en in problem:
            return Phrase(key)
    return None


def _fixes(lines: list[str], n: int, fixed: str) -> bool:
    """True when replacing line ``n`` with ``fixed`` removes the error there (it parses, or fails later)."""
    text = "\n".join([*lines[:n - 1], fixed, *lines[n:]]) + "\n"
    try:
        yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        return mark is not None and mark.line + 1 > n
    except yaml.YAMLError:
        return False
    return True


def hint_for(text: str, line: int | None, problem: str, context: str) -> YamlHint | None:
    """A hint for the YAML error libyaml reported at 1-based ``line``, or None when none applies.

    A suggestion is only offered when it is checked to fix the line (the file parses, or the
    next error is further down).
    """
    lines = text.splitlines()
    if not line or not 0 < line <= len(lines):
        return None
    where = lines[line - 1]
    if "mapping values are not allowed" in problem:
        m = _KEY_VALUE.match(where)
        if m and ": " in m.group("value") + " ":
            value = m.group("value")
            fixed = m.group("lead").rstrip(" \t") + " " + json.dumps(value, ensure_ascii=False)
            # A trailing "# comment" would be swallowed into the title: hint only, no suggestion.
            ok = " #" not in value and _fixes(lines, line, fixed)
            return YamlHint(line, *pair("yaml.hint.quote-colon"), fixed if ok else None)
    # Tabs: libyaml complains at the tab or near it; point at the line that has one in its indentation.
    for n in (line, line - 1, line + 1):
        if 0 < n <= len(lines):
            src = lines[n - 1]
            indent = src[:len(src) - len(src.lstrip(" \t"))]
            if "\t" in indent:
                rest = src[len(indent):]
                tries = [indent.replace("\t", w) + rest for w in ("  ", "    ", "")]
                fixed_line = next((t for t in tries if _fixes(lines, n, t)), None)
                return YamlHint(n, *pair("yaml.hint.tab"), fixed_line)
    if "quoted scalar" in context and "end of stream" in problem:
        # The mark is where the quote opened; close it at the end of that line.
        quote = '"' if '"' in where else "'"
        fixed = where.rstrip() + quote
        return YamlHint(line, *pair("yaml.hint.unclosed-quote", quote=quote),
                        fixed if _fixes(lines, line, fixed) else None)
    return None
