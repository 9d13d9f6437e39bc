"""The comment, status and sweep issue against the fake GitHub API, through the real PyGithub client."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github import Auth, Github

from paperlist.findings import Finding, Report
from paperlist.github import client as gh
from paperlist.output.comment import GITHUB_LIMIT, MARKER, SWEEP_MARKER, Links, render_comment
from support.fake_github import FakeGitHub

REPO = "octo/papers"
SHA = "a" * 40


@pytest.fixture
def fake() -> FakeGitHub:
    with FakeGitHub(per_page_default=2) as f:  # small pages: the marker search must paginate
        f.add_repo(REPO)
        f.add_pull(REPO, 5, head_sha=SHA)
        yield f


def repo(fake: FakeGitHub):  # type: ignore[no-untyped-def]
    _, r = gh.from_env({"GITHUB_API_URL": fake.url, "GITHUB_REPOSITORY": REPO, "GITHUB_TOKEN": "t"},
                       write_interval=0)
    return r


def body(text: str) -> str:
    return f"{MARKER}\n{text}\n"


def test_first_comment_then_edit_in_place_then_unchanged(fake: FakeGitHub) -> None:
    for i in range(5):  # other people's comments on earlier pages
        fake.add_comment(REPO, 5, f"comment {i}")
    r = repo(fake)
    first = gh.upsert_comment(r, 5, body("one"), MARKER)
    assert first.action == "created"
    second = gh.upsert_comment(r, 5, body("two"), MARKER)
    assert second.action == "updated" and second.id == first.id
    posts = fake.count("POST", "/comments")
    patches = fake.count("PATCH", "/comments")
    third = gh.upsert_comment(r, 5, body("two"), MARKER)
    assert third.action == "unchanged"
    assert (fake.count("POST", "/comments"), fake.count("PATCH", "/comments")) == (posts, patches)
    ours = [c for c in fake.comments_on(REPO, 5) if c["body"].startswith(MARKER)]
    assert len(ours) == 1 and ours[0]["body"] == body("two")


def test_no_duplicate_after_a_502_on_create(fake: FakeGitHub) -> None:
    fake.fail_next_post_after_processing = True  # GitHub created it, the client saw 502
    outcome = gh.upsert_comment(repo(fake), 5, body("x"), MARKER)
    assert outcome.action == "created"  # found again by its marker after the 502
    assert len(fake.comments_on(REPO, 5)) == 1
    assert fake.count("POST", "/comments") == 1


def test_retry_never_creates_a_second_comment(fake: FakeGitHub) -> None:
    r = repo(fake)
    gh.upsert_comment(r, 5, body("first run"), MARKER)
    fake.fail_next_post_after_processing = True
    gh.upsert_comment(r, 5, body("re-run"), MARKER)
    assert len(fake.comments_on(REPO, 5)) == 1


def test_a_pasted_marker_in_someone_elses_comment_is_not_ours(fake: FakeGitHub) -> None:
    fake.add_comment(REPO, 5, body("hijack"), user="mallory")
    outcome = gh.upsert_comment(repo(fake), 5, body("real"), MARKER)
    assert outcome.action == "created"
    assert [c["body"] for c in fake.comments_on(REPO, 5)] == [body("hijack"), body("real")]


def test_state_change_edits_the_comment_and_the_status(fake: FakeGitHub) -> None:
    r = repo(fake)
    failing = Report([Finding("papers/x/a.yaml", "error", "schema", "bad", line=2)], files=1,
                     meta={"head_sha": SHA})
    passing = Report([], files=1, meta={"head_sha": SHA})
    links = Links(repository=REPO, pr=5)
    one = gh.upsert_comment(r, 5, render_comment(failing, links), MARKER)
    gh.set_status(r, SHA, "failure", "1 error", target_url=one.url)
    two = gh.upsert_comment(r, 5, render_comment(passing, links), MARKER)
    gh.set_status(r, SHA, "success", "all checks passed", target_url=two.url)
    assert two.action == "updated" and two.id == one.id
    assert "all checks passed" in fake.comments_on(REPO, 5)[0]["body"]
    states = [s["state"] for s in fake.statuses_for(SHA)]
    assert states == ["success", "failure"]  # newest first, as GitHub lists them
    assert fake.statuses_for(SHA)[0]["target_url"] == one.url


def test_thousands_of_findings_still_fit(fake: FakeGitHub) -> None:
    findings = [Finding(f"papers/cvpr2021/p{i:05}.yaml", "error", "schema", "x" * 200 + " @someone", line=3,
                        message_zh="错误" * 50, hint="fix it " * 20) for i in range(5000)]
    report = Report(findings, files=5000, meta={"head_sha": SHA, "run_id": 9})
    text = render_comment(report, Links(repository=REPO, pr=5, summary_url="https://github.com/octo/papers/x"))
    assert len(text) <= GITHUB_LIMIT
    assert "paperlist found 5000 errors" in text and "more findings not shown here" in text
    assert "https://github.com/octo/papers/x" in text
    outcome = gh.upsert_comment(repo(fake), 5, text, MARKER)
    assert outcome.action == "created"


def test_the_fake_refuses_bodies_over_the_limit_and_we_say_so(fake: FakeGitHub) -> None:
    with pytest.raises(gh.GitHubError, match="422"):
        gh.upsert_comment(repo(fake), 5, body("x" * GITHUB_LIMIT), MARKER)
    assert fake.comments_on(REPO, 5) == []


def test_get_user_is_403_and_never_needed(fake: FakeGitHub) -> None:
    client = gh.client(fake.url, "t", write_interval=0)
    with pytest.raises(Exception, match="403"):
        _ = client.get_user().login
    before = fake.count("GET", r"^/user$")
    gh.upsert_comment(repo(fake), 5, body("x"), MARKER)
    assert fake.count("GET", r"^/user$") == before


def test_pr_head_and_missing_token(fake: FakeGitHub) -> None:
    assert gh.pr_head_sha(repo(fake), 5) == SHA
    fake.set_head(REPO, 5, "b" * 40)
    assert gh.pr_head_sha(repo(fake), 5) == "b" * 40
    with pytest.raises(gh.UsageError):
        gh.from_env({"GITHUB_REPOSITORY": REPO})


def test_sweep_issue_opens_updates_and_closes(fake: FakeGitHub) -> None:
    r = repo(fake)
    opened = gh.sync_issue(r, "Broken links", f"{SWEEP_MARKER}\none", SWEEP_MARKER)
    assert opened.action == "created"
    assert gh.sync_issue(r, "Broken links", f"{SWEEP_MARKER}\none", SWEEP_MARKER).action == "unchanged"
    updated = gh.sync_issue(r, "Broken links", f"{SWEEP_MARKER}\ntwo", SWEEP_MARKER)
    assert updated.action == "updated" and updated.id == opened.id
    assert len(fake.issues_in(REPO)) == 1
    closed = gh.sync_issue(r, "Broken links", None, SWEEP_MARKER)
    assert closed.action == "closed" and fake.issues_in(REPO)[0]["state"] == "closed"
    assert gh.sync_issue(r, "Broken links", None, SWEEP_MARKER).action == "unchanged"
    again = gh.sync_issue(r, "Broken links", f"{SWEEP_MARKER}\nthree", SWEEP_MARKER)
    assert again.action == "created" and len(fake.issues_in(REPO)) == 2


def test_fake_repositories_redirect_and_404(fake: FakeGitHub) -> None:
    fake.add_repo("old/name", renamed_to="new/name")
    client = Github(base_url=fake.url, auth=Auth.Token("t"), retry=None)
    assert client.get_repo("old/name").full_name == "new/name"
    with pytest.raises(Exception, match="404"):
        client.get_repo("no/such")


# -- the commands, as the workflows call them ------------------------------------------------------
def _cli(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from paperlist.cli import main

    for k, v in {"GITHUB_API_URL": fake.url, "GITHUB_REPOSITORY": REPO, "GITHUB_TOKEN": "t",
                 "GITHUB_SERVER_URL": "https://github.com"}.items():
        monkeypatch.setenv(k, v)
    return CliRunner().invoke(main, list(args))


def _write(tmp_path, report: Report, name: str = "r.json"):  # type: ignore[no-untyped-def]
    import json

    p = tmp_path / name
    p.write_text(json.dumps(report.to_dict()), encoding="utf-8")
    return p


def test_comment_command_refuses_bad_reports(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    no_head = _write(tmp_path, Report([], files=1))
    r = _cli(fake, monkeypatch, "comment", "--report", str(no_head), "--pr", "5")
    assert r.exit_code == 2 and "head_sha" in r.output
    other_pr = _write(tmp_path, Report([], files=1, meta={"head_sha": SHA, "pr": 6}))
    r = _cli(fake, monkeypatch, "comment", "--report", str(other_pr), "--pr", "5")
    assert r.exit_code == 2 and "not #5" in r.output
    monkeypatch.delenv("GITHUB_TOKEN")
    good = _write(tmp_path, Report([], files=1, meta={"head_sha": SHA, "pr": 5}))
    from click.testing import CliRunner

    from paperlist.cli import main

    r = CliRunner().invoke(main, ["comment", "--report", str(good), "--pr", "5"])
    assert r.exit_code == 2 and "GITHUB_TOKEN" in r.output
    assert fake.comments_on(REPO, 5) == []


def test_comment_command_posts_and_sets_status(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = _write(tmp_path, Report([], files=1, meta={"head_sha": SHA, "pr": 5, "papers_checked": ["p"]}))
    r = _cli(fake, monkeypatch, "comment", "--report", str(good), "--pr", "5", "--head-sha", SHA)
    assert r.exit_code == 0, r.output
    assert "comment created" in r.output and "status success" in r.output
    assert fake.statuses_for(SHA)[0]["state"] == "success"


def test_sweep_issue_command(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = Finding("papers/cvpr2021/a.yaml", "error", "links", "404 Not Found", line=4,
                     extra={"url": "https://example.org/gone"})
    shard1 = _write(tmp_path, Report([broken], files=3), "links-1.json")
    shard2 = _write(tmp_path, Report([], files=3), "links-2.json")
    r = _cli(fake, monkeypatch, "sweep-issue", "--report", str(shard1), "--report", str(shard2))
    assert r.exit_code == 0 and "issue created" in r.output, r.output
    [issue] = fake.issues_in(REPO)
    assert issue["body"].startswith(SWEEP_MARKER) and "example.org/gone" in issue["body"]
    assert issue["labels"] == [{"name": gh.SWEEP_LABEL}]
    fixed = _write(tmp_path, Report([], files=3), "links-1.json")
    r = _cli(fake, monkeypatch, "sweep-issue", "--report", str(fixed), "--report", str(shard2))
    assert r.exit_code == 0 and "issue closed" in r.output
    assert fake.issues_in(REPO)[0]["state"] == "closed"


def test_a_used_up_rate_limit_is_an_error_at_once(fake: FakeGitHub) -> None:
    fake.rate_limit_remaining = 0
    with pytest.raises(gh.GitHubError, match="rate limit"):
        gh.upsert_comment(repo(fake), 5, body("x"), MARKER)
    assert fake.count("GET", "/comments") == 1  # asked once, no silent waiting and retrying


def test_sweep_issue_is_worded_for_a_sweep_and_keeps_errors_when_cut(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Thousands of warnings in files that sort first, a few errors in files that sort last: the cut
    # to GitHub's size limit must drop warnings, never the broken links the issue is about.
    warnings = [Finding(f"papers/aaa{i:04d}/w.yaml", "warning", "link", "could not confirm link " + "x" * 120,
                        line=3, extra={"url": f"https://example.org/slow/{i}"}) for i in range(1500)]
    errors = [Finding(f"papers/zzz{i}/e.yaml", "error", "link", "broken link: HTTP 404 (not found)", line=4,
                      extra={"url": f"https://example.org/gone/{i}"}) for i in range(5)]
    shard = _write(tmp_path, Report(warnings + errors, files=1505), "links-1.json")
    r = _cli(fake, monkeypatch, "sweep-issue", "--report", str(shard))
    assert r.exit_code == 0 and "issue created" in r.output, r.output
    [issue] = fake.issues_in(REPO)
    body = issue["body"]
    assert len(body) <= 65536
    assert all(f"example.org/gone/{i}" in body for i in range(5))  # every error kept
    assert "more finding" in body  # and the cut said so
    assert "link sweep found 5 broken links" in body and "before merging" not in body
    assert "每周链接检查" in body and "paperlist links --all" in body


def test_sweep_issue_from_a_run_without_network_touches_nothing(fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = Finding("papers/cvpr2021/a.yaml", "error", "links", "404 Not Found", line=4,
                     extra={"url": "https://example.org/gone"})
    r = _cli(fake, monkeypatch, "sweep-issue", "--report", str(_write(tmp_path, Report([broken], files=3))))
    assert r.exit_code == 0 and "issue created" in r.output
    before = json.dumps(fake.issues_in(REPO), sort_keys=True)
    offline = Report([Finding("(network)", "warning", "link", "network unavailable: …")], files=3,
                     meta={"links": {"network": "unavailable", "network_reason": "network unavailable: 4 hosts"}})
    # Neither closed (no errors in an offline run's report) nor updated, and the job says why.
    for reports in ([offline], [_write(tmp_path, Report([], files=3), "ok.json"), offline]):
        args = [a for rep in reports for a in ("--report", str(rep if isinstance(rep, Path) else
                                                             _write(tmp_path, rep, "offline.json")))]
        r = _cli(fake, monkeypatch, "sweep-issue", *args)
        assert r.exit_code == 3, r.output
        assert "network unavailable" in r.output and "no issue opened, updated or closed" in r.output
        assert json.dumps(fake.issues_in(REPO), sort_keys=True) == before
