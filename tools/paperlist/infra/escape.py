"""Every way paperlist makes untrusted text inert, in one place.

Strings from paper files and pull requests end up in four languages: the README's Markdown,
the PR comment's Markdown (where GitHub also links @mentions, #123 and bare URLs), GitHub
workflow commands (annotations), and URLs inside ``[label](…)``. Each has its own rules; each
rule is here, once. Every one of them also drops control and bidi characters (shown as U+FFFD,
by :func:`paperlist.infra.textrules.scrub`): defence in depth for text that bypassed validation.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from paperlist.infra.textrules import scrub

_ZWSP = "\u200b"

# -- the README -----------------------------------------------------------------------------------

# One pass per string (str.translate): entities for what HTML reads, backslashes for what Markdown
# reads, and @ as an entity so an @mention in a title stays text instead of pinging someone.
_MD_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;",
                             **{c: "\\" + c for c in "\\`*_[]|~$"}})

_MD_SPECIAL = re.compile(r"[&<>@\\`*_\[\]|~$]")


def md_text(text: str) -> str:
    """Plain text made inert in Markdown and HTML: entities for <, >, &, @; backslashes for markup.

    >>> md_text("a <b>|c</b> @you")
    'a &lt;b&gt;\\\\|c&lt;/b&gt; &#64;you'
    """
    text = scrub(" ".join(text.split()))  # one line; no control or bidi characters, even unvalidated
    # Most titles and names hold nothing to escape, and a search is cheaper than translate.
    return text.translate(_MD_ESCAPES) if _MD_SPECIAL.search(text) else text


_URL_SAFE = re.compile(r"[A-Za-z0-9:/?#\[\]@!$&'*+,;=%~\-._]*")


def md_url(url: str) -> str:
    """A URL that cannot break out of ``[label](…)``: spaces, parentheses and angle brackets escaped."""
    if _URL_SAFE.fullmatch(url):  # the usual case, and quote() walks the string in Python
        return url
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


# -- the PR comment -------------------------------------------------------------------------------

_COMMENT_SPECIAL = re.compile(r"([\\`*_\[\]|~!<>#])")


def inline(text: str, limit: int) -> str:
    """PR text made safe for a Markdown table cell: one line, no HTML, no mentions, no links."""
    text = scrub(" ".join(str(text).split()))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;")
    text = _COMMENT_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1), "\\" + m.group(1)), text)
    # A zero-width space after @ and # stops mentions and issue references; after "://" and
    # "www." it stops GitHub's autolinker from turning PR text into live links.
    text = text.replace("@", "@" + _ZWSP).replace("://", ":" + _ZWSP + "//").replace("www.", "www" + _ZWSP + ".")
    text = re.sub(r"(?<=\\#)", _ZWSP, text)
    return text


def code(text: str, limit: int = 300) -> str:
    """An inline code span for PR text (paths, URLs) that cannot be closed early; table-safe."""
    text = scrub(" ".join(str(text).split()))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    # Inside a table a bare | ends the cell even in a code span; GFM unescapes \| there.
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def fenced(text: str, info: str) -> str:
    """A fenced block whose fence is longer than any backtick run inside, so it cannot be closed."""
    body = scrub(str(text).replace("\r\n", "\n").replace("\r", "\n"))
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body}\n{fence}"


# -- GitHub workflow commands -----------------------------------------------------------------------


def command_data(text: str) -> str:
    """Workflow-command escaping: a newline in a message must not start a new command."""
    return scrub(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def command_property(text: str) -> str:
    """A workflow-command property (``file=…,title=…``): also no ``:`` or ``,`` that would end it."""
    return command_data(text).replace(":", "%3A").replace(",", "%2C")
