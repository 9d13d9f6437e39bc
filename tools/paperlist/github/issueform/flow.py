"""From an ``issues`` event to an answer on the issue and, once a maintainer approves, one pull request.

Three modes, one per workflow job so each job holds only the permissions it needs:

- ``propose``: read the form from the event payload, build the paper file(s) with the same library
  as ``paperlist new``, commit them in a throw-away worktree, run the full ``check``, and answer on
  the issue with the exact file(s) or with what to fix. Nothing is pushed.
- ``pr``: the same, then — only if the ``add-paper:approved`` label was applied by someone with
  write permission (asked of the API, never read from the issue) — force-update the bot branch
  ``add-paper/issue-N``, open or update its one PR, and post the check's comment and commit status
  on that PR here, because a PR opened with the Actions token triggers no workflow of its own.
- ``close``: the issue was closed: close its PR.

The library never prints: ``run_issue_pr`` returns a ``FlowResult`` with the lines the CLI shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from github.Repository import Repository

from paperlist.errors import PaperlistError, UsageError
from paperlist.github import client as gh
from paperlist.github.check import CheckSettings, run_check
from paperlist.github.issueform import reply
from paperlist.github.issueform.form import FormSpec, PaperRequest, read_request
from paperlist.github.issueform.plan import plan_request
from paperlist.github.post import publish_report
from paperlist.infra.gitdiff import commit_as_bot, git, push_bot_branch, temporary_worktree
from paperlist.infra.messages import bilingual
from paperlist.output.comment import links_for
from paperlist.project.keys import PAPERS_DIR
from paperlist.project.vocab import Vocabulary

Mode = Literal["propose", "pr", "close"]
FORM_LABEL = "add-paper"
APPROVE_LABEL = "add-paper:approved"
BRANCH_PREFIX = "add-paper/issue-"
# A real issues payload is a few kB plus the body (at most 65,536 characters, up to 4 bytes each).
MAX_EVENT_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class IssueEvent:
    action: str
    number: int
    body: str
    state: str
    labels: tuple[str, ...]
    sender: str
    label: str | None  # the label just added, for "labeled"
    default_branch: str
    is_pull: bool


def read_event(path: Path) -> IssueEvent:
    """The ``issues`` event from ``$GITHUB_EVENT_PATH``, its shape checked (size, types)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_EVENT_BYTES:
            raise UsageError(f"event payload {path} is {size:,} bytes, more than {MAX_EVENT_BYTES:,}")
        data = json.loads(path.read_bytes())
    except OSError as e:
        raise UsageError(f"cannot read the event payload {path}: {e.strerror}") from e
    except ValueError as e:
        raise UsageError(f"event payload {path} is not valid JSON: {e}") from e
    issue = data.get("issue") if isinstance(data, dict) else None
    if not isinstance(issue, dict) or not isinstance(issue.get("number"), int) or isinstance(issue["number"], bool):
        raise UsageError("the event payload has no issue (run this on an `issues` event)")

    def text(obj: Any, key: str) -> str:
        v = obj.get(key) if isinstance(obj, dict) else None
        return v if isinstance(v, str) else ""

    labels = tuple(text(lab, "name") for lab in issue.get("labels") or [] if isinstance(lab, dict))
    return IssueEvent(action=text(data, "action"), number=issue["number"], body=text(issue, "body"),
                      state=text(issue, "state") or "open", labels=labels,
                      sender=text(data.get("sender"), "login"), label=text(data.get("label"), "name") or None,
                      default_branch=text(data.get("repository"), "default_branch") or "main",
                      is_pull="pull_request" in issue)


@dataclass(frozen=True)
class IssuePrSettings:
    root: Path
    mode: Mode
    event: IssueEvent
    repository: str
    server_url: str = "https://github.com"
    run_url: str | None = None
    run_id: int | None = None
    links: bool = True
    github_token: str | None = None
    remote: str = "origin"


@dataclass
class FlowResult:
    action: str  # skipped | refused | proposed | not-approved | pr-<created|updated|…> | merged | closed
    exit_code: int = 0
    lines: list[str] = field(default_factory=list)
    comment_url: str | None = None
    pr_url: str | None = None


def branch_for(number: int) -> str:
    return f"{BRANCH_PREFIX}{int(number)}"


def _answer(repo: Repository, number: int, body: str, result: FlowResult) -> FlowResult:
    outcome = gh.upsert_comment(repo, number, body, reply.MARKER)
    result.comment_url = outcome.url
    result.lines.append(f"issue comment {outcome.action}: {outcome.url}")
    return result


def run_issue_pr(settings: IssuePrSettings, repo: Repository) -> FlowResult:
    """Do what ``settings.mode`` says for the event; see the module docstring."""
    ev = settings.event
    if ev.is_pull:
        return FlowResult("skipped", 0, ["not an issue (a pull request): nothing to do"])
    if FORM_LABEL not in ev.labels:
        return FlowResult("skipped", 0, [f"issue #{ev.number} has no {FORM_LABEL!r} label: nothing to do"])
    branch = branch_for(ev.number)
    if settings.mode == "close" or ev.action == "closed" or ev.state == "closed":
        if settings.mode != "close":
            return FlowResult("skipped", 0, [f"issue #{ev.number} is closed: nothing to propose"])
        closing = bilingual("reply.issue-closed", number=ev.number)
        pull, action = gh.close_pull(repo, branch, closing)
        result = FlowResult("closed" if action == "closed" else f"close-{action}", 0,
                            [f"pull request for {branch}: {action}" + (f" ({pull.url})" if pull else "")])
        return _answer(repo, ev.number, reply.closed_reply(pull.url if pull else None,
                                                           pull.number if pull else None, action), result)

    root = settings.root
    spec = FormSpec.load(root)
    request, problems = read_request(ev.body, spec, Vocabulary.load(root))
    if request is None:
        result = FlowResult("refused", 1, [f"the form has {len(problems)} problem(s); answered with what to fix"])
        return _answer(repo, ev.number, reply.problems_reply(problems, spec), result)

    approver: str | None = None
    note: str | None = None
    if settings.mode == "pr":
        who, permission = gh.label_approver(repo, ev.number, APPROVE_LABEL)
        if permission in gh.WRITE_PERMISSIONS:
            approver = who
        else:
            note = bilingual("reply.not-a-maintainer", label=APPROVE_LABEL, who=who or "unknown", permission=permission)
    base_sha = git(root, "rev-parse", "HEAD").strip()
    with temporary_worktree(root, base_sha, prefix="paperlist-issue-") as wt:
        return _build(settings, repo, request, wt, base_sha, approver=approver, note=note)


def _build(settings: IssuePrSettings, repo: Repository, request: PaperRequest, wt: Path, base_sha: str, *,
           approver: str | None, note: str | None) -> FlowResult:
    ev = settings.event
    branch = branch_for(ev.number)
    planned = plan_request(wt, request)
    files = planned.writes
    links = links_for(planned.report, server_url=settings.server_url, repository=settings.repository)
    if not planned.ok:
        result = FlowResult("refused", 1, [f"the paper does not pass validation ({planned.report.errors} error(s))"])
        return _answer(repo, ev.number, reply.findings_reply(planned.report, links, files, stage="validation"),
                       result)
    papers = (wt / PAPERS_DIR).resolve()
    for w in planned.writes:  # the key is a slug, so this cannot happen; a second lock on the door
        target = (wt / w.rel).resolve()
        if not target.is_relative_to(papers) or target.suffix != ".yaml":
            raise UsageError(f"refusing to write {w.rel!r}: outside papers/")
    planned.apply()
    commit_as_bot(wt, [w.rel for w in planned.writes], f"Add paper from issue #{ev.number}")
    context: dict[str, Any] = {"repository": settings.repository, "server_url": settings.server_url}
    if settings.run_id:
        context["run_id"] = settings.run_id
    report = run_check(CheckSettings(root=wt, base=base_sha, head="HEAD", links=settings.links, trusted=False,
                                     github_token=settings.github_token, dupes_cache=False, context=context))
    links = links_for(report, server_url=settings.server_url, repository=settings.repository,
                      summary_url=settings.run_url)
    if report.errors:
        result = FlowResult("refused", 1, [f"paperlist check found {report.errors} error(s); answered with them"])
        return _answer(repo, ev.number, reply.findings_reply(report, links, files, stage="the check"), result)
    if approver is None:
        result = FlowResult("proposed" if note is None else "not-approved", 0,
                            [f"proposal: {', '.join(f.rel for f in files)} ({report.meta.get('verdict')})"])
        return _answer(repo, ev.number, reply.proposal_reply(report, links, files, approve_label=APPROVE_LABEL,
                                                             note=note, suggestions=planned.suggestions), result)

    existing = gh.find_pull(repo, branch)
    if existing is not None and existing.merged:  # the paper is in: never a second PR for this issue
        return _answer(repo, ev.number, reply.merged_reply(existing.url, existing.number),
                       FlowResult("merged", 0, [f"{existing.url} is merged; nothing to update"]))
    try:
        pushed = push_bot_branch(wt, branch, base_sha, remote=settings.remote)
    except PaperlistError as e:
        return _answer(repo, ev.number, reply.blocked_reply(str(e)), FlowResult("refused", 1, [str(e)]))
    head_sha = pushed.commit or git(wt, "rev-parse", "HEAD").strip()
    title = reply.pr_title(ev.number, files, planned.titles[0] if planned.titles else None)
    pull, action = gh.upsert_pull(repo, branch, ev.default_branch, title, reply.pr_body(ev.number, files, approver))
    if action == "unchanged" and pushed.pushed:
        action = "updated"  # same title and text, new content on the branch
    if action == "merged":
        return _answer(repo, ev.number, reply.merged_reply(pull.url, pull.number),
                       FlowResult("merged", 0, [f"{pull.url} is merged; nothing to update"]))
    result = FlowResult(f"pr-{action}", 0, [f"branch {branch} {'pushed' if pushed.pushed else 'unchanged'} "
                                            f"({head_sha[:12]})", f"pull request {action}: {pull.url}"],
                        pr_url=pull.url)
    # The Actions token's PR triggers no workflow: its check comment and status are posted from here.
    report.meta.update({"pr": pull.number, "head_sha": head_sha})
    pr_links = links_for(report, server_url=settings.server_url, repository=settings.repository, pr=pull.number,
                         summary_url=settings.run_url)
    posted = publish_report(repo, report, pull.number, pr_links)
    result.lines += [f"PR #{pull.number}: {line}" for line in posted.lines + posted.problems]
    return _answer(repo, ev.number, reply.pr_reply(report, links, files, pr_url=pull.url, pr_number=pull.number,
                                                   action=action), result)

