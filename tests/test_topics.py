"""Topic suggestions learnt from the list's own tagged papers (docs/topics.md).

The fixture (``tests/fixtures/topics/papers/``) is 325 real paper files copied from ``papers/``: up to
30 papers of each of twelve topics (their tags as the list has them, secondary tags included) and 30
untagged ("other") papers.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from paperlist.checks.validate import validate
from paperlist.project.loader import load_paper
from paperlist.sources.importer import ImportSettings, run_import
from paperlist.sources.topics.model import MODEL_FILE, TopicModel
from paperlist.sources.topics.run import TagsSettings, examples_of, model_text, run_tags
from paperlist.sources.topics.train import HELD_OUT, TrainParams, train
from projectkit import make_project, run_cli, tree_digest

FIX = Path(__file__).parent / "fixtures" / "topics" / "papers"


def project(tmp: Path, model: dict[str, object] | None = None) -> Path:
    root = make_project(tmp)
    shutil.rmtree(root / "papers")
    shutil.copytree(FIX, root / "papers")
    if model is not None:
        (root / MODEL_FILE).write_text(model_text(model), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = project(tmp_path_factory.mktemp("train") / "proj")
    result = run_tags(TagsSettings(root, train=True))
    return json.loads((root / MODEL_FILE).read_text(encoding="utf-8")) | {"_seconds": result.trained_seconds}


def test_training_reports_held_out_precision_and_coverage(tmp_path: Path, trained: dict[str, object]) -> None:
    root = project(tmp_path / "p")
    from paperlist.project.vocab import Vocabulary
    examples, _ = examples_of(root, Vocabulary.load(root))
    assert len(examples) == 295  # every tagged fixture paper, none of the 30 "other" ones
    held = [e for e in examples
            if int.from_bytes(hashlib.sha256(f"held-out:{e.rel}".encode()).digest()[:8], "big") % HELD_OUT == 0]
    report = trained["held_out"]
    assert isinstance(report, dict)
    assert report["papers"] == len(held) > 20
    # Recount the held-out figures from the model the procedure learnt without those papers.
    from paperlist.sources.topics.train import procedure
    rest = [e for e in examples if e not in held]
    model = TopicModel(procedure(rest, TrainParams()))
    applied = [(e, s) for e in held for s in model.confident(e.title, e.title_zh)]
    assert report["suggestions"] == len(applied) > 0
    assert report["correct"] == sum(s.tag in e.tags for e, s in applied)
    assert report["precision"] == round(report["correct"] / report["suggestions"], 4)
    assert report["coverage"] == round(len({e.rel for e, _ in applied}) / len(held), 4)
    assert report["precision"] >= 0.9  # on these distinct topics the bar holds on unseen papers


def test_a_topic_is_applied_only_above_its_bar(trained: dict[str, object]) -> None:
    model = TopicModel(trained)
    barred = [t for t, b in zip(model.tags, model.thresholds, strict=True) if b is not None]
    assert barred and len(barred) < len(model.tags)  # some topics never reach the precision: shown only
    titles = [("Weakly Supervised Semantic Segmentation with Boundary Exploration", None),
              ("Scene Text Recognition with Permuted Autoregressive Sequence Models", None),
              ("Generating Diverse Images with Diffusion Models", None)]
    for title, zh in titles:
        for s in model.suggest(title, zh):
            assert s.confident == (s.threshold is not None and s.score >= s.threshold)
        assert [s.tag for s in model.confident(title, zh)] == [s.tag for s in model.suggest(title, zh)
                                                                if s.confident][:3]
    # Moving the bars moves what is applied, and nothing else.
    none = TopicModel({**trained, "thresholds": [None] * len(model.tags)})
    assert all(not none.confident(t, z) for t, z in titles)
    low = TopicModel({**trained, "thresholds": [-100.0] * len(model.tags)})
    assert all(len(low.confident(t, z)) == 3 for t, z in titles)
    assert [s.tag for s in low.confident(*titles[0])] == [s.tag for s in model.suggest(*titles[0])][:3]


def test_the_same_papers_give_the_same_model_and_topics(tmp_path: Path, trained: dict[str, object]) -> None:
    root = project(tmp_path / "again")
    run_tags(TagsSettings(root, train=True))
    assert (root / MODEL_FILE).read_text(encoding="utf-8") == model_text(
        {k: v for k, v in trained.items() if k != "_seconds"})
    a, b = project(tmp_path / "a", trained), project(tmp_path / "b", trained)
    run_tags(TagsSettings(a, apply=True))
    run_tags(TagsSettings(b, apply=True))
    assert tree_digest(a / "papers") == tree_digest(b / "papers")


def test_apply_tags_only_untagged_papers_and_marks_them(tmp_path: Path, trained: dict[str, object]) -> None:
    model = {k: v for k, v in trained.items() if k != "_seconds"}
    root = project(tmp_path / "p", model)
    before = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in (root / "papers").rglob("*.yaml")}
    out = run_cli(root, "tags", "--suggest", "--apply")
    assert out.returncode == 0, out.stderr
    changed = []
    for rel, text in before.items():
        after = (root / rel).read_text(encoding="utf-8")
        if after == text:
            continue
        changed.append(rel)
        data = load_paper(root / rel, root).data
        assert "tags:\n  - other\n" in text  # only untagged papers change
        assert data["tags"] == data["suggested_tags"] and data["tags"] and "other" not in data["tags"]
        # the rest of the file is as it was, byte for byte
        assert after.split("tags:")[0] == text.split("tags:")[0]
    assert changed and f"{len(changed)} written" in out.stdout
    assert validate(root).errors == 0
    # Applying again changes nothing: the papers are tagged now (and hand-set tags never move).
    digest = tree_digest(root)
    again = run_cli(root, "tags", "--suggest", "--apply")
    assert again.returncode == 0 and tree_digest(root) == digest
    # The README marks them; the site's records carry them.
    assert run_cli(root, "render").returncode == 0
    pages = "".join(p.read_text(encoding="utf-8") for p in (root / "lists").rglob("*.md"))
    assert pages.count("topic suggested") >= len(changed)


def test_a_lists_category_replaces_unconfirmed_suggestions(tmp_path: Path, trained: dict[str, object]) -> None:
    root = project(tmp_path / "p", {k: v for k, v in trained.items() if k != "_seconds"})
    run_tags(TagsSettings(root, apply=True))
    rel = next(p for p in (root / "papers").rglob("*.yaml") if "suggested_tags" in p.read_text(encoding="utf-8"))
    data = load_paper(rel, root).data
    lst = tmp_path / "list.md"
    lst.write_text(f"# Image Segmentation\n\n- [{data['title']}](https://example.org/paper)\n", encoding="utf-8")
    venue, year = data["venue"], data["year"]
    run_import(ImportSettings(root, [lst], venue, year, accept_loss=True))
    after = load_paper(rel, root).data
    assert after["tags"] == ["image-segmentation"] and "suggested_tags" not in after


def test_new_shows_the_models_top_three(tmp_path: Path, trained: dict[str, object]) -> None:
    root = make_project(tmp_path / "p")
    (root / MODEL_FILE).write_text(model_text({k: v for k, v in trained.items() if k != "_seconds"}),
                                   encoding="utf-8")
    out = run_cli(root, "new", "--title", "Unsupervised Domain Adaptation for Medical Image Segmentation",
                  "--venue", "CVPR", "--year", "2021", "--tag", "other", "--dry-run")
    assert out.returncode == 0, out.stderr
    shown = [ln for ln in out.stderr.splitlines() if "topic model" in ln]
    assert len(shown) == 3, out.stderr
    assert "--tag medical-imaging" in shown[0]


def test_import_tags_new_uncategorised_papers_as_suggested(tmp_path: Path, trained: dict[str, object]) -> None:
    root = make_project(tmp_path / "p")
    (root / MODEL_FILE).write_text(model_text({k: v for k, v in trained.items() if k != "_seconds"}),
                                   encoding="utf-8")
    lst = tmp_path / "l.md"
    lst.write_text("- [Semi-Supervised Semantic Segmentation with Cross Pseudo Supervision](https://arxiv.org/abs/2106.01226)\n"
                   "- [A Study of Everything](https://arxiv.org/abs/2106.01227)\n", encoding="utf-8")
    r = run_import(ImportSettings(root, [lst], "CVPR", 2021))
    seg = load_paper(root / "papers/cvpr2021/semi-supervised-semantic-segmentation-with-cross-pseudo-supervision.yaml",
                     root).data
    assert seg["tags"] == seg["suggested_tags"] == ["semantic-segmentation"]
    assert r.suggested == ["papers/cvpr2021/semi-supervised-semantic-segmentation-with-cross-pseudo-supervision.yaml"]
    assert validate(root).errors == 0


def test_without_a_model_suggesting_is_a_usage_error(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    out = run_cli(root, "tags", "--suggest")
    assert out.returncode == 2 and "paperlist tags --suggest --train" in out.stderr
    (root / MODEL_FILE).write_text("{not json", encoding="utf-8")
    out = run_cli(root, "tags", "--suggest")
    assert out.returncode == 2 and "cannot read the topic model" in out.stderr and "Traceback" not in out.stderr
    bad = {"format": "paperlist-topic-model/1", "tags": ["dataset"], "bias": [0.0], "thresholds": [None],
           "precision": [None], "features": {"w:x": [1.0, [[7, 0.5]]]}}
    (root / MODEL_FILE).write_text(json.dumps(bad), encoding="utf-8")
    out = run_cli(root, "tags", "--suggest")
    assert out.returncode == 2 and "malformed topic model" in out.stderr and "Traceback" not in out.stderr


def test_training_on_too_few_papers_says_so(tmp_path: Path) -> None:
    from paperlist.errors import UsageError
    from paperlist.sources.topics.train import Example
    with pytest.raises(UsageError, match="too few"):
        train([Example(f"papers/x/{i}.yaml", f"Title {i}", None, ("dataset",)) for i in range(12)])


def test_the_pr_check_names_the_models_topics_for_a_paper_tagged_other(
        tmp_path: Path, trained: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from paperlist.cli import main
    from support.prrepo import commit, git, make_list, write

    for var in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH", "PAPERLIST_TRUSTED", "GITHUB_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    repo = make_list(tmp_path / "list", {MODEL_FILE: model_text({k: v for k, v in trained.items() if k != "_seconds"})})
    git(repo, "checkout", "--quiet", "-b", "pr")
    rel = "papers/cvpr2021/scene-text-recognition-with-permuted-autoregressive-sequence-models.yaml"
    write(repo, rel, 'title: "Scene Text Recognition with Permuted Autoregressive Sequence Models"\n'
                     "venue: CVPR\nyear: 2021\ntags: [other]\n")
    commit(repo)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["--root", str(repo), "check", "--base", "main", "--no-links",
                                       "--report", str(out)])
    assert result.exit_code == 0, result.output
    notes = [f for f in json.loads(out.read_text(encoding="utf-8"))["findings"] if f["check"] == "topics"]
    assert len(notes) == 1 and notes[0]["severity"] == "notice" and notes[0]["line"] == 4
    assert "text-recognition" in notes[0]["message"].split("suggests ")[1].split(",")[0]
