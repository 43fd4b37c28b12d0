"""The Decap CMS configuration (admin/config.yml), generated from the kit's schema.

One definition: every content kind of the schema becomes a collection and every field a
widget, chosen from what the schema says about it (`x-enum` → select, `x-date` → date
picker writing YYYY-MM-DD, `x-ref` → relation storing the id, `x-photo` → image into
content/media/<kind>/, `x-markdown` → Markdown editor, arrays → list, objects → object).
Labels and help text come from the fields' Chinese descriptions; `required` from the schema.
A field whose schema this module does not understand raises `UnmappedField`, so a new kind
of field cannot silently go without a form (tests/test_decap_config.py walks every field).

Collections come from the kind registry (registry.KINDS), plus free pages and site.yml.
Paths in the configuration are relative to content/: the local proxy (decap-server) is
rooted there, so nothing it writes can land outside content/ (admin.py).
"""

from __future__ import annotations

from campaignkit.content.enums import ENUMERATIONS
from campaignkit.content.kinds import KINDS, MEDIA, PAGE_NAME, PAGES, SITE, schema_of
from campaignkit.content.schema import ID_RE, label_of

# The site settings file is one file, not a folder of items.
SITE_FILE = "site.yml"
SITE_NAME = "网站设置"
# A new item's id (its file name and page address) is the form's first field, `id`, filled by
# the kit's `item-id` widget (forms_widgets.js) from the server (forms.py, SUGGEST_ID): the
# month and the pinyin of the title, 2026-12-xintai-feixian, shown before saving. The field is
# the form's only: form_input removes it from the file. Decap never changes the id of an
# existing item, so published URLs stay put.
ID_FIELD = "id"
NEW_ID = "{{fields.%s}}" % ID_FIELD  # noqa: UP031 - braces are Decap's
# Fields that name an item in lists and in relation pick-lists, in order of preference.
NAME_FIELDS = ("name", "title")
# How a pick-list shows an item of a kind that has no name (a patrol round: 第 11 轮（2026-12-06）)
# and the fields typing searches (the round's number only: typing 11 must not find 2023-11-09).
SHOWN_AS = {"patrols": ("第 {{round}} 轮（{{date}}）", ["round"])}
# The 媒体 tab lists one folder (decap-server lists one level, without subfolders) and uploads
# into it: the case photos, the folder clerks add to every week (forms write only under media/<kind>/).
MEDIA_TAB_KIND = "cases"
DATE_FORMAT = "YYYY-MM-DD"


class UnmappedField(Exception):
    """A schema field no widget is known for: add a rule here, never leave a field without a form."""


def identifying_fields(kind: str) -> list[str]:
    """What names an item of `kind`: its name or title, else its required fields (a patrol's round and date)."""
    schema = schema_of(kind)
    props = schema["properties"]
    named = [f for f in NAME_FIELDS if f in props]
    return named[:1] or [f for f in schema["required"] if props[f].get("type") != "boolean"]


def widget(name: str, spec: dict, required: bool, kind: str) -> dict:
    """The Decap field for one schema field."""
    description = spec.get("description", "")
    field = {"name": name, "label": label_of(description, name), "required": required}
    hint = description
    if "x-enum" in spec:
        values = ENUMERATIONS[spec["x-enum"]]
        field.update(widget="select", options=[{"label": v.shown, "value": v.text} for v in values])
        hints = "；".join(f"{v.shown}：{v.hint}" for v in values if v.hint)
        hint = f"{description}。{hints}" if hints else description
    elif "x-ref" in spec:
        field.update(_relation(spec["x-ref"]))
    elif spec.get("x-photo"):
        field.update(widget="image", label="照片文件", choose_url=False, media_library={"config": {"multiple": False}})
        hint = "选择或上传照片（JPEG/PNG/WebP），保存在 content/media/ 下"
    elif spec.get("x-markdown"):
        field.update(
            widget="markdown",
            minimal=False,
            buttons=["bold", "italic", "link", "heading-two", "heading-three", "quote", "bulleted-list", "numbered-list"],
            editor_components=[],
            modes=["rich_text", "raw"],
        )
    elif spec.get("x-date"):
        field.update(widget="datetime", format=DATE_FORMAT, date_format=DATE_FORMAT, time_format=False)
    elif spec.get("type") == "string":
        long = spec.get("maxLength", 0) > 200
        field["widget"] = "text" if long else "string"
        if "pattern" in spec:
            field["pattern"] = [spec["pattern"], _pattern_message(spec["pattern"])]
        elif "maxLength" in spec:
            field["pattern"] = [f"^[\\s\\S]{{{spec.get('minLength', 0)},{spec['maxLength']}}}$", f"最多 {spec['maxLength']} 字"]
    elif spec.get("type") in ("integer", "number"):
        field.update(widget="number", value_type="int" if spec["type"] == "integer" else "float")
        for bound in ("minimum", "maximum"):
            if bound in spec:
                field[bound[:3]] = spec[bound]
    elif spec.get("type") == "boolean":
        field["widget"] = "boolean"
    elif spec.get("type") == "array":
        field.update(_list(name, spec["items"], kind))
        if "maxItems" in spec:
            field["max"] = spec["maxItems"]
    elif spec.get("type") == "object":
        field.update(widget="object", collapsed=False, fields=fields_of(spec, kind))
    elif name == "answer" and "type" not in spec:
        # A quiz answer is one letter, a list of letters or 对/错: the `quiz-answer` widget
        # (templates/admin/widgets.js) stores what the kit expects for each.
        field["widget"] = "quiz-answer"
        description = "答案：单选写一个字母，如 B；多选写几个字母，如 A、C；判断题写 对 或 错"
        hint = description
    else:
        raise UnmappedField(f"{kind}.{name}: 没有对应的表单控件（{spec}）")
    if hint and hint != field["label"]:
        field["hint"] = hint
    return field


def _pattern_message(pattern: str) -> str:
    if pattern == ID_RE:
        return "编号只能用小写英文字母、数字和“-”，如 hengshun-wuliu"
    if pattern.startswith("^https?"):
        return "请写完整网址，以 http:// 或 https:// 开头"
    return "格式不对"


def _relation(target: str) -> dict:
    shown = identifying_fields(target)
    display, search = SHOWN_AS.get(target, (None, shown))
    return {
        "widget": "relation",
        "collection": target,
        "value_field": "{{slug}}",
        "search_fields": search,
        "display_fields": [display] if display else shown,
        "options_length": 50,
    }


def _list(name: str, items: dict, kind: str) -> dict:
    if items.get("type") == "object":
        return {
            "widget": "list",
            "collapsed": False,
            "fields": fields_of(items, kind),
            "summary": "{{fields.%s}}" % next(iter(items["properties"])),  # noqa: UP031 - braces are Decap's
        }
    if "x-ref" in items:  # several references: one relation widget that stores a list of ids
        return {**_relation(items["x-ref"]), "multiple": True}
    inner = widget(name, items, True, kind)
    inner.pop("hint", None)
    return {"widget": "list", "collapsed": False, "field": inner}  # expanded: each item shows its text


def fields_of(schema: dict, kind: str) -> list[dict]:
    required = set(schema.get("required", ()))
    return [widget(name, spec, name in required, kind) for name, spec in schema["properties"].items()]


def collection(kind: str) -> dict:
    """One folder of items (content/<kind>/) as a Decap collection."""
    is_page = kind == PAGES
    fields = fields_of(schema_of(kind), kind)
    defaults = KINDS[kind].defaults if kind in KINDS else {}
    for f in fields:
        if f["name"] in defaults:  # what the kit assumes when the field is absent (anonymous: true)
            f["default"] = defaults[f["name"]]
    if is_page:
        fields.append({"name": "body", "label": "正文", "widget": "markdown", "required": True, "hint": "页面正文（Markdown）"})
    shown = identifying_fields(kind)
    assert ID_FIELD not in schema_of(kind)["properties"], f"{kind}: the form's {ID_FIELD} field would hide a real one"
    fields.insert(0, id_field(kind, shown))
    out = {
        "name": kind,
        "label": KINDS[kind].name if kind in KINDS else PAGE_NAME,
        "label_singular": KINDS[kind].name if kind in KINDS else PAGE_NAME,
        "folder": kind,
        "create": True,
        "delete": False,  # published URLs do not disappear from a form; deleting stays a deliberate act
        "slug": NEW_ID,
        "extension": "md" if is_page else "yml",
        "format": "frontmatter" if is_page else "yml",
        "identifier_field": shown[0],
        "summary": SHOWN_AS[kind][0] if kind in SHOWN_AS else " · ".join("{{%s}}" % f for f in shown),  # noqa: UP031
        "media_folder": f"/{MEDIA}/{kind}",
        "public_folder": kind,
        "editor": {"preview": False},
        "fields": fields,
    }
    if kind in KINDS:
        out["preview_path"] = f"{kind}/{{{{slug}}}}/"
    return out


def id_field(kind: str, shown: list[str]) -> dict:
    """The form's `id` field: filled from the title for a new item, the file's id for an existing one."""
    from campaignkit.editing.new_file import TODAY_FIELDS

    dates = [f for f in TODAY_FIELDS.get(kind, ()) if f in schema_of(kind)["properties"]]
    return {
        "name": ID_FIELD,
        "label": "编号（网址）",
        "widget": "item-id",
        "kind": kind,
        "required": False,  # an existing item's file has none; the widget requires it of a new one
        # a patrol round has no title: its id is made from its number, 2026-12-round-11
        "source_fields": shown if shown[0] in NAME_FIELDS else shown[:1],
        "prefix": "" if shown[0] in NAME_FIELDS else shown[0],
        "date_field": dates[0] if dates else "",
        "hint": "新条目的编号由日期和标题的拼音自动生成，保存后成为网页地址，之后不再改变",
    }


def site_collection() -> dict:
    return {
        "name": SITE,
        "label": SITE_NAME,
        "editor": {"preview": False},
        "files": [
            {"name": SITE, "label": SITE_NAME, "file": SITE_FILE, "format": "yml", "fields": fields_of(schema_of(SITE), SITE)}
        ],
    }


def config(proxy_url: str = "/admin/api/v1", site_url: str = "/") -> dict:
    """The whole config.yml for /admin/ (as a dict; admin.py writes it as YAML)."""
    return {
        "locale": "zh_Hans",
        # The proxy backend talks to decap-server (local files) through the kit's own server,
        # on whatever address the forms were opened from; there is no Git host and no login.
        "backend": {"name": "proxy", "proxy_url": proxy_url, "branch": "main"},
        "site_url": site_url,
        "display_url": site_url,
        "media_folder": f"{MEDIA}/{MEDIA_TAB_KIND}",
        "public_folder": MEDIA_TAB_KIND,
        "publish_mode": "simple",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [collection(kind) for kind in (*KINDS, PAGES)] + [site_collection()],
    }
