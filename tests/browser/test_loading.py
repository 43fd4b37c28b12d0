"""What a phone downloads before the reader asks for anything (issue 12, slow links without
compression): the cut stylesheet, no search index, no sitemap, Material's bundle only after the
first paint (and Material then running); the index as soon as the reader reaches for search, or
lands from a search result (templates/assets/on-demand.js)."""

from __future__ import annotations

import re

import pytest

from .conftest import new_phone
from .support import CHECKED_PAGES, SiteServer

INDEX = "search/search_index.json"
HELD = (INDEX, "sitemap.xml", "workers/search.")  # Material's worker comes with the index


def material_running(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.classList.contains('js') && !document.documentElement.classList.contains('no-js')"
    )


def bundle_after_paint(page) -> dict:
    return page.evaluate("""() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
        bundle: performance.getEntriesByType('resource').find(r => /bundle\\.[0-9a-f]{8}\\.min\\.js$/.test(r.name)).startTime})""")


@pytest.fixture
def plain_phone(browser, sample_site):
    """A phone reading the site from a server that sends files as they are (no gzip)."""
    with SiteServer(sample_site, use_gzip=False) as server:
        p = new_phone(browser, server)
        yield p
        p.context.close()


@pytest.mark.parametrize("name", ["home", "lesson"])
def test_uncompressed_material_starts_after_the_first_paint(plain_phone, name):
    page = plain_phone.open(CHECKED_PAGES[name], scroll=False)
    timing = bundle_after_paint(page)
    assert timing["bundle"] >= timing["fcp"], timing
    assert material_running(page) and plain_phone.watch.problems() == []


def fetched(phone, part: str) -> list[str]:
    return [u for u in phone.watch.requests if part in u]


@pytest.mark.parametrize("name", ["home", "case", "lesson"])
def test_a_page_loads_without_the_search_index_or_sitemap(phone, name):
    page = phone.open(CHECKED_PAGES[name])
    page.wait_for_timeout(500)
    assert [u for part in HELD for u in fetched(phone, part)] == []
    sheets = [u for u in phone.watch.requests if u.endswith(".css")]
    assert sheets and all(re.search(r"/(main|palette)\.[0-9a-f]{8}\.min\.css$|/campaign\.css$", u) for u in sheets), sheets
    assert not [u for u in sheets if "57a0d79d" in u or "fb2fffe2" in u]  # Material's uncut originals
    assert material_running(page)
    assert phone.problems() == []


def test_tapping_search_fetches_the_index_and_finds(phone):
    page = phone.open("", scroll=False, wait="networkidle")
    assert fetched(phone, INDEX) == []
    page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    box.fill("集中充电")
    box.press("End")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0")
    assert len(fetched(phone, INDEX)) == 1
    assert phone.watch.problems() == []


def test_the_search_shortcut_key_fetches_the_index(phone):
    page = phone.open("", scroll=False, wait="networkidle")
    page.keyboard.press("/")  # Material opens search on / and s
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('input.md-search__input')")
    page.wait_for_load_state("networkidle")
    assert len(fetched(phone, INDEX)) == 1


def test_landing_from_a_result_highlights_without_a_tap(phone):
    page = phone.open(CHECKED_PAGES["lesson"] + "?h=飞线充电", scroll=False, wait="networkidle")
    page.wait_for_function("() => document.querySelectorAll('mark[data-md-highlight]').length > 0", timeout=10000)
    assert len(fetched(phone, INDEX)) == 1
