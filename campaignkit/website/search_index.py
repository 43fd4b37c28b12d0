"""MkDocs' search index, made smaller for phones and told the words readers use.

The index is Material's (its search plugin segments Chinese with jieba at build time); the kit
adds the synonym and intent list (`search_words.yml`, extended by site.yml's `search_words`) to the
index's `config` as WORDS_KEY (Material hands only `config` and `docs` to its worker): Material
ignores it, the kit's worker (templates/assets/javascripts/workers/campaign-search.js) reads it with
the index, one download.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML

PATH = "search/search_index.json"
WORDS_KEY = "campaign_words"
DEFAULT_WORDS = Path(__file__).with_name("search_words.yml")


def finish(site_dir: Path, site: dict) -> None:
    """The index as readers get it: UTF-8 (MkDocs writes every Chinese character as a \\u escape,
    6 bytes instead of 3) and with the synonym groups. An incremental build's index is written
    afresh each time (incremental.complete_search_index), so the groups are always set here."""
    path = site_dir / PATH
    if not path.exists():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    data["config"][WORDS_KEY] = {"groups": word_groups(site.get("search_words") or []), "prefer": list(_defaults()["prefer"])}
    write(path, data)


@lru_cache(maxsize=1)
def _defaults() -> dict:
    return YAML(typ="safe", pure=True).load(DEFAULT_WORDS.read_text(encoding="utf-8"))


def default_groups() -> list[tuple[tuple[str, ...], str | None]]:
    return [(tuple(g["words"]), g.get("page")) for g in _defaults()["groups"]]


def word_groups(extra: list[dict]) -> list[dict]:
    """The kit's groups and the editors' (site.yml search_words), merged: groups that share a word
    become one (its page: the first one given, the editors' before the kit's). Each group:
    {"words": [...], "page": "facilities/"} (page only when given)."""
    given = [(tuple(g.get("words") or ()), g.get("page")) for g in extra] + default_groups()
    merged: list[tuple[list[str], str | None]] = []
    for listed, page in given:
        words = [str(w).strip() for w in listed if str(w).strip()]
        touching = [g for g in merged if set(g[0]) & set(words)]
        into = (list(words), page)
        for g in touching:
            merged.remove(g)
            into = (g[0] + [w for w in into[0] if w not in g[0]], g[1] if g[1] is not None else into[1])
        merged.append(into)
    # Written as the index's texts are, HTML-escaped (R&D → R&amp;D): a word is compared with them,
    # and the index, like a page, holds no markup from content (render/output_audit.py).
    return [
        {"words": list(dict.fromkeys(html.escape(x, quote=False) for x in w)), **({"page": p} if p is not None else {})}
        for w, p in merged
    ]


def write(path: Path, data: dict) -> None:
    """The index as the site publishes it: UTF-8, no spaces."""
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def entries_by_page(entries: list[dict]) -> dict[str, list[dict]]:
    """An index's entries grouped by the page they belong to (its URL, without the #section)."""
    pages: dict[str, list[dict]] = {}
    for entry in entries:
        pages.setdefault(entry["location"].split("#")[0], []).append(entry)
    return pages
