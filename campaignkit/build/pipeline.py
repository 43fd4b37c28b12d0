"""The build: load → validate → public view (with photos) → outputs → audit → publish.

The outputs are a declared list (`OUTPUTS`): each says what it writes and which safety
rules the audit applies to those files. Outputs before MkDocs write into the staging docs
folder, the ones after it into the finished site; the audit then reads the whole tree
with every output's rules, and only a clean tree is swapped into site/.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from campaignkit.build import incremental, publish
from campaignkit.checks.validate import Checked, remembered_verdicts, validate
from campaignkit.common import fstree, progress, timing, workers
from campaignkit.common.problems import BuildError, Problems
from campaignkit.content import photos as media
from campaignkit.content.kinds import KINDS
from campaignkit.content.load import Content, load_content, remembered_parses
from campaignkit.handouts import font_check as fonts
from campaignkit.handouts import kinds as handout_kinds
from campaignkit.handouts import page_images as handout_pages
from campaignkit.handouts import pdf_render as handouts
from campaignkit.render import output_audit as safety
from campaignkit.render import qrcodes
from campaignkit.view.campaign import Campaign, build_campaign
from campaignkit.website import engine as site
from campaignkit.website import feeds as feed
from campaignkit.website import markdown_pages as pages
from campaignkit.website import redirects, search_index, theme_css
from campaignkit.website import share_cards as share_images
from campaignkit.website import vendor_assets as vendor
from campaignkit.website.linked_files import SiteFiles
from campaignkit.website.share_cards import ShareImages
from campaignkit.wechat import articles as wechat
from campaignkit.wechat import charts as wechat_charts


@dataclass
class Build:
    """What one build run knows and what its outputs report back."""

    project: Path
    content_root: Path
    campaign: Campaign
    renditions: list
    docs: Path  # staging Markdown folder (MkDocs' docs_dir)
    out: Path  # the finished site before it is published
    # The site's photos, share cards and QR codes (FILE_FOLDERS), linked into the site beside
    # MkDocs; None: they go into the docs folder (rendering the docs alone, in tests).
    files: SiteFiles = None  # type: ignore[assignment]  # not given: made in __post_init__
    pdf: bool = True
    jobs: int = 1
    pending_pdfs: dict | None = None  # the preview server: list every handout, render none (handouts.render_all)
    made: list = field(default_factory=list)  # handouts
    nav: list = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)  # each page's Markdown by its path in docs
    counts: dict = field(default_factory=dict)
    share: ShareImages | None = None  # each page's share images, collected while pages are written
    articles: int = 0  # how many 公众号 articles were written (wechat.py)
    private: handout_kinds.Private | None = None  # what only the private paperwork may see
    private_dir: Path | None = None  # where it is written (never inside `out`)
    not_made: list[str] = field(default_factory=list)  # private paperwork that failed, by name (never blocks the site)
    kept: incremental.Incremental | None = None  # the state kept between builds (None: build everything)
    mkdocs_ready: workers.Warm | None = None  # a MkDocs process getting ready while pages are written
    beside_mkdocs: list = field(default_factory=list)  # outputs that run while MkDocs builds (Output.beside_mkdocs)
    memo_dir: Path | None = None  # where renders are remembered between builds (None: render everything)
    site_name: str = "site"  # the published folder's name, which the 公众号 export page links back to
    published_articles: Path | None = None  # the 公众号 articles' published folder (wechat/ beside the site)

    def __post_init__(self):
        if self.files is None:
            self.files = SiteFiles(self.docs)

    @property
    def templates(self) -> Path:
        return self.project / "templates"

    @property
    def cache(self) -> Path:
        return self.project / ".cache"

    @property
    def qr_cache(self) -> Path:
        """QR codes drawn once per URL, shared by the pages' download codes and the handouts."""
        return self.cache / "qr"


# DOCS: writes the staging docs; MKDOCS: turns them into the site; SITE: writes the site;
# BACKGROUND: made beside the others from the public view alone, into its own folder (Output.start_before).
DOCS, MKDOCS, SITE, BACKGROUND = "docs", "mkdocs", "site", "background"


@dataclass(frozen=True)
class Output:
    name: str  # shown in progress messages
    run: Callable[[Build], Any]  # a BACKGROUND output returns the handle of what it started
    phase: str = DOCS
    audit: tuple[safety.Rule, ...] = ()  # rules for the files it writes (paths in the finished site)
    # Writes nothing MkDocs reads: runs while MkDocs builds in its own process (site.run_mkdocs'
    # `meanwhile`), in its progress line; a one-case rebuild waited half a second for MkDocs.
    beside_mkdocs: bool = False
    # Where its time counts (timing.py, scripts/benchmark.py); by phase when None.
    stage: str | None = None
    # The site engine's worker (MkDocs, getting ready on the second core) is started before this
    # output: after the PDFs, whose workers use every core.
    warms_site_engine: bool = False
    # Made in the background from the public view alone (workers.Background on a second core): `run`
    # starts it and returns its handle; the build starts it just before the output whose name
    # `start_before(build)` gives, and takes its result before the audit.
    start_before: Callable[[Build], str] | None = None


PRIVATE_DIR = "private"  # beside site/: paperwork that is printed, never published


# The site's own files that no page's Markdown links and MkDocs has nothing to do with: photos,
# share cards, QR codes (7,800 at 1,000 cases). They are declared in Build.files and linked into
# the site beside MkDocs' output (_link_files), so MkDocs neither lists nor copies them, and an
# incremental build compares them by inode with the published ones (site_files.py).
FILE_FOLDERS = (media.FOLDER, share_images.FOLDER, qrcodes.FOLDER, wechat_charts.FOLDER)


def _photos(b: Build) -> None:
    media.copy_renditions(b.renditions, b.cache / "media", b.files)


def _handouts(b: Build) -> None:
    if b.pdf or b.pending_pdfs is not None:
        # Private paperwork only when PDFs are made: the preview (pending PDFs) has no link to it
        # and would render a notice per case for nothing (minutes at 1,000 cases).
        b.made = handouts.render_all(
            b.campaign,
            b.templates,
            b.docs,
            b.cache / "handouts",
            b.cache / "media",
            b.jobs,
            b.pending_pdfs,
            b.private_dir if b.pdf else None,
            b.private,
            qr_cache=b.qr_cache,
            not_made=b.not_made,
        )


def _pages(b: Build) -> None:
    public = [h for h in b.made if h.public]
    b.share = ShareImages(b.campaign.site, b.files)
    images = handout_pages.page_images(public, b.docs, b.cache / "handout-pages")
    b.nav = pages.write_docs(
        b.campaign,
        b.docs,
        b.templates,
        public,
        b.share,
        images,
        b.qr_cache,
        b.memo_dir / "pages.memo" if b.memo_dir else None,
        b.files,
        staged=b.pages,
    )
    b.counts["pages"] = len(b.share.cards)  # one share card a page
    vendor.copy_vendor_assets(b.docs / "assets" / "vendor")


def _share_images(b: Build) -> None:
    assert b.share is not None, "the pages collect the share images"
    b.share.render(b.cache / "share")


def _beside_mkdocs(b: Build) -> None:
    """The outputs that run while MkDocs builds (each in its own stage's time)."""
    waiting, b.beside_mkdocs = b.beside_mkdocs, []
    for output in waiting:
        with timing.stage(_stage(output)):
            output.run(b)


def _mkdocs(b: Build) -> None:
    if b.kept is None:
        with timing.stage("pages"):
            pages.write_files(b.pages, b.docs)
        site.run_mkdocs(
            b.project / "mkdocs.yml",
            b.docs,
            b.out,
            b.campaign.site,
            b.nav,
            jobs=b.jobs,
            pages=b.counts["pages"],
            ready=b.mkdocs_ready,
            meanwhile=lambda: _beside_mkdocs(b),
        )
        _beside_mkdocs(b)  # nothing left by now: run_mkdocs runs them on every path
        _link_files(b)
        _count_site_pages(b, fstree.files(b.out, skip=FILE_FOLDERS))
        return
    # Incremental: MkDocs reads the kept docs folder (unchanged files keep their mtime) and
    # builds only what changed into a tree of links to the published site (incremental.py).
    kept = b.kept
    with timing.stage("pages"):  # bookkeeping of the generated pages, not MkDocs' work
        kept.sync_docs(b.docs, b.pages)
        kept.prepare_site(b.out)
    timing.extra["mkdocs"] = {
        **site.settings(kept.docs, b.out, b.campaign.site, b.nav),
        "extra": {"help": site.help_strip(b.campaign.site)},
    }
    to_build = len(kept.rebuilt) if kept.dirty else b.counts["pages"]
    order = site.run_mkdocs(
        b.project / "mkdocs.yml",
        kept.docs,
        b.out,
        b.campaign.site,
        b.nav,
        dirty=kept.dirty,
        jobs=b.jobs,
        pages=to_build,
        ready=b.mkdocs_ready,
        meanwhile=lambda: _beside_mkdocs(b),
    )
    _beside_mkdocs(b)
    kept.complete_search_index(b.out, order)
    _link_files(b)
    made = fstree.files(b.out, skip=FILE_FOLDERS)
    kept.note_mkdocs_output(made)
    _count_site_pages(b, made)


def _link_files(b: Build) -> None:
    """The site's photos, share cards and QR codes into the site: the new tree's FILE_FOLDERS made
    the staged ones (links to the caches; in an incremental build the published links stay)."""
    b.files.link_into(b.out, FILE_FOLDERS)


def _count_site_pages(b: Build, files: list[str]) -> None:
    """For the progress line: the pages MkDocs' site has (one walk of the tree, shared)."""
    b.counts["site_pages"] = sum(1 for rel in files if rel.endswith(".html"))


def _redirects(b: Build) -> None:
    b.counts["redirects"] = redirects.write_redirects(b.campaign, b.out)


# The stage (timing.py, scripts/benchmark.py) an output's time counts in when it names none.
_PHASE_STAGES = {DOCS: "pages", MKDOCS: "mkdocs", SITE: "extras"}
ARTICLES = "公众号文章"


def _stage(output: Output) -> str:
    return output.stage or _PHASE_STAGES[output.phase]


OUTPUTS: tuple[Output, ...] = (
    Output("复制照片", _photos, stage="photos"),  # the renditions resized in 处理照片, into the site
    Output("讲义", _handouts, stage="handouts"),
    # The site's charts as PNG for the 公众号 articles: declared before the articles start.
    Output("图表图片", wechat_charts.run, stage="photos"),
    # Beside the site's stages: before the pages, or while MkDocs builds when the articles are
    # mostly remembered (then they are little work, and beside the pages they took the second core
    # from the MkDocs worker getting ready). Published into wechat/ beside site/, never inside it.
    Output(
        ARTICLES,
        lambda b: _start_articles(b),
        BACKGROUND,
        start_before=lambda b: "网站" if _articles_remembered(b) else "网页",
    ),
    Output("网页", _pages, stage="pages", warms_site_engine=True),
    Output("分享图", _share_images, beside_mkdocs=True),
    # MkDocs turns the staging folder into the site; its pages are audited as HTML.
    Output(
        "网站",
        _mkdocs,
        MKDOCS,
        audit=(
            ("**/*.html", safety.html_page),
            ("sitemap.xml", safety.xml_document),
            ("assets/qr/**/*.svg", safety.xml_document),
        ),
    ),
    Output(
        "订阅",
        lambda b: feed.write_feed(b.campaign, b.out),
        SITE,
        audit=((feed.PATH, safety.xml_document), (feed.RSS_PATH, safety.xml_document)),
    ),
    Output(
        "搜索索引", lambda b: search_index.finish(b.out, b.campaign.site), SITE, audit=((search_index.PATH, safety.search_index),)
    ),
    Output("旧网址跳转", _redirects, SITE, audit=(("**/index.html", safety.html_page),)),
    # Last: it reads every page and script the site has, and rewrites the pages' stylesheet links.
    Output(
        "精简样式",
        lambda b: theme_css.purge_site(b.out, b.memo_dir / "css.cache" if b.memo_dir else None, skip=FILE_FOLDERS),
        SITE,
    ),
)


def audit_rules() -> list[safety.Rule]:
    return [rule for output in OUTPUTS for rule in output.audit]


def audit(
    site_dir: Path, site_path: str = "/", kept: incremental.Incremental | None = None, everything: list[str] | None = None
) -> list[str]:
    """Every finding in a finished site by the rules its outputs declare (empty when safe);
    with `kept`, the same file audited before (its identity) is not read again. `everything`:
    the tree's files, when the caller has walked it already."""
    rules = audit_rules()
    if kept is not None:
        wrapped = {rule: _remembered(rule, kept, site_path) for _pattern, rule in rules}  # one per rule: audited once
        rules = [(pattern, wrapped[rule]) for pattern, rule in rules]
    return safety.audit_site(site_dir, rules, site_path, everything)


def _remembered(rule, kept: incremental.Incremental, site_path: str):
    def check(path: Path, rel: str, root: Path) -> list[str]:
        def run() -> list[str]:
            if rule is safety.search_index:
                return rule(path, rel, root, kept.clean_fragments)
            return rule(path, rel, root, site_path) if rule is safety.html_page else rule(path, rel, root)

        return kept.audited(f"{rule.__name__}@{site_path}", rel, path, run)

    return check


@contextmanager
def _no_cycle_collection():
    """Loading and validating make a few hundred thousand small dicts, lists and tuples that are
    kept and form no cycle: Python's cycle collector walked them again and again (15 % of the
    stage at 1,000 cases). It runs as usual after the block (and collects whatever cycles the
    explanations of a broken file left)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def load_and_validate(content_root: Path, include_drafts: bool, site_dir: Path | None = None) -> tuple[Content, Checked]:
    """`site_dir`: the last published site; none of its item URLs may be lost (continuity.py)."""
    with progress.stage("读取和检查内容", unit="个文件") as st, _no_cycle_collection():
        content, problems = load_content(content_root)
        checked, more = validate(content, include_drafts, site_dir=site_dir)
        problems.extend(more)
        problems.raise_if_any()
        for line in problems.warning_lines():  # worth a look, never blocking (a case's place that points at one enterprise)
            print(line, file=sys.stderr, flush=True)
        st.advance(1 + len(content.pages) + sum(len(content.items[k]) for k in KINDS))
    return content, checked


def public_view(
    project: Path, content_root: Path, include_drafts: bool = False, loaded: tuple[Content, Checked] | None = None
) -> tuple[Campaign, list]:
    """The public view with its photos resized (loading and validating first unless `loaded`);
    returns (campaign, the photo renditions to publish)."""
    content, checked = loaded or load_and_validate(content_root, include_drafts)
    problems = Problems()
    publisher = media.PhotoPublisher(content_root, project / ".cache" / "media", problems)
    with progress.stage("处理照片", unit="张") as st:
        campaign = build_campaign(content, checked, publisher)
        problems.raise_if_any()
        st.advance(publisher.photos)
        st.cached(publisher.from_cache)
    return campaign, publisher.published


def check(content_root: Path, include_drafts: bool = False, site_dir: Path | None = None) -> int:
    content, _ = load_and_validate(content_root, include_drafts, site_dir)
    return 1 + len(content.pages) + sum(len(content.items[k]) for k in KINDS)


@contextmanager
def _source_date_epoch(epoch: int):
    """Dates in MkDocs' sitemap and in PDFs come from the content, not the clock."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if previous is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def content_epoch(campaign: Campaign) -> int:
    """SOURCE_DATE_EPOCH from the newest content date: same content, same bytes."""
    day = dt.date.fromisoformat(campaign.latest_date)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def render_docs(b: Build) -> None:
    """The outputs that write the staging docs folder (photos, handouts, pages, share card)."""
    b.docs.mkdir(parents=True, exist_ok=True)
    for output in OUTPUTS:
        if output.phase == DOCS:
            output.run(b)
    pages.write_files(b.pages, b.docs)


# How many files an output wrote, for its progress line (the others report seconds only).
PROGRESS_COUNTS: dict[str, tuple[str, Callable[[Build], int]]] = {
    "网页": ("页", lambda b: b.counts["pages"]),
    "网站": ("页", lambda b: b.counts["site_pages"]),
}


def _run_output(output: Output, b: Build) -> None:
    unit, count = PROGRESS_COUNTS.get(output.name, ("", None))
    with progress.stage(output.name, unit=unit) as st:
        output.run(b)
        if count is not None:
            st.advance(count(b))


def build(
    project: Path,
    content_root: Path,
    site_dir: Path,
    include_drafts: bool = False,
    pdf: bool = True,
    jobs: int = 1,
    pending_pdfs: dict | None = None,
    published_site: Path | None = None,
    incremental_build: bool = True,
) -> str:
    """The full build; site_dir is replaced only if every stage succeeded and the audit is clean.

    `published_site`: the site whose URLs must stay reachable, when that is not site_dir itself
    (the preview and --drafts build elsewhere but must not lose what site/ published)."""
    site.check_versions(pdf)  # the replacements of engine and WeasyPrint functions are for these versions only
    site_dir = site_dir.resolve()
    base = site_dir.parent
    # A MkDocs process gets ready (imports, jieba's dictionary) on the second core: from the start
    # when no PDFs are made, else after them (their workers use every core).
    ready = _mkdocs_ready(project, jobs) if not pdf else None
    try:
        with publish.build_lock(base):
            return _build_locked(
                project,
                content_root,
                site_dir,
                base,
                include_drafts,
                pdf,
                jobs,
                pending_pdfs,
                published_site,
                incremental_build,
                ready,
            )
    finally:
        if ready is not None:
            ready.kill()


def _mkdocs_ready(project: Path, jobs: int) -> workers.Warm | None:
    """A MkDocs process getting ready on the second core, when there is one: the preview's too, so
    that its rebuilds run MkDocs as build.py's do (the preview's own process is warm, but busy with
    the pages meanwhile)."""
    return workers.Warm(partial(site.warm_up, project / "mkdocs.yml")) if jobs > 1 else None


def _build_locked(
    project, content_root, site_dir, base, include_drafts, pdf, jobs, pending_pdfs, published_site, incremental_build, ready
) -> str:
    """build()'s work, holding the build lock; `ready`: a MkDocs worker started ahead, or None."""
    with media.remembered_inspections(project / ".cache" / "media"):
        with (
            timing.stage("load+validate"),
            remembered_verdicts(project / ".cache" / "validation"),
            remembered_parses(project / ".cache" / "validation"),
        ):
            loaded = load_and_validate(content_root, include_drafts, published_site or site_dir)
        if pdf:
            missing = fonts.check_pdf_environment()
            if missing:
                raise BuildError("\n".join(missing) + "\n未生成网站，site/ 保持不变。")
        with timing.stage("model"):
            campaign, renditions = public_view(project, content_root, include_drafts, loaded)
    work = publish.workspace(base)
    sweeping = publish.empty_trash(base)
    background: dict[str, Any] = {}  # name -> handle of the outputs made in the background
    not_made: list[str] = []
    # What the build has made so far (the content, the public view: 120,000 objects at 1,000
    # cases) lives until it ends: the cycle collector leaves it out from here on, instead of
    # walking it again in every full collection of the page stage (0.05 s a build). Let go at the
    # end, for the preview server, which builds again in the same process.
    gc.freeze()
    try:
        b = Build(
            project,
            content_root,
            campaign,
            renditions,
            work / "docs",
            work / "site",
            SiteFiles(),
            pdf=pdf,
            jobs=jobs,
            pending_pdfs=pending_pdfs,
            private=_private_view(loaded, campaign.site, pdf and not include_drafts, not_made),
            private_dir=work / PRIVATE_DIR,
            not_made=not_made,
            memo_dir=incremental.folder_for(base, site_dir) if incremental_build else None,
            site_name=site_dir.name,
            published_articles=site_dir.parent / wechat.OUTPUT_DIR,
        )
        b.docs.mkdir(parents=True, exist_ok=True)
        with _source_date_epoch(content_epoch(campaign)):
            for output in OUTPUTS:
                if output.phase == BACKGROUND:
                    continue  # started at its place: below, before the output it names
                if output.warms_site_engine:
                    ready = b.mkdocs_ready = ready or _mkdocs_ready(project, jobs)
                for waiting in OUTPUTS:
                    if waiting.start_before and waiting.name not in background and waiting.start_before(b) == output.name:
                        background[waiting.name] = waiting.run(b)
                if output.phase == MKDOCS and incremental_build:  # the navigation is known now
                    b.kept = incremental.Incremental(
                        base, site_dir, incremental.inputs(project, campaign.site, b.nav), beside=FILE_FOLDERS
                    )
                if output.beside_mkdocs:
                    b.beside_mkdocs.append(output)
                    continue
                with timing.stage(_stage(output)):
                    _run_output(output, b)
        with progress.stage("审核和发布", unit="个文件") as st:
            # The photos, share cards and QR codes are the files the build declared (link_into left
            # nothing else in their folders): 7,800 files at 1,000 cases not walked again.
            everything = fstree.files(b.out, skip=FILE_FOLDERS) + sorted(b.files.sources)
            st.advance(len(everything))
            _audit_and_publish(b, site_dir, background[ARTICLES], everything)
            if pdf:
                try:
                    _replace_private(work / PRIVATE_DIR, base / PRIVATE_DIR)
                except OSError as exc:  # the site is published by now: say so, and what was not
                    not_made.append(f"内部文书没有放进 {PRIVATE_DIR}/：{exc}")
    finally:
        gc.unfreeze()
        for handle in background.values():
            handle.kill()  # finished by now unless the build stopped early
        if ready is not None:
            ready.kill()  # used by now, or not needed (a build that stopped early)
        with timing.stage("publish"):
            publish.discard(work, base)
            sweeping.join()
    timing.write()
    s = campaign.stats
    assert s is not None, "the public view counts the campaign"
    private_made = [h for h in b.made if not h.public]
    private_line = (
        (
            f"内部文书 {len(private_made)} 份（不发布，只在 {PRIVATE_DIR}/ 里）："
            + "、".join(
                f"{label} {sum(1 for h in private_made if h.kind_label == label)} 份"
                for label in dict.fromkeys(h.kind_label for h in private_made)
            )
            + "\n"
        )
        if private_made
        else ""
    )
    return BuildSummary(
        private_line
        + _not_made_lines(not_made)
        + (
            f"已生成网站 {site_dir.name}/：{len(campaign.cases)} 个案例、{len(campaign.enterprises)} 家企业、"
            f"{len(campaign.people)} 位人物、{len(campaign.lessons)} 节课程、{len(campaign.facilities)} 处设施、"
            f"{len(campaign.events)} 场活动、{len(b.made) - len(private_made)} 份讲义、{b.counts.get('redirects', 0)} 个旧网址跳转；"
            f"公众号文章 {b.articles} 篇在 {wechat.OUTPUT_DIR}/（打开 {wechat.OUTPUT_DIR}/index.html 预览和复制）。"
            f"巡查 {s.patrol_rounds} 轮，发现隐患 {s.hazards_found} 处，已整改 {s.rectified} 处。"
        ),
        not_made,
    )


class BuildSummary(str):
    """The closing summary of a build; `not_made` names the private paperwork that failed (the
    site and the articles were published all the same). The command line exits 1 when it is not empty."""

    not_made: list[str]

    def __new__(cls, text: str, not_made: list[str]):
        summary = super().__new__(cls, text)
        summary.not_made = list(not_made)
        return summary


def _not_made_lines(not_made: list[str]) -> str:
    if not not_made:
        return ""
    return f"有 {len(not_made)} 份内部文书没有生成（网站和公众号文章照常发布）：\n" + "".join(
        f"  - {line}\n" for line in not_made
    )


def _private_view(loaded: tuple[Any, Any], site: dict, assign: bool, not_made: list[str]) -> handout_kinds.Private:
    """What the private paperwork may see, with the notices' numbers (new ones assigned and written
    into their case files when `assign`: a build that makes PDFs, not a drafts build); when even
    that fails, no private paperwork (named in the summary) and the public site all the same."""
    try:
        numbers = handout_kinds.number_notices(*loaded, site, assign)
        return handout_kinds.private_view(*loaded, numbers)
    except Exception as exc:
        not_made.append(f"全部内部文书（整改通知书、告知书）：读取企业信息时出错（{type(exc).__name__}: {exc}）")
        return handout_kinds.Private()


def _audit_and_publish(b: Build, site_dir: Path, articles, everything: list[str]) -> None:
    with timing.stage("audit"):
        findings = audit(b.out, urlsplit(b.campaign.site["base_url"]).path, b.kept, everything)  # a site below /sub/ too
    if findings:
        shown = "\n".join(f"  - {f}" for f in findings[:20])
        more = f"\n  （另有 {len(findings) - 20} 处）" if len(findings) > 20 else ""
        raise BuildError(f"生成的网站里有不安全的内容，已停止发布，site/ 保持不变。请把这条信息发给技术人员：\n{shown}{more}")
    b.articles, findings = articles.result()
    articles_dir = b.out.parent / wechat.OUTPUT_DIR
    if findings:
        raise BuildError(
            "公众号文章不符合粘贴要求，已停止发布，site/ 保持不变。请把这条信息发给技术人员：\n"
            + "\n".join(f"  - {f}" for f in findings[:20])
        )
    with timing.stage("publish"):
        publish.swap_into_place(b.out, site_dir, b.kept.spare if b.kept is not None else None)
        if b.kept is not None:
            b.kept.commit()
        publish.swap_into_place(articles_dir, site_dir.parent / wechat.OUTPUT_DIR, _articles_spare(b) or publish.DISCARD)


class _Done:
    """A result computed in this process, with Background's interface."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value

    def kill(self) -> None:
        pass


def _articles_remembered(b: Build) -> bool:
    """Whether the articles are mostly remembered (memo.py) and so little work: then they are made
    while MkDocs builds in its worker (this process mostly waits meanwhile), not beside the pages,
    where they took the second core from the MkDocs worker getting ready and made MkDocs start late."""
    return b.memo_dir is not None and (b.memo_dir / "articles.memo").exists()


def _start_articles(b: Build):
    """The articles need only the public view: with a second core they are made beside the
    site's stages (workers.Background), else here and now."""
    articles_dir, site_name = b.out.parent / wechat.OUTPUT_DIR, b.site_name
    if b.jobs > 1:
        return workers.Background(_articles, b, articles_dir, site_name)
    return _Done(_articles(b, articles_dir, site_name))


def _articles(b: Build, articles_dir: Path, site_name: str) -> tuple[int, list[str]]:
    """公众号 articles: beside site/, never inside it (pasted into the 公众号, not published),
    audited by their own rules (inline styles allowed, no class, no script, absolute URLs).
    Returns how many were written and the audit's findings."""
    base_url = b.campaign.site["base_url"]
    # Remembered between builds (memo.py): each article with the reads it made, and which
    # fragments the audit found clean.
    writer = wechat.ArticleWriter(b.campaign, b.templates, b.memo_dir / "articles.memo" if b.memo_dir else None)
    written = wechat.render_articles(b.campaign, b.templates, writer)
    _articles_from_published(b, articles_dir)
    wechat.write_output(written, b.templates, articles_dir, base_url, site_name, b.files.source)
    clean = safety.KnownClean(writer.memo.known) if writer.memo is not None else None
    findings = safety.audit_site(articles_dir, list(wechat.audit_rules(base_url, clean)))
    if writer.memo is not None and clean is not None:
        writer.memo.known = clean.used
        writer.memo.save()
    return len(written), findings


def _articles_spare(b: Build) -> Path | None:
    """The articles' folder published before the current one, kept after the swap (incremental
    builds): the next build starts from it, as the site's does (incremental.py)."""
    return b.memo_dir / "wechat-spare" if b.memo_dir is not None else None


def _articles_from_published(b: Build, articles_dir: Path) -> None:
    """Start the new articles' folder as links to the published one (from the spare tree, which
    mostly links the same files already), so that write_output writes only what differs."""
    spare, published = _articles_spare(b), b.published_articles
    if spare is None or published is None or not published.is_dir():
        return
    if spare.is_dir() and not articles_dir.exists():
        os.replace(spare, articles_dir)
    fstree.sync_links(published, articles_dir)


def _replace_private(made: Path, target: Path) -> None:
    """Private paperwork (names enterprises, gives answers away) beside site/, never inside it."""
    if not made.exists():
        return
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    made.rename(target)
    target.chmod(0o700)  # only the account that builds can read it
    shutil.rmtree(old, ignore_errors=True)
