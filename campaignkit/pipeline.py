"""The build, stage by stage: load → validate → model → media → handouts → pages → MkDocs → publish."""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from . import extras, fonts, handout_kinds, handouts, media, pages, publish, site
from .load import KINDS, load_content
from .model import build_campaign
from .problems import BuildError, Problems
from .validate import validate

PROJECT_FILES = ("mkdocs.yml", "templates")
PRIVATE_DIR = "private"  # beside site/: paperwork that is printed, never published


def load_and_validate(content_root: Path, include_drafts: bool):
    content, problems = load_content(content_root)
    checked, more = validate(content, include_drafts)
    problems.extend(more)
    problems.raise_if_any()
    return content, checked


def check(content_root: Path, include_drafts: bool = False) -> int:
    content, _ = load_and_validate(content_root, include_drafts)
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


def build(project: Path, content_root: Path, site_dir: Path, include_drafts: bool = False,
          pdf: bool = True, jobs: int = 1) -> str:
    """The full build; site_dir is replaced only if every stage succeeded."""
    site_dir = site_dir.resolve()
    base = site_dir.parent
    with publish.build_lock(base):
        content, checked = load_and_validate(content_root, include_drafts)
        if pdf:
            missing = fonts.check_pdf_environment()
            if missing:
                raise BuildError("\n".join(missing) + "\n未生成网站，site/ 保持不变。")
        campaign = build_campaign(content, checked)
        work = publish.workspace(base)
        try:
            out = work / "site"
            with _source_date_epoch(extras.content_epoch(campaign)):
                private = handout_kinds.private_view(content, checked)
                made, nav = render_docs(project, content_root, campaign, work / "docs", pdf=pdf, jobs=jobs,
                                        private_dir=work / "private", private=private)
                site.run_mkdocs(project / "mkdocs.yml", work / "docs", out, campaign.site, nav)
                extras.write_feed(campaign, out)
                extras.compact_search_index(out)
                redirects = extras.write_redirects(campaign, out)
            publish.swap_into_place(out, site_dir)
            if pdf:
                _replace_private(work / "private", base / PRIVATE_DIR)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    s = campaign.stats
    private_made = [h for h in made if not h.public]
    private_line = (f"\n内部文书 {len(private_made)} 份（不发布，只在 {PRIVATE_DIR}/ 里）："
                    + "、".join(f"{label} {sum(1 for h in private_made if h.kind_label == label)} 份"
                               for label in dict.fromkeys(h.kind_label for h in private_made))) if private_made else ""
    return (f"已生成网站 {site_dir.name}/：{len(campaign.cases)} 个案例、{len(campaign.enterprises)} 家企业、"
            f"{len(campaign.people)} 位人物、{len(campaign.lessons)} 节课程、{len(campaign.facilities)} 处设施、"
            f"{len(campaign.events)} 场活动、{len(made)} 份讲义、{redirects} 个旧网址跳转。"
            f"巡查 {s.patrol_rounds} 轮，发现隐患 {s.hazards_found} 处，已整改 {s.rectified} 处。" + private_line)


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


def render_docs(project: Path, content_root: Path, campaign, docs: Path, pdf: bool = True, jobs: int = 1,
                private_dir: Path | None = None, private=None):
    """Photos, handouts and Markdown pages into the staging docs folder; returns (handouts, nav)."""
    templates, cache = project / "templates", project / ".cache"
    docs.mkdir(parents=True, exist_ok=True)
    problems = Problems()
    renditions = media.attach_renditions(campaign, content_root, cache / "media", problems)
    problems.raise_if_any()
    media.copy_renditions(renditions, cache / "media", docs)
    made = handouts.render_all(campaign, templates, docs, cache / "handouts", cache / "media", jobs,
                               private_dir, private) if pdf else []
    nav = pages.write_docs(campaign, docs, templates, [h for h in made if h.public])
    extras.share_card(campaign, docs / pages.DEFAULT_SHARE_IMAGE, fonts.font_file("Noto Sans CJK SC"))
    return made, nav
