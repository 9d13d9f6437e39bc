"""The issue's request run through the same library as ``paperlist new``: what would be written, or why not.

Never writes: the flow writes the planned files itself into its throw-away worktree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PaperlistError
from ..findings import Finding, Report
from ..scaffold import new_paper
from .form import PaperRequest


@dataclass(frozen=True)
class Write:
    rel: str
    text: str
    kind: str  # create | edit


@dataclass
class Planned:
    writes: list[Write]
    report: Report
    titles: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.writes) and not self.report.errors


def _refused(message: str, message_zh: str) -> Planned:
    return Planned([], Report([Finding(file="issue", severity="error", check="request", message=message,
                                       message_zh=message_zh)]))


def plan_request(root: Path, req: PaperRequest) -> Planned:
    if req.kind == "code":
        return _refused("adding a code link to a listed paper from an issue is not available yet",
                        "暂不支持通过 issue 为已收录论文添加代码链接")
    if not req.title:
        return _refused("give the paper's title (titles are not fetched from arXiv yet)",
                        "请填写论文标题（暂不支持从 arXiv 获取标题）")
    assert req.venue is not None and req.year is not None
    try:
        made = new_paper(root, title=req.title, venue=req.venue, year=req.year,
                         arxiv=req.arxiv[0] if req.arxiv else None, authors=req.authors, tags=req.tags,
                         code=req.code, project=req.project, dry_run=True)
    except PaperlistError as e:
        return _refused(str(e), str(e))
    return Planned([Write(made.rel, made.text, "create")], made.report, [req.title])
