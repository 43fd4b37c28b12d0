"""With 1,000 cases the navigation must not grow into every page (design-notes: a case
page of 265 KB when every case sits in the nav). Issue 3: a case page stays under 40 KB."""

from __future__ import annotations

import re

from conftest import PROJECT

# Comment line first, then the case: {n}, {month} and {day} are filled in for each copy.
CASE = (PROJECT / "tests" / "data" / "bulk_case.yml.template").read_text(encoding="utf-8").split("\n", 1)[1]


def test_case_pages_stay_small_with_a_thousand_cases(scratch):
    for n in range(1000):
        scratch.write(f"cases/bulk-{n:04d}.yml", CASE.format(n=n, month=n % 12 + 1, day=n % 28 + 1))
    result = scratch.build("--no-pdf")
    assert result.returncode == 0, result.stderr
    site = scratch.root / "site"
    sizes = {
        p: p.stat().st_size for p in (site / "cases").glob("*/index.html") if p.parent.name not in ("all", "status", "hazard")
    }
    assert len(sizes) >= 1010
    largest = max(sizes.values())
    assert largest < 40_000, f"largest case page is {largest} bytes"
    # Lists are paginated: no list page carries all 1,010 cases.
    all_pages = sorted((site / "cases" / "all").glob("**/index.html"))
    assert len(all_pages) == 21
    for p in all_pages:
        assert len(re.findall(r'class="ck-card ck-case-card"', p.read_text(encoding="utf-8"))) <= 50
