"""The published site under the publishing guide's Content-Security-Policy (served by real nginx
with the guide's configuration): every kind of page, search and the quiz work in Chromium with no
CSP violation, in the console or as a `securitypolicyviolation` event."""

from __future__ import annotations

import pytest

from tests.test_publishing_guide import nginx_site  # noqa: F401 -- the guide's nginx, as a fixture

from .support import PAGE_TYPES, PHONE
from .test_quiz import LESSON_URL, QUESTIONS, answers

pytestmark = pytest.mark.slow

RECORD = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


def test_every_page_search_and_quiz_run_under_the_guides_csp(browser, nginx_site):  # noqa: F811
    context = browser.new_context(**PHONE)
    context.add_init_script(RECORD)
    console = []
    context.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page = context.new_page()
    violations = {}
    try:
        headers = None
        for kind, path in PAGE_TYPES.items():
            response = page.goto(f"{nginx_site}/{path}", wait_until="networkidle")
            headers = response.headers
            page.mouse.wheel(0, 20000)  # lazy photos
            page.wait_for_load_state("networkidle")
            violations[kind] = page.evaluate("window.__violations")
        assert "content-security-policy" in headers  # the policy really was sent

        # Search: the worker, its index and the results
        page.goto(f"{nginx_site}/", wait_until="networkidle")
        page.locator("label.md-header__button[for='__search']").click()
        box = page.locator("input.md-search__input")
        box.fill("飞线充电")
        box.press("End")
        page.locator(".md-search-result__item").first.wait_for()
        violations["search"] = page.evaluate("window.__violations")

        # The quiz: answer the first question rightly
        page.goto(f"{nginx_site}/{LESSON_URL}", wait_until="networkidle")
        n, q = QUESTIONS[0]
        form = page.locator(f"form.ck-question#q{n}")
        for value in answers(q):
            form.locator(f"input[value='{value}']").check()
        form.get_by_role("button", name="提交答案").click()
        assert form.locator(".ck-result").inner_text() == "✓ 回答正确！"
        violations["quiz"] = page.evaluate("window.__violations")
    finally:
        context.close()
    assert {k: v for k, v in violations.items() if v} == {}
    assert console == []
