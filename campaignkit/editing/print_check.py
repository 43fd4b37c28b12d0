"""The preview's print check: after an edit, the one-page handouts of the items whose files changed
are drawn in the background, and a print problem is said where the editor looks: on the item's
preview page and on the preview's error page, in the words of the form (the field labels the
browser forms show, editing/decap_config.label_of).

A print problem is a one-page handout kept only in its digest (the texts clipped, "详见网页" beside
the QR code) or one the layout engine could not make. The drawing goes into the cache the build
uses, so publishing afterwards takes the PDF from it.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from pathlib import Path

from campaignkit.common.problems import BuildError
from campaignkit.content.kinds import KINDS as CONTENT_KINDS
from campaignkit.handouts.kinds import BY_KIND, DIGEST, DIGEST_CHARS

CONTENT_SUFFIXES = (".yml", ".yaml")


def field_label(folder: str, name: str) -> str:
    """A field as the form names it (its label), the YAML name after it."""
    from campaignkit.editing.decap_config import label_of

    spec = CONTENT_KINDS[folder].fields.get(name, {})
    return f"“{label_of(spec.get('description', ''), name)}”（{name}）"


def digest_notice(job) -> str:
    """What the editor reads when a one-page handout is printed in its digest."""
    kind = BY_KIND[job.kind]
    fields = "或".join(field_label(job.item_kind, name) for name in kind.shorten) if job.item_kind else ""
    cut = f"请把{fields}写短一些" if fields else "请把文字写短一些"
    return (
        f"{job.kind_label}一页印不下全部文字，印出来的是缩略版：长的文字只印开头（约 {DIGEST_CHARS} 字），"
        f"其余写“详见网页”，读者扫二维码看全文。想在纸上印全，{cut}。"
    )


class PrintCheck:
    """Notices by item URL ("cases/x/"), refreshed in the background after each good rebuild."""

    def __init__(self, content_root: Path, lock: threading.Lock, on_change: Callable[[], None] = lambda: None):
        self.content_root = content_root
        self.lock = lock  # the preview's: one render at a time (each sets SOURCE_DATE_EPOCH)
        self.on_change = on_change  # the preview reloads the open page
        self.notices: dict[str, list[str]] = {}
        self._seen: dict[str, float] | None = None
        self._thread: threading.Thread | None = None

    def _changed(self) -> set[str]:
        """Content files (as `content/cases/x.yml`) changed since the last call (none the first time)."""
        now: dict[str, float] = {}
        for path in self.content_root.rglob("*"):
            if path.suffix in CONTENT_SUFFIXES and path.is_file():
                now[f"{self.content_root.name}/{path.relative_to(self.content_root).as_posix()}"] = path.stat().st_mtime_ns
        before, self._seen = self._seen, now
        if before is None:
            return set()
        return {rel for rel, mtime in now.items() if before.get(rel) != mtime}

    def after_rebuild(self, pending: dict, site_dir: Path) -> threading.Thread | None:
        """Draw the edited items' one-page handouts (pending: site path → PendingHandout) in the background."""
        changed = self._changed()
        todo = [p for p in pending.values() if p.job.max_pages and p.job.source in changed]
        if not todo:
            return None
        self._thread = threading.Thread(target=self._check, args=(todo, site_dir), daemon=True)
        self._thread.start()
        return self._thread

    def _check(self, todo: list, site_dir: Path) -> None:
        found: dict[str, list[str]] = {}
        for pending in todo:
            job = pending.job
            url = CONTENT_KINDS[job.item_kind].url(job.item_id)
            found.setdefault(url, [])
            try:
                with self.lock:
                    pending.render(site_dir / job.path)
            except BuildError as exc:
                found[url].append(f"{job.kind_label}没有生成：{exc.message}")
                continue
            if pending.fit >= DIGEST:
                found[url].append(digest_notice(job))
        changed = {url: notes for url, notes in found.items() if self.notices.get(url, []) != notes}
        for url, notes in changed.items():
            if notes:
                self.notices[url] = notes
            else:
                self.notices.pop(url, None)
        if changed:
            self.on_change()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def for_page(self, rel: str) -> list[str]:
        """The notices of the page at `rel` (its path below the site, e.g. "cases/x/")."""
        rel = rel.strip("/") + "/"
        return self.notices.get(rel, [])

    def all(self) -> list[str]:
        return [note for notes in self.notices.values() for note in notes]


def banner(notices: list[str]) -> str:
    """The notice shown at the top of a preview page (the preview's own, never on the site)."""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notices)
    return (
        '<div class="print-notice" role="alert" style="background:#fff3e0;border:2px solid #b71c1c;'
        'padding:.6rem 1rem;margin:.5rem;font-size:.9rem;color:#000">'
        f"<strong>打印提示（只在预览里显示）</strong><ul style='margin:.3rem 0 0 1rem'>{items}</ul></div>"
    )


def with_banner(page: str, notices: list[str]) -> str:
    """A preview page with its print notices right after <body>."""
    at = page.find("<body")
    end = page.find(">", at) + 1 if at >= 0 else 0
    return page[:end] + banner(notices) + page[end:]
