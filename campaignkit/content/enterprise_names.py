"""Every name an enterprise goes by, for keeping an anonymous case anonymous.

People rarely say 鑫泰包装材料有限公司; they say 鑫泰包装 or just 鑫泰. An enterprise behind an
anonymous case must not appear under any of these names, so besides the registered name
and the names editors list in `also_known_as`, the usual short forms are derived: a
prefix such as 示例· dropped, then the legal form (有限公司 …), then place words at the
start (泰州、海陵 …) and industry words at the end (包装材料、物流 …), as long as a
distinctive core of at least two characters is left: 示例·鑫泰包装材料有限公司 → 鑫泰包装材料
→ 鑫泰.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MIN_CORE = 2

# Longest first where one contains another (有限责任公司 before 有限公司 before 公司).
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "分公司",
    "总公司",
    "公司",
    "集团",
    "总厂",
    "工厂",
    "厂",
    "商行",
    "经营部",
    "门市部",
    "工作室",
    "合作社",
    "个体户",
    "店",
)
PLACE_WORDS = ("中国", "江苏省", "江苏", "泰州市", "泰州", "海陵区", "海陵", "工业园区", "共建区", "园区", "孙唐")
INDUSTRY_WORDS = (
    "包装材料",
    "包装制品",
    "新材料",
    "材料",
    "包装",
    "供应链管理",
    "供应链",
    "物流",
    "快运",
    "快递",
    "速递",
    "运输",
    "仓储",
    "配送",
    "同城",
    "冷链",
    "机械制造",
    "机械",
    "制造",
    "精密",
    "五金",
    "模具",
    "机电",
    "电气",
    "电器",
    "电子",
    "科技",
    "技术",
    "信息",
    "网络",
    "实业",
    "贸易",
    "商贸",
    "服务",
    "管理",
    "加工",
    "塑料",
    "塑胶",
    "纸业",
    "纸品",
    "印刷",
    "食品",
    "建材",
    "化工",
    "纺织",
    "服饰",
    "服装",
    "设备",
    "工程",
    "汽车",
    "零部件",
    "环保",
    "能源",
    "家具",
    "木业",
)


def _strip(name: str, words: tuple[str, ...], at_end: bool) -> list[str]:
    """`name` with `words` taken off one by one (at its end or its start), every step kept."""
    steps = [name]
    while True:
        word = next(
            (w for w in words if (name.endswith(w) if at_end else name.startswith(w)) and len(name) - len(w) >= MIN_CORE), None
        )
        if word is None:
            return steps
        name = name[: -len(word)] if at_end else name[len(word) :]
        steps.append(name)


def short_forms(name: str) -> list[str]:
    """The name and its derived short forms, longest first: 示例·鑫泰包装材料有限公司 → […, 鑫泰包装材料, 鑫泰]."""
    name = name.strip()
    forms = [name]
    core = name.rsplit("·", 1)[-1].strip()  # 示例·… (the sample's marker), or a brand·name
    core = re.sub(r"[（(][^）)]*[）)]", "", core).strip()  # （泰州）、(海陵) branch notes
    forms.append(core)
    for legal in _strip(core, LEGAL_FORMS, at_end=True):
        for place in _strip(legal, PLACE_WORDS, at_end=False):
            forms += _strip(place, INDUSTRY_WORDS, at_end=True)
    unique = [f for f in dict.fromkeys(forms) if len(f) >= MIN_CORE]
    return sorted(unique, key=len, reverse=True)


def enterprise_names(data) -> list[str]:
    """Every name of one enterprise (its file's data): registered, listed by editors, derived; longest first."""
    listed = data.get("also_known_as")
    names = [data.get("name")] + (listed if isinstance(listed, list) else [])  # a wrong type: reported by the schema
    forms: list[str] = []
    for n in names:
        if isinstance(n, str) and len(n.strip()) >= MIN_CORE:
            forms += short_forms(n)
    return sorted(dict.fromkeys(forms), key=len, reverse=True)


def find_name(text: str, forms: list[str], other_names: Sequence[str] = ()) -> str | None:
    """The first (longest) of `forms` found in `text`, not counting where it is only part of
    another enterprise's name (hidden 鑫泰 inside a published 鑫泰物流)."""
    for form in forms:
        if form not in text:
            continue
        masked = text
        for other in sorted((o for o in other_names if form in o and o not in forms), key=len, reverse=True):
            masked = masked.replace(other, "\0")
        if form in masked:
            return form
    return None
