"""The traps a first-time contributor falls into, on real git repositories and real files.

``paperlist check`` must not say "all clear" when it checked nothing (the paper file not
committed, only staged, or committed on main itself), and a YAML mistake gets a hint with
the fixed line as a one-click suggestion, in both languages, without noise after it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from paperlist.cli import main
from paperlist.output.comment import load_report, render_comment, review_comments
from support.prrepo import commit, git, make_list, write

NEW = "papers/cvpr2021/a-clean-new-paper.yaml"
GOOD = 'title: "A Clean New Paper"\nvenue: CVPR\nyear: 2021\ntags: [other]\n'
PVT_KEY = "papers/cvpr2021/pyramid-vision-transformer-a-versatile-backbone-for-dense-prediction-without.yaml"
PVT = ("title: Pyramid Vision Transformer: A Versatile Backbone for Dense Prediction without Convolutions\n"
       "venue: CVPR\nyear: 2021\narxiv: \"2102.12122\"\ntags: [other]\n")


@pytest.fixture(autouse=True)
def _not_in_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_EVENT_PATH", "PAPERLIST_TRUSTED", "GITHUB_TOKEN"):
        monkeypatch.delenv(var, raising=False)


def check(repo: Path, *extra: str) -> tuple[Result, dict]:  # type: ignore[type-arg]
    out = repo.parent / "report.json"
    result = CliRunner().invoke(main, ["--root", str(repo), "check", "--base", "main", "--no-links",
                                       "--report", str(out), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result, json.loads(out.read_text(encoding="utf-8"))


def on_branch(tmp_path: Path) -> Path:
    repo = make_list(tmp_path / "list")
    git(repo, "checkout", "--quiet", "-b", "add-paper")
    return repo


def test_an_uncommitted_paper_file_is_not_an_all_clear(tmp_path: Path) -> None:
    repo = on_branch(tmp_path)
    write(repo, NEW, GOOD)
    result, report = check(repo)
    assert result.exit_code == 1
    [f] = report["findings"]
    assert f["file"] == NEW and "untracked, not committed" in f["message"] and f["message_zh"]
    assert f"git add {NEW} && git commit" in f["hint"] and "--base main" in f["hint"]
    assert "git switch -c" not in f["hint"]  # already on a branch of its own
    git(repo, "checkout", "--quiet", "main")  # the same file while on main: make a branch first
    assert "git switch -c add-paper && git add" in check(repo)[1]["findings"][0]["hint"]
    assert "0 error(s)" not in result.output


def test_a_staged_but_uncommitted_file_is_named_as_staged(tmp_path: Path) -> None:
    repo = on_branch(tmp_path)
    write(repo, NEW, GOOD)
    git(repo, "add", NEW)
    result, report = check(repo)
    assert result.exit_code == 1
    assert any(f["file"] == NEW and "staged, not committed" in f["message"] for f in report["findings"])


def test_committed_on_main_itself_says_compare_with_the_upstream(tmp_path: Path) -> None:
    repo = make_list(tmp_path / "list")  # still on main
    write(repo, NEW, GOOD)
    commit(repo)
    result, report = check(repo)
    assert result.exit_code == 1
    [f] = report["findings"]
    assert "same commit as main" in f["message"] and "--base origin/main" in f["hint"] and f["hint_zh"]


def test_a_branch_with_no_change_is_not_an_all_clear(tmp_path: Path) -> None:
    repo = on_branch(tmp_path)
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "nothing")
    result, report = check(repo)
    assert result.exit_code == 1
    assert "changes nothing compared with main" in report["findings"][0]["message"]


def test_committed_paper_still_passes_and_a_stray_untracked_one_is_a_warning(tmp_path: Path) -> None:
    repo = on_branch(tmp_path)
    write(repo, NEW, GOOD)
    commit(repo)
    result, report = check(repo)
    assert result.exit_code == 0 and report["findings"] == []
    write(repo, "papers/cvpr2021/another-one.yaml", GOOD.replace("A Clean New Paper", "Another One"))
    result, report = check(repo)
    assert result.exit_code == 0
    assert [(f["severity"], f["check"]) for f in report["findings"]] == [("warning", "not-committed")]


def test_unquoted_colon_gets_a_bilingual_hint_a_one_click_fix_and_no_noise(tmp_path: Path) -> None:
    repo = on_branch(tmp_path)
    write(repo, PVT_KEY, PVT)
    commit(repo)
    result, report = check(repo)
    assert result.exit_code == 1
    [f] = report["findings"]  # no "not compared for duplicates", no "links not checked"
    assert f["line"] == 1 and "mapping values are not allowed" in f["message"]
    assert f["suggestion"] == ('title: "Pyramid Vision Transformer: A Versatile Backbone for Dense Prediction '
                               'without Convolutions"')
    assert "quoted" in f["hint"] and "引号" in f["hint_zh"] and "冒号" in f["message_zh"]
    loaded = load_report(_dump(tmp_path / "r.json", report))
    body = render_comment(loaded)
    assert "```suggestion\n" + f["suggestion"] in body and "引号" in body
    comments = review_comments(loaded)
    assert comments and comments[0]["line"] == 1 and f["suggestion"] in comments[0]["body"]
    # Applying the suggestion makes the file valid.
    fixed = PVT.replace(PVT.splitlines()[0], f["suggestion"])
    write(repo, PVT_KEY, fixed)
    commit(repo)
    assert check(repo)[0].exit_code == 0


def _dump(path: Path, data: dict) -> Path:  # type: ignore[type-arg]
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "line", "suggestion", "zh"), [
    ('title: "Tabbed Paper"\nvenue: CVPR\nyear: 2021\nlinks:\n\tcode: ["https://github.com/a/b"]\ntags: [other]\n',
     5, '  code: ["https://github.com/a/b"]', "Tab"),
    ('title: "An unclosed quote\nvenue: CVPR\nyear: 2021\ntags: [other]\n', 1, 'title: "An unclosed quote"', "引号"),
    ("title: A Paper\n\tvenue: CVPR\nyear: 2021\ntags: [other]\n", 2, "venue: CVPR", "Tab"),
])
def test_tabs_and_unclosed_quotes_get_a_checked_fix(tmp_path: Path, text: str, line: int, suggestion: str,
                                                    zh: str) -> None:
    from paperlist.project.loader import load_text

    pf = load_text(text, "papers/cvpr2021/x.yaml")
    [f] = pf.findings
    assert (f.line, f.suggestion) == (line, suggestion) and f.hint_zh and zh in f.hint_zh
    lines = text.splitlines()
    lines[line - 1] = suggestion
    assert load_text("\n".join(lines) + "\n", "papers/cvpr2021/x.yaml").parsed  # the fix really fixes it


def test_no_suggestion_when_quoting_would_swallow_a_comment() -> None:
    from paperlist.project.loader import load_text

    [f] = load_text("title: A: B  # my note\nvenue: CVPR\n", "papers/cvpr2021/x.yaml").findings
    assert f.hint and f.suggestion is None


def test_contributing_teaches_a_first_timer_what_works() -> None:
    import re

    from paperlist.infra.identity import arxiv_id
    from support.prrepo import PROJECT

    text = (PROJECT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    listed = {arxiv_id(m) for p in (PROJECT / "papers").rglob("*.yaml")
              for m in re.findall(r'arxiv: "([^"]+)"', p.read_text(encoding="utf-8"))}
    examples = re.findall(r"paperlist new --arxiv (\S+) --venue", text)
    assert examples and all(arxiv_id(i) not in listed for i in examples)  # the example adds a NEW paper
    assert "pre-commit install --hook-type pre-commit --hook-type pre-push" in text
    assert "python3 -m venv .venv" in text and "pipx" in text and "PEP 668" in text
    assert "python -m pip install -e ." not in text  # refused by Debian's system Python
    assert "git commit" in text and "paperlist check --base origin/main" in text and "git push" in text
    assert "issues/new?template=add-paper.yml" in text and "## 中文" in text


def test_every_finding_on_broken_files_is_bilingual_hints_included(tmp_path: Path) -> None:
    import shutil

    from paperlist.checks.validate import validate
    from projectkit import make_project

    root = make_project(tmp_path / "p")
    folder = root / "papers/cvpr2020"
    folder.mkdir(parents=True)
    for f in (Path(__file__).parent / "bad_input").glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    more = {"tag-name": "tags: [目标检测]", "author-digit": "authors: [Ann Lee1]\ntags: [other]",
            "arxiv-link": 'links: {paper: "https://arxiv.org/abs/2002.11616"}\ntags: [other]',
            "bad-url": 'links: {code: ["github.com/a/b"]}\ntags: [other]', "typo": "titel: x\ntags: [other]",
            "colon": "tags: [other]\nauthors: [A]\nnote: a: b"}
    for name, tail in more.items():
        (folder / f"{name}.yaml").write_text(f'title: "{name}"\nvenue: CVPR\nyear: 2020\n{tail}\n', encoding="utf-8")
    report = validate(root, sorted(folder.iterdir()))
    assert len(report.findings) > 35
    one_language = [(f.file, f.message) for f in report.findings if not f.message_zh or (f.hint and not f.hint_zh)]
    assert one_language == []
