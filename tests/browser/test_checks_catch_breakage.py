"""Tests of the tests: each check of the browser suite, shown failing when the property it guards
is broken on purpose. A check that cannot fail proves nothing.

The breakage is the realistic kind where it can be: a machine without a CJK font, a search index
built with a separator that drops the zero-width space, a quiz script that does not open the
explanation, Material's own red header, photos published unresized, a page telling search engines
to go away."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from .conftest import new_phone
from .lighthouse import Audit, Run, lighthouse
from .support import CHECKED_PAGES, CHROMIUM, CHROMIUM_ARGS, SiteServer, horizontal_overflow, image_problems, tofu
from .test_accessibility import violations as blocking_violations
from .test_artifacts import first_page_png, ink
from .test_page_weight import BUDGETS, first_visit
from .test_quiz import LESSON_URL, answer_all, answers_without_javascript
from .test_search import search

CASE = CHECKED_PAGES["case"]


def add_html(page, html: str, where: str = "article") -> None:
    page.evaluate("([where, html]) => document.querySelector(where).insertAdjacentHTML('beforeend', html)", [where, html])


# ------------------------------------------------------------------ layout


def test_overflow_check_catches_a_too_wide_element(phone):
    page = phone.open(CASE, scroll=False, wait="load")
    assert horizontal_overflow(page) == []
    add_html(page, '<div class="too-wide" style="width: 600px">宽表格</div>')
    problems = horizontal_overflow(page)
    assert any("scrolls sideways" in p or "layout viewport" in p for p in problems), problems
    assert any('class="too-wide"' in p for p in problems), problems


def test_overflow_check_accepts_a_wide_table_in_its_scroll_box(phone):
    page = phone.open(CASE, scroll=False, wait="load")
    add_html(page, '<div class="ck-table-wrap"><div style="width: 900px">可以左右滑动的宽表格</div></div>')
    assert horizontal_overflow(page) == []


# ------------------------------------------------------------------ network and console


def test_console_error_and_uncaught_exception_are_caught(phone):
    page = phone.open(CASE, scroll=False, wait="load")
    assert phone.watch.problems() == []
    with page.expect_event("pageerror"), page.expect_console_message(lambda m: m.type == "error"):
        page.evaluate("() => { console.error('测试：控制台错误'); setTimeout(() => { throw new Error('测试：未捕获'); }); }")
    problems = phone.watch.problems()
    assert any("测试：控制台错误" in p for p in problems), problems
    assert any("uncaught" in p and "测试：未捕获" in p for p in problems), problems


def test_failed_request_is_caught(phone):
    page = phone.open(CASE, scroll=False, wait="load")
    with page.expect_response("**/no-such-photo.jpg"):
        add_html(page, '<img src="/media/no-such-photo.jpg" alt="不存在的照片">')
    page.wait_for_function("() => document.querySelector('img[src$=\"no-such-photo.jpg\"]').complete")
    assert any("no-such-photo.jpg (HTTP 404)" in p for p in phone.watch.problems()), phone.watch.problems()
    assert any("did not load" in p and "no-such-photo.jpg" in p for p in image_problems(page))


def test_a_request_cut_off_by_leaving_the_page_is_not_a_fault_but_a_stalled_one_is(phone):
    """A reader who taps a link while photos still load cancels them (net::ERR_ABORTED): that
    says nothing about the site. The same cancellation without the page being left does."""
    page = phone.open(CASE, scroll=False, wait="load")
    page.route("**/held-*.jpg", lambda route: None)  # never answered, as on a slow line
    with page.expect_request("**/held-1.jpg"):
        add_html(page, '<img src="/media/held-1.jpg" alt="慢">')
    with page.expect_request("**/held-2.jpg"):
        page.evaluate(
            "() => { window.held = new AbortController(); fetch('/media/held-2.jpg', {signal: held.signal}).catch(() => 0); }"
        )
    with page.expect_event("requestfailed", lambda r: r.url.endswith("held-2.jpg")):
        page.evaluate("() => held.abort()")  # cancelled by the page's own script while it stays
    assert [p for p in phone.watch.problems() if "held-" in p] == [
        f"failed request: {phone.server.url('media/held-2.jpg')} (net::ERR_ABORTED)"
    ]
    with page.expect_event("requestfailed", lambda r: r.url.endswith("held-1.jpg")):
        page.goto(phone.server.url(""), wait_until="load")  # the reader leaves
    assert phone.watch.abandoned == [phone.server.url("media/held-1.jpg")]
    assert [p for p in phone.watch.problems() if "held-1" in p] == []


def test_request_to_another_host_is_caught_from_the_page_and_from_a_worker(phone):
    page = phone.open(CASE, scroll=False, wait="load")
    context = phone.context
    with context.expect_event("request", lambda r: "cdn.example.com" in r.url):
        add_html(page, '<img src="https://cdn.example.com/banner.png" alt="外部图片">')
    with context.expect_event("request", lambda r: "stats.example.net" in r.url):
        page.evaluate("""() => new Worker(URL.createObjectURL(new Blob(
            ["fetch('https://stats.example.net/hit').catch(() => 0)"], {type: 'text/javascript'})))""")
    problems = phone.watch.problems()
    assert "request to another host: https://cdn.example.com/banner.png" in problems, problems
    assert "request to another host: https://stats.example.net/hit" in problems, problems


# ------------------------------------------------------------------ images


def test_image_without_alt_is_caught(phone):
    page = phone.open(CASE, scroll=False, wait="load")
    src = page.locator("article img").first.get_attribute("src")
    add_html(page, f'<img src="{src}"><img src="{src}" alt=" ">')  # alt is read from the DOM, loaded or not
    assert sum("without alt text" in p for p in image_problems(page)) == 2


# ------------------------------------------------------------------ fonts


def test_tofu_check_catches_a_character_no_font_has(phone):
    page = phone.open(CASE, scroll=False, wait="load")
    add_html(page, "<p>生僻字：\U00031350\U00031351</p>")  # CJK Extension H: no font here has them
    problems = tofu(page)
    assert len(problems) == 1 and "2 characters" in problems[0] and "\U00031350" in problems[0], problems


def test_tofu_check_catches_a_machine_without_a_cjk_font(playwright, site_server, tmp_path):
    """The failure the check exists for: Chromium on a machine where fonts-noto-cjk is missing
    (here: a fontconfig that knows only the DejaVu fonts)."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
        <dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path}/cache</cachedir></fontconfig>""")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "FONTCONFIG_FILE": str(conf)}
    )
    try:
        problems = tofu(new_phone(browser, site_server).open("", scroll=False, wait="load"))
    finally:
        browser.close()
    assert problems and sum(int(p.split()[0]) for p in problems) > 100, problems
    assert any("共建区安全充电"[0] in p for p in problems)


# ------------------------------------------------------------------ search


def test_search_check_catches_an_index_that_lost_its_reader_words(phone):
    """The search worker answers 充电桩 (a word the site never uses) from the words readers use,
    published in the index's config (search_index.finish): without them 充电去哪儿 is not first."""

    def without_reader_words(route):
        response = route.fetch()
        index = response.json()
        index["config"].pop("campaign_words", None)
        route.fulfill(response=response, json=index)

    phone.context.route("**/search/search_index.json", without_reader_words)
    phone.open("", scroll=False, wait="load")
    assert search(phone, "充电桩")[1][:1] != ["facilities/"]


# ------------------------------------------------------------------ quiz


def test_quiz_check_catches_a_script_that_does_not_load(phone):
    phone.context.route("**/assets/quiz.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
    problems = answer_all(phone.open(LESSON_URL, scroll=False, wait="load"), wrong=True)
    assert problems and all("no visible 提交答案 button" in p for p in problems), problems


def test_quiz_check_catches_a_script_that_hides_the_explanation(phone):
    def forgetful(route):
        script = route.fetch().text()
        assert "details.open = true" in script
        route.fulfill(body=script.replace("details.open = true", "details.open = false"), content_type="text/javascript")

    phone.context.route("**/assets/quiz.js", forgetful)
    problems = answer_all(phone.open(LESSON_URL, scroll=False, wait="load"), wrong=True)
    assert problems and all("explanation and right answer are not shown" in p for p in problems), problems


def test_quiz_check_catches_answers_that_need_javascript(phone_without_js):
    def answers_removed(route):
        page = route.fetch().text()
        route.fulfill(
            body=re.sub(r'<details class="ck-answer">.*?</details>', "", page, flags=re.S),
            content_type="text/html; charset=utf-8",
        )

    phone_without_js.context.route(f"**/{LESSON_URL}", answers_removed)
    problems = answers_without_javascript(phone_without_js.open(LESSON_URL, scroll=False, wait="load"))
    assert problems and all("no 查看答案与解析" in p for p in problems), problems


# ------------------------------------------------------------------ accessibility


def test_axe_check_catches_materials_red_header_and_pale_text(phone):
    page = phone.open(CASE, scroll=False, wait="load")
    assert blocking_violations(page) == []
    page.add_style_tag(content=":root > * { --md-primary-fg-color: #ef5350; }")  # Material's own red
    add_html(page, '<p style="color: #bbb">浅灰色的说明文字</p>')
    problems = blocking_violations(page)
    assert any("color-contrast" in p and "md-ellipsis" in p for p in problems), problems
    assert any("color-contrast" in p and "浅灰色的说明文字" in p for p in problems), problems


# ------------------------------------------------------------------ a copy of the site, broken


@pytest.fixture(scope="module")
def broken_site(sample_site, tmp_path_factory):
    """The sample site with the case page's photos published unresized (big noisy JPEGs in place of
    the renditions) and the lesson page telling search engines not to index it, an image without
    alt text added."""
    root = tmp_path_factory.mktemp("broken") / "site"
    shutil.copytree(sample_site, root)
    case_html = (root / CASE / "index.html").read_text(encoding="utf-8")
    for src in set(re.findall(r"(\.\./\.\./media/[0-9a-f]+-\d+\.jpg)", case_html)):
        noise = Image.effect_noise((1600, 1200), 80).convert("RGB")
        noise.save(root / CASE / src, quality=92)
    lesson = root / CHECKED_PAGES["lesson"] / "index.html"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("<head>", '<head><meta name="robots" content="noindex">', 1)
    text = text.replace("</article>", '<img src="../../assets/favicon.svg" width="40" height="40"></article>', 1)
    lesson.write_text(text, encoding="utf-8")
    with SiteServer(root) as server:
        yield server


def test_weight_check_catches_unresized_photos(browser, broken_site):
    total, _rows, images = first_visit(browser, broken_site, CASE)
    assert images == 2 and total > BUDGETS["case"], total


def test_lighthouse_check_catches_noindex_and_missing_alt(broken_site, tmp_path):
    run = lighthouse(broken_site.url(CHECKED_PAGES["lesson"]), tmp_path / "broken", categories=("accessibility", "seo"))
    problems = Audit("lesson", [run]).problems()
    assert run.scores["seo"] < 100 and run.scores["accessibility"] < 100, run.scores
    assert any("is-crawlable" in p for p in problems) and any("image-alt" in p for p in problems), problems


def test_lighthouse_judges_by_the_median_of_three_runs():
    def run(perf: int) -> Run:
        return Run({"performance": perf, "accessibility": 100, "best-practices": 100, "seo": 100}, {}, [], Path())

    assert Audit("page", [run(96)]).problems() == []
    assert Audit("page", [run(94), run(97), run(96)]).problems() == []
    assert Audit("page", [run(94), run(97), run(90)]).problems() != []  # median 94
    assert Audit("page", [run(94)]).problems() != []  # one run short: audit() then runs two more


# ------------------------------------------------------------------ handouts


def test_ink_check_catches_a_blank_handout(tmp_path):
    from weasyprint import HTML

    blank = tmp_path / "blank.pdf"
    HTML(string="<p style='color: white'>空白</p>").write_pdf(blank)
    assert ink(first_page_png(blank, tmp_path / "blank.png")) < 0.005
