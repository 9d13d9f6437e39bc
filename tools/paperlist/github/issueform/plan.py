"""The issue's request run through the same library as ``paperlist new`` (``paperlist.sources.new``):
what would be written (the same ``FileWrite``s), or why not. Never writes: the flow applies the plan
in its throw-away worktree, and commits the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from paperlist.errors import PaperlistError
from paperlist.findings import Finding, Report
from paperlist.github.issueform.form import PaperRequest
from paperlist.infra.arxiv import ArxivClient
from paperlist.infra.messages import both
from paperlist.infra.writeplan import FileWrite
from paperlist.sources.new import NewPlan, NewRequest, apply, plan_new


@dataclass
class Planned:
    writes: list[FileWrite]
    report: Report
    titles: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)  # "path: tag (English / 中文)", shown, never applied
    plan: NewPlan | None = None

    @property
    def ok(self) -> bool:
        return self.plan is not None and self.plan.ok

    def apply(self) -> list[str]:
        """Write the planned files with ``sources.new.apply`` (all or nothing), as ``paperlist new`` does."""
        assert self.plan is not None
        return apply(self.plan)


def _refused(message: str, message_zh: str) -> Planned:
    return Planned([], Report([Finding(file="issue", severity="error", check="request", message=message,
                                       message_zh=message_zh)]))


def plan_request(root: Path, req: PaperRequest, client: ArxivClient | None = None) -> Planned:
    """Plan the request with ``sources.new.plan_new`` (titles and authors from arXiv when not given)."""
    new = NewRequest(venue=req.venue, year=req.year, arxiv=tuple(req.arxiv), title=req.title,
                     authors=tuple(req.authors), tags=tuple(req.tags), code=tuple(req.code), project=req.project)
    own = client is None
    client = client or ArxivClient.from_env(root)
    try:
        plan = plan_new(root, new, client)
    except PaperlistError as e:
        return _refused(str(e), str(e))
    finally:
        if own:
            client.close()
    if req.kind == "code" and any(w.kind == "add" for w in plan.writes):
        return _refused(*both("issue.not-listed"))
    titles = [p.title for p in plan.papers if p.title]
    suggestions = [f"{s.paper_rel}: {s.tag} ({s.en} / {s.zh})" for s in plan.suggestions]
    return Planned(list(plan.writes), plan.report, titles, suggestions, plan)
