"""Vocabularies: the shipped ones are valid and bilingual; a broken one is a clear usage error."""

from __future__ import annotations

from pathlib import Path

from paperlist.project.vocab import Vocabulary, normalize_label
from projectkit import REPO, add_paper, make_project, run_cli


def test_shipped_vocabularies_are_valid_and_bilingual() -> None:
    vocab = Vocabulary.load(REPO)
    assert "CVPR" in vocab.venues and "other" in vocab.tags
    for term in [*vocab.tags.values(), *vocab.venues.values()]:
        assert term.en.strip() and term.zh.strip(), term.id


def test_aliases_resolve_across_spellings() -> None:
    vocab = Vocabulary.load(REPO)
    for term in vocab.tags.values():
        for label in (term.id, term.en, term.zh, *term.aliases):
            assert vocab.resolve_tag(label) is not None, label
            assert vocab.resolve_tag(f"  {label.upper()} ") is not None, label
    assert normalize_label("Object Tracking(目标跟踪)") == normalize_label("object tracking （目标跟踪）")


def test_alias_claimed_by_two_tags_is_reported(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    tags = root / "vocab" / "tags.yaml"
    tags.write_text(tags.read_text() + "  - {id: extra-tag, en: Extra, zh: 额外, aliases: [Other]}\n")
    result = run_cli(root, "validate")
    assert result.returncode == 2
    assert "'Other'" in result.stderr and "Traceback" not in result.stderr


def test_broken_vocabulary_is_a_usage_error(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    add_paper(root, "A Paper")
    (root / "vocab" / "tags.yaml").write_text("tags:\n  - id: Not An Id\n    en: x\n    zh: y\n")
    result = run_cli(root, "validate")
    assert result.returncode == 2
    assert "vocab/tags.yaml" in result.stderr and "Traceback" not in result.stderr
