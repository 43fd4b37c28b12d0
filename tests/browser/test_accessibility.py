"""Accessibility on the phone, by two checkers no one on the project wrote: axe-core
(axe-playwright-python) and pa11y with HTML_CodeSniffer (WCAG 2 AA). Every kind of page, and every
state a reader brings a page into: search open with results, a result opened (its words
highlighted), the quiz answered wrongly and rightly, a photo open in the lightbox. pa11y reads every
page of the sample site, and one with search open. What axe found, whatever its impact, is written
to test-artifacts/axe-violations.json; pa11y's errors to test-artifacts/pa11y.json."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import new_phone
from .support import CHROMIUM, PAGE_TYPES, artifacts_dir, scripts_started

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[2]
FOUND: dict[str, list] = {}


@pytest.fixture(scope="module")
def axe_phone(browser, site_server):
    """One phone for the whole scan (a page per test would only add load time)."""
    phone = new_phone(browser, site_server)
    yield phone
    phone.context.close()
    (artifacts_dir() / "axe-violations.json").write_text(json.dumps(FOUND, ensure_ascii=False, indent=1), encoding="utf-8")


def violations(page, state: str = "") -> list[str]:
    """axe-core's violations on the page as it is now, one line per element."""
    found = Axe().run(page).response["violations"]
    FOUND[page.url + (f" ({state})" if state else "")] = [
        {k: v[k] for k in ("id", "impact", "help")} | {"targets": [n["target"] for n in v["nodes"]]} for v in found
    ]
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {n['target']}: {n['html'][:120]}" for v in found for n in v["nodes"]]


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_no_accessibility_violation(axe_phone, name):
    expected = 404 if name == "not-found" else 200
    response = axe_phone.page.goto(axe_phone.server.url(PAGE_TYPES[name]), wait_until="load")
    assert response.status == expected
    scripts_started(axe_phone.page)
    assert violations(axe_phone.page) == []


# --------------------------------------------------------------------------- states a reader brings about


def open_search(page, query: str) -> None:
    page.locator("label.md-header__button[for='__search']").click()
    page.locator("input.md-search__input").fill(query)
    page.wait_for_selector(".md-search-result__item mark")


def answer(page, n: int, right: bool) -> None:
    """Answer question n of the lesson's quiz, rightly or wrongly, and check it."""
    form = page.locator(f"form#q{n}")
    expected = form.get_attribute("data-answer").split(",")
    options = form.locator("input")
    values = options.evaluate_all("inputs => inputs.map(i => i.value)")
    chosen = expected if right else [next(v for v in values if v not in expected)]
    for value in chosen:
        form.locator(f"input[value='{value}']").check()
    form.locator("button.ck-check").click()
    form.locator(".ck-result.ck-right" if right else ".ck-result.ck-wrong").wait_for()


def search_open(page):
    open_search(page, "充电桩")


def result_opened(page):
    open_search(page, "飞线充电")
    page.locator(".md-search-result__item > a.md-search-result__link").first.click()
    page.wait_for_selector("mark[data-md-highlight]")


def quiz_wrong(page):
    answer(page, 1, right=False)
    answer(page, 2, right=False)


def quiz_right(page):
    answer(page, 1, right=True)
    answer(page, 2, right=True)


def lightbox(page):
    page.locator(".ck-before-after a.ck-zoom").first.click()
    page.locator(".glightbox-container .gslide.current img").wait_for(state="visible")


STATES = {
    "search-open": ("", search_open),
    "search-result-opened": ("", result_opened),
    "quiz-answered-wrongly": ("lessons/feixian-chongdian/", quiz_wrong),
    "quiz-answered-rightly": ("lessons/feixian-chongdian/", quiz_right),
    "lightbox": ("cases/hengshun-cangku-feixian/", lightbox),
}


@pytest.mark.parametrize("state", list(STATES))
def test_no_accessibility_violation_in_any_state(phone, state):
    path, bring_about = STATES[state]
    page = phone.open(path, scroll=False, wait="load")
    bring_about(page)
    assert violations(page, state) == []
    assert phone.watch.problems() == []


# --------------------------------------------------------------------------- pa11y / HTML_CodeSniffer


def pa11y(pages: list[dict]) -> list[dict]:
    script = PROJECT / "tests" / "browser" / "pa11y_pages.js"
    if not (PROJECT / "node_modules" / "pa11y").is_dir():
        pytest.fail("pa11y is missing: run scripts/setup.sh --dev (npm ci)")
    run = subprocess.run(
        ["node", str(script)],
        input=json.dumps(pages),
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=1500,
        env={"CHROMIUM": CHROMIUM, "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def test_pa11y_finds_no_error_on_any_page(sample_site, site_server):
    """Every page of the sample (404 included), and the home page with search open and results."""
    paths = sorted(
        {
            p.relative_to(sample_site).parent.as_posix() + "/"
            for p in sample_site.rglob("index.html")
            if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")
        }
    )
    pages = [{"url": site_server.url("" if p == "./" else p)} for p in paths]
    pages.append({"url": site_server.url("no-such-page/")})
    pages.append(
        {
            "url": site_server.url(""),
            "actions": [
                "wait for element html[data-ck-scripts='started'] to be added",
                "click element label.md-header__button[for='__search']",
                "set field input.md-search__input to 充电桩",
                "wait for element .md-search-result__item mark to be added",
            ],
        }
    )
    results = pa11y(pages)
    (artifacts_dir() / "pa11y.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    assert len(results) == len(pages) >= 60
    errors = [f"{r['url']}: {i['code']} {i['message'][:120]} at {i['selector']}" for r in results for i in r["issues"]]
    assert errors == []
