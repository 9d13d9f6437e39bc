"""``paperlist site``: write the static site (page, scripts, styles, data) into one folder.

The folder is built beside the target and swapped in at the end, so a failed build leaves the
old site whole. A folder that is not a paperlist site is never replaced: the marker file
``.paperlist-site`` tells our own output from a folder someone pointed ``--out`` at by mistake.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from paperlist.errors import UsageError
from paperlist.findings import Finding, Report
from paperlist.infra.gitdiff import added_times
from paperlist.infra.messages import say
from paperlist.output.entries import ListEntry, entry_from
from paperlist.output.site import data
from paperlist.output.site.strings import strings_js
from paperlist.project.keys import PAPERS_DIR
from paperlist.project.loader import PaperFile
from paperlist.project.papers import map_papers, paper_paths
from paperlist.project.repodata import RepoData
from paperlist.project.settings import ListSettings, load_settings
from paperlist.project.vocab import Vocabulary

MARKER = ".paperlist-site"
STATIC = ("index.html", "site.css", "app.js", "search.js", "tokens.js", "i18n.js", "view.js", "cite.js")


@dataclass(frozen=True)
class SiteSettings:
    root: Path
    out: Path


def _other_links(data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    links = data.get("links")
    others = links.get("other") if isinstance(links, dict) else None
    if not isinstance(others, list):
        return ()
    out = []
    for o in others:
        if isinstance(o, dict) and isinstance(o.get("url"), str) and _is_http(o["url"]):
            out.append((str(o.get("title") or "").strip(), o["url"].strip()))
    return tuple(out)


def _is_http(url: str) -> bool:
    # Only http(s) links are ever written out (the page checks again before making a link).
    return url.strip().lower().startswith(("https://", "http://")) and not any(c.isspace() for c in url.strip())


def _site_paper(pf: PaperFile) -> tuple[str, data.SitePaper | None, str | None]:
    # Runs in the load step's workers: only this small result travels back.
    if not isinstance(pf.data, dict):
        return pf.rel, None, pf.findings[0].message if pf.findings else None
    entry = entry_from(pf.rel, pf.data)
    if entry is None:
        return pf.rel, None, None
    doi = pf.data.get("doi")
    doi = doi.strip() if isinstance(doi, str) and doi.strip() else None
    return pf.rel, data.SitePaper(entry, _other_links(pf.data), doi=doi), None


def load_site_papers(root: Path) -> tuple[list[data.SitePaper], list[Finding], int]:
    """Every paper the site can show (the README's fields plus its other links), from the one load
    step; files that cannot be shown are warning findings, never dropped silently."""
    paths, findings = paper_paths(root)
    papers: list[data.SitePaper] = []
    skipped = list(findings)
    for rel, paper, problem in map_papers(root, _site_paper, paths):
        if paper is None:
            skipped.append(Finding(file=rel, severity="warning", check="site",
                                   **say("site.skipped", problem=f" ({problem})" if problem else "")))
        else:
            papers.append(paper)
    return papers, skipped, len(paths)


def static_files() -> dict[str, bytes]:
    """The page, its scripts and styles, as shipped in the package."""
    base = resources.files("paperlist.output.site") / "static"
    return {name: (base / name).read_bytes() for name in STATIC}


def _check_out(out: Path, root: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(f"--out {out}: the folder is not empty and was not written by `paperlist site` "
                         f"(no {MARKER} in it); choose an empty or new folder")
    resolved, root_r = out.resolve(), root.resolve()
    if resolved == root_r or root_r.is_relative_to(resolved) or resolved.is_relative_to(root_r / PAPERS_DIR):
        raise UsageError(f"--out {out}: must not be the project folder, hold it, or lie inside papers/")


def reader_files(root: Path, entries: list[ListEntry], vocab: Vocabulary, settings: ListSettings
                 ) -> tuple[dict[str, bytes], list[Finding]]:
    """The feeds (dated by git history) and the trends page, beside the search page's data."""
    from paperlist.output import feed, trends

    notes: list[Finding] = []
    try:
        added = added_times(root, PAPERS_DIR)
    except UsageError as e:  # a shallow clone: the site is still built, its feeds are empty
        added = None
        notes.append(Finding(file=PAPERS_DIR, severity="warning", check="site", message=f"feeds are empty: {e}",
                             message_zh="订阅源为空：浅克隆无法得知论文的收录时间（请使用 fetch-depth: 0）"))
    if added is None and not notes:
        notes.append(Finding(file=PAPERS_DIR, severity="warning", check="site",
                             message="feeds are empty: not a git checkout, so when papers were added is unknown",
                             message_zh="订阅源为空：不是 git 仓库，无法得知论文的收录时间"))
    files = feed.feeds(entries, added, vocab, settings)
    files.update(trends.site_files(entries, vocab, settings))
    return files, notes


def run_site(settings: SiteSettings) -> Report:
    """Build the site into ``settings.out``. Papers that cannot be shown are warning findings."""
    root, out = settings.root, settings.out
    _check_out(out, root)
    vocab = Vocabulary.load(root)
    papers, skipped, files = load_site_papers(root)
    list_settings = load_settings(root)
    repos = RepoData.load(root, list_settings.repo_data)
    skipped += repos.findings
    site = data.build(papers, vocab, list_settings, repos)
    extra, notes = reader_files(root, [p.entry for p in papers], vocab, list_settings)
    skipped += notes
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    written = 0
    try:
        payload = {**static_files(), "strings.js": strings_js(), **site.files, **extra, ".nojekyll": b"",
                   MARKER: f"paperlist site {site.version}\n".encode()}
        for rel, content in payload.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            written += len(content)
        tmp.chmod(0o755)
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{tmp.name}")
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Report(list(skipped), files=files,
                  meta={"papers": site.papers, "out": str(out), "files_written": len(payload), "bytes": written,
                        "version": site.version})
