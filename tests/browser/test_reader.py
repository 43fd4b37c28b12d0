"""The reader on a phone (issue 12), checked in Chromium at 375 px with a WeChat user agent:
search order and highlight, computed type sizes, no-break spans, the enterprise pills, tel: and
map links, the lightbox, back/next links, tap targets, thumbnails, handout page images and the
WeChat note. Each check reads what the reader sees (computed style, layout boxes, the URL a tap
leads to), so it fails on the layout bugs the issue found."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from .support import PAGE_TYPES, artifacts_dir, content

pytestmark = pytest.mark.slow

CASES = content("cases")


# --------------------------------------------------------------------------- search


def open_search(phone, query: str, key: bool = False):
    """Type `query` into Material's search. Without `key` the box only gets an `input` event
    (paste, an input method, voice): results must follow all the same."""
    page = phone.page
    if not page.locator("#__search").is_checked():
        page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    box.fill("")  # the last query's results go: what is listed next answers this one
    page.wait_for_function("() => document.querySelector('.md-search-result__list').children.length === 0")
    box.fill(query)
    if key:
        box.press("End")
    page.wait_for_function(
        """(q) => {
        const meta = document.querySelector('.md-search-result__meta');
        return meta && !['正在初始化搜索引擎', '键入以开始搜索'].includes(meta.textContent.trim())
            && document.querySelector('input.md-search__input').value === q; }""",
        arg=query,
    )  # Material writes the count and the first ten results in one go
    return page.locator(".md-search-result__item > a.md-search-result__link").evaluate_all(
        """links => links.map(a => ({href: a.href, title: a.querySelector('h1, h2').textContent.replace(/\\u200b/g, ''),
            snippet: Array.from(a.querySelectorAll('article > p:not(.md-search-result__terms)')).map(p => p.textContent).join(' ')}))"""
    )


def site_path(phone, href: str) -> str:
    return urlsplit(href).path.replace(urlsplit(phone.server.url("")).path, "", 1)


def highlight_words(href: str) -> list[str]:
    return parse_qs(urlsplit(href).query).get("h", [""])[0].split()


def test_search_runs_on_input_alone_and_finds_the_phrase_first(phone):
    phone.open("", scroll=False, wait="load")
    results = open_search(phone, "飞线充电")  # no key pressed
    assert results, "no results without a key event"
    assert site_path(phone, results[0]["href"]) == "lessons/feixian-chongdian/"
    # every page listed says 飞线 and 充电 (the phrase, or both words)
    for r in results:
        words = highlight_words(r["href"])
        assert words and all(len(w) >= 2 for w in words), r["href"]


def test_neighbouring_phrases_are_different_result_sets(phone):
    phone.open("", scroll=False, wait="load")
    flying = {site_path(phone, r["href"]).split("#")[0] for r in open_search(phone, "飞线充电")}
    phone.page.locator("input.md-search__input").fill("")
    central = {site_path(phone, r["href"]).split("#")[0] for r in open_search(phone, "集中充电")}
    assert flying != central
    assert "facilities/dongmen-chongdian/" in central and "facilities/dongmen-chongdian/" not in flying


def test_battery_finds_pages_that_say_battery(phone):
    phone.open("", scroll=False, wait="load")
    results = open_search(phone, "电池")
    first = site_path(phone, results[0]["href"])
    assert "电池" in results[0]["title"] or "电池" in results[0]["snippet"], results[0]
    assert first != "cases/cangku-silai-dianxian/"  # the 私拉电线 case never says 电池
    for r in results:
        assert "电池" in r["title"] + r["snippet"] or not r["snippet"], r


def test_snippets_read_as_sentences(phone):
    phone.open("", scroll=False, wait="load")
    results = open_search(phone, "集中充电处")
    snippets = [r["snippet"].strip() for r in results if r["snippet"].strip()]
    assert snippets
    for s in snippets:
        assert not re.match(r"^[、，。；·•]", s), s
        assert re.search(r"[。！？；…]$", s) or len(s) < 40, s


def test_landing_page_highlights_words_not_characters(phone):
    phone.open("", scroll=False, wait="load")
    results = open_search(phone, "飞线充电")
    phone.page.goto(results[0]["href"], wait_until="load")
    phone.page.wait_for_selector("mark[data-md-highlight]")
    marks = phone.page.locator("mark[data-md-highlight]").evaluate_all("ms => ms.map(m => m.textContent)")
    assert marks and all(len(m) >= 2 for m in marks), sorted(set(marks))
    # the query's words and their other names (search_words.yml: 飞线充电 也叫 拉线充电 …)
    from campaignkit.website.search_index import word_groups

    same = next(g["words"] for g in word_groups([]) if "飞线充电" in g["words"])
    assert set(marks) <= {"飞线", "充电", *same}, sorted(set(marks))
    assert "飞线充电" in marks


# --------------------------------------------------------------------------- type and layout


def computed_px(page, selector: str, prop: str = "font-size") -> list[float]:
    return page.locator(selector).evaluate_all(
        f"els => els.filter(e => e.getClientRects().length).map(e => parseFloat(getComputedStyle(e)['{prop}']))"
    )


def test_safety_text_is_at_least_body_size(phone):
    page = phone.open("join/", scroll=False, wait="load")
    body = computed_px(page, "article .ck-prose > p")[0]
    warning = computed_px(page, "article .admonition p:not(.admonition-title)")
    assert warning and min(warning) >= body, (warning, body)
    page = phone.open("lessons/feixian-chongdian/", scroll=False, wait="load")
    page.locator("details.ck-answer summary").first.click()
    explanation = computed_px(page, "details.ck-answer p")
    assert explanation and min(explanation) >= body, (explanation, body)
    page = phone.open("patrols/", scroll=False, wait="load")
    cells = computed_px(page, "table.ck-table td")
    assert cells and min(cells) >= body, (cells, body)


def test_chart_labels_at_least_12px(phone):
    for path in ("", "patrols/", "cases/"):
        page = phone.open(path, scroll=False, wait="load")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        sizes = page.evaluate("""() => Array.from(document.querySelectorAll('svg.ck-chart text')).map(t => {
            const m = t.getScreenCTM(); return parseFloat(getComputedStyle(t).fontSize) * m.a; })""")
        assert sizes and min(sizes) >= 12, (path, min(sizes))


def test_no_break_spans_stay_on_one_line(phone):
    for path in ("", "cases/sushe-chuangkou-feixian/", "events/yanlian-2023-11/", "facilities/dongmen-chongdian/"):
        page = phone.open(path, scroll=False, wait="load")
        broken = page.evaluate("""() => Array.from(document.querySelectorAll('.ck-nb')).filter(e => {
            const tops = new Set(Array.from(e.getClientRects()).map(r => Math.round(r.top)));
            return tops.size > 1; }).map(e => e.textContent)""")
        count = page.locator(".ck-nb").count()
        assert count and broken == [], (path, broken)
    # what the issue saw broken: the phone, a date, a number and its unit
    page = phone.open("cases/sushe-chuangkou-feixian/", scroll=False, wait="load")
    texts = page.locator(".ck-nb").all_text_contents()
    assert "0523-86000000" in texts and any(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", t) for t in texts)


def test_enterprise_pills_have_no_bullet_and_keep_their_words(phone):
    for path in ("enterprises/", "events/yantaohui-2023-07/"):
        page = phone.open(path, scroll=False, wait="load")
        pills = page.evaluate("""() => Array.from(document.querySelectorAll('ul.ck-enterprise-group > li')).map(li => {
            const s = getComputedStyle(li), m = getComputedStyle(li, '::marker');
            const lines = el => el ? new Set(Array.from(el.getClientRects()).map(r => Math.round(r.top))).size : 0;
            return {text: li.textContent, list: s.listStyleType, marker: m.content, margin: parseFloat(s.marginLeft),
                    height: li.getBoundingClientRect().height, label: lines(li.querySelector('small')),
                    name: lines(li.querySelector('a'))}; })""")
        assert pills, path
        for p in pills:
            assert p["list"] == "none" and p["marker"] in ("none", "normal") and p["margin"] == 0, p
            assert p["label"] <= 1 and p["name"] == 1 and p["height"] >= 44, p


@pytest.mark.parametrize("path", ["cases/all/", "enterprises/", "events/", "facilities/"])
def test_card_thumbnails_fill_their_box_and_leave_no_white_space(phone, path):
    """Each card's photo fills its 4:3 box at the card's top left (cover: never letterboxed) and
    shows the whole photo (the sample's are 4:3); below it the card either ends or its text runs
    on under the photo: no white column beside text (issue 28)."""
    page = phone.open(path)
    cards = page.evaluate("""() => Array.from(document.querySelectorAll('a.ck-card')).map(card => {
        const img = card.querySelector('img.ck-thumb');
        if (!img) return null;
        const c = card.getBoundingClientRect(), i = img.getBoundingClientRect();
        const border = parseFloat(getComputedStyle(card).borderLeftWidth);
        const body = card.querySelector('.ck-card-body'), walk = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        const lines = [];  // the text's line boxes
        for (let node = walk.nextNode(); node; node = walk.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(node);
            lines.push(...Array.from(range.getClientRects()).filter(r => r.width > 0));
        }
        const under = lines.filter(r => r.top >= i.bottom - 1), beside = lines.filter(r => r.left >= i.right - 1 && r.bottom > i.bottom);
        return {href: card.getAttribute('href'), fit: getComputedStyle(img).objectFit,
            box: i.width / i.height, shown: img.clientWidth / img.clientHeight, natural: img.naturalWidth / img.naturalHeight,
            left: i.left - c.left - border, top: i.top - c.top - border, below: c.bottom - border - i.bottom,
            under: under.length ? Math.min(...under.map(r => r.left)) - i.right : null,
            overhang: beside.length ? Math.max(...beside.map(r => r.bottom)) - i.bottom : 0,
            line: Math.max(0, ...lines.map(r => r.height)), padding: parseFloat(getComputedStyle(body).paddingBottom)};
    })""")
    cards = [c for c in cards if c]
    assert cards, path
    for c in cards:
        assert c["fit"] == "cover" and abs(c["box"] - 4 / 3) < 0.02, c  # the photo fills its box
        assert abs(c["shown"] - c["natural"]) < 0.03, c  # and shows all of a 4:3 photo
        assert abs(c["left"]) <= 0.5 and abs(c["top"]) <= 0.5, c  # flush with the card's edges
        # Under the photo: text runs on from the card's left edge, or the card ends there (but for
        # the rest of one line of text still beside the photo, and the card's padding).
        ends = c["overhang"] <= c["line"] + 1 and c["below"] <= c["overhang"] + c["padding"] + 8
        assert (c["under"] is not None and c["under"] < 0) or ends, c
    if path == "cases/all/":
        assert len(cards) == len(CASES)
    page.screenshot(path=str(artifacts_dir() / f"cards-{path.strip('/').replace('/', '-')}-375.png"), full_page=True)


# --------------------------------------------------------------------------- help, maps, ways around


@pytest.mark.parametrize("path", ["", "cases/hengshun-cangku-feixian/", "lessons/feixian-chongdian/", "no-such-page/"])
def test_help_strip_is_one_tap_away(phone, path):
    response = phone.page.goto(phone.server.url(path), wait_until="load")
    assert response.status == (404 if path.startswith("no-such") else 200)
    strip = phone.page.locator(".ck-help")
    box = strip.bounding_box()
    assert box and box["y"] < 60, box  # at the top of the page
    for href in ("tel:119", "tel:052386000000"):
        link = strip.locator(f'a[href="{href}"]')
        assert link.is_visible() and link.bounding_box()["height"] >= 44


def amap(href: str) -> dict:
    parts = urlsplit(href)
    assert parts.scheme == "https" and parts.netloc == "uri.amap.com" and parts.path == "/marker", href
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_facility_map_link_opens_a_web_map_with_the_place_name(phone):
    """A web address (iPhone, Android and WeChat open it; WeChat opens no geo:), the place's name
    on the marker, and no raw coordinates on the page."""
    page = phone.open("facilities/dongmen-chongdian/", scroll=False, wait="load")
    link = page.locator("a.ck-map-amap")
    assert link.is_visible() and link.bounding_box()["height"] >= 44
    query = amap(link.get_attribute("href"))
    assert query["position"] == "119.9237,32.4842" and query["name"] == "共建区东门集中充电处" and query["coordinate"] == "wgs84"
    assert page.locator("a[href^='geo:']").count() == 0
    text = page.locator("article").inner_text()
    assert "32.4842" not in text and "119.9237" not in text and "坐标" not in text
    assert not any("amap" in u for u in phone.watch.requests)  # nothing loaded from a map service


def test_every_charging_point_has_a_navigation_button(phone):
    page = phone.open("facilities/", scroll=False, wait="load")
    buttons = page.locator(".ck-facility-entry a.ck-nav-button")
    names = [amap(h)["name"] for h in buttons.evaluate_all("links => links.map(a => a.href)")]
    assert sorted(names) == sorted(f["name"] for f in content("facilities").values())
    for box in buttons.evaluate_all("links => links.map(a => a.getBoundingClientRect().height)"):
        assert box >= 44
    assert buttons.first.text_content().strip() == "导航"


def test_item_page_back_and_next(phone):
    page = phone.open("cases/all/", scroll=False, wait="load")
    cards = page.locator("a.ck-case-card").evaluate_all("cs => cs.map(c => c.href)")
    page.goto(cards[1], wait_until="load")  # a case with a previous and a next one
    start = urlsplit(page.url).path
    nxt = page.locator("nav.ck-item-nav a.ck-next")
    title = nxt.locator("small").evaluate("s => s.nextSibling.textContent")
    nxt.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").first.text_content().strip() == title.strip()
    page.locator("nav.ck-item-nav a.ck-prev").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == start
    assert page.url.split("#")[0] == cards[1]
    page.locator("nav.ck-item-nav a.ck-back").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == urlsplit(phone.server.url("cases/")).path


def test_tap_targets_at_least_44px(phone):
    for path, selector in (
        ("patrols/", "table.ck-table a"),
        ("cases/", ".ck-chips a"),
        ("cases/hengshun-cangku-feixian/", "nav.ck-item-nav a"),
        ("facilities/dongmen-chongdian/", ".ck-map-links a"),
        ("facilities/", "a.ck-nav-button"),
        ("", ".ck-help a"),
    ):
        page = phone.open(path, scroll=False, wait="load")
        boxes = page.locator(selector).evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [e.textContent.trim(), r.width, r.height]; })"
        )
        assert boxes, (path, selector)
        small = [b for b in boxes if b[1] < 44 or b[2] < 44]
        assert small == [], (path, small)


def test_active_filter_chip_looks_active(phone):
    page = phone.open("cases/status/fixed/", scroll=False, wait="load")
    chips = page.locator(".ck-chips a").evaluate_all(
        "els => els.map(e => ({current: e.getAttribute('aria-current'), bg: getComputedStyle(e).backgroundColor, "
        "weight: getComputedStyle(e).fontWeight, text: e.textContent}))"
    )
    active = [c for c in chips if c["current"] == "page"]
    others = [c for c in chips if c["current"] != "page"]
    assert len(active) == 1 and active[0]["text"].lstrip("✓ ").startswith("已整改")
    assert all(o["bg"] != active[0]["bg"] for o in others)
    # ::before puts a tick in front: the state is not told by colour alone
    tick = page.locator(".ck-chips a[aria-current]").evaluate("e => getComputedStyle(e, '::before').content")
    assert "✓" in tick


def test_lesson_picture_and_quiz_jump_near_the_top(phone):
    page = phone.open("lessons/feixian-chongdian/", wait="load")
    first_img = page.evaluate("() => document.querySelector('article img').getBoundingClientRect().top + scrollY")
    assert first_img < 700, first_img
    jump = page.locator("a[href='#quiz']")
    assert jump.bounding_box()["y"] < 1400
    jump.click()
    page.wait_for_function(
        "() => { const t = document.getElementById('quiz').getBoundingClientRect().top; return t > 0 && t < 200; }"
    )
    # scrolling back a little brings Material's back-to-top pill: it must not cover question 1
    page.mouse.wheel(0, -60)
    page.wait_for_function("() => !document.querySelector('.md-top').hidden")
    page.wait_for_function("() => getComputedStyle(document.querySelector('.md-top')).opacity === '1'")  # slid in
    overlap = page.evaluate("""() => {
        const a = document.querySelector('.md-top').getBoundingClientRect();
        const b = document.querySelector('#q1 legend').getBoundingClientRect();
        return !(a.bottom <= b.top || b.bottom <= a.top || a.right <= b.left || b.right <= a.left); }""")
    assert not overlap


# --------------------------------------------------------------------------- photos and handouts


def test_photo_opens_full_size_on_tap(phone):
    page = phone.open("cases/hengshun-cangku-feixian/", scroll=False, wait="load")
    link = page.locator(".ck-before-after a.ck-zoom").first
    full = link.evaluate("a => a.href")
    assert not any("glightbox" in u for u in phone.watch.requests)  # nothing fetched before the tap
    link.click()
    slide = page.locator(".glightbox-container .gslide.current img")
    slide.wait_for(state="visible")
    assert slide.evaluate("i => i.src") == full
    natural = slide.evaluate("i => i.naturalWidth")
    assert natural >= 900  # the largest rendition, not the 480 px one
    page.keyboard.press("Escape")
    page.wait_for_selector(".glightbox-container", state="detached")
    assert phone.watch.problems() == []  # GLightbox came from the site itself, no error


def test_photo_opens_without_javascript(phone_without_js):
    page = phone_without_js.open("cases/hengshun-cangku-feixian/", scroll=False, wait="load")
    link = page.locator(".ck-before-after a.ck-zoom").first
    href = link.get_attribute("href")
    with page.expect_navigation():
        link.click()
    assert unquote(urlsplit(page.url).path).endswith(href.split("/")[-1])


def test_handout_pages_swipe_and_wechat_note(phone):
    page = phone.open("lessons/feixian-chongdian/", wait="load")
    strip = page.locator(".ck-handout-pages").first
    sizes = strip.evaluate("s => [s.scrollWidth, s.clientWidth]")
    assert sizes[0] > sizes[1] * 1.5  # several pages side by side, swiped sideways
    strip.evaluate("s => s.scrollBy(s.clientWidth, 0)")
    page.wait_for_function("s => s.scrollLeft > 0", arg=strip.element_handle(), timeout=10_000)  # smooth scrolling
    hint = page.locator(".ck-wechat-hint").first
    assert hint.is_visible() and "在浏览器打开" in hint.text_content()
    assert phone.problems() == []


def test_no_wechat_note_in_other_browsers(browser, site_server):
    from .conftest import new_phone

    other = new_phone(
        browser,
        site_server,
        user_agent="Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
    )
    try:
        page = other.open("lessons/feixian-chongdian/", scroll=False, wait="load")
        page.wait_for_function("() => document.readyState === 'complete'")
        assert page.locator(".ck-wechat-hint").first.is_hidden()
        assert page.locator("a.ck-download").first.is_visible()
    finally:
        other.context.close()


# --------------------------------------------------------------------------- every page type, for a person


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_screenshot_every_page_type(phone, name):
    path = PAGE_TYPES[name]
    phone.page.goto(phone.server.url(path), wait_until="networkidle")
    from .support import load_everything

    load_everything(phone.page)
    shots = artifacts_dir() / "screenshots"
    shots.mkdir(exist_ok=True)
    phone.page.screenshot(path=str(shots / f"type-{name}.png"), full_page=True)
    assert phone.page.locator("h1").first.is_visible()


def test_times_units_and_short_words_do_not_break(phone):
    """What the issue saw broken at 375 px: 6:00—22:00, 免费, 900 ℃, 协管员, 网格员."""
    for path, words in (
        ("facilities/", ("6:00—22:00", "免费")),
        ("lessons/feixian-chongdian/", ("900 ℃", "协管员", "网格员")),
    ):
        page = phone.open(path, scroll=False, wait="load")
        kept = page.evaluate("""() => Array.from(document.querySelectorAll('article .ck-nb')).map(e => ({
            text: e.textContent, lines: new Set(Array.from(e.getClientRects()).map(r => Math.round(r.top))).size}))""")
        for word in words:
            assert any(k["text"] == word for k in kept), (path, word)
        assert all(k["lines"] <= 1 for k in kept), [k for k in kept if k["lines"] > 1]


def test_footer_credits_have_no_stray_dot(phone):
    page = phone.open("cases/hengshun-cangku-feixian/", scroll=False, wait="load")
    credits = page.locator(".md-copyright .ck-credit").all_text_contents()
    assert credits[0].startswith("供稿：") and len(credits) >= 2
    assert "·" not in page.locator(".md-copyright").inner_text()
