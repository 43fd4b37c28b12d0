"""The campaign's figures by the names editors write in the report's prose: {巡查轮数}.

The project report (report in site.yml) is prose written by editors, but every number in
it is computed from the content: an editor writes "已开展巡查{巡查轮数}轮" and the build
fills in 10. A number typed by hand next to a unit (10轮, 23处) is refused, so the report
can never disagree with the site's home page.

This module only declares; it reads a Campaign (model.py) duck-typed so validation can
check placeholders without importing the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figure:
    name: str  # what editors write between braces
    label: str  # the row of the report's table (数说项目)
    unit: str  # shown after the number in the report's table
    description: str  # for the field reference
    value: Callable[[Any], int]  # campaign (view.campaign.Campaign, a layer above) -> number


FIGURES = {
    f.name: f
    for f in (
        Figure(
            "企业总数",
            "共建区企业",
            "家",
            "共建区企业数（site.yml 的 area.enterprise_count）",
            lambda c: c.stats.enterprise_count,
        ),
        Figure("巡查轮数", "常态化巡查", "轮", "巡查轮数（patrols/ 的文件数）", lambda c: c.stats.patrol_rounds),
        Figure("检查企业", "入企检查", "家次", "各轮检查企业数之和", lambda c: c.stats.enterprises_checked),
        Figure("发现隐患", "发现隐患", "处", "各轮发现隐患数之和", lambda c: c.stats.hazards_found),
        Figure("整改隐患", "整改到位", "处", "各轮已整改数之和", lambda c: c.stats.rectified),
        Figure("移交", "移交职能部门", "处", "各轮移交职能部门数之和", lambda c: c.stats.referred),
        Figure("整改率", "整改率", "%", "整改 ÷ 发现（百分数，向下取整）", lambda c: c.stats.fix_rate),
        Figure(
            "登记企业",
            "登记在册企业",
            "家",
            "写了 registered: true 的企业数（含匿名案例涉及的企业，只计数不公开）",
            lambda c: c.stats.registered_enterprises,
        ),
        Figure("集中充电处", "建成集中充电处", "处", "集中充电处数", lambda c: c.stats.charging_points),
        Figure("充电车位", "集中充电车位", "个", "各集中充电处车位数之和", lambda c: c.stats.charging_places),
        Figure("微型消防站", "建成微型消防站", "座", "微型消防站数", lambda c: c.stats.fire_stations),
        Figure(
            "讲座活动", "讲座、培训等活动", "场", "讲座、培训等活动场数（类型不是“巡查”的活动）", lambda c: c.stats.events_held
        ),
        Figure("参加人次", "参加活动", "人次", "各场活动参加人数之和", lambda c: c.stats.attendance),
        Figure(
            "典型企业", "树立典型企业", "家", "典型示范企业数（model: true）", lambda c: sum(1 for e in c.enterprises if e.model)
        ),
        Figure("人物", "党员先锋、志愿者", "人", "公开的党员先锋、志愿者人数", lambda c: len(c.people)),
        Figure("党员", "其中党员", "人", "其中党员人数", lambda c: sum(1 for p in c.people if p.party_member)),
    )
}

_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,12})\}")
# A number typed by hand before a counting unit: 10轮, 23 处, 3场 (dates and 3分钟 are fine).
_HAND_TYPED = re.compile(r"(?<![\d.{])(\d+)\s*(轮|处|家|座|场|名|位|人次|个)(?!钟)")
NAMES = "、".join(f"{{{n}}}" for n in FIGURES)


def placeholder_problems(text: str) -> list[str]:
    """Why a report text can't be filled in, in Chinese for editors; empty when it can."""
    found = [f"不认识的数字名称“{{{name}}}”，可以用：{NAMES}" for name in _PLACEHOLDER.findall(text) if name not in FIGURES]
    found += [
        f"数字“{m.group(0)}”是手写的：报告里的数字由内容算出，请写成数字名称，如“{{巡查轮数}}轮”"
        for m in _HAND_TYPED.finditer(text)
    ]
    return found


def fill(text: str, campaign) -> str:
    """Replace every {名称} with its figure."""
    return _PLACEHOLDER.sub(lambda m: str(FIGURES[m.group(1)].value(campaign)), text)


def table(campaign) -> list[tuple[str, int]]:
    """Every figure with its value (the report's 数说 table and the tests)."""
    return [(f.name, f.value(campaign)) for f in FIGURES.values()]
