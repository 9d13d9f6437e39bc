"""One first-tag rule: the README's sections and the site's order group a paper whose first tag the
vocabulary does not know the same way (untagged), not one by the tag and one by "untagged"."""

from __future__ import annotations

from paperlist.output.entries import entry_from
from paperlist.output.render import BILINGUAL, VenueYear, _sections
from paperlist.output.site.data import SitePaper, order
from paperlist.project.vocab import Term, Vocabulary


def _vocab() -> Vocabulary:
    return Vocabulary(tags={"detection": Term("detection", "Object detection", "目标检测"),
                            "segmentation": Term("segmentation", "Segmentation", "分割")},
                      venues={"CVPR": Term("CVPR", "CVPR", "CVPR")})


def _entry(rel: str, title: str, tags: list[str]):  # type: ignore[no-untyped-def]
    e = entry_from(rel, {"title": title, "venue": "CVPR", "year": 2021, "tags": tags})
    assert e is not None
    return e


def test_a_paper_whose_first_tag_is_unknown_is_untagged_in_the_readme_and_on_the_site() -> None:
    vocab = _vocab()
    known = _entry("papers/cvpr2021/b.yaml", "B detector", ["detection"])
    seg = _entry("papers/cvpr2021/c.yaml", "C segmenter", ["segmentation"])
    stray = _entry("papers/cvpr2021/a.yaml", "A stray", ["not-in-vocab", "detection"])
    assert stray.primary_tag(vocab.tags) == "" and known.primary_tag(vocab.tags) == "detection"

    sections = _sections(VenueYear("CVPR", 2021, "CVPR"), [known, seg, stray], vocab, BILINGUAL)
    readme_order = [title for s in sections for text in s.entries
                    for title in ("A stray", "B detector", "C segmenter") if title in text]
    assert sections[-1].anchor.endswith("untagged") and "A stray" in "".join(sections[-1].entries)
    site_order = [p.entry.title for p in order([SitePaper(e) for e in (stray, seg, known)], vocab)]
    # Both put the stray paper last, with the untagged ones, not first under its unknown tag.
    assert readme_order == site_order == ["B detector", "C segmenter", "A stray"]
