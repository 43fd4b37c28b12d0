"""Every enumerated value, declared once: what editors write, its URL slug, how the site and
print show it, and the words editors type instead of it.

Code refers to a value by its slug (`STATUS.fixed`, `FACILITY_KIND.charging`), never by
its Chinese text; the schema's `enum` lists, the templates' badges, the handouts' tags, the
charts, the field reference and the forms all read these declarations. Adding a value is
one line here (and, for a value that changes behaviour, the code that asks for it by slug).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Value:
    """One allowed value of an enumerated field."""

    text: str  # what an editor writes in YAML, and what pages show as the value
    slug: str  # URL part (cases/status/<slug>/), CSS class, and the name code uses
    mark: str = ""  # the sign beside it, on the site, in print and in articles (status and risk never read from colour alone)
    label: str = ""  # how it reads as a badge or a choice; the text itself when empty
    synonyms: tuple[str, ...] = ()  # what editors type instead: "did you mean" suggestions
    hint: str = ""  # one line for the field reference and the forms
    words: tuple[str, ...] = ()  # words that tie a text to this value (a lesson's key point to a hazard)
    checklist: str = ""  # what it looks like, for the patrol form's checklist
    # A case's status says how its story is told (view/presentation.py; every output reads it):
    before_label: str = ""  # what its "before" photo is called (only a case put right has a 整改前)
    actions_heading: str = ""  # the heading over what was done (only a case put right says 整改的)
    no_after_photo: tuple[str, ...] = ()  # print's lines in place of a missing "after" photo

    @property
    def shown(self) -> str:
        return self.label or self.text

    @property
    def tag(self) -> str:
        """Sign and words, as every output shows a status or a risk (▲ 高风险, ✓ 已整改)."""
        return f"{self.mark} {self.shown}".strip()


@dataclass(frozen=True)
class Enumeration:
    """An ordered set of values; the order is the order of lists, charts and pick-lists."""

    name: str  # Chinese name of the field (状态, 隐患类型)
    values: tuple[Value, ...]
    _by_text: dict = field(init=False, repr=False, compare=False)
    _by_slug: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_text", {v.text: v for v in self.values})
        object.__setattr__(self, "_by_slug", {v.slug.replace("-", "_"): v for v in self.values})
        assert len(self._by_text) == len(self.values) == len(self._by_slug), f"{self.name}: duplicate value"

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, text) -> bool:
        return text in self._by_text

    def __getitem__(self, text: str) -> Value:
        """The value an editor wrote (已整改) → its declaration."""
        return self._by_text[text]

    def __getattr__(self, slug: str) -> Value:
        """STATUS.fixed, STATUS.in_progress: the value code means, by its slug."""
        try:
            return self.__dict__["_by_slug"][slug]
        except KeyError:
            raise AttributeError(f"{self.name} has no value {slug!r}") from None

    @property
    def texts(self) -> list[str]:
        return [v.text for v in self.values]

    def synonyms(self) -> dict[str, str]:
        """Every synonym → the value's text (for "did you mean")."""
        return {s: v.text for v in self.values for s in v.synonyms}


STATUS = Enumeration(
    "整改状态",
    (
        Value(
            "已发现",
            "found",
            "!",
            before_label="发现时",
            actions_heading="采取了哪些措施",
            no_after_photo=("尚未整改到位", "整改完成后补拍照片"),
            synonyms=("发现", "未整改", "待整改", "新发现", "未处理", "尚未整改"),
            hint="刚发现，还没开始整改",
        ),
        Value(
            "整改中",
            "in-progress",
            "…",
            before_label="整改前",
            actions_heading="整改措施",
            no_after_photo=("尚未整改到位", "整改完成后补拍照片"),
            synonyms=("正在整改", "限期整改", "整改进行中", "整改当中", "督促整改"),
            hint="已要求整改，正在进行",
        ),
        Value(
            "已整改",
            "fixed",
            "✓",
            before_label="整改前",
            actions_heading="怎么整改的",
            no_after_photo=("没有整改后照片",),
            synonyms=(
                "整改完成",
                "完成",
                "已完成",
                "整改完毕",
                "已经整改",
                "已处理",
                "已解决",
                "整改到位",
                "已拆除",
                "当场整改",
                "已改正",
                "已整改完毕",
            ),
            hint="已经整改到位（要写 rectified_on 整改日期）",
        ),
        Value(
            "已移交职能部门",
            "referred",
            "→",
            before_label="移交前",
            actions_heading="怎么处置的",
            no_after_photo=("已移交职能部门依法处理", "处理完成后补拍照片"),
            synonyms=("已移交", "移交", "移交职能部门", "已上报", "移交处理", "已移送", "移交相关部门", "已移交相关部门"),
            hint="拒不整改等情况，已移交职能部门处理",
        ),
    ),
)

HAZARD = Enumeration(
    "隐患类型",
    (
        Value(
            "飞线充电",
            "flying-cord",
            words=("飞线", "拉线"),
            synonyms=("飞线", "拉飞线", "私拉飞线", "飞线充电隐患", "拉线充电", "窗口飞线", "飞线充电问题"),
            checklist="从窗口、门口、楼上拉线给电动车充电",
        ),
        Value(
            "楼道停放充电",
            "corridor",
            words=("楼道", "疏散", "出口"),
            synonyms=("楼道充电", "楼道停放", "楼道停车", "楼道内充电", "楼梯间充电", "门厅充电", "楼道停放电动车"),
            checklist="车辆停在楼道、门厅、楼梯间、安全出口或在那里充电",
        ),
        Value(
            "私拉电线",
            "private-wiring",
            words=("电线", "插线板", "拉线"),
            synonyms=("私接电线", "乱拉电线", "私搭乱接", "私拉乱接", "乱接电线", "私接插线板"),
            checklist="私接插线板、电线不穿管、接头缠胶布",
        ),
        Value(
            "电池改装",
            "battery-mod",
            words=("改装", "电池"),
            synonyms=("改装电池", "私自改装", "改装", "改装车辆", "加装电池", "私自加装电池"),
            checklist="私自改装车辆、加装大电池、使用来路不明的电池或充电器",
        ),
        Value("其他", "other", synonyms=("其它",), checklist="其他可能引发火灾或堵塞疏散通道的情况（写明）"),
    ),
)

# Signs that say a level (up, hollow, down), none of print's answer boxes (■ □) or status signs.
RISK = Enumeration(
    "风险等级",
    (
        Value("高", "high", "▲", label="高风险", synonyms=("高风险", "较高", "重大", "高危", "严重")),
        Value("中", "mid", "△", label="中风险", synonyms=("中风险", "中等", "一般")),
        Value("低", "low", "▽", label="低风险", synonyms=("低风险", "较低", "轻微")),
    ),
)

FACILITY_KIND = Enumeration(
    "设施类型",
    (
        Value("集中充电处", "charging", synonyms=("充电处", "充电点", "集中充电点", "充电桩", "充电棚", "集中充电站", "充电站")),
        Value("微型消防站", "fire-station", synonyms=("消防站", "微型站", "微站")),
    ),
)

EVENT_KIND = Enumeration(
    "活动类型",
    (
        Value("讲座", "lecture", synonyms=("讲课", "宣讲", "专题讲座", "宣讲会", "讲座活动")),
        Value("培训", "training", synonyms=("培训班", "培训会", "业务培训")),
        Value("研讨会", "seminar", synonyms=("座谈会", "研讨", "座谈", "研讨会议")),
        Value("演练", "drill", synonyms=("消防演练", "应急演练", "演习", "消防演习", "应急演习")),
        Value("巡查", "patrol", synonyms=("检查", "排查")),
        Value("其他", "other", synonyms=("其它",)),
    ),
)

QUIZ_KIND = Enumeration(
    "题型",
    (
        Value("single", "single", label="单选", synonyms=("单选", "单选题", "单项选择", "单项选择题")),
        Value("multiple", "multiple", label="多选", synonyms=("多选", "多选题", "多项选择", "多项选择题")),
        Value("judge", "judge", label="判断", synonyms=("判断", "判断题", "对错", "是非题")),
    ),
)

# × (U+00D7), not ✕: the handouts' two Noto CJK faces have no ✕, and one mark serves every output.
PHOTO_STAGE = Enumeration(
    "照片阶段",
    (
        Value("before", "before", "×", label="整改前", synonyms=("整改前", "前", "改前", "整改之前")),
        Value("after", "after", "✓", label="整改后", synonyms=("整改后", "后", "改后", "整改之后")),
    ),
)

# Patrols look for more than the hazard kinds a case can have: the patrol form's checklist
# lists these between the case hazards and 其他.
PATROL_EXTRA_CHECKS = (
    ("车辆电池进室内", "电动车或电池进入车间、仓库、宿舍"),
    ("充电处设施不全", "集中充电处缺灭火器、灭火器过期、充满不断电"),
)

ENUMERATIONS = {
    "status": STATUS,
    "hazard": HAZARD,
    "risk": RISK,
    "facility_kind": FACILITY_KIND,
    "event_kind": EVENT_KIND,
    "quiz_kind": QUIZ_KIND,
    "photo_stage": PHOTO_STAGE,
}
