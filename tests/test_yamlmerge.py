"""A change saved from a form or a sheet replaces only what changed: comments, order, [a, b] lists
and untouched nested values keep their exact text."""

from __future__ import annotations

from campaignkit.content import yaml_edit as yamlmerge
from tests.conftest import SAMPLE_CONTENT

CASE = (SAMPLE_CONTENT / "cases/hengshun-cangku-feixian.yml").read_text(encoding="utf-8")


def test_a_whole_item_as_decap_writes_it_changes_one_line():
    old = "# 巡查队记录，勿删\n" + CASE
    # Decap writes every list in block style, drops comments and ends text blocks differently
    new = (
        CASE.replace("lessons: [feixian-chongdian, qiye-zeren]", "lessons:\n  - feixian-chongdian\n  - qiye-zeren")
        .replace("description: |", "description: |-")
        .replace("risk: 高", "risk: 中")
    )
    assert yamlmerge.merge_text(old, new, []) == old.replace("risk: 高", "risk: 中")


def test_a_nested_change_keeps_the_rest_of_the_list():
    old = CASE
    new = CASE.replace("alt: 仓库外墙二楼窗口垂下一根电线", "alt: 仓库二楼窗口垂下一根电线")
    new = new.replace("tags: [物流快递, 窗口飞线, 典型企业]", "tags:\n  - 物流快递\n  - 窗口飞线\n  - 典型企业")
    assert yamlmerge.merge_text(old, new, []) == old.replace("alt: 仓库外墙二楼窗口垂下一根电线", "alt: 仓库二楼窗口垂下一根电线")


def test_removed_and_new_fields_dates_unquoted_in_schema_order():
    old = "title: 标题\nfound_on: 2023-08-03\nstatus: 已发现\nsummary: 摘要\n"
    new = "title: 标题\nfound_on: 2023-08-03\nstatus: 已整改\nrectified_on: 2023-08-05\n"
    order = ["title", "found_on", "status", "rectified_on", "summary"]
    assert yamlmerge.merge_text(old, new, order) == (
        "title: 标题\nfound_on: 2023-08-03\nstatus: 已整改\nrectified_on: 2023-08-05\n"
    )
