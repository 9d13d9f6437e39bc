"""The list's own settings: ``paperlist.yaml`` at the project root, validated by its schema.

A file, not the git remote: the generated README must be the same in every clone and fork
until a maintainer says where the site lives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .errors import ConfigError

SETTINGS_FILE = "paperlist.yaml"
SCHEMA_FILE = Path("schema") / "paperlist.schema.json"


@dataclass(frozen=True)
class ListSettings:
    site_url: str | None = None


def _schema(root: Path) -> dict[str, Any]:
    path = root / SCHEMA_FILE
    if not path.is_file():  # a project without its own copy still gets the packaged rules
        path = Path(__file__).resolve().parents[2] / SCHEMA_FILE
    try:
        schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read the settings schema {path}: {e}") from e
    return schema


def load_settings(root: Path) -> ListSettings:
    """Read ``<root>/paperlist.yaml`` (absent: defaults); raise ConfigError naming the key when it is invalid."""
    path = Path(root) / SETTINGS_FILE
    if not path.is_file():
        return ListSettings()
    try:
        raw: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ConfigError(f"{SETTINGS_FILE}: cannot read it: {e}") from e
    errors = sorted(jsonschema.Draft202012Validator(_schema(Path(root))).iter_errors(raw),
                    key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top)"
        raise ConfigError(f"{SETTINGS_FILE}: {where}: {errors[0].message}")
    return ListSettings(site_url=raw.get("site_url") or None)
