"""The search page's words, from the message catalogue: ``paperlist site`` writes them as ``strings.js``.

The page has no words of its own: ``static/i18n.js`` imports ``TEMPLATES`` from ``strings.js`` and fills
the ``{n}`` fields, so the site, the findings and the PR comment share one source of translations
(``paperlist/data/messages``). ``site.ui.links.code`` becomes ``TEMPLATES.<lang>.links.code``,
``site.ui.search-label`` ``TEMPLATES.<lang>.searchLabel``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from paperlist.infra.messages import ENGLISH, catalogue, fields, languages, text

PREFIX = "site.ui."
# Every word the page shows (the ids are written out: the catalogue tests see them used).
SITE_STRINGS = (
    "site.ui.title",
    "site.ui.heading",
    "site.ui.tagline",
    "site.ui.search-label",
    "site.ui.search-placeholder",
    "site.ui.skip",
    "site.ui.filters",
    "site.ui.venue",
    "site.ui.year",
    "site.ui.topic",
    "site.ui.code",
    "site.ui.has-code",
    "site.ui.presentation",
    "site.ui.clear",
    "site.ui.loading",
    "site.ui.failed",
    "site.ui.none",
    "site.ui.results",
    "site.ui.linked",
    "site.ui.linked-missing",
    "site.ui.permalink",
    "site.ui.links.paper",
    "site.ui.links.arxiv",
    "site.ui.links.code",
    "site.ui.links.project",
    "site.ui.links.video",
    "site.ui.links.reading",
    "site.ui.links.other",
    "site.ui.workshop",
    "site.ui.language",
    "site.ui.language-label",
    "site.ui.theme.auto",
    "site.ui.theme.light",
    "site.ui.theme.dark",
    "site.ui.footer",
    "site.ui.count-all",
    "site.ui.count-some",
    "site.ui.more",
    "site.ui.authors-et-al",
    "site.ui.health",
    "site.ui.stale",
    "site.ui.sort-label",
    "site.ui.sort-default",
    "site.ui.sort-stars",
    "site.ui.archived",
    "site.ui.stars",
    "site.ui.filters-n",
    "site.ui.show-results",
    "site.ui.export-one",
    "site.ui.export-n",
    "site.ui.cite",
    "site.ui.trends",
    "site.ui.feed",
    "site.ui.suggested-topic",
)


def _camel(part: str) -> str:
    return re.sub(r"-([a-z])", lambda m: m.group(1).upper(), part)


def templates(lang: str) -> dict[str, Any]:
    """The page's words in ``lang`` (English where the catalogue lacks one), nested as the page reads them."""
    out: dict[str, Any] = {}
    for key in SITE_STRINGS:
        *parents, leaf = [_camel(p) for p in key.removeprefix(PREFIX).split(".")]
        node = out
        for p in parents:
            node = node.setdefault(p, {})
        # Left as templates: the page fills {n} with its own number formatting.
        names = fields(catalogue(ENGLISH).get(key, "")) | fields(catalogue(lang).get(key, ""))
        node[leaf] = text(key, lang, **{name: "{" + name + "}" for name in names})
    return out


def strings_js() -> bytes:
    """``strings.js``: every shipped language's words, English first."""
    data = {lang: templates(lang) for lang in languages()}
    body = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    return (f"// Written by `paperlist site` from paperlist/data/messages: edit the catalogue, not this file.\n"
            f"export const TEMPLATES = {body};\n").encode()
