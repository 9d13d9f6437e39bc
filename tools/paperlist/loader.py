"""Loading paper files safely, fast, and with positions.

The happy path uses libyaml's C parser (through PyYAML) to *compose* a node tree, which
keeps the line and column of every key and value, and then constructs plain Python data
from it. Nothing is ever executed: only the YAML 1.2 core types are resolved, and any
explicit tag (``!!python/object``…) is refused before construction.

Hostile input is data, not an exception: every problem becomes a ``Finding`` on the
returned ``PaperFile`` and loading goes on with the next file. Guarded: size, bytes that
are not UTF-8, nesting (libyaml's composer recurses in C and would crash the process on
absurd nesting, so depth is bounded *before* composing), aliases (billion laughs),
duplicate keys, control and bidirectional-override characters.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .findings import Finding
from .textrules import BAD_CHARS, find_bad_char, scrub

PAPERS_DIR = "papers"
MAX_BYTES = 64 * 1024
MAX_DEPTH = 16
MAX_NODES = 5000
# Composing recurses once per nesting level; below this bound that is harmless.
_SAFE_COMPOSE_BOUND = 200

_STR = "tag:yaml.org,2002:str"
_ALLOWED_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


_BAD_SEARCH = BAD_CHARS.search


class _Loader(yaml.CSafeLoader):
    """CSafeLoader with YAML 1.2 core-schema resolution (``yes``/``on`` stay strings)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # A lean version of BaseResolver.resolve (no path resolvers): libyaml calls it for
        # every node, and the generic one was a sixth of the loading time.
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1] if value else "", ()):
                    if regexp.match(value):
                        return str(tag)
            return _STR
        return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"


_Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
):
    _Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


@dataclass
class PaperFile:
    """One paper file as loaded: its data (None when it could not be parsed) and findings.

    ``position(path)`` answers "where is this field?" for any check that wants to point at
    a line: ``("title",)``, ``("links", "code", 0)``.
    """

    path: Path
    rel: str
    text: str | None = None
    data: Any = None
    node: yaml.Node | None = None
    findings: list[Finding] = field(default_factory=list)
    # The git blob id of the bytes parsed (None when nothing was read): what the index keys on.
    blob: str | None = None

    @property
    def parsed(self) -> bool:
        """True when the file is a YAML mapping (it may still fail the schema)."""
        return isinstance(self.data, dict)

    def _find(self, path: Sequence[str | int]) -> tuple[yaml.Node | None, yaml.Node | None]:
        node = self.node
        key_node: yaml.Node | None = None
        for part in path:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == part:
                        key_node, node = k, v
                        break
                else:
                    return key_node, None
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                key_node = node
            else:
                return key_node, None
        return key_node, node

    def position(self, path: Sequence[str | int]) -> tuple[int, int]:
        """1-based (line, column) of the field at ``path``: its key, or the list item.

        Falls back to the deepest existing ancestor, and to (1, 1) for the file itself.
        """
        best = (1, 1)
        for depth in range(len(path), 0, -1):
            key_node, value_node = self._find(path[:depth])
            target = key_node if (key_node is not None and value_node is not None) else None
            if target is None and value_node is not None:
                target = value_node
            if target is not None:
                m = target.start_mark
                return (m.line + 1, m.column + 1)
        return best

    def value_position(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """1-based (line, column) where the value at ``path`` starts, or None."""
        _, value_node = self._find(path)
        if value_node is None:
            return None
        m = value_node.start_mark
        return (m.line + 1, m.column + 1)

    def source_line(self, line: int) -> str | None:
        """The text of 1-based ``line`` (for suggestions that rewrite one line)."""
        if self.text is None:
            return None
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else None

    def error(self, message: str, *, line: int | None = None, column: int | None = None,
              check: str = "yaml", **kw: Any) -> Finding:
        f = Finding(file=self.rel, severity="error", check=check, message=message, line=line, column=column, **kw)
        self.findings.append(f)
        return f


def blob_id(data: bytes) -> str:
    """The id git gives a file with these bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def relpath(path: Path, root: Path) -> str:
    """POSIX path of ``path`` relative to ``root``, without resolving symlinks (or as given when outside)."""
    p, r = os.fspath(path), os.fspath(root)
    if p.startswith(r + os.sep) and ".." not in p:  # the common case, without touching the file system
        return p[len(r) + 1:].replace(os.sep, "/")
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return Path(path).as_posix() if rel.startswith("..") else Path(rel).as_posix()


def _line_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    col = offset - (before.rfind(b"\n") + 1) + 1
    return line, col


def _depth_bound(text: str) -> int:
    # Each nesting level needs a new line, a flow bracket, or a compact "- " / "? ".
    return text.count("\n") + text.count("[") + text.count("{") + text.count("- ") + text.count("? ")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _flow_depth_exceeds(text: str, limit: int) -> int | None:
    """Offset of the first flow bracket nested deeper than ``limit``, skipping quotes and comments.

    Independent of libyaml, so the nesting finding does not change with its version."""
    depth = 0
    quote = ""
    prev = "\n"
    escaped = False
    for i, ch in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote or (ch == "\n" and quote == "#"):
                quote = ""
        elif ch in "\"'" and prev in " \t\n[{,:":
            quote = ch
        elif ch == "#" and prev in " \t\n":
            quote = "#"
            continue
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return i
        elif ch in "]}":
            depth = max(0, depth - 1)
        prev = ch
    return None


def _event_depth_exceeds(text: str, limit: int) -> tuple[bool, tuple[int, int]]:
    """Walk parser events (iteratively, no recursion) and report whether nesting exceeds limit."""
    parser = _Loader(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return False, (1, 1)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit:
                    m = event.start_mark
                    return True, (m.line + 1, m.column + 1) if m else (1, 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.StreamEndEvent):
                return False, (1, 1)
    finally:
        parser.dispose()


def parse_text(pf: PaperFile, raw: bytes) -> PaperFile:
    """Fill ``pf`` from the file's bytes; every problem becomes a finding on ``pf``."""
    if len(raw) > MAX_BYTES:
        pf.error(f"file is {len(raw):,} bytes; a paper file may be at most {MAX_BYTES:,} bytes",
                 message_zh=f"文件过大（{len(raw):,} 字节），上限 {MAX_BYTES:,} 字节")
        return pf
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, col = _line_of_offset(raw, e.start)
        pf.error(f"bytes that are not UTF-8 (0x{raw[e.start]:02x}); save the file as UTF-8",
                 line=line, column=col, message_zh="文件不是 UTF-8 编码，请以 UTF-8 保存")
        return pf
    pf.text = text
    if not text.strip() or all(ln.lstrip().startswith("#") or not ln.strip() for ln in text.splitlines()):
        pf.error("file is empty; a paper file is a mapping such as 'title: …'", line=1, column=1,
                 message_zh="文件为空")
        return pf
    bad = find_bad_char(text, raw=True)  # raw bytes, comments included; values again after parsing
    if bad:
        line, col = _line_col(text, bad.offset)
        pf.error(bad.message(), line=line, column=col, check="text", message_zh=bad.message_zh())
        return pf
    if _depth_bound(text) > _SAFE_COMPOSE_BOUND:
        try:
            too_deep, (line, col) = _event_depth_exceeds(text, MAX_DEPTH)
        except yaml.MarkedYAMLError as e:
            # Newer libyaml (PyYAML >= 6.0.4) stops absurd flow nesting in its scanner, before any
            # event reaches us; whether that is *our* nesting finding must not depend on its wording.
            deep_at = _flow_depth_exceeds(text, MAX_DEPTH)
            if deep_at is None:
                _yaml_error(pf, e)
                return pf
            too_deep, (line, col) = True, _line_col(text, deep_at)
        if too_deep:
            pf.error(f"nesting deeper than {MAX_DEPTH} levels", line=line, column=col,
                     message_zh=f"嵌套层数超过 {MAX_DEPTH}")
            return pf
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            pf.error("file is empty; a paper file is a mapping such as 'title: …'", line=1, column=1)
            return pf
        try:
            pf.data = _build(pf, node)
        except _Reject:
            return pf
        pf.node = node
    except yaml.MarkedYAMLError as e:
        _yaml_error(pf, e)
        return pf
    except yaml.YAMLError as e:  # pragma: no cover - libyaml always gives marks
        pf.error(f"invalid YAML: {e}")
        return pf
    finally:
        loader.dispose()
    if not isinstance(pf.data, dict):
        kind = type(pf.data).__name__ if pf.data is not None else "null"
        kind = {"list": "a list", "str": "a string", "int": "a number", "float": "a number"}.get(kind, kind)
        pf.error(f"a paper file must be a mapping of fields ('title: …'), not {kind}", line=1, column=1,
                 check="schema", message_zh="论文文件必须是字段映射（如 title: …），而不是列表或单个值")
        pf.data = None
    return pf


def _yaml_error(pf: PaperFile, e: yaml.MarkedYAMLError) -> None:
    mark = e.problem_mark or e.context_mark
    if e.context_mark and "end of stream" in (e.problem or ""):
        mark = e.context_mark  # "unexpected end of stream": the unclosed thing started here
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    problem = (e.problem or "").strip()
    message = f"invalid YAML: {problem}" if problem else "invalid YAML"
    if e.context:
        message += f" ({e.context.strip()})"
    from .yamlhints import hint_for, problem_zh

    found = hint_for(pf.text, line, problem, (e.context or "").strip()) if pf.text else None
    if found is None:
        pf.error(message, line=line, column=col, message_zh=problem_zh(problem))
        return
    pf.error(message, line=found.line, column=col if found.line == line else None, hint=found.hint,
             hint_zh=found.hint_zh, suggestion=found.suggestion, message_zh=problem_zh(problem))


class _Reject(Exception):
    """Raised inside the node walk; the finding is already recorded on the PaperFile."""


def _build(pf: PaperFile, root: yaml.Node) -> Any:
    """Turn the node tree into plain data in one pass, refusing what a paper file must not hold.

    Doing this ourselves instead of with PyYAML's constructor halves the loading time and
    lets every refusal (alias, tag, duplicate key, size) point at its node before any value
    is built. Nothing but str/int/float/bool/None/list/dict can come out of it.
    """
    seen: set[int] = set()
    count = 0

    def reject(node: yaml.Node, message: str, **kw: Any) -> _Reject:
        m = node.start_mark
        pf.error(message, line=m.line + 1, column=m.column + 1, **kw)
        return _Reject()

    def bad_text(node: yaml.Node, value: str, path: tuple[str | int, ...], key: bool) -> None:
        # Recorded, not raised: every such value gets its finding, and the other checks still run.
        bad = find_bad_char(value)
        assert bad is not None
        what = "".join(f"[{p}]" if isinstance(p, int) else f".{scrub(p)}" for p in path).lstrip(".") or "the file"
        what = f"the key {what}" if key else what
        m = node.start_mark
        pf.error(bad.message(what), line=m.line + 1, column=m.column + 1, check="text",
                 message_zh=bad.message_zh(what))

    def build(node: yaml.Node, depth: int, path: tuple[str | int, ...]) -> Any:
        nonlocal count
        if id(node) in seen:
            raise reject(node, "YAML aliases (*name) are not allowed in paper files; write the value out",
                         message_zh="论文文件中不允许使用 YAML 别名（*name）")
        seen.add(id(node))
        count += 1
        if count > MAX_NODES:
            raise reject(node, f"more than {MAX_NODES} YAML nodes; a paper file is small")
        if depth > MAX_DEPTH:
            raise reject(node, f"nesting deeper than {MAX_DEPTH} levels", message_zh=f"嵌套层数超过 {MAX_DEPTH}")
        tag = node.tag
        if tag not in _ALLOWED_TAGS:
            raise reject(node, f"YAML tag {tag!r} is not allowed; paper files hold plain strings, numbers, "
                         "lists and mappings", message_zh="不允许使用 YAML 标签（!!…）")
        if isinstance(node, yaml.ScalarNode):
            if tag != _STR:
                return _scalar(tag, node.value)
            if _BAD_SEARCH(node.value):  # whatever its spelling in YAML: \e, \x1b, \u202e, \N, \L…
                bad_text(node, node.value, path, key=False)
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [build(item, depth + 1, (*path, i)) for i, item in enumerate(node.value)]
        out: dict[str, Any] = {}
        firsts: dict[str, int] = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode) or k.tag != _STR:
                raise reject(k, "mapping keys must be plain names")
            if k.value in out:
                first = firsts[k.value]
                raise reject(k, f"duplicate key {k.value!r} (first defined on line {first})",
                             message_zh=f"重复的键 {k.value!r}（第 {first} 行已定义）")
            firsts[k.value] = k.start_mark.line + 1
            if _BAD_SEARCH(k.value):
                bad_text(k, k.value, (*path, k.value), key=True)
            out[k.value] = build(v, depth + 1, (*path, k.value))
        return out

    def _scalar(tag: str, value: str) -> Any:
        try:
            if tag == "tag:yaml.org,2002:int":
                low = value.lower()
                if low.startswith(("0o", "0x")):
                    return int(value[2:], 8 if low[1] == "o" else 16)
                return int(value, 10)
            if tag == "tag:yaml.org,2002:float":
                low = value.lower().lstrip("+")
                if low in (".inf", "-.inf", ".nan"):
                    return float(low.replace(".", ""))
                return float(value)
        except ValueError:
            raise _Reject() from None
        if tag == "tag:yaml.org,2002:bool":
            if value.lower() not in ("true", "false"):
                raise _Reject()
            return value.lower() == "true"
        return None  # null

    try:
        return build(root, 1, ())
    except _Reject:
        if not any(f.check == "yaml" for f in pf.findings):  # text findings do not explain a reject
            m = root.start_mark
            pf.error("a value does not match its YAML tag (e.g. !!int on text)", line=m.line + 1, column=m.column + 1)
        raise


def load_paper(path: Path, root: Path) -> PaperFile:
    """Load one paper file. Never raises for bad content; symlinks are refused unread."""
    pf = PaperFile(path=path, rel=relpath(path, root))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        pf.error("file does not exist", check="files")
        return pf
    except OSError as e:
        pf.error(f"cannot read file: {e.strerror}", check="files")
        return pf
    if stat.S_ISLNK(st.st_mode):
        pf.error("symbolic links are not allowed under papers/; commit a regular file", check="files",
                 message_zh="papers/ 下不允许符号链接")
        return pf
    if not stat.S_ISREG(st.st_mode):
        pf.error("not a regular file", check="files")
        return pf
    if st.st_size > MAX_BYTES:
        pf.error(f"file is {st.st_size:,} bytes; a paper file may be at most {MAX_BYTES:,} bytes",
                 message_zh=f"文件过大（{st.st_size:,} 字节）")
        return pf
    try:
        # O_NOFOLLOW: a file swapped for a symlink after the lstat above is still not followed.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as e:
        pf.error(f"cannot read file: {e.strerror}", check="files")
        return pf
    pf.blob = blob_id(raw)
    return parse_text(pf, raw)


def load_text(text: str | bytes, rel: str = "papers/x/stdin.yaml") -> PaperFile:
    """Load a paper from a string or bytes (tests, tools that build papers in memory)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_text(PaperFile(path=Path(rel), rel=rel), raw)


def discover(root: Path) -> tuple[list[Path], list[Finding]]:
    """All ``papers/<dir>/<key>.yaml`` files, sorted, plus findings for anything else in ``papers/``.

    Symlinks are never followed (a link to /etc/passwd or to another paper is reported, not read).
    """
    base = root / PAPERS_DIR
    paths: list[Path] = []
    findings: list[Finding] = []
    if not base.is_dir():
        return paths, findings

    def bad(p: Path, message: str, zh: str) -> None:
        findings.append(Finding(file=relpath(p, root), severity="error", check="files", message=message,
                                message_zh=zh))

    def walk(d: Path, depth: int) -> Iterator[Path]:
        with os.scandir(d) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            p = Path(e.path)
            if e.is_symlink():
                bad(p, "symbolic links are not allowed under papers/; commit a regular file",
                    "papers/ 下不允许符号链接")
            elif e.is_dir(follow_symlinks=False):
                if depth >= 1:
                    bad(p, "paper files live at papers/<venue><year>/<key>.yaml; no deeper folders",
                        "论文文件应位于 papers/<会议><年份>/<key>.yaml，不允许更深的目录")
                else:
                    yield from walk(p, depth + 1)
            elif depth == 0:
                bad(p, "files go in a folder per venue and year: papers/<venue><year>/<key>.yaml",
                    "文件应放在按会议和年份划分的目录中：papers/<会议><年份>/<key>.yaml")
            elif not e.name.endswith(".yaml"):
                hint = " (rename .yml to .yaml)" if e.name.endswith(".yml") else ""
                bad(p, f"only .yaml paper files belong under papers/{hint}", "papers/ 下只允许 .yaml 论文文件")
            else:
                yield p

    paths = list(walk(base, 0))
    return paths, findings
