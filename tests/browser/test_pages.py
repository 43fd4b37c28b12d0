"""What a reader gets on a phone inside WeChat: each kind of page a shared link leads to, loaded in
Chromium at 375x740 with a WeChat user agent and scrolled through like a reader would.

For every page: no sideways scrolling, no console error, no failed request, no request to any
host but the local server, every image loaded and described (alt), and no Chinese character
drawn as a missing-glyph box. A full-page screenshot of each goes to test-artifacts/screenshots/
for a person to look at."""

from __future__ import annotations

import pytest

from .support import CHECKED_PAGES, artifacts_dir


@pytest.mark.parametrize("name", list(CHECKED_PAGES))
def test_page_on_a_phone(phone, name):
    page = phone.open(CHECKED_PAGES[name])
    shots = artifacts_dir() / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    assert page.locator("h1").first.is_visible()
    assert phone.watch.requests, "the watch saw no request at all"
    assert phone.problems() == []


def test_watch_sees_worker_requests(phone):
    """Search runs in a Web Worker that loads Material's worker and lunr: its requests are
    watched too, so "nothing from another host" covers them. (The index and the worker's scripts
    come when the reader opens search: assets/on-demand.js.)"""
    page = phone.open("", scroll=False)
    page.locator("label.md-header__button[for='__search']").click()
    page.wait_for_function("() => document.querySelector('.md-search-result__meta').textContent.trim() === '键入以开始搜索'")
    assert any(u.endswith("/search/search_index.json") for u in phone.watch.requests)
    assert any("/workers/search." in u for u in phone.watch.requests)
