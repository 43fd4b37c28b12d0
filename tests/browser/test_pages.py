"""What a reader gets on a phone inside WeChat: each kind of page a shared link leads to, loaded in
Chromium at 375x740 with a WeChat user agent and scrolled through like a reader would.

For every page: no sideways scrolling, no console error, no failed request, no request to any
host but the local server, every image loaded and described (alt), and no Chinese character
drawn as a missing-glyph box. A full-page screenshot of each goes to test-artifacts/screenshots/
for a person to look at."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .support import CHECKED_PAGES, artifacts_dir

PROJECT = Path(__file__).resolve().parents[2]


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


# --------------------------------------------------------------------------- the W3C Nu HTML Checker

VNU = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Errors that come from Material's own templates (mkdocs-material 9.8.2), each with why it stays
# (docs/reader.md lists them): (start of the message, a piece of the element it names).
MATERIAL_ERRORS = (
    # base.html: the drawer and search switches are checkboxes with autocomplete="off", so that a
    # browser going back does not restore a switch the page does not know is on.
    ("Attribute “autocomplete” is only allowed when the input type is", 'data-md-toggle="drawer"'),
    ("Attribute “autocomplete” is only allowed when the input type is", 'data-md-toggle="search"'),
)


def nu_checker_errors(site: Path) -> tuple[list[str], int]:
    """The Nu checker's errors on every page of a built site, but Material's listed ones; and how
    many pages it read."""
    if shutil.which("java") is None or not VNU.is_file():
        pytest.fail("the Nu HTML Checker needs java and node_modules/vnu-jar: run scripts/setup.sh --dev")
    pages = sorted(str(p) for p in site.rglob("*.html"))
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *pages], capture_output=True, text=True, timeout=600
    )
    messages = json.loads(run.stderr)["messages"]
    errors = []
    for m in messages:
        if m.get("type") != "error" and m.get("subType") != "fatal":
            continue
        extract = m.get("extract", "")
        if any(m["message"].startswith(start) and piece in extract for start, piece in MATERIAL_ERRORS):
            continue
        errors.append(
            f"{Path(m['url'].split(':', 1)[1]).relative_to(site)}:{m.get('lastLine')}: {m['message']} [{extract.strip()[:100]}]"
        )
    return errors, len(pages)


def test_every_page_passes_the_nu_html_checker(sample_site):
    errors, pages = nu_checker_errors(sample_site)
    (artifacts_dir() / "nu-checker.txt").write_text("\n".join(errors) + "\n", encoding="utf-8")
    assert pages >= 60
    assert errors == []


def test_screenshots_of_a_quiz_answered_and_a_search(phone):
    """For a person to look at, beside the pages above: a lesson with its quiz answered (one
    question rightly, one wrongly) and a search for 充电桩 with its results."""
    shots = artifacts_dir() / "screenshots"
    shots.mkdir(exist_ok=True)
    page = phone.open("lessons/feixian-chongdian/")
    for n, right in ((1, True), (2, False)):
        form = page.locator(f"form#q{n}")
        expected = form.get_attribute("data-answer").split(",")
        values = form.locator("input").evaluate_all("inputs => inputs.map(i => i.value)")
        for value in expected if right else [next(v for v in values if v not in expected)]:
            form.locator(f"input[value='{value}']").check()
        form.locator("button.ck-check").click()
        form.locator(".ck-result.ck-right" if right else ".ck-result.ck-wrong").wait_for()
    page.screenshot(path=str(shots / "lesson-quiz-answered.png"), full_page=True)
    assert phone.problems() == []
    page = phone.open("", scroll=False)
    page.locator("label.md-header__button[for='__search']").click()
    page.locator("input.md-search__input").fill("充电桩")
    page.wait_for_selector(".md-search-result__item mark")
    page.screenshot(path=str(shots / "search-充电桩.png"))
    assert page.locator(".md-search-result__item").first.locator("h1").text_content().strip() == "充电去哪儿"
    assert phone.watch.problems() == []
