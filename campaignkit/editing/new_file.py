"""`build.py new <kind> <id>`: a new content file with every field of its kind, explained in Chinese.

The file is written from the kind's schema (registry.schema_of), so a field added there appears here too:
- required fields first, uncommented and empty (a check says “不能为空” until they are filled),
  each with its description and 必填; the dates an editor would write today are prefilled;
- explanations on comment lines of their own (validation reports a `# ` after a value);
- optional fields after them, commented out with an example value, so the file validates
  as soon as the required values are filled and an editor uncomments what applies;
- enumerations list their allowed values (enums.py) in the comment.
An invalid id is refused with a valid suggestion (pinyin of a Chinese id, via pypinyin and
jieba's word segmentation: 恒顺仓库飞线 → hengshun-cangku-feixian, the sample's own style).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set as AbstractSet
from pathlib import Path

from campaignkit.common.problems import BuildError
from campaignkit.content.enums import ENUMERATIONS
from campaignkit.content.kinds import KINDS, PAGES, name_of, schema_of
from campaignkit.content.load import ID_PATTERN

# Dates that are "today" when an editor starts the file: the day of the find, the patrol, the event.
TODAY_FIELDS = {"cases": ("found_on",), "patrols": ("date",), "events": ("date",)}
# Values a new file starts with, and why (shown as the comment).
START_VALUES = {
    ("cases", "anonymous"): (True, "典型企业、同意公开的企业才写 false"),
    ("people", "draft"): (True, "拿到本人书面同意前先作为草稿；同意后写 consent: true 并删掉这一行"),
}
COMMON_LAST = ("draft", "aliases", "allow_personal_data")
INDENT = "  "


def kinds() -> list[str]:
    """Every kind `new` can make: each registered kind and free pages (site.yml is one file, not a kind)."""
    return [*KINDS, PAGES]


def url_of(kind: str, item_id: str) -> str:
    return "/" + (KINDS[kind].url(item_id) if kind in KINDS else f"{item_id}/")


def suggest_id(wanted: str, taken: AbstractSet[str] = frozenset()) -> str:
    """A valid id close to what the editor typed: pinyin for Chinese, lower case, '-' between words."""
    import jieba
    from pypinyin import lazy_pinyin

    jieba.setLogLevel(60)  # its dictionary-loading lines are not for editors
    words = []
    for word in jieba.lcut(wanted):
        if re.search(r"[\u3400-\u9fff]", word):
            words.append("".join(lazy_pinyin(word, errors="ignore")))
        else:
            words.append(word)
    text = "-".join(words).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    text = re.sub(r"-{2,}", "-", text) or dt.date.today().strftime("%Y-%m") + "-new"
    candidate, n = text, 2
    while candidate in taken:
        candidate, n = f"{text}-{n}", n + 1
    return candidate


def _existing_ids(folder: Path) -> set[str]:
    return {p.stem.lower() for p in folder.glob("*") if p.suffix in (".yml", ".yaml", ".md")} if folder.is_dir() else set()


def create(content_root: Path, kind: str, item_id: str, today: dt.date | None = None) -> Path:
    """Write the new file and return its path; BuildError (in Chinese) for a bad or taken id."""
    if kind not in kinds():
        raise BuildError(f"不认识的内容类型“{kind}”，可用：" + "、".join(f"{k}（{name_of(k)}）" for k in kinds()))
    folder = content_root / kind
    taken = _existing_ids(folder)
    if not ID_PATTERN.match(item_id):
        raise BuildError(
            f"编号“{item_id}”不能用：编号就是网址，只能用小写英文字母、数字和“-”（不能以“-”开头或结尾）。"
            f"可以用：{suggest_id(item_id, taken)}"
        )
    if item_id.lower() in taken:
        raise BuildError(
            f"content/{kind}/ 里已经有编号为“{item_id}”的文件，不会覆盖它。换一个编号，如：{suggest_id(item_id, taken)}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (f"{item_id}.md" if kind == PAGES else f"{item_id}.yml")
    path.write_text(template(kind, item_id, today or dt.date.today()), encoding="utf-8")
    return path


def template(kind: str, item_id: str, today: dt.date) -> str:
    """The text of a new file of `kind`."""
    schema = schema_of(kind)
    props, required = schema["properties"], set(schema["required"])
    own = [k for k in props if k not in COMMON_LAST]
    ordered = [k for k in own if k in required] + [k for k in own if k not in required] + list(COMMON_LAST)
    head = [
        f"# {name_of(kind)}：{item_id}（网址 {url_of(kind, item_id)}）",
        "# 标有“必填”的字段要填上。以“#”紧跟字段名开头的行是可选字段，用到时删掉行首的“#”；",
        "# 以“# ”开头的行是说明，不会发布，留着即可。填好后运行 build.py check 检查。",
        "# 字段的详细说明见 docs/内容格式.md。",
    ]
    lines: list[str] = []
    for key in ordered:
        lines += _field(kind, key, props[key], key in required, today)
    if kind == PAGES:
        body = "\n".join(head + lines)
        return f"---\n{body}\n---\n\n这里写正文（Markdown）。用 ## 写小标题，空一行分段。\n"
    return "\n".join(head + lines) + "\n"


def _comment(spec: dict, required: bool) -> str:
    text = spec.get("description", "")
    if required:
        text += "（必填）"
    enum = spec.get("x-enum")
    if enum:
        text += "。可选：" + " / ".join(_value_label(v) for v in ENUMERATIONS[enum])
    if spec.get("x-date"):
        text += "，写成 YYYY-MM-DD"
    if spec.get("x-ref"):
        text += f"，填 content/{spec['x-ref']}/ 里的编号"
    return text


def _value_label(value) -> str:
    return value.text if value.shown == value.text else f"{value.text}（{value.shown}）"


def _example(kind: str, key: str, spec: dict, today: dt.date):
    """An example value for a commented-out field (YAML text), or None for a nested block."""
    if spec.get("x-date"):
        return today.isoformat()
    if spec.get("x-enum"):
        return next(iter(ENUMERATIONS[spec["x-enum"]])).text
    t = spec.get("type")
    if t == "boolean":
        return "true"
    if t == "integer":
        return str(max(spec.get("minimum", 0), 1))
    if t == "number":
        return "0.0"
    if spec.get("x-ref"):
        return "编号"
    if spec.get("x-markdown"):
        return "|"
    if t == "string" or "type" not in spec:
        return ""
    return None


def _field(kind: str, key: str, spec: dict, required: bool, today: dt.date) -> list[str]:
    """A field's lines: its explanation on a comment line of its own (a `# ` after a value would be
    reported: editors take it for content), then the field, commented out with `#` when optional."""
    comment = _comment(spec, required)
    start = START_VALUES.get((kind, key))
    if start is not None:
        value, why = start
        return ["", f"# {comment}；{why}", f"{key}: {'true' if value is True else value}"]
    if required:
        first = today.isoformat() if key in TODAY_FIELDS.get(kind, ()) else ""
        if spec.get("x-markdown"):
            return ["", f"# {comment}（Markdown，每行开头空两格）", f"{key}: |", INDENT]
        return ["", f"# {comment}", f"{key}: {first}".rstrip()]
    if spec.get("x-markdown"):
        comment += "（Markdown，每行开头空两格）"
    return ["", f"# {comment}"] + _commented(key, spec, today, kind)


def _commented(key: str, spec: dict, today: dt.date, kind: str, indent: str = "") -> list[str]:
    """An optional field as lines starting with `#` (remove it to use the field); nested fields
    carry their explanation on `# ` lines, which stay comments once the `#` is removed."""
    t = spec.get("type")
    if t == "array":
        item = spec["items"]
        lines = [f"#{indent}{key}:"]
        if item.get("type") == "object":
            lines += _object_lines(item, today, kind, indent + INDENT, first_prefix="- ")
        else:
            example = _example(kind, key, item, today) or ""
            note = _comment(item, False)
            if note:
                lines.append(f"#{indent}{INDENT}# {note}")
            lines.append(f"#{indent}{INDENT}- {example}".rstrip())
        return lines
    if t == "object":
        return [f"#{indent}{key}:"] + _object_lines(spec, today, kind, indent + INDENT)
    example = _example(kind, key, spec, today)
    if example == "|":
        return [f"#{indent}{key}: |", f"#{indent}{INDENT}"]
    return [f"#{indent}{key}: {example}".rstrip()]


def _object_lines(spec: dict, today: dt.date, kind: str, indent: str, first_prefix: str = "") -> list[str]:
    lines = []
    required = set(spec.get("required", ()))
    for n, (key, sub) in enumerate(spec["properties"].items()):
        prefix = first_prefix if n == 0 else " " * len(first_prefix)
        lines.append(f"#{indent}{' ' * len(prefix)}# {_comment(sub, key in required)}")
        lines += _commented(key, sub, today, kind, indent + prefix)
    return lines
