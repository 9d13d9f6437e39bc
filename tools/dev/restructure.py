"""Move paperlist's flat modules into layer packages and rewrite every reference to them.

A one-shot developer script, kept so the move can be re-applied to a branch that forked before it:
``python tools/dev/restructure.py [ROOT]`` on a tree still in the old layout (it refuses otherwise), or
``python tools/dev/restructure.py --rewrite-only OLD_CHECKOUT FILE…`` (from the repository root) for
files written against the old layout after the move.
It rewrites imports with Python's own parser (relative imports become absolute, ``from paperlist
import mod`` follows the module to its new package), replaces ``paperlist.<old>`` and
``paperlist/<old>`` references in code, docs, workflows and settings, then ``git mv``s the files.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

# old top-level module or package under paperlist/ -> its place in the layered package
MAP: dict[str, str] = {
    # project: what a list is made of, loaded and written one way
    "keys": "project.keys",
    "loader": "project.loader",
    "papers": "project.papers",
    "configfile": "project.configfile",
    "vocab": "project.vocab",
    "settings": "project.settings",
    "writer": "project.writer",
    "yamlhints": "project.yamlhints",
    "index": "project.index",
    # infra: shared machinery with no knowledge of papers
    "textrules": "infra.textrules",
    "identity": "infra.identity",
    "escape": "infra.escape",
    "fsutil": "infra.fsutil",
    "parallel": "infra.parallel",
    "cachedir": "infra.cachedir",
    "gitdiff": "infra.gitdiff",
    "arxivapi": "infra.arxiv",
    # checks: what can be wrong with a paper
    "validate": "checks.validate",
    "dupes": "checks.dupes",
    "links": "checks.links",
    # output: views over the papers and the findings
    "render": "output.entries",
    "pages": "output.render",
    "markers": "output.markers",
    "reporting": "output.reporting",
    "comment": "output.comment",
    "site": "output.site",
    # sources: where papers come from
    "contribute": "sources.new",
    "importer": "sources.importer",
    # github: the pull-request loop
    "check": "github.check",
    "post": "github.post",
    "github": "github.client",
    "issueform": "github.issueform",
}

LAYERS = {
    "project": "What a list is made of: paper files, their loader and index, keys, settings, vocabularies, writing.",
    "infra": "Machinery that knows nothing of paper files: text, identifiers, files, pools, caches, git, arXiv.",
    "checks": "What can be wrong with a paper: schema and rules (validate), duplicates, links.",
    "output": "Views over the papers and the findings: README and pages, reporters, the PR comment, the site.",
    "sources": "Where papers come from: ``paperlist new`` and the importer.",
    "github": "The pull-request loop on GitHub: the PR check, the client, posting, and the issue form.",
}

_TOKEN = re.compile(r"\bpaperlist([./])(" + "|".join(sorted(MAP, key=len, reverse=True)) + r")(?![A-Za-z0-9_])")


def _replace_tokens(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        sep, old = m.group(1), m.group(2)
        return "paperlist" + sep + MAP[old].replace(".", sep)

    return _TOKEN.sub(sub, text)


def new_module(mod: str) -> str:
    parts = mod.split(".")
    if parts[0] != "paperlist" or len(parts) < 2 or parts[1] not in MAP:
        return mod
    return ".".join(["paperlist", *MAP[parts[1]].split("."), *parts[2:]])


class Rewriter:
    def __init__(self, pkg_root: Path) -> None:
        self.pkg_root = pkg_root  # tools/paperlist, old layout

    def is_module(self, mod: str) -> bool:
        rel = Path(*mod.split(".")[1:])
        return (self.pkg_root / rel).with_suffix(".py").is_file() or (self.pkg_root / rel / "__init__.py").is_file()

    def package_of(self, path: Path) -> str | None:
        try:
            rel = path.resolve().relative_to(self.pkg_root.resolve().parent)
        except ValueError:
            return None
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            return ".".join(parts[:-1])
        return ".".join(parts[:-1])

    def absolute(self, node: ast.ImportFrom, path: Path) -> str:
        if node.level == 0:
            return node.module or ""
        pkg = self.package_of(path)
        assert pkg is not None, path
        base = pkg.split(".")
        if node.level > 1:
            base = base[: -(node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def rewrite_from(self, node: ast.ImportFrom, path: Path, indent: str) -> str | None:
        mod = self.absolute(node, path)
        if not mod.startswith("paperlist") or (node.level == 0 and new_module(mod) == mod and not any(
                self.is_module(f"{mod}.{a.name}") and new_module(f"{mod}.{a.name}") != f"{mod}.{a.name}"
                for a in node.names)):
            return None
        groups: dict[str, list[str]] = {}
        for a in node.names:
            full = f"{mod}.{a.name}"
            if a.name != "*" and self.is_module(full):
                target = new_module(full)
                frm, leaf = target.rsplit(".", 1)
                name = leaf if leaf == a.name and a.asname is None else f"{leaf} as {a.asname or a.name}"
            else:
                frm, name = new_module(mod), a.name + (f" as {a.asname}" if a.asname else "")
            groups.setdefault(frm, []).append(name)
        return "\n".join(f"{indent}from {frm} import {', '.join(names)}" for frm, names in groups.items())

    def rewrite_import(self, node: ast.Import, indent: str) -> str | None:
        if not any(a.name.startswith("paperlist.") and new_module(a.name) != a.name for a in node.names):
            return None
        names = [new_module(a.name) + (f" as {a.asname}" if a.asname else "") for a in node.names]
        return f"{indent}import {', '.join(names)}"

    def python(self, path: Path, text: str) -> str:
        tree = ast.parse(text)
        lines = text.splitlines(keepends=True)
        edits: list[tuple[int, int, str]] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                first = lines[node.lineno - 1]
                indent = first[: len(first) - len(first.lstrip())]
                new = (self.rewrite_from(node, path, indent) if isinstance(node, ast.ImportFrom)
                       else self.rewrite_import(node, indent))
                if new is not None:
                    assert node.end_lineno is not None
                    tail = lines[node.end_lineno - 1][node.end_col_offset or 0:].strip()
                    if tail.startswith("#"):  # keep a trailing comment (a noqa, a reason)
                        new = "\n".join(f"{line}  {tail}" for line in new.split("\n"))
                    edits.append((node.lineno - 1, node.end_lineno, new + "\n"))
        taken: set[int] = set()
        for a, b, _ in edits:
            taken.update(range(a, b))
        out: list[str] = []
        starts = {a: (b, new) for a, b, new in edits}
        i = 0
        while i < len(lines):
            if i in starts:
                b, new = starts[i]
                out.append(new)
                i = b
                continue
            out.append(_replace_tokens(lines[i]))
            i += 1
        return "".join(out)


def main(root: Path) -> None:
    pkg = root / "tools" / "paperlist"
    if (pkg / "project").exists() or not (pkg / "pages.py").exists():
        sys.exit("restructure: this tree is not in the old layout")
    rw = Rewriter(pkg)
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                           capture_output=True, check=True).stdout.decode().split("\0")
    texts = (".py", ".md", ".toml", ".yml", ".yaml", ".sh", ".cfg", ".txt", ".json", ".js", "run")
    for rel in filter(None, files):
        p = root / rel
        if not p.is_file() or p.is_symlink() or not rel.endswith(texts) or rel.startswith("papers/"):
            continue
        if rel == "tools/dev/restructure.py":
            continue
        try:
            old = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # test inputs that are deliberately not UTF-8
            continue
        new = rw.python(p, old) if rel.endswith(".py") else _replace_tokens(old)
        if new != old:
            p.write_text(new, encoding="utf-8")
    for layer, doc in LAYERS.items():
        (pkg / layer).mkdir(exist_ok=True)
        (pkg / layer / "__init__.py").write_text(f'"""{doc}"""\n', encoding="utf-8")
    for old, new in MAP.items():
        src = pkg / f"{old}.py" if (pkg / f"{old}.py").is_file() else pkg / old
        parts = new.split(".")
        dst = pkg.joinpath(*parts) if src.is_dir() else pkg.joinpath(*parts[:-1], parts[-1] + ".py")
        subprocess.run(["git", "mv", str(src), str(dst)], cwd=root, check=True)
    subprocess.run(["git", "add", *[str(pkg / layer / "__init__.py") for layer in LAYERS]], cwd=root, check=True)
    # Two modules find files relative to themselves, now one folder deeper.
    for rel, old, new in [
        ("project/configfile.py", "Path(__file__).resolve().parents[2]", "Path(__file__).resolve().parents[3]"),
        ("project/index.py", "base = Path(__file__).parent\n", "base = Path(__file__).parents[1]\n"),
    ]:
        f = pkg / rel
        text = f.read_text(encoding="utf-8")
        if old in text:
            f.write_text(text.replace(old, new), encoding="utf-8")


def rewrite_only(old_tree: Path, files: list[Path]) -> None:
    """Rewrite references in files written against the old layout (a branch merged after the move);
    ``old_tree`` is a checkout of the old layout, to tell modules from other names."""
    rw = Rewriter(old_tree / "tools" / "paperlist")
    for p in files:
        old = p.read_text(encoding="utf-8")
        if p.suffix == ".py":
            # relative imports resolve against where the file stood in the old layout
            rel = p.resolve().relative_to(Path.cwd())
            new = rw.python(old_tree / rel, old)
        else:
            new = _replace_tokens(old)
        if new != old:
            p.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--rewrite-only":
        rewrite_only(Path(sys.argv[2]).resolve(), [Path(a) for a in sys.argv[3:]])
    else:
        main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve())
