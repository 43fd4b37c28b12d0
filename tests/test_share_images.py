"""Share images, QR codes and feeds of the built sample, checked as a reader's apps would see them."""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re
from pathlib import Path

import feedparser
import pytest
from conftest import SAMPLE_CONTENT
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps, ImageStat
from pyzbar.pyzbar import decode
from ruamel.yaml import YAML

from campaignkit.website import share_cards as share_images
from campaignkit.website.share_cards import RED, SAFE_MARGIN, SQUARE, WIDE, Card

BASE = "https://aqcd.example.cn/"
CHINA = dt.timezone(dt.timedelta(hours=8))  # feedparser gives UTC; the content's days are Beijing time
pytestmark = pytest.mark.slow


def _meta(page_html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in re.findall(r'<meta (?:property|name|itemprop)="([^"]+)" content="([^"]*)"', page_html):
        out.setdefault(key, []).append(html.unescape(value))
    return out


def _pages(site: Path):
    for path in sorted(site.rglob("index.html")):
        text = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' not in text:
            rel = path.parent.relative_to(site).as_posix()
            yield ("" if rel == "." else rel + "/"), text


def _diff(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("L"), b.convert("L"))).mean)


def test_every_page_has_a_wide_and_a_square_card_at_the_declared_sizes(sample_site):
    seen = 0
    for url, text in _pages(sample_site):
        meta = _meta(text)
        images, widths, heights = meta["og:image"], meta["og:image:width"], meta["og:image:height"]
        assert len(images) == 2 and len(meta["og:image:alt"]) == 2 and all(meta["og:image:alt"]), url
        for image, width, height in zip(images, widths, heights):
            assert image.startswith(BASE), (url, image)
            with Image.open(sample_site / image[len(BASE) :]) as im:
                assert im.size == (int(width), int(height)), (url, image)
        if url and not url.startswith("no-such"):
            assert images[0] == f"{BASE}assets/share/{url}wide.jpg", url
        with Image.open(sample_site / images[1][len(BASE) :]) as im:
            assert im.width == im.height >= 300
        assert meta["image"] == [images[1]]  # WeChat reads itemprop: the square card
        seen += 1
    assert seen > 40


def _title_of(text: str) -> str:
    return _meta(text)["og:title"][0]


def _expected_title(layout, background) -> Image.Image:
    """The title drawn again, independently of share_images.draw_title, from the font itself."""
    left, top, right, bottom = layout.box
    image = Image.new("RGB", (right - left, bottom - top), background)
    font = ImageFont.truetype(
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        layout.size,
        index=share_images._sc_index("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    )
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(layout.lines):
        draw.text((0, n * (layout.size + layout.spacing)), line, font=font, fill="white")
    return image


@pytest.mark.parametrize("url", ["cases/hengshun-cangku-feixian/", "lessons/feixian-chongdian/", ""])
def test_the_square_card_shows_the_whole_title_inside_its_safe_area(sample_site, url):
    text = (sample_site / url / "index.html").read_text(encoding="utf-8")
    title = _title_of(text)
    has_photo = url.startswith("cases/")
    card = Card(title, "", "", "", Path("x") if has_photo else None)
    layout = share_images.square_layout(card)
    assert "".join(layout.lines) == title  # nothing cut
    left, top, right, bottom = layout.box
    assert left >= SAFE_MARGIN and right <= SQUARE[0] - SAFE_MARGIN and bottom <= SQUARE[1] - SAFE_MARGIN
    with Image.open(sample_site / "assets/share" / url / "square.jpg") as im:
        region = im.convert("RGB").crop(layout.box)
        band = im.convert("RGB").crop((0, top, SQUARE[0], bottom))
    assert ImageStat.Stat(region.convert("L")).stddev[0] > 20  # there is text in the title region
    # the region reads as the title: it matches the title drawn again, not another text
    assert _diff(region, _expected_title(layout, RED)) < 3
    other = share_images.TitleLayout(layout.box, ("飞线充电危害大",), layout.size, layout.spacing)
    assert _diff(region, _expected_title(other, RED)) > 3 * _diff(region, _expected_title(layout, RED)) + 5
    # outside the safe area, the title band is the plain background: no glyph crosses it
    for strip in (
        band.crop((0, 0, SAFE_MARGIN - 4, band.height)),
        band.crop((SQUARE[0] - SAFE_MARGIN + 4, 0, SQUARE[0], band.height)),
    ):
        assert ImageStat.Stat(strip.convert("L")).stddev[0] < 3


def test_a_case_card_shows_its_before_photo(sample_site):
    page = (sample_site / "cases/hengshun-cangku-feixian/index.html").read_text(encoding="utf-8")
    photos = re.findall(r'<p class="ck-stage-label">(整改前|整改后)[^<]*</p>(?:<a [^>]*>)?<img src="([^"]+)"', page)
    stages = {stage: (sample_site / "cases/hengshun-cangku-feixian" / src).resolve() for stage, src in photos}
    with Image.open(sample_site / "assets/share/cases/hengshun-cangku-feixian/wide.jpg") as im:
        shown = im.convert("RGB").crop((720, 0, WIDE[0], WIDE[1]))

    def fitted(path):
        with Image.open(path) as p:
            return ImageOps.fit(p.convert("RGB"), shown.size, centering=(0.5, 0.35))

    assert _diff(shown, fitted(stages["整改前"])) < 6 < _diff(shown, fitted(stages["整改后"]))


def test_qr_codes_decode_to_the_page_url_and_are_linked_from_the_page(sample_site):
    checked = 0
    for url, text in _pages(sample_site):
        links = re.findall(r'<a href="([^"]+qr\.(svg|png))" download>', text)
        if not links:
            continue
        assert {kind for _, kind in links} == {"svg", "png"}, url
        png = sample_site / "assets/qr" / url / "qr.png"
        with Image.open(png) as im:
            decoded = [d.data.decode() for d in decode(im)]
        assert decoded == [BASE + url], url
        svg = (sample_site / "assets/qr" / url / "qr.svg").read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<svg" in svg and BASE + url in svg  # its title names the URL
        checked += 1
    assert checked >= 30  # every item page: cases, enterprises, people, lessons, patrols, facilities, events


def test_handouts_print_the_same_qr_code_as_the_page():
    from campaignkit.handouts import pdf_render as handouts
    from campaignkit.render import qrcodes

    url = BASE + "lessons/feixian-chongdian/"
    # the same code; the handout's copy carries its alternative text for the tagged PDF
    assert handouts.qr_svg(url) == qrcodes.inline_svg(url, title=f"二维码：扫码打开 {url}")
    assert qrcodes.make(url).matrix == qrcodes.make(url).matrix and qrcodes.make(url).error == "M"


def test_atom_and_rss_parse_with_the_same_entries_and_covers(sample_site):
    atom = feedparser.parse((sample_site / "feed.xml").read_bytes())
    rss = feedparser.parse((sample_site / "rss.xml").read_bytes())
    assert not atom.bozo and not rss.bozo, (atom.get("bozo_exception"), rss.get("bozo_exception"))
    assert atom.version == "atom10" and rss.version == "rss20"
    assert atom.feed.title == rss.feed.title and atom.entries
    assert [e.link for e in atom.entries] == [e.link for e in rss.entries]
    assert [e.title for e in atom.entries] == [e.title for e in rss.entries]
    for feed in (atom, rss):
        for entry in feed.entries:
            assert entry.link.startswith(BASE)
            (enclosure,) = entry.enclosures
            cover = sample_site / enclosure.href[len(BASE) :]
            assert enclosure.type == "image/jpeg" and int(enclosure.length) == cover.stat().st_size
            with Image.open(cover) as im:
                assert im.size == WIDE
            assert entry.media_content[0]["url"] == enclosure.href
            assert enclosure.href == f"{BASE}assets/share/{entry.link[len(BASE) :]}wide.jpg"
    html_page = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/rss+xml"' in html_page and 'type="application/atom+xml"' in html_page


def test_lessons_are_in_both_feeds_and_every_entry_has_a_published_date(sample_site):
    """A subscriber gets the lessons too, each under the day it was first taught (the sample's
    lessons carry no published_on: the first event listing them gives the day)."""
    load = YAML(typ="safe").load
    first_taught: dict[str, str] = {}
    for path in sorted((SAMPLE_CONTENT / "events").glob("*.yml")):
        event = load(path.read_text(encoding="utf-8"))
        for lesson in event.get("lessons", []):
            day = str(event["date"])
            first_taught[lesson] = min(first_taught.get(lesson, day), day)
    assert len(first_taught) == 3
    for name in ("feed.xml", "rss.xml"):
        feed = feedparser.parse((sample_site / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        for entry in feed.entries:
            assert entry.published_parsed, (name, entry.link)
        lessons = {e.link[len(BASE) :]: e for e in feed.entries if e.link.startswith(f"{BASE}lessons/")}
        assert set(lessons) == {f"lessons/{lesson}/" for lesson in first_taught}, name
        for lesson, day in first_taught.items():
            entry = lessons[f"lessons/{lesson}/"]
            published = dt.datetime.fromtimestamp(calendar.timegm(entry.published_parsed), CHINA)
            assert published.date().isoformat() == day, (name, lesson)
            title = load((SAMPLE_CONTENT / "lessons" / f"{lesson}.yml").read_text(encoding="utf-8"))["title"]
            assert title in entry.title and entry.summary, (name, lesson)


def test_cards_are_drawn_from_public_text_and_published_photos_only(tmp_path):
    """What a card shows comes from the public view: no anonymous case's enterprise, no person without
    consent, and photos only as published renditions (hash-named, metadata dropped)."""
    from conftest import PROJECT, SAMPLE_CONTENT
    from ruamel.yaml import YAML

    from campaignkit.build import pipeline
    from campaignkit.website import markdown_pages as pages
    from campaignkit.website.linked_files import SiteFiles
    from campaignkit.website.share_cards import ShareImages

    campaign, _renditions = pipeline.public_view(PROJECT, SAMPLE_CONTENT)
    share = ShareImages(campaign.site, SiteFiles(tmp_path / "docs"))
    pages.write_docs(campaign, tmp_path / "docs", PROJECT / "templates", [], share)
    load = YAML(typ="safe").load
    paths = sorted((SAMPLE_CONTENT / "cases").glob("*.yml"))
    cases = [load(p.read_text(encoding="utf-8")) for p in paths]
    hidden = {p.stem: c["enterprise"] for p, c in zip(paths, cases) if c.get("anonymous", True) and c.get("enterprise")}
    name_of = {
        case_id: load((SAMPLE_CONTENT / "enterprises" / f"{e}.yml").read_text(encoding="utf-8"))["name"]
        for case_id, e in hidden.items()
    }
    names = list(name_of.values())
    people = [load(p.read_text(encoding="utf-8")) for p in (SAMPLE_CONTENT / "people").glob("*.yml")]
    unconsented = [p["name"] for p in people if not p.get("consent")]
    assert names and unconsented  # the sample has both, so this test can fail
    assert len(share.cards) > 40
    for url, card in share.cards.items():
        shown = " ".join((card.title, card.label, card.org, card.area))
        behind = [name_of[url[len("cases/") : -1]]] if url[len("cases/") : -1] in name_of and url.startswith("cases/") else []
        for name in unconsented + behind:  # an anonymous case's card never names its enterprise
            assert name not in shown, (url, name)
        if card.photo is not None:
            assert re.fullmatch(r"[0-9a-f]{16}-\d+\.jpg", card.photo.name) and card.photo.parent.name == "media", url
    assert share.cards["cases/hengshun-cangku-feixian/"].photo is not None
    assert all(card.photo is None for url, card in share.cards.items() if url.startswith("lessons/"))


def test_a_lesson_is_published_under_its_published_on_else_its_first_event_else_not_at_all(scratch):
    """published_on wins over the events; a lesson no event taught and without the field stays out of
    the feeds (content of other communities without the field still builds), and the sitemap's
    lastmod of a lesson is the day it is published under."""
    from conftest import PROJECT

    from campaignkit.build import pipeline
    from campaignkit.content.kinds import KINDS
    from campaignkit.website.feeds import page_dates

    scratch.write("lessons/qiye-zeren.yml", scratch.read("lessons/qiye-zeren.yml") + "published_on: 2023-08-01\n")
    scratch.write("lessons/xin-ke.yml", "title: 一门还没讲过的课\nbody: |\n  正文。\n")
    campaign, _renditions = pipeline.public_view(PROJECT, scratch.content)
    lessons = {item.id: item for item in campaign.items["lessons"]}
    feed = KINDS["lessons"].feed
    assert feed(lessons["qiye-zeren"])[0] == "2023-08-01"
    assert feed(lessons["qishou-dianchi"])[0] == "2023-09-20"  # qishou-jiangzuo-2023-09
    assert feed(lessons["feixian-chongdian"])[0] == "2023-07-25"  # yantaohui-2023-07, before two later events
    assert feed(lessons["xin-ke"]) is None
    dates = page_dates(campaign)
    assert dates["lessons/qiye-zeren/"] == "2023-08-01" and dates["lessons/feixian-chongdian/"] == "2023-07-25"
    assert "lessons/xin-ke/" not in dates
