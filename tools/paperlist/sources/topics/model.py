"""The topic model at run time: a linear model read from JSON, scored in pure Python.

``topic-model.json`` is written by ``paperlist tags --suggest --train`` (``train.py``, the only
code that needs scikit-learn). Everything that suggests topics (``paperlist new``, ``import``,
``tags --suggest``, the PR loop) reads it here: a few thousand idf values and sparse weights, a
dot product per topic, no dependency.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperlist.errors import ConfigError
from paperlist.sources.topics.features import raw_features, tfidf

MODEL_FILE = "topic-model.json"
FORMAT = "paperlist-topic-model/1"
MAX_APPLIED = 3  # topics applied to one paper at most
MAX_MODEL_BYTES = 64 * 1024 * 1024  # today's model is 0.8 MB


@dataclass(frozen=True)
class Suggestion:
    tag: str
    score: float  # the linear model's margin (w·x + b)
    threshold: float | None  # the topic's confidence bar (None: this topic never reached the precision)
    precision: float | None  # held-out precision of the topic's suggestions at or above the bar

    @property
    def confident(self) -> bool:
        """Above the bar where held-out precision reached the target: applied, not only shown."""
        return self.threshold is not None and self.score >= self.threshold

    def to_dict(self) -> dict[str, Any]:
        return {"tag": self.tag, "score": round(self.score, 4), "threshold": self.threshold,
                "precision": self.precision, "confident": self.confident}


class TopicModel:
    """Linear one-vs-rest scores over title features, with a confidence bar per topic."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.tags: list[str] = list(data["tags"])
        self.bias: list[float] = [float(b) for b in data["bias"]]
        self.thresholds: list[float | None] = list(data["thresholds"])
        self.precision: list[float | None] = list(data["precision"])
        self.idf: dict[str, float] = {}
        self.weights: dict[str, list[tuple[int, float]]] = {}
        n = len(self.tags)
        if not (len(self.bias) == len(self.thresholds) == len(self.precision) == n):
            raise ValueError("tags, bias, thresholds and precision differ in length")
        self.thresholds = [None if t is None else float(t) for t in self.thresholds]
        for feature, (idf, pairs) in data["features"].items():
            self.idf[str(feature)] = float(idf)
            if pairs:
                self.weights[str(feature)] = [(int(j), float(w)) for j, w in pairs]
                if any(not 0 <= j < n for j, _ in self.weights[str(feature)]):
                    raise ValueError(f"feature {str(feature)[:40]!r} names a topic that is not in tags")

    @classmethod
    def load(cls, root: Path) -> TopicModel | None:
        """The list's model, or None when it has none (suggestions are then simply not offered)."""
        path = Path(root) / MODEL_FILE
        if not path.is_file():
            return None
        if path.stat().st_size > MAX_MODEL_BYTES:
            raise ConfigError(f"{MODEL_FILE}: {path.stat().st_size // (1024 * 1024)} MiB, larger than "
                              f"{MAX_MODEL_BYTES // (1024 * 1024)} MiB: not a topic model this tool wrote")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ConfigError(f"{MODEL_FILE}: cannot read the topic model ({e}); retrain it with "
                              "`paperlist tags --suggest --train`") from e
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ConfigError(f"{MODEL_FILE}: not a {FORMAT} file; retrain it with `paperlist tags --suggest --train`")
        try:
            return cls(data)
        except (KeyError, TypeError, ValueError) as e:
            raise ConfigError(f"{MODEL_FILE}: malformed topic model ({type(e).__name__}: {e})") from e

    def scores(self, title: str, title_zh: str | None = None) -> list[float]:
        return self.scores_of(raw_features(title, title_zh))

    def scores_of(self, raw: Counter[str]) -> list[float]:
        out = list(self.bias)
        for feature, value in tfidf(raw, self.idf).items():
            for j, w in self.weights.get(feature, ()):
                out[j] += w * value
        return out

    def suggest(self, title: str, title_zh: str | None = None, *, known: set[str] | None = None
                ) -> list[Suggestion]:
        """Every topic, best first (ties by tag id: the same titles give the same order everywhere)."""
        sugg = [Suggestion(tag, s, self.thresholds[j], self.precision[j])
                for j, (tag, s) in enumerate(zip(self.tags, self.scores(title, title_zh), strict=True))
                if known is None or tag in known]
        return sorted(sugg, key=lambda x: (-x.score, x.tag))

    def confident(self, title: str, title_zh: str | None = None, *, known: set[str] | None = None
                  ) -> list[Suggestion]:
        """The topics to apply: above their bar, best first, at most ``MAX_APPLIED``."""
        return [s for s in self.suggest(title, title_zh, known=known) if s.confident][:MAX_APPLIED]


def untagged(tags: Any) -> bool:
    """A paper the suggester may tag: no tags, or only the importer's fallback ``other``."""
    return not isinstance(tags, list) or not [t for t in tags if t != "other"]
