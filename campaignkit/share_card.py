"""The default share image (1200×630): the site's title and org on the campaign red.

Drawn with Noto Sans CJK SC; characters the font lacks (emoji) are left out, not drawn as boxes.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

PATH = "assets/share.png"


def share_card(campaign, target: Path, font_path: str | None) -> None:
    """The default share image (1200×630): site title and org on the campaign red."""
    image = Image.new("RGB", (1200, 630), (183, 28, 28))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 470, 1140, 474), fill="white")
    if font_path:
        index = _sc_index(font_path)
        big = ImageFont.truetype(font_path, 96, index=index)
        small = ImageFont.truetype(font_path, 44, index=index)

        def drawable(text: str) -> str:  # an emoji the font lacks is left out, not drawn as a box
            return "".join(ch for ch in text if ord(ch) in _code_points(font_path, index))

        draw.text((60, 180), drawable(campaign.site["title"]), font=big, fill="white")
        draw.text((60, 330), drawable(campaign.site["org"]), font=small, fill="white")
        area = campaign.site.get("area") or {}
        if area.get("name"):
            draw.text((60, 510), drawable(area["name"]), font=small, fill="white")
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, "PNG", optimize=True)


@lru_cache(maxsize=4)
def _code_points(font_path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(font_path, fontNumber=index, lazy=True).getBestCmap())


def _sc_index(font_path: str) -> int:
    """Noto CJK .ttc collections hold JP, KR, SC, TC, HK faces; pick Simplified Chinese."""
    if not font_path.endswith(".ttc"):
        return 0
    for index in range(10):
        try:
            font = ImageFont.truetype(font_path, 12, index=index)
        except OSError:
            break
        if font.getname()[0].endswith(" SC"):
            return index
    return 0
