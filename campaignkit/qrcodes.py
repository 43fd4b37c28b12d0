"""QR codes of page URLs (segno), the same for the site's download links and the handouts.

Error correction M (15 %): still read from a slightly creased handout or a photo of a slide.
"""
from __future__ import annotations

from pathlib import Path

import segno
from markupsafe import Markup

ERROR = "m"
PNG_SCALE = 10  # ~ 330 px for a page URL: sharp on a slide or an A4 poster
BORDER = 4  # the quiet zone the standard asks for, in modules


def make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR)


def inline_svg(url: str, scale: int = 3, border: int = 2, title: str | None = None) -> Markup:
    """An <svg> element to put inside HTML (handouts); `title` is its alternative text (tagged PDF)."""
    return Markup(make(url).svg_inline(scale=scale, border=border, dark="#000", light="#fff", omitsize=False,
                                       title=title))


def paths(page_url: str) -> tuple[str, str]:
    """(svg, png) paths in the site for the page at `page_url` ("cases/x/")."""
    return f"assets/qr/{page_url}qr.svg", f"assets/qr/{page_url}qr.png"


def write(url: str, page_url: str, docs_dir: Path) -> dict:
    """Write the page's QR code as SVG and PNG; return the front matter that links them."""
    svg, png = paths(page_url)
    code = make(url)
    (docs_dir / svg).parent.mkdir(parents=True, exist_ok=True)
    code.save(str(docs_dir / svg), kind="svg", scale=10, border=BORDER, dark="#000", light="#fff",
              title=f"二维码：{url}", xmldecl=True)
    code.save(str(docs_dir / png), kind="png", scale=PNG_SCALE, border=BORDER, dark="#000", light="#fff")
    return {"qr_svg": svg, "qr_png": png}
