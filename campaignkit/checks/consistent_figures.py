"""Figures that agree with each other, and dates that have happened.

The home page adds up every round's figures (发现、整改、移交、整改率), so one wrong number
in one patrol file publishes a false claim about the whole campaign. Per round:
rectified on the spot plus referred never exceeds hazards found (so no rate can exceed
100 %), hazards found is at least the number of cases recorded for the round, and a
case recorded for a round was found during it: on one of its days, from `date` (the first
day) to `end_date` (the last day, for a round that takes several days). No date is after
today.

Validation reads the clock here and only here, to compare; nothing read from it reaches
an output (the build's dates come from the content, see extras.content_epoch).
"""

from __future__ import annotations

import datetime as dt
import re

from campaignkit.common.problems import Problems
from campaignkit.content.load import Document


def _int(doc: Document, key: str) -> int | None:
    value = doc.data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


DATE_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # YYYY-MM-DD, the content's one way of writing a date


def _date(value) -> dt.date | None:
    if not isinstance(value, str) or not DATE_FORMAT.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None  # reported by the schema


def _round_name(doc: Document) -> str:
    number = doc.data.get("round")
    return f"第 {number} 轮巡查" if isinstance(number, int) else "这一轮巡查"


def linked_cases(patrol: Document, cases: dict[str, Document], naming: dict[str, list[str]]) -> list[Document]:
    """Cases recorded for a round: listed in its `cases` or naming it in their `patrol`, each once.
    `naming`: cases_naming(cases), made once for all rounds (a scan of every case per round was
    quadratic in the size of the campaign)."""
    listed = patrol.data.get("cases")
    ids = [c for c in listed if isinstance(c, str)] if isinstance(listed, list) else []
    ids += naming.get(patrol.id, [])
    return [cases[cid] for cid in dict.fromkeys(ids) if cid in cases]


def cases_naming(cases: dict[str, Document]) -> dict[str, list[str]]:
    """Patrol id → the ids of the cases whose `patrol` names it, in the cases' order."""
    naming: dict[str, list[str]] = {}
    for cid, case in cases.items():
        patrol = case.data.get("patrol")
        if isinstance(patrol, str):
            naming.setdefault(patrol, []).append(cid)
    return naming


def check_patrol_figures(published: dict[str, dict[str, Document]], problems: Problems) -> None:
    cases = published["cases"]
    naming = cases_naming(cases)
    for patrol in published["patrols"].values():
        found, fixed, referred = (_int(patrol, k) for k in ("hazards_found", "rectified_on_spot", "referred"))
        where = patrol.relpath
        if found is not None and (fixed or referred):
            done = (fixed or 0) + (referred or 0)
            if done > found:
                key = "rectified_on_spot" if fixed else "referred"
                parts = "加".join(f"{label} {n} 处" for label, n in (("当场整改", fixed), ("移交", referred)) if n is not None)
                problems.add(
                    where,
                    patrol.line(key),
                    key,
                    f"{parts}，共 {done} 处，超过了本轮发现的隐患 {found} 处"
                    f"（hazards_found，第 {patrol.line('hazards_found')} 行）：整改率会超过 100%，请核对这三个数字",
                )
        linked = linked_cases(patrol, cases, naming)
        if found is not None and len(linked) > found:
            shown = "、".join(c.relpath for c in linked[:5]) + ("等" if len(linked) > 5 else "")
            problems.add(
                where,
                patrol.line("hazards_found"),
                "hazards_found",
                f"本轮发现隐患 {found} 处，但记在这一轮的案例有 {len(linked)} 个（{shown}）：发现数不能少于案例数",
            )
        first = _date(patrol.data.get("date"))
        if first is None:
            continue
        last = _date(patrol.data.get("end_date"))
        if last is not None and last < first:
            problems.add(
                where,
                patrol.line("end_date"),
                "最后一天（end_date）",
                f"最后一天 {last} 早于巡查日期（第一天）{first}：请核对这两个日期",
            )
            continue
        last = last or first
        days = f"{first}" if last == first else f"{first} 至 {last}"
        for case in linked:
            found_on = _date(case.data.get("found_on"))
            if found_on is None or first <= found_on <= last:
                continue
            when = "晚于" if found_on > last else "早于"
            fix = "；一轮巡查持续几天的，请在那一轮填写“最后一天（end_date）”" if found_on > last else ""
            problems.add(
                case.relpath,
                case.line("found_on"),
                "发现日期（found_on）",
                f"发现日期 {found_on} {when}它所属的{_round_name(patrol)}（{patrol.relpath}，巡查日期 {days}）："
                f"案例要记在发现它的那一轮，请核对发现日期或“来自哪一轮巡查（patrol）”{fix}",
            )


def check_no_future_dates(dates, problems: Problems, today: dt.date) -> None:
    """`dates`: (document, path, field name, value) of every date in the published content."""
    for doc, path, name, value in dates:
        day = _date(value)
        if day is not None and day > today:
            problems.add(
                doc.relpath, doc.line(*path), name, f"日期 {day} 晚于今天（{today}）：还没发生的事不能发布，请检查年份和月份"
            )
