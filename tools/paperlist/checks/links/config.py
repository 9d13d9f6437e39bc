"""Link-check settings: defaults, ``linkcheck.yaml`` at the project root, validated by its schema."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperlist.infra.arxiv import DEFAULT_API, MAX_IDS_PER_REQUEST
from paperlist.project import configfile

CONFIG_FILE = "linkcheck.yaml"
DEFAULT_UA = "paperlist-linkcheck/0.1 (+https://github.com/paperlist/paperlist)"


@dataclass(frozen=True)
class Exclusion:
    pattern: re.Pattern[str]
    reason: str


@dataclass(frozen=True)
class LinkConfig:
    """Everything the checker can be told; the defaults are what a CI run on GitHub needs."""

    exclude: tuple[Exclusion, ...] = ()
    max_concurrency: int = 64
    per_host: int = 10
    retries: int = 3
    timeout_retries: int = 0
    max_redirects: int = 10
    max_retry_after: float = 60.0
    backoff: float = 0.5
    user_agent: str = DEFAULT_UA
    cache_ttl_hours: float = 24.0
    arxiv_api: str = DEFAULT_API  # the one arXiv client's address rule (infra.arxiv.query_url)
    arxiv_batch: int = MAX_IDS_PER_REQUEST  # at most that; fewer only to test spacing
    arxiv_interval: float = 3.0
    github_api: str = "https://api.github.com"
    github_web: str = "https://github.com"  # where github.com pages are fetched when the API cannot be used
    github_max_wait: float = 60.0
    github_min_remaining: int = 10
    doi_resolvers: tuple[str, ...] = ("doi.org", "dx.doi.org")
    extra: dict[str, Any] = field(default_factory=dict)

    def excluded(self, url: str) -> Exclusion | None:
        for ex in self.exclude:
            if ex.pattern.search(url):
                return ex
        return None


def load_config(root: Path, *, environ: dict[str, str] | None = None) -> LinkConfig:
    """Read ``<root>/linkcheck.yaml`` (absent: defaults); raise ConfigError when it is invalid.

    The API bases can be pointed elsewhere by the environment (``GITHUB_API_URL`` as on
    Actions runners, ``PAPERLIST_ARXIV_API``, ``PAPERLIST_GITHUB_WEB``), which is how tests reach fake servers.
    """
    env = os.environ if environ is None else environ
    raw: Any = configfile.load_config(root, CONFIG_FILE, "linkcheck.schema.json", default={})
    exclude = tuple(Exclusion(re.compile(x["pattern"]), x["reason"]) for x in raw.get("exclude", []))
    kw: dict[str, Any] = {k: v for k, v in raw.items() if k != "exclude"}
    if "doi_resolvers" in kw:
        kw["doi_resolvers"] = tuple(h.lower() for h in kw["doi_resolvers"])
    if env.get("GITHUB_API_URL"):
        kw["github_api"] = env["GITHUB_API_URL"]
    if env.get("PAPERLIST_GITHUB_WEB"):
        kw["github_web"] = env["PAPERLIST_GITHUB_WEB"]
    if env.get("PAPERLIST_ARXIV_API"):
        kw["arxiv_api"] = env["PAPERLIST_ARXIV_API"]
    return LinkConfig(exclude=exclude, **kw)
