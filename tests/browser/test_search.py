"""Search in the browser, as a reader uses it: tap the magnifier, type Chinese, read the first
results. The index is segmented with jieba at build time (mkdocs.yml: search lang zh); this
checks that the segmentation and Material's search worker agree in a real browser."""

from __future__ import annotations

import pytest

from .support import content

CASES = content("cases")
FACILITIES = content("facilities")
MODELS = {i: e for i, e in content("enterprises").items() if e.get("model")}


def search(phone, query: str) -> list[str]:
    """Site-relative URLs of the results a reader sees for `query` (Material shows the first ten),
    best first, highlight and anchors dropped; [] when nothing is found."""
    page = phone.page
    page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    # An IME sends keyup when a word is committed; Material searches on keyup.
    box.press("End")
    page.wait_for_function("""() => {
        const meta = document.querySelector('.md-search-result__meta');
        return meta && !['正在初始化搜索引擎', '键入以开始搜索'].includes(meta.textContent.trim()); }""")
    hrefs = page.locator(".md-search-result__item > a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    origin = phone.server.origin + "/"
    return [h.replace(origin, "").split("?")[0].split("#")[0] for h in hrefs]


def test_feixian_charging_finds_the_lesson_first_then_such_cases(phone):
    phone.open("", scroll=False, wait="load")
    results = search(phone, "飞线充电")
    assert results[0] == "lessons/feixian-chongdian/", results
    flying = {f"cases/{i}/" for i, c in CASES.items() if c["hazard"] == "飞线充电"}
    cases_shown = [r for r in results if r.startswith("cases/") and r != "cases/"]
    assert len(cases_shown) >= 3 and set(cases_shown) <= flying, cases_shown
    assert phone.watch.problems() == []  # the worker loaded everything from the local server, quietly


def test_central_charging_finds_the_charging_places_first(phone):
    phone.open("cases/", scroll=False, wait="load")
    results = search(phone, "集中充电")
    charging = {f"facilities/{i}/" for i, f in FACILITIES.items() if f["kind"] == "集中充电处"}
    assert charging and set(results[: len(charging)]) == charging, results[:6]
    assert missing_word_notes(phone.page) == []


def missing_word_notes(page) -> list[str]:
    """Material's "缺少: …" notes under results, as shown: wrong for Chinese queries (campaign.css)."""
    return page.locator(".md-search-result__terms").evaluate_all(
        "notes => notes.filter(n => n.getClientRects().length).map(n => n.textContent.trim())"
    )


@pytest.mark.parametrize("enterprise_id", sorted(MODELS))
def test_model_enterprise_name_finds_its_page_first(phone, enterprise_id):
    phone.open("lessons/", scroll=False, wait="load")
    assert search(phone, MODELS[enterprise_id]["name"])[0] == f"enterprises/{enterprise_id}/"
