"""Hand fixes survive a re-import; merges go field by field, conflicts are reported, never written.

The fixtures under ``tests/fixtures/import/handfix/`` are cut from the real lists (``../shared/corpus``)
and from today's ``papers/``: the ICCV 2023 rows that carry their neighbour's repository (Perpetual
Humanoid Control → DelinQu/qrsc, Semantically Structured Image Compression → IRMVLab/DELFlow) or its
neighbour's CVF PDF (SlaBins → MAMo's), with those neighbours; amusi's HR-NAS entries, one of them
the shortened-title twin a maintainer folded into the full title by hand; and one extreme-assistant
row whose machine translation (变压器 for "Transformer") was corrected by hand.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from paperlist.checks.validate import validate
from paperlist.project.loader import load_paper
from paperlist.sources.importer import ImportResult, ImportSettings, run_import
from projectkit import make_project, run_cli, tree_digest

FIX = Path(__file__).parent / "fixtures" / "import" / "handfix"
LISTS = [(FIX / "lists" / "ryumin-ICCV2023", "ICCV", 2023),
         (FIX / "lists" / "amusi-CVPR2021-excerpt.md", "CVPR", 2021),
         (FIX / "lists" / "extreme-assistant-CVPR2021-excerpt.md", "CVPR", 2021)]
PERPETUAL = "papers/iccv2023/perpetual-humanoid-control-for-real-time-simulated-avatars.yaml"
COMPRESSION = "papers/iccv2023/semantically-structured-image-compression-via-irregular-group-based-decoupling.yaml"
SLABINS = "papers/iccv2023/slabins-fisheye-depth-estimation-using-slanted-bins-on-road-environments.yaml"
HOTR = "papers/cvpr2021/hotr-end-to-end-human-object-interaction-detection-with-transformers.yaml"
HRNAS = "papers/cvpr2021/hr-nas-searching-efficient-high-resolution-neural-architectures-with-lightweight.yaml"
NEIGHBOURS = ["papers/iccv2023/towards-nonlinear-motion-aware-and-occlusion-robust-rolling-shutter-correction.yaml",
              "papers/iccv2023/delflow-dense-efficient-learning-of-scene-flow-for-large-scale-point-clouds.yaml",
              "papers/iccv2023/mamo-leveraging-memory-and-attention-for-monocular-video-depth-estimation.yaml"]


def today(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "proj")
    shutil.rmtree(root / "papers")
    shutil.copytree(FIX / "papers", root / "papers")
    return root


def import_all(root: Path, *, dry_run: bool = False) -> list[ImportResult]:
    return [run_import(ImportSettings(root, [path], venue, year, dry_run=dry_run, accept_loss=True))
            for path, venue, year in LISTS]


def unpin(root: Path, rel: str) -> None:
    path = root / rel
    path.write_text(re.sub(r"(?m)^pinned:\n(?:  - .*\n)+", "", path.read_text(encoding="utf-8")), encoding="utf-8")


def test_reimporting_todays_lists_changes_nothing(tmp_path: Path) -> None:
    root = today(tmp_path)
    before = tree_digest(root)
    results = import_all(root)
    assert tree_digest(root) == before
    for r in results:
        assert (r.added, r.merged, r.conflicts) == ([], [], []), r.to_dict()
    pinned = {(p.rel, p.field) for r in results for p in r.pinned}
    assert pinned == {(PERPETUAL, "links.code"), (COMPRESSION, "links.code"), (SLABINS, "links.paper"),
                      (HOTR, "title_zh")}
    assert validate(root).errors == 0


def test_without_pins_a_neighbours_link_is_a_conflict_naming_the_neighbour(tmp_path: Path) -> None:
    root = today(tmp_path)
    for rel in (PERPETUAL, COMPRESSION, SLABINS, HOTR):
        unpin(root, rel)
    before = tree_digest(root)
    results = import_all(root)
    assert tree_digest(root) == before  # reported, not written
    got = {(c.rel, c.conflict.field, c.conflict.offered, c.conflict.why) for r in results for c in r.conflicts}
    assert got == {
        (PERPETUAL, "links.code", "https://github.com/DelinQu/qrsc", f"{NEIGHBOURS[0]} has this repository"),
        (COMPRESSION, "links.code", "https://github.com/IRMVLab/DELFlow", f"{NEIGHBOURS[1]} has this repository"),
        (SLABINS, "links.paper", "https://openaccess.thecvf.com/content/ICCV2023/papers/Yasarla_MAMo_Leveraging_"
         "Memory_and_Attention_for_Monocular_Video_Depth_Estimation_ICCV_2023_paper.pdf",
         f"{NEIGHBOURS[2]} has this CVF paper"),
        (HOTR, "title_zh", "HOTR：使用变压器进行端到端的人与对象交互检测", "the file has another value"),
    }
    report = results[0].to_report()
    assert {f.check for f in report.findings if f.severity == "warning"} >= {"import-conflict"}
    assert results[0].exit_code() == 0


def test_pins_hold_where_nothing_else_would(tmp_path: Path) -> None:
    """With the neighbours in neither papers/ nor the lists, only the pin keeps the wrong links out."""
    rows = tmp_path / "rows"
    shutil.copytree(LISTS[0][0], rows)
    for f in rows.iterdir():
        keep = [ln for ln in f.read_text(encoding="utf-8").splitlines(keepends=True)
                if not ln.startswith(("| Towards Nonlinear-Motion", "| DELFlow", "| MAMo"))]
        f.write_text("".join(keep), encoding="utf-8")

    def run(root: Path) -> None:
        for rel in NEIGHBOURS:
            (root / rel).unlink()
        run_import(ImportSettings(root, [rows], "ICCV", 2023, accept_loss=True))

    root = today(tmp_path)
    before = {rel: (root / rel).read_bytes() for rel in (PERPETUAL, COMPRESSION, SLABINS)}
    run(root)
    assert {rel: (root / rel).read_bytes() for rel in before} == before

    # The control: unpinned, the list's (wrong) values are filled in, which is what the pin prevents.
    root2 = today(tmp_path / "two")
    for rel in (PERPETUAL, COMPRESSION, SLABINS):
        unpin(root2, rel)
    run(root2)
    assert load_paper(root2 / PERPETUAL, root2).data["links"]["code"] == ["https://github.com/DelinQu/qrsc"]
    assert "Yasarla_MAMo" in load_paper(root2 / SLABINS, root2).data["links"]["paper"]


def test_hr_nas_twin_is_the_same_paper_by_the_duplicate_rules(tmp_path: Path) -> None:
    # Today's list: the twin (no arXiv id, shortened title, the same repository) folds into HR-NAS's file.
    root = today(tmp_path)
    r = run_import(ImportSettings(root, [LISTS[1][0]], "CVPR", 2021, dry_run=True))
    assert r.added == []
    # From an empty papers/: one HR-NAS file, not two.
    empty = make_project(tmp_path / "empty")
    r = run_import(ImportSettings(empty, [LISTS[1][0]], "CVPR", 2021))
    hrnas = [w.rel for w in r.added if "hr-nas" in w.rel]
    assert hrnas == [HRNAS], hrnas
    assert r.exit_code() == 0


def test_missing_fields_are_filled_and_dry_run_prints_them(tmp_path: Path) -> None:
    root = today(tmp_path)
    target = root / "papers/iccv2023/delflow-dense-efficient-learning-of-scene-flow-for-large-scale-point-clouds.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("  code:\n    - https://github.com/IRMVLab/DELFlow\n", ""), encoding="utf-8")
    before = tree_digest(root)
    out = run_cli(root, "import", str(LISTS[0][0]), "--venue", "ICCV", "--year", "2023", "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "delflow-dense-efficient-learning-of-scene-flow-for-large-scale-point-clouds.yaml  (arXiv id)" in out.stdout
    assert "    + links.code: https://github.com/IRMVLab/DELFlow" in out.stdout
    assert tree_digest(root) == before
    run_cli(root, "import", str(LISTS[0][0]), "--venue", "ICCV", "--year", "2023")
    assert target.read_text(encoding="utf-8") == text  # filled back, in the house order


def test_validate_knows_pinned_and_suggested_tags(tmp_path: Path) -> None:
    root = today(tmp_path)
    path = root / PERPETUAL
    path.write_text(path.read_text(encoding="utf-8").replace("  - links.code", "  - links.cod"), encoding="utf-8")
    report = validate(root)
    assert [(f.line, f.message.split(" must ")[0], f.message.endswith("not 'links.cod'")) for f in report.findings] \
        == [(12, "pinned[0]", True)]
    path = root / HOTR
    unpin(root, HOTR)
    unpin(root, PERPETUAL)
    path.write_text(path.read_text(encoding="utf-8") + "suggested_tags:\n  - object-detection\n", encoding="utf-8")
    report = validate(root)
    assert [f.message for f in report.findings] == ["suggested tag 'object-detection' is not in tags"]
