"""Citations out (``paperlist export``, output/export.py): BibTeX read back by a real parser
(bibtexparser), CSL-JSON checked against a schema, hostile titles that cannot break either,
and the site's filters as options."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
from bibtexparser import middlewares

from paperlist.output import export
from paperlist.output.export import Citable
from projectkit import make_project, run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CSL_SCHEMA = json.loads((FIXTURES / "schemas/csl-data-subset.schema.json").read_text(encoding="utf-8"))
HOSTILE = r"Breaking } out \ of @comment{ BibTeX } with 100% & $5 x_1 #2 ~ ^ <b>|"

PAPERS = {
    "papers/cvpr2021/fast-object-detection.yaml": """\
title: Fast Object Detection with Sparse Queries
title_zh: 基于稀疏查询的快速目标检测
authors: [Kaiming He, Ross Girshick]
venue: CVPR
year: 2021
presentation: oral
arxiv: "2103.01234"
doi: "10.1109/CVPR46437.2021.00123"
links:
  code: ["https://github.com/example/fast-det"]
tags: [object-detection]
""",
    "papers/cvpr2021/depth-from-a-single-image.yaml": """\
title: Depth from a Single Image
authors: [José Álvarez, 何恺明]
venue: CVPR
year: 2021
track: workshop
links:
  paper: "https://openaccess.thecvf.com/depth.pdf"
tags: [depth-estimation]
""",
    "papers/iccv2021/breaking-out.yaml": f"title: {json.dumps(HOSTILE)}\n"
                                         "authors: [\"Tom and Jerry\", \"Zoë {Brace} \\\\\"]\n"
                                         "venue: ICCV\nyear: 2021\ntags: [object-detection]\n",
    "papers/cvpr2020/video-object-detection-memory.yaml": """\
title: Video Object Detection with Memory
title_zh: 基于记忆的视频目标检测
authors: [Jane Müller]
venue: CVPR
year: 2020
tags: [video-object-detection]
""",
}


def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "p")
    for rel, text in PAPERS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def parse_bib(text: str) -> bibtexparser.Library:
    lib = bibtexparser.parse_string(text)
    assert lib.failed_blocks == [], [b.error for b in lib.failed_blocks]
    return lib


def paper(title: str, **kw: object) -> Citable:
    base: dict[str, object] = dict(key="cvpr2021/x", title=title, authors=("Ann Lee",), venue="CVPR",
                                   venue_name="IEEE/CVF Conference on Computer Vision and Pattern Recognition",
                                   year=2021, workshop=False, arxiv=None, doi=None, url=None)
    base.update(kw)
    return Citable(**base)  # type: ignore[arg-type]


# -- BibTeX ----------------------------------------------------------------------------------------
def test_bibtex_of_a_filtered_set_parses_back(tmp_path: Path) -> None:
    root = project(tmp_path)
    done = run_cli(root, "export", "--venue", "CVPR", "--year", "2021")
    assert done.returncode == 0, done.stderr
    assert "exported 2 of 4 papers" in done.stderr
    lib = parse_bib(done.stdout)
    assert [e.key for e in lib.entries] == ["cvpr2021/fast-object-detection", "cvpr2021/depth-from-a-single-image"]
    fast, depth = lib.entries
    assert fast.entry_type == "inproceedings"
    assert fast["title"] == "Fast Object Detection with Sparse Queries"
    assert fast["author"] == "Kaiming He and Ross Girshick"
    assert fast["booktitle"] == "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert fast["year"] == "2021" and fast["eprint"] == "2103.01234" and fast["archiveprefix"] == "arXiv"
    assert fast["doi"] == "10.1109/CVPR46437.2021.00123"
    assert fast["url"] == "https://arxiv.org/abs/2103.01234"
    assert depth["booktitle"].endswith("(CVPR) Workshops")
    assert depth["url"] == "https://openaccess.thecvf.com/depth.pdf"
    # Accented and Chinese names stay UTF-8 and come back as separate authors.
    split = bibtexparser.parse_string(done.stdout, append_middleware=[middlewares.SeparateCoAuthors()])
    assert split.entries[1]["author"] == ["José Álvarez", "何恺明"]


def test_hostile_title_and_names_stay_inside_their_fields(tmp_path: Path) -> None:
    root = project(tmp_path)
    done = run_cli(root, "export", "--venue", "ICCV")
    assert done.returncode == 0, done.stderr
    lib = parse_bib(done.stdout)
    assert len(lib.entries) == 1 and lib.comments == [] and lib.strings == []
    (entry,) = lib.entries
    assert entry.key == "iccv2021/breaking-out"
    assert set(entry.fields_dict) == {"author", "title", "booktitle", "year"}
    assert entry["title"] == export.bib_text(HOSTILE)
    assert entry["title"].count("{") == entry["title"].count("}")  # only our own, balanced
    # "Tom and Jerry" is one author (braced), not two.
    split = bibtexparser.parse_string(done.stdout, append_middleware=[middlewares.SeparateCoAuthors()])
    assert len(split.entries[0]["author"]) == 2


def test_escapes_decode_back_to_the_text() -> None:
    # What LaTeX would print is what the paper says (pylatexenc, bibtexparser's own decoder).
    title = r"100% of $5 & x_1 #2 back\slash Müller 目标检测"
    lib = bibtexparser.parse_string(export.bibtex([paper(title)]),
                                    append_middleware=[middlewares.LatexDecodingMiddleware()])
    assert lib.entries[0]["title"] == title


@pytest.mark.parametrize("title", ["}", "{", "\\", "@comment{", "}\n@misc{evil, title={x}", "a}}}}", "%", "\\}",
                                   "x\u0000y\u001b[31m\u202e", "@string{a = b}"])
def test_no_title_breaks_the_file(title: str) -> None:
    papers = [paper(title, key="cvpr2021/a"), paper("Next", key="cvpr2021/b")]
    lib = parse_bib(export.bibtex(papers))
    assert [e.key for e in lib.entries] == ["cvpr2021/a", "cvpr2021/b"]
    assert lib.entries[1]["title"] == "Next"
    assert lib.strings == [] and lib.comments == []
    assert "\u001b" not in lib.entries[0]["title"] and "\u202e" not in lib.entries[0]["title"]


def test_keys_are_unique_and_safe() -> None:
    papers = [paper("A", key="cvpr2021/x"), paper("B", key="cvpr2021/x"), paper("C", key="cvpr2021/x-2"),
              paper("D", key="eccv2020/über,{key}")]
    keys = [e.key for e in parse_bib(export.bibtex(papers)).entries]
    assert keys == ["cvpr2021/x", "cvpr2021/x-2", "cvpr2021/x-2-2", "eccv2020/uber--key-"]
    assert len(set(keys)) == len(keys)


def test_verbatim_fields_cannot_close_the_field() -> None:
    bib = export.bibtex([paper("T", doi="10.1000/a}b{c", url="https://e.org/x}y\\z?q=%20")])
    (entry,) = parse_bib(bib).entries
    assert entry["doi"] == "10.1000/a%7Db%7Bc" and entry["url"] == "https://e.org/x%7Dy%5Cz?q=%20"


# -- CSL-JSON --------------------------------------------------------------------------------------
def test_csl_json_matches_the_schema_and_the_papers(tmp_path: Path) -> None:
    root = project(tmp_path)
    done = run_cli(root, "export", "--format", "csl-json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    jsonschema.validate(items, CSL_SCHEMA)
    by_id = {i["id"]: i for i in items}
    assert len(by_id) == 4
    fast = by_id["cvpr2021/fast-object-detection"]
    assert fast["type"] == "paper-conference" and fast["issued"] == {"date-parts": [[2021]]}
    assert fast["author"] == [{"family": "He", "given": "Kaiming"}, {"family": "Girshick", "given": "Ross"}]
    assert fast["DOI"] == "10.1109/CVPR46437.2021.00123"
    assert fast["archive"] == "arXiv" and fast["archive_location"] == "2103.01234"
    assert by_id["cvpr2021/depth-from-a-single-image"]["author"][1] == {"literal": "何恺明"}
    hostile = by_id["iccv2021/breaking-out"]
    assert hostile["title"] == HOSTILE  # JSON needs no escaping beyond its own
    assert hostile["author"][0] == {"literal": "Tom and Jerry"}


def test_the_schema_check_can_fail() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "conference-paper", "title": "T"}], CSL_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "article", "title": "T", "author": [{"name": "A"}]}], CSL_SCHEMA)


# -- the site's filters as options ----------------------------------------------------------------
@pytest.mark.parametrize(("args", "keys"), [
    (["--tag", "object-detection", "--code"], ["cvpr2021/fast-object-detection"]),
    (["--tag", "object-detection"], ["cvpr2021/fast-object-detection", "iccv2021/breaking-out"]),
    (["--author", "muller"], ["cvpr2020/video-object-detection-memory"]),
    (["--author", "Kaiming He", "--author", "Ross Girshick"], ["cvpr2021/fast-object-detection"]),
    # The topic 目标检测 (and its sub-topic 视频目标检测) and Chinese titles holding it, as on the site.
    (["--query", "目标检测"], ["cvpr2021/fast-object-detection", "iccv2021/breaking-out",
                           "cvpr2020/video-object-detection-memory"]),
    (["--query", "稀疏查询"], ["cvpr2021/fast-object-detection"]),
    (["--query", "detection", "--year", "2020"], ["cvpr2020/video-object-detection-memory"]),
    (["--query", "2103.01234"], ["cvpr2021/fast-object-detection"]),
    (["--presentation", "oral"], ["cvpr2021/fast-object-detection"]),
    (["--query", "nothing-like-this"], []),
])
def test_filters_choose_what_the_site_would(tmp_path: Path, args: list[str], keys: list[str]) -> None:
    root = project(tmp_path)
    done = run_cli(root, "export", *args)
    assert done.returncode == 0, done.stderr
    assert [e.key for e in parse_bib(done.stdout).entries] == keys


def test_unknown_values_are_usage_errors_and_out_writes_a_file(tmp_path: Path) -> None:
    root = project(tmp_path)
    bad = run_cli(root, "export", "--tag", "no-such-topic")
    assert bad.returncode == 2 and "--tag no-such-topic" in bad.stderr and "Traceback" not in bad.stderr
    assert bad.stdout == ""
    out = tmp_path / "cvpr.bib"
    done = run_cli(root, "export", "--venue", "CVPR", "-o", str(out))
    assert done.returncode == 0 and done.stdout == ""
    assert len(parse_bib(out.read_text(encoding="utf-8")).entries) == 3


def test_a_broken_file_is_a_warning_and_an_edit_is_seen(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "papers/cvpr2021/broken.yaml").write_text("title: [\n", encoding="utf-8")
    first = run_cli(root, "export", "--venue", "CVPR", "--year", "2021")
    assert first.returncode == 0
    assert "papers/cvpr2021/broken.yaml: warning [export] not exported" in first.stderr
    assert len(parse_bib(first.stdout).entries) == 2
    # The second run reads from the index by content: a changed file is read again.
    path = root / "papers/cvpr2021/depth-from-a-single-image.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Depth from", "Depth, Now from"), encoding="utf-8")
    again = run_cli(root, "export", "--venue", "CVPR", "--year", "2021")
    assert "Depth, Now from a Single Image" in again.stdout and "title = {Depth from" not in again.stdout
