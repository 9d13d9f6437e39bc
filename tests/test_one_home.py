"""One definition per idea (issue 18, "the same idea solved several times"): these read the package's
source, so a second copy of a type, an error or a domain constant fails here before it drifts."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "tools" / "paperlist"


def _classes() -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PKG.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                out[node.name].append(str(path.relative_to(PKG)))
    return out


def test_list_entry_names_one_thing() -> None:
    # The importer's parsed entry is a SourceEntry; ListEntry is a paper as the README lists it.
    classes = _classes()
    assert classes["ListEntry"] == ["output/entries.py"]
    assert classes["SourceEntry"] == ["sources/importer/model.py"]


def test_one_plan_of_writes_and_one_error_family() -> None:
    classes = _classes()
    assert classes["FileWrite"] == ["infra/writeplan.py"] and classes["WritePlan"] == ["infra/writeplan.py"]
    assert classes["PlanError"] == ["errors.py"] and classes["StaleTarget"] == ["errors.py"]
    # The writers' own write types of fa7d96f are gone (contribute.PlannedWrite, importer PlannedWrite,
    # issueform Write / ProposedFile); what each writer plans is a FileWrite.
    for old in ("PlannedWrite", "Write", "ProposedFile", "Plan"):
        assert classes[old] == [], (old, classes[old])


def test_the_writers_write_only_through_the_plan() -> None:
    writers = [PKG / "sources" / "new.py", *sorted((PKG / "sources" / "importer").rglob("*.py")),
               *sorted((PKG / "github" / "issueform").rglob("*.py"))]
    for path in writers:
        text = path.read_text(encoding="utf-8")
        for call in ("write_atomic", "write_text(", "write_bytes(", "os.replace", "fsutil"):
            assert call not in text, f"{path.relative_to(PKG)} writes with {call} instead of a WritePlan"
