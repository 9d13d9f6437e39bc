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
from paperlist.infra.writeplan import FileWrite
from paperlist.output.comment import COMMENT_BUDGET, Links, findings_markdown, inline, verdict_lines

MARKER = "<!-- paperlist:add-paper -->"
PR_MARKER = "<!-- paperlist:add-paper-pr -->"
TITLE = "### paperlist · add a paper / 添加论文"
_FOOT = ("<sub>Edit the issue to change the request (⋯ → Edit); this answer follows. Closing the issue closes "
         "its pull request. · 修改 issue 即可更新请求，本回复会随之更新；关闭 issue 会同时关闭其 Pull Request。</sub>")


def _fit(parts: Sequence[str], findings: str = "") -> str:
    """Join the parts; the findings section gives way first (then the files) to stay under budget."""
    body = "\n\n".join(p for p in parts if p)
    if findings:
        body = body.replace("\0FINDINGS\0", findings)
    if len(body) > COMMENT_BUDGET:
        body = body[: COMMENT_BUDGET - 200] + "\n\n… (cut to fit GitHub's comment limit · 内容过长已截断)\n"
    return body


def problems_reply(problems: Sequence[Problem], spec: FormSpec) -> str:
    labels = {f.id: f.label for f in spec.fields}
    rows = ["| Field · 字段 | What to fix · 需要修改 |", "|---|---|"]
    for p in problems:
        name = inline(labels.get(p.field, "—"), 80)
        rows.append(f"| {name} | {inline(p.message, 500)}<br>{inline(p.message_zh, 500)} |")
    return _fit([MARKER + "\n" + TITLE,
                 f"❌ **Please fix the form ({len(problems)} problem{'s' if len(problems) != 1 else ''})** — "
                 "edit the issue; the bot checks it again.\n"
                 f"❌ **请修改表单（{len(problems)} 处问题）**——编辑 issue 后机器人会重新检查。",
                 "\n".join(rows), _FOOT])


def _files(files: Sequence[FileWrite]) -> str:
    out = []
    for f in files:
        what = "new file / 新文件" if f.kind == "add" else "edited file / 修改已有文件"
        if f.kind == "modify" and f.note:  # what the edit adds, both languages on one line
            what += "; " + inline(f"{f.note} / {f.note_zh}", 300)
        out.append(f"{code(f.rel)} ({what}):\n\n{fenced(f.text, 'yaml')}")
    return "\n\n".join(out)


def findings_reply(report: Report, links: Links, files: Sequence[FileWrite], *, stage: str) -> str:
    """The request is readable but the paper it makes does not pass: what to fix (nothing pushed)."""
    s = report.summary()
    head = (f"❌ **The paper this issue describes does not pass {stage} ({s['errors']} error"
            f"{'s' if s['errors'] != 1 else ''})** — fix the form and the bot checks again; nothing was "
            "pushed.\n"
            f"❌ **本 issue 描述的论文未通过{'检查' if stage == 'the check' else '校验'}（{s['errors']} 个错误）**"
            "——请修改表单，机器人会重新检查；未推送任何内容。")
    budget = COMMENT_BUDGET - 4000 - sum(len(f.text) for f in files)
    return _fit([MARKER + "\n" + TITLE, head, "\0FINDINGS\0", _files(files), _FOOT],
                findings_markdown(report, links, budget))


def proposal_reply(report: Report, links: Links, files: Sequence[FileWrite], *, approve_label: str,
                   note: str | None = None, suggestions: Sequence[str] = ()) -> str:
    """A valid request nobody has approved yet: the exact file(s) the PR would add, and the check's verdict."""
    lines = verdict_lines(report)
    head = ("📝 **Proposal** — this issue would add the file(s) below. A maintainer opens the pull request by "
            f"adding the label {code(approve_label)}.\n"
            "📝 **提案**——本 issue 将添加下列文件。维护者添加标签 "
            f"{code(approve_label)} 后将自动创建 Pull Request。")
    budget = COMMENT_BUDGET - 4000 - sum(len(f.text) for f in files)
    hint = ""
    if suggestions:
        hint = ("💡 Tags the title suggests (not applied; edit the issue to add them) · 标题建议的标签（未自动添加）: "
                + "; ".join(inline(s, 200) for s in suggestions[:10]))
    parts = [MARKER + "\n" + TITLE, head, _files(files), hint, "**Check / 检查**: " + " ".join(lines),
             "\0FINDINGS\0" if report.findings else "", inline(note, 400) if note else "", _FOOT]
    return _fit(parts, findings_markdown(report, links, budget) if report.findings else "")


def pr_reply(report: Report, links: Links, files: Sequence[FileWrite], *, pr_url: str, pr_number: int,
             action: str) -> str:
    done = {"created": ("opened", "已创建"), "updated": ("updated", "已更新"), "reopened": ("reopened", "已重新打开"),
            "unchanged": ("up to date", "无需更新")}.get(action, (action, action))
    head = (f"✅ **Pull request [#{pr_number}]({pr_url}) {done[0]}** — a maintainer reviews and merges it.\n"
            f"✅ **Pull Request [#{pr_number}]({pr_url}) {done[1]}**——由维护者审核并合并。")
    budget = COMMENT_BUDGET - 4000 - sum(len(f.text) for f in files)
    parts = [MARKER + "\n" + TITLE, head, "**Check / 检查**: " + " ".join(verdict_lines(report)),
             "\0FINDINGS\0" if report.findings else "", _files(files), _FOOT]
    return _fit(parts, findings_markdown(report, links, budget) if report.findings else "")


def blocked_reply(message: str) -> str:
    """The pull request could not be updated (a person pushed to the bot's branch, a push refused)."""
    return _fit([MARKER + "\n" + TITLE,
                 "⚠️ **The pull request was not updated** · **Pull Request 未更新**: " + inline(message, 600)
                 + "\n\nA maintainer has to look at it. · 需要维护者处理。", _FOOT])


def merged_reply(pr_url: str, pr_number: int) -> str:
    return _fit([MARKER + "\n" + TITLE,
                 f"✅ **Pull request [#{pr_number}]({pr_url}) was merged** — the paper is on the list. For another "
                 "change, open a new issue.\n"
                 f"✅ **Pull Request [#{pr_number}]({pr_url}) 已合并**——论文已收录。如需其他修改，请新开 issue。"])


def closed_reply(pr_url: str | None, pr_number: int | None, action: str) -> str:
    if pr_url is None or action == "none":
        what = "No pull request was opened for it. · 未曾为其创建 Pull Request。"
    elif action == "merged":
        what = f"Its pull request [#{pr_number}]({pr_url}) was merged. · 其 Pull Request 已合并。"
    else:
        what = (f"Its pull request [#{pr_number}]({pr_url}) is closed; reopening the issue reopens it. · "
                f"其 Pull Request 已关闭；重新打开 issue 会重新打开它。")
    return _fit([MARKER + "\n" + TITLE, f"🔒 **The issue was closed.** · **issue 已关闭。** {what}"])


def pr_title(number: int, files: Sequence[FileWrite], first_title: str | None) -> str:
    # A PR title is plain text, but it is shown in notifications and lists: keep it short and inert.
    name = " ".join((first_title or "").split())[:90].replace("@", "@\u200b")
    more = f" (+{len(files) - 1})" if len(files) > 1 else ""
    verb = "Add paper" if all(f.kind == "add" for f in files) else "Update paper"
    return f"{verb}{': ' + name if name else ''}{more} (issue #{number})"


def pr_body(number: int, files: Sequence[FileWrite], approver: str) -> str:
    rows = "\n".join(f"- {code(f.rel)} ({'new' if f.kind == 'add' else 'edited'})" for f in files)
    return (f"{PR_MARKER}\nFrom the add-paper form in #{number}, approved by a maintainer "
            f"({inline(approver, 60)}). Closes #{number}.\n"
            f"由 #{number} 的添加论文表单生成，经维护者批准。\n\n{rows}\n\n"
            "<sub>Generated by paperlist: edit the issue to change this PR; pushes to this branch by a person "
            "stop the bot from replacing it. · 由 paperlist 生成：修改 issue 即可更新此 PR。</sub>\n")
