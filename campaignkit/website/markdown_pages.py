"""Stage 4a: the site's Markdown pages (front matter + HTML blocks), for the staging docs folder.

Pages are generated from templates/pages/*.md.j2 with autoescaping and
StrictUndefined: content text is escaped, Markdown fields arrive already
sanitised (markup.py), and a typo in a template fails the build instead of
printing nothing. Item pages are kept out of the navigation (design-notes: the
nav is copied into every page) and reached from section index pages.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, pass_context
from markupsafe import Markup
from pymdownx.slugs import slugify

from campaignkit.common.problems import BuildError
from campaignkit.content.enums import HAZARD, STATUS
from campaignkit.content.kinds import KINDS
from campaignkit.content.markup import plain_text, render_markdown
from campaignkit.handouts.pdf_render import Handout
from campaignkit.render import memo, qrcodes, templating
from campaignkit.render import svg_charts as charts
from campaignkit.view.campaign import Campaign, PublicItem, Stats
from campaignkit.website import share_cards as share_images
from campaignkit.website.linked_files import SiteFiles
from campaignkit.website.share_cards import ShareImages

PAGE_SIZE = 50
DEFAULT_SHARE_IMAGE = share_images.image_paths("")[0]  # the home page's card


def md_path_to_url(md_path: str) -> str:
    if md_path == "index.md":
        return ""
    if md_path.endswith("/index.md"):
        return md_path[: -len("index.md")]
    return md_path[: -len(".md")] + "/"


@pass_context
def _rel(context, target: str) -> str:
    """Link from the page being rendered to a site-relative target ("" is home; "x/" a page; a file path)."""
    return _relative(target, context["page_url"])


@lru_cache(maxsize=65536)
def _relative(target: str, here: str) -> str:
    """Cached: list pages link the same few targets from the same page thousands of times."""
    base = here.rstrip("/") or "."
    if target.endswith("/") or target == "":
        out = _relpath(target.rstrip("/") or ".", base)
        return "./" if out == "." else out + "/"
    return _relpath(target, base)


def _relpath(target: str, base: str) -> str:
    """posixpath.relpath for two clean site-relative paths ("." is the root), without its
    os.getcwd() and abspath per call (27,000 calls at 1,000 cases)."""
    to = [] if target == "." else target.split("/")
    at = [] if base == "." else base.split("/")
    common = 0
    while common < min(len(to), len(at)) and to[common] == at[common]:
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


# Headings in editors' Markdown get ids from their words, as the pages' own headings do
# (mkdocs.yml: toc slugify): 什么是“飞线充电” → #什么是飞线充电. Material's search starts a section
# at a heading with an id, so a lesson's sections are found under their own titles. Editors set no
# ids themselves (the sanitiser drops them: one could clobber the theme's __search); the 公众号
# articles, which may carry no id, render the same Markdown without them.
_slugify = slugify(case="lower")
_HEADING = re.compile(r"<h([2-6])>(.*?)</h\1>", re.S)


def heading_ids(rendered: str) -> Markup:
    used: set[str] = set()

    def with_id(match: re.Match) -> str:
        words = html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
        base = _slugify(words, "-").lstrip("_-") or "section"
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        return f'<h{match.group(1)} id="{html.escape(slug)}">{match.group(2)}</h{match.group(1)}>'

    return Markup(_HEADING.sub(with_id, str(rendered)))


# No line break inside a time or a range of times (6:00—22:00), a number and its unit (900 ℃,
# 24 个车位) or a short word a reader takes in at a glance (免费, 网格员): on a 375 px phone a
# line broke between 协管 and 员. Wrapped in .ck-nb (white-space: nowrap) in the site's pages.
_UNITS = (
    "℃|°C|%|％|秒钟?|分钟|小时|天|米|公里|千米|个|人|名|处|辆|座|家|轮|页|元|万|亿|起|次|层|伏|瓦|千瓦时|度|公斤|千克|年|月|日|号"
)
_TOGETHER = re.compile(
    r"\d{1,2}[:：]\d{2}(?:\s*[—–~～\-至到]+\s*\d{1,2}[:：]\d{2})?"
    r"|\d+(?:[.,]\d+)*\s?(?:" + _UNITS + r")"
    r"|免费|收费|协管员|网格员|志愿者|党员|充电器|充电桩|灭火器|电动车|电动自行车|集中充电处|微型消防站|消防站|119"
)
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def keep_together(value) -> Markup:
    """Text (escaped) or HTML (Markup) with its times, numbers with units and short words in
    no-break spans; the text of links and of existing no-break spans is left as it is."""
    rendered = str(value if isinstance(value, Markup) else Markup.escape(value))
    out, depth = [], 0  # depth: inside an <a> or a .ck-nb span
    for part in _TAG_OR_TEXT.split(rendered):
        if part.startswith("<"):
            if re.match(r"<(a\b|span class=\"ck-nb\")", part):
                depth += 1
            elif depth and re.match(r"</(a|span)>", part):
                depth -= 1
            out.append(part)
        elif depth:
            out.append(part)
        else:
            out.append(_TOGETHER.sub(lambda m: f'<span class="ck-nb">{m.group()}</span>', part))
    return Markup("".join(out))


_TABLE = re.compile(r"<table>(.*?)</table>", re.S)


def labelled_cells(rendered: str) -> Markup:
    """Each cell of an editor's table carries its column's heading (data-label), so that on a
    narrow phone a row can be shown as a small card, each value under its label (campaign.css)."""

    def label(table: re.Match) -> str:
        inner = table.group(1)
        heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th\b[^>]*>(.*?)</th>", inner, re.S)]
        if not heads:
            return table.group(0)

        def row(tr: re.Match) -> str:
            cells = iter(heads)
            return re.sub(r"<td\b", lambda _: f'<td data-label="{html.escape(next(cells, ""))}"', tr.group(0))

        return "<table>" + re.sub(r"<tr>.*?</tr>", row, inner, flags=re.S) + "</table>"

    return Markup(_TABLE.sub(label, str(rendered)))


def environment(templates: Path) -> Environment:
    env = templating.environment(templates, keep_trailing_newline=True)
    env.globals.update(rel=_rel)
    env.filters["md"] = lambda text: keep_together(labelled_cells(heading_ids(render_markdown(text))))
    env.filters["keep_together"] = keep_together
    env.context_class = memo.RecordingContext  # records the shared variables a page resolves (memo.py)
    return env


class PageWriter:
    """Writes each page once; a second page at the same path is a bug (e.g. an id clash), not an overwrite."""

    def __init__(
        self,
        env: Environment,
        common: dict,
        files: SiteFiles,
        share: ShareImages | None = None,
        qr_cache: Path | None = None,
        remembered: memo.Memo | None = None,
    ):
        self.files = files  # the site's files: the pages' QR codes
        self.memo = remembered
        self.qr_cache = qr_cache
        self.env = env
        self.common = common
        self.share = share
        self.written: dict[str, str] = {}  # path → template
        self.pages: dict[str, str] = {}  # path → the page's text

    def write(self, md_path: str, template: str, meta: dict, item=None, **context) -> None:
        """`item`: the page is an item's own page: its photo goes on the share images, and the
        page gets a downloadable QR code."""
        if md_path in self.written:
            raise BuildError(f"两个页面要写到同一个位置 {md_path}（{self.written[md_path]} 和 {template}），请检查编号")
        self.written[md_path] = template
        url = md_path_to_url(md_path)
        body = self._body(md_path, template, url, context)
        site = self.common["site"]
        if self.share is not None:
            meta = {**meta, **self.share.for_page(url, meta["title"], _section_label(url, site), item)}
        if item is not None:
            meta.update(qrcodes.write(site["base_url"].rstrip("/") + "/" + url, url, self.files, self.qr_cache))
        # Material's templates print page.meta raw (MkDocs does not autoescape): escape here.
        meta = {k: html.escape(v) if isinstance(v, str) else v for k, v in meta.items() if v not in (None, "")}
        meta.setdefault("image", DEFAULT_SHARE_IMAGE)
        if any(isinstance(v, PublicItem) and getattr(v, "draft", False) is True for v in context.values()):
            meta["draft"] = True  # only with drafts included (the preview): banner and noindex (main.html)
        front = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items())
        self.pages[md_path] = f"---\n{front}\n---\n\n{body}"

    def _body(self, md_path: str, template: str, url: str, context: dict) -> str:
        """The page's Markdown: rendered, or remembered from an earlier build when the template
        and every value it read are the same (memo.py)."""

        def render() -> str:
            return self.env.get_template(template).render(**self.common, **context, page_url=url)

        return render() if self.memo is None else self.memo.output(md_path, (template, url, context), render)


def _section_label(url: str, site: dict) -> str:
    """What a page's share images say it is: its section (隐患案例 …), the site for home."""
    first = url.split("/")[0]
    if not url:
        return site["title"]
    if first in KINDS:
        return KINDS[first].section
    return "资料下载" if first == "downloads" else "关于"


def ways(kind, items: list) -> dict[str, dict]:
    """For each item of a section's ordered list: the section (title, URL) and the previous and
    next item, for the links at the foot of an item page."""
    out = {}
    for n, item in enumerate(items):
        prev = items[n - 1] if n else None
        nxt = items[n + 1] if n + 1 < len(items) else None
        out[item.id] = dict(
            section_url=f"{kind.folder}/",
            section_title=kind.section,
            prev=prev,
            next=nxt,
            prev_title=kind.page_title(prev) if prev else "",
            next_title=kind.page_title(nxt) if nxt else "",
        )
    return out


def write_docs(
    campaign: Campaign,
    docs_dir: Path,
    templates: Path,
    handouts: list[Handout],
    share: ShareImages | None = None,
    page_images: dict | None = None,
    qr_cache: Path | None = None,
    memo_file: Path | None = None,
    files: SiteFiles | None = None,
    staged: dict[str, str] | None = None,
) -> list:
    """Write every page; return the MkDocs nav. `share` collects each page's share images;
    page_images: each handout's pages as images, by PDF path (handout_pages.py); `memo_file`:
    where page renders are remembered between builds (None: every page is rendered); `files`:
    the site's files, the pages' QR codes among them (linked into the docs folder unless given);
    `staged`: receives each page's text by its path instead of the docs folder (the build writes
    only the pages that changed into the folder MkDocs reads: incremental.py)."""
    env = environment(templates / "pages")
    by_item: dict[tuple[str, str], list[Handout]] = {}
    for h in handouts:
        by_item.setdefault((h.item_kind, h.item_id), []).append(h)
    site = campaign.site
    common = dict(site=site, campaign=campaign, stats=campaign.stats, handouts=handouts)
    # Lookups in tables the build made are recorded per key: a page reads its own item's handouts.
    view = memo.View(campaign, dict(common), {"handouts": by_item, "page_images": page_images or {}})
    common.update(
        handouts_for=view.lookup("handouts", lambda item: (item.folder, item.id), []),
        pages_of=view.lookup("page_images", lambda h: h.path, []),
    )
    remembered = None
    if memo_file is not None:
        remembered = memo.Memo(memo_file, memo.code_key(templates / "pages"))
        remembered.view = view
    with memo.tracing() if remembered is not None else contextlib.nullcontext():
        writer = PageWriter(env, common, files or SiteFiles(docs_dir), share, qr_cache, remembered)
        nav = _write_pages(writer, campaign)
    if remembered is not None:
        remembered.save()
    if staged is None:
        write_files(writer.pages, docs_dir)
    else:
        staged.update(writer.pages)
    _copy_assets(templates / "assets", docs_dir / "assets")
    base = site["base_url"].rstrip("/") + "/"
    (docs_dir / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n", encoding="utf-8")
    return nav


def _write_pages(w: PageWriter, campaign: Campaign) -> list:
    site = campaign.site
    desc = site["description"]
    patrol_chart = Markup(charts.patrol_chart(campaign.patrols))

    w.write(
        "index.md",
        "home.md.j2",
        {"title": site["title"], "description": desc, "hide": ["navigation", "toc"]},
        patrol_chart=patrol_chart,
    )
    nav: list[dict[str, Any]] = [{"首页": "index.md"}]
    for kind in KINDS.values():
        items = campaign.items[kind.folder]
        extra = SECTION_PAGES.get(kind.folder)
        context = extra(w, campaign) if extra else {}
        w.write(
            f"{kind.folder}/index.md",
            kind.list_template,
            {"title": kind.section, "description": kind.section_description(campaign)},
            kind=kind,
            items=items,
            **context,
        )
        around = ways(kind, items)
        for item in items:
            meta: dict[str, object] = {"title": kind.page_title(item), "description": kind.describe(item, desc)}
            if not kind.in_search:
                meta["search"] = {"exclude": True}
            w.write(
                f"{kind.folder}/{item.id}.md", kind.page_template, meta, item=item, way=around[item.id], **{kind.variable: item}
            )
        nav.append({kind.section: f"{kind.folder}/index.md"})
    # A kind with a handout per item (a case sheet per case: 1,000 at 1,000 cases) lists a list
    # page's worth; the rest are on their items' pages (the page was 650 KB at 1,000 cases).
    w.write(
        "downloads/index.md",
        "downloads.md.j2",
        {"title": "资料下载", "description": "课程讲义、讲座资料包、案例警示单、光荣榜和巡查记录表。"},
        per_group=PAGE_SIZE,
        sections={kind.folder: (kind.section, f"{kind.folder}/") for kind in KINDS.values()},
    )
    nav.append({"资料下载": "downloads/index.md"})

    about: list[dict[str, str]] = []
    for page in campaign.pages:
        w.write(
            f"{page.id}.md",
            "page.md.j2",
            {"title": page.title, "description": page.description or plain_text(page.body, 100)},
            page=page,
        )
        about.append({html.escape(page.title): f"{page.id}.md"})
    if len(about) == 1:
        nav += about
    elif about:
        nav.append({"关于": about})
    return nav


def _case_section(w: PageWriter, campaign: Campaign) -> dict:
    """The case section's lists by status and by hazard (paginated); returns the index page's variables."""
    cases = campaign.cases
    groups = [("全部案例", "cases/all/", cases, None)]
    groups += [(f"状态：{v.text}", f"cases/status/{v.slug}/", [c for c in cases if c.status == v.text], None) for v in STATUS]
    groups += [(f"类型：{v.text}", f"cases/hazard/{v.slug}/", [c for c in cases if c.hazard == v.text], None) for v in HAZARD]
    # a lesson with more cases than its page shows (presentation.LESSON_CASES_SHOWN): all of them
    groups += [(f"课程：{x.title}", x.shown.cases_url, x.related_cases, x) for x in campaign.lessons if x.shown.more_cases]
    for heading, base, members, lesson in groups:
        if not members:
            continue
        pages = max(1, -(-len(members) // PAGE_SIZE))
        for n in range(1, pages + 1):
            md = f"{base}index.md" if n == 1 else f"{base}page-{n}/index.md"
            w.write(
                md,
                "cases.md.j2",
                {
                    "title": f"隐患案例 · {heading}" + (f"（第 {n} 页）" if n > 1 else ""),
                    "description": f"{heading}，共 {len(members)} 例。",
                    "search": {"exclude": True},
                },  # lists repeat the case pages' text
                cases=members[(n - 1) * PAGE_SIZE : n * PAGE_SIZE],
                heading=heading,
                lesson=lesson,
                current=base,
                pager=_pager(base, len(members), n),
                status_chart=None,
                hazard_chart=None,
            )
    return dict(
        cases=cases[:PAGE_SIZE],
        heading="最新案例",
        pager=_pager("cases/all/", len(cases)),
        current="cases/",
        status_chart=Markup(
            charts.horizontal_bars("by-status", "隐患案例按整改状态统计", list(_stats(campaign).cases_by_status.items()))
        ),
        hazard_chart=Markup(
            charts.horizontal_bars("by-hazard", "隐患案例按类型统计", list(_stats(campaign).cases_by_hazard.items()))
        ),
    )


def _patrol_section(w: PageWriter, campaign: Campaign) -> dict:
    return dict(patrol_chart=Markup(charts.patrol_chart(campaign.patrols)))


# Sections whose index page needs more than the kind's items (charts, filtered lists).
SECTION_PAGES = {"cases": _case_section, "patrols": _patrol_section}


def _pager(base: str, total: int, current: int = 0) -> list[tuple[int, str, bool]]:
    pages = max(1, -(-total // PAGE_SIZE))
    if pages == 1 and current:
        return []
    return [(n, base if n == 1 else f"{base}page-{n}/", n == current) for n in range(1, pages + 1)]


def write_files(staged: dict[str, str], docs_dir: Path) -> None:
    """Pages (path → text) into a docs folder."""
    made: set[Path] = set()  # a thousand case pages share one folder
    for md_path, text in staged.items():
        target = docs_dir / md_path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(text, encoding="utf-8")


def _copy_assets(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)


def _stats(campaign: Campaign) -> Stats:
    """The campaign's figures, which the public view always counts (view.campaign.build_campaign)."""
    assert campaign.stats is not None
    return campaign.stats
