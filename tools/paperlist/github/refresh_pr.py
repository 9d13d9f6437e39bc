"""The scheduled refresh's one pull request: ``paperlist refresh pr --summaries DIR``.

Each shard job of ``.github/workflows/refresh.yml`` leaves a folder with its summaries (the JSON of
``paperlist refresh repos --summary`` and ``paperlist refresh authors --summary``) and
``changes.patch`` (what it changed under ``papers/`` and ``data/``). The merge job downloads them
all into DIR and runs this command, which

1. reads every summary (a malformed one is a usage error naming the file: nothing is pushed);
2. refuses to act on an incomplete run: a shard that could not reach the network, or a shard whose
   summaries are missing (``--shards N``), makes the run *inconclusive*: no branch, pull request
   or issue is touched, and the command exits 3. A shard that ran out of GitHub budget is not
   incomplete: what it checked is correct, the body says what was left for the next run;
3. applies the patches to a fresh worktree of the checked-out commit (only paths under ``papers/``
   and ``data/``, regular files; the shards are disjoint by folder, so they never conflict), and
   commits the result as github-actions[bot];
4. pushes it to the stable branch (``paperlist/refresh``) with ``infra.gitdiff.push_bot_branch``:
   the branch is replaced only when every commit on it is the bot's, with a lease on the SHA just
   read. A branch that holds a maintainer's commit is left exactly as it is (``held``): the open
   pull request gets one comment saying what this run found, and nothing is force-pushed;
5. opens the one pull request for that branch, or updates its title and body (a readable summary:
   authors added, repositories moved, archived, gone, the budget and network status; in the list's
   languages, as its PR comment: 中文 beside English, or English alone); with nothing to change,
   opens nothing (and closes a bot-only PR that has become empty);
6. tells the link-sweep issue about archived and gone repositories (one marked comment on the
   open sweep issue, updated in place; gone repositories open the sweep issue when none is open).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperlist.errors import UsageError
from paperlist.findings import EXIT_NETWORK
from paperlist.infra import escape
from paperlist.infra.gitdiff import (
    BOT_EMAIL,
    ForeignCommits,
    branch_authors,
    commit_as_bot,
    git,
    push_bot_branch,
    remote_branch_sha,
    temporary_worktree,
)
from paperlist.infra.messages import Phrase, shown
from paperlist.project.settings import load_settings

if TYPE_CHECKING:  # PyGithub is imported only when something is posted
    from github.Repository import Repository

MARKER = "<!-- paperlist:refresh -->"
HELD_MARKER = "<!-- paperlist:refresh-held -->"
SWEEP_NOTE_MARKER = "<!-- paperlist:refresh-repositories -->"
DEFAULT_BRANCH = "paperlist/refresh"
MAX_SUMMARY_BYTES = 32 * 1024 * 1024
MAX_TEXT = 2000  # one value of a summary (a title, a URL): longer is not a summary a shard wrote
MAX_BODY = 60_000  # GitHub refuses bodies over 65,536 characters
ALLOWED_PREFIXES = ("papers/", "data/")
KINDS = ("authors", "repos")


@dataclass(frozen=True)
class RefreshPrSettings:
    """What ``paperlist refresh pr`` was asked to do."""

    root: Path
    summaries: Path
    branch: str = DEFAULT_BRANCH
    base: str | None = None  # the PR's base branch; the checked-out branch when None
    remote: str = "origin"
    shards: int | None = None  # expect this many summaries of each kind; fewer is an incomplete run
    sweep: bool = True  # tell the link-sweep issue about archived and gone repositories
    dry_run: bool = False  # read, apply in a scratch worktree, render; push and post nothing
    run_url: str | None = None  # the workflow run, linked from the body


@dataclass
class Merged:
    """Every shard's summaries, together."""

    authors_added: list[dict[str, Any]] = field(default_factory=list)
    title_mismatch: list[dict[str, Any]] = field(default_factory=list)
    not_found: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    moved: list[dict[str, Any]] = field(default_factory=list)
    archived: list[dict[str, Any]] = field(default_factory=list)
    gone: list[dict[str, Any]] = field(default_factory=list)
    budget: list[str] = field(default_factory=list)  # summaries that stopped for the GitHub budget
    network: list[str] = field(default_factory=list)  # "file: reason" for each shard that was offline
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    patches: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def inconclusive(self) -> str | None:
        if self.network:
            return "could not reach the network: " + "; ".join(self.network)
        if self.missing:
            return "; ".join(self.missing)
        return None

    @property
    def news(self) -> int:
        return sum(len(x) for x in (self.authors_added, self.moved, self.archived, self.gone))


@dataclass
class RefreshPrResult:
    action: str  # created | updated | unchanged | held | closed | nothing | inconclusive | dry-run
    body: str
    lines: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    pull_url: str | None = None
    merged: Merged | None = None

    @property
    def exit_code(self) -> int:
        """3 for an inconclusive run (nothing touched), else 0."""
        return EXIT_NETWORK if self.action == "inconclusive" else 0


# -- reading the summaries --------------------------------------------------------------------------


def _text(path: Path, where: str, value: Any, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{path}: {where} is not a non-empty string")
    if len(value) > MAX_TEXT:
        raise UsageError(f"{path}: {where} is {len(value):,} characters long (at most {MAX_TEXT:,})")
    return value


def _items(path: Path, data: Mapping[str, Any], key: str, required: tuple[str, ...],
           optional: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise UsageError(f"{path}: {key} is not a list")
    out: list[dict[str, Any]] = []
    for n, item in enumerate(value):
        if not isinstance(item, dict):
            raise UsageError(f"{path}: {key}[{n}] is not an object")
        row: dict[str, Any] = {}
        for name in required:
            row[name] = _text(path, f"{key}[{n}].{name}", item.get(name))
        for name in optional:
            got = _text(path, f"{key}[{n}].{name}", item.get(name), optional=True)
            if got is not None:
                row[name] = got
        out.append(row)
    return out


def _flag(path: Path, data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise UsageError(f"{path}: {key} is not true or false")
    return value


def _read_authors(path: Path, data: Mapping[str, Any], merged: Merged) -> None:
    for n, row in enumerate(_items(path, data, "authors_added", ("paper", "arxiv"))):
        names = data["authors_added"][n].get("authors")
        if not isinstance(names, list) or not names or not all(isinstance(a, str) and 0 < len(a) <= 200
                                                                for a in names):
            raise UsageError(f"{path}: authors_added[{n}].authors is not a list of names")
        row["authors"] = list(names)
        merged.authors_added.append(row)
    for n, row in enumerate(_items(path, data, "title_mismatch", ("paper", "arxiv", "title", "arxiv_title"))):
        raw = data["title_mismatch"][n]
        line, filled = raw.get("line"), raw.get("authors_filled", False)
        row["line"] = line if isinstance(line, int) and not isinstance(line, bool) and line > 0 else None
        row["authors_filled"] = filled is True
        merged.title_mismatch.append(row)
    merged.not_found += _items(path, data, "not_found", ("paper", "arxiv"), ("reason",))
    merged.refused += _items(path, data, "refused", ("paper", "arxiv"), ("reason",))
    if _flag(path, data, "network_down"):
        reason = data.get("network_reason")
        merged.network.append(f"{path.name}: {reason if isinstance(reason, str) else 'arXiv unreachable'}"[:300])


_MANY_PAPERS = "papers"  # a summary row's key naming several paper files (not the papers folder)


def _repo_items(path: Path, data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    """``{repo, paper, url, new_url}`` rows; a repository shared by several papers may name them as
    ``papers: [...]`` instead of ``paper`` (one row each)."""
    rows = _items(path, data, key, ("repo",), ("paper", "url", "new_url"))
    out: list[dict[str, Any]] = []
    for n, row in enumerate(rows):
        many = data[key][n].get(_MANY_PAPERS)
        if many is None:
            out.append({"paper": row.get("paper") or "—", **{k: v for k, v in row.items() if k != "paper"}})
            continue
        if not isinstance(many, list) or not all(isinstance(p, str) and 0 < len(p) <= MAX_TEXT for p in many):
            raise UsageError(f"{path}: {key}[{n}].papers is not a list of paths")
        out += [{**row, "paper": p} for p in many]
    return out


def _read_repos(path: Path, data: Mapping[str, Any], merged: Merged) -> None:
    merged.moved += _repo_items(path, data, "moved")
    merged.archived += _repo_items(path, data, "archived")
    merged.gone += _repo_items(path, data, "gone")
    if _flag(path, data, "stopped_for_budget"):
        merged.budget.append(path.name)
    if _flag(path, data, "network_down"):
        reason = data.get("network_reason")
        merged.network.append(f"{path.name}: {reason if isinstance(reason, str) else 'GitHub unreachable'}"[:300])


def _walk(folder: Path) -> Iterator[Path]:
    for p in sorted(folder.rglob("*")):
        if p.is_symlink():
            raise UsageError(f"{p}: a symbolic link among the summaries; refusing it")
        if p.is_file():
            yield p


def load_summaries(folder: Path, shards: int | None = None) -> Merged:
    """Every ``*.json`` summary and ``*.patch`` under ``folder`` (the downloaded artifacts), merged."""
    folder = Path(folder).absolute()  # git reads the patches from inside a scratch worktree
    if not folder.is_dir():
        raise UsageError(f"--summaries {folder}: not a folder")
    merged = Merged()
    for path in _walk(folder):
        if path.suffix == ".patch":
            merged.patches.append(path)
            continue
        if path.suffix != ".json":
            continue
        if path.stat().st_size > MAX_SUMMARY_BYTES:
            raise UsageError(f"{path}: larger than {MAX_SUMMARY_BYTES:,} bytes; not a shard's summary")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise UsageError(f"{path}: not JSON ({e})") from None
        if not isinstance(data, dict):
            raise UsageError(f"{path}: a summary is a JSON object")
        if "authors_added" in data:
            _read_authors(path, data, merged)
            merged.counts["authors"] += 1
        elif any(k in data for k in ("moved", "archived", "gone")):
            _read_repos(path, data, merged)
            merged.counts["repos"] += 1
        else:
            raise UsageError(f"{path}: neither a `refresh authors` nor a `refresh repos` summary")
    if not any(merged.counts.values()):
        merged.missing.append(f"no summaries in {folder}: did every shard job fail?")
    elif shards is not None:
        for kind, count in merged.counts.items():
            if count and count != shards:
                merged.missing.append(f"{count} of {shards} `refresh {kind}` summaries: a shard job failed, its "
                                      "folders were not checked")
    return merged


# -- applying the shards' patches ---------------------------------------------------------------------


def _patch_paths(wt: Path, patch: Path) -> list[str]:
    out = git(wt, "apply", "--numstat", "-z", str(patch))
    paths: list[str] = []
    fields = out.split("\0")
    i = 0
    while i < len(fields):
        head = fields[i]
        if not head:
            i += 1
            continue
        parts = head.split("\t")
        if len(parts) == 3 and parts[2] == "":  # a rename: old and new paths follow
            paths += [fields[i + 1], fields[i + 2]]
            i += 3
        else:
            paths.append(parts[-1])
            i += 1
    return paths


def apply_patches(wt: Path, patches: list[Path]) -> list[str]:
    """Apply every shard's patch to ``wt`` (checked first, all or none); returns the paths changed."""
    real = [p for p in patches if p.read_bytes().strip()]
    for patch in real:
        for rel in _patch_paths(wt, patch):
            parts = rel.split("/")
            if rel.startswith("/") or ".." in parts or not rel.startswith(ALLOWED_PREFIXES):
                raise UsageError(f"{patch}: changes {rel!r}; a refresh changes only papers/ and data/")
        summary = git(wt, "apply", "--summary", str(patch))
        if any(mode in summary for mode in (" mode 120000", " mode 160000", " mode 100755")):
            raise UsageError(f"{patch}: creates a symbolic link, submodule or executable; refusing it")
    for patch in real:
        git(wt, "apply", "--check", "--index", str(patch))
    for patch in real:
        git(wt, "apply", "--index", "--whitespace=nowarn", str(patch))
    return [p for p in git(wt, "diff", "--cached", "--name-only", "-z").split("\0") if p]


# -- the body ------------------------------------------------------------------------------------------
# Every text of the pull request is in the list's languages (``paperlist.yaml`` ``languages``), as the PR
# comment is: ``chinese`` puts 中文 beside the English, else English alone.


def _table(header: str, rows: list[str], limit: int, zh: bool) -> list[str]:
    shown_rows = rows[:limit]
    out = [header, "|" + "---|" * header.count("|", 1), *shown_rows] if shown_rows else []
    if len(rows) > limit:
        out.append("\n" + shown("refresh.pr.more", zh, n=len(rows) - limit))
    return out


def _header(zh: bool, *columns: str) -> str:
    """A table's header row from the columns' ids."""
    return "| " + " | ".join(shown(c, zh) for c in columns) + " |"


def _repos(rows: list[dict[str, Any]]) -> int:
    """Distinct repositories (a repository shared by several papers has a row per paper)."""
    return len({str(r["repo"]).lower() for r in rows})


def _names(authors: list[str], n: int = 6) -> str:
    shown_names = ", ".join(authors[:n]) + (f" et al. ({len(authors)})" if len(authors) > n else "")
    return escape.inline(shown_names, 300)


def status_lines(merged: Merged, *, chinese: bool = True) -> list[str]:
    zh = chinese
    if merged.inconclusive:
        return [f"**{shown('refresh.pr.inconclusive', zh)}**: "
                + shown("refresh.pr.inconclusive.note", zh, sep=" ", why=escape.inline(merged.inconclusive, 1500))]
    lines = [shown("refresh.pr.complete", zh, sep=" ")]
    if merged.budget:
        lines = [f"**{shown('refresh.pr.budget', zh)}** "
                 + shown("refresh.pr.budget.note", zh, sep=" ", shards=escape.inline(", ".join(merged.budget), 300))]
    return lines


def render_body(merged: Merged, *, run_url: str | None = None, limit: int = 100, chinese: bool = True) -> str:
    """The pull request's body: counts first, then one table per kind of change, in the list's languages."""
    while True:
        body = _render(merged, run_url, limit, chinese)
        if len(body) <= MAX_BODY or limit <= 5:
            return body[:MAX_BODY]
        limit //= 2


def _render(merged: Merged, run_url: str | None, limit: int, zh: bool) -> str:
    out = [MARKER, f"## {shown('refresh.pr.title', zh)}", "", shown("refresh.pr.intro", zh, sep=" ")]
    if run_url:
        out.append(f"{shown('refresh.pr.run', zh)}: {escape.md_url(run_url)}")
    out += ["", *status_lines(merged, chinese=zh), "",
            "| | |", "|---|---|",
            f"| {shown('refresh.pr.count.authors', zh)} | {len(merged.authors_added):,} |",
            f"| {shown('refresh.pr.moved', zh)} | {_repos(merged.moved):,} |",
            f"| {shown('refresh.pr.archived', zh)} | {_repos(merged.archived):,} |",
            f"| {shown('refresh.pr.gone', zh)} | {_repos(merged.gone):,} |",
            f"| {shown('refresh.pr.title-mismatch', zh)} | {len(merged.title_mismatch):,} |",
            f"| {shown('refresh.pr.not-found', zh)} | {len(merged.not_found):,} |"]
    if merged.authors_added:
        out += ["", f"### {shown('refresh.pr.authors', zh)} ({len(merged.authors_added):,})", ""]
        out += _table(_header(zh, "refresh.pr.column.paper", "refresh.pr.column.arxiv", "refresh.pr.column.authors"),
                      [f"| {escape.code(a['paper'])} | {escape.code(a['arxiv'])} | {_names(a['authors'])} |"
                       for a in merged.authors_added], limit, zh)
    if merged.moved:
        out += ["", f"### {shown('refresh.pr.moved', zh)} ({_repos(merged.moved):,})", "",
                shown("refresh.pr.moved.note", zh, sep=" "), ""]
        out += _table(_header(zh, "refresh.pr.column.paper", "refresh.pr.column.was", "refresh.pr.column.now"),
                      [f"| {escape.code(m['paper'])} | {escape.code(m.get('url') or m['repo'])} | "
                       f"{escape.code(m.get('new_url') or '?')} |" for m in merged.moved], limit, zh)
    for key, title, note in (("archived", "refresh.pr.archived", "refresh.pr.archived.note"),
                             ("gone", "refresh.pr.gone", "refresh.pr.gone.note")):
        rows: list[dict[str, Any]] = getattr(merged, key)
        if rows:
            out += ["", f"### {shown(title, zh)} ({_repos(rows):,})", "", shown(note, zh, sep=" "), ""]
            out += _table(_header(zh, "refresh.pr.column.paper", "refresh.pr.column.repository"),
                          [f"| {escape.code(r['paper'])} | {escape.code(r.get('url') or r['repo'])} |" for r in rows],
                          limit, zh)
    if merged.title_mismatch:
        yes, no = shown("refresh.pr.yes", zh), shown("refresh.pr.no", zh)
        out += ["", f"<details><summary>{shown('refresh.pr.title-mismatch', zh)} ({len(merged.title_mismatch):,}): "
                    f"{shown('refresh.pr.title-mismatch.kept', zh)}</summary>", ""]
        out += _table(_header(zh, "refresh.pr.column.paper", "refresh.pr.column.title", "refresh.pr.column.arxiv-title",
                              "refresh.pr.column.authors-added"),
                      [f"| {escape.code(t['paper'] + (':' + str(t['line']) if t.get('line') else ''))} | "
                       f"{escape.inline(t['title'], 200)} | {escape.inline(t['arxiv_title'], 200)} | "
                       f"{yes if t['authors_filled'] else no} |"
                       for t in merged.title_mismatch], limit, zh)
        out += ["", "</details>"]
    missing = merged.not_found + merged.refused
    if missing:
        out += ["", f"<details><summary>{shown('refresh.pr.not-added', zh)} ({len(missing):,})</summary>", ""]
        # The reason is the shard's own (English) words; one it did not give is the plain case.
        out += _table(_header(zh, "refresh.pr.column.paper", "refresh.pr.column.arxiv", "refresh.pr.column.why"),
                      [f"| {escape.code(r['paper'])} | {escape.code(r['arxiv'])} | "
                       f"{escape.inline(r.get('reason') or 'not on arXiv', 200)} |" for r in missing], limit, zh)
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


def title_for(merged: Merged, *, chinese: bool = True) -> str:
    parts: list[Phrase] = []
    if merged.authors_added:
        parts.append(Phrase("refresh.pr.title.authors", n=len(merged.authors_added)))
    if merged.moved:
        n = _repos(merged.moved)
        parts.append(Phrase("refresh.pr.title.moved.one") if n == 1 else Phrase("refresh.pr.title.moved", n=n))
    if not parts:
        return shown("refresh.pr.title", chinese)
    changes = parts[0] if len(parts) == 1 else Phrase("refresh.pr.title.and", first=parts[0], second=parts[1])
    return shown("refresh.pr.title.changes", chinese, changes=changes)


def held_note(merged: Merged, head: str | None, *, chinese: bool = True) -> str:
    counts = {"authors": len(merged.authors_added), "moved": _repos(merged.moved)}
    note = (shown("refresh.pr.held.head", chinese, sep="\n\n", head=escape.code(head[:12]), **counts) if head
            else shown("refresh.pr.held", chinese, sep="\n\n", **counts))
    return "\n".join([HELD_MARKER, f"### {shown('refresh.pr.held.title', chinese)}", "", note, ""])


def sweep_note(merged: Merged, limit: int = 100, *, chinese: bool = True) -> str:
    zh = chinese
    archived, gone = shown("refresh.pr.state.archived", zh), shown("refresh.pr.state.gone", zh)
    rows = [(archived, r) for r in merged.archived] + [(gone, r) for r in merged.gone]
    out = [SWEEP_NOTE_MARKER, f"### {shown('refresh.pr.sweep.title', zh)}", "",
           shown("refresh.pr.sweep.counts", zh, sep=" ", gone=_repos(merged.gone), archived=_repos(merged.archived)),
           ""]
    out += _table(_header(zh, "refresh.pr.column.paper", "refresh.pr.column.repository", "refresh.pr.column.state"),
                  [f"| {escape.code(r['paper'])} | {escape.code(r.get('url') or r['repo'])} | {state} |"
                   for state, r in rows], limit, zh)
    return "\n".join(out)[:MAX_BODY] + "\n"


# -- the run ------------------------------------------------------------------------------------------


def _base_branch(root: Path, given: str | None) -> str:
    if given:
        return given
    name = git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
    return name or "main"


def _commit_message(merged: Merged, *, chinese: bool = True) -> str:
    return (f"{title_for(merged, chinese=chinese)}\n\n"
            f"{len(merged.authors_added)} paper(s) got authors from arXiv, {len(merged.moved)} repository "
            "address(es) were updated, plus the generated repository data.")


def run_refresh_pr(settings: RefreshPrSettings, environ: Mapping[str, str] | None = None,
                   repo: Repository | None = None) -> RefreshPrResult:
    """Merge the shards' results into the one refresh pull request; see the module docstring."""
    env = os.environ if environ is None else environ
    root = Path(settings.root)
    zh = load_settings(root).chinese  # the list's languages, as its PR comment has them
    merged = load_summaries(settings.summaries, settings.shards)
    body = render_body(merged, run_url=settings.run_url, chinese=zh)
    if merged.inconclusive:
        return RefreshPrResult("inconclusive", body, [f"inconclusive: {merged.inconclusive}",
                                                      "no branch, pull request or issue was touched"],
                               merged=merged)
    base_sha = git(root, "rev-parse", "HEAD").strip()
    base = _base_branch(root, settings.base)
    with temporary_worktree(root, base_sha, prefix="paperlist-refresh-") as wt:
        changed = apply_patches(wt, merged.patches)
        result = RefreshPrResult("dry-run", body, changed=changed, merged=merged)
        result.lines.append(f"{len(changed)} file(s) changed by {len(merged.patches)} shard patch(es)")
        if settings.dry_run:
            return result
        if repo is None:
            from paperlist.github import client as gh

            repo = gh.from_env(env)[1]
        if changed:
            commit_as_bot(wt, changed, _commit_message(merged, chinese=zh))
        _publish(settings, merged, result, repo, wt=wt, base_sha=base_sha, base=base, chinese=zh)
    if settings.sweep:
        result.lines += tell_sweep(repo, merged, chinese=zh)
    return result


def _publish(settings: RefreshPrSettings, merged: Merged, result: RefreshPrResult, repo: Repository, *, wt: Path,
             base_sha: str, base: str, chinese: bool) -> None:
    from paperlist.github import client as gh

    branch, remote = settings.branch, settings.remote
    if not result.changed:
        authors = branch_authors(wt, remote, branch, base_sha)
        open_pull = gh.find_open_pull(repo, branch)
        if open_pull is None:
            result.action = "nothing"
            result.lines.append("nothing to change: no pull request opened")
        elif authors is not None and any(a != BOT_EMAIL for a in authors):
            result.action = "held"
            result.lines.append(f"nothing to change, and {branch} holds someone else's commits: "
                                f"{open_pull.url} left as it is")
        else:
            gh.close_pull(repo, branch, shown("refresh.pr.closed", chinese, sep=" "))
            result.action = "closed"
            result.lines.append(f"nothing left to change: closed {open_pull.url}")
        return
    try:
        pushed = push_bot_branch(wt, branch, base_sha, remote=remote)
    except ForeignCommits:
        head = remote_branch_sha(wt, remote, branch)
        open_pull = gh.find_open_pull(repo, branch)
        result.action = "held"
        result.lines.append(f"{branch} has commits by someone other than the bot (head {head[:12] if head else '?'}): "
                            "not pushed, nothing overwritten")
        if open_pull is not None:
            outcome = gh.upsert_comment(repo, open_pull.number, held_note(merged, head, chinese=chinese), HELD_MARKER)
            result.pull_url = open_pull.url
            result.lines.append(f"note on the pull request {outcome.action}: {outcome.url}")
        return
    result.lines.append(f"branch {branch} {'pushed' if pushed.pushed else 'unchanged'}")
    pull, action = gh.sync_open_pull(repo, branch, base, title_for(merged, chinese=chinese), result.body)
    result.action, result.pull_url = action, pull.url
    result.lines.append(f"pull request {action}: {pull.url}")


def tell_sweep(repo: Repository, merged: Merged, *, chinese: bool = True) -> list[str]:
    """Archived and gone repositories as one marked comment on the open link-sweep issue (gone ones open
    the issue when none is open); nothing to say, nothing posted."""
    from paperlist.github import client as gh
    from paperlist.output.comment import SWEEP_MARKER

    if not (merged.archived or merged.gone):
        return []
    issue = gh.find_issue(repo, SWEEP_MARKER)
    if issue is None:
        if not merged.gone:
            return ["no open link-sweep issue: the archived repositories are listed in the pull request only"]
        opened = gh.sync_issue(repo, "Broken links found by the weekly sweep",
                               f"{SWEEP_MARKER}\n## {shown('comment.sweep.title', chinese)}\n\n"
                               f"{shown('refresh.pr.sweep.opened', chinese, sep=' ')}\n", SWEEP_MARKER)
        number = opened.id
        lines = [f"link-sweep issue {opened.action}: {opened.url}"]
    else:
        number = issue.number
        lines = []
    assert number is not None
    outcome = gh.upsert_comment(repo, number, sweep_note(merged, chinese=chinese), SWEEP_NOTE_MARKER)
    return [*lines, f"link-sweep issue told about {_repos(merged.gone)} gone and {_repos(merged.archived)} archived "
                    f"repositories: comment {outcome.action} ({outcome.url})"]


__all__ = ["DEFAULT_BRANCH", "MARKER", "Merged", "RefreshPrResult", "RefreshPrSettings", "apply_patches",
           "load_summaries", "render_body", "run_refresh_pr", "tell_sweep"]
