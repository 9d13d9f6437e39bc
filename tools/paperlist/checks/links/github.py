"""GitHub repository links checked through the REST API (PyGithub), not by scraping github.com.

The API tells apart what a page fetch cannot: a *renamed* repository (GitHub answers 301
to ``/repositories/<id>`` and PyGithub follows it, so the ``full_name`` it returns differs
from the one asked for: a notice with the new name), an *archived* one (a warning) and a
*missing* one (404: an error).

Rate limits are respected, never waited out blindly: PyGithub's own retry (which can sleep
for many minutes) is off; before each call the remaining quota is checked, a short wait
for the reset is allowed (``github_max_wait``), and otherwise the checker *degrades*: the
remaining repository links are checked over plain HTTP and the run says so in a warning.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from paperlist.checks.links.config import LinkConfig
from paperlist.checks.links.network import TIMEOUT, NetworkWatch, host_of, kind_of
from paperlist.checks.links.verdict import Verdict, broken, inconclusive, ok

if TYPE_CHECKING:
    from github import Github


class GitHubChecker:
    def __init__(self, cfg: LinkConfig, *, token: str | None, timeout: float, workers: int = 4,
                 watch: NetworkWatch | None = None) -> None:
        self.cfg = cfg
        self.watch = watch or NetworkWatch()
        self._where = host_of(cfg.github_api)
        self.token = token
        self.timeout = timeout
        self.workers = workers
        self.degraded: str | None = None  # why the API is no longer used in this run
        self.calls = 0
        self._lock = threading.Lock()
        self._local = threading.local()
        self._remaining: int | None = None
        self._reset: float = 0.0

    def _client(self) -> Github:
        gh: Github | None = getattr(self._local, "gh", None)
        if gh is None:
            from github import Auth, Github  # imported on first use: it costs a sixth of a second

            gh = Github(
                base_url=self.cfg.github_api.rstrip("/"),
                auth=Auth.Token(self.token) if self.token else None,
                timeout=max(1, math.ceil(self.timeout)),
                retry=None,  # its default retry sleeps through rate limits for minutes
                seconds_between_requests=None,
                user_agent=self.cfg.user_agent,
            )
            self._local.gh = gh
        return gh

    def _may_call(self) -> bool:
        with self._lock:
            if self.degraded or self.watch.down:
                return False
            if self._remaining is None or self._remaining >= self.cfg.github_min_remaining:
                return True
            wait = self._reset - time.time()
            if wait > self.cfg.github_max_wait:
                self.degraded = (f"GitHub API rate limit nearly used up ({self._remaining} requests left, "
                                 f"resets in {wait:.0f} s)")
                return False
            if wait > 0:
                time.sleep(wait)  # short and bounded; holding the lock keeps the other workers waiting too
            self._remaining = None
            return True

    def _note_limits(self, gh: Github) -> None:
        remaining, limit = gh.requester.rate_limiting
        reset = gh.requester.rate_limiting_resettime
        if limit >= 0 and remaining >= 0:
            with self._lock:
                self._remaining = remaining if self._remaining is None else min(self._remaining, remaining)
                self._reset = max(self._reset, float(reset or 0))

    def check_repo(self, full_name: str) -> Verdict | None:
        """The verdict for ``owner/repo``, or None when it must be checked over plain HTTP instead."""
        import requests
        from github import GithubException, RateLimitExceededException, UnknownObjectException

        if not self._may_call():
            return None
        gh = self._client()
        try:
            with self._lock:
                self.calls += 1
            repo = gh.get_repo(full_name)
        except UnknownObjectException:
            self.watch.reached(self._where)
            self._note_limits(gh)
            return broken(f"GitHub repository {full_name} does not exist (deleted, or made private)",
                          via="github", status=404)
        except RateLimitExceededException:
            with self._lock:
                self.degraded = self.degraded or "GitHub API rate limit exceeded"
            return None
        except GithubException as e:
            self.watch.reached(self._where)
            self._note_limits(gh)
            if e.status in (403, 451):
                return inconclusive(f"GitHub API: repository {full_name} is blocked (HTTP {e.status})",
                                    via="github", status=e.status)
            return None  # 5xx and oddities: let plain HTTP have a look
        except (requests.RequestException, RuntimeError, OSError, ValueError) as e:
            # Unreachable API, or an answer PyGithub cannot read: plain HTTP instead. An unreachable
            # API counts towards "is the network down?" like any other host.
            kind = TIMEOUT if isinstance(e, requests.ConnectTimeout) else (
                kind_of(e) if isinstance(e, (requests.ConnectionError, OSError)) else None)
            if kind:
                self.watch.failed(self._where, kind)
            return None
        self.watch.reached(self._where)
        self._note_limits(gh)
        new = repo.full_name
        if new.lower() != full_name.lower():
            note = " (and archived)" if repo.archived else ""
            return Verdict("moved", f"GitHub repository renamed to {new}{note}", 200, via="github",
                           new_url=f"https://github.com/{new}")
        if repo.archived:
            return Verdict("archived", f"GitHub repository {new} is archived (read-only, no longer maintained)",
                           200, via="github")
        return ok(via="github", status=200)

    async def check_many(self, repos: Sequence[str],
                         on_done: Callable[[], None] | None = None) -> dict[str, Verdict | None]:
        """Check repositories on a few worker threads (PyGithub is synchronous)."""
        sem = asyncio.Semaphore(self.workers)
        out: dict[str, Verdict | None] = {}

        async def one(name: str) -> None:
            async with sem:
                # No thread at all once the network is known to be down: the sweep ends at once.
                out[name] = None if self.watch.down else await asyncio.to_thread(self.check_repo, name)
            if on_done:
                on_done()

        names = list(dict.fromkeys(repos))
        if names:
            # The first call goes alone: it tells us the quota before several workers spend it.
            await one(names[0])
            await asyncio.gather(*(one(r) for r in names[1:]))
        return out
