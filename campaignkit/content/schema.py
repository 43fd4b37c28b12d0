"""The fields of every content kind as JSON Schema: the one definition of fields (docs/内容格式.md
is generated from it).

Each field carries a Chinese `description` (shown to editors in the field reference)
and, where the validator needs more than JSON Schema says, an `x-` key:
`x-ref` (the kind an id must exist in), `x-markdown` (sanitised Markdown), `x-date`
(YYYY-MM-DD checked as a real calendar date), `x-photo` (a file under content/media/),
`x-enum` (the enumeration of enums.py an `enum` list comes from). The kinds themselves, and
which schema each uses, are declared in registry.py.
"""

from __future__ import annotations

import re

from campaignkit.content.enums import (
    ENUMERATIONS,
    EVENT_KIND,
    FACILITY_KIND,
    HAZARD,
    PHOTO_STAGE,
    QUIZ_KIND,
    RISK,
    STATUS,
    Enumeration,
)
from campaignkit.content.report_figures import NAMES as FIGURE_NAMES

TEXT_MAX = 200
LONG_TEXT_MAX = 2_000
MARKDOWN_MAX = 20_000
# A lesson's bullets (objectives, key points, dos and don'ts) are one line each on paper (TEXT_MAX),
# and its quiz is read aloud in class: a question or an explanation is a few sentences, an option a phrase.
QUIZ_TEXT_MAX = 500
OPTION_MAX = 100

ID_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def label_of(description: str, fallback: str) -> str:
    """The short Chinese label of a field, as forms and sheets show it: its description up to the
    first comma or bracket ("涉及的企业（匿名时不公开）" → 涉及的企业)."""
    text = re.sub(r"^true 表示", "", description or "")  # "true 表示草稿：…" is the 草稿 switch
    short = re.split(r"[，,（(：:；;。]", text, maxsplit=1)[0].strip()
    return short or fallback


def text(desc: str, max_length: int = TEXT_MAX) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": max_length, "description": desc}


def markdown(desc: str) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": MARKDOWN_MAX, "x-markdown": True, "description": desc}


def date(desc: str) -> dict:
    return {"type": "string", "x-date": True, "description": desc}


def integer(desc: str, minimum: int = 0) -> dict:
    return {"type": "integer", "minimum": minimum, "description": desc}


def boolean(desc: str) -> dict:
    return {"type": "boolean", "description": desc}


def choice(values: Enumeration, desc: str) -> dict:
    """One of an enumeration's values (enums.py); `x-enum` names it for the forms and the reference."""
    name = next(key for key, e in ENUMERATIONS.items() if e is values)
    return {"enum": values.texts, "x-enum": name, "description": desc}


def ref(kind: str, desc: str) -> dict:
    return {"type": "string", "pattern": ID_RE, "x-ref": kind, "description": desc}


LIST_MAX = 20  # a list's most items unless its field says otherwise


def list_of(item: dict, desc: str, max_items: int = LIST_MAX) -> dict:
    """A list with the most items it may have: every list has one, so every handout that prints it
    is laid out (and tested) for the longest one the format allows."""
    return {"type": "array", "items": item, "maxItems": max_items, "description": desc}


def obj(properties: dict, required: tuple = (), desc: str = "") -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
        "description": desc,
    }


def report_text(desc: str, markdown_field: bool = True) -> dict:
    """Report prose: Markdown (or one line) whose numbers are written as {名称} and computed (report_figures.py)."""
    spec = markdown(desc) if markdown_field else text(desc, LONG_TEXT_MAX)
    return {**spec, "x-figures": True, "description": f"{desc}。数字写成名称，由内容算出：{FIGURE_NAMES}"}


PHOTO = obj(
    {
        "file": {
            "type": "string",
            "minLength": 1,
            "x-photo": True,
            "description": "照片文件（content/media/ 下的图片路径，JPEG/PNG/WebP/HEIC）",
        },
        "alt": text("图片内容的文字说明（读屏软件和图片加载失败时显示）"),
        "caption": text("图片说明（显示在图片下方）"),
        "stage": choice(PHOTO_STAGE, "拍摄阶段（整改前或整改后，成对的照片并排显示）"),
    },
    required=("file", "alt"),
    desc="照片",
)

COMMON = {
    "draft": boolean("true 表示草稿：不发布（除非构建时加 --drafts）"),
    "aliases": list_of({"type": "string", "pattern": ID_RE}, "改名前用过的编号：旧网址会跳转到这里", 50),
    "allow_personal_data": boolean("true 表示允许本条内容出现手机号、身份证号（慎用）"),
}


def item(properties: dict, required: tuple) -> dict:
    return obj({**properties, **COMMON}, required)


SITE = obj(
    {
        "title": text("网站名称"),
        "org": text("发布单位"),
        "base_url": {
            "type": "string",
            "pattern": r"^https?://[^\s/]+(/\S*)?$",
            "description": "网站公开地址，如 https://example.cn/",
        },
        "description": text("一句话简介，用于分享卡片和搜索引擎"),
        "area": obj(
            {"name": text("共建区名称"), "enterprise_count": integer("区内企业数")},
            required=("name", "enterprise_count"),
            desc="共建区（名称和企业数）",
        ),
        "contact": obj(
            {"office": text("办公室"), "phone": text("办公电话（只能是座机）"), "address": text("地址")},
            desc="联系方式（办公室、办公电话、地址）",
        ),
        "credits": obj(
            {"contributor": text("供稿"), "reviewer": text("审核"), "publisher": text("发布")}, desc="署名（供稿、审核、发布）"
        ),
        "copyright": text("版权声明", LONG_TEXT_MAX),
        "notice_prefix": text("隐患整改通知书文号的机关代字，如 孙唐社安（印成 孙唐社安〔2023〕3 号）；不填时用发布单位", 20),
        "report": obj(
            {
                "title": text("项目报告（公众号文章）标题"),
                "project": text("项目名称，如 放样子、亮群像"),
                "editor_note": report_text("编者按"),
                "motivation": report_text("立项动因"),
                "measures": list_of(
                    obj(
                        {
                            "title": text("小标题，如 整合多方资源"),
                            "subtitle": text("副标题，如 共助安全事业"),
                            "text": report_text("具体做法"),
                            "events": list_of(ref("events", "活动编号"), "配图：这些活动的第一张照片", 10),
                            "facilities": list_of(ref("facilities", "设施编号"), "配图：这些设施的照片", 10),
                        },
                        required=("title", "text"),
                    ),
                    "推进举措（每条一个小标题）",
                    10,
                ),
                "outcomes": list_of(report_text("一条成效", markdown_field=False), "项目成效（按条）", 20),
            },
            required=("title", "motivation", "measures", "outcomes"),
            desc="公众号项目报告：编者按、立项动因、推进举措、项目成效；数字由内容算出",
        ),
        "withdrawn": list_of(
            {"type": "string", "minLength": 1, "maxLength": TEXT_MAX, "description": "网址，如 cases/old-id/"},
            "确定撤下的已发布页面（网址，如 [cases/old-id/, people/zhang-san/]）：已发布的网址消失时构建会停止，"
            "写在这里表示是有意撤下",
            1000,
        ),
        "search_words": list_of(
            obj(
                {
                    "words": {
                        **list_of(text("一个词，如 充电桩", 20), "读者会用的几种说法，如 [充电桩, 充电站, 哪里充电]"),
                        "minItems": 1,
                    },
                    "page": {
                        "type": "string",
                        "pattern": r"^([a-z0-9][a-z0-9/-]*/)?$",
                        "description": "搜这些词时排在第一的页面（网址，如 facilities/；首页写空字符串）",
                    },
                },
                required=("words",),
            ),
            "站内搜索的同义词：同一组里的词搜起来一样（搜“电瓶”也找到写“电池”的页面）；可写 page，"
            "搜到这组词时把那一页排在第一。程序已带常用的一套（campaignkit/website/search_words.yml），这里写的与之合并",
        ),
        "allow_personal_data": COMMON["allow_personal_data"],
    },
    required=("title", "org", "base_url", "description"),
)

CASE = item(
    {
        "title": text("标题"),
        "found_on": date("发现日期"),
        "place": text("公开显示的地点，如 共建区某物流企业"),
        "enterprise": ref("enterprises", "涉及的企业（匿名时不公开）"),
        "anonymous": boolean("是否匿名，默认 true：不公开企业名称"),
        "hazard": choice(HAZARD, "隐患类型"),
        "risk": choice(RISK, "风险等级"),
        "status": choice(STATUS, "整改状态"),
        "rectified_on": date("整改完成日期"),
        "notice_no": integer(
            "隐患整改通知书的文号：当年第几号（年份取发文日期）。不用填：第一次生成通知书时按年份顺序分配并写进本文件，"
            "以后不变，也不会给别的案例",
            1,
        ),
        "notice_date": date("隐患整改通知书的发文日期（不填时用发现日期 found_on）"),
        "summary": text("一句话摘要"),
        "description": markdown("发现了什么、为什么危险"),
        "actions": list_of(text("措施", LONG_TEXT_MAX), "采取的措施（按先后）", 20),
        "photos": list_of(PHOTO, "照片", 20),
        "lessons": list_of(ref("lessons", "课程编号"), "相关课程", 10),
        "patrol": ref("patrols", "来自哪一轮巡查"),
        "tags": list_of(text("标签", 30), "标签", 20),
    },
    required=("title", "found_on", "place", "hazard", "risk", "status"),
)

ENTERPRISE = item(
    {
        "name": text("企业名称"),
        "also_known_as": list_of(
            text("名称"),
            "平时大家怎么称呼这家企业（简称、俗称、招牌名），如 [鑫泰, 鑫泰包装厂]："
            "企业关联了匿名案例时，这些名称和自动推出的简称都不能出现在公开内容里",
            20,
        ),
        "industry": text("行业"),
        "employees": integer("员工人数"),
        "model": boolean("true 表示典型示范企业"),
        "registered": boolean("true 表示已登记进企业花名册（项目报告里的“登记企业”数由此算出）"),
        "recognized_on": date("评为典型的日期"),
        "honor": text("荣誉称号"),
        "story": markdown("他们是怎么做的"),
        "practices": list_of(text("做法", LONG_TEXT_MAX), "可供学习的具体做法", 20),
        "quote": obj(
            {"text": text("一句话", LONG_TEXT_MAX), "by": text("说话人")}, required=("text",), desc="引语（一句话和说话人）"
        ),
        "photos": list_of(PHOTO, "照片", 20),
    },
    required=("name",),
)

PERSON = item(
    {
        "name": text("姓名"),
        "role": text("身份，如 共建区协管员"),
        "party_member": boolean("是否党员"),
        "team": text("所在队伍（群像按队伍分组）"),
        "consent": boolean("本人同意公开姓名、照片和事迹（必须为 true）"),
        "photo": PHOTO,
        "story": markdown("事迹"),
    },
    required=("name",),
)

QUESTION = obj(
    {
        "question": text("题目", QUIZ_TEXT_MAX),
        "kind": choice(QUIZ_KIND, "题型（single 单选 / multiple 多选 / judge 判断）"),
        "options": list_of(text("选项", OPTION_MAX), "选项（A、B、C……，最多 10 个）", 10),
        "answer": {"description": "答案（单选如 B，多选如 [A, C]，判断 对/错）"},
        "explanation": text("解析", QUIZ_TEXT_MAX),
    },
    required=("question", "kind", "answer"),
)

LESSON = item(
    {
        "title": text("课程标题"),
        "audience": text("对象，如 企业员工"),
        "minutes": integer("时长（分钟）", 1),
        "objectives": list_of(text("目标"), "学习目标", 20),
        "key_points": list_of(text("要点"), "必须记住的要点", 20),
        "dos": list_of(text("应该"), "应该", 20),
        "donts": list_of(text("禁止"), "禁止", 20),
        "body": markdown("正文"),
        "cases": list_of(ref("cases", "案例编号"), "用作例子的案例", 20),
        "references": list_of(
            obj(
                {"title": text("依据名称及条款"), "url": {"type": "string", "pattern": r"^https?://\S+$", "description": "链接"}},
                required=("title",),
            ),
            "依据和参考资料",
            20,
        ),
        "quiz": list_of(QUESTION, "小测验", 10),
        "published_on": date("发布日期：订阅（RSS/Atom）里的日期（不填时用第一次讲这门课的活动日期）"),
    },
    required=("title",),
)

PATROL = item(
    {
        "round": integer("第几轮", 1),
        "date": date("巡查日期（一轮巡查持续几天时，写第一天）"),
        "end_date": date("最后一天（一轮巡查持续几天时填写；一天巡查完的不填）"),
        "team": list_of(text("人员"), "巡查队伍", 50),
        "enterprises_checked": integer("检查企业数"),
        "hazards_found": integer("发现隐患数"),
        "rectified_on_spot": integer("已整改数"),
        "referred": integer("移交职能部门数"),
        "cases": list_of(ref("cases", "案例编号"), "本轮记录的案例", 500),
        "note": text("备注", LONG_TEXT_MAX),
    },
    required=("round", "date"),
)

FACILITY = item(
    {
        "name": text("名称"),
        "kind": choice(FACILITY_KIND, "类型"),
        "address": text("地址"),
        "opened_on": date("启用日期"),
        "capacity": integer("充电车位数"),
        "hours": text("开放时间"),
        "fee": text("收费"),
        "photo": PHOTO,
        "location": obj(
            {
                "lat": {"type": "number", "minimum": -90, "maximum": 90, "description": "纬度"},
                "lng": {"type": "number", "minimum": -180, "maximum": 180, "description": "经度"},
            },
            desc="位置（经纬度，只显示为文字，不调用地图）",
        ),
    },
    required=("name", "kind", "address"),
)

EVENT = item(
    {
        "title": text("标题"),
        "date": date("日期"),
        "kind": choice(EVENT_KIND, "类型"),
        "venue": text("地点"),
        "speaker": text("主讲"),
        "lessons": list_of(ref("lessons", "课程编号"), "讲座资料包包含的课程", 10),
        "attendance": {**integer("参加人数（签到表按它的行数印，最多 1000）"), "maximum": 1000},
        "enterprises": list_of(ref("enterprises", "企业编号"), "参加的企业", 500),
        "summary": markdown("活动内容"),
        "photos": list_of(PHOTO, "照片", 20),
    },
    required=("title", "date"),
)

PLEDGE = item(
    {
        "title": text("承诺书标题"),
        "audience": text("谁来签（如“企业”“员工和骑手”）"),
        "signer": text("签名栏写什么（如“企业负责人”“本人”）"),
        "intro": text("开头一段话", LONG_TEXT_MAX),
        "promises": list_of(text("承诺事项", LONG_TEXT_MAX), "一条一条的承诺", 20),
        "references": list_of(
            obj(
                {"title": text("依据名称及条款"), "url": {"type": "string", "pattern": r"^https?://\S+$", "description": "链接"}},
                required=("title",),
            ),
            "依据",
            10,
        ),
    },
    required=("title", "promises"),
)

PAGE = item(
    {
        "title": text("页面标题"),
        "description": text("一句话简介（分享卡片）"),
        "order": integer("在导航中的顺序（小的在前）"),
    },
    required=("title",),
)
