"""Stage 5: run MkDocs (Material theme) in strict mode on the staging docs folder.

MkDocs is driven through its Python API with the project's mkdocs.yml plus the
values that come from content/site.yml. Its warnings are collected and turned
into one Chinese error: in strict mode a warning fails the build.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Callable
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from campaignkit.common import fstree
from campaignkit.common.problems import WarningCollector
from campaignkit.content.kinds import KINDS
from campaignkit.render import templating
from campaignkit.website import engine_shares as mkdocs_shares
from campaignkit.website.engine_shares import MkDocsProblems


def help_strip(site: dict) -> dict:
    """What the strip at the top of every page offers: 119 and the committee's phone (tel: links)."""
    contact = site.get("contact") or {}
    phone = contact.get("phone") or ""
    return {
        "office": contact.get("office") or site["org"],
        "phone": phone,
        "tel": "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
    }


def settings(docs_dir: Path, site_dir: Path, site: dict, nav: list) -> dict:
    """What the kit sets on top of mkdocs.yml: values from site.yml, the folders, the navigation."""
    credits = site.get("credits") or {}
    footer = " · ".join(
        x
        for x in (
            f"供稿：{credits['contributor']}" if credits.get("contributor") else "",
            f"审核：{credits['reviewer']}" if credits.get("reviewer") else "",
            f"发布：{credits['publisher']}" if credits.get("publisher") else "",
            site.get("copyright") or "",
        )
        if x
    )
    base_url = site["base_url"] if site["base_url"].endswith("/") else site["base_url"] + "/"
    return dict(
        docs_dir=str(docs_dir),
        site_dir=str(site_dir),
        site_name=html.escape(site["title"]),
        site_url=base_url,
        site_description=html.escape(site["description"]),
        site_author=html.escape(site["org"]),
        copyright=html.escape(footer),
        nav=nav,
        # Item pages stay out of the navigation (it is copied into every page): reached from lists.
        not_in_nav="\n".join(f"/{folder}/*" for folder in KINDS),
        strict=True,
    )


class _NoDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may leave navigation stale; incremental.py rebuilds every
    page such a change reaches (and builds cleanly when the navigation or the theme changes)."""

    def filter(self, record):
        return "'dirty' build" not in record.getMessage()


def run_mkdocs(
    config_file: Path,
    docs_dir: Path,
    site_dir: Path,
    site: dict,
    nav: list,
    dirty: bool = False,
    jobs: int = 1,
    pages: int = 0,
    ready=None,
    meanwhile: Callable[[], None] = lambda: None,
) -> list[str]:
    """Build the site; return the URLs of its pages in MkDocs' build order (the search index's).

    `pages`: how many pages this build must write; with `jobs` > 1 and enough of them, the work
    is shared among processes (mkdocs_shares.py). `ready`: a workers.Warm child that did MkDocs'
    start-up work while the pages were written (mkdocs_shares.warm_up); it builds (a share).
    `meanwhile()`: work that needs nothing MkDocs writes, done while one worker builds (the
    other core is free then), else first."""
    run = partial(_build, config_file, docs_dir, site, nav)
    if jobs < 2 or pages < mkdocs_shares.MIN_PAGES:
        if ready is not None:
            return mkdocs_shares.in_worker(ready, partial(run, dirty=dirty), site_dir, meanwhile)
        meanwhile()
        return run(site_dir, dirty=dirty)
    meanwhile()
    return mkdocs_shares.build(partial(run, dirty=True), site_dir, min(jobs, pages // mkdocs_shares.MIN_PAGES), ready)


def _build(config_file: Path, docs_dir: Path, site: dict, nav: list, site_dir: Path, dirty: bool) -> list[str]:
    import jieba  # imported here so that its import-time log level is overridden below
    from mkdocs import exceptions
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for editors
    collector = WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(config_file), **settings(docs_dir, site_dir, site, nav))
        config.extra["help"] = help_strip(site)  # read by templates/overrides/main.html on every page
        quiet = _NoDirtyWarning()
        logging.getLogger("mkdocs.commands.build").addFilter(quiet)
        seen = []  # the build's own file collection: listing the docs folder again cost 0.5 s at 1,000 cases
        get_files = mkdocs_build.get_files
        mkdocs_build.get_files = lambda config: seen.append(get_files(config)) or seen[-1]
        try:
            with _docs_files_linked(docs_dir), _theme_templates_kept_compiled(), _theme_files_listed_ahead():
                mkdocs_build.build(config, dirty=dirty)
        finally:
            mkdocs_build.get_files = get_files
            logging.getLogger("mkdocs.commands.build").removeFilter(quiet)
        # File.url of the home page is "./"; the search index calls it "".
        order = ["" if f.url == "./" else f.url for f in seen[0].documentation_pages()]
    except (exceptions.Abort, exceptions.MkDocsException, SystemExit) as exc:
        raise MkDocsProblems(
            "网站生成失败（MkDocs 严格模式报告了问题），site/ 保持不变：", collector.messages or [str(exc)]
        ) from None
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous_level)
    if collector.messages:
        raise MkDocsProblems("网站生成时出现警告，site/ 保持不变：", collector.messages)
    return order


def warm_up(config_file: Path) -> None:
    """MkDocs' start-up work, done in a workers.Warm child while the pages are written: the
    imports, jieba's dictionary (mkdocs_shares.warm_up), and the theme's files."""
    mkdocs_shares.warm_up()
    _list_theme_files_ahead(config_file)


# The theme's files as MkDocs' Files.add_files_from_theme finds them, listed ahead by warm_up:
# ((theme folders, static templates), [(path, folder)]). Listing them walks Material's 10,000
# icons to keep 400 files: a fifth of a one-case rebuild's MkDocs time.
_theme_files: tuple[tuple, list[tuple[str, str]]] | None = None


def _theme_key(config) -> tuple:
    return tuple(config.theme.dirs), tuple(config.theme.static_templates)


def _list_theme_files_ahead(config_file: Path) -> None:
    global _theme_files
    import tempfile

    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # whatever the configuration says is said by the build itself
    try:
        with tempfile.TemporaryDirectory() as empty:  # the listing needs no docs; MkDocs wants a folder
            os.mkdir(os.path.join(empty, "docs"))
            config = load_config(
                config_file=str(config_file), docs_dir=os.path.join(empty, "docs"), site_dir=os.path.join(empty, "site")
            )
            found = Files([])
            found.add_files_from_theme(config.theme.get_env(), config)
    finally:
        logger.setLevel(level)
    _theme_files = (_theme_key(config), [(f.src_uri, f.src_dir) for f in found])


@contextmanager
def _theme_files_listed_ahead():
    """Files.add_files_from_theme from the list warm_up made, when the theme is the same."""
    from mkdocs.structure.files import File, Files

    original = Files.add_files_from_theme

    def add_files_from_theme(self: Files, env, config) -> None:
        if _theme_files is None or _theme_files[0] != _theme_key(config):
            return original(self, env, config)
        for path, folder in _theme_files[1]:
            if self.get_file_from_path(path) is None:  # theme files do not override docs files
                self.append(File(path, folder, config.site_dir, config.use_directory_urls))
        return None

    Files.add_files_from_theme = add_files_from_theme
    try:
        yield
    finally:
        Files.add_files_from_theme = original


@contextmanager
def _theme_templates_kept_compiled():
    """Material's templates compiled once and kept in Jinja's own bytecode cache, as the kit's are
    (templating.py): MkDocs makes a new theme environment each build and compiled 35 templates
    again, a fifth of a small rebuild's MkDocs time. Jinja checks each template's source against
    the cache, and the cache's name carries what else changes the compiled code (the versions of
    MkDocs, Material and Jinja, the theme's locale)."""
    import jinja2
    import material
    import mkdocs
    from mkdocs.theme import Theme

    original = Theme.get_env

    def get_env(self: Theme):
        env = original(self)
        env.bytecode_cache = templating.bytecode_cache(
            {
                "mkdocs": mkdocs.__version__,
                "material": getattr(material, "__version__", ""),
                "jinja2": jinja2.__version__,
                "locale": str(self.locale),
                "extensions": sorted(env.extensions),
            }
        )
        return env

    Theme.get_env = get_env
    try:
        yield
    finally:
        Theme.get_env = original


@contextmanager
def _docs_files_linked(docs_dir: Path):
    """The docs folder's photos, QR codes, share cards and PDFs (7,800 files at 1,000 cases) are
    hard-linked into the site, not copied as MkDocs does. They are links to caches already, whose
    files are replaced by rename and never written into, and everything that writes the site
    unlinks a file before writing it (incremental.py, theme_css.py); so no published file shares
    its bytes with a file that changes. Theme files (in the installed package) are still copied."""
    from mkdocs.structure.files import File

    original = File.copy_file
    root = os.path.join(os.path.abspath(docs_dir), "")

    def copy_file(self: File, dirty: bool = False) -> None:
        source = self.abs_src_path
        if self._content is not None or source is None or not source.startswith(root):
            return original(self, dirty)
        if dirty and not self.is_modified():
            return None
        dest = Path(self.abs_dest_path)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.unlink(missing_ok=True)
        fstree.link_or_copy(Path(source), dest)
        return None

    File.copy_file = copy_file
    try:
        yield
    finally:
        File.copy_file = original
