"""A fast writer for new paper files, byte-compatible with ``writer.dump(writer.build(paper))``.

ruamel.yaml's round-trip dumper takes several milliseconds a file, which made importing a whole
conference (2,000 new files) slow. New files have one fixed shape, so they are emitted here
directly; the planner reads every result back (it parses each new file to validate it) and compares
it with the data, and anything unusual (a string needing escapes, a value YAML would read as another
type) falls back to ruamel.
Merges into existing files still go through ruamel (they must keep hand-made formatting).
"""

from __future__ import annotations

import re
from typing import Any

from paperlist.project import writer

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^\n\r\t]*$")
_UNSAFE_INSIDE = re.compile(r": |:$| #|\s$|[\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029]")
_DQ_UNSAFE = re.compile(r"[\"\\\x00-\x1f\x7f-\x9f\ufeff\u2028\u2029]")


class _Fallback(Exception):
    pass


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Fallback
    if isinstance(value, int):
        return str(value)
    if _PLAIN.match(value) and not _UNSAFE_INSIDE.search(value):
        return value
    if "'" not in value and not _DQ_UNSAFE.search(value) and value.strip() == value:
        return f"'{value}'"
    if not _DQ_UNSAFE.search(value) and value.strip() == value:
        return f'"{value}"'
    raise _Fallback


def _emit(paper: dict[str, Any]) -> str:
    out: list[str] = []
    for key in writer.FIELD_ORDER:
        value = paper.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "arxiv":
            out.append(f'arxiv: "{value}"')
        elif key == "links":
            body: list[str] = []
            for lk in writer.LINK_ORDER:
                lv = value.get(lk)
                if not lv:
                    continue
                if lk in ("readings", "other"):
                    body.append(f"  {lk}:")
                    for item in lv:
                        body.append(f"    - title: {_scalar(item['title'])}")
                        body.append(f"      url: {_scalar(item['url'])}")
                elif lk == "code":
                    body.append("  code:")
                    body.extend(f"    - {_scalar(u)}" for u in lv)
                else:
                    body.append(f"  {lk}: {_scalar(lv)}")
            if body:
                out.append("links:")
                out.extend(body)
        elif isinstance(value, list):
            out.append(f"{key}:")
            out.extend(f"  - {_scalar(v)}" for v in value)
        else:
            out.append(f"{key}: {_scalar(value)}")
    return "\n".join(out) + "\n"


def plain_data(paper: dict[str, Any]) -> dict[str, Any]:
    """What the file of ``paper`` reads back as (empty fields dropped)."""
    out: dict[str, Any] = {}
    for key in writer.FIELD_ORDER:
        value = paper.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "links":
            links = {k: v for k, v in value.items() if v}
            if links:
                out[key] = links
        else:
            out[key] = value
    return out


def fast_text(paper: dict[str, Any]) -> str | None:
    """The house-style text, or None when a value needs ruamel's care. The caller reads it back (it
    parses every new file anyway, to validate it) and compares with ``plain_data``."""
    try:
        return _emit(paper)
    except _Fallback:
        return None

