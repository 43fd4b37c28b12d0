"""A site served below a path (base_url https://example.org/sub/), as many hosts do (a
department's site, an object-storage prefix, project pages): built from the sample content
with only base_url changed, served under /sub/ on loopback (nothing answers outside it), and
read in the phone browser: links, assets, search, photos, PDFs, page images, feed, sitemap,
alias redirects and the 404 page."""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from conftest import Scratch

from .conftest import new_phone
from .support import SiteServer

pytestmark = pytest.mark.slow
BASE = "https://example.org/sub/"


@pytest.fixture(scope="module")
def sub_site(tmp_path_factory):
    scratch = Scratch(tmp_path_factory.mktemp("subpath"))
    scratch.replace("site.yml", "base_url: https://aqcd.example.cn/", f"base_url: {BASE}")
    result = scratch.build()
    assert result.returncode == 0, result.stdout + result.stderr  # the safety audit accepts /sub/assets/…
    return scratch.root / "site"


@pytest.fixture(scope="module")
def sub_server(sub_site):
    with SiteServer(sub_site, prefix="/sub/") as server:
        yield server


@pytest.fixture
def sub_phone(browser, sub_server):
    p = new_phone(browser, sub_server)
    yield p
    p.context.close()


@pytest.mark.parametrize(
    "path",
    [
        "",
        "cases/hengshun-cangku-feixian/",
        "lessons/feixian-chongdian/",
        "downloads/",
        "facilities/dongmen-chongdian/",
        "enterprises/",
    ],
)
def test_pages_work_below_a_path(sub_phone, path):
    page = sub_phone.open(path)
    assert sub_phone.problems() == []  # every asset and photo came from /sub/, nothing failed
    assert all(urlsplit(u).path.startswith("/sub/") for u in sub_phone.watch.requests if u.startswith("http"))
    # every link inside the site stays inside /sub/
    links = page.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
    local = [u for u in links if urlsplit(u).netloc == sub_phone.server.host]
    assert local and all(urlsplit(u).path.startswith("/sub/") for u in local)


def test_search_below_a_path(sub_phone):
    page = sub_phone.open("", scroll=False, wait="load")
    page.locator("label.md-header__button[for='__search']").click()
    page.locator("input.md-search__input").fill("东门集中充电处")
    page.wait_for_selector(".md-search-result__item a.md-search-result__link")
    first = page.locator(".md-search-result__item a.md-search-result__link").first
    href = first.evaluate("a => a.href")
    assert urlsplit(href).path.startswith("/sub/facilities/")
    first.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").first.text_content().strip().endswith("集中充电处")
    assert sub_phone.watch.problems() == []


def test_pdfs_and_page_images_below_a_path(sub_phone):
    page = sub_phone.open("lessons/feixian-chongdian/")
    pdf = page.locator("a.ck-download").first.evaluate("a => a.href")
    with urllib.request.urlopen(pdf) as response:
        assert response.status == 200 and response.read(5) == b"%PDF-"
    images = page.locator(".ck-handout-pages img").evaluate_all("is => is.map(i => [i.currentSrc, i.naturalWidth])")
    assert images and all(src.startswith(sub_phone.server.url("")) and w == 720 for src, w in images)


def test_feed_sitemap_and_redirects_below_a_path(sub_site, sub_phone):
    ns = {"a": "http://www.w3.org/2005/Atom", "s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    feed = ElementTree.parse(sub_site / "feed.xml").getroot()
    links = [link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert links and all(h.startswith(BASE) for h in links)
    locs = [e.text for e in ElementTree.parse(sub_site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert locs and all(u.startswith(BASE) for u in locs)
    assert f"Sitemap: {BASE}sitemap.xml" in (sub_site / "robots.txt").read_text(encoding="utf-8")
    # an old id (aliases) still leads to the case, below /sub/ too
    page = sub_phone.page
    page.goto(sub_phone.server.url("cases/chejian-chazuo-feixian/"), wait_until="load")
    page.wait_for_url(re.compile(r"/sub/cases/jinggong-chejian-feixian/$"))
    assert page.locator("h1").first.is_visible()


def test_not_found_page_below_a_path(sub_phone):
    page = sub_phone.page
    response = page.goto(sub_phone.server.url("no/such/page/"), wait_until="networkidle")
    assert response.status == 404
    assert page.locator("h1").first.text_content().strip() == "页面找不到了"
    # its CSS, scripts and logo load from /sub/assets/ (the page itself is the one expected 404)
    assert [p for p in sub_phone.watch.problems() if "/sub/no/such/page/" not in p] == []
    home = page.locator("article a", has_text="返回首页")
    assert urlsplit(home.evaluate("a => a.href")).path == "/sub/"
    home.click()
    page.wait_for_load_state("load")
    assert page.locator(".ck-hero-title").is_visible()
