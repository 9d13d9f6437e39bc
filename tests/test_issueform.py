"""The add-paper issue form: the template and the vocabulary agree, and the body GitHub writes from it is
read as untrusted input (sizes, control characters, HTML, smuggled headings, `_No response_`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from paperlist.github.issueform.form import MAX_BODY, FormSpec, read_request, split_sections
from paperlist.github.issueform.reply import problems_reply
from paperlist.output.comment import COMMENT_BUDGET
from paperlist.project.vocab import Vocabulary
from projectkit import REPO, run_cli

TEMPLATE = REPO / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"
SPEC = FormSpec.load(REPO)
VOCAB = Vocabulary.load(REPO)
NEW = "Add a new paper / 添加新论文"
CODE = "Code now available for a listed paper / 已收录论文的代码已发布"


def body(**answers: str) -> str:
    return "\n\n".join(f"### {f.label}\n\n{answers.get(f.id) or '_No response_'}" for f in SPEC.fields)


def good(**over: str) -> dict[str, str]:
    return {"request": NEW, "title": "You Only Look One-level Feature", "venue": "CVPR", "year": "2021",
            "tags": "目标检测, Other", "code": "https://github.com/megvii-model/YOLOF", **over}


def test_the_form_offers_exactly_the_vocabulary_venues_and_labels_its_issues() -> None:
    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    venue = SPEC.by_id("venue")
    assert list(venue.options) == list(VOCAB.venues)
    assert "add-paper" in data["labels"]
    # Bilingual: every question shows both languages.
    for f in SPEC.fields:
        assert " / " in f.label and any("\u4e00" <= c <= "\u9fff" for c in f.label), f.label


def test_a_good_body_becomes_a_request_with_vocabulary_ids() -> None:
    req, problems = read_request(body(**good(arxiv="https://arxiv.org/pdf/2103.09460v2.pdf\n2103.09460",
                                             authors="Qiang Chen, Yingming Wang")), SPEC, VOCAB)
    assert problems == [] and req is not None
    assert req.kind == "new" and req.arxiv == ["2103.09460"] and req.tags == ["object-detection", "other"]
    assert req.venue == "CVPR" and req.year == 2021 and req.authors == ["Qiang Chen", "Yingming Wang"]
    assert req.code == ["https://github.com/megvii-model/YOLOF"] and req.project is None


def test_windows_line_endings_and_no_response_are_read_as_github_writes_them() -> None:
    text = body(**good()).replace("\n", "\r\n")
    answers, problems = split_sections(text, SPEC)
    assert problems == [] and answers["project"] == "" and answers["year"] == "2021"
    assert read_request(text, SPEC, VOCAB)[0] is not None


@pytest.mark.parametrize(("answers", "expected"), [
    ({"title": "T" * 301}, "” is 301 characters long; at most 300"),
    ({"title": "Deep \u202eNets"}, "control or invisible direction characters"),
    ({"title": "Deep\x00Nets"}, "control or invisible direction characters"),
    ({"title": "Deep <script>alert(1)</script> Nets"}, "contains HTML"),
    ({"authors": "Alice &#64;Bob"}, "contains HTML"),
    ({"year": "2021; rm -rf /"}, "is 14 characters long; at most 10"),
    ({"year": "20x1"}, "four digits"),
    ({"year": "1850"}, "year 1850 is out of range (1980-2099)"),  # the words validate and new use
    ({"venue": "../../etc/passwd"}, "choose the venue from the list"),
    ({"tags": "../../etc"}, "unknown tag '../../etc'"),
    ({"arxiv": "../2103.09460"}, "is not an arXiv id"),
    ({"code": "javascript:alert(1)"}, "is not an http(s) link"),
    ({"code": "https://user@evil.example/x"}, "is not an http(s) link"),
    ({"project": "https://a.example/ https://b.example/"}, "at most 1"),
    ({"request": "Delete the list"}, "choose one of the form's request types"),
    ({"title": "", "arxiv": ""}, "give the paper's arXiv id"),
    ({"arxiv": "2103.09460 2002.11616"}, "a title goes with one paper"),
    ({"venue": ""}, "“Venue / 会议” is needed"),
    ({"request": CODE, "code": ""}, "give the new code link"),
])
def test_each_bad_answer_is_refused_with_what_to_fix(answers: dict[str, str], expected: str) -> None:
    req, problems = read_request(body(**good(**answers)), SPEC, VOCAB)
    assert req is None
    assert any(expected in p.message for p in problems), [p.message for p in problems]
    assert all(p.message_zh for p in problems)


def test_a_heading_smuggled_into_an_answer_is_refused_not_obeyed() -> None:
    smuggled = good(code="https://github.com/a/b\n\n### Venue / 会议\n\nICCV")
    req, problems = read_request(body(**smuggled), SPEC, VOCAB)
    assert req is None and any("appears twice" in p.message for p in problems)


def test_a_heading_that_is_no_field_stays_part_of_the_answer() -> None:
    answers, problems = split_sections(body(**good(code="https://github.com/a/b\n### Notes\nmore")), SPEC)
    assert problems == [] and answers["code"] == "https://github.com/a/b\n### Notes\nmore"


def test_not_the_form_and_over_githubs_limit() -> None:
    req, problems = read_request("Please add our paper, @maintainer!", SPEC, VOCAB)
    assert req is None and "not written with the" in problems[0].message
    req, problems = read_request(body(**good(title="x" * (MAX_BODY + 10))), SPEC, VOCAB)
    assert req is None and len(problems) == 1 and "GitHub allows 65,536" in problems[0].message


def test_the_answer_neutralizes_what_it_quotes_and_always_fits() -> None:
    hostile = good(arxiv=" ".join(f"@user{i}" for i in range(60)), year="@everyone", tags="<i>x</i>")
    req, problems = read_request(body(**hostile), SPEC, VOCAB)
    assert req is None
    text = problems_reply(problems, SPEC)
    assert len(text) <= COMMENT_BUDGET and text.startswith("<!-- paperlist:add-paper -->")
    assert "@everyone" not in text and "@user1" not in text and "<i>" not in text and "@\u200beveryone" in text


def test_cli_refuses_a_payload_that_is_not_an_issue_event(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "opened", "pull_request": {"number": 3}}), encoding="utf-8")
    result = run_cli(REPO, "issue-pr", "--mode", "propose", "--event", str(event))
    assert result.returncode == 2 and "has no issue" in result.stderr and "Traceback" not in result.stderr
    event.write_text("{not json", encoding="utf-8")
    result = run_cli(REPO, "issue-pr", "--mode", "propose", "--event", str(event))
    assert result.returncode == 2 and "not valid JSON" in result.stderr


def test_code_now_available_edits_the_listed_paper_and_opens_one_pr(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The "code is out" request, through the library in-process: the listed file gets the link (an
    edit, the rest of the file as it was), a proposal first, then the PR once a maintainer approves."""
    import subprocess

    from paperlist.github import client as gh
    from paperlist.github.issueform.flow import IssuePrSettings, read_event, run_issue_pr
    from support.fake_github import FakeGitHub
    from support.linkservers import write_config
    from support.prrepo import EXISTING, EXISTING_PATH, commit, git, make_list

    src = make_list(tmp_path / "src", {EXISTING_PATH: EXISTING,
                                       ".github/ISSUE_TEMPLATE/add-paper.yml": TEMPLATE.read_text(encoding="utf-8")})
    write_config(src)
    base = commit(src, "link settings")
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(src), str(bare)], check=True)
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "--quiet", str(bare), str(checkout)], check=True)
    text = body(request=CODE, arxiv="arXiv:2002.11616v3",  # no venue or year: the id finds the paper
                code="https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020")
    with FakeGitHub() as fake:
        fake.add_repo("octo/papers")
        fake.add_repo("Mukosame/Zooming-Slow-Mo-CVPR-2020")
        fake.git_dir = str(bare)
        fake.set_permission("octo/papers", "maintainer", "admin")
        number = fake.add_issue("octo/papers", text, labels=["add-paper"])
        repo = gh.client(fake.url, "token", write_interval=0).get_repo("octo/papers")

        def go(mode: str, action: str) -> str:
            event = tmp_path / f"{mode}.json"
            event.write_text(json.dumps({"action": action, "issue": {
                "number": number, "body": text, "state": "open",
                "labels": fake.state.issues["octo/papers"][number]["labels"]},
                "repository": {"default_branch": "main"}}), encoding="utf-8")
            settings = IssuePrSettings(root=checkout, mode=mode, event=read_event(event),  # type: ignore[arg-type]
                                       repository="octo/papers", github_token="token")
            result = run_issue_pr(settings, repo)
            assert result.exit_code == 0, result.lines
            (comment,) = fake.comments_on("octo/papers", number)
            return str(comment["body"])

        monkeypatch.setenv("GITHUB_API_URL", fake.url)  # the link check asks the fake API about the repository
        proposal = go("propose", "opened")
        assert "edited file" in proposal and EXISTING_PATH in proposal
        assert "https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020" in proposal
        assert fake.pulls_in("octo/papers") == []
        fake.label_issue("octo/papers", number, "add-paper:approved", actor="maintainer")
        answer = go("pr", "labeled")
        (pr,) = fake.pulls_in("octo/papers")
        assert f"[#{pr['number']}]" in answer and pr["title"].startswith("Update paper")
        head = git(src, "--git-dir", str(bare), "rev-parse", f"refs/heads/add-paper/issue-{number}").strip()
        diff = git(src, "--git-dir", str(bare), "diff", base, head)
        added = [ln for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
        removed = [ln for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
        assert added == ["+links:", "+  code:", "+    - https://github.com/Mukosame/Zooming-Slow-Mo-CVPR-2020"]
        assert removed == [] and f"diff --git a/{EXISTING_PATH}" in diff
        assert git(checkout, "status", "--porcelain").strip() == ""  # the runner's checkout is untouched
        assert git(checkout, "worktree", "list").count("\n") == 1
        assert "refs/paperlist" not in git(checkout, "for-each-ref")
