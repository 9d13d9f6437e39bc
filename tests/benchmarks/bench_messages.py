#!/usr/bin/env python3
"""What the message catalogue costs: a finding's two languages from the catalogue beside the inline
f-strings it replaced, the first look-up in a fresh process, and the catalogue's size.

    .venv/bin/python tests/benchmarks/bench_messages.py [--calls 100000] [--repeat 5]

Prints per-call times (best of --repeat) and the ratio catalogue / inline; the first look-up in a
fresh process (cold: the catalogue files are read); sizes raw and gzip.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import time
from pathlib import Path

from paperlist.infra.messages import say
from paperlist.output.site.strings import strings_js

PKG = Path(__file__).resolve().parents[2] / "tools" / "paperlist"
MAX_BYTES = 65_536


def inline(n: int) -> dict[str, str]:
    # What loader.py wrote before the catalogue.
    return {"message": f"file is {n:,} bytes; a paper file may be at most {MAX_BYTES:,} bytes",
            "message_zh": f"文件过大（{n:,} 字节），上限 {MAX_BYTES:,} 字节"}


def catalogue(n: int) -> object:
    return say("loader.too-large", size=n, limit=MAX_BYTES)


def per_call(fn: object, calls: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for i in range(calls):
            fn(70_000 + i)  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best / calls


_FIRST = """
import time
from paperlist.infra.messages import say
start = time.perf_counter()
say("loader.too-large", size=1, limit=2)
print(time.perf_counter() - start)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    assert catalogue(1) == inline(1), "the catalogue must say what the inline text said"
    ours = per_call(catalogue, a.calls, a.repeat)
    before = per_call(inline, a.calls, a.repeat)
    print(f"one finding, both languages ({a.calls:,} calls, best of {a.repeat}):")
    print(f"  inline f-strings   {before * 1e6:7.2f} µs")
    print(f"  catalogue say()    {ours * 1e6:7.2f} µs   ratio {ours / before:.1f}x")
    # Timed inside a fresh process, so the noise of starting Python stays out of the figure.
    first = min(float(subprocess.run([sys.executable, "-c", _FIRST], check=True, capture_output=True,
                                     text=True).stdout) for _ in range(a.repeat))
    print(f"first say() in a fresh process (cold: reads and parses en.yaml and zh.yaml): {first * 1e3:.1f} ms")
    print("sizes (raw / gzip):")
    for path in sorted((PKG / "data" / "messages").glob("*.yaml")):
        raw = path.read_bytes()
        print(f"  {path.name:18} {len(raw):7,} / {len(gzip.compress(raw, 9)):6,} bytes")
    js = strings_js()
    print(f"  {'site strings.js':18} {len(js):7,} / {len(gzip.compress(js, 9)):6,} bytes")


if __name__ == "__main__":
    main()
