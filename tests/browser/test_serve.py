"""`build.py serve` driven over loopback in Chromium, the way an editor uses it: edit a case and
see the open page change by itself; break a file and see the Chinese error page naming file and
line; fix it and get the page back. site/ is never touched."""

from __future__ import annotations

import re
import socket
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from campaignkit.editing import preview_server as serve
from tests.conftest import PROJECT, project_copy, tree

from .support import PHONE

pytestmark = pytest.mark.slow

CASE = "cases/hengshun-cangku-feixian.yml"
CASE_URL = "cases/hengshun-cangku-feixian/"
DRAFT_PERSON = "people/zhao-xiaoli/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """A scratch project (sample content, the kit's templates) with a published site/ beside it,
    previewed on a free port; yields (server, project)."""
    project = project_copy(tmp_path_factory.mktemp("serve"))
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("<p>the published site</p>", encoding="utf-8")
    server = serve.start(project, project / "content", port=free_port())
    yield server, project
    serve.stop(server)


def url(server, path: str = "") -> str:
    return server.url + path


def get(server, path: str) -> tuple[int, str, bytes]:
    """GET a site path (or a full URL)."""
    try:
        with urllib.request.urlopen(urllib.parse.urljoin(server.url, path), timeout=60) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / "content" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edit_break_fix_in_the_browser(preview, browser):
    server, project = preview
    published = tree(project / "site")
    repo_site = tree(PROJECT / "site") if (PROJECT / "site").is_dir() else None
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(url(server, CASE_URL), wait_until="load")
        title = re.search(r"^title: (.+)$", (project / "content" / CASE).read_text(encoding="utf-8"), re.MULTILINE).group(1)
        assert title in page.inner_text("h1")

        # 1. An edited title appears without the editor touching the browser.
        edit(project, CASE, f"title: {title}", "title: 恒顺仓库飞线充电已全部拆除（预览测试）")
        page.wait_for_function(
            "() => document.querySelector('h1') && document.querySelector('h1').innerText.includes('已全部拆除（预览测试）')",
            timeout=60_000,
        )

        # 2. A broken file turns the open page into the Chinese error page naming file, line and field.
        edit(project, CASE, "status: ", "statu: ")
        line = next(
            n
            for n, text in enumerate((project / "content" / CASE).read_text(encoding="utf-8").splitlines(), 1)
            if text.startswith("statu: ")
        )
        expected = f"content/{CASE}:{line}: statu: 不认识的字段，是不是要写“整改状态（status）”？"
        page.wait_for_function("(t) => (document.body ? document.body.innerText : '').includes(t)", arg=expected, timeout=60_000)
        assert "内容有问题，预览暂停更新" in page.inner_text("h1")
        assert "共发现 1 处问题" in page.inner_text("body")
        page.screenshot(path=str(artifacts("serve-error-page.png")))
        # every page says so, not only the one that was open
        status, _type, body = get(server, "")
        assert status == 200 and expected in body.decode()

        # 3. Fixing it brings the page back, with the edit.
        edit(project, CASE, "statu: ", "status: ")
        page.wait_for_function(
            "() => document.querySelector('h1') && document.querySelector('h1').innerText.includes('已全部拆除（预览测试）')",
            timeout=60_000,
        )
        assert "内容有问题" not in page.inner_text("body")
        page.screenshot(path=str(artifacts("serve-case-after-fix.png")))
    finally:
        context.close()
    assert tree(project / "site") == published
    if repo_site is not None:
        assert tree(PROJECT / "site") == repo_site
    assert not (project / "site" / "cases").exists()


def artifacts(name: str) -> Path:
    folder = PROJECT / "test-artifacts" / "serve"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def test_drafts_are_shown_with_a_banner_and_noindex(preview, browser):
    server, _project = preview
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(url(server, DRAFT_PERSON), wait_until="load")
        banner = page.locator(".ck-draft-banner")
        assert banner.is_visible()
        assert banner.inner_text().startswith("草稿")
        assert page.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
        page.screenshot(path=str(artifacts("serve-draft.png")))
        page.goto(url(server, CASE_URL), wait_until="load")
        assert page.locator(".ck-draft-banner").count() == 0  # a published item: no banner, indexable
        assert page.locator('meta[name="robots"]').count() == 0
    finally:
        context.close()


def test_a_pdf_is_rendered_when_its_link_is_opened(preview):
    server, project = preview
    status, _type, body = get(server, "downloads/")
    links = re.findall(r'href="([^"]+\.pdf)"', body.decode())
    assert status == 200 and links
    status, content_type, pdf = get(server, urllib.parse.urljoin(url(server, "downloads/"), links[0]))
    assert status == 200 and content_type == "application/pdf" and pdf.startswith(b"%PDF-")
    assert not (project / "site" / "downloads").exists()


def test_a_case_sheet_opened_after_an_edit_shows_the_edit(preview):
    """The preview draws a handout only when its link is opened, from the content of that moment."""
    from io import BytesIO

    from pypdf import PdfReader

    server, project = preview
    sheet = "downloads/cases/" + CASE_URL.split("/")[1] + ".pdf"
    edit(project, CASE, "title: ", "title: 讲义预览测试·")
    deadline = time.monotonic() + 60
    while "讲义预览测试" not in get(server, CASE_URL)[2].decode():
        assert time.monotonic() < deadline, "the preview did not rebuild after the edit"
        time.sleep(0.3)
    status, content_type, pdf = get(server, sheet)
    assert status == 200 and content_type == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "讲义预览测试" in text.replace("\n", "")
    edit(project, CASE, "title: 讲义预览测试·", "title: ")


def test_unknown_pages_get_the_sites_404(preview):
    server, _project = preview
    status, _type, body = get(server, "no-such-page/")
    assert status == 404 and "livereload" in body.decode()


def test_other_features_can_mount_pages_on_the_preview(preview, tmp_path):
    """The hook for the WeChat export page and Decap CMS: a static folder and a WSGI app."""
    server, _project = preview
    (tmp_path / "index.html").write_text("<html><body><p>编辑后台</p></body></html>", encoding="utf-8")
    (tmp_path / "app.js").write_text("console.log(1)", encoding="utf-8")

    def app(environ, start_response):
        last = environ["campaignkit.preview"].last
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [f"<html><body>上次生成{'成功' if last.ok else '失败'}</body></html>".encode()]

    mounts = [serve.mount("/admin/", folder=tmp_path, title="内容编辑"), serve.mount("/wechat/", app=app)]
    try:
        status, _type, body = get(server, "/admin/")
        assert status == 200 and "编辑后台" in body.decode() and "livereload" in body.decode()
        status, content_type, body = get(server, "/admin/app.js")
        assert status == 200 and content_type == "application/javascript" and body == b"console.log(1)"
        assert get(server, "/admin/../mkdocs.yml")[0] == 404
        status, _type, body = get(server, "/wechat/")
        assert status == 200 and "上次生成成功" in body.decode() and "livereload" in body.decode()
    finally:
        for m in mounts:
            serve.MOUNTS.remove(m)


def test_reachable_from_windows_through_wsl_and_nowhere_else(preview):
    """WSL 2 forwards Windows' localhost to sockets bound to 127.0.0.1 in the VM; nothing else may
    reach the preview (later mounts such as Decap's proxy have no password). Polling, not inotify,
    sees edits made from Windows under /mnt/c."""
    from watchdog.observers.polling import PollingObserver

    server, _project = preview
    assert server.server_address[0] == "127.0.0.1"
    assert isinstance(server.observer, PollingObserver)


def test_a_file_saved_by_windows_notepad_is_picked_up(preview):
    """Notepad writes a BOM and CRLF line endings."""
    server, project = preview
    path = project / "content" / "facilities" / "dongmen-chongdian.yml"
    text = path.read_text(encoding="utf-8")
    name = re.search(r"^name: (.+)$", text, re.M).group(1)
    path.write_bytes(
        b"\xef\xbb\xbf" + text.replace(f"name: {name}", "name: 东门集中充电处（记事本）").replace("\n", "\r\n").encode()
    )
    deadline = time.monotonic() + 60
    body = ""
    while time.monotonic() < deadline:
        _status, _type, raw = get(server, "facilities/dongmen-chongdian/")
        body = raw.decode()
        if "东门集中充电处（记事本）" in body:
            break
        time.sleep(0.5)
    assert "东门集中充电处（记事本）" in body and "内容有问题" not in body
