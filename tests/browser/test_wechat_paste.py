"""公众号 articles pasted into UEditor at phone width, and the export page's copy buttons.

The 公众号 editor grew from UEditor, the open-source editor; UEditor 1.4.3 ships in the npm
package `ueditor` (example/public/ueditor, a dev dependency in package.json). Each article is
put on the clipboard as text/html and pasted with Ctrl+V into a UEditor instance, so it goes
through UEditor's own paste handling (plugins/paste.js: the paste bin, UE.filterWord, the input
rules of plugins/defaultfilter.js: div → p with `allowDivTransToP`, li attributes cleared and
text wrapped in p). What the 公众号 editor does beyond that (classes, ids, <style>, scripts and
external links dropped, SVG's defs and url(#…) filtered: design-notes.md) the articles never
contain: test_wechat.py's rules and ARTICLE_RULES refuse it.

Photos are served from the built site at their public https addresses (routed to the local files).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .support import PHONE, artifacts_dir

pytestmark = pytest.mark.slow

BASE = "https://aqcd.example.cn/"
UEDITOR = Path(__file__).resolve().parents[2] / "node_modules" / "ueditor" / "example" / "public" / "ueditor"
EDITOR_ORIGIN = "https://mp.editor.test/"  # routed; https, so the page may use the clipboard
EDITOR_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<script>window.UEDITOR_HOME_URL = "/ueditor/";</script>
<script src="/ueditor/ueditor.config.js"></script><script src="/ueditor/ueditor.all.js"></script></head>
<body style="margin:0"><div id="before" style="width:375px;box-sizing:border-box;padding:16px"></div>
<script id="editor" type="text/plain"></script>
<script>
window.editor = UE.getEditor("editor", {toolbars: [[]], serverUrl: "", initialFrameWidth: 375, autoHeightEnabled: true,
  elementPathEnabled: false, wordCount: false, enableAutoSave: false, catchRemoteImageEnable: false});
editor.ready(function () { window.editorReady = true; });
</script></body></html>"""
EDITOR = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
    'content="width=device-width, initial-scale=1"></head><body style="margin:0">'
    '<div id="editor" contenteditable="true" style="padding:16px;min-height:100px"></div></body></html>'
)

# What a reader sees in a root element: its text (white space aside), the boxes (elements with a
# background other than table headers) with the start of their text, list numbers and bullets
# (text at the start of a paragraph), table cells, images.
MEASURE = r"""root => {
  const all = [...root.querySelectorAll("*")];
  const boxes = all.filter(e => !["TH", "TD", "TR", "TABLE"].includes(e.tagName))
    .filter(e => { const c = getComputedStyle(e).backgroundColor; return c && c !== "rgba(0, 0, 0, 0)" && c !== "transparent"; })
    .map(e => getComputedStyle(e).backgroundColor + " " + e.innerText.replace(/\s+/g, "").slice(0, 12));
  const marks = [...root.querySelectorAll("p")].map(p => p.innerText.trim().match(/^(\d+\.|•|◦)/)).filter(Boolean).map(m => m[1]);
  return {
    text: root.innerText.replace(/[\s​﻿]+/g, ""),
    boxes: boxes,
    marks: marks,
    cells: root.querySelectorAll("td, th").length,
    images: root.querySelectorAll("img").length,
  };
}"""


def _articles(sample_site: Path) -> dict[str, str]:
    folder = sample_site.parent / "wechat"
    return {
        p.relative_to(folder).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*.html"))
        if p != folder / "index.html" and "photos" not in p.parts
    }


def _serve_site(context, sample_site: Path) -> None:
    def serve(route):
        path = sample_site / route.request.url[len(BASE) :].split("?")[0]
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="")

    context.route(BASE + "**", serve)


@pytest.fixture
def ueditor(browser, sample_site):
    """A page with UEditor 1.4.3 at phone width, the clipboard allowed, the site's photos served."""
    assert (UEDITOR / "ueditor.all.js").is_file(), "npm ci (scripts/setup.sh --dev) installs the ueditor package"
    context = browser.new_context(**PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=EDITOR_ORIGIN.rstrip("/"))
    _serve_site(context, sample_site)

    def serve_editor(route):
        rel = route.request.url[len(EDITOR_ORIGIN) :].split("?")[0]
        if rel == "editor.html":
            route.fulfill(body=EDITOR_PAGE, content_type="text/html; charset=utf-8")
        elif rel.startswith("ueditor/") and (UEDITOR / rel[len("ueditor/") :]).is_file():
            route.fulfill(path=str(UEDITOR / rel[len("ueditor/") :]))
        else:
            route.fulfill(status=404, body="")

    context.route(EDITOR_ORIGIN + "**", serve_editor)
    page = context.new_page()
    page.goto(EDITOR_ORIGIN + "editor.html")
    page.wait_for_function("window.editorReady === true")
    yield page
    context.close()


def _paste(page, fragment: str):
    """The fragment shown as it is (#before) and pasted into the editor with Ctrl+V; both measured."""
    page.evaluate(
        """async html => {
        document.getElementById("before").innerHTML = html;
        editor.setContent("");
        await navigator.clipboard.write([new ClipboardItem({
            "text/html": new Blob([html], {type: "text/html"}),
            "text/plain": new Blob([document.getElementById("before").innerText], {type: "text/plain"})})]);
    }""",
        fragment,
    )
    body = page.frame_locator("iframe[id^=ueditor_]").locator("body")
    body.click()
    page.keyboard.press("Control+V")
    # UEditor pastes into a hidden bin, filters it on a timer and inserts the result
    page.wait_for_function("() => editor.getContentTxt().replace(/\\s+/g, '').length > 0")
    page.wait_for_function("() => !editor.document.getElementById('baidu_pastebin')")
    before = page.evaluate(MEASURE, page.query_selector("#before"))
    after = body.evaluate(MEASURE)
    return before, after


def test_every_article_survives_a_paste_into_ueditor(ueditor, sample_site):
    articles = _articles(sample_site)
    assert "report" in articles and any(k.startswith("lessons/") for k in articles)
    out = artifacts_dir() / "wechat"
    out.mkdir(exist_ok=True)
    report = {}
    for key, fragment in articles.items():
        before, after = _paste(ueditor, fragment)
        report[key] = {"before": before, "after": after}
        assert after["text"] == before["text"], key
        assert after["images"] == before["images"] == fragment.count("<img"), key
        assert after["boxes"] == before["boxes"], key
        assert after["marks"] == before["marks"], key
        assert after["cells"] == before["cells"], key
        if key in ("report", "lessons/feixian-chongdian"):
            name = key.replace("/", "-")
            ueditor.locator("#before").screenshot(path=str(out / f"{name}-before-paste.png"))
            ueditor.evaluate("() => editor.setHeight(editor.document.documentElement.scrollHeight)")
            ueditor.locator("iframe[id^=ueditor_]").screenshot(path=str(out / f"{name}-after-paste.png"))
    (out / "paste-measures.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    # what the pasted lesson must show: its warning box, numbered key points, the quiz table
    lesson = report["lessons/feixian-chongdian"]["after"]
    assert any(b.startswith("rgb(255, 244, 229) 注意") for b in lesson["boxes"]), lesson["boxes"]
    assert lesson["marks"][:4] == ["1.", "2.", "3.", "4."] and "•" in lesson["marks"]
    assert report["report"]["after"]["images"] >= 1 and report["report"]["after"]["cells"] > 10


def test_old_markup_fails_the_same_paste(ueditor):
    """The comparison can fail: a div box and a styled list, as the articles had them, lose their
    background and their style in the same paste."""
    old = (
        '<div style="background-color: #fff4e5; padding: 10px"><p>注意</p><p>先离开、再报警。</p></div>'
        '<ol style="padding-left: 24px"><li style="margin: 0">第一条</li><li style="margin: 0">第二条</li></ol>'
    )
    before, after = _paste(ueditor, old)
    assert before["boxes"] and not after["boxes"]  # UEditor: allowDivTransToP
    pasted = ueditor.evaluate("editor.getContent()")
    assert "<li><p>第一条</p></li>" in pasted and "margin: 0" not in pasted  # li: attributes cleared, text wrapped


def test_each_article_pasted_at_375px_keeps_its_look(browser, sample_site):
    """In a bare contenteditable too (a second engine's paste: Chromium's insertHTML), at 375 px."""
    context = browser.new_context(**PHONE)
    _serve_site(context, sample_site)
    page = context.new_page()
    articles = _articles(sample_site)
    out = artifacts_dir() / "wechat"
    out.mkdir(exist_ok=True)
    for key, fragment in articles.items():
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
    context.close()
    assert len(list(out.glob("*.png"))) >= len(articles)


def test_before_and_after_photos_sit_side_by_side_on_a_phone(browser, sample_site):
    context = browser.new_context(**PHONE)
    _serve_site(context, sample_site)
    editor_page = context.new_page()
    fragment = _articles(sample_site)["cases/hengshun-cangku-feixian"]
    editor_page.set_content(EDITOR)
    editor_page.focus("#editor")
    editor_page.evaluate("html => document.execCommand('insertHTML', false, html)", fragment)
    boxes = editor_page.evaluate("() => [...document.images].slice(0, 2).map(i => i.getBoundingClientRect().toJSON())")
    before, after = boxes
    assert abs(before["top"] - after["top"]) < 2 and after["left"] > before["right"] - 1
    assert before["width"] > 120  # each about half the phone, not thumbnails
    labels = editor_page.inner_text("#editor")
    context.close()
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
        # everything fits a 375 px phone: no sideways scrolling, every button whole
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        clipped = page.evaluate(
            "() => [...document.querySelectorAll('button')].filter(b => b.getBoundingClientRect().right > 375).length"
        )
        assert clipped == 0
        # the page's address for the 公众号's 原文链接 field, with its own copy button
        case = page.locator("#cases-hengshun-cangku-feixian")
        assert "原文链接" in case.inner_text() and f"{BASE}cases/hengshun-cangku-feixian/" in case.inner_text()
        case.locator("button[data-copy-text]").click()
        page.wait_for_function(
            "() => document.querySelector('#cases-hengshun-cangku-feixian button[data-copy-text]').textContent === '已复制'"
        )
        assert page.evaluate("navigator.clipboard.readText()") == f"{BASE}cases/hengshun-cangku-feixian/"
        # the photos to insert by hand, numbered in article order, from the site built beside
        photos = case.locator("[data-photos] a[download]")
        assert photos.count() >= 2 and photos.first.get_attribute("download").endswith("-01.jpg")
        case.scroll_into_view_if_needed()
        case.screenshot(path=str(artifacts_dir() / "wechat-export-case.png"))
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
        page.wait_for_function("() => (document.body ? document.body.innerText : '').includes('【预览修改】')", timeout=90_000)
    finally:
        context.close()
        serve.stop(server)
        for m in mine:  # the mount is global: leave the server as the other tests expect it
            serve.MOUNTS.remove(m)
