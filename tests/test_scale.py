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
    # A lesson shows ten of its cases (those it cites first) and links to all of them, on
    # paginated lists of their own: the lesson page was 230 KB, every card of 1,008 cases.
    lesson = (site / "lessons" / "feixian-chongdian" / "index.html").read_text(encoding="utf-8")
    assert len(lesson.encode()) < 60_000, len(lesson.encode())
    assert len(re.findall(r'class="ck-card ck-case-card"', lesson)) == 10
    found = re.search(
        r'href="([^"]*cases/lesson/feixian-chongdian/)"[^>]*>另有 (\d+) 个案例也讲到这节课，查看全部 (\d+) 个', lesson
    )
    assert found, "no link to the lesson's cases"
    more, total = int(found[2]), int(found[3])
    assert more == total - 10 and total > 1000
    lists = sorted((site / "cases" / "lesson" / "feixian-chongdian").glob("**/index.html"))
    listed = sum(len(re.findall(r'class="ck-card ck-case-card"', p.read_text(encoding="utf-8"))) for p in lists)
    assert listed == total and len(lists) == -(-total // 50)
    back = lists[0].read_text(encoding="utf-8")
    assert re.search(r'href="[./]*lessons/feixian-chongdian/"[^>]*>这 \d+ 个案例都讲到课程“[^”]+”，回到这节课', back), (
        "no way back to the lesson"
    )
    article = (scratch.root / "wechat" / "lessons" / "feixian-chongdian.html").read_text(encoding="utf-8")
    assert f"另有 {more} 个案例也讲到这节课" in article
    assert not (site / "cases" / "lesson" / "qishou-dianchi").exists(), "a lesson with few cases has no list of its own"
