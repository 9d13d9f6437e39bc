"""A small client for GitHub's GraphQL API: many repositories in one query, within the quota.

One ``POST /graphql`` asks for up to 100 repositories by alias (``r0: repository(owner: $o0,
name: $n0) {…}``) and for ``rateLimit {cost remaining resetAt}``, so the caller knows what the
query cost and what is left. A query with no connections costs one point however many aliases
it holds (GitHub: the requests its connections need / 100, at least 1), so 100 repositories cost
what a single REST call costs against the hourly budget.

Everything an answer says is checked before it is believed: the body is read up to a size cap
and refused beyond it (a 50 MB answer is never read whole), names must look like GitHub names (no
control characters, no ``..``), counts must be integers. A refused repository is a ``refused``
entry, a missing one (deleted, private: ``NOT_FOUND`` for its alias) a ``gone`` entry; neither
stops the batch. What stops a batch is a :class:`GraphQLError` whose ``kind`` says why.

Retries: a GraphQL *query* reads and changes nothing, so it is idempotent and may be sent again
after a 502/503/504 or a dropped connection (a bounded number of times; mutations never come
through here). A secondary rate limit (403/429 with ``Retry-After``) is waited out when the wait
is short, at most ``max_wait`` seconds and ``secondary_attempts`` times; a used-up primary budget
is never waited out (it resets within the hour): the caller stops and resumes next run.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from paperlist.errors import PaperlistError
from paperlist.infra.textrules import find_bad_char

DEFAULT_GRAPHQL_URL = "https://api.github.com/graphql"
MAX_BATCH = 100  # GitHub's cap on first/last, and the size at which a query still costs one point
MAX_BODY = 8 * 1024 * 1024  # bytes: an answer for 100 repositories is ~30 KB
USER_AGENT = "paperlist-refresh"

_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_BRANCH = re.compile(r"^[^\s~^:?*\[\\]{1,255}$")
_SPDX = re.compile(r"^[A-Za-z0-9.+-]{1,64}$")
_WHEN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$")

FIELDS = ("nameWithOwner stargazerCount isArchived isDisabled pushedAt "
          "defaultBranchRef { name } licenseInfo { spdxId }")

Kind = Literal["network", "budget", "secondary", "server", "refused", "auth"]


class GraphQLError(PaperlistError):
    """A query that could not be answered: ``kind`` is network | budget | secondary | server |
    refused | auth; ``reset_at`` when GitHub said when the budget comes back."""

    def __init__(self, kind: Kind, message: str, *, reset_at: str | None = None) -> None:
        super().__init__(message)
        self.kind: Kind = kind
        self.reset_at = reset_at


@dataclass(frozen=True)
class RepoInfo:
    """What GitHub says about one repository now (``name`` is its current owner/name)."""

    name: str
    stars: int
    archived: bool
    disabled: bool
    pushed: str | None  # YYYY-MM-DD of the last push, None for an empty repository
    branch: str | None
    license: str | None  # SPDX id ("MIT", "NOASSERTION"), None when GitHub knows no licence


@dataclass(frozen=True)
class RateLimit:
    cost: int
    remaining: int
    reset_at: str | None


@dataclass
class BatchAnswer:
    """One query's answer, by the ``owner/name`` asked (lower-cased)."""

    repos: dict[str, RepoInfo] = field(default_factory=dict)
    gone: dict[str, str] = field(default_factory=dict)  # not found: deleted, private, or never there
    refused: dict[str, str] = field(default_factory=dict)  # an answer we do not believe, and why
    rate: RateLimit | None = None
    attempts: int = 1  # POSTs sent for this answer (retries included)


def valid_repo(full: str) -> bool:
    """True for ``owner/name`` as GitHub spells names (what may go into a query or a URL)."""
    owner, sep, name = full.partition("/")
    return bool(sep and _OWNER.match(owner) and _NAME.match(name) and name not in (".", "..")
                and ".." not in name)


def build_query(names: Sequence[str]) -> tuple[str, dict[str, str]]:
    """The aliased query for ``names`` (``owner/name``) and its variables. Names travel as
    variables, never spliced into the query text: a name can never change what is asked."""
    if not 0 < len(names) <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} repositories, not {len(names)}")
    params: list[str] = []
    parts: list[str] = []
    variables: dict[str, str] = {}
    for i, full in enumerate(names):
        if not valid_repo(full):
            raise ValueError(f"not a GitHub repository name: {full!r}")
        owner, name = full.split("/", 1)
        params += [f"$o{i}: String!", f"$n{i}: String!"]
        variables[f"o{i}"], variables[f"n{i}"] = owner, name
        parts.append(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ {FIELDS} }}")
    query = (f"query({', '.join(params)}) {{\n" + "\n".join(parts)
             + "\n  rateLimit { cost remaining resetAt }\n}\n")
    return query, variables


def _strict_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9 else None


def _text_ok(value: str, rx: re.Pattern[str]) -> bool:
    return bool(rx.match(value)) and find_bad_char(value) is None


def parse_repo(obj: Any) -> RepoInfo | str:
    """A RepoInfo from one alias's answer object, or why it is refused."""
    if not isinstance(obj, dict):
        return "the answer is not an object"
    name = obj.get("nameWithOwner")
    if not isinstance(name, str) or find_bad_char(name) is not None or not valid_repo(name):
        return f"nameWithOwner {str(name)[:80]!r} is not a GitHub repository name"
    stars = _strict_int(obj.get("stargazerCount"))
    if stars is None:
        return f"stargazerCount {str(obj.get('stargazerCount'))[:40]!r} is not a count"
    flags = {k: obj.get(k) for k in ("isArchived", "isDisabled")}
    if not all(isinstance(v, bool) for v in flags.values()):
        return "isArchived/isDisabled are not true or false"
    pushed = obj.get("pushedAt")
    if pushed is not None and not (isinstance(pushed, str) and _WHEN.match(pushed)):
        return f"pushedAt {str(pushed)[:40]!r} is not a time"
    ref = obj.get("defaultBranchRef")
    branch = ref.get("name") if isinstance(ref, dict) else None
    if ref is not None and not (isinstance(branch, str) and _text_ok(branch, _BRANCH)):
        return "defaultBranchRef.name is not a branch name"
    lic = obj.get("licenseInfo")
    spdx = lic.get("spdxId") if isinstance(lic, dict) else None
    if spdx is not None and not (isinstance(spdx, str) and _text_ok(spdx, _SPDX)):
        return "licenseInfo.spdxId is not an SPDX id"
    return RepoInfo(name=name, stars=stars, archived=bool(flags["isArchived"]), disabled=bool(flags["isDisabled"]),
                    pushed=pushed[:10] if isinstance(pushed, str) else None, branch=branch,
                    license=spdx if isinstance(spdx, str) else None)


def parse_answer(payload: Any, names: Sequence[str]) -> BatchAnswer:
    """A BatchAnswer from a decoded GraphQL answer to ``build_query(names)``; GraphQLError when the
    answer as a whole is unusable (budget used up, no data)."""
    if not isinstance(payload, dict):
        raise GraphQLError("refused", "the GraphQL answer is not a JSON object")
    raw_errors = payload.get("errors")
    errors: list[Any] = raw_errors if isinstance(raw_errors, list) else []
    by_alias: dict[str, dict[str, Any]] = {}
    for err in errors:
        if not isinstance(err, dict):
            continue
        if err.get("type") == "RATE_LIMITED":
            raise GraphQLError("budget", "GitHub's GraphQL budget is used up (RATE_LIMITED)")
        path = err.get("path")
        if isinstance(path, list) and path and isinstance(path[0], str):
            by_alias.setdefault(path[0], err)
    data = payload.get("data")
    if not isinstance(data, dict):
        first = next((e for e in errors if isinstance(e, dict)), {})
        raise GraphQLError("server", f"GraphQL answered no data ({str(first.get('message', 'no message'))[:200]})")
    out = BatchAnswer()
    rate = data.get("rateLimit")
    if isinstance(rate, dict):
        cost, remaining = _strict_int(rate.get("cost")), _strict_int(rate.get("remaining"))
        reset = rate.get("resetAt")
        if cost is not None and remaining is not None:
            out.rate = RateLimit(cost, remaining, reset if isinstance(reset, str) and _WHEN.match(reset) else None)
    for i, full in enumerate(names):
        key, alias = full.lower(), f"r{i}"
        err = by_alias.get(alias)
        obj = data.get(alias)
        if obj is None:
            if err is not None and err.get("type") == "NOT_FOUND":
                out.gone[key] = "not found (deleted, made private, or never public)"
            elif err is not None:
                out.refused[key] = f"GitHub answered an error: {str(err.get('message'))[:200]}"
            else:
                out.refused[key] = "no answer for this repository"
            continue
        parsed = parse_repo(obj)
        if isinstance(parsed, str):
            out.refused[key] = parsed
        else:
            out.repos[key] = parsed
    return out


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class GraphQLClient:
    """One keep-alive connection to the GraphQL endpoint; ``repositories`` asks one batch."""

    def __init__(self, url: str, token: str, *, timeout: float = 30.0, max_body: int = MAX_BODY,
                 retries: int = 3, secondary_attempts: int = 2, max_wait: float = 120.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PaperlistError(f"GraphQL URL {url!r}: expected http(s)://host/path")
        self.url = url
        self._scheme, self._host, self._port = parts.scheme, parts.hostname, parts.port
        self._path = parts.path or "/graphql"
        self._token = token
        self.timeout = timeout
        self.max_body = max_body
        self.retries = retries
        self.secondary_attempts = secondary_attempts
        self.max_wait = max_wait
        self._sleep = sleep
        self._conn: http.client.HTTPConnection | None = None
        self.posts = 0  # every request sent, retries included

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            self._conn = cls(self._host, self._port, timeout=self.timeout)
        return self._conn

    def _read_capped(self, resp: http.client.HTTPResponse) -> bytes:
        length = resp.getheader("Content-Length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            self.close()  # never read it: the connection goes, the rest of the body with it
            raise GraphQLError("refused", f"the answer is {int(length):,} bytes, over the cap of "
                                          f"{self.max_body:,}: refused unread")
        chunks: list[bytes] = []
        got = 0
        while True:
            chunk = resp.read(min(65536, self.max_body + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if got > self.max_body:
                self.close()
                raise GraphQLError("refused", f"the answer passed the cap of {self.max_body:,} bytes: "
                                              "refused, the rest unread")
        return b"".join(chunks)

    def _post(self, body: bytes) -> tuple[int, Mapping[str, str], bytes]:
        conn = self._connection()
        headers = {"Authorization": f"bearer {self._token}", "Content-Type": "application/json",
                   "Accept": "application/json", "Accept-Encoding": "identity", "User-Agent": USER_AGENT}
        self.posts += 1
        try:
            conn.request("POST", self._path, body=body, headers=headers)
            resp = conn.getresponse()
            raw = self._read_capped(resp)
        except GraphQLError:
            raise
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw

    def repositories(self, names: Sequence[str]) -> BatchAnswer:
        """Ask GitHub about ``names`` (``owner/name``, at most 100) in one query."""
        query, variables = build_query(names)
        body = json.dumps({"query": query, "variables": variables}).encode()
        transient = 0
        secondary = 0
        attempts = 0
        while True:
            attempts += 1
            try:
                status, headers, raw = self._post(body)
            except (OSError, http.client.HTTPException) as e:
                # Safe to send again: a query changes nothing on GitHub (idempotent).
                transient += 1
                if transient > self.retries:
                    raise GraphQLError("network", f"cannot reach {self._host} ({e.__class__.__name__}: {e})") from e
                self._sleep(min(2.0 ** (transient - 1), 8.0))
                continue
            if status in (502, 503, 504):
                transient += 1
                if transient > self.retries:
                    raise GraphQLError("server", f"GitHub answered {status} {self.retries + 1} times")
                self._sleep(min(2.0 ** (transient - 1), 8.0))
                continue
            text = raw[:2000].decode("utf-8", "replace")
            if status in (403, 429):
                wait = _retry_after(headers.get("retry-after"))
                if headers.get("x-ratelimit-remaining") == "0" and wait is None:
                    raise GraphQLError("budget", "GitHub's GraphQL budget is used up (HTTP "
                                                 f"{status}, x-ratelimit-remaining: 0)",
                                       reset_at=headers.get("x-ratelimit-reset"))
                if wait is None and "secondary rate limit" in text.lower():
                    wait = 60.0  # GitHub: without Retry-After, wait at least a minute
                if wait is None:
                    raise GraphQLError("auth", f"GitHub refused the query (HTTP {status}): {text[:200]}")
                secondary += 1
                if secondary > self.secondary_attempts or wait > self.max_wait:
                    raise GraphQLError("secondary", f"GitHub's secondary rate limit (HTTP {status}) asks to wait "
                                                    f"{wait:.0f} s; stopped to try again in a later run")
                self._sleep(wait)
                continue
            if status == 401:
                raise GraphQLError("auth", "GitHub refused the token (HTTP 401): check GITHUB_TOKEN")
            if status != 200:
                raise GraphQLError("server", f"GitHub answered HTTP {status}: {text[:200]}")
            try:
                payload = json.loads(raw)
            except ValueError as e:
                raise GraphQLError("refused", f"the answer is not JSON ({e})") from e
            answer = parse_answer(payload, names)
            answer.attempts = attempts
            return answer
