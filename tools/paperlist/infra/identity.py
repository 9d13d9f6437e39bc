"""Identity: normalizing the ways people write the same identifier or title.

Everything that decides "is this the same paper?" (the duplicate checker, the importer's
merge) goes through these functions, so an ``abs`` link, a ``pdf/…v2.pdf`` link and
``arXiv:2002.11841`` all become ``2002.11841``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from paperlist.domain import ANNOTATION_WORDS

# New-style ids (0704.0001 … 1412.9999, then 1501.00001 …) and old-style archive/YYMMNNN.
_ARXIV_NEW = r"(?P<new>\d{4}\.\d{4,5})"
_ARXIV_OLD = r"(?P<old>[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})"
_ARXIV_BARE = re.compile(rf"^(?:arxiv:\s*)?(?:{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?$", re.I)
_ARXIV_URL = re.compile(
    rf"arxiv\.org/(?:abs|pdf|html|format|ps)/(?:{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?(?:\.pdf)?(?:[/?#]|$)", re.I
)


def arxiv_id(text: str) -> str | None:
    """The bare arXiv id in an id or URL, without version, or None.

    >>> arxiv_id("https://arxiv.org/pdf/2103.09460v2.pdf")
    '2103.09460'
    >>> arxiv_id("arXiv:cs/0501001v1")
    'cs/0501001'
    """
    text = text.strip()
    m = _ARXIV_BARE.match(text) or _ARXIV_URL.search(text)
    if not m:
        return None
    if m.group("new"):
        new = m.group("new")
        # Since 1501 the number has five digits: "2103.0946" is a cut-off id (an unquoted YAML
        # float loses its trailing zero), not a paper.
        if (len(new) == 10) != (new[:4] >= "1501"):
            return None
        return new
    old = m.group("old")
    archive, num = old.split("/", 1)
    # The archive name is lower-case; the subject class (math.GT) keeps its capitals.
    if "." in archive:
        name, subject = archive.split(".", 1)
        archive = f"{name.lower()}.{subject.upper()}"
    else:
        archive = archive.lower()
    return f"{archive}/{num}"


_DOI = re.compile(r"(10\.\d{4,9}/[^\s\"<>]+)", re.I)


def doi(text: str) -> str | None:
    """A DOI in canonical (lower-case, no prefix) form: ``https://doi.org/10.1109/X`` → ``10.1109/x``."""
    text = unquote(text.strip())
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", text, flags=re.I)
    m = _DOI.match(text)
    return m.group(1).rstrip(".").lower() if m else None


_GITHUB = re.compile(r"^(?:www\.)?github\.com$", re.I)
_GH_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def github_repo(url: str) -> str | None:
    """``owner/repo`` (lower-case) for a GitHub repository URL or any page inside it, else None.

    >>> github_repo("https://github.com/Megvii-BaseDetection/OTA.git/")
    'megvii-basedetection/ota'
    >>> github_repo("https://github.com/google-research/google-research/tree/master/smurf")
    'google-research/google-research'
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not _GITHUB.match(parts.hostname or ""):
        return None
    segs = [s for s in parts.path.split("/") if s]
    if len(segs) < 2:
        return None
    owner, repo = segs[0], segs[1]
    repo = repo.removesuffix(".git")
    if not (_GH_NAME.match(owner) and _GH_NAME.match(repo)) or owner.lower() in ("orgs", "topics", "sponsors"):
        return None
    return f"{owner}/{repo}".lower()


def github_subpath(url: str) -> str:
    """The part of a GitHub URL below the repository (``tree/master/smurf``), lower-cased, or ''."""
    try:
        segs = [s for s in urlsplit(url.strip()).path.split("/") if s]
    except ValueError:
        return ""
    rest = segs[2:]
    if len(rest) >= 2 and rest[0] in ("tree", "blob"):
        rest = rest[2:]  # drop the branch: master and main are the same place for identity
    return "/".join(rest).lower()


_CVF = re.compile(
    r"openaccess\.thecvf\.com/content(?:_[A-Za-z]+_?\d{4})?/(?:[^/]+/)*(?:papers|html|supplemental)/"
    r"(?P<name>[^/?#]+?)(?:_paper|_supplemental)?\.(?:pdf|html)",
    re.I,
)


def cvf_paper(url: str) -> str | None:
    """The CVF open-access paper name (``Xiang_Zooming_Slow-Mo_…_CVPR_2020``) for its PDF or HTML page."""
    m = _CVF.search(url)
    return m.group("name").lower() if m else None


def canonical_url(url: str) -> str:
    """A URL folded for comparison: scheme-less, lower-case host, no ``www.``, no trailing slash or fragment."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


# -- titles ------------------------------------------------------------------------------------

_TRAILING_TRANSLATION = re.compile(
    r"\s*(?:[\(（][^\(（\)）]*[\u3400-\u9fff][^\(（\)）]*[\)）]"
    # 【…】 may hold a nested 【category】: "Title【【遥感图像】…】"
    r"|【(?:[^【】]|【[^【】]*】)*[\u3400-\u9fff](?:[^【】]|【[^【】]*】)*】)\s*$"
)
_TRAILING_VENUE = re.compile(
    r"\s*[\(（\[【]?\s*(?:cvpr|iccv|eccv|wacv|neurips|nips|iclr|icml|aaai)[\s'-]*(?:\d{2}|\d{4})?"
    rf"(?:\s*(?:{ANNOTATION_WORDS}))?\s*[\)）\]】]?\s*$",
    re.I,
)
_CLOSERS = (")", "）", "】")
_VENUE_NAMES = ("cvpr", "iccv", "eccv", "wacv", "neurips", "nips", "iclr", "icml", "aaai")
_LEADING_CJK_BRACKET = re.compile(r"^\s*【[^】]*】\s*")
_NON_WORD = re.compile(r"[\W_]+")


MAX_TITLE = 1000


def strip_title_decorations(title: str) -> str:
    """Remove what lists append to a title: a Chinese translation in (full-width) brackets, a
    trailing "(CVPR 2021)"-style venue, a leading 【category】.

    Titles are cut to ``MAX_TITLE`` characters first: the trailing-bracket patterns are
    anchored at the end and cost quadratic time on a hostile 60 kB "title" (the schema
    allows 300; dupes compares files that fail the schema too).
    """
    text = unicodedata.normalize("NFKC", title[:MAX_TITLE]).strip()
    if text.startswith("【"):
        text = _LEADING_CJK_BRACKET.sub("", text)
    for _ in range(3):  # "Title (CVPR 2021)(中文)" has both, in either order
        # The patterns are anchored at the end and tried at every position: test first what each
        # needs (a closing bracket last, a venue's name somewhere), as most titles have neither.
        new = text
        if new[-1:] in _CLOSERS:
            new = _TRAILING_TRANSLATION.sub("", new)
        low = new.lower()
        if any(v in low for v in _VENUE_NAMES):
            new = _TRAILING_VENUE.sub("", new)
        new = new.strip()
        if new == text:
            break
        text = new
    return text or unicodedata.normalize("NFKC", title[:MAX_TITLE]).strip()


def normalize_title(title: str) -> str:
    """Title folded for exact comparison: decorations removed, NFKC, case, punctuation and spacing.

    >>> normalize_title("UPFlow:Upsampling Pyramid for Unsupervised Optical Flow(中文)")
    'upflow upsampling pyramid for unsupervised optical flow'
    """
    return fold_title(strip_title_decorations(title))


def fold_title(stripped: str) -> str:
    """:func:`normalize_title` of a title already through :func:`strip_title_decorations`
    (features fold and cut the prefix off the same stripped title: stripping is the costly part)."""
    return " ".join(_NON_WORD.sub(" ", stripped.casefold()).split())


def title_key(title: str) -> str:
    """The normalized title with every space removed: ``UPFlow:Upsampling`` and ``UPFlow: Upsampling``,
    ``Pre-training`` and ``Pretraining`` fold to the same key.

    >>> title_key("UPFlow:Upsampling Pyramid") == title_key("UPFlow: Up-sampling pyramid")
    True
    """
    return normalize_title(title).replace(" ", "")


# A short name before a colon ("HOTR: …", "StyleMapGAN: …") that lists often drop.
_TITLE_PREFIX = re.compile(r"^\s*[^:：\s][^:：]{0,40}?\s*[:：]\s*(?=\S)")


def drop_title_prefix(title: str) -> str | None:
    """The title without its leading ``Name:`` part, or None when it has none.

    >>> drop_title_prefix("StyleMapGAN: Exploiting Spatial Dimensions of Latent in GAN")
    'Exploiting Spatial Dimensions of Latent in GAN'
    """
    return drop_stripped_prefix(strip_title_decorations(title))


def drop_stripped_prefix(text: str) -> str | None:
    """:func:`drop_title_prefix` of a title already through :func:`strip_title_decorations`."""
    m = _TITLE_PREFIX.match(text)
    if not m:
        return None
    rest = text[m.end():]
    return rest if len(rest.split()) >= 3 else None


_AUTHOR_MARKS = re.compile(r"[\d*†‡§¶#&^]+")


def author_key(name: str) -> str:
    """An author folded for overlap tests: accents, affiliation marks and case removed, first initial
    plus family name (``"Qi Tian1"`` → ``"q tian"``, ``"Tian, Qi"`` → ``"q tian"``)."""
    if name.isascii():  # most names: nothing to decompose or strip
        text = name
    else:
        text = unicodedata.normalize("NFKD", name)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _AUTHOR_MARKS.sub(" ", text).casefold()
    if "," in text:  # "Family, Given"
        family, _, given = text.partition(",")
        text = f"{given} {family}"
    words = [w for w in _NON_WORD.sub(" ", text).split() if w]
    if not words:
        return ""
    if len(words) == 1 or all(ord(c) > 0x2E7F for c in "".join(words)):
        return "".join(words)  # one-word or CJK names: the whole name
    return f"{words[0][0]} {words[-1]}"
