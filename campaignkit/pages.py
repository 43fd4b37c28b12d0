"""Stage 4a: write the site's Markdown pages (front matter + HTML blocks) into a staging docs folder.

Pages are generated from templates/pages/*.md.j2 with autoescaping and
StrictUndefined: content text is escaped, Markdown fields arrive already
sanitised (markup.py), and a typo in a template fails the build instead of
printing nothing. Item pages are kept out of the navigation (design-notes: the
nav is copied into every page) and reached from section index pages.
"""
from __future__ import annotations

import html
import json
import posixpath
import shutil
from pathlib import Path

from jinja2 import Environment, pass_context
from markupsafe import Markup

from . import charts, templating
from .enums import HAZARD, PHOTO_STAGE, STATUS
from .handouts import Handout, question_text
from .markup import plain_text
from .model import Campaign, Item
from .problems import BuildError
from .templating import cn_date

PAGE_SIZE = 50
DEFAULT_SHARE_IMAGE = "assets/share.png"
SECTIONS = [  # (title, index page): the whole navigation, whatever the amount of content
    ("首页", "index.md"),
    ("隐患案例", "cases/index.md"),
    ("典型示范", "enterprises/index.md"),
    ("党员先锋", "people/index.md"),
    ("安全课堂", "lessons/index.md"),
    ("充电去哪儿", "facilities/index.md"),
    ("巡查记录", "patrols/index.md"),
    ("活动动态", "events/index.md"),
    ("资料下载", "downloads/index.md"),
]
def md_path_to_url(md_path: str) -> str:
    if md_path == "index.md":
        return ""
    if md_path.endswith("/index.md"):
        return md_path[: -len("index.md")]
    return md_path[: -len(".md")] + "/"


@pass_context
def _rel(context, target: str) -> str:
    """Link from the page being rendered to a site-relative target ("" is home; "x/" a page; a file path)."""
    here = context["page_url"]
    base = here.rstrip("/") or "."
    if target.endswith("/") or target == "":
        out = posixpath.relpath(target.rstrip("/") or ".", base)
        return "./" if out == "." else out + "/"
    return posixpath.relpath(target, base)


def environment(templates: Path) -> Environment:
    env = templating.environment(templates, keep_trailing_newline=True)
    env.globals.update(rel=_rel, question_text=question_text)
    return env


class PageWriter:
    """Writes each page once; a second page at the same path is a bug (e.g. an id clash), not an overwrite."""

    def __init__(self, docs_dir: Path, env: Environment, common: dict):
        self.docs_dir = docs_dir
        self.env = env
        self.common = common
        self.written: dict[str, str] = {}

    def write(self, md_path: str, template: str, meta: dict, **context) -> None:
        if md_path in self.written:
            raise BuildError(f"两个页面要写到同一个位置 {md_path}（{self.written[md_path]} 和 {template}），请检查编号")
        self.written[md_path] = template
        url = md_path_to_url(md_path)
        body = self.env.get_template(template).render(**self.common, **context, page_url=url)
        # Material's templates print page.meta raw (MkDocs does not autoescape): escape here.
        meta = {k: html.escape(v) if isinstance(v, str) else v for k, v in meta.items() if v not in (None, "")}
        meta.setdefault("image", DEFAULT_SHARE_IMAGE)
        front = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items())
        target = self.docs_dir / md_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front}\n---\n\n{body}", encoding="utf-8")


def share_image(item: Item) -> str | None:
    """The photo a shared link shows: the hazard ("before"), not the empty corridor after it."""
    photos = item.get("photos") or ([item["photo"]] if item.get("photo") else [])
    before = [p for p in photos if p.get("stage") == PHOTO_STAGE.before.text]
    for photo in before + photos:
        if photo.get("src"):
            return photo["src"]
    return None


def ways(items: list[Item], section_url: str, title_field: str) -> dict[str, dict]:
    """For each item of an ordered list: its section (title and URL, from SECTIONS) and the
    previous and next item, for the links at the foot of an item page."""
    section_title = next(title for title, md in SECTIONS if md_path_to_url(md) == section_url)
    out = {}
    for n, item in enumerate(items):
        prev = items[n - 1] if n else None
        nxt = items[n + 1] if n + 1 < len(items) else None
        out[item.id] = dict(section_url=section_url, section_title=section_title, prev=prev, next=nxt,
                            prev_title=_title(prev, title_field), next_title=_title(nxt, title_field))
    return out


def _title(item: Item | None, field: str) -> str:
    if item is None:
        return ""
    return f"第 {item[field]} 轮巡查" if field == "round" else item[field]


def lesson_description(lesson: Item) -> str:
    """The first two key points as one sentence pair: 。 inside, never 。；."""
    points = [x.rstrip("。；;，, ") for x in lesson["key_points"][:2]]
    return "；".join(points) + "。" if points else ""


def write_docs(campaign: Campaign, docs_dir: Path, templates: Path, handouts: list[Handout],
               page_images: dict | None = None) -> list:
    """Write every page; return the MkDocs nav. page_images: each handout's pages as images, by PDF path."""
    env = environment(templates / "pages")
    by_item: dict[tuple[str, str], list[Handout]] = {}
    for h in handouts:
        by_item.setdefault((h.item_kind, h.item_id), []).append(h)
    site = campaign.site
    common = dict(site=site, campaign=campaign, stats=campaign.stats, handouts=handouts,
                  handouts_for=lambda item: by_item.get((item.folder, item.id), []),
                  pages_of=lambda h: (page_images or {}).get(h.path, []))
    w = PageWriter(docs_dir, env, common)
    desc = site["description"]

    w.write("index.md", "home.md.j2", {"title": site["title"], "description": desc, "hide": ["navigation", "toc"]},
            patrol_chart=Markup(charts.patrol_chart(campaign.patrols)))

    _case_pages(w, campaign)
    w.write("enterprises/index.md", "enterprises.md.j2",
            {"title": "典型示范", "description": "共建区安全生产典型企业和整改到位的企业：放样子、亮群像。"})
    around = ways(campaign.enterprises, "enterprises/", "name")
    for e in campaign.enterprises:
        w.write(f"enterprises/{e.id}.md", "enterprise.md.j2",
                {"title": e["name"], "description": e["honor"] or plain_text(e["story"], 100) or desc,
                 "image": share_image(e)}, e=e, way=around[e.id])
    w.write("people/index.md", "people.md.j2",
            {"title": "党员先锋", "description": "共建区党员志愿服务队和巡查队伍的群像。"})
    around = ways(campaign.people, "people/", "name")
    for p in campaign.people:
        w.write(f"people/{p.id}.md", "person.md.j2",
                {"title": p["name"], "description": f"{p['role'] or ''} {plain_text(p['story'], 80)}".strip() or desc,
                 "image": share_image(p)}, p=p, way=around[p.id])
    w.write("lessons/index.md", "lessons.md.j2", {"title": "安全课堂", "description": "飞线充电危害、消防责任和电池安全课程，可在线学习和答题。"})
    around = ways(campaign.lessons, "lessons/", "title")
    for lesson in campaign.lessons:
        w.write(f"lessons/{lesson.id}.md", "lesson.md.j2",
                {"title": lesson["title"], "description": lesson_description(lesson) or plain_text(lesson["body"], 100) or desc},
                lesson=lesson, way=around[lesson.id])
    w.write("facilities/index.md", "facilities.md.j2",
            {"title": "充电去哪儿", "description": "共建区集中充电处和微型消防站的位置、开放时间和收费。"})
    around = ways(campaign.facilities, "facilities/", "name")
    for f in campaign.facilities:
        w.write(f"facilities/{f.id}.md", "facility.md.j2",
                {"title": f["name"], "description": f"{f['kind']}：{f['address']}", "image": share_image(f)},
                f=f, way=around[f.id])
    w.write("patrols/index.md", "patrols.md.j2",
            {"title": "巡查记录", "description": f"“网格员+党员志愿者+物业人员”巡查 {campaign.stats.patrol_rounds} 轮的记录。"},
            patrol_chart=Markup(charts.patrol_chart(campaign.patrols)))
    around = ways(campaign.patrols, "patrols/", "round")
    for p in campaign.patrols:
        w.write(f"patrols/{p.id}.md", "patrol.md.j2",
                {"title": f"第 {p['round']} 轮巡查", "description": p["note"] or f"{cn_date(p['date'])} 巡查记录"},
                p=p, way=around[p.id])
    w.write("events/index.md", "events.md.j2", {"title": "活动动态", "description": "安全讲座、培训、研讨会等活动。"})
    around = ways(campaign.events, "events/", "title")
    for e in campaign.events:
        w.write(f"events/{e.id}.md", "event.md.j2",
                {"title": e["title"], "description": plain_text(e["summary"], 100) or f"{cn_date(e['date'])} {e['kind'] or '活动'}",
                 "image": share_image(e)}, e=e, way=around[e.id])
    w.write("downloads/index.md", "downloads.md.j2", {"title": "资料下载", "description": "课程讲义、讲座资料包、案例警示单、光荣榜和巡查记录表。"})

    nav = [{title: path} for title, path in SECTIONS]
    about = []
    for page in campaign.pages:
        w.write(f"{page.id}.md", "page.md.j2",
                {"title": page["title"], "description": page["description"] or plain_text(page.body, 100)}, page=page)
        about.append({html.escape(page["title"]): f"{page.id}.md"})
    if len(about) == 1:
        nav += about
    elif about:
        nav.append({"关于": about})
    _copy_assets(templates / "assets", docs_dir / "assets")
    base = site["base_url"].rstrip("/") + "/"
    (docs_dir / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n", encoding="utf-8")
    return nav


def _case_pages(w: PageWriter, campaign: Campaign) -> None:
    cases = campaign.cases
    w.write("cases/index.md", "cases.md.j2",
            {"title": "隐患案例", "description": f"巡查发现的飞线充电等隐患和整改情况，共 {len(cases)} 例。"},
            cases=cases[:PAGE_SIZE], heading="最新案例", pager=_pager("cases/all/", len(cases)), current="cases/",
            status_chart=Markup(charts.horizontal_bars("by-status", "隐患案例按整改状态统计",
                                                       list(campaign.stats.cases_by_status.items()))),
            hazard_chart=Markup(charts.horizontal_bars("by-hazard", "隐患案例按类型统计",
                                                       list(campaign.stats.cases_by_hazard.items()))))
    groups = [("all", "全部案例", "cases/all/", cases)]
    groups += [(v.slug, f"状态：{v.text}", f"cases/status/{v.slug}/", [c for c in cases if c["status"] == v.text])
               for v in STATUS]
    groups += [(v.slug, f"类型：{v.text}", f"cases/hazard/{v.slug}/", [c for c in cases if c["hazard"] == v.text])
               for v in HAZARD]
    for _slug, heading, base, members in groups:
        if not members:
            continue
        pages = max(1, -(-len(members) // PAGE_SIZE))
        for n in range(1, pages + 1):
            md = f"{base}index.md" if n == 1 else f"{base}page-{n}/index.md"
            w.write(md, "cases.md.j2",
                    {"title": f"隐患案例 · {heading}" + (f"（第 {n} 页）" if n > 1 else ""),
                     "description": f"{heading}，共 {len(members)} 例。",
                     "search": {"exclude": True}},  # lists repeat the case pages' text
                    cases=members[(n - 1) * PAGE_SIZE: n * PAGE_SIZE], heading=heading, current=base,
                    pager=_pager(base, len(members), n), status_chart=None, hazard_chart=None)
    around = ways(cases, "cases/", "title")
    for c in cases:
        w.write(f"cases/{c.id}.md", "case.md.j2",
                {"title": c["title"], "description": c["summary"] or plain_text(c["description"], 100),
                 "image": share_image(c)}, c=c, way=around[c.id])


def _pager(base: str, total: int, current: int = 0) -> list[tuple[int, str, bool]]:
    pages = max(1, -(-total // PAGE_SIZE))
    if pages == 1 and current:
        return []
    return [(n, base if n == 1 else f"{base}page-{n}/", n == current) for n in range(1, pages + 1)]


def _copy_assets(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
