"""What a change touches: files added, modified, renamed or deleted between base and head, via git.

The diff is taken against the merge base (``git diff base...head``), as GitHub shows a pull
request, so commits that landed on the base branch meanwhile are not blamed on the PR.
git is run with a fixed argument list (no shell) and ``-z`` output, so odd file names (spaces,
newlines, quotes) come through intact.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from paperlist.errors import UsageError

# git must not page, prompt, or read the user's diff settings that change the output format.
_GIT_ENV = {"GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1"}


@dataclass(frozen=True)
class ChangedPath:
    """One changed path. ``status`` is A, M, D, R (rename: ``old`` is the previous path) or T."""

    status: str
    path: str
    old: str | None = None


def git(root: Path, *args: str, check: bool = True, env: Mapping[str, str] | None = None) -> str:
    """Run git in ``root`` and return stdout; a failure is a UsageError with git's own message."""
    env = {**os.environ, **_GIT_ENV, **(env or {})}
    try:
        proc = subprocess.run(["git", "-c", "core.quotepath=off", *args], check=False, cwd=root, env=env,
                              capture_output=True, text=True, encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError as e:
        raise UsageError("git is not installed or not on PATH") from e
    if check and proc.returncode != 0:
        msg = (proc.stderr or proc.stdout).strip().splitlines()
        raise UsageError(f"git {' '.join(args[:2])} failed: {msg[-1] if msg else 'exit ' + str(proc.returncode)}")
    return proc.stdout


def rev_parse(root: Path, ref: str) -> str:
    """The full commit SHA of ``ref`` (refuses option-looking refs)."""
    if ref.startswith("-"):
        raise UsageError(f"not a git ref: {ref!r}")
    out = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False).strip()
    if not out:
        raise UsageError(f"unknown git ref {ref!r} (in a shallow clone, fetch the base branch first)")
    return out


def merge_base(root: Path, base: str, head: str) -> str:
    out = git(root, "merge-base", base, head, check=False).strip()
    if not out:
        raise UsageError(f"{base[:12]} and {head[:12]} share no history (fetch with enough depth)")
    return out


def changes(root: Path, base: str, head: str) -> list[ChangedPath]:
    """Changed paths between the merge base of ``base`` and ``head``, and ``head``."""
    out = git(root, "diff", "--no-ext-diff", "--no-color", "--name-status", "-z", "-M", f"{base}...{head}", "--")
    fields = out.split("\0")
    result: list[ChangedPath] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        kind = status[0]
        if kind in ("R", "C"):
            old, new = fields[i + 1], fields[i + 2]
            result.append(ChangedPath("R" if kind == "R" else "A", new, old if kind == "R" else None))
            i += 3
        else:
            result.append(ChangedPath(kind, fields[i + 1]))
            i += 2
    return result


def show(root: Path, rev: str, path: str) -> str | None:
    """The text of ``path`` at ``rev``, or None when it does not exist there."""
    proc = subprocess.run(["git", "show", f"{rev}:{path}"], check=False, cwd=root, capture_output=True,
                          env={**os.environ, **_GIT_ENV})
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", errors="replace")


def added_times(root: Path, under: str) -> dict[str, int] | None:
    """When each committed file under ``under`` was added: {path relative to root: commit time, epoch s}.

    One ``git log`` over the history of HEAD. A file added twice (deleted, then back) counts
    from its last addition; renames count as additions (``--no-renames``), so the answer never
    depends on git's rename-detection settings. Files not committed yet are absent. None when
    ``root`` is not in a git checkout. A shallow clone would date every old file at its cut-off
    commit, so it is refused (UsageError) rather than answered wrongly.
    """
    try:
        probe = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], check=False, cwd=root,
                               capture_output=True, text=True, env={**os.environ, **_GIT_ENV})
    except FileNotFoundError:
        return None
    if probe.returncode != 0:
        return None
    if probe.stdout.strip() == "true":
        raise UsageError("this clone is shallow, so when papers were added is unknown: run "
                         "`git fetch --unshallow` (in Actions: actions/checkout with fetch-depth: 0)")
    if not git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip():
        return {}  # a repository without commits
    out = git(root, "log", "--no-renames", "--diff-filter=A", "--name-only", "--relative", "--format=%x01%ct",
              "HEAD", "--", under)
    times: dict[str, int] = {}
    when = 0
    for line in out.splitlines():
        if line.startswith("\x01"):
            when = int(line[1:])
        elif line:
            times[line] = max(times.get(line, 0), when)
    return times


def pending(root: Path, prefix: str) -> list[tuple[str, str]]:
    """Paths under ``prefix`` that are not committed, with how: ``staged``, ``not staged`` or ``untracked``.

    A check compares commits; these are what a contributor has on disk that no commit holds yet.
    """
    out = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", prefix)
    fields = out.split("\0")
    result: list[tuple[str, str]] = []
    i = 0
    while i < len(fields) and len(fields[i]) > 3:
        xy, path = fields[i][:2], fields[i][3:]
        i += 2 if xy[0] in "RC" else 1  # a rename is followed by its old path
        if xy == "??":
            result.append((path, "untracked"))
        elif xy[0] not in " ?":
            result.append((path, "staged"))
        else:
            result.append((path, "not staged"))
    return result


BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"


@dataclass(frozen=True)
class PushResult:
    pushed: bool
    attempts: int
    commit: str | None = None


def publish(root: Path, regenerate: Callable[[], None], paths: Sequence[str], message: str, *,
            remote: str = "origin", branch: str = "main", attempts: int = 5) -> PushResult:
    """Regenerate ``paths``, commit them as github-actions[bot] only when they changed, and push.

    When the push is rejected because ``branch`` moved (two merges close together), start over
    from the new tip: fetch, move onto it, regenerate, commit, push. Regenerating instead of
    rebasing our old commit means a README conflict can never happen and nothing pushed in
    between is lost.
    """
    # The environment's GIT_AUTHOR_* would win over -c user.name: set the bot identity there.
    ident = {"GIT_AUTHOR_NAME": BOT_NAME, "GIT_AUTHOR_EMAIL": BOT_EMAIL,
             "GIT_COMMITTER_NAME": BOT_NAME, "GIT_COMMITTER_EMAIL": BOT_EMAIL}
    for attempt in range(1, attempts + 1):
        regenerate()
        status = git(root, "status", "--porcelain", "--", *paths)
        if not status.strip():
            return PushResult(False, attempt)
        git(root, "add", "--", *paths)
        git(root, "commit", "--quiet", "--no-verify", "-m", message, "--", *paths, env=ident)
        sha = git(root, "rev-parse", "HEAD").strip()
        push = subprocess.run(["git", "push", "--quiet", "--porcelain", remote, f"HEAD:refs/heads/{branch}"],
                              check=False, cwd=root, capture_output=True, text=True,
                              env={**os.environ, **_GIT_ENV})
        if push.returncode == 0:
            return PushResult(True, attempt, sha)
        if attempt == attempts:
            break
        # Rejected (most likely non-fast-forward): move onto the new tip and regenerate there.
        git(root, "fetch", "--quiet", remote, branch)
        git(root, "reset", "--quiet", "--hard", "FETCH_HEAD")
    raise UsageError(f"could not push to {remote} {branch} after {attempts} attempts: {push.stderr.strip()}")


BOT_IDENTITY = {"GIT_AUTHOR_NAME": BOT_NAME, "GIT_AUTHOR_EMAIL": BOT_EMAIL,
                "GIT_COMMITTER_NAME": BOT_NAME, "GIT_COMMITTER_EMAIL": BOT_EMAIL}


def commit_as_bot(root: Path, paths: Sequence[str], message: str) -> str:
    """Commit ``paths`` as github-actions[bot] (hooks off) and return the new commit's SHA."""
    git(root, "add", "--", *paths)
    git(root, "commit", "--quiet", "--no-verify", "-m", message, "--", *paths, env=BOT_IDENTITY)
    return git(root, "rev-parse", "HEAD").strip()


def remote_branch_sha(root: Path, remote: str, branch: str) -> str | None:
    out = git(root, "ls-remote", "--heads", remote, f"refs/heads/{branch}").split()
    return out[0] if out else None


def branch_authors(root: Path, remote: str, branch: str, base_sha: str) -> list[str] | None:
    """The author and committer e-mails of ``remote``'s ``branch`` commits not on ``base_sha``, or None
    when the branch does not exist (what decides whether the bot may replace or close it)."""
    if remote_branch_sha(root, remote, branch) is None:
        return None
    tmp_ref = "refs/paperlist/branch-authors"
    git(root, "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{branch}:{tmp_ref}")
    try:
        return git(root, "log", "--format=%ae %ce", tmp_ref, "--not", base_sha).split()
    finally:
        git(root, "update-ref", "-d", tmp_ref, check=False)


@contextmanager
def temporary_worktree(root: Path, sha: str, prefix: str = "paperlist-") -> Iterator[Path]:
    """A detached worktree at ``sha`` in a temp folder: the caller's checkout is never touched."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    wt = tmp / "wt"
    git(root, "worktree", "add", "--quiet", "--detach", str(wt), sha)
    try:
        yield wt
    finally:
        git(root, "worktree", "remove", "--force", str(wt), check=False)
        shutil.rmtree(tmp, ignore_errors=True)
        git(root, "worktree", "prune", check=False)


class ForeignCommits(UsageError):
    """The bot branch holds commits by someone else (a maintainer's push): it is never replaced."""


def push_bot_branch(root: Path, branch: str, base_sha: str, *, remote: str = "origin") -> PushResult:
    """Point ``remote``'s ``branch`` at HEAD, a bot commit on ``base_sha``, replacing the bot's earlier version.

    Only a branch that holds nothing but the bot's own commits is replaced: if a person pushed to it
    (a maintainer finishing the PR by hand), it is left alone with a clear error. The push is a
    force-with-lease on the SHA just read, so a push that lands in between is never overwritten.
    Nothing is pushed when the branch already has the same content on the same base.
    """
    head = git(root, "rev-parse", "HEAD").strip()
    old = remote_branch_sha(root, remote, branch)
    if old is not None:
        tmp_ref = "refs/paperlist/old-branch"
        git(root, "fetch", "--quiet", "--no-tags", remote, f"+refs/heads/{branch}:{tmp_ref}")
        try:
            authors = git(root, "log", "--format=%ae %ce", tmp_ref, "--not", base_sha).split()
            same_tree = git(root, "rev-parse", f"{tmp_ref}^{{tree}}") == git(root, "rev-parse", "HEAD^{tree}")
            same_base = git(root, "rev-parse", f"{tmp_ref}~1", check=False).strip() == base_sha
        finally:
            git(root, "update-ref", "-d", tmp_ref, check=False)  # refs are shared with the caller's checkout
        if any(a != BOT_EMAIL for a in authors):
            raise ForeignCommits(f"{branch} has commits by someone other than {BOT_NAME}; not replacing them "
                             "(a maintainer edited the pull request: update it by hand, or delete the branch)")
        if same_tree and same_base:
            return PushResult(False, 1, old)
    lease = f"--force-with-lease=refs/heads/{branch}:{old or ''}"
    push = subprocess.run(["git", "push", "--quiet", "--porcelain", lease, remote, f"{head}:refs/heads/{branch}"],
                          check=False, cwd=root, capture_output=True, text=True, env={**os.environ, **_GIT_ENV})
    if push.returncode != 0:
        raise UsageError(f"could not push {branch} to {remote}: {(push.stderr or push.stdout).strip()}")
    return PushResult(True, 1, head)
