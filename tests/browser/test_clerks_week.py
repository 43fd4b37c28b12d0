"""The clerk's week through /admin/ (issue 25), with the preview open beside the forms:

Monday: a new case at 鑫泰 (an enterprise that attended two events), anonymous as by default, with
a before photo; the enterprise picked, cleared with the keyboard and saved, then picked again.
Next week: the case marked 已整改 with its date and an after photo. Then a patrol round added
through the workbook. After every step the preview shows no problem; the enterprise's page and the
two events still name 鑫泰, and no page links the case to it.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.error
import urllib.request

import pytest
from ruamel.yaml import YAML

from campaignkit.editing import workbook_io as sheets
from campaignkit.editing.workbook_kinds import BOOKS
from tests.conftest import run_build

from .support import artifacts_dir
from .test_forms import SAVE_DEADLINE, add_photo, choose, photo, publish, saved, the_new_file
from .test_forms import preview as forms_preview

pytestmark = pytest.mark.slow

TITLE = "车间窗口拉线给电动车充电"
NAME = "示例·鑫泰包装材料有限公司"
EVENTS = ("events/yantaohui-2023-07/", "events/yanlian-2023-11/")


def fetch(server, path: str) -> str:
    """The page as the preview serves it now; a page the preview's next rebuild is still making
    (404 while a save is being built) is asked for again until SAVE_DEADLINE."""
    deadline = time.monotonic() + SAVE_DEADLINE
    while True:
        try:
            with urllib.request.urlopen(server.url + path, timeout=30) as reply:
                return reply.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            if error.code != 404 or time.monotonic() > deadline:
                raise
        time.sleep(0.5)  # polling interval of the condition above, not a wait for it


def preview_is_clean(site, server, expected: str) -> None:
    """The open preview reloads by itself and shows `expected`, not the problem list."""
    site.goto(server.url + "cases/all/", wait_until="load")
    site.wait_for_function(
        "(t) => (document.body ? document.body.innerText : '').includes(t) && !(document.body ? document.body.innerText : '').includes('内容有问题')",
        arg=expected,
        timeout=90_000,
    )


def no_link(server, case_id: str) -> None:
    case_page, ent_page = fetch(server, f"cases/{case_id}/"), fetch(server, "enterprises/xintai-baozhuang/")
    assert "鑫泰" not in case_page and "enterprises/xintai-baozhuang" not in case_page
    assert NAME in ent_page and TITLE not in ent_page and case_id not in ent_page
    for event in EVENTS:
        assert NAME in fetch(server, event), event  # still among the participants


def pick_enterprise(page) -> None:
    page.locator("input[id^='enterprise-field']").fill("鑫泰")
    page.get_by_text(NAME, exact=True).click()


preview = forms_preview  # the fixture: build.py serve on a scratch project with the forms mounted


def test_the_clerks_week(preview, browser, tmp_path):
    server, content = preview
    before = photo(tmp_path, "chejian-before.jpg", "cangku-silai-dianxian-before.jpg")
    after = photo(tmp_path, "chejian-after.jpg", "cangku-silai-dianxian-after.jpg")
    existing = set((content / "cases").iterdir())
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    failed = []
    context.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page, site = context.new_page(), context.new_page()
    shots = artifacts_dir() / "clerks-week"
    shots.mkdir(exist_ok=True)
    load = YAML(typ="safe", pure=True).load
    try:
        page.goto(server.url + "admin/")
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="隐患案例").first.wait_for()
        # the 媒体 tab lists the case photos already there
        page.get_by_role("button", name="媒体").click()
        page.get_by_text("cangku-silai-dianxian-before.jpg").first.wait_for()
        assert "未找到资源" not in page.inner_text("body")
        page.screenshot(path=str(shots / "0-media.png"))
        page.keyboard.press("Escape")

        # Monday: the new case, anonymous by default, with its before photo.
        page.goto(server.url + "admin/#/collections/cases/new")
        page.get_by_label("标题").fill(TITLE)
        page.locator("input[id^='found_on-field']").fill("2023-09-27")
        page.get_by_label("公开显示的地点").fill("共建区某企业车间")
        pick_enterprise(page)
        choose(page, "hazard", "飞线充电")
        choose(page, "risk", "高风险")
        choose(page, "status", "已发现")
        # rounds read 第 N 轮（date） and typing a number finds that round, not every date holding the digits
        page.locator("input[id^='patrol-field']").fill("5")
        page.get_by_text("第 5 轮（2023-09-27）", exact=True).wait_for()
        assert page.get_by_text("第 6 轮（2023-10-12）", exact=True).count() == 0  # its date holds no 5 either way
        page.get_by_text("第 5 轮（2023-09-27）", exact=True).click()
        add_photo(page, before, "车间窗口垂下一根电线连着电动车", "整改前")
        publish(page)
        created = the_new_file(content / "cases", existing)
        data = load(created.read_text(encoding="utf-8"))
        assert data["enterprise"] == "xintai-baozhuang" and data.get("anonymous", True) is True
        assert data["patrol"] == "round-05"
        preview_is_clean(site, server, TITLE)
        no_link(server, created.stem)
        page.screenshot(path=str(shots / "1-new-case.png"), full_page=True)

        # The enterprise cleared (Backspace in the pick-list, as its × does) and saved: no '' written.
        field = page.locator("input[id^='enterprise-field']")
        field.click()
        page.keyboard.press("Backspace")
        mtime = created.stat().st_mtime_ns
        publish(page)
        saved(created, mtime)
        text = created.read_text(encoding="utf-8")
        assert "enterprise" not in text and "''" not in text, text
        preview_is_clean(site, server, TITLE)
        # … and picked again (the form opened afresh, as the next day).
        page.goto(server.url + f"admin/#/collections/cases/entries/{created.stem}")
        page.reload()
        page.get_by_label("标题").wait_for()
        assert NAME not in page.locator("input[id^='enterprise-field']").locator("xpath=../../..").inner_text()
        pick_enterprise(page)
        mtime = created.stat().st_mtime_ns
        publish(page)
        saved(created, mtime)
        assert load(created.read_text(encoding="utf-8"))["enterprise"] == "xintai-baozhuang"
        preview_is_clean(site, server, TITLE)

        # Next week: 已整改, with the date and the after photo.
        page.goto(server.url + f"admin/#/collections/cases/entries/{created.stem}")
        page.get_by_label("标题").wait_for()
        choose(page, "status", "已整改")
        page.locator("input[id^='rectified_on-field']").fill("2023-10-09")
        add_photo(page, after, "电动车停进集中充电棚充电", "整改后")
        mtime = created.stat().st_mtime_ns
        publish(page)
        saved(created, mtime)
        data = load(created.read_text(encoding="utf-8"))
        assert data["status"] == "已整改" and [p["stage"] for p in data["photos"]] == ["before", "after"]
        preview_is_clean(site, server, TITLE)
        page.screenshot(path=str(shots / "2-fixed.png"), full_page=True)

        # A round of three days, through the workbook.
        book = BOOKS["巡查记录"]
        wb = sheets.template(book, content)
        ws = wb[book.sheet]
        cols = [c.value for c in ws[1]]
        row = {
            "编号": "round-11",
            "第几轮": 11,
            "巡查日期": dt.date(2023, 12, 12),
            "最后一天": dt.date(2023, 12, 14),
            "发现隐患数": 0,
        }
        for header, value in row.items():
            ws.cell(2, cols.index(header) + 1, value)
        sheets.save(wb, tmp_path / "巡查记录.xlsx")
        result = sheets.import_book(tmp_path / "巡查记录.xlsx", content)
        assert result.problems == [], result.problems
        sheets.apply(result)
        site.goto(server.url + "patrols/", wait_until="load")
        site.wait_for_function("() => (document.body ? document.body.innerText : '').includes('第 11 轮')", timeout=90_000)
        assert "内容有问题" not in site.inner_text("body")
        assert "2023年12月12日" in fetch(server, "patrols/round-11/")
        assert TITLE in fetch(server, "patrols/round-05/")  # the case stays in the round it was found in
        no_link(server, created.stem)
        site.screenshot(path=str(shots / "3-round.png"), full_page=True)
    except Exception as exc:
        page.screenshot(path=str(shots / "failed.png"), full_page=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(shots / "failed-top.png"))
        said = [line for line in page.inner_text("body").splitlines() if "必填" in line or "失败" in line]
        raise AssertionError(f"{exc}; failed requests: {failed}; the form says: {said}") from exc
    finally:
        context.close()
    check = run_build("check", "--content", str(content))
    assert check.returncode == 0 and "提醒" not in check.stderr, check.stderr
    assert not [f for f in failed if "/admin/" in f], failed  # no 404 or 500 on the forms' normal visit
