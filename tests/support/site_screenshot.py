#!/usr/bin/env python3
"""Take docs/site-screenshot.png: the site built from the real papers/, in Debian's Chromium.

    .venv/bin/python tests/support/site_screenshot.py [--query '?q=目标检测&code=1'] [--out docs/site-screenshot.png]

Needs /usr/bin/chromium (apt-get install chromium) and, for Chinese text, a CJK font
(apt-get install fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.sitebrowser import browser_missing_reason, guard, launch, serve

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--query", default="?q=目标检测&code=1")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "site-screenshot.png")
    a = ap.parse_args()
    reason = browser_missing_reason()
    if reason:
        sys.exit(reason)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        paperlist = str(Path(sys.executable).parent / "paperlist")
        subprocess.run([paperlist, "--root", str(ROOT), "site", "--out", str(site)], check=True)
        with serve(site) as url, sync_playwright() as pw:
            browser = launch(pw)
            context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US",
                                          color_scheme="light", device_scale_factor=1)
            seen = guard(context)
            page = context.new_page()
            page.goto(url + a.query)
            page.wait_for_selector("#results[aria-busy=false] #list > li")
            page.screenshot(path=str(a.out))
            browser.close()
            outside = [u for u in seen if not u.startswith(url)]
            if outside:
                sys.exit(f"requests left the site: {outside}")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
