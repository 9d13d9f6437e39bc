"""Duplicate detection end to end: real files in temp projects, the real CLI, the labelled set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from paperlist.checks.dupes import compare_data, find_duplicates
from paperlist.findings import Finding

DATA = Path(__file__).parent / "data" / "dupes"


def load_pairs() -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = []
    for name in ("pairs.yaml", "pairs-handwritten.yaml"):
        pairs += yaml.load((DATA / name).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return pairs


def evaluate(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall over the labelled pairs (a prediction is an error or a warning)."""
    tp = fp = fn = tn = 0
    error_fp: list[str] = []
    missed: list[str] = []
    errors_not_certain: list[str] = []
    for p in pairs:
        m = compare_data(p["a"], p["b"])
        predicted = m is not None and m.severity in ("error", "warning")
        if p["same"]:
            if predicted:
                tp += 1
            else:
                fn += 1
                missed.append(p["id"])
            if p["expect"] == "error" and (m is None or m.severity != "error"):
                errors_not_certain.append(p["id"])
        elif predicted:
            fp += 1
            if m is not None and m.severity == "error":
                error_fp.append(p["id"])
        else:
            tn += 1
    return {
        "pairs": len(pairs), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
        "error_fp": error_fp, "missed": missed, "errors_not_certain": errors_not_certain,
    }


def print_figures() -> None:
    """``python tests/test_dupes.py``: the labelled-set figures quoted in docs/duplicates.md."""
    pairs = load_pairs()
    r = evaluate(pairs)
    same = sum(p["same"] for p in pairs)
    certain = sum(p["expect"] == "error" for p in pairs)
    print(f"labelled pairs: {len(pairs)} ({same} same paper, {len(pairs) - same} different papers; "
          f"{certain} identifier-certain)")
    print(f"precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
          f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']}, tn {r['tn']})")
    print(f"error-severity false positives: {len(r['error_fp'])}; "
          f"identifier-certain pairs not reported as errors: {len(r['errors_not_certain'])}")
    for label, ids in (("missed", r["missed"]), ("error false positives", r["error_fp"])):
        for pid in ids:
            print(f"  {label}: {pid}")


def test_labelled_set_meets_targets() -> None:
    pairs = load_pairs()
    assert len({p["id"] for p in pairs}) == len(pairs), "pair ids must be unique"
    assert sum(p["same"] for p in pairs) >= 100 and sum(not p["same"] for p in pairs) >= 100
    r = evaluate(pairs)
    assert r["recall"] >= 0.98, r["missed"]
    assert r["error_fp"] == []
    assert r["errors_not_certain"] == []  # identifier-certain duplicates are all errors
    assert r["precision"] >= 0.98, r


# -- a project on disk -------------------------------------------------------------------------


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


ZOOMING = """\
title: "Zooming Slow-Mo: Fast and Accurate One-Stage Space-Time Video Super-Resolution"
authors: [Xiaoyu Xiang, Yapeng Tian, Yulun Zhang, Yun Fu, Jan P. Allebach, Chenliang Xu]
venue: CVPR
year: 2020
arxiv: "2002.11616"
links:
  code: ["https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020"]
tags: [other]
"""
OTA = """\
title: "OTA: Optimal Transport Assignment for Object Detection"
venue: CVPR
year: 2021
arxiv: "2103.14259"
tags: [object-detection]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    write(root, "papers/cvpr2020/zooming-slow-mo.yaml", ZOOMING)
    write(root, "papers/cvpr2021/ota.yaml", OTA)
    return root


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [f.to_dict() for f in findings]
    return findings[0]


def test_new_file_with_same_arxiv_link_is_an_error_at_the_link_line(project: Path) -> None:
    new = write(project, "papers/cvpr2020/zooming.yaml", """\
title: "Zooming Slow-Mo (CVPR 2020)"
venue: CVPR
year: 2020
links:
  paper: https://arxiv.org/pdf/2002.11616v2.pdf
tags: [other]
""")
    report = find_duplicates(project, [new])
    f = only(report.findings)
    assert (f.file, f.severity, f.check, f.line) == ("papers/cvpr2020/zooming.yaml", "error", "duplicate", 5)
    assert f.extra["duplicate_of"] == "papers/cvpr2020/zooming-slow-mo.yaml"
    assert f.column == 3 and f.extra["duplicate_line"] == 5  # the arxiv: line of the other file
    assert f.extra["evidence"] == {"identifier": "arxiv", "value": "2002.11616", "field": "links.paper",
                                   "other_field": "arxiv"}
    assert report.exit_code == 1 and report.files == 1


def test_title_match_is_a_warning_with_the_score(project: Path) -> None:
    new = write(project, "papers/cvpr2021/x.yaml", """\
venue: CVPR
year: 2021
title: "OTA:Optimal Transport Assignment for Object Detection（最优传输分配）"
tags: [object-detection]
""")
    f = only(find_duplicates(project, [new]).findings)
    assert (f.severity, f.line) == ("warning", 3)
    assert f.extra["evidence"]["relation"] == "same"
    assert f.extra["score"] == 100.0
    assert "titles match after normalization" in f.message


def test_misnamed_file_failing_the_schema_is_still_compared(project: Path) -> None:
    # No tags, unknown field, wrong file name: still somebody's duplicate.
    new = write(project, "papers/cvpr2021/Whatever.yaml", 'title: OTA\narxiv: "arXiv:2103.14259v2"\nbogus: 1\n')
    f = only(find_duplicates(project, [new]).findings)
    assert (f.severity, f.extra["duplicate_of"], f.line) == ("error", "papers/cvpr2021/ota.yaml", 2)


def test_unquoted_arxiv_float_keeps_its_digits(project: Path) -> None:
    new = write(project, "papers/cvpr2021/y.yaml", "title: Something else\narxiv: 2103.14259\n")
    assert only(find_duplicates(project, [new]).findings).severity == "error"


def test_unparsable_file_gets_a_notice_not_a_crash(project: Path) -> None:
    new = write(project, "papers/cvpr2021/broken.yaml", "title: [unclosed\n")
    report = find_duplicates(project, [new])
    f = only(report.findings)
    assert (f.severity, f.file) == ("notice", "papers/cvpr2021/broken.yaml")
    assert report.exit_code == 0


def test_two_new_files_duplicating_each_other_are_reported_once(project: Path) -> None:
    title = "Semi-Supervised Video Deraining with Dynamical Rain Generator"
    a = write(project, "papers/cvpr2021/a.yaml", f'title: "{title}"\n')
    b = write(project, "papers/cvpr2021/b.yaml", f'title: "{title.replace("Dynamical", "Dynamic")}"\n')
    f = only(find_duplicates(project, [a, b]).findings)
    assert f.severity == "warning" and {f.file, f.extra["duplicate_of"]} == {
        "papers/cvpr2021/a.yaml", "papers/cvpr2021/b.yaml"}


def test_check_all_reports_each_pair_once_on_the_later_file(project: Path) -> None:
    write(project, "papers/cvpr2020/zz-copy.yaml", ZOOMING.replace('"2002.11616"', '"2002.11616v1"'))
    report = find_duplicates(project, None, check_all=True)
    f = only(report.findings)
    assert f.file == "papers/cvpr2020/zz-copy.yaml"
    assert f.extra["duplicate_of"] == "papers/cvpr2020/zooming-slow-mo.yaml"
    assert report.files == 3


def test_different_arxiv_ids_with_same_title_is_only_a_notice(project: Path) -> None:
    new = write(project, "papers/cvpr2021/z.yaml", """\
title: "OTA: Optimal Transport Assignment for Object Detection"
arxiv: "2103.99999"
""")
    f = only(find_duplicates(project, [new]).findings)
    assert f.severity == "notice" and f.extra["evidence"]["conflicting"]["values"] == ["2103.99999", "2103.14259"]


def test_hard_negative_is_silent(project: Path) -> None:
    write(project, "papers/cvpr2021/hoi.yaml",
          'title: "End-to-End Human Object Interaction Detection with HOI Transformer"\n')
    new = write(project, "papers/cvpr2021/hotr.yaml",
                'title: "HOTR: End-to-End Human-Object Interaction Detection with Transformers"\n')
    assert find_duplicates(project, [new]).findings == []


def test_same_repo_is_a_warning_on_the_code_line(project: Path) -> None:
    new = write(project, "papers/cvpr2020/other.yaml", """\
title: A different title entirely
links:
  code:
    - https://example.org/x
    - https://github.com/mukosame/zooming-slow-mo-cvpr-2020.git/
""")
    f = only(find_duplicates(project, [new]).findings)
    assert (f.severity, f.line, f.extra["evidence"]["field"]) == ("warning", 5, "links.code[1]")


def test_allow_list_silences_a_pair(project: Path) -> None:
    new = write(project, "papers/cvpr2021/ota-2.yaml",
                'title: "OTA: Optimal Transport Assignment for Object Detection"\n')
    assert len(find_duplicates(project, [new]).findings) == 1
    write(project, "not-duplicates.yaml", """\
pairs:
  - files: [papers/cvpr2021/ota.yaml, papers/cvpr2021/ota-2.yaml]
    reason: checked by a maintainer
""")
    assert find_duplicates(project, [new]).findings == []
    assert find_duplicates(project, None, check_all=True).findings == []


def test_broken_allow_list_is_a_finding(project: Path) -> None:
    write(project, "not-duplicates.yaml", "pairs:\n  - files: [only-one.yaml]\n")
    f = only(find_duplicates(project, None, check_all=True).findings)
    assert (f.file, f.severity, f.line) == ("not-duplicates.yaml", "error", 2)


# -- the cache ---------------------------------------------------------------------------------


def test_cache_is_written_reused_and_refreshed(project: Path) -> None:
    cache = project / ".paperlist-cache" / "dupes-index.sqlite"
    assert find_duplicates(project, None, check_all=True).findings == []
    assert cache.is_file()
    # Edit a file in place, same size, old mtime put back: the content decides, not the mtime.
    path = project / "papers/cvpr2021/ota.yaml"
    st = path.stat()
    path.write_text(OTA.replace("2103.14259", "2002.11616"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    f = only(find_duplicates(project, None, check_all=True).findings)
    assert f.severity == "error"
    path.unlink()
    assert find_duplicates(project, None, check_all=True).findings == []


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_corrupt_cache_is_rebuilt_not_trusted(project: Path, damage: str) -> None:
    find_duplicates(project, None, check_all=True)
    cache = project / ".paperlist-cache" / "dupes-index.sqlite"
    blob = bytearray(cache.read_bytes())
    if damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "flip":
        # One digit of OTA's arXiv id changed wherever the cache holds it (its record and its postings):
        # the database still opens and reads, so only a check of what was stored can notice. Trusted,
        # the cache would answer that the copy below has another id: no duplicate error.
        ident = b"2103.14259"
        assert ident in blob, "the cache no longer stores the id as text: pick another byte to damage"
        blob = bytearray(bytes(blob).replace(ident, b"2103.14258"))
    elif damage == "garbage":
        blob = bytearray(b"\x00" * 100)
    else:
        blob = bytearray()
    cache.write_bytes(bytes(blob))
    write(project, "papers/cvpr2021/copy.yaml", OTA)
    f = only(find_duplicates(project, None, check_all=True).findings)
    assert f.severity == "error" and "2103.14259" in f.message, f.to_dict()
    assert {f.file, f.extra.get("duplicate_of")} == {"papers/cvpr2021/copy.yaml", "papers/cvpr2021/ota.yaml"}


def test_cache_of_another_root_is_not_used(project: Path, tmp_path: Path) -> None:
    shared_cache = tmp_path / "cache"
    find_duplicates(project, None, check_all=True, cache_dir=shared_cache)
    other = tmp_path / "other"
    write(other, "papers/cvpr2021/ota.yaml", OTA)
    assert find_duplicates(other, None, check_all=True, cache_dir=shared_cache).files == 1


def test_cache_can_be_moved_or_disabled(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERLIST_CACHE_DIR", str(tmp_path / "elsewhere"))
    find_duplicates(project, None, check_all=True)
    assert (tmp_path / "elsewhere" / "dupes-index.sqlite").is_file()
    assert not (project / ".paperlist-cache").exists()
    monkeypatch.delenv("PAPERLIST_CACHE_DIR")
    monkeypatch.setenv("PAPERLIST_NO_CACHE", "1")
    find_duplicates(project, None, check_all=True)
    assert not (project / ".paperlist-cache").exists()


def test_unwritable_cache_dir_only_costs_speed(project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    report = find_duplicates(project, None, check_all=True, cache_dir=blocker / "sub")
    assert report.findings == [] and report.files == 2


# -- the command ---------------------------------------------------------------------------------


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "paperlist", "--root", str(root), "dupes", *args],
                          capture_output=True, text=True, timeout=120, env=env, check=False)


def test_cli_exit_codes_and_formats(project: Path) -> None:
    clean = run(project, "--all")
    assert clean.returncode == 0 and "2 file(s) checked: 0 error(s)" in clean.stdout
    new = write(project, "papers/cvpr2021/dup.yaml",
                'title: x\nlinks:\n  paper: "https://arxiv.org/abs/2103.14259"\n')
    text = run(project, str(new))
    assert text.returncode == 1
    expected = "papers/cvpr2021/dup.yaml:3:3: error [duplicate] already in the list as papers/cvpr2021/ota.yaml"
    assert expected in text.stdout
    data = json.loads(run(project, str(new), "--format", "json").stdout)
    assert data["findings"][0]["duplicate_of"] == "papers/cvpr2021/ota.yaml"
    assert data["summary"]["checks"] == {"duplicate": 1}
    gh = run(project, "--format", "github", str(new))
    assert gh.stdout.startswith("::error file=papers/cvpr2021/dup.yaml,line=3,col=3,title=paperlist duplicate::")
    usage = run(project)
    assert usage.returncode == 2 and "Error:" in usage.stderr and "Traceback" not in usage.stderr
    missing = run(project, str(project / "papers/cvpr2021/nope.yaml"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_cli_no_cache_leaves_the_tree_alone(project: Path) -> None:
    assert run(project, "--all", "--no-cache").returncode == 0
    assert not (project / ".paperlist-cache").exists()


def test_dupes_path_does_not_import_network_or_schema_libraries(project: Path) -> None:
    # Process start is most of a one-file check: the dupes path must stay lean (lazy imports).
    code = (
        "import sys\n"
        "from paperlist.cli import main\n"
        "try:\n"
        f"    main(['--root', {str(project)!r}, 'dupes', '--all', '--no-cache'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('aiohttp', 'github', 'jsonschema', 'ruamel')\n"
        "print('HEAVY', sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "HEAVY []" in out.stdout


def test_blocking_keeps_every_labelled_duplicate_as_a_candidate() -> None:
    """The index only compares candidates; every true pair must survive the blocking."""
    from paperlist.checks.dupes import Index, features_from_data

    pairs = load_pairs()
    idx = Index()
    for p in pairs:
        for side in ("a", "b"):
            rec = features_from_data(p[side], f"{p['id']}/{side}")
            assert rec is not None
            idx.add(rec)
    lost = []
    for p in pairs:
        if not p["same"]:
            continue
        a, b = idx.records[f"{p['id']}/a"], idx.records[f"{p['id']}/b"]
        if b.rel not in idx.candidates(a) and a.rel not in idx.candidates(b):
            lost.append(p["id"])
    assert lost == []


def test_in_place_edit_of_the_checked_file_is_seen(project: Path) -> None:
    new = write(project, "papers/cvpr2021/new.yaml", 'title: "A fresh paper"\n')
    assert find_duplicates(project, [new]).findings == []  # cache now holds "A fresh paper"
    with new.open("w", encoding="utf-8") as fh:  # same inode, folder mtime unchanged
        fh.write('title: "A fresh paper"\narxiv: "2103.14259"\n')
    assert only(find_duplicates(project, [new]).findings).severity == "error"


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git-checkout"])
def test_another_file_edited_in_place_is_seen_by_a_one_file_check(project: Path, in_git: bool) -> None:
    # The stale case of an mtime-keyed index: the *other* paper changes, nothing about its folder does.
    import subprocess

    if in_git:
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@t"}
        for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "papers"]):
            subprocess.run(["git", *cmd], cwd=project, env=env, check=True)
    new = write(project, "papers/cvpr2021/new.yaml", 'title: "A fresh paper"\narxiv: "2103.99999"\n')
    assert find_duplicates(project, [new]).findings == []  # the index now holds ota.yaml's old id
    other = project / "papers/cvpr2021/ota.yaml"
    st = other.stat()
    with other.open("r+", encoding="utf-8") as fh:  # same inode, same size, old mtime put back
        fh.write(OTA.replace("2103.14259", "2103.99999"))
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    f = only(find_duplicates(project, [new]).findings)
    assert f.severity == "error" and f.extra["duplicate_of"] == "papers/cvpr2021/ota.yaml"


def test_file_added_to_a_folder_is_seen_by_a_one_file_check(project: Path) -> None:
    new = write(project, "papers/cvpr2021/new.yaml", 'title: "Some new paper about flow"\n')
    assert find_duplicates(project, [new]).findings == []
    write(project, "papers/cvpr2021/older.yaml", 'title: "Some New Paper About Flow (CVPR 2021)"\n')
    assert only(find_duplicates(project, [new]).findings).extra["duplicate_of"] == "papers/cvpr2021/older.yaml"


if __name__ == "__main__":
    print_figures()


def test_planted_cache_with_a_trigger_is_not_used(project: Path) -> None:
    import sqlite3

    find_duplicates(project, None, check_all=True)
    db = project / ".paperlist-cache" / "dupes-index.sqlite"
    con = sqlite3.connect(db)
    # A trigger that would silently drop every record we write, hiding duplicates.
    con.execute("CREATE TRIGGER hide AFTER INSERT ON files BEGIN DELETE FROM files; END")
    con.commit()
    con.close()
    write(project, "papers/cvpr2021/copy.yaml", OTA)
    assert only(find_duplicates(project, None, check_all=True).findings).severity == "error"
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM sqlite_master WHERE type='trigger'").fetchone()[0] == 0
    con.close()


def test_paths_relative_to_the_root_work_from_anywhere(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    write(project, "papers/cvpr2021/copy.yaml", OTA)
    monkeypatch.chdir(tmp_path)
    f = only(find_duplicates(project, [Path("papers/cvpr2021/copy.yaml")]).findings)
    assert (f.file, f.severity) == ("papers/cvpr2021/copy.yaml", "error")


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git-checkout"])
def test_a_warm_index_is_reused_not_rebuilt(project: Path, in_git: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # The second one-file check parses only the file being checked; an edited paper is the only other.
    import subprocess

    from paperlist.project import loader

    if in_git:
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@t"}
        for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "papers"]):
            subprocess.run(["git", *cmd], cwd=project, env=env, check=True)
    new = write(project, "papers/cvpr2021/new.yaml", 'title: "A fresh paper"\n')
    parsed: list[str] = []
    real = loader.parse_text

    def counting(pf: loader.PaperFile, raw: bytes, *rules: loader.FileRules) -> loader.PaperFile:
        parsed.append(pf.rel)
        return real(pf, raw, *rules)

    monkeypatch.setattr(loader, "parse_text", counting)
    assert find_duplicates(project, [new]).findings == []
    assert sorted(parsed) == ["papers/cvpr2020/zooming-slow-mo.yaml", "papers/cvpr2021/new.yaml",
                              "papers/cvpr2021/ota.yaml"]  # cold: the index is built
    parsed.clear()
    assert find_duplicates(project, [new]).findings == []
    assert parsed == ["papers/cvpr2021/new.yaml"]
    parsed.clear()
    write(project, "papers/cvpr2021/ota.yaml", OTA.replace("2103.14259", "2103.99999"))
    assert find_duplicates(project, [new]).findings == []
    assert sorted(parsed) == ["papers/cvpr2021/new.yaml", "papers/cvpr2021/ota.yaml"]


def test_a_damaged_title_word_posting_is_rebuilt_not_trusted(project: Path) -> None:
    # The postings that find a paper by its title words: emptied behind the checksum's back, the
    # duplicate would vanish; the checksum sends the index to a rebuild instead.
    import sqlite3

    new = write(project, "papers/cvpr2021/new.yaml",
                'title: "OTA: Optimal Transport Assignments for Object Detection"\n')
    assert only(find_duplicates(project, [new]).findings).extra["duplicate_of"] == "papers/cvpr2021/ota.yaml"
    con = sqlite3.connect(project / ".paperlist-cache" / "dupes-index.sqlite")
    damaged = con.execute("UPDATE words SET fids = zeroblob(length(fids))").rowcount
    con.commit()
    con.close()
    assert damaged > 0
    assert only(find_duplicates(project, [new]).findings).extra["duplicate_of"] == "papers/cvpr2021/ota.yaml"
