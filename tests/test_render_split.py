"""No generated Markdown file ever reaches 500,000 bytes, whatever the list size: a venue-year page that
would pass 400 KB is split by topic groups, a topic larger than a page is cut into chunks, and every
paper and every link survives the split."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.synth import make_entries
from paperlist.output.entries import ListEntry
from paperlist.output.render import HARD_LIMIT, PAGE_BUDGET, VenueYear, build, build_venue_year
from paperlist.project.vocab import Vocabulary
from projectkit import REPO, add_paper, make_project

VOCAB = Vocabulary.load(REPO)
ALL_TAGS = list(VOCAB.tags)
VY = VenueYear("CVPR", 2023, "CVPR")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _titles(text: str) -> list[str]:
    return re.findall(r"^\d+\. \*\*(.+?)\*\*", text, re.M)


def _anchors(text: str) -> set[str]:
    return set(re.findall(r'<a id="([^"]+)"></a>', text))


def _assert_links_resolve(files: dict[str, str]) -> None:
    """Every relative link between pages names a generated file and, with #, an anchor in it."""
    for path, text in files.items():
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http", "../")):
                continue
            name, _, anchor = target.partition("#")
            other = files[f"lists/{name}"] if name else text
            assert not anchor or anchor in _anchors(other), f"{path}: broken link {target}"


def _check_split(entries: list[ListEntry]) -> dict[str, str]:
    files, info = build_venue_year(VY, entries, VOCAB, site_url=None)
    sizes = {p: _size(t) for p, t in files.items()}
    assert max(sizes.values()) <= PAGE_BUDGET < HARD_LIMIT, sizes
    assert info.parts > 1 and len(files) == info.parts + 1
    index = files["lists/cvpr2023.md"]
    assert [f"cvpr2023-{i}.md" for i in range(1, info.parts + 1)] == re.findall(r"### \[[^\]]+\]\(([^)]+)\)", index)
    # Every paper exactly once, each topic numbered 1..n without a gap across its chunks.
    shown = Counter(t for p, text in files.items() if p != "lists/cvpr2023.md" for t in _titles(text))
    assert len(shown) == len(entries) and set(shown.values()) == {1}
    _assert_links_resolve(files)
    return files


def test_twenty_thousand_papers_in_one_venue_year_split_by_topic_groups() -> None:
    entries = make_entries(20_000, tags=ALL_TAGS[:60])
    files = _check_split(entries)
    # Topic groups: a topic small enough for one page is never cut in two.
    parts = {p: t for p, t in files.items() if p != "lists/cvpr2023.md"}
    heads = Counter(h for t in parts.values() for h in re.findall(r"^## (.+?) \(", t, re.M) if h != "目录 · Contents")
    whole = {h for t in parts.values() for h in re.findall(r"^## (.+?) \([\d,]+\)$", t, re.M)}
    assert whole and all(heads[h] == 1 for h in whole)
    assert len(parts) < 60, "topics are packed together, not one file each"


def test_one_topic_larger_than_a_page_is_cut_into_chunks() -> None:
    entries = make_entries(20_000, tags=["object-detection"])
    files = _check_split(entries)
    chunks = [h for t in files.values() for h in re.findall(r"^## 目标检测 · Object Detection \(([^)]+)\)$", t, re.M)]
    assert len(chunks) > 1 and chunks[0].startswith("1–") and chunks[-1].endswith(f"/ {19_200:,}")


def test_hostile_giant_entries_cannot_blow_a_page() -> None:
    # Files that ignore the schema's limits (64 KiB of '&', each escaped to 5 bytes) still render bounded.
    base = make_entries(50, tags=["other"])
    giants = [ListEntry(**{**e.__dict__, "title": "&" * 60_000 + str(i), "authors": ("@" * 30_000,) * 6})
              for i, e in enumerate(base)]
    files, _ = build_venue_year(VY, giants, VOCAB, site_url=None)
    assert max(_size(t) for t in files.values()) <= PAGE_BUDGET
    shown = [t for text in files.values() for t in _titles(text)]
    assert len(shown) == 50 and all(t.endswith("&amp;…") for t in shown)
    assert sum(text.count("[YAML](../papers/cvpr2023/") for text in files.values()) == 50


def test_the_readme_overview_does_not_grow_with_the_list() -> None:
    venues = tuple((v, y) for v in ("CVPR", "ICCV", "ECCV") for y in range(2014, 2024))
    small = build(make_entries(3_000, venues=venues, tags=ALL_TAGS), VOCAB)
    big = build(make_entries(30_000, venues=venues, tags=ALL_TAGS), VOCAB)
    assert _size(big.readme_block) < _size(small.readme_block) + 2_000 < 60_000
    assert max(_size(t) for t in big.pages.values()) <= PAGE_BUDGET
    _assert_links_resolve(big.pages)


@pytest.mark.parametrize("budget", [2_600])
def test_parts_that_should_no_longer_exist_are_removed(tmp_path: Path, budget: int) -> None:
    from paperlist.output.render import render_all

    root = make_project(tmp_path)
    paths = [add_paper(root, f"Paper Number {i} About Detection", year=2023, tags=("object-detection",),
                       authors=[f"Author {i}", "Second Author", "Third Author"]) for i in range(30)]
    report = render_all(root, budget=budget)
    parts = sorted(p.name for p in (root / "lists").iterdir() if p.suffix == ".md")  # not trends.svg
    assert len(parts) >= 3 and parts[0] == "cvpr2023-1.md" and parts[-1] == "cvpr2023.md", parts
    assert render_all(root, check=True, budget=budget).exit_code == 0
    for p in paths[3:]:
        p.unlink()
    stale = render_all(root, check=True, budget=budget)
    assert stale.exit_code == 1
    assert {f.file for f in stale.findings} == {"README.md", "lists/trends.svg", *(f"lists/{p}" for p in parts)}
    report = render_all(root, budget=budget)
    assert report.exit_code == 0
    assert sorted(p.name for p in (root / "lists").iterdir()) == ["cvpr2023.md", "trends.svg"]
    assert "Paper Number 0 About Detection" in (root / "lists" / "cvpr2023.md").read_text()


@pytest.mark.parametrize("budget", [4_000, 7_000, 15_000, 60_000])
def test_no_part_ever_passes_the_budget(budget: int) -> None:
    # Small budgets make every branch of the packing run: whole topics, chunks, workshop sections.
    entries = make_entries(600, tags=ALL_TAGS[:12], seed=budget)
    files, info = build_venue_year(VY, entries, VOCAB, site_url=None, budget=budget)
    parts = {p: t for p, t in files.items() if p != "lists/cvpr2023.md"}
    assert info.parts == len(parts) > 1
    assert max(_size(t) for t in parts.values()) <= budget
    assert sum(len(_titles(t)) for t in parts.values()) == 600
    _assert_links_resolve(files)
