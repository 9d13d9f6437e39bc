"""Synthetic paper lists for benchmarks: realistic field mix, valid against the schema."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from paperlist.keys import expected_path

WORDS = (
    "learning", "deep", "neural", "network", "object", "detection", "segmentation", "video", "transformer",
    "attention", "graph", "adversarial", "unsupervised", "self-supervised", "contrastive", "point", "cloud",
    "depth", "estimation", "pose", "human", "tracking", "super-resolution", "image", "generation", "domain",
    "adaptation", "few-shot", "zero-shot", "semantic", "instance", "panoptic", "optical", "flow", "stereo",
    "3d", "reconstruction", "recognition", "retrieval", "representation", "efficient", "robust", "scalable",
    "towards", "via", "with", "for", "from", "and", "the", "of", "in", "on", "a", "multi-scale", "real-time",
)
TAGS = ("object-detection", "semantic-segmentation", "object-tracking", "pose-estimation", "other")


def make_list(root: Path, n: int, *, seed: int = 1, readme: bool = True) -> list[Path]:
    """Write ``n`` distinct, valid paper files under ``root`` (with the repo's schema and vocab)."""
    repo = Path(__file__).resolve().parents[2]
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for d in ("schema", "vocab"):
        if not (root / d).exists():
            shutil.copytree(repo / d, root / d)
    if readme:
        (root / "README.md").write_text("# Bench\n\n<!-- paperlist:begin -->\n<!-- paperlist:end -->\n")
    from paperlist.vocab import Vocabulary

    tags = [t for t in TAGS if t in Vocabulary.load(root).tags] or list(Vocabulary.load(root).tags)[:3]
    paths = []
    for i in range(n):
        words = rng.sample(WORDS, rng.randint(5, 11))
        title = " ".join(w.capitalize() for w in words) + f" {i}"
        year = 2016 + i % 6
        rel = expected_path("CVPR", year, title)
        arxiv = f"{(year - 2000):02d}{rng.randint(1, 12):02d}.{i:05d}"
        authors = ", ".join(f"Author{a} Name" for a in rng.sample(range(1, 9999), rng.randint(1, 6)))
        lines = [f'title: "{title}"', f"authors: [{authors}]",
                 "venue: CVPR", f"year: {year}", f'arxiv: "{arxiv}"']
        if i % 2:
            lines += ["links:", f"  code: [\"https://github.com/user{i}/repo{i}\"]"]
            if i % 4 == 1:
                lines.append(f"  project: \"https://project{i}.github.io/\"")
        lines.append("tags: [" + ", ".join(rng.sample(tags, min(len(tags), rng.randint(1, 2)))) + "]")
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(p)
    return paths
