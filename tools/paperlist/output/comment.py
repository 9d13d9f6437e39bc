"""The Markdown PR comment: one more reporter over the same findings.

Everything that came from the pull request (titles, URLs, file names, even our own messages,
which quote them) is neutralized before it reaches Markdown: no raw HTML, no @-mentions that
ping people, no ``#123`` cross-references, no autolinks, no way to close the hidden marker or a
code block. The body always fits GitHub's 65,536-character limit: when the findings do not,
the comment keeps the verdict and the counts and points to the job summary for the rest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperlist.errors import UsageError
from paperlist.findings import Finding, Report
from paperlist.infra import escape
from paperlist.infra.escape import code, fenced
from paperlist.infra.messages import both, shown, text
from paperlist.infra.textrules import scrub

MARKER = "<!-- paperlist:pr-comment -->"
SWEEP_MARKER = "<!-- paperlist:link-sweep -->"
GITHUB_LIMIT = 65536
# Headroom under the hard limit: GitHub counts characters, and we never want to meet a 422.
COMMENT_BUDGET = 60000
# $GITHUB_STEP_SUMMARY takes up to 1 MiB per step; counted in characters, and a character
# is up to 4 bytes in UTF-8.
SUMMARY_BUDGET = 250_000
MAX_REPORT_BYTES = 20 * 1024 * 1024
_MESSAGE_MAX = 600
_SUGGESTION_MAX = 2000

_ICON = {"error": "❌", "warning": "⚠️", "notice": "ℹ️"}
_SHA = re.compile(r"^[0-9a-f]{40}$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_SAFE_PATH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,250}$")


# -- neutralizing text from the PR: the rules live in paperlist.infra.escape ------------------------------


def inline(text: str, limit: int = _MESSAGE_MAX) -> str:
    """PR text made safe for a Markdown table cell (see :func:`paperlist.infra.escape.inline`)."""
    return escape.inline(text, limit)


@dataclass(frozen=True)
class Links:
    """Where things live on GitHub; every part is validated before it is put into a URL."""

    server_url: str = "https://github.com"
    repository: str | None = None
    pr: int | None = None
    base_sha: str | None = None
    summary_url: str | None = None

    def diff_line(self, file: str, line: int | None) -> str | None:
        if not (self.repository and self.pr and _SAFE_PATH.match(file)):
            return None
        anchor = hashlib.sha256(file.encode()).hexdigest()
        return f"{self.server_url}/{self.repository}/pull/{self.pr}/files#diff-{anchor}" + (f"R{line}" if line else "")

    def blob(self, path: str) -> str | None:
        if not (self.repository and self.base_sha and _SAFE_PATH.match(path) and ".." not in path):
            return None
        return f"{self.server_url}/{self.repository}/blob/{self.base_sha}/{path}"


def links_for(report: Report, *, server_url: str | None = None, repository: str | None = None,
              pr: int | None = None, summary_url: str | None = None) -> Links:
    meta = report.meta
    server = (server_url or str(meta.get("server_url") or "https://github.com")).rstrip("/")
    if not re.match(r"^https?://[A-Za-z0-9.:-]+$", server):
        server = "https://github.com"
    repo = repository or meta.get("repository")
    repo = repo if isinstance(repo, str) and _REPO.match(repo) else None
    number = pr if pr is not None else meta.get("pr")
    number = number if isinstance(number, int) and not isinstance(number, bool) and number > 0 else None
    base = meta.get("merge_base") or meta.get("base_sha")
    base = base if isinstance(base, str) and _SHA.match(base) else None
    if summary_url and not summary_url.startswith(server + "/"):
        summary_url = None
    if summary_url is None and repo and isinstance(meta.get("run_id"), int):
        summary_url = f"{server}/{repo}/actions/runs/{meta['run_id']}"
    return Links(server, repo, number, base, summary_url)


# -- rendering -------------------------------------------------------------------------------------
def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def shows_chinese(report: Report) -> bool:
    """The list shows Chinese beside English: ``meta.languages`` of the check's report (a list's
    paperlist.yaml says it; a report without it, e.g. an older one, keeps both)."""
    return "zh" in (report.meta.get("languages") or ("en", "zh"))


def verdict_lines(report: Report, *, sweep: bool = False) -> list[str]:
    lines = _verdict_lines(report, sweep=sweep)
    return lines if shows_chinese(report) else lines[:1]


def _verdict_lines(report: Report, *, sweep: bool = False) -> list[str]:
    s = report.summary()
    e, w, n = s["errors"], s["warnings"], s["notices"]
    checked = len(report.meta.get("papers_checked") or []) or s["files"]
    # English counts are spelled out here ("1 error", "2 errors"); the other languages take the numbers.
    counts = {"e": e, "w": w, "errors": _plural(e, "error"), "warnings": _plural(w, "warning")}
    if sweep:  # about the list on main, found by the scheduled sweep: nothing is being merged
        return list(both("comment.sweep.broken", files=_plural(s["files"], "file"), broken=_plural(e, "broken link"),
                         **counts)) if e else list(both("comment.sweep.clean", **counts))
    if e:
        en, zh = both("comment.verdict.errors", **counts)
    elif w:
        en, zh = both("comment.verdict.warnings", **counts)
    elif checked:
        en, zh = both("comment.verdict.passed", n=checked, files=_plural(checked, "paper file"))
    else:
        en, zh = both("comment.verdict.nothing")
    if n and not e:
        en += both("comment.verdict.notes", notes=_plural(n, "note"))[0]
    return [en, zh]


def _context_line(report: Report) -> str:
    meta = report.meta
    parts: list[str] = []
    head = meta.get("head_sha")
    if isinstance(head, str) and _SHA.match(head):
        parts.append(f"commit `{head[:12]}`")
    checked = meta.get("papers_checked")
    if isinstance(checked, list):
        parts.append(_plural(len(checked), "paper file") + " checked")
    if meta.get("links_checked") is False and checked:
        parts.append("links not checked")
    elif meta.get("links_checked"):
        parts.append("links checked")
    return "<sub>" + " · ".join(parts) + "</sub>" if parts else ""


def _finding_row(f: Finding, links: Links, zh: bool = True) -> str:
    where = f"L{f.line}" if f.line else "—"
    url = links.diff_line(f.file, f.line)
    if url:
        where = f"[{where}]({url})"
    msg = inline(f.message)
    if f.message_zh and zh:
        msg += "<br>" + inline(f.message_zh)
    hint = " / ".join(inline(h, 300) for h in (f.hint, f.hint_zh if zh else None) if h)
    if hint:
        msg += f"<br>💡 {hint}"
    dup = f.extra.get("duplicate_of")
    if isinstance(dup, str) and dup:
        target = links.blob(dup)
        msg += f"<br>↪ {shown('comment.existing-paper', zh, sep=' / ')}: " + (
            f"[{code(dup)}]({target})" if target else code(dup))
    url_field = f.extra.get("url")
    if isinstance(url_field, str) and url_field and f.check.startswith("link"):
        msg += "<br>🔗 " + code(url_field)
    return f"| {_ICON[f.severity]} | {where} | {inline(f.check, 40)} | {msg} |"


def _suggestion_block(f: Finding, zh: bool = True) -> str | None:
    if not f.suggestion or len(f.suggestion) > _SUGGESTION_MAX or not f.line:
        return None
    return (f"<details><summary>{shown('comment.suggested-fix', zh, line=f.line)}</summary>\n\n"
            f"{fenced(f.suggestion, 'suggestion')}\n\n</details>")


def _file_section(file: str, findings: list[Finding], links: Links, zh: bool = True) -> str:
    head_url = links.diff_line(file, None)
    title = code(file)
    if head_url:
        title = f"[{title}]({head_url})"
    out = [f"#### {title}", "", f"| | {shown('comment.column.line', zh)} | {text('comment.column.check')} | "
           f"{shown('comment.column.problem', zh)} |", "|---|---|---|---|"]
    out.extend(_finding_row(f, links, zh) for f in findings)
    blocks = [b for b in (_suggestion_block(f, zh) for f in findings) if b]
    if blocks:
        out.append("")
        out.extend(blocks)
    return "\n".join(out) + "\n"


_RANK = {"error": 0, "warning": 1, "notice": 2}


def render_comment(report: Report, links: Links | None = None, *, budget: int = COMMENT_BUDGET,
                   marker: str = MARKER, title: str = "paperlist", sweep: bool = False) -> str:
    """The full Markdown body (marker first), never longer than ``budget`` characters.

    ``sweep``: the scheduled link sweep's issue (worded for the list, not for a pull request).
    Files with errors always come first, so when the body must be cut it is warnings that go."""
    links = links or links_for(report)
    head = [marker, f"### {title}", "", *verdict_lines(report, sweep=sweep)]
    ctx = _context_line(report)
    if ctx:
        head += ["", ctx]
    head_text = "\n".join(head) + "\n\n"
    foot_parts = ["---"]
    zh = shows_chinese(report)
    if sweep:
        foot_parts.append(f"<sub>{shown('comment.foot.sweep', zh)}</sub>")
    elif links.summary_url:
        foot_parts.append(f"<sub>{shown('comment.foot.summary', zh, url=links.summary_url)}</sub>")
    else:
        foot_parts.append(f"<sub>{shown('comment.foot.local', zh)}</sub>")
    foot_text = "\n".join(foot_parts) + "\n"

    body = head_text + findings_markdown(report, links, budget - len(head_text) - len(foot_text))
    body += "\n" + foot_text
    return body


def findings_markdown(report: Report, links: Links, budget: int) -> str:
    """The findings as one table per file, whole files while they fit in ``budget`` characters,
    then "… and N more findings not shown here" (also used by the issue form's answer)."""
    zh = shows_chinese(report)
    by_file: dict[str, list[Finding]] = {}
    for f in sorted(report.findings, key=lambda f: _RANK.get(f.severity, 3)):  # stable: order kept within
        by_file.setdefault(f.file, []).append(f)
    sections: list[str] = []
    used = 400  # room for the "more findings" line
    listed = 0
    for file, fs in by_file.items():
        section = _file_section(file, fs, links, zh)
        if used + len(section) > budget:
            # Try the file with as many rows as fit before giving up on the rest.
            for k in range(len(fs) - 1, 0, -1):
                part = _file_section(file, fs[:k], links, zh)
                if used + len(part) <= budget:
                    sections.append(part)
                    listed += k
                    break
            break
        sections.append(section)
        used += len(section)
        listed += len(fs)
    body = "\n".join(sections)
    rest = len(report.findings) - listed
    if rest:
        where = f"the [job summary]({links.summary_url})" if links.summary_url else "the job summary"
        body += "\n" + shown("comment.more", zh, more=_plural(rest, "more finding"), n=rest, limit=GITHUB_LIMIT,
                           where=where) + "\n"
    return scrub(body)  # defence in depth: no control or bidi character reaches GitHub, whatever its path


# -- the report as untrusted input -------------------------------------------------------------
def load_report(path: Path, *, max_bytes: int = MAX_REPORT_BYTES) -> Report:
    """Read a report JSON (possibly from an artifact: untrusted), checking size and shape."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise UsageError(f"cannot read report {path}: {e.strerror}") from e
    if size > max_bytes:
        raise UsageError(f"report {path} is {size:,} bytes, more than the {max_bytes:,} allowed")
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as e:
        raise UsageError(f"report {path} is not valid JSON: {e}") from e
    return report_from_dict(data)


def report_from_dict(data: Any) -> Report:
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageError("report has the wrong shape: expected an object with a 'findings' list")
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        raise UsageError("report has the wrong shape: 'meta' must be an object")
    findings: list[Finding] = []
    for i, item in enumerate(data["findings"]):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("file", "check", "message")):
            raise UsageError(f"report finding #{i} has the wrong shape")
        try:
            findings.append(Finding.from_dict(item))
        except (ValueError, KeyError) as e:
            raise UsageError(f"report finding #{i}: {e}") from e
    summary = data.get("summary")
    files = summary.get("files") if isinstance(summary, dict) else 0
    files = files if isinstance(files, int) and not isinstance(files, bool) and files >= 0 else 0
    return Report(findings, files=files, meta=_clean_meta(meta))


def _clean_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the meta fields the comment uses, with the types it expects."""
    out: dict[str, Any] = {}
    for key in ("head_sha", "base_sha", "merge_base", "event_head_sha"):
        v = meta.get(key)
        if isinstance(v, str) and _SHA.match(v):
            out[key] = v
    for key in ("pr", "run_id"):
        v = meta.get(key)
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            out[key] = v
    for key in ("repository", "server_url", "verdict", "tool", "event_name"):
        v = meta.get(key)
        if isinstance(v, str) and len(v) < 200:
            out[key] = v
    languages = meta.get("languages")
    if languages in (["en"], ["en", "zh"]):  # the list's languages, from its paperlist.yaml
        out["languages"] = languages
    if isinstance(meta.get("links_checked"), bool):
        out["links_checked"] = meta["links_checked"]
    links = meta.get("links")
    if isinstance(links, dict) and links.get("network") == "unavailable":  # the sweep must see an outage
        reason = links.get("network_reason")
        out["links"] = {"network": "unavailable",
                        "network_reason": reason[:500] if isinstance(reason, str) else "network unavailable"}
    checked = meta.get("papers_checked")
    if isinstance(checked, list) and all(isinstance(p, str) for p in checked):
        out["papers_checked"] = checked[:100000]
    changed = meta.get("changed")
    if isinstance(changed, list):
        out["changed"] = [{"status": c["status"], "path": c["path"]} for c in changed[:100000]
                          if isinstance(c, dict) and c.get("status") in ("A", "M", "D", "R", "T")
                          and isinstance(c.get("path"), str) and len(c["path"]) < 1000]
    return out


# -- suggestions a contributor can apply with one click --------------------------------------------
_MAX_REVIEW_COMMENTS = 30


def suggestions_marker(head_sha: str) -> str:
    """Marks the one suggestions review per head commit (found again on a re-run, never posted twice)."""
    return f"<!-- paperlist:suggestions {head_sha} -->"


def review_comments(report: Report) -> list[dict[str, Any]]:
    """Review comments with ``suggestion`` blocks, which GitHub turns into a "Commit suggestion" button.

    Only on files the change adds: every line of an added file is in the diff, and GitHub refuses a
    review comment on a line outside it. One per line, the first finding's fix; at most 30.
    """
    added = {c["path"] for c in report.meta.get("changed", []) if c.get("status") == "A"}
    zh = shows_chinese(report)
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    for f in report.findings:
        if (not f.suggestion or not f.line or f.file not in added or "\n" in f.suggestion
                or len(f.suggestion) > _SUGGESTION_MAX or (f.file, f.line) in seen):
            continue
        seen.add((f.file, f.line))
        text = inline(f.message) + (f"<br>{inline(f.message_zh)}" if f.message_zh and zh else "")
        out.append({"path": f.file, "line": f.line, "side": "RIGHT",
                    "body": f"{_ICON[f.severity]} {text}\n\n{fenced(f.suggestion, 'suggestion')}\n"})
        if len(out) == _MAX_REVIEW_COMMENTS:
            break
    return out


def review_body(head_sha: str, count: int, *, zh: bool = True) -> str:
    return (f"{suggestions_marker(head_sha)}\n"
            + shown("comment.review", zh, sep="\n", fixes=f"{count} ready-made fix{'es' if count != 1 else ''}",
                 n=count) + "\n")


def status_for(report: Report) -> tuple[str, str]:
    """(commit status state, description ≤ 140 characters)."""
    s = report.summary()
    if s["errors"]:
        return "failure", f"{_plural(s['errors'], 'error')}, {_plural(s['warnings'], 'warning')}: see the comment"
    if s["warnings"]:
        return "success", f"no errors, {_plural(s['warnings'], 'warning')}"
    return "success", "all checks passed"
