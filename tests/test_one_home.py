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


def _sources() -> list[Path]:
    """The package's code and the site's scripts (not the schema, which is the definition)."""
    return [p for p in sorted(PKG.rglob("*")) if p.suffix in (".py", ".js") and p.name != "domain.py"]


def _code(path: Path, line: str) -> str:
    """The line without its comment (a comment may name two values as examples)."""
    return line.split("//", maxsplit=1)[0] if path.suffix == ".js" else line.split(" # ", maxsplit=1)[0]


def test_the_year_range_is_defined_only_by_the_schema() -> None:
    import re

    found = [f"{p.relative_to(PKG)}:{n}" for p in _sources()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"(?<![\d.])(?:1980|2099|2100)(?![\d.])", line)]
    assert found == [], f"a second definition of the year range: {found}"


def test_the_presentation_values_are_listed_only_by_the_schema() -> None:
    # A line naming two presentation values is a list of them (a Choice, a regex, a dict, a JS table).
    import re

    words = re.compile(r"\b(oral|spotlight|highlight|poster)\b", re.I)
    found = [f"{p.relative_to(PKG)}:{n}: {line.strip()[:80]}" for p in _sources()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if len({w.lower() for w in words.findall(_code(p, line))}) >= 2]
    assert found == [], f"a second list of the presentation values: {found}"


def test_the_papers_folder_is_named_once() -> None:
    import re

    found = [f"{p.relative_to(PKG)}:{n}" for p in _sources() if p.name != "keys.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             # a path built from the literal (messages may say "papers/"; that is prose)
             if re.search(r"""PAPERS_DIR\s*=|/\s*["']papers["']|f["']papers/\{|\(["']papers/?["']\)""", line)]
    assert found == [], found


def test_the_first_tag_rule_is_written_once() -> None:
    found = [f"{p.relative_to(PKG)}:{n}" for p in _sources() if p.name != "entries.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if "tags[0]" in line or "tags[:1]" in line]
    assert found == [], f"a second first-tag rule (use ListEntry.primary_tag): {found}"
