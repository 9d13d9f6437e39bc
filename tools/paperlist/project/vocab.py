"""Controlled vocabularies (tags and venues): data files with English and Chinese names and aliases.

``vocab/tags.yaml`` and ``vocab/venues.yaml`` (the list's own, else the tool's packaged defaults)
are validated against ``schema/vocabulary.schema.json``; aliases let the importer map a list's category heading
("目标检测", "Object Tracking(目标跟踪)") onto a tag id.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from paperlist.errors import ConfigError
from paperlist.project.configfile import load_config, load_config_file, schema_path
from paperlist.project.defaults import DATA, is_packaged, resolve

VOCAB_DIR = "vocab"
SCHEMA_DIR = "schema"


@dataclass(frozen=True)
class Term:
    id: str
    en: str
    zh: str
    aliases: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def normalize_label(label: str) -> str:
    """Fold a category label for alias lookup: NFKC, case, spacing and punctuation."""
    text = unicodedata.normalize("NFKC", label).casefold()
    return re.sub(r"[\W_]+", "", text)


@dataclass
class Vocabulary:
    tags: dict[str, Term]
    venues: dict[str, Term]
    _tag_alias: dict[str, str] = field(default_factory=dict, repr=False)
    _venue_alias: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for kind, terms, index in (("tag", self.tags, self._tag_alias), ("venue", self.venues, self._venue_alias)):
            for term in terms.values():
                for label in (term.id, term.en, term.zh, *term.aliases):
                    key = normalize_label(label)
                    owner = index.setdefault(key, term.id)
                    if owner != term.id:
                        # An ambiguous label would send imports and hints to whichever came first.
                        raise ConfigError(f"vocab: the {kind} label {label!r} belongs to both {owner!r} and "
                                          f"{term.id!r}; keep it on one of them")

    def resolve_tag(self, label: str) -> str | None:
        """The tag id for a label (an id, an English or Chinese name, or an alias), or None."""
        return self._tag_alias.get(normalize_label(label))

    def resolve_venue(self, label: str) -> str | None:
        return self._venue_alias.get(normalize_label(label))

    @classmethod
    def load(cls, root: Path) -> Vocabulary:
        """The list's vocabulary: its topics file (``topics:`` in paperlist.yaml) and the venues its
        settings name, from its own ``vocab/`` or the packaged defaults."""
        from paperlist.project.settings import load_settings

        settings = load_settings(root)
        return _load_cached(str(Path(root).resolve()), settings.topics, repr(settings.venues),
                            _stamp(root, settings.topics))


def _stamp(root: Path, topics: str) -> tuple[float, ...]:
    files = [resolve(root, topics), resolve(root, VENUES_FILE), schema_path(root, "vocabulary.schema.json")]
    return tuple(f.stat().st_mtime_ns if f.exists() else -1 for f in files)


VENUES_FILE = f"{VOCAB_DIR}/venues.yaml"


def _term(item: dict[str, Any]) -> Term:
    known = {"id", "en", "zh", "aliases"}
    # An English-only vocabulary has no zh: the English name stands in wherever a Chinese one is asked for.
    return Term(item["id"], item["en"], item.get("zh") or item["en"], tuple(item.get("aliases", ())),
                {k: v for k, v in item.items() if k not in known})


def _read_terms(root: Path, name: str, kind: str, *, required: bool) -> dict[str, Term]:
    path = resolve(root, name)
    data = load_config(root, name, "vocabulary.schema.json", required=required, packaged=True)
    if data is None and not required:
        return {}
    if not isinstance(data, dict) or kind not in data:
        raise ConfigError(f"{path}: expected a top-level '{kind}:' list")
    seen: dict[str, Term] = {}
    for i, item in enumerate(data[kind]):
        if item["id"] in seen:
            # Rare, so the file is read again only here, for the line of the second id.
            line, col = load_config_file(path, root if not is_packaged(path) else DATA).position((kind, i, "id"))
            first = [t["id"] for t in data[kind]].index(item["id"])
            raise ConfigError(f"{path}: duplicate id {item['id']!r} (line {line}, column {col}; first as {kind} "
                              f"item {first + 1})")
        seen[item["id"]] = _term(item)
    return seen


@lru_cache(maxsize=8)
def _load_cached(root_str: str, topics: str, venues_repr: str, _stamp: tuple[float, ...]) -> Vocabulary:
    from paperlist.project.settings import load_settings

    root = Path(root_str)
    tags = _read_terms(root, topics, "tags", required=True)
    chosen = load_settings(root).venues
    if chosen == ():  # a topic list: no venues, and the venue vocabulary is not even read
        return Vocabulary(tags=tags, venues={})
    catalogue = _read_terms(root, VENUES_FILE, "venues", required=chosen is None)
    if chosen is None:
        return Vocabulary(tags=tags, venues=catalogue)
    venues: dict[str, Term] = {}
    for item in chosen:
        if isinstance(item, dict):  # a venue written out in paperlist.yaml
            venues[item["id"]] = _term(item)
        elif item in catalogue:
            venues[item] = catalogue[item]
        else:
            raise ConfigError(f"paperlist.yaml: venue {item!r} is not in {VENUES_FILE}; write it out as "
                              f"{{id: {item}, en: <its name>}} or add it there")
    return Vocabulary(tags=tags, venues=venues)


def known_venue_ids(root: Path) -> set[str]:
    """The venue ids of the venue vocabulary (the list's own, else the packaged one)."""
    return set(_read_terms(Path(root), VENUES_FILE, "venues", required=False))
