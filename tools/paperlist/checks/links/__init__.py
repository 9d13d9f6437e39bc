"""The link checker behind ``paperlist links`` and the pull-request check.

``check_links(root, files)`` extracts every link (paper YAML files and Markdown files),
drops excluded ones, folds duplicates into one *target* each, and checks targets the
cheapest honest way: arXiv ids in batches through the arXiv API, GitHub repositories
through the GitHub API, DOIs at doi.org, everything else over HTTP. Verdicts then become
findings at every place the link is written (``check: "link"``; the ``url`` exactly as
written; ``status``, ``final_url``, ``new_url`` where known).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from paperlist.checks.links.arxiv import check_ids
from paperlist.checks.links.cache import LinkCache, default_cache_path
from paperlist.checks.links.config import LinkConfig, load_config
from paperlist.checks.links.extract import Link, links_in_markdown, links_in_paper
from paperlist.checks.links.github import GitHubChecker
from paperlist.checks.links.http import HttpChecker, strip_fragment
from paperlist.checks.links.netsafe import url_refusal
from paperlist.checks.links.network import NetworkWatch, unavailable
from paperlist.checks.links.verdict import SEVERITY, Verdict
from paperlist.errors import PaperlistError, UsageError
from paperlist.findings import EXIT_NETWORK, Finding, Report
from paperlist.infra.arxiv import cache_folder as arxiv_cache_folder
from paperlist.infra.identity import arxiv_id, github_repo
from paperlist.infra.messages import hint, say, text
from paperlist.project.loader import PaperFile, relpath
from paperlist.project.papers import load_papers, missing, paper_paths, resolve
from paperlist.project.settings import load_settings
from paperlist.project.shards import parse_shard  # one K/N syntax for every sharded command

__all__ = ["LinkConfig", "LinksResult", "LinksSettings", "Verdict", "check_links", "load_config", "network_unavailable",
           "parse_shard", "run_links", "shard_of"]

MARKDOWN_SUFFIXES = (".md", ".markdown")
NETWORK_FILE = "(network)"  # where the "network unavailable" finding is filed: it is about the run
MAX_MARKDOWN_BYTES = 5 * 1024 * 1024
_ARXIV_HOSTS = ("arxiv.org", "www.arxiv.org", "export.arxiv.org")

_STATES = {"broken": "linkcheck.broken", "inconclusive": "linkcheck.inconclusive", "moved": "linkcheck.moved",
           "archived": "linkcheck.archived"}


def network_unavailable(report: Report) -> str | None:
    """Why the run that made ``report`` could not reach the network, or None when it could.

    Such a run is inconclusive: ``paperlist links`` exits 3, and no sweep issue is opened from it."""
    links = report.meta.get("links")
    if isinstance(links, dict) and links.get("network") == "unavailable":
        return str(links.get("network_reason") or "network unavailable")
    return None


def shard_of(key: str, n: int) -> int:
    """0-based shard of a target: a stable hash, so a URL stays in its shard from run to run."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % n


@dataclass
class _Target:
    key: str
    kind: str  # url | arxiv | github | doi
    value: str  # the URL to fetch, the bare arXiv id, or owner/repo
    links: list[Link] = field(default_factory=list)


def _classify(link: Link, cfg: LinkConfig) -> _Target:
    if link.kind == "arxiv":
        bare = arxiv_id(link.url)
        if bare:
            return _Target(f"arxiv:{bare}", "arxiv", bare)
        return _Target(f"bad-arxiv:{link.url}", "invalid", link.url)
    if link.kind == "doi":
        url = link.url if link.url.lower().startswith(("http://", "https://")) else f"https://doi.org/{link.url}"
        return _Target(f"doi:{strip_fragment(url)}", "doi", url)
    url = link.url
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return _Target(f"url:{url}", "url", url)
    if host in _ARXIV_HOSTS:
        bare = arxiv_id(url)
        if bare and urlsplit(url).path.split("/")[1:2] in (["abs"], ["pdf"]):
            return _Target(f"arxiv:{bare}", "arxiv", bare)
    if host in cfg.doi_resolvers:
        return _Target(f"doi:{strip_fragment(url)}", "doi", url)
    repo = github_repo(url)
    if repo and not url_refusal(url):
        return _Target(f"github:{repo}", "github", repo)
    return _Target(f"url:{strip_fragment(url)}", "url", url)


def _rename_url(url: str, new_repo_url: str) -> str:
    """The link with its owner/repo replaced by the renamed repository's."""
    parts = urlsplit(url)
    segs = parts.path.split("/")
    new = urlsplit(new_repo_url).path.strip("/").split("/")
    if len(segs) >= 3 and len(new) == 2:
        suffix = ".git" if segs[2].endswith(".git") else ""
        segs[1], segs[2] = new[0], new[1] + suffix
        return urlunsplit(parts._replace(scheme="https", netloc="github.com", path="/".join(segs)))
    return new_repo_url


def _github_web(url: str, cfg: LinkConfig) -> str:
    """Where to fetch a github.com page: itself, or the same path on a configured mirror."""
    if cfg.github_web.rstrip("/") == "https://github.com":
        return url
    parts = urlsplit(url)
    return cfg.github_web.rstrip("/") + urlunsplit(parts._replace(scheme="", netloc=""))


def _read_links(root: Path, papers: Sequence[PaperFile],
                documents: Sequence[Path]) -> tuple[list[Link], dict[str, str], list[Finding]]:
    links: list[Link] = []
    texts: dict[str, str] = {}
    findings: list[Finding] = []
    for path in documents:
        rel = relpath(path, root)
        try:
            raw = path.read_bytes()[:MAX_MARKDOWN_BYTES]
        except OSError as e:
            findings.append(Finding(rel, "error", "link", f"cannot read file: {e.strerror}"))
            continue
        text = raw.decode("utf-8", "replace")
        texts[rel] = text
        links.extend(links_in_markdown(text, rel))
    for pf in papers:
        if pf.data is None:
            first = pf.findings[0] if pf.findings else None
            findings.append(Finding(
                pf.rel, "warning", "link",
                **say("linkcheck.not-loaded", why=f": {first.message}" if first else ""),
                line=first.line if first else None, column=first.column if first else None))
            continue
        if pf.text is not None:
            texts[pf.rel] = pf.text
        links.extend(links_in_paper(pf))
    return links, texts, findings


async def _run(targets: list[_Target], cfg: LinkConfig, cache: LinkCache, *, timeout: float,
               allow_private: bool, github_token: str | None, arxiv_cache: Path | None,
               progress: Callable[[int, int], None] | None) -> tuple[dict[str, Verdict], dict[str, Any]]:
    verdicts: dict[str, Verdict] = {}
    todo: list[_Target] = []
    for t in targets:
        refusal = url_refusal(t.value, allow_private=allow_private) if t.kind in ("url", "doi") else None
        if refusal:  # decided before the cache: a verdict cached by a --allow-private run must not leak
            verdicts[t.key] = Verdict("broken", f"not checked: {refusal}", via=t.kind)
            continue
        hit = cache.get(t.key)
        if hit is not None:
            verdicts[t.key] = hit
        else:
            todo.append(t)
    total = len(todo)
    done = 0
    refused = len(targets) - total - sum(1 for v in verdicts.values() if v.cached)

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress:
            progress(min(done, total), total)

    if progress:
        progress(0, total)
    stats: dict[str, Any] = {"cached": sum(1 for v in verdicts.values() if v.cached), "refused": refused}
    by_kind: dict[str, list[_Target]] = {}
    for t in todo:
        by_kind.setdefault(t.kind, []).append(t)
    for t in by_kind.pop("invalid", []):
        verdicts[t.key] = Verdict("broken", "not a valid arXiv id", via="arxiv")
        tick()

    # One watch for every checker: the same "is it the link or our network?" rule for every host.
    watch = NetworkWatch(probes=(cfg.github_api, cfg.arxiv_api), probe_timeout=min(timeout, 5.0))
    gh = GitHubChecker(cfg, token=github_token, timeout=timeout, watch=watch)
    async with HttpChecker(cfg, timeout=timeout, allow_private=allow_private, watch=watch) as http:

        async def check_url(t: _Target, *, count: bool = True) -> Verdict:
            v = await http.check(t.value, doi=t.kind == "doi")
            if count:
                tick()
            return v

        async def urls() -> None:
            plain = by_kind.get("url", []) + by_kind.get("doi", [])
            results = await asyncio.gather(*(check_url(t) for t in plain))
            verdicts.update({t.key: v for t, v in zip(plain, results, strict=True)})

        async def arxiv() -> None:
            ts = by_kind.get("arxiv", [])
            res = await check_ids([t.value for t in ts], cfg, timeout=timeout, on_done=tick, watch=watch,
                                  cache_dir=arxiv_cache)
            verdicts.update({t.key: res[t.value] for t in ts})

        async def github() -> None:
            ts = by_kind.get("github", [])
            res = await gh.check_many([t.value for t in ts])
            verdicts.update({t.key: v for t in ts if (v := res.get(t.value)) is not None})
            pages: dict[str, _Target] = {}
            for t in (x for x in targets if x.kind == "github"):
                v = verdicts.get(t.key)  # fresh, or from the cache
                for link in t.links:
                    # API unavailable: plain HTTP on each written form. Repository alive: a link
                    # into it (a folder, a file) may still be dead, so that page is fetched too.
                    deep = urlsplit(link.url).path.strip("/").count("/") >= 2
                    if v is None or (v.state in ("ok", "archived") and deep):
                        key = f"url:{strip_fragment(link.url)}"
                        pages.setdefault(key, _Target(key, "url", _github_web(link.url, cfg)))
            sub: list[_Target] = []
            for t in pages.values():
                hit = cache.get(t.key)
                if hit is not None:
                    verdicts[t.key] = hit
                else:
                    sub.append(t)
            results = await asyncio.gather(*(check_url(t, count=False) for t in sub))
            verdicts.update({t.key: v for t, v in zip(sub, results, strict=True)})
            todo.extend(sub)  # so their verdicts are cached too
            tick(len(ts))

        await asyncio.gather(urls(), arxiv(), github())
        stats["requests"] = http.requests
    stats["github_api_calls"] = gh.calls
    if gh.degraded:
        stats["github_degraded"] = gh.degraded
    if watch.down:
        # Connection failures seen before the verdict was reached were the network's too.
        for key, v in verdicts.items():
            if v.connection:
                verdicts[key] = unavailable(watch, v.via)
        stats["network"] = "unavailable"
        stats["network_reason"] = watch.down
        stats["hosts_failed"] = len(watch.failed_hosts)
    for t in todo:
        fresh = verdicts.get(t.key)
        if fresh is not None and fresh.connection != "network":  # an outage never touches what is known good
            cache.put(t.key, fresh)
    return verdicts, stats


def _finding(link: Link, v: Verdict, texts: dict[str, str], new_url: str | None) -> Finding | None:
    severity = SEVERITY.get(v.state)
    if severity is None:
        return None
    subject = text("linkcheck.arxiv-subject", id=link.url) if link.kind == "arxiv" else link.url
    said = say(_STATES[v.state], subject=subject, detail=f": {v.message}" if v.message else "", url=link.url)
    extra: dict[str, Any] = {"url": link.url, "via": v.via}
    if v.status is not None:
        extra["status"] = v.status
    if v.final_url:
        extra["final_url"] = v.final_url
    if link.field:
        extra["field"] = link.field
    suggestion = None
    hinted: dict[str, Any] = {}
    if new_url and new_url != link.url:
        extra["new_url"] = new_url
        hinted = dict(hint("linkcheck.use", url=new_url))
        lines = texts.get(link.file, "").splitlines()
        if 0 < link.line <= len(lines) and link.url in lines[link.line - 1]:
            suggestion = lines[link.line - 1].replace(link.url, new_url, 1)
    elif v.state == "inconclusive":
        hinted = dict(hint("linkcheck.inconclusive.hint"))
    return Finding(link.file, severity, "link", **said, line=link.line, column=link.column,
                   **hinted, suggestion=suggestion, extra=extra)


def check_links(root: Path, files: Sequence[Path] = (), *, papers: Sequence[PaperFile] = (),
                timeout: float = 10.0, allow_private: bool = False,
                shard: tuple[int, int] | None = None, progress: Callable[[int, int], None] | None = None,
                use_cache: bool = True, github_token: str | None = None) -> Report:
    """Check the links written in ``files`` (paper YAML or Markdown) and report them as findings.

    ``papers`` are paper files already loaded (``paperlist check`` loads a PR's files once).

    ``shard=(k, n)`` checks only the links whose stable hash falls in shard k of n (1-based).
    ``progress(done, total)`` is called as targets complete. Raises ConfigError for a bad
    ``linkcheck.yaml``; everything about the links themselves is a finding.

    >>> check_links(Path("."), [Path("README.md")], timeout=5)  # doctest: +SKIP
    """
    cfg = load_config(root)
    paths = [resolve(root, f) for f in files]
    documents = [p for p in paths if p.suffix.lower() in MARKDOWN_SUFFIXES]
    loaded = load_papers(root, [p for p in paths if p.suffix.lower() not in MARKDOWN_SUFFIXES]).files
    links, texts, findings = _read_links(root, [*loaded, *papers], documents)
    targets: dict[str, _Target] = {}
    excluded = 0
    for link in links:
        if cfg.excluded(link.url):
            excluded += 1
            continue
        t = _classify(link, cfg)
        targets.setdefault(t.key, t).links.append(link)
    chosen = list(targets.values())
    if shard is not None:
        k, n = shard
        chosen = [t for t in chosen if shard_of(t.key, n) == k - 1]
    cache = LinkCache(default_cache_path(root) if use_cache else None, cfg.cache_ttl_hours * 3600)
    verdicts, stats = asyncio.run(_run(chosen, cfg, cache, timeout=timeout, allow_private=allow_private,
                                       github_token=github_token, progress=progress,
                                       arxiv_cache=arxiv_cache_folder(root) if use_cache else None))
    cache.save()
    degraded_noted = False
    not_checked = 0
    for t in chosen:
        for link in t.links:
            v = verdicts.get(t.key)
            new_url = v.new_url if v else None
            if t.kind == "github":
                page = verdicts.get(f"url:{strip_fragment(link.url)}")
                if v is None or (v.state in ("ok", "archived") and page is not None and page.state != "ok"):
                    # Checked over plain HTTP (API unavailable), or a dead page inside a live repository.
                    v, new_url = page, page.new_url if page else None
                elif v.state == "moved" and v.new_url:
                    new_url = _rename_url(link.url, v.new_url)
                if verdicts.get(t.key) is None and stats.get("github_degraded") and not degraded_noted:
                    degraded_noted = True
                    findings.append(Finding(
                        link.file, "warning", "link", **say("linkcheck.github-degraded", why=stats["github_degraded"]),
                        line=link.line, column=link.column, extra={"url": link.url}))
            if v is None:
                continue
            if v.connection == "network":
                not_checked += 1
                continue
            f = _finding(link, v, texts, new_url)
            if f is not None:
                findings.append(f)
    if stats.get("network") == "unavailable":
        stats["not_checked"] = not_checked
        # One finding for the run, not one per link: none of those links was judged.
        findings.insert(0, Finding(
            NETWORK_FILE, "warning", "link",
            **say("linkcheck.network-down", why=stats["network_reason"], hosts=stats["hosts_failed"], n=not_checked),
            **hint("linkcheck.network-down.hint"), extra={"network": "unavailable"}))
    meta: dict[str, Any] = {"links": {
        "found": len(links), "excluded": excluded, "targets": len(targets), "checked": len(chosen),
        **({"shard": f"{shard[0]}/{shard[1]}"} if shard else {}), **stats,
    }}
    with contextlib.suppress(PaperlistError):  # the sweep's issue speaks the list's languages
        meta["languages"] = list(load_settings(root).languages)
    return Report(findings, files=len(paths) + len(papers), meta=meta)


@dataclass(frozen=True)
class LinksSettings:
    """What ``paperlist links`` was asked to do."""

    root: Path
    files: tuple[Path, ...] = ()
    all_papers: bool = False  # also every paper file under papers/
    timeout: float = 10.0
    allow_private: bool = False
    shard: tuple[int, int] | None = None  # (k, n), 1-based, as parse_shard returns it
    use_cache: bool = True
    github_token: str | None = None


@dataclass(frozen=True)
class LinksResult:
    report: Report
    network_down: str | None = None  # why the network could not be reached: the run is inconclusive

    @property
    def exit_code(self) -> int:
        return EXIT_NETWORK if self.network_down else self.report.exit_code


def run_links(settings: LinksSettings, progress: Callable[[int, int], None] | None = None) -> LinksResult:
    """``paperlist links`` without the command line; UsageError when there is nothing to check.

    ``progress`` is how a terminal shows the run; it is not part of what was asked."""
    root = settings.root
    absent = missing(root, settings.files)
    if absent:
        raise UsageError(f"no such file: {', '.join(absent)}")
    paths = [resolve(root, f) for f in settings.files]
    if settings.all_papers:
        found, _ = paper_paths(root)
        named = set(paths)  # a set: a list lookup per paper was quadratic (17 s of 25 at 1,000 papers)
        paths.extend(p for p in found if p not in named)
    if not paths:
        raise UsageError("name the files to check, or pass --all for every paper file")
    report = check_links(root, paths, timeout=settings.timeout, allow_private=settings.allow_private,
                         shard=settings.shard, progress=progress, use_cache=settings.use_cache,
                         github_token=settings.github_token)
    return LinksResult(report, network_unavailable(report))
