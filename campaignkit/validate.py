"""Stage 2: check every document against the schema, the references and the privacy rules.

Every problem is collected (never raised one at a time) so that an editor gets the
whole list from one run, each with file, line and field.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend

from . import media
from .enums import QUIZ_KIND, STATUS
from .markup import MAX_PAGE_CHARS, markdown_problem
from .load import Content, Document
from .problems import Problems
from .registry import KINDS, PAGES, RESERVED_PAGE_IDS, SITE, name_of, schema_of

# Searched in the NFKC form of the text (full-width digits from a Chinese input method become
# ASCII), with the ways numbers are written in Chinese documents: +86 / 0086 prefixes,
# 138 1234 5678 and 138-1234-5678 groupings.
MOBILE = re.compile(r"(?<![0-9+])(?:(?:\+|00)?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}[- ]?[0-9]{8}[- ]?[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
TYPE_NAMES = {"string": "文字", "integer": "整数", "number": "数字", "boolean": " true 或 false",
              "array": "列表（每项以“- ”开头）", "object": "“字段: 值”的映射"}


def _check_date(validator, enabled, instance, schema):
    if not enabled or not isinstance(instance, str):
        return
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", instance):
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", unicodedata.normalize("NFKC", instance)):
            yield ValidationError(f"日期里有全角数字，请用半角数字（切换到英文输入法），如 2023-09-12，现为“{instance}”",
                                  validator="x-date")
            return
        yield ValidationError(f"日期应写成 YYYY-MM-DD（如 2023-09-12），现为“{instance}”", validator="x-date")
        return
    try:
        dt.date.fromisoformat(instance)
    except ValueError:
        yield ValidationError(f"“{instance}”不是真实存在的日期", validator="x-date")


_Validator = extend(Draft202012Validator, {"x-date": _check_date})
_VALIDATORS = {kind: _Validator(schema_of(kind)) for kind in (SITE, PAGES, *KINDS)}


def field_name(path) -> str:
    """photos[2].alt — list positions counted from 1, as editors count them."""
    out = ""
    for step in path:
        out += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


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


def validate(content: Content, include_drafts: bool = False) -> tuple[Checked, Problems]:
    problems = Problems()
    all_docs = ([content.site] if content.site else []) + content.pages + [d for k in KINDS for d in content.items[k]]
    for doc in all_docs:
        _check_schema(doc, problems)

    published: dict[str, dict[str, Document]] = {k: {} for k in (*KINDS, PAGES)}
    drafts: dict[str, dict[str, Document]] = {k: {} for k in (*KINDS, PAGES)}
    for kind in KINDS:
        for doc in content.items[kind]:
            (drafts if doc.data.get("draft") is True and not include_drafts else published)[kind][doc.id] = doc
    for doc in content.pages:
        (drafts if doc.data.get("draft") is True and not include_drafts else published)[PAGES][doc.id] = doc
        if doc.id in RESERVED_PAGE_IDS:
            problems.add(doc.relpath, 0, "", f"页面编号“{doc.id}”与栏目网址冲突，请换一个文件名")

    for doc in all_docs:
        _check_values(doc, content, published, drafts, problems)
    _check_aliases(content, problems)
    _check_cases(published, problems)
    _check_patrols(content, problems)
    _check_people(published, problems)
    _check_quizzes(content, problems)
    _check_enterprises(published, problems)
    _check_hidden_enterprises(content, published, problems)
    return Checked(published, drafts), problems


def _check_schema(doc: Document, problems: Problems) -> None:
    validator = _VALIDATORS[doc.kind]
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


def _translate(error: ValidationError, path: list):
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
            quoted = "（数字不要加引号）" if error.validator_value in ("integer", "number") and isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value) else ""
            yield path, f"应为{want}{quoted}，现为{_show(value)}"
    elif v == "enum":
        yield path, f"必须是 {'/'.join(map(str, error.validator_value))} 之一，现为{_show(value)}"
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
    elif v == "pattern" and schema.get("x-ref") or v == "pattern" and "aliases" in path:
        yield path, f"编号只能用小写英文字母、数字和“-”，现为{_show(value)}"
    elif v == "pattern":
        yield path, f"格式不对，现为{_show(value)}（网址须以 http:// 或 https:// 开头）"
    else:
        yield path, error.message


def _walk(schema: dict, value, path: list):
    """Yield (path, subschema, value) for every value present in a document."""
    yield path, schema, value
    if isinstance(value, dict) and schema.get("type") == "object":
        for key, sub in value.items():
            if key in schema.get("properties", {}):
                yield from _walk(schema["properties"][key], sub, path + [key])
    elif isinstance(value, list) and "items" in schema:
        for i, sub in enumerate(value):
            yield from _walk(schema["items"], sub, path + [i])


def _check_values(doc, content, published, drafts, problems: Problems) -> None:
    """References, photo files and personal data: the per-value rules JSON Schema can't express."""
    allow_personal = doc.data.get("allow_personal_data") is True
    is_draft = doc.data.get("draft") is True
    for path, schema, value in _walk(schema_of(doc.kind), doc.data, []):
        where = (doc.relpath, doc.line(*path), field_name(path))
        kind = schema.get("x-ref")
        # A malformed id is reported by the schema; a file that failed to parse was reported
        # where it is broken: neither is reported again as "not found".
        if kind and isinstance(value, str) and re.match(schema["pattern"], value):
            if value in published[kind] or value in content.unreadable.get(kind, ()):
                pass
            elif value in drafts[kind]:
                if not is_draft:
                    problems.add(*where, f"引用的{name_of(kind)}“{value}”是草稿（draft），不会发布；请先发布它或去掉这个引用")
            else:
                close = _closest_id(value, set(published[kind]) | set(drafts[kind]) | content.unreadable.get(kind, set()))
                hint = f"，是不是要写“{close}”？" if close else ""
                problems.add(*where, f"找不到{name_of(kind)}“{value}”（content/{kind}/{value}.yml 不存在）{hint}")
        if schema.get("x-photo") and isinstance(value, str):
            message = media.check_photo_path(content.root, value)
            if message:
                problems.add(*where, message)
        if isinstance(value, str) and not allow_personal:
            for label, masked, _line in personal_data(value, first_only=True):
                problems.add(*where, f"含{label}（{masked}），公开内容不能有个人信息；确需公开请在本文件加 allow_personal_data: true")
        if schema.get("x-markdown") and isinstance(value, str) and len(value) <= schema.get("maxLength", len(value)):
            message = markdown_problem(value)  # (a value over the limit is reported as too long, once)
            if message:
                problems.add(*where, message)
    if doc.kind == PAGES and not allow_personal:
        for label, masked, line in personal_data(doc.body):
            problems.add(doc.relpath, doc.body_line + line, "正文", f"含{label}（{masked}），公开内容不能有个人信息")
    if doc.kind == PAGES:
        message = markdown_problem(doc.body, MAX_PAGE_CHARS)
        if message:
            problems.add(doc.relpath, doc.body_line, "正文", message)


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


def _check_hidden_enterprises(content: Content, published, problems: Problems) -> None:
    """An enterprise behind an anonymous case is not published at all (model.py), so its name
    may not appear in any published text either: not in another case, an event, a lesson, a page.

    Both the registered name and the name people use (示例·速达快运有限公司 → 速达快运) are looked for."""
    hidden: dict[str, tuple[list[str], Document]] = {}
    for doc in published["cases"].values():
        if doc.data.get("anonymous", True) is True and isinstance(doc.data.get("enterprise"), str):
            ent = published["enterprises"].get(doc.data["enterprise"])
            name = ent.data.get("name") if ent else None
            if isinstance(name, str) and len(name.strip()) >= 2:
                hidden.setdefault(doc.data["enterprise"], (_name_forms(name.strip()), doc))
    if not hidden:
        return
    docs = ([content.site] if content.site else []) + [d for kind in published for d in published[kind].values()]
    for doc in docs:
        if doc.kind == "enterprises" and doc.id in hidden:
            continue  # the hidden enterprise's own file: not published
        texts = [(path, value) for path, _schema, value in _walk(schema_of(doc.kind), doc.data, []) if isinstance(value, str)]
        for ent_id, (forms, case) in hidden.items():
            same = doc.kind == "cases" and doc.data.get("enterprise") == ent_id and doc.data.get("anonymous", True) is True
            for path, value in texts:
                if same and (path == ["enterprise"] or forms[0] in value):
                    continue  # the full name in an anonymous case of its own: reported by _check_cases
                found = next((f for f in forms if f in value), None)
                if found:
                    problems.add(doc.relpath, doc.line(*path), field_name(path), _hidden_message(found, case))
            if doc.kind == PAGES:
                found = next((f for f in forms if f in doc.body), None)
                if found:
                    line = doc.body_line + doc.body[: doc.body.index(found)].count("\n")
                    problems.add(doc.relpath, line, "正文", _hidden_message(found, case))


_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "集团", "分公司", "总厂", "厂", "商行", "经营部", "门市部", "工作室")


def _name_forms(name: str) -> list[str]:
    """The registered name and, when it is distinctive enough (4+ characters), the name without
    a prefix like 示例· and without the legal form: 示例·速达快运有限公司 → [that, 速达快运]."""
    core = name.rsplit("·", 1)[-1].strip()
    for suffix in _LEGAL_FORMS:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    return [name, core] if core != name and len(core) >= 4 else [name]


def _hidden_message(name: str, case: Document) -> str:
    return (f"出现了企业名称“{name}”，而该企业关联了匿名案例 {case.relpath}：为保护匿名，"
            "它的名称不能出现在任何公开内容里")


def _closest_id(value: str, known: set[str]) -> str | None:
    """The one id `value` was most likely meant to be; None when unsure (round-1: round-01 or round-10?)."""
    scored = sorted(((difflib.SequenceMatcher(None, value, k).ratio(), k) for k in known), reverse=True)
    if not scored or scored[0][0] < 0.75 or len(scored) > 1 and scored[1][0] > scored[0][0] - 0.05:
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
                    problems.add(doc.relpath, doc.line("aliases", i), f"aliases[{i + 1}]",
                                 f"旧编号“{alias}”的网址已被 {other.relpath} 使用，两个条目不能占用同一个网址")
                elif other is doc:
                    problems.add(doc.relpath, doc.line("aliases", i), f"aliases[{i + 1}]", "旧编号不能和本条目现在的编号相同")
                else:
                    owners[alias] = doc


def _missing(doc: Document, key: str) -> bool:
    """`key` is absent and not merely misspelt (the misspelling is reported as an unknown field)."""
    return key not in doc.data and key not in _typos(doc.data, schema_of(doc.kind)["properties"])


def _check_cases(published, problems: Problems) -> None:
    for doc in published["cases"].values():
        d = doc.data
        if d.get("status") == STATUS.fixed.text and _missing(doc, "rectified_on"):
            problems.add(doc.relpath, doc.line("status"), "rectified_on", f"状态为“{STATUS.fixed.text}”时必须填写整改完成日期")
        found, fixed = d.get("found_on"), d.get("rectified_on")
        if _is_date(found) and _is_date(fixed) and fixed < found:
            problems.add(doc.relpath, doc.line("rectified_on"), "rectified_on", f"整改日期 {fixed} 早于发现日期 {found}")
        if d.get("anonymous", True) is True and isinstance(d.get("enterprise"), str):
            ent = published["enterprises"].get(d.get("enterprise"))
            name = ent.data.get("name") if ent else None
            if ent is not None and ent.data.get("model") is True:
                problems.add(doc.relpath, doc.line("enterprise"), "enterprise",
                             f"匿名案例不能关联典型企业“{d.get('enterprise')}”（典型企业会公开展示，匿名就失效了）；"
                             "请改为 anonymous: false，或去掉 enterprise")
            if isinstance(name, str) and name:
                for path, _schema, value in _walk(schema_of("cases"), d, []):
                    if isinstance(value, str) and name in value and path != ["enterprise"]:
                        problems.add(doc.relpath, doc.line(*path), field_name(path),
                                     f"匿名案例的公开文字里出现了企业名称“{name}”")


def _is_date(value) -> bool:
    """A real YYYY-MM-DD date (a wrong one is reported by the schema, not compared again)."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
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
            problems.add(doc.relpath, doc.line("round"), "round", f"第 {number} 轮已在 {rounds[number].relpath} 中使用，轮次不能重复")
        else:
            rounds[number] = doc


def _check_people(published, problems: Problems) -> None:
    for doc in published["people"].values():
        consent = doc.data.get("consent")
        if consent is False or consent is None and _missing(doc, "consent"):
            line = doc.line("consent") if "consent" in doc.data else 1
            problems.add(doc.relpath, line, "consent",
                         "本人未同意公开（consent 必须为 true）才能发布姓名、照片和事迹；暂不发布请加 draft: true")


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
