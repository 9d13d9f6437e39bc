"""The real starting lists: every arXiv id lands in exactly one paper, twice changes nothing.

Run on excerpts committed under tests/fixtures/reallists/ (so CI runs them: no ../shared there),
and on the whole lists in ../shared when it is present."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from paperlist.checks.validate import validate
from paperlist.project.loader import discover, load_paper
from paperlist.sources.importer import ImportResult, import_list
from projectkit import make_project, tree_digest

SHARED = Path(__file__).parents[2] / "shared"
REPO = Path(__file__).resolve().parents[1]
EXCERPTS = REPO / "tests" / "fixtures" / "reallists"
# The order tools/import_seeds.sh uses: the fuller corpus list of a year before its seed.
FULL = [
    (SHARED / "corpus/extreme-assistant-CVPR2020.md", 2020),
    (SHARED / "seeds/000_9d525f71f184ff30.txt", 2020),
    (SHARED / "corpus/extreme-assistant-CVPR2021.md", 2021),
    (SHARED / "seeds/003_eac66e7452db5f4e.txt", 2021),
]
# The same four lists cut to a few categories each, facts only (see the folder's README).
EXCERPT = [
    (EXCERPTS / "extreme-assistant-CVPR2020.md", 2020),
    (EXCERPTS / "seed-CVPR2020.txt", 2020),
    (EXCERPTS / "extreme-assistant-CVPR2021.md", 2021),
    (EXCERPTS / "seed-CVPR2021-article.txt", 2021),
]
INPUTS = FULL if (SHARED / "seeds").is_dir() else EXCERPT
Inputs = list[tuple[Path, int]]


def input_ids(inputs: Inputs = INPUTS) -> set[str]:
    ids: set[str] = set()
    for path, _ in inputs:
        text = path.read_text(encoding="utf-8")
        ids |= set(re.findall(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", text))
    return ids


def arxiv_counts(root: Path) -> tuple[Counter[str], int]:
    paths, _ = discover(root)
    counts: Counter[str] = Counter()
    for p in paths:
        data = load_paper(p, root).data
        if data.get("arxiv"):
            counts[data["arxiv"]] += 1
    return counts, len(paths)


def import_all(root: Path, inputs: Inputs) -> list[ImportResult]:
    return [import_list(root, path, "CVPR", year) for path, year in inputs]


@pytest.fixture(scope="module", params=["excerpt", "full"])
def inputs(request: pytest.FixtureRequest) -> Inputs:
    if request.param == "full" and not (SHARED / "seeds").is_dir():
        pytest.skip("../shared (the whole seed and corpus lists) absent; the excerpts ran")
    return EXCERPT if request.param == "excerpt" else FULL


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, inputs: Inputs) -> tuple[Path, list[ImportResult]]:
    root = make_project(tmp_path_factory.mktemp("seeds") / "proj")
    return root, import_all(root, inputs)


def test_every_arxiv_id_in_exactly_one_paper(imported: tuple[Path, list[ImportResult]], inputs: Inputs) -> None:
    root, _ = imported
    counts, n = arxiv_counts(root)
    wanted = input_ids(inputs)
    assert len(wanted) > (900 if inputs is FULL else 30)
    assert wanted - set(counts) == set()
    assert [a for a, c in counts.items() if c > 1] == []
    assert n > len(wanted) if inputs is FULL else n == len(wanted)  # the whole lists have entries without arXiv


def test_known_duplicates_are_one_file(imported: tuple[Path, list[ImportResult]]) -> None:
    root, _ = imported
    folder = root / "papers" / "cvpr2020"
    assert len(list(folder.glob("zooming-slow-mo-*.yaml"))) == 1
    assert len(list(folder.glob("towards-universal-representation-learning-for-deep-face*.yaml"))) == 1
    ghost = load_paper(folder / "ghostnet-more-features-from-cheap-operations.yaml", root).data
    assert ghost["authors"] == ["Kai Han", "Yunhe Wang", "Qi Tian"]
    assert len(ghost["links"]["readings"]) == 2  # the seed's inline reading and its reading section


def test_only_reading_only_ids_get_a_placeholder_title(imported: tuple[Path, list[ImportResult]]) -> None:
    root, results = imported
    placeholders = sorted(p.name for p in (root / "papers").rglob("arxiv-*.yaml"))
    assert placeholders == ["arxiv-2002-10322.yaml"]  # named only by a reading, in both 2020 lists (docs/import.md)
    adco = next((root / "papers" / "cvpr2021").glob("adco-*.yaml"))
    data = load_paper(adco, root).data
    assert data["arxiv"] == "2011.08435" and data["links"]["readings"][0]["title"] == "AdCo基于对抗的对比学习"
    assert all(r.unparsed == [] for r in results[:3])  # the 2021 article's lone list link is the only one


def test_result_validates(imported: tuple[Path, list[ImportResult]]) -> None:
    root, results = imported
    report = validate(root)
    assert report.errors == 0, [f.to_dict() for f in report.findings[:5]]
    # the 2021 list's "分类目录：" heading and the 2020 list's level-1 section are no topics
    allowed = {"分类目录：", "CVPR2020接收论文（持续更新）"}
    assert all(u.label in allowed for r in results for u in r.unmapped)


def test_importing_again_changes_nothing(imported: tuple[Path, list[ImportResult]], inputs: Inputs) -> None:
    root, _ = imported
    before = tree_digest(root)
    again = import_all(root, inputs)
    assert [len(r.added) for r in again] == [0, 0, 0, 0]
    assert [len(r.merged) for r in again] == [0, 0, 0, 0]
    assert tree_digest(root) == before


def test_committed_papers_hold_every_arxiv_id() -> None:
    counts, n = arxiv_counts(REPO)
    if n == 0:
        pytest.skip("papers/ not generated in this checkout")
    assert input_ids(FULL if (SHARED / "seeds").is_dir() else EXCERPT) - set(counts) == set()
    assert [a for a, c in counts.items() if c > 1] == []
