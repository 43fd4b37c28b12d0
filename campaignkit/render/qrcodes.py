"""QR codes of page URLs (segno), the same for the site's download links and the handouts.

Error correction M (15 %): still read from a slightly creased handout or a photo of a slide.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

import segno
from markupsafe import Markup

from campaignkit.common import fstree

ERROR = "m"
PNG_SCALE = 10  # ~ 330 px for a page URL: sharp on a slide or an A4 poster
BORDER = 4  # the quiet zone the standard asks for, in modules


def make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR)


@lru_cache(maxsize=8192)  # a handout is drawn at several fit levels, and the preview redraws it on every edit
def inline_svg(url: str, scale: int = 3, border: int = 2, title: str | None = None, cache_dir: Path | None = None) -> Markup:
    """An <svg> element to put inside HTML (handouts); `title` is its alternative text (tagged PDF).

    With `cache_dir`, drawn once per URL and options across builds (encoding costs ~15 ms)."""

    def draw() -> str:
        return make(url).svg_inline(scale=scale, border=border, dark="#000", light="#fff", omitsize=False, title=title)

    if cache_dir is None:
        return Markup(draw())
    cached = cache_dir / f"{_key(url, scale, border, title)}.inline.svg"
    try:
        return Markup(cached.read_text(encoding="utf-8"))
    except FileNotFoundError:
        text = draw()
        fstree.replace_file(cached, text.encode())
        return Markup(text)


FOLDER = "assets/qr"  # where the site publishes the pages' QR codes


def paths(page_url: str) -> tuple[str, str]:
    """(svg, png) paths in the site for the page at `page_url` ("cases/x/")."""
    return f"{FOLDER}/{page_url}qr.svg", f"{FOLDER}/{page_url}qr.png"


def write(url: str, page_url: str, files, cache_dir: Path | None = None) -> dict:
    """The page's QR code as SVG and PNG, files of the site (`files`: site_files.SiteFiles);
    returns the front matter that links them.

    With `cache_dir`, each code is drawn once per URL and then linked from the cache: encoding
    and masking cost ~15 ms a page, a third of the kit's page stage at 1,000 cases."""
    svg, png = paths(page_url)
    if cache_dir is None:
        svg_data, png_data = _draw(url)
        files.write(svg, svg_data)
        files.write(png, png_data)
        return {"qr_svg": svg, "qr_png": png}
    key = _key(url, PNG_SCALE, BORDER)
    cached_svg, cached_png = cache_dir / f"{key}.svg", cache_dir / f"{key}.png"
    if not (cached_svg.exists() and cached_png.exists()):
        svg_data, png_data = _draw(url)
        fstree.replace_file(cached_png, png_data)
        fstree.replace_file(cached_svg, svg_data)
    files.link(svg, cached_svg)
    files.link(png, cached_png)
    return {"qr_svg": svg, "qr_png": png}


def _key(*parts) -> str:
    return hashlib.sha256("\0".join(map(str, (*parts, ERROR, segno.__version__))).encode()).hexdigest()[:20]


def _draw(url: str) -> tuple[bytes, bytes]:
    """The page's code as (SVG, PNG) bytes."""
    code = make(url)
    svg, png = io.BytesIO(), io.BytesIO()
    code.save(svg, kind="svg", scale=10, border=BORDER, dark="#000", light="#fff", title=f"二维码：{url}", xmldecl=True)
    code.save(png, kind="png", scale=PNG_SCALE, border=BORDER, dark="#000", light="#fff")
    return svg.getvalue(), png.getvalue()
