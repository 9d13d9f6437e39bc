"""Every test is offline and isolated by construction: the services the tool would call default to
a closed port on loopback, no token from the developer's or CI's environment leaks in, and each
test gets its own user cache folder (the link cache would otherwise live in ~/.cache and carry
verdicts from one test into another). A test that needs a service starts a fake one and points the
variable at it."""

from __future__ import annotations

import pytest

CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once


@pytest.fixture(autouse=True)
def _offline_services(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Every cache lives in <root>/.paperlist-cache (each test's own project); XDG is pinned anyway so
    # nothing a library might put there reaches the developer's home.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    for var in ("PAPERLIST_CACHE_DIR", "PAPERLIST_NO_CACHE"):
        monkeypatch.delenv(var, raising=False)
    for var in ("GITHUB_API_URL", "PAPERLIST_ARXIV_API", "PAPERLIST_GITHUB_WEB"):
        monkeypatch.setenv(var, CLOSED)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
