"""Editors' Markdown → safe HTML, and plain text → HTML/Markdown-safe text.

Markdown fields are rendered here, not by MkDocs, so that the sanitiser (nh3, a
binding to the Rust `ammonia` crate) sees the final HTML: scripts, event
handlers, iframes, styles, `javascript:`/`data:` links and images from other
hosts never reach a page, a feed or a PDF.

Python-Markdown is quadratic (worse for some inputs) in the number of "[" and "<"
in a paragraph, and recurses once per level of list nesting: 20,000 "[" took
minutes and "+ + + + …" overflowed the stack. markdown_problem() tells validation
(with file, line and field) about such text before anything is rendered, and
render_markdown() shows it as escaped plain text if it ever gets that far, so a
pasted oddity can neither hang nor crash a build.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

_EXTENSIONS = ["tables", "admonition", "sane_lists", "attr_list"]
_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "mark",
    "sub",
    "sup",
    "small",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "div",
    "span",
    "dl",
    "dt",
    "dd",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_CLASSES = {
    "div": {"admonition", "note", "warning", "tip", "danger", "info", "success", "example", "quote"},
    "p": {"admonition-title"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}


MAX_BRACKET_DEPTH = 10  # unclosed or nested "[" in one paragraph (see _bracket_depth)
MAX_ANGLE_BRACKETS = 1000  # each "<" may open inline HTML or an autolink
MAX_PAGE_CHARS = 50_000  # free pages (fields have their own limits in schema.py)


def _bracket_depth(text: str) -> int:
    """The deepest "[" of any paragraph, counting a "[" never closed as one level more.

    Python-Markdown scans from each "[" to the end of its paragraph for the matching "]":
    bounding this depth bounds the number of "[" whose scan runs far, so the link parser stays linear."""
    deepest = 0
    for paragraph in re.split(r"\n[ \t]*\n", text):
        depth = 0
        for token in re.findall(r"\\.|[\[\]]", paragraph):
            if token == "[":
                depth += 1
                deepest = max(deepest, depth)
            elif token == "]" and depth:
                depth -= 1
    return deepest


def _too_costly(text: str) -> str | None:
    deepest = _bracket_depth(text)
    if deepest > MAX_BRACKET_DEPTH:
        return (
            f"英文方括号“[”没有配对的“]”或层层嵌套（一段里达到 {deepest} 层，最多 {MAX_BRACKET_DEPTH} 层）："
            "每个“[”都会被当作链接的开头来解析，会让生成极慢；正文里的方括号请改用中文【】，或补上漏写的“]”"
        )
    n = text.count("<")
    if n > MAX_ANGLE_BRACKETS:
        return (
            f"小于号“<”太多（{n} 个，最多 {MAX_ANGLE_BRACKETS} 个）：每个“<”都会被当作网页代码来解析；请改用全角“＜”或文字“小于”"
        )
    return None


def markdown_problem(text: str, max_chars: int | None = None) -> str | None:
    """Why `text` can't be rendered safely and quickly, in Chinese for editors; None when it can."""
    if not isinstance(text, str) or not text:
        return None
    if max_chars and len(text) > max_chars:
        return f"太长（{len(text)} 字），最多 {max_chars} 字，请分成几个页面"
    costly = _too_costly(text)
    if costly:
        return costly
    if _nesting(text) > SAFE_NESTING and _render(text) is None:
        return "列表或引用嵌套太深，无法排版；请减少缩进层级（一般不超过 3 层）"
    return None


# Python-Markdown recurses once per level of block nesting (lists, quotes, indented blocks):
# 150 levels render, a few hundred overflow the stack. Texts nested no deeper than this are
# not rendered at validation time (the pages render them once, later).
SAFE_NESTING = 100
_LEADING = re.compile(r"[ \t]*(?:(?:[-+*]|[0-9]{1,9}[.)])[ \t]+|>[ \t]?)*")


def _nesting(text: str) -> int:
    """An upper bound on the block nesting of any line: its indentation (two columns a level)
    plus the list markers and quote signs it starts with."""
    deepest = 0
    for line in text.split("\n"):
        lead = m.group() if (m := _LEADING.match(line)) else ""
        width = len(lead.expandtabs(4))
        markers = len(re.findall(r"[-+*>]|[0-9]{1,9}[.)]", lead))
        deepest = max(deepest, width // 2 + markers)
    return deepest


def render_markdown(text: str | None) -> Markup:
    """Render an editor's Markdown field to sanitised HTML (h1 becomes h2: the page title is the h1).

    Text that markdown_problem() rejects is never parsed: it is shown escaped, as written."""
    if not text:
        return Markup("")
    text = str(text)
    html = None if _too_costly(text) else _render(text)
    if html is None:
        html = "".join(f"<p>{html_lib.escape(part)}</p>" for part in re.split(r"\n\s*\n", text) if part.strip())
    return Markup(html)


_converter: markdown.Markdown | None = None  # one converter, reset per text: building one costs more than most texts


@lru_cache(maxsize=4096)
def _render(text: str) -> str | None:
    """Sanitised HTML, or None when Python-Markdown cannot parse the text (too deeply nested).

    Cached: the same field is shown on its page, in lists, in the feed and in handouts."""
    global _converter
    if _converter is None:
        _converter = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    try:
        html = _converter.reset().convert(text)
    except RecursionError:
        _converter = None  # possibly left half-way through a document: a fresh one next time
        return None
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    return sanitize(html)


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(text: str | None, limit: int | None = None) -> str:
    """Markdown → one line of plain text (descriptions, feed summaries)."""
    if not text:
        return ""
    html = render_markdown(text)
    out = html_lib.unescape(re.sub(r"\s+", " ", nh3.clean(str(html), tags=set()))).strip()
    if limit and len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out
