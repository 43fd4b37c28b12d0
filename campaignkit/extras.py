"""Stage 5b: files MkDocs does not make: the Atom feed, alias redirects, the default share image.

All three read only the public view, and every date in them comes from the
content, so the output is the same on every rebuild.
"""
from __future__ import annotations

import datetime as dt
import json
import posixpath
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from .markup import plain_text
from .model import Campaign
from .problems import BuildError

FEED_ENTRIES = 50


def _stamp(day: str) -> str:
    return f"{day}T00:00:00+08:00"


def write_feed(campaign: Campaign, site_dir: Path) -> None:
    base = campaign.site["base_url"].rstrip("/") + "/"
    entries = []
    for c in campaign.cases:
        updated = c["rectified_on"] or c["found_on"]
        entries.append((updated, c, f"【隐患案例·{c['status']}】{c['title']}", c["summary"] or plain_text(c["description"], 140)))
    for e in campaign.events:
        entries.append((e["date"], e, f"【活动】{e['title']}", plain_text(e["summary"], 140)))
    entries.sort(key=lambda x: (x[0], x[1].id), reverse=True)
    entries = entries[:FEED_ENTRIES]
    updated = _stamp(entries[0][0]) if entries else _stamp(campaign.latest_date)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"<title>{escape(campaign.site['title'])}</title>",
        f"<subtitle>{escape(campaign.site['description'])}</subtitle>",
        f"<id>{escape(base)}</id>",
        f'<link rel="alternate" href={quoteattr(base)}/>',
        f'<link rel="self" href={quoteattr(base + "feed.xml")}/>',
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(campaign.site['org'])}</name></author>",
    ]
    for day, item, title, summary in entries:
        url = base + item.url
        parts += [
            "<entry>",
            f"<title>{escape(title)}</title>",
            f"<id>{escape(url)}</id>",
            f'<link rel="alternate" href={quoteattr(url)}/>',
            f"<updated>{_stamp(day)}</updated>",
            f"<summary>{escape(summary or '')}</summary>",
            "</entry>",
        ]
    parts.append("</feed>")
    (site_dir / "feed.xml").write_text("\n".join(parts) + "\n", encoding="utf-8")


REDIRECT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>页面已移动</title>
<meta name="robots" content="noindex"><link rel="canonical" href={canonical}>
<meta http-equiv="refresh" content="0; url={target}"></head>
<body><p>页面已移动到 <a href={target_attr}>新地址</a>。</p></body></html>
"""


def write_redirects(campaign: Campaign, site_dir: Path) -> int:
    """An old id (aliases) keeps working: its URL leads to the item's current page."""
    base = campaign.site["base_url"].rstrip("/") + "/"
    count = 0
    for items in (campaign.cases, campaign.enterprises, campaign.people, campaign.lessons,
                  campaign.patrols, campaign.facilities, campaign.events):
        for item in items:
            for alias in item["aliases"]:
                old_url = f"{item.url.split('/')[0]}/{alias}/"
                target = site_dir / old_url / "index.html"
                if target.exists():
                    raise BuildError(f"{item.source}: aliases: 旧编号“{alias}”的网址 {old_url} 已被其他页面占用")
                relative = posixpath.relpath(item.url.rstrip("/"), old_url.rstrip("/")) + "/"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(REDIRECT.format(canonical=quoteattr(base + item.url), target=escape(relative),
                                                  target_attr=quoteattr(relative)), encoding="utf-8")
                count += 1
    return count


def compact_search_index(site_dir: Path) -> None:
    """MkDocs writes the search index with every Chinese character as a \\u escape (\\u4e2d)
    (6 bytes instead of 3). Readers download it on every first visit: store it as UTF-8."""
    path = site_dir / "search" / "search_index.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def share_card(campaign: Campaign, target: Path, font_path: str | None) -> None:
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


def content_epoch(campaign: Campaign) -> int:
    """SOURCE_DATE_EPOCH from the newest content date: same content, same bytes."""
    day = dt.date.fromisoformat(campaign.latest_date)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())
