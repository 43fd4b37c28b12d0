"""Every kind of handout, declared once: what it is, which template draws it, where it is
written, which items feed it, whether it is published, and how many pages it may take.

`handouts.plan` walks this list; pages, the downloads list and the build summary read the
labels from it. A private kind (names an enterprise, or gives the answers away) is written
to `private/` beside `site/`, never into the published tree, and is listed only in the
build's summary.

One-page kinds (`max_pages=1`) are rendered with `fit=0`; when the content does not fit,
they are rendered again with `fit=1`, `fit=2` (the templates' documented tighter layouts:
smaller photos and tiles, smaller type) and last `fit=3`, the digest (DIGEST): every text
clipped to what the page holds, a long description replaced by its first characters and
"详见网页" beside the QR code, lists cut to their first items, fewer photos, type down to 8 pt.
Every list in the schema has a maxItems and every text a maxLength, so the digest of the
longest content the format allows fits (tests/test_print.py fills every field to its limit);
a public one that still overflows is a bug of the kit and stops the build naming the item
(`overflow_hint`). Lists of whole items that no maxItems limits (people on the 光荣榜, charging points on
充电去哪儿, a file each) are cut in the digest to as many as fit, "另有 N 位，详见网页" after them
(pdf_render.cut_items). Kinds whose words are binding (the notice, the pledge) are never clipped:
they continue on further pages, the signature blocks kept whole after the text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from campaignkit.content.enums import FACILITY_KIND, STATUS
from campaignkit.render.templating import cn_date
from campaignkit.view.campaign import Campaign
from campaignkit.view.campaign import PublicItem as Item

FIT_LEVELS = (0, 1, 2, 3)  # the layouts a one-page kind may fall back to, loosest first
DIGEST = 3  # the last level: every text clipped to what the page holds, the rest "详见网页" by the QR code
# What the digest keeps: a long description's first characters, a list's first items, each clipped.
DIGEST_CHARS = 200
DIGEST_ITEMS = 3
DIGEST_ITEM_CHARS = 60
# A rider's card is a fixed 85.6 × 54 mm box (it never runs onto a second page, it would run into the
# next card): what it prints of the charging point is always clipped to these lengths.
CARD_CHARS = {"name": 20, "address": 32, "hours": 16, "office": 14, "title": 30}
# Cases a 隐患整改通知书 is written for: the enterprise still has to act. A referred case is
# in the hands of the authorities, who write their own.
OPEN_STATUSES = (STATUS.found.text, STATUS.in_progress.text)
SIGN_ROWS_PER_SHEET = 22  # rows on one A4 sign-in sheet
DATE_IN_TEXT = re.compile(r"((?:19|20)\d\d)\s*年(?:\s*(\d{1,2})\s*月)?(?:\s*(\d{1,2})\s*日)?")


@dataclass(frozen=True)
class Planned:
    """What one handout says about itself (title, metadata) and what its template needs."""

    item: Item | None
    title: str
    subject: str
    keywords: list[str]
    date: str | None
    qr_url: str
    context: dict = field(default_factory=dict)
    id: str = ""  # fills {id} in the path; the item's id when empty


@dataclass(frozen=True)
class HandoutKind:
    kind: str  # code name: lesson, case, notice …
    label: str  # Chinese name printed in the header and on the downloads page
    template: str
    path: str  # site-relative (public) or private/-relative, with {id}
    items: Callable[[Campaign, Private], list[Planned]]  # which items feed it
    public: bool = True
    max_pages: int | None = None  # one-page formats: fit by FIT_LEVELS or refuse
    overflow_hint: str = ""  # what an editor shortens when it cannot fit
    # More printed characters than any layout but the digest holds on its page (a generous upper
    # bound: a wrong one costs only time): such content is laid out in the digest straight away.
    page_chars: int | None = None
    shorten: tuple[str, ...] = ()  # the item's fields to shorten so it prints whole (the preview names them)


@dataclass
class Private:
    """What only private paperwork may see: the enterprises behind every case, anonymous or not."""

    enterprise_of_case: dict[str, dict] = field(default_factory=dict)  # case id → enterprise fields
    enterprises: list[dict] = field(default_factory=list)  # every published enterprise
    notice_numbers: dict[str, NoticeNumber] = field(default_factory=dict)  # case id → its notice's number


@dataclass(frozen=True)
class NoticeNumber:
    """A 隐患整改通知书's number: 孙唐社安〔2023〕3 号, and the date it is issued."""

    prefix: str
    year: int
    number: int | None  # None: not assigned (a --drafts build): printed as a blank to fill by hand
    issued_on: str

    @property
    def text(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.number if self.number else '＿＿'} 号"


# ---- dates ----------------------------------------------------------------------------------------


def newest(*dates: str | None) -> str | None:
    found = [d for d in dates if d]
    return max(found) if found else None


def dates_in(text: str | None) -> list[str]:
    """Dates a text cites (2024 年 2 月 → 2024-02-01): a handout is never older than what it cites."""
    out = []
    for year, month, day in DATE_IN_TEXT.findall(text or ""):
        m = int(month) if month and 1 <= int(month) <= 12 else 1
        d = int(day) if day and 1 <= int(day) <= 28 else 1
        out.append(f"{year}-{m:02d}-{d:02d}")
    return out


def lesson_date(lesson: Item) -> str | None:
    cited = [d for r in lesson["references"] for d in dates_in(r["title"])]
    return newest(*cited, *case_dates(lesson.related_cases[:2]))


def case_dates(cases) -> list[str | None]:
    return [d for c in cases for d in (c["found_on"], c["rectified_on"])]


def charging_points(campaign: Campaign) -> list[Item]:
    return [f for f in campaign.facilities if f["kind"] == FACILITY_KIND.charging.text]


# One-page sheets (case sheet, notice) name this many charging points and refer to the
# 充电去哪儿 list for the rest: a district with a dozen points would push them onto a second page.
CHARGING_ON_ONE_PAGE = 3


# ---- which items feed each kind -----------------------------------------------------------------


def _base(campaign: Campaign) -> str:
    return campaign.site["base_url"].rstrip("/") + "/"


def _lessons(campaign, _private):
    base = _base(campaign)
    return [
        Planned(
            lesson,
            lesson["title"],
            f"课程讲义：{lesson['title']}（{lesson['audience'] or '通用'}）",
            [lesson["audience"] or "", "安全课堂", "课程讲义"],
            lesson_date(lesson),
            base + lesson.url,
            {"lesson": lesson},
        )
        for lesson in campaign.lessons
    ]


def event_date(event: Item) -> str | None:
    return newest(event["date"], *[lesson_date(lesson) for lesson in event["lessons"]])


def has_quiz(event: Item) -> bool:
    return any(lesson["quiz"] for lesson in event["lessons"])


def sign_rows(event: Item) -> int:
    """Rows for everyone expected (whole sheets), numbered on across sheets: nobody photocopies one."""
    expected = event["attendance"] or 0
    sheets = max(1, -(-expected // SIGN_ROWS_PER_SHEET))
    return sheets * SIGN_ROWS_PER_SHEET


def _events(campaign, _private):
    base = _base(campaign)
    return [
        Planned(
            e,
            e["title"],
            f"讲座资料包：{e['title']}（{cn_date(e['date'])}）",
            [e["kind"] or "", "讲座资料包", "签到表"] + [lesson["title"] for lesson in e["lessons"]],
            event_date(e),
            base + e.url,
            {"event": e, "has_quiz": has_quiz(e), "sign_rows": sign_rows(e)},
        )
        for e in campaign.events
    ]


def _sign_ins(campaign, _private):
    base = _base(campaign)
    return [
        Planned(
            e,
            f"{e['title']}签到表",
            f"签到表：{e['title']}（{cn_date(e['date'])}）",
            ["签到表"],
            e["date"],
            base + e.url,
            {"event": e, "sign_rows": sign_rows(e)},
        )
        for e in campaign.events
    ]


def _quizzes(campaign, _private):
    base = _base(campaign)
    return [
        Planned(
            e,
            f"{e['title']}随堂小测验",
            f"随堂小测验：{e['title']}（{cn_date(e['date'])}）",
            ["随堂小测验"],
            e["date"],
            base + e.url,
            {"event": e},
        )
        for e in campaign.events
        if has_quiz(e)
    ]


def _answers(campaign, _private):
    base = _base(campaign)
    return [
        Planned(
            e,
            f"{e['title']}测验答案",
            f"讲座答案（讲师用）：{e['title']}（{cn_date(e['date'])}）",
            ["测验答案", "讲师用"],
            e["date"],
            base + e.url,
            {"event": e},
        )
        for e in campaign.events
        if has_quiz(e)
    ]


def _cases(campaign, _private):
    base = _base(campaign)
    return [
        Planned(
            c,
            c["title"],
            f"案例警示单：{c['title']}",
            [c["hazard"], f"风险{c['risk']}", c["status"], "隐患案例"],
            newest(c["found_on"], c["rectified_on"]),
            base + c.url,
            {"case": c},
        )
        for c in campaign.cases
    ]


def _honor_roll_on(sheet: str):
    """The 光荣榜 on an A3 or an A4 sheet (same content, the template scales it)."""
    return lambda campaign, private: _honor_roll(campaign, private, sheet)


def _honor_roll(campaign, _private, sheet):
    models = campaign.models
    rectifying = [e for e in campaign.rectifying_enterprises if e not in models]
    teams = campaign.teams()
    if not (models or rectifying or teams):
        return []
    site = campaign.site
    area = (site.get("area") or {}).get("name") or ""
    rectified = [c for c in campaign.cases if c["status"] == STATUS.fixed.text]
    date = newest(*[e["recognized_on"] for e in models], *case_dates(rectified), *[p["date"] for p in campaign.patrols])
    return [
        Planned(
            None,
            f"{site['title']}光荣榜",
            f"光荣榜：{area or site['title']}安全生产示范企业和党员先锋群像",
            ["光荣榜", "示范企业", "党员先锋", "志愿者"],
            date,
            _base(campaign) + "enterprises/",
            {
                "models": models,
                "rectifying": rectifying,
                "teams": teams,
                "stats": campaign.stats,
                "anonymous_rectified": campaign.anonymous_rectified_count,
                "sheet": sheet,
            },
        )
    ]


def _patrol_form(campaign, _private):
    area = (campaign.site.get("area") or {}).get("name") or campaign.site["title"]
    return [
        Planned(
            None,
            "电动车充电安全巡查记录表",
            f"巡查记录表：{area}电动车充电安全巡查（空白表）",
            ["巡查记录表", "隐患排查"],
            None,
            _base(campaign) + "patrols/",
        )
    ]


def _facility_posters(campaign, _private):
    base = _base(campaign)
    return [
        Planned(
            f,
            f["name"],
            f"集中充电处海报：{f['name']}（{f['address'] or ''}）",
            ["集中充电处", "充电去哪儿"],
            f["opened_on"],
            base + f.url,
            {"facility": f},
        )
        for f in charging_points(campaign)
    ]


def _charging_list(campaign, _private):
    points = charging_points(campaign)
    if not points:
        return []
    return [
        Planned(
            None,
            "充电去哪儿：集中充电处一览",
            "充电去哪儿：共建区集中充电处的地址、开放时间和收费",
            ["集中充电处", "充电去哪儿"],
            newest(*[f["opened_on"] for f in campaign.facilities]),
            _base(campaign) + "facilities/",
        )
    ]


def _wallet_cards(campaign, _private):
    base = _base(campaign)
    return [
        Planned(
            f,
            f"骑手安全卡（{f['name']}）",
            f"骑手安全卡：附近的集中充电处 {f['name']}",
            ["骑手安全卡", "集中充电处"],
            f["opened_on"],
            base + f.url,
            {"facility": f},
        )
        for f in charging_points(campaign)
    ]


def _notices(campaign, private: Private):
    """隐患整改通知书: one per open case whose enterprise is known, anonymous or not (private)."""
    out = []
    for case in campaign.cases:
        enterprise = private.enterprise_of_case.get(case.id)
        if case["status"] not in OPEN_STATUSES or not enterprise:
            continue
        legal = [
            r
            for lesson in case["lessons"]
            for r in lesson["references"]
            if "法" in r["title"] or "规定" in r["title"] or "条例" in r["title"]
        ]
        date = str(case["notice_date"] or case["found_on"])
        number = private.notice_numbers.get(case.id) or NoticeNumber(notice_prefix(campaign.site), int(date[:4]), None, date)
        out.append(
            Planned(
                case,
                f"隐患整改通知书（{enterprise['name']}）",
                f"隐患整改通知书 {number.text}：{case['title']}",
                ["隐患整改通知书"],
                number.issued_on,
                _base(campaign) + case.url,
                {
                    "case": case,
                    "enterprise": enterprise,
                    "legal": list({r["title"]: r for r in legal}.values()),
                    "number": number,
                },
            )
        )
    return out


def _letters(campaign, private: Private):
    """告知书 with a tear-off 回执, one sheet per enterprise (names them all: private)."""
    if not private.enterprises:
        return []
    return [
        Planned(
            None,
            "电动车充电安全告知书",
            "告知书：致共建区各企业（附回执）",
            ["告知书", "回执"],
            None,  # no content dates a letter to every enterprise: a blank, filled in by hand when it is sent
            _base(campaign) + "facilities/",
            {"enterprises": private.enterprises},
            id="all",
        )
    ]


def _pledges(campaign, _private):
    base = _base(campaign)
    return [
        Planned(
            p,
            p["title"],
            f"安全承诺书：{p['title']}（{p['audience'] or '通用'}）",
            ["安全承诺书"],
            newest(*[d for r in p["references"] for d in dates_in(r["title"])]),
            base + p.url,
            {"pledge": p},
        )
        for p in campaign.items.get("pledges", [])
    ]


KINDS: list[HandoutKind] = [
    HandoutKind("lesson", "课程讲义", "lesson.html.j2", "downloads/lessons/{id}.pdf", _lessons),
    HandoutKind("event", "讲座资料包", "event.html.j2", "downloads/events/{id}.pdf", _events),
    HandoutKind("sign-in", "签到表", "sign-in.html.j2", "downloads/events/{id}-sign-in.pdf", _sign_ins),
    HandoutKind("quiz", "随堂小测验", "quiz.html.j2", "downloads/events/{id}-quiz.pdf", _quizzes),
    HandoutKind(
        "answers",
        "讲座答案（讲师用）",
        "answers.html.j2",
        "answers/{id}.pdf",
        _answers,
        public=False,
        max_pages=1,
        page_chars=5000,
        overflow_hint="测验题的解析（explanation）",
    ),
    HandoutKind(
        "case",
        "案例警示单",
        "case.html.j2",
        "downloads/cases/{id}.pdf",
        _cases,
        max_pages=1,
        page_chars=3500,
        overflow_hint="描述（description）或措施（actions）",
        shorten=("description", "actions"),
    ),
    HandoutKind(
        "poster",
        "光荣榜",
        "poster.html.j2",
        "downloads/honor-roll.pdf",
        _honor_roll_on("A3"),
        max_pages=1,
        page_chars=8000,
        overflow_hint="示范企业的做法（practices）、人物的职务（role）",
    ),
    HandoutKind(
        "poster-a4",
        "光荣榜（A4）",
        "poster.html.j2",
        "downloads/honor-roll-a4.pdf",
        _honor_roll_on("A4"),
        max_pages=1,
        page_chars=4500,
        overflow_hint="示范企业的做法（practices）、人物的职务（role）",
    ),
    HandoutKind("form", "巡查记录表", "patrol-form.html.j2", "downloads/patrol-form.pdf", _patrol_form, max_pages=2),
    HandoutKind(
        "facility",
        "集中充电处海报",
        "facility.html.j2",
        "downloads/facilities/{id}.pdf",
        _facility_posters,
        max_pages=1,
        page_chars=1500,
        overflow_hint="地址（address）或开放时间（hours）",
        shorten=("name", "address", "hours", "fee"),
    ),
    HandoutKind(
        "charging",
        "充电去哪儿",
        "charging.html.j2",
        "downloads/charging-points.pdf",
        _charging_list,
        max_pages=1,
        page_chars=5000,
        overflow_hint="集中充电处的地址（address）",
    ),
    HandoutKind(
        "card",
        "骑手安全卡",
        "card.html.j2",
        "downloads/cards/{id}.pdf",
        _wallet_cards,
        max_pages=1,
        overflow_hint="集中充电处的名称或地址",
    ),
    HandoutKind(
        "pledge",
        "安全承诺书",
        "pledge.html.j2",
        "downloads/pledges/{id}.pdf",
        _pledges,  # what someone signs is never clipped: a long pledge goes on, the signatures after it
    ),
    HandoutKind(
        "notice",
        "隐患整改通知书",
        "notice.html.j2",
        "notices/{id}.pdf",
        _notices,  # an official letter is never clipped: a long description continues on a second page
        public=False,
    ),
    HandoutKind("letter", "告知书", "letter.html.j2", "letters/{id}.pdf", _letters, public=False),
]
BY_KIND = {k.kind: k for k in KINDS}


# ---- notice numbers: a per-year sequence, assigned once and kept in the case's own file ---------


def notice_prefix(site: dict) -> str:
    return str(site.get("notice_prefix") or site["org"])


def issued_on(data) -> str:
    """A notice's date: its own `notice_date`, else the day the hazard was found."""
    return str(data.get("notice_date") or data.get("found_on"))


def needs_notice(data: dict, enterprises) -> bool:
    return data.get("status") in OPEN_STATUSES and data.get("enterprise") in enterprises


def number_notices(content, checked, site: dict, assign: bool) -> dict[str, NoticeNumber]:
    """Every notice's number (case id → NoticeNumber). A case that needs a notice and has no
    `notice_no` gets the next number of its year, written into its file (comments kept) when
    `assign`: one more than the highest any case of that year has ever been given, so a case
    added later never renumbers the others, and a number is never given twice (check refuses
    two cases with one number)."""
    from campaignkit.content import yaml_edit
    from campaignkit.content.kinds import KINDS as CONTENT_KINDS

    prefix = notice_prefix(site)
    highest: dict[int, int] = {}
    for doc in content.items["cases"]:  # drafts and closed cases too: their numbers stay theirs
        if isinstance(doc.data.get("notice_no"), int):
            year = int(issued_on(doc.data)[:4])
            highest[year] = max(highest.get(year, 0), doc.data["notice_no"])
    enterprises = checked.published["enterprises"]
    out = {}
    for cid, doc in sorted(checked.published["cases"].items(), key=lambda kv: (issued_on(kv[1].data), kv[0])):
        if not needs_notice(doc.data, enterprises):
            continue
        year = int(issued_on(doc.data)[:4])
        number = doc.data.get("notice_no")
        if not isinstance(number, int) and assign:
            number = highest[year] = highest.get(year, 0) + 1
            path = content.root / doc.relpath.split("/", 1)[1]
            data = yaml_edit.load(path.read_text(encoding="utf-8"))
            yaml_edit.update(data, {"notice_no": number}, list(CONTENT_KINDS["cases"].fields))
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(yaml_edit.dump(data), encoding="utf-8")
            os.replace(tmp, path)
        out[cid] = NoticeNumber(prefix, year, number if isinstance(number, int) else None, issued_on(doc.data))
    return out


def private_view(content, checked, notice_numbers: dict[str, NoticeNumber] | None = None) -> Private:
    """Every published enterprise and which case names which, anonymous cases too: for the private
    paperwork only (the public view never connects an anonymous case to its enterprise)."""
    published = checked.published
    enterprises = {
        eid: {"id": eid, **{k: str(v) if isinstance(v, str) else v for k, v in doc.data.items()}}
        for eid, doc in published["enterprises"].items()
    }
    of_case = {
        cid: enterprises[doc.data["enterprise"]]
        for cid, doc in published["cases"].items()
        if doc.data.get("enterprise") in enterprises
    }
    return Private(of_case, sorted(enterprises.values(), key=lambda e: (str(e.get("name")), e["id"])), dict(notice_numbers or {}))
