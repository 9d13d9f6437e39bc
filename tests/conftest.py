"""Every test is offline and isolated by construction: no socket reaches past loopback (in this
process and in every Python process a test starts: see ``support/offline/sitecustomize.py``), the
services the tool would call default to a closed port on loopback, no token from the developer's
or CI's environment leaks in, and each test gets its own user cache folder (the link cache would
otherwise live in ~/.cache and carry verdicts from one test into another). A test that needs a
service starts a fake one and points the variable at it."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

OFFLINE_DIR = Path(__file__).resolve().parent / "support" / "offline"


def _block_the_network() -> None:
    # In this process (and in xdist workers, which import this file too)...
    spec = importlib.util.spec_from_file_location("paperlist_tests_offline", OFFLINE_DIR / "sitecustomize.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules["paperlist_tests_offline"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # ...and in every Python process started from here: Python imports sitecustomize at start-up.
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(OFFLINE_DIR) not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(OFFLINE_DIR), *parts])


_block_the_network()

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
    monkeypatch.delenv("GITHUB_GRAPHQL_URL", raising=False)  # Actions sets it: it would point past the fakes


@pytest.fixture(autouse=True)
def _every_message_is_in_the_catalogue() -> Iterator[None]:
    # A message id or language the catalogue lacks falls back to English at run time (never a crash
    # in front of a user); in the tests it is a failure of the test that asked for it.
    from paperlist.infra import messages

    messages.forget_misses()
    yield
    missed = messages.misses()
    assert not missed, f"messages missing from the catalogue (paperlist/data/messages): {sorted(missed)}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module (skipped where it is missing, failed in CI)."""
    from support.sitebrowser import launch, need_browser

    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()
