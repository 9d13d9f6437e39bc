"""Validation: the JSON Schema plus what a schema cannot say (file name, folder, vocabularies).

Schema errors are turned into sentences a contributor can act on, pointing at the line of
the offending field, with a fix where one is mechanical (``suggestion`` rewrites the line).
Large runs are spread over the CPU cores; one bad file never stops the others.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from paperlist.findings import Finding, Report
from paperlist.project import keys
from paperlist.project.configfile import read_schema, schema_path, validator_for
from paperlist.project.defaults import resolve
from paperlist.project.index import Codec, derive, fingerprint
from paperlist.project.loader import PAPERS_DIR, PaperFile, relpath
from paperlist.project.papers import Papers, is_paper_path, paper_paths
from paperlist.project.settings import SETTINGS_FILE, ListSettings, check_settings, load_settings
from paperlist.project.vocab import SCHEMA_DIR, VOCAB_DIR, Vocabulary

_PARALLEL_MIN = 1500  # below this, starting worker processes costs more than it saves
_DIGIT_AFFIL = re.compile(r"^\D+?[A-Za-z\u00c0-\u024f]\d{1,2}$")
# Machine translations that name the wrong thing: the network is a Transformer, not a power
# transformer; stereo matching is not audio stereo. (wrong -> (right, why)); extend as lists show more.
KNOWN_MISTRANSLATIONS: dict[str, tuple[str, str]] = {
    "变压器": ("Transformer", "a machine translation of the network name 'Transformer' (an electrical transformer)"),
    "立体声": ("立体", "'stereo' in vision is 立体 (立体匹配), not audio stereo"),
}
# UTF-8 read as GBK: "Generating鈫Preserving" (an arrow became 鈫). A CJK character glued to Latin
# letters on both sides is never a real title.
_MOJIBAKE = re.compile(r"[A-Za-z][\u3400-\u9fff][A-Za-z]")
_ARXIV_URL = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/", re.I)


def paper_validator(root: Path, settings: ListSettings | None = None) -> jsonschema.protocols.Validator:
    """The list's own schema/paper.schema.json when it has one, else the packaged one, narrowed by
    its settings (fields required and allowed, no venue in a list without venues)."""
    settings = settings or load_settings(root)
    return validator_for(settings.paper_schema(read_schema(root, "paper.schema.json")),
                         str(schema_path(root, "paper.schema.json")))


@dataclass(frozen=True)
class Checker:
    """Everything a file is checked against; built once per run and shared by workers."""

    root: Path
    validator: jsonschema.protocols.Validator
    vocab: Vocabulary
    settings: ListSettings = field(default_factory=ListSettings)

    @classmethod
    def for_root(cls, root: Path) -> Checker:
        settings = load_settings(root)
        return cls(root=root, validator=paper_validator(root, settings), vocab=Vocabulary.load(root),
                   settings=settings)

    def check(self, pf: PaperFile) -> list[Finding]:
        """All findings for one loaded file (its load findings included)."""
        out = list(pf.findings)
        if not pf.parsed:
            return out
        semantic = self._semantics(pf)
        # "'目标检测' is not a tag id" says less than the vocabulary's "use the tag id
        # 'object-detection'" on the same spot: keep only the more helpful one.
        vocab_spots = {(f.line, f.column) for f in semantic if f.check == "vocabulary"}
        out.extend(f for f in self._schema(pf)
                   if not ((f.line, f.column) in vocab_spots and "is not a tag id" in f.message))
        out.extend(semantic)
        return out

    # -- schema -----------------------------------------------------------------------------

    def _schema(self, pf: PaperFile) -> list[Finding]:
        errors = list(self.validator.iter_errors(pf.data))
        findings: list[Finding] = []
        seen: set[tuple[Any, ...]] = set()
        for err in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
            for f in _humanize(pf, err):
                key = (f.line, f.column, f.message)
                if key not in seen:
                    seen.add(key)
                    findings.append(f)
        return findings

    # -- what the schema cannot express -----------------------------------------------------

    def _semantics(self, pf: PaperFile) -> list[Finding]:
        data: dict[str, Any] = pf.data
        out: list[Finding] = []

        def add(path: Sequence[str | int], message: str, *, severity: str = "error", check: str = "schema",
                **kw: Any) -> None:
            line, col = pf.position(path)
            out.append(Finding(file=pf.rel, line=line, column=col, severity=severity,  # type: ignore[arg-type]
                               check=check, message=message, **kw))

        venue = data.get("venue")
        if isinstance(venue, str) and self.settings.has_venues and venue not in self.vocab.venues:
            known = self.vocab.resolve_venue(venue)
            hint = f"use venue: {known}" if known else "known venues: " + ", ".join(self.vocab.venues)
            add(("venue",), f"unknown venue {venue!r}", check="vocabulary", hint=hint,
                message_zh=f"未知的会议 {venue!r}", hint_zh=hint,
                suggestion=_replace_value(pf, ("venue",), known) if known else None)

        tags = data.get("tags")
        if isinstance(tags, list):
            for i, tag in enumerate(tags):
                if not isinstance(tag, str) or tag in self.vocab.tags:
                    continue
                known = self.vocab.resolve_tag(tag)
                if known:
                    term = self.vocab.tags[known]
                    hint = f"use the tag id {known!r} ({term.en} / {term.zh})"
                    hint_zh = f"请使用标签 id {known!r}（{term.zh} / {term.en}）"
                else:
                    close = difflib.get_close_matches(tag, list(self.vocab.tags), n=3, cutoff=0.6)
                    hint = ("did you mean " + " or ".join(repr(c) for c in close) + "?") if close else \
                        "pick ids from vocab/tags.yaml, or propose a new tag there in the same pull request"
                    hint_zh = ("是否想写 " + " 或 ".join(repr(c) for c in close) + "？") if close else \
                        "请从 vocab/tags.yaml 中选择标签 id，或在同一个 PR 中提议新标签"
                add(("tags", i), f"unknown tag {tag!r}", check="vocabulary", hint=hint, hint_zh=hint_zh,
                    message_zh=f"未知标签 {tag!r}（标签须来自 vocab/tags.yaml）")

        suggested = data.get("suggested_tags")
        if isinstance(suggested, list) and isinstance(tags, list):
            for i, tag in enumerate(suggested):
                if isinstance(tag, str) and tag not in tags:
                    add(("suggested_tags", i), f"suggested tag {tag!r} is not in tags", check="schema",
                        hint=f"add {tag!r} to tags, or drop it from suggested_tags",
                        hint_zh=f"请把 {tag!r} 加入 tags，或从 suggested_tags 中删除",
                        message_zh=f"建议标签 {tag!r} 不在 tags 中")

        title = data.get("title")
        year = data.get("year")
        placed = venue in self.vocab.venues if self.settings.has_venues else True
        if (isinstance(title, str) and placed and isinstance(year, int)
                and not isinstance(year, bool) and 1980 <= year <= 2099):
            out.extend(self._location(pf, title, venue if self.settings.has_venues else None, year))

        authors = data.get("authors")
        if isinstance(authors, list):
            for i, name in enumerate(authors):
                if isinstance(name, str) and _DIGIT_AFFIL.match(name):
                    add(("authors", i), f"author {name!r} ends in a digit: an affiliation mark?", severity="warning",
                        hint=f"write {name.rstrip('0123456789')!r}", hint_zh=f"请写成 {name.rstrip('0123456789')!r}",
                        message_zh="作者名以数字结尾（单位标注？）")
        title_zh = data.get("title_zh")
        if isinstance(title_zh, str):
            for wrong, (right, why) in KNOWN_MISTRANSLATIONS.items():
                if wrong in title_zh:
                    add(("title_zh",), f"title_zh says {wrong!r}: {why}", severity="warning", check="translation",
                        hint=f"write {right!r}: {title_zh.replace(wrong, right)!r}",
                        hint_zh=f"请写成“{right}”：{title_zh.replace(wrong, right)}",
                        message_zh=f"title_zh 中的“{wrong}”是误译：应为“{right}”",
                        suggestion=_replace_value(pf, ("title_zh",), title_zh.replace(wrong, right)))
        if isinstance(title, str) and _MOJIBAKE.search(title):
            add(("title",), "title has a CJK character inside a Latin word: text decoded with the wrong encoding?",
                severity="warning", check="text", hint="copy the title again from the paper or arXiv",
                hint_zh="请从论文或 arXiv 重新复制标题",
                message_zh="标题的英文单词中夹着汉字：可能是编码错误（乱码）")
        links = data.get("links")
        if isinstance(links, dict) and isinstance(links.get("paper"), str) and _ARXIV_URL.match(links["paper"]):
            add(("links", "paper"), "an arXiv link belongs in 'arxiv:' as the bare id", severity="warning",
                hint="set arxiv: '<id>' and drop links.paper", hint_zh="请写成 arxiv: '<编号>' 并删除 links.paper",
                message_zh="arXiv 链接请写成 arxiv: 编号")
        return out

    def _location(self, pf: PaperFile, title: str, venue: str | None, year: int) -> list[Finding]:
        rel = pf.rel
        parts = rel.split("/")
        expected = keys.expected_path(venue, year, title)
        folder = keys.folder_name(venue, year)
        problems: list[str] = []
        if len(parts) != 3 or parts[0] != PAPERS_DIR:
            problems.append(f"paper files live at papers/{'<venue>' if venue else ''}<year>/<key>.yaml")
        else:
            if parts[1] != folder:
                problems.append(f"venue {venue} and year {year} belong in folder papers/{folder}/" if venue else
                                f"year {year} belongs in folder papers/{folder}/")
            stem = parts[2].removesuffix(".yaml")
            if not keys.key_matches(stem, title):
                problems.append(f"the file name must be the title's key: {keys.paper_key(title)}.yaml")
        if not problems:
            return []
        return [Finding(file=rel, line=1, column=1, severity="error", check="filename",
                        message="; ".join(problems), hint=f"rename the file to {expected}",
                        message_zh=f"文件名或目录与标题/会议/年份不符，请重命名为 {expected}",
                        hint_zh=f"git mv {rel} {expected}", extra={"expected_path": expected})]


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dotted(path: Iterable[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "the file"


_TYPE_NAMES = {"string": "a string", "integer": "a whole number", "array": "a list", "object": "a mapping",
               "number": "a number", "boolean": "true or false", "null": "empty"}


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    return {str: "a string", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__)


def _replace_value(pf: PaperFile, path: Sequence[str | int], new: str | None) -> str | None:
    """The source line of ``path`` with its scalar value replaced by ``new`` (a suggestion)."""
    if new is None:
        return None
    pos = pf.value_position(path)
    if pos is None:
        return None
    line = pf.source_line(pos[0])
    if line is None:
        return None
    start = pos[1] - 1
    return line[:start] + new


def _humanize(pf: PaperFile, err: ValidationError) -> list[Finding]:
    path = list(err.absolute_path)
    where = _dotted(path)
    v = err.validator
    field = path[-1] if path and isinstance(path[-1], str) else None
    kw: dict[str, Any] = {}
    message = f"{where}: {err.message}"
    target = path
    if v == "additionalProperties" and isinstance(err.instance, dict):
        allowed = list(err.schema.get("properties", {}))
        out = []
        for extra in sorted(set(err.instance) - set(allowed)):
            close = difflib.get_close_matches(str(extra), allowed, n=1, cutoff=0.75)
            hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed)
            line, col = pf.position([*path, extra])
            out.append(Finding(file=pf.rel, line=line, column=col, severity="error", check="schema",
                               message=f"unknown field {_dotted([*path, extra])!r}", hint=hint,
                               message_zh=f"未知字段 {extra!r}", hint_zh=hint))
        return out
    if v == "required":
        missing = [r for r in err.validator_value if isinstance(err.instance, dict) and r not in err.instance]
        name = _dotted([*path, missing[0]]) if missing else where
        message = f"missing required field {name!r}"
        kw["message_zh"] = f"缺少必填字段 {name!r}"
    elif v == "type":
        expected = err.validator_value
        expected_s = _TYPE_NAMES.get(expected, str(expected)) if isinstance(expected, str) else str(expected)
        message = f"{where} must be {expected_s}, not {_type_name(err.instance)} ({_short(err.instance)})"
        kw["message_zh"] = f"{where} 的类型错误"
        raw = pf.raw_scalar(path)  # as written: 2002.11840, not the float YAML made of it
        if expected == "string" and raw is not None and isinstance(err.instance, (int, float)):
            kw["hint"] = f"quote it: {json.dumps(raw)}" + (" (unquoted, YAML reads it as a number)")
            kw["suggestion"] = _replace_value(pf, path, json.dumps(raw))
            kw["hint_zh"] = "请加引号"
        elif expected == "integer" and isinstance(err.instance, str) and err.instance.strip().isdigit():
            kw["hint"] = f"write it without quotes: {err.instance.strip()}"
            kw["suggestion"] = _replace_value(pf, path, err.instance.strip())
            kw["hint_zh"] = "去掉引号"
    elif v == "pattern":
        message, kw["hint"] = _pattern_message(where, field, path, err.instance)
        kw["message_zh"] = f"{where} 格式不正确"
        kw["hint_zh"] = _hint_zh(kw["hint"])
    elif v == "enum":
        message = f"{where} must be one of {', '.join(map(str, err.validator_value))}, not {_short(err.instance)}"
        kw["message_zh"] = f"{where} 取值必须是 {', '.join(map(str, err.validator_value))} 之一"
    elif v in ("maxLength", "minLength"):
        n = len(err.instance) if isinstance(err.instance, str) else 0
        message = f"{where} is {n} characters; " + (
            f"at most {err.validator_value} allowed" if v == "maxLength" else "it must not be empty")
        kw["message_zh"] = f"{where} 长度不符合要求"
    elif v in ("minimum", "maximum"):
        message = f"{where} {err.instance} is out of range ({'at least' if v == 'minimum' else 'at most'} " \
                  f"{err.validator_value})"
        kw["message_zh"] = f"{where} 超出范围（{'最小' if v == 'minimum' else '最大'} {err.validator_value}）"
    elif v == "uniqueItems":
        message = f"{where} lists the same item twice"
        kw["message_zh"] = f"{where} 中有重复项"
    elif v in ("minItems", "minProperties"):
        message = f"{where} is empty; remove it or add an item"
        kw["message_zh"] = f"{where} 为空"
    elif v in ("maxItems", "maxProperties"):
        message = f"{where} has too many items (at most {err.validator_value})"
        kw["message_zh"] = f"{where} 项目过多（最多 {err.validator_value} 个）"
    line, col = pf.position(target)
    return [Finding(file=pf.rel, line=line, column=col, severity="error", check="schema", message=message, **kw)]


_ARXIV_VERSION = re.compile(r"^(.+?)v\d+$")
_ARXIV_FROM_URL = re.compile(r"arxiv\.org/(?:abs|pdf|html)/([^\s?#]+?)(?:v\d+)?(?:\.pdf)?$", re.I)


_HINTS_ZH = (
    ("write arxiv: ", "请写成 arxiv: "),
    ("write doi: ", "请写成 doi: "),
    ("check the id on arxiv.org", "请在 arxiv.org 上核对编号"),
    ("links start with https:// and contain no spaces", "链接须以 https:// 开头，且不含空格"),
    ("remove the extra spaces or line breaks", "请删除多余的空格或换行"),
    ("split it: one URL per item (links.code is a list; a second project or video goes to links.other)",
     "请拆开：每项一个链接（links.code 是列表；第二个项目页或视频放到 links.other）"),
    ("remove the spaces, or split it if it holds two URLs", "请删除空格；若其中是两个链接，请拆开"),
)


def _hint_zh(hint: str | None) -> str | None:
    """The Chinese of a ``_pattern_message`` hint (the PR comment shows both)."""
    if hint is None:
        return None
    for en, zh in _HINTS_ZH:
        if hint.startswith(en):
            return zh + hint[len(en):]
    return None


def _pattern_message(where: str, field: str | None, path: list[str | int], value: Any) -> tuple[str, str | None]:
    shown = _short(value)
    if field == "arxiv" and isinstance(value, str):
        m = _ARXIV_FROM_URL.search(value)
        if m:
            return f"arxiv must be the bare id, not a URL: {shown}", f"write arxiv: {json.dumps(m.group(1))}"
        m = _ARXIV_VERSION.match(value)
        if m:
            return f"arxiv must not carry a version suffix: {shown}", f"write arxiv: {json.dumps(m.group(1))}"
        if value.lower().startswith("arxiv:"):
            bare = value.split(":", 1)[1].strip()
            return f"arxiv must be the bare id: {shown}", f"write arxiv: {json.dumps(bare)}"
        return (f"{shown} is not an arXiv id (2002.11841, 1501.00001, cs/0501001)",
                "check the id on arxiv.org")
    if field == "doi" and isinstance(value, str):
        bare = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)
        if bare != value:
            return f"doi must be the bare DOI: {shown}", f"write doi: {json.dumps(bare)}"
        return f"{shown} is not a DOI (10.NNNN/…)", None
    if field == "venue":
        return f"{shown} is not a venue id (an upper-case id from vocab/venues.yaml)", None
    if path and (field == "url" or field in ("paper", "project", "video") or
                 (len(path) >= 2 and path[-2] == "code")):
        if isinstance(value, str) and ":" in value and not value.lower().startswith(("http:", "https:")):
            scheme = value.split(":", 1)[0]
            return f"{where}: only http(s) links are allowed, not {scheme}: ({shown})", None
        host = value.split("/", 3)[2] if isinstance(value, str) and value.count("/") >= 2 else ""
        if "@" in host:
            return f"{where}: links must not carry a user name or password ({shown})", None
        if isinstance(value, str) and re.search(r"[\s,;]+https?://", value.strip()):
            return (f"{where}: two URLs in one value ({shown})",
                    "split it: one URL per item (links.code is a list; a second project or video goes to "
                    "links.other)")
        if isinstance(value, str) and re.search(r"\s", value.strip()):
            return f"{where}: a URL contains spaces ({shown})", "remove the spaces, or split it if it holds two URLs"
        return f"{where}: {shown} is not an http(s) URL", "links start with https:// and contain no spaces"
    if field == "tags" or (len(path) >= 2 and path[-2] == "tags"):
        return f"{where}: {shown} is not a tag id (lower-case words joined by hyphens)", None
    return (f"{where}: leading or trailing spaces, or a line break, in {shown}",
            "remove the extra spaces or line breaks")


# -- running over many files ---------------------------------------------------------------------


def _location_finding(rel: str, path: Path) -> Finding | None:
    """Why a named file is not checked as a paper (it lies outside papers/ or is not .yaml), or None."""
    if not is_paper_path(rel):
        return Finding(file=rel, severity="error", check="files",
                       message="not a paper file: paper files live under papers/")
    if not path.name.endswith(".yaml") and not path.is_symlink():
        return Finding(file=rel, severity="error", check="files",
                       message="only .yaml paper files belong under papers/")
    return None


def validate_papers(papers: Papers, checker: Checker | None = None) -> Report:
    """Validate files already loaded (``paperlist check`` loads a PR's files once for every check)."""
    checker = checker or Checker.for_root(papers.root)
    findings = list(papers.findings)
    for pf in papers.files:
        where = _location_finding(pf.rel, pf.path)
        findings.extend([where] if where else checker.check(pf))
    return Report(findings, files=len(papers.files))


def _inputs(root: Path) -> str:
    """A hash of everything besides the file that its findings depend on (schema, vocabularies)."""
    parts: list[bytes] = []
    topics = load_settings(root).topics
    for rel in (f"{SCHEMA_DIR}/paper.schema.json", f"{SCHEMA_DIR}/vocabulary.schema.json", topics,
                f"{VOCAB_DIR}/venues.yaml", SETTINGS_FILE):
        try:
            parts.append(resolve(root, rel).read_bytes())
        except OSError:
            parts.append(b"-")
    return fingerprint(*parts)


def _findings_codec(root: Path) -> Codec:
    # Findings name their file and the file-name rule depends on the path: keyed per path.
    return Codec("validate", lambda fs: [f.to_dict() for f in fs],
                 lambda data, rel: [_finding_at(d, rel) for d in data], depends=_inputs(root), per_path=True)


def _finding_at(data: dict[str, Any], rel: str) -> Finding:
    f = Finding.from_dict(data)
    if f.file != rel:
        raise ValueError("finding for another file")
    return f


def validate(root: Path, files: Sequence[Path] | None = None, *, jobs: int | None = None) -> Report:
    """Validate the given paper files (all of ``papers/`` when None) and return a Report.

    Files given explicitly must lie under ``papers/``; anything else there is reported too.
    Files whose content (and schema and vocabularies) the index already knows are not parsed
    again; the rest are loaded and checked on all cores, each in one worker.
    """
    root = Path(root)
    checker = Checker.for_root(root)
    paths, findings = paper_paths(root, files)
    todo: list[Path] = []
    for p in paths:
        where = _location_finding(relpath(p, root), p) if files is not None else None
        if where:
            findings.append(where)
        else:
            todo.append(p)
    derived = derive(root, _findings_codec(root), checker.check, todo, complete=files is None, jobs=jobs,
                     parallel_from=_PARALLEL_MIN)
    for part in derived.values:
        findings.extend(part)
    return Report(findings, files=len(todo))


@dataclass(frozen=True)
class ValidateSettings:
    """What ``paperlist validate`` was asked to do."""

    root: Path
    files: tuple[Path, ...] = ()  # empty: every file under papers/
    jobs: int | None = None


def run_validate(settings: ValidateSettings) -> Report:
    """``paperlist validate`` without the command line: the Report its reporters print.

    Bad list settings are findings (paperlist.yaml, line, column) and the papers are not checked
    against them: every paper's verdict depends on them."""
    problems = check_settings(settings.root)
    if problems:
        return Report(problems, files=0)
    return validate(settings.root, list(settings.files) or None, jobs=settings.jobs)
