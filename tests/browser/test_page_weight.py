"""What a first visit costs on a weak signal: everything the browser downloads for a page, with
nothing cached, read to the end (lazy photos included), on a phone with a 3x screen (it picks
the largest photo renditions).

Measured with the local server compressing text like the production server must (nginx
`gzip on` for HTML, CSS, JavaScript, JSON, SVG, XML; see docs-lighthouse.md): the search index
and Material's JavaScript and CSS come with every page and are mostly text. The sizes are what
Chromium counts as received (headers + encoded body), summed over the page and its search worker."""

from __future__ import annotations

import pytest

from .conftest import new_phone
from .support import CHECKED_PAGES, artifacts_dir, transferred

KB = 1024
BUDGETS = {"home": 600 * KB, "case": 400 * KB}  # issue 6
MEASURED: dict[str, int] = {}


def first_visit(browser, server, path: str):
    phone = new_phone(browser, server, device_scale_factor=3)
    try:
        phone.open(path)
        total, rows = transferred(phone.watch)
        return total, rows, phone.page.locator("article figure img").count()  # photos, not handout pages
    finally:
        phone.context.close()


@pytest.fixture(scope="module")
def report():
    yield MEASURED
    lines = ["| page | transferred |", "|---|---|"] + [f"| {k} | {v / KB:.0f} KB |" for k, v in MEASURED.items()]
    (artifacts_dir() / "page-weight.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("name", list(BUDGETS))
def test_first_visit_stays_within_budget(browser, site_server, report, name):
    total, rows, images = first_visit(browser, site_server, CHECKED_PAGES[name])
    report[name] = total
    if name == "case":
        assert images == 2, "the budget is for a case page with two photos (before and after)"
    biggest = ", ".join(f"{url.rsplit('/', 1)[-1] or url} {n / KB:.0f} KB" for n, url in rows[:5])
    assert total <= BUDGETS[name], f"{name}: {total / KB:.0f} KB > {BUDGETS[name] / KB:.0f} KB; biggest: {biggest}"
