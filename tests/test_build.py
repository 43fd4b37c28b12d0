"""End to end: the sample content built by build.py, read back page by page (issue 2).

Expectations are computed from the sample YAML itself, independently of the kit's model,
so the test states the publishing rules rather than repeating the code: every case,
lesson and facility gets a page with its Chinese title and text; every enterprise is
published, also one an anonymous case points to (its page then does not list that case);
each lesson handout PDF carries its Chinese title as real text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import SAMPLE_CONTENT, run_build
from pypdf import PdfReader
from ruamel.yaml import YAML

from campaignkit.view.presentation import question_text

_yaml = YAML(typ="safe", pure=True)


def items(kind: str) -> dict[str, dict]:
    found = {p.stem: _yaml.load(p.read_text(encoding="utf-8")) for p in sorted((SAMPLE_CONTENT / kind).glob("*.yml"))}
    return {k: v for k, v in found.items() if not v.get("draft")}


SITE = _yaml.load((SAMPLE_CONTENT / "site.yml").read_text(encoding="utf-8"))
CASES, ENTERPRISES, LESSONS = items("cases"), items("enterprises"), items("lessons")
FACILITIES, EVENTS = items("facilities"), items("events")

# enterprise id → the anonymous cases that point to it (their link is not published, the enterprise is)
BEHIND_ANONYMOUS: dict[str, list[str]] = {}
for _case_id, _case in CASES.items():
    if _case.get("anonymous", True) and _case.get("enterprise"):
        BEHIND_ANONYMOUS.setdefault(_case["enterprise"], []).append(_case_id)
PUBLISHED = {e for e, data in ENTERPRISES.items() if not data.get("draft")}


def page(site: Path, url: str) -> str:
    path = site / url / "index.html"
    assert path.is_file(), f"missing page {url}"
    return path.read_text(encoding="utf-8")


def text_of(markup: str) -> str:
    """Visible text: scripts, styles and tags dropped, entities decoded, spaces collapsed."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    markup = re.sub(r"</?span\b[^>]*>", "", markup)  # inline: no-break spans sit inside words (告诉协管员)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def heading(markup: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", markup, re.S)
    assert match, "page has no <h1>"
    return text_of(match.group(1)).strip()


def title_tag(markup: str) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", markup, re.S).group(1))


def test_the_sample_builds_and_says_what_it_made(sample_build):
    _site, result = sample_build
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("已生成网站 site/："), result.stdout
    assert f"{len(CASES)} 个案例、{len(PUBLISHED)} 家企业、" in summary
    assert f"{len(LESSONS)} 节课程、{len(FACILITIES)} 处设施、{len(EVENTS)} 场活动" in summary
    assert "Traceback" not in result.stderr


def test_home_page_is_chinese_with_the_sites_title_and_description(sample_site):
    home = page(sample_site, "")
    assert re.search(r'<html[^>]+lang="zh', home)
    assert title_tag(home).startswith(SITE["title"])
    text = text_of(home)
    for expected in (SITE["title"], SITE["org"], SITE["description"], "行动成效", "隐患案例", "安全课堂", "充电去哪儿"):
        assert expected in text, expected


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_one_page_per_case_with_its_title_summary_and_status(sample_site, case_id):
    case = CASES[case_id]
    markup = page(sample_site, f"cases/{case_id}")
    assert heading(markup) == case["title"]
    assert title_tag(markup) == f"{case['title']} - {SITE['title']}"
    text = text_of(markup)
    assert case["summary"] in text
    assert case["status"] in text
    assert case["place"] in text
    for action in case.get("actions", []):
        assert action in text


def test_case_pages_are_exactly_the_published_cases(sample_site):
    pages = {p.parent.name for p in (sample_site / "cases").glob("*/index.html")}
    lists = {"all", "status", "hazard"}
    redirects = {old for case in CASES.values() for old in case.get("aliases", [])}  # old URLs of renamed cases
    assert pages - lists - redirects == set(CASES)


def test_every_enterprise_is_published_and_anonymous_cases_stay_off_its_page(sample_site):
    assert BEHIND_ANONYMOUS and PUBLISHED, "the sample should exercise both rules"
    pages = {p.parent.name for p in (sample_site / "enterprises").glob("*/index.html")}
    redirects = {old for e in PUBLISHED for old in ENTERPRISES[e].get("aliases", [])}
    assert pages - redirects == PUBLISHED
    index = text_of(page(sample_site, "enterprises"))
    for ent_id in PUBLISHED:
        markup = page(sample_site, f"enterprises/{ent_id}")
        assert heading(markup) == ENTERPRISES[ent_id]["name"]
        if ENTERPRISES[ent_id].get("honor"):
            assert ENTERPRISES[ent_id]["honor"] in text_of(markup)
        if ENTERPRISES[ent_id].get("model"):
            assert ENTERPRISES[ent_id]["name"] in index
    for ent_id, case_ids in BEHIND_ANONYMOUS.items():
        assert ENTERPRISES[ent_id]["name"] in index
        markup = page(sample_site, f"enterprises/{ent_id}")
        for case_id in case_ids:
            assert f"cases/{case_id}/" not in markup and CASES[case_id]["title"] not in text_of(markup)


@pytest.mark.parametrize("lesson_id", sorted(LESSONS))
def test_lesson_page_has_title_key_points_and_quiz(sample_site, lesson_id):
    lesson = LESSONS[lesson_id]
    markup = page(sample_site, f"lessons/{lesson_id}")
    assert heading(markup) == lesson["title"]
    text = text_of(markup)
    for point in lesson.get("key_points", []):
        assert point in text
    for question in lesson.get("quiz", []):
        # a kind the editor typed after the question (（多选）) is shown once, as the label after it
        assert question_text(question) in text


@pytest.mark.parametrize("facility_id", sorted(FACILITIES))
def test_facility_page_has_name_address_and_hours(sample_site, facility_id):
    facility = FACILITIES[facility_id]
    markup = page(sample_site, f"facilities/{facility_id}")
    assert heading(markup) == facility["name"]
    text = text_of(markup)
    assert facility["address"] in text
    if facility.get("hours"):
        assert facility["hours"] in text


def test_facility_and_event_pages_show_their_chinese_kind(sample_site):
    for facility_id, facility in FACILITIES.items():
        assert f"<dd>{facility['kind']}</dd>" in page(sample_site, f"facilities/{facility_id}")
    for event_id, event in EVENTS.items():
        if event.get("kind"):
            assert f"<dd>{event['kind']}</dd>" in page(sample_site, f"events/{event_id}")


@pytest.mark.parametrize("lesson_id", sorted(LESSONS))
def test_lesson_handout_pdf_carries_its_chinese_title_as_text(sample_site, lesson_id):
    pdf = sample_site / "downloads" / "lessons" / f"{lesson_id}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    first_page = PdfReader(pdf).pages[0].extract_text()
    assert LESSONS[lesson_id]["title"] in first_page.replace("\n", "")
    assert "课程讲义" in first_page


def test_lesson_page_links_to_its_handout(sample_site):
    for lesson_id in LESSONS:
        assert f"downloads/lessons/{lesson_id}.pdf" in page(sample_site, f"lessons/{lesson_id}")


def test_check_passes_on_the_sample():
    result = run_build("check")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"内容检查通过：共 \d+ 个文件，没有发现问题。\n", result.stdout), result.stdout
    assert "Traceback" not in result.stderr
