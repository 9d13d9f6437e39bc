"""``paperlist check``: everything a pull request needs checked, on exactly what it changes.

Finds the paper files the change adds, modifies, renames or deletes (git, against the merge
base), runs validate, dupes and links on those files only, and reports what the change must
not touch (the generated part of README.md and the pages in lists/, workflows, the tool). Files the change did not
touch never fail it, and a one-file change never re-validates the whole list.

The returned Report carries, under ``meta``, what the PR comment needs: head SHA, base,
PR number, the verdict and the changed files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperlist import __version__
from paperlist.errors import PaperlistError, UsageError
from paperlist.findings import Finding, Report
from paperlist.infra.fsutil import write_atomic
from paperlist.infra.gitdiff import ChangedPath, changes, git, merge_base, pending, rev_parse, show
from paperlist.output.markers import README, generated_block
from paperlist.project.loader import PAPERS_DIR, PaperFile
from paperlist.project.papers import load_papers

REPORT_VERSION = 1

# Paths a contributor's PR must not change: (prefix, what it is, severity when untrusted).
# Trusted authors (maintainers) get a notice instead, so their tooling PRs stay green.
PROTECTED: tuple[tuple[str, str, str], ...] = (
    (".github/", "GitHub workflows and settings", "error"),
    ("tools/", "the paperlist tool", "error"),
    ("tests/", "the tool's tests", "error"),
    (".ci/", "the CI scripts", "error"),
    ("schema/", "the paper schema", "error"),
    ("pyproject.toml", "the tool's packaging", "error"),
    (".pre-commit-hooks.yaml", "the pre-commit hook definition", "error"),
    # The check reads these from the PR's own checkout: an edit could exclude the PR's own
    # links from the link check, or declare its duplicate "not a duplicate".
    ("linkcheck.yaml", "the link checker's exclusions", "error"),
    ("not-duplicates.yaml", "the pairs of papers declared not duplicates", "warning"),
    # A committed cache would answer for the checks; it is never read (cachedir), and never wanted.
    (".paperlist-cache/", "a paperlist cache folder", "error"),
    ("vocab/", "the tag and venue vocabularies", "warning"),
    ("topic-model.json", "the topic model (maintainers retrain it: paperlist tags --suggest --train)", "warning"),
    ("paperlist.yaml", "the list's settings", "warning"),
)
GENERATED_DIR = "lists/"  # every file in it is written by `paperlist render`


@dataclass(frozen=True)
class CheckSettings:
    """What ``paperlist check`` was asked to do."""

    root: Path
    base: str
    head: str = "HEAD"
    links: bool = True
    trusted: bool = False
    github_token: str | None = None
    link_timeout: float = 10.0
    # The duplicate index cache pays off on a maintainer's machine; on a fresh CI runner there is
    # nothing to reuse and writing it costs more than reading the list without it.
    dupes_cache: bool = True
    # Facts about the run, copied into meta for the comment (from the Actions environment).
    context: dict[str, Any] = field(default_factory=dict)


def _scope_findings(root: Path, base_sha: str, head_sha: str, changed: Sequence[ChangedPath],
                    trusted: bool) -> list[Finding]:
    findings: list[Finding] = []
    for c in changed:
        paths = [c.path] + ([c.old] if c.old else [])
        if README in paths:
            before = generated_block(show(root, base_sha, README))
            after = generated_block(show(root, head_sha, README))
            if before != after:
                findings.append(Finding(
                    file=README, severity="notice" if trusted else "error", check="scope",
                    message="the paper list in README.md is generated from papers/: add or edit a YAML file "
                            "instead and leave the part between the paperlist markers alone",
                    message_zh="README.md 中的论文列表由 papers/ 自动生成：请新增或修改 YAML 文件，"
                               "不要编辑 paperlist 标记之间的内容",
                    hint="undo the README.md edit (git checkout origin/main -- README.md); the list is "
                         "regenerated after merge",
                    hint_zh="撤销对 README.md 的修改（git checkout origin/main -- README.md），合并后列表会自动更新",
                ))
            continue
        hit = next((p for p in paths if p.startswith(GENERATED_DIR)), None)
        if hit is not None:
            findings.append(Finding(
                file=hit, severity="notice" if trusted else "error", check="scope",
                message=f"{hit} is generated from papers/: add or edit a YAML file instead and leave the "
                        f"pages in {GENERATED_DIR} alone",
                message_zh=f"{hit} 由 papers/ 自动生成：请新增或修改 YAML 文件，不要编辑 {GENERATED_DIR} 下的页面",
                hint=f"undo the edit (git checkout origin/main -- {hit}); the pages are regenerated after merge",
                hint_zh=f"撤销此修改（git checkout origin/main -- {hit}），合并后页面会自动更新",
            ))
            continue
        for prefix, what, severity in PROTECTED:
            hit = next((p for p in paths if p == prefix or (prefix.endswith("/") and p.startswith(prefix))), None)
            if hit is None:
                continue
            findings.append(Finding(
                file=hit, severity="notice" if trusted else severity,  # type: ignore[arg-type]
                check="scope",
                message=f"this change edits {what} ({hit}); a paper contribution only adds or edits files "
                        "under papers/, so a maintainer must review this part separately",
                message_zh=f"此修改涉及 {what}（{hit}）；论文贡献只应新增或修改 papers/ 下的文件，"
                           "此部分需维护者单独审核",
                hint="move this edit into its own pull request, or drop it",
                hint_zh="请将此修改拆到单独的 PR，或撤销它",
            ))
            break
    return findings


def _paper_paths(changed: Sequence[ChangedPath]) -> tuple[list[str], list[str]]:
    """(paths to check at head, paths deleted) for the changes under papers/."""
    live: list[str] = []
    deleted: list[str] = []
    for c in changed:
        if c.path.startswith(PAPERS_DIR + "/"):
            (deleted if c.status == "D" else live).append(c.path)
        if c.status == "R" and c.old and c.old.startswith(PAPERS_DIR + "/") and not c.path.startswith(PAPERS_DIR + "/"):
            deleted.append(c.old)
    return live, deleted


_HOW_ZH = {"staged": "已暂存", "not staged": "未暂存", "untracked": "未跟踪"}


def _unchecked_findings(root: Path, base: str, base_sha: str, head_sha: str, *, changed: Sequence[ChangedPath],
                        checked: int) -> list[Finding]:
    """What a check of commits cannot see: paper files not committed yet, or no commits to compare.

    Without these a contributor who forgot to commit got "0 file(s) checked: 0 error(s)", a false all-clear.
    """
    findings: list[Finding] = []
    waiting = pending(root, PAPERS_DIR + "/")
    branch = git(root, "rev-parse", "--abbrev-ref", "HEAD", check=False).strip() or "HEAD"
    # Still on the base branch: the commit must go on a new branch, or the next check compares base with itself.
    on_base = head_sha == base_sha and branch in (base, base.rsplit("/", 1)[-1])
    switch = "git switch -c add-paper && " if on_base else ""
    for path, how in waiting:
        findings.append(Finding(
            file=path, severity="warning" if checked else "error", check="not-committed",
            message=f"not checked: this paper file is {how}, not committed (the check reads commits, "
                    f"as the pull request will)",
            message_zh=f"未检查：此论文文件尚未提交（{_HOW_ZH[how]}），检查只读取已提交的内容",
            hint=f"commit it on a branch of your own first: {switch}git add {path} && git commit -m 'Add paper', "
                 f"then run paperlist check --base {base} again",
            hint_zh=f"请先在自己的分支上提交：{switch}git add {path} && git commit -m 'Add paper'，"
                    f"然后重新运行 paperlist check --base {base}"))
    if changed or waiting:
        return findings  # uncommitted files: their own findings say what to do
    if head_sha == base_sha:
        message = (f"nothing to check: HEAD ({branch}) is the same commit as {base}, so there is no change to "
                   "compare; paper files are checked once they are committed on a branch of their own")
        hint = (f"if your commit is on {branch} itself, compare with the upstream instead: paperlist check --base "
                f"origin/main; otherwise: git switch -c add-paper, git add papers/…, git commit, then paperlist "
                f"check --base {base}")
        zh = f"没有可检查的内容：HEAD（{branch}）与 {base} 是同一个提交，没有任何修改可供比较"
        hint_zh = (f"若已直接提交在 {branch} 上，请改为与上游比较：paperlist check --base origin/main；否则请先 "
                   f"git switch -c add-paper，提交论文文件后再运行 paperlist check --base {base}")
    else:
        message = f"nothing to check: HEAD ({branch}) changes nothing compared with {base}"
        hint = (f"commit your paper file on this branch (git add papers/… && git commit), or check the branch "
                f"that has it; then paperlist check --base {base}")
        zh = f"没有可检查的内容：HEAD（{branch}）与 {base} 相比没有任何修改"
        hint_zh = f"请在当前分支提交论文文件（git add papers/… && git commit），然后运行 paperlist check --base {base}"
    findings.append(Finding(file=PAPERS_DIR + "/", severity="error", check="not-committed", message=message,
                            message_zh=zh, hint=hint, hint_zh=hint_zh))
    return findings


def verdict_of(report: Report) -> str:
    if report.errors:
        return "fail"
    if report.count("warning"):
        return "warn"
    return "pass"


def run_check(settings: CheckSettings) -> Report:
    """Check what ``settings.head`` changes relative to ``settings.base``; see the module docstring."""
    root = Path(settings.root)
    if not (root / ".git").exists():
        # A worktree or submodule has a .git file; anything else is not a checkout.
        raise UsageError(f"{root} is not a git checkout (paperlist check diffs with git)")
    base_sha = rev_parse(root, settings.base)
    head_sha = rev_parse(root, settings.head)
    worktree_sha = rev_parse(root, "HEAD")
    if head_sha != worktree_sha:
        raise UsageError(f"--head {settings.head} is {head_sha[:12]} but the checkout is at {worktree_sha[:12]}: "
                         "check out the head first (paperlist reads the files from the working tree)")
    mb = merge_base(root, base_sha, head_sha)
    changed = changes(root, mb, head_sha)
    live, deleted = _paper_paths(changed)
    # The one load: every check below reads these PaperFile objects; no file is parsed twice.
    papers = load_papers(root, [root / p for p in live])

    # Imported here: a check without links must not pay for importing aiohttp and PyGithub.
    from paperlist.checks.dupes import find_duplicates
    from paperlist.checks.validate import validate_papers

    reports: list[Report] = [Report(_scope_findings(root, mb, head_sha, changed, settings.trusted)),
                             Report(_unchecked_findings(root, settings.base, base_sha, head_sha, changed=changed,
                                                        checked=len(papers.files)))]
    # A file that does not parse is validate's to report; dupes and links would only add noise about it.
    parsed = [pf for pf in papers.files if pf.parsed]
    if papers.files:
        reports.append(validate_papers(papers))
    if parsed:
        reports.append(find_duplicates(root, None, papers=parsed, use_cache=settings.dupes_cache))
        if settings.links:
            from paperlist.checks.links import check_links

            reports.append(check_links(root, papers=parsed, timeout=settings.link_timeout,
                                       github_token=settings.github_token))
    if parsed:
        reports.append(Report(_topic_notices(root, parsed)))
    deletions = [Finding(file=p, severity="notice", check="scope",
                         message="this change removes a paper from the list",
                         message_zh="此修改从列表中删除了一篇论文") for p in deleted]
    reports.append(Report(deletions))
    report = Report.merge(reports, files=len(papers.files))
    # Findings about files outside the change (a dupes check may mention the existing paper) only
    # inform: they must never fail a PR for something it did not touch.
    touched = {c.path for c in changed} | {c.old for c in changed if c.old}
    report.findings = [f if f.file in touched or f.severity != "error" or f.check == "not-committed" else _demote(f)
                       for f in report.findings]
    report.meta = {
        **{k: v for k, v in report.meta.items() if k not in ("changed",)},
        "report_version": REPORT_VERSION,
        "tool": f"paperlist {__version__}",
        "base_sha": base_sha,
        "merge_base": mb,
        "head_sha": head_sha,
        "changed": [{"status": c.status, "path": c.path, **({"old": c.old} if c.old else {})} for c in changed],
        "papers_checked": live,
        "links_checked": bool(settings.links and papers.files),
        **settings.context,
    }
    report.meta["verdict"] = verdict_of(report)
    report.meta["counts"] = {k: report.summary()[k] for k in ("errors", "warnings", "notices")}
    return report


def _demote(f: Finding) -> Finding:
    from dataclasses import replace

    return replace(f, severity="notice")


def actions_context(environ: Mapping[str, str]) -> dict[str, Any]:
    """Run facts from the standard Actions variables and the event payload (pull_request events)."""
    ctx: dict[str, Any] = {}
    for key, env in (("repository", "GITHUB_REPOSITORY"), ("server_url", "GITHUB_SERVER_URL"),
                     ("event_name", "GITHUB_EVENT_NAME")):
        if environ.get(env):
            ctx[key] = environ[env]
    if (environ.get("GITHUB_RUN_ID") or "").isdigit():
        ctx["run_id"] = int(environ["GITHUB_RUN_ID"])
    event_path = environ.get("GITHUB_EVENT_PATH")
    if event_path:
        try:
            event = json.loads(Path(event_path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            event = {}
        pr = event.get("pull_request") if isinstance(event, dict) else None
        if isinstance(pr, dict) and isinstance(pr.get("number"), int):
            ctx["pr"] = pr["number"]
            head = pr.get("head")
            if isinstance(head, dict) and isinstance(head.get("sha"), str):
                ctx["event_head_sha"] = head["sha"]
    return ctx


def write_report(report: Report, path: Path) -> None:
    """Write the report JSON atomically (the artifact the comment job downloads)."""
    write_atomic(Path(path), json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")


def _topic_notices(root: Path, parsed: Sequence[PaperFile]) -> list[Finding]:
    """For a paper tagged only ``other``: the topics the list's model suggests (docs/topics.md), as a
    notice a contributor can act on; never more than a notice (the model is read from the PR's
    checkout, so it only ever informs)."""
    from paperlist.sources.topics.model import TopicModel, untagged

    todo = [pf for pf in parsed if isinstance(pf.data, dict) and isinstance(pf.data.get("title"), str)
            and untagged(pf.data.get("tags"))]
    if not todo:
        return []
    try:
        model = TopicModel.load(root)
    except PaperlistError:
        return []
    if model is None:
        return []
    out = []
    for pf in todo:
        zh = pf.data.get("title_zh") if isinstance(pf.data.get("title_zh"), str) else None
        best = model.suggest(pf.data["title"], zh)[:3]
        names = ", ".join(s.tag for s in best)
        line, col = pf.position(("tags",))
        out.append(Finding(file=pf.rel, line=line, column=col, severity="notice", check="topics",
                           message=f"tagged only 'other': the list's topic model suggests {names}",
                           message_zh=f"仅有 other 标签：列表的主题模型建议 {names}",
                           hint="replace 'other' with the ids that fit (vocab/tags.yaml)",
                           hint_zh="请把 other 换成合适的标签 id（vocab/tags.yaml）"))
    return out

