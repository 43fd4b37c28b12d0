"""With 1,000 cases the navigation must not grow into every page (design-notes: a case
page of 265 KB when every case sits in the nav). Issue 3: a case page stays under 40 KB."""
from __future__ import annotations

import re

CASE = """title: 第{n}号巡查发现的飞线充电
found_on: 2023-{month:02d}-{day:02d}
place: 共建区某企业
hazard: 飞线充电
risk: 中
status: 已整改
rectified_on: 2023-{month:02d}-{day:02d}
summary: 第{n}号案例：窗口拉线充电，当场拆除。
description: |
  巡查发现员工从窗口拉出电线给电动车充电，已当场拆除。
actions:
  - 当场拆除电线
lessons: [feixian-chongdian]
"""


def test_case_pages_stay_small_with_a_thousand_cases(scratch):
    for n in range(1000):
        scratch.write(f"cases/bulk-{n:04d}.yml", CASE.format(n=n, month=n % 12 + 1, day=n % 28 + 1))
    result = scratch.build("--no-pdf")
    assert result.returncode == 0, result.stderr
    site = scratch.root / "site"
    sizes = {p: p.stat().st_size for p in (site / "cases").glob("*/index.html")
             if p.parent.name not in ("all", "status", "hazard")}
    assert len(sizes) >= 1010
    largest = max(sizes.values())
    assert largest < 40_000, f"largest case page is {largest} bytes"
    # Lists are paginated: no list page carries all 1,010 cases.
    all_pages = sorted((site / "cases" / "all").glob("**/index.html"))
    assert len(all_pages) == 21
    for p in all_pages:
        assert len(re.findall(r'class="ck-card ck-case-card"', p.read_text(encoding="utf-8"))) <= 50
