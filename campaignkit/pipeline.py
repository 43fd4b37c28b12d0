"""The build: load → validate → public view (with photos) → outputs → audit → publish.

The outputs are a declared list (`OUTPUTS`): each says what it writes and which safety
rules the audit applies to those files. Outputs before MkDocs write into the staging docs
folder, the ones after it into the finished site; the audit then reads the whole tree
with every output's rules, and only a clean tree is swapped into site/.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import feed, fonts, handout_kinds, handouts, media, pages, publish, redirects, safety, search_index, share_card, site
from .load import Content, load_content
from .model import Campaign, build_campaign
from .problems import BuildError, Problems
from .registry import KINDS
from .validate import Checked, validate


@dataclass
class Build:
    """What one build run knows and what its outputs report back."""

    project: Path
    content_root: Path
    campaign: Campaign
    renditions: list
    docs: Path  # staging Markdown folder (MkDocs' docs_dir)
    out: Path  # the finished site before it is published
    pdf: bool = True
    jobs: int = 1
    made: list = field(default_factory=list)  # handouts
    nav: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    private: handout_kinds.Private | None = None  # what only the private paperwork may see
    private_dir: Path | None = None  # where it is written (never inside `out`)

    @property
    def templates(self) -> Path:
        return self.project / "templates"

    @property
    def cache(self) -> Path:
        return self.project / ".cache"


DOCS, MKDOCS, SITE = "docs", "mkdocs", "site"


@dataclass(frozen=True)
class Output:
    name: str  # shown in progress messages
    run: Callable[[Build], None]
    phase: str = DOCS  # DOCS: writes the staging docs; MKDOCS: turns them into the site; SITE: writes the site
    audit: tuple[safety.Rule, ...] = ()  # rules for the files it writes (paths in the finished site)


PRIVATE_DIR = "private"  # beside site/: paperwork that is printed, never published


def _photos(b: Build) -> None:
    media.copy_renditions(b.renditions, b.cache / "media", b.docs)


def _handouts(b: Build) -> None:
    if b.pdf:
        b.made = handouts.render_all(b.campaign, b.templates, b.docs, b.cache / "handouts", b.cache / "media", b.jobs,
                                     b.private_dir, b.private)


def _pages(b: Build) -> None:
    b.nav = pages.write_docs(b.campaign, b.docs, b.templates, [h for h in b.made if h.public])


def _share_card(b: Build) -> None:
    share_card.share_card(b.campaign, b.docs / share_card.PATH, fonts.font_file("Noto Sans CJK SC"))


def _mkdocs(b: Build) -> None:
    site.run_mkdocs(b.project / "mkdocs.yml", b.docs, b.out, b.campaign.site, b.nav)


def _redirects(b: Build) -> None:
    b.counts["redirects"] = redirects.write_redirects(b.campaign, b.out)


OUTPUTS: tuple[Output, ...] = (
    Output("照片", _photos),
    Output("讲义", _handouts),
    Output("网页", _pages),
    Output("分享图", _share_card),
    # MkDocs turns the staging folder into the site; its pages are audited as HTML.
    Output("网站", _mkdocs, MKDOCS, audit=(("**/*.html", safety.html_page), ("sitemap.xml", safety.xml_document))),
    Output("订阅", lambda b: feed.write_feed(b.campaign, b.out), SITE,
           audit=((feed.PATH, safety.xml_document),)),
    Output("搜索索引", lambda b: search_index.compact_search_index(b.out), SITE,
           audit=((search_index.PATH, safety.search_index),)),
    Output("旧网址跳转", _redirects, SITE, audit=(("**/index.html", safety.html_page),)),
)


def audit_rules() -> list[safety.Rule]:
    return [rule for output in OUTPUTS for rule in output.audit]


def audit(site_dir: Path) -> list[str]:
    """Every finding in a finished site by the rules its outputs declare (empty when safe)."""
    return safety.audit_site(site_dir, audit_rules())


def load_and_validate(content_root: Path, include_drafts: bool, site_dir: Path | None = None) -> tuple[Content, Checked]:
    """`site_dir`: the last published site; none of its item URLs may be lost (continuity.py)."""
    content, problems = load_content(content_root)
    checked, more = validate(content, include_drafts, site_dir=site_dir)
    problems.extend(more)
    problems.raise_if_any()
    return content, checked


def public_view(project: Path, content_root: Path, include_drafts: bool = False,
                loaded: tuple[Content, Checked] | None = None) -> tuple[Campaign, list]:
    """The public view with its photos resized (loading and validating first unless `loaded`);
    returns (campaign, the photo renditions to publish)."""
    content, checked = loaded or load_and_validate(content_root, include_drafts)
    problems = Problems()
    publisher = media.PhotoPublisher(content_root, project / ".cache" / "media", problems)
    campaign = build_campaign(content, checked, publisher)
    problems.raise_if_any()
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


def build(project: Path, content_root: Path, site_dir: Path, include_drafts: bool = False,
          pdf: bool = True, jobs: int = 1) -> str:
    """The full build; site_dir is replaced only if every stage succeeded and the audit is clean."""
    site_dir = site_dir.resolve()
    base = site_dir.parent
    with publish.build_lock(base):
        loaded = load_and_validate(content_root, include_drafts, site_dir)
        if pdf:
            missing = fonts.check_pdf_environment()
            if missing:
                raise BuildError("\n".join(missing) + "\n未生成网站，site/ 保持不变。")
        campaign, renditions = public_view(project, content_root, include_drafts, loaded)
        work = publish.workspace(base)
        try:
            b = Build(project, content_root, campaign, renditions, work / "docs", work / "site", pdf=pdf, jobs=jobs,
                      private=handout_kinds.private_view(*loaded), private_dir=work / PRIVATE_DIR)
            b.docs.mkdir(parents=True, exist_ok=True)
            with _source_date_epoch(content_epoch(campaign)):
                for output in OUTPUTS:
                    output.run(b)
            findings = audit(b.out)
            if findings:
                shown = "\n".join(f"  - {f}" for f in findings[:20])
                more = f"\n  （另有 {len(findings) - 20} 处）" if len(findings) > 20 else ""
                raise BuildError("生成的网站里有不安全的内容，已停止发布，site/ 保持不变。"
                                 f"请把这条信息发给技术人员：\n{shown}{more}")
            publish.swap_into_place(b.out, site_dir)
            if pdf:
                _replace_private(work / PRIVATE_DIR, base / PRIVATE_DIR)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    s = campaign.stats
    private_made = [h for h in b.made if not h.public]
    private_line = (f"内部文书 {len(private_made)} 份（不发布，只在 {PRIVATE_DIR}/ 里）："
                    + "、".join(f"{label} {sum(1 for h in private_made if h.kind_label == label)} 份"
                               for label in dict.fromkeys(h.kind_label for h in private_made)) + "\n") if private_made else ""
    return private_line + (f"已生成网站 {site_dir.name}/：{len(campaign.cases)} 个案例、{len(campaign.enterprises)} 家企业、"
            f"{len(campaign.people)} 位人物、{len(campaign.lessons)} 节课程、{len(campaign.facilities)} 处设施、"
            f"{len(campaign.events)} 场活动、{len(b.made) - len(private_made)} 份讲义、{b.counts.get('redirects', 0)} 个旧网址跳转。"
            f"巡查 {s.patrol_rounds} 轮，发现隐患 {s.hazards_found} 处，已整改 {s.rectified} 处。")


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
