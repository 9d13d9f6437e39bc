"""Every project configuration file goes through one loader: guarded YAML, then its schema, with positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperlist.checks.dupes import find_duplicates
from projectkit import add_paper, make_project, run_cli

ALIASED = "x: &a [1, 2]\ny: *a\n"


@pytest.mark.parametrize(("name", "command"), [
    ("paperlist.yaml", ("render",)),
    ("linkcheck.yaml", ("links", "README.md")),
    ("vocab/venues.yaml", ("validate",)),
])
def test_hostile_yaml_in_a_config_file_is_refused_with_its_line(tmp_path: Path, name: str,
                                                                command: tuple[str, ...]) -> None:
    root = make_project(tmp_path)
    add_paper(root, "A Paper")
    (root / name).write_text("# settings\n" + ALIASED, encoding="utf-8")
    r = run_cli(root, *command)
    assert r.returncode == 2, (r.stdout, r.stderr)
    # The finding points at the anchored value (line 2), where the alias's target is written.
    assert f"{name}: YAML aliases (*name) are not allowed" in r.stderr and "line 2" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(("name", "command", "text", "expected"), [
    ("paperlist.yaml", ("render",), "site_url: https://ok.example/\nsite: typo\n",
     "paperlist.yaml: unknown key 'site'"),
    ("linkcheck.yaml", ("links", "README.md"), "cache_ttl_hours: 24\nper_host: 0\n", "linkcheck.yaml: per_host"),
])
def test_schema_errors_name_the_key_and_line(tmp_path: Path, name: str, command: tuple[str, ...], text: str,
                                             expected: str) -> None:
    root = make_project(tmp_path)
    (root / name).write_text(text, encoding="utf-8")
    r = run_cli(root, *command)
    assert r.returncode == 2 and expected in r.stderr and "(line 2, column 1)" in r.stderr, r.stderr


def test_empty_config_files_mean_the_defaults(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    add_paper(root, "A Paper")
    (root / "paperlist.yaml").write_text("# nothing set yet\n", encoding="utf-8")
    assert run_cli(root, "render").returncode == 0


def test_allow_list_goes_through_the_same_loader(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    add_paper(root, "A Paper")
    (root / "not-duplicates.yaml").write_text("pairs:\n  - files: !!python/tuple [a.yaml, b.yaml]\n",
                                              encoding="utf-8")
    (f,) = find_duplicates(root, None, check_all=True).findings
    assert (f.file, f.severity, f.line) == ("not-duplicates.yaml", "error", 2) and "tag" in f.message
