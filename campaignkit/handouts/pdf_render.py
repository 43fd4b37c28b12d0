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
import gc
import hashlib
import itertools
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from campaignkit.common import fstree, progress, workers
from campaignkit.common.problems import BuildError, WarningCollector
from campaignkit.content.enums import HAZARD, PATROL_EXTRA_CHECKS
from campaignkit.content.kinds import KINDS as CONTENT_KINDS
from campaignkit.content.markup import render_markdown
from campaignkit.handouts import font_check as fonts
from campaignkit.handouts import kinds as handout_kinds
from campaignkit.handouts import pdf_font_subsets as pdf_fonts
from campaignkit.handouts import pdf_stylesheets
from campaignkit.handouts.kinds import BY_KIND, CHARGING_ON_ONE_PAGE, FIT_LEVELS, KINDS, Private, charging_points
from campaignkit.render import qrcodes, templating
from campaignkit.view.campaign import Campaign, PublicItem

# Photos are downsampled to print resolution inside the PDF (the site keeps its 960 px renditions).
# Tagged PDF (structure for screen readers and reflow) costs ~2 % in size and nothing in time.
# PDF/UA-1: WeasyPrint's variant (tags, XMP identification) plus pdf_access.finish for the rest.
# The options must reach render() too: WeasyPrint reads dpi and jpeg_quality when it loads an image.
RENDER_OPTIONS = {"dpi": 200, "jpeg_quality": 82, "pdf_variant": "pdf/ua-1"}
CACHE_DAYS = 30  # a cached PDF no build has used for this long is deleted
# A laid-out WeasyPrint document is a web of reference cycles holding its decoded photos, freed only
# by a full garbage collection; with the stylesheet no longer parsed for each handout, a worker
# allocates too little for Python to run one often, and grew to ~730 MB. A collection every few
# renders (~60 ms, the worker's start-up objects frozen) keeps it at ~400 MB, as before.
COLLECT_EVERY = 4
_RENDERS = itertools.count(1)
LETTERS = "ABCDEFGHIJ"
CN_DIGITS = "〇一二三四五六七八九"
# Rows on the blank patrol form, one A4 landscape sheet printed on both sides: the front (under the
# heading and the checklist) and the back (rows numbered on, then the sheet's totals). A round of
# 81 enterprises and its findings (~110 rows) takes 5 sheets (it took 14 of 8 rows).
PATROL_ROWS = (9, 13)
FIRE_NUMBER = "119"  # printed on every handout with the committee's phone from site.yml
# The patrol form's checklist: the hazard kinds a case can have (same words as the cases), the
# other things patrols look for, then 其他 last. (code, name, what it looks like)
PATROL_HAZARDS = [
    (circled_number, name, what)
    for circled_number, (name, what) in zip(
        "①②③④⑤⑥⑦⑧⑨⑩",
        [(h.text, h.checklist) for h in HAZARD if h is not HAZARD.other]
        + list(PATROL_EXTRA_CHECKS)
        + [(HAZARD.other.text, HAZARD.other.checklist)],
    )
]


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
    public: bool = True
    fit: int = 0  # the layout kept (a one-page kind: 0 as written … DIGEST, texts clipped, "详见网页")

    @property
    def size_kb(self) -> float:
        return self.size / 1024

    @property
    def size_label(self) -> str:
        return f"{self.size / 1024:.0f} KB" if self.size < 1024 * 1024 else f"{self.size / 1024 / 1024:.1f} MB"


@dataclass
class Job:
    """One PDF to make: its HTML (one per fit level for one-page kinds) and what the site says about it."""

    kind: str
    kind_label: str
    item_kind: str
    item_id: str
    title: str
    path: str  # site-relative output path (private/-relative for a private kind)
    html: str
    date: str | None = None  # the newest content date the handout shows (its PDF dates)
    public: bool = True
    max_pages: int | None = None
    fallbacks: tuple[str, ...] = ()  # tighter layouts, tried in order when `html` overflows max_pages
    source: str = ""  # where the item lives, for a refusal: content/cases/x.yml
    overflow_hint: str = ""
    # The preview's jobs are drawn when their link is opened: () -> (html, fallbacks).
    draw: Callable[[], tuple[str, tuple[str, ...]]] | None = field(default=None, compare=False, repr=False)

    def drawn(self) -> Job:
        """This job with its HTML (drawn now if it was planned to be drawn later)."""
        if self.draw is None:
            return self
        html, fallbacks = self.draw()
        return replace(self, html=html, fallbacks=fallbacks, draw=None)

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
        for part in (
            self.html,
            *self.fallbacks,
            str(self.max_pages),
            fonts.fingerprint(),
            weasyprint.__version__,
            _finishing_fingerprint(),
            json.dumps(RENDER_OPTIONS, sort_keys=True),
            self.epoch,
        ):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()


@lru_cache(maxsize=1)
def _finishing_fingerprint() -> str:
    """The rendering and post-processing code and libraries: a change to them re-makes every PDF."""
    import pikepdf

    from campaignkit.handouts import pdf_ua as pdf_access  # (imported when PDFs are made: pikepdf is a fifth of the kit's start)

    h = hashlib.sha256(f"{pikepdf.__version__} {pdf_fonts.harfbuzz_version()}".encode())
    for module in (pdf_fonts, pdf_access, pdf_stylesheets):
        h.update(Path(str(module.__file__)).read_bytes())
    h.update(Path(__file__).read_bytes())  # the fit rules and the cutting of long lists are here too
    return h.hexdigest()


# ---- small helpers the templates call ----------------------------------------------------------


def qr_svg(url: str, cache_dir: Path | None = None) -> Markup:
    """The QR code as inline SVG (the same code as the page's downloadable QR); its <title> is the
    figure's alternative text in the tagged PDF."""
    return qrcodes.inline_svg(url, title=f"二维码：扫码打开 {url}", cache_dir=cache_dir)


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


def clip(value, limit: int) -> str:
    """A text cut to `limit` characters with "…" (the digest layout of a one-page format; the
    full text is on the web page its QR code opens)."""
    text = str(value or "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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


def agenda(lessons: list[PublicItem]) -> list[dict]:
    """The event's programme: each lesson with its time slot counted from the start (0:00)."""
    rows, start = [], 0
    for lesson in lessons:
        minutes = lesson["minutes"] or 0
        rows.append(
            {"lesson": lesson, "minutes": minutes, "start": _clock(start), "end": _clock(start + minutes) if minutes else ""}
        )
        start += minutes
    return rows


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def lesson_point(case: PublicItem) -> dict | None:
    """The one thing to remember from a case: the point of its lessons that speaks of *its* hazard.

    Key points first, then the lessons' 禁止 and 应该 lines. A point scores +1 for each word of the
    case's hazard that no other hazard uses (HAZARD words), -1 for each word only another hazard
    uses; a word shared by several hazards (拉线) scores only when nothing specific matched. The
    best score wins, the first written on a tie; a point about another hazard is never chosen
    when a neutral one exists."""
    candidates = [(p, lesson) for field in ("key_points", "donts", "dos") for lesson in case["lessons"] for p in lesson[field]]
    if not candidates:
        return None
    own = set(HAZARD[case["hazard"]].words)
    others = {w for h in HAZARD if h.text != case["hazard"] for w in h.words}
    unique, foreign, shared = own - others, others - own, own & others

    def score(text: str) -> tuple[int, int]:
        return (sum(w in text for w in unique) - sum(w in text for w in foreign), sum(w in text for w in shared))

    best = max(range(len(candidates)), key=lambda i: (score(candidates[i][0]), -i))
    point, lesson = candidates[best]
    return {"text": point, "lesson": lesson}


# Phrases in editors' text that point at the website; on paper they point at the sheet itself.
ON_PAPER = [
    (re.compile(r"(?:可以)?在本站[“\"‘']?充电去哪儿[”\"’']?(?:栏目)?里?查到"), "见本讲义“到哪儿充电”一栏"),
    (re.compile(r"在本站[“\"‘']?([^”\"’']{1,12})[”\"’']?(?:栏目)?里?(查到|查看|看到)"), r"扫二维码在网页版“\1”\2"),
]


def on_paper(html: str) -> Markup:
    """Editors' text as printed: references to "this site" rewritten for a reader holding paper."""
    text = str(html)
    for pattern, replacement in ON_PAPER:
        text = pattern.sub(replacement, text)
    return Markup(text)


# ---- planning: one Job (HTML string) per PDF ------------------------------------------------------


def environment(templates: Path, campaign: Campaign, media_dir: Path, qr_cache: Path | None = None) -> Environment:
    env = templating.environment(templates / "handouts")
    site = campaign.site
    base = site["base_url"].rstrip("/") + "/"
    css = (templates / "handouts" / "handout.css").read_text(encoding="utf-8")
    credits = site.get("credits") or {}
    credits_line = "　".join(
        f"{label}：{credits[key]}"
        for key, label in (("contributor", "供稿"), ("reviewer", "审核"), ("publisher", "发布"))
        if credits.get(key)
    )
    area = (site.get("area") or {}).get("name")
    env.filters.update(md_at=markdown_at, css_string=css_string, on_paper=on_paper, clip=clip)
    env.globals.update(
        site=site,
        campaign=campaign,
        css=Markup(css),
        qr=lambda url: qr_svg(url, qr_cache),
        online=lambda item_url: base + item_url,
        running_org=site["org"] + (f" · {area}" if area else ""),
        credits_line=credits_line,
        section_counter=SectionCounter,
        circled=circled,
        right_answers=right_answers,
        lesson_point=lesson_point,
        agenda=agenda,
        cn_number=cn_number,
        patrol_rows=PATROL_ROWS,
        patrol_hazards=PATROL_HAZARDS,
        charging_points=charging_points(campaign),
        charging_on_one_page=charging_points(campaign)[:CHARGING_ON_ONE_PAGE],
        charging_list_title=BY_KIND["charging"].label,
        fire_number=FIRE_NUMBER,
        patrol_fields=_field_names("patrols"),
        contact=site.get("contact") or {},
        stats=campaign.stats,
        LETTERS=LETTERS,
        digest_chars=handout_kinds.DIGEST_CHARS,
        digest_items=handout_kinds.DIGEST_ITEMS,
        digest_item_chars=handout_kinds.DIGEST_ITEM_CHARS,
        card_chars=handout_kinds.CARD_CHARS,
        photo_src=_photo_uri(media_dir),
    )
    return env


def _field_names(kind: str) -> dict[str, str]:
    """A content kind's field → its Chinese name (the schema's description), for printed forms."""
    return {key: spec.get("description", key) for key, spec in CONTENT_KINDS[kind].fields.items()}


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


def plan(
    campaign: Campaign,
    templates: Path,
    media_dir: Path,
    private: Private | None = None,
    qr_cache: Path | None = None,
    draw_later: bool = False,
    not_made: list[str] | None = None,
) -> list[Job]:
    """One Job per PDF, walking the declared kinds (handout_kinds.KINDS) in order. With
    `draw_later` (the preview) no HTML is drawn yet: each job draws its own when asked (Job.drawn).

    With `not_made`, a private kind that cannot be listed or drawn (whatever the reason) is
    reported there by name and left out: private paperwork never stops anything public."""
    env = environment(templates, campaign, media_dir, qr_cache)
    private = private or Private()
    area = (campaign.site.get("area") or {}).get("name") or ""
    common_keywords = [k for k in ("飞线充电", "电动自行车", "消防安全", area) if k]
    jobs: list[Job] = []
    paths: set[str] = set()
    for kind in KINDS:
        try:
            feeding = kind.items(campaign, private)
        except Exception as exc:
            if kind.public or not_made is None:
                raise
            not_made.append(f"{kind.label}：全部没有生成（{_reason(exc)}）")
            continue
        for planned in feeding:
            item = planned.item
            path = kind.path.format(id=planned.id or (item.id if item is not None else ""))
            if path in paths:  # two handouts at one path is a bug (an id clash), never an overwrite
                raise BuildError(f"两份讲义要写到同一个位置 {path}，请检查编号")
            paths.add(path)

            def draw(fit: int, kind=kind, planned=planned) -> str:
                return keep_tails(
                    env.get_template(kind.template).render(
                        kind_label=kind.label,
                        title=planned.title,
                        subject=planned.subject,
                        keywords=[k for k in common_keywords + planned.keywords if k],
                        date=planned.date,
                        qr_url=planned.qr_url,
                        fit=fit,
                        copyright_line=copyright_line(campaign.site, planned.date),
                        **planned.context,
                    )
                )

            levels = FIT_LEVELS if kind.max_pages else FIT_LEVELS[:1]

            def draw_all(draw=draw, levels=levels, page_chars=kind.page_chars) -> tuple[str, tuple[str, ...]]:
                htmls = [draw(fit) for fit in levels]
                if page_chars and visible_chars(htmls[0]) > page_chars:
                    # More text than any loose layout holds: straight to the digest (laying out pages
                    # of text in a flex box only to find it overflows took WeasyPrint minutes).
                    htmls = ["" for _ in htmls[:-1]] + htmls[-1:]
                return htmls[0], tuple(htmls[1:])

            job = Job(
                kind.kind,
                kind.label,
                item.folder if item is not None else "",
                item.id if item is not None else "",
                planned.title,
                path,
                "",
                planned.date,
                kind.public,
                kind.max_pages,
                (),
                item.source if item is not None else "",
                kind.overflow_hint,
                draw=draw_all,
            )
            if not draw_later:
                try:
                    job = job.drawn()
                except Exception as exc:
                    if kind.public or not_made is None:
                        raise
                    not_made.append(f"{not_made_name(job)}没有生成：{_reason(exc)}")
                    continue
            jobs.append(job)
    return jobs


_STYLE_OR_TAG = re.compile(r"<style\b.*?</style>|<[^>]*>", re.S)


def visible_chars(html: str) -> int:
    """The characters a handout's HTML prints (its tags, stylesheet and photos' data left out)."""
    return len(re.sub(r"\s+", "", _STYLE_OR_TAG.sub("", html)))


def not_made_name(job: Job) -> str:
    """How the closing summary names a handout that was not made: kind, title and where it comes from."""
    where = f"（{job.source}）" if job.source else ""
    return f"{job.kind_label}“{job.title}”{where}"


def _reason(exc: BaseException) -> str:
    """One line for a private document that failed: the kit's own Chinese message, else the error."""
    if isinstance(exc, BuildError):
        return exc.message.splitlines()[0]
    return f"生成程序出错（{type(exc).__name__}: {str(exc)[:200]}），请把这条信息发给技术人员"


# The last characters of a block's text, just before it closes: kept on one line, so no title ends
# in a widow (…三轮车充 / 电) and no paragraph in a last line of one or two characters.
_BLOCK_TAIL = re.compile(r"(?<=[^<>\s])([^<>&\s]{3})((?:</(?:span|b|strong|a)>)*</(?:p|li|h[1-6]|td|figcaption|blockquote)>)")


# Tags are matched whole first, so a long attribute (a photo's data: URI) is skipped in one step
# instead of being tried at each of its characters; a tail is never inside a tag anyway.
_TAG_OR_BLOCK_TAIL = re.compile(r"<[^>]*>|" + _BLOCK_TAIL.pattern)


def _keep(match: re.Match) -> str:
    return match.group(0) if match.group(1) is None else f'<span class="keep">{match.group(1)}</span>{match.group(2)}'


def keep_tails(html: str) -> str:
    body = html.find("<body")
    return html[:body] + _TAG_OR_BLOCK_TAIL.sub(_keep, html[body:])


def copyright_line(site: dict, date: str | None) -> str:
    """site.yml's copyright with its year set to the handout's own (a 2025 handout is not © 2023)."""
    text = site.get("copyright") or ""
    if date:
        text = re.sub(r"©\s*\d{4}(\s*[-–—]\s*\d{4})?", f"© {date[:4]}", text, count=1)
    return text


# ---- rendering -----------------------------------------------------------------------------------


def _render(
    html: str, base_url: str, target: str, epoch: str = "", max_pages: int | None = None, fallbacks: tuple[str, ...] = ()
) -> tuple[int, list[str]]:
    """Render one handout (in a worker process); return its page count and WeasyPrint's warnings.

    A one-page kind is laid out with `html`, then each tighter layout in `fallbacks`, until it
    fits `max_pages`; only the layout kept is written. The page count returned is that layout's."""
    pages, warnings, _level = _render_layout(html, base_url, target, epoch, max_pages, fallbacks)
    return pages, warnings


def _render_layout(
    html: str, base_url: str, target: str, epoch: str = "", max_pages: int | None = None, fallbacks: tuple[str, ...] = ()
) -> tuple[int, list[str], int]:
    """_render, also saying which layout was kept (0: `html`, n: `fallbacks[n - 1]`)."""
    from weasyprint import HTML

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    logger = logging.getLogger("weasyprint")
    collect = WarningCollector()
    logger.addHandler(collect)
    try:
        # The stylesheet parsed once per worker; fonts subset in one pass, since _finish compacts them.
        with pdf_stylesheets.reused(), pdf_fonts.one_pass_subsets():
            level = 0
            for candidate in (html, *fallbacks):
                if not candidate:  # a layout the plan knows cannot fit (too much text for its type size)
                    level += 1
                    continue
                document = HTML(string=candidate, base_url=base_url).render(**RENDER_OPTIONS)
                if max_pages is None or len(document.pages) <= max_pages:
                    break
                level += 1
            level = min(level, len(fallbacks))
            if max_pages is not None and len(document.pages) > max_pages and candidate and count_items(candidate):
                document = _fewer_items(candidate, base_url, max_pages, document)
            document.write_pdf(target, **RENDER_OPTIONS)
        _finish(target)
        pages = len(document.pages)
        del document
        if next(_RENDERS) % COLLECT_EVERY == 0:
            gc.collect()
    finally:
        logger.removeHandler(collect)
        if epoch:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
    return pages, collect.messages, level


_ITEM = re.compile(r"<!--item-->.*?<!--/item-->", re.S)
_GROUP = re.compile(r"<!--group-->(.*?)<!--/group-->", re.S)
_MORE = re.compile(r"<!--more:(.*?)-->", re.S)


def count_items(html: str) -> int:
    """The whole items a digest may cut (marked <!--item--> … <!--/item--> by its template)."""
    return len(_ITEM.findall(html))


def cut_items(html: str, keep: int) -> str:
    """The digest with only its first `keep` items (in their order), a group left empty taken out,
    and the template's "另有 {n} …，详见网页" line (hidden in <!--more:…-->) shown with the number left out."""
    total = count_items(html)
    if keep >= total:
        return html
    seen = itertools.count()
    html = _ITEM.sub(lambda m: m.group(0) if next(seen) < keep else "", html)
    html = _GROUP.sub(lambda m: m.group(0) if "<!--item-->" in m.group(1) else "", html)
    return _MORE.sub(lambda m: m.group(1).replace("{n}", str(total - keep)), html)


def _fewer_items(html: str, base_url: str, max_pages: int, overflowing):
    """The digest of a list of whole items (people on the 光荣榜, charging points) that still overflows:
    as many items as fit, found by bisection (each try one render), and how many more are on the web
    page. The overflowing document is kept if not even the first item fits (the build names it)."""
    from weasyprint import HTML

    best, low, high = None, 0, count_items(html) - 1  # all of them did not fit
    while low <= high:
        keep = (low + high) // 2
        document = HTML(string=cut_items(html, keep), base_url=base_url).render(**RENDER_OPTIONS)
        if len(document.pages) <= max_pages:
            best, low = document, keep + 1
        else:
            high = keep - 1
    return best if best is not None else overflowing


def _finish(target: str) -> None:
    """Compact fonts and complete PDF/UA in place; the file id is derived from the content."""
    import pikepdf

    from campaignkit.handouts import pdf_ua as pdf_access

    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        pdf_fonts.compact_fonts(pdf)
        pdf_access.finish(pdf)
        pdf.save(target, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def render_all(
    campaign: Campaign,
    templates: Path,
    docs_dir: Path,
    cache_dir: Path,
    media_dir: Path,
    jobs: int = 1,
    pending: dict | None = None,
    private_dir: Path | None = None,
    private: Private | None = None,
    qr_cache: Path | None = None,
    not_made: list[str] | None = None,
) -> list[Handout]:
    """Render (or take from the cache) every handout: public ones into docs_dir, private ones into
    private_dir (none when it is not given); return them all, each saying whether it is public.
    QR codes are drawn once per URL into `qr_cache` when it is given.

    With `pending` (the preview server) nothing public is rendered: cached PDFs are copied, the
    others are listed with 0 pages and left in `pending` (site path → PendingHandout) to render
    when their link is opened. Private paperwork is never pending (the preview has no link to it).

    With `not_made` (the build), a private document that fails for any reason is named there and
    left out; everything public is still made. Without it, any failure stops (BuildError)."""
    missing = fonts.check_pdf_environment()
    if missing:
        raise BuildError("\n".join(missing))
    planned = [
        job
        for job in plan(campaign, templates, media_dir, private, qr_cache, pending is not None, not_made)
        if job.public or private_dir is not None
    ]
    cache_dir.mkdir(parents=True, exist_ok=True)
    if pending is not None:
        # The preview: public handouts are drawn, looked up in the cache and rendered only when
        # their link is opened (drawing them all took 4-5 s at 1,000 cases, on every edit).
        pending.update({job.path: PendingHandout(job, str(templates / "handouts"), cache_dir) for job in planned if job.public})
        planned = [job if job.public else job.drawn() for job in planned]
    now = [job for job in planned if pending is None or job.path not in pending]
    digests = {job.path: job.digest() for job in now}
    todo = [job for job in now if not _cached(cache_dir, digests[job.path])]
    todo.sort(key=lambda job: len(job.html), reverse=True)  # longest first: workers finish together
    with progress.stage("生成讲义", total=len(planned), unit="份") as st:
        st.cached(len(planned) - len(todo) - len(pending or ()))
        st.advance(len(planned) - len(todo))
        failures, overflows = _render_in_workers(todo, digests, str(templates / "handouts"), cache_dir, jobs, st)
        later = f"，{len(pending)} 份打开时再生成" if pending else ""
        st.say(
            f"讲义：共 {len(planned)} 份，新生成 {len(todo)} 份，"
            f"{len(planned) - len(todo) - len(pending or ())} 份未变化沿用缓存{later}。"
        )
    if not_made is not None:  # private paperwork that failed: named, left out, nothing public waits for it
        dropped = {job.path for job, _ in failures + overflows if not job.public}
        not_made += [f"{not_made_name(job)}没有生成：{message}" for job, message in failures + overflows if not job.public]
        failures = [(job, message) for job, message in failures if job.public]
        overflows = [(job, message) for job, message in overflows if job.public]
        planned = [job for job in planned if job.path not in dropped]
    if failures:
        raise BuildError(
            "生成讲义时排版引擎报告了问题（是排版模板或图片的问题，不是内容格式的问题），"
            "这些讲义没有生成，请把下面的信息发给技术人员：\n"
            + "\n".join(f"  {job.path}：{message}" for job, message in failures)
            + "\n未生成网站，site/ 保持不变。"
        )
    if overflows:
        raise BuildError(
            "\n".join(message for _job, message in overflows)
            + f"\n共 {len(overflows)} 份一页的讲义排不下，未生成网站，site/ 保持不变。"
        )
    handouts = []
    for job in planned:
        if pending is not None and job.path in pending:
            handouts.append(Handout(job.kind, job.kind_label, job.item_kind, job.item_id, job.title, job.path, 0, 0))
            continue
        cached = cache_dir / f"{digests[job.path]}.pdf"
        folder = docs_dir if job.public else private_dir
        assert folder is not None, "private handouts are planned only with a private folder"
        target = folder / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        fstree.link_or_copy(cached, target)
        pages, level = _pages_and_level(cached)
        handouts.append(
            Handout(
                job.kind,
                job.kind_label,
                job.item_kind,
                job.item_id,
                job.title,
                job.path,
                pages,
                target.stat().st_size,
                job.public,
                level,
            )
        )
    if pending is None:  # the preview does not know every digest: it never prunes
        _prune(cache_dir, set(digests.values()))
    return handouts


def _render_in_workers(
    todo: list[Job], digests: dict, base_url: str, cache_dir: Path, jobs: int, st
) -> tuple[list[tuple[Job, str]], list[tuple[Job, str]]]:
    """Render `todo` in worker processes into the cache; return WeasyPrint's complaints (and a
    private document's errors) and the one-page formats that did not fit even in their tightest
    layout, each with its job.

    On Ctrl-C (or any error) the workers are killed at once: ProcessPoolExecutor's own shutdown
    would wait for every running render (seconds each) before the build could stop."""
    failures: list[tuple[Job, str]] = []
    overflows: list[tuple[Job, str]] = []
    if not todo:
        return failures, overflows
    pool = workers.pool(min(jobs, len(todo)), freeze=True)
    try:
        futures = []
        for job in todo:
            cached = cache_dir / f"{digests[job.path]}.pdf"
            tmp = cache_dir / f"{digests[job.path]}.{os.getpid()}.tmp"
            futures.append(
                (
                    job,
                    cached,
                    tmp,
                    pool.submit(_render_layout, job.html, base_url, str(tmp), job.epoch, job.max_pages, job.fallbacks),
                )
            )
        for job, cached, tmp, future in futures:
            try:
                pages, warnings, level = future.result()
            except Exception as exc:  # a private document's error is reported; a public one's stops the build
                if job.public:
                    raise
                tmp.unlink(missing_ok=True)
                failures.append((job, _reason(exc)))
                st.advance()
                continue
            if warnings:
                tmp.unlink(missing_ok=True)
                failures += [(job, message) for message in warnings]
            elif job.max_pages and pages > job.max_pages:
                tmp.unlink(missing_ok=True)
                overflows.append((job, overflow_message(job, pages)))
            else:
                cached.with_suffix(".pages").write_text(f"{pages} {level}")
                os.replace(tmp, cached)
            st.advance()
    except BaseException:
        workers.kill(pool)
        for _job, _cached, tmp, _future in futures:
            tmp.unlink(missing_ok=True)
        raise
    pool.shutdown()
    return failures, overflows


@dataclass
class PendingHandout:
    """A handout the preview lists but has not rendered: rendered here when its link is opened."""

    job: Job  # drawn when its link is opened
    base_url: str
    cache_dir: Path
    fit: int = 0  # the layout kept, once rendered (DIGEST: texts clipped)

    def render(self, target: Path) -> Path:
        """Draw, then take from the cache or render into it (unless another request did already),
        and copy to `target`."""
        job = self.job.drawn()
        digest = job.digest()
        cached = self.cache_dir / f"{digest}.pdf"
        if not _cached(self.cache_dir, digest):
            tmp = self.cache_dir / f"{digest}.{os.getpid()}.{threading.get_ident()}.tmp"
            pages, warnings, level = _render_layout(job.html, self.base_url, str(tmp), job.epoch, job.max_pages, job.fallbacks)
            if warnings:
                tmp.unlink(missing_ok=True)
                raise BuildError(f"生成讲义 {self.job.path} 时排版引擎报告了问题：" + "；".join(warnings))
            cached.with_suffix(".pages").write_text(f"{pages} {level}")
            os.replace(tmp, cached)
        self.fit = _pages_and_level(cached)[1]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        fstree.link_or_copy(cached, target)  # a link: the incremental build sees an unchanged PDF by its inode
        return target


def overflow_message(job: Job, pages: int) -> str:
    """content/cases/x.yml: 案例警示单“…”排成了 2 页（只能 1 页）…: the item, the limit and what to cut."""
    where = job.source or job.path
    hint = f"请删减{job.overflow_hint}" if job.overflow_hint else "请删减内容"
    return f"{where}: {job.kind_label}“{job.title}”用最紧凑的排法也要 {pages} 页，只能 {job.max_pages} 页。{hint}后再生成。"


def _pages_and_level(cached: Path) -> tuple[int, int]:
    """A cached PDF's page count and the layout kept (written beside it as "pages level")."""
    numbers = [int(x) for x in cached.with_suffix(".pages").read_text().split()]
    return numbers[0], numbers[1] if len(numbers) > 1 else 0


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
