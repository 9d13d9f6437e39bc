"""Serving a built site on loopback and driving Debian's Chromium with Playwright.

Shared by the browser tests, the site benchmark and the screenshot script. The site is served
under a sub-path (``/paperlist/``), as GitHub Pages serves a project site, so a URL that only
works at the host's root fails here too. ``gzip=True`` compresses responses as static hosts do
(GitHub Pages gzips JSON, JS, CSS and HTML), for measuring what a reader really downloads.
"""

from __future__ import annotations

import contextlib
import gzip as gz
import http.server
import io
import os
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
PREFIX = "/paperlist"
# Chromium without these phones home (updates, safe browsing, sync) at every start.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--metrics-recording-only", "--mute-audio"]
LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def need_browser() -> None:
    """Skip a browser test where the browser is missing; fail it in CI, where .ci/run installs it."""
    import pytest

    reason = browser_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


class _Handler(http.server.SimpleHTTPRequestHandler):
    gzip = False

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        parts = urlsplit(path).path
        if not (parts == PREFIX or parts.startswith(PREFIX + "/")):
            return os.path.join(self.directory, "\0missing")  # outside the sub-path: 404
        return super().translate_path(path[len(PREFIX):] or "/")

    def send_head(self) -> Any:
        if not self.gzip or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not urlsplit(self.path).path.endswith("/"):
                return super().send_head()  # the redirect to the folder
            path = os.path.join(path, "index.html")
        try:
            data = Path(path).read_bytes()
        except OSError:
            self.send_error(404)
            return None
        body = gz.compress(data, 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(directory: Path, *, gzip: bool = False) -> Iterator[str]:
    """Serve ``directory`` at http://127.0.0.1:PORT/paperlist/ in a thread; yields that URL."""
    handler = type("Handler", (_Handler,), {"gzip": gzip})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}/"
    finally:
        server.shutdown()
        server.server_close()


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, with its background traffic switched off."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in LOOPBACK or host.startswith("127.") or url.startswith(("data:", "blob:", "about:"))


def guard(context: Any) -> list[str]:
    """Record every request the pages of ``context`` make, and abort those leaving loopback."""
    seen: list[str] = []

    def route(r: Any) -> None:
        seen.append(r.request.url)
        if is_loopback(r.request.url):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    return seen


def which_chromium() -> str | None:
    return shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).is_file() else None)
