"""Loading paper files safely, fast, and with positions.

libyaml's C parser (through PyYAML) turns the text into events, and one iterative walk over
them builds plain Python data and the line and column of every key and value. Nothing is ever
executed: only the YAML 1.2 core types are resolved, and any explicit tag
(``!!python/object``…) is refused before a value is built.

Hostile input is data, not an exception: every problem becomes a ``Finding`` on the
returned ``PaperFile`` and loading goes on with the next file. Guarded: size, bytes that
are not UTF-8, nesting (the walk keeps its own stack, so no depth can exhaust one), aliases
(billion laughs),
duplicate keys, control and bidirectional-override characters.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import yaml
from yaml._yaml import CParser  # libyaml's event parser (what yaml.CParser names)

from paperlist.findings import Finding
from paperlist.infra.messages import Phrase, hint, say
from paperlist.infra.textrules import BAD_CHARS, find_bad_char, scrub
from paperlist.project.keys import PAPERS_DIR

MAX_BYTES = 64 * 1024
MAX_DEPTH = 16
MAX_NODES = 5000

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_ALLOWED_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    _SEQ,
    _MAP,
}


@dataclass(frozen=True)
class FileRules:
    """What kind of file is being loaded: its bounds and the words its findings use.

    Paper files and configuration files (``project.configfile``) share one safe parser; each kind
    has its own limits (a paper is small, a vocabulary may hold thousands of topics) and its own
    messages (a symlinked vocabulary is not "under papers/")."""

    # Message ids (the words in every language live in the catalogue, not here).
    kind: str  # "a paper file"
    kinds: str  # "paper files"
    max_bytes: int
    max_nodes: int
    max_depth: int
    example: str  # what the file looks like: "a mapping such as 'title: …'"
    symlink: str  # may name {what}: "this file", or "the folder vocab/"
    size_hint: str | None = None
    # Refuse a file reached through a symlinked folder below the root, not only a symlinked file.
    whole_path: bool = False


PAPER_RULES = FileRules(
    kind="loader.kind.paper", kinds="loader.kinds.paper", max_bytes=MAX_BYTES, max_nodes=MAX_NODES,
    max_depth=MAX_DEPTH, example="loader.example.paper", symlink="loader.symlink.paper")

_BAD_SEARCH = BAD_CHARS.search
_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)


# YAML 1.2 core-schema resolution of plain scalars, by first character (``yes``/``on`` stay strings).
_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
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
    for _c in _first:
        _RESOLVERS.setdefault(_c, []).append((_tag, re.compile(_regexp)))


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
    # 1-based (line, column) by field path: a mapping field's key, a list item's start; and where
    # each value starts. Empty until the file parses.
    key_marks: dict[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)
    value_marks: dict[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)
    # Numbers, booleans and nulls as written (2002.11840 before YAML made it the float 2002.1184).
    raw_scalars: dict[tuple[str | int, ...], str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # The git blob id of the bytes parsed (None when nothing was read): what the index keys on.
    blob: str | None = None

    @property
    def parsed(self) -> bool:
        """True when the file is a YAML mapping (it may still fail the schema)."""
        return isinstance(self.data, dict)

    def position(self, path: Sequence[str | int]) -> tuple[int, int]:
        """1-based (line, column) of the field at ``path``: its key, or the list item.

        Falls back to the deepest existing ancestor, and to (1, 1) for the file itself.
        """
        marks = self.key_marks
        t = tuple(path)
        for depth in range(len(t), 0, -1):
            at = marks.get(t[:depth])
            if at is not None:
                return at
        return (1, 1)

    def raw_scalar(self, path: Sequence[str | int]) -> str | None:
        """The scalar at ``path`` exactly as written (None for a list, a mapping or no value)."""
        t = tuple(path)
        if t in self.raw_scalars:
            return self.raw_scalars[t]
        value: Any = self.data
        for part in t:
            if isinstance(value, dict) and isinstance(part, str):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
            else:
                return None
        return value if isinstance(value, str) else None

    def value_position(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """1-based (line, column) where the value at ``path`` starts, or None."""
        return self.value_marks.get(tuple(path))

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
    if ".." not in p:  # the common cases, without touching the file system
        if p.startswith(r + os.sep):
            return p[len(r) + 1:].replace(os.sep, "/")
        if r == "." and isinstance(path, PurePath) and not os.path.isabs(p):  # a Path is normalized
            return p.replace(os.sep, "/")
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return Path(path).as_posix() if rel.startswith("..") else Path(rel).as_posix()


def _line_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    col = offset - (before.rfind(b"\n") + 1) + 1
    return line, col


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


# What a file that is not a mapping holds instead (message ids).
_SHAPES: dict[type, str] = {list: "loader.found.list", str: "loader.found.string", int: "loader.found.number",
                            float: "loader.found.number", bool: "loader.found.bool"}


def _too_large(pf: PaperFile, size: int, rules: FileRules) -> None:
    hints: dict[str, Any] = dict(hint(rules.size_hint, mib=rules.max_bytes // (1024 * 1024))) if rules.size_hint else {}
    pf.error(**say("loader.too-large", size=size, kind=Phrase(rules.kind), limit=rules.max_bytes), **hints)


def parse_text(pf: PaperFile, raw: bytes, rules: FileRules = PAPER_RULES) -> PaperFile:
    """Fill ``pf`` from the file's bytes; every problem becomes a finding on ``pf``."""
    if len(raw) > rules.max_bytes:
        _too_large(pf, len(raw), rules)
        return pf
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, col = _line_of_offset(raw, e.start)
        pf.error(**say("loader.not-utf8", byte=f"0x{raw[e.start]:02x}"), line=line, column=col)
        return pf
    pf.text = text
    if not text.strip() or all(ln.lstrip().startswith("#") or not ln.strip() for ln in text.splitlines()):
        pf.error(**say("loader.empty", kind=Phrase(rules.kind), example=Phrase(rules.example)), line=1, column=1)
        return pf
    bad = find_bad_char(text, raw=True)  # raw bytes, comments included; values again after parsing
    if bad:
        line, col = _line_col(text, bad.offset)
        pf.error(**bad.said(), line=line, column=col, check="text")
        return pf
    # The walk makes no reference cycles, but a large file (a vocabulary of thousands of topics) makes
    # enough tuples for the cyclic collector to rescan them over and over: a third of its time at 4 MiB.
    pause_gc = len(text) > 256 * 1024 and gc.isenabled()
    if pause_gc:
        gc.disable()
    try:
        found = _compose(pf, text, rules)
    except _Reject:
        return pf
    except yaml.MarkedYAMLError as e:
        _syntax_error(pf, text, e, rules)
        return pf
    except yaml.YAMLError as e:  # pragma: no cover - libyaml always gives marks
        pf.error(f"invalid YAML: {e}")
        return pf
    finally:
        if pause_gc:
            gc.enable()
    if not found:
        pf.error(**say("loader.empty", kind=Phrase(rules.kind), example=Phrase(rules.example)), line=1, column=1)
        return pf
    if not isinstance(pf.data, dict):
        shape = _SHAPES.get(type(pf.data), "loader.found.null")
        pf.error(**say("loader.not-mapping", kind=Phrase(rules.kind), example=Phrase(rules.example),
                       found=Phrase(shape)), line=1, column=1, check="schema")
        pf.data = None
    return pf


def _syntax_error(pf: PaperFile, text: str, e: yaml.MarkedYAMLError, rules: FileRules) -> None:
    # Newer libyaml (PyYAML >= 6.0.4) stops absurd flow nesting in its scanner, before any
    # event reaches us; whether that is *our* nesting finding must not depend on its wording.
    deep_at = _flow_depth_exceeds(text, rules.max_depth)
    if deep_at is None:
        _yaml_error(pf, e)
    else:
        line, col = _line_col(text, deep_at)
        pf.error(**say("loader.too-deep", depth=rules.max_depth), line=line, column=col)


def _yaml_error(pf: PaperFile, e: yaml.MarkedYAMLError) -> None:
    mark = e.problem_mark or e.context_mark
    if e.context_mark and "end of stream" in (e.problem or ""):
        mark = e.context_mark  # "unexpected end of stream": the unclosed thing started here
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    problem = (e.problem or "").strip()
    context = f" ({e.context.strip()})" if e.context else ""
    from paperlist.project.yamlhints import hint_for, problem_words

    words = problem_words(problem)
    said = say("loader.yaml.known", problem=problem, context=context, words=words) if words else \
        say("loader.yaml", problem=problem, context=context) if problem else say("loader.yaml.bare", context=context)
    found = hint_for(pf.text, line, problem, (e.context or "").strip()) if pf.text else None
    if found is None:
        pf.error(**said, line=line, column=col)
        return
    pf.error(**said, line=found.line, column=col if found.line == line else None, hint=found.hint,
             hint_zh=found.hint_zh, suggestion=found.suggestion)


class _Reject(Exception):
    """Raised inside the event walk; the finding is already recorded on the PaperFile."""


Path_ = tuple[str | int, ...]
# Module-level names: the event walk runs once per value of every file, and yaml.X is two lookups.
_StreamEndEvent, _DocumentStartEvent = yaml.StreamEndEvent, yaml.DocumentStartEvent
_SequenceEndEvent, _MappingEndEvent, _AliasEvent = yaml.SequenceEndEvent, yaml.MappingEndEvent, yaml.AliasEvent
_ScalarEvent, _SequenceStartEvent = yaml.ScalarEvent, yaml.SequenceStartEvent
_MappingStartEvent = yaml.MappingStartEvent
_NODE_EVENTS = (_ScalarEvent, _SequenceStartEvent, _MappingStartEvent, _AliasEvent)


def _resolve_scalar(value: str, implicit: Any) -> str:
    if implicit[0]:
        for tag, regexp in _RESOLVERS.get(value[:1], ()):
            if regexp.match(value):
                return tag
    return _STR


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


def _compose(pf: PaperFile, text: str, rules: FileRules = PAPER_RULES) -> bool:
    """Plain data and the position of every field, straight from libyaml's events, in one pass.

    PyYAML's composer builds a node (with two marks) per value and calls back into Python for
    each: 90 µs for a typical paper file, where its events alone take 13.5 µs and this whole walk
    about 50. The walk is iterative (no
    recursion, whatever the nesting) and refuses what a paper file must not hold before any value
    is built: aliases, explicit tags, duplicate or non-text keys, nesting and size beyond the
    bounds. Nothing but str/int/float/bool/None/list/dict can come out of it.

    Fills ``pf.data`` and its marks only when the whole file is good; returns whether it held a
    document. Raises ``_Reject`` (finding recorded) or libyaml's error.
    """
    parser = CParser(text)
    key_marks: dict[Path_, tuple[int, int]] = {}
    value_marks: dict[Path_, tuple[int, int]] = {}
    raw_scalars: dict[Path_, str] = {}
    anchors: dict[str, tuple[int, int]] = {}
    # One frame per open collection: [container, path, depth, pending key or None, first lines of keys].
    stack: list[list[Any]] = []
    root: Any = None
    root_mark: tuple[int, int] | None = None
    documents = 0
    count = 0
    max_nodes, max_depth = rules.max_nodes, rules.max_depth
    get = parser.get_event

    def reject(at: tuple[int, int], key: str, **values: Any) -> _Reject:
        pf.error(**say(key, **values), line=at[0], column=at[1])
        return _Reject()

    def bad_text(at: tuple[int, int], value: str, path: Path_, key: bool) -> None:
        # Recorded, not raised: every such value gets its finding, and the other checks still run.
        bad = find_bad_char(value)
        assert bad is not None
        what = "".join(f"[{p}]" if isinstance(p, int) else f".{scrub(p)}" for p in path).lstrip(".") or "the file"
        what = f"the key {what}" if key else what
        pf.error(**bad.said(what), line=at[0], column=at[1], check="text")

    try:
        while True:
            event: Any = get()
            kind = type(event)
            if kind is _StreamEndEvent or event is None:
                break
            if kind is _DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                                      "but found another document", event.start_mark)
                continue
            if kind is _SequenceEndEvent or kind is _MappingEndEvent:
                value = stack.pop()[0]
            elif kind in _NODE_EVENTS:
                m = event.start_mark
                at = (m.line + 1, m.column + 1)
                if kind is _AliasEvent:
                    raise reject(anchors.get(event.anchor, at), "loader.alias", kinds=Phrase(rules.kinds))
                count += 1
                if count > max_nodes:
                    raise reject(at, "loader.too-many-nodes", nodes=max_nodes, kind=Phrase(rules.kind))
                depth = stack[-1][2] + 1 if stack else 1
                if depth > max_depth:
                    raise reject(at, "loader.too-deep", depth=max_depth)
                if event.anchor is not None:
                    anchors[event.anchor] = at
                tag = event.tag
                if kind is _ScalarEvent:
                    if tag is None or tag == "!":
                        tag = _resolve_scalar(event.value, event.implicit)
                elif tag is None or tag == "!":
                    tag = _SEQ if kind is _SequenceStartEvent else _MAP
                if tag not in _ALLOWED_TAGS:
                    raise reject(at, "loader.tag", tag=tag, kinds=Phrase(rules.kinds))
                parent_frame = stack[-1] if stack else None
                if parent_frame is not None and type(parent_frame[0]) is dict and parent_frame[3] is None:
                    # A mapping key: plain text, once.
                    if kind is not _ScalarEvent or tag != _STR:
                        raise reject(at, "loader.key-not-name")
                    name = event.value
                    firsts = parent_frame[4]
                    if name in firsts:
                        raise reject(at, "loader.duplicate-key", name=name, first=firsts[name])
                    firsts[name] = at[0]
                    key_path = (*parent_frame[1], name)
                    if _BAD_SEARCH(name):
                        bad_text(at, name, key_path, key=True)
                    key_marks[key_path] = at
                    parent_frame[3] = name
                    continue
                if parent_frame is None:
                    path: Path_ = ()
                    root_mark = at
                elif type(parent_frame[0]) is dict:
                    path = (*parent_frame[1], parent_frame[3])
                else:
                    path = (*parent_frame[1], len(parent_frame[0]))
                    key_marks[path] = at
                value_marks[path] = at
                if kind is _ScalarEvent:
                    if tag == _STR:
                        value = event.value
                        if _BAD_SEARCH(value):  # whatever its spelling in YAML: \e, \x1b, \u202e, \N, \L…
                            bad_text(at, value, path, key=False)
                    else:
                        value = _scalar(tag, event.value)
                        raw_scalars[path] = event.value
                else:
                    stack.append([{} if kind is _MappingStartEvent else [], path, depth, None, {}])
                    continue
            else:
                continue  # stream and document ends
            # A finished value: put it in its parent.
            if stack:
                parent = stack[-1]
                if type(parent[0]) is dict:
                    parent[0][parent[3]] = value
                    parent[3] = None
                else:
                    parent[0].append(value)
            else:
                root = value
    except _Reject:
        if not any(f.check == "yaml" for f in pf.findings):  # text findings do not explain a reject
            at = root_mark or (1, 1)
            pf.error(**say("loader.tag-mismatch"), line=at[0], column=at[1])
        # A syntax error further down is reported too: fixing the first finding should not just
        # reveal the next one (and the syntax error may carry a one-click suggestion).
        try:
            while not isinstance(get(), (_StreamEndEvent, type(None))):
                pass
        except yaml.MarkedYAMLError as e:
            if _flow_depth_exceeds(text, max_depth) is None:  # else already "nesting deeper than …"
                _yaml_error(pf, e)
        raise
    finally:
        parser.dispose()
    if root_mark is None:
        return False
    pf.data, pf.key_marks, pf.value_marks, pf.raw_scalars = root, key_marks, value_marks, raw_scalars
    return True


def load_paper(path: Path, root: Path) -> PaperFile:
    """Load one paper file. Never raises for bad content; symlinks are refused unread."""
    return load_file(path, root, PAPER_RULES)


def _symlinked_folder(path: Path, root: Path) -> str | None:
    """The first folder between ``root`` and ``path`` that is a symbolic link (relative), or None."""
    try:
        parts = Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).parts[:-1]
    except ValueError:
        return None
    here = Path(root)
    for part in parts:
        here = here / part
        if here.is_symlink():
            return relpath(here, root)
    return None


def load_file(path: Path, root: Path, rules: FileRules) -> PaperFile:
    """Load one YAML file of the kind ``rules`` describes. Never raises for bad content; symlinks
    are refused unread."""
    pf = PaperFile(path=path, rel=relpath(path, root))
    if rules.whole_path:
        folder = _symlinked_folder(path, root)
        if folder is not None:
            pf.error(**say(rules.symlink, what=Phrase("loader.what.folder", folder=folder)), check="files")
            return pf
    # One open that refuses symlinks (O_NOFOLLOW) and never waits on a FIFO (O_NONBLOCK), then
    # fstat of what was opened: no window between checking a path and reading it.
    try:
        if not _NOFOLLOW and os.path.islink(path):  # no O_NOFOLLOW on this system
            raise OSError(errno.ELOOP, "symbolic link")
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        pf.error(**say("loader.missing"), check="files")
        return pf
    except OSError as e:
        if e.errno == errno.ELOOP or os.path.islink(path):
            pf.error(**say(rules.symlink, what=Phrase("loader.what.file")), check="files")
        else:
            pf.error(**say("loader.unreadable", reason=e.strerror), check="files")
        return pf
    limit = rules.max_bytes
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            pf.error(**say("loader.not-regular"), check="files")
            return pf
        if st.st_size > limit:
            _too_large(pf, st.st_size, rules)
            return pf
        chunks = []
        size = 0
        while size <= limit:  # a file growing while it is read is still cut at the bound
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        raw = b"".join(chunks)
    except OSError as e:
        pf.error(**say("loader.unreadable", reason=e.strerror), check="files")
        return pf
    finally:
        os.close(fd)
    pf.blob = blob_id(raw)
    return parse_text(pf, raw, rules)


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

    def bad(p: Path, key: str, **values: Any) -> None:
        findings.append(Finding(file=relpath(p, root), severity="error", check="files", **say(key, **values)))

    def walk(d: Path, depth: int) -> Iterator[Path]:
        with os.scandir(d) as it:
            entries = sorted(it, key=lambda e: e.name)
        for e in entries:
            p = Path(e.path)
            if e.is_symlink():
                bad(p, "loader.symlink.paper")
            elif e.is_dir(follow_symlinks=False):
                if depth >= 1:
                    bad(p, "files.too-deep")
                else:
                    yield from walk(p, depth + 1)
            elif depth == 0 and e.name == ".gitkeep" and e.is_file(follow_symlinks=False):
                continue  # keeps an empty list's papers/ in git (paperlist init writes it)
            elif depth == 0:
                bad(p, "files.not-in-folder")
            elif not e.name.endswith(".yaml"):
                bad(p, "files.rename-yml" if e.name.endswith(".yml") else "files.not-yaml")
            else:
                yield p

    paths = list(walk(base, 0))
    return paths, findings
