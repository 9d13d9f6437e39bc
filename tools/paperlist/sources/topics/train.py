"""Training the topic model (the maintainer's ``paperlist tags --suggest --train``; needs scikit-learn).

The procedure, all of it deterministic (splits by a hash of the file path, fixed solver seeds, weights
rounded before they are used):

1. features: TF-IDF over ``features.raw_features`` (words, word pairs, 3-5 letter pieces of the English
   title; characters and pairs of the Chinese title), in at least two papers;
2. one linear SVM per topic with at least ``min_count`` (5) papers (one-vs-rest, liblinear), its weights
   cut to the ``top_k`` largest per topic and rounded (what the JSON holds is what is scored);
3. a confidence bar per topic, from out-of-fold scores (4 folds): the lowest score at which the
   suggestions of that topic were still right ``target`` of the time (at least ``min_picks`` of them);
   a topic that never gets there has no bar and is only ever shown, never applied.

The figures reported are honest: the whole procedure runs on 80 % of the tagged papers and is scored
on the other 20 %, which it never saw (not even to pick the bars). The model written is the same
procedure on all tagged papers.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from paperlist.errors import UsageError
from paperlist.sources.topics.features import document_frequencies, idf_table, raw_features, tfidf
from paperlist.sources.topics.model import FORMAT, TopicModel

HELD_OUT = 5  # one paper in five is held out
INNER_FOLDS = 4


@dataclass(frozen=True)
class Example:
    rel: str
    title: str
    title_zh: str | None
    tags: tuple[str, ...]

    @property
    def raw(self) -> Counter[str]:
        """The title features, computed once per training (ten fits read them)."""
        got = _RAW.get(self)
        if got is None:
            got = _RAW[self] = raw_features(self.title, self.title_zh)
        return got


_RAW: dict[Example, Counter[str]] = {}


@dataclass(frozen=True)
class TrainParams:
    target: float = 0.90  # held-out precision a topic's bar must reach
    margin: float = 0.05  # the bar is set where out-of-fold precision reached target + margin
    min_count: int = 5  # papers a topic needs to be learnt (5 beat 10 on held-out precision and coverage)
    min_picks: int = 5  # out-of-fold suggestions a bar must rest on
    top_k: int = 400  # weights kept per topic
    c: float = 0.5  # the SVM's regularisation
    min_df: int = 2

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "margin": self.margin, "min_count": self.min_count, "min_picks": self.min_picks,
                "top_k": self.top_k, "C": self.c, "min_df": self.min_df}


@dataclass
class Evaluation:
    """How the procedure did on papers it never saw."""

    papers: int = 0
    suggested_papers: int = 0
    suggestions: int = 0
    correct: int = 0
    top1_correct: int = 0
    per_tag: dict[str, list[int]] = field(default_factory=dict)  # tag -> [suggested, correct]

    @property
    def precision(self) -> float:
        return self.correct / self.suggestions if self.suggestions else 0.0

    @property
    def coverage(self) -> float:
        return self.suggested_papers / self.papers if self.papers else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"papers": self.papers, "suggested_papers": self.suggested_papers, "suggestions": self.suggestions,
                "correct": self.correct, "precision": round(self.precision, 4), "coverage": round(self.coverage, 4),
                "top1_accuracy": round(self.top1_correct / self.papers, 4) if self.papers else 0.0,
                "per_tag": {t: {"suggested": s, "correct": c} for t, (s, c) in sorted(self.per_tag.items())}}


@dataclass
class TrainResult:
    model: dict[str, Any]
    held_out: Evaluation
    seconds: float


def _bucket(rel: str, salt: str, n: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}:{rel}".encode()).digest()[:8], "big") % n


def _fit(examples: Sequence[Example], tags: Sequence[str], params: TrainParams) -> dict[str, Any]:
    try:
        import numpy as np
        import scipy.sparse as sp
        from sklearn.svm import LinearSVC
    except ImportError as e:
        raise UsageError("training the topic model needs scikit-learn: pip install 'paperlist[topics]' "
                         "(suggesting topics does not)") from e
    raws = [e.raw for e in examples]
    df, n = document_frequencies(raws)
    idf = {f: round(v, 4) for f, v in idf_table(df, n, params.min_df).items()}
    index = {f: i for i, f in enumerate(idf)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, raw in enumerate(raws):
        for f, v in tfidf(raw, idf).items():
            rows.append(i)
            cols.append(index[f])
            vals.append(v)
    x = sp.csr_matrix((vals, (rows, cols)), shape=(len(examples), len(index)))
    names = list(idf)
    weights: dict[str, list[list[float]]] = {}
    bias: list[float] = []
    for j, tag in enumerate(tags):
        y = [tag in e.tags for e in examples]
        if not any(y) or all(y):
            bias.append(-1.0 if not any(y) else 1.0)
            continue
        svm = LinearSVC(C=params.c, random_state=0, max_iter=5000).fit(x, y)
        coef = svm.coef_[0]
        keep = np.argsort(-np.abs(coef), kind="stable")[:params.top_k]  # stable: ties by feature order
        for k in sorted(int(i) for i in keep):
            w = round(float(coef[k]), 4)
            if w:
                weights.setdefault(names[k], []).append([j, w])
        bias.append(round(float(svm.intercept_[0]), 4))
    return {"format": FORMAT, "tags": list(tags), "bias": bias,
            "thresholds": [None] * len(tags), "precision": [None] * len(tags),
            "features": {f: [idf[f], weights.get(f, [])] for f in names}}


def _topics(examples: Sequence[Example], params: TrainParams) -> list[str]:
    counts = Counter(t for e in examples for t in e.tags)
    return sorted(t for t, c in counts.items() if c >= params.min_count)


def _bars(examples: Sequence[Example], tags: Sequence[str], params: TrainParams
          ) -> tuple[list[float | None], list[float | None]]:
    """Per topic: the lowest out-of-fold score whose suggestions (that score or higher) were right
    ``target`` of the time, and that precision."""
    scores: list[list[float]] = [[] for _ in examples]
    for k in range(INNER_FOLDS):
        train = [e for e in examples if _bucket(e.rel, "inner", INNER_FOLDS) != k]
        test = [(i, e) for i, e in enumerate(examples) if _bucket(e.rel, "inner", INNER_FOLDS) == k]
        model = TopicModel(_fit(train, tags, params))
        for i, e in test:
            scores[i] = model.scores_of(e.raw)
    bars: list[float | None] = []
    precision: list[float | None] = []
    for j, tag in enumerate(tags):
        ranked = sorted(((scores[i][j], tag in e.tags) for i, e in enumerate(examples)), key=lambda p: -p[0])
        right, bar, prec = 0, None, None
        for n, (score, ok) in enumerate(ranked, 1):
            right += ok
            if n >= params.min_picks and right / n >= params.target + params.margin and (
                    n == len(ranked) or ranked[n][0] < score):  # never split a tie
                bar, prec = math.floor(score * 10_000) / 10_000, round(right / n, 4)  # rounded down: the pick stays in
        bars.append(bar)
        precision.append(prec)
    return bars, precision


def procedure(examples: Sequence[Example], params: TrainParams) -> dict[str, Any]:
    """Topics, weights and confidence bars learnt from ``examples`` alone."""
    examples = sorted(examples, key=lambda e: e.rel)
    tags = _topics(examples, params)
    if not tags:
        raise UsageError(f"no topic has {params.min_count} tagged papers to learn from")
    model = _fit(examples, tags, params)
    model["thresholds"], model["precision"] = _bars(examples, tags, params)
    return model


def evaluate(model: TopicModel, examples: Sequence[Example]) -> Evaluation:
    ev = Evaluation()
    for e in examples:
        ev.papers += 1
        best = model.suggest(e.title, e.title_zh)
        if best and best[0].tag in e.tags:
            ev.top1_correct += 1
        applied = model.confident(e.title, e.title_zh)
        if applied:
            ev.suggested_papers += 1
        for s in applied:
            ev.suggestions += 1
            row = ev.per_tag.setdefault(s.tag, [0, 0])
            row[0] += 1
            if s.tag in e.tags:
                ev.correct += 1
                row[1] += 1
    return ev


def train(examples: Sequence[Example], params: TrainParams | None = None) -> TrainResult:
    """The held-out evaluation of the procedure, then the model trained on every example."""
    params = params or TrainParams()
    start = time.perf_counter()
    _RAW.clear()
    examples = sorted(examples, key=lambda e: e.rel)
    held = [e for e in examples if _bucket(e.rel, "held-out", HELD_OUT) == 0]
    rest = [e for e in examples if _bucket(e.rel, "held-out", HELD_OUT) != 0]
    if len(held) < 10 or len(rest) < 20:
        raise UsageError(f"{len(examples)} tagged papers are too few to learn topics from (and to test on)")
    held_out = evaluate(TopicModel(procedure(rest, params)), held)
    model = procedure(examples, params)
    model["trained_on"] = len(examples)
    model["params"] = params.to_dict()
    model["held_out"] = {"split": f"sha256(path) mod {HELD_OUT} == 0, never seen by training or the bars",
                         **held_out.to_dict()}
    _RAW.clear()
    return TrainResult(model, held_out, time.perf_counter() - start)
