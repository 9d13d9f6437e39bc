"""Rebuild pairs.yaml, the labelled duplicate set, from the real lists in shared/.

    python tests/data/dupes/build_pairs.py ../shared > tests/data/dupes/pairs.yaml

Only facts are taken (titles, Chinese titles, authors, arXiv ids, code URLs); variants that
lists are known to produce are applied to real titles and marked ``synthetic``. Deterministic.
"""

from __future__ import annotations

import itertools
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools"))
from paperlist.infra.identity import arxiv_id, github_repo, normalize_title, strip_title_decorations


def entries(shared: Path) -> list[dict]:
    out: list[dict] = []

    def add(src: str, title: str, block: str) -> None:
        urls = re.findall(r"https?://[^\s)<>｜|\]]+", block)
        paper = next((u for u in urls if arxiv_id(u)), None)
        code = [u for u in urls if github_repo(u)][:1]
        au = re.search(r"作者：(.*?)<br>", block)
        authors = [a.strip() for a in au.group(1).split(",")] if au else []
        out.append({"src": src, "title": title.strip(), "paper": paper, "code": code, "authors": authors})

    t = (shared / "corpus/extreme-assistant-CVPR2021.md").read_text()
    for m in re.finditer(r"^\[(\d+)\]\s*(.+?)<br>(.*?)(?=^\[\d+\]|^#|\Z)", t, re.M | re.S):
        add(f"CVPR2021.md [{m.group(1)}] line {t.count(chr(10), 0, m.start()) + 1}", m.group(2), m.group(3))
    t = (shared / "corpus/extreme-assistant-CVPR2020.md").read_text()
    for m in re.finditer(r"^(\d+)\.\s*(.+?)\s*<br>(.*?)(?=^\d+\.|^#|\Z)", t, re.M | re.S):
        add(f"CVPR2020.md {m.group(1)}. line {t.count(chr(10), 0, m.start()) + 1}", m.group(2), m.group(3))
    t = (shared / "seeds/000_9d525f71f184ff30.txt").read_text()
    for m in re.finditer(r"^\*\*(\d+)\.\s*(.+?)\*\*.*?<br>(.*?)(?=^\*\*|\Z)", t, re.M | re.S):
        add(f"seed 2020 **{m.group(1)}.** line {t.count(chr(10), 0, m.start()) + 1}", m.group(2), m.group(3))
    return out


def paper(e: dict, *, ids: bool = True, authors: bool = True, title: str | None = None) -> dict:
    p: dict = {"title": title or e["title"]}
    if authors and e["authors"]:
        p["authors"] = e["authors"]
    links: dict = {}
    if ids and e["paper"]:
        links["paper"] = e["paper"]
    if ids and e["code"]:
        links["code"] = e["code"]
    if links:
        p["links"] = links
    return p


def with_id(p: dict, form: str) -> dict:
    if form.startswith("http"):
        p["links"] = {"paper": form}
    else:
        p["arxiv"] = form
    return p


def main(shared: Path) -> None:
    rnd = random.Random(7)
    E = entries(shared)
    pairs: list[dict] = []

    def pair(pid: str, same: bool, expect: str, note: str, a: dict, b: dict) -> None:  # noqa: PLR0917
        pairs.append({"id": pid, "same": same, "expect": expect, "note": note, "a": a, "b": b})

    # -- real duplicates inside the lists --------------------------------------------------
    by_ax: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(E):
        if e["paper"]:
            by_ax[arxiv_id(e["paper"])].append(i)
    seen_forms: set[tuple] = set()
    n = 0
    for ax, idx in sorted(by_ax.items()):
        for i, j in itertools.combinations(idx, 2):
            a, b = E[i], E[j]
            form = (a["paper"] != b["paper"], a["title"] != b["title"],
                    normalize_title(a["title"]) != normalize_title(b["title"]))
            interesting = form[0] or form[2] or (form[1] and n % 3 == 0)
            if not interesting and (ax in seen_forms or rnd.random() > 0.25):
                continue
            seen_forms.add(ax)
            n += 1
            pair(f"real-same-arxiv-{ax}-{i}-{j}", True, "error",
                 f"listed twice: {a['src']} / {b['src']}", paper(a), paper(b))
            if form[2]:  # the titles differ too: must also be caught without the ids
                pair(f"real-title-only-{ax}-{i}-{j}", True, "warning",
                     f"same pair without links: {a['src']} / {b['src']}", paper(a, ids=False), paper(b, ids=False))
    # Same title, one copy without a link (only the title can tell).
    by_title: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(E):
        by_title[normalize_title(e["title"])].append(i)
    for _t, idx in sorted(by_title.items()):
        for i, j in itertools.combinations(idx, 2):
            a, b = E[i], E[j]
            if a["paper"] and b["paper"]:
                continue
            pair(f"real-same-title-{i}-{j}", True, "warning", f"listed twice, not both linked: {a['src']} / {b['src']}",
                 paper(a), paper(b))

    # -- near misses: different papers with close titles (different arXiv ids) -----------------
    from rapidfuzz import fuzz

    names = [normalize_title(e["title"]) for e in E]
    near: list[tuple[float, int, int]] = []
    for i in range(len(E)):
        for j in range(i + 1, len(E)):
            ai, aj = E[i]["paper"], E[j]["paper"]
            if not (ai and aj) or arxiv_id(ai) == arxiv_id(aj) or names[i] == names[j]:
                continue
            s = fuzz.ratio(names[i], names[j], score_cutoff=66)
            if s:
                near.append((s, i, j))
    near.sort(reverse=True)
    done: set[frozenset] = set()
    for s, i, j in near:
        key = frozenset((names[i], names[j]))
        if key in done:
            continue
        done.add(key)
        a, b = E[i], E[j]
        pair(f"near-miss-{arxiv_id(a['paper'])}-{arxiv_id(b['paper'])}", False, "none",
             f"different papers, title similarity {s:.0f}: {a['src']} / {b['src']}", paper(a), paper(b))
        if s >= 70:  # the hardest ones must hold without ids as well
            pair(f"near-miss-title-only-{arxiv_id(a['paper'])}-{arxiv_id(b['paper'])}", False, "none",
                 f"same near miss without links (similarity {s:.0f})", paper(a, ids=False), paper(b, ids=False))

    # -- one code repository, several papers --------------------------------------------------
    by_repo: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(E):
        for c in e["code"]:
            by_repo[github_repo(c)].append(i)
    for repo, idx in sorted(by_repo.items()):
        for i, j in itertools.combinations(idx, 2):
            a, b = E[i], E[j]
            if a["paper"] and b["paper"] and arxiv_id(a["paper"]) != arxiv_id(b["paper"]):
                pair(f"shared-repo-{repo.replace('/', '-')}-{i}-{j}", False, "none",
                     f"one repository, two papers: {a['src']} / {b['src']}", paper(a), paper(b))

    # -- variants lists produce, applied to real titles (synthetic) -------------------------
    pool = list({arxiv_id(e["paper"]): e for e in E
                 if e["paper"] and len(normalize_title(e["title"]).split()) >= 5}.values())
    rnd.shuffle(pool)
    base = [e for e in pool if ":" in e["title"]][:12] + [e for e in pool if ":" not in e["title"]][:12]

    def plain(e: dict) -> str:
        return strip_title_decorations(e["title"])

    def zh(e: dict) -> str | None:
        m = re.search(r"[(（]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]\s*$", e["title"])
        return m.group(1) if m else None

    for k, e in enumerate(base):
        t = plain(e)
        ax = arxiv_id(e["paper"])
        variants: list[tuple[str, str]] = []
        if ":" in t:
            variants.append(("colon-spacing", re.sub(r":\s*", ":", t, count=1)))
            head, _, rest = t.partition(":")
            if len(head.split()) <= 2:  # lists drop a short name ("HOTR:"), not a main title
                variants.append(("prefix-dropped", rest.strip()))
        variants.append(("case", t.lower() if k % 2 else t.upper()))
        variants.append(("translation", f"{t}（{zh(e) or '中文标题'}）" if k % 2 else f"{t}【{zh(e) or '中文标题'}】"))
        variants.append(("venue-suffix", f"{t} (CVPR 2021)" if k % 2 else f"{t} [CVPR2021 Oral]"))
        words = t.split()
        if len(words) >= 9:
            variants.append(("truncated", " ".join(words[:-1])))
        for name, v in variants:
            pair(f"variant-{name}-{ax}", True, "warning", f"synthetic: {name} of {e['src']}",
                 {"title": t}, {"title": v})
        forms = [f"https://arxiv.org/abs/{ax}", f"https://arxiv.org/pdf/{ax}v2.pdf", f"arXiv:{ax}v1",
                 f"https://arxiv.org/abs/{ax}v3", f"http://export.arxiv.org/abs/{ax}", f"https://arxiv.org/html/{ax}v2"]
        fa, fb = forms[k % len(forms)], forms[(k + 1 + k // len(forms)) % len(forms)]
        pair(f"variant-arxiv-forms-{ax}", True, "error", f"synthetic: {fa} vs {fb}, translation appended",
             with_id({"title": t}, fa), with_id({"title": f"{t}（{zh(e) or '中文'}）"}, fb))
    print("# Labelled duplicate pairs from the real lists in shared/, generated by build_pairs.py (do not edit;")
    print("# hand-written cases live in pairs-handwritten.yaml).")
    print("# same: true = one paper listed twice; expect: the least severity the check must give")
    print("# (error = identifier-certain, warning = likely), or none = must not be an error or warning.")
    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: object) -> bool:
            return True

    print(yaml.dump(pairs, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=200), end="")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared"))
