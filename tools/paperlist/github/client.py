"""Talking to GitHub through PyGithub: the one PR comment, its suggestions, the commit status,
the sweep issue.

Written for the Actions token and its limits:
- the bot's comment is found again by a hidden marker at the start of the body and a Bot
  author, never by asking who we are (``GET /user`` answers 403 to an Actions token);
- POST is never retried blindly: a 502 can come back from a request GitHub carried out, so
  after a failed create we look for the marker again before trying once more;
- retries are capped and never sleep for a rate-limit reset (PyGithub's default retry can wait
  for many minutes): a rate limit is a clear error instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from github import Auth, Github, GithubException
from github.Issue import Issue
from github.IssueComment import IssueComment
from github.PullRequestReview import PullRequestReview
from github.Repository import Repository
from urllib3.util.retry import Retry

from paperlist.errors import PaperlistError, UsageError

DEFAULT_API_URL = "https://api.github.com"
STATUS_CONTEXT = "paperlist"
SWEEP_LABEL = "broken-links"

T = TypeVar("T")


class GitHubError(PaperlistError):
    """GitHub refused or failed a request we cannot work around."""


@dataclass(frozen=True)
class Outcome:
    action: str  # created | updated | unchanged | closed | skipped | stale
    url: str | None = None
    id: int | None = None


def client(api_url: str, token: str, *, write_interval: float = 1.0, timeout: float = 20.0) -> Github:
    """A PyGithub client for ``api_url`` whose retries are safe for writes and short."""
    # Idempotent methods only (no POST): a retried POST after a half-processed 502 duplicates.
    # No Retry-After sleeps (a rate-limit reset can be an hour away) and no 403 retries: a used-up
    # quota is reported at once instead of stalling the job.
    retry = Retry(total=3, backoff_factor=0.5, backoff_max=8, status_forcelist=(500, 502, 503, 504),
                  allowed_methods=frozenset({"GET", "HEAD", "PATCH", "PUT", "DELETE"}),
                  respect_retry_after_header=False, raise_on_status=False)
    return Github(base_url=api_url.rstrip("/"), auth=Auth.Token(token), retry=retry, timeout=int(timeout),
                  lazy=True, seconds_between_requests=None, seconds_between_writes=write_interval or None,
                  per_page=100)


def from_env(environ: Mapping[str, str], *, write_interval: float = 1.0) -> tuple[Github, Repository]:
    """Client and repository from the standard Actions variables."""
    token = environ.get("GITHUB_TOKEN") or ""
    repo = environ.get("GITHUB_REPOSITORY") or ""
    if not token:
        raise UsageError("GITHUB_TOKEN is not set (pass the workflow's token as an environment variable)")
    if "/" not in repo:
        raise UsageError("GITHUB_REPOSITORY is not set to owner/name")
    gh = client(environ.get("GITHUB_API_URL") or DEFAULT_API_URL, token, write_interval=write_interval)
    return gh, gh.get_repo(repo)  # lazy client: no request until needed


def _call(what: str, fn: Callable[[], T]) -> T:
    try:
        return fn()
    except GithubException as e:
        raise GitHubError(_explain(what, e)) from e
    except OSError as e:  # connection refused, reset, timeout
        raise GitHubError(f"{what}: cannot reach GitHub ({e.__class__.__name__}: {e})") from e


def _explain(what: str, e: GithubException) -> str:
    message = e.data.get("message") if isinstance(e.data, dict) else None
    text = f"{what}: GitHub answered {e.status}" + (f" ({message})" if message else "")
    if e.status == 403 and message and "rate limit" in message.lower():
        text += "; the API rate limit is used up, try again after it resets"
    elif e.status == 403:
        text += "; the token lacks permission (a fork PR's pull_request token is read-only: post from workflow_run)"
    return text


def _is_ours(item: IssueComment | PullRequestReview, marker: str, bot_login: str | None) -> bool:
    body = item.body or ""
    if not body.startswith(marker):
        return False
    user = item.user
    if bot_login:
        return bool(user and user.login == bot_login)
    # Anyone can paste the marker; only a bot's comment or review is ours.
    return bool(user and user.type == "Bot")


def find_comment(issue: Issue, marker: str, *, bot_login: str | None = None) -> IssueComment | None:
    for c in _call("listing the PR's comments", lambda: list(issue.get_comments())):
        if _is_ours(c, marker, bot_login):
            return c
    return None


def _find_or_create(what: str, find: Callable[[], T | None], create: Callable[[], T], attempts: int) -> tuple[T, bool]:
    """The marked object, found or created: ``(obj, created)``. Never a second one: a create answered
    with a 5xx or a dropped connection may have been carried out (a half-processed 502), so the
    marker is looked for again before creating once more."""
    last: GitHubError | None = None
    tried = False
    for _ in range(attempts):
        found = find()
        if found is not None:
            return found, tried
        tried = True
        try:
            return create(), True
        except GithubException as e:
            if e.status is not None and e.status < 500:
                raise GitHubError(_explain(what, e)) from e
            last = GitHubError(_explain(what, e))
        except OSError as e:
            last = GitHubError(f"{what}: {e}")
    assert last is not None
    raise last


def upsert_comment(repo: Repository, number: int, body: str, marker: str, *,
                   bot_login: str | None = None, attempts: int = 3) -> Outcome:
    """Create the one marked comment on issue/PR ``number``, or edit it in place; never a second one."""
    if not body.startswith(marker):
        raise ValueError("the body must start with the marker")
    issue = repo.get_issue(number)
    c, created = _find_or_create("posting the comment", lambda: find_comment(issue, marker, bot_login=bot_login),
                                 lambda: issue.create_comment(body), attempts)
    if c.body == body:
        return Outcome("created" if created else "unchanged", c.html_url, c.id)
    _call("editing the comment", lambda: c.edit(body))
    return Outcome("updated", c.html_url, c.id)


def post_review(repo: Repository, number: int, head_sha: str, *, body: str, comments: list[dict[str, Any]],
                marker: str, attempts: int = 2) -> Outcome:
    """Post one review of line comments (suggestions) on ``head_sha``, unless a bot review with
    ``marker`` is already there."""
    if not body.startswith(marker):
        raise ValueError("the body must start with the marker")
    pull = repo.get_pull(number)

    def find() -> PullRequestReview | None:
        reviews = _call("listing the PR's reviews", lambda: list(pull.get_reviews()))
        return next((r for r in reviews if _is_ours(r, marker, None)), None)

    def create() -> PullRequestReview:
        return pull.create_review(commit=repo.get_commit(head_sha), body=body, event="COMMENT",
                                  comments=comments)  # type: ignore[arg-type]

    review, created = _find_or_create("posting the suggestions", find, create, attempts)
    return Outcome("created" if created else "unchanged", review.html_url, review.id)


def pr_head_sha(repo: Repository, number: int) -> str:
    pull = repo.get_pull(number)
    return _call(f"reading PR #{number}", lambda: pull.head.sha)


def set_status(repo: Repository, sha: str, state: str, description: str, *, target_url: str | None,
               context: str = STATUS_CONTEXT) -> None:
    commit = repo.get_commit(sha)
    kwargs: dict[str, Any] = {"description": description[:140], "context": context}
    if target_url:
        kwargs["target_url"] = target_url
    _call("setting the commit status", lambda: commit.create_status(state, **kwargs))


def find_issue(repo: Repository, marker: str, *, label: str = SWEEP_LABEL) -> Issue | None:
    """The open issue labelled ``label`` whose body starts with ``marker`` (the sweep issue), or None."""
    issues = _call("listing issues", lambda: [i for i in repo.get_issues(state="open", labels=[label])
                                              if (i.body or "").startswith(marker) and i.pull_request is None])
    return issues[0] if issues else None


def sync_issue(repo: Repository, title: str, body: str | None, marker: str, *,
               label: str = SWEEP_LABEL, closing_note: str = "All links are fine now; closing.") -> Outcome:
    """Keep one open issue marked ``marker``: create or update it with ``body``, close it when None."""
    current = find_issue(repo, marker, label=label)
    if body is None:
        if current is None:
            return Outcome("unchanged")
        _call("commenting on the issue", lambda: current.create_comment(closing_note))
        _call("closing the issue", lambda: current.edit(state="closed"))
        return Outcome("closed", current.html_url, current.number)
    if current is None:
        created = _call("opening the issue", lambda: repo.create_issue(title=title, body=body, labels=[label]))
        return Outcome("created", created.html_url, created.number)
    if current.body == body and current.title == title:
        return Outcome("unchanged", current.html_url, current.number)
    _call("updating the issue", lambda: current.edit(title=title, body=body))
    return Outcome("updated", current.html_url, current.number)


# -- the issue form's pull request ------------------------------------------------------------------
WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})


@dataclass(frozen=True)
class PullInfo:
    number: int
    url: str
    state: str  # open | closed
    merged: bool
    head_sha: str


def _pull_info(pull: Any) -> PullInfo:
    return PullInfo(pull.number, pull.html_url, pull.state, bool(pull.merged), pull.head.sha)


def find_pull(repo: Repository, branch: str) -> PullInfo | None:
    """The pull request whose head is ``branch`` of this repository: an open one first, else the
    newest closed one (found by branch, so a retried create or a re-run never makes a second)."""
    owner = repo.full_name.split("/", 1)[0]
    pulls = _call("listing pull requests", lambda: list(repo.get_pulls(state="all", head=f"{owner}:{branch}")))
    pulls = [p for p in pulls if p.head.ref == branch]
    if not pulls:
        return None
    pulls.sort(key=lambda p: (p.state == "open", p.number), reverse=True)
    return _pull_info(pulls[0])


def upsert_pull(repo: Repository, branch: str, base: str, title: str, body: str, *,
                attempts: int = 3) -> tuple[PullInfo, str]:
    """The one PR for ``branch``: created, reopened, edited or left alone; ``(pull, action)``.

    A merged PR is never replaced by a second one (action "merged"): the issue's paper is in.
    """
    def create() -> PullInfo:
        return _pull_info(repo.create_pull(base=base, head=branch, title=title, body=body,
                                           maintainer_can_modify=True))

    found = find_pull(repo, branch)
    if found is not None and found.merged:
        return found, "merged"
    if found is None:
        pull, created = _find_or_create("opening the pull request", lambda: find_pull(repo, branch), create,
                                        attempts)
        if created:
            return pull, "created"
        found = pull
    current = repo.get_pull(found.number)
    changes: dict[str, Any] = {}
    if current.title != title:
        changes["title"] = title
    if current.body != body:
        changes["body"] = body
    if found.state != "open":
        changes["state"] = "open"
    if not changes:
        return found, "unchanged"
    _call("updating the pull request", lambda: current.edit(**changes))
    return _pull_info(repo.get_pull(found.number)), ("reopened" if "state" in changes else "updated")


def find_open_pull(repo: Repository, branch: str) -> PullInfo | None:
    """The open pull request whose head is ``branch`` of this repository, or None."""
    owner = repo.full_name.split("/", 1)[0]
    pulls = _call("listing pull requests", lambda: list(repo.get_pulls(state="open", head=f"{owner}:{branch}")))
    pulls = sorted((p for p in pulls if p.head.ref == branch), key=lambda p: p.number)
    return _pull_info(pulls[0]) if pulls else None


def sync_open_pull(repo: Repository, branch: str, base: str, title: str, body: str, *,
                   attempts: int = 3) -> tuple[PullInfo, str]:
    """The one open PR for ``branch``: edited in place, or created; ``(pull, "created" | "updated" | "unchanged")``.

    Unlike :func:`upsert_pull` (one PR per issue, ever), a bot branch that is refreshed again and
    again gets a new PR once its last one was merged or closed."""
    def create() -> PullInfo:
        return _pull_info(repo.create_pull(base=base, head=branch, title=title, body=body,
                                           maintainer_can_modify=True))

    pull, created = _find_or_create("opening the pull request", lambda: find_open_pull(repo, branch), create,
                                    attempts)
    if created:
        return pull, "created"
    current = _call("reading the pull request", lambda: repo.get_pull(pull.number))
    changes: dict[str, Any] = {k: v for k, v in (("title", title), ("body", body)) if getattr(current, k) != v}
    if not changes:
        return pull, "unchanged"
    _call("updating the pull request", lambda: current.edit(**changes))
    return _pull_info(repo.get_pull(pull.number)), "updated"


def close_pull(repo: Repository, branch: str, note: str | None = None) -> tuple[PullInfo | None, str]:
    """Close the open PR of ``branch`` (with a note); ``(pull, "closed" | "unchanged" | "merged" | "none")``."""
    found = find_pull(repo, branch)
    if found is None:
        return None, "none"
    if found.merged:
        return found, "merged"
    if found.state != "open":
        return found, "unchanged"
    pull = repo.get_pull(found.number)
    if note:
        _call("commenting on the pull request", lambda: pull.create_issue_comment(note))
    _call("closing the pull request", lambda: pull.edit(state="closed"))
    return found, "closed"


def label_approver(repo: Repository, number: int, label: str) -> tuple[str | None, str]:
    """Who last applied ``label`` to issue ``number`` and their permission on the repository,
    asked of the API (the issue's events, then the collaborator permission), never read from
    the issue's text: ``(login or None, permission)``; ``("", "none")`` when the label is not there."""
    issue = repo.get_issue(number)
    names = {lab.name for lab in _call("reading the issue", lambda: list(issue.labels))}
    if label not in names:
        return None, "none"
    events = _call("listing the issue's events", lambda: list(issue.get_events()))
    actor = None
    for event in events:
        if event.event == "labeled" and event.label is not None and event.label.name == label:
            actor = event.actor.login if event.actor else None
    if actor is None:
        return None, "none"
    try:
        permission = repo.get_collaborator_permission(actor)
    except GithubException as e:
        if e.status == 404:  # not a collaborator (or the account is gone): no permission
            return actor, "none"
        raise GitHubError(_explain(f"reading {actor}'s permission", e)) from e
    except OSError as e:
        raise GitHubError(f"reading {actor}'s permission: cannot reach GitHub ({e})") from e
    return actor, permission

