"""``paperlist refresh repos``: stars and health of every code repository, inside GitHub's quota.

The path of one run:

1. The list's folders (``papers/<folder>/``) are split over the shards of a matrix
   (``project.shards``: whole folders, balanced by papers); this run takes its shard's folders.
2. Every ``links.code`` URL on GitHub is read from the paper files; a repository shared by many
   papers is asked about once.
3. Repositories whose data is fresh (``checked`` less than ``max_age_days`` ago in every folder
   that links them) are skipped; the rest, in sorted order, go to GitHub 100 a query
   (``github.graphql``). The order and the skip make a stopped run resumable: the next run starts
   where this one stopped and never asks again what is fresh.
4. Before each query the budget is looked at: when the points left (``rateLimit.remaining``)
   would fall below ``budget_floor``, the run stops cleanly and says so.
5. Answers go into ``data/repos/<folder>.json`` (``project.repodata``). A repository that was
   renamed or transferred answers under its new name: the papers' ``links.code`` are rewritten to
   it (round-trip, ``project.writer``: a fact of the paper belongs in the paper file), unless
   ``dry_run``. A repository GitHub does not know is a finding ("gone"), never a crash.

Nothing is written when the network is down before the first answer; a run that fails part of
the way keeps what it did learn and leaves the rest as it was (asked again next time).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperlist.findings import EXIT_NETWORK, Finding
from paperlist.github.graphql import (
    DEFAULT_GRAPHQL_URL,
    MAX_BATCH,
    MAX_BODY,
    BatchAnswer,
    GraphQLClient,
    GraphQLError,
    RepoInfo,
    valid_repo,
)
from paperlist.infra import identity
from paperlist.infra.messages import Said, say
from paperlist.project import repodata, writer
from paperlist.project.loader import PaperFile, discover, load_paper, relpath
from paperlist.project.papers import map_papers
from paperlist.project.settings import load_settings
from paperlist.project.shards import partition

CHECK = "refresh"
DEFAULT_FLOOR = 100  # points kept for anything else the token does within the hour
DEFAULT_MAX_AGE = 1  # days: a daily job asks about every repository once a day


@dataclass(frozen=True)
class RefreshReposSettings:
    """What ``paperlist refresh repos`` was asked to do."""

    root: Path
    token: str
    graphql_url: str = DEFAULT_GRAPHQL_URL
    shard: tuple[int, int] | None = None  # (I, N), 1-based
    budget_floor: int = DEFAULT_FLOOR
    max_age_days: int = DEFAULT_MAX_AGE
    dry_run: bool = False
    today: dt.date | None = None  # the day written as ``checked`` (None: today, UTC)
    batch_size: int = MAX_BATCH
    timeout: float = 30.0
    max_wait: float = 120.0  # seconds of Retry-After a run waits out; longer: stop, resume next run
    max_body: int = MAX_BODY
    retries: int = 3
    sleep: Callable[[float], None] = time.sleep


@dataclass
class RefreshResult:
    """What one run did, as plain data (``to_dict`` is the ``--summary`` file the workflow merges)."""

    counts: dict[str, int] = field(default_factory=dict)
    moved: list[dict[str, Any]] = field(default_factory=list)  # {"repo", "to", "files"}
    archived: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    stopped_for_budget: bool = False
    queries: int = 0
    points: int = 0
    network_down: str | None = None
    remaining: int | None = None
    reset_at: str | None = None
    shard: str | None = None
    folders: list[str] = field(default_factory=list)
    dry_run: bool = False
    changed: list[str] = field(default_factory=list)  # files written (data and paper files)

    @property
    def exit_code(self) -> int:
        if self.network_down:
            return EXIT_NETWORK
        return 1 if any(f.severity == "error" for f in self.findings) else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(sorted(self.counts.items())), "moved": self.moved, "archived": self.archived,
            "gone": self.gone, "stopped_for_budget": self.stopped_for_budget, "queries": self.queries,
            "points": self.points, "network_down": bool(self.network_down), "network_reason": self.network_down,
            "remaining": self.remaining,
            "reset_at": self.reset_at, "shard": self.shard, "folders": self.folders, "dry_run": self.dry_run,
            "changed": self.changed, "findings": [f.to_dict() for f in sorted(self.findings, key=Finding.sort_key)],
        }


@dataclass(frozen=True)
class _Use:
    """One code link to a GitHub repository in one paper file."""

    rel: str
    index: int  # position in links.code
    url: str
    line: int


def _code_links(pf: PaperFile) -> tuple[str, list[tuple[int, str, str, int]]]:
    """(rel, [(index, url, repo, line)]) for one paper; runs in the load step's workers."""
    data = pf.data if isinstance(pf.data, dict) else {}
    links = data.get("links")
    code = links.get("code") if isinstance(links, dict) else None
    out: list[tuple[int, str, str, int]] = []
    for i, url in enumerate(code if isinstance(code, list) else []):
        repo = identity.github_repo(url) if isinstance(url, str) else None
        if repo:
            out.append((i, url, repo, pf.position(("links", "code", i))[0]))
    return pf.rel, out


def folder_sizes(root: Path) -> dict[str, int]:
    """Papers per folder of ``papers/`` (what the shards are balanced by)."""
    paths, _ = discover(root)
    sizes: dict[str, int] = defaultdict(int)
    for p in paths:
        sizes[p.parent.name] += 1
    return dict(sizes)


def shard_folders(root: Path, shard: tuple[int, int] | None) -> list[str]:
    """The folders shard ``(I, N)`` covers (every folder when None)."""
    sizes = folder_sizes(root)
    if shard is None:
        return sorted(sizes)
    i, n = shard
    return partition(sizes, n)[i - 1]


def _finding(severity: str, file: str, said: Said, *, line: int | None = None, **extra: Any) -> Finding:
    return Finding(file=file, severity=severity, check=CHECK, **said, line=line, extra=extra)  # type: ignore[arg-type]


def _entry(info: RepoInfo, today: str, *, moved: bool) -> repodata.RepoEntry:
    out: repodata.RepoEntry = {"stars": info.stars, "archived": info.archived, "disabled": info.disabled,
                               "pushed": info.pushed, "branch": info.branch, "license": info.license,
                               "checked": today}
    if moved:
        out["moved_to"] = info.name
    return out


def run_refresh_repos(settings: RefreshReposSettings) -> RefreshResult:
    """Refresh the repository data of the settings' shard; see the module's docstring."""
    root = Path(settings.root)
    list_settings = load_settings(root)
    data_dir = list_settings.repo_data
    today_d = settings.today or dt.datetime.now(dt.UTC).date()
    today = today_d.isoformat()
    result = RefreshResult(shard=f"{settings.shard[0]}/{settings.shard[1]}" if settings.shard else None,
                           dry_run=settings.dry_run)

    # 1-2. this shard's folders and the code links in them
    paths, _ = discover(root)
    sizes: dict[str, int] = defaultdict(int)
    for p in paths:
        sizes[p.parent.name] += 1
    folders = sorted(sizes) if settings.shard is None else partition(sizes, settings.shard[1])[settings.shard[0] - 1]
    result.folders = folders
    mine = set(folders)
    uses: dict[str, list[_Use]] = defaultdict(list)  # repo -> its links, in file order
    paper_repos: dict[str, list[str]] = {}  # rel -> repos it links
    for rel, links in map_papers(root, _code_links, [p for p in paths if p.parent.name in mine]):
        paper_repos[rel] = [repo for _, _, repo, _ in links]
        for index, url, repo, line in links:
            uses[repo].append(_Use(rel, index, url, line))
    folder_of = {rel: rel.split("/")[1] for rel in paper_repos}

    old: dict[str, repodata.FolderData] = {}
    for folder in folders:
        loaded, found = repodata.load_folder(root, data_dir, folder)
        old[folder] = loaded
        result.findings += found

    # 3. what needs asking, in a fixed order
    def fresh(repo: str) -> bool:
        for folder in {folder_of[u.rel] for u in uses[repo]}:
            entry = old[folder].get(repo)
            if entry is None:
                return False
            age = (today_d - dt.date.fromisoformat(entry["checked"])).days
            if age >= settings.max_age_days or age < 0:
                return False
        return True

    repos = sorted(uses)
    invalid = [r for r in repos if not valid_repo(r)]
    for r in invalid:
        u = uses[r][0]
        result.findings.append(_finding("warning", u.rel, say("refresh.repos.not-a-repo", url=u.url), line=u.line))
    todo = [r for r in repos if r not in set(invalid) and not fresh(r)]
    result.counts = {"folders": len(folders), "papers": len(paper_repos), "repos": len(repos),
                     "fresh": len(repos) - len(todo) - len(invalid), "asked": 0, "checked": 0, "gone": 0,
                     "refused": 0, "failed": 0, "left": 0, "files_updated": 0, "data_files_changed": 0}

    # 4. ask, batch by batch, within the budget
    answers: dict[str, RepoInfo] = {}
    gone: dict[str, str] = {}
    client = GraphQLClient(settings.graphql_url, settings.token, timeout=settings.timeout,
                           max_body=settings.max_body, retries=settings.retries, max_wait=settings.max_wait,
                           sleep=settings.sleep)
    batches = [todo[i:i + settings.batch_size] for i in range(0, len(todo), settings.batch_size)]
    last_cost = 1
    answered = 0
    try:
        for b, batch in enumerate(batches):
            if result.remaining is not None and result.remaining - last_cost < settings.budget_floor:
                result.stopped_for_budget = True
                left = sum(len(x) for x in batches[b:])
                result.counts["left"] = left
                points, floor = result.remaining, settings.budget_floor
                result.findings.append(_finding(
                    "notice", folder_file_of(data_dir, batch[0], uses, folder_of),
                    say("refresh.repos.budget-stop.reset", remaining=points, floor=floor, left=left,
                        reset=result.reset_at) if result.reset_at
                    else say("refresh.repos.budget-stop", remaining=points, floor=floor, left=left), left=left))
                break
            try:
                answer: BatchAnswer = client.repositories(batch)
            except GraphQLError as e:
                first = folder_file_of(data_dir, batch[0], uses, folder_of)
                left = sum(len(x) for x in batches[b:])
                if e.kind == "network":
                    result.network_down = str(e)
                    result.counts["left"] = left
                    break
                if e.kind in ("budget", "secondary", "auth"):
                    result.stopped_for_budget = e.kind in ("budget", "secondary")
                    result.counts["left"] = left
                    result.reset_at = e.reset_at or result.reset_at
                    severity = "error" if e.kind == "auth" else "warning"
                    result.findings.append(_finding(
                        severity, first, say("refresh.repos.limited", error=str(e), left=left), left=left))
                    break
                # server or refused: this batch fails, the others go on
                result.queries += 1
                result.counts["failed"] += len(batch)
                result.findings.append(_finding(
                    "error", first, say("refresh.repos.batch-failed", n=len(batch), error=str(e)), repos=batch[:5]))
                continue
            answered += 1
            result.queries += 1
            result.counts["asked"] += len(batch)
            if answer.rate is not None:
                last_cost = max(1, answer.rate.cost)
                result.points += answer.rate.cost
                result.remaining = answer.rate.remaining
                result.reset_at = answer.rate.reset_at or result.reset_at
            else:
                result.points += 1  # GitHub's minimum; the answer did not say
            answers.update(answer.repos)
            gone.update(answer.gone)
            for repo, why in sorted(answer.refused.items()):
                u = uses[repo][0]
                result.counts["refused"] += 1
                result.findings.append(_finding(
                    "error", u.rel, say("refresh.repos.answer-refused", repo=repo, why=why), line=u.line, repo=repo))
    finally:
        client.close()

    if result.network_down:
        result.findings.append(_finding(
            "error", folder_file_of(data_dir, todo[0], uses, folder_of) if todo else data_dir,
            say("refresh.repos.network-down.partial", why=result.network_down, answered=answered) if answered
            else say("refresh.repos.network-down", why=result.network_down)))
        if not answered:
            return result

    # 5. moved repositories: rewrite the papers' links (the facts of a paper live in its file)
    moved = {r: info.name for r, info in answers.items() if info.name.lower() != r}
    rewritten: dict[str, set[str]] = defaultdict(set)  # old repo -> papers now pointing at the new name
    by_file: dict[str, list[str]] = defaultdict(list)
    for old_repo in sorted(moved):
        for u in uses[old_repo]:
            if old_repo not in by_file[u.rel]:
                by_file[u.rel].append(old_repo)
    for rel, olds in sorted(by_file.items()):
        if settings.dry_run:
            continue
        if _rewrite_paper(root, rel, {o: moved[o] for o in olds}, result):
            for o in olds:
                rewritten[o].add(rel)
            paper_repos[rel] = [moved.get(r, r).lower() if r in olds else r for r in paper_repos[rel]]
            result.counts["files_updated"] += 1
            result.changed.append(rel)
    for old_repo in sorted(moved):
        files = sorted({u.rel for u in uses[old_repo]})
        result.moved.append({"repo": old_repo, "to": moved[old_repo], "files": files,
                             "written": sorted(rewritten[old_repo])})
        for u in uses[old_repo]:
            done = u.rel in rewritten[old_repo]
            outcome = ("refresh.repos.moved.updated" if done else "refresh.repos.moved.dry-run" if settings.dry_run
                       else "refresh.repos.moved.not-updated")
            result.findings.append(_finding(
                "notice", u.rel, say(outcome, url=u.url, to=moved[old_repo]),
                line=u.line, repo=old_repo, new_url=writer.moved_url(u.url, moved[old_repo])))
    for repo in sorted(gone):
        result.gone.append(repo)
        result.counts["gone"] += 1
        for u in uses[repo]:
            result.findings.append(_finding(
                "warning", u.rel, say("refresh.repos.gone", url=u.url, repo=repo, why=gone[repo]), line=u.line,
                repo=repo))
    for repo, info in sorted(answers.items()):
        result.counts["checked"] += 1
        if info.archived:
            result.archived.append(info.name)
            u = uses[repo][0]
            result.findings.append(_finding(
                "notice", u.rel, say("refresh.repos.archived", url=u.url, name=info.name), line=u.line, repo=repo))

    # 6. the data files of this shard's folders
    new_name = {r: moved[r].lower() for r in moved}
    for folder in folders:
        keys = sorted({r for rel, rs in paper_repos.items() if folder_of[rel] == folder for r in rs
                       if valid_repo(r)})
        data: repodata.FolderData = {}
        for key in keys:
            if key in answers:
                data[key] = _entry(answers[key], today, moved=key in moved)
            elif key in gone:
                data[key] = {"checked": today, "gone": True}
            else:
                origin = next((o for o, n in new_name.items() if n == key and o in answers), None)
                if origin is not None:
                    data[key] = _entry(answers[origin], today, moved=False)
                elif key in old[folder]:
                    data[key] = old[folder][key]
        if settings.dry_run:
            continue
        if repodata.save_folder(root, data_dir, folder, data):
            result.counts["data_files_changed"] += 1
            result.changed.append(repodata.folder_file(data_dir, folder))
    return result


def folder_file_of(data_dir: str, repo: str, uses: dict[str, list[_Use]], folder_of: dict[str, str]) -> str:
    """The data file a batch-level finding points at: the first folder that links ``repo``."""
    u = uses.get(repo)
    return repodata.folder_file(data_dir, folder_of[u[0].rel]) if u else data_dir


def _rewrite_paper(root: Path, rel: str, moves: dict[str, str], result: RefreshResult) -> bool:
    """Point the paper's code links of each moved repository at its new name; True when written."""
    path = root / rel
    try:
        text = path.read_text(encoding="utf-8")
        doc = writer.load_rt(text)
        changes = [c for old_repo, new in moves.items() for c in writer.replace_code_repo(doc, old_repo, new)]
        if not changes:
            return False
        new_text = writer.dump(doc)
    except (OSError, UnicodeDecodeError, ValueError, AttributeError) as e:
        result.findings.append(_finding("error", rel, say("refresh.repos.rewrite-failed", kind=e.__class__.__name__,
                                                          error=str(e))))
        return False
    writer.write_atomic(path, new_text)
    check = load_paper(path, root)
    if not check.parsed:  # never leave a paper that no longer loads: put the old bytes back
        writer.write_atomic(path, text)
        result.findings.append(_finding("error", relpath(path, root), say("refresh.repos.rewrite-broke")))
        return False
    return True
