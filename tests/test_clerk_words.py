"""Every message names the field as the clerk sees it (issue 25): on the preview's error page (the
forms' companion) the form's label comes first and the YAML name in brackets,
`涉及的企业（enterprise）`, also where a message's advice names another field; workbook messages
name the column header and no YAML at all.

The messages are collected by making every catalogued editor's mistake (tests/data/editor_mistakes.yml)
and the cross-item ones below in a copy of the sample content and running the kit's checks.
"""

from __future__ import annotations

import re

import pytest
from conftest import Scratch
from test_editor_mistakes import CORPUS, apply

from campaignkit.checks.validate import validate
from campaignkit.common.problems import Problem
from campaignkit.content.kinds import KINDS
from campaignkit.content.load import load_content
from campaignkit.editing import clerk_words

CASE = "cases/hengshun-cangku-feixian.yml"
# Mistakes across items and files whose messages advise other fields (anonymous: false, draft: true …).
CROSS_ITEM = [
    ("已整改却没有整改日期", CASE, "rectified_on: 2023-08-03\n", ""),
    ("人物没有本人同意", "people/zhou-deming.yml", "consent: true", "consent: false"),
    ("公开文字里有手机号", CASE, "summary: ", "summary: 联系13812345678，"),
    ("当场整改多于发现", "patrols/round-05.yml", "rectified_on_spot: 2", "rectified_on_spot: 30"),
    ("案例在巡查之后才发现", "cases/sushe-chuangkou-feixian.yml", "found_on: 2023-10-26", "found_on: 2023-10-30"),
    ("引用了草稿", "lessons/qiye-zeren.yml", "title: ", "draft: true\ntitle: "),
    ("典型企业没有评选日期", "enterprises/hengshun-wuliu.yml", "recognized_on:", "recognized: "),
    ("匿名案例写了企业简称", "cases/sushe-loudao-tingfang.yml", "summary: ", "summary: 速达"),
]


def bare_names(problem: Problem) -> list[str]:
    """The YAML field names in a problem (after its file and line) not written as 标签（name…）: the
    field itself as labels and its path in brackets, each name in the message right after its label."""
    kind = clerk_words.kind_of(problem.path)
    labels = clerk_words._labels(kind) if kind else {}
    bare = []
    path = re.fullmatch(r"[^（]+（([A-Za-z_0-9.\[\]]+)）", problem.field)
    field = problem.field if path is None else ""
    text = f"{field}: {problem.message}"
    text = re.sub(r"content/\S+|https?://\S+", "", text)  # file names and addresses are not fields
    for match in re.finditer(r"(?<![A-Za-z0-9_/.\-])([a-z_]+)(?![A-Za-z0-9_/\-])", text):
        name = match.group(1)
        if name in labels and not text[: match.start()].endswith(labels[name] + "（"):
            bare.append(name)
    return bare


def problems_of(tmp_path, change) -> list[Problem]:
    scratch = Scratch(tmp_path)
    if isinstance(change, dict):
        apply(scratch, change)
    else:
        _name, rel, old, new = change
        scratch.replace(rel, old, new)
    content, found = load_content(scratch.content)
    _checked, more = validate(content)
    found.extend(more)
    return [Problem(p.path.replace(str(scratch.root) + "/", ""), p.line, p.field, p.message) for p in found.sorted()]


@pytest.mark.slow  # ~60 checks of the whole sample content
@pytest.mark.parametrize("change", CORPUS + CROSS_ITEM, ids=[m["name"] for m in CORPUS] + [c[0] for c in CROSS_ITEM])
def test_every_message_names_its_fields_by_their_labels_on_the_forms_page(tmp_path, change):
    found = problems_of(tmp_path, change)
    assert found, "the mistake gives a message"
    for problem in found:
        shown = clerk_words.for_forms(problem)
        assert bare_names(shown) == [], str(shown)


def test_the_label_check_finds_a_bare_name():
    raw = Problem("content/cases/x.yml", 3, "enterprise", "请改为 anonymous: false，或去掉 enterprise")
    assert bare_names(raw) == ["enterprise", "anonymous", "enterprise"]
    shown = clerk_words.for_forms(raw)
    assert str(shown) == (
        "content/cases/x.yml:3: 涉及的企业（enterprise）: 请改为 是否匿名（anonymous: false），或去掉 涉及的企业（enterprise）"
    )
    assert bare_names(shown) == []


def test_nested_fields_and_every_kind_have_labels():
    shown = clerk_words.for_forms(Problem("content/cases/x.yml", 9, "photos[2].alt", "不能为空"))
    assert shown.field == "照片·图片内容的文字说明（photos[2].alt）"
    for kind in KINDS:
        labels = clerk_words._labels(kind)
        assert all(re.search("[\u4e00-\u9fff]", label) for label in labels.values()), (kind, labels)


def test_each_problem_links_the_form_of_its_item():
    from campaignkit.editing import forms

    assert clerk_words.FORMS_PREFIX == forms.PREFIX
    assert clerk_words.form_link(Problem("content/cases/x.yml")) == "/admin/#/collections/cases/entries/x"
    assert clerk_words.form_link(Problem("content/site.yml")) == "/admin/#/collections/site/entries/site"


def test_workbook_words_have_the_column_and_no_yaml():
    said = clerk_words.in_words(
        "cases",
        "请改为 anonymous: false，或去掉 enterprise；确需公开请加 allow_personal_data: true",
        {"anonymous": "是否匿名", "enterprise": "企业"},
    )
    assert said == (
        "请改为 “是否匿名”填“否”，或去掉 “企业”；确需公开请加 “允许本条内容出现手机号、身份证号”（表格里没有这一列，请在网页表单里改）填“是”"
    )
