"""Share images for every page: a wide card (1200×630, Open Graph) and a square one (600×600,
what WeChat shows beside a shared link), drawn with Pillow in Noto Sans CJK SC.

Each card holds the page's title, the section it belongs to, the org and, where the page's
item has one, its own photo ("before" photo for a case: the hazard is the story). Titles are
wrapped and, if need be, shrunk to fit; on the square card the title stays inside the safe
area (the central 80 %), so a client that crops or rounds the corners never cuts it.

Everything drawn comes from the public view (model.py): titles are the pages' public titles
and photos are the published renditions, so a hidden enterprise's name or an unconsented
person's face can't reach a card. Cards are cached in .cache/share/ by a hash of what they show.
"""

from __future__ import annotations

import array
import hashlib
import io
import sys
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from campaignkit.common import fstree
from campaignkit.common.code_version import code_digest
from campaignkit.handouts import font_check as fonts

WIDE = (1200, 630)
SQUARE = (600, 600)
SAFE_MARGIN = 60  # the square's safe area is SQUARE less this on every side (80 % of 600)
RED = (183, 28, 28)
WHITE = (255, 255, 255)
QUALITY = 88
ALT_SUFFIX = "分享图"


@cache
def _drawing_code() -> str:
    return code_digest(sys.modules[__name__])


@dataclass(frozen=True)
class Card:
    title: str
    label: str  # the section, e.g. 隐患案例
    org: str
    area: str
    photo: Path | None  # a published rendition (already stripped of metadata)

    def digest(self, size: tuple[int, int]) -> str:
        # This module's code draws the card: a kit that draws otherwise draws every card again.
        h = hashlib.sha256(f"{_drawing_code()}\0{size}\0{self.title}\0{self.label}\0{self.org}\0{self.area}".encode())
        if self.photo:
            # The photo is a published rendition: its name is a hash of the original's bytes, and it
            # is a link to the media cache's file, which is replaced (new inode, new mtime), never
            # written into. Name and identity stand for the bytes without reading them (2,600 cards
            # read 250 MB at 1,000 cases).
            h.update(f"\0{self.photo.name}\0{fstree.identity(self.photo)}".encode())
        return h.hexdigest()[:20]


@dataclass(frozen=True)
class TitleLayout:
    """Where and how the title is drawn (the tests draw it again from this and compare)."""

    box: tuple[int, int, int, int]  # left, top, right, bottom: the title never leaves it
    lines: tuple[str, ...]
    size: int
    spacing: int


FOLDER = "assets/share"  # where the site publishes the share cards


def image_paths(page_url: str) -> tuple[str, str]:
    """(wide, square) paths in the site for the page at `page_url` ("" is home, "cases/x/")."""
    return f"{FOLDER}/{page_url}wide.jpg", f"{FOLDER}/{page_url}square.jpg"


def item_photo(item):
    """The photo a card shows: the item's cover (presentation.Photos.cover), as its lists show it."""
    return item.shown.photos.cover


@lru_cache(maxsize=1)
def _font_files() -> tuple[str, int, str, int]:
    regular = fonts.font_file("Noto Sans CJK SC")
    if not regular:
        raise FileNotFoundError("Noto Sans CJK SC")
    bold = regular.replace("-Regular", "-Bold")
    bold = bold if Path(bold).exists() else regular
    return regular, _sc_index(regular), bold, _sc_index(bold)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    regular, r_index, bold_path, b_index = _font_files()
    return _load_font(bold_path if bold else regular, b_index if bold else r_index, size)


@lru_cache(maxsize=64)
def _load_font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


def _sc_index(font_path: str) -> int:
    """Noto CJK .ttc collections hold JP, KR, SC, TC, HK faces; pick Simplified Chinese."""
    if not font_path.endswith(".ttc"):
        return 0
    for index in range(10):
        try:
            font = ImageFont.truetype(font_path, 12, index=index)
        except OSError:
            break
        if (font.getname()[0] or "").endswith(" SC"):
            return index
    return 0


# Where the font's character map is kept once read (ShareImages.render sets it: the cards' cache).
_cmap_folder: Path | None = None


@lru_cache(maxsize=4)
def _code_points(font_path: str, index: int) -> frozenset[int]:
    """The characters the font has. Reading its map with fontTools takes 0.1 s, as much as drawing
    the two cards of an edited page: it is kept in the cards' cache, by the font file's identity."""
    import fontTools
    from fontTools.ttLib import TTFont

    kept = None
    if _cmap_folder is not None:
        key = hashlib.sha256(repr((font_path, index, fstree.identity(Path(font_path)), fontTools.version)).encode())
        kept = _cmap_folder / f"cmap-{key.hexdigest()[:20]}.bin"
        try:
            return frozenset(array.array("I", kept.read_bytes()))
        except (OSError, ValueError):
            pass
    points = frozenset(TTFont(font_path, fontNumber=index, lazy=True).getBestCmap())
    if kept is not None:
        fstree.replace_file(kept, array.array("I", sorted(points)).tobytes())
    return points


def drawable(text: str) -> str:
    """An emoji or character the font lacks is left out, not drawn as a box."""
    regular, index, _, _ = _font_files()
    points = _code_points(regular, index)
    return "".join(ch for ch in text if ord(ch) in points or ch == " ").strip()


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break Chinese text by width (any character may end a line; punctuation stays on its line)."""
    lines, line = [], ""
    for ch in text:
        if font.getlength(line + ch) <= width or not line or ch in "，。、；：！？”）》":
            line += ch
        else:
            lines.append(line)
            line = ch.lstrip()
    if line:
        lines.append(line)
    return lines


def title_layout(title: str, box: tuple[int, int, int, int], sizes: tuple[int, ...], max_lines: int) -> TitleLayout:
    """The largest size at which the title fits the box in max_lines; at the smallest, the rest
    of a very long title is cut with an ellipsis."""
    width, height = box[2] - box[0], box[3] - box[1]
    text = drawable(title)
    for size in sizes:
        font, spacing = _font(size, bold=True), size // 4
        lines = _wrap(text, font, width)
        if len(lines) <= max_lines and len(lines) * (size + spacing) <= height + spacing:
            return TitleLayout(box, tuple(lines), size, spacing)
    size = sizes[-1]
    font, spacing = _font(size, bold=True), size // 4
    lines = _wrap(text, font, width)[:max_lines]
    last = lines[-1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1]
    lines[-1] = last + "…"
    return TitleLayout(box, tuple(lines), size, spacing)


def draw_title(image: Image.Image, layout: TitleLayout, fill=WHITE) -> None:
    draw = ImageDraw.Draw(image)
    font = _font(layout.size, bold=True)
    y = layout.box[1]
    for line in layout.lines:
        draw.text((layout.box[0], y), line, font=font, fill=fill)
        y += layout.size + layout.spacing


def _cover(photo: Path, size: tuple[int, int]) -> Image.Image:
    """The photo cropped to fill `size`, a little above centre: a portrait keeps its head."""
    with Image.open(photo) as im:
        return ImageOps.fit(im.convert("RGB"), size, Image.Resampling.LANCZOS, centering=(0.5, 0.35))


def wide_layout(card: Card) -> TitleLayout:
    right = 680 if card.photo else WIDE[0] - 60
    return title_layout(card.title, (60, 150, right, 470), (72, 64, 56, 48), 3)


def square_layout(card: Card) -> TitleLayout:
    top = 300 if card.photo else 170
    return title_layout(card.title, (SAFE_MARGIN, top, SQUARE[0] - SAFE_MARGIN, 470), (56, 48, 42, 36), 3 if card.photo else 5)


def draw_wide(card: Card) -> Image.Image:
    image = Image.new("RGB", WIDE, RED)
    if card.photo:
        image.paste(_cover(card.photo, (480, WIDE[1])), (720, 0))
    draw = ImageDraw.Draw(image)
    small = _font(34)
    draw.text((60, 70), drawable(card.label), font=small, fill=WHITE)
    draw_title(image, wide_layout(card))
    draw.rectangle((60, 500, 680 if card.photo else 1140, 503), fill=WHITE)
    draw.text((60, 525), drawable(" · ".join(x for x in (card.org, card.area) if x)), font=small, fill=WHITE)
    return image


def draw_square(card: Card) -> Image.Image:
    image = Image.new("RGB", SQUARE, RED)
    draw = ImageDraw.Draw(image)
    small = _font(28)
    if card.photo:
        image.paste(_cover(card.photo, (SQUARE[0], 260)), (0, 0))
        draw.text((SAFE_MARGIN, 264), drawable(card.label), font=small, fill=WHITE)
    else:
        draw.text((SAFE_MARGIN, 100), drawable(card.label), font=small, fill=WHITE)
    draw_title(image, square_layout(card))
    draw.text((SAFE_MARGIN, 495), drawable(card.org), font=small, fill=WHITE)
    return image


def _render(card: Card, size: tuple[int, int], rel: str, cache: Path, files) -> None:
    """Draw the card into the cache unless it is there; it is the site's file `rel`."""
    cached = cache / f"{card.digest(size)}.jpg"
    if not cached.exists():
        image = draw_wide(card) if size == WIDE else draw_square(card)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=QUALITY, optimize=True, progressive=True)
        fstree.replace_file(cached, buffer.getvalue())
    files.link(rel, cached)


class ShareImages:
    """Collects one card per page while pages are written (PageWriter calls `for_page`), then
    draws them all (`render`)."""

    def __init__(self, site: dict, files):
        """`files`: the site's files (site_files.SiteFiles), the photos among them."""
        self.site = site
        self.files = files
        self.cards: dict[str, Card] = {}

    def for_page(self, page_url: str, title: str, label: str, item=None) -> dict:
        """Front matter for the page's share images (read by templates/overrides/main.html)."""
        photo = item_photo(item) if item is not None else None
        area = (self.site.get("area") or {}).get("name") or ""
        self.cards[page_url] = Card(title, label, self.site["org"], area, self.files.source(photo.src) if photo else None)
        wide, square = image_paths(page_url)
        return {
            "image": wide,
            "image_width": WIDE[0],
            "image_height": WIDE[1],
            "image_square": square,
            "image_square_size": SQUARE[0],
            "image_alt": f"{title}（{label}）{ALT_SUFFIX}",
        }

    def render(self, cache: Path) -> int:
        global _cmap_folder
        _cmap_folder = cache
        for page_url, card in self.cards.items():
            wide, square = image_paths(page_url)
            _render(card, WIDE, wide, cache, self.files)
            _render(card, SQUARE, square, cache, self.files)
        return len(self.cards)
