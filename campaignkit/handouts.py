"""Stage 4b: printable handouts (PDF via WeasyPrint), rendered in parallel and cached.

Each handout is planned as one self-contained HTML string (its stylesheet inlined,
its images named by content hash, its QR code inline SVG). The cache key is a hash
of that HTML plus the fonts and the WeasyPrint version, so an unchanged handout is
never rendered again and a changed one always is. WeasyPrint runs in worker
processes; templates run here, so workers receive only strings.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import fonts
from .markup import plain_text, render_markdown
from .model import Campaign
from .pages import Handout, cn_date


@dataclass
class Job:
    """One PDF to make: its HTML and what the site says about it."""

    kind: str
    kind_label: str
    item_kind: str
    item_id: str
    title: str
    path: str  # site-relative output path
    html: str

    def digest(self) -> str:
        import weasyprint

        h = hashlib.sha256()
        for part in (self.html, fonts.fingerprint(), weasyprint.__version__, os.environ.get("SOURCE_DATE_EPOCH", "")):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()


def qr_svg(url: str) -> Markup:
    return Markup(segno.make(url, error="m").svg_inline(scale=3, border=2, dark="#000", light="#fff", omitsize=False))


def environment(templates: Path, campaign: Campaign, media_dir: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(str(templates / "handouts")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    base = campaign.site["base_url"].rstrip("/") + "/"
    css = (templates / "handouts" / "handout.css").read_text(encoding="utf-8")
    env.filters.update(md=render_markdown, plain=plain_text, cn_date=cn_date)
    env.globals.update(
        site=campaign.site, campaign=campaign, css=Markup(css), qr=qr_svg,
        online=lambda item_url: base + item_url,
        # Photos in PDFs use the 960 px renditions from the media cache, not the originals.
        photo_src=lambda photo: (media_dir / Path(photo["src"]).name).resolve().as_uri(),
    )
    return env


def plan(campaign: Campaign, templates: Path, media_dir: Path) -> list[Job]:
    env = environment(templates, campaign, media_dir)
    jobs: list[Job] = []

    def add(kind, label, item, template, path, title, **context):
        html = env.get_template(template).render(kind_label=label, title=title, **context)
        jobs.append(Job(kind, label, item.kind if item is not None else "", item.id if item is not None else "",
                        title, path, html))

    for lesson in campaign.lessons:
        add("lesson", "课程讲义", lesson, "lesson.html.j2", f"downloads/lessons/{lesson.id}.pdf",
            lesson["title"], lesson=lesson)
    return jobs


def _render(html: str, base_url: str, target: str) -> int:
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url).render()
    document.write_pdf(target)
    return len(document.pages)


def render_all(campaign: Campaign, templates: Path, docs_dir: Path, cache_dir: Path, media_dir: Path,
               jobs: int = 1) -> list[Handout]:
    """Render (or take from the cache) every handout into docs_dir; return what the site lists."""
    planned = plan(campaign, templates, media_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    todo = []
    for job in planned:
        cached = cache_dir / f"{job.digest()}.pdf"
        if not (cached.exists() and (cache_dir / f"{job.digest()}.pages").exists()):
            todo.append((job, cached))
    progress = _progress(len(todo))
    if todo:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
            futures = [(job, cached, pool.submit(_render, job.html, str(templates / "handouts"), str(cached) + ".tmp"))
                       for job, cached in todo]
            for job, cached, future in futures:
                pages = future.result()
                os.replace(str(cached) + ".tmp", cached)
                cached.with_suffix(".pages").write_text(str(pages))
                progress.update(1)
    progress.close()
    handouts = []
    for job in planned:
        cached = cache_dir / f"{job.digest()}.pdf"
        target = docs_dir / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
        pages = int(cached.with_suffix(".pages").read_text())
        handouts.append(Handout(job.kind, job.kind_label, job.item_kind, job.item_id, job.title, job.path,
                                pages, target.stat().st_size))
    print(f"讲义：共 {len(planned)} 份，新生成 {len(todo)} 份，{len(planned) - len(todo)} 份未变化沿用缓存。",
          file=sys.stderr)
    return handouts


class _Quiet:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress(total: int):
    if total and sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(total=total, desc="生成讲义", unit="份", file=sys.stderr)
    return _Quiet()
