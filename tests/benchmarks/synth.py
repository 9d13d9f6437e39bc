"""Synthetic paper lists for benchmarks: realistic field mix, valid against the schema."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

from paperlist.project.keys import expected_path

WORDS = (
    "learning", "deep", "neural", "network", "object", "detection", "segmentation", "video", "transformer",
    "attention", "graph", "adversarial", "unsupervised", "self-supervised", "contrastive", "point", "cloud",
    "depth", "estimation", "pose", "human", "tracking", "super-resolution", "image", "generation", "domain",
    "adaptation", "few-shot", "zero-shot", "semantic", "instance", "panoptic", "optical", "flow", "stereo",
    "3d", "reconstruction", "recognition", "retrieval", "representation", "efficient", "robust", "scalable",
    "towards", "via", "with", "for", "from", "and", "the", "of", "in", "on", "a", "multi-scale", "real-time",
)
TAGS = ("object-detection", "semantic-segmentation", "object-tracking", "pose-estimation", "other")


ZH = ("目标检测", "语义分割", "视频", "三维重建", "深度估计", "姿态估计", "跟踪", "生成", "表征学习", "高效",
      "鲁棒", "自监督", "图像", "注意力", "域适应", "小样本", "超分辨率", "检索", "点云", "光流")
PRESENTATIONS = ("oral", "spotlight", "poster")


def make_list(root: Path, n: int, *, seed: int = 1, readme: bool = True, venues: tuple[str, ...] = ("CVPR",),
              years: int = 6, rich: bool = False) -> list[Path]:
    """Write ``n`` distinct, valid paper files under ``root`` (with the repo's schema and vocab).

    ``venues`` are used in turn and ``years`` consecutive years from 2016; ``rich`` adds what a
    reader's site shows beyond the basics (a Chinese title, a presentation) to some papers.
    """
    repo = Path(__file__).resolve().parents[2]
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for d in ("schema", "vocab"):
        if not (root / d).exists():
            shutil.copytree(repo / d, root / d)
    if readme:
        (root / "README.md").write_text("# Bench\n\n<!-- paperlist:begin -->\n<!-- paperlist:end -->\n")
    # As in the project: the cache folder (written below by the vocabulary check) is never committed.
    if not (root / ".gitignore").exists():
        (root / ".gitignore").write_text(".paperlist-cache/\n")
    from paperlist.project.vocab import Vocabulary

    tags = [t for t in TAGS if t in Vocabulary.load(root).tags] or list(Vocabulary.load(root).tags)[:3]
    paths = []
    for i in range(n):
        words = rng.sample(WORDS, rng.randint(5, 11))
        title = " ".join(w.capitalize() for w in words) + f" {i}"
        year = 2016 + i % years
        venue = venues[i % len(venues)]
        rel = expected_path(venue, year, title)
        arxiv = f"{(year - 2000):02d}{rng.randint(1, 12):02d}.{i:05d}"
        authors = ", ".join(f"Author{a} Name" for a in rng.sample(range(1, 9999), rng.randint(1, 6)))
        lines = [f'title: "{title}"', f"authors: [{authors}]",
                 f"venue: {venue}", f"year: {year}", f'arxiv: "{arxiv}"']
        if rich and i % 3 == 0:
            lines.append(f'title_zh: "{"".join(rng.sample(ZH, rng.randint(2, 4)))}的研究 {i}"')
        if rich and i % 5 == 0:
            lines.append(f"presentation: {PRESENTATIONS[i % 3]}")
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


ZH = "目标检测语义分割视频理解三维重建点云姿态估计图像生成超分辨率自监督学习跨模态检索高效网络结构"


def make_entries(n: int, *, venues: tuple[tuple[str, int], ...] = (("CVPR", 2023),), tags: list[str] | None = None,
                 seed: int = 1) -> list[Any]:
    """``n`` loaded entries (no files), shaped like real ones: for the page builder's tests and benchmark.

    Titles of 5-14 words, a Chinese title on one paper in four, 2-12 authors, code on a third,
    topics drawn unevenly (the first few topics hold most papers, as in real lists).
    """
    from paperlist.output.entries import ListEntry

    rng = random.Random(seed)
    tags = tags or ["object-detection", "semantic-segmentation", "object-tracking", "pose-estimation", "other"]
    weights = [1 / (i + 1) for i in range(len(tags))]
    out = []
    for i in range(n):
        venue, year = venues[i % len(venues)]
        title = " ".join(w.capitalize() for w in rng.sample(WORDS, rng.randint(5, 14))) + f" {i}"
        primary = rng.choices(tags, weights)[0]
        extra = tuple(rng.sample(tags, rng.randint(0, min(2, len(tags)))))
        out.append(ListEntry(
            rel=expected_path(venue, year, title), title=title,
            title_zh="".join(rng.sample(ZH, rng.randint(8, 20))) if i % 4 == 0 else None,
            authors=tuple(f"Author{a} Name{a}" for a in rng.sample(range(1, 99999), rng.randint(2, 12))),
            venue=venue, year=year, track="workshop" if i % 25 == 0 else "main",
            presentation="oral" if i % 20 == 0 else ("poster" if i % 3 == 0 else None),
            arxiv=f"{(year - 2000):02d}{rng.randint(1, 12):02d}.{i % 100000:05d}", paper=None,
            code=(f"https://github.com/user{i}/repo-{i}",) if i % 3 == 0 else (),
            project=f"https://project{i}.github.io/" if i % 5 == 0 else None, video=None,
            readings=(("A write-up", f"https://zhuanlan.zhihu.com/p/{i}"),) if i % 20 == 1 else (),
            tags=(primary, *[t for t in extra if t != primary]),
        ))
    return out
