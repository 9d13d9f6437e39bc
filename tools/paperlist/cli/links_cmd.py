from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from paperlist.checks.links import LinksSettings, parse_shard, run_links
from paperlist.cli.common import EXIT_NETWORK, Ctx, emit, files_argument, format_option, handle_errors, pass_ctx
from paperlist.errors import UsageError
from paperlist.infra.messages import bilingual


def _progress_bar() -> Callable[[int, int], None] | None:
    """A one-line bar on stderr, only for a person at a terminal (never in CI logs or pipes)."""
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        width = 30
        filled = width * done // total if total else width
        sys.stderr.write(f"\r  links [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\r" + " " * (width + 30) + "\r")
        sys.stderr.flush()

    return show


@click.command("links")
@files_argument
@click.option("--all", "all_papers", is_flag=True, help="Check every paper file under papers/.")
@format_option
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds to wait for one answer.")
@click.option("--allow-private", is_flag=True,
              help="Also check loopback, private and link-local addresses (local use and tests; never in CI).")
@click.option("--shard", metavar="K/N", default=None,
              help="Check only shard K of N (1-based; stable by URL hash), for a matrix of sweep jobs.")
@click.option("--no-cache", is_flag=True, help="Ignore and do not update the cache of working links.")
@pass_ctx
@handle_errors
def links_command(ctx: Ctx, *, files: tuple[Path, ...], all_papers: bool, fmt: str, timeout: float,
                  allow_private: bool, shard: str | None, no_cache: bool) -> None:
    """Check the links in paper files or Markdown documents.

    Every URL is reported at the line and column it is written on. Broken links (404, 410,
    DNS failure, refused connection, redirect loop, no answer) are errors; links that could
    not be confirmed after honest retries (bot-protection 403, 429, TLS trouble) are
    warnings; permanent redirects and renamed GitHub repositories are notices with the new
    address. arXiv ids go through the arXiv API in batches, GitHub repositories through the
    GitHub API (GITHUB_TOKEN when set). Loopback, private and link-local addresses are
    refused unless --allow-private. Settings and excluded URLs: linkcheck.yaml.

    When connections fail on several hosts at once (DNS, refused, unreachable, connect
    timeout) and the GitHub and arXiv APIs cannot be reached either, the network is down,
    not the links: the run stops at once, reports "network unavailable", calls no link
    broken, and exits 3.

    \b
    Exit codes:
      0  no broken links          1  broken links (errors)
      2  bad usage or config      3  network unavailable: inconclusive, run again later

    \b
    Examples:
      paperlist links papers/cvpr2021/my-paper.yaml
      paperlist links README.md --format json
      paperlist links --all --shard 2/4 --format github
    """
    parsed = None
    if shard is not None:
        try:
            parsed = parse_shard(shard)
        except ValueError as e:
            raise UsageError(f"--shard {shard}: {e}") from e
    settings = LinksSettings(root=ctx.root, files=files, all_papers=all_papers, timeout=timeout,
                             allow_private=allow_private, shard=parsed, use_cache=not no_cache,
                             github_token=os.environ.get("GITHUB_TOKEN") or None)
    result = run_links(settings, progress=_progress_bar())
    if result.network_down:
        said = bilingual("cli.links.network-down", why=result.network_down, code=EXIT_NETWORK)
        click.echo(f"paperlist links: {said}", err=True)
    emit(result.report, fmt, code=result.exit_code)


COMMANDS = [links_command]
