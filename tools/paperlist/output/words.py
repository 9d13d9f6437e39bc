"""The words of generated text (README, pages, trends) in the list's languages.

One home for them, so that every view that writes a list's own text (``output.render``,
``output.trends``) speaks as the settings say: Chinese beside English (``languages: [en, zh]``) or
English alone, venue words only where the list has venues.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from paperlist.infra.messages import ENGLISH
from paperlist.infra.messages import text as message_text
from paperlist.project.settings import ListSettings


@dataclass(frozen=True)
class Words:
    """The generated text's language: Chinese beside English (``languages: [en, zh]``), or English only.

    The words are the catalogue's ``readme.*`` ids: ``zh.yaml`` holds them as a list that shows Chinese
    lays them out (Chinese beside English), ``en.yaml`` as an English-only list does."""

    chinese: bool = True
    venues: bool = True  # False: a topic list, its pages are years

    @property
    def lang(self) -> str:
        return "zh" if self.chinese else ENGLISH

    def __call__(self, key: str, /, **values: Any) -> str:
        return message_text(key, self.lang, **values) if values else _word(key, self.lang)

    @cached_property
    def links(self) -> dict[str, str]:
        """The link labels every paper repeats, looked up once."""
        lang = self.lang
        return {"paper": _word("readme.link.paper", lang), "code": _word("readme.link.code", lang),
                "project": _word("readme.link.project", lang), "video": _word("readme.link.video", lang),
                "reading": _word("readme.link.reading", lang)}

    @classmethod
    def of(cls, settings: ListSettings) -> Words:
        """The words a list's settings choose."""
        return cls(chinese=settings.chinese, venues=settings.has_venues)


@lru_cache(maxsize=512)
def _word(key: str, lang: str) -> str:
    return message_text(key, lang)


BILINGUAL = Words()
