"""公众号 articles: one HTML fragment per case, model enterprise, person, event and lesson, plus
the campaign report, that keeps its look when pasted into the 公众号 editor.

The editor keeps inline styles and drops <style>, classes and scripts, and links in a post
cannot be clicked. So an article is rendered from templates/wechat/ (Jinja, autoescaped,
reading only the public view: anonymity and consent are already decided in model.py), then

1. rewritten into what the editor's paste keeps (paste_safe.py): boxes as sections, list
   numbers and bullets as text, tables that scroll sideways, every link a numbered reference
   (one number per distinct source, listed at the end with its title),
2. the rules of templates/wechat/article.css are inlined into style="" (css-inline, a
   binding to the Rust crate of the same name) and every class attribute is removed,
3. the written folder is audited against ARTICLE_RULES (audit_rules) before it replaces wechat/.

Images point at the published site (`base_url`); `build.py wechat` (drafts.py) uploads them
to the 公众号 and makes drafts that point at its copies instead.

The articles are written to a folder beside site/ (never inside it: they are not part of
the public site), with an export page that previews each one at phone width and copies it
as rich text. See docs/wechat.md.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import css_inline
from markupsafe import Markup

from campaignkit.common import fstree
from campaignkit.content import report_figures
from campaignkit.content.kinds import KINDS
from campaignkit.content.schema import SITE
from campaignkit.render import memo, templating
from campaignkit.render import output_audit as safety
from campaignkit.view.campaign import Campaign, _filled
from campaignkit.wechat import charts, paste_safe

OUTPUT_DIR = "wechat"  # beside site/
REPORT_ID = "report"
# content folder -> its article's template (the item is named in it as in its page: registry `variable`)
ARTICLES = {
    "cases": "case.html.j2",
    "enterprises": "enterprise.html.j2",
    "people": "person.html.j2",
    "events": "event.html.j2",
    "lessons": "lesson.html.j2",
}


@dataclass(frozen=True)
class Article:
    key: str  # cases/<id>, or report: also the file name under wechat/
    kind_name: str  # 隐患案例, 企业 … (for the export page)
    title: str
    page_url: str  # the stable public URL, for the 公众号's 原文链接 (阅读原文)
    html: str  # the fragment to paste
    digest: str = ""  # the 公众号's 摘要

    def images(self, base_url: str) -> list[tuple[str, str]]:
        """The site's files this article shows, in order: (path in the site, alt text)."""
        base = base_url.rstrip("/") + "/"
        found = []
        for tag in _IMG.findall(self.html):
            src, alt = (html_lib.unescape(m.group(1)) if m else "" for m in (_SRC.search(tag), _ALT.search(tag)))
            if src.startswith(base):
                found.append((src[len(base) :], alt))
        return found


@dataclass(frozen=True)
class ArticleRules:
    """What a pasted article may contain; the safety audit applies these to the wechat/ output
    (site/ has its own, stricter rules: there inline styles are refused instead)."""

    forbidden_tags: tuple[str, ...] = ("style", "script", "link", "iframe", "object", "embed", "form", "input", "svg")
    forbidden_attributes: tuple[str, ...] = ("class", "id")  # the editor drops them: nothing may depend on them
    # What the editor's paste rewrites (paste_safe.py): a div box becomes a plain p, list items
    # lose their style and markers, a link is dropped.
    rewritten_tags: tuple[str, ...] = ("div", "ol", "ul", "li", "a")

    def findings(self, html: str, base_url: str) -> list[str]:
        """What breaks these rules in `html`, read as a browser parses it (text in an attribute
        or escaped text is not a tag), each finding once."""
        parser = _Tags()
        parser.feed(html)
        parser.close()
        base = base_url.rstrip("/") + "/"
        found: list[str] = []
        for tag, attrs in parser.tags:
            if tag in self.forbidden_tags:
                found.append(f"含 <{tag}> 元素")
            elif tag in self.rewritten_tags:
                found.append(f"含 <{tag}>（粘贴时编辑器会改写它）")
            for name, value in attrs:
                if name in self.forbidden_attributes:
                    found.append(f"含 {name}= 属性")
                elif name.startswith("on"):
                    found.append("含事件属性（on…=）")
                elif name == "srcset":
                    found.append("含 srcset=（编辑器不保留）")
                elif name in ("href", "src") and not (value or "").startswith(base):
                    found.append(f"{name}=“{value}”不是本站（{base}）的绝对地址")
                elif name == "style" and "url(" in (value or "").lower():
                    found.append("样式里含 url(…)（编辑器会去掉）")
        return list(dict.fromkeys(found))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag.lower(), [(n.lower(), v) for n, v in attrs]))

    handle_startendtag = handle_starttag


ARTICLE_RULES = ArticleRules()
_CLASS = re.compile(r"\s+class=\"[^\"]*\"")
_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r"\ssrc=\"([^\"]*)\"")
_ALT = re.compile(r"\salt=\"([^\"]*)\"")


def _inline_styles(fragment: str, css: str) -> str:
    inlined = css_inline.inline_fragment(fragment, css, load_remote_stylesheets=False)
    return _CLASS.sub("", inlined)


class ArticleWriter:
    """Renders articles with one Jinja environment for templates/wechat/; with `memo_file`, an
    item's article is remembered between builds with the reads it made (memo.py), as pages are."""

    def __init__(self, campaign: Campaign, templates: Path, memo_file: Path | None = None):
        self.campaign = campaign
        self.site = campaign.site
        self.base = self.site["base_url"].rstrip("/") + "/"
        folder = templates / "wechat"
        self.css = (folder / "article.css").read_text(encoding="utf-8")
        self.env = templating.environment(folder)
        self.env.filters["filled"] = lambda text: report_figures.fill(text, campaign) if text else ""
        self.env.globals.update(absolute=lambda path: urljoin(self.base, path), site=self.site)
        self.memo = None
        if memo_file is not None:
            self.env.context_class = memo.RecordingContext
            self.memo = memo.Memo(memo_file, memo.code_key(folder))
            self.memo.view = memo.View(campaign, {"site": self.site})

    def render(self, key: str, kind_name: str, title: str, page_url: str, template: str, digest: str = "", **context) -> Article:
        def render() -> str:
            return self._fragment(page_url, template, context)

        # The report's figures and illustrations come through functions made here, whose reads
        # are not recorded: it is always rendered (one article).
        remembered = self.memo is not None and key != REPORT_ID
        fragment = self.memo.output(key, (template, page_url, context), render) if self.memo and remembered else render()
        return Article(key, kind_name, title, page_url, fragment, _digest(digest))

    def _fragment(self, page_url: str, template: str, context: dict) -> str:
        body = self.env.get_template(template).render(**context)
        body, references = paste_safe.prepare(body, page_url)
        footer = self.env.get_template("_footer.html.j2").render(references=references)
        fragment = _inline_styles(f'<section class="wx-article">{body}{footer}</section>', self.css)
        # ARTICLE_RULES are applied once, by the audit of the written folder (audit_rules).
        return re.sub(r"\n\s*\n+", "\n", fragment).strip() + "\n"

    def item(self, kind: str, item) -> Article:
        template, name = ARTICLES[kind], KINDS[kind].variable
        title = KINDS[kind].page_title(item)
        digest = KINDS[kind].describe(item, self.site.get("description") or "")
        url = self.base + item.url
        return self.render(f"{kind}/{item.id}", KINDS[kind].section, title, url, template, digest, **{name: item})

    def report(self) -> Article | None:
        if not self.site.get("report"):
            return None
        report = _filled(SITE["properties"]["report"], self.site["report"], {})  # absent fields present, empty
        c = self.campaign
        by_id = {("events", e.id): e for e in c.events} | {("facilities", f.id): f for f in c.facilities}

        def illustrations(measure):
            wanted = [("events", i) for i in measure["events"]] + [("facilities", i) for i in measure["facilities"]]
            return [by_id[w] for w in wanted if w in by_id]  # a draft or hidden item is simply not shown

        rows = [{"label": f.label, "value": f.value(c), "unit": f.unit} for f in report_figures.FIGURES.values()]
        return self.render(
            REPORT_ID,
            "项目报告",
            report["title"],
            self.base,
            "report.html.j2",
            self.site.get("description") or "",
            report=report,
            charts=[
                {"src": chart.path, "alt": chart.alt, "width": chart.width, "height": chart.height, "caption": chart.title}
                for chart in charts.report_charts(c)
            ],
            illustrations=illustrations,
            figure_rows=rows,
            models=c.models,
            teams=c.teams(),
        )


DIGEST_LIMIT = 120  # characters the 公众号 shows of a 摘要


def _digest(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= DIGEST_LIMIT else text[: DIGEST_LIMIT - 1] + "…"


def render_articles(campaign: Campaign, templates: Path, writer: ArticleWriter | None = None) -> list[Article]:
    """Every article of the public view: the report first, then each kind in ARTICLES order.
    `writer`: one that remembers articles between builds (the caller saves its memo)."""
    writer = writer or ArticleWriter(campaign, templates)
    with memo.tracing() if writer.memo is not None else contextlib.nullcontext():
        articles = [a for a in [writer.report()] if a]
        for kind in ARTICLES:
            items = campaign.models if kind == "enterprises" else campaign.items[kind]  # model enterprises only (放样子)
            articles += [writer.item(kind, item) for item in items]
    return articles


SITE_FROM_OUTPUT = "../{site}/"  # where the export page finds the built site's photos
MANIFEST = "articles.json"  # what `build.py wechat` reads: each article's title, address, digest, images
PHOTOS_DIR = "photos"  # each article's images, numbered in article order, for inserting by hand


@dataclass(frozen=True)
class Shown:
    """An article as the export page shows it."""

    article: Article
    fragment: Markup  # what is copied: photos at their public address
    preview: Markup  # what is shown: photos from the site built beside
    images: list[tuple[str, str, str]]  # (number file name, local address, alt) in article order
    photos_dir: str  # where they are, numbered, under wechat/


def write_output(
    articles: list[Article],
    templates: Path,
    target: Path,
    base_url: str,
    site_name: str = "site",
    site_file: Callable[[str], Path] | None = None,
) -> None:
    """Fragments (<key>.html), the manifest (articles.json), each article's images numbered
    (photos/<key>/01.jpg …: links to the site's files, given by `site_file(path in the site)`)
    and the export page (index.html) into `target`.

    `target` may already hold a tree of links to the published articles (pipeline: an
    incremental build): then only what differs is written, and what is no longer wanted goes, so
    a one-case edit writes a few files instead of 3,400 (and the next build deletes as few). A
    file there is never written into: it is the published one.

    The export page copies each fragment as it is (photos at their public https address), but
    shows the photos from the built site beside it (../site/media/…), so an editor can look at
    an article before the site is published."""
    folder = _Folder(target)
    base = base_url.rstrip("/") + "/"
    local = SITE_FROM_OUTPUT.format(site=site_name)
    manifest, shown = [], []
    for a in articles:
        folder.put(f"{a.key}.html", a.html.encode("utf-8"))
        images = a.images(base)
        manifest.append(
            {
                "key": a.key,
                "kind": a.kind_name,
                "title": a.title,
                "page_url": a.page_url,
                "digest": a.digest,
                "images": [rel for rel, _alt in images],
            }
        )
        numbered = []
        for n, (rel, alt) in enumerate(images, 1):
            name = f"{n:02d}{Path(rel).suffix}"
            if site_file is not None:
                folder.link(f"{PHOTOS_DIR}/{a.key}/{name}", site_file(rel))
            numbered.append((name, local + rel, alt))
        preview = Markup(a.html.replace(f'src="{base}', f'src="{local}'))
        shown.append(Shown(a, Markup(a.html), preview, numbered, f"{OUTPUT_DIR}/{PHOTOS_DIR}/{a.key}/"))
    listing = {"base_url": base, "articles": manifest}
    folder.put(MANIFEST, (json.dumps(listing, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    env = templating.environment(templates / "wechat")
    page = env.get_template("export.html.j2").render(
        articles=shown, local_site=local, base_url=base, photos_ready=site_file is not None
    )
    folder.put("index.html", page.encode("utf-8"))
    folder.remove_unwanted()


class _Folder:
    """An output folder that may hold links to the published files: each file is left as it is
    when it already has the wanted bytes (or is already a link to the wanted file), else
    unlinked and written anew; `remove_unwanted` removes everything else."""

    def __init__(self, root: Path):
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.held = dict(fstree.entries(root))
        self.wanted: set[str] = set()
        self._made: set[str] = set()

    def put(self, rel: str, data: bytes) -> None:
        path = self._claim(rel)
        held = self.held.get(rel)
        if held is not None:
            if held.stat().st_size == len(data) and path.read_bytes() == data:
                return
            path.unlink()
        path.write_bytes(data)

    def link(self, rel: str, source: Path) -> None:
        path = self._claim(rel)
        held = self.held.get(rel)
        if held is not None:
            found = os.stat(source)
            if (held.inode(), held.stat().st_dev) == (found.st_ino, found.st_dev):
                return
            path.unlink()
        fstree.link_or_copy(source, path)

    def _claim(self, rel: str) -> Path:
        self.wanted.add(rel)
        parent = os.path.dirname(rel)
        if parent and parent not in self._made and rel not in self.held:
            os.makedirs(self.root / parent, exist_ok=True)
            self._made.add(parent)
        return self.root / rel

    def remove_unwanted(self) -> None:
        gone = [rel for rel in self.held if rel not in self.wanted]
        for rel in gone:
            (self.root / rel).unlink()
        fstree.remove_empty(os.fspath(self.root), {os.path.dirname(rel) for rel in gone})


def audit_rules(base_url: str, clean: safety.KnownClean | None = None):
    """The safety audit's rules (safety.Rule) for a written wechat/ folder: ARTICLE_RULES on every
    fragment. index.html is the export tool, with its own script, and is never pasted anywhere.
    `clean`: fragments found clean before (with this base URL) are not parsed again."""

    def article(path: Path, rel: str, root: Path) -> list[str]:
        if rel == "index.html":
            return []
        data = path.read_bytes()

        def audit() -> list[str]:
            return [f"{OUTPUT_DIR}/{rel}: {f}" for f in ARTICLE_RULES.findings(data.decode("utf-8"), base_url)]

        return audit() if clean is None else clean.findings(base_url.encode() + b"\0" + data, audit)

    return (("**/*.html", article),)
