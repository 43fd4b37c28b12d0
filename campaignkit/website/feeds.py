"""The site's feeds: Atom (feed.xml) and its RSS 2.0 twin (rss.xml), the same entries in both:
the newest items of every kind the registry puts in the feed (cases, events, lessons: a lesson
under its published_on, else the day of the first event that taught it).

Each entry carries a cover image: the item page's wide share image (share_images.py: its
title and own photo on the campaign red), as an enclosure (Atom link rel="enclosure", RSS
<enclosure>) and as Media RSS <media:content>, which most readers show as the entry's
picture. Reads only the public view; every date comes from the content, so rebuilding
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from campaignkit.content.kinds import KINDS
from campaignkit.view.campaign import Campaign
from campaignkit.website.share_cards import WIDE, image_paths

FEED_ENTRIES = 50
PATH, RSS_PATH = "feed.xml", "rss.xml"
MEDIA_NS = "http://search.yahoo.com/mrss/"
CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Entry:
    day: str
    title: str
    summary: str
    url: str
    cover_url: str
    cover_bytes: int


def _moment(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=CHINA)


def entries(campaign: Campaign, site_dir: Path) -> list[Entry]:
    """The newest FEED_ENTRIES items, newest first; their covers must already be in `site_dir`."""
    base = campaign.site["base_url"].rstrip("/") + "/"
    found = []
    for kind in KINDS.values():
        if kind.feed is not None:
            for item in campaign.items[kind.folder]:
                entry = kind.feed(item)
                if entry is not None:
                    day, title, summary = entry
                    found.append((day, item, title, summary))
    found.sort(key=lambda x: (x[0], x[1].id), reverse=True)
    out = []
    for day, item, title, summary in found[:FEED_ENTRIES]:
        cover = image_paths(item.url)[0]
        out.append(Entry(day, title, summary or "", base + item.url, base + cover, (site_dir / cover).stat().st_size))
    return out


def write_feed(campaign: Campaign, site_dir: Path) -> None:
    """Both feeds into the finished site, and the sitemap's dates."""
    date_sitemap(campaign, site_dir)
    items = entries(campaign, site_dir)
    updated = _moment(items[0].day if items else campaign.latest_date)
    (site_dir / PATH).write_text(atom(campaign.site, items, updated), encoding="utf-8")
    (site_dir / RSS_PATH).write_text(rss(campaign.site, items, updated), encoding="utf-8")


def atom(site: dict, items: list[Entry], updated: dt.datetime) -> str:
    base = site["base_url"].rstrip("/") + "/"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="{MEDIA_NS}" xml:lang="zh-CN">',
        f"<title>{escape(site['title'])}</title>",
        f"<subtitle>{escape(site['description'])}</subtitle>",
        f"<id>{escape(base)}</id>",
        f'<link rel="alternate" type="text/html" href={quoteattr(base)}/>',
        f'<link rel="self" type="application/atom+xml" href={quoteattr(base + PATH)}/>',
        f"<logo>{escape(base + image_paths('')[0])}</logo>",
        f"<updated>{updated.isoformat()}</updated>",
        f"<author><name>{escape(site['org'])}</name></author>",
    ]
    for e in items:
        parts += [
            "<entry>",
            f"<title>{escape(e.title)}</title>",
            f"<id>{escape(e.url)}</id>",
            f'<link rel="alternate" type="text/html" href={quoteattr(e.url)}/>',
            f'<link rel="enclosure" type="image/jpeg" length="{e.cover_bytes}" href={quoteattr(e.cover_url)}/>',
            f"<published>{_moment(e.day).isoformat()}</published>",
            f"<updated>{_moment(e.day).isoformat()}</updated>",
            f"<summary>{escape(e.summary)}</summary>",
            _media(e),
            "</entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts) + "\n"


def rss(site: dict, items: list[Entry], updated: dt.datetime) -> str:
    base = site["base_url"].rstrip("/") + "/"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="{MEDIA_NS}">',
        "<channel>",
        f"<title>{escape(site['title'])}</title>",
        f"<link>{escape(base)}</link>",
        f"<description>{escape(site['description'])}</description>",
        "<language>zh-CN</language>",
        f'<atom:link rel="self" type="application/rss+xml" href={quoteattr(base + RSS_PATH)}/>',
        f"<lastBuildDate>{format_datetime(updated)}</lastBuildDate>",
        f"<image><url>{escape(base + image_paths('')[0])}</url><title>{escape(site['title'])}</title><link>{escape(base)}</link></image>",
    ]
    for e in items:
        parts += [
            "<item>",
            f"<title>{escape(e.title)}</title>",
            f"<link>{escape(e.url)}</link>",
            f'<guid isPermaLink="true">{escape(e.url)}</guid>',
            f"<pubDate>{format_datetime(_moment(e.day))}</pubDate>",
            f"<description>{escape(e.summary)}</description>",
            f'<enclosure url={quoteattr(e.cover_url)} length="{e.cover_bytes}" type="image/jpeg"/>',
            _media(e),
            "</item>",
        ]
    parts += ["</channel>", "</rss>"]
    return "\n".join(parts) + "\n"


def _media(e: Entry) -> str:
    return f'<media:content url={quoteattr(e.cover_url)} medium="image" type="image/jpeg" width="{WIDE[0]}" height="{WIDE[1]}"/>'


def _item_date(kind, item) -> str | None:
    """An item's newest date: the latest of its date fields (schema: x-date), e.g. a case's
    rectified_on after its found_on; without any, the day it entered the feed under."""
    found = [getattr(item, name, None) for name, spec in kind.fields.items() if spec.get("x-date")]
    days = [str(d) for d in found if d]
    if not days and kind.feed is not None:  # a lesson without published_on: its feed day
        entry = kind.feed(item)
        days = [entry[0]] if entry else []
    return max(days) if days else None


def page_dates(campaign: Campaign) -> dict[str, str]:
    """Each page's last change as its content says (site-relative URL → YYYY-MM-DD): an item page
    its own newest date, a section its newest item's, the home page and the rest the campaign's."""
    out: dict[str, str] = {}
    for kind in KINDS.values():
        days = []
        for item in campaign.items[kind.folder]:
            day = _item_date(kind, item)
            if day:
                out[item.url] = day
                days.append(day)
        if days:
            out[f"{kind.folder}/"] = max(days)
    return out


def date_sitemap(campaign: Campaign, site_dir: Path) -> None:
    """MkDocs dates every sitemap entry with the build's date: each <lastmod> from its own page's
    content instead (sitemap.xml and its .gz twin)."""
    path = site_dir / "sitemap.xml"
    if not path.exists():
        return
    base = campaign.site["base_url"].rstrip("/") + "/"
    dates = page_dates(campaign)
    fallback = campaign.latest_date

    def dated(match: re.Match) -> str:
        url = match.group(2)
        rel = url[len(base) :] if url.startswith(base) else url
        section = rel.split("/")[0] + "/" if "/" in rel else rel
        day = dates.get(rel) or (dates.get(section) if rel.startswith(section) and section != rel else None) or fallback
        return f"{match.group(1)}{day}{match.group(3)}"

    text = re.sub(r"(<loc>([^<]*)</loc>\s*<lastmod>)[^<]*(</lastmod>)", dated, path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    gz = site_dir / "sitemap.xml.gz"
    if gz.exists():
        gz.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
