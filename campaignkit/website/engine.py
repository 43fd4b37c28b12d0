"""The site engine behind one boundary: everything of the kit that touches its internals is here.

The engine is MkDocs 1.6.1 (requirements.txt) or ProperDocs 1.6.7, its maintained continuation with
the same internals, when that is installed instead (`scripts/setup.sh --dev` makes .venv-properdocs
for tests/test_engine.py, which finds the two sites identical but for the generator line). The
kit's interface to it, used by the build (pipeline.py), the shares (engine_shares.py), the
incremental state (incremental.py) and the preview (preview_server.py):

- `check_versions()`: refuse, in Chinese, an engine or theme version the kit was not written for;
- `settings()`, `run_mkdocs()`, `warm_up()`: one strict build, its warnings turned into one Chinese
  error, under the engine's own loggers (`mkdocs.*` or `properdocs.*`);
- `versions()`: what a remembered build depends on;
- `live_reload_server()`: the engine's LiveReloadServer with public names for what the preview uses.

What the kit does to the engine during a build, and why:
- documented plugin events of the kit's own plugin (`_hooks_class`, added to the loaded configuration as
  a `hooks:` entry is): `on_files` keeps the build's file list (the page order of the search index)
  and, in a share process, points every file's `dest_dir` at the site folder; `on_env` gives
  Material's template environment Jinja's bytecode cache;
- three replacements, each declared with the function it replaces (common/replacements.py), put in
  place only for the length of a build and refused on any other engine version:
  `File.copy_file` (the docs folder's files hard-linked, not copied), `Files.add_files_from_theme`
  (the theme's files, listed by that very method in the worker made ready ahead) and, in share
  processes, `File.is_modified` (which files a share builds: engine_shares.py).
"""

from __future__ import annotations

import html
import importlib.util
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import cache, partial
from pathlib import Path

from campaignkit.common import fstree, replacements
from campaignkit.common.problems import WarningCollector
from campaignkit.content.kinds import KINDS
from campaignkit.render import templating
from campaignkit.website import engine_shares as mkdocs_shares
from campaignkit.website.engine_shares import MkDocsProblems


def _select_engine() -> str:
    """ProperDocs when it is installed (its import redirects every `mkdocs.*` import, Material's
    included, to `properdocs.*`, so it must come before any), else MkDocs."""
    if importlib.util.find_spec("properdocs") is not None:
        import properdocs.replacement  # noqa: F401

        return "properdocs"
    return "mkdocs"


PACKAGE = _select_engine()  # the engine's distribution, module and logger name
NAME = {"mkdocs": "MkDocs", "properdocs": "ProperDocs"}[PACKAGE]
THEME = "mkdocs-material"

_COPY_FILE = replacements.declare(
    PACKAGE, f"{PACKAGE}.structure.files.File.copy_file", "docs files are hard-linked into the site, not copied"
)
_IS_MODIFIED = replacements.declare(
    PACKAGE, f"{PACKAGE}.structure.files.File.is_modified", "a share process builds only its share's files"
)
_THEME_FILES = replacements.declare(
    PACKAGE,
    f"{PACKAGE}.structure.files.Files.add_files_from_theme",
    "the theme's files, listed by this very method in the worker made ready ahead (warm_up)",
)
_LIVE_RELOAD = replacements.declare(
    PACKAGE,
    f"{PACKAGE}.livereload.LiveReloadServer._serve_request（预览服务器继承并使用其内部成员）",
    "the preview serves its own pages, error page and mounts from the engine's server",
)


def check_versions(pdf: bool = True) -> None:
    """Refuse to build with an engine, theme (or, for PDFs, WeasyPrint) other than the pinned ones."""
    replacements.check([PACKAGE, THEME] + (["weasyprint"] if pdf else []))


def versions() -> dict[str, str]:
    """The engine's and the theme's versions (a remembered build is valid only for the same)."""
    return {PACKAGE: replacements.installed_version(PACKAGE) or "", THEME: replacements.installed_version(THEME) or ""}


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
    """Build the site; return the URLs of its pages in the engine's build order (the search index's).

    `pages`: how many pages this build must write; with `jobs` > 1 and enough of them, the work
    is shared among processes (engine_shares.py). `ready`: a workers.Warm child that did the
    engine's start-up work while the pages were written (warm_up); it builds (a share).
    `meanwhile()`: work that needs nothing the engine writes, done while one worker builds (the
    other core is free then), else first."""
    # The sitemap's dates come from SOURCE_DATE_EPOCH (pipeline.py sets it from the content): handed
    # to the build itself, since a worker made ready ahead was forked before it was set.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    run = partial(_build, config_file, docs_dir, site, nav, epoch=epoch)
    if jobs < 2 or pages < mkdocs_shares.MIN_PAGES:
        if ready is not None:
            return mkdocs_shares.in_worker(ready, partial(run, dirty=dirty), site_dir, meanwhile)
        meanwhile()
        return run(site_dir, dirty=dirty)
    meanwhile()
    warm_up(config_file)  # here, before the shares fork: jieba's dictionary and the theme's files once, not in every process
    return mkdocs_shares.build(partial(run, dirty=True), site_dir, min(jobs, pages // mkdocs_shares.MIN_PAGES), ready)


def _build(
    config_file: Path,
    docs_dir: Path,
    site: dict,
    nav: list,
    site_dir: Path,
    dirty: bool,
    share: mkdocs_shares.Share | None = None,
    epoch: str | None = None,
) -> list[str]:
    """One strict build into `site_dir`; `share`: only that share's files, written into its site
    folder; `epoch`: SOURCE_DATE_EPOCH for this build (None: as this process has it)."""
    with _source_date_epoch(epoch):
        return _strict_build(config_file, docs_dir, site, nav, site_dir, dirty, share)


@contextmanager
def _source_date_epoch(epoch: str | None) -> Iterator[None]:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if epoch is not None:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous


def _strict_build(
    config_file: Path,
    docs_dir: Path,
    site: dict,
    nav: list,
    site_dir: Path,
    dirty: bool,
    share: mkdocs_shares.Share | None,
) -> list[str]:
    import jieba  # imported here so that its import-time log level is overridden below
    from mkdocs import exceptions
    from mkdocs.commands import build as engine_build
    from mkdocs.config import load_config

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for editors
    collector = WarningCollector()
    logger = logging.getLogger(PACKAGE)
    logger.addHandler(collector)
    previous_level = logger.level
    logger.setLevel(logging.WARNING)
    quiet = _NoDirtyWarning()
    build_logger = logging.getLogger(f"{PACKAGE}.commands.build")
    build_logger.addFilter(quiet)
    try:
        config = load_config(config_file=str(config_file), **settings(docs_dir, site_dir, site, nav))
        config.extra["help"] = help_strip(site)  # read by templates/overrides/main.html on every page
        hooks = _hooks_class()(share)
        config.plugins["campaignkit"] = hooks  # what a `hooks:` entry of mkdocs.yml does with a module
        with ExitStack() as replaced:
            replaced.enter_context(_docs_files_linked(docs_dir))
            replaced.enter_context(_theme_files_listed_ahead())
            if share is not None:
                replaced.enter_context(_only_share(share))
            engine_build.build(config, dirty=dirty)
        # File.url of the home page is "./"; the search index calls it "".
        order = ["" if f.url == "./" else f.url for f in hooks.files.documentation_pages()]
    except (exceptions.Abort, exceptions.MkDocsException, SystemExit) as exc:
        raise MkDocsProblems(
            f"网站生成失败（{NAME} 严格模式报告了问题），site/ 保持不变：", collector.messages or [str(exc)]
        ) from None
    finally:
        build_logger.removeFilter(quiet)
        logger.removeHandler(collector)
        logger.setLevel(previous_level)
    if collector.messages:
        raise MkDocsProblems("网站生成时出现警告，site/ 保持不变：", collector.messages)
    return order


@cache
def _hooks_class() -> type:
    from mkdocs.plugins import BasePlugin, event_priority

    class Hooks(BasePlugin):
        """The kit's plugin events (documented MkDocs 1.6 events, ProperDocs' the same)."""

        def __init__(self, share: mkdocs_shares.Share | None):
            super().__init__()
            self.share = share
            self.files = None  # the build's file list, kept for the page order

        @event_priority(-100)  # after every other plugin: the list the build goes on with
        def on_files(self, files, config):
            self.files = files
            if self.share is not None and os.path.abspath(self.share.site_dir) != os.path.abspath(config.site_dir):
                # A share writes its pages and files straight into the site folder; what the engine
                # writes whatever it builds (404 page, sitemap, search index) goes to config.site_dir.
                for file in files:
                    file.dest_dir = str(self.share.site_dir)
            return files

        def on_env(self, env, config, files):
            """Material's templates kept compiled in Jinja's own bytecode cache, as the kit's are
            (templating.py): the engine makes a new theme environment each build, and compiled 35
            templates again. Jinja checks each template's source against the cache; the cache's
            name carries what else changes the compiled code (engine, theme and Jinja versions,
            the theme's locale, the extensions)."""
            import jinja2

            env.bytecode_cache = templating.bytecode_cache(
                {
                    **versions(),
                    "jinja2": jinja2.__version__,
                    "locale": str(config.theme.locale),
                    "extensions": sorted(env.extensions),
                }
            )
            return env

    return Hooks


def warm_up(config_file: Path | None = None) -> None:
    """What every engine process does first, done ahead in a workers.Warm child while the pages
    are written: the imports and jieba's dictionary (a second of CPU), which Material's search
    uses to cut Chinese text; and, given the configuration, the theme's files (_list_theme_files)."""
    import jieba
    import material.plugins.search.plugin  # noqa: F401
    import mkdocs.commands.build  # noqa: F401

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    if config_file is not None:
        _list_theme_files(config_file)


# The theme's files as the engine's Files.add_files_from_theme finds them, listed ahead by
# warm_up: ((theme folders, static templates), [(path, folder)]). The method walks the theme's
# 14,500 files (Material's icons) to keep 44, every build: a fifth of the engine's time in a
# one-case rebuild, done while the pages are written instead (tests/test_engine.py).
_theme_files: tuple[tuple, list[tuple[str, str]]] | None = None


def _theme_key(config) -> tuple:
    return tuple(config.theme.dirs), tuple(config.theme.static_templates)


def _list_theme_files(config_file: Path) -> None:
    """The engine's own add_files_from_theme, run on an empty file list with the build's
    configuration file (and a scratch docs folder: the listing reads none)."""
    global _theme_files
    import tempfile

    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    logger = logging.getLogger(PACKAGE)
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # whatever the configuration says, the build itself says it
    try:
        with tempfile.TemporaryDirectory() as empty:
            os.mkdir(os.path.join(empty, "docs"))
            config = load_config(
                config_file=str(config_file), docs_dir=os.path.join(empty, "docs"), site_dir=os.path.join(empty, "site")
            )
            found = Files([])
            found.add_files_from_theme(config.theme.get_env(), config)
    except Exception:  # the build loads the configuration itself and says what is wrong with it
        return
    finally:
        logger.setLevel(level)
    _theme_files = (_theme_key(config), [(f.src_uri, f.src_dir) for f in found if f.src_dir is not None])


@contextmanager
def _theme_files_listed_ahead() -> Iterator[None]:
    """Replaces Files.add_files_from_theme: the files warm_up listed, added as the method adds
    them (a docs file of the same path wins), when the theme folders are the same; else the
    method itself."""
    from mkdocs.structure.files import File, Files

    original = Files.add_files_from_theme
    listed = _theme_files

    def add_files_from_theme(self: Files, env, config) -> None:
        if listed is None or listed[0] != _theme_key(config):
            return original(self, env, config)
        for path, folder in listed[1]:
            if self.get_file_from_path(path) is None:
                self.append(File(path, folder, config.site_dir, config.use_directory_urls))
        return None

    with replacements.replaced(_THEME_FILES, Files, "add_files_from_theme", add_files_from_theme):
        yield


# ---- the replacements (declared above; each refused on another engine version) ------------------


@contextmanager
def _docs_files_linked(docs_dir: Path) -> Iterator[None]:
    """Replaces File.copy_file: the docs folder's photos, QR codes, share cards and PDFs (7,800
    files at 1,000 cases) are hard-linked into the site, not copied. They are links to caches
    already, whose files are replaced by rename and never written into, and everything that writes
    the site unlinks a file before writing it (incremental.py, theme_css.py); so no published file
    shares its bytes with a file that changes. Theme files (in the installed package) and files with
    content of their own (no source path) are copied by the engine as before."""
    from mkdocs.structure.files import File

    original = File.copy_file
    root = os.path.join(os.path.abspath(docs_dir), "")

    def copy_file(self: File, dirty: bool = False) -> None:
        source = self.abs_src_path  # None for a file with content of its own
        if source is None or not source.startswith(root):
            return original(self, dirty)
        if dirty and not self.is_modified():
            return None
        dest = Path(self.abs_dest_path)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.unlink(missing_ok=True)
        fstree.link_or_copy(Path(source), dest)
        return None

    with replacements.replaced(_COPY_FILE, File, "copy_file", copy_file):
        yield


@contextmanager
def _only_share(share: mkdocs_shares.Share) -> Iterator[None]:
    """Replaces File.is_modified (the rule the engine's own dirty builds use to skip a file): the
    files of `share` that are missing or older in the site folder (also when this share writes
    elsewhere), none of the other shares'."""
    from mkdocs.structure.files import File

    def is_modified(self: File) -> bool:
        if mkdocs_shares.share_of(self.src_uri, share.shares) != share.index:
            return False
        if self.abs_src_path is None:  # content of its own: always written, as the engine does
            return True
        dest = share.site_dir / self.dest_uri
        return not dest.is_file() or dest.stat().st_mtime < os.stat(self.abs_src_path).st_mtime

    with replacements.replaced(_IS_MODIFIED, File, "is_modified", is_modified):
        yield


# ---- the preview's server --------------------------------------------------------------------------


@cache
def live_reload_server() -> type:
    """The engine's LiveReloadServer (the server behind `mkdocs serve`: polling watcher, debounced
    rebuilds, requests held while a rebuild runs, the reload script) with public names for the
    members the preview uses. Subclass it and override `handle`."""
    replacements.check([PACKAGE])
    from mkdocs.livereload import LiveReloadServer

    class LiveReload(LiveReloadServer):
        def _serve_request(self, environ, start_response):
            return self.handle(environ, start_response)

        def handle(self, environ, start_response):
            """Answer a request (None: not found); by default as the engine's server does."""
            return self.serve_site(environ, start_response)

        def serve_site(self, environ, start_response):
            """The engine's own answer: the site's files, the reload poll."""
            return LiveReloadServer._serve_request(self, environ, start_response)

        def current_epoch(self) -> int:
            """Wait until no rebuild runs (never answer from a half-finished site); the site's version."""
            with self._epoch_cond:
                self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
                return self._visible_epoch

        @property
        def visible_epoch(self) -> int:
            return self._visible_epoch

        def with_reload_script(self, html_bytes: bytes, epoch: int) -> bytes:
            return self._inject_js_into_html(html_bytes, epoch)

        def content_type(self, path: str) -> str:
            return self._guess_type(path)

        def reload_pages(self) -> None:
            """Make the open pages reload without a rebuild, unless one is running (it reloads them)."""
            with self._epoch_cond:
                if self._visible_epoch == self._wanted_epoch:
                    self._visible_epoch = self._wanted_epoch = self._visible_epoch + 1
                    self._epoch_cond.notify_all()

        def start_rebuilding(self) -> threading.Thread:
            """Rebuild after each change, in a daemon thread, until shutdown()."""
            thread = threading.Thread(target=self._build_loop, daemon=True)
            thread.start()
            return thread

    logging.getLogger(f"{PACKAGE}.livereload").setLevel(logging.ERROR)  # its English log lines: ours are Chinese
    return LiveReload
