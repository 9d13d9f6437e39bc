"""What a check concluded about one link target, before it is tied to the places it is written."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from paperlist.findings import Severity

State = Literal["ok", "broken", "inconclusive", "moved", "archived"]

# broken: the link is dead (error). inconclusive: we could not tell, after honest retries
# (warning: bot walls, rate limits, TLS trouble). archived: a repository kept read-only
# (warning). moved: it works but lives elsewhere now
# (notice with the new address).
SEVERITY: dict[str, Severity] = {"broken": "error", "inconclusive": "warning", "archived": "warning", "moved": "notice"}


@dataclass(frozen=True)
class Verdict:
    state: State
    message: str = ""
    status: int | None = None
    final_url: str | None = None
    new_url: str | None = None  # for "moved": what to write instead
    via: str = "http"  # http | arxiv | github | doi
    cached: bool = False
    # A connection-level failure (dns, refused, unreachable, connect-timeout; "network" when the whole
    # network was unavailable): judged again once the run knows whether the network itself was down.
    connection: str | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("cached")
        d.pop("connection")
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Verdict:
        status = d.get("status")
        return cls(d["state"], str(d.get("message") or ""), status if isinstance(status, int) else None,
                   d.get("final_url"), d.get("new_url"), via=str(d.get("via") or "http"), cached=True)


def ok(via: str = "http", **kw: Any) -> Verdict:
    return Verdict("ok", via=via, **kw)


def broken(message: str, via: str = "http", **kw: Any) -> Verdict:
    return Verdict("broken", message, via=via, **kw)


def inconclusive(message: str, via: str = "http", **kw: Any) -> Verdict:
    return Verdict("inconclusive", message, via=via, **kw)
