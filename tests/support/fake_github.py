"""A stand-in for the parts of GitHub's REST API that paperlist talks to.

A real threaded HTTP server on 127.0.0.1 with state, so tests drive the real PyGithub client
(``Github(base_url=fake.url)`` or ``GITHUB_API_URL=fake.url``) and assert on what GitHub would
hold afterwards. It imitates the behaviours that matter for correctness, not all of GitHub:

- issue comments: list (paginated with ``Link`` headers, ``per_page``/``page``), create, get, edit;
- issues: create, get, edit (state, title, body, labels), list with ``state``/``labels``/``creator``;
- pull requests: get, list (``state``, ``head=owner:branch``), create and edit (title, body, state), as
  GitHub does them: a head branch that does not exist, one that already has an open PR, or one with no
  commits beyond the base, is refused (422), and the head commit is read from a real bare repository
  when ``git_dir`` is set (the issue-form flow and the refresh push there); ``add_pull`` sets one up
  directly; reviews: list and create, with review comments on ``line``/``side`` refused (422) unless
  the line is in the PR's diff (``add_pull(files={path: [lines]})``), as GitHub refuses them;
- commit statuses: create, list (``/commits/{sha}/statuses``) and ``/commits/{sha}/status``;
- repositories: ``GET /repos/{owner}/{repo}`` 200 (full_name, archived, stars…), 301 to
  ``/repositories/{id}`` for renamed repositories, 404 otherwise; ``GET /repositories/{id}``;
- issue events (``labeled`` with its actor, recorded by ``label_issue``) and collaborator permissions
  (``set_permission``; anyone else has ``none``);
- ``GET /user`` answers 403, as it does for an Actions token;
- 422 for an issue or comment body over 65,536 characters;
- ``fail_next_post_after_processing``: the next POST is carried out, then answered with 502
  (the half-processed request that makes naive clients post twice);
- rate-limit headers on every answer, and ``rate_limit_remaining`` to simulate exhaustion;
- ``POST /graphql``: the aliased batch query of ``paperlist refresh repos``
  (``r0: repository(owner: $o0, name: $n0) {…}`` with variables, plus ``rateLimit {…}``), parsed
  and answered field by field: a renamed repository answers under its new ``nameWithOwner``, a
  missing one is ``null`` with a ``NOT_FOUND`` error for its alias, as GitHub does. The GraphQL budget
  (``graphql_remaining``) goes down by each query's cost (1 point for up to 100 repositories, no
  connections); at 0 the answer is GitHub's ``RATE_LIMITED`` error. ``graphql_script`` queues special
  answers for the next queries: ``("502", None)``, ``("secondary", "2")`` (403 with Retry-After 2),
  ``("429", "1")``, ``("huge", None)`` (a 50 MB body without Content-Length), ``("huge-length", None)``
  (a 50 MB Content-Length); ``graphql_override[repo]`` replaces one repository's answer object
  (hostile names, a string star count); every query's asked names are in ``graphql_queries``.

Usage::

    with FakeGitHub() as gh:
        gh.add_repo("octo/list")
        gh.add_pull("octo/list", 7, head_sha="abc…")
        ...  # run code with GITHUB_API_URL=gh.url
        assert len(gh.comments_on("octo/list", 7)) == 1
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MAX_BODY = 65536
BOT_LOGIN = "github-actions[bot]"


@dataclass
class Repo:
    id: int
    full_name: str
    archived: bool = False
    stargazers_count: int = 0
    pushed_at: str = "2024-01-01T00:00:00Z"
    default_branch: str = "main"
    renamed_to: str | None = None  # GitHub answers 301 to /repositories/{id} for the old name
    disabled: bool = False
    license: str | None = "MIT"

    def to_json(self, base: str) -> dict[str, Any]:
        owner, name = self.full_name.split("/", 1)
        return {
            "id": self.id,
            "name": name,
            "full_name": self.full_name,
            "owner": {"login": owner, "type": "User"},
            "archived": self.archived,
            "stargazers_count": self.stargazers_count,
            "pushed_at": self.pushed_at,
            "default_branch": self.default_branch,
            "url": f"{base}/repos/{self.full_name}",
            "html_url": f"https://github.com/{self.full_name}",
        }


@dataclass
class State:
    repos: dict[str, Repo] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    issues: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    pulls: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    statuses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    events: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    permissions: dict[tuple[str, str], str] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    next_id: int = 1000


class FakeGitHub:
    """The server and its state; a context manager that starts and stops the thread."""

    def __init__(self, *, per_page_default: int = 30, user: str = BOT_LOGIN) -> None:
        self.state = State()
        self.lock = threading.RLock()
        self.per_page_default = per_page_default
        self.user = user
        self.fail_next_post_after_processing = False
        self.rate_limit_remaining = 1000
        self.token_required = True
        self.git_dir: str | None = None  # a bare repository whose branches are the PRs' heads
        self.graphql_limit = 5000
        self.graphql_remaining = 5000
        self.graphql_reset_at = "2030-01-01T00:00:00Z"
        self.graphql_script: list[tuple[str, str | None]] = []
        self.graphql_override: dict[str, Any] = {}
        self.graphql_queries: list[list[str]] = []  # the owner/name asked, per query answered
        self.graphql_posts = 0  # every POST /graphql, answered or not
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- test set-up and inspection --------------------------------------------------------
    def _new_id(self) -> int:
        with self.lock:
            self.state.next_id += 1
            return self.state.next_id

    def add_repo(self, full_name: str, *, archived: bool = False, stars: int = 0,
                 renamed_to: str | None = None, pushed_at: str = "2024-01-01T00:00:00Z",
                 disabled: bool = False, license: str | None = "MIT", default_branch: str = "main") -> Repo:
        """Register a repository; with ``renamed_to`` the old name redirects to the new one."""
        with self.lock:
            if renamed_to is not None:
                target = self.state.repos.get(renamed_to.lower()) or self.add_repo(renamed_to)
                repo = Repo(id=target.id, full_name=full_name, renamed_to=renamed_to)
            else:
                repo = Repo(id=self._new_id(), full_name=full_name, archived=archived,
                            stargazers_count=stars, pushed_at=pushed_at, disabled=disabled, license=license,
                            default_branch=default_branch)
            self.state.repos[full_name.lower()] = repo
            self.state.issues.setdefault(full_name.lower(), {})
            self.state.pulls.setdefault(full_name.lower(), {})
            return repo

    def add_pull(self, full_name: str, number: int, *, head_sha: str, base_ref: str = "main",
                 files: dict[str, list[int]] | None = None) -> None:
        """A pull request (also an issue, as on GitHub) whose head is ``head_sha``; ``files`` maps
        each changed path to the right-side lines in its diff (where review comments may go)."""
        with self.lock:
            key = full_name.lower()
            if key not in self.state.repos:
                self.add_repo(full_name)
            self.state.pulls[key][number] = {"number": number, "head_sha": head_sha, "base_ref": base_ref,
                                             "head_ref": f"pr-{number}", "title": f"PR {number}", "body": "",
                                             "state": "open", "merged": False, "files": files or {},
                                             "user": "contributor"}
            self.state.issues[key].setdefault(number, self._issue(full_name, number, f"PR {number}", "",
                                                                  user="contributor", is_pull=True))

    def add_issue(self, full_name: str, body: str, *, title: str = "Add paper", user: str = "contributor",
                  labels: list[str] | None = None) -> int:
        """An issue opened by ``user`` (with the form's labels); its number."""
        with self.lock:
            key = full_name.lower()
            if key not in self.state.repos:
                self.add_repo(full_name)
            number = max(list(self.state.issues[key]) + list(self.state.pulls[key]) + [0]) + 1
            self.state.issues[key][number] = self._issue(full_name, number, title, body, user=user)
            for name in labels or []:
                self.label_issue(full_name, number, name, actor=user)
            return number

    def edit_issue(self, full_name: str, number: int, **changes: Any) -> None:
        with self.lock:
            self.state.issues[full_name.lower()][number].update(changes)

    def label_issue(self, full_name: str, number: int, name: str, *, actor: str) -> None:
        """``actor`` adds the label ``name``: the issue's labels and its ``labeled`` event, as on GitHub."""
        with self.lock:
            key = full_name.lower()
            issue = self.state.issues[key][number]
            if name not in {lab["name"] for lab in issue["labels"]}:
                issue["labels"].append({"name": name})
            self.state.events.setdefault((key, number), []).append({
                "id": self._new_id(), "event": "labeled", "label": {"name": name, "color": "ededed"},
                "actor": {"login": actor, "type": "Bot" if actor.endswith("[bot]") else "User"},
                "created_at": "2024-01-01T00:00:00Z"})

    def set_permission(self, full_name: str, login: str, permission: str) -> None:
        """``login``'s permission on the repository: admin, maintain, write, triage, read (or none)."""
        with self.lock:
            self.state.permissions[(full_name.lower(), login.lower())] = permission

    def pulls_in(self, full_name: str) -> list[dict[str, Any]]:
        with self.lock:
            return [self._pull_json(full_name, p) for p in sorted(self.state.pulls[full_name.lower()].values(),
                                                                   key=lambda p: p["number"])]

    def merge_pull(self, full_name: str, number: int) -> None:
        with self.lock:
            pr = self.state.pulls[full_name.lower()][number]
            pr.update(state="closed", merged=True)

    def _branch_sha(self, branch: str) -> str | None:
        if self.git_dir is None:
            return None
        proc = subprocess.run(["git", "--git-dir", self.git_dir, "rev-parse", "--verify", "--quiet",
                               f"refs/heads/{branch}"], capture_output=True, text=True, check=False)
        return proc.stdout.strip() or None

    def _contained(self, sha: str, base: str) -> bool:
        """True when the head commit is already on ``base`` (GitHub: "No commits between …")."""
        base_sha = self._branch_sha(base)
        if self.git_dir is None or base_sha is None:
            return False
        proc = subprocess.run(["git", "--git-dir", self.git_dir, "merge-base", "--is-ancestor", sha, base_sha],
                              capture_output=True, check=False)
        return proc.returncode == 0

    def _pull_json(self, full: str, pr: dict[str, Any]) -> dict[str, Any]:
        n = pr["number"]
        head_sha = (self._branch_sha(pr["head_ref"]) if pr["state"] == "open" else None) or pr["head_sha"]
        pr["head_sha"] = head_sha
        owner = full.split("/", 1)[0]
        return {
            "id": n + 500000, "number": n, "state": pr["state"], "title": pr["title"], "body": pr["body"],
            "merged": pr["merged"], "url": f"{self.url}/repos/{full}/pulls/{n}",
            "issue_url": f"{self.url}/repos/{full}/issues/{n}",
            "html_url": f"https://github.com/{full}/pull/{n}",
            "user": {"login": pr["user"], "type": "Bot" if pr["user"].endswith("[bot]") else "User"},
            "head": {"sha": head_sha, "ref": pr["head_ref"], "label": f"{owner}:{pr['head_ref']}"},
            "base": {"ref": pr["base_ref"]},
        }

    def set_head(self, full_name: str, number: int, head_sha: str) -> None:
        """The contributor pushed again."""
        with self.lock:
            self.state.pulls[full_name.lower()][number]["head_sha"] = head_sha

    def add_comment(self, full_name: str, number: int, body: str, *, user: str = "someone",
                    user_type: str = "User") -> dict[str, Any]:
        """A comment written by somebody else (for tests of who the bot may edit)."""
        with self.lock:
            return self._create_comment(full_name.lower(), number, body, user=user, user_type=user_type)

    def comments_on(self, full_name: str, number: int) -> list[dict[str, Any]]:
        with self.lock:
            return [c for c in sorted(self.state.comments.values(), key=lambda c: c["id"])
                    if c["_repo"] == full_name.lower() and c["_issue"] == number]

    def reviews_on(self, full_name: str, number: int) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.state.reviews if r["_repo"] == full_name.lower() and r["_pull"] == number]

    def statuses_for(self, sha: str) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.state.statuses.get(sha, []))

    def issues_in(self, full_name: str) -> list[dict[str, Any]]:
        with self.lock:
            return [i for i in self.state.issues.get(full_name.lower(), {}).values() if not i["_is_pull"]]

    def count(self, method: str, path_regex: str = ".*") -> int:
        """How many requests with ``method`` hit a path matching ``path_regex``."""
        rx = re.compile(path_regex)
        with self.lock:
            return sum(1 for m, p in self.state.requests if m == method and rx.search(p))

    # -- internals shared with the handler -------------------------------------------------
    def _issue(self, full_name: str, number: int, title: str, body: str, *, user: str,
               is_pull: bool = False, labels: list[str] | None = None) -> dict[str, Any]:
        return {
            "id": self._new_id(), "number": number, "title": title, "body": body, "state": "open",
            "labels": [{"name": n} for n in labels or []],
            "user": {"login": user, "type": "Bot" if user.endswith("[bot]") else "User"},
            "html_url": f"https://github.com/{full_name}/issues/{number}",
            "url": f"{self.url}/repos/{full_name}/issues/{number}",
            "_is_pull": is_pull, "_repo": full_name.lower(),
            **({"pull_request": {"url": f"{self.url}/repos/{full_name}/pulls/{number}"}} if is_pull else {}),
        }

    def _create_comment(self, key: str, number: int, body: str, *, user: str, user_type: str) -> dict[str, Any]:
        cid = self._new_id()
        full = self.state.repos[key].full_name
        c = {
            "id": cid, "body": body, "user": {"login": user, "type": user_type},
            "html_url": f"https://github.com/{full}/pull/{number}#issuecomment-{cid}",
            "url": f"{self.url}/repos/{full}/issues/comments/{cid}",
            "issue_url": f"{self.url}/repos/{full}/issues/{number}",
            "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
            "_repo": key, "_issue": number,
        }
        self.state.comments[cid] = c
        return c


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


_REPO = r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)"


def _make_handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        # -- plumbing ------------------------------------------------------------------
        def _send(self, status: int, payload: Any = None, headers: dict[str, str] | None = None) -> None:
            raw = b"" if payload is None else json.dumps(payload).encode()
            remaining = max(fake.rate_limit_remaining, 0)
            all_headers = {
                "Content-Type": "application/json; charset=utf-8", "Content-Length": str(len(raw)),
                "X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": str(int(time.time()) + 3600), "X-RateLimit-Used": str(1000 - remaining),
                "X-RateLimit-Resource": "core", **(headers or {}),
            }
            self.send_response(status)
            for k, v in all_headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(raw)

        def _error(self, status: int, message: str) -> None:
            self._send(status, {"message": message, "documentation_url": "https://docs.github.com/rest"})

        def _body(self) -> Any:
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            try:
                return json.loads(raw) if raw else {}
            except ValueError:
                return None

        def _handle(self, method: str) -> None:
            parts = urlsplit(self.path)
            path, query = parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}
            body = self._body() if method in ("POST", "PATCH", "PUT") else {}
            with fake.lock:
                fake.state.requests.append((method, path))
                if fake.token_required and not (self.headers.get("Authorization") or "").strip():
                    self._error(401, "Requires authentication")
                    return
                if fake.rate_limit_remaining <= 0:
                    self._send(403, {"message": "API rate limit exceeded"},
                               {"X-RateLimit-Remaining": "0"})
                    return
                fake.rate_limit_remaining -= 1
                if body is None and method != "GET":
                    self._error(400, "Problems parsing JSON")
                    return
                fail_after = method == "POST" and fake.fail_next_post_after_processing
                status, payload, headers = self._route(method, path, query, body)
                if fail_after and status < 300:
                    fake.fail_next_post_after_processing = False
                    # The write happened; the client only sees a gateway error.
                    self._send(502, {"message": "Server Error"})
                    return
            self._send(status, payload, headers)

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            if urlsplit(self.path).path == "/graphql":
                self._graphql()
                return
            self._handle("POST")

        # -- GraphQL -----------------------------------------------------------------------
        def _graphql_send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(status)
            all_headers = {"Content-Type": "application/json; charset=utf-8", "Content-Length": str(len(raw)),
                           "X-RateLimit-Limit": str(fake.graphql_limit),
                           "X-RateLimit-Remaining": str(max(fake.graphql_remaining, 0)),
                           "X-RateLimit-Resource": "graphql", **(headers or {})}
            for k, v in all_headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(raw)

        def _graphql_huge(self, with_length: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if with_length:
                self.send_header("Content-Length", str(50 * 1024 * 1024))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            chunk = b" " * (1024 * 1024)
            try:
                self.wfile.write(b'{"data": {"padding": "')
                for _ in range(50):
                    self.wfile.write(chunk)
                self.wfile.write(b'"}}')
            except OSError:
                pass  # the client hung up, as it should

        def _graphql(self) -> None:
            body = self._body()
            with fake.lock:
                fake.graphql_posts += 1
                if not (self.headers.get("Authorization") or "").lower().startswith("bearer "):
                    self._graphql_send(401, {"message": "Bad credentials"})
                    return
                step = fake.graphql_script.pop(0) if fake.graphql_script else None
                if step is not None:
                    kind, arg = step
                    if kind == "502":
                        self._graphql_send(502, {"message": "Server Error"})
                        return
                    if kind == "secondary":
                        self._graphql_send(403, {"message": "You have exceeded a secondary rate limit. Please "
                                                            "wait a few minutes before you try again."},
                                           {"Retry-After": arg or "60"})
                        return
                    if kind == "429":
                        self._graphql_send(429, {"message": "Too Many Requests"}, {"Retry-After": arg or "1"})
                        return
                    if kind in ("huge", "huge-length"):
                        self._graphql_huge(kind == "huge-length")
                        return
                if not isinstance(body, dict) or not isinstance(body.get("query"), str):
                    self._graphql_send(400, {"message": "Problems parsing JSON"})
                    return
                status, payload = self._graphql_answer(body["query"], body.get("variables") or {})
            self._graphql_send(status, payload)

        def _graphql_answer(self, query: str, variables: dict[str, Any]) -> tuple[int, Any]:
            asks = re.findall(r"(\w+)\s*:\s*repository\(\s*owner\s*:\s*\$(\w+)\s*,\s*name\s*:\s*\$(\w+)\s*\)",
                              query)
            # GitHub's formula: connections' requests / 100, at least 1; this query asks no connection.
            cost = 1
            if fake.graphql_remaining < cost:
                return 200, {"errors": [{"type": "RATE_LIMITED",
                                         "message": "API rate limit exceeded for installation ID 1."}]}
            fake.graphql_remaining -= cost
            data: dict[str, Any] = {}
            errors: list[dict[str, Any]] = []
            asked: list[str] = []
            for alias, ov, nv in asks:
                owner, name = variables.get(ov), variables.get(nv)
                full = f"{owner}/{name}"
                asked.append(full)
                key = full.lower()
                if key in fake.graphql_override:
                    data[alias] = fake.graphql_override[key]
                    continue
                repo = fake.state.repos.get(key)
                while repo is not None and repo.renamed_to is not None:
                    repo = fake.state.repos.get(repo.renamed_to.lower())
                if repo is None:
                    data[alias] = None
                    errors.append({"type": "NOT_FOUND", "path": [alias], "locations": [{"line": 2, "column": 3}],
                                   "message": f"Could not resolve to a Repository with the name '{full}'."})
                    continue
                data[alias] = {
                    "nameWithOwner": repo.full_name, "stargazerCount": repo.stargazers_count,
                    "isArchived": repo.archived, "isDisabled": repo.disabled, "pushedAt": repo.pushed_at,
                    "defaultBranchRef": {"name": repo.default_branch} if repo.default_branch else None,
                    "licenseInfo": {"spdxId": repo.license} if repo.license else None,
                }
            fake.graphql_queries.append(asked)
            if "rateLimit" in query:
                data["rateLimit"] = {"cost": cost, "remaining": fake.graphql_remaining,
                                     "limit": fake.graphql_limit, "resetAt": fake.graphql_reset_at}
            out: dict[str, Any] = {"data": data}
            if errors:
                out["errors"] = errors
            return 200, out

        def do_PATCH(self) -> None:
            self._handle("PATCH")

        # -- routes ----------------------------------------------------------------------
        def _route(self, method: str, path: str, query: dict[str, str],
                   body: Any) -> tuple[int, Any, dict[str, str] | None]:
            st = fake.state
            if path == "/user":
                return 403, {"message": "Resource not accessible by integration"}, None
            if path == "/rate_limit":
                core = {"limit": 1000, "remaining": fake.rate_limit_remaining, "reset": int(time.time()) + 3600,
                        "used": 0}
                return 200, {"resources": {"core": core}, "rate": core}, None
            m = re.fullmatch(r"/repositories/(\d+)", path)
            if m and method == "GET":
                for r in st.repos.values():
                    if r.id == int(m.group(1)) and r.renamed_to is None:
                        return 200, r.to_json(fake.url), None
                return 404, {"message": "Not Found"}, None
            m = re.match(_REPO + r"(?P<rest>/.*)?$", path)
            if not m:
                return 404, {"message": "Not Found"}, None
            key = f"{m.group('owner')}/{m.group('name')}".lower()
            repo = st.repos.get(key)
            if repo is None:
                return 404, {"message": "Not Found"}, None
            rest = m.group("rest") or ""
            if repo.renamed_to is not None:
                loc = f"{fake.url}/repositories/{repo.id}{rest}"
                return 301, {"message": "Moved Permanently", "url": loc}, {"Location": loc}
            full = repo.full_name
            if rest == "" and method == "GET":
                return 200, repo.to_json(fake.url), None

            def too_long(text: Any) -> bool:
                return isinstance(text, str) and len(text) > MAX_BODY

            def validation(field_name: str) -> tuple[int, Any, None]:
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "IssueComment", "code": "custom", "field": field_name,
                     "message": f"{field_name} is too long (maximum is {MAX_BODY} characters)"}]}, None

            # issue comments
            m2 = re.fullmatch(r"/issues/(\d+)/comments", rest)
            if m2:
                number = int(m2.group(1))
                if number not in st.issues[key]:
                    return 404, {"message": "Not Found"}, None
                if method == "GET":
                    items = [_public(c) for c in fake.comments_on(full, number)]
                    return self._page(path, query, items)
                if method == "POST":
                    text = body.get("body") if isinstance(body, dict) else None
                    if not isinstance(text, str) or not text:
                        return 422, {"message": "Validation Failed"}, None
                    if too_long(text):
                        return validation("body")
                    c = fake._create_comment(key, number, text, user=fake.user,
                                             user_type="Bot" if fake.user.endswith("[bot]") else "User")
                    return 201, _public(c), None
            m2 = re.fullmatch(r"/issues/comments/(\d+)", rest)
            if m2:
                c = st.comments.get(int(m2.group(1)))
                if c is None or c["_repo"] != key:
                    return 404, {"message": "Not Found"}, None
                if method == "GET":
                    return 200, _public(c), None
                if method == "PATCH":
                    if c["user"]["login"] != fake.user:
                        return 403, {"message": "Resource not accessible by integration"}, None
                    text = body.get("body")
                    if not isinstance(text, str) or not text:
                        return 422, {"message": "Validation Failed"}, None
                    if too_long(text):
                        return validation("body")
                    c["body"] = text
                    c["updated_at"] = "2024-01-02T00:00:00Z"
                    return 200, _public(c), None
            # issues
            if rest == "/issues":
                if method == "GET":
                    state = query.get("state", "open")
                    labels = [x for x in query.get("labels", "").split(",") if x]
                    creator = query.get("creator")
                    items = []
                    for i in sorted(st.issues[key].values(), key=lambda i: -i["number"]):
                        if state != "all" and i["state"] != state:
                            continue
                        names = {lab["name"] for lab in i["labels"]}
                        if any(lab not in names for lab in labels):
                            continue
                        if creator and i["user"]["login"] != creator:
                            continue
                        items.append(_public(i))
                    return self._page(path, query, items)
                if method == "POST":
                    title = body.get("title")
                    if not isinstance(title, str) or not title:
                        return 422, {"message": "Validation Failed"}, None
                    if too_long(body.get("body")):
                        return validation("body")
                    number = max(list(st.issues[key]) + list(st.pulls[key]) + [0]) + 1
                    issue = fake._issue(full, number, title, body.get("body") or "", user=fake.user,
                                        labels=[str(x) for x in body.get("labels") or []])
                    st.issues[key][number] = issue
                    return 201, _public(issue), None
            m2 = re.fullmatch(r"/issues/(\d+)", rest)
            if m2:
                issue = st.issues[key].get(int(m2.group(1)))
                if issue is None:
                    return 404, {"message": "Not Found"}, None
                if method == "GET":
                    return 200, _public(issue), None
                if method == "PATCH":
                    if too_long(body.get("body")):
                        return validation("body")
                    for k in ("title", "body", "state"):
                        if k in body:
                            issue[k] = body[k]
                    if "labels" in body:
                        issue["labels"] = [{"name": str(x)} for x in body["labels"]]
                    return 200, _public(issue), None
            # pull requests
            if rest == "/pulls":
                return self._pulls(full, key, method, query, body if isinstance(body, dict) else {})
            m2 = re.fullmatch(r"/pulls/(\d+)", rest)
            if m2 and method in ("GET", "PATCH"):
                pr = st.pulls[key].get(int(m2.group(1)))
                if pr is None:
                    return 404, {"message": "Not Found"}, None
                if method == "PATCH":
                    if too_long(body.get("body")):
                        return validation("body")
                    if body.get("state") == "open" and pr["merged"]:
                        return 422, {"message": "Validation Failed", "errors": [
                            {"resource": "PullRequest", "code": "custom", "message": "state cannot be changed. "
                             "The pull request has been merged."}]}, None
                    if body.get("state") == "open" and any(
                            p["state"] == "open" and p["head_ref"] == pr["head_ref"] and p is not pr
                            for p in st.pulls[key].values()):
                        return 422, {"message": "Validation Failed"}, None
                    for k in ("title", "body", "state"):
                        if isinstance(body.get(k), str):
                            pr[k] = body[k]
                    issue = st.issues[key][pr["number"]]
                    issue.update(title=pr["title"], body=pr["body"], state=pr["state"])
                return 200, fake._pull_json(full, pr), None
            # issue events and permissions
            m2 = re.fullmatch(r"/issues/(\d+)/events", rest)
            if m2 and method == "GET":
                if int(m2.group(1)) not in st.issues[key]:
                    return 404, {"message": "Not Found"}, None
                return self._page(path, query, list(st.events.get((key, int(m2.group(1))), [])))
            m2 = re.fullmatch(r"/collaborators/([^/]+)/permission", rest)
            if m2 and method == "GET":
                login = m2.group(1)
                perm = st.permissions.get((key, login.lower()), "none")
                legacy = {"maintain": "write", "triage": "read"}.get(perm, perm)
                return 200, {"permission": legacy, "role_name": perm,
                             "user": {"login": login, "type": "User"}}, None
            m2 = re.fullmatch(r"/pulls/(\d+)/reviews", rest)
            if m2:
                pr = st.pulls[key].get(int(m2.group(1)))
                if pr is None:
                    return 404, {"message": "Not Found"}, None
                if method == "GET":
                    return self._page(path, query, [_public(r) for r in fake.reviews_on(full, pr["number"])])
                if method == "POST":
                    return self._create_review(full, key, pr, body if isinstance(body, dict) else {})
            # statuses
            m2 = re.fullmatch(r"/statuses/([0-9a-fA-F]{7,40})", rest)
            if m2 and method == "POST":
                state = body.get("state")
                if state not in ("error", "failure", "pending", "success"):
                    return 422, {"message": "Validation Failed"}, None
                s = {"id": fake._new_id(), "state": state, "context": body.get("context", "default"),
                     "description": body.get("description"), "target_url": body.get("target_url"),
                     "url": f"{fake.url}/repos/{full}/statuses/{m2.group(1)}"}
                st.statuses.setdefault(m2.group(1), []).insert(0, s)
                return 201, s, None
            m2 = re.fullmatch(r"/commits/([0-9a-fA-F]{7,40})/statuses", rest)
            if m2 and method == "GET":
                return self._page(path, query, list(st.statuses.get(m2.group(1), [])))
            m2 = re.fullmatch(r"/commits/([0-9a-fA-F]{7,40})", rest)
            if m2 and method == "GET":
                sha = m2.group(1)
                return 200, {"sha": sha, "url": f"{fake.url}/repos/{full}/commits/{sha}"}, None
            return 404, {"message": "Not Found"}, None

        def _pulls(self, full: str, key: str, method: str, query: dict[str, str],
                   body: dict[str, Any]) -> tuple[int, Any, dict[str, str] | None]:
            st = fake.state
            owner = full.split("/", 1)[0]
            if method == "GET":
                state = query.get("state", "open")
                head = query.get("head")
                items = []
                for pr in sorted(st.pulls[key].values(), key=lambda p: -p["number"]):
                    if state != "all" and pr["state"] != state:
                        continue
                    if head and head != f"{owner}:{pr['head_ref']}":
                        continue
                    items.append(fake._pull_json(full, pr))
                return self._page(f"/repos/{full}/pulls", query, items)
            if method != "POST":
                return 404, {"message": "Not Found"}, None
            head, base, title = body.get("head"), body.get("base"), body.get("title")
            text = body.get("body") or ""
            if not all(isinstance(x, str) and x for x in (head, base, title)) or not isinstance(text, str):
                return 422, {"message": "Validation Failed"}, None
            if len(text) > MAX_BODY:
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "PullRequest", "code": "custom", "field": "body",
                     "message": f"body is too long (maximum is {MAX_BODY} characters)"}]}, None
            branch = str(head).split(":", 1)[-1]
            sha = fake._branch_sha(branch)
            if sha is None:
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "PullRequest", "field": "head", "code": "invalid"}]}, None
            if any(p["state"] == "open" and p["head_ref"] == branch for p in st.pulls[key].values()):
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "PullRequest", "code": "custom",
                     "message": f"A pull request already exists for {owner}:{branch}."}]}, None
            if fake._contained(sha, str(base)):
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "PullRequest", "code": "custom",
                     "message": f"No commits between {base} and {branch}"}]}, None
            number = max(list(st.issues[key]) + list(st.pulls[key]) + [0]) + 1
            st.pulls[key][number] = {"number": number, "head_sha": sha, "base_ref": base, "head_ref": branch,
                                     "title": title, "body": text, "state": "open", "merged": False,
                                     "files": {}, "user": fake.user}
            st.issues[key][number] = fake._issue(full, number, str(title), text, user=fake.user, is_pull=True)
            return 201, fake._pull_json(full, st.pulls[key][number]), None

        def _create_review(self, full: str, key: str, pr: dict[str, Any],
                           body: dict[str, Any]) -> tuple[int, Any, dict[str, str] | None]:
            text = body.get("body") or ""
            if not isinstance(text, str) or len(text) > MAX_BODY:
                return 422, {"message": "Validation Failed"}, None
            comments = body.get("comments") or []
            for c in comments:
                lines = pr["files"].get(c.get("path"), [])
                if c.get("side", "RIGHT") != "RIGHT" or c.get("line") not in lines:
                    # GitHub's answer for a line outside the diff.
                    return 422, {"message": "Unprocessable Entity",
                                 "errors": ["Line could not be resolved"]}, None
            rid = fake._new_id()
            n = pr["number"]
            review = {
                "id": rid, "body": text, "state": "COMMENTED" if body.get("event") == "COMMENT" else "PENDING",
                "user": {"login": fake.user, "type": "Bot" if fake.user.endswith("[bot]") else "User"},
                "commit_id": body.get("commit_id") or pr["head_sha"],
                "html_url": f"https://github.com/{full}/pull/{n}#pullrequestreview-{rid}",
                "pull_request_url": f"{fake.url}/repos/{full}/pulls/{n}",
                "submitted_at": "2024-01-01T00:00:00Z",
                "_repo": key, "_pull": n, "_comments": [dict(c) for c in comments],
            }
            fake.state.reviews.append(review)
            return 200, _public(review), None

        def _page(self, path: str, query: dict[str, str],
                  items: list[dict[str, Any]]) -> tuple[int, Any, dict[str, str] | None]:
            per_page = max(1, min(int(query.get("per_page", fake.per_page_default)), 100))
            page = max(1, int(query.get("page", 1)))
            chunk = items[(page - 1) * per_page: page * per_page]
            last = max(1, -(-len(items) // per_page))
            links = []
            extra = "".join(f"&{k}={v}" for k, v in query.items() if k not in ("page", "per_page"))
            if page < last:
                links.append(f'<{fake.url}{path}?per_page={per_page}&page={page + 1}{extra}>; rel="next"')
                links.append(f'<{fake.url}{path}?per_page={per_page}&page={last}{extra}>; rel="last"')
            return 200, chunk, ({"Link": ", ".join(links)} if links else None)

    return Handler
