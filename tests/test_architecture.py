"""The layers of docs/architecture.md, held to the code: a module imports only from its own layer or
the layers below it, so a newcomer can trust the folder to say what a module may depend on."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "tools" / "paperlist"
# Lowest first; findings.py and errors.py are the shared vocabulary every layer uses.
LAYERS = ["infra", "project", "checks", "sources", "output", "github", "cli"]
SHARED = {"findings", "errors", "domain", "__version__"}


def _imports(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "paperlist":
            assert node.level == 0, f"{path}:{node.lineno}: relative import (the layers are spelled out)"
            parts = node.module.split(".")
            targets = [parts[1]] if len(parts) > 1 else [a.name for a in node.names]
            out += [(node.lineno, t) for t in targets]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name.split(".")[1]) for a in node.names
                    if a.name.startswith("paperlist.") and "." in a.name]
    return out


def _layer(path: Path) -> str:
    rel = path.relative_to(PKG).parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_a_module_imports_only_its_own_layer_and_those_below(path: Path) -> None:
    layer = _layer(path)
    bad = []
    for line, target in _imports(path):
        if target in SHARED or target == layer:
            continue
        if layer in SHARED | {"__init__"}:
            allowed = target == "infra"
        elif layer == "__main__":
            allowed = target == "cli"
        else:
            assert target in LAYERS, f"{path}:{line}: paperlist.{target} is in no layer (docs/architecture.md)"
            allowed = LAYERS.index(target) < LAYERS.index(layer)
        if not allowed:
            bad.append(f"{path.relative_to(PKG)}:{line} ({layer}) imports paperlist.{target}")
    assert not bad, bad


def test_every_layer_is_described_in_the_architecture_page() -> None:
    doc = (PKG.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    on_disk = sorted(p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert sorted(LAYERS) == on_disk
    for layer in LAYERS:
        assert f"`{layer}/`" in doc, layer
