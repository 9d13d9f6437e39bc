"""Project configuration files, all read and validated one way.

``vocab/tags.yaml``, ``vocab/venues.yaml``, ``linkcheck.yaml``, ``paperlist.yaml`` and
``not-duplicates.yaml`` are YAML a pull request can edit, so they go through the same guarded
parser as paper files (no tags, no aliases, no duplicate keys, positions kept), with limits and
words of their own (:data:`CONFIG_RULES`: a vocabulary of thousands of topics is not "too large
for a paper file", a symlinked one is not "under papers/"), and then their JSON Schema
in ``schema/`` (the project's copy, else the one packaged with the tool: ``defaults.resolve``). A
file a list need not have (``packaged=True``: the vocabularies) falls back to its packaged default
the same way. A problem names the
file, line and column: as findings (:func:`read_config`) or as one ConfigError
(:func:`load_config`) for files without which a command cannot run.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperlist.errors import ConfigError
from paperlist.findings import Finding
from paperlist.infra.messages import say
from paperlist.project.defaults import DATA, resolve
from paperlist.project.loader import FileRules, PaperFile, load_file

SCHEMA_DIR = "schema"
# 4 MiB: topics written like the packaged vocabulary (two names, four aliases: ~155 bytes each) fit
# ~27,000 times, every topic of a decade of vision venues many times over; such a file costs one cold
# `validate` ~12 s and 118 MB, a warm one 1.5 s (tests/benchmarks/bench_config.py). Past it a file is
# not a vocabulary but a way to make every check slow. Paper files keep their 64 KiB.
MAX_CONFIG_BYTES = 4 * 1024 * 1024
# ~14 YAML nodes a topic: 500,000 nodes is ~35,000 topics, and bounds what a file of tiny values
# ("[1, 1, 1, …]", 1 MB) costs to ~160 MB and a few seconds.
MAX_CONFIG_NODES = 500_000
MAX_SCHEMA_FINDINGS = 50  # schema errors reported per file

CONFIG_RULES = FileRules(
    kind="loader.kind.config", kinds="loader.kinds.config", max_bytes=MAX_CONFIG_BYTES,
    max_nodes=MAX_CONFIG_NODES, max_depth=16, example="loader.example.config", symlink="loader.symlink.config",
    size_hint="loader.size-hint.config",
    whole_path=True,
)


def load_config_file(path: Path, root: Path) -> PaperFile:
    """Load one configuration file safely, with positions (never raises for bad content)."""
    return load_file(path, root, CONFIG_RULES)
if TYPE_CHECKING:
    import jsonschema


@lru_cache(maxsize=16)
def _validator(path: str, _stamp: int) -> jsonschema.protocols.Validator:
    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: missing (is --root the project folder?)") from e
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read the schema {path}: {e}") from e
    return _compile(schema, path)


def read_schema(root: Path, schema_name: str) -> dict[str, Any]:
    """The JSON of ``schema/<schema_name>`` (see :func:`schema_path`); ConfigError when unreadable."""
    path = schema_path(root, schema_name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: missing (is --root the project folder?)") from e
    except (OSError, ValueError) as e:
        raise ConfigError(f"cannot read the schema {path}: {e}") from e
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: not a valid JSON Schema: not an object")
    return data


@lru_cache(maxsize=16)
def _compiled(text: str, source: str) -> jsonschema.protocols.Validator:
    return _compile(json.loads(text), source)


def validator_for(schema: dict[str, Any], source: str) -> jsonschema.protocols.Validator:
    """A validator for a schema built in memory (the paper schema narrowed by a list's settings)."""
    return _compiled(json.dumps(schema, sort_keys=True), source)


def _compile(schema: Any, path: str) -> jsonschema.protocols.Validator:
    import jsonschema  # only when a config file exists: the one-file dupes path stays lean

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        raise ConfigError(f"{path}: not a valid JSON Schema: {e.message}") from e
    # Local $refs are inlined in memory: resolving them through `referencing` on every
    # instance was a third of the validation time. The file keeps its readable $defs.
    return cls(_inline_refs(schema, schema), format_checker=cls.FORMAT_CHECKER)


def _inline_refs(node: Any, schema: dict[str, Any], depth: int = 0) -> Any:
    if depth > 32:
        raise ConfigError("schema $refs nest too deeply (a cycle?)")
    if isinstance(node, dict):
        ref = node.get("$ref")
        out = {k: _inline_refs(v, schema, depth) for k, v in node.items() if k not in ("$ref", "$defs")}
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = schema
            for part in ref[2:].split("/"):
                target = target[part]
            resolved = _inline_refs(target, schema, depth + 1)
            # A $ref beside other keywords applies both: merge, letting the local keywords win.
            return {**resolved, **out}
        if "$ref" in node:
            out["$ref"] = node["$ref"]
        return out
    if isinstance(node, list):
        return [_inline_refs(v, schema, depth) for v in node]
    return node


def schema_path(root: Path, schema_name: str) -> Path:
    """``schema/<schema_name>``: the project's copy, else the one packaged with the tool."""
    return resolve(root, f"{SCHEMA_DIR}/{schema_name}")


def schema_validator(root: Path, schema_name: str) -> jsonschema.protocols.Validator:
    """The validator for ``schema/<schema_name>`` (see :func:`schema_path`)."""
    path = schema_path(root, schema_name)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as e:
        raise ConfigError(f"{path}: missing (is --root the project folder?)") from e
    return _validator(str(path), stamp)


def read_config(root: Path, name: str, schema_name: str, *, default: Any = None,
                required: bool = False, packaged: bool = False) -> tuple[Any, list[Finding]]:
    """``(data, findings)`` for ``<root>/<name>``: ``default`` and no findings when it is absent
    (a ConfigError when ``required``); data None when it has errors. With ``packaged``, an absent
    file is read from the tool's packaged default of the same name instead.

    The answer is kept in the content-addressed index under the hash of the file, its schema,
    this code and the jsonschema release: a run whose configuration has not changed neither
    parses it nor imports jsonschema (a tenth of a second per command)."""
    root = Path(root)
    path = resolve(root, name) if packaged else root / name
    if not path.exists() and not path.is_symlink():
        if required:
            raise ConfigError(f"{path}: missing (is --root the project folder?)")
        return default, []
    key = _answer_key(root, path, name, schema_name)
    if key is not None:
        from paperlist.project.index import memo_get

        known = memo_get(root, f"config:{name}", key)
        try:
            if known is not None:
                return known["data"], [Finding.from_dict(f) for f in known["findings"]]
        except (TypeError, KeyError, ValueError):
            pass  # not what we wrote: read the file
    data, findings = _read_config(root, path, name, schema_name, default)
    if key is not None:
        from paperlist.project.index import memo_put

        memo_put(root, f"config:{name}", key, {"data": data, "findings": [f.to_dict() for f in findings]})
    return data, findings


def _answer_key(root: Path, path: Path, name: str, schema_name: str) -> str | None:
    """The hash of everything read_config's answer depends on; None when it cannot be named
    (the file is not a plain readable file, or the schema or jsonschema cannot be found)."""
    from paperlist.project.index import code_fingerprint, fingerprint

    schema = schema_path(root, schema_name)
    release = _jsonschema_release()
    try:
        if release is None or path.is_symlink():
            return None
        return fingerprint(code_fingerprint(), name, path.read_bytes(), schema.read_bytes(), release)
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=1)
def _jsonschema_release() -> str | None:
    """The installed jsonschema's dist-info folder name (its release), found without importing it."""
    try:
        spec = importlib.util.find_spec("jsonschema")
        if spec is None or spec.origin is None:
            return None
        site = Path(spec.origin).parent.parent
        found = sorted(n for n in os.listdir(site) if n.startswith("jsonschema-") and n.endswith(".dist-info"))
    except (OSError, ValueError, ImportError):
        return None
    return "\0".join(found) or None


def _read_config(root: Path, path: Path, name: str, schema_name: str, default: Any) -> tuple[Any, list[Finding]]:
    pf = load_config_file(path, root if path == root / name else DATA)
    if pf.text is not None and all(not ln.strip() or ln.lstrip().startswith("#") for ln in pf.text.splitlines()):
        return default, []  # empty, or only comments: the defaults
    findings = [f if f.check != "schema" else Finding(f.file, f.severity, "config", f"{name} must be a mapping of "
                                                      "settings, not a list or a single value", line=f.line,
                                                      column=f.column)
                for f in pf.findings]
    if not pf.parsed:
        return None, findings
    # Bounded: a list of 500,000 wrong values is 500,000 schema errors (80 s and 2 GB when all were kept).
    found = list(itertools.islice(schema_validator(root, schema_name).iter_errors(pf.data), MAX_SCHEMA_FINDINGS + 1))
    errors = sorted(found[:MAX_SCHEMA_FINDINGS], key=lambda e: list(e.absolute_path))
    for err in errors:
        keys: list[str | int] = list(err.absolute_path)
        where = "/".join(str(p) for p in keys)
        message = f"{where or 'top level'}: {err.message}"
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            # Point at the key itself, not at the mapping that holds it.
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            if extra:
                keys.append(extra[0])
                message = f"unknown key {'/'.join(str(p) for p in keys)!r}"
        line, col = pf.position(keys)
        findings.append(Finding(pf.rel, "error", "config", message, line=line, column=col))
    if len(found) > MAX_SCHEMA_FINDINGS:
        findings.append(Finding(pf.rel, "error", "config", **say("loader.more-findings", shown=MAX_SCHEMA_FINDINGS)))
    return (None if findings else pf.data), findings


def load_config(root: Path, name: str, schema_name: str, *, default: Any = None, required: bool = False,
                packaged: bool = False) -> Any:
    """The data of ``<root>/<name>``, validated; ConfigError ``name:line:col: problem`` when it is not."""
    data, findings = read_config(root, name, schema_name, default=default, required=required, packaged=packaged)
    if findings:
        f = findings[0]
        where = f" (line {f.line}, column {f.column})" if f.line else ""
        raise ConfigError(f"{f.file}: {f.message}{where}")
    return data
