"""The forms at /admin/ as an editor uses them: Decap CMS in Chromium creates a case with a
before/after photo pair, saves it, the file passes `build.py check` and the case is in the
preview. Every request the page makes goes to 127.0.0.1."""

from __future__ import annotations

import shutil
import urllib.parse
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from campaignkit.editing import forms as admin
from campaignkit.editing import lan_forms_server as formserver
from campaignkit.editing import preview_server as serve
from tests.conftest import PROJECT, SAMPLE_CONTENT, run_build

from .support import artifacts_dir
from .test_serve import free_port

pytestmark = pytest.mark.slow

TITLE = "宿舍三楼窗口拉线给电动车充电"


@pytest.fixture
def preview(tmp_path):
    """`build.py serve` on a scratch project (sample content, the kit's templates) with the forms
    mounted at /admin/, as cli.py does; yields (server, content folder)."""
    project = tmp_path / "project"
    shutil.copytree(SAMPLE_CONTENT, project / "content")
    shutil.copytree(PROJECT / "templates", project / "templates")
    shutil.copy(PROJECT / "mkdocs.yml", project / "mkdocs.yml")
    mounted = admin.mount_on_preview(project / "content")
    assert mounted is not None, "Decap CMS is not installed: scripts/setup.sh"
    server = serve.start(project, project / "content", port=free_port())
    try:
        yield server, project / "content"
    finally:
        serve.stop(server)
        serve.MOUNTS.remove(mounted)
        mounted.app.routes.stop()


def photo(tmp_path: Path, name: str, sample: str) -> Path:
    path = tmp_path / "camera" / name
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(SAMPLE_CONTENT / "media/cases" / sample, path)
    return path


def add_photo(page, file: Path, alt: str, stage: str) -> None:
    """Add a photo to the case: upload it in the media library, describe it, say which stage it shows."""
    index = page.get_by_label("图片内容的文字说明").count()
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
    url = url.removeprefix("blob:")
    return urllib.parse.urlsplit(url).hostname or url


# How long a save may take on a busy CI machine before the test gives up: a deadline for a
# condition polled every quarter second, never a wait of its own.
SAVE_DEADLINE = 180


def the_new_file(folder: Path, existing: set) -> Path:
    """The one file a save (publish() has had the server's answer) added to `folder`."""
    new = set(folder.iterdir()) - existing
    assert len(new) == 1, f"the form's save wrote {len(new)} new files: {sorted(new)}"
    return new.pop()


def saved(path: Path, before: int) -> None:
    """After publish() (which returns once the server answered the save): the file was written."""
    assert path.stat().st_mtime_ns != before, "the form's save wrote nothing"


def test_an_editor_creates_a_case_with_a_photo_pair_through_the_forms(preview, browser, tmp_path):
    server, content = preview
    before = photo(tmp_path, "sushe-sanlou-before.jpg", "sushe-chuangkou-feixian-before.jpg")
    after = photo(tmp_path, "sushe-sanlou-after.jpg", "hengshun-cangku-feixian-after.jpg")
    existing = set((content / "cases").iterdir())
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    hosts = []
    context.on("request", lambda r: hosts.append(where(r.url)))
    page, site = context.new_page(), context.new_page()  # the forms, and the preview beside them
    shots = artifacts_dir() / "forms"
    shots.mkdir(exist_ok=True)
    try:
        site.goto(server.url + "cases/all/", wait_until="load")
        assert TITLE not in site.inner_text("body")
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
        choose(page, "hazard", "飞线充电")
        choose(page, "risk", "高风险")
        choose(page, "status", "已发现")
        add_photo(page, before, "宿舍三楼窗口垂下一根电线连着楼下的电动车", "整改前")
        add_photo(page, after, "电动车停在集中充电棚里充电", "整改后")
        page.screenshot(path=str(shots / "case-form.png"), full_page=True)
        publish(page)
        created = the_new_file(content / "cases", existing)
        shutil.copyfile(created, shots / "created-case.yml")

        # The open preview reloads by itself and lists the new case; its page shows the photo pair.
        site.wait_for_function("(t) => (document.body ? document.body.innerText : '').includes(t)", arg=TITLE, timeout=60_000)
        site.goto(server.url + f"cases/{created.stem}/", wait_until="load")
        assert site.locator("h1").inner_text().strip() == TITLE
        assert "速达" not in site.content()  # anonymous: the enterprise is not named on the page
        assert site.locator("img[alt='宿舍三楼窗口垂下一根电线连着楼下的电动车']").count() == 1
        assert site.locator("img[alt='电动车停在集中充电棚里充电']").count() == 1
        site.screenshot(path=str(shots / "case-preview.png"), full_page=True)

        data = YAML(typ="safe", pure=True).load(created.read_text(encoding="utf-8"))
        assert (data["title"], str(data["found_on"])) == (TITLE, "2024-03-05")
        assert data["enterprise"] == "suda-kuaiyun" and data["anonymous"] is True
        assert (data["hazard"], data["risk"], data["status"]) == ("飞线充电", "高", "已发现")
        assert [(p["file"], p["stage"]) for p in data["photos"]] == [
            ("cases/sushe-sanlou-before.jpg", "before"),
            ("cases/sushe-sanlou-after.jpg", "after"),
        ]
        assert (content / "media/cases/sushe-sanlou-after.jpg").read_bytes() == after.read_bytes()
        check = run_build("check", "--content", str(content))
        assert check.returncode == 0, check.stderr

        # A mistake the form cannot catch (已整改 without the date) shows the Chinese error page.
        choose(page, "status", "已整改")
        publish(page)
        expected = f"content/cases/{created.name}:"
        site.wait_for_function("(t) => (document.body ? document.body.innerText : '').includes(t)", arg=expected, timeout=60_000)
        body = site.inner_text("body")
        # in the form's words, with a link to the case's form
        assert "整改完成日期（rectified_on）: 状态为“已整改”时必须填写整改完成日期" in body
        link = site.get_by_role("link", name="打开表单修改").first
        assert link.get_attribute("href") == f"/admin/#/collections/cases/entries/{created.stem}"
        site.screenshot(path=str(shots / "error-page.png"), full_page=True)
    finally:
        context.close()
    assert hosts and set(hosts) <= {"127.0.0.1", "data:"}, sorted(set(hosts))


def choose(page, field: str, shown: str) -> None:
    """Pick a value in a select widget: type what it shows, take it with Enter."""
    page.locator(f"input[id^='{field}-field']").fill(shown)
    page.keyboard.press("Enter")


def publish(page) -> None:
    # A new item is saved only once its id is shown (the item-id widget asks the server for it).
    page.wait_for_function(
        "() => { const f = document.querySelector(\"input[id^='id-field']\"); return !f || f.value !== ''; }",
        timeout=SAVE_DEADLINE * 1000,
    )
    page.get_by_role("button", name="发布").first.click()
    # Done when the server has answered the save: decap-server answers once the file is written.
    with page.expect_response(_is_save, timeout=SAVE_DEADLINE * 1000):
        page.get_by_text("立即发布").click()


def _is_save(response) -> bool:
    request = response.request
    return request.method == "POST" and request.url.endswith("/admin/api/v1") and '"persistEntry"' in (request.post_data or "")


def test_a_multiple_choice_answer_typed_in_the_form_is_saved_as_a_list(browser, tmp_path):
    """The kit's own widget (campaignkit/editing/forms_widgets.js): 'A、B' becomes [A, B], 'B' stays B; and
    saving changes only that line of the file: comments and the rest stay as they were."""
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    server = formserver.FormServer(admin.AdminRoutes(content), tmp_path, "127.0.0.1", 0)
    server.start_in_thread()
    lesson = content / "lessons/feixian-chongdian.yml"
    original = "# 课程负责人：宣传科，修改前请联系\n" + lesson.read_text(encoding="utf-8")
    lesson.write_text(original, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(server.url + "admin/")
        page.get_by_role("button", name="登录").click()
        page.goto(server.url + "admin/#/collections/lessons/entries/feixian-chongdian")
        answers = page.locator("input[placeholder^='单选如']")
        answers.first.wait_for()
        assert [answers.nth(i).input_value() for i in range(answers.count())][:3] == ["B", "A、B、D", "错"]
        answers.nth(1).fill("A、B")
        before = lesson.stat().st_mtime_ns
        publish(page)
        saved(lesson, before)
    finally:
        context.close()
        server.shutdown()
    quiz = YAML(typ="safe", pure=True).load(lesson.read_text(encoding="utf-8"))["quiz"]
    assert [q["answer"] for q in quiz][:3] == ["B", ["A", "B"], "错"]
    assert lesson.read_text(encoding="utf-8") == original.replace("answer: [A, B, D]", "answer: [A, B]")
    check = run_build("check", "--content", str(content))
    assert check.returncode == 0, check.stderr
