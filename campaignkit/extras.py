"""Stage 5b: files MkDocs does not make: alias redirects, the compact search index (feeds: feeds.py).

All read only the public view, and every date in them comes from the
content, so the output is the same on every rebuild.
"""
from __future__ import annotations

import datetime as dt
import json
import posixpath
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .model import Campaign
from .problems import BuildError

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


def content_epoch(campaign: Campaign) -> int:
    """SOURCE_DATE_EPOCH from the newest content date: same content, same bytes."""
    day = dt.date.fromisoformat(campaign.latest_date)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp())
