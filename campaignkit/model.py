"""Stage 3: the public view of the campaign that every renderer (pages, handouts, feed) reads.

This is the one place privacy is decided: drafts are left out, an anonymous case
loses its enterprise, and an enterprise behind an anonymous case is not
published at all, so no template can leak what it was never given.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .load import Content, Document
from .enums import EVENT_KIND, FACILITY_KIND, HAZARD, QUIZ_KIND, STATUS
from .schema import SCHEMAS
from .validate import Checked

SECTION_URLS = {"cases": "cases/", "enterprises": "enterprises/", "people": "people/", "lessons": "lessons/",
                "patrols": "patrols/", "facilities": "facilities/", "events": "events/"}
_DEFAULTS = {"anonymous": True}


class Item(dict):
    """A published item: its fields (every schema field present), plus folder, id, url and source.

    The content folder is `folder`, not `kind`: facilities and events have a `kind` field,
    and Jinja's `item.kind` looks at attributes before keys."""

    def __init__(self, doc: Document, url: str):
        super().__init__()
        self.update(_filled(SCHEMAS[doc.kind], doc.data))
        self.folder = doc.kind
        self.id = doc.id
        self.url = url
        self.source = doc.relpath
        self.doc = doc

    def __hash__(self):
        return hash((self.folder, self.id))

    def __eq__(self, other):
        return isinstance(other, Item) and (self.folder, self.id) == (other.folder, other.id)


def _default(key: str, spec: dict):
    if spec.get("type") == "array":
        return []
    return _DEFAULTS.get(key, False if spec.get("type") == "boolean" else None)


def _filled(schema: dict, data) -> dict:
    """Every field of the schema present (nested maps too), so templates never meet a missing key."""
    out = {}
    for key, spec in schema["properties"].items():
        value = _plain(data[key]) if key in data else _default(key, spec)
        if spec.get("type") == "object" and isinstance(value, dict):
            value = _filled(spec, value)
        elif spec.get("type") == "array" and spec["items"].get("type") == "object":
            value = [_filled(spec["items"], v) for v in value]
        out[key] = value
    return out


def _plain(value):
    """ruamel's commented containers → plain dicts and lists (templates and pickling want those)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


@dataclass
class Stats:
    enterprise_count: int
    patrol_rounds: int
    enterprises_checked: int
    hazards_found: int
    rectified: int
    referred: int
    fix_rate: int  # percent, rounded down so the page never overstates
    charging_points: int
    charging_places: int
    fire_stations: int
    events_held: int
    attendance: int
    model_count: int
    volunteer_count: int
    cases_by_status: dict[str, int]
    cases_by_hazard: dict[str, int]
    registered_enterprises: int = 0  # counted before anonymity hides some of them (a count names nobody)


@dataclass
class Campaign:
    site: dict
    cases: list[Item] = field(default_factory=list)
    enterprises: list[Item] = field(default_factory=list)
    people: list[Item] = field(default_factory=list)
    lessons: list[Item] = field(default_factory=list)
    patrols: list[Item] = field(default_factory=list)
    facilities: list[Item] = field(default_factory=list)
    events: list[Item] = field(default_factory=list)
    pages: list[Item] = field(default_factory=list)
    stats: Stats | None = None
    hidden_enterprise_names: list[str] = field(default_factory=list)  # for leak checks only

    @property
    def models(self) -> list[Item]:
        return sorted((e for e in self.enterprises if e["model"]), key=lambda e: (e["recognized_on"] or "", e.id), reverse=True)

    @property
    def rectifying_enterprises(self) -> list[Item]:
        """Named enterprises that put a hazard right (亮群像); anonymous ones are only counted."""
        seen = {}
        for case in sorted(self.cases, key=lambda c: c["rectified_on"] or ""):
            if case["status"] == STATUS.fixed.text and case["enterprise"] is not None:
                seen.setdefault(case["enterprise"].id, case["enterprise"])
        return list(seen.values())

    @property
    def anonymous_rectified_count(self) -> int:
        return sum(1 for c in self.cases if c["status"] == STATUS.fixed.text and c["anonymous"])

    def teams(self) -> list[tuple[str, list[Item]]]:
        groups: dict[str, list[Item]] = {}
        for person in self.people:
            groups.setdefault(person["team"] or "志愿者", []).append(person)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    @property
    def latest_date(self) -> str:
        """The newest date in the content: the build's timestamp, so rebuilding changes nothing."""
        dates = [c["found_on"] for c in self.cases] + [c["rectified_on"] for c in self.cases]
        dates += [e["date"] for e in self.events] + [p["date"] for p in self.patrols]
        dates += [e["recognized_on"] for e in self.enterprises] + [f["opened_on"] for f in self.facilities]
        return max((d for d in dates if d), default="2023-01-01")


def build_campaign(content: Content, checked: Checked) -> Campaign:
    pub = checked.published
    site = _plain(content.site.data)
    campaign = Campaign(site=site)
    items = {kind: {i: Item(doc, f"{SECTION_URLS[kind]}{i}/") for i, doc in docs.items()}
             for kind, docs in pub.items() if kind != "pages"}

    hidden = set()
    for case in items["cases"].values():
        if case["anonymous"]:
            if case["enterprise"]:
                hidden.add(case["enterprise"])
            case["enterprise"] = None
    campaign.hidden_enterprise_names = sorted(
        pub["enterprises"][e].data.get("name") for e in hidden if e in pub["enterprises"])
    registered = sum(1 for e in items["enterprises"].values() if e["registered"])
    for ent_id in hidden:
        items["enterprises"].pop(ent_id, None)

    def resolve(kind, ids):
        return [items[kind][i] for i in ids if i in items[kind]]

    for case in items["cases"].values():
        if case["enterprise"]:
            case["enterprise"] = items["enterprises"].get(case["enterprise"])
        case["lessons"] = resolve("lessons", case["lessons"])
        case["patrol"] = items["patrols"].get(case["patrol"]) if case["patrol"] else None
    for lesson in items["lessons"].values():
        for q in lesson["quiz"]:  # validation accepts "b" or " B"; pages and answer keys show "B"
            if q["kind"] != QUIZ_KIND.judge.text:
                q["answer"] = [a.strip().upper() for a in q["answer"]] if isinstance(q["answer"], list) else str(q["answer"]).strip().upper()
        lesson["cases"] = resolve("cases", lesson["cases"])
        extra = [c for c in items["cases"].values() if lesson in c["lessons"] and c not in lesson["cases"]]
        lesson.related_cases = lesson["cases"] + sorted(extra, key=_newest_case)
        lesson.events = []
    for patrol in items["patrols"].values():
        listed = resolve("cases", patrol["cases"])
        linked = [c for c in items["cases"].values() if c["patrol"] is patrol and c not in listed]
        patrol["cases"] = listed + sorted(linked, key=_newest_case)
    for event in items["events"].values():
        event["lessons"] = resolve("lessons", event["lessons"])
        event["enterprises"] = resolve("enterprises", event["enterprises"])
        for lesson in event["lessons"]:
            lesson.events.append(event)
    for ent in items["enterprises"].values():
        ent.cases = sorted((c for c in items["cases"].values() if c["enterprise"] is ent), key=_newest_case)

    campaign.cases = sorted(items["cases"].values(), key=_newest_case)
    campaign.enterprises = sorted(items["enterprises"].values(), key=lambda e: (not e["model"], e["name"]))
    campaign.people = sorted(items["people"].values(), key=lambda p: (p["team"] or "", not p["party_member"], p.id))
    campaign.lessons = sorted(items["lessons"].values(), key=lambda x: x.id)
    campaign.patrols = sorted(items["patrols"].values(), key=lambda p: p["round"])
    campaign.facilities = sorted(items["facilities"].values(), key=lambda f: (f["kind"] != FACILITY_KIND.charging.text, f.id))
    campaign.events = sorted(items["events"].values(), key=lambda e: (e["date"], e.id), reverse=True)
    campaign.pages = sorted((_page(doc) for doc in pub["pages"].values()), key=lambda p: (p["order"] or 99, p.id))
    campaign.stats = _stats(campaign)
    campaign.stats.registered_enterprises = registered
    return campaign


def _newest_case(case: Item):
    return (_neg_date(case["found_on"]), case.id)


def _neg_date(value: str):
    d = dt.date.fromisoformat(value)
    return -d.toordinal()


def _page(doc: Document) -> Item:
    page = Item(doc, f"{doc.id}/")
    page.body = doc.body
    return page


def _stats(c: Campaign) -> Stats:
    def total(field_name):
        return sum(p[field_name] or 0 for p in c.patrols)

    found, fixed = total("hazards_found"), total("rectified_on_spot")
    charging = [f for f in c.facilities if f["kind"] == FACILITY_KIND.charging.text]
    return Stats(
        enterprise_count=c.site["area"]["enterprise_count"] if c.site.get("area") else 0,
        patrol_rounds=len(c.patrols),
        enterprises_checked=total("enterprises_checked"),
        hazards_found=found,
        rectified=fixed,
        referred=total("referred"),
        fix_rate=(fixed * 100 // found) if found else 0,
        charging_points=len(charging),
        charging_places=sum(f["capacity"] or 0 for f in charging),
        fire_stations=sum(1 for f in c.facilities if f["kind"] == FACILITY_KIND.fire_station.text),
        events_held=sum(1 for e in c.events if e["kind"] != EVENT_KIND.patrol.text),
        attendance=sum(e["attendance"] or 0 for e in c.events),
        model_count=sum(1 for e in c.enterprises if e["model"]),
        volunteer_count=len(c.people),
        cases_by_status={s: sum(1 for x in c.cases if x["status"] == s) for s in STATUS.texts},
        cases_by_hazard={h: sum(1 for x in c.cases if x["hazard"] == h) for h in HAZARD.texts},
    )
