"""The public site built from the sample content: every section, the figures, share cards,
photos, privacy of anonymous cases, and no request to any other host (issue 3)."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

from conftest import SAMPLE_CONTENT
from PIL import Image
from ruamel.yaml import YAML

yaml = YAML(typ="safe", pure=True)


def load(kind: str) -> dict[str, dict]:
    return {p.stem: yaml.load(p.read_text(encoding="utf-8")) for p in sorted((SAMPLE_CONTENT / kind).glob("*.yml"))}


SITE = yaml.load((SAMPLE_CONTENT / "site.yml").read_text(encoding="utf-8"))
BASE = SITE["base_url"]


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """Visible text, roughly: tags dropped, entities kept (Chinese text has none)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?span\b[^>]*>", "", html)  # inline: no-break spans sit inside words (告诉协管员)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class Refs(HTMLParser):
    """Every URL a browser would fetch while loading the page (not plain links)."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []
        self.meta: dict[str, str] = {}
        self.links: list[str] = []
        self.imgs: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("img", "script", "iframe", "audio", "video", "source", "embed") and a.get("src"):
            self.loaded.append(a["src"])
        if a.get("srcset"):
            self.loaded += [part.strip().split(" ")[0] for part in a["srcset"].split(",")]
        if (
            tag == "link"
            and a.get("href")
            and set((a.get("rel") or "").split()) & {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest"}
        ):
            self.loaded.append(a["href"])
        if tag == "link" and a.get("rel") == "canonical":
            self.meta["canonical"] = a["href"]
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a.get("name")] = a.get("content", "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img":
            self.imgs.append(a)


def refs(html: str) -> Refs:
    parser = Refs()
    parser.feed(html)
    return parser


def test_every_section_and_item_page_exists(sample_site):
    for url in [
        "",
        "cases",
        "cases/all",
        "cases/status/fixed",
        "cases/hazard/flying-cord",
        "enterprises",
        "people",
        "lessons",
        "facilities",
        "patrols",
        "events",
        "downloads",
        "about",
        "join",
    ]:
        assert (sample_site / url / "index.html").is_file(), url
    for kind in ("cases", "lessons", "facilities", "events", "patrols"):
        for item_id in load(kind):
            assert (sample_site / kind / item_id / "index.html").is_file(), (kind, item_id)
    for item_id, person in load("people").items():
        assert (sample_site / "people" / item_id / "index.html").is_file() == (person.get("draft") is not True)
    models = [i for i, e in load("enterprises").items() if e.get("model")]
    assert models and all((sample_site / "enterprises" / i / "index.html").is_file() for i in models)
    assert (sample_site / "feed.xml").is_file() and (sample_site / "sitemap.xml").is_file()


def test_titles_and_chinese_text_on_item_pages(sample_site):
    for item_id, case in load("cases").items():
        html = page(sample_site, f"cases/{item_id}")
        assert f"<title>{case['title']} - {SITE['title']}</title>" in html
        assert case["status"] in text_of(html) and case["hazard"] in text_of(html)
        for action in case.get("actions", []):
            assert action in html
    for item_id, lesson in load("lessons").items():
        html = page(sample_site, f"lessons/{item_id}")
        assert lesson["title"] in html
        for point in lesson.get("key_points", []):
            assert point in text_of(html)
    for item_id, facility in load("facilities").items():
        html = page(sample_site, f"facilities/{item_id}")
        assert facility["name"] in html and facility["address"] in html


def test_home_figures_are_computed_from_the_content(sample_site):
    patrols = load("patrols").values()
    found = sum(p.get("hazards_found", 0) for p in patrols)
    fixed = sum(p.get("rectified_on_spot", 0) for p in patrols)
    charging = [f for f in load("facilities").values() if f["kind"] == "集中充电处"]
    expected = {
        "共建区企业": str(SITE["area"]["enterprise_count"]),
        "轮巡查": str(len(patrols)),
        "处隐患被发现": str(found),
        "处隐患已整改": str(fixed),
        "整改率": f"{fixed * 100 // found}%",
        "个充电车位": str(sum(f.get("capacity", 0) for f in charging)),
        "座微型消防站": str(sum(1 for f in load("facilities").values() if f["kind"] == "微型消防站")),
        "场讲座和活动": str(len(load("events"))),
    }
    shown = {
        label: value
        for value, label in re.findall(
            r'<div class="ck-stat"><strong>([^<]+)</strong><span>([^<]+)</span></div>', page(sample_site, "")
        )
    }
    assert shown == expected
    # The campaign article's own figures, as the sample content must reproduce them.
    assert (expected["共建区企业"], expected["轮巡查"], expected["处隐患已整改"]) == ("81", "10", "23")
    assert f"{len(charging)} 处集中充电点" in page(sample_site, "")


def test_case_lists_filter_by_status_and_hazard_newest_first(sample_site):
    cases = load("cases")
    for status, slug in [("已整改", "fixed"), ("整改中", "in-progress"), ("已移交职能部门", "referred")]:
        html = page(sample_site, f"cases/status/{slug}")
        listed = re.findall(r'class="ck-card ck-case-card" href="\.\./\.\./([a-z0-9-]+)/"', html)
        expected = sorted(
            (i for i, c in cases.items() if c["status"] == status), key=lambda i: (str(cases[i]["found_on"]), i), reverse=True
        )
        assert listed and sorted(listed) == sorted(expected)
        dates = [str(cases[i]["found_on"]) for i in listed]
        assert dates == sorted(dates, reverse=True)
    html = page(sample_site, "cases/hazard/flying-cord")
    listed = re.findall(r'href="\.\./\.\./([a-z0-9-]+)/"', html)
    assert set(listed) >= {i for i, c in cases.items() if c["hazard"] == "飞线充电"}


def test_case_page_shows_before_and_after_side_by_side_with_badges(sample_site):
    html = page(sample_site, "cases/hengshun-cangku-feixian")
    pair = re.search(r'<div class="ck-before-after">(.*?)</div>', html, re.S).group(1)
    assert "整改前" in pair and "整改后" in pair and pair.count("<img") == 2
    assert "✓ 已整改" in html and "▲ 高风险" in html
    assert "第 1 轮巡查" in html and "../../patrols/round-01/" in html
    assert "../../lessons/feixian-chongdian/" in html


def test_honour_wall_and_the_group(sample_site):
    html = page(sample_site, "enterprises")
    for e in load("enterprises").values():
        if e.get("model"):
            assert e["name"] in html and e["honor"] in html
    assert "整改到位的企业" in html and "按约定不公开企业名称" in html
    people = page(sample_site, "people")
    for p in load("people").values():
        assert (p["name"] in people) == (p.get("draft") is not True)
        if p.get("draft") is not True:
            assert p["team"] in people


def test_quiz_works_without_javascript(sample_site):
    lesson_id, lesson = next(iter(load("lessons").items()))
    html = page(sample_site, f"lessons/{lesson_id}")
    forms = re.findall(r'<form class="ck-question".*?</form>', html, re.S)
    assert len(forms) == len(lesson["quiz"])
    for form, q in zip(forms, lesson["quiz"]):
        answer = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
        assert f'data-answer="{",".join(answer)}"' in form
        details = re.search(r"<details class=\"ck-answer\">(.*?)</details>", form, re.S).group(1)
        assert f"正确答案：{'、'.join(answer)}" in details
        assert q["explanation"] in details
        assert "<button" in form and "hidden" in form  # the check button appears only with JavaScript


def test_charging_page_lists_every_facility_without_a_map_service(sample_site):
    html = page(sample_site, "facilities")
    for f in load("facilities").values():
        assert f["name"] in html and f["address"] in html
        if f.get("capacity"):
            assert f"{f['capacity']} 个车位" in html
    assert "map" not in " ".join(refs(html).loaded).lower()


def test_events_newest_first_and_feed(sample_site):
    events = load("events")
    html = page(sample_site, "events")
    order = re.findall(r'href="\.\./events/([a-z0-9-]+)/"|href="([a-z0-9-]+)/"', html)
    listed = [a or b for a, b in order if (a or b) in events]
    assert listed == sorted(events, key=lambda i: str(events[i]["date"]), reverse=True)
    feed = (sample_site / "feed.xml").read_text(encoding="utf-8")
    assert feed.startswith('<?xml version="1.0" encoding="utf-8"?>') and 'xmlns="http://www.w3.org/2005/Atom"' in feed
    for item_id, _case in load("cases").items():
        assert f"<id>{BASE}cases/{item_id}/</id>" in feed
    for item_id in events:
        assert f"<id>{BASE}events/{item_id}/</id>" in feed


def test_charts_are_inline_svg_with_titles(sample_site):
    home = page(sample_site, "")
    assert re.search(r'<svg class="ck-chart" viewBox="0 0 360 \d+" role="img" aria-labelledby="patrols-t"', home)
    assert "历轮巡查发现与整改隐患数" in home
    cases = page(sample_site, "cases")
    assert "隐患案例按整改状态统计" in cases and "隐患案例按类型统计" in cases


def test_every_page_has_a_share_card_and_canonical_url(sample_site):
    for html_file in sample_site.rglob("index.html"):
        html = html_file.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue
        url = html_file.parent.relative_to(sample_site).as_posix()
        url = "" if url == "." else url + "/"
        r = refs(html)
        assert r.meta.get("canonical") == BASE + url, url
        assert r.meta.get("og:url") == BASE + url
        assert r.meta.get("og:title") and r.meta.get("og:description") and r.meta.get("description"), url
        assert r.meta["og:image"].startswith(BASE), url
        image = sample_site / r.meta["og:image"][len(BASE) :]
        assert image.is_file(), (url, r.meta["og:image"])


def test_item_share_image_is_its_own_card(sample_site):
    def og_images(url):
        return re.findall(r'<meta property="og:image" content="([^"]+)"', page(sample_site, url))

    card = BASE + "assets/share/cases/hengshun-cangku-feixian/"
    assert og_images("cases/hengshun-cangku-feixian") == [card + "wide.jpg", card + "square.jpg"]
    assert og_images("lessons/feixian-chongdian")[0] == BASE + "assets/share/lessons/feixian-chongdian/wide.jpg"


def test_no_page_loads_anything_from_another_host(sample_site):
    own = urlparse(BASE).netloc
    for html_file in list(sample_site.rglob("*.html")):
        html = html_file.read_text(encoding="utf-8")
        for url in refs(html).loaded:
            host = urlparse(urljoin(BASE, url)).netloc
            assert host == own, (html_file, url)
    for css in sample_site.rglob("*.css"):
        for url in re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8")):
            assert not re.match(r"['\"]?(https?:)?//", url), (css, url)


def test_photos_are_resized_with_srcset_and_originals_untouched(sample_site):
    originals = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (SAMPLE_CONTENT / "media").rglob("*.jpg")}
    html = page(sample_site, "cases/hengshun-cangku-feixian")
    for img in refs(html).imgs:
        if "srcset" not in img:
            continue
        assert img["alt"] and img["width"] and img["height"]
        for candidate in img["srcset"].split(","):
            src, width = candidate.strip().split(" ")
            with Image.open((sample_site / "cases/hengshun-cangku-feixian" / src).resolve()) as im:
                assert f"{im.width}w" == width and im.width <= 960
    assert originals == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in originals}


def test_aliases_redirect_to_the_current_page(sample_site):
    for item_id, case in load("cases").items():
        for alias in case.get("aliases", []):
            html = page(sample_site, f"cases/{alias}")
            assert f"url=../{item_id}/" in html and f'href="{BASE}cases/{item_id}/"' in html


def test_404_page_is_chinese(sample_site):
    html = (sample_site / "404.html").read_text(encoding="utf-8")
    assert "页面找不到了" in html and "返回首页" in html and "Not found" not in html


def test_navigation_stays_small(sample_site):
    html = page(sample_site, "cases/hengshun-cangku-feixian")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', html, re.S).group(0)
    linked_cases = set(re.findall(r'href="\.\./([a-z0-9-]+)/"', nav)) & set(load("cases"))
    assert not linked_cases
    assert nav.count('class="md-nav__link') < 25


def test_search_index_finds_feixian_charging_cases(sample_site):
    index = json.loads((sample_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    hits = {d["location"].split("#")[0] for d in index["docs"] if "飞线充电" in (d["title"] + d["text"]).replace("\u200b", "")}
    flying = {f"cases/{i}/" for i, c in load("cases").items() if c["hazard"] == "飞线充电"}
    assert flying <= hits
    assert not any(loc.startswith("cases/all") for loc in hits)  # list pages are kept out of the index


def test_an_anonymous_case_page_does_not_name_its_enterprise(sample_site):
    enterprises = load("enterprises")
    behind = {
        case_id: enterprises[c["enterprise"]]["name"]
        for case_id, c in load("cases").items()
        if c.get("anonymous", True) and c.get("enterprise")
    }
    assert behind
    for case_id, name in behind.items():
        text = (sample_site / "cases" / case_id / "index.html").read_text(encoding="utf-8")
        assert name not in text and json.dumps(name)[1:-1] not in text, (name, case_id)
        assert name in (sample_site / "enterprises" / "index.html").read_text(encoding="utf-8")  # the enterprise is public


def test_share_card_leaves_out_characters_its_font_lacks():
    from campaignkit.website.share_cards import Card, draw_square

    def card(title: str) -> bytes:
        return draw_square(Card(title, "首页", SITE["org"], "", None)).tobytes()

    plain, with_emoji, other = card("共建区安全充电"), card("共建区安全充电🔋"), card("共建区安全充电𡃁")
    assert with_emoji == plain  # no tofu box where the emoji would be
    assert other != plain  # a rare character the font has (CJK Extension B) is drawn
