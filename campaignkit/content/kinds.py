"""The registry of content kinds: each kind declared once, everything else reads it.

A kind is a folder of content/ (one YAML file an item), a schema (schema.py: the one
definition of its fields), a URL, page templates and its place in the site. The loader,
validator, model, media stage, page writer, redirects, sitemap, feed, search index and the
generated interfaces (field reference, `new`, forms, spreadsheets) all iterate `KINDS`
instead of naming kinds; which fields are photos and which are references to which kind
is read from the schema (`x-photo`, `x-ref`), never listed a second time.

Adding a kind: one `Kind(...)` below (with its schema in schema.py) and its page template
in templates/pages/. See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from campaignkit.content import schema
from campaignkit.content.dates import cn_date
from campaignkit.content.markup import plain_text

# A feed entry: (date, title, summary); an item without a date to publish under stays out (None).
FeedEntry = tuple[str, str, str]


@dataclass(frozen=True, eq=False)
class Kind:
    folder: str  # content/<folder>/ and the URL section <folder>/<id>/
    name: str  # what one item is called in messages: 找不到{name}“x”
    schema: dict
    section: str  # navigation title and title of the list page
    section_description: Callable[[Any], str]  # (campaign) → the list page's description
    page_template: str  # templates/pages/<page_template>: one item's page
    list_template: str  # templates/pages/<list_template>: the section's index page (section.md.j2: a plain list)
    variable: str  # the item's name inside its page template (c, e, lesson …)
    page_title: Callable[[Any], str]  # (item) → its page's title
    describe: Callable[[Any, str], str]  # (item, site description) → its page's description
    sort_key: Callable[[Any], Any]  # order of the section's list
    reverse: bool = False
    in_search: bool = True  # item pages enter the site search
    feed: Callable[[Any], FeedEntry | None] | None = None  # items enter the Atom and RSS feeds
    handouts: tuple[str, ...] = ()  # handout kinds this kind's items feed (handouts.py)
    relations: tuple[str, ...] = ()  # attributes the model adds from other kinds (lesson.events)
    defaults: dict = field(default_factory=dict)  # values of absent fields other than None / [] / false

    def url(self, item_id: str) -> str:
        return f"{self.folder}/{item_id}/"

    @cached_property
    def fields(self) -> dict:
        return self.schema["properties"]

    @cached_property
    def photo_fields(self) -> dict[str, bool]:
        """Fields holding photos: name → True for a list of photos, False for one photo."""
        out = {}
        for name, spec in self.fields.items():
            if _is_photo(spec):
                out[name] = False
            elif spec.get("type") == "array" and _is_photo(spec.get("items", {})):
                out[name] = True
        return out

    @cached_property
    def references(self) -> dict[str, str]:
        """Top-level fields that refer to items of another kind: field → that kind's folder."""
        out = {}
        for name, spec in self.fields.items():
            target = spec.get("x-ref") or spec.get("items", {}).get("x-ref")
            if target:
                out[name] = target
        return out


def _is_photo(spec: dict) -> bool:
    return spec.get("type") == "object" and any(p.get("x-photo") for p in spec.get("properties", {}).values())


def _sentences(points: list[str]) -> str:
    """Key points joined into one description: 。 inside a point, never 。； between two."""
    points = [x.rstrip("。；;，, ") for x in points]
    return "；".join(points) + "。" if points else ""


def _first(*texts: str) -> str:
    return next((t for t in texts if t), "")


def _newest_first(item) -> tuple:
    """Newest first by a YYYY-MM-DD date, then by id: ISO dates sort as text."""
    return (_negated(item.found_on), item.id)


def _lesson_published(lesson) -> str | None:
    """The day a lesson is published under: its published_on, else the first event that taught it."""
    return lesson.published_on or min((str(e.date) for e in lesson.events), default=None)


def _lesson_feed(lesson) -> FeedEntry | None:
    day = _lesson_published(lesson)
    if not day:
        return None
    summary = _first(_sentences(lesson.key_points[:2]), plain_text(lesson.body, 140))
    return day, f"【安全课堂】{lesson.title}", summary


def _negated(day: str) -> tuple:
    return tuple(-int(part) for part in day.split("-"))


KINDS_LIST = (
    Kind(
        "cases",
        "隐患案例",
        schema.CASE,
        "隐患案例",
        lambda c: f"巡查发现的飞线充电等隐患和整改情况，共 {len(c.cases)} 例。",
        "case.md.j2",
        "cases.md.j2",
        "c",
        page_title=lambda c: c.title,
        describe=lambda c, site: c.summary or plain_text(c.description, 100),
        sort_key=_newest_first,
        feed=lambda c: (
            c.rectified_on or c.found_on,
            f"【隐患案例·{c.status}】{c.title}",
            c.summary or plain_text(c.description, 140),
        ),
        handouts=("case", "notice"),
        defaults={"anonymous": True},
    ),
    Kind(
        "enterprises",
        "企业",
        schema.ENTERPRISE,
        "典型示范",
        lambda c: "共建区安全生产典型企业和整改到位的企业：放样子、亮群像。",
        "enterprise.md.j2",
        "enterprises.md.j2",
        "e",
        page_title=lambda e: e.name,
        describe=lambda e, site: _first(e.honor, plain_text(e.story, 100), site),
        sort_key=lambda e: (not e.model, e.name),
        relations=("cases",),
    ),
    Kind(
        "people",
        "人物",
        schema.PERSON,
        "党员先锋",
        lambda c: "共建区党员志愿服务队和巡查队伍的群像。",
        "person.md.j2",
        "people.md.j2",
        "p",
        page_title=lambda p: p.name,
        describe=lambda p, site: _first(f"{p.role or ''} {plain_text(p.story, 80)}".strip(), site),
        sort_key=lambda p: (p.team or "", not p.party_member, p.id),
    ),
    Kind(
        "lessons",
        "课程",
        schema.LESSON,
        "安全课堂",
        lambda c: "飞线充电危害、消防责任和电池安全课程，可在线学习和答题。",
        "lesson.md.j2",
        "lessons.md.j2",
        "lesson",
        page_title=lambda lesson: lesson.title,
        describe=lambda lesson, site: _first(_sentences(lesson.key_points[:2]), plain_text(lesson.body, 100), site),
        sort_key=lambda lesson: lesson.id,
        feed=_lesson_feed,
        handouts=("lesson",),
        relations=("related_cases", "events"),
    ),
    Kind(
        "facilities",
        "设施",
        schema.FACILITY,
        "充电去哪儿",
        lambda c: "共建区集中充电处和微型消防站的位置、开放时间和收费。",
        "facility.md.j2",
        "facilities.md.j2",
        "f",
        page_title=lambda f: f.name,
        describe=lambda f, site: f"{f.kind}：{f.address}",
        sort_key=lambda f: (f.kind != schema.FACILITY_KIND.charging.text, f.id),
        handouts=("facility", "card"),
    ),
    Kind(
        "patrols",
        "巡查",
        schema.PATROL,
        "巡查记录",
        lambda c: f"“网格员+党员志愿者+物业人员”巡查 {c.stats.patrol_rounds} 轮的记录。",
        "patrol.md.j2",
        "patrols.md.j2",
        "p",
        page_title=lambda p: f"第 {p.round} 轮巡查",
        describe=lambda p, site: _first(p.note, f"{cn_date(p.date)} 巡查记录"),
        sort_key=lambda p: p.round,
    ),
    Kind(
        "events",
        "活动",
        schema.EVENT,
        "活动动态",
        lambda c: "安全讲座、培训、研讨会等活动。",
        "event.md.j2",
        "events.md.j2",
        "e",
        page_title=lambda e: e.title,
        describe=lambda e, site: _first(plain_text(e.summary, 100), f"{cn_date(e.date)} {e.kind or '活动'}"),
        sort_key=lambda e: (e.date, e.id),
        reverse=True,
        feed=lambda e: (e.date, f"【活动】{e.title}", plain_text(e.summary, 140)),
        handouts=("event", "sign-in", "quiz", "answers"),
    ),
    Kind(
        "pledges",
        "承诺书",
        schema.PLEDGE,
        "安全承诺书",
        lambda c: "企业和员工、骑手签的电动车安全充电承诺书，可下载打印。",
        "pledge.md.j2",
        "pledges.md.j2",
        "p",
        page_title=lambda p: p.title,
        describe=lambda p, site: _first(p.intro, "；".join(p.promises[:2]), site),
        sort_key=lambda p: p.id,
        handouts=("pledge",),
    ),
)

KINDS: dict[str, Kind] = {kind.folder: kind for kind in KINDS_LIST}

# Free pages (content/pages/*.md: front matter + Markdown) live at the site root.
PAGES = "pages"
PAGE_NAME = "页面"
MEDIA = "media"
SITE = "site"
# Names a free page may not take besides the sections': the folders and files the site itself has, and
# admin (the content forms at /admin/ on the preview, never part of site/).
SITE_NAMES = frozenset(
    {"index", "downloads", "assets", "search", "media", "feed", "404", "charts", "people-group", "honor", "admin"}
)


def reserved_page_ids() -> frozenset[str]:
    """Free pages live at the site root, so they may not take a section's or the site's own names."""
    return frozenset(KINDS) | SITE_NAMES


def schema_of(kind: str) -> dict:
    """The schema of a content kind, of free pages ("pages") or of site.yml ("site")."""
    if kind in KINDS:
        return KINDS[kind].schema
    return {PAGES: schema.PAGE, SITE: schema.SITE}[kind]


def name_of(kind: str) -> str:
    return KINDS[kind].name if kind in KINDS else PAGE_NAME
