"""Stage 4: the public view of the campaign, the only thing every output (pages, handouts,
feed, articles) reads.

This is the one place privacy is decided: drafts are left out, and an anonymous case loses its
enterprise: the case is not connected to the enterprise anywhere (the case shows only its
place; the enterprise's `cases` never hold it, so its page neither lists nor counts it), while
the enterprise itself stays published (its page, the events it attended, lists and honour
rolls): anonymity hides the link, not the enterprise. The view
is typed and closed: each kind's items are instances of a class whose attributes are the
kind's schema fields plus a few declared ones (id, url, relations to other kinds), built
once and complete (photos with their published renditions included); nothing else can be
added to them later, and nothing of the raw documents (file names of photos, hidden
enterprises, unpublished people) is reachable from them, so no template can print what it
was never given. Nothing reachable from an anonymous case leads to its enterprise, and nothing
reachable from the enterprise leads to the case (tests/test_architecture.py walks both).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from campaignkit.checks.validate import Checked
from campaignkit.content.enums import EVENT_KIND, FACILITY_KIND, HAZARD, QUIZ_KIND, STATUS
from campaignkit.content.kinds import KINDS, PAGES, Kind
from campaignkit.content.load import Content, Document
from campaignkit.content.photos import Rendition
from campaignkit.content.schema import PAGE
from campaignkit.view import presentation

# Attributes every item has besides its fields; a schema field may not take these names.
# `shown`: how the outputs show the item (presentation.Shown), set once the view is complete.
ITEM_ATTRIBUTES = ("folder", "id", "url", "source")
SHOWN = "shown"


class PublicItem:
    """Base of the generated item classes (one a kind): attributes only, no raw document."""

    __slots__ = ()

    if TYPE_CHECKING:
        # The attributes are the kind's fields, made per kind at run time (item_class): to the type
        # checker every one is Any, as it is to the templates.
        def __getattr__(self, name: str) -> Any: ...

    def __getitem__(self, key: str):
        """item["title"] reads the field, as item.title does (code that takes field names)."""
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None


@dataclass(frozen=True, slots=True)
class Photo:
    """A published photo: what the editor wrote about it and its resized copies (largest last).

    The original's file name is not here: photos are published under a hash of their bytes."""

    alt: str
    caption: str | None
    stage: str | None
    renditions: tuple[Rendition, ...]

    @property
    def src(self) -> str:
        return self.renditions[-1].url

    @property
    def width(self) -> int:
        return self.renditions[-1].width

    @property
    def height(self) -> int:
        return self.renditions[-1].height

    def __getitem__(self, key: str):
        return getattr(self, key)


def _item_class(name: str, properties: dict, relations: tuple[str, ...]) -> type:
    clash = set(properties) & set(ITEM_ATTRIBUTES + relations + (SHOWN,))
    assert not clash, f"{name}: fields {clash} clash with the item's own attributes"
    attributes = [(a, Any) for a in ITEM_ATTRIBUTES] + [(f, Any, None) for f in properties]
    attributes += [(r, Any, None) for r in relations] + [(SHOWN, Any, None)]
    return dataclasses.make_dataclass(name, attributes, bases=(PublicItem,), slots=True, eq=False)


ITEM_CLASSES: dict[str, type] = {
    kind.folder: _item_class(kind.folder.title().replace("-", "") + "Item", kind.fields, kind.relations)
    for kind in KINDS.values()
}
ITEM_CLASSES[PAGES] = _item_class("PageItem", PAGE["properties"], ("body",))


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
    cases_by_status: dict[str, int]
    cases_by_hazard: dict[str, int]
    registered_enterprises: int = 0  # enterprises marked registered: true


@dataclass
class Campaign:
    """The published site's content: site.yml, each kind's items in list order, free pages, figures.

    `campaign.cases` (any kind's folder name) is that kind's list."""

    site: dict
    items: dict[str, list] = field(default_factory=dict)
    pages: list = field(default_factory=list)
    stats: Stats | None = None

    def __getattr__(self, name: str):
        items = self.__dict__.get("items") or {}
        if name in items:
            return items[name]
        raise AttributeError(name)

    @property
    def models(self) -> list:
        return sorted((e for e in self.enterprises if e.model), key=lambda e: (e.recognized_on or "", e.id), reverse=True)

    @property
    def rectifying_enterprises(self) -> list:
        """Named enterprises that put a hazard right (亮群像); anonymous ones are only counted."""
        seen: dict[str, Any] = {}
        for case in sorted(self.cases, key=lambda c: c.rectified_on or ""):
            if case.status == STATUS.fixed.text and case.enterprise is not None:
                seen.setdefault(case.enterprise.id, case.enterprise)
        return list(seen.values())

    @property
    def anonymous_rectified_count(self) -> int:
        return sum(1 for c in self.cases if c.status == STATUS.fixed.text and c.anonymous)

    def teams(self) -> list[tuple[str, list]]:
        groups: dict[str, list] = {}
        for person in self.people:
            groups.setdefault(person.team or "志愿者", []).append(person)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    @property
    def latest_date(self) -> str:
        """The newest date in the content: the build's timestamp, so rebuilding changes nothing."""
        dates = [
            getattr(item, name)
            for kind in KINDS.values()
            for name, spec in kind.fields.items()
            if spec.get("x-date")
            for item in self.items.get(kind.folder, ())
        ]
        return max((d for d in dates if d), default="2023-01-01")


# (document, field path, photo map) → the published renditions of that photo.
PhotoPublisher = Callable[[Document, list, dict], tuple[Rendition, ...]]


def build_campaign(content: Content, checked: Checked, publish_photo: PhotoPublisher) -> Campaign:
    pub = checked.published
    items: dict[str, dict[str, Any]] = {}
    for kind in KINDS.values():
        items[kind.folder] = {item_id: _item(kind, doc, publish_photo) for item_id, doc in pub[kind.folder].items()}
    _link(items)
    for kind_items in items.values():
        presentation.attach(kind_items.values())

    assert content.site is not None, "validation refuses content without site.yml"
    campaign = Campaign(site=_plain(content.site.data))
    for kind in KINDS.values():
        campaign.items[kind.folder] = sorted(items[kind.folder].values(), key=kind.sort_key, reverse=kind.reverse)
    campaign.pages = sorted((_page(doc) for doc in pub[PAGES].values()), key=lambda p: (p.order or 99, p.id))
    campaign.stats = _stats(campaign)
    # the report's 登记企业
    campaign.stats.registered_enterprises = sum(
        1 for doc in pub["enterprises"].values() if _value(KINDS["enterprises"], doc, "registered")
    )
    return campaign


def _value(kind: Kind, doc: Document, name: str):
    return doc.data[name] if name in doc.data else kind.defaults.get(name)


def _item(kind: Kind, doc: Document, publish_photo: PhotoPublisher):
    values = _filled(kind.schema, doc.data, kind.defaults)
    for name, many in kind.photo_fields.items():
        if many:
            values[name] = [_photo(doc, [name, i], p, publish_photo) for i, p in enumerate(values[name])]
        elif values[name] is not None:
            values[name] = _photo(doc, [name], values[name], publish_photo)
    return ITEM_CLASSES[kind.folder](folder=kind.folder, id=doc.id, url=kind.url(doc.id), source=doc.relpath, **values)


def _photo(doc: Document, path: list, photo: dict, publish_photo: PhotoPublisher) -> Photo:
    return Photo(
        alt=photo["alt"], caption=photo["caption"], stage=photo["stage"], renditions=tuple(publish_photo(doc, path, photo))
    )


def _page(doc: Document):
    values = _filled(PAGE, doc.data, {})
    return ITEM_CLASSES[PAGES](folder=PAGES, id=doc.id, url=f"{doc.id}/", source=doc.relpath, body=doc.body, **values)


def _link(items: dict[str, dict[str, Any]]) -> None:
    """Resolve references between kinds into the items they name; add the relations."""
    # Every reference field (the schema's x-ref) becomes the item it names; a reference to an
    # item that is not published (a draft) becomes None or is left out of the list.
    for kind in KINDS.values():
        for item in items[kind.folder].values():
            for name, target in kind.references.items():
                value = getattr(item, name)
                if isinstance(value, list):
                    setattr(item, name, [items[target][i] for i in value if i in items[target]])
                else:
                    setattr(item, name, items[target].get(value) if value else None)

    cases, lessons, patrols = items["cases"], items["lessons"], items["patrols"]
    enterprises, events = items["enterprises"], items["events"]
    newest = KINDS["cases"].sort_key
    for case in cases.values():
        if case.anonymous:
            case.enterprise = None  # the one link anonymity cuts: nothing else of the case names it
    for lesson in lessons.values():
        for q in lesson.quiz:  # validation accepts "b" or " B"; pages and answer keys show "B"
            if q["kind"] != QUIZ_KIND.judge.text:
                q["answer"] = (
                    [a.strip().upper() for a in q["answer"]]
                    if isinstance(q["answer"], list)
                    else str(q["answer"]).strip().upper()
                )
        extra = [c for c in cases.values() if lesson in c.lessons and c not in lesson.cases]
        lesson.related_cases = lesson.cases + sorted(extra, key=newest)
        lesson.events = []
    for patrol in patrols.values():
        linked = [c for c in cases.values() if c.patrol is patrol and c not in patrol.cases]
        patrol.cases = patrol.cases + sorted(linked, key=newest)
    for event in events.values():
        for lesson in event.lessons:
            lesson.events.append(event)
    for ent in enterprises.values():
        ent.cases = sorted((c for c in cases.values() if c.enterprise is ent), key=newest)


def _default(key: str, spec: dict, defaults: dict):
    if spec.get("type") == "array":
        return []
    return defaults.get(key, False if spec.get("type") == "boolean" else None)


def _filled(schema: dict, data, defaults: dict) -> dict:
    """Every field of the schema present (nested maps too), so templates never meet a missing key."""
    out = {}
    for key, spec in schema["properties"].items():
        value = _plain(data[key]) if key in data else _default(key, spec, defaults)
        if spec.get("type") == "object" and isinstance(value, dict):
            value = _filled(spec, value, {})
        elif spec.get("type") == "array" and spec["items"].get("type") == "object":
            value = [_filled(spec["items"], v, {}) for v in value]
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


def _stats(c: Campaign) -> Stats:
    def total(field_name):
        return sum(getattr(p, field_name) or 0 for p in c.patrols)

    found, fixed = total("hazards_found"), total("rectified_on_spot")
    charging = [f for f in c.facilities if f.kind == FACILITY_KIND.charging.text]
    return Stats(
        enterprise_count=c.site["area"]["enterprise_count"] if c.site.get("area") else 0,
        patrol_rounds=len(c.patrols),
        enterprises_checked=total("enterprises_checked"),
        hazards_found=found,
        rectified=fixed,
        referred=total("referred"),
        fix_rate=(fixed * 100 // found) if found else 0,
        charging_points=len(charging),
        charging_places=sum(f.capacity or 0 for f in charging),
        fire_stations=sum(1 for f in c.facilities if f.kind == FACILITY_KIND.fire_station.text),
        events_held=sum(1 for e in c.events if e.kind != EVENT_KIND.patrol.text),
        attendance=sum(e.attendance or 0 for e in c.events),
        cases_by_status={s: sum(1 for x in c.cases if x.status == s) for s in STATUS.texts},
        cases_by_hazard={h: sum(1 for x in c.cases if x.hazard == h) for h in HAZARD.texts},
    )
