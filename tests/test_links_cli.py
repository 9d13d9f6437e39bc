"""``paperlist links`` as a user runs it: exit codes, output formats, --all, --shard, configuration errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperlist.checks.links import load_config, parse_shard, shard_of
from projectkit import REPO, add_paper, run_cli
from support.linkservers import LinkFarm, make_link_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_link_project(tmp_path)  # type: ignore[no-any-return]


def test_the_repository_config_is_valid() -> None:
    cfg = load_config(REPO, environ={})
    assert all(ex.reason for ex in cfg.exclude)
    assert cfg.per_host <= 16 and cfg.arxiv_interval >= 3


def test_no_files_is_a_usage_error(project: Path) -> None:
    r = run_cli(project, "links")
    assert r.returncode == 2 and "--all" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("config", [
    "exclude:\n  - pattern: 'x'\n",  # no reason
    "exclude:\n  - pattern: '('\n    reason: broken regex\n",
    "per_host: 0\n",
    "unknown_key: 1\n",
    "exclude: [\n",
])
def test_bad_config_exits_2(project: Path, config: str) -> None:
    (project / "linkcheck.yaml").write_text(config, encoding="utf-8")
    (project / "a.md").write_text("nothing\n", encoding="utf-8")
    r = run_cli(project, "links", str(project / "a.md"))
    assert r.returncode == 2, r.stderr
    assert "linkcheck.yaml" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("shard", ["0/3", "4/3", "x", "1/0"])
def test_bad_shard_exits_2(project: Path, shard: str) -> None:
    (project / "a.md").write_text("nothing\n", encoding="utf-8")
    r = run_cli(project, "links", str(project / "a.md"), "--shard", shard)
    assert r.returncode == 2 and "--shard" in r.stderr


def test_json_text_and_github_formats(project: Path) -> None:
    with LinkFarm() as farm:
        md = project / "doc.md"
        md.write_text(f"# Doc\n\n[ok]({farm.url}/ok/1) [dead]({farm.url}/missing/1)\n"
                      f"[wall]({farm.url}/challenge/1) [moved]({farm.url}/moved/1)\n", encoding="utf-8")
        r = run_cli(project, "links", str(md), "--format", "json", "--timeout", "2", "--allow-private")
        assert r.returncode == 1, r.stderr
        assert r.stderr == ""  # no progress bar when stderr is not a terminal
        data = json.loads(r.stdout)
        sev = {f["url"].split("/")[3]: f["severity"] for f in data["findings"]}
        assert sev == {"missing": "error", "challenge": "warning", "moved": "notice"}
        assert all(f["check"] == "link" and f["file"] == "doc.md" for f in data["findings"])
        assert data["summary"]["errors"] == 1
        r = run_cli(project, "links", str(md), "--format", "github", "--timeout", "2", "--allow-private")
        assert "::error file=doc.md,line=3," in r.stdout
        r = run_cli(project, "links", str(md), "--timeout", "2", "--allow-private")
        assert "doc.md:3:" in r.stdout and "HTTP 404" in r.stdout
        # Without --allow-private the same links are refused, not fetched.
        before = len(farm.hits())
        r = run_cli(project, "links", str(md), "--format", "json")
        assert len(farm.hits()) == before
        assert {f["severity"] for f in json.loads(r.stdout)["findings"]} == {"error"}


def test_all_checks_every_paper_file(project: Path) -> None:
    with LinkFarm() as farm:
        add_paper(project, "Paper One", links={"code": [f"{farm.url}/missing/1"]})
        add_paper(project, "Paper Two", links={"project": f"{farm.url}/ok/2"})
        r = run_cli(project, "links", "--all", "--format", "json", "--allow-private")
    data = json.loads(r.stdout)
    assert r.returncode == 1
    assert [(f["file"], f["field"]) for f in data["findings"]] == [("papers/cvpr2020/paper-one.yaml", "links.code[0]")]
    assert data["summary"]["files"] == 2


def test_unloadable_paper_is_a_warning_not_silence(project: Path) -> None:
    bad = project / "papers" / "cvpr2020" / "broken.yaml"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text("title: [unclosed\n", encoding="utf-8")
    r = run_cli(project, "links", str(bad), "--format", "json")
    [f] = json.loads(r.stdout)["findings"]
    assert f["severity"] == "warning" and "not checked" in f["message"]


def test_shards_partition_the_links(project: Path) -> None:
    with LinkFarm() as farm:
        md = project / "many.md"
        md.write_text("".join(f"- {farm.url}/missing/{i}\n" for i in range(30)), encoding="utf-8")
        seen: list[str] = []
        for k in (1, 2, 3):
            r = run_cli(project, "links", str(md), "--shard", f"{k}/3", "--format", "json", "--allow-private")
            data = json.loads(r.stdout)
            assert data["meta"]["links"]["shard"] == f"{k}/3"
            seen += [f["url"] for f in data["findings"]]
    assert sorted(seen) == sorted(f"{farm.url}/missing/{i}" for i in range(30))  # each exactly once


def test_shard_assignment_is_stable() -> None:
    assert parse_shard("2/4") == (2, 4)
    keys = [f"url:https://example.org/{i}" for i in range(200)]
    first = [shard_of(k, 4) for k in keys]
    assert first == [shard_of(k, 4) for k in keys]
    assert set(first) == {0, 1, 2, 3}


def test_progress_bar_only_on_a_terminal(project: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    with LinkFarm() as farm:
        md = project / "p.md"
        md.write_text("".join(f"- {farm.url}/ok/{i}\n" for i in range(5)), encoding="utf-8")
        master, slave = pty.openpty()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "paperlist", "--root", str(project), "links", str(md), "--allow-private"],
                stdout=subprocess.PIPE, stderr=slave, text=True, timeout=60, check=False)
            os.close(slave)
            slave = -1
            chunks = []
            while True:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    break
                if not data:
                    break
                chunks.append(data)
        finally:
            if slave >= 0:
                os.close(slave)
            os.close(master)
    err = b"".join(chunks).decode()
    assert proc.returncode == 0
    assert "links [" in err and "5/5" in err
    assert "links [" not in proc.stdout


def test_a_pull_request_cannot_point_the_api_clients_elsewhere(project: Path) -> None:
    """linkcheck.yaml is in the PR's checkout: the arXiv API (which skips the address policy) is env-only."""
    (project / "linkcheck.yaml").write_text("arxiv_api: http://169.254.169.254/\n", encoding="utf-8")
    (project / "a.md").write_text("nothing\n", encoding="utf-8")
    r = run_cli(project, "links", str(project / "a.md"))
    assert r.returncode == 2 and "arxiv_api" in r.stderr


def test_paths_relative_to_the_root_and_missing_files(project: Path) -> None:
    with LinkFarm() as farm:
        add_paper(project, "Rel Paper", links={"code": [f"{farm.url}/missing/1"]})
        r = run_cli(project, "links", "papers/cvpr2020/rel-paper.yaml", "--format", "json", "--allow-private")
    assert r.returncode == 1, r.stderr
    assert json.loads(r.stdout)["findings"][0]["file"] == "papers/cvpr2020/rel-paper.yaml"
    r = run_cli(project, "links", "papers/cvpr2020/no-such-paper.yaml")
    assert r.returncode == 2 and "no such file" in r.stderr


def test_link_cache_lives_in_the_one_cache_folder_and_obeys_no_cache(project: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with LinkFarm() as farm:
        add_paper(project, "Paper Two", links={"project": f"{farm.url}/ok/2"})
        monkeypatch.setenv("PAPERLIST_NO_CACHE", "1")
        assert run_cli(project, "links", "--all", "--allow-private").returncode == 0
        assert not (project / ".paperlist-cache").exists()
        monkeypatch.delenv("PAPERLIST_NO_CACHE")
        assert run_cli(project, "links", "--all", "--allow-private").returncode == 0
        first = len(farm.hits())
        assert (project / ".paperlist-cache" / "links.json").is_file()
        r = run_cli(project, "links", "--all", "--allow-private", "--format", "json")
        assert r.returncode == 0 and len(farm.hits()) == first  # answered from the cache
        assert json.loads(r.stdout)["meta"]["links"]["cached"] == 1
