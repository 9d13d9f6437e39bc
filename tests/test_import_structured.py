"""Structured import: JSON arrays of objects (papercopilot's keys out of the box), CSV and TSV with a
field map, through the same plan, ledger and recall guard as the hand-written lists.

The papercopilot fixtures are records cut from /work/shared/corpus/papercopilot (facts only: the
citation counts are dropped), chosen for their real quirks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paperlist.checks.validate import validate
from paperlist.project.loader import discover, load_paper
from paperlist.sources.importer import ImportSettings, run_import
from paperlist.sources.importer.formats import reader_for, readers
from paperlist.sources.importer.formats.records import split_authors
from projectkit import REPO, SHARED, make_project, run_cli, tree_digest

STRUCTURED = REPO / "tests" / "fixtures" / "import" / "structured"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def written(root: Path) -> dict[str, dict[str, Any]]:
    paths, _ = discover(root)
    out = {}
    for p in paths:
        data = load_paper(p, root).data
        out[data["title"]] = {**data, "_path": str(p.relative_to(root))}
    return out


def test_registry_one_reader_per_format() -> None:
    assert set(readers()) == {"markdown", "text", "json", "csv", "tsv"}
    assert reader_for(Path("a.json")).name == "json"  # type: ignore[union-attr]
    assert reader_for(Path("a.TSV")).name == "tsv"  # type: ignore[union-attr]
    assert reader_for(Path("a.md")).structured is False  # type: ignore[union-attr]


def test_papercopilot_records_out_of_the_box(project: Path) -> None:
    result = run_import(ImportSettings(project, [STRUCTURED / "papercopilot-cvpr2019.json"], "CVPR", 2019))
    assert result.exit_code() == 0 and result.lost == [] and len(result.added) == 4
    src = result.sources[0]
    assert src.format == "json" and src.records == 4 and src.ids_in == src.ids_out > 4
    assert src.unaccounted == []
    got = written(project)
    dip = got['"Double-DIP": Unsupervised Image Decomposition via Coupled Deep-Image-Priors']  # inner quotes kept
    assert dip["authors"] == ["Yosef Gandelsman", "Assaf Shocher", "Michal Irani"]  # "A;  B;  C"
    assert dip["presentation"] == "oral"
    assert dip["links"]["paper"].endswith("_CVPR_2019_paper.pdf")  # the PDF, not its landing page as well
    assert "/html/" not in json.dumps(got)  # the CVF landing page is the PDF's paper: not a second link
    pose = next(v for k, v in got.items() if k.startswith("3D Human Pose Estimation in Video"))
    assert pose["links"]["other"][0]["title"] == "supplementary"
    aet = next(v for k, v in got.items() if k.startswith("AET vs. AED"))
    assert aet["links"]["code"] == ["https://github.com/maple-research-lab/AET"]
    assert aet["links"]["project"] == "http://maple-lab.net/projects/AET.htm"
    plain = got["3D Appearance Super-Resolution With Deep Learning"]
    assert "project" not in plain["links"] and "code" not in plain["links"]  # "" is unknown, never a value
    assert plain["_path"].startswith("papers/cvpr2019/")
    assert validate(project).errors == 0


def test_quirks_quoted_titles_doi_affiliation_marks_and_session_prefixes(project: Path) -> None:
    run_import(ImportSettings(project, [STRUCTURED / "papercopilot-eccv.json"], "ECCV", 2022))
    run_import(ImportSettings(project, [STRUCTURED / "papercopilot-cvpr2017.json"], "CVPR", 2017))
    res = run_import(ImportSettings(project, [STRUCTURED / "papercopilot-mixed.json"], "ICCV", 2015))
    got = written(project)
    body = got["BodySLAM: Joint Camera Localisation, Mapping, and Human Motion Tracking"]  # '"BodySLAM: …"'
    assert body["doi"] == "10.1007/978-3-031-19842-7_38"  # from the Springer chapter URL
    assert body["links"]["paper"].endswith("136990648.pdf")
    # the source's DOI URL has a stray space before the chapter number: the chapter, not the book
    sliding = got["A Sliding Window Scheme for Online Temporal Action Localization"]
    assert sliding["doi"] == "10.1007/978-3-031-19830-4_37"
    assert got["Fashionformer: A Simple, Effective and Unified Baseline for Human Fashion Segmentation and "
               "Recognition"]["doi"] == "10.1007/978-3-031-19836-6_31"
    env = next(v for k, v in got.items() if k.startswith("Environment-agnostic"))
    assert env["authors"][-1] == "Sujith Ravi"  # "Sujith Ravi[2]"
    krause = next(v for k, v in got.items() if k.startswith("A Hierarchical Approach"))
    assert krause["arxiv"] == "1611.06607" and krause["presentation"] == "spotlight"  # "1611.06607v2"
    books = next(v for k, v in got.items() if k.startswith("Aligning Books and Movies"))
    assert books["presentation"] == "oral"  # "[From Oral 1A] Title": the prefix says so, and goes
    assert books["authors"][:2] == ["Yukun Zhu", "Ryan Kiros"]  # "A, B, C"
    zsl = next(v for k, v in got.items() if k.startswith("A Generative Framework for Zero Shot"))
    assert zsl["links"]["code"] == ["https://github.com/vkkhare/ZSL-ADA"]  # "github.com/…" lost its scheme
    assert zsl["_path"].startswith("papers/iccv2015/")
    assert any(n.reason.startswith("keys not imported") and "aff" in n.reason for n in res.notes)
    assert validate(project).errors == 0


def test_csv_with_a_field_map_and_venue_per_record(project: Path) -> None:
    fields = ("Paper Title=title,Decision=presentation,PDF link=paper,Repository=code,Web page=project,"
              "Preprint=arxiv",)
    result = run_import(ImportSettings(project, [STRUCTURED / "other-keys.csv"], None, None, fields=fields))
    assert result.exit_code() == 0 and result.lost == [], [lo.to_dict() for lo in result.lost]
    got = written(project)
    snake = got["Deep Snake for Real-Time Instance Segmentation"]
    assert snake["_path"].startswith("papers/cvpr2020/") and snake["arxiv"] == "2001.01629"
    assert snake["authors"][:2] == ["Sida Peng", "Wen Jiang"] and snake["authors"][-1] == "Xiaowei Zhou"
    assert snake["presentation"] == "oral" and snake["links"]["code"] == ["https://github.com/zju3dv/snake"]
    seg = got["Segmenter: Transformer for Semantic Segmentation"]
    assert seg["_path"].startswith("papers/iccv2021/") and seg["venue"] == "ICCV" and seg["year"] == 2021
    assert seg["authors"] == ["Robin Strudel", "Ricardo Garcia", "Ivan Laptev", "Cordelia Schmid"]
    assert "presentation" not in seg
    assert validate(project).errors == 0


def test_map_file_and_tsv(project: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("fields:\n  status: ignore\ncategories:\n  Weird Topic: object-detection\n", encoding="utf-8")
    result = run_import(ImportSettings(project, [STRUCTURED / "tabs.tsv"], "CVPR", 2021, mapping=mapping))
    got = written(project)
    assert result.exit_code() == 0 and len(got) == 2
    quoted = got["A Title, in Quotes With a Tab"]
    assert quoted["arxiv"] == "2101.00001" and "presentation" not in quoted  # status: ignore
    assert got["Plain Second Paper About Widgets"]["authors"] == ["Bob Builder", "Carol Coder"]


def test_a_record_without_venue_is_refused_with_its_line(project: Path, tmp_path: Path) -> None:
    src = tmp_path / "two.json"
    src.write_text(json.dumps([{"title": "A Paper With Its Own Venue", "venue": "WACV", "year": 2022},
                               {"title": "A Paper That Names No Venue"}], indent=1), encoding="utf-8")
    result = run_import(ImportSettings(project, [src], None, None))
    got = written(project)
    assert list(got) == ["A Paper With Its Own Venue"] and got["A Paper With Its Own Venue"]["_path"].startswith(
        "papers/wacv2022/")
    refused = [u for u in result.unparsed if "no venue" in u.reason]
    assert [u.line for u in refused] == [7]
    assert result.sources[0].ledger["skipped"] == 3  # the record's lines, skipped with the reason


def test_recall_covers_ids_in_keys_no_field_maps(project: Path, tmp_path: Path) -> None:
    src = tmp_path / "hidden.csv"
    src.write_text("title,preprint\nA Paper Whose Preprint Key Is Not Mapped,https://arxiv.org/abs/2101.00002\n",
                   encoding="utf-8")
    result = run_import(ImportSettings(project, [src], "CVPR", 2021, dry_run=True))
    assert [str(lo.pid) for lo in result.lost] == ["arXiv 2101.00002"] and result.exit_code() == 1
    fixed = run_import(ImportSettings(project, [src], "CVPR", 2021, dry_run=True, fields=("preprint=arxiv",)))
    assert fixed.lost == [] and fixed.exit_code() == 0


def test_record_that_is_not_a_paper_is_refused(project: Path, tmp_path: Path) -> None:
    src = tmp_path / "labels.json"
    src.write_text(json.dumps([{"title": "Oral"}, {"title": ":star::house:"}, {"title": ""},
                               {"title": "A Real Paper About Refusals"}]), encoding="utf-8")
    result = run_import(ImportSettings(project, [src], "CVPR", 2021))
    assert list(written(project)) == ["A Real Paper About Refusals"]
    reasons = sorted(u.reason for u in result.unparsed)
    assert len(reasons) == 3 and sum("not a paper" in r for r in reasons) == 2 and any("no title" in r for r in reasons)


HOSTILE = {
    "malformed.json": ('[\n {"title": "One Good Record Here"},\n {"title": "Broken" "x"}\n]\n', 3, "malformed JSON"),
    "not-object.json": ('[\n {"title": "One Good Record Here"},\n ["a", "list"]\n]\n', 3, "record 2 is a list"),
    "not-array.json": ('{"title": "An Object, Not An Array"}\n', 1, "expected a JSON array"),
    "long-field.json": ('[\n {"title": "One Good Record Here"},\n {"title": "Huge", "abstract": "'
                        + "x" * 1_000_000 + '"}\n]\n', 3, "record 2: field 'abstract' is 1,000,000 characters"),
    "ragged.csv": ("title,author\nOne Good Record Here,Ann\nToo,Many,Fields\n", 3, "record 2 has 3 fields"),
    "long-cell.csv": ("title,abstract\nOne Good Record Here,\"" + "y" * 1_000_000 + "\"\n", 2, "record 1"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_malformed_input_is_a_finding_with_its_record_and_nothing_is_written(project: Path, tmp_path: Path,
                                                                             name: str) -> None:
    text, line, message = HOSTILE[name]
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text('[{"title": "A Good Record In Another File"}]', encoding="utf-8")
    before = tree_digest(project)
    result = run_import(ImportSettings(project, [good, src], "CVPR", 2021))
    assert result.exit_code() == 1 and result.added == []
    assert [(f.line, message in f.reason) for f in result.fatal] == [(line, True)], [f.reason for f in result.fatal]
    assert tree_digest(project) == before  # not even the good file's record
    res = run_cli(project, "import", str(src), "--venue", "CVPR", "--year", "2021", "--format", "json")
    assert res.returncode == 1, res.stderr
    finding = json.loads(res.stdout)["findings"][0]
    assert finding["check"] == "import-input" and finding["line"] == line and "Traceback" not in res.stderr


def test_a_100_mb_file_is_not_read(project: Path, tmp_path: Path) -> None:
    src = tmp_path / "huge.json"
    with src.open("wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, nothing on disk
    res = run_cli(project, "import", str(src), "--venue", "CVPR", "--year", "2021")
    assert res.returncode == 1 and "100 MiB, larger than 64 MiB" in res.stdout and "Traceback" not in res.stderr
    assert list((project / "papers").iterdir()) == []


def test_cli_map_pairs_and_usage_errors(project: Path) -> None:
    csv = str(STRUCTURED / "other-keys.csv")
    res = run_cli(project, "import", csv, "--map", "Paper Title=title", "--map", "Preprint=arxiv", "--dry-run")
    # "PDF link" is mapped by nothing: its CVF ids reach no file, and the recall guard says so
    assert res.returncode == 1, res.stdout + res.stderr
    assert "3 records, 3 entries" in res.stdout and "LOST paper ids (2)" in res.stdout
    assert "keys not imported (no field maps them): PDF link (3), Web page (3)" in res.stdout
    res = run_cli(project, "import", csv, "--map", "Paper Title=title,Preprint=arxiv,PDF link=paper", "--dry-run")
    assert res.returncode == 0, res.stdout + res.stderr
    res = run_cli(project, "import", csv, "--map", "Paper Title=titel", "--dry-run")
    assert res.returncode == 2 and "'titel'" in res.stderr
    res = run_cli(project, "import", str(REPO / "tests/fixtures/import/variants.md"), "--dry-run")
    assert res.returncode == 2 and "--venue and --year" in res.stderr


def test_split_authors() -> None:
    assert split_authors("Bin Yan;  Haojie Zhao;  Dong Wang;") == ["Bin Yan", "Haojie Zhao", "Dong Wang"]
    assert split_authors("Qi Tian1, Kai Han2,3 and Yunhe Wang*") == ["Qi Tian", "Kai Han", "Yunhe Wang"]
    assert split_authors(["  Ann  Lee ", "", "Ann Lee"]) == ["Ann Lee"]
    assert split_authors(";;") == [] and split_authors("") == []


@pytest.mark.skipif(not (SHARED / "corpus" / "papercopilot").is_dir(), reason="../shared/corpus absent")
def test_every_papercopilot_file_dry_run(project: Path) -> None:
    for path in sorted((SHARED / "corpus" / "papercopilot").glob("*.json")):
        venue, year = path.stem[:-4].upper(), int(path.stem[-4:])
        result = run_import(ImportSettings(project, [path], venue, year, dry_run=True))
        src = result.sources[0]
        assert result.lost == [] and result.fatal == [] and src.unaccounted == [], path.name
        assert src.records == len(json.loads(path.read_text(encoding="utf-8")))
