"""The list's own settings: ``paperlist.yaml`` at the project root, validated by its schema.

It says what the list is: its name and description per language, the languages shown, its venues
(none for a topic list), the fields it requires and allows beyond the core, its topic vocabulary,
the page budget and where the site lives. Nothing about one particular list is written in code:
an absent file (or key) means both languages, every venue of the venue vocabulary, the topic
vocabulary at ``vocab/tags.yaml`` (the packaged default when the list has none).

A file, not the git remote: the generated README must be the same in every clone and fork
until a maintainer says where the site lives.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperlist.findings import Finding
from paperlist.infra.messages import Said, say
from paperlist.project.configfile import load_config, load_config_file, read_config
from paperlist.project.keys import PAPERS_DIR

SETTINGS_FILE = "paperlist.yaml"
SETTINGS_SCHEMA = "paperlist.schema.json"
LANGUAGES = ("en", "zh")  # the languages the tool ships labels for
DEFAULT_TOPICS = "vocab/tags.yaml"
DEFAULT_REPO_DATA = "data/repos"  # where `refresh repos` keeps stars and health (project.repodata)
DEFAULT_PAGE_BUDGET = 400_000  # bytes: a page that would pass this is split
# Every paper has these; a list with venues adds venue. The rest is the list's choice (fields).
CORE_FIELDS = ("title", "year", "tags")
VENUE_FIELDS = ("venue", "track", "presentation")  # meaningless in a list without venues


@dataclass(frozen=True)
class ListSettings:
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = LANGUAGES
    # None: every venue of the venue vocabulary; (): none (a topic list); else ids or written-out venues.
    venues: tuple[str | dict[str, Any], ...] | None = None
    required: tuple[str, ...] = ()
    allowed: tuple[str, ...] | None = None  # None: every optional field of the schema
    topics: str = DEFAULT_TOPICS
    page_budget: int = DEFAULT_PAGE_BUDGET
    site_url: str | None = None
    repo_data: str = DEFAULT_REPO_DATA

    @property
    def has_venues(self) -> bool:
        return self.venues != ()

    @property
    def chinese(self) -> bool:
        """True when the list shows Chinese beside English (labels, title_zh, 中文 names)."""
        return "zh" in self.languages

    def text(self, key: str, lang: str = "en") -> str | None:
        """The title or description in ``lang`` (None when the settings do not say)."""
        values: dict[str, str] = getattr(self, key)
        return values.get(lang)

    def drops(self) -> set[str]:
        """Paper fields this list does not show: what ``new`` and ``import`` leave out of what they write."""
        out = set(VENUE_FIELDS) if not self.has_venues else set()
        if not self.chinese:
            out.add("title_zh")
        if self.allowed is not None:
            out |= {"title_zh", "authors", "track", "presentation", "arxiv", "doi", "links"} - set(self.allowed) \
                - set(self.required)
        return out

    def trim(self, paper: dict[str, Any]) -> dict[str, Any]:
        """``paper`` without the fields this list does not allow (a title_zh in an English-only list)."""
        drops = self.drops()
        return {k: v for k, v in paper.items() if k not in drops}

    def paper_schema(self, base: dict[str, Any]) -> dict[str, Any]:
        """The paper schema for this list: ``base`` with its required fields and allowed properties
        narrowed to what the settings say (no title_zh in an English-only list, no venue without venues)."""
        schema = copy.deepcopy(base)
        props: dict[str, Any] = schema.get("properties", {})
        dropped = set()
        if not self.has_venues:
            dropped |= set(VENUE_FIELDS)
        if not self.chinese:
            dropped.add("title_zh")
        if self.allowed is not None:
            optional = set(props) - set(CORE_FIELDS) - {"venue"}
            dropped |= optional - set(self.allowed) - set(self.required)
        for name in dropped:
            props.pop(name, None)
        required = [r for r in schema.get("required", []) if r in props]
        required += [r for r in self.required if r in props and r not in required]
        schema["required"] = required
        return schema


def settings_from(raw: dict[str, Any]) -> ListSettings:
    """ListSettings from the validated mapping of ``paperlist.yaml``."""
    fields: dict[str, Any] = raw.get("fields") or {}
    venues = raw.get("venues")
    return ListSettings(
        title=dict(raw.get("title") or {}), description=dict(raw.get("description") or {}),
        languages=tuple(raw.get("languages") or LANGUAGES),
        venues=None if venues is None else tuple(venues),
        required=tuple(fields.get("required") or ()),
        allowed=tuple(fields["allowed"]) if fields.get("allowed") is not None else None,
        topics=raw.get("topics") or DEFAULT_TOPICS,
        page_budget=int(raw.get("page_budget") or DEFAULT_PAGE_BUDGET),
        site_url=raw.get("site_url") or None,
        repo_data=(raw.get("repo_data") or DEFAULT_REPO_DATA).rstrip("/"))


def load_settings(root: Path) -> ListSettings:
    """Read ``<root>/paperlist.yaml`` (absent: defaults); raise ConfigError naming the key when it is invalid."""
    raw = load_config(Path(root), SETTINGS_FILE, SETTINGS_SCHEMA, default={})
    return settings_from(raw or {})


def check_settings(root: Path) -> list[Finding]:
    """Findings about ``paperlist.yaml`` (file, line, column), for ``validate`` and ``check``: what
    ``load_settings`` would refuse, and what the schema cannot say (a venue the vocabulary lacks,
    a topics file that is not there)."""
    root = Path(root)
    raw, findings = read_config(root, SETTINGS_FILE, SETTINGS_SCHEMA, default={})
    if findings or not raw:
        return findings
    from paperlist.errors import ConfigError
    from paperlist.project.vocab import VENUES_FILE, Vocabulary, known_venue_ids

    pf = load_config_file(root / SETTINGS_FILE, root)

    def add(path: tuple[str | int, ...], said: Said) -> None:
        line, col = pf.position(path)
        findings.append(Finding(file=SETTINGS_FILE, severity="error", check="config", line=line, column=col,
                                **said))

    topics = raw.get("topics")
    if topics and topics.split("/", 1)[0] == PAPERS_DIR:
        add(("topics",), say("settings.topics-under-papers", topics=topics))
    elif topics and not (root / topics).is_file() and not (root / topics).is_symlink():
        add(("topics",), say("settings.topics-missing", topics=topics))
    named = [(i, v) for i, v in enumerate(raw.get("venues") or ()) if isinstance(v, str)]
    if named:
        catalogue = known_venue_ids(root)
        for i, venue in named:
            if venue not in catalogue:
                add(("venues", i), say("settings.venue-unknown", venue=venue, file=VENUES_FILE))
    if not findings:
        try:
            Vocabulary.load(root)
        except ConfigError as e:
            add((), say("settings.invalid", error=str(e)))
    return findings
