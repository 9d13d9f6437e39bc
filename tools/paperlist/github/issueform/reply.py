"""What the bot writes on the issue (one comment, edited in place) and as the pull request's text.

Bilingual, and everything that came from the issue is neutralized: quoted values through
``comment.inline`` (no HTML, no mentions, no autolinks), the proposed file in a fence longer than
any backtick run inside it. Every body fits GitHub's comment limit with room to spare.
"""

from __future__ import annotations

from collections.abc import Sequence

from paperlist.findings import Report
from paperlist.github.issueform.form import FormSpec, Problem
from paperlist.infra.escape import code, fenced
from paperlist.infra.messages import Phrase, bilingual
from paperlist.infra.writeplan import FileWrite
from paperlist.output.comment import COMMENT_BUDGET, Links, findings_markdown, inline, verdict_lines

MARKER = "<!-- paperlist:add-paper -->"
PR_MARKER = "<!-- paperlist:add-paper-pr -->"
TITLE = "### paperlist · " + bilingual("reply.title", sep=" / ")
_FOOT = f"<sub>{bilingual('reply.foot')}</sub>"
_CHECK = f"**{bilingual('reply.check', sep=' / ')}**: "


def _fit(parts: Sequence[str], findings: str = "") -> str:
    """Join the parts; the findings section gives way first (then the files) to stay under budget."""
    body = "\n\n".join(p for p in parts if p)
    if findings:
        body = body.replace("\0FINDINGS\0", findings)
    if len(body) > COMMENT_BUDGET:
        body = body[: COMMENT_BUDGET - 200] + f"\n\n… ({bilingual('reply.cut')})\n"
    return body


def problems_reply(problems: Sequence[Problem], spec: FormSpec) -> str:
    labels = {f.id: f.label for f in spec.fields}
    rows = [f"| {bilingual('reply.column.field')} | {bilingual('reply.column.fix')} |", "|---|---|"]
    for p in problems:
        name = inline(labels.get(p.field, "—"), 80)
        rows.append(f"| {name} | {inline(p.message, 500)}<br>{inline(p.message_zh, 500)} |")
    return _fit([MARKER + "\n" + TITLE,
                 bilingual("reply.problems", sep="\n", n=len(problems),
                           problems=f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"),
                 "\n".join(rows), _FOOT])


def _files(files: Sequence[FileWrite]) -> str:
    out = []
    for f in files:
        what = bilingual("reply.file.new" if f.kind == "add" else "reply.file.edited", sep=" / ")
        if f.kind == "modify" and f.note:  # what the edit adds, both languages on one line
            what += "; " + inline(f"{f.note} / {f.note_zh}", 300)
        out.append(f"{code(f.rel)} ({what}):\n\n{fenced(f.text, 'yaml')}")
    return "\n\n".join(out)


def findings_reply(report: Report, links: Links, files: Sequence[FileWrite], *, stage: str) -> str:
    """The request is readable but the paper it makes does not pass: what to fix (nothing pushed)."""
    s = report.summary()
    head = bilingual("reply.failed.check" if stage == "the check" else "reply.failed.validation", sep="\n",
                     stage=stage, n=s["errors"], errors=f"{s['errors']} error{'s' if s['errors'] != 1 else ''}")
    budget = COMMENT_BUDGET - 4000 - sum(len(f.text) for f in files)
    return _fit([MARKER + "\n" + TITLE, head, "\0FINDINGS\0", _files(files), _FOOT],
                findings_markdown(report, links, budget))


def proposal_reply(report: Report, links: Links, files: Sequence[FileWrite], *, approve_label: str,
                   note: str | None = None, suggestions: Sequence[str] = ()) -> str:
    """A valid request nobody has approved yet: the exact file(s) the PR would add, and the check's verdict."""
    lines = verdict_lines(report)
    head = bilingual("reply.proposal", sep="\n", label=code(approve_label))
    budget = COMMENT_BUDGET - 4000 - sum(len(f.text) for f in files)
    hint = ""
    if suggestions:
        hint = (f"💡 {bilingual('reply.suggested-tags')}: " + "; ".join(inline(s, 200) for s in suggestions[:10]))
    parts = [MARKER + "\n" + TITLE, head, _files(files), hint, _CHECK + " ".join(lines),
             "\0FINDINGS\0" if report.findings else "", inline(note, 400) if note else "", _FOOT]
    return _fit(parts, findings_markdown(report, links, budget) if report.findings else "")


def pr_reply(report: Report, links: Links, files: Sequence[FileWrite], *, pr_url: str, pr_number: int,
             action: str) -> str:
    done = {"created": "reply.pr.created", "updated": "reply.pr.updated", "reopened": "reply.pr.reopened",
            "unchanged": "reply.pr.unchanged"}.get(action)
    head = bilingual("reply.pr", sep="\n", number=pr_number, url=pr_url, done=Phrase(done) if done else action)
    budget = COMMENT_BUDGET - 4000 - sum(len(f.text) for f in files)
    parts = [MARKER + "\n" + TITLE, head, _CHECK + " ".join(verdict_lines(report)),
             "\0FINDINGS\0" if report.findings else "", _files(files), _FOOT]
    return _fit(parts, findings_markdown(report, links, budget) if report.findings else "")


def blocked_reply(message: str) -> str:
    """The pull request could not be updated (a person pushed to the bot's branch, a push refused)."""
    return _fit([MARKER + "\n" + TITLE,
                 f"⚠️ {bilingual('reply.blocked')}: " + inline(message, 600)
                 + "\n\n" + bilingual("reply.blocked.who"), _FOOT])


def merged_reply(pr_url: str, pr_number: int) -> str:
    return _fit([MARKER + "\n" + TITLE,
                 bilingual("reply.merged", sep="\n", number=pr_number, url=pr_url)])


def closed_reply(pr_url: str | None, pr_number: int | None, action: str) -> str:
    if pr_url is None or action == "none":
        what = bilingual("reply.closed.none")
    elif action == "merged":
        what = bilingual("reply.closed.merged", number=pr_number, url=pr_url)
    else:
        what = bilingual("reply.closed.open", number=pr_number, url=pr_url)
    return _fit([MARKER + "\n" + TITLE, f"🔒 {bilingual('reply.closed')} {what}"])


def pr_title(number: int, files: Sequence[FileWrite], first_title: str | None) -> str:
    # A PR title is plain text, but it is shown in notifications and lists: keep it short and inert.
    name = " ".join((first_title or "").split())[:90].replace("@", "@\u200b")
    more = f" (+{len(files) - 1})" if len(files) > 1 else ""
    verb = "Add paper" if all(f.kind == "add" for f in files) else "Update paper"
    return f"{verb}{': ' + name if name else ''}{more} (issue #{number})"


def pr_body(number: int, files: Sequence[FileWrite], approver: str) -> str:
    rows = "\n".join(f"- {code(f.rel)} ({'new' if f.kind == 'add' else 'edited'})" for f in files)
    said = bilingual("reply.pr-body", sep="\n", number=number, approver=inline(approver, 60))
    return f"{PR_MARKER}\n{said}\n\n{rows}\n\n<sub>{bilingual('reply.pr-body.foot')}</sub>\n"
