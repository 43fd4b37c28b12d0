"""Stage 2: check every document against the schema, the references and the privacy rules.

Every problem is collected (never raised one at a time) so that an editor gets the
whole list from one run, each with file, line and field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jsonschema

from campaignkit.checks import consistent_figures as figures
from campaignkit.checks import markdown_lint as mdlint
from campaignkit.checks import url_continuity as continuity
from campaignkit.common import cache_store
from campaignkit.common.problems import Problem, Problems, field_name
from campaignkit.content import did_you_mean as suggest
from campaignkit.content import enterprise_names as names
from campaignkit.content import photos as media
from campaignkit.content.enums import ENUMERATIONS, QUIZ_KIND, STATUS
from campaignkit.content.kinds import KINDS, PAGES, name_of, reserved_page_ids, schema_of
from campaignkit.content.load import Content, Document
from campaignkit.content.markup import MAX_PAGE_CHARS, markdown_problem
from campaignkit.content.report_figures import placeholder_problems
from campaignkit.content.schema import label_of

# Searched in the NFKC form of the text (full-width digits from a Chinese input method become
# ASCII), with the ways numbers are written in Chinese documents: +86 / 0086 prefixes,
# 138 1234 5678 and 138-1234-5678 groupings.
MOBILE = re.compile(r"(?<![0-9+])(?:(?:\+|00)?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}[- ]?[0-9]{8}[- ]?[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": " true 或 false",
    "array": "列表（每项以“- ”开头）",
    "object": "“字段: 值”的映射",
}


def _check_date(validator, enabled, instance, schema):
    from jsonschema import ValidationError

    if not enabled or not isinstance(instance, str):
        return
    if not figures.DATE_FORMAT.fullmatch(instance):
        if figures.DATE_FORMAT.fullmatch(unicodedata.normalize("NFKC", instance)):
            yield ValidationError(
                f"日期里有全角数字，请用半角数字（切换到英文输入法），如 2023-09-12，现为“{instance}”", validator="x-date"
            )
            return
        odd = suggest.oddities(instance)
        if odd and figures.DATE_FORMAT.fullmatch(suggest.cleaned(instance)):
            yield ValidationError(f"日期“{instance}”{odd}，请删掉", validator="x-date")
            return
        yield ValidationError(f"日期应写成 YYYY-MM-DD（如 2023-09-12），现为“{instance}”", validator="x-date")
        return
    try:
        dt.date.fromisoformat(instance)
    except ValueError:
        yield ValidationError(f"“{instance}”不是真实存在的日期", validator="x-date")


@lru_cache(maxsize=1)
def validator_class():
    """jsonschema's validator with the x-date keyword. Imported only when a file is to be explained:
    fastjsonschema accepts a correct one, and jsonschema's import costs 45 ms a run."""
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend

    return extend(Draft202012Validator, {"x-date": _check_date})


@lru_cache(maxsize=64)
def _validator(kind: str):
    return validator_class()(schema_of(kind))


def _show(value) -> str:
    if value is None:
        return "空"
    s = _as_written(value).replace("\n", " ")
    return f"“{s[:40]}{'…' if len(s) > 40 else ''}”"


def _as_written(value) -> str:
    """A value the way an editor writes it in YAML (true, [a, b]), not Python's repr."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_as_written(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_as_written(v)}" for k, v in value.items()) + "}"
    return str(value)


@dataclass
class Checked:
    """What validation learnt that later stages need: which items are published."""

    published: dict[str, dict[str, Document]]
    drafts: dict[str, dict[str, Document]]


def validate(
    content: Content, include_drafts: bool = False, today: dt.date | None = None, site_dir: Path | None = None
) -> tuple[Checked, Problems]:
    """`today` (the clock's date unless given) is only compared with; it never reaches an output.
    `site_dir`: the last published site, whose URLs must stay reachable (continuity.py)."""
    _walked.clear()  # values of an earlier run's documents (a long-running preview validates often)
    problems = Problems()
    all_docs = ([content.site] if content.site else []) + content.pages + [d for k in KINDS for d in content.items[k]]
    for doc in all_docs:
        problems.items.extend(_own_problems(doc))

    published: dict[str, dict[str, Document]] = {k: {} for k in (*KINDS, PAGES)}
    drafts: dict[str, dict[str, Document]] = {k: {} for k in (*KINDS, PAGES)}
    for kind in KINDS:
        for doc in content.items[kind]:
            (drafts if doc.data.get("draft") is True and not include_drafts else published)[kind][doc.id] = doc
    for doc in content.pages:
        (drafts if doc.data.get("draft") is True and not include_drafts else published)[PAGES][doc.id] = doc
        if doc.id in reserved_page_ids():
            problems.add(doc.relpath, 0, "", f"页面编号“{doc.id}”与栏目网址冲突，请换一个文件名")

    for doc in all_docs:
        _check_references_and_photos(doc, content, published, drafts, problems)
    _check_aliases(content, problems)
    _check_cases(published, problems)
    _check_notice_numbers(content, problems)
    _check_patrols(content, problems)
    _check_people(published, problems)
    _check_quizzes(content, problems)
    _check_enterprises(published, problems)
    _check_places(published, problems)
    figures.check_patrol_figures(published, problems)
    figures.check_no_future_dates(_dates(published), problems, today or dt.date.today())
    the_plan = continuity.plan(content, published)
    _check_links(content, published, drafts, the_plan, problems)
    continuity.check_urls_kept(content, published, drafts, the_plan, site_dir, problems)
    return Checked(published, drafts), problems


def _compiled(schema: dict):
    """A fastjsonschema function for the schema: ~30× faster than jsonschema, but it stops at the
    first problem and words it in English. It only says "no problem here"; any file it refuses
    is validated again by jsonschema, which finds and explains every problem. So its exceptions
    carry no details (half the generated code: compiling the schemas took 45 ms of every build),
    and it never fills in defaults (the data stays what the editor wrote)."""
    import fastjsonschema

    return fastjsonschema.compile(schema, detailed_exceptions=False, use_default=False)


@lru_cache(maxsize=64)
def _quick(kind: str):
    return _compiled(schema_of(kind))


def _passes_quickly(doc: Document) -> bool:
    import fastjsonschema

    try:
        _quick(doc.kind)(doc.data)
    except fastjsonschema.JsonSchemaException:
        return False
    # x-date is this kit's own keyword, unknown to fastjsonschema: checked here the way _check_date does.
    return all(_is_date(value) for _path, schema, value in _values(doc) if schema.get("x-date") and isinstance(value, str))


def _check_links(content: Content, published, drafts, the_plan, problems: Problems) -> None:
    """Links inside Markdown to pages of this site that will not exist."""
    base = content.site.data.get("base_url") if content.site is not None else ""
    base = base if isinstance(base, str) else ""
    for kind, docs in published.items():
        for doc in docs.values():
            page_url = f"{doc.id}/" if kind == PAGES else KINDS[kind].url(doc.id)
            texts = [(path, value) for path, schema, value in _values(doc) if schema.get("x-markdown") and isinstance(value, str)]
            for path, value in texts:
                for offset, target in continuity.links(value):
                    message = continuity.link_problem(target, the_plan, published, drafts, base, page_url)
                    if message:
                        problems.add(doc.relpath, _line_in_value(doc, path, value, offset), field_name(path), message)
            if kind == PAGES:
                for offset, target in continuity.links(doc.body):
                    message = continuity.link_problem(target, the_plan, published, drafts, base, page_url)
                    if message:
                        problems.add(doc.relpath, doc.body_line + offset, "正文", message)


def _dates(published):
    for docs in published.values():
        for doc in docs.values():
            for path, schema, value in _values(doc):
                if schema.get("x-date"):
                    yield doc, path, field_name(path), value


# What the rules that read nothing but the document found, by a digest of the document and the
# kit's code, kept between builds (remembered_verdicts): most files are the same as last time,
# and checking them again cost a tenth of a second of every build at 1,000 cases.
_verdicts: dict[bytes, list[Problem]] | None = None
_verdicts_used: dict[bytes, list[Problem]] = {}


@contextmanager
def remembered_verdicts(cache_dir: Path):
    """Within this block, each document's own problems (_own_problems) are remembered."""
    global _verdicts, _verdicts_used
    path, stamp = Path(cache_dir) / "verdicts.pickle", {"key": cache_store.kit_digest()}
    with cache_store.kept_between_builds(path, stamp, "verdicts") as (_verdicts, _verdicts_used):
        try:
            yield
        finally:
            _verdicts, _verdicts_used = None, {}


def _own_problems(doc: Document) -> list[Problem]:
    """The problems of the rules that read nothing but the document: the schema, personal data,
    placeholders, Markdown."""
    key = None
    if _verdicts is not None:
        key = hashlib.blake2b(
            repr((doc.kind, doc.relpath, doc.source, doc.body, doc.body_line, doc.line_offset, type(doc.data).__name__)).encode(),
            digest_size=16,
        ).digest()
        found = _verdicts.get(key)
        if found is not None:
            _verdicts_used[key] = found
            return found
    problems = Problems()
    _check_schema(doc, problems)
    _check_own_values(doc, problems)
    if key is not None:
        _verdicts_used[key] = problems.items
    return problems.items


def _check_schema(doc: Document, problems: Problems) -> None:
    if _passes_quickly(doc):
        return
    validator = _validator(doc.kind)
    for error in validator.iter_errors(doc.data):
        path = list(error.absolute_path)
        for sub_path, message in _translate(error, path):
            problems.add(doc.relpath, doc.line(*sub_path), field_name(sub_path), message)


def suggest_field(key, properties: dict) -> str | None:
    """The field an unknown key was probably meant to be: a typo (sumary) or the Chinese name (标题)."""
    known = list(properties)
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    if close:
        return close[0]
    lowered = difflib.get_close_matches(str(key).lower().replace(" ", "_"), known, n=1, cutoff=0.6)
    if lowered:
        return lowered[0]
    names = {name: re.split(r"[，（,(]", spec.get("description", ""))[0].strip() for name, spec in properties.items()}
    exact = [name for name, label in names.items() if label and str(key) == label]
    inside = [name for name, label in names.items() if label and len(str(key)) >= 2 and str(key) in label]
    for found in (exact, inside):
        if len(found) == 1:
            return found[0]
    return None


def _typos(data, properties: dict) -> set:
    """Fields that an unknown key in `data` stands for; they are not reported missing as well."""
    if not isinstance(data, dict):
        return set()
    return {suggest_field(key, properties) for key in data if key not in properties} - {None}


def _translate(error: jsonschema.ValidationError, path: list):
    v, value, schema = error.validator, error.instance, error.schema
    if v == "additionalProperties":
        known = schema.get("properties", {})
        for key in value:
            if key not in known:
                close = suggest_field(key, known)
                hint = f"，是不是要写“{close}”？" if close else f"。可用的字段：{'、'.join(known)}"
                yield path + [key], f"不认识的字段{hint}"
    elif v == "required":
        typos = _typos(value, schema.get("properties", {}))
        for key in error.validator_value:
            if key not in value and key not in typos:
                desc = schema["properties"][key].get("description", "")
                yield path + [key], f"缺少必填字段：{desc}" if desc else "缺少必填字段"
    elif v == "type":
        if value is None or value == "":
            yield path, "不能为空"
        elif schema.get("x-date"):
            yield path, f"日期应写成 YYYY-MM-DD（如 2023-09-12），现为{_show(value)}"
        else:
            want = TYPE_NAMES.get(error.validator_value, error.validator_value)
            hint = _number_hint(value) if error.validator_value in ("integer", "number") else ""
            if error.validator_value == "array" and isinstance(value, str) and re.match(r"-[^\s-]", value):
                hint = "（“-”后面要加一个空格：列表的每一项写成“- 内容”）"
            elif error.validator_value == "boolean" and isinstance(value, str) and value in _YES_NO:
                hint = f"（“{value}”请写成 {_YES_NO[value]}）"
            elif error.validator_value == "array" and isinstance(value, str) and re.search("[，、,；;]", value):
                hint = "（几项要写成列表，如 [甲, 乙]，用英文逗号和方括号）"
            yield path, f"应为{want}{hint}，现为{_show(value)}"
    elif v == "enum":
        hint = suggest.enum_hint(value, ENUMERATIONS[schema["x-enum"]]) if "x-enum" in schema else ""
        yield path, f"必须是 {'/'.join(map(str, error.validator_value))} 之一，现为{_show(value)}{hint}"
    elif v == "minLength":
        yield path, "不能为空"
    elif v == "maxLength":
        yield path, f"太长（{len(value)} 字），最多 {error.validator_value} 字"
    elif v == "minimum":
        yield path, f"不能小于 {error.validator_value}，现为 {value}"
    elif v == "maxItems":
        yield path, f"最多 {error.validator_value} 项，现有 {len(value)} 项"
    elif v == "maximum":
        yield path, f"不能大于 {error.validator_value}，现为 {value}"
    elif (v == "pattern" and schema.get("x-ref")) or (v == "pattern" and "aliases" in path):
        yield path, f"编号只能用小写英文字母、数字和“-”，现为{_show(value)}{suggest.id_hint(value)}"
    elif v == "pattern":
        yield path, f"格式不对，现为{_show(value)}（网址须以 http:// 或 https:// 开头）"
    elif v.startswith("x-"):
        yield path, error.message  # the kit's own keywords (x-date) write Chinese messages themselves
    else:
        yield (
            path,
            _OTHER_KEYWORDS.get(v, "不符合要求，请对照《内容格式》检查这一项").format(
                limit=error.validator_value if not isinstance(error.validator_value, (dict, list)) else "",
                value=_show(value),
                count=len(value) if isinstance(value, (list, dict, str)) else "",
            ),
        )


# Every other JSON Schema keyword, in Chinese: none of jsonschema's English messages reaches an editor.
_OTHER_KEYWORDS = {
    "const": "只能是 {limit}，现为{value}",
    "minItems": "至少要有 {limit} 项，现有 {count} 项",
    "uniqueItems": "列表里有重复的项，每项只写一次",
    "exclusiveMinimum": "必须大于 {limit}，现为{value}",
    "exclusiveMaximum": "必须小于 {limit}，现为{value}",
    "multipleOf": "必须是 {limit} 的整数倍，现为{value}",
    "minProperties": "至少要写 {limit} 个字段",
    "maxProperties": "最多写 {limit} 个字段",
    "dependentRequired": "写了这一项，相关的字段也要写",
    "format": "格式不对，现为{value}",
    "propertyNames": "字段名不对",
    "contains": "列表里缺少必需的一项",
    "minContains": "列表里缺少必需的项",
    "maxContains": "列表里这类项太多",
    "anyOf": "不是允许的写法，现为{value}",
    "oneOf": "不是允许的写法，现为{value}",
    "allOf": "不符合要求，现为{value}",
    "not": "不能写成{value}",
    "if": "不符合要求，现为{value}",
    "unevaluatedItems": "列表里有多余的项",
    "unevaluatedProperties": "有多余的字段",
    "additionalItems": "列表里有多余的项",
}


_YES_NO = {
    **dict.fromkeys(("是", "对", "有", "同意", "已同意", "匿名", "yes", "Yes", "YES", "y", "Y", "真"), "true"),
    **dict.fromkeys(("否", "不", "错", "无", "没有", "不同意", "公开", "no", "No", "NO", "n", "N", "假"), "false"),
}


def _number_hint(value) -> str:
    """Why a number was read as text: full-width digits, an invisible character, or quotes."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,3}([,，][0-9]{3})+", value.strip()):
        return "（数字里不要用逗号分隔千位，如 1200）"
    if not isinstance(value, str) or not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", suggest.cleaned(value)):
        return ""
    if re.search("[０-９]", value):
        return "，不能用全角数字（请切换到英文输入法重新输入）"
    odd = suggest.oddities(value)
    if odd:
        return f"（{odd}）"
    return "（数字不要加引号）"


_walked: dict[int, tuple[object, list]] = {}


def _values(doc: Document) -> list:
    """_walk over a document, once: validation looks at every value from several rules."""
    cached = _walked.get(id(doc))
    if cached is None or cached[0] is not doc.data:
        found: list = []
        _walk(schema_of(doc.kind), doc.data, [], found)
        cached = (doc.data, found)
        _walked[id(doc)] = cached
    return cached[1]


def _walk(schema: dict, value, path: list, found: list) -> None:
    """Append (path, subschema, value) for every value present in a document to `found`
    (scalars without a call of their own: most values are)."""
    found.append((path, schema, value))
    if isinstance(value, dict):
        if schema.get("type") == "object":
            properties = schema.get("properties", {})
            for key, sub in value.items():
                if key in properties:
                    if isinstance(sub, (dict, list)):
                        _walk(properties[key], sub, [*path, key], found)
                    else:
                        found.append(([*path, key], properties[key], sub))
    elif isinstance(value, list) and "items" in schema:
        items = schema["items"]
        for i, sub in enumerate(value):
            if isinstance(sub, (dict, list)):
                _walk(items, sub, [*path, i], found)
            else:
                found.append(([*path, i], items, sub))


def _check_references_and_photos(doc, content, published, drafts, problems: Problems) -> None:
    """References and photo files: the per-value rules that look beyond the document."""
    is_draft = doc.data.get("draft") is True
    for path, schema, value in _values(doc):
        if not isinstance(value, str):
            continue
        where = _Where(doc, path)
        kind = schema.get("x-ref")
        # A malformed id is reported by the schema; a file that failed to parse was reported
        # where it is broken: neither is reported again as "not found".
        if kind and _pattern(schema["pattern"]).match(value):
            if value in published[kind] or value in content.unreadable.get(kind, ()):
                pass
            elif value in drafts[kind]:
                if not is_draft:
                    where.add(problems, f"引用的{name_of(kind)}“{value}”是草稿（draft），不会发布；请先发布它或去掉这个引用")
            else:
                close = _closest_id(value, set(published[kind]) | set(drafts[kind]) | content.unreadable.get(kind, set()))
                hint = f"，是不是要写“{close}”？" if close else ""
                where.add(problems, f"找不到{name_of(kind)}“{value}”（content/{kind}/{value}.yml 不存在）{hint}")
        if schema.get("x-photo"):
            message = media.check_photo_path(content.root, value)
            if message:
                where.add(problems, message)


def _check_own_values(doc, problems: Problems) -> None:
    """Personal data, report placeholders and Markdown: the per-value rules JSON Schema can't
    express that read nothing but the document."""
    allow_personal = doc.data.get("allow_personal_data") is True
    message: str | None
    texts = [(path, schema, value) for path, schema, value in _values(doc) if isinstance(value, str)]
    # Personal numbers need 11 digits in a row (groupings aside): a file without them skips the search.
    may_hold_numbers = not allow_personal and _eleven_digits("\0".join(v for _p, _s, v in texts))
    for path, schema, value in texts:  # every rule below is about a text value
        where = _Where(doc, path)
        if may_hold_numbers:
            for label, masked, _line in personal_data(value, first_only=True):
                where.add(
                    problems, f"含{label}（{masked}），公开内容不能有个人信息；确需公开请在本文件加 allow_personal_data: true"
                )
        if schema.get("x-figures"):
            for message in placeholder_problems(value):
                where.add(problems, message)
        if schema.get("x-markdown") and len(value) <= schema.get("maxLength", len(value)):
            message = markdown_problem(value)  # (a value over the limit is reported as too long, once)
            if message:
                where.add(problems, message)
            for offset, message in mdlint.mistakes(value):
                problems.add(doc.relpath, _line_in_value(doc, path, value, offset), field_name(path), message)
    if doc.kind == PAGES and not allow_personal:
        for label, masked, line in personal_data(doc.body):
            problems.add(doc.relpath, doc.body_line + line, "正文", f"含{label}（{masked}），公开内容不能有个人信息")
    if doc.kind == PAGES:
        message = markdown_problem(doc.body, MAX_PAGE_CHARS)
        if message:
            problems.add(doc.relpath, doc.body_line, "正文", message)
        for offset, message in mdlint.mistakes(doc.body, photos_field=False):
            problems.add(doc.relpath, doc.body_line + offset, "正文", message)


@lru_cache(maxsize=64)
def _pattern(regexp: str) -> re.Pattern:
    return re.compile(regexp)


def _line_in_value(doc: Document, path: list, value: str, offset: int) -> int:
    """The file line of line `offset` of a text value: a block (`|`) starts on the line after its key."""
    line = doc.line(*path)
    return line + 1 + offset if "\n" in value.rstrip("\n") or value.endswith("\n") else line


class _Where:
    """File, line and field of a value; the line is looked up only when a problem is reported
    (a file read without problems has no line marks until then, see load.Document)."""

    def __init__(self, doc: Document, path: list):
        self.doc, self.path = doc, path

    def add(self, problems: Problems, message: str) -> None:
        problems.add(self.doc.relpath, self.doc.line(*self.path), field_name(self.path), message)


# At least 11 digits, optionally grouped by spaces or dashes: every MOBILE or RESIDENT_ID match has them.
_ELEVEN_DIGITS = re.compile(r"[0-9](?:[- ]?[0-9]){10}")
# Blocks whose characters (about 1,500) are looked at one by one for _not_inert: the punctuation
# and symbols of Chinese texts. CJK Unified Ideographs have no decomposition (tests/test_privacy.py).
_LOOKED_AT = (
    (0x80, 0xFF),
    (0x2000, 0x206F),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
    (0x2500, 0x27BF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)
_DIGIT_SPACE_HYPHEN = re.compile("[0-9 -]")


@lru_cache(maxsize=1)
def _not_inert() -> re.Pattern:
    """Any character of which NFKC might make a digit, a space or a hyphen (the only characters
    _ELEVEN_DIGITS looks at), or that is not known: all but ASCII, CJK ideographs and the
    characters of _LOOKED_AT whose NFKC form holds none of them."""
    inert = [
        c
        for low, high in _LOOKED_AT
        for c in range(low, high + 1)
        if not _DIGIT_SPACE_HYPHEN.search(unicodedata.normalize("NFKC", chr(c)))
    ]
    runs: list[list[int]] = []
    for c in inert:
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return re.compile("[^\\x00-\\x7f\\u4e00-\\u9fff" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in runs) + "]")


def _eleven_digits(text: str) -> bool:
    """_ELEVEN_DIGITS is in the NFKC form of `text` (full-width digits, ideographic spaces …).

    NFKC of a Chinese text costs more than the rest of a file's checks (its full-width commas
    are not normalised), so it is skipped when every character is inert: ASCII is left as it is,
    and an inert character becomes characters that are neither digits nor spaces nor hyphens
    (no character composes with a digit, space or hyphen), so where the pattern can match stays
    the same."""
    if _not_inert().search(text) is None:
        return _ELEVEN_DIGITS.search(text) is not None
    return _ELEVEN_DIGITS.search(unicodedata.normalize("NFKC", text)) is not None


def personal_data(text: str, first_only: bool = False):
    """(label, masked number, 0-based line within `text`) for each mobile or resident ID number."""
    normal = unicodedata.normalize("NFKC", text)
    for pattern, label in ((MOBILE, "手机号码"), (RESIDENT_ID, "身份证号码")):
        for match in pattern.finditer(normal):
            digits = re.sub(r"[^0-9Xx]", "", match.group())
            digits = digits[-11:] if label == "手机号码" else digits  # without +86
            yield label, digits[:3] + "****" + digits[-4:], normal[: match.start()].count("\n")
            if first_only:
                break


def _name_forms(name: str) -> list[str]:
    """The registered name and its derived short forms, longest first (names.short_forms)."""
    return names.short_forms(name)


def _closest_id(value: str, known: set[str]) -> str | None:
    """The one id `value` was most likely meant to be; None when unsure (round-1: round-01 or round-10?)."""
    same = [k for k in known if k.lower() == value.lower()]
    if len(same) == 1:
        return same[0]
    scored = sorted(((difflib.SequenceMatcher(None, value, k).ratio(), k) for k in known), reverse=True)
    if not scored or scored[0][0] < 0.75 or (len(scored) > 1 and scored[1][0] > scored[0][0] - 0.05):
        return None
    return scored[0][1]


def _check_aliases(content: Content, problems: Problems) -> None:
    for kind in KINDS:
        owners: dict[str, Document] = {d.id: d for d in content.items[kind]}
        for doc in content.items[kind]:
            aliases = doc.data.get("aliases")
            if not isinstance(aliases, list):
                continue
            for i, alias in enumerate(aliases):
                if not isinstance(alias, str):
                    continue  # reported by the schema
                other = owners.get(alias)
                if other is not None and other is not doc:
                    problems.add(
                        doc.relpath,
                        doc.line("aliases", i),
                        f"aliases[{i + 1}]",
                        f"旧编号“{alias}”的网址已被 {other.relpath} 使用，两个条目不能占用同一个网址",
                    )
                elif other is doc:
                    problems.add(doc.relpath, doc.line("aliases", i), f"aliases[{i + 1}]", "旧编号不能和本条目现在的编号相同")
                else:
                    owners[alias] = doc


def _missing(doc: Document, key: str) -> bool:
    """`key` is absent and not merely misspelt (the misspelling is reported as an unknown field)."""
    return key not in doc.data and key not in _typos(doc.data, schema_of(doc.kind)["properties"])


def _check_cases(published, problems: Problems) -> None:
    forms_of: dict[str, list[str]] = {}  # enterprise id → its names (many cases share an enterprise)
    for doc in published["cases"].values():
        d = doc.data
        if d.get("status") == STATUS.fixed.text and _missing(doc, "rectified_on"):
            problems.add(doc.relpath, doc.line("status"), "rectified_on", f"状态为“{STATUS.fixed.text}”时必须填写整改完成日期")
        found, fixed = d.get("found_on"), d.get("rectified_on")
        if _is_date(found) and _is_date(fixed) and fixed < found:
            problems.add(doc.relpath, doc.line("rectified_on"), "rectified_on", f"整改日期 {fixed} 早于发现日期 {found}")
        if d.get("anonymous", True) is True and isinstance(d.get("enterprise"), str):
            _check_anonymous_text(doc, published["enterprises"].get(d.get("enterprise")), forms_of, problems)


def _check_anonymous_text(doc: Document, ent: Document | None, forms_of: dict[str, list[str]], problems: Problems) -> None:
    """An anonymous case's own public text may not name its enterprise (by any of its names, see
    enterprise_names.py) nor link to its page: that text is what the public sees next to the hazard.
    The enterprise itself stays public (its page, events, lists): only the link is hidden (view/campaign.py)."""
    if ent is None:
        return
    if ent.id not in forms_of:
        forms_of[ent.id] = names.enterprise_names(ent.data)
    forms = forms_of[ent.id]
    texts = [(path, schema, value) for path, schema, value in _values(doc) if isinstance(value, str) and path != ["enterprise"]]
    joined = "\0".join(value for _path, _schema, value in texts)  # one search first: most name none
    for path, _schema, value in texts if any(form in joined for form in forms) else ():
        found = names.find_name(value, forms)
        if found:
            problems.add(
                doc.relpath,
                doc.line(*path),
                field_name(path),
                f"匿名案例的公开文字里出现了企业名称“{found}”，请删掉或改成“某企业”",
            )
    page = KINDS["enterprises"].url(ent.id).strip("/")
    for path, schema, value in texts:
        if not schema.get("x-markdown"):
            continue
        for offset, target in continuity.links(value):
            if target.split("#")[0].split("?")[0].strip("/").endswith(page):
                problems.add(
                    doc.relpath,
                    _line_in_value(doc, path, value, offset),
                    field_name(path),
                    f"匿名案例的文字里链接了它的企业页面（{target}）：链接也会透露是哪家企业，请删掉这个链接",
                )


def _industry_words(ent: Document) -> set[str]:
    """The public words that tell which trade an enterprise is in: its industry (and the parts of it),
    and the trade words of its name (鑫泰包装材料有限公司 → 包装材料, 包装)."""
    industry = ent.data.get("industry")
    texts = [industry] if isinstance(industry, str) else []
    name = ent.data.get("name")
    words = {w for t in [*texts, name if isinstance(name, str) else ""] for w in names.INDUSTRY_WORDS if w in t}
    for t in texts:
        words.update(part for part in re.split(r"[\s/、，,·]+", t) if len(part) >= 2)
    return words


# An anonymous case's fields the public reads first, looked at for words that point at one enterprise.
_POINTING_FIELDS = ("place", "title", "summary")


def _check_places(published, problems: Problems) -> None:
    """A warning (never an error) when an anonymous case's place (or title, summary) together with
    public facts points at one enterprise: place 某包装企业 and exactly one published enterprise in 包装."""
    anonymous = [d for d in published["cases"].values() if d.data.get("anonymous", True) is True]
    if not anonymous:
        return
    words_of = {ent_id: _industry_words(ent) for ent_id, ent in published["enterprises"].items()}
    every = {w for words in words_of.values() for w in words}
    for doc in anonymous:
        for key in _POINTING_FIELDS:
            text = doc.data.get(key)
            said = [w for w in every if isinstance(text, str) and w in text]
            matching = [ent_id for ent_id, words in words_of.items() if said and all(w in words for w in said)]
            if len(matching) != 1:
                continue
            ent = published["enterprises"][matching[0]]
            whose = "正是本案例的企业" if doc.data.get("enterprise") == ent.id else "会让读者以为是它"
            label = label_of(schema_of("cases")["properties"][key].get("description", ""), key)
            problems.warn(
                doc.relpath,
                doc.line(key),
                f"{label}（{key}）",
                f"“{text}”里的“{'、'.join(sorted(said, key=len, reverse=True))}”加上网站公开的企业信息，"
                f"只对得上一家企业（{ent.data.get('name', ent.id)}，{ent.relpath}），{whose}："
                "匿名案例请写得笼统一些，如“某企业”",
            )
            break  # one warning a case: the editor rewrites the case's words together


def _check_notice_numbers(content: Content, problems: Problems) -> None:
    """A 整改通知书 number is given once: two cases of one year (drafts too) never share one."""
    given: dict[tuple[int, int], Document] = {}
    for doc in content.items["cases"]:
        number, date = doc.data.get("notice_no"), doc.data.get("notice_date") or doc.data.get("found_on")
        if not isinstance(number, int) or isinstance(number, bool) or not isinstance(date, str) or not _is_date(date):
            continue
        key = (int(date[:4]), number)
        if key in given:
            problems.add(
                doc.relpath,
                doc.line("notice_no"),
                "notice_no",
                f"整改通知书文号 {key[0]} 年第 {number} 号已经给了 {given[key].relpath}，一个文号只能用一次："
                "删掉这一行，生成时会自动分配下一个号",
            )
        else:
            given[key] = doc


def _is_date(value) -> bool:
    """A real YYYY-MM-DD date (a wrong one is reported by the schema, not compared again)."""
    if not isinstance(value, str) or not figures.DATE_FORMAT.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_patrols(content: Content, problems: Problems) -> None:
    rounds: dict[int, Document] = {}
    for doc in content.items["patrols"]:
        number = doc.data.get("round")
        if not isinstance(number, int) or isinstance(number, bool):
            continue
        if number in rounds:
            problems.add(
                doc.relpath, doc.line("round"), "round", f"第 {number} 轮已在 {rounds[number].relpath} 中使用，轮次不能重复"
            )
        else:
            rounds[number] = doc


def _check_people(published, problems: Problems) -> None:
    seen: dict[tuple, Document] = {}
    for doc in sorted(published["people"].values(), key=lambda d: d.id):
        name, role = doc.data.get("name"), doc.data.get("role")
        if isinstance(name, str) and name.strip():
            key = (suggest.cleaned(name), suggest.cleaned(role) if isinstance(role, str) else None)
            first = seen.setdefault(key, doc)
            if first is not doc:
                who = "，".join(filter(None, key))
                problems.add(
                    doc.relpath,
                    doc.line("name"),
                    "name",
                    f"与 {first.relpath} 的姓名和身份都相同（{who}），同一个人会发布两次：请删掉其中一个文件"
                    f"（删掉本文件的话，在 {first.relpath} 里写 aliases: [{doc.id}]，旧网址会跳转过去）",
                )
    for doc in published["people"].values():
        if doc.data.get("draft") is True:
            continue  # only here with --drafts or the preview server: never published, consent can come later
        consent = doc.data.get("consent")
        if consent is False or (consent is None and _missing(doc, "consent")):
            line = doc.line("consent") if "consent" in doc.data else 1
            problems.add(
                doc.relpath,
                line,
                "consent",
                "本人未同意公开（consent 必须为 true）才能发布姓名、照片和事迹；暂不发布请加 draft: true",
            )


def _check_enterprises(published, problems: Problems) -> None:
    for doc in published["enterprises"].values():
        if doc.data.get("model") is True and _missing(doc, "recognized_on"):
            problems.add(doc.relpath, doc.line("model"), "recognized_on", "典型企业（model: true）必须填写评选日期")


def _check_quizzes(content: Content, problems: Problems) -> None:
    for doc in content.items["lessons"]:
        quiz = doc.data.get("quiz")
        if not isinstance(quiz, list):
            continue
        for i, q in enumerate(quiz):
            if isinstance(q, dict):
                for path, message in _quiz_problems(q):
                    full = ["quiz", i] + path
                    problems.add(doc.relpath, doc.line(*full), field_name(full), message)


# "A. 宿舍", "B、仓库", "(C) 楼道", "Ｄ．…": letters typed in by hand (the kit numbers options itself).
_OPTION_LETTER = re.compile(r"^\s*[（(]?[A-JＡ-Ｊa-j][)）]?\s*[.．、:：)）]\s*|^\s*[（(][A-JＡ-Ｊa-j][)）]\s*")


def _quiz_problems(q: dict):
    kind, answer, options = q.get("kind"), q.get("answer"), q.get("options")
    if "answer" not in q:
        return  # reported by the schema as a missing field
    if kind == QUIZ_KIND.judge.text:
        if answer not in ("对", "错"):
            yield ["answer"], f"判断题的答案只能是 对 或 错，现为{_show(answer)}"
        return
    if kind not in (QUIZ_KIND.single.text, QUIZ_KIND.multiple.text):
        return
    if options is not None and not isinstance(options, list):
        return  # reported by the schema
    if not isinstance(options, list) or len(options) < 2:
        yield ["options"], "选择题至少要有两个选项"
        return
    letters = [chr(ord("A") + i) for i in range(len(options))]
    lettered = next((i for i, o in enumerate(options) if isinstance(o, str) and _OPTION_LETTER.match(o)), None)
    if lettered is not None:
        typed = _OPTION_LETTER.match(options[lettered]).group().strip()  # type: ignore[union-attr]  # matched when found
        yield (
            ["options", lettered],
            (
                f"选项开头不要自己写字母“{typed}”：网站和讲义会自动加上 A、B、C，"
                f"否则会显示成“{letters[lettered]}. {options[lettered]}”；请删掉每个选项开头的字母"
            ),
        )
    answers = answer if isinstance(answer, list) else [answer]
    if kind == QUIZ_KIND.single.text and isinstance(answer, list):
        yield ["answer"], f"单选题只能有一个答案，现为{_show(answer)}"
        return
    if kind == QUIZ_KIND.multiple.text and isinstance(answer, str) and answer.strip().upper() not in letters:
        yield ["answer"], f"多选题的答案写成列表，如 [A, C]（可选 {'/'.join(letters)}），现为{_show(answer)}"
        return
    if kind == QUIZ_KIND.multiple.text and not answers:
        yield ["answer"], "多选题至少要有一个答案"
    if answer is None:
        yield ["answer"], f"不能为空：单选题写一个字母，如 B；多选题写 [A, C]（可选 {'/'.join(letters)}）"
        return
    for a in answers:
        if not isinstance(a, str) or a.strip().upper() not in letters:
            yield ["answer"], f"答案{_show(a)}不在选项范围内（可选 {'/'.join(letters)}）"
