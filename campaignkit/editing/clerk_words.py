"""Problems in the words of the tool the clerk is using.

The checks name fields as the YAML files do (`enterprise`, `anonymous: false`). A clerk who edits
through the forms sees labels (涉及的企业, 是否匿名) and one who fills a workbook sees column
headers (企业, 是否匿名). So the preview's error page (the forms' companion) shows each field as
its form label with the YAML name in brackets, `涉及的企业（enterprise）`, and links the item's
form; workbook messages show the column header and no YAML at all. The labels are the schema's
descriptions (content.schema.label_of), the same the forms and the sheets show.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath

from campaignkit.common.problems import Problem
from campaignkit.content.kinds import KINDS, PAGES, SITE, schema_of
from campaignkit.content.schema import label_of

SITE_FILE = "site.yml"
# Where the forms are served (forms.PREFIX; not imported from there: forms.py mounts itself on the
# preview server, which links problems to the forms, and the two would import each other).
FORMS_PREFIX = "/admin/"
# Fields every item has, named in fixes of any kind's problems.
COMMON = ("draft", "aliases", "allow_personal_data")
_YES_NO = {"true": "是", "false": "否"}


def kind_of(relpath: str) -> str | None:
    """The kind of content a problem's file holds (content/cases/x.yml → cases; site.yml → site)."""
    path = PurePosixPath(relpath)
    if path.name in (SITE_FILE, "site.yaml"):
        return SITE
    folder = path.parent.name
    return folder if folder in KINDS or folder == PAGES else None


@lru_cache(maxsize=32)
def _labels(kind: str) -> dict[str, str]:
    """YAML field name → its label, for the kind's fields and the nested ones (a photo's alt)."""
    out: dict[str, str] = {}

    def walk(schema: dict) -> None:
        for name, spec in schema.get("properties", {}).items():
            out.setdefault(name, label_of(spec.get("description", ""), name))
            if spec.get("type") == "object":
                walk(spec)
            elif spec.get("type") == "array" and spec.get("items", {}).get("type") == "object":
                walk(spec["items"])

    walk(schema_of(kind))
    return out


def field_label(kind: str | None, field: str) -> str:
    """`photos[2].alt` → 照片·图片内容的文字说明（photos[2].alt）; a field already in words stays as it is."""
    if not field or kind is None or "（" in field or not re.match(r"[A-Za-z_]", field):
        return field
    labels = _labels(kind)
    names = [step for step in re.split(r"[.\[\]]", field) if step and not step.isdigit()]
    if not names or any(n not in labels for n in names):
        return field
    return "·".join(labels[n] for n in names) + f"（{field}）"


@lru_cache(maxsize=32)
def _pattern(kind: str) -> re.Pattern:
    names = sorted({*_labels(kind), *(n for n in COMMON if n in _labels(kind))}, key=len, reverse=True)
    return re.compile(
        r"(?<![A-Za-z0-9_/.\-])(" + "|".join(map(re.escape, names)) + r")"
        r"(?::[ \t]*(\[[^\]\n]*\]|[^\s，。；、）)]+))?(?![A-Za-z0-9_/\-.])"
    )


def in_words(kind: str | None, message: str, columns: dict[str, str] | None = None) -> str:
    """`message` with each bare YAML field name of `kind` as the clerk sees it: with `columns`
    (field → column header, a workbook), “header” and values as a sheet takes them (是/否), no YAML;
    without, the form's label with the YAML in brackets: 是否匿名（anonymous: false）."""
    if kind is None:
        return message
    labels = _labels(kind)

    def say(match: re.Match) -> str:
        name, value = match.group(1), match.group(2)
        if match.string[: match.start()].endswith(labels[name] + "（"):
            return match.group(0)  # in words already: 发现日期（found_on）
        if columns is None:
            return f"{labels[name]}（{match.group(0)}）"
        where = f"“{columns[name]}”" if name in columns else f"“{labels[name]}”（表格里没有这一列，请在网页表单里改）"
        return f"{where}填“{_YES_NO.get(value, value)}”" if value is not None else where

    return _pattern(kind).sub(say, message)


def for_forms(problem: Problem) -> Problem:
    """A problem as the preview's error page shows it to a clerk using the forms."""
    kind = kind_of(problem.path)
    return Problem(problem.path, problem.line, field_label(kind, problem.field), in_words(kind, problem.message))


def form_link(problem: Problem, prefix: str = FORMS_PREFIX) -> str | None:
    """The address of the form that edits the problem's item (None for a file no form edits)."""
    kind = kind_of(problem.path)
    if kind == SITE:
        return f"{prefix}#/collections/{SITE}/entries/{SITE}"
    if kind is None:
        return None
    return f"{prefix}#/collections/{kind}/entries/{PurePosixPath(problem.path).stem}"
