"""``paperlist tags --suggest``: train (maintainers), suggest, and apply to untagged papers."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperlist.checks.validate import Checker
from paperlist.errors import UsageError
from paperlist.findings import Finding, Report
from paperlist.infra import fsutil
from paperlist.infra.writeplan import FileWrite, WritePlan
from paperlist.project import writer
from paperlist.project.loader import load_text
from paperlist.project.papers import load_papers
from paperlist.project.vocab import Vocabulary
from paperlist.sources.topics.model import MODEL_FILE, Suggestion, TopicModel, untagged
from paperlist.sources.topics.train import Example, TrainParams, train


@dataclass(frozen=True)
class TagsSettings:
    root: Path
    train: bool = False  # retrain topic-model.json first (needs scikit-learn)
    apply: bool = False  # write the confident suggestions into untagged papers
    dry_run: bool = False


@dataclass
class PaperSuggestion:
    rel: str
    title: str
    applied: list[Suggestion]  # above the topic's bar: what --apply writes
    best: list[Suggestion]  # the top three, for a person to look at

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.rel, "title": self.title, "applied": [s.tag for s in self.applied],
                "top": [s.to_dict() for s in self.best]}


@dataclass
class TagsResult:
    model: dict[str, Any]  # the model's own report (held_out, trained_on, params)
    trained_seconds: float | None = None
    model_bytes: int = 0
    papers: int = 0
    untagged: int = 0
    suggestions: list[PaperSuggestion] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    refused: list[Finding] = field(default_factory=list)
    dry_run: bool = False

    @property
    def tagged(self) -> list[PaperSuggestion]:
        return [s for s in self.suggestions if s.applied]

    def counts(self) -> Counter[str]:
        return Counter(s.applied[0].tag for s in self.tagged)

    def to_report(self) -> Report:
        meta = {"topics": {
            "model": {k: self.model.get(k) for k in ("trained_on", "params", "held_out")},
            "topics": len(self.model.get("tags", [])),
            "topics_with_bar": sum(t is not None for t in self.model.get("thresholds", [])),
            "trained_seconds": self.trained_seconds, "model_bytes": self.model_bytes,
            "papers": self.papers, "untagged": self.untagged, "would_tag": len(self.tagged),
            "by_topic": dict(sorted(self.counts().items())),
            "suggestions": [s.to_dict() for s in self.suggestions], "written": self.written,
            "dry_run": self.dry_run}}
        return Report(list(self.refused), files=self.papers, meta=meta)


def examples_of(root: Path, vocab: Vocabulary) -> tuple[list[Example], int]:
    """The tagged papers to learn from (tags a person set: not ``other``, not still-suggested ones)."""
    out: list[Example] = []
    files = load_papers(root).files
    for pf in files:
        data = pf.data if pf.parsed and isinstance(pf.data, dict) else None
        if data is None or not isinstance(data.get("title"), str) or not isinstance(data.get("tags"), list):
            continue
        raw_sugg = data.get("suggested_tags")
        suggested: list[Any] = raw_sugg if isinstance(raw_sugg, list) else []
        tags = tuple(t for t in data["tags"] if isinstance(t, str) and t != "other" and t not in suggested
                     and t in vocab.tags)
        if tags:
            zh = data.get("title_zh") if isinstance(data.get("title_zh"), str) else None
            out.append(Example(pf.rel, data["title"], zh, tags))
    return out, len(files)


def model_text(model: dict[str, Any]) -> str:
    """The model as JSON with one feature a line (a retrain reads as a diff), keys sorted: the same
    model gives the same bytes."""
    head = {k: v for k, v in model.items() if k != "features"}
    lines = ["{"]
    for k in sorted(head):
        lines.append(f"{json.dumps(k)}: {json.dumps(head[k], sort_keys=True, ensure_ascii=False)},")
    lines.append('"features": {')
    feats = model["features"]
    body = [f"{json.dumps(f, ensure_ascii=False)}: {json.dumps(feats[f], separators=(',', ':'))}"
            for f in sorted(feats)]
    lines.append(",\n".join(body))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def apply_suggestions(doc: Any, tags: list[str]) -> None:
    """Tags of an untagged paper := the suggestions, marked as suggested (round trip keeps the rest)."""
    seq = writer._seq(tags)
    if "tags" in doc:
        doc["tags"] = seq
    else:
        writer._insert_ordered(doc, "tags", seq, writer.FIELD_ORDER)
    if "suggested_tags" in doc:
        del doc["suggested_tags"]
    writer._insert_ordered(doc, "suggested_tags", writer._seq(list(tags)), writer.FIELD_ORDER)


def run_tags(settings: TagsSettings) -> TagsResult:
    root = Path(settings.root)
    vocab = Vocabulary.load(root)
    trained_seconds = None
    if settings.train:
        examples, _ = examples_of(root, vocab)
        result = train(examples, TrainParams())
        trained_seconds = result.seconds
        if not settings.dry_run:
            fsutil.write_atomic(root / MODEL_FILE, model_text(result.model))
        model = TopicModel(result.model)
    else:
        loaded = TopicModel.load(root)
        if loaded is None:
            raise UsageError(f"no topic model ({MODEL_FILE}); a maintainer trains it with "
                             "`paperlist tags --suggest --train` (needs pip install 'paperlist[topics]')")
        model = loaded
    out = TagsResult(model=model.data, trained_seconds=trained_seconds, dry_run=settings.dry_run,
                     model_bytes=len(model_text(model.data).encode()))
    known = set(vocab.tags)
    checker = Checker.for_root(root)
    writes: list[FileWrite] = []
    files = load_papers(root).files
    out.papers = len(files)
    for pf in files:
        data = pf.data if pf.parsed and isinstance(pf.data, dict) else None
        if data is None or not isinstance(data.get("title"), str) or not untagged(data.get("tags")):
            continue  # hand-set tags are never touched
        out.untagged += 1
        zh = data.get("title_zh") if isinstance(data.get("title_zh"), str) else None
        best = model.suggest(data["title"], zh, known=known)
        sugg = PaperSuggestion(pf.rel, data["title"], [s for s in best if s.confident][:3], best[:3])
        out.suggestions.append(sugg)
        if not settings.apply or not sugg.applied or pf.text is None:
            continue
        doc = writer.load_rt(pf.text)
        apply_suggestions(doc, [s.tag for s in sugg.applied])
        text = writer.dump(doc)
        errors = [f for f in checker.check(load_text(text, pf.rel)) if f.severity == "error"]
        if errors:
            out.refused.append(Finding(file=pf.rel, severity="warning", check="tags",
                                       message=f"suggested topics not written: {errors[0].message}",
                                       message_zh="建议标签未写入：写入后无法通过校验"))
            continue
        writes.append(FileWrite.modify(pf.rel, text, pf.text, fields=("tags", "suggested_tags")))
    if writes:
        # all or nothing, and nothing when a file changed since it was read (raises StaleTarget)
        out.written = WritePlan(root, writes).apply(dry_run=settings.dry_run)
    return out
