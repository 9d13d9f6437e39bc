"""The paper file's closed values (``paperlist.domain``): read from the packaged schema once, and every
command saying the same thing about them. Before, the year range lived in six places and the
presentation values in five; ``paperlist new`` said "not in the range 1980<=x<=2099", import "out of
range", validate "out of range (at most 2099)" and the issue form "must be four digits"."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from paperlist import domain
from paperlist.checks.validate import validate
from paperlist.cli.new_cmd import new_command
from paperlist.errors import UsageError
from paperlist.github.issueform.form import FormSpec, read_request
from paperlist.infra import identity
from paperlist.project import defaults
from paperlist.project.vocab import Vocabulary
from paperlist.sources.importer import ImportSettings, run_import
from projectkit import REPO, make_project, run_cli

SAID = "year 2100 is out of range (1980-2099)"


def test_the_constants_are_the_schema() -> None:
    assert defaults.packaged("schema/paper.schema.json").resolve() == domain.SCHEMA_PATH
    props = json.loads(domain.SCHEMA_PATH.read_text(encoding="utf-8"))["properties"]
    assert (props["year"]["minimum"], props["year"]["maximum"]) == (domain.YEAR_MIN, domain.YEAR_MAX)
    assert list(domain.PRESENTATIONS) == props["presentation"]["enum"]
    assert list(domain.TRACKS) == props["track"]["enum"] and domain.MAIN_TRACK in domain.TRACKS
    # Every value has its words in both languages, and no word is for a value the schema lacks.
    assert list(domain.PRESENTATION_LABELS) == list(domain.PRESENTATIONS)
    assert all(en and zh for en, zh in domain.PRESENTATION_LABELS.values())
    assert domain.year_problem(domain.YEAR_MIN) is None and domain.year_problem(domain.YEAR_MAX) is None
    assert domain.year_problem(2100) == (SAID, "年份 2100 超出范围（1980-2099）")


def test_a_year_2100_is_refused_in_the_same_words_by_validate_new_import_and_the_issue_form(
        tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    # validate: a paper file
    paper = root / "papers" / "cvpr2100" / "a-paper.yaml"
    paper.parent.mkdir(parents=True)
    paper.write_text("title: A Paper\nvenue: CVPR\nyear: 2100\ntags: [other]\n", encoding="utf-8")
    report = validate(root, [paper])
    assert [(f.line, f.message, f.message_zh) for f in report.findings if f.severity == "error"] == [
        (3, SAID, "年份 2100 超出范围（1980-2099）")]
    paper.unlink()
    # new: the command line (exit 2, usage)
    new = run_cli(root, "new", "--title", "A Paper", "--venue", "CVPR", "--year", "2100", "--tag", "other")
    assert new.returncode == 2 and SAID in new.stderr and "Traceback" not in new.stderr
    # import: the command line, the library, and a structured record that names its own year
    listing = tmp_path / "list.md"
    listing.write_text("- [A Paper](https://arxiv.org/abs/2101.00001)\n", encoding="utf-8")
    imp = run_cli(root, "import", str(listing), "--venue", "CVPR", "--year", "2100")
    assert imp.returncode == 2 and SAID in imp.stderr
    with pytest.raises(UsageError, match=re.escape(SAID)):
        run_import(ImportSettings(root=root, paths=[listing], venue="CVPR", year=2100))
    records = tmp_path / "records.json"
    records.write_text(json.dumps([{"title": "A Paper", "venue": "CVPR", "year": 2100}]), encoding="utf-8")
    result = run_import(ImportSettings(root=root, paths=[records], venue=None, year=None))
    assert [u.reason for u in result.unparsed] == [f"record 1: {SAID}"]
    # the issue form
    spec = FormSpec.load(REPO)
    answers = {"request": "Add a new paper / 添加新论文", "title": "A Paper", "venue": "CVPR", "year": "2100",
               "tags": "other"}
    body = "\n\n".join(f"### {f.label}\n\n{answers.get(f.id) or '_No response_'}" for f in spec.fields)
    req, problems = read_request(body, spec, Vocabulary.load(REPO))
    assert req is None and [(p.field, p.message) for p in problems] == [("year", SAID)]


def test_new_offers_exactly_the_schema_presentations() -> None:
    option = next(p for p in new_command.params if p.name == "presentation")
    assert tuple(option.type.choices) == domain.PRESENTATIONS  # type: ignore[attr-defined]


def test_every_presentation_is_stripped_from_a_title_alike() -> None:
    # The title normaliser knew oral/spotlight/poster but not "highlight": "X (CVPR 2023 Highlight)" was
    # another title than "X" for the duplicate check.
    plain = identity.title_key("Fast Widget Detection")
    for word in (*domain.PRESENTATIONS, *domain.OTHER_TRACKS):
        assert identity.title_key(f"Fast Widget Detection (CVPR 2023 {word.title()})") == plain, word


def test_the_site_gets_the_values_and_their_words_from_its_data(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    paper = root / "papers" / "cvpr2021" / "a-paper.yaml"
    paper.parent.mkdir(parents=True)
    paper.write_text("title: A Paper\nvenue: CVPR\nyear: 2021\npresentation: highlight\ntags: [other]\n",
                     encoding="utf-8")
    out = run_cli(root, "site", "--out", str(tmp_path / "site"))
    assert out.returncode == 0, out.stdout + out.stderr
    site = tmp_path / "site"
    meta = json.loads((site / "data" / "meta.json").read_text(encoding="utf-8"))
    assert meta["presentations"] == [{"id": p, "en": en, "zh": zh}
                                     for p, (en, zh) in domain.PRESENTATION_LABELS.items()]
    facets = json.loads((site / "data" / "facets.json").read_text(encoding="utf-8"))
    assert facets["pres"] == [domain.PRESENTATIONS.index("highlight") + 1]
    scripts = " ".join(p.read_text(encoding="utf-8") for p in site.rglob("*.js"))
    assert "presentations" in scripts  # the page reads them from meta.json
    assert not any(f'"{p}"' in scripts or f"{p}:" in scripts for p in domain.PRESENTATIONS)
