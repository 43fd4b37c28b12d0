"""axe-core (axe-playwright-python) on every kind of page, on the phone: no serious or critical
violation. Every violation found, whatever its impact, is written to
test-artifacts/axe-violations.json for a person to read."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import new_phone
from .support import PAGE_TYPES, artifacts_dir

BLOCKING = ("serious", "critical")
FOUND: dict[str, list] = {}


@pytest.fixture(scope="module")
def axe_phone(browser, site_server):
    """One phone for the whole scan (a page per test would only add load time)."""
    phone = new_phone(browser, site_server)
    yield phone
    phone.context.close()
    (artifacts_dir() / "axe-violations.json").write_text(json.dumps(FOUND, ensure_ascii=False, indent=1), encoding="utf-8")


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line per element."""
    results = Axe().run(page)
    violations = results.response["violations"]
    FOUND[page.url] = [
        {k: v[k] for k in ("id", "impact", "help")} | {"targets": [n["target"] for n in v["nodes"]]} for v in violations
    ]
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {n['target']}: {n['html'][:120]}"
        for v in violations
        if v["impact"] in BLOCKING
        for n in v["nodes"]
    ]


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_no_serious_accessibility_problem(axe_phone, name):
    expected = 404 if name == "not-found" else 200
    response = axe_phone.page.goto(axe_phone.server.url(PAGE_TYPES[name]), wait_until="load")
    assert response.status == expected
    assert blocking_violations(axe_phone.page) == []
