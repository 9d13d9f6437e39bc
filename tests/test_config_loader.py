"""Configuration files (vocab/*.yaml, paperlist.yaml, linkcheck.yaml, not-duplicates.yaml) are loaded by
the config loader: the same safe YAML as paper files, with limits and words of their own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from paperlist.project.configfile import CONFIG_RULES, MAX_CONFIG_BYTES, MAX_CONFIG_NODES, load_config_file
from paperlist.project.loader import MAX_BYTES, load_paper
from paperlist.project.vocab import Vocabulary
from projectkit import add_paper, make_project, run_cli

TOPICS = 2250


def big_vocabulary(n: int = TOPICS) -> str:
    lines = ["# A list with a rich vocabulary: one topic per line of its field's taxonomy.", "tags:"]
    lines += [f"  - {{id: t{i:04d}, en: Topic {i:04d}}}" for i in range(n)]
    lines += ["  - {id: other, en: Other, zh: 其他}"]
    return "\n".join(lines) + "\n"


def test_a_72_kb_vocabulary_of_thousands_of_topics_loads(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    text = big_vocabulary()
    assert 70_000 < len(text.encode("utf-8")) < 80_000 and len(text.encode("utf-8")) > MAX_BYTES
    (root / "vocab" / "tags.yaml").write_text(text, encoding="utf-8")
    vocab = Vocabulary.load(root)
    assert len(vocab.tags) == TOPICS + 1 and vocab.resolve_tag("Topic 2249") == "t2249"
    add_paper(root, "A Paper on the Last Topic", tags=("t2249",))
    r = run_cli(root, "validate")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "paper file may be at most" not in r.stdout + r.stderr


def test_a_config_file_past_its_own_limit_is_refused_in_config_words(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    path = root / "vocab" / "tags.yaml"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(big_vocabulary(10))
        fh.write("#" + "x" * MAX_CONFIG_BYTES + "\n")
    r = run_cli(root, "validate")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"a configuration file may be at most {MAX_CONFIG_BYTES:,} bytes" in r.stderr
    assert "paper file" not in r.stderr


def test_a_symlinked_vocabulary_is_refused_in_config_words(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text(big_vocabulary(5), encoding="utf-8")
    (root / "vocab" / "tags.yaml").unlink()
    (root / "vocab" / "tags.yaml").symlink_to(elsewhere)
    add_paper(root, "A Paper", tags=("t0001",))
    r = run_cli(root, "validate")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "vocab/tags.yaml: this file is a symbolic link; configuration files" in r.stderr, r.stderr
    assert "papers/" not in r.stderr.split("vocab/tags.yaml:", 1)[1].split("(", 1)[0]  # not "under papers/"


def test_a_vocabulary_folder_that_is_a_symlink_is_refused_too(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    outside = tmp_path / "outside-vocab"
    (root / "vocab").rename(outside)
    (root / "vocab").symlink_to(outside)  # O_NOFOLLOW alone would read vocab/tags.yaml through it
    pf = load_config_file(root / "vocab" / "tags.yaml", root)
    [f] = pf.findings
    assert f.message.startswith("the folder vocab/ is a symbolic link; configuration files") and pf.data is None
    assert "目录 vocab/" in (f.message_zh or "")


def test_the_config_loader_is_still_safe_yaml_with_lines(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    path = root / "vocab" / "tags.yaml"
    path.write_text("tags:\n  - id: a\n    en: A\n    en: B\n", encoding="utf-8")
    [f] = load_config_file(path, root).findings
    assert (f.line, f.message) == (4, "duplicate key 'en' (first defined on line 3)")
    path.write_text("tags: !!python/object:os.system [echo]\n", encoding="utf-8")
    [f] = load_config_file(path, root).findings
    assert f.line == 1 and "configuration files hold plain strings" in f.message
    path.write_text("tags:\n  - &t {id: a, en: A}\n  - *t\n", encoding="utf-8")
    [f] = load_config_file(path, root).findings
    assert f.line == 2 and "not allowed in configuration files" in f.message


def test_tiny_values_are_bounded_by_nodes_not_only_bytes(tmp_path: Path) -> None:
    path = tmp_path / "linkcheck.yaml"
    path.write_text("exclude: [" + "1," * (MAX_CONFIG_NODES + 1) + "]\n", encoding="utf-8")
    assert path.stat().st_size < MAX_CONFIG_BYTES
    [f] = load_config_file(path, tmp_path).findings
    assert f.message.startswith(f"more than {MAX_CONFIG_NODES:,} YAML nodes; a configuration file")


def test_paper_files_keep_their_own_limit_and_words(tmp_path: Path) -> None:
    path = tmp_path / "papers" / "cvpr2021" / "big.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("title: x\n#" + "x" * MAX_BYTES + "\n", encoding="utf-8")
    [f] = load_paper(path, tmp_path).findings
    assert f"a paper file may be at most {MAX_BYTES:,} bytes" in f.message
    link = tmp_path / "papers" / "cvpr2021" / "link.yaml"
    os.symlink(path, link)
    [f] = load_paper(link, tmp_path).findings
    assert f.message == "symbolic links are not allowed under papers/; commit a regular file"
    assert CONFIG_RULES.max_bytes > MAX_BYTES * 60


def test_a_topics_file_under_papers_is_a_settings_finding(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "paperlist.yaml").write_text("topics: papers/topics.yaml\n", encoding="utf-8")
    r = run_cli(root, "validate")
    assert r.returncode != 0
    assert "paperlist.yaml:1:1" in r.stdout + r.stderr and "keep the vocabulary in vocab/" in r.stdout + r.stderr


@pytest.mark.parametrize("name", ["paperlist.yaml", "linkcheck.yaml", "not-duplicates.yaml"])
def test_every_config_file_gets_the_config_symlink_words(tmp_path: Path, name: str) -> None:
    root = make_project(tmp_path)
    target = tmp_path / "target.yaml"
    target.write_text("{}\n", encoding="utf-8")
    (root / name).symlink_to(target)
    [f] = load_config_file(root / name, root).findings
    assert f.message.startswith("this file is a symbolic link; configuration files")


def test_schema_errors_of_a_config_file_are_bounded(tmp_path: Path) -> None:
    from paperlist.project.configfile import MAX_SCHEMA_FINDINGS, read_config

    root = make_project(tmp_path)
    (root / "linkcheck.yaml").write_text("exclude: [" + "1, " * 2000 + "1]\n", encoding="utf-8")
    data, findings = read_config(root, "linkcheck.yaml", "linkcheck.schema.json")
    assert data is None and len(findings) == MAX_SCHEMA_FINDINGS + 1
    assert findings[0].line == 1 and "exclude/0" in findings[0].message
    assert findings[-1].message.startswith(f"more errors after these {MAX_SCHEMA_FINDINGS}")


def test_a_duplicate_topic_id_names_its_line(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "vocab" / "tags.yaml").write_text(
        "tags:\n  - {id: a, en: A}\n  - {id: b, en: B}\n  - {id: a, en: C}\n", encoding="utf-8")
    r = run_cli(root, "validate")
    assert r.returncode == 2 and "duplicate id 'a' (line 4, column 6; first as tags item 1)" in r.stderr, r.stderr
