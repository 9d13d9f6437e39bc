"""The message catalogue: every sentence the tool says to a person, keyed by a message id.

One file per language is shipped as package data (``paperlist/data/messages/<lang>.yaml``), a flat
mapping from id to a template with named fields::

    loader.too-large: "file is {size:,} bytes; a paper file may be at most {limit:,} bytes"

Code never writes a sentence twice in two languages; it names the id and the fields, and gets the
finding fields filled in every language a finding carries (``message``/``message_zh``,
``hint``/``hint_zh``)::

    Finding(file=rel, severity="error", check="yaml", **say("loader.too-large", size=n, limit=MAX_BYTES))

A language (or an id) missing at run time is never a crash: the English text is used instead and
the miss is recorded (:func:`misses`), which the test suite turns into a failure. A language is
added by adding its file; ``tests/test_messages.py`` holds every shipped file to the ids the code
uses, with the same fields.
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources
from typing import Any, TypedDict

import yaml

ENGLISH = "en"
# The languages a finding carries (its JSON fields: message/message_zh, hint/hint_zh). The JSON shape
# is the contract with the PR comment and with scripts; other catalogue languages serve the views.
FINDING_LANGUAGES = ("en", "zh")
_MISSES: set[tuple[str, str]] = set()


class Said(TypedDict):
    message: str
    message_zh: str | None


class Hinted(TypedDict):
    hint: str
    hint_zh: str | None


def _folder() -> Any:
    return resources.files("paperlist") / "data" / "messages"


def languages() -> tuple[str, ...]:
    """The languages shipped in the catalogue (English first)."""
    names = sorted(p.name.removesuffix(".yaml") for p in _folder().iterdir() if p.name.endswith(".yaml"))
    return (ENGLISH, *(n for n in names if n != ENGLISH))


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The templates of ``lang`` (empty when the language is not shipped or its file is unreadable)."""
    try:
        text = (_folder() / f"{lang}.yaml").read_text(encoding="utf-8")
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, ValueError, yaml.YAMLError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


class _Formatter(string.Formatter):
    """``str.format`` restricted to plain named fields: a template may say ``{size:,}`` or ``{tag!r}``,
    never reach into an object (``{x.__class__}``) or take a positional argument."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, str]:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return kwargs[field_name], field_name


_FORMAT = _Formatter()


def fields(template: str) -> set[str]:
    """The field names ``template`` uses (for the catalogue tests)."""
    return {name for _, name, _, _ in _FORMAT.parse(template) if name is not None}


class Join:
    """A list of items joined by the words of each language (``join.or``: "a or b", "a 或 b")."""

    def __init__(self, items: list[str], key: str = "join.or") -> None:
        self.items, self.key = items, key

    def render(self, lang: str) -> str:
        return text(self.key, lang).join(self.items)


class Phrase:
    """A message inside a message, said in the language of the one around it (a link's state, the
    translation of a libyaml problem)."""

    def __init__(self, key: str, /, **values: Any) -> None:
        self.key, self.values = key, values

    def render(self, lang: str) -> str:
        return text(self.key, lang, **self.values)


@cache
def _plain(template: str) -> bool:
    """True when every field of ``template`` is a plain name (then ``str.format_map``, in C, is safe)."""
    try:
        return all(name is None or name.isidentifier() for _, name, _, _ in _FORMAT.parse(template))
    except ValueError:
        return False


def _render(template: str, values: dict[str, Any], lang: str) -> str | None:
    values = {k: v.render(lang) if isinstance(v, (Join, Phrase)) else v for k, v in values.items()}
    try:
        # A field that reaches into a value ({x.__class__}) takes the checking formatter, which refuses it.
        return template.format_map(values) if _plain(template) else _FORMAT.vformat(template, (), values)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        return None


def lookup(key: str, lang: str = ENGLISH, /, **values: Any) -> str | None:
    """The text of ``key`` in ``lang`` with ``values`` filled in, or None when that language lacks it
    (or its template names a field the caller did not give)."""
    template = catalogue(lang).get(key)
    return None if template is None else _render(template, values, lang)


def text(key: str, lang: str = ENGLISH, /, **values: Any) -> str:
    """The text of ``key`` in ``lang``; English when ``lang`` lacks it (recorded as a miss), and the
    id itself when English lacks it too: never an exception in front of a user."""
    out = lookup(key, lang, **values)
    if out is not None:
        return out
    _MISSES.add((lang, key))
    if lang != ENGLISH:
        out = lookup(key, ENGLISH, **values)
        if out is not None:
            return out
        _MISSES.add((ENGLISH, key))
    return key


def _optional(key: str, lang: str, values: dict[str, Any]) -> str | None:
    # A finding's second language: None (not a copy of the English) when the catalogue lacks it.
    out = lookup(key, lang, **values)
    if out is None:
        _MISSES.add((lang, key))
    return out


def say(key: str, /, **values: Any) -> Said:
    """``message`` and ``message_zh`` of a finding: ``Finding(..., **say(id, field=value))``."""
    return {"message": text(key, ENGLISH, **values), "message_zh": _optional(key, "zh", values)}


def hint(key: str, /, **values: Any) -> Hinted:
    """``hint`` and ``hint_zh`` of a finding: ``Finding(..., **hint(id, field=value))``."""
    return {"hint": text(key, ENGLISH, **values), "hint_zh": _optional(key, "zh", values)}


def pair(key: str, /, **values: Any) -> tuple[str, str | None]:
    """(English, 中文) of ``key``, for records that carry both outside a finding."""
    return text(key, ENGLISH, **values), _optional(key, "zh", values)


def both(key: str, /, **values: Any) -> tuple[str, str]:
    """(English, 中文) of ``key`` for records that must carry both (an issue form's problems): the
    English stands in for a missing translation."""
    return text(key, ENGLISH, **values), text(key, "zh", **values)


def bilingual(key: str, /, sep: str = " · ", **values: Any) -> str:
    """English and 中文 side by side in one string (a label of the PR comment, which shows both)."""
    return sep.join(dict.fromkeys(both(key, **values)))  # one language once when the two read the same


def shown(key: str, chinese: bool, /, sep: str = " · ", **values: Any) -> str:
    """``key`` in a list's languages (its ``paperlist.yaml`` ``languages``): English and 中文 side by side
    (:func:`bilingual`) for a list that shows Chinese, English alone for an English-only list."""
    return bilingual(key, sep=sep, **values) if chinese else text(key, ENGLISH, **values)


def misses() -> set[tuple[str, str]]:
    """(language, id) pairs asked for and not found since start (the tests fail on any)."""
    return set(_MISSES)


def forget_misses() -> None:
    _MISSES.clear()
