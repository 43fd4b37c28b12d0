"""A published URL stays reachable, and links inside Markdown lead somewhere.

People share item pages in WeChat groups and print their QR codes on handouts, so a page
that was published must not vanish as a side effect: a file deleted or renamed without
`aliases`, or an item turned into a draft. (Making a case anonymous hides only the link
between the case and its enterprise, never the enterprise's page.) Before anything is built, the URLs of the last published site are
compared with the URLs this content will publish, and every one that would be lost is an
error naming the item and the fix: keep the old id as `aliases` (the old URL then leads
to the new page) or withdraw the page on purpose by listing it under `withdrawn` in
site.yml.

"The last published site" is the output folder itself (site/ unless --output says
otherwise): its item pages (`<section>/<id>/index.html`), free pages (`<id>/index.html`)
and alias redirects are exactly what readers can reach. A first build (no output folder
yet) has nothing to lose and checks only the links.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from campaignkit.common.problems import Problems
from campaignkit.content.kinds import KINDS, PAGES, name_of, reserved_page_ids
from campaignkit.content.load import Content, Document

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Pages of a section the kit makes itself at an item-like URL (pages.py: the full case list).
# Rebuilding into an existing site fails if one is missing here (tests/test_integrity.py).
SECTION_PAGES = {"cases/all/"}
WITHDRAWN = "withdrawn"
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)|\bhref\s*=\s*[\"']([^\"']+)|<(https?://[^>\s]+)>", re.I)


def published_urls(site_dir: Path | None) -> set[str]:
    """Item and free-page URLs (`cases/x/`, `about/`) of the site in `site_dir`; empty when there is none."""
    if site_dir is None or not Path(site_dir).is_dir():
        return set()
    found = set()
    for page in Path(site_dir).glob("*/*/index.html"):
        folder, item_id = page.parent.parent.name, page.parent.name
        if folder in KINDS and ID.match(item_id) and f"{folder}/{item_id}/" not in SECTION_PAGES:
            found.add(f"{folder}/{item_id}/")
    for page in Path(site_dir).glob("*/index.html"):
        page_id = page.parent.name
        if page_id not in reserved_page_ids() and ID.match(page_id):
            found.add(f"{page_id}/")
    return found


def normalise(url: str, base_url: str = "") -> str:
    """`https://site/cases/x/`, `/cases/x`, `cases/x/index.html` → `cases/x/`."""
    url = url.strip()
    if base_url and url.startswith(base_url.rstrip("/")):
        url = url[len(base_url.rstrip("/")) :]
    url = re.sub(r"[?#].*$", "", url).strip("/")
    url = re.sub(r"(^|/)index\.html$", "", url).strip("/")
    return f"{url}/" if url else ""


@dataclass
class Plan:
    """What this content will publish, and why something would not be."""

    urls: dict[str, Document]  # URL → the document published there (its own page or an alias)


def plan(content: Content, published: dict[str, dict[str, Document]]) -> Plan:
    urls: dict[str, Document] = {}
    for folder, kind in KINDS.items():
        for doc in published[folder].values():
            urls[kind.url(doc.id)] = doc
            aliases = doc.data.get("aliases")
            for alias in aliases if isinstance(aliases, list) else ():  # a wrong type is reported by the schema
                if isinstance(alias, str):
                    urls.setdefault(kind.url(alias), doc)
    for doc in published[PAGES].values():
        urls[f"{doc.id}/"] = doc
    return Plan(urls)


def check_urls_kept(content: Content, published, drafts, the_plan: Plan, site_dir: Path | None, problems: Problems) -> None:
    site = content.site
    withdrawn = _withdrawn(site)
    before = published_urls(site_dir)
    for url in sorted(before - set(the_plan.urls) - set(withdrawn)):
        _report_lost(url, content, drafts, the_plan, before, problems)
    for url, line in withdrawn.items():
        if url in the_plan.urls and site is not None:
            problems.add(
                site.relpath,
                line,
                WITHDRAWN,
                f"网址 {url} 这次仍会发布（{the_plan.urls[url].relpath}），不能同时写在 withdrawn 里：请删掉这一项",
            )


def _withdrawn(site: Document | None) -> dict[str, int]:
    """URL → line of each page site.yml declares withdrawn on purpose."""
    if site is None:
        return {}
    entries = site.data.get(WITHDRAWN)
    if not isinstance(entries, list):
        return {}
    base = site.data["base_url"] if isinstance(site.data.get("base_url"), str) else ""
    return {normalise(e, base): site.line(WITHDRAWN, i) for i, e in enumerate(entries) if isinstance(e, str)}


def _fix(url: str, site: str) -> str:
    return f"如确实要撤下这个页面，请在 {site} 里写 withdrawn: [{url}]（撤下后这个网址会显示“页面不存在”）"


def _report_lost(url: str, content: Content, drafts, the_plan: Plan, before: set[str], problems: Problems) -> None:
    parts = url.strip("/").split("/")
    folder, item_id = (parts[0], parts[1]) if len(parts) == 2 else (PAGES, parts[0])
    lost = f"已发布的网址 /{url} 这次会消失"
    site = content.site.relpath if content.site is not None else f"{content.root.name}/site.yml"
    docs = content.pages if folder == PAGES else content.items[folder]
    doc = next((d for d in docs if d.id == item_id), None)
    unreadable = content.unreadable.get(folder, set()) if folder != PAGES else set()
    if item_id in unreadable:
        return  # the broken file is reported where it is broken
    if doc is not None and doc.id in drafts.get(folder, {}):
        problems.add(
            doc.relpath,
            doc.line("draft"),
            "draft",
            f"{lost}：本文件改成了草稿（draft: true）。要继续发布，请去掉 draft；{_fix(url, site)}",
        )
        return
    if doc is not None:
        return  # published after all under this URL (reported elsewhere if not)
    kind_name = name_of(folder) if folder != PAGES else "页面"
    suffix = ".md" if folder == PAGES else ".yml"
    source = f"{content.root.name}/{folder}/{item_id}{suffix}"
    new = [u for u, d in the_plan.urls.items() if u not in before and d.kind == folder and u == _own_url(d)]
    guess = _renamed_to(item_id, [the_plan.urls[u] for u in new])
    if guess is not None:
        problems.add(
            guess.relpath,
            guess.line(),
            "aliases",
            f"{lost}（{source} 已不存在）：如果本文件是由它改名而来，请加上 aliases: [{item_id}]，"
            f"旧网址会自动跳转到这里；{_fix(url, site)}",
        )
        return
    where = site
    line = content.site.line(WITHDRAWN) if content.site is not None and WITHDRAWN in content.site.data else 1
    problems.add(
        where,
        line,
        WITHDRAWN,
        f"{lost}：{kind_name}“{item_id}”的文件 {source} 已删除或改名。改名的，请在新文件里加上 "
        f"aliases: [{item_id}]；{_fix(url, site)}",
    )


def _own_url(doc: Document) -> str:
    return f"{doc.id}/" if doc.kind == PAGES else KINDS[doc.kind].url(doc.id)


def _renamed_to(old_id: str, candidates: list[Document]) -> Document | None:
    """The newly published item `old_id` was probably renamed to: the only one, or the one clearly closest."""
    if len(candidates) == 1:
        return candidates[0]
    scored = sorted(((difflib.SequenceMatcher(None, old_id, d.id).ratio(), d.id, d) for d in candidates), reverse=True)
    if scored and scored[0][0] >= 0.6 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 0.1):
        return scored[0][2]
    return None


# --- links inside Markdown ----------------------------------------------------------------


def link_problem(target: str, the_plan: Plan, published, drafts, base_url: str, page_url: str) -> str | None:
    """Why a link in Markdown leads nowhere on this site (Chinese), or None when it is fine or not ours."""
    if re.match(r"^(mailto:|tel:|#)", target, re.I):
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) and not (base_url and target.startswith(base_url.rstrip("/"))):
        return None  # another site
    path = target if target.startswith(("/", "http")) else _join(page_url, target)
    url = normalise(path, base_url)
    parts = url.strip("/").split("/") if url else []
    if not parts or url in the_plan.urls or url in SECTION_PAGES:
        return None
    if parts[0] in KINDS and len(parts) == 2 and not parts[1].endswith((".pdf", ".jpg", ".png")):
        folder, item_id = parts
        kind_name = name_of(folder)
        if item_id in drafts.get(folder, {}):
            return f"链接“{target}”指向的{kind_name}“{item_id}”是草稿，不会发布：请先发布它或删掉这个链接"
        close = difflib.get_close_matches(item_id, list(published[folder]), n=1, cutoff=0.75)
        hint = f"，是不是要写“/{folder}/{close[0]}/”？" if close else ""
        return f"链接“{target}”指向的页面不存在（找不到{kind_name}“{item_id}”）{hint}"
    if len(parts) == 1 and parts[0] not in reserved_page_ids() and ID.match(parts[0]):
        close = difflib.get_close_matches(parts[0], list(published[PAGES]), n=1, cutoff=0.75)
        hint = f"，是不是要写“/{close[0]}/”？" if close else ""
        return f"链接“{target}”指向的页面不存在（content/pages/{parts[0]}.md 不存在）{hint}"
    return None


def _join(page_url: str, relative: str) -> str:
    stack = [p for p in page_url.strip("/").split("/") if p]
    for part in relative.split("/"):
        if part == "..":
            if stack:
                stack.pop()
        elif part not in ("", "."):
            stack.append(part)
    return "/" + "/".join(stack)


def links(text: str):
    """(0-based line, target) of every link in a Markdown text."""
    for match in _LINK.finditer(text):
        target = next(g for g in match.groups() if g)
        yield text[: match.start()].count("\n"), target
