"""docs/内容格式.md, the editors' field reference, generated from the schema so it cannot drift.

Every kind and field (type, required, length, allowed values with their hints) comes from
the registry (registry.KINDS, their schemas) and enums.py; the limits from the modules that enforce them; the example of each
kind is a file of the sample content. Only the prose rules and the table of common errors are
written here, and tests/test_reference.py checks that each error listed is one the kit really
prints. Regenerate with `.venv/bin/python build.py reference`; the test fails while the file
on disk differs from what this module writes.
"""

from __future__ import annotations

from pathlib import Path

from campaignkit.content import load, markup, schema
from campaignkit.content import photos as media
from campaignkit.content.enums import ENUMERATIONS, STATUS
from campaignkit.content.kinds import KINDS, PAGES, SITE, name_of, schema_of
from campaignkit.editing.new_file import kinds as item_kinds
from campaignkit.editing.new_file import url_of

DEFAULT_PATH = Path("docs") / "内容格式.md"
PROJECT = Path(__file__).resolve().parents[2]

# Nested structures described once, in their own section, and linked from each field using them.
SHARED_OBJECTS = {id(schema.PHOTO): "照片（photo）", id(schema.QUESTION): "测验题（quiz 的每一题）"}

# The messages editors meet most, how each reads (stem as printed; … stands for the part that
# varies) and what to do. tests/test_reference.py checks every stem against the kit's code.
COMMON_ERRORS = [
    ("不认识的字段，是不是要写“…”？", "字段名拼错了，或用了中文字段名", "按提示改成正确的英文字段名；字段名见上面各表"),
    ("缺少必填字段：…", "必填字段没有写", "加上这一行；“必填”见上面各表"),
    ("不能为空", "字段写了名字，冒号后面没有值", "填上值，或整行删掉（必填字段不能删）"),
    ("必须是 … 之一，现为“…”", "选项字段写了不在列表里的值", "从提示的几个值里选一个，照抄（见“可选值”）"),
    ("日期应写成 YYYY-MM-DD（如 2023-09-12），现为“…”", "日期写成了 2023/9/12、2023.9.12 或 9月12日", "改成 2023-09-12 的形式"),
    ("“…”不是真实存在的日期", "月份或日子不存在，如 2023-02-30", "核对日期"),
    ("日期里有全角数字", "用中文输入法打了数字", "切换到英文输入法重新输入数字"),
    ("应为…（数字不要加引号），现为“…”", "数字字段（如员工人数）的数字加了引号", '写成 50，不要写 "50" 或 五十'),
    ("找不到…（content/…/….yml 不存在）", "引用的编号写错了，或那个文件还没建", "按提示改正编号，或先新建那个文件"),
    (
        "引用的…是草稿（draft），不会发布；请先发布它或去掉这个引用",
        "已发布的内容引用了草稿",
        "先发布被引用的条目（去掉它的 draft: true），或去掉引用",
    ),
    (
        "状态为“已整改”时必须填写整改完成日期",
        f"status 是 {STATUS.fixed.text}，但没有 rectified_on",
        "加上 rectified_on: 整改日期",
    ),
    ("整改日期 … 早于发现日期 …", "rectified_on 比 found_on 早", "核对两个日期"),
    ("典型企业（model: true）必须填写评选日期", "model: true 但没有 recognized_on", "加上 recognized_on: 评为典型的日期"),
    (
        "本人未同意公开（consent 必须为 true）才能发布姓名、照片和事迹；暂不发布请加 draft: true",
        "人物没有本人同意",
        "拿到同意后写 consent: true；之前先写 draft: true",
    ),
    ("匿名案例的公开文字里出现了企业名称“…”", "匿名案例的标题、摘要或正文写了企业名", "改成“共建区某物流企业”这样的说法"),
    ("匿名案例的文字里链接了它的企业页面", "匿名案例的正文链接了 /enterprises/它的企业/", "删掉这个链接"),
    (
        "提醒：“…”里的“…”加上网站公开的企业信息，只对得上一家企业",
        "匿名案例的地点、标题或摘要里的行业词（如“包装”）只有一家公开企业对得上",
        "写得笼统一些，如“某企业”（只是提醒，不影响生成）",
    ),
    (
        "发现日期 … 晚于…它所属的…巡查",
        "案例的发现日期不在那一轮巡查的日子里",
        "核对发现日期或“来自哪一轮巡查”；一轮巡查持续几天的，在那一轮填写“最后一天”（end_date）",
    ),
    (
        "含…（…），公开内容不能有个人信息",
        "公开文字里有手机号或身份证号",
        "删掉，联系电话写办公座机；确需公开的在该文件加 allow_personal_data: true",
    ),
    ("编号与 … 重复（不区分大小写和扩展名）", "两个文件编号相同（如 A.yml 和 a.yaml）", "删掉或改名其中一个"),
    ("文件名“…”不能作编号", "文件名有大写、空格、汉字或下划线", "改文件名；build.py new 会给出可用的编号"),
    ("第 … 轮已在 … 中使用，轮次不能重复", "两个巡查文件的 round 相同", "改正其中一个的轮次"),
    ("旧编号“…”的网址已被 … 使用", "aliases 里的旧编号是另一个条目现在的编号", "去掉这个旧编号"),
    ("这一行用制表符（Tab）缩进；YAML 只能用空格缩进", "用 Tab 键缩进", "把 Tab 换成两个空格"),
    ("这一行用全角空格（或不间断空格）缩进", "中文输入法下打的空格", "切换到英文输入法，用半角空格缩进"),
    ("文件不是 UTF-8 编码（看起来是 …", "记事本或 WPS 存成了 GBK/ANSI", "“另存为”，编码选 UTF-8"),
    ("YAML 格式错误", "冒号、引号或缩进写错", "看提示的行和上一行：冒号后要有空格，引号要成对，同级字段缩进对齐"),
    ("文件是空的", "文件里什么都没有", "写上内容，或删掉这个文件"),
    ("图片 content/media/… 无法处理（文件损坏或不完整）", "照片文件坏了或没传完", "重新拷贝原图"),
]

RULES = {
    "cases": [
        f"`status` 是 {STATUS.fixed.text} 时必须写 `rectified_on`，且不能早于 `found_on`。",
        (
            "`anonymous` 默认 `true`：案例的页面、搜索、订阅、分享卡片、公众号文章和讲义都只显示 `place`，"
            "不显示也不链接企业；案例的标题、摘要、正文等公开文字里也不能出现该企业的名称（全称和常用简称），"
            "不能链接它的页面。"
        ),
        "匿名只隐藏“这个案例是哪家企业的”：企业本身照常公开（企业页面、参加的活动、企业名单、光荣榜），"
        "企业页面不列出、也不计入它的匿名案例。把案例改成匿名，不会让别的文件出错，也不会让已发布的网址消失。",
        "匿名案例的地点、标题或摘要里的行业词只有一家公开企业对得上时（如“某包装企业”而公开的包装企业只有一家），"
        "检查会提醒：读者能猜出是哪家，请写得笼统一些。",
    ],
    "enterprises": [
        "`model: true`（典型示范企业）必须写 `recognized_on`。",
        "被匿名案例关联的企业照常公开（企业页面、活动、名单、光荣榜），只是企业页面不列出也不计入它的匿名案例。",
    ],
    "people": ["必须有 `consent: true`（本人同意公开）才能发布；还没拿到同意的，写 `draft: true` 先作为草稿。"],
    "lessons": [
        ("单选题 `answer` 写一个字母（如 `B`），多选题写列表（如 `[A, C]`），判断题写 `对` 或 `错`；字母不能超出选项的个数。")
    ],
    "patrols": [
        "`round` 不能重复；首页的巡查轮数、发现、整改、移交数由各轮数字相加得出。",
        "一轮巡查持续几天的，`date` 写第一天，`end_date` 写最后一天；记在这一轮的案例，发现日期要在这几天里"
        "（只有一天的不写 `end_date`，发现日期就是 `date` 那天）。",
    ],
    "facilities": ["首页的充电车位数是各集中充电处 `capacity` 之和。"],
    "events": ["`lessons` 里的课程组成这次讲座的资料包（PDF）；有测验的，另生成讲师用的答案。"],
    "pages": [
        "文件是 Markdown：第一行 `---`，下面写 `title:` 等字段，再一行 `---`，然后是正文。",
        "文件名（编号）不能和栏目同名（" + "、".join(KINDS) + " 等）。",
    ],
}


def _name(kind: str) -> str:
    return "网站设置" if kind == SITE else name_of(kind)


def _type(spec: dict) -> str:
    if id(spec) in SHARED_OBJECTS:
        title = SHARED_OBJECTS[id(spec)]
        return f"[{title.split('（')[0]}](#{_anchor(title)})"
    if spec.get("x-markdown"):
        return "Markdown 正文"
    if spec.get("x-date"):
        return "日期"
    if spec.get("x-enum"):
        return f"选项（[{ENUMERATIONS[spec['x-enum']].name}](#{_anchor(ENUMERATIONS[spec['x-enum']].name)})）"
    if spec.get("x-ref"):
        return f"编号（content/{spec['x-ref']}/）"
    if spec.get("x-photo"):
        return "图片路径"
    t = spec.get("type")
    if t == "array":
        inner = _type(spec["items"])
        return f"列表，每项：{inner}"
    return {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true / false", "object": "映射（下一级字段）"}.get(
        str(t), "见说明"
    )


def _anchor(title: str) -> str:
    """The anchor Python-Markdown's toc and GitHub give a Chinese heading (punctuation and spaces dropped)."""
    return "".join(ch for ch in title.lower().replace(" ", "-") if ch.isalnum() or ch in "-_")


def _limits(spec: dict) -> str:
    notes = []
    if "maxLength" in spec:
        notes.append(f"最多 {spec['maxLength']} 字")
    if spec.get("minimum"):
        notes.append(f"最小 {spec['minimum']}")
    if "maximum" in spec:
        notes.append(f"最大 {spec['maximum']}")
    if "maxItems" in spec:
        notes.append(f"最多 {spec['maxItems']} 项")
    if spec.get("pattern") == schema.ID_RE or (spec.get("type") == "array" and spec["items"].get("pattern") == schema.ID_RE):
        notes.append("编号格式")
    return "；".join(notes)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(props: dict, required: set, prefix: str = "") -> list[str]:
    rows = ["| 字段 | 类型 | 必填 | 说明 |", "|---|---|---|---|"]
    nested: list[tuple[str, dict]] = []
    for key, spec in props.items():
        limits = _limits(spec)
        desc = spec.get("description", "") or ("见下面的下一级字段" if spec.get("type") == "object" else "")
        desc += f"（{limits}）" if limits else ""
        if spec.get("x-enum"):
            desc += "。可选：" + " / ".join(f"`{v.text}`" for v in ENUMERATIONS[spec["x-enum"]])
        rows.append(f"| `{prefix}{key}` | {_type(spec)} | {'必填' if key in required else ''} | {_cell(desc)} |")
        target = spec["items"] if spec.get("type") == "array" else spec
        if target.get("type") == "object" and id(target) not in SHARED_OBJECTS:
            nested.append((f"{prefix}{key}", target))
    out = rows
    for name, spec in nested:
        out += ["", f"`{name}` 的下一级字段：", ""]
        out += _table(spec["properties"], set(spec.get("required", ())), prefix=f"{name}.")
    return out


def _example(kind: str, root: Path) -> tuple[str, str]:
    """(relative path, text) of the shortest published sample file of `kind`."""
    if kind == SITE:
        path = root / "site.yml"
    else:
        files = [p for p in sorted((root / kind).glob("*")) if p.suffix in (".yml", ".yaml", ".md")]
        files = [p for p in files if "draft: true" not in p.read_text(encoding="utf-8")]
        path = min(files, key=lambda p: (len(p.read_text(encoding="utf-8")), p.name))
    return path.relative_to(root.parent).as_posix(), path.read_text(encoding="utf-8").rstrip("\n")


def _fence(text: str, lang: str) -> list[str]:
    fence = "````" if "```" in text else "```"
    return [fence + lang, text, fence]


def _kind_section(kind: str, content_root: Path) -> list[str]:
    spec = schema_of(kind)
    name = _name(kind)
    where = (
        "`content/site.yml`（只有这一个文件）"
        if kind == SITE
        else (f"`content/{kind}/<编号>.{'md' if kind == PAGES else 'yml'}`")
    )
    url = "" if kind == SITE else url_of(kind, "<编号>")
    out = [f"### {name}（{kind}）", "", f"文件：{where}" + (f"　网址：`{url}`" if url else ""), ""]
    if kind != SITE:
        out += [f"新建：`.venv/bin/python build.py new {kind} <编号>`", ""]
    out += _table(spec["properties"], set(spec["required"]))
    if RULES.get(kind):
        out += ["", "规则：", ""] + [f"- {r}" for r in RULES[kind]]
    rel, text = _example(kind, content_root)
    out += ["", f"例子（示例内容里的 `{rel}`）：", ""] + _fence(text, "markdown" if kind == PAGES else "yaml") + [""]
    return out


def _shared_section(title: str, spec: dict) -> list[str]:
    return [f"### {title}", ""] + _table(spec["properties"], set(spec["required"])) + [""]


def _enumerations() -> list[str]:
    out = [
        "## 可选值",
        "",
        "选项字段只能写下面“写法”一列里的值（照抄，不加引号）。写了“也认得”里的说法，检查会提示应该写哪一个。",
        "",
    ]
    for enum in ENUMERATIONS.values():
        out += [f"### {enum.name}", "", "| 写法 | 网站上显示 | 说明 | 也认得（会提示改成左边的写法） |", "|---|---|---|---|"]
        for v in enum:
            shown = f"{v.mark} {v.shown}".strip()
            out.append(f"| `{v.text}` | {_cell(shown)} | {_cell(v.hint or v.checklist)} | {'、'.join(v.synonyms)} |")
        out.append("")
    return out


def render(content_root: Path | None = None) -> str:
    content_root = content_root or PROJECT / "content"
    kinds = [SITE, *item_kinds()]
    out = [
        "# 内容格式：字段说明",
        "",
        (
            "> 本文件由 `campaignkit/editing/field_reference.py` 根据内容格式（`campaignkit/content/schema.py`、`campaignkit/content/enums.py`）自动生成，"
            "请不要手改。内容格式改了以后运行 `.venv/bin/python build.py reference` 重新生成。"
        ),
        "",
        (
            "网站和讲义全部由 `content/` 文件夹里的文件生成。每个条目是一个 YAML 文件（自由页面是 Markdown 文件），"
            "一行写一个字段：`字段名: 值`。字段名是英文，值写中文。"
        ),
        "",
        "## 目录",
        "",
        "- [文件放在哪里](#文件放在哪里)",
        "- [通用规则](#通用规则)",
        "- [各类内容的字段](#各类内容的字段)："
        + "、".join(f"[{_name(k)}](#{_anchor(_name(k) + '（' + k + '）')})" for k in kinds),
        "- [可选值](#可选值)",
        "- [常见错误和改法](#常见错误和改法)",
        "- [命令和退出状态](#命令和退出状态)",
        "",
        "## 文件放在哪里",
        "",
        "| 内容 | 文件 | 网址 | 新建命令 |",
        "|---|---|---|---|",
        "| 网站设置 | `content/site.yml` | — | — |",
    ]
    for kind in kinds[1:]:
        ext = "md" if kind == "pages" else "yml"
        out.append(
            f"| {_name(kind)} | `content/{kind}/<编号>.{ext}` | `{url_of(kind, '<编号>')}` | `build.py new {kind} <编号>` |"
        )
    out.append(f"| 照片 | `content/{load.MEDIA}/` 下任意子文件夹 | — | — |")
    out += ["", *_general_rules(), "## 各类内容的字段", ""]
    for kind in kinds:
        out += _kind_section(kind, content_root)
    out += ["## 共用的结构", ""]
    out += _shared_section("照片（photo）", schema.PHOTO)
    out += ["照片要求见[通用规则·照片](#照片)。", ""]
    out += _shared_section("测验题（quiz 的每一题）", schema.QUESTION)
    out += _enumerations()
    out += [
        "## 常见错误和改法",
        "",
        (
            "检查（`build.py check`）和生成时，每个问题一行：`content/文件:行号: 字段: 问题`，同一次的所有问题一起列出；"
            "有任何问题时网站不更新，`site/` 保持上一次成功生成的样子。“…”表示随情况变化的部分。"
        ),
        "",
        "| 提示 | 原因 | 怎么改 |",
        "|---|---|---|",
    ]
    out += [f"| {_cell(m)} | {_cell(c)} | {_cell(f)} |" for m, c, f in COMMON_ERRORS]
    out += ["", *_commands()]
    return "\n".join(out).rstrip("\n") + "\n"


def _general_rules() -> list[str]:
    mb = load.MAX_FILE_BYTES // 1_000_000
    return [
        "## 通用规则",
        "",
        "### 编号",
        "",
        (
            "- 编号就是文件名（不含 `.yml`），也是网址的一部分：只能用小写英文字母、数字和“-”，不能以“-”开头或结尾，"
            "如 `2023-09-feixian`、`hengshun-wuliu`。建议用拼音。`build.py new` 遇到不能用的编号会给出可用的写法。"
        ),
        "- 发布后不要改编号（网址会变）。确实要改时，在改名后的文件里写 `aliases: [旧编号]`，旧网址会自动跳转到新页面。",
        "- 同一文件夹里编号不能重复（不区分大小写，`.yml` 和 `.yaml` 算同一个）。",
        "",
        "### 文件",
        "",
        f"- 编码必须是 UTF-8（Windows 记事本“另存为”时选 UTF-8）；开头带 BOM 没关系。一个文件不能超过 {mb} MB。",
        "- 缩进只用半角空格，不能用 Tab 或全角空格。冒号后面要有一个空格：`title: 标题`。",
        "- 不支持 YAML 的 `&锚点`、`*别名` 和 `<<` 合并键。以 `#` 开头的行是注释，不会发布。",
        "- 不认识的字段会报错（拼错的字段名不会被悄悄忽略）。",
        "",
        "### 日期和数字",
        "",
        "- 日期写成 `2023-12-08`（年-月-日，月和日补足两位），用半角数字。网页上显示为 2023年12月8日。",
        '- 数字不加引号：`employees: 50`，不是 `"50"`，也不是“五十”。`true` / `false` 用英文小写。',
        "",
        "### 文字",
        "",
        (
            f"- 标题等短文字最多 {schema.TEXT_MAX} 字；措施、做法、题目等最多 {schema.LONG_TEXT_MAX} 字；"
            f"Markdown 正文最多 {schema.MARKDOWN_MAX} 字。"
        ),
        "- 多行的正文写成 `字段: |`，下面每行开头空两格。",
        (
            '- Markdown 正文支持常用格式、表格和提示框（`!!! warning "注意"`）。正文里的 HTML 代码不会原样发布：'
            "脚本、事件属性、`javascript:` 链接、iframe、样式都会被去掉；正文里的图片不显示（照片写在 `photos` 里）；"
            "正文里的一级标题（`#`）显示为二级标题。"
        ),
        f"- 自由页面（`content/pages/`）的正文最多 {markup.MAX_PAGE_CHARS} 字。",
        "",
        "### 照片",
        "",
        (
            f"- 照片放在 `content/{load.MEDIA}/` 下，`file` 从 `{load.MEDIA}/` 之后写起，如 `file: cases/a-before.jpg`；"
            "不能写 `..`、绝对路径或链接到 `content/` 以外。"
        ),
        "- 格式：JPEG、PNG、WebP。必须写 `alt`：说明图片里是什么（给读屏软件和图片加载失败时用），不要写匿名企业的名称。",
        f"- 手机拍的大照片直接放：JPEG 最大 {media.MAX_PIXELS // 1_000_000} 百万像素，PNG/WebP 最大 "
        f"{media.MAX_FULL_DECODE_PIXELS // 1_000_000} 百万像素；发布时缩小为 "
        + "、".join(f"{w}" for w in media.WIDTHS)
        + " 像素宽，去掉 GPS 位置和相机信息，文件名改为随机编码；原图不会被改动。",
        "- 案例照片写 `stage: before` / `after`，整改前后会并排显示。",
        "",
        "### 匿名",
        "",
        "- 案例默认 `anonymous: true`：案例只显示 `place`（如“共建区某物流企业”），它的页面、搜索、订阅、分享卡片、"
        "公众号文章和讲义都不出现、不链接企业。",
        (
            "- 匿名隐藏的是“案例和企业的关系”，不是企业：被匿名案例关联（`enterprise:`）的企业照常有企业页面、"
            "照常出现在活动、企业名单和光荣榜里，只是企业页面不列出、不计入这个案例。把案例改成匿名不会让别的文件出错。"
        ),
        "- 匿名案例的文字里写了企业名称（全称、简称或 `also_known_as` 里的叫法）或链接了企业页面，检查会报错。",
        "- 匿名案例的地点、标题或摘要里的行业词只有一家公开企业对得上时，检查会提醒（不影响生成）：请写得笼统一些。",
        "",
        "### 本人同意（consent）",
        "",
        "- 人物必须写 `consent: true`（本人已同意公开姓名、照片和事迹）才能发布。",
        "- 还没拿到同意的，写 `draft: true`：不会发布，只在内部预览里看得到，预览时也不要求 `consent`。",
        "",
        "### 草稿（draft）",
        "",
        (
            "- `draft: true` 的条目不发布。`build.py serve`（实时预览）和 `build.py --drafts`（生成到 `.build/drafts/`）"
            "会把草稿也生成出来，页面顶部有“草稿”横条，并告诉搜索引擎不要收录；草稿永远不会写进 `site/`。"
        ),
        "- 已发布的内容不能引用草稿（会报错，提醒先发布草稿或去掉引用）。",
        "",
        "### 改名和旧网址（aliases）",
        "",
        "- `aliases: [旧编号1, 旧编号2]`：这些旧编号的网址会跳转到本条目。旧编号不能是别的条目正在用的编号。",
        "",
        "### 个人信息",
        "",
        (
            "- 公开内容里出现手机号（包括 +86、分段、全角数字等写法）或身份证号会报错。联系电话请写办公座机。"
            "确需公开的，在该文件写 `allow_personal_data: true`。"
        ),
        "",
    ]


def _commands() -> list[str]:
    return [
        "## 命令和退出状态",
        "",
        "| 命令 | 作用 |",
        "|---|---|",
        "| `.venv/bin/python build.py` | 检查内容，生成网站和讲义，放进 `site/` |",
        "| `.venv/bin/python build.py check` | 只检查内容（几秒钟） |",
        "| `.venv/bin/python build.py serve` | 实时预览（含草稿）：浏览器打开 http://127.0.0.1:8000/ ，保存文件后页面自动刷新 |",
        "| `.venv/bin/python build.py new <类型> <编号>` | 新建一个内容文件，列出全部字段和说明 |",
        "| `.venv/bin/python build.py --drafts` | 连草稿一起生成到 `.build/drafts/`，供内部预览 |",
        "| `.venv/bin/python build.py --no-pdf` | 只生成网页（快） |",
        "",
        (
            "退出状态（给脚本和自动化用）：`0` 成功；`1` 内容有问题（逐条列出），或网站已发布、但有内部文书没有生成（逐份列出）；`2` 程序内部出错（详情在 "
            "`.build/last-error.log`）；`64` 命令写错了；`69` 这台电脑上不能运行这个命令（Windows 请用 WSL 2）；`130` 被 Ctrl-C 中断。"
        ),
    ]


def write(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path
