"""Editors' Markdown → safe HTML, and plain text → HTML/Markdown-safe text.

Markdown fields are rendered here, not by MkDocs, so that the sanitiser (nh3, a
binding to the Rust `ammonia` crate) sees the final HTML: scripts, event
handlers, iframes, styles, `javascript:`/`data:` links and images from other
hosts never reach a page, a feed or a PDF.
"""
from __future__ import annotations

import html as html_lib
import re

import markdown
import nh3
from markupsafe import Markup

_EXTENSIONS = ["tables", "admonition", "sane_lists", "attr_list"]
_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "sub", "sup", "small",
    "ul", "ol", "li", "blockquote", "code", "pre", "h2", "h3", "h4", "h5", "h6", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "a", "div", "span", "dl", "dt", "dd",
}
_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
_CLASSES = {
    "div": {"admonition", "note", "warning", "tip", "danger", "info", "success", "example", "quote"},
    "p": {"admonition-title"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str | None) -> Markup:
    """Render an editor's Markdown field to sanitised HTML (h1 becomes h2: the page title is the h1)."""
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=_EXTENSIONS, output_format="html")
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    return Markup(sanitize(html))


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
