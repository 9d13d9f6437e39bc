"""Link classification: what a URL in a list is, by the URL first and its label second.

A list's labels lie now and then (``[paper](https://github.com/…)``, ``[code](arxiv…)``, a title
that merely contains the word "video"), so the URL decides whenever its host says what it is;
the label is asked only for URLs that could be anything (a project page, a PDF on a lab site).
Labels match by whole words: "Code2", "Project Page", "代码地址" are labels, "Video Swin
Transformer" is a title.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from paperlist.infra import identity

# What a URL is, from its host and path alone.
ARXIV, PAPER, CODE, VIDEO, READING, PROJECT, OTHER = "arxiv", "paper", "code", "video", "reading", "project", "other"
IGNORED = "ignored"  # fields a list has and the project does not keep (affiliations)

_REPO_HOSTS = re.compile(r"^(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|gitee\.com|codeberg\.org)$", re.I)
_VIDEO_HOSTS = re.compile(r"(?:^|\.)(?:youtube\.com|youtu\.be|bilibili\.com|b23\.tv|vimeo\.com)$", re.I)
_READING_HOSTS = re.compile(r"(?:^|\.)(?:mp\.weixin\.qq\.com|zhuanlan\.zhihu\.com|zhihu\.com|blog\.csdn\.net|"
                            r"jianshu\.com|cnblogs\.com|medium\.com|towardsdatascience\.com)$", re.I)
_PAPER_HOSTS = re.compile(r"(?:^|\.)(?:doi\.org|openreview\.net|ecva\.net|ieeexplore\.ieee\.org|"
                          r"link\.springer\.com|dl\.acm\.org|papers\.nips\.cc|proceedings\.mlr\.press|"
                          r"semanticscholar\.org)$", re.I)
_PROJECT_HOSTS = re.compile(r"\.github\.io$|\.gitlab\.io$|^sites\.google\.com$", re.I)
_NOT_A_REPO = {"orgs", "topics", "sponsors", "features", "about", "search", "marketplace", "settings"}

# Label words (folded), by what they mean. "other" words are labels too (a link line of them is
# not a title): supplementary material, datasets, demos.
LABEL_WORDS: dict[str, str] = {}
for _kind, _words in {
    PAPER: "paper papers pdf arxiv 论文 论文链接 论文地址 论文下载 文章 文章链接 原文 链接 paperlink 论文pdf "
           "abs abstract",
    CODE: "code codes 代码 论文代码 源码 开源代码 代码链接 代码地址 github gitlab repo repository 官方代码 "
          "开源地址 开源 model models 模型 implementation",
    PROJECT: "project projects 项目 项目链接 项目地址 项目主页 主页 主页地址 homepage home page website web site "
             "projectpage 网站 网页",
    VIDEO: "video videos 视频 youtube bilibili 视频链接 talk",
    READING: "解读 论文解读 解读链接 中文解读 reading blog 博客 paperreading 知乎 zhihu 公众号 wechat 微信",
    OTHER: "supplementary supp supplement material materials dataset datasets data demo slides poster colab notebook "
           "benchmark weights checkpoints leaderboard 数据集 补充材料",
    "authors": "作者 author authors 作者列表",
    "tags": "标签 tag tags 类别 分类 category categories 领域",
    IGNORED: "作者单位 单位 机构 affiliation affiliations institution institutions 备注 note notes 关键词 keywords",
}.items():
    for _w in _words.split():
        LABEL_WORDS.setdefault(_w, _kind)
# Words that qualify a label without changing it ("Official PyTorch Code", "Project link").
_QUALIFIERS = {"official", "unofficial", "pytorch", "tensorflow", "tf", "jax", "paddle", "mindspore", "link", "links",
               "here", "url", "the", "and", "our", "full", "version", "v1", "v2", "new", "online", "&", "pdf格式",
               "地址", "链接", "下载"}
_EMOJI = re.compile(r":[a-z0-9_+-]+:")
_WORD = re.compile(r"[a-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]+")


def fold(label: str) -> str:
    """A label folded for lookup: NFKC, case, emoji codes and punctuation removed."""
    text = unicodedata.normalize("NFKC", _EMOJI.sub("", label)).casefold()
    return re.sub(r"[\W_]+", "", text)


def label_kind(text: str) -> str | None:
    """What a link label says, or None when the text is not a label (a title, a sentence).

    Whole words only: every word must be a label word or a qualifier, so "Code2", "Project Page",
    "[PyTorch Code]" and "代码地址" are labels and "Video Swin Transformer" is not.
    """
    raw = unicodedata.normalize("NFKC", _EMOJI.sub("", text)).casefold().strip()
    if not raw or len(raw) > 40:
        return None
    whole = fold(raw)
    if whole in LABEL_WORDS:
        return LABEL_WORDS[whole]
    kind: str | None = None
    for found in _WORD.findall(raw):
        word = found.rstrip("0123456789") or found  # "code2", "paper1"
        if word in LABEL_WORDS:
            kind = kind or LABEL_WORDS[word]
        elif word in _QUALIFIERS or word.isdigit():
            continue
        elif re.fullmatch(r"[\u3400-\u9fff]+", word) and _cjk_label(word):
            kind = kind or _cjk_label(word)
        else:
            return None
    return kind


def _cjk_label(word: str) -> str | None:
    # Chinese labels run together without spaces ("论文代码地址", "官方开源代码"): match known stems.
    if len(word) > 8:
        return None
    for stem, kind in (("解读", READING), ("代码", CODE), ("开源", CODE), ("主页", PROJECT), ("项目", PROJECT),
                       ("视频", VIDEO), ("论文", PAPER), ("数据", OTHER)):
        if stem in word:
            return kind
    return None


def clean_url(url: str) -> str:
    url = re.sub(r"\s*\u0303", "~", url.strip())  # "/ ̃vgg/": a tilde that went through a PDF
    url = re.sub(r"\s+", "", url).strip("<>").replace("\\_", "_").replace("\\-", "-")
    return url.rstrip(".,;:，。；：、'\"")


def url_ok(url: str) -> bool:
    return len(url) <= 2000 and bool(re.match(r"^https?://[^\s/?#@,]+(?:[/?#]\S*)?$", url))


def is_repo(url: str) -> bool:
    m = re.match(r"^https?://([^/]+)/([^/]+)/([^/?#]+)", url)
    return bool(m and _REPO_HOSTS.match(m.group(1)) and m.group(2).lower() not in _NOT_A_REPO)


def url_kind(url: str) -> str | None:
    """What the URL itself says it is, or None when only a label can tell (a lab page, a PDF)."""
    if identity.arxiv_id(url):
        return ARXIV
    if identity.cvf_paper(url):
        return PAPER
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    if is_repo(url):
        return CODE
    if _VIDEO_HOSTS.search(host):
        return VIDEO
    if _READING_HOSTS.search(host):
        return READING
    if _PAPER_HOSTS.search(host):
        return PAPER
    if _PROJECT_HOSTS.search(host):
        return PROJECT
    return None


def is_paper_link(url: str) -> bool:
    """A link that names a paper (arXiv, CVF/ECVA, DOI, a publisher) or its code: what entries have and
    navigation does not."""
    return url_kind(url) in (ARXIV, PAPER, CODE)
