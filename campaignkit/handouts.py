"""Stage 4b: printable handouts (PDF via WeasyPrint), rendered in parallel and cached.

Each handout is planned as one self-contained HTML string (its stylesheet inlined,
its images named by content hash, its QR code inline SVG, its dates taken from the
content it shows). The cache key is a hash of that HTML plus the fonts, the
WeasyPrint version and the render options, so an unchanged handout is never
rendered again and a changed one always is. WeasyPrint runs in worker processes;
templates run here, so workers receive only strings.

Reproducible bytes: the PDF's dates come from <meta name="dcterms.created/modified">
(WeasyPrint 70 reads no clock and no SOURCE_DATE_EPOCH for a plain PDF); each worker
still gets SOURCE_DATE_EPOCH set from the handout's own date, not from the build's
newest content date, so a new case elsewhere neither changes nor re-renders this file.

Kinds (site-relative paths are part of the public interface, keep them):

    课程讲义          downloads/lessons/<id>.pdf          one per lesson
    讲座资料包        downloads/events/<id>.pdf           one per event
    讲座答案（讲师用） downloads/events/<id>-answers.pdf   one per event whose lessons have a quiz
    案例警示单        downloads/cases/<id>.pdf            one page per case
    光荣榜            downloads/honor-roll.pdf            A3 portrait poster
    巡查记录表        downloads/patrol-form.pdf           A4 landscape blank form

WeasyPrint's log policy is followed: a warning while rendering (an image that did
not load, a CSS rule it dropped) fails the build instead of shipping a handout
that silently lost something; such a PDF is not cached.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import os
import re
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from . import fonts, media, progress, qrcodes, templating
from .enums import HAZARD, PATROL_EXTRA_CHECKS, STATUS
from .markup import render_markdown
from .model import Campaign, PublicItem
from .problems import BuildError, WarningCollector
from .templating import cn_date

# Photos are downsampled to print resolution inside the PDF (the site keeps its 960 px renditions).
# Tagged PDF (structure for screen readers and reflow) costs ~2 % in size and nothing in time.
RENDER_OPTIONS = {"dpi": 200, "jpeg_quality": 82, "pdf_tags": True}
CACHE_DAYS = 30  # a cached PDF no build has used for this long is deleted
LETTERS = "ABCDEFGHIJ"
CN_DIGITS = "〇一二三四五六七八九"
SIGN_ROWS = 22  # rows on the sign-in sheet: as many as fill one A4 page
PATROL_ROWS = 7  # rows on the blank patrol form: as many as fill one A4 landscape page
# The patrol form's checklist: the hazard kinds a case can have (same words as the cases), the
# other things patrols look for, then 其他 last. (code, name, what it looks like)
PATROL_HAZARDS = [(circled_number, name, what) for circled_number, (name, what) in zip(
    "①②③④⑤⑥⑦⑧⑨⑩",
    [(h.text, h.checklist) for h in HAZARD if h is not HAZARD.other] + list(PATROL_EXTRA_CHECKS)
    + [(HAZARD.other.text, HAZARD.other.checklist)])]


@dataclass(frozen=True)
class Handout:
    """A published PDF: what it is, where it is, how big; pages and lists link to it."""

    kind: str  # lesson / event / answers / case / poster / form
    kind_label: str  # 课程讲义 …
    item_kind: str  # cases / lessons / events / "" for site-wide
    item_id: str
    title: str
    path: str  # site-relative, e.g. downloads/lessons/x.pdf
    pages: int
    size: int

    @property
    def size_label(self) -> str:
        return f"{self.size / 1024:.0f} KB" if self.size < 1024 * 1024 else f"{self.size / 1024 / 1024:.1f} MB"


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
    date: str | None = None  # the newest content date the handout shows (its PDF dates)

    @property
    def epoch(self) -> str:
        """SOURCE_DATE_EPOCH for this handout: from its own content, so other content never touches it."""
        if not self.date:
            return ""
        day = dt.date.fromisoformat(self.date)
        return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))

    def digest(self) -> str:
        import weasyprint

        h = hashlib.sha256()
        for part in (self.html, fonts.fingerprint(), weasyprint.__version__,
                     json.dumps(RENDER_OPTIONS, sort_keys=True), self.epoch):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()


# ---- small helpers the templates call ----------------------------------------------------------

def qr_svg(url: str) -> Markup:
    return qrcodes.inline_svg(url)  # the same code as the page's downloadable QR


def css_string(value: str | None) -> Markup:
    """A quoted CSS string (for @page margin boxes): safe inside <style>, whatever the text."""
    text = str(value or "")
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


def markdown_at(text: str | None, level: int) -> Markup:
    """Editors' Markdown whose headings (h2 and below) start at `level`, so they nest under the handout's."""
    html = _printable_links(str(render_markdown(text)))
    shift = level - 2
    if shift:
        html = re.sub(r"<(/?)h([2-6])\b", lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html)
    return Markup(html)


_LINK = re.compile(r'(<a\b[^>]*?)\s+href="([^"]*)"')


def _printable_links(html: str) -> str:
    """A PDF resolves a relative link against the template folder (a file:// link to this machine):
    in print only web, mail and phone links stay links; any other keeps its text, not its target."""
    return _LINK.sub(lambda m: m.group(0) if re.match(r"(https?|mailto|tel):", m.group(2)) else m.group(1), html)


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (section numbers up to 99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


class SectionCounter:
    """Numbers a handout's sections 一、二、三、 in the order the template writes them."""

    def __init__(self):
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return cn_number(self.n) + "、"


def circled(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"{n}."


def right_answers(question: dict) -> list[str]:
    answer = question["answer"]
    return [str(a) for a in answer] if isinstance(answer, list) else [str(answer)]


def question_text(question: dict) -> str:
    """The question without a trailing （多选） the editor typed: the handout prints the kind itself."""
    return re.sub(r"\s*[（(](单选|多选|判断)(题)?[)）]\s*$", "", question["question"])


def agenda(lessons: list[PublicItem]) -> list[dict]:
    """The event's programme: each lesson with its time slot counted from the start (0:00)."""
    rows, start = [], 0
    for lesson in lessons:
        minutes = lesson["minutes"] or 0
        rows.append({"lesson": lesson, "minutes": minutes, "start": _clock(start),
                     "end": _clock(start + minutes) if minutes else ""})
        start += minutes
    return rows


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"



def lesson_point(case: PublicItem) -> dict | None:
    """The one thing to remember from a case: the key point of its lessons that speaks of its hazard."""
    points = [(p, lesson) for lesson in case["lessons"] for p in lesson["key_points"]]
    words = HAZARD[case["hazard"]].words
    for point, lesson in points:
        if any(w in point for w in words):
            return {"text": point, "lesson": lesson}
    return {"text": points[0][0], "lesson": points[0][1]} if points else None


def newest(*dates: str | None) -> str | None:
    found = [d for d in dates if d]
    return max(found) if found else None


def _case_dates(cases) -> list[str | None]:
    return [d for c in cases for d in (c["found_on"], c["rectified_on"])]


# ---- planning: one Job (HTML string) per PDF ------------------------------------------------------

def environment(templates: Path, campaign: Campaign, media_dir: Path) -> Environment:
    env = templating.environment(templates / "handouts")
    site = campaign.site
    base = site["base_url"].rstrip("/") + "/"
    css = (templates / "handouts" / "handout.css").read_text(encoding="utf-8")
    credits = site.get("credits") or {}
    credits_line = "　".join(f"{label}：{credits[key]}" for key, label in
                            (("contributor", "供稿"), ("reviewer", "审核"), ("publisher", "发布")) if credits.get(key))
    area = (site.get("area") or {}).get("name")
    env.filters.update(md_at=markdown_at, css_string=css_string)
    env.globals.update(
        site=site, campaign=campaign, css=Markup(css), qr=qr_svg,
        online=lambda item_url: base + item_url,
        running_org=site["org"] + (f" · {area}" if area else ""), credits_line=credits_line,
        section_counter=SectionCounter, circled=circled, right_answers=right_answers,
        question_text=question_text, lesson_point=lesson_point, agenda=agenda, cn_number=cn_number,
        sign_rows=SIGN_ROWS, patrol_rows=PATROL_ROWS, patrol_hazards=PATROL_HAZARDS,
        LETTERS=LETTERS,
        photo_src=_photo_uri(media_dir),
    )
    return env


def _photo_uri(media_dir: Path):
    """Photos in PDFs: the cached renditions as data: URIs. WeasyPrint names each image in the
    PDF after an MD5 of its URL, so a file:// URL would make a PDF depend on where the checkout
    lives; the bytes themselves make it depend only on the photo (and put it in the cache key)."""
    cache: dict[str, str] = {}

    def uri(photo: dict) -> str:
        name = Path(photo["src"]).name
        if name not in cache:
            data = base64.b64encode((media_dir / name).read_bytes()).decode("ascii")
            cache[name] = f"data:image/jpeg;base64,{data}"
        return cache[name]

    return uri


def plan(campaign: Campaign, templates: Path, media_dir: Path) -> list[Job]:
    env = environment(templates, campaign, media_dir)
    site = campaign.site
    base = site["base_url"].rstrip("/") + "/"
    area = (site.get("area") or {}).get("name") or ""
    common_keywords = [k for k in ("飞线充电", "电动自行车", "消防安全", area) if k]
    jobs: list[Job] = []
    paths: set[str] = set()

    def add(kind, label, item, template, path, title, subject, keywords, date, qr_url, **context):
        if path in paths:  # two handouts at one path is a bug (an id clash), never an overwrite
            raise BuildError(f"两份讲义要写到同一个位置 {path}，请检查编号")
        paths.add(path)
        html = env.get_template(template).render(
            kind_label=label, title=title, subject=subject, keywords=[k for k in common_keywords + keywords if k],
            date=date, qr_url=qr_url, **context)
        jobs.append(Job(kind, label, item.folder if item is not None else "", item.id if item is not None else "",
                        title, path, html, date))

    for lesson in campaign.lessons:
        add("lesson", "课程讲义", lesson, "lesson.html.j2", f"downloads/lessons/{lesson.id}.pdf",
            lesson["title"], f"课程讲义：{lesson['title']}（{lesson['audience'] or '通用'}）",
            [lesson["audience"] or "", "安全课堂", "课程讲义"],
            newest(*_case_dates(lesson.related_cases[:2])), base + lesson.url, lesson=lesson)

    for event in campaign.events:
        has_quiz = any(lesson["quiz"] for lesson in event["lessons"])
        add("event", "讲座资料包", event, "event.html.j2", f"downloads/events/{event.id}.pdf",
            event["title"], f"讲座资料包：{event['title']}（{cn_date(event['date'])}）",
            [event["kind"] or "", "讲座资料包", "签到表"] + [lesson["title"] for lesson in event["lessons"]],
            event["date"], base + event.url, event=event, has_quiz=has_quiz)
        if has_quiz:
            add("answers", "讲座答案（讲师用）", event, "answers.html.j2", f"downloads/events/{event.id}-answers.pdf",
                f"{event['title']}测验答案", f"讲座答案（讲师用）：{event['title']}（{cn_date(event['date'])}）",
                ["测验答案", "讲师用"], event["date"], base + event.url, event=event)

    for case in campaign.cases:
        add("case", "案例警示单", case, "case.html.j2", f"downloads/cases/{case.id}.pdf",
            case["title"], f"案例警示单：{case['title']}",
            [case["hazard"], f"风险{case['risk']}", case["status"], "隐患案例"],
            newest(case["found_on"], case["rectified_on"]), base + case.url, case=case)

    models = campaign.models
    rectifying = [e for e in campaign.rectifying_enterprises if e not in models]
    teams = campaign.teams()
    if models or rectifying or teams:
        stats = campaign.stats
        rectified_cases = [c for c in campaign.cases if c["status"] == STATUS.fixed.text]
        add("poster", "光荣榜", None, "poster.html.j2", "downloads/honor-roll.pdf",
            f"{site['title']}光荣榜", f"光荣榜：{area or site['title']}安全生产示范企业和党员先锋群像",
            ["光荣榜", "示范企业", "党员先锋", "志愿者"],
            newest(*[e["recognized_on"] for e in models], *_case_dates(rectified_cases),
                   *[p["date"] for p in campaign.patrols]),
            base + "enterprises/", models=models, rectifying=rectifying, teams=teams, stats=stats,
            anonymous_rectified=campaign.anonymous_rectified_count)

    add("form", "巡查记录表", None, "patrol-form.html.j2", "downloads/patrol-form.pdf",
        "电动车充电安全巡查记录表", f"巡查记录表：{area or site['title']}电动车充电安全巡查（空白表）",
        ["巡查记录表", "隐患排查"], None, base + "patrols/")
    return jobs


# ---- rendering -----------------------------------------------------------------------------------

def _render(html: str, base_url: str, target: str, epoch: str = "") -> tuple[int, list[str]]:
    """Render one handout (in a worker process); return its page count and WeasyPrint's warnings."""
    from weasyprint import HTML

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    logger = logging.getLogger("weasyprint")
    collect = WarningCollector()
    logger.addHandler(collect)
    try:
        document = HTML(string=html, base_url=base_url).render()
        document.write_pdf(target, **RENDER_OPTIONS)
    finally:
        logger.removeHandler(collect)
        if epoch:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
    return len(document.pages), collect.messages


def render_all(campaign: Campaign, templates: Path, docs_dir: Path, cache_dir: Path, media_dir: Path,
               jobs: int = 1, pending: dict | None = None) -> list[Handout]:
    """Render (or take from the cache) every handout into docs_dir; return what the site lists.

    With `pending` (the preview server) nothing is rendered: cached PDFs are copied, the others
    are listed with 0 pages and left in `pending` (site path → PendingHandout) to render when
    their link is opened."""
    missing = fonts.check_pdf_environment()
    if missing:
        raise BuildError("\n".join(missing))
    planned = plan(campaign, templates, media_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    digests = {job.path: job.digest() for job in planned}
    todo = [job for job in planned if not _cached(cache_dir, digests[job.path])]
    if pending is not None:
        pending.update({job.path: PendingHandout(job, digests[job.path], str(templates / "handouts"), cache_dir)
                        for job in todo})
        todo = []
    todo.sort(key=lambda job: len(job.html), reverse=True)  # longest first: workers finish together
    with progress.stage("生成讲义", total=len(planned), unit="份") as st:
        st.cached(len(planned) - len(todo) - len(pending or ()))
        st.advance(len(planned) - len(todo))
        failures = _render_in_workers(todo, digests, str(templates / "handouts"), cache_dir, jobs, st)
        later = f"，{len(pending)} 份打开时再生成" if pending else ""
        st.say(f"讲义：共 {len(planned)} 份，新生成 {len(todo)} 份，"
               f"{len(planned) - len(todo) - len(pending or ())} 份未变化沿用缓存{later}。")
    if failures:
        raise BuildError("生成讲义时排版引擎报告了问题（是排版模板或图片的问题，不是内容格式的问题），"
                         "这些讲义没有生成，请把下面的信息发给技术人员：\n" + "\n".join(failures)
                         + "\n未生成网站，site/ 保持不变。")
    handouts = []
    for job in planned:
        if pending is not None and job.path in pending:
            handouts.append(Handout(job.kind, job.kind_label, job.item_kind, job.item_id, job.title, job.path, 0, 0))
            continue
        cached = cache_dir / f"{digests[job.path]}.pdf"
        target = docs_dir / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        media.link_or_copy(cached, target)
        pages = int(cached.with_suffix(".pages").read_text())
        handouts.append(Handout(job.kind, job.kind_label, job.item_kind, job.item_id, job.title, job.path,
                                pages, target.stat().st_size))
    _prune(cache_dir, set(digests.values()))
    return handouts


def _ignore_sigint() -> None:
    """In a PDF worker: Ctrl-C is the build's to handle (it stops the workers); no traceback from here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_in_workers(todo: list[Job], digests: dict, base_url: str, cache_dir: Path, jobs: int, st) -> list[str]:
    """Render `todo` in worker processes into the cache; return WeasyPrint's complaints.

    On Ctrl-C (or any error) the workers are killed at once: ProcessPoolExecutor's own shutdown
    would wait for every running render (seconds each) before the build could stop."""
    failures: list[str] = []
    if not todo:
        return failures
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))), initializer=_ignore_sigint)
    try:
        futures = []
        for job in todo:
            cached = cache_dir / f"{digests[job.path]}.pdf"
            tmp = cache_dir / f"{digests[job.path]}.{os.getpid()}.tmp"
            futures.append((job, cached, tmp, pool.submit(_render, job.html, base_url, str(tmp), job.epoch)))
        for job, cached, tmp, future in futures:
            pages, warnings = future.result()
            if warnings:
                tmp.unlink(missing_ok=True)
                failures += [f"  {job.path}：{message}" for message in warnings]
            else:
                cached.with_suffix(".pages").write_text(str(pages))
                os.replace(tmp, cached)
            st.advance()
    except BaseException:
        _kill_workers(pool)
        for _job, _cached, tmp, _future in futures:
            tmp.unlink(missing_ok=True)
        raise
    pool.shutdown()
    return failures


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    processes = list((pool._processes or {}).values())  # no public API lists them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=1)


@dataclass
class PendingHandout:
    """A handout the preview lists but has not rendered: rendered here when its link is opened."""

    job: Job
    digest: str
    base_url: str
    cache_dir: Path

    def render(self, target: Path) -> Path:
        """Render into the cache (unless another request did already) and copy to `target`."""
        cached = self.cache_dir / f"{self.digest}.pdf"
        if not _cached(self.cache_dir, self.digest):
            tmp = self.cache_dir / f"{self.digest}.{os.getpid()}.{threading.get_ident()}.tmp"
            pages, warnings = _render(self.job.html, self.base_url, str(tmp), self.job.epoch)
            if warnings:
                tmp.unlink(missing_ok=True)
                raise BuildError(f"生成讲义 {self.job.path} 时排版引擎报告了问题：" + "；".join(warnings))
            cached.with_suffix(".pages").write_text(str(pages))
            os.replace(tmp, cached)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        media.link_or_copy(cached, target)  # a link: the incremental build sees an unchanged PDF by its inode
        return target


def _cached(cache_dir: Path, digest: str) -> bool:
    pdf, pages = cache_dir / f"{digest}.pdf", cache_dir / f"{digest}.pages"
    if pdf.exists() and pages.exists():
        os.utime(pages)  # last used now: kept by _prune
        return True
    return False


def _prune(cache_dir: Path, keep: set[str]) -> None:
    """Drop cached PDFs no build has used for CACHE_DAYS (each content edit leaves an old one behind)."""
    limit = time.time() - CACHE_DAYS * 86400
    for pages in cache_dir.glob("*.pages"):
        digest = pages.stem
        try:
            if digest not in keep and pages.stat().st_mtime < limit:
                (cache_dir / f"{digest}.pdf").unlink(missing_ok=True)
                pages.unlink(missing_ok=True)
        except FileNotFoundError:  # another build pruned it first
            pass
