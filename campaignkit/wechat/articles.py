"""公众号 articles: one HTML fragment per case, model enterprise, person, event and lesson, plus
the campaign report, that keeps its look when pasted into the 公众号 editor.

The editor keeps inline styles and drops <style>, classes and scripts, and links in a post
cannot be clicked. So an article is rendered from templates/wechat/ (Jinja, autoescaped,
reading only the public view: anonymity and consent are already decided in model.py), then

1. every link becomes a numbered reference listed at the end (its URL made absolute),
2. the rules of templates/wechat/article.css are inlined into style="" (css-inline, a
   binding to the Rust crate of the same name) and every class attribute is removed,
3. the written folder is audited against ARTICLE_RULES (audit_rules) before it replaces wechat/.

The articles are written to a folder beside site/ (never inside it: they are not part of
the public site), with an export page that previews each one at phone width and copies it
as rich text. See docs/wechat.md.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import css_inline
from markupsafe import Markup

from campaignkit.content import report_figures
from campaignkit.content.kinds import KINDS
from campaignkit.content.schema import SITE
from campaignkit.render import memo, templating
from campaignkit.render import output_audit as safety
from campaignkit.view.campaign import Campaign, _filled

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
    page_url: str  # the stable public URL, for 阅读原文
    html: str  # the fragment to paste


@dataclass(frozen=True)
class ArticleRules:
    """What a pasted article may contain; the safety audit applies these to the wechat/ output
    (site/ has its own, stricter rules: there inline styles are refused instead)."""

    forbidden_tags: tuple[str, ...] = ("style", "script", "link", "iframe", "object", "embed", "form", "input")
    forbidden_attributes: tuple[str, ...] = ("class", "id")  # the editor drops them: nothing may depend on them

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
            for name, value in attrs:
                if name in self.forbidden_attributes:
                    found.append(f"含 {name}= 属性")
                elif name.startswith("on"):
                    found.append("含事件属性（on…=）")
                elif name == "srcset":
                    found.append("含 srcset=（编辑器不保留）")
                elif name in ("href", "src") and not (value or "").startswith(base):
                    found.append(f"{name}=“{value}”不是本站（{base}）的绝对地址")
        return list(dict.fromkeys(found))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag.lower(), [(n.lower(), v) for n, v in attrs]))

    handle_startendtag = handle_starttag


ARTICLE_RULES = ArticleRules()
_LINK = re.compile(r"<a\s[^>]*?href=\"([^\"]*)\"[^>]*>(.*?)</a>", re.S)
_CLASS = re.compile(r"\s+class=\"[^\"]*\"")


def _numbered_references(fragment: str, page_url: str) -> tuple[str, list[str]]:
    """Each link → its text and a [n] mark; the URLs (absolute) listed once each, in order."""
    references: list[str] = []

    def replace(match: re.Match) -> str:
        url = urljoin(page_url, html_lib.unescape(match.group(1)))
        if url not in references:
            references.append(url)
        return f"{match.group(2)}<sup>[{references.index(url) + 1}]</sup>"

    return _LINK.sub(replace, fragment), references


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

    def render(self, key: str, kind_name: str, title: str, page_url: str, template: str, **context) -> Article:
        def render() -> str:
            return self._fragment(page_url, template, context)

        # The report's figures and illustrations come through functions made here, whose reads
        # are not recorded: it is always rendered (one article).
        remembered = self.memo is not None and key != REPORT_ID
        fragment = self.memo.output(key, (template, page_url, context), render) if remembered else render()
        return Article(key, kind_name, title, page_url, fragment)

    def _fragment(self, page_url: str, template: str, context: dict) -> str:
        body = self.env.get_template(template).render(**context)
        body, references = _numbered_references(body, page_url)
        footer = self.env.get_template("_footer.html.j2").render(references=references, page_url=page_url)
        fragment = _inline_styles(f'<section class="wx-article">{body}{footer}</section>', self.css)
        # ARTICLE_RULES are applied once, by the audit of the written folder (audit_rules).
        return re.sub(r"\n\s*\n+", "\n", fragment).strip() + "\n"

    def item(self, kind: str, item) -> Article:
        template, name = ARTICLES[kind], KINDS[kind].variable
        title = KINDS[kind].page_title(item)
        return self.render(f"{kind}/{item.id}", KINDS[kind].section, title, self.base + item.url, template, **{name: item})

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
            report=report,
            illustrations=illustrations,
            figure_rows=rows,
            models=c.models,
            teams=c.teams(),
        )


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


def write_output(articles: list[Article], templates: Path, target: Path, base_url: str, site_name: str = "site") -> None:
    """Fragments (<key>.html) and the export page (index.html) into `target`, a fresh folder.

    The export page copies each fragment as it is (photos at their public https address), but
    shows the photos from the built site beside it (../site/media/…), so an editor can look at
    an article before the site is published."""
    target.mkdir(parents=True, exist_ok=True)
    for a in articles:
        path = target / f"{a.key}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(a.html, encoding="utf-8")
    base = base_url.rstrip("/") + "/"
    local = SITE_FROM_OUTPUT.format(site=site_name)
    shown = [(a, Markup(a.html), Markup(a.html.replace(f'src="{base}', f'src="{local}'))) for a in articles]
    env = templating.environment(templates / "wechat")
    page = env.get_template("export.html.j2").render(articles=shown, local_site=local)
    (target / "index.html").write_text(page, encoding="utf-8")


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
