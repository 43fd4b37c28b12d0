"""Alias redirects: an item's old id (`aliases`) keeps its old URL working, for every kind."""

from __future__ import annotations

import posixpath
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from campaignkit.common.problems import BuildError
from campaignkit.content.kinds import KINDS
from campaignkit.view.campaign import Campaign

REDIRECT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>页面已移动</title>
<meta name="robots" content="noindex"><link rel="canonical" href={canonical}>
<meta http-equiv="refresh" content="0; url={target}"></head>
<body><p>页面已移动到 <a href={target_attr}>新地址</a>。</p></body></html>
"""


def write_redirects(campaign: Campaign, site_dir: Path) -> int:
    """Write a redirect page at each alias's URL to the item's current page; return how many."""
    base = campaign.site["base_url"].rstrip("/") + "/"
    count = 0
    for kind in KINDS.values():
        for item in campaign.items[kind.folder]:
            for alias in item.aliases:
                old_url = kind.url(alias)
                target = site_dir / old_url / "index.html"
                if target.exists():
                    raise BuildError(f"{item.source}: aliases: 旧编号“{alias}”的网址 {old_url} 已被其他页面占用")
                relative = posixpath.relpath(item.url.rstrip("/"), old_url.rstrip("/")) + "/"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(
                    REDIRECT.format(
                        canonical=quoteattr(base + item.url), target=escape(relative), target_attr=quoteattr(relative)
                    ),
                    encoding="utf-8",
                )
                count += 1
    return count
