"""The one arXiv client (``paperlist.infra.arxiv``) as every caller meets it: one malformed id never
costs its batch-mates their answer, whether a contributor runs ``paperlist links`` or the pull-request
check runs it; one parser (defusedxml) and one batch size for the link checker and ``paperlist new``.

The stand-in arXiv (tests/support/fake_arxiv.py, which linkservers.FakeArxiv answers through) does what
export.arxiv.org does with a malformed id in ``id_list``: it answers the error entry alone.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from pathlib import Path

import pytest

from paperlist.checks.links import check_links
from paperlist.checks.links.arxiv import check_ids
from paperlist.checks.links.config import LinkConfig, load_config
from paperlist.infra import arxiv as arxiv_mod
from paperlist.infra.arxiv import MAX_IDS_PER_REQUEST, ArxivClient, id_problem
from projectkit import REPO, add_paper, run_cli
from support.fake_arxiv import ArxivRecord, FakeArxivAPI
from support.linkservers import FakeArxiv, make_link_project
from support.prrepo import commit, git, make_list, write

GOOD = [f"2104.{i:05d}" for i in range(1, 100)]  # 99 papers arXiv knows
MALFORMED = "2113.00042"  # looks like an id, but there is no month 13: arXiv refuses the whole request


def _title(i: int) -> str:
    # Unrelated titles, so the duplicate check has nothing to say about 100 papers in one change.
    words = [hashlib.sha256(f"{i}-{j}".encode()).hexdigest() for j in range(4)]
    return " ".join("".join(chr(97 + int(c, 16) % 26) for c in w[:8]).capitalize() for w in words)


def _paper_text(i: int, aid: str) -> str:
    return f'title: "{_title(i)}"\nvenue: CVPR\nyear: 2021\narxiv: "{aid}"\ntags: [other]\n'


def _rel(i: int) -> str:
    from paperlist.project.keys import paper_key

    return f"papers/cvpr2021/{paper_key(_title(i))}.yaml"


IDS = [*GOOD[:40], MALFORMED, *GOOD[40:]]  # the malformed id in the middle of its batch


def _link_findings(report: dict) -> list[dict]:  # type: ignore[type-arg]
    return [f for f in report["findings"] if f["check"] == "link"]


def _assert_one_finding_for_the_malformed_id(findings: list[dict]) -> None:  # type: ignore[type-arg]
    [f] = findings  # the 99 good ids are good: no finding for any of them
    assert f["file"] == _rel(IDS.index(MALFORMED)) and f["line"] == 4 and f["url"] == MALFORMED
    assert f["severity"] == "error" and "no month 13" in f["message"]
    assert "not looked up" not in f["message"]


def test_links_one_malformed_id_among_99_good_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_link_project(tmp_path)
    for i, aid in enumerate(IDS):
        write(root, _rel(i), _paper_text(i, aid))
    with FakeArxiv(ids=GOOD) as api:
        monkeypatch.setenv("PAPERLIST_ARXIV_API", api.url)
        r = run_cli(root, "links", "--format", "json", *(_rel(i) for i in range(len(IDS))))
        batches = api.batches
    assert "Traceback" not in r.stderr, r.stderr
    report = json.loads(r.stdout)
    _assert_one_finding_for_the_malformed_id(_link_findings(report))
    assert r.returncode == 1
    assert batches == [GOOD]  # the malformed id is never sent: one request for the 99


def test_pr_check_one_malformed_id_among_99_good_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_list(tmp_path / "list")
    git(repo, "checkout", "--quiet", "-b", "pr")
    for i, aid in enumerate(IDS):
        write(repo, _rel(i), _paper_text(i, aid))
    commit(repo, "Add 100 papers")
    out = tmp_path / "report.json"
    with FakeArxiv(ids=GOOD) as api:
        monkeypatch.setenv("PAPERLIST_ARXIV_API", api.url)
        r = run_cli(repo, "check", "--base", "main", "--report", str(out), "--format", "json")
        batches = api.batches
    assert "Traceback" not in r.stderr, r.stderr
    _assert_one_finding_for_the_malformed_id(_link_findings(json.loads(out.read_text(encoding="utf-8"))))
    assert [sorted(b) for b in batches] == [GOOD]


def test_an_id_arxiv_refuses_anyway_is_split_out_and_the_rest_asked_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should arXiv refuse an id our grammar accepts (its rules can change), the batch is asked again
    without the id its error entry names: the others still get their answer, at one request's cost."""
    root = make_link_project(tmp_path)
    refused = GOOD[17]
    paths = [add_paper(root, _title(i), year=2021, arxiv=aid) for i, aid in enumerate(GOOD)]
    with FakeArxiv(ids=GOOD, refuse={refused}) as api:
        monkeypatch.setenv("PAPERLIST_ARXIV_API", api.url)
        report = check_links(root, paths, timeout=2, use_cache=False)
        batches = api.batches
    [f] = report.findings
    assert f.to_dict()["url"] == refused and f.severity == "error" and "arXiv refuses the id" in f.message
    assert batches == [GOOD, [a for a in GOOD if a != refused]]


def test_an_error_entry_that_names_no_id_is_halved_until_the_id_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    refused = GOOD[60]
    with FakeArxivAPI({a: ArxivRecord(f"Paper {a}", ("A. Author",)) for a in GOOD}, refuse={refused},
                      anonymous_errors=True) as api:
        client = ArxivClient(api.url, min_interval=0, budget=30)
        result = client.fetch(GOOD)
        sent = [h.ids for h in api.hits]
    assert sorted(result.papers) == sorted(a for a in GOOD if a != refused)
    assert set(result.problems) == {refused} and "arXiv refuses the id" in result.problems[refused]
    assert len(sent) <= 2 * 7 + 1  # a binary search over 99 ids, not one request per id
    assert [refused] in sent


def test_an_answer_past_the_size_cap_is_halved_not_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    records = {a: ArxivRecord(f"Paper {a}", ("A. Author",)) for a in GOOD[:8]}
    with FakeArxivAPI(records) as api:
        monkeypatch.setattr(arxiv_mod, "MAX_FEED_BYTES", 6000)  # the fake's feed of 8 entries is ~12 KB
        result = ArxivClient(api.url, min_interval=0).fetch(GOOD[:8])
        sizes = [len(h.ids) for h in api.hits]
    assert sorted(result.papers) == GOOD[:8] and not result.problems
    assert sizes[0] == 8 and max(sizes[1:]) < 8


def test_the_link_checker_parses_arxiv_with_defusedxml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A feed with an entity-expanding DTD is refused unexpanded: its ids are "not verified", never broken."""
    root = make_link_project(tmp_path)
    p = add_paper(root, "Some Paper", arxiv="2005.00001")
    with FakeArxivAPI({"2005.00001": ArxivRecord("Some Paper", ("A. Author",))}) as api:
        monkeypatch.setenv("PAPERLIST_ARXIV_API", api.url)
        api.script.append(("dtd", None))
        report = check_links(root, [p], timeout=2, use_cache=False)
    [f] = report.findings
    assert f.severity == "warning" and "not an Atom feed" in f.message and "EntitiesForbidden" in f.message


def test_one_batch_size_for_every_caller() -> None:
    assert LinkConfig().arxiv_batch == MAX_IDS_PER_REQUEST == ArxivClient().batch_size == 100
    schema = json.loads((REPO / "schema" / "linkcheck.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["arxiv_batch"]["maximum"] == MAX_IDS_PER_REQUEST
    assert ArxivClient(batch_size=400).batch_size == MAX_IDS_PER_REQUEST  # never more than the one batch
    assert not hasattr(__import__("paperlist.checks.links.arxiv", fromlist=["x"]), "MAX_FEED_BYTES")


def test_a_linkcheck_yaml_cannot_raise_the_batch_past_the_clients(tmp_path: Path) -> None:
    root = make_link_project(tmp_path)
    (root / "linkcheck.yaml").write_text("arxiv_batch: 400\n", encoding="utf-8")
    from paperlist.errors import ConfigError

    with pytest.raises(ConfigError, match="arxiv_batch"):
        load_config(root)


def _schema_pattern() -> re.Pattern[str]:
    schema = json.loads((REPO / "schema" / "paper.schema.json").read_text(encoding="utf-8"))
    return re.compile(schema["properties"]["arxiv"]["pattern"])


def test_the_client_refuses_exactly_the_ids_the_paper_schema_refuses() -> None:
    pattern = _schema_pattern()
    ids = [f"{yymm:04d}.{n}" for yymm in range(0, 10000, 7) for n in ("0001", "00001", "123", "123456")]
    ids += [f"{a}/{yymm:04d}{n:03d}" for a in ("cs", "math.GT", "hep-th", "CS") for yymm in range(0, 10000, 13)
            for n in (1,)]
    for aid in ids:
        assert (id_problem(aid) is None) == bool(pattern.match(aid)), aid


@pytest.mark.parametrize(("aid", "says"), [
    ("2113.00042", "no month 13"),
    ("0612.0001", "begin in April 2007"),
    ("2103.0946", "5 digits after the point"),
    ("cs/0813001", "no month 13"),
    ("cs/1201001", "from 1991 to 2007"),
    ("not-an-id", "not an arXiv id"),
])
def test_a_malformed_id_is_named_with_what_is_wrong(aid: str, says: str) -> None:
    why = id_problem(aid)
    assert why is not None and aid in why and says in why


def test_a_malformed_id_does_not_cost_a_request_or_shrink_a_batch() -> None:
    ids = [f"2104.{i:05d}" for i in range(1, 1001)]
    with FakeArxiv(ids=ids) as api:
        cfg = LinkConfig(arxiv_api=api.url, arxiv_interval=0)
        got = asyncio.run(check_ids([*ids[:500], MALFORMED, *ids[500:]], cfg, timeout=5))
        sizes = [len(b) for b in api.batches]
    assert sizes == [100] * 10  # 1,000 good ids, 10 full batches: the malformed one is answered without asking
    assert got[MALFORMED].state == "broken" and sum(v.state == "ok" for v in got.values()) == 1000
