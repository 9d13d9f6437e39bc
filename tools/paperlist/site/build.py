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

from ..errors import UsageError
from ..findings import Finding, Report
from ..render import Entry, _load_entries
from ..vocab import Vocabulary
from . import data

MARKER = ".paperlist-site"
STATIC = ("index.html", "site.css", "app.js", "search.js", "tokens.js", "i18n.js", "view.js")


@dataclass(frozen=True)
class SiteSettings:
    root: Path
    out: Path


def load_entries(root: Path) -> tuple[list[Entry], list[Finding], int]:
    """The papers as the README sees them (render's cached, parallel loader: one path rule)."""
    return _load_entries(root)


def static_files() -> dict[str, bytes]:
    """The page, its scripts and styles, as shipped in the package."""
    base = resources.files("paperlist.site") / "static"
    return {name: (base / name).read_bytes() for name in STATIC}


def _check_out(out: Path, root: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(f"--out {out}: the folder is not empty and was not written by `paperlist site` "
                         f"(no {MARKER} in it); choose an empty or new folder")
    resolved, root_r = out.resolve(), root.resolve()
    if resolved == root_r or root_r.is_relative_to(resolved) or resolved.is_relative_to(root_r / "papers"):
        raise UsageError(f"--out {out}: must not be the project folder, hold it, or lie inside papers/")


def build_site(settings: SiteSettings) -> Report:
    """Build the site into ``settings.out``. Papers that cannot be shown are warning findings."""
    root, out = settings.root, settings.out
    _check_out(out, root)
    vocab = Vocabulary.load(root)
    entries, skipped, files = load_entries(root)
    site = data.build(entries, vocab)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    written = 0
    try:
        payload = {**static_files(), **site.files, ".nojekyll": b"",
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
