"""The Atom feed: the newest items of every kind the registry puts in the feed (cases, events).

Reads only the public view; every date comes from the content, so rebuilding changes nothing.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .model import Campaign
from .registry import KINDS

FEED_ENTRIES = 50
PATH = "feed.xml"


def _stamp(day: str) -> str:
    return f"{day}T00:00:00+08:00"


def entries(campaign: Campaign) -> list[tuple[str, object, str, str]]:
    """(date, item, title, summary), newest first, at most FEED_ENTRIES."""
    found = []
    for kind in KINDS.values():
        if kind.feed is not None:
            for item in campaign.items[kind.folder]:
                day, title, summary = kind.feed(item)
                found.append((day, item, title, summary))
    found.sort(key=lambda x: (x[0], x[1].id), reverse=True)
    return found[:FEED_ENTRIES]


def write_feed(campaign: Campaign, site_dir: Path) -> None:
    base = campaign.site["base_url"].rstrip("/") + "/"
    newest = entries(campaign)
    updated = _stamp(newest[0][0]) if newest else _stamp(campaign.latest_date)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"<title>{escape(campaign.site['title'])}</title>",
        f"<subtitle>{escape(campaign.site['description'])}</subtitle>",
        f"<id>{escape(base)}</id>",
        f'<link rel="alternate" href={quoteattr(base)}/>',
        f'<link rel="self" href={quoteattr(base + PATH)}/>',
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(campaign.site['org'])}</name></author>",
    ]
    for day, item, title, summary in newest:
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
    (site_dir / PATH).write_text("\n".join(parts) + "\n", encoding="utf-8")
