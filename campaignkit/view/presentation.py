"""Stage 4, second half: how each item of the public view is shown, decided once for every output.

The site pages, the handouts, the 公众号 articles and the share cards show the same facts; what
they show for them is decided here, not in their templates: which photo is the hazard and which
the fix (and what each side is called for a case in its state), the heading over what was done,
the status and risk badges, a question without the （多选） an editor typed, dates in Chinese.
`campaign.build_campaign` attaches the result to every item as `item.shown` (an item attribute,
so the memo records a page's read of it and sees it change); templates only lay it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from campaignkit.content.dates import cn_date
from campaignkit.content.enums import PHOTO_STAGE, QUIZ_KIND, RISK, STATUS
from campaignkit.content.kinds import KINDS


def question_text(question) -> str:
    """The question without a trailing （多选） the editor typed: every output prints the kind itself."""
    return re.sub(r"\s*[（(](单选|多选|判断)(题)?[)）]\s*$", "", question["question"])


@dataclass(frozen=True, slots=True)
class Badge:
    """A status or risk as every output shows it: the sign (never colour alone) and the words."""

    slug: str  # for a style class (ck-risk-high)
    mark: str
    text: str

    @property
    def shown(self) -> str:
        return f"{self.mark} {self.text}".strip()


@dataclass(frozen=True, slots=True)
class Stage:
    """One side of a before/after pair: what it is called for this item, and its sign."""

    slug: str  # before, after; pending for the "after" side of a case not (yet) put right
    label: str
    mark: str

    @property
    def caption(self) -> str:
        return f"{self.label} {self.mark}"


@dataclass(frozen=True, slots=True)
class Photos:
    """An item's photos by stage (the stage-less ones are `other`), in the order written."""

    all: tuple
    before: tuple
    after: tuple
    other: tuple
    before_stage: Stage
    after_stage: Stage
    no_before: str  # said in print in place of a missing "before" photo
    no_after: tuple[str, ...]  # … and of a missing "after" photo, one line each

    @property
    def cover(self):
        """The photo that stands for the item (lists, share cards, a lesson's picture): the hazard,
        not the fix — the first "before" photo, else the first photo."""
        return next(iter(self.before + self.all), None)

    @property
    def more(self) -> tuple:
        """The photos a before/after pair does not show."""
        return self.before[1:] + self.after[1:] + self.other


@dataclass(frozen=True, slots=True)
class Question:
    """A quiz question as shown: its text without a typed kind, the kind's label; the rest of the
    question (options, answer, explanation) is read through it as from the content."""

    text: str
    kind_label: str
    fields: dict

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str):
        return self.fields[key]


# A lesson's page and article show this many of its cases (those it cites first, then the newest
# that cite it); when it has more, all of them are on a list of their own, linked from the page.
# At 1,000 cases a lesson had 250: a 230 KB page that every edit of any of them built again.
LESSON_CASES_SHOWN = 10


@dataclass(frozen=True, slots=True, eq=False)
class Shown:
    """What the outputs show for one item (see the module docstring)."""

    photos: Photos
    dates: dict[str, str]  # each date field → 2023年12月8日 ("" when empty)
    status: Badge | None = None  # cases
    risk: Badge | None = None  # cases
    actions_heading: str = ""  # cases: the heading over what was done
    quiz: tuple[Question, ...] = ()  # lessons
    cases: tuple = ()  # lessons: the related cases shown (LESSON_CASES_SHOWN)
    more_cases: int = 0  # lessons: how many related cases are not shown there
    cases_url: str = ""  # lessons with more: the site's list of all of them


def _photos(item, status) -> Photos:
    """`status`: a case's status (its Value), None for any other item."""
    found: list = []
    for name, many in KINDS[item.folder].photo_fields.items():
        value = getattr(item, name)
        found += value if many else ([value] if value else [])
    before, after = PHOTO_STAGE.before, PHOTO_STAGE.after
    before_stage = Stage(before.slug, before.label, before.mark)
    after_stage = Stage(after.slug, after.label, after.mark)
    no_after: tuple[str, ...] = (f"没有{after.label}照片",)
    if status is not None:
        # the hazard is the hazard whatever became of it; the other side is the fix only when
        # there was one, else the case as it stands
        before_stage = Stage(before.slug, status.before_label, before.mark)
        if status is not STATUS.fixed:
            after_stage = Stage("pending", status.text, status.mark)
        no_after = status.no_after_photo
    return Photos(
        all=tuple(found),
        before=tuple(p for p in found if p.stage == PHOTO_STAGE.before.text),
        after=tuple(p for p in found if p.stage == PHOTO_STAGE.after.text),
        other=tuple(p for p in found if not p.stage),
        before_stage=before_stage,
        after_stage=after_stage,
        no_before=f"没有{before_stage.label}照片",
        no_after=no_after,
    )


def _badge(value) -> Badge:
    return Badge(value.slug, value.mark, value.shown)  # shown: the value's tag (enums.Value.tag)


def shown(item) -> Shown:
    """How `item` (of the public view, its references resolved) is shown."""
    kind = KINDS[item.folder]
    dates = {name: cn_date(getattr(item, name)) for name, spec in kind.fields.items() if spec.get("x-date")}
    extra: dict[str, Any] = {}
    status = STATUS[item.status] if item.folder == "cases" else None
    if status is not None:
        # how the story is told follows the status (enums.STATUS): only a case put right says 整改的
        extra.update(status=_badge(status), risk=_badge(RISK[item.risk]), actions_heading=status.actions_heading)
    if item.folder == "lessons":
        extra["quiz"] = tuple(Question(question_text(q), QUIZ_KIND[q["kind"]].label, q) for q in item.quiz)
        extra["cases"] = tuple(item.related_cases[:LESSON_CASES_SHOWN])
        more = len(item.related_cases) - LESSON_CASES_SHOWN
        if more > 0:
            extra.update(more_cases=more, cases_url=f"cases/lesson/{item.id}/")
    return Shown(photos=_photos(item, status), dates=dates, **extra)


def attach(items) -> None:
    """Set `shown` on each item (after the relations are added: it reads only the item itself)."""
    for item in items:
        item.shown = shown(item)
