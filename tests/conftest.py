"""Every test is offline by construction: the services the tool would call default to a closed
port on loopback, and no token from the developer's or CI's environment leaks in. A test that
needs a service starts a fake one and points the variable at it."""

from __future__ import annotations

import pytest

CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused at once


@pytest.fixture(autouse=True)
def _offline_services(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GITHUB_API_URL", "PAPERLIST_ARXIV_API", "PAPERLIST_GITHUB_WEB"):
        monkeypatch.setenv(var, CLOSED)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
