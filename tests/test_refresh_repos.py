"""``paperlist refresh repos`` against the stand-in GitHub's GraphQL endpoint, over loopback HTTP.

Each test names the naive implementation it would catch: a run that asks again what it already
knows, that writes when it could not reach GitHub, that believes any answer, that crashes on a
deleted repository, or that drops a folder from the shards.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from paperlist.github.graphql import GraphQLClient, GraphQLError, build_query
from paperlist.github.refresh import RefreshReposSettings, run_refresh_repos
from paperlist.project import repodata
from paperlist.project.shards import partition
from projectkit import add_paper, make_project, run_cli, tree_digest
from support.fake_github import FakeGitHub
from support.prrepo import git as _git

DAY = dt.date(2026, 12, 7)


def settings(root: Path, gh: FakeGitHub, **kw: Any) -> RefreshReposSettings:
    kw.setdefault("today", DAY)
    kw.setdefault("sleep", lambda s: None)
    return RefreshReposSettings(root=root, token="t0ken", graphql_url=f"{gh.url}/graphql", **kw)


def project(tmp_path: Path, repos: dict[str, list[str]]) -> Path:
    """A project whose papers link ``repos`` (folder "cvpr2020" … → list of owner/name, one paper each)."""
    root = make_project(tmp_path / "proj")
    for folder, names in repos.items():
        year = int(folder[-4:])
        venue = folder[:-4].upper()
        for i, name in enumerate(names):
            add_paper(root, f"Paper {i} of {folder} {name.replace('/', ' ')}", venue=venue, year=year,
                      links={"code": [f"https://github.com/{name}"]})
    return root


def data(root: Path, folder: str) -> dict[str, Any]:
    path = root / "data" / "repos" / f"{folder}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def test_query_names_travel_as_variables_never_in_the_query_text() -> None:
    query, variables = build_query(["octo/one", "Octo-Org/two.js"])
    assert "r1: repository(owner: $o1, name: $n1)" in query and "octo" not in query
    assert variables == {"o0": "octo", "n0": "one", "o1": "Octo-Org", "n1": "two.js"}
    assert "rateLimit { cost remaining resetAt }" in query
    with pytest.raises(ValueError):
        build_query(['octo/x") { id } evil: viewer { login'])


def test_stars_archived_renamed_and_gone_in_one_query(tmp_path: Path) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/alive", "octo/old-name", "octo/frozen", "octo/deleted"]})
    with FakeGitHub() as gh:
        gh.add_repo("octo/alive", stars=1234, pushed_at="2026-11-30T10:00:00Z")
        gh.add_repo("octo/frozen", stars=7, archived=True, pushed_at="2019-01-02T00:00:00Z", license=None)
        gh.add_repo("octo/old-name", renamed_to="NewOwner/New-Name")
        gh.state.repos["newowner/new-name"].stargazers_count = 55
        result = run_refresh_repos(settings(root, gh))
        assert len(gh.graphql_queries) == 1 and sorted(gh.graphql_queries[0]) == sorted(
            ["octo/alive", "octo/old-name", "octo/frozen", "octo/deleted"])
    assert result.queries == 1 and result.points == 1 and result.remaining == 4999
    got = data(root, "cvpr2020")
    assert got["octo/alive"] == {"archived": False, "branch": "main", "checked": "2026-12-07", "disabled": False,
                                 "license": "MIT", "pushed": "2026-11-30", "stars": 1234}
    assert got["octo/frozen"]["archived"] is True and got["octo/frozen"]["license"] is None
    assert got["octo/deleted"] == {"checked": "2026-12-07", "gone": True}
    # The paper now links the new name, and the data is keyed by it.
    assert "newowner/new-name" in got and "octo/old-name" not in got and got["newowner/new-name"]["stars"] == 55
    moved_paper = next((root / "papers" / "cvpr2020").glob("*old-name*"))
    assert "https://github.com/NewOwner/New-Name" in moved_paper.read_text()
    assert "octo/old-name" not in moved_paper.read_text()
    assert result.moved == [{"repo": "octo/old-name", "to": "NewOwner/New-Name",
                             "files": [moved_paper.relative_to(root).as_posix()],
                             "written": [moved_paper.relative_to(root).as_posix()]}]
    assert result.archived == ["octo/frozen"] and result.gone == ["octo/deleted"]
    gone = [f for f in result.findings if f.extra.get("repo") == "octo/deleted"]
    assert gone and gone[0].severity == "warning" and gone[0].line == 4  # the links line (written in flow style here)
    assert result.exit_code == 0


def test_moved_repository_rewrite_keeps_comments_and_subpath(tmp_path: Path) -> None:
    root = make_project(tmp_path / "proj")
    path = root / "papers" / "cvpr2021" / "a-paper.yaml"
    path.parent.mkdir(parents=True)
    path.write_text('title: "A Paper"\nvenue: CVPR\nyear: 2021\nlinks:\n  code:\n'
                    '    # the official code\n    - https://github.com/old/repo/tree/master/sub  # keep me\n'
                    'tags: [other]\n', encoding="utf-8")
    with FakeGitHub() as gh:
        gh.add_repo("old/repo", renamed_to="new/repo")
        dry = run_refresh_repos(settings(root, gh, dry_run=True))
        assert "old/repo" in path.read_text() and not (root / "data").exists()  # a dry run writes nothing
        assert dry.moved[0]["written"] == []
        run_refresh_repos(settings(root, gh))
    text = path.read_text()
    assert "    - https://github.com/new/repo/tree/master/sub  # keep me\n" in text
    assert "# the official code" in text


def test_budget_stop_then_the_next_run_resumes_without_asking_again(tmp_path: Path) -> None:
    # 12 folders of 100 repositories: 12 queries if the budget allowed.
    names = {f"cvpr{2000 + i}": [f"owner{i}/repo{j}" for j in range(100)] for i in range(12)}
    root = project(tmp_path, names)
    with FakeGitHub() as gh:
        for repos in names.values():
            for r in repos:
                gh.add_repo(r, stars=3)
        gh.graphql_remaining = 10
        first = run_refresh_repos(settings(root, gh, budget_floor=5))
        assert first.stopped_for_budget and first.queries == 5 and first.counts["left"] == 700
        asked_first = {r for q in gh.graphql_queries for r in q}
        assert len(asked_first) == 500
        gh.graphql_remaining = 1000  # the hour turned over
        gh.graphql_queries.clear()
        second = run_refresh_repos(settings(root, gh, budget_floor=5))
        asked_second = {r for q in gh.graphql_queries for r in q}
    assert not second.stopped_for_budget and second.queries == 7
    assert not asked_first & asked_second, "the second run asked again what the first had answered"
    assert len(asked_first | asked_second) == 1200
    assert all(len(data(root, f)) == 100 for f in names)
    assert any("left for the next run" in f.message for f in first.findings)


def test_a_used_up_budget_mid_run_stops_cleanly_and_keeps_what_was_answered(tmp_path: Path) -> None:
    names = {f"cvpr{2000 + i}": [f"o{i}/r{j}" for j in range(100)] for i in range(3)}
    root = project(tmp_path, names)
    with FakeGitHub() as gh:
        for repos in names.values():
            for r in repos:
                gh.add_repo(r)
        gh.graphql_remaining = 2  # and no floor: the third query meets GitHub's RATE_LIMITED
        result = run_refresh_repos(settings(root, gh, budget_floor=0))
    assert result.stopped_for_budget and result.queries == 2 and result.counts["left"] == 100
    assert [len(data(root, f)) for f in sorted(names)] == [100, 100, 0]
    assert result.exit_code == 0  # the next run resumes; nothing is wrong


def test_a_hand_edited_data_file_is_not_trusted(tmp_path: Path) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/a", "octo/b"]})
    path = root / "data" / "repos" / "cvpr2020.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"octo/a": {"checked": "2026-13-45", "stars": 1, "archived": False,
                                           "disabled": False}, "../x": {"checked": "2026-12-07", "gone": True},
                                "octo/b": {"checked": "2026-12-07", "stars": "many", "archived": False,
                                           "disabled": False}}))
    loaded, findings = repodata.load_folder(root, "data/repos", "cvpr2020")
    assert loaded == {} and findings and "3 entries" in findings[0].message
    with FakeGitHub() as gh:
        gh.add_repo("octo/a", stars=1)
        gh.add_repo("octo/b", stars=2)
        result = run_refresh_repos(settings(root, gh))
    assert result.counts["checked"] == 2 and data(root, "cvpr2020")["octo/b"]["stars"] == 2


def test_partial_failure_keeps_what_was_learned_and_leaves_the_rest(tmp_path: Path) -> None:
    names = {"cvpr2020": [f"a/r{j}" for j in range(100)], "cvpr2021": [f"b/r{j}" for j in range(100)]}
    root = project(tmp_path, names)
    before = {"b/r0": {"archived": False, "branch": "main", "checked": "2026-11-01", "disabled": False,
                       "license": "MIT", "pushed": "2026-10-01", "stars": 41}}
    repodata.save_folder(root, "data/repos", "cvpr2021", before)
    with FakeGitHub() as gh:
        for repos in names.values():
            for r in repos:
                gh.add_repo(r, stars=9)
        # The first batch answers; the second fails four times running (502 is retried 3 times).
        gh.graphql_script = [("ok", None)] + [("502", None)] * 4
        result = run_refresh_repos(settings(root, gh))
        assert gh.graphql_posts == 5
    assert result.counts["checked"] == 100 and result.counts["failed"] == 100 and result.exit_code == 1
    assert len(data(root, "cvpr2020")) == 100
    assert data(root, "cvpr2021") == before, "a failed batch must leave the old data as it was"
    failed = [f for f in result.findings if f.severity == "error"]
    assert failed and "asked again next run" in failed[0].message and failed[0].file == "data/repos/cvpr2021.json"


def test_a_502_once_is_retried_and_a_secondary_limit_is_waited_out(tmp_path: Path) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/a"]})
    waits: list[float] = []
    with FakeGitHub() as gh:
        gh.add_repo("octo/a", stars=5)
        gh.graphql_script = [("502", None), ("secondary", "7"), ("429", "3")]
        result = run_refresh_repos(settings(root, gh, sleep=waits.append))
        assert gh.graphql_posts == 4
    assert data(root, "cvpr2020")["octo/a"]["stars"] == 5 and result.exit_code == 0
    assert 7.0 in waits and 3.0 in waits  # Retry-After honoured, as asked


def test_a_long_secondary_limit_stops_the_run_instead_of_stalling(tmp_path: Path) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/a"]})
    waits: list[float] = []
    with FakeGitHub() as gh:
        gh.add_repo("octo/a", stars=5)
        gh.graphql_script = [("secondary", "3600")]
        result = run_refresh_repos(settings(root, gh, sleep=waits.append))
    assert result.stopped_for_budget and 3600.0 not in waits and not data(root, "cvpr2020")


def test_network_down_changes_nothing_and_exits_3(tmp_path: Path) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/a", "octo/b"]})
    old = {"archived": False, "branch": "main", "checked": "2026-01-01", "disabled": False, "license": "MIT",
           "pushed": "2025-12-01", "stars": 1}
    # octo/unlinked is no longer in any paper: a run that could check nothing must not even prune it.
    repodata.save_folder(root, "data/repos", "cvpr2020", {"octo/a": old, "octo/unlinked": old})
    before = tree_digest(root)
    env = {**os.environ, "GITHUB_TOKEN": "t", "GITHUB_GRAPHQL_URL": "http://127.0.0.1:9/graphql"}
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "paperlist", "--root", str(root), "refresh", "repos"],
                       capture_output=True, text=True, env=env, timeout=120, check=False)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "network unavailable" in r.stderr and "nothing was changed" in r.stdout
    assert tree_digest(root) == before


def test_missing_token_is_a_usage_error(tmp_path: Path) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/a"]})
    r = run_cli(root, "refresh", "repos")
    assert r.returncode == 2 and "GITHUB_TOKEN is not set" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("hostile, why", [
    ({"nameWithOwner": "octo/../../etc", "stargazerCount": 1, "isArchived": False, "isDisabled": False,
      "pushedAt": None, "defaultBranchRef": None, "licenseInfo": None}, "not a GitHub repository name"),
    ({"nameWithOwner": "octo/a\x1b[31m", "stargazerCount": 1, "isArchived": False, "isDisabled": False,
      "pushedAt": None, "defaultBranchRef": None, "licenseInfo": None}, "not a GitHub repository name"),
    ({"nameWithOwner": "octo/a", "stargazerCount": "9999999", "isArchived": False, "isDisabled": False,
      "pushedAt": None, "defaultBranchRef": None, "licenseInfo": None}, "not a count"),
])
def test_hostile_repository_answers_are_refused_with_a_finding(tmp_path: Path, hostile: dict[str, Any],
                                                               why: str) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/a", "octo/b"]})
    paper = next((root / "papers" / "cvpr2020").glob("*octo-a*"))
    before = paper.read_bytes()
    with FakeGitHub() as gh:
        gh.add_repo("octo/b", stars=2)
        gh.graphql_override["octo/a"] = hostile
        result = run_refresh_repos(settings(root, gh))
    refused = [f for f in result.findings if f.extra.get("repo") == "octo/a"]
    assert refused and refused[0].severity == "error" and why in refused[0].message
    assert refused[0].file == paper.relative_to(root).as_posix()
    got = data(root, "cvpr2020")
    assert "octo/a" not in got and got["octo/b"]["stars"] == 2  # the rest of the batch is kept
    assert paper.read_bytes() == before and not result.moved  # a hostile "new name" never reaches a file
    assert result.exit_code == 1


@pytest.mark.parametrize("kind", ["huge", "huge-length"])
def test_a_50_mb_answer_is_refused_unread(tmp_path: Path, kind: str) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/a"]})
    with FakeGitHub() as gh:
        gh.add_repo("octo/a", stars=2)
        gh.graphql_script = [(kind, None)]
        result = run_refresh_repos(settings(root, gh, max_body=1024 * 1024))
    errors = [f for f in result.findings if f.severity == "error"]
    assert errors and "cap" in errors[0].message and not data(root, "cvpr2020")


def test_client_refuses_a_huge_body_without_reading_it_all() -> None:
    read: list[int] = []
    with FakeGitHub() as gh:
        gh.graphql_script = [("huge", None)]
        client = GraphQLClient(f"{gh.url}/graphql", "t", max_body=256 * 1024)
        orig = client._read_capped

        def spy(resp: Any) -> bytes:
            real = resp.read

            def counting(n: int = -1) -> bytes:
                chunk = real(n)
                read.append(len(chunk))
                return chunk
            resp.read = counting
            return orig(resp)
        client._read_capped = spy  # type: ignore[method-assign]
        with pytest.raises(GraphQLError) as e:
            client.repositories(["octo/a"])
    assert e.value.kind == "refused" and sum(read) <= 256 * 1024 + 65536


def test_shards_cover_every_folder_exactly_once_balanced_by_papers() -> None:
    sizes = {f"f{i:02d}": (i * 37) % 101 + 1 for i in range(40)}
    for n in (1, 2, 3, 4, 7):
        shards = partition(sizes, n)
        flat = [f for s in shards for f in s]
        assert sorted(flat) == sorted(sizes) and len(flat) == len(set(flat))
        loads = [sum(sizes[f] for f in s) for s in shards]
        assert max(loads) - min(loads) <= max(sizes.values())
        assert partition(dict(reversed(list(sizes.items()))), n) == shards  # the same split however listed
    # Balanced by papers, not by folder count: one huge folder sits alone.
    assert partition({"big": 1000, "a": 10, "b": 10, "c": 10}, 2) == [["big"], ["a", "b", "c"]]


def test_shard_runs_touch_only_their_folders_and_together_cover_all(tmp_path: Path) -> None:
    names = {f"cvpr{2010 + i}": [f"o{i}/r{j}" for j in range(i + 1)] for i in range(6)}
    root = project(tmp_path, names)
    with FakeGitHub() as gh:
        for repos in names.values():
            for r in repos:
                gh.add_repo(r, stars=1)
        seen: list[str] = []
        for i in (1, 2, 3):
            result = run_refresh_repos(settings(root, gh, shard=(i, 3)))
            assert not set(seen) & set(result.folders)
            seen += result.folders
            written = {Path(c).stem for c in result.changed}
            assert written <= set(result.folders)
    assert sorted(seen) == sorted(names)
    assert all(len(data(root, f)) == len(r) for f, r in names.items())


def test_data_files_are_byte_stable_on_a_rerun_with_the_same_answers(tmp_path: Path) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/b", "octo/a", "Octo/C"], "cvpr2021": ["octo/a"]})
    with FakeGitHub() as gh:
        for r, s in (("octo/a", 3), ("octo/b", 4), ("Octo/C", 5)):
            gh.add_repo(r, stars=s)
        run_refresh_repos(settings(root, gh))
        first = tree_digest(root)
        again = run_refresh_repos(settings(root, gh, max_age_days=0))  # asks everything again
        assert again.counts["checked"] == 3 and again.changed == []
    assert tree_digest(root) == first
    text = (root / "data/repos/cvpr2020.json").read_text()
    assert text.splitlines()[1].startswith(' "octo/a": {"archived":false,')
    assert list(json.loads(text)) == ["octo/a", "octo/b", "octo/c"]  # sorted, lower-cased keys


def test_cli_summary_and_json(tmp_path: Path) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/a", "octo/gone"]})
    with FakeGitHub() as gh:
        gh.add_repo("octo/a", stars=2, archived=True)
        env = {**os.environ, "GITHUB_TOKEN": "t", "GITHUB_API_URL": gh.url}
        import subprocess
        import sys
        r = subprocess.run([sys.executable, "-m", "paperlist", "--root", str(root), "refresh", "repos",
                            "--summary", str(tmp_path / "s.json"), "--format", "json", "--shard", "1/1"],
                           capture_output=True, text=True, env=env, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out == json.loads((tmp_path / "s.json").read_text())
    assert out["archived"] == ["octo/a"] and out["gone"] == ["octo/gone"] and out["queries"] == 1
    assert out["points"] == 1 and out["stopped_for_budget"] is False and out["shard"] == "1/1"


# -- what readers see: pages and site ----------------------------------------------------------------
def _entry(stars: int, *, archived: bool = False, pushed: str = "2026-11-01") -> dict[str, Any]:
    return {"archived": archived, "branch": "main", "checked": "2026-12-07", "disabled": False, "license": "MIT",
            "pushed": pushed, "stars": stars}


def test_pages_show_stars_and_archived_and_follow_new_data(tmp_path: Path) -> None:
    root = project(tmp_path, {"cvpr2020": ["octo/popular", "octo/frozen", "octo/unknown"]})
    (root / ".gitignore").write_text(".paperlist-cache/\n")
    repodata.save_folder(root, "data/repos", "cvpr2020", {"octo/popular": _entry(12345),
                                                        "octo/frozen": _entry(7, archived=True)})
    _git(root, "init", "--quiet")
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "papers")
    r = run_cli(root, "render")
    assert r.returncode == 0, r.stderr
    page = (root / "lists" / "cvpr2020.md").read_text()
    popular = next(line for line in page.splitlines() if "octo/popular" in line)
    frozen = next(line for line in page.splitlines() if "octo/frozen" in line)
    unknown = next(line for line in page.splitlines() if "octo/unknown" in line)
    assert "(https://github.com/octo/popular) ⭐ 12k" in popular and "archived" not in popular
    assert "⭐ 7 🗄️ 已归档 archived" in frozen
    assert "⭐" not in unknown
    # New data alone (no paper changed) must reach the pages: render's memo is keyed by it too.
    repodata.save_folder(root, "data/repos", "cvpr2020", {"octo/popular": _entry(99),
                                                        "octo/frozen": _entry(7, archived=True)})
    r = run_cli(root, "render")
    assert r.returncode == 0 and "1 file(s) updated" in r.stdout, r.stdout
    assert "(https://github.com/octo/popular) ⭐ 99" in (root / "lists" / "cvpr2020.md").read_text()


def test_site_data_carries_stars_lazily_and_stale_code_sparsely(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from paperlist.cli import main

    root = project(tmp_path, {"cvpr2020": ["octo/a", "octo/b", "octo/c", "octo/d"]})
    repodata.save_folder(root, "data/repos", "cvpr2020", {
        "octo/a": _entry(10), "octo/b": _entry(500, archived=True), "octo/c": _entry(3, pushed="2023-01-01")})
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["--root", str(root), "site", "--out", str(out)])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "data/meta.json").read_text())
    facets = json.loads((out / "data/facets.json").read_text())
    stars = json.loads((out / "data/stars.json").read_text())
    records = json.loads((out / "data/p/0.json").read_text())
    assert meta["repos"] is True and len(stars) == 4
    by_code = {rec[6][0].rsplit("/", 1)[1]: (n, rec) for n, rec in enumerate(records)}
    assert stars[by_code["a"][0]] == 10 and stars[by_code["b"][0]] == 500 and stars[by_code["d"][0]] == 0
    assert sorted(facets["stale"]) == sorted([by_code["b"][0], by_code["c"][0]])  # archived; no push for 2 years
    assert by_code["b"][1][12] == [[500, 1, 1]] and len(by_code["d"][1]) == 12  # unknown: no codeInfo field


def test_site_page_shows_stars_sorts_by_them_and_filters_stale_code(tmp_path: Path) -> None:
    from support.sitebrowser import need_browser

    need_browser()
    from click.testing import CliRunner
    from playwright.sync_api import expect, sync_playwright

    from paperlist.cli import main
    from support.sitebrowser import guard, launch, serve

    root = project(tmp_path, {"cvpr2020": ["octo/a", "octo/b", "octo/c", "octo/d"]})
    repodata.save_folder(root, "data/repos", "cvpr2020", {
        "octo/a": _entry(10), "octo/b": _entry(1500, archived=True), "octo/c": _entry(3, pushed="2023-01-01")})
    out = tmp_path / "site"
    assert CliRunner().invoke(main, ["--root", str(root), "site", "--out", str(out)]).exit_code == 0
    with serve(out) as url, sync_playwright() as pw:
        browser = launch(pw)
        context = browser.new_context(locale="en-US")
        guard(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        fetched: list[str] = []
        page.on("request", lambda req: fetched.append(req.url))
        page.goto(url)
        page.wait_for_selector("#results[aria-busy=false] #list > li")
        assert not any("stars.json" in u for u in fetched), "the first view must not fetch the stars file"
        art = page.locator("#list article", has_text="octo b")
        assert art.locator(".stars").inner_text().strip() == "★ 1.5k"
        assert art.locator(".archived").inner_text() == "archived"
        assert page.inner_text("label[for='f-stale-1']") == "Archived or no activity for 2 years (2)"
        page.select_option("#sort", "stars")
        page.wait_for_selector("#results[aria-busy=false]")
        page.wait_for_selector("#list > li:first-child h3:has-text('octo b')")
        titles = [t.strip() for t in page.locator("#list h3").all_inner_texts()]
        assert [t.split(" of cvpr2020 ")[1] for t in titles] == ["octo b", "octo a", "octo c", "octo d"]
        assert "sort=stars" in page.url and any("stars.json" in u for u in fetched)
        page.check("#f-stale-1")
        expect(page.locator("#list > li")).to_have_count(2)
        assert "stale=1" in page.url and page.inner_text("#count") == "2 of 4 papers"
        titles = [t.strip() for t in page.locator("#list h3").all_inner_texts()]
        assert [t.split(" of cvpr2020 ")[1] for t in titles] == ["octo b", "octo c"]
        assert errors == []
        browser.close()
