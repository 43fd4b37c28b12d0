"""Search in the browser, as a worker uses it: tap the magnifier on a 375 px phone, type what they
would type (充电桩, 哪里充电, 电瓶着火怎么办 …), read the first result. The index is segmented with
jieba at build time (mkdocs.yml: search lang zh); the words readers use and the pages that answer
them are listed once (campaignkit/website/search_words.yml and site.yml's search_words) and used by
the kit's search worker (templates/assets/javascripts/workers/campaign-search.js)."""

from __future__ import annotations

import re

import pytest

from .conftest import new_phone
from .support import content

pytestmark = pytest.mark.slow

CASES = content("cases")
FACILITIES = content("facilities")
MODELS = {i: e for i, e in content("enterprises").items() if e.get("model")}
CHARGING = {f"facilities/{i}/" for i, f in FACILITIES.items() if f["kind"] == "集中充电处"}

# What a worker types, and the page they want first (a set: either will do).
WANTED = {
    # where to charge: 充电去哪儿, then the charging points
    "充电桩": "facilities/",
    "充电站": "facilities/",
    "充电棚": "facilities/",
    "充电柜": "facilities/",
    "换电柜": "facilities/",
    "充电点": "facilities/",
    "哪里充电": "facilities/",
    "在哪充电": "facilities/",
    "去哪充电": "facilities/",
    "哪里可以充电": "facilities/",
    "电动车在哪充电": "facilities/",
    "充电去哪儿": "facilities/",
    "集中充电": "facilities/",
    "东门充电": "facilities/dongmen-chongdian/",
    "北区充电桩": "facilities/beiqu-chongdian/",
    "物流片区充电": "facilities/wuliu-chongdian/",
    # the same thing by another name
    "电瓶": "lessons/qishou-dianchi/",
    "电池": "lessons/qishou-dianchi/",
    "电瓶改装": "cases/kuaidi-sanlunche-gaizhuang/",
    "接线板": "cases/xiaowei-qiye-feixian/",
    "排插": "cases/cangku-silai-dianxian/",
    "插线板": {"cases/xiaowei-qiye-feixian/", "cases/cangku-silai-dianxian/"},
    "拖线板": {"cases/xiaowei-qiye-feixian/", "cases/cangku-silai-dianxian/"},
    "飞线": "lessons/feixian-chongdian/",
    "飞线充电": "lessons/feixian-chongdian/",
    "拉线充电": {"cases/sushe-chuangkou-feixian/", "cases/wuliu-bangonglou-feixian/"},
    "电动车着火怎么办": "lessons/feixian-chongdian/",
    "电瓶车起火": "lessons/feixian-chongdian/",
    "火灾演练": "events/yanlian-2023-11/",
    "整夜充电": "lessons/feixian-chongdian/",
    "充电器": "lessons/qishou-dianchi/",
    "外卖员充电": "lessons/qishou-dianchi/",
    "楼道停车": "cases/sushe-loudao-tingfang/",
    "宿舍窗口拉线": "cases/sushe-chuangkou-feixian/",
    # places, people, sections
    "灭火器": "facilities/weixing-xiaofangzhan/",
    "消防站": "facilities/weixing-xiaofangzhan/",
    "讲座": "events/qishou-jiangzuo-2023-09/",
    "承诺书": "pledges/",
    "举报": "join/",
    "下载讲义": "downloads/",
    "小测验": "lessons/",
    "企业责任": "lessons/qiye-zeren/",
    "陈桂兰": "people/chen-guilan/",
    "党员": "people/",
    "巡查": "patrols/",
    "第3轮巡查": "patrols/round-03/",
    "典型企业": "enterprises/",
    **{e["name"]: f"enterprises/{i}/" for i, e in MODELS.items()},
}


@pytest.fixture(scope="module")
def searcher(browser, site_server):
    """One phone with search open, for every query (a page per query would only add load time)."""
    phone = new_phone(browser, site_server)
    phone.open("", scroll=False, wait="load")
    phone.page.locator("label.md-header__button[for='__search']").click()
    yield phone
    phone.context.close()


def search(phone, query: str) -> tuple[int, list[str]]:
    """(the number of results Material announces, the site-relative URLs of every result listed,
    best first, after scrolling the list to its end as a reader would)."""
    page = phone.page
    if not page.locator("#__search").is_checked():
        page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    box.fill("")  # the last query's results go: what is listed next answers this one
    page.wait_for_function("() => document.querySelector('.md-search-result__list').children.length === 0")
    box.fill(query)
    box.press("End")  # an input method sends keyup when a word is committed
    page.wait_for_function(
        """(q) => {
        const meta = document.querySelector('.md-search-result__meta');
        return meta && !['正在初始化搜索引擎', '键入以开始搜索'].includes(meta.textContent.trim())
            && document.querySelector('input.md-search__input').value === q
            && (document.querySelector('.md-search-result__list').children.length > 0 || /没有/.test(meta.textContent)); }""",
        arg=query,
    )
    # Material lists ten results, then four more each time the reader reaches the end of the list.
    page.evaluate(
        """async () => {
        const wrap = document.querySelector('.md-search__scrollwrap');
        const list = document.querySelector('.md-search-result__list');
        const pause = ms => new Promise(r => setTimeout(r, ms));
        const meta = document.querySelector('.md-search-result__meta').textContent.match(/\\d+/);
        const announced = meta ? Number(meta[0]) : 0;
        // swipe to the end, again if nothing came (a busy phone may miss a swipe), until Material
        // has listed every result or five swipes in a row brought nothing
        for (let misses = 0; list.children.length < announced && misses < 5; ) {
            const before = list.children.length;
            wrap.scrollTop = Math.max(0, wrap.scrollHeight - wrap.clientHeight - 200);
            await pause(300);
            wrap.scrollTop = wrap.scrollHeight;
            let waited = 0;
            while (list.children.length === before && waited < 1500) { await pause(50); waited += 50; }
            misses = list.children.length === before ? misses + 1 : 0;
        }
        wrap.scrollTop = 0;
    }"""
    )
    meta = page.locator(".md-search-result__meta").text_content()
    announced = int(re.search(r"\d+", meta).group()) if re.search(r"\d+", meta) else 0
    hrefs = page.locator(".md-search-result__item > a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    origin = phone.server.origin + "/"
    return announced, [h.replace(origin, "").split("?")[0].split("#")[0] for h in hrefs]


@pytest.mark.parametrize("query", list(WANTED))
def test_a_worker_finds_what_they_ask_for_first(searcher, query):
    announced, results = search(searcher, query)
    wanted = WANTED[query]
    assert results and results[0] in ({wanted} if isinstance(wanted, str) else wanted), (query, results[:5])
    assert announced == len(results), (query, announced, len(results))


def test_there_are_forty_realistic_queries():
    assert len(WANTED) >= 40


@pytest.mark.parametrize("query", ["充电桩", "充电站", "哪里充电", "换电柜"])
def test_charging_words_lead_to_the_charging_points(searcher, query):
    """充电去哪儿 first, then every charging point, before any other page."""
    _, results = search(searcher, query)
    assert results[0] == "facilities/"
    assert set(results[1 : 1 + len(CHARGING)]) == CHARGING, results[:6]


def test_other_names_meet(searcher):
    """A word and its other names find the same pages (the first ones, in the same order)."""
    for words in (("电瓶", "电池"), ("插线板", "拖线板"), ("着火", "起火", "火灾"), ("飞线", "飞线充电")):
        firsts = [search(searcher, w)[1][:3] for w in words]
        assert all(f == firsts[0] for f in firsts), dict(zip(words, firsts))


def test_feixian_charging_finds_the_lesson_first_then_such_cases(searcher):
    results = search(searcher, "飞线充电")[1]
    assert results[0] == "lessons/feixian-chongdian/", results
    flying = {f"cases/{i}/" for i, c in CASES.items() if c["hazard"] == "飞线充电"}
    cases_shown = [r for r in results if r.startswith("cases/") and r != "cases/"]
    assert len(cases_shown) >= 3 and set(cases_shown) <= flying, cases_shown
    assert searcher.watch.problems() == []  # the worker loaded everything from the local server, quietly


def test_result_sections_carry_their_own_titles(searcher):
    """A lesson's sections are listed under their own headings, with anchors made of their words."""
    search(searcher, "电动车起火有多快")
    sections = searcher.page.locator(".md-search-result__item a.md-search-result__link").evaluate_all(
        "links => links.map(a => [decodeURIComponent(new URL(a.href).hash), a.querySelector('h1, h2').textContent])"
    )
    assert ["#电动车起火有多快", "电动车起火有多快"] in sections, sections
    for anchor, title in sections:
        assert not re.fullmatch(r"#_\d+", anchor), (anchor, title)
        assert len(title) <= 30, title  # a heading, not headings run together


def test_missing_word_notes_are_not_shown(searcher):
    search(searcher, "集中充电")
    notes = searcher.page.locator(".md-search-result__terms").evaluate_all(
        "notes => notes.filter(n => n.getClientRects().length).map(n => n.textContent.trim())"
    )
    assert notes == []
