"""Finding URLs in Markdown, the verdict cache, and the host-pause rule: small pure pieces."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from paperlist.checks.links.cache import LinkCache
from paperlist.checks.links.extract import links_in_markdown
from paperlist.checks.links.http import HttpChecker, _Host, retry_after_seconds
from paperlist.checks.links.verdict import Verdict, broken, ok


def _urls(text: str) -> list[tuple[int, int, str]]:
    return [(link.line, link.column, link.url) for link in links_in_markdown(text, "x.md")]


def test_markdown_link_forms() -> None:
    text = (
        "# Title\n"
        "Inline [a](https://a.example/x) and image ![i](https://i.example/p.png \"title\").\n"
        "Autolink <https://auto.example/y> and bare https://bare.example/z.\n"
        "[ref]: https://ref.example/r\n"
        '<a href="https://html.example/h">h</a>\n'
        "Wikipedia [w](https://en.wikipedia.org/wiki/Foo_(bar)) ok\n"
        "Relative [r](docs/links.md) and [m](mailto:someone@example.org) are not ours.\n"
    )
    assert _urls(text) == [
        (2, 12, "https://a.example/x"),
        (2, 48, "https://i.example/p.png"),
        (3, 11, "https://auto.example/y"),
        (3, 44, "https://bare.example/z"),
        (4, 8, "https://ref.example/r"),
        (5, 10, "https://html.example/h"),
        (6, 15, "https://en.wikipedia.org/wiki/Foo_(bar)"),
    ]
    for line, col, url in _urls(text):
        assert text.splitlines()[line - 1][col - 1:].startswith(url)


def test_code_is_not_checked() -> None:
    text = (
        "Use `curl https://inline.example/x` here.\n"
        "```bash\n"
        "curl https://fenced.example/y\n"
        "```\n"
        "~~~\n"
        "https://tilde.example/z\n"
        "~~~\n"
        "after https://after.example/w\n"
    )
    assert _urls(text) == [(8, 7, "https://after.example/w")]


def test_a_link_in_a_table_and_trailing_punctuation() -> None:
    text = "| paper | https://t.example/a, |\n|---|---|\nSee https://t.example/b).\n"
    assert [u for _, _, u in _urls(text)] == ["https://t.example/a", "https://t.example/b"]


def test_cache_expiry_and_what_it_keeps(tmp_path: Path) -> None:
    path = tmp_path / "c" / "links.json"
    c = LinkCache(path, 3600, now=1000.0)
    c.put("url:a", ok(status=200))
    c.put("url:b", broken("HTTP 404"))
    c.put("url:c", Verdict("moved", "moved", 200, new_url="https://n.example/"))
    c.save()
    fresh = LinkCache(path, 3600, now=2000.0)
    assert fresh.get("url:a") is not None and fresh.get("url:a").cached  # type: ignore[union-attr]
    assert fresh.get("url:b") is None  # failures are never stored
    assert fresh.get("url:c").new_url == "https://n.example/"  # type: ignore[union-attr]
    assert LinkCache(path, 3600, now=1000.0 + 3601).get("url:a") is None  # expired
    # A link that fails now forgets its old success.
    fresh.put("url:a", broken("HTTP 410"))
    fresh.save()
    assert LinkCache(path, 3600, now=2000.0).get("url:a") is None


def test_corrupt_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    for content in ("{not json", json.dumps([1, 2]), json.dumps({"version": 99, "entries": {}}),
                    json.dumps({"version": 1, "entries": {"url:a": {"checked": "x", "verdict": {"state": "ok"}}}}),
                    json.dumps({"version": 1, "entries": {"url:a": {"checked": 1, "verdict": {"state": "broken"}}}})):
        path.write_text(content, encoding="utf-8")
        assert LinkCache(path, 1e9, now=2.0).get("url:a") is None


def test_retry_after_forms() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 10) == 10.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_one_busy_page_does_not_pause_the_host_but_a_busy_host_does() -> None:
    async def run() -> tuple[float, float]:
        host = _Host(asyncio.Semaphore(4))
        for t in range(10):
            HttpChecker._note_answer(host, 200, 0.0, float(t) / 10)
        HttpChecker._note_answer(host, 429, 1.0, 1.0)  # one page said 429 among many 200s
        single = host.not_before
        for t in range(4):
            HttpChecker._note_answer(host, 429, 1.0, 1.1 + t / 10)
        return single, host.not_before

    single, busy = asyncio.run(run())
    assert single == 0.0
    assert busy > 1.0
