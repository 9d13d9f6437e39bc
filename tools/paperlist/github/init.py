"""``paperlist init``: set up a paper list in an empty folder or an existing repository.

It writes what the loop needs and nothing else: ``paperlist.yaml`` (what the list is), the six
workflows that call this repository's reusable ones pinned by commit SHA, the add-paper issue
form, README.md with its generated block, CONTRIBUTING.md, a pull-request template, ``papers/``
and the ``.gitignore`` lines. The templates are package data (``paperlist/data/init/``).

It never overwrites: a file that is there is kept and the result says why (identical: unchanged;
different: kept, with what to do when it matters, e.g. a README without the generated block). A
second run therefore changes nothing. ``.gitignore`` is only ever appended to. With sources
(``--from``) the existing list is imported right after, through the importer.

The result is plain data; the CLI (``cli/init_cmd.py``) asks the questions and prints it.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import yaml

from paperlist.errors import PaperlistError, UsageError
from paperlist.github.issueform.form import TEMPLATE as FORM_PATH
from paperlist.infra.cachedir import DEFAULT_CACHE_DIR
from paperlist.infra.messages import both
from paperlist.output import markers
from paperlist.project import keys
from paperlist.project.configfile import validator_for
from paperlist.project.defaults import packaged
from paperlist.project.settings import LANGUAGES, SETTINGS_FILE, ListSettings, load_settings
from paperlist.project.vocab import VENUES_FILE, Vocabulary, known_venue_ids
from paperlist.sources.importer import ImportResult, ImportSettings, run_import

TEMPLATES = "init"  # paperlist/data/init/
DEFAULT_TOOL_REPOSITORY = "paperlist/paperlist"
# Written when the commit to pin is not known (a wheel says nothing of its commit): obviously not a
# real one, refused by the reusable workflows' guard; docs/adopt.md says what to put there.
PLACEHOLDER_REF = "0" * 40
WORKFLOWS = ("paperlist-check.yml", "paperlist-comment.yml", "paperlist-readme.yml", "paperlist-sweep.yml",
             "paperlist-pages.yml", "paperlist-issue.yml")
GITIGNORE_LINES = (".paperlist-cache/", "_site/")
_SHA = re.compile(r"^[0-9a-f]{40}$")
_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_BRANCH = re.compile(r"^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,100}(?<![./])$")
_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")

Action = Literal["written", "appended", "unchanged", "kept"]


@dataclass(frozen=True)
class InitSettings:
    """What ``paperlist init`` was asked to do. None: not said (the defaults or the existing settings)."""

    root: Path
    title: str | None = None  # None: the folder's name
    title_zh: str | None = None
    description: str | None = None
    description_zh: str | None = None
    languages: tuple[str, ...] = ("en",)
    venues: tuple[str, ...] = ()  # (): a topic list without venues
    site_url: str | None = None
    tool_repository: str | None = None  # None: where this paperlist was installed from, else the default
    ref: str | None = None  # the commit the workflows pin; None: the installed one's, else a placeholder
    branch: str = "main"
    sources: tuple[Path, ...] = ()  # --from: lists to import straight away
    venue: str | None = None  # for the import
    year: int | None = None


@dataclass(frozen=True)
class InitFile:
    rel: str
    action: Action
    why: str = ""
    why_zh: str = ""


@dataclass
class InitResult:
    root: Path
    files: list[InitFile] = field(default_factory=list)
    tool_repository: str = DEFAULT_TOOL_REPOSITORY
    ref: str = PLACEHOLDER_REF
    settings_existed: bool = False
    workflow_lines: int = 0  # the lines of YAML of the six workflows an adopter keeps
    imported: ImportResult | None = None
    import_error: str | None = None

    @property
    def placeholder(self) -> bool:
        return self.ref == PLACEHOLDER_REF

    def changed(self) -> list[InitFile]:
        return [f for f in self.files if f.action in ("written", "appended")]

    def exit_code(self) -> int:
        if self.import_error:
            return 2
        return self.imported.exit_code() if self.imported is not None else 0


def workflow_lines(text: str) -> int:
    """The lines an adopter reads and keeps: not blank, not a comment."""
    return sum(1 for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def template(rel: str) -> str:
    return packaged(f"{TEMPLATES}/{rel}").read_text(encoding="utf-8")


def fill(text: str, values: dict[str, str]) -> str:
    """Replace ``@@NAME@@``; a name the template uses but ``values`` lacks is a bug, not a blank."""
    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise KeyError(f"template placeholder @@{m.group(1)}@@ has no value")
        return values[m.group(1)]
    return _PLACEHOLDER.sub(sub, text)


def installed_origin() -> tuple[str, str] | None:
    """(owner/name, commit) when this paperlist was pip-installed from a GitHub repository at a
    commit (pip records it in direct_url.json), else None (a wheel, a checkout)."""
    try:
        raw = metadata.distribution("paperlist").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    try:
        info = json.loads(raw or "null")
    except ValueError:
        return None
    if not isinstance(info, dict):
        return None
    vcs = info.get("vcs_info") or {}
    m = re.fullmatch(r"(?:git\+)?https://github\.com/([^/\s]+/[^/\s]+?)(?:\.git)?/?", str(info.get("url", "")))
    commit = str(vcs.get("commit_id", ""))
    if vcs.get("vcs") == "git" and m and _REPO.match(m.group(1)) and _SHA.match(commit):
        return m.group(1), commit
    return None


# -- the settings ---------------------------------------------------------------------------------
def _text(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if not value:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value) or "<" in value or len(value) > 200:
        raise UsageError(f"{flag}: plain text of at most 200 characters, without HTML or control characters")
    return value


def settings_mapping(s: InitSettings) -> dict[str, Any]:
    """The ``paperlist.yaml`` mapping the flags describe, checked by the settings schema."""
    langs = tuple(dict.fromkeys(s.languages))
    if not langs or langs[0] != "en" or any(lang not in LANGUAGES for lang in langs):
        raise UsageError(f"--languages: en, or en,zh (the languages paperlist ships labels for: "
                         f"{', '.join(LANGUAGES)}), not {','.join(s.languages)}")
    title = _text(s.title, "--title") or s.root.resolve().name or "Papers"
    mapping: dict[str, Any] = {"title": {"en": title}}
    if "zh" in langs and (zh := _text(s.title_zh, "--title-zh")):
        mapping["title"]["zh"] = zh
    if desc := _text(s.description, "--description"):
        mapping["description"] = {"en": desc}
        if "zh" in langs and (dzh := _text(s.description_zh, "--description-zh")):
            mapping["description"]["zh"] = dzh
    mapping["languages"] = list(langs)
    catalogue = known_venue_ids(s.root)
    unknown = [v for v in s.venues if v not in catalogue]
    if unknown:
        raise UsageError(f"--venues: {', '.join(unknown)} not in {VENUES_FILE} (known: {', '.join(sorted(catalogue))});"
                         f" add the venue there, or write it out in {SETTINGS_FILE} after init")
    mapping["venues"] = list(dict.fromkeys(s.venues))
    mapping["site_url"] = s.site_url or None
    validator = validator_for(json.loads(packaged("schema/paperlist.schema.json").read_text(encoding="utf-8")),
                              "paperlist.schema.json")
    for error in validator.iter_errors(mapping):
        where = "/".join(str(p) for p in error.absolute_path) or "settings"
        if where == "site_url":
            raise UsageError(f"--site-url: an https:// address without spaces or quotes, not {s.site_url!r}")
        raise UsageError(f"{where}: {error.message}")
    return mapping


def settings_text(mapping: dict[str, Any]) -> str:
    """paperlist.yaml with a comment on each key; strings as JSON, which is YAML."""
    def q(v: str) -> str:
        return json.dumps(v, ensure_ascii=False)

    def texts(key: str) -> list[str]:
        return [f"{key}:"] + [f"  {lang}: {q(v)}" for lang, v in mapping[key].items()] if key in mapping else []

    venues = mapping["venues"]
    lines = [
        "# What this list is: read by every paperlist command and checked against its schema",
        "# (`paperlist validate` names a bad key and its line). Written by `paperlist init`.",
        *texts("title"), *texts("description"),
        "# The languages the README, pages and site show: [en] or [en, zh].",
        f"languages: [{', '.join(mapping['languages'])}]",
        f"# Venue ids from {VENUES_FILE} (or written out: {{id: MIDL, en: Medical Imaging with Deep Learning}});",
        "# [] makes a topic list: papers/<year>/<key>.yaml.",
        f"venues: [{', '.join(venues)}]",
        "# Topics: the packaged vocabulary unless the list has its own, e.g.",
        "# topics: vocab/tags.yaml",
        "# The searchable site (paperlist site, deployed to GitHub Pages), e.g. https://OWNER.github.io/REPO/.",
        f"site_url: {q(mapping['site_url']) if mapping['site_url'] else ''}".rstrip(),
    ]
    return "\n".join(lines) + "\n"


# -- the other files ------------------------------------------------------------------------------
def issue_form(listed: ListSettings, vocab: Vocabulary) -> str:
    """The add-paper form in the list's languages, its venue dropdown the list's venues (none: no venue field)."""
    src = yaml.safe_load(template("add-paper.yml"))

    def t(v: Any) -> str:
        if isinstance(v, dict):
            return f"{v['en']} / {v['zh']}" if listed.chinese else str(v["en"])
        return str(v)

    def block(v: dict[str, str]) -> str:
        return f"{v['en']}\n{v['zh']}" if listed.chinese else v["en"]

    body: list[dict[str, Any]] = [{"type": "markdown", "attributes": {"value": block(src["intro"])}}]
    for item in src["body"]:
        if item["id"] == "venue" and not vocab.venues:
            continue  # a topic list: papers are placed by year alone
        attrs: dict[str, Any] = {"label": t(item["label"])}
        if "description" in item:
            attrs["description"] = t(item["description"])
        if "placeholder" in item:
            attrs["placeholder"] = item["placeholder"]
        if item["id"] == "venue":
            attrs["options"] = list(vocab.venues)
        elif "options" in item:
            attrs["options"] = [t(o) for o in item["options"]]
        body.append({"type": item["type"], "id": item["id"], "attributes": attrs,
                     "validations": {"required": bool(item.get("required"))}})
    form = {"name": t(src["name"]), "description": t(src["description"]), "title": src["title"],
            "labels": src["labels"], "body": body}
    head = ("# The add-paper issue form (written by `paperlist init`): the bot answers with the file it would\n"
            "# add; a maintainer's label add-paper:approved opens the pull request. The field ids and labels\n"
            "# are what the bot reads; keep the venue options equal to the list's venues.\n")
    return head + yaml.dump(form, Dumper=_FormDumper, sort_keys=False, allow_unicode=True, width=120)


class _FormDumper(yaml.SafeDumper):
    """Multi-line text as a literal block, as people write issue forms."""


_FormDumper.add_representer(str, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:str", v, style="|" if "\n" in v else None))


def _example(listed: ListSettings, vocab: Vocabulary) -> tuple[str, str, str]:
    """(a paper file, its folder, the `paperlist new` line) for CONTRIBUTING.md."""
    venue = next(iter(vocab.venues), None)
    tag = next(iter(vocab.tags), "other")
    lines = ['title: "Attention Is All You Need"']
    if listed.chinese:
        lines.append('title_zh: "注意力就是你所需要的一切"')
    lines += ["authors: [Ashish Vaswani, Noam Shazeer, Niki Parmar]"]
    if venue:
        lines.append(f"venue: {venue}")
    lines += ["year: 2017", 'arxiv: "1706.03762"', f"tags: [{tag}]", "links:",
              '  code: ["https://github.com/tensorflow/tensor2tensor"]']
    folder = "`papers/<venue><year>/`" if venue else "`papers/<year>/`"
    folder += f" (here `papers/{keys.folder_name(venue, 2017)}/`)"
    new = f"paperlist new --arxiv 1706.03762{f' --venue {venue}' if venue else ''} --year 2017 --tag {tag}"
    return "\n".join(lines), folder, new


def _planned(s: InitSettings, listed: ListSettings, repo: str, ref: str) -> list[tuple[str, str]]:
    vocab = Vocabulary.load(s.root)
    title = listed.text("title") or s.root.resolve().name
    desc = listed.text("description") or "A list of papers, kept as data."
    if listed.chinese:
        title = f"{title} · {listed.text('title', 'zh')}" if listed.text("title", "zh") else title
        desc = f"{desc}\n\n{listed.text('description', 'zh')}" if listed.text("description", "zh") else desc
    example, folder, new = _example(listed, vocab)
    values = {"TITLE": title, "DESCRIPTION": desc, "REPO": repo, "REF": ref, "BRANCH": s.branch,
              "BEGIN": markers.BEGIN, "END": markers.END, "EXAMPLE": example, "FOLDER": folder, "NEW": new}
    out = [(markers.README, fill(template("README.md"), values)),
           ("CONTRIBUTING.md", fill(template("CONTRIBUTING.md"), values)),
           (".github/pull_request_template.md", fill(template("pull_request_template.md"), values)),
           (FORM_PATH, issue_form(listed, vocab))]
    out += [(f".github/workflows/{name}", fill(template(f"workflows/{name}"), values)) for name in WORKFLOWS]
    return out


def _kept(rel: str, key: str, **values: Any) -> InitFile:
    """A file left alone, and why in both languages (``init.*`` ids of the message catalogue)."""
    return InitFile(rel, "kept", *both(key, **values))


def _blocked(root: Path, rel: str) -> InitFile | None:
    """``rel`` left alone because it cannot be written safely: a symlink on the way, or a file where
    a folder must be."""
    p = root
    for part in Path(rel).parts:
        p = p / part
        if p.is_symlink():
            return _kept(rel, "init.kept.symlink-on-path", path=p.relative_to(root).as_posix())
        if p != root / rel and p.exists() and not p.is_dir():
            return _kept(rel, "init.kept.file-on-path", path=p.relative_to(root).as_posix())
    return None


def _write_new(root: Path, rel: str, text: str) -> InitFile:
    path = root / rel
    blocked = _blocked(root, rel)
    if blocked:
        return blocked
    if path.exists():
        if not path.is_file():
            return _kept(rel, "init.kept.not-a-file")
        old = path.read_bytes()
        if old == text.encode("utf-8"):
            return InitFile(rel, "unchanged")
        if rel == markers.README and markers.generated_block(old.decode("utf-8", "replace")) is None:
            return _kept(rel, "init.kept.no-block", begin=markers.BEGIN, end=markers.END)
        return _kept(rel, "init.kept.exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as fh:  # "x": never replaces a file
        fh.write(text)
    return InitFile(rel, "written")


def _gitignore(root: Path) -> InitFile:
    rel = ".gitignore"
    path = root / rel
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return _kept(rel, "init.kept.symlink")
    old = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    have = {line.strip() for line in old.splitlines()}
    missing = [line for line in GITIGNORE_LINES if line not in have and line.rstrip("/") not in have]
    if not missing:
        return InitFile(rel, "unchanged")
    add = ("" if not old or old.endswith("\n") else "\n") + "# paperlist: its cache and the built site\n" + \
        "".join(f"{line}\n" for line in missing)
    with open(path, "a", encoding="utf-8", newline="\n") as fh:  # appended, never rewritten
        fh.write(add)
    return InitFile(rel, "appended" if old else "written", *both("init.gitignore", count=len(missing),
                                                                  lines=" ".join(missing)))


def _papers(root: Path) -> InitFile:
    rel = f"{keys.PAPERS_DIR}/.gitkeep"
    papers = root / keys.PAPERS_DIR
    if papers.is_symlink() or (papers.exists() and not papers.is_dir()):
        return _kept(f"{keys.PAPERS_DIR}/", "init.kept.not-a-folder")
    if papers.is_dir() and any(papers.iterdir()):
        return InitFile(f"{keys.PAPERS_DIR}/", "unchanged")
    return _write_new(root, rel, "")


def run_init(s: InitSettings) -> InitResult:
    root = Path(s.root)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: not a folder")
    root.mkdir(parents=True, exist_ok=True)
    origin = installed_origin()
    repo = s.tool_repository or (origin[0] if origin else DEFAULT_TOOL_REPOSITORY)
    ref = s.ref or (origin[1] if origin and not s.tool_repository else PLACEHOLDER_REF)
    if not _REPO.match(repo):
        raise UsageError(f"--tool-repository: owner/name on GitHub, not {repo!r}")
    if not _SHA.match(ref):
        raise UsageError("--ref: a commit SHA of 40 hex digits (a branch or a tag would move under the list)")
    if not _BRANCH.match(s.branch):
        raise UsageError(f"--branch: not a branch name: {s.branch!r}")
    result = InitResult(root=root, tool_repository=repo, ref=ref)
    settings_path = root / SETTINGS_FILE
    result.settings_existed = settings_path.exists() or settings_path.is_symlink()
    if result.settings_existed:
        try:
            same = settings_path.read_text(encoding="utf-8") == settings_text(settings_mapping(s))
        except (OSError, UnicodeDecodeError, PaperlistError):
            same = False
        result.files.append(InitFile(SETTINGS_FILE, "unchanged") if same
                            else _kept(SETTINGS_FILE, "init.kept.settings"))
    else:
        cache, had_cache = root / DEFAULT_CACHE_DIR, (root / DEFAULT_CACHE_DIR).exists()
        try:
            text = settings_text(settings_mapping(s))
        except UsageError:
            if not had_cache:  # reading the venue vocabulary cached it: a refused run leaves nothing behind
                shutil.rmtree(cache, ignore_errors=True)
            raise
        result.files.append(_write_new(root, SETTINGS_FILE, text))
    listed = load_settings(root)  # a bad existing file: ConfigError naming the key (exit 2)
    for rel, text in _planned(s, listed, repo, ref):
        result.files.append(_write_new(root, rel, text))
        if rel.startswith(".github/workflows/"):
            result.workflow_lines += workflow_lines(text)
    result.files.append(_papers(root))
    result.files.append(_gitignore(root))
    if s.sources:
        try:
            result.imported = run_import(ImportSettings(root, list(s.sources), s.venue, s.year))
        except PaperlistError as e:
            result.import_error = str(e)
    return result


def adopter_workflow_lines() -> dict[str, int]:
    """The lines of each workflow ``init`` writes (the figure docs/adopt.md prints)."""
    return {name: workflow_lines(template(f"workflows/{name}")) for name in WORKFLOWS}


__all__ = ["DEFAULT_TOOL_REPOSITORY", "GITIGNORE_LINES", "PLACEHOLDER_REF", "WORKFLOWS", "InitFile", "InitResult",
           "InitSettings", "adopter_workflow_lines", "installed_origin", "run_init", "workflow_lines"]

