"""公众号 articles pasted into an editor at phone width, and the export page's copy button.

The paste is simulated as Chromium does it for a contenteditable: the fragment goes in through
execCommand("insertHTML"), which keeps only what the editing engine keeps. Photos are served
from the built site at their public https addresses (routed to the local files).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .support import PHONE, artifacts_dir

pytestmark = pytest.mark.slow

BASE = "https://aqcd.example.cn/"
EDITOR = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
    'content="width=device-width, initial-scale=1"></head><body style="margin:0">'
    '<div id="editor" contenteditable="true" style="padding:16px;min-height:100px"></div></body></html>'
)


def _articles(sample_site: Path) -> dict[str, str]:
    folder = sample_site.parent / "wechat"
    return {
        p.relative_to(folder).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*.html"))
        if p != folder / "index.html"
    }


@pytest.fixture
def editor_page(browser, sample_site):
    context = browser.new_context(**PHONE)

    def serve(route):
        path = sample_site / route.request.url[len(BASE) :].split("?")[0]
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="")

    context.route(BASE + "**", serve)
    page = context.new_page()
    yield page
    context.close()


def test_each_article_pasted_at_375px_keeps_its_look(editor_page, sample_site):
    articles = _articles(sample_site)
    assert "report" in articles and any(k.startswith("lessons/") for k in articles)
    out = artifacts_dir() / "wechat"
    out.mkdir(exist_ok=True)
    for key, fragment in articles.items():
        page = editor_page
        page.set_content(EDITOR)
        page.focus("#editor")
        page.evaluate("html => document.execCommand('insertHTML', false, html)", fragment)
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        pasted = page.eval_on_selector("#editor", "e => e.innerHTML")
        # what the editor kept: inline styles on the headings, every photo loaded
        assert re.search(r'<h2 style="[^"]*border-left', pasted) or key.startswith("people/"), key
        broken = page.evaluate("() => [...document.images].filter(i => !i.naturalWidth).map(i => i.src)")
        assert not broken, (key, broken)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["viewport"]["width"], (key, width)  # nothing wider than the phone
        page.screenshot(path=str(out / f"{key.replace('/', '-')}.png"), full_page=True)
    assert len(list(out.glob("*.png"))) >= len(articles)


def test_before_and_after_photos_sit_side_by_side_on_a_phone(editor_page, sample_site):
    fragment = _articles(sample_site)["cases/hengshun-cangku-feixian"]
    editor_page.set_content(EDITOR)
    editor_page.focus("#editor")
    editor_page.evaluate("html => document.execCommand('insertHTML', false, html)", fragment)
    boxes = editor_page.evaluate("() => [...document.images].slice(0, 2).map(i => i.getBoundingClientRect().toJSON())")
    before, after = boxes
    assert abs(before["top"] - after["top"]) < 2 and after["left"] > before["right"] - 1
    assert before["width"] > 120  # each about half the phone, not thumbnails
    labels = editor_page.inner_text("#editor")
    assert labels.index("整改前") < labels.index("整改后")


def test_export_page_previews_and_copies_an_article_as_rich_text(browser, sample_site):
    from .support import SiteServer

    with SiteServer(sample_site.parent) as server:  # wechat/ and the site beside it, as on disk
        context = browser.new_context(**PHONE)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.origin)
        page = context.new_page()
        page.goto(server.url("wechat/"), wait_until="networkidle")
        previews = page.locator("[data-article]")
        assert previews.count() == len(_articles(sample_site))
        assert previews.first.evaluate("e => e.getBoundingClientRect().width") == 375
        # the previews show the photos of the site built beside wechat/
        page.evaluate("() => document.querySelectorAll('.phone img').forEach(i => i.loading = 'eager')")
        page.wait_for_function("() => [...document.querySelectorAll('.phone img')].every(i => i.complete)")
        broken = page.evaluate("() => [...document.querySelectorAll('.phone img')].filter(i => !i.naturalWidth).map(i => i.src)")
        assert not broken, broken[:3]
        page.click('button[data-copy="report"]')
        page.wait_for_function("() => document.querySelector('button[data-copy=report]').textContent === '已复制'")
        copied = page.evaluate("""async () => {
            const [item] = await navigator.clipboard.read();
            return [await (await item.getType('text/html')).text(), await (await item.getType('text/plain')).text()];
        }""")
        page.screenshot(path=str(artifacts_dir() / "wechat-export-page.png"))
        context.close()
    rich, plain = copied
    assert "立项动因" in rich and "style=" in rich and "class=" not in rich
    assert f'src="{BASE}media/' in rich and "../site/" not in rich  # public addresses, as pasted into the 公众号
    assert "81" in plain and "<" not in plain


def test_the_preview_server_has_the_export_page_and_follows_edits(browser, tmp_path):
    """build.py serve mounts the export page at /wechat/ (wechat_preview.register, as the command
    does): previews show the preview's own photos, and an edited title shows after the rebuild."""
    import shutil
    import socket

    from campaignkit.editing import preview_server as serve
    from campaignkit.editing import wechat_export_page as wechat_preview
    from tests.conftest import PROJECT, SAMPLE_CONTENT

    project = tmp_path / "project"
    shutil.copytree(SAMPLE_CONTENT, project / "content")
    shutil.copytree(PROJECT / "templates", project / "templates")
    shutil.copy(PROJECT / "mkdocs.yml", project / "mkdocs.yml")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mounted = [m for m in serve.MOUNTS if m.prefix == wechat_preview.PREFIX]
    assert wechat_preview.register()
    mine = [m for m in serve.MOUNTS if m.prefix == wechat_preview.PREFIX and m not in mounted]
    server = serve.start(project, project / "content", port=port)
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(server.url + "wechat/", wait_until="load")  # (live reload keeps a request open)
        preview = page.locator('[data-article="cases/hengshun-cangku-feixian"]')
        preview.locator("img").first.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.phone img')].slice(0, 4).every(i => i.complete && i.naturalWidth)"
        )
        assert not (project / "site").exists() and not (project / "wechat").exists()  # the preview publishes nothing
        case = project / "content" / "cases" / "hengshun-cangku-feixian.yml"
        text = case.read_text(encoding="utf-8")
        case.write_text(text.replace("summary: ", "summary: 【预览修改】", 1), encoding="utf-8")
        page.wait_for_function("() => document.body.innerText.includes('【预览修改】')", timeout=90_000)
    finally:
        context.close()
        serve.stop(server)
        for m in mine:  # the mount is global: leave the server as the other tests expect it
            serve.MOUNTS.remove(m)
