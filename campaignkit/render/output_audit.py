"""The last gate before publishing: audit the finished site for HTML the kit never writes.

markup.py sanitises editors' Markdown and the page templates escape plain text, so
nothing here should ever fire. It exists because a page is assembled by several
hands (Jinja templates, MkDocs' own Markdown pass over the generated pages, the
Material theme, the feed and search index writers): a template that puts an editor's
text where Markdown is parsed again (a heading line, a paragraph) would turn
`[x](javascript:…)` or `{: onclick=… }` into live HTML. The audit reads the output
the way a browser would and refuses to publish:

- a <script> that is not one of the theme's or the kit's (assets/…, Material's inline
  bootstrap and its JSON config);
- any on*= event handler attribute;
- a javascript:, vbscript: or data: URL in a link, source, form action or refresh;
- <iframe>, <frame>, <object>, <embed>, <applet>, <base> or a <style> element;
- the same in the search index (its texts are HTML fragments) and a feed or sitemap
  that is not well-formed XML or links to anything but http(s).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from campaignkit.common import fstree

FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "cite",
    "longdesc",
    "manifest",
    "ping",
    "lowsrc",
    "dynsrc",
    "codebase",
    "icon",
}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript|mocha)\s*:", re.I)
# Browsers ignore ASCII whitespace and control characters inside a URL scheme (java\tscript:).
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
# Inline scripts Material writes on every page (no content in them): accepted as they are.
_THEME_INLINE = ("__md_scope=new URL(", "var target=document.getElementById(location.hash.slice(1));")


def bad_url(value: str) -> bool:
    return bool(_BAD_SCHEME.match(_IGNORED_IN_SCHEME.sub("", value or "")))


class _Auditor(HTMLParser):
    def __init__(self, where: str, site_root: Path | None, page_dir: str, site_path: str = "/"):
        super().__init__(convert_charrefs=True)
        self.site_path = "/" + site_path.strip("/") + "/" if site_path.strip("/") else "/"
        self.where = where
        self.site_root = site_root
        self.page_dir = page_dir
        self.findings: list[str] = []
        self._script: dict | None = None
        self._script_text: list[str] = []

    def _add(self, what: str) -> None:
        self.findings.append(f"{self.where}: {what}")

    def handle_starttag(self, tag, attrs):
        self._check_tag(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check_tag(tag, attrs)
        if tag == "script":
            self._end_script()

    def _check_tag(self, tag, attrs):
        tag = tag.lower()
        if tag in FORBIDDEN_TAGS:
            self._add(f"<{tag}> 元素")
        for name, value in attrs:
            name = (name or "").lower()
            if name.startswith("on"):
                self._add(f"<{tag}> 带事件属性 {name}=")
            elif name in URL_ATTRIBUTES and value and bad_url(value):
                self._add(f"<{tag}> 的 {name} 是 {value[:40]!r}")
            elif name == "srcset" and value and any(bad_url(part.strip()) for part in value.split(",")):
                self._add(f"<{tag}> 的 srcset 含危险网址")
            elif (
                tag == "meta"
                and name == "content"
                and value
                and re.search(r"url\s*=\s*['\"]?\s*(javascript|vbscript|data)\s*:", value, re.I)
            ):
                self._add("<meta> 刷新跳转到危险网址")
        if tag == "script":
            self._script = dict(attrs)
            self._script_text = []

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag.lower() == "script" and self._script is not None:
            self._end_script()

    def _end_script(self):
        attrs, text = self._script or {}, "".join(self._script_text).strip()
        self._script = None
        src = attrs.get("src")
        if src is None and attrs.get("type") == _AFTER_PAINT:
            src = attrs.get("data-src") or ""  # started by on-demand.js: a script all the same
        if src is not None:
            if not self._kit_script(src):
                self._add(f"<script src={src[:60]!r}> 不是本站自带的脚本")
            return
        if attrs.get("id") == "__config" and attrs.get("type") == "application/json":
            try:
                json.loads(text)
            except ValueError:
                self._add("<script id=__config> 不是合法的 JSON")
            return
        if text.startswith(_THEME_INLINE):
            return
        self._add(f"<script> 内嵌脚本不是本站自带的：{text[:40]!r}")

    def _kit_script(self, src: str) -> bool:
        """A script file the theme or the kit ships: under assets/ of this site, present in the site.

        Relative URLs resolve against the page's folder; absolute paths (MkDocs writes them into
        404.html) against the site's own path, so a site served below /sub/ has /sub/assets/….js."""
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I) or "?" in src or "#" in src:
            return False
        if src.startswith("/"):
            path = posixpath.normpath(src)
            if not (path + "/").startswith(self.site_path):
                return False
            target = path[len(self.site_path) :]
        else:
            target = posixpath.normpath(posixpath.join(self.page_dir, src))
        if target.startswith("../") or not target.startswith("assets/") or not target.endswith(".js"):
            return False
        return self.site_root is None or (self.site_root / target).is_file()


# Fast path: a page whose text has none of the things the audit looks for, outside the theme's and
# the kit's own <script> elements in their exact shapes, is clean without being parsed. The test
# is looser than the audit (any "on" after a space, quote or slash; a scheme anywhere, even across
# ignorable characters; any character reference that could spell one): whatever it finds, the
# page is audited in full. It works on the UTF-8 bytes, lower-cased, with C-speed translations.
_SEPARATORS = bytes(range(0x21)) + b"\"'/`"  # what may precede an attribute name
_AS_SPACE = bytes.maketrans(_SEPARATORS, b" " * len(_SEPARATORS))
_IGNORABLE = bytes(range(0x21)) + b"\x7f"  # dropped from a URL scheme by the audit (and browsers)
_SCHEMES = tuple(f"{word}:".encode() for word in ("javascript", "vbscript", "data", "livescript", "mocha"))
_REFERENCES = (b"&#", b"&colon", b"&tab", b"&newline", b"&fjlig")  # character references that can spell a scheme
_TAG = re.compile(rb"<[\x00-\x20/]*(?:script|" + "|".join(sorted(FORBIDDEN_TAGS)).encode() + rb")")


def _suspicious(text: str) -> bool:
    raw = text.encode("utf-8", "surrogatepass").lower()
    if b" on" in raw.translate(_AS_SPACE) or any(ref in raw for ref in _REFERENCES) or _TAG.search(raw):
        return True
    squeezed = raw.translate(None, _IGNORABLE)
    return any(scheme in squeezed for scheme in _SCHEMES)


# The shape templates/overrides/main.html gives the theme's scripts so that on-demand.js starts
# them after the first paint: a data block (a type no browser runs) that names the file in
# data-src (a data block may not have a src); the full audit checks it as it checks a src.
_AFTER_PAINT = "text/x-after-paint"
_KIT_SCRIPT = re.compile(
    r'<script(?: defer| async)? (?:type="' + _AFTER_PAINT + r'" data-)?src="([^"<>&]*)"></script>'
    r'|<script id="__config" type="application/json">(.*?)</script>'
    r"|<script>(.*?)</script>",
    re.S,
)


def _plainly_clean(text: str, site_root: Path | None, page_dir: str, site_path: str = "/") -> bool:
    """True when `text` certainly has no finding; False means "audit it in full", not "unsafe"."""
    auditor = None  # made for a page's scripts only: a search index has 5,000 fragments without one
    parts, last = [], 0
    for match in _KIT_SCRIPT.finditer(text):
        src, config, inline = match.groups()
        if src is not None:
            auditor = auditor or _Auditor("", site_root, page_dir, site_path)
            if not auditor._kit_script(src):
                return False
        if config is not None:
            if "</" in config:
                return False
            try:
                json.loads(config)
            except ValueError:
                return False
        if inline is not None and ("</" in inline or not inline.strip().startswith(_THEME_INLINE)):
            return False
        parts.append(text[last : match.start()])
        last = match.end()
    parts.append(text[last:])
    return not any(_suspicious(part) for part in parts)


def audit_html(text: str, where: str = "", site_root: Path | None = None, page_dir: str = ".", site_path: str = "/") -> list[str]:
    """Findings (Chinese, one line each) for one HTML document or fragment; empty when clean.
    site_path: the path the site is served below (the path of base_url, "/" at a host's root)."""
    if _plainly_clean(text, site_root, page_dir, site_path):
        return []
    auditor = _Auditor(where, site_root, page_dir, site_path)
    auditor.feed(text)
    auditor.close()
    if auditor._script is not None:  # an unterminated <script> runs to the end of the page
        auditor._end_script()
    return auditor.findings


def _audit_xml(path: Path, where: str) -> list[str]:
    try:
        tree = ElementTree.parse(path)
    except ElementTree.ParseError as exc:
        return [f"{where}: 不是合法的 XML（{exc}）"]
    findings = []
    for element in tree.iter():
        local = element.tag.rsplit("}", 1)[-1].lower()
        if local in FORBIDDEN_TAGS | {"script"}:
            findings.append(f"{where}: <{local}> 元素")
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1].lower() in URL_ATTRIBUTES and not re.match(r"^https?://", value.strip()):
                findings.append(f"{where}: 链接不是 http(s) 网址：{value[:40]!r}")
        if local == "loc" and not re.match(r"^https?://", (element.text or "").strip()):
            findings.append(f"{where}: 网址不是 http(s)：{(element.text or '')[:40]!r}")
    return findings


def html_page(path: Path, rel: str, root: Path, site_path: str = "/") -> list[str]:
    """Rule for a page of the site: no script the kit did not ship, no handler, no dangerous URL, no frame or style."""
    return audit_html(path.read_text(encoding="utf-8", errors="replace"), rel, root, posixpath.dirname(rel) or ".", site_path)


class KnownClean:
    """Things found clean by an earlier audit, by digest (`known`), and the ones found clean in this
    one (`used`: what the next audit may know): the search index's fragments, the 公众号 articles."""

    def __init__(self, known: Iterable[str] = ()):
        self.known = set(known)
        self.used: set[str] = set()

    def findings(self, what: bytes, audit: Callable[[], list[str]]) -> list[str]:
        """`audit()`'s findings for `what` (everything the verdict depends on), or none when the
        same was found clean before."""
        key = hashlib.blake2b(what, digest_size=16).hexdigest()
        if key in self.known:
            self.used.add(key)
            return []
        found = audit()
        if not found:
            self.used.add(key)
        return found

    def audit(self, text: str, where: str) -> list[str]:
        """audit_html's findings for an HTML fragment."""
        return self.findings(text.encode("utf-8", "surrogatepass"), lambda: audit_html(text, where))


def search_index(path: Path, rel: str, root: Path, clean: KnownClean | None = None) -> list[str]:
    """Rule for MkDocs' search index: its titles and texts are HTML fragments, audited as pages are.
    `clean`: fragments found clean before (an incremental build's index is the last one's but for
    the pages it rebuilt)."""
    try:
        docs = json.loads(path.read_text(encoding="utf-8")).get("docs", [])
    except ValueError:
        return [f"{rel}: 不是合法的 JSON"]
    findings = []
    for doc in docs:
        where = f"{rel}（{doc.get('location', '')}）"
        for key in ("title", "text"):
            if isinstance(doc.get(key), str):
                findings += audit_html(doc[key], where) if clean is None else clean.audit(doc[key], where)
        if bad_url(doc.get("location", "")):
            findings.append(f"{where}: 危险网址")
    return findings


def xml_document(path: Path, rel: str, root: Path) -> list[str]:
    """Rule for the feed and the sitemap: well-formed XML, no script or frame, links only to http(s)."""
    return _audit_xml(path, rel)


# An output's audit rules: (glob pattern of the files it writes, relative to the site root; rule).
Rule = tuple[str, Callable[[Path, str, Path], list[str]]]


def audit_site(root: Path, rules: list[Rule], site_path: str = "/", everything: list[str] | None = None) -> list[str]:
    """Every finding in a built tree, each file checked by the rules of the outputs that wrote it.
    site_path: the path of base_url; pages resolve absolute script paths against it. `everything`:
    the tree's files (fstree.files), when the caller has them."""
    root = Path(root)
    findings: list[str] = []
    checked: set[tuple[str, object]] = set()
    everything = fstree.files(root) if everything is None else everything
    for pattern, rule in rules:
        for rel in fstree.select(everything, pattern):
            path = root / rel
            if (rel, rule) not in checked:
                checked.add((rel, rule))
                findings += html_page(path, rel, root, site_path) if rule is html_page else rule(path, rel, root)
    return findings
