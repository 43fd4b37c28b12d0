"""`build.py serve`: a live preview on 127.0.0.1 that rebuilds on every change and reloads the page.

Built on the site engine's LiveReloadServer (`engine.live_reload_server()`: mkdocs.livereload, the server behind `mkdocs serve`),
already pinned with MkDocs, so no new dependency:
- it watches with watchdog's *polling* observer, which also sees edits made from Windows to a
  project under /mnt/c in WSL 2, where inotify events never arrive;
- it waits until changes stop (debounce) before rebuilding and holds every page request while a
  rebuild runs, so the browser never gets a half-built site;
- it injects its long-poll reload script into each HTML page and answers the poll when a rebuild
  finished: the open page reloads by itself.

What this module adds:
- the rebuild is the kit's own pipeline (drafts included, PDFs listed but not rendered) into
  .build/preview/site, never site/;
- when the content has problems the rebuild "succeeds" into an error state: every HTML request
  gets a Chinese page listing each problem as `content/<file>:<line>: <field>: <message>` (the
  terminal prints the same), and the next good rebuild brings the pages back;
- a PDF link whose handout is not in the cache is rendered when it is opened;
- `mount()`: other features put their own pages on the same server (see Mount).
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
import os
import posixpath
import sys
import threading
import time
import traceback
import urllib.parse
import wsgiref.util
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from campaignkit.build import pipeline
from campaignkit.common import progress
from campaignkit.common.problems import BuildError, ContentError
from campaignkit.editing import clerk_words, print_check, request_guard
from campaignkit.website import engine

HOST = "127.0.0.1"  # loopback only; WSL 2 forwards Windows' localhost to it (docs/windows.md)
PREVIEW_DIR = Path(".build") / "preview"
WATCHED = ("templates", "mkdocs.yml")  # besides the content folder


# ---- the hook for other features ------------------------------------------------------------------


@dataclass(frozen=True)
class Mount:
    """Something another feature serves on the preview server, under its own URL prefix.

    Either `folder` (static files; `index.html` for a path ending in /) or `app`, a WSGI
    application called as app(environ, start_response) with environ["campaignkit.preview"] set
    to the running Preview (its last good model, problems, paths). HTML from either gets the
    live-reload script like the site's pages when `reload` is true.

        from campaignkit import serve
        serve.mount("/admin/", folder=decap_dist, title="内容编辑（Decap CMS）")
        serve.mount("/wechat/", app=wechat_export_app, title="公众号文章导出")
    """

    prefix: str
    folder: Path | None = None
    app: Callable | None = None
    title: str = ""
    reload: bool = True


MOUNTS: list[Mount] = []
# Modules that mount their pages when imported (each calls mount() at import time); start() imports them.
# Adding a feature to the preview is one line here, e.g. "campaignkit.editing.decap_config" or "campaignkit.wechat.articles".
EXTENSIONS: tuple[str, ...] = ()


def mount(prefix: str, *, folder: Path | None = None, app: Callable | None = None, title: str = "", reload: bool = True) -> Mount:
    """Register a Mount; call it at import time of your module, before `run` starts the server."""
    if (folder is None) == (app is None):
        raise ValueError("mount() needs exactly one of folder= or app=")
    prefix = "/" + prefix.strip("/") + "/"
    if any(m.prefix == prefix for m in MOUNTS):
        raise ValueError(f"{prefix} is already mounted")
    entry = Mount(prefix, Path(folder) if folder is not None else None, app, title, reload)
    MOUNTS.append(entry)
    return entry


# ---- one rebuild ------------------------------------------------------------------------------------


@dataclass
class Rebuild:
    """What one rebuild did: seconds per stage and in all, and the problems if it failed."""

    seconds: float
    stages: dict[str, float]
    problems: list[str] = field(default_factory=list)  # `content/<file>:<line>: <field>: <message>`
    forms: list[str | None] = field(default_factory=list)  # the form of each problem's item (clerk_words)
    error: str = ""  # a failure that is not a list of content problems (one Chinese paragraph)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.error


def rebuild_once(project: Path, content_root: Path, site_dir: Path, pending_pdfs: dict | None = None) -> Rebuild:
    """Rebuild the preview once, as the server does after an edit; never raises for bad content.

    The edit-to-visible benchmark calls this (plus the browser's reload) to time a rebuild."""
    reporter = progress.Reporter(quiet=True)
    previous = progress.current()
    progress.use(reporter)
    start = time.monotonic()
    problems: list[str] = []
    forms: list[str | None] = []
    error = ""
    try:
        # Every core, as build.py uses them: the 公众号 articles beside the pages, MkDocs in shares.
        pipeline.build(
            project,
            content_root,
            site_dir,
            include_drafts=True,
            pdf=False,
            jobs=os.cpu_count() or 1,
            pending_pdfs={} if pending_pdfs is None else pending_pdfs,
            published_site=project / "site",
        )
    except ContentError as exc:
        # in the forms' words: 涉及的企业（enterprise）, each with its item's form (the forms' companion page)
        problems = [str(clerk_words.for_forms(p)) for p in exc.problems]
        forms = [clerk_words.form_link(p) for p in exc.problems]
    except BuildError as exc:
        error = exc.message
    except Exception:  # a bug in the kit: the preview keeps running and says where the details are
        log = project / ".build" / "last-error.log"
        log.parent.mkdir(exist_ok=True)
        log.write_text(traceback.format_exc(), encoding="utf-8")
        error = f"预览程序内部出错（不是内容的问题），详细信息已写入 {log.relative_to(project)}，请发给技术人员。"
    finally:
        progress.use(previous)
    return Rebuild(time.monotonic() - start, {r.name: r.seconds for r in reporter.finished}, problems, forms, error)


# ---- the server -------------------------------------------------------------------------------------


class Preview:
    """The preview's state: where it builds, the last rebuild, the PDFs not rendered yet."""

    def __init__(self, project: Path, content_root: Path, out: Path | None = None):
        self.project = project
        self.content_root = content_root
        self.site_dir = (out or project / PREVIEW_DIR / "site").resolve()
        self.last: Rebuild | None = None
        self.pending: dict = {}  # site path → handouts.PendingHandout
        self.lock = threading.Lock()  # one rebuild or one PDF render at a time (both set SOURCE_DATE_EPOCH)
        self.print_check = print_check.PrintCheck(content_root, self.lock)  # edited items' one-page handouts drawn

    def rebuild(self) -> Rebuild:
        with self.lock:
            pending: dict = {}
            result = rebuild_once(self.project, self.content_root, self.site_dir, pending)
            if result.ok:
                self.pending = pending
            self.last = result
        _report(result)
        if result.ok:
            self.print_check.after_rebuild(pending, self.site_dir)  # in the background; the page reloads when done
        return result

    def render_pdf(self, rel: str) -> bool:
        """Render a listed handout the cache did not have; False when `rel` is none of them."""
        with self.lock:
            job = self.pending.get(rel)
            if job is None:
                return False
            target = self.site_dir / rel
            if not target.exists():
                print(f"[{_now()}] 生成讲义 {rel} …", file=sys.stderr, flush=True)
                job.render(target)
            return True


class PreviewServer(engine.live_reload_server()):  # type: ignore[misc]  # the engine's class, imported when needed
    """LiveReloadServer serving the preview folder, its error page, lazy PDFs and the mounts."""

    def __init__(self, preview: Preview, port: int, mount_path: str = "/"):
        self.preview = preview
        super().__init__(builder=preview.rebuild, host=HOST, port=port, root=str(preview.site_dir), mount_path=mount_path)
        self.error_handler = self._not_found

    def handle(self, environ, start_response) -> Iterable[bytes] | None:
        refused = request_guard.page_refusal(environ, HOST)  # a DNS-rebinding page names another host
        if refused:
            body = refused.encode("utf-8")
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
            return [body]
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        for entry in MOUNTS:
            if (path + "/").startswith(entry.prefix):
                return self._serve_mount(entry, path, environ, start_response)
        if path.startswith("/livereload/"):
            return self.serve_site(environ, start_response)
        epoch = self.current_epoch()  # as the engine does: never answer from a half-finished rebuild
        last = self.preview.last
        if last is not None and not last.ok and _is_page(path):
            return self._html(start_response, "200 OK", error_page(last, self.preview.print_check.all()), epoch)
        notices = self.preview.print_check.for_page(path[len(self.mount_path) :]) if _is_page(path) else []
        page = self.preview.site_dir / path[len(self.mount_path) :].lstrip("/") / "index.html"
        if notices and page.is_file():  # the print check's notices on the item's page
            return self._html(start_response, "200 OK", print_check.with_banner(page.read_text(encoding="utf-8"), notices), epoch)
        if (path + "/").startswith(self.mount_path) and path.endswith(".pdf"):
            rel = posixpath.normpath(path[len(self.mount_path) :]).lstrip("/")
            if not request_guard.same_site(environ):  # another site's page may not make the preview work
                body = "讲义只在预览自己的页面里打开时生成。".encode()
                start_response(
                    "403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
                )
                return [body]
            try:
                self.preview.render_pdf(rel)
            except BuildError as exc:
                return self._html(start_response, "200 OK", _page("讲义生成失败", f"<p>{html.escape(exc.message)}</p>"), epoch)
        return self.serve_site(environ, start_response)

    def _serve_mount(self, entry: Mount, path: str, environ, start_response):
        if entry.app is not None:
            environ["campaignkit.preview"] = self.preview
            if not entry.reload:
                return entry.app(environ, start_response)
            return self._reloading(entry.app, environ, start_response)
        assert entry.folder is not None, "a mount has a folder or an app (mount())"
        rel = posixpath.normpath("/" + path[len(entry.prefix) :]).lstrip("/")
        file = entry.folder / rel if rel not in ("", ".") else entry.folder
        if file.is_dir():
            if not path.endswith("/"):
                start_response("302 Found", [("Location", urllib.parse.quote(path) + "/")])
                return []
            file = file / "index.html"
        if not file.is_file():
            return None
        if entry.reload and file.suffix == ".html":
            return self._html(start_response, "200 OK", file.read_text(encoding="utf-8"), self.visible_epoch)
        start_response("200 OK", [("Content-Type", self.content_type(str(file))), ("Content-Length", str(file.stat().st_size))])
        return wsgiref.util.FileWrapper(open(file, "rb"))

    def _reloading(self, app, environ, start_response):
        """Run a mounted WSGI app; give its HTML responses the reload script."""
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda data: None

        body = b"".join(app(environ, capture))
        headers = captured.get("headers", [])
        if any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers):
            body = self.with_reload_script(body, self.visible_epoch)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(captured.get("status", "200 OK"), headers)
        return [body]

    def _html(self, start_response, status: str, text: str, epoch: int):
        body = self.with_reload_script(text.encode("utf-8"), epoch)
        start_response(
            status,
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")],
        )
        return [body]

    def _not_found(self, code: int) -> bytes | None:
        page = self.preview.site_dir / "404.html"
        if code == 404 and page.is_file():
            return self.with_reload_script(page.read_bytes(), self.visible_epoch)
        return None


def _is_page(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith(".html") or "." not in last


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>{html.escape(title)} · 预览</title>
<style>
body{{font-family:"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;
background:#fff8f6;color:#1f1f1f;line-height:1.7}}
main{{max-width:50rem;margin:0 auto;padding:1rem}}
h1{{font-size:1.3rem;color:#b71c1c;margin:.5rem 0}}
ol{{padding-left:1.4rem}} li{{margin:.4rem 0}}
code{{font-family:ui-monospace,"Noto Sans Mono CJK SC",monospace;font-size:.9rem;word-break:break-all;
background:#fff;border:1px solid #f0c8c0;border-radius:3px;padding:.1rem .3rem;display:inline-block}}
.note{{color:#555;font-size:.9rem}}
</style></head>
<body><main>
<h1>{html.escape(title)}</h1>
{body}
</main></body></html>
"""


def error_page(result: Rebuild, print_notices: Sequence[str] = ()) -> str:
    """The page every preview URL shows while the content has problems (and the print check's notices)."""
    if result.problems:
        with_forms = any(m.prefix == clerk_words.FORMS_PREFIX for m in MOUNTS)
        links = result.forms if with_forms and len(result.forms) == len(result.problems) else [None] * len(result.problems)
        items = "\n".join(
            f"<li><code>{html.escape(p)}</code>" + (f' <a href="{html.escape(link)}">打开表单修改</a>' if link else "") + "</li>"
            for p, link in zip(result.problems, links)
        )
        body = (
            f"<p>共发现 {len(result.problems)} 处问题，预览暂停更新。改好后保存文件，这一页会自动刷新。</p>\n<ol>\n{items}\n</ol>"
        )
    else:
        body = f"<p>{html.escape(result.error)}</p>".replace("\n", "<br>")
    body += f'\n<p class="note">{_now()} 重新生成时发现；正式网站 site/ 没有任何改动。</p>'
    if print_notices:
        body += "\n<h2>打印提示</h2>\n<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in print_notices) + "</ul>"
    return _page("内容有问题，预览暂停更新", body)


def _report(result: Rebuild) -> None:
    """The terminal's account of a rebuild: the same problems as the browser shows."""
    if result.ok:
        print(f"[{_now()}] 预览已更新（{result.seconds:.1f} 秒），浏览器会自动刷新。", file=sys.stderr, flush=True)
    elif result.problems:
        print("\n".join(result.problems), file=sys.stderr)
        print(
            f"[{_now()}] 共发现 {len(result.problems)} 处问题，浏览器里显示问题清单；改好后保存即可。",
            file=sys.stderr,
            flush=True,
        )
    else:
        print(result.error, file=sys.stderr, flush=True)


def _mount_path(project: Path, content_root: Path) -> str:
    """The path part of site.yml's base_url: pages link to /sub/assets/… when the site lives under /sub/."""
    try:
        from campaignkit.content.load import load_content

        content, _ = load_content(content_root)
        base = str(content.site.data.get("base_url") or "/") if content.site else "/"
    except Exception:  # a broken site.yml is reported by the first rebuild
        return "/"
    return urllib.parse.urlparse(base).path or "/"


def start(project: Path, content_root: Path, port: int = 8000, out: Path | None = None) -> PreviewServer:
    """Build once, then serve and watch in background threads (the tests drive this); returns the server."""
    for name in EXTENSIONS:
        importlib.import_module(name)
    preview = Preview(project, content_root, out)
    server = PreviewServer(preview, port, _mount_path(project, content_root))
    preview.print_check.on_change = lambda: _show_again(server)
    server.watch(str(content_root))
    for name in WATCHED:
        if (project / name).exists():
            server.watch(str(project / name))
    try:
        server.server_bind()
    except OSError as exc:
        server.server_close()
        raise BuildError(
            f"端口 {port} 用不了（{exc.strerror}）：可能已经有一个预览在运行。"
            f"请先关掉它，或换一个端口：build.py serve --port {port + 1}"
        ) from None
    server.server_activate()
    preview.rebuild()
    server.observer.start()
    server.serve_thread.start()
    server.build_thread = server.start_rebuilding()
    return server


def _show_again(server: PreviewServer) -> None:
    """Reload the open pages without a rebuild (the print check found something), unless one is running."""
    server.reload_pages()


def run(project: Path, content_root: Path, port: int = 8000) -> None:
    """`build.py serve`: until Ctrl-C."""
    print("正在生成预览（含草稿），第一次需要几秒钟……", file=sys.stderr, flush=True)
    server = start(project, content_root, port)
    print(
        f"预览地址：{server.url}\n"
        f"（在 WSL 2 里运行时，也用 Windows 的浏览器打开这个地址，或 http://localhost:{port}{server.mount_path}）\n"
        f"正在监视 {content_root.name}/、templates/、mkdocs.yml，保存后自动重新生成并刷新浏览器。按 Ctrl-C 停止。",
        file=sys.stderr,
        flush=True,
    )
    for entry in MOUNTS:
        print(f"  {entry.title or entry.prefix}：http://{HOST}:{port}{entry.prefix}", file=sys.stderr)
    try:
        while server.build_thread.is_alive():
            server.build_thread.join(timeout=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        progress.silence()
        server.shutdown()
    print("预览已停止（site/ 没有改动）。", file=sys.stderr, flush=True)


def stop(server: PreviewServer) -> None:
    server.shutdown(wait=True)
    server.build_thread.join(timeout=5)
