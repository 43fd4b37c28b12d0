"""MkDocs' search index, made smaller for phones."""

from __future__ import annotations

import json
from pathlib import Path

PATH = "search/search_index.json"


def compact_search_index(site_dir: Path) -> None:
    """MkDocs writes the search index with every Chinese character as a \\u escape (\\u4e2d)
    (6 bytes instead of 3). Readers download it on every first visit: store it as UTF-8."""
    path = site_dir / PATH
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if not text.isascii():
            return  # written as UTF-8 already (incremental.complete_search_index); MkDocs escapes all
        write(path, json.loads(text))


def write(path: Path, data: dict) -> None:
    """The index as the site publishes it: UTF-8, no spaces."""
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def entries_by_page(entries: list[dict]) -> dict[str, list[dict]]:
    """An index's entries grouped by the page they belong to (its URL, without the #section)."""
    pages: dict[str, list[dict]] = {}
    for entry in entries:
        pages.setdefault(entry["location"].split("#")[0], []).append(entry)
    return pages
