"""The topic model on a real list: training time, model size, held-out precision and coverage at
several precision targets, how many untagged papers each would tag, and scoring speed (pure Python)
beside the featurizer alone.

    python tests/benchmarks/bench_topics.py [ROOT] [--targets 0.9,0.8,0.7] [--with-authors]

Nothing is written: the model of each target lives in memory only. ``--with-authors`` measures an
alternative not taken: each author's name as one more feature (researchers tend to stay on their
topics), for papers that have authors.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

from paperlist.project.papers import load_papers
from paperlist.project.vocab import Vocabulary
from paperlist.sources.topics.features import raw_features
from paperlist.sources.topics.model import TopicModel, untagged
from paperlist.sources.topics.run import examples_of, model_text
from paperlist.sources.topics.train import TrainParams, train


def _with_authors(root: Path) -> None:
    """Swap the featurizer of training and scoring for one that adds ``a:<name>`` per author (looked up
    by title: the model's interface takes titles only)."""
    import unicodedata
    from collections import Counter

    import paperlist.sources.topics.model as model_mod
    import paperlist.sources.topics.train as train_mod

    authors: dict[str, list[str]] = {}
    for pf in load_papers(root).files:
        d = pf.data if pf.parsed and isinstance(pf.data, dict) else None
        if d and isinstance(d.get("title"), str) and isinstance(d.get("authors"), list):
            authors[d["title"]] = [a for a in d["authors"] if isinstance(a, str)]

    def features(title: str, title_zh: str | None = None) -> Counter[str]:
        out = raw_features(title, title_zh)
        for a in authors.get(title, []):
            out[f"a:{unicodedata.normalize('NFKC', a).casefold().strip()}"] += 1
        return out

    vars(train_mod)["raw_features"] = features  # both modules call it by this name
    vars(model_mod)["raw_features"] = features
    print(f"with authors as features: {len(authors):,} papers have authors")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?", default=".")
    ap.add_argument("--targets", default="0.9,0.8,0.7")
    ap.add_argument("--with-authors", action="store_true", help="add each author's name as a feature")
    args = ap.parse_args()
    root = Path(args.root)
    if args.with_authors:
        _with_authors(root)
    vocab = Vocabulary.load(root)
    examples, files = examples_of(root, vocab)
    others = [pf.data for pf in load_papers(root).files
              if pf.parsed and isinstance(pf.data, dict) and isinstance(pf.data.get("title"), str)
              and untagged(pf.data.get("tags"))]
    print(f"{files} papers, {len(examples)} tagged (training), {len(others)} untagged")
    print("target  train s  topics/bars  held-out precision  coverage  untagged tagged  model bytes (gzip)")
    for target in (float(t) for t in args.targets.split(",")):
        res = train(examples, TrainParams(target=target))
        model = TopicModel(res.model)
        text = model_text(res.model).encode()
        tagged = sum(1 for d in others if model.confident(d["title"], d.get("title_zh"), known=set(vocab.tags)))
        bars = sum(t is not None for t in model.thresholds)
        h = res.held_out
        print(f"{target:6.2f}  {res.seconds:7.1f}  {len(model.tags):6d}/{bars:<4d}  "
              f"{100 * h.precision:8.1f} % ({h.correct}/{h.suggestions})  {100 * h.coverage:6.1f} %  "
              f"{tagged:6d}/{len(others)}  {len(text):,} ({len(gzip.compress(text, 9)):,})")
    titles = [(e.title, e.title_zh) for e in examples]
    t0 = time.perf_counter()
    for t, z in titles:
        raw_features(t, z)
    feat = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t, z in titles:
        model.suggest(t, z)
    full = time.perf_counter() - t0
    print(f"scoring {len(titles)} titles: {1000 * full / len(titles):.3f} ms each "
          f"(features alone {1000 * feat / len(titles):.3f} ms, ratio {full / feat:.2f}x)")
    t0 = time.perf_counter()
    TopicModel.load(root)
    print(f"loading the committed model: {1000 * (time.perf_counter() - t0):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
