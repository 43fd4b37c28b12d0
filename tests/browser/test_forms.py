"""The forms at /admin/ as an editor uses them: Decap CMS in Chromium creates a case with a
before/after photo pair, saves it, the file passes `build.py check` and the case is in the
preview. Every request the page makes goes to 127.0.0.1."""
from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from campaignkit import admin, formserver
from tests.conftest import PROJECT, SAMPLE_CONTENT, run_build

from .support import artifacts_dir

pytestmark = pytest.mark.slow

TITLE = "宿舍三楼窗口拉线给电动车充电"


@pytest.fixture
def forms(tmp_path):
    """A copy of the sample content, its forms on a free loopback port, and the preview folder."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    site = tmp_path / "site"
    site.mkdir()
    server = formserver.FormServer(admin.AdminRoutes(PROJECT, content, "测试"), site, "127.0.0.1", 0)
    server.start_in_thread()
    try:
        yield server, content, site
    finally:
        server.shutdown()


def photo(tmp_path: Path, name: str, sample: str) -> Path:
    path = tmp_path / "camera" / name
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(SAMPLE_CONTENT / "media/cases" / sample, path)
    return path


def add_photo(page, index: int, file: Path, alt: str, stage: str) -> None:
    page.get_by_role("button", name="新增照片").click()
    page.get_by_role("button", name="选择图片", exact=True).first.click()  # the new, empty photo
    page.locator("input[type=file]").set_input_files(str(file))
    page.get_by_text(file.name, exact=True).wait_for()  # uploaded, and selected already
    page.get_by_role("button", name="选用已选中项目").click()
    page.get_by_label("图片内容的文字说明").nth(index).fill(alt)
    page.locator("input[id^='stage-field']").nth(index).fill(stage)
    page.keyboard.press("Enter")


def where(url: str) -> str:
    """The host a request went to; a blob: URL is the page's own memory, a data: URL no request."""
    if url.startswith("data:"):
        return "data:"
    if url.startswith("blob:"):
        url = url[len("blob:"):]
    return urllib.parse.urlsplit(url).hostname or url


def wait_for_new_file(folder: Path, existing: set, page) -> Path:
    for _ in range(60):
        new = set(folder.iterdir()) - existing
        if new:
            (created,) = new
            return created
        page.wait_for_timeout(250)
    raise AssertionError("the form's save wrote no file")


def test_an_editor_creates_a_case_with_a_photo_pair_through_the_forms(forms, browser, tmp_path):
    server, content, site = forms
    before = photo(tmp_path, "sushe-sanlou-before.jpg", "sushe-chuangkou-feixian-before.jpg")
    after = photo(tmp_path, "sushe-sanlou-after.jpg", "hengshun-cangku-feixian-after.jpg")
    existing = set((content / "cases").iterdir())
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    hosts = []
    context.on("request", lambda r: hosts.append(where(r.url)))
    page = context.new_page()
    shots = artifacts_dir() / "forms"
    shots.mkdir(exist_ok=True)
    try:
        page.goto(server.url + "admin/")
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="隐患案例").first.wait_for()
        assert page.get_by_text("网站设置").is_visible()  # every kind is a collection, in Chinese
        page.goto(server.url + "admin/#/collections/cases/new")
        page.get_by_label("标题").fill(TITLE)
        page.locator("input[id^='found_on-field']").fill("2024-03-05")
        page.get_by_label("公开显示的地点").fill("共建区某企业宿舍")
        page.locator("input[id^='enterprise-field']").fill("速达")  # chosen by name, stored as its id
        page.get_by_text("示例·速达快运有限公司", exact=True).click()
        for field, value in (("hazard", "飞线充电"), ("risk", "风险高"), ("status", "已发现")):
            page.locator(f"input[id^='{field}-field']").fill(value)
            page.keyboard.press("Enter")
        add_photo(page, 0, before, "宿舍三楼窗口垂下一根电线连着楼下的电动车", "整改前")
        add_photo(page, 1, after, "电动车停在集中充电棚里充电", "整改后")
        page.screenshot(path=str(shots / "case-form.png"), full_page=True)
        page.get_by_role("button", name="发布").first.click()
        page.get_by_text("立即发布").click()
        created = wait_for_new_file(content / "cases", existing, page)
        shutil.copyfile(created, shots / "created-case.yml")
        page.wait_for_timeout(500)  # the proxy writes the file in one go; let the form settle
        data = YAML(typ="safe", pure=True).load(created.read_text(encoding="utf-8"))
        assert data["title"] == TITLE
        assert data["found_on"] in ("2024-03-05",) or str(data["found_on"]) == "2024-03-05"
        assert data["enterprise"] == "suda-kuaiyun" and data["anonymous"] is True
        assert (data["hazard"], data["risk"], data["status"]) == ("飞线充电", "高", "已发现")
        assert [(p["file"], p["stage"]) for p in data["photos"]] == [
            ("cases/sushe-sanlou-before.jpg", "before"), ("cases/sushe-sanlou-after.jpg", "after")]
        assert all(p["alt"] for p in data["photos"])
        assert (content / "media/cases/sushe-sanlou-after.jpg").read_bytes() == after.read_bytes()

        check = run_build("check", "--content", str(content))
        assert check.returncode == 0, check.stderr
        built = run_build("--no-pdf", "--content", str(content), "--output", str(site))
        assert built.returncode == 0, built.stderr
        page.goto(server.url + f"cases/{created.stem}/")
        assert page.locator("h1").inner_text().strip() == TITLE
        assert "速达" not in page.content()  # anonymous: the enterprise is not named on the page
        assert page.locator("img[alt='宿舍三楼窗口垂下一根电线连着楼下的电动车']").count() == 1
        page.screenshot(path=str(shots / "case-preview.png"), full_page=True)
    finally:
        context.close()
    assert hosts and set(hosts) <= {"127.0.0.1", "data:"}, sorted(set(hosts))
    assert not list(site.glob("admin*")), "nothing under /admin/ is part of the site"
