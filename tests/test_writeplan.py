"""The one plan of writes (``paperlist.infra.writeplan``): all or none, stale plans refused with one error
family, and every writer (``paperlist new``, ``paperlist import``, the issue form) going through it."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperlist.errors import PaperlistError, PlanError, StaleTarget
from paperlist.github.issueform.form import PaperRequest
from paperlist.github.issueform.plan import plan_request
from paperlist.infra.writeplan import FileWrite, WritePlan
from paperlist.sources.importer import ImportSettings, run_import
from paperlist.sources.new import NewRequest, apply, plan_new
from projectkit import add_paper, make_project, run_cli, tree_digest

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TITLED = dict(venue="CVPR", year=2021, title="A Detector Nobody Listed", authors=("Ann Lee",), tags=("other",))


def test_the_error_family_is_one() -> None:
    assert issubclass(StaleTarget, PlanError) and issubclass(PlanError, PaperlistError)


def test_all_or_none_a_stale_second_write_stops_the_first(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("old\n", encoding="utf-8")
    plan = WritePlan(tmp_path, [FileWrite.add("a/new.txt", "new\n"),
                                FileWrite.modify("b.txt", "changed\n", "old\n")])
    (tmp_path / "b.txt").write_text("edited by hand\n", encoding="utf-8")
    with pytest.raises(StaleTarget, match=r"b\.txt changed since it was planned; nothing written"):
        plan.apply()
    assert not (tmp_path / "a").exists() and (tmp_path / "b.txt").read_text() == "edited by hand\n"


def test_a_modification_is_planned_against_the_text_it_read(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("old\n", encoding="utf-8")
    same = FileWrite.modify("b.txt", "old\n", "old\n")
    assert same.base_sha256 is not None and len(same.base_sha256) == 64 and not same.changes
    assert WritePlan(tmp_path, [same, FileWrite.add("c.txt", "c\n")]).apply() == ["c.txt"]  # unchanged: skipped
    assert WritePlan(tmp_path, [FileWrite.modify("b.txt", "new\n", "old\n")]).apply(dry_run=True) == []
    assert (tmp_path / "b.txt").read_text() == "old\n"  # a dry run checks, writes nothing


@pytest.mark.parametrize("rel", ["/etc/passwd", "../outside.yaml", "papers/../../x", "papers//x", "a\\b", ""])
def test_a_path_that_is_not_plain_and_relative_is_refused(rel: str) -> None:
    with pytest.raises(PlanError, match="not a plain relative path"):
        FileWrite.add(rel, "x")


def test_a_path_planned_twice_is_refused(tmp_path: Path) -> None:
    plan = WritePlan(tmp_path, [FileWrite.add("a.txt", "1")])
    with pytest.raises(PlanError, match="planned twice"):
        plan.add(FileWrite.add("a.txt", "2"))


def test_no_folder_on_the_way_may_be_a_symlink(tmp_path: Path) -> None:
    # `paperlist new` used to check only the file's own folder: a symlinked papers/ was written through.
    root = make_project(tmp_path / "proj")
    elsewhere = tmp_path / "elsewhere"
    (root / "papers").rename(elsewhere)
    (root / "papers").symlink_to(elsewhere, target_is_directory=True)
    plan = plan_new(root, NewRequest(**TITLED))  # type: ignore[arg-type]
    assert plan.ok, plan.findings
    before = sorted(p.name for p in elsewhere.rglob("*"))
    with pytest.raises(StaleTarget, match="papers is a symbolic link"):
        apply(plan)
    assert sorted(p.name for p in elsewhere.rglob("*")) == before


def test_new_refuses_a_file_that_appeared_since_planning(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    plan = plan_new(root, NewRequest(**TITLED))  # type: ignore[arg-type]
    (w,) = plan.writes
    assert w.kind == "add" and w.note == "a new paper file"
    (root / w.rel).parent.mkdir(parents=True, exist_ok=True)
    (root / w.rel).write_text("someone else's\n", encoding="utf-8")
    with pytest.raises(StaleTarget, match="appeared since it was planned"):
        apply(plan)
    assert (root / w.rel).read_text() == "someone else's\n"


def test_new_edit_is_a_modify_with_the_fields_it_adds(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    listed = add_paper(root, "Zooming Slow-Mo", arxiv="2002.11616")
    plan = plan_new(root, NewRequest(arxiv=("2002.11616",), code=("https://github.com/owner/zooming",)))
    (w,) = plan.writes
    assert (w.kind, w.rel, w.fields) == ("modify", listed.relative_to(root).as_posix(), ("links.code",))
    assert plan.report.meta["writes"] == [{"path": w.rel, "kind": "edit", "added": ["links.code"]}]  # JSON as before
    listed.write_text(listed.read_text() + "# edited meanwhile\n", encoding="utf-8")
    with pytest.raises(StaleTarget, match="changed since it was planned"):
        apply(plan)


def test_the_issue_form_applies_the_same_plan(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    req = PaperRequest(kind="new", title="A Detector Nobody Listed", authors=["Ann Lee"], venue="CVPR", year=2021,
                       tags=["other"])
    planned = plan_request(root, req)
    assert planned.ok and all(isinstance(w, FileWrite) and w.kind == "add" for w in planned.writes)
    rel = planned.writes[0].rel
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text("raced\n", encoding="utf-8")
    with pytest.raises(StaleTarget):
        planned.apply()


def test_import_refuses_through_the_same_family_and_the_cli_says_so(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "papers" / "cvpr2031").symlink_to(elsewhere, target_is_directory=True)
    before = tree_digest(root)
    with pytest.raises(StaleTarget, match="papers/cvpr2031 is a symbolic link"):
        run_import(ImportSettings(root=root, paths=[FIXTURES / "variants.md"], venue="CVPR", year=2031))
    out = run_cli(root, "import", str(FIXTURES / "variants.md"), "--venue", "CVPR", "--year", "2031")
    assert out.returncode == 2 and "papers/cvpr2031 is a symbolic link" in out.stderr
    assert "Traceback" not in out.stderr and tree_digest(root) == before and list(elsewhere.iterdir()) == []
