#!/usr/bin/env python3
"""Draw the sample illustrations that the sample content refers to.

Every picture under content/media/ is a simple flat illustration (示意图) drawn
here with Pillow shapes, so the repository ships no real photographs of real
people or places.  The output is deterministic: no randomness except seeded
generators, no timestamps, no EXIF, fixed JPEG settings.  Run it again after
changing a scene and commit the result:

    python3 tools/make_sample_media.py            # writes content/media/
    python3 tools/make_sample_media.py --out DIR  # writes somewhere else

Only Pillow is needed.  The small 「示意图」 label uses Noto Sans CJK when it is
installed; without the font the label (and sign text) is left out.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "content" / "media"
FONT_PATHS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
]
FONT_INDEX_SC = 2  # face index of "Noto Sans CJK SC" inside the .ttc collection

W, H = 960, 720  # logical size of a scene
SS = 2  # drawn at 2x, then scaled down: smooth edges
JPEG_OPTIONS = {"quality": 82, "optimize": True, "subsampling": 2}

# ---------------------------------------------------------------- palette
SKY = (214, 234, 245)
SKY_LOW = (232, 242, 247)
GROUND = (190, 196, 192)
ASPHALT = (158, 164, 166)
GRASS = (168, 204, 150)
DARK = (50, 56, 64)
INK = (34, 38, 44)
WHITE = (250, 250, 248)
RED = (212, 52, 48)
DEEP_RED = (170, 36, 36)
ORANGE = (245, 140, 40)
YELLOW = (246, 200, 60)
GREEN = (46, 156, 90)
EXIT_GREEN = (30, 170, 100)
BLUE = (60, 120, 190)
GREY = (150, 156, 162)
LIGHT_GREY = (222, 224, 226)
CORD = (28, 28, 30)

_FONT_FILE = next((p for p in FONT_PATHS if Path(p).is_file()), None)
_FONT_CACHE: dict[int, ImageFont.FreeTypeFont] = {}


def font(size: int):
    """The CJK font at a logical size, or None when it is not installed."""
    if _FONT_FILE is None:
        return None
    px = size * SS
    if px not in _FONT_CACHE:
        try:
            _FONT_CACHE[px] = ImageFont.truetype(_FONT_FILE, px, index=FONT_INDEX_SC)
        except OSError:
            _FONT_CACHE[px] = ImageFont.truetype(_FONT_FILE, px)
    return _FONT_CACHE[px]


class Canvas:
    """Drawing in logical 960x720 coordinates on a 2x supersampled image."""

    def __init__(self, w: int = W, h: int = H, bg=WHITE):
        self.w, self.h = w, h
        self.img = Image.new("RGB", (w * SS, h * SS), bg)
        self.d = ImageDraw.Draw(self.img)

    @staticmethod
    def _p(points):
        return [(round(x * SS), round(y * SS)) for x, y in points]

    def rect(self, x0, y0, x1, y1, fill=None, outline=None, width=0, radius=0):
        box = [round(x0 * SS), round(y0 * SS), round(x1 * SS), round(y1 * SS)]
        if radius:
            self.d.rounded_rectangle(box, round(radius * SS), fill=fill, outline=outline, width=round(width * SS))
        else:
            self.d.rectangle(box, fill=fill, outline=outline, width=round(width * SS))

    def poly(self, points, fill=None, outline=None, width=0):
        self.d.polygon(self._p(points), fill=fill, outline=outline, width=max(round(width * SS), 1) if outline else 0)

    def line(self, points, fill=INK, width=3):
        self.d.line(self._p(points), fill=fill, width=round(width * SS), joint="curve")

    def circle(self, cx, cy, r, fill=None, outline=None, width=0):
        box = [round((cx - r) * SS), round((cy - r) * SS), round((cx + r) * SS), round((cy + r) * SS)]
        self.d.ellipse(box, fill=fill, outline=outline, width=round(width * SS))

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width=0):
        self.d.ellipse(self._p([(x0, y0), (x1, y1)]), fill=fill, outline=outline, width=round(width * SS))

    def pieslice(self, x0, y0, x1, y1, start, end, fill):
        self.d.pieslice(self._p([(x0, y0), (x1, y1)]), start, end, fill=fill)

    def text(self, x, y, s, size=28, fill=INK, anchor="la"):
        f = font(size)
        if f is None:
            return
        self.d.text((x * SS, y * SS), s, font=f, fill=fill, anchor=anchor)

    def finish(self, label=True) -> Image.Image:
        if label and font(22) is not None:
            f = font(22)
            tw = self.d.textlength("示意图", font=f) / SS
            x1, y1 = self.w - 14, self.h - 14
            x0, y0 = x1 - tw - 24, y1 - 40
            self.rect(x0, y0, x1, y1, fill=(255, 255, 255), outline=GREY, width=1, radius=8)
            self.text((x0 + x1) / 2, (y0 + y1) / 2, "示意图", size=22, fill=DARK, anchor="mm")
        return self.img.resize((self.w, self.h), Image.LANCZOS)


def rng_for(name: str) -> random.Random:
    seed = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")
    return random.Random(seed)


def bezier(p0, p1, p2, steps=24):
    pts = []
    for i in range(steps + 1):
        t = i / steps
        x = (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t**2 * p2[0]
        y = (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t**2 * p2[1]
        pts.append((x, y))
    return pts


# ---------------------------------------------------------------- pieces
def sky_and_ground(c: Canvas, horizon=560, ground=GROUND):
    c.rect(0, 0, c.w, horizon, fill=SKY)
    c.rect(0, horizon * 0.55, c.w, horizon, fill=SKY_LOW)
    c.rect(0, horizon, c.w, c.h, fill=ground)
    c.line([(0, horizon), (c.w, horizon)], fill=(150, 156, 150), width=2)


def clouds(c: Canvas, rnd: random.Random, n=2, y_max=180):
    for _ in range(n):
        x = rnd.randint(560, 860)
        y = rnd.randint(50, y_max)
        for dx, r in ((0, 26), (30, 34), (64, 24)):
            c.circle(x + dx, y, r, fill=WHITE)


def windows_grid(c, x0, y0, x1, y1, cols, rows, skip=(), glass=(170, 200, 220), frame=WHITE, ww=None, wh=None):
    cw = (x1 - x0) / cols
    rh = (y1 - y0) / rows
    ww = ww or cw * 0.55
    wh = wh or rh * 0.5
    spots = []
    for r in range(rows):
        for col in range(cols):
            cx = x0 + cw * (col + 0.5)
            cy = y0 + rh * (r + 0.5)
            spots.append((cx, cy))
            if (r, col) in skip:
                continue
            c.rect(cx - ww / 2, cy - wh / 2, cx + ww / 2, cy + wh / 2, fill=glass, outline=frame, width=4)
            c.line([(cx, cy - wh / 2), (cx, cy + wh / 2)], fill=frame, width=3)
    return spots, ww, wh


def open_window(c, cx, cy, ww, wh):
    c.rect(cx - ww / 2, cy - wh / 2, cx + ww / 2, cy + wh / 2, fill=(60, 70, 82), outline=WHITE, width=4)
    # an opened sash
    c.poly(
        [
            (cx + ww / 2, cy - wh / 2),
            (cx + ww / 2 + 22, cy - wh / 2 + 8),
            (cx + ww / 2 + 22, cy + wh / 2 - 2),
            (cx + ww / 2, cy + wh / 2),
        ],
        fill=(180, 205, 222),
        outline=WHITE,
        width=3,
    )


def ebike(c: Canvas, x, gy, s=1.0, body=BLUE, facing=1):
    """A step-through e-bike standing on ground line gy; returns the charge port."""

    def P(dx, dy):
        return (x + facing * dx * s, gy - dy * s)

    rw = 27
    rear, front = P(30, rw), P(128, rw)
    for cx, cy in (rear, front):
        c.circle(cx, cy, rw * s, fill=None, outline=INK, width=7 * s)
        c.circle(cx, cy, 6 * s, fill=GREY)
    # frame and floor board
    c.line([rear, P(60, 50), P(100, 46), P(112, 92)], fill=DARK, width=7 * s)
    c.line([P(112, 92), front], fill=DARK, width=6 * s)
    c.poly([P(48, 44), P(104, 40), P(108, 52), P(50, 56)], fill=body)
    # rear body cover with battery
    c.poly([P(18, 58), P(74, 58), P(80, 84), P(26, 90)], fill=body)
    c.rect(min(P(38, 60)[0], P(68, 76)[0]), P(38, 76)[1], max(P(38, 60)[0], P(68, 76)[0]), P(38, 60)[1], fill=(40, 44, 50))
    # seat
    c.rect(
        min(P(26, 92)[0], P(76, 100)[0]), P(26, 100)[1], max(P(26, 92)[0], P(76, 100)[0]), P(26, 92)[1], fill=INK, radius=4 * s
    )
    # front shield, handlebar, lamp
    c.poly([P(104, 50), P(118, 50), P(124, 104), P(110, 104)], fill=body)
    c.line([P(104, 112), P(132, 114)], fill=INK, width=6 * s)
    c.circle(*P(126, 96), 6 * s, fill=YELLOW)
    return P(53, 68)


def tricycle(c: Canvas, x, gy, s=1.0, body=(70, 140, 200), facing=1):
    """An express-delivery e-tricycle; returns the battery charge port."""

    def P(dx, dy):
        return (x + facing * dx * s, gy - dy * s)

    rw = 25
    xs = sorted([P(0, 0)[0], P(118, 0)[0]])
    c.rect(xs[0], P(0, 132)[1], xs[1], P(0, 46)[1], fill=body, outline=INK, width=3)
    c.line([P(8, 112), P(110, 112)], fill=WHITE, width=3 * s)
    c.line([P(8, 92), P(110, 92)], fill=WHITE, width=3 * s)
    # chassis, battery box under the cargo box
    c.line([P(0, 40), P(176, 40)], fill=DARK, width=6 * s)
    bx = sorted([P(64, 0)[0], P(106, 0)[0]])
    c.rect(bx[0], P(0, 46)[1], bx[1], P(0, 30)[1], fill=(40, 44, 50))
    # cab: seat, column, handlebar
    sx = sorted([P(122, 0)[0], P(150, 0)[0]])
    c.rect(sx[0], P(0, 80)[1], sx[1], P(0, 72)[1], fill=INK, radius=3 * s)
    c.line([P(136, 72), P(136, 40)], fill=DARK, width=6 * s)
    c.line([P(160, 40), P(172, 104)], fill=DARK, width=6 * s)
    c.line([P(162, 108), P(184, 110)], fill=INK, width=6 * s)
    c.poly([P(158, 44), P(172, 44), P(176, 96), P(164, 96)], fill=body)
    for cx, cy in (P(40, rw), P(178, rw)):
        c.circle(cx, cy, rw * s, outline=INK, width=7 * s)
        c.circle(cx, cy, 6 * s, fill=GREY)
    return P(85, 38)


def extinguisher(c: Canvas, x, gy, s=1.0):
    c.rect(x - 14 * s, gy - 70 * s, x + 14 * s, gy, fill=RED, radius=10 * s)
    c.rect(x - 8 * s, gy - 80 * s, x + 8 * s, gy - 68 * s, fill=INK)
    c.line([(x + 6 * s, gy - 76 * s), (x + 22 * s, gy - 70 * s), (x + 24 * s, gy - 40 * s)], fill=INK, width=4 * s)
    c.rect(x - 10 * s, gy - 48 * s, x + 10 * s, gy - 30 * s, fill=WHITE)


def power_strip(c: Canvas, x, y, s=1.0):
    c.rect(x - 34 * s, y - 10 * s, x + 34 * s, y + 10 * s, fill=WHITE, outline=INK, width=2, radius=4)
    for i in range(4):
        c.rect(x - 26 * s + i * 15 * s, y - 5 * s, x - 18 * s + i * 15 * s, y + 5 * s, fill=DARK)
    c.circle(x + 30 * s, y, 3 * s, fill=RED)


def warning_badge(c: Canvas, x=860, y=40):
    c.poly([(x, y), (x + 44, y + 78), (x - 44, y + 78)], fill=YELLOW, outline=INK, width=4)
    c.rect(x - 4, y + 24, x + 4, y + 56, fill=INK)
    c.circle(x, y + 66, 5, fill=INK)


def ok_badge(c: Canvas, x=860, y=80):
    c.circle(x, y, 42, fill=GREEN, outline=WHITE, width=5)
    c.line([(x - 20, y + 2), (x - 5, y + 18), (x + 22, y - 16)], fill=WHITE, width=9)


def spark(c: Canvas, x, y, s=1.0):
    pts = []
    for i in range(16):
        r = (22 if i % 2 == 0 else 9) * s
        a = math.pi * 2 * i / 16
        pts.append((x + r * math.cos(a), y + r * math.sin(a)))
    c.poly(pts, fill=YELLOW)
    c.circle(x, y, 6 * s, fill=ORANGE)


def person(c: Canvas, x, gy, s=1.0, shirt=BLUE, skin=(236, 196, 160), hair=INK, helmet=None, legs=(60, 66, 80)):
    c.rect(x - 12 * s, gy - 70 * s, x - 2 * s, gy, fill=legs)
    c.rect(x + 2 * s, gy - 70 * s, x + 12 * s, gy, fill=legs)
    c.rect(x - 20 * s, gy - 140 * s, x + 20 * s, gy - 64 * s, fill=shirt, radius=10 * s)
    c.circle(x, gy - 160 * s, 18 * s, fill=skin)
    if helmet:
        c.pieslice(x - 21 * s, gy - 184 * s, x + 21 * s, gy - 140 * s, 180, 360, fill=helmet)
    else:
        c.pieslice(x - 19 * s, gy - 180 * s, x + 19 * s, gy - 146 * s, 180, 360, fill=hair)


def boxes(c: Canvas, x, gy, n, rnd, w=46, h=36):
    tones = [(196, 160, 112), (206, 172, 122), (184, 148, 100)]
    y = gy
    for i in range(n):
        dx = rnd.randint(-6, 6)
        c.rect(x + dx, y - h, x + dx + w, y, fill=tones[i % 3], outline=(140, 108, 70), width=2)
        c.line([(x + dx + w / 2, y - h), (x + dx + w / 2, y - h + 10)], fill=(150, 116, 76), width=3)
        y -= h


def charging_shed(c: Canvas, x0, x1, gy, rnd, vehicles="bike", sign="集中充电处", exits=False, ext_box=False, roof=(66, 128, 96)):
    top = gy - 250
    # roof and fascia
    c.poly([(x0 - 30, top + 20), (x1 + 30, top - 10), (x1 + 30, top + 10), (x0 - 30, top + 44)], fill=roof)
    # posts with chargers
    n_posts = 4 if x1 - x0 > 500 else 3
    xs = [x0 + i * (x1 - x0) / (n_posts - 1) for i in range(n_posts)]
    for px in xs:
        c.rect(px - 7, top + 28, px + 7, gy, fill=(120, 126, 132))
    # sign board hanging under the roof, in front of the posts
    c.rect(x0 + (x1 - x0) / 2 - 110, top + 46, x0 + (x1 - x0) / 2 + 110, top + 92, fill=EXIT_GREEN, radius=6)
    c.text(x0 + (x1 - x0) / 2, top + 69, sign, size=28, fill=WHITE, anchor="mm")
    ports = []
    for px in xs[:-1]:
        bx = px + 18
        c.rect(bx, gy - 150, bx + 40, gy - 96, fill=WHITE, outline=DARK, width=2, radius=4)
        c.circle(bx + 20, gy - 136, 5, fill=GREEN)
        c.rect(bx + 8, gy - 122, bx + 32, gy - 108, fill=(210, 214, 218))
        ports.append((bx + 20, gy - 96))
    # vehicles parked in a row, cords to the chargers
    span = x1 - x0
    if vehicles == "trike":
        slots = [x0 + 20 + i * 230 for i in range(max(1, int(span // 230)))]
        for i, sx in enumerate(slots):
            port = tricycle(c, sx, gy, s=1.0, body=[(70, 140, 200), (230, 150, 60)][i % 2])
            if i < len(ports):
                c.line(bezier(ports[i], (ports[i][0], port[1] + 20), port), fill=CORD, width=3)
    elif vehicles == "mixed":
        sx = x0 + 20
        kinds = ["trike", "bike", "bike", "trike", "bike"]
        i = 0
        for k in kinds:
            if sx > x1 - 150:
                break
            if k == "trike":
                port = tricycle(c, sx, gy, s=0.9, body=(70, 140, 200))
                sx += 205
            else:
                port = ebike(c, sx, gy, s=0.9, body=[RED, BLUE, (120, 90, 170)][i % 3])
                sx += 150
            if i < len(ports):
                c.line(bezier(ports[i], (ports[i][0], port[1] + 20), port), fill=CORD, width=3)
            i += 1
    else:
        colors = [RED, BLUE, (120, 90, 170), (230, 150, 60), (60, 150, 150)]
        k = max(1, int((span - 20) // 145))
        for i in range(k):
            port = ebike(c, x0 + 16 + i * 145, gy, s=0.85, body=colors[i % len(colors)])
            if i < len(ports):
                c.line(bezier(ports[i], (ports[i][0], port[1] + 20), port), fill=CORD, width=3)
    # fire extinguisher (or a cabinet) at the end of the shed
    if ext_box:
        c.rect(x1 + 10, gy - 190, x1 + 70, gy - 100, fill=RED, outline=DEEP_RED, width=3)
        c.rect(x1 + 18, gy - 182, x1 + 62, gy - 108, fill=(240, 200, 200))
        extinguisher(c, x1 + 40, gy - 112, s=0.85)
    else:
        extinguisher(c, x1 + 30, gy, s=1.0)
        extinguisher(c, x1 + 64, gy, s=0.9)
    if exits:
        for ex in (x0 - 24, x1 + 110):
            c.rect(ex - 26, gy - 170, ex + 26, gy - 140, fill=EXIT_GREEN, radius=4)
            c.text(ex, gy - 155, "出口", size=18, fill=WHITE, anchor="mm")


# ---------------------------------------------------------------- scenes
def scene_window_cord(
    name, floors=3, vehicles=("bike", "bike"), win=(1, 1), wall=(226, 206, 176), boxes_inside=False, strip=False
):
    rnd = rng_for(name)
    c = Canvas()
    gy = 600
    sky_and_ground(c, horizon=gy)
    clouds(c, rnd)
    bx0, bx1 = 40, 560
    top = gy - floors * 150 - 20
    c.rect(bx0, top, bx1, gy, fill=wall)
    c.rect(bx0 - 10, top - 16, bx1 + 10, top, fill=(150, 140, 128))
    rows, cols = floors, 3
    spots, ww, wh = windows_grid(c, bx0, top + 10, bx1, gy - 10, cols, rows, skip={win})
    cx, cy = spots[win[0] * cols + win[1]]
    open_window(c, cx, cy, ww, wh)
    if boxes_inside:
        boxes(c, cx - 40, cy + wh / 2 - 4, 2, rnd, w=34, h=24)
    # a ground-floor door
    c.rect(bx0 + 40, gy - 120, bx0 + 120, gy, fill=(120, 96, 80))
    # vehicles in front of the wall
    ports = []
    vx = 300
    for i, kind in enumerate(vehicles):
        if kind == "trike":
            ports.append(tricycle(c, vx, gy + 60, s=1.0, body=[(70, 140, 200), (230, 150, 60)][i % 2]))
            vx += 210
        else:
            ports.append(ebike(c, vx, gy + 60, s=1.0, body=[RED, BLUE, (120, 90, 170), (60, 150, 150)][i % 4]))
            vx += 150
    sill = (cx + 6, cy + wh / 2 - 6)
    if strip:
        hub = (240, gy + 80)
        c.line(bezier(sill, (sill[0] - 60, (sill[1] + hub[1]) / 2), hub), fill=CORD, width=4)
        power_strip(c, hub[0], hub[1])
        for p in ports:
            c.line(bezier((hub[0] + 30, hub[1]), ((hub[0] + p[0]) / 2, hub[1] + 30), p), fill=CORD, width=3)
    else:
        hub = ports[0]
        c.line(bezier(sill, (sill[0] + 10, (sill[1] + hub[1]) / 2 + 60), hub), fill=CORD, width=4)
        for a, b in itertools.pairwise(ports):
            c.line(bezier(a, ((a[0] + b[0]) / 2, a[1] + 40), b), fill=CORD, width=3)
    spark(c, hub[0], hub[1] - 4, s=0.8)
    warning_badge(c)
    return c.finish()


def scene_shed(name, vehicles="bike", exits=False, ext_box=False, small=False):
    rnd = rng_for(name)
    c = Canvas()
    gy = 620
    sky_and_ground(c, horizon=460, ground=GROUND)
    clouds(c, rnd)
    # a distant building line to show the shed stands apart
    c.rect(0, 300, 260, 460, fill=(206, 210, 214))
    windows_grid(c, 0, 310, 260, 450, 4, 2)
    c.rect(0, 460, c.w, 480, fill=GRASS)
    if small:
        charging_shed(c, 280, 640, gy, rnd, vehicles=vehicles, ext_box=ext_box)
    else:
        charging_shed(c, 140, 760, gy, rnd, vehicles=vehicles, exits=exits, ext_box=ext_box)
    ok_badge(c)
    return c.finish()


def scene_corridor(name, clear=False):
    c = Canvas()
    bx0, by0, bx1, by1 = 400, 230, 580, 440
    c.rect(0, 0, c.w, c.h, fill=(236, 232, 222))
    c.poly([(0, c.h), (c.w, c.h), (bx1, by1), (bx0, by1)], fill=(196, 186, 170))
    c.poly([(0, 0), (bx0, by0), (bx0, by1), (0, c.h)], fill=(224, 218, 204))
    c.poly([(c.w, 0), (bx1, by0), (bx1, by1), (c.w, c.h)], fill=(214, 208, 194))
    c.poly([(0, 0), (c.w, 0), (bx1, by0), (bx0, by0)], fill=(244, 242, 236))
    c.rect(bx0, by0, bx1, by1, fill=(232, 228, 218))
    # floor tiles
    for i in range(1, 6):
        t = i / 6
        y = by1 + (c.h - by1) * t * t
        x0 = bx0 - bx0 * t * t
        x1 = bx1 + (c.w - bx1) * t * t
        c.line([(x0, y), (x1, y)], fill=(180, 170, 154), width=2)
    # door and exit sign at the end
    c.rect(bx0 + 55, by0 + 60, bx1 - 55, by1, fill=(150, 110, 80))
    c.rect(bx0 + 45, by0 + 18, bx1 - 45, by0 + 46, fill=EXIT_GREEN, radius=3)
    c.text((bx0 + bx1) / 2, by0 + 32, "安全出口", size=16, fill=WHITE, anchor="mm")
    # ceiling lamps
    for t in (0.35, 0.7):
        y = by0 * (1 - t)
        c.rect(480 - 40 - 140 * t, y + 4, 480 + 40 + 140 * t, y + 14 + 6 * t, fill=WHITE, outline=(200, 200, 196), width=1)
    # side doors
    c.poly([(120, 190), (250, 262), (250, 470), (120, 560)], fill=(170, 130, 96))
    c.poly([(840, 190), (710, 262), (710, 470), (840, 560)], fill=(160, 122, 90))
    # wall socket on the left wall
    c.rect(300, 420, 330, 450, fill=WHITE, outline=GREY, width=2)
    c.circle(310, 435, 3, fill=INK)
    c.circle(320, 435, 3, fill=INK)
    if clear:
        c.rect(390, 690, 570, 700, fill=(210, 190, 120))
        ok_badge(c)
    else:
        port = ebike(c, 300, 690, s=2.0, body=RED)
        ebike(c, 560, 560, s=1.1, body=BLUE)
        c.line(bezier((315, 445), (300, 560), port), fill=CORD, width=5)
        spark(c, port[0], port[1], s=1.0)
        warning_badge(c)
    return c.finish()


def scene_wall_socket(name, clear=False):
    rnd = rng_for(name)
    c = Canvas()
    gy = 560
    c.rect(0, 0, c.w, gy, fill=(206, 216, 224))
    for x in range(0, c.w, 120):
        c.line([(x, 0), (x, gy)], fill=(186, 198, 208), width=3)
    c.rect(0, 0, c.w, 60, fill=(170, 184, 196))
    c.rect(0, gy, c.w, c.h, fill=ASPHALT)
    # big workshop door on the right
    c.rect(640, 200, 900, gy, fill=(120, 132, 144))
    for y in range(212, gy, 22):
        c.line([(646, y), (894, y)], fill=(140, 152, 164), width=3)
    # socket
    c.rect(200, 300, 260, 360, fill=WHITE, outline=GREY, width=3, radius=4)
    c.circle(220, 330, 5, fill=INK)
    c.circle(240, 330, 5, fill=INK)
    if clear:
        c.rect(190, 290, 270, 372, fill=None, outline=(120, 150, 180), width=4, radius=8)
        c.rect(194, 294, 266, 300, fill=(160, 190, 220))
        c.text(230, 392, "检修专用", size=18, fill=DARK, anchor="mm")
        for x in (80, 600):
            c.line([(x, gy + 20), (x, c.h)], fill=YELLOW, width=8)
        ok_badge(c)
    else:
        p1 = ebike(c, 250, 680, s=1.2, body=RED)
        p2 = ebike(c, 430, 680, s=1.2, body=(230, 150, 60))
        c.line(bezier((230, 360), (180, 520), (150, 620)), fill=CORD, width=4)
        power_strip(c, 150, 630)
        for p in (p1, p2):
            c.line(bezier((180, 630), ((180 + p[0]) / 2, 660), p), fill=CORD, width=3)
        spark(c, 230, 360, s=0.8)
        warning_badge(c)
    boxes(c, 40, gy, 2, rnd)
    return c.finish()


def scene_shutter(name, clear=False):
    rnd = rng_for(name)
    c = Canvas()
    gy = 580
    sky_and_ground(c, horizon=gy)
    clouds(c, rnd)
    c.rect(60, 140, 900, gy, fill=(218, 210, 196))
    c.rect(50, 124, 910, 146, fill=(160, 150, 136))
    c.rect(250, 230, 710, gy, fill=(170, 176, 182))
    for y in range(240, gy, 18):
        c.line([(254, y), (706, y)], fill=(196, 200, 204), width=4)
    c.rect(240, 212, 720, 236, fill=(130, 136, 142))
    windows_grid(c, 60, 170, 250, 330, 1, 1)
    windows_grid(c, 710, 170, 900, 330, 1, 1)
    if clear:
        c.line([(250, gy + 20), (250, c.h)], fill=YELLOW, width=6)
        c.line([(710, gy + 20), (710, c.h)], fill=YELLOW, width=6)
        ok_badge(c)
    else:
        port = ebike(c, 520, 690, s=1.3, body=(60, 150, 150))
        c.line(bezier((330, gy - 2), (360, 660), port), fill=CORD, width=4)
        c.rect(316, gy - 8, 344, gy + 4, fill=CORD)
        spark(c, 330, gy, s=0.8)
        warning_badge(c)
    return c.finish()


def scene_wiring(name, clear=False):
    c = Canvas()
    c.rect(0, 0, c.w, c.h, fill=(214, 196, 172))
    for y in range(0, c.h, 40):
        off = 0 if (y // 40) % 2 == 0 else 40
        for x in range(-off, c.w, 80):
            c.rect(x + 2, y + 2, x + 78, y + 38, outline=(196, 176, 150), width=2)
    c.rect(0, 600, c.w, c.h, fill=ASPHALT)
    # warehouse door frame on the right
    c.rect(600, 120, 900, 600, fill=(110, 100, 92))
    c.rect(620, 140, 880, 600, fill=(72, 66, 62))
    boxes(c, 660, 600, 3, rng_for(name), w=60, h=44)
    boxes(c, 760, 600, 4, rng_for(name + "b"), w=60, h=44)
    # distribution box
    c.rect(150, 160, 330, 360, fill=(200, 204, 208), outline=GREY, width=4, radius=6)
    c.poly([(240, 200), (222, 250), (246, 250), (230, 300), (262, 236), (238, 236), (252, 200)], fill=YELLOW)
    if clear:
        c.rect(290, 250, 310, 272, fill=(90, 96, 104), radius=3)
        c.line([(240, 160), (240, 40)], fill=(230, 232, 234), width=14)
        c.line([(240, 160), (240, 40)], fill=(200, 204, 208), width=4)
        ok_badge(c)
    else:
        c.line([(320, 200), (350, 196)], fill=CORD, width=4)
        wire = bezier((350, 196), (480, 420), (610, 150), steps=30)
        c.line(wire, fill=CORD, width=4)
        for t in (8, 18):
            x, y = wire[t]
            c.rect(x - 9, y - 6, x + 9, y + 6, fill=(60, 60, 64))
            c.rect(x - 9, y - 6, x + 9, y - 2, fill=(90, 90, 96))
        c.line(bezier((610, 150), (640, 220), (612, 300)), fill=CORD, width=4)
        power_strip(c, 612, 316)
        c.line(bezier((630, 320), (560, 460), (500, 600)), fill=CORD, width=3)
        spark(c, wire[8][0], wire[8][1], s=0.8)
        warning_badge(c, x=860, y=30)
    return c.finish()


def scene_trike(name, modified=True):
    rnd = rng_for(name)
    c = Canvas()
    gy = 600
    sky_and_ground(c, horizon=440, ground=ASPHALT)
    clouds(c, rnd)
    c.rect(0, 250, c.w, 440, fill=(224, 218, 206))
    c.rect(0, 236, c.w, 254, fill=(180, 170, 156))
    windows_grid(c, 0, 260, c.w, 430, 6, 1)
    port = tricycle(c, 220, gy, s=2.1, body=(70, 140, 200))
    if modified:
        x, y = 360, gy - 96
        c.rect(x, y, x + 110, y + 44, fill=(60, 60, 64), outline=INK, width=2)
        for dx in (14, 58, 92):
            c.rect(x + dx, y - 4, x + dx + 10, y + 48, fill=(200, 200, 190))
        c.line(bezier((x + 110, y + 10), (x + 170, y + 80), (port[0], port[1] + 4)), fill=RED, width=4)
        c.line(bezier((x + 110, y + 26), (x + 150, y + 110), (port[0] + 8, port[1] + 6)), fill=INK, width=4)
        spark(c, x + 118, y + 18, s=0.8)
        c.rect(700, gy + 20, 790, gy + 70, fill=(110, 110, 110), radius=6)
        c.line(bezier((745, gy + 20), (700, gy - 40), (port[0] + 10, port[1])), fill=CORD, width=3)
        warning_badge(c)
    else:
        c.rect(700, gy + 10, 800, gy + 70, fill=(40, 44, 50), radius=8)
        c.rect(716, gy + 22, 784, gy + 36, fill=(90, 96, 104), radius=3)
        c.circle(790, gy + 20, 5, fill=GREEN)
        c.line(bezier((750, gy + 10), (700, gy - 40), (port[0] + 10, port[1])), fill=CORD, width=3)
        ok_badge(c)
    return c.finish()


def scene_door_cord(name):
    rnd = rng_for(name)
    c = Canvas()
    gy = 560
    sky_and_ground(c, horizon=gy)
    clouds(c, rnd)
    c.rect(80, 120, 880, gy - 60, fill=(222, 226, 230))
    c.rect(70, 104, 890, 124, fill=(150, 156, 162))
    windows_grid(c, 80, 130, 880, 290, 5, 1)
    c.rect(400, 320, 560, gy - 60, fill=(150, 190, 214), outline=WHITE, width=6)
    c.line([(480, 320), (480, gy - 60)], fill=WHITE, width=4)
    for i in range(3):
        c.rect(
            360 - i * 20, gy - 60 + i * 20, 600 + i * 20, gy - 40 + i * 20, fill=(200, 200, 196), outline=(170, 170, 166), width=2
        )
    p1 = ebike(c, 500, 680, s=1.1, body=RED)
    p2 = ebike(c, 660, 680, s=1.1, body=BLUE)
    c.line(bezier((470, gy - 62), (430, 620), p1), fill=CORD, width=4)
    c.line(bezier(p1, ((p1[0] + p2[0]) / 2, p1[1] + 40), p2), fill=CORD, width=3)
    spark(c, p1[0], p1[1], s=0.8)
    warning_badge(c)
    return c.finish()


def scene_factory(name, kind="warehouse", sign=""):
    rnd = rng_for(name)
    c = Canvas()
    gy = 560
    sky_and_ground(c, horizon=gy)
    clouds(c, rnd, n=3)
    if kind == "sawtooth":
        c.rect(120, 240, 900, gy, fill=(214, 220, 226))
        for i in range(6):
            x = 120 + i * 130
            c.poly([(x, 240), (x + 100, 170), (x + 130, 170), (x + 130, 240)], fill=(150, 166, 180))
            c.poly([(x + 100, 176), (x + 126, 176), (x + 126, 236), (x + 100, 236)], fill=(180, 208, 226))
        windows_grid(c, 120, 280, 900, 400, 6, 1)
        c.rect(420, 420, 600, gy, fill=(120, 132, 144))
    else:
        c.rect(140, 200, 900, gy, fill=(232, 222, 200))
        c.rect(130, 184, 910, 204, fill=(170, 150, 120))
        for x in (220, 440, 660):
            c.rect(x, 360, x + 170, gy, fill=(150, 156, 162))
            for y in range(372, gy, 18):
                c.line([(x + 4, y), (x + 166, y)], fill=(176, 182, 188), width=3)
        windows_grid(c, 140, 220, 900, 330, 6, 1)
    # gate with pillars, sliding gate and a name board
    c.rect(20, 420, 70, c.h - 40, fill=(196, 190, 180))
    c.rect(330, 420, 380, c.h - 40, fill=(196, 190, 180))
    for x in range(80, 330, 26):
        c.line([(x, 560), (x, c.h - 50)], fill=(120, 126, 132), width=4)
    c.line([(70, 560), (330, 560)], fill=(120, 126, 132), width=5)
    c.line([(70, c.h - 50), (330, c.h - 50)], fill=(120, 126, 132), width=5)
    if sign:
        c.rect(390, 600, 700, 660, fill=WHITE, outline=GREY, width=3, radius=4)
        c.text(545, 630, sign, size=30, fill=INK, anchor="mm")
    c.rect(0, c.h - 40, c.w, c.h, fill=ASPHALT)
    return c.finish()


def micro_station(c: Canvas, x0, y0, x1, y1):
    c.rect(x0, y0, x1, y1, fill=RED, outline=DEEP_RED, width=4, radius=6)
    c.rect(x0 + 16, y0 + 14, x1 - 16, y0 + 64, fill=WHITE, radius=4)
    c.text((x0 + x1) / 2, y0 + 39, "微型消防站", size=32, fill=RED, anchor="mm")
    mid = (x0 + x1) / 2
    for gx0, gx1 in ((x0 + 16, mid - 6), (mid + 6, x1 - 16)):
        c.rect(gx0, y0 + 80, gx1, y1 - 20, fill=(236, 240, 244), outline=DEEP_RED, width=3)
    gy = y1 - 24
    # left: extinguishers and helmets
    lw = mid - 6 - (x0 + 16)
    for i in range(3):
        extinguisher(c, x0 + 16 + lw * (0.2 + 0.3 * i), gy, s=1.1)
    hy = y0 + 130
    for i in range(2):
        hx = x0 + 16 + lw * (0.3 + 0.4 * i)
        c.pieslice(hx - 34, hy - 30, hx + 34, hy + 30, 180, 360, fill=YELLOW)
        c.rect(hx - 40, hy - 2, hx + 40, hy + 6, fill=(220, 170, 40))
    # right: hose reel, nozzle, radio
    rx = (mid + 6 + x1 - 16) / 2
    c.circle(rx, y0 + 200, 70, fill=(230, 220, 200), outline=INK, width=4)
    for r in (56, 42, 28):
        c.circle(rx, y0 + 200, r, outline=(190, 170, 140), width=6)
    c.circle(rx, y0 + 200, 10, fill=INK)
    c.line([(rx - 60, gy - 40), (rx + 40, gy - 60)], fill=INK, width=10)
    c.rect(rx + 40, gy - 72, rx + 70, gy - 50, fill=(160, 160, 160))
    c.rect(rx - 70, gy - 150, rx - 40, gy - 80, fill=INK, radius=4)
    c.line([(rx - 48, gy - 150), (rx - 48, gy - 175)], fill=INK, width=4)


def scene_micro_station(name, people=False):
    c = Canvas()
    gy = 600
    c.rect(0, 0, c.w, gy, fill=(232, 228, 220))
    c.rect(0, gy, c.w, c.h, fill=ASPHALT)
    c.rect(0, 0, c.w, 40, fill=(200, 194, 184))
    if people:
        micro_station(c, 80, 120, 500, gy - 6)
        person(c, 600, 700, s=1.6, shirt=(40, 50, 80), helmet=RED)
        c.line([(560, 520), (640, 540)], fill=(230, 220, 200), width=10)
        person(c, 740, 700, s=1.6, shirt=(40, 50, 80), helmet=RED)
        extinguisher(c, 790, 610, s=1.0)
        person(c, 870, 700, s=1.5, shirt=(40, 50, 80), helmet=YELLOW)
    else:
        micro_station(c, 240, 90, 720, gy - 6)
        c.rect(760, 300, 900, 340, fill=EXIT_GREEN, radius=4)
        c.text(830, 320, "全天值守", size=22, fill=WHITE, anchor="mm")
    return c.finish()


def meeting_room(name, wall, floor_y, floor, screen):
    """An indoor scene's start: its random source, the canvas, wall, floor and projection screen."""
    c = Canvas()
    c.rect(0, 0, c.w, c.h, fill=wall)
    c.rect(0, floor_y, c.w, c.h, fill=floor)
    c.rect(*screen, fill=WHITE, outline=DARK, width=6)
    return rng_for(name), c


def scene_lecture(name):
    # screen with a battery-and-plug slide
    rnd, c = meeting_room(name, (236, 232, 224), 380, (200, 184, 160), (250, 50, 710, 300))
    c.rect(300, 110, 430, 220, fill=(40, 44, 50), radius=10)
    c.rect(340, 96, 390, 112, fill=(40, 44, 50))
    c.rect(318, 180, 412, 204, fill=GREEN)
    c.line(bezier((430, 160), (520, 140), (560, 180)), fill=CORD, width=6)
    c.rect(560, 164, 620, 206, fill=(110, 110, 110), radius=6)
    c.text(480, 268, "电池与充电安全", size=28, fill=INK, anchor="mm")
    # speaker and podium
    person(c, 800, 390, s=1.2, shirt=(40, 60, 110))
    c.rect(740, 300, 860, 400, fill=(150, 110, 80))
    # audience from behind: rows of seats with heads
    hair = [INK, (80, 60, 50), (60, 60, 60), (120, 100, 80)]
    shirts = [BLUE, (230, 150, 60), (70, 140, 200), GREEN, RED, (120, 90, 170)]
    for r, (y, s) in enumerate(((430, 0.8), (520, 1.0), (625, 1.2))):
        n = 8 - r
        for i in range(n):
            x = 70 + (i + 0.5) * (820 / n) + rnd.randint(-8, 8)
            c.rect(x - 34 * s, y - 30 * s, x + 34 * s, y + 40 * s, fill=shirts[rnd.randrange(6)], radius=12 * s)
            c.circle(x, y - 48 * s, 20 * s, fill=hair[rnd.randrange(4)])
        c.rect(20, y + 30 * s, c.w - 20, y + 60 * s, fill=(60, 80, 120), radius=6)
    return c.finish()


def scene_meeting(name):
    rnd, c = meeting_room(name, (232, 230, 222), 420, (190, 176, 156), (300, 40, 660, 250))
    # slide: a wall, an open window, a cord hanging down
    c.rect(330, 70, 470, 230, fill=(226, 206, 176))
    c.rect(370, 100, 420, 140, fill=(60, 70, 82))
    c.line(bezier((410, 140), (430, 200), (520, 214)), fill=CORD, width=5)
    c.circle(560, 200, 26, outline=RED, width=6)
    c.line([(542, 182), (578, 218)], fill=RED, width=6)
    c.poly([(380, 470), (580, 470), (760, c.h), (200, c.h)], fill=(160, 116, 80))
    c.poly([(396, 478), (564, 478), (730, c.h - 6), (230, c.h - 6)], fill=(176, 130, 92))
    shirts = [BLUE, (230, 150, 60), (70, 140, 200), GREEN, (40, 60, 110), (120, 90, 170)]
    for _i, t in enumerate((0.05, 0.3, 0.6, 0.92)):
        s = 0.7 + 0.6 * t
        y = 470 + (c.h - 470) * t
        for side in (-1, 1):
            x = 480 + side * (120 + 200 * t) + side * 40 * s
            c.rect(x - 30 * s, y - 70 * s, x + 30 * s, y, fill=shirts[rnd.randrange(6)], radius=10 * s)
            c.circle(x, y - 90 * s, 20 * s, fill=(236, 196, 160))
            c.pieslice(x - 21 * s, y - 112 * s, x + 21 * s, y - 80 * s, 180, 360, fill=INK)
            c.rect(x - side * 40 * s - 18 * s, y - 20 * s, x - side * 40 * s + 18 * s, y - 8 * s, fill=WHITE)
    return c.finish()


def scene_drill(name):
    rnd = rng_for(name)
    c = Canvas()
    gy = 520
    sky_and_ground(c, horizon=gy, ground=ASPHALT)
    clouds(c, rnd)
    c.rect(0, 330, c.w, gy, fill=(222, 218, 206))
    windows_grid(c, 0, 350, c.w, 500, 7, 1)
    # fire pan with flames
    c.rect(560, 600, 760, 640, fill=(70, 70, 70))
    for _i, (dx, h, col) in enumerate(((20, 120, ORANGE), (70, 170, RED), (120, 140, ORANGE), (165, 100, RED))):
        x = 560 + dx
        c.poly([(x - 30, 602), (x, 602 - h), (x + 30, 602)], fill=col)
        c.poly([(x - 14, 602), (x, 602 - h * 0.55), (x + 14, 602)], fill=YELLOW)
    # spray from the extinguisher
    c.poly([(300, 520), (560, 470), (640, 600), (300, 536)], fill=(236, 238, 240))
    # firefighter holding an extinguisher
    person(c, 220, 700, s=1.6, shirt=(40, 50, 80), helmet=RED)
    c.rect(188, 560, 252, 572, fill=YELLOW)
    extinguisher(c, 270, 620, s=1.1)
    c.line([(280, 540), (300, 528)], fill=INK, width=8)
    # onlookers
    for i, x in enumerate((820, 880, 930)):
        person(c, x, 700, s=1.1, shirt=[BLUE, GREEN, (230, 150, 60)][i])
    return c.finish()


def scene_avatar(name, bg, shirt, hair=INK, hair_long=False, badge=False):
    c = Canvas(720, 720, bg)
    c.circle(360, 380, 300, fill=tuple(min(255, v + 18) for v in bg))
    # shoulders and body
    c.pieslice(130, 470, 590, 930, 180, 360, fill=shirt)
    c.rect(130, 700, 590, 720, fill=shirt)
    # neck and head
    c.rect(320, 400, 400, 500, fill=(226, 186, 150))
    c.ellipse(250, 190, 470, 440, fill=(236, 196, 160))
    if hair_long:
        c.pieslice(236, 170, 484, 420, 170, 370, fill=hair)
        c.rect(236, 290, 276, 470, fill=hair, radius=16)
        c.rect(444, 290, 484, 470, fill=hair, radius=16)
    else:
        c.pieslice(244, 176, 476, 390, 180, 360, fill=hair)
    if badge:
        c.circle(470, 590, 18, fill=RED)
    return c.finish()


# ---------------------------------------------------------------- manifest
def manifest():
    """(relative path, zero-argument function returning an image)."""
    items = [
        # cases: before / after pairs
        (
            "cases/hengshun-cangku-feixian-before.jpg",
            lambda n: scene_window_cord(n, floors=3, vehicles=("bike",) * 4, win=(1, 1), boxes_inside=True),
        ),
        ("cases/hengshun-cangku-feixian-after.jpg", lambda n: scene_shed(n)),
        ("cases/jinggong-chejian-feixian-before.jpg", lambda n: scene_wall_socket(n)),
        ("cases/jinggong-chejian-feixian-after.jpg", lambda n: scene_wall_socket(n, clear=True)),
        ("cases/sushe-loudao-tingfang-before.jpg", lambda n: scene_corridor(n)),
        ("cases/sushe-loudao-tingfang-after.jpg", lambda n: scene_corridor(n, clear=True)),
        (
            "cases/fenjianchang-chuangkou-feixian-before.jpg",
            lambda n: scene_window_cord(
                n, floors=2, vehicles=("trike", "trike", "trike"), win=(1, 2), wall=(214, 220, 226), strip=True
            ),
        ),
        ("cases/fenjianchang-chuangkou-feixian-after.jpg", lambda n: scene_shed(n, vehicles="trike")),
        ("cases/xiaowei-qiye-feixian-before.jpg", lambda n: scene_shutter(n)),
        ("cases/xiaowei-qiye-feixian-after.jpg", lambda n: scene_shutter(n, clear=True)),
        ("cases/cangku-silai-dianxian-before.jpg", lambda n: scene_wiring(n)),
        ("cases/cangku-silai-dianxian-after.jpg", lambda n: scene_wiring(n, clear=True)),
        ("cases/kuaidi-sanlunche-gaizhuang-before.jpg", lambda n: scene_trike(n)),
        ("cases/kuaidi-sanlunche-gaizhuang-after.jpg", lambda n: scene_trike(n, modified=False)),
        (
            "cases/sushe-chuangkou-feixian-before.jpg",
            lambda n: scene_window_cord(n, floors=3, vehicles=("bike", "bike"), win=(1, 0), wall=(236, 226, 208)),
        ),
        ("cases/wuliu-bangonglou-feixian-before.jpg", lambda n: scene_door_cord(n)),
        (
            "cases/jiagong-chejian-feixian-before.jpg",
            lambda n: scene_window_cord(n, floors=2, vehicles=("bike",), win=(1, 1), wall=(206, 214, 220), boxes_inside=True),
        ),
        ("cases/jiagong-chejian-feixian-after.jpg", lambda n: scene_shed(n)),
        # enterprises
        ("enterprises/hengshun-wuliu.jpg", lambda n: scene_factory(n, kind="warehouse", sign="示例·恒顺物流")),
        ("enterprises/hengshun-wuliu-chongdian.jpg", lambda n: scene_shed(n, vehicles="mixed")),
        ("enterprises/jinggong-jixie.jpg", lambda n: scene_factory(n, kind="sawtooth", sign="示例·精工机械")),
        # facilities
        ("facilities/dongmen-chongdian.jpg", lambda n: scene_shed(n)),
        ("facilities/wuliu-chongdian.jpg", lambda n: scene_shed(n, vehicles="mixed", exits=True)),
        ("facilities/beiqu-chongdian.jpg", lambda n: scene_shed(n, ext_box=True, small=True)),
        ("facilities/weixing-xiaofangzhan.jpg", lambda n: scene_micro_station(n)),
        # events
        ("events/yantaohui-2023-07.jpg", lambda n: scene_meeting(n)),
        ("events/qishou-jiangzuo-2023-09.jpg", lambda n: scene_lecture(n)),
        ("events/yanlian-2023-11-miehuoqi.jpg", lambda n: scene_drill(n)),
        ("events/yanlian-2023-11-qicai.jpg", lambda n: scene_micro_station(n, people=True)),
        # people: flat avatars, no faces
        ("people/zhou-deming.jpg", lambda n: scene_avatar(n, (196, 214, 232), (40, 60, 110), hair=(150, 150, 150), badge=True)),
        (
            "people/chen-guilan.jpg",
            lambda n: scene_avatar(n, (236, 214, 206), (150, 60, 70), hair=(90, 90, 90), hair_long=True, badge=True),
        ),
        ("people/wu-changlin.jpg", lambda n: scene_avatar(n, (208, 226, 204), (70, 90, 70), hair=(170, 170, 170), badge=True)),
        ("people/liu-xiaoyan.jpg", lambda n: scene_avatar(n, (244, 226, 196), (60, 120, 180), hair_long=True, badge=True)),
        ("people/qian-zhigang.jpg", lambda n: scene_avatar(n, (214, 208, 232), (200, 80, 60), badge=True)),
        (
            "people/xu-lei.jpg",
            lambda n: scene_avatar(n, (204, 232, 228), (40, 130, 120), hair=(70, 50, 40), hair_long=True, badge=True),
        ),
        ("people/sun-haibo.jpg", lambda n: scene_avatar(n, (226, 226, 226), (90, 100, 110))),
    ]
    return items


def save_jpeg(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = img.convert("RGB")
    img.info.clear()
    img.save(path, "JPEG", **JPEG_OPTIONS)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Draw the sample illustrations.")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write into (default: content/media)")
    args = ap.parse_args(argv)
    if _FONT_FILE is None:
        print("注意：未找到 Noto CJK 字体，图片中的「示意图」标签和文字将省略。")
    total = 0
    for rel, draw in manifest():
        path = args.out / rel
        save_jpeg(draw(rel), path)
        size = path.stat().st_size
        total += size
        print(f"{rel}  {size // 1024} KB")
    print(f"共 {len(manifest())} 张，合计 {total // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
