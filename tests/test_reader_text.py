"""What a reader reads on the generated pages (issue 12): the wording defects, the photos
chosen for lists and share cards, help and map links, item navigation, handout page images.
Read from the HTML of the session's sample build (tests/conftest.py), no browser needed."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

from conftest import PROJECT, SAMPLE_CONTENT
from ruamel.yaml import YAML

from campaignkit.content.enums import PHOTO_STAGE, STATUS

yaml = YAML(typ="safe", pure=True)
SITE = yaml.load((SAMPLE_CONTENT / "site.yml").read_text(encoding="utf-8"))
PHONE_DIGITS = re.sub(r"\D", "", SITE["contact"]["phone"])


def content(kind: str) -> dict[str, dict]:
    return {p.stem: yaml.load(p.read_text(encoding="utf-8")) for p in sorted((SAMPLE_CONTENT / kind).glob("*.yml"))}


CASES = content("cases")
FACILITIES = content("facilities")


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page's own content (Material's <article>), without header, nav and footer."""
    return html.split('<article class="md-content__inner', 1)[1].split("</article>", 1)[0]


def text_of(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def every_page(site: Path):
    for path in sorted(site.rglob("*.html")):
        yield path.relative_to(site).as_posix(), path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- wording


def test_quiz_kind_is_written_once(sample_site):
    for lesson in content("lessons"):
        text = text_of(article(page(sample_site, f"lessons/{lesson}")))
        assert "（多选）（多选）" not in text and "（单选）（单选）" not in text, lesson
        assert "（多选）" in text  # the label itself is still there


def test_a_referred_case_is_not_told_as_fixed(sample_site):
    referred = [i for i, c in CASES.items() if c["status"] == STATUS.referred.text]
    assert referred
    for case_id in referred:
        html = article(page(sample_site, f"cases/{case_id}"))
        assert "怎么整改的" not in html and "怎么处置的" in html, case_id
        assert "整改前" not in re.findall(r'class="ck-stage-label">([^<]*)<', html)[0]
        assert "移交前 ×" in html
    fixed = next(i for i, c in CASES.items() if c["status"] == STATUS.fixed.text and c.get("actions"))
    assert "怎么整改的" in article(page(sample_site, f"cases/{fixed}"))


def test_home_title_is_the_site_name_once(sample_site):
    title = re.search(r"<title>(.*?)</title>", page(sample_site, ""), re.S).group(1).strip()
    assert title == SITE["title"]
    lesson_title = re.search(r"<title>(.*?)</title>", page(sample_site, "lessons/feixian-chongdian"), re.S).group(1)
    assert lesson_title.strip() == f"飞线充电的危害与安全充电 - {SITE['title']}"


def test_share_descriptions_have_no_doubled_punctuation(sample_site):
    bad = []
    for rel, html in every_page(sample_site):
        for desc in re.findall(r'<meta (?:property="og:description"|name="description") content="([^"]*)"', html):
            if re.search(r"[。；，、][。；，、]", desc):
                bad.append((rel, desc))
    assert bad == []


def test_honour_date_is_labelled(sample_site):
    for e_id, e in content("enterprises").items():
        if e.get("model") and e.get("recognized_on"):
            html = article(page(sample_site, f"enterprises/{e_id}"))
            small = re.search(r'class="ck-honor-big">.*?<small>(.*?)</small>', html, re.S).group(1)
            assert text_of(small).strip().startswith("授予日期：")


def test_wording_the_issue_named_is_gone(sample_site):
    for rel, html in every_page(sample_site):
        assert "订阅更新（Atom）" not in html, rel
        assert 'alt="logo"' not in html, rel
    assert "用阅读器订阅本站更新" in page(sample_site, "events")


# --------------------------------------------------------------------------- photos


def _before_photo_src(site: Path, case_id: str) -> str:
    """The published file of a case's "before" photo, read from its case page."""
    html = article(page(site, f"cases/{case_id}"))
    figure = html.split('class="ck-stage-label">', 1)[1]
    return urljoin(f"/cases/{case_id}/", re.search(r'<img src="([^"]+)"', figure).group(1))


def test_lists_show_the_hazard(sample_site):
    with_before = [i for i, c in CASES.items() if any(p.get("stage") == PHOTO_STAGE.before.text for p in c.get("photos", []))]
    assert len(with_before) >= 8
    listing = page(sample_site, "cases/all")
    for case_id in with_before:
        before = _before_photo_src(sample_site, case_id)
        card = listing.split(f'href="../{case_id}/"', 1)[1].split("</a>", 1)[0]
        thumb = urljoin("/cases/all/", re.search(r'<img src="([^"]+)"', card).group(1))
        assert thumb == before, case_id  # (the share cards are drawn from the same photo: share_images.py)


def test_every_content_photo_opens_full_size(sample_site):
    for url in (
        "cases/hengshun-cangku-feixian",
        "enterprises/hengshun-wuliu",
        "events/yanlian-2023-11",
        "facilities/dongmen-chongdian",
        "lessons/feixian-chongdian",
    ):
        html = article(page(sample_site, url))
        figures = re.findall(r'<figure class="ck-figure[^"]*">(.*?)</figure>', html, re.S)
        assert figures, url
        for figure in figures:
            link = re.search(r'<a class="ck-zoom" href="([^"]+)"', figure)
            assert link, (url, figure[:120])
            srcset = re.search(r'srcset="([^"]+)"', figure).group(1)
            largest = max((part.split() for part in srcset.split(", ")), key=lambda p: int(p[1][:-1]))[0]
            assert link.group(1) == largest  # the biggest rendition, not the thumbnail


# --------------------------------------------------------------------------- help and ways around


def test_help_strip_on_every_page(sample_site):
    for rel, html in every_page(sample_site):
        if "页面已移动" in html:  # alias redirects
            continue
        strip = html.split('class="ck-help"', 1)[1].split("</p>", 1)[0]
        assert 'href="tel:119"' in strip, rel
        assert f'href="tel:{PHONE_DIGITS}"' in strip and SITE["contact"]["phone"] in strip, rel


def test_join_page_phone_is_a_tel_link(sample_site):
    html = article(page(sample_site, "join"))
    assert re.search(rf'<a href="tel:{PHONE_DIGITS}"[^>]*>{SITE["contact"]["phone"]}</a>', html)


def test_facility_opens_in_a_map_app(sample_site):
    """A web map address (uri.amap.com: iPhone, Android and WeChat open it, WeChat opens no geo:)."""
    for f_id, f in FACILITIES.items():
        html = article(page(sample_site, f"facilities/{f_id}"))
        assert "geo:" not in html
        amap = re.search(r'href="(https://uri\.amap\.com/[^"]+)"', html).group(1).replace("&amp;", "&")
        if f.get("location"):
            lat, lng = f["location"]["lat"], f["location"]["lng"]
            assert str(lat) not in re.sub(r"<[^>]+>", "", html)  # no raw coordinates on the page
            query = parse_qs(urlsplit(amap).query)
            assert query["position"] == [f"{lng},{lat}"] and query["coordinate"] == ["wgs84"]
            assert query["name"] == [f["name"]]
        else:
            assert "keyword=" in amap
    # nothing from a map service is loaded: only links
    for rel, html in every_page(sample_site):
        assert not re.search(r'(src|srcset)="[^"]*amap', html), rel


def test_item_pages_link_to_section_and_neighbours(sample_site):
    ids = sorted(CASES)
    order = re.findall(r'<a class="ck-card ck-case-card" href="\.\./([^/]+)/"', page(sample_site, "cases/all"))
    assert sorted(order) == ids
    for n, case_id in enumerate(order):
        html = article(page(sample_site, f"cases/{case_id}"))
        nav = html.split('class="ck-item-nav"', 1)[1].split("</nav>", 1)[0]
        assert 'class="ck-back" href="../">← 返回隐患案例' in nav
        prev = re.search(r'class="ck-prev" href="\.\./([^/]+)/"', nav)
        nxt = re.search(r'class="ck-next" href="\.\./([^/]+)/"', nav)
        assert (prev.group(1) if prev else None) == (order[n - 1] if n else None)
        assert (nxt.group(1) if nxt else None) == (order[n + 1] if n + 1 < len(order) else None)
    for section, item in (
        ("lessons", "qishou-dianchi"),
        ("enterprises", "hengshun-wuliu"),
        ("events", "yantaohui-2023-07"),
        ("patrols", "round-02"),
        ("people", "chen-guilan"),
        ("facilities", "beiqu-chongdian"),
    ):
        nav = article(page(sample_site, f"{section}/{item}")).split('class="ck-item-nav"', 1)[1]
        assert 'class="ck-back" href="../"' in nav and ("ck-prev" in nav or "ck-next" in nav), section


def test_active_filter_is_marked(sample_site):
    html = article(page(sample_site, "cases/status/fixed"))
    current = re.findall(r'<a class="ck-chip" aria-current="page" href="([^"]+)">([^<]*)<', html)
    assert len(current) == 1 and current[0][1].startswith(STATUS.fixed.text)
    assert 'aria-current="page"' not in article(page(sample_site, "cases")).split("ck-filters", 1)[1].split("</div>\n</div>")[0]


def test_lesson_shows_a_picture_and_the_quiz_near_the_top(sample_site):
    html = article(page(sample_site, "lessons/feixian-chongdian"))
    first_img = html.index("<img ")
    assert first_img < html.index("一定要记住")  # before the key points, not among the case cards
    assert 'class="ck-case-card"' not in html[:first_img]
    jump = html.index('href="#quiz"')
    assert jump < html.index("一定要记住") and 'id="quiz"' in html


# --------------------------------------------------------------------------- handouts in WeChat


def test_handouts_are_also_page_images(sample_site):
    html = article(page(sample_site, "lessons/feixian-chongdian"))
    block = html.split('class="ck-handout-pages"', 1)[1].split("</div>", 1)[0]
    images = re.findall(r'<img src="([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]+)"', block)
    pdf = re.search(r'class="ck-download" href="([^"]+\.pdf)"', html).group(1)
    from pypdf import PdfReader

    pages = len(PdfReader(sample_site / "lessons/feixian-chongdian" / pdf).pages)
    assert len(images) == pages >= 2
    for n, (src, width, height, alt) in enumerate(images, 1):
        assert (sample_site / "lessons/feixian-chongdian" / src).resolve().is_file()
        assert int(width) == 720 and int(height) > 900  # A4 portrait
        assert f"第 {n} 页" in alt
    # the WeChat note is in the page, hidden until reader.js sees a WeChat user agent
    assert '<p class="ck-wechat-hint" hidden>' in html and "在浏览器打开" in html


def test_a_lesson_whose_cases_have_no_photos_still_renders(scratch, tmp_path):
    """The lesson's cover comes from its cases' photos; with none it has no cover, not a crash."""
    from campaignkit.build import pipeline

    for path in (scratch.content / "cases").glob("*.yml"):
        path.write_text(re.sub(r"\nphotos:\n(?:  .*\n)+", "\n", path.read_text(encoding="utf-8")), encoding="utf-8")
    campaign, renditions = pipeline.public_view(PROJECT, scratch.content)
    docs = tmp_path / "docs"
    pipeline.render_docs(pipeline.Build(PROJECT, scratch.content, campaign, renditions, docs, tmp_path / "site", pdf=False))
    page = (docs / "lessons" / "feixian-chongdian.md").read_text(encoding="utf-8")
    assert "ck-cover" not in page and "小测验" in page
