"""The forms at /admin/ as a clerk meets them: a new case gets a readable id (the month and the
pinyin of its title), shown before saving and used as its file name and page address; opening
the forms and an item with photos costs no failed request; a photo that has gone missing is a
Chinese 404, never a 500."""

from __future__ import annotations

import http.client
import re
import time

import pytest
from ruamel.yaml import YAML

from campaignkit.content.schema import ID_RE
from tests.conftest import run_build

from .test_forms import choose, photo, preview, publish, the_new_file  # noqa: F401 - preview is a fixture

pytestmark = pytest.mark.slow


def test_a_new_case_gets_a_readable_id_shown_before_saving(preview, browser, tmp_path):  # noqa: F811
    """…and its photo keeps the name the camera gave it (IMG_4021.JPG), though Decap lower-cases it."""
    server, content = preview
    camera = photo(tmp_path, "IMG_4021.JPG", "sushe-chuangkou-feixian-before.jpg")
    existing = set((content / "cases").iterdir())
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    failed = []
    context.on("response", lambda r: r.status >= 400 and failed.append((r.status, r.url)))
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and failed.append(m.text))  # the favicon's too
    try:
        page.goto(server.url + "admin/")
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="隐患案例").first.wait_for()
        # an existing case with its photo pair: every thumbnail loads
        page.goto(server.url + "admin/#/collections/cases/entries/sushe-chuangkou-feixian")
        shown = page.locator("input[id^='id-field']")
        shown.wait_for()
        assert shown.input_value() == "sushe-chuangkou-feixian"  # an existing item's id, which never changes
        page.locator("img[src^='blob:']").first.wait_for()
        assert failed == [], failed  # a normal visit: no 404, no 500

        page.goto(server.url + "admin/#/collections/cases/new")
        # the new, empty form (not the case's still on screen): its id is empty until there is a title
        page.wait_for_function("() => document.querySelector(\"input[id^='id-field']\")?.value === ''")
        page.get_by_label("标题").fill("新泰仓库飞线充电")
        page.locator("input[id^='found_on-field']").fill("2026-12-05")
        expected = "2026-12-xintai-cangku-feixian-chongdian"
        page.wait_for_function(
            "(v) => document.querySelector(\"input[id^='id-field']\").value === v", arg=expected, timeout=30_000
        )
        assert re.match(ID_RE, expected)
        page.get_by_label("公开显示的地点").fill("共建区某仓库")
        page.locator("input[id^='enterprise-field']").fill("速达")
        page.get_by_text("示例·速达快运有限公司", exact=True).click()
        choose(page, "hazard", "飞线充电")
        choose(page, "risk", "高风险")
        choose(page, "status", "已发现")
        page.get_by_role("button", name="新增照片").click()
        page.get_by_role("button", name="选择图片", exact=True).first.click()
        page.locator("input[type=file]").set_input_files(str(camera))
        page.get_by_text(re.compile(r"^IMG_4021\.JPG$", re.I)).first.wait_for()
        page.get_by_role("button", name="选用已选中项目").click()
        page.get_by_label("图片内容的文字说明").first.fill("仓库门口一根电线拖到电动车")
        page.locator("input[id^='stage-field']").first.fill("整改前")
        page.keyboard.press("Enter")
        publish(page)
        created = the_new_file(content / "cases", existing)
    finally:
        context.close()
    assert created.name == expected + ".yml"
    data = YAML(typ="safe", pure=True).load(created.read_text(encoding="utf-8"))
    assert "id" not in data and data["title"] == "新泰仓库飞线充电"  # the id is the file's name, not a field
    assert [p["file"] for p in data["photos"]] == ["cases/IMG_4021.JPG"]
    assert (content / "media/cases/IMG_4021.JPG").read_bytes() == camera.read_bytes()
    assert not (content / "media/cases/img_4021.jpg").exists()
    assert failed == [], failed
    check = run_build("check", "--content", str(content))
    assert check.returncode == 0, check.stderr


def test_a_missing_photo_is_a_chinese_404_in_the_forms_and_the_preview(preview, browser):  # noqa: F811
    server, content = preview
    (content / "media/cases/sushe-chuangkou-feixian-before.jpg").unlink()  # deleted behind the forms' back
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    answers = []
    context.on("response", lambda r: r.status >= 400 and answers.append((r.status, r.url, r.text())))
    page = context.new_page()
    try:
        page.goto(server.url + "admin/")
        page.get_by_role("button", name="登录").click()
        page.goto(server.url + "admin/#/collections/cases/entries/sushe-chuangkou-feixian")
        page.locator("input[id^='id-field']").wait_for()
        page.wait_for_function("() => document.querySelectorAll(\"img[src^='blob:']\").length >= 1", timeout=30_000)
        deadline = time.monotonic() + 120
        while not answers and time.monotonic() < deadline:  # the missing thumbnail's request
            page.wait_for_timeout(250)
    finally:
        context.close()
    assert [(status, "找不到照片" in text) for status, _, text in answers] == [(404, True)], answers
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port)
    connection.request("GET", "/media/cases/sushe-chuangkou-feixian-before.jpg")
    reply = connection.getresponse()
    assert reply.status == 404
    assert re.search(r"[\u4e00-\u9fff]", reply.read().decode("utf-8"))
