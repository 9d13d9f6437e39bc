"""The list's own settings: ``paperlist.yaml`` at the project root, validated by its schema.

A file, not the git remote: the generated README must be the same in every clone and fork
until a maintainer says where the site lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from paperlist.project.configfile import load_config

SETTINGS_FILE = "paperlist.yaml"


@dataclass(frozen=True)
class ListSettings:
    site_url: str | None = None


def load_settings(root: Path) -> ListSettings:
    """Read ``<root>/paperlist.yaml`` (absent: defaults); raise ConfigError naming the key when it is invalid."""
    raw = load_config(Path(root), SETTINGS_FILE, "paperlist.schema.json", default={})
    return ListSettings(site_url=raw.get("site_url") or None)
